"""MAR grids: pipe tables whose header names their columns ("Date | Time | Dose | Route").

A row's cells are read by the header's column, so a giving is read from the "Dose" or "Given"
cell of its own row and a "HELD" or "refused" row records none. The column names and the
not-given words are in data/extract_cues.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from docreview.data_files import ExtractCuesFile, data_file_as
from docreview.note.phrases import alternation


@dataclass(frozen=True)
class GridWords:
    given: frozenset[str]
    dose: frozenset[str]
    when: frozenset[str]
    not_given: re.Pattern[str]


@lru_cache(maxsize=1)
def grid_words() -> GridWords:
    cues = data_file_as("extract_cues.json", ExtractCuesFile)
    return GridWords(frozenset(cues.grid_given_headers), frozenset(cues.grid_dose_headers), frozenset(cues.grid_when_headers),
                     re.compile(rf"(?<![\w'/]){alternation(cues.grid_not_given)}(?![\w'/])", re.IGNORECASE))


def next_row(text: str, pos: int) -> tuple[int, int]:
    """The line at `pos`, past one blank line: a double-spaced grid is still one grid."""
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    if not text[pos:end].strip() and end < len(text):
        pos, end = end + 1, text.find("\n", end + 1)
        end = len(text) if end < 0 else end
    return pos, end


# Cells of a table aligned by spaces: apart by two or more spaces or a tab.
_ALIGNED_GAP_RE = re.compile(r"[ \t]{2,}|\t")


def cell_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A line's cells: between pipes in a pipe table, else the runs of text that two or more spaces
    (or a tab) part, as in a MAR printed in columns ("04/08/25 0712  2 mg   SC L abd")."""
    spans: list[tuple[int, int]] = []
    if "|" in text[start:end]:
        pos = start
        for cell in text[start:end].split("|"):
            spans.append((pos, pos + len(cell)))
            pos += len(cell) + 1
        return spans
    pos = start
    for gap in _ALIGNED_GAP_RE.finditer(text, start, end):
        if gap.start() > pos:
            spans.append((pos, gap.start()))
        pos = gap.end()
    if pos < end and text[pos:end].strip():
        spans.append((pos, end))
    return spans


def cells(text: str, start: int, end: int) -> list[str]:
    """A line's cells, as written (a grid row has at least three)."""
    return [text[a:b] for a, b in cell_spans(text, start, end)]


def column(header: list[str], names: frozenset[str]) -> int | None:
    """The index of the header cell that is one of `names`."""
    return next((k for k, c in enumerate(header) if c.strip().lower() in names), None)


def cell_under(text: str, header: tuple[int, int], k: int, row: tuple[int, int]) -> tuple[int, int]:
    """Where the row's cell under header cell `k` lies: the k-th cell of a pipe table's row; in a
    table aligned by spaces, the row's cells that start below that header cell (before the next)."""
    row_cells = cell_spans(text, *row)
    if "|" in text[header[0] : header[1]]:
        return row_cells[k] if k < len(row_cells) else (row[1], row[1])
    heads = [a - header[0] for a, _ in cell_spans(text, *header)]
    lo, hi = heads[k], heads[k + 1] if k + 1 < len(heads) else None
    under = [(a, b) for a, b in row_cells if lo - 2 <= a - row[0] and (hi is None or a - row[0] < hi - 2)]
    return (under[0][0], under[-1][1]) if under else (row[1], row[1])


def not_given(text: str, start: int, end: int) -> bool:
    """The stretch says the dose was not given ("HELD - plt 48K", "refused")."""
    return bool(grid_words().not_given.search(text, start, end))
