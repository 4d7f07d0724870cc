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


def cells(text: str, start: int, end: int) -> list[str]:
    """A line's cells, as written (a grid row has at least three)."""
    return text[start:end].split("|")


def column(header: list[str], names: frozenset[str]) -> int | None:
    """The index of the header cell that is one of `names`."""
    return next((k for k, c in enumerate(header) if c.strip().lower() in names), None)


def cell_span(start: int, row: list[str], k: int) -> tuple[int, int]:
    """Where cell `k` of the row that starts at `start` lies in the note."""
    cell_start = start + sum(len(c) + 1 for c in row[:k])
    return cell_start, cell_start + (len(row[k]) if k < len(row) else 0)


def not_given(text: str, start: int, end: int) -> bool:
    """The stretch says the dose was not given ("HELD - plt 48K", "refused")."""
    return bool(grid_words().not_given.search(text, start, end))
