"""Annotate once: scans of the whole note that later stages look up by span.

Route words, amounts and calendar dates are found in one pass over the note, tokens and ConText modifiers once
per sentence (on first use), over the note's one sentence split. Attachment, order confirmation, MAR rows and doses then ask
`routes_in(start, end)` / `amounts_in(start, end)` / `context(sentence)` instead of scanning
the text again; and since every match was made on the whole note, a span's edge never cuts a
word or a strength in two.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache

from docreview.data_files import AmountCuesFile, data_file_as
from docreview.note.amounts import Amount, find_amounts
from docreview.note.context import Modifier, find_modifiers
from docreview.note.dates import DateMention, DayMarker, date_headings, find_dates, find_day_markers, note_days
from docreview.note.phrases import alternation
from docreview.note.text import SectionSpan, Sentence, Token, section_at, tokens
from docreview.note.vocab import RouteMatch, route_vocabulary


@lru_cache(maxsize=1)
def _removed_before() -> re.Pattern[str]:
    """Fluid taken out of the patient, never a dose of a drug: "after aspiration of 10 mL clear fluid",
    "EBL 50 mL", "drained 200 mL", "bladder drained (60 mL residual)" (the words in data/amount_cues.json; built on first use)."""
    cues = data_file_as("amount_cues.json", AmountCuesFile)
    return re.compile(
        rf"\b{alternation(cues.removed_fluid)}\b"
        r"(?:\s+(?:of|was|were|approximately|approx\.?|about|~|the|total|an?|additional|at\s+least|nearly|almost|over|more\s+than))*\s*[:=(]?\s*$",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _drawn_up() -> tuple[re.Pattern[str], re.Pattern[str]]:
    cues = data_file_as("amount_cues.json", AmountCuesFile)
    return (re.compile(rf"\b{alternation(cues.drawn_up)}\b", re.IGNORECASE),
            re.compile(rf"[^\n]{{0,30}}?\b{alternation(cues.drawn_into)}\b", re.IGNORECASE))


@lru_cache(maxsize=1)
def _measured_before() -> re.Pattern[str]:
    """A test's reading on the line: "Post-dose FEV1 2.24 L (-3%)", "Serial FEV1: 3.32 / 3.25 / 3.30 L"
    (only figures, units and punctuation between the label and the amount)."""
    cues = data_file_as("amount_cues.json", AmountCuesFile)
    return re.compile(rf"\b{alternation(cues.measured)}\b(?:[ \t:=(),/~%+-]|\d|\.|\b(?:m?l|pred|predicted|of)\b)*$", re.IGNORECASE)


def measured(text: str, amount: Amount) -> bool:
    return _measured_before().search(text, max(0, amount.start - 50), amount.start) is not None


@lru_cache(maxsize=1)
def _removed_after() -> re.Pattern[str]:
    """'LVP: 5.1 L removed', '800 mL drained', '30 mL pus aspirated': the word after the volume (not a drawn_up word:
    '10.8 mL (21.6 mg) withdrawn' is the dose drawn from its vial)."""
    cues = data_file_as("amount_cues.json", AmountCuesFile)
    words = [w for w in cues.removed_fluid if w not in cues.drawn_up]
    # ("30 mL pus aspirated", "20 mL of clear yellow fluid drained": what came out may stand between.)
    matter = rf"(?:\s+{alternation(cues.removed_matter)}\b){{0,4}}" if cues.removed_matter else ""
    return re.compile(rf"{matter}\s*,?\s*(?:was\s+|were\s+)?{alternation(words)}\b", re.IGNORECASE)


def removed_fluid(text: str, amount: Amount) -> bool:
    """An amount of fluid taken out of the patient ("aspirated 12 mL clear fluid", "5.1 L removed"):
    no dose, no waste. Not a drug drawn up from its vial ("Withdrew 2.31 mL; added to D5W 50 mL")."""
    if amount.kind == "volume" and not amount.rate and _removed_after().match(text, amount.end):
        return True
    found = _removed_before().search(text, max(0, amount.start - 40), amount.start)
    if found is None:
        return False
    drawn_up, drawn_into = _drawn_up()
    return not (drawn_up.search(found.group(0)) and drawn_into.match(text, amount.end))


class Annotations:
    def __init__(self, text: str, sentences: Sequence[Sentence] = (), sections: Sequence[SectionSpan] = ()) -> None:
        self.text = text
        self.sentences = tuple(sentences)  # the note's one split into sentences (inline headers too)
        self.sections = tuple(sections)  # its sections, in order
        self._sentence_starts = [s.start for s in self.sentences]
        self.routes: tuple[RouteMatch, ...] = tuple(route_vocabulary().find(text))
        found = sorted(find_amounts(text), key=lambda a: (a.start, a.end))
        self.amounts: tuple[Amount, ...] = tuple(a for a in found if not removed_fluid(text, a) and not measured(text, a))
        self.dates: tuple[DateMention, ...] = find_dates(text)
        self.date_headings = date_headings(text, self.dates)  # lines that date the lines under them
        self.day_markers: tuple[DayMarker, ...] = find_day_markers(text)  # "DOL 18", "HD#3", "POD 2"
        self.note_days = note_days(text, self.day_markers)  # the note's own day by each count
        self._route_starts = [r.start for r in self.routes]
        self._amount_starts = [a.start for a in self.amounts]
        self._context: dict[tuple[int, int], tuple[list[Token], list[Modifier]]] = {}

    def name_routes(self, spans: Sequence[tuple[int, int]], kept: frozenset[str]) -> None:
        """Route words inside these drug names, other than the `kept` routes, are the names' words,
        no route ("Acthar Gel", an injection; "immune globulin intravenous" keeps its vein); the
        reader calls it once, when the names are found, before reading any route."""
        self.routes = tuple(r for r in self.routes
                            if r.route in kept or not any(start <= r.start and r.end <= end for start, end in spans))
        self._route_starts = [r.start for r in self.routes]

    def routes_in(self, start: int, end: int) -> list[RouteMatch]:
        """Route words wholly inside text[start:end]."""
        out = []
        for r in self.routes[bisect_left(self._route_starts, start) :]:
            if r.start >= end:
                break
            if r.end <= end:
                out.append(r)
        return out

    def amounts_in(self, start: int, end: int) -> list[Amount]:
        """Amounts that begin inside text[start:end] ("500 mg/5 mL" whole, where the span ends)."""
        lo = bisect_left(self._amount_starts, start)
        hi = bisect_left(self._amount_starts, end)
        return list(self.amounts[lo:hi])

    def sentence_before(self, start: int) -> Sentence | None:
        """The sentence that ends before `start`."""
        k = bisect_right(self._sentence_starts, start - 1) - 1
        while k >= 0 and self.sentences[k].end > start:  # the sentence that holds `start` itself
            k -= 1
        return self.sentences[k] if k >= 0 else None

    def section_at(self, pos: int) -> SectionSpan | None:
        """The section `pos` stands in (a header's own line counts as its section)."""
        return section_at(self.sections, pos)

    def neighbours(self, section: SectionSpan) -> list[SectionSpan]:
        """The sections right before and after `section`."""
        k = next((i for i, s in enumerate(self.sections) if s.start == section.start), None)
        return [] if k is None else [s for s in (self.sections[k - 1] if k > 0 else None,
                                                 self.sections[k + 1] if k + 1 < len(self.sections) else None) if s is not None]

    def context(self, sentence: Sentence) -> tuple[list[Token], list[Modifier]]:
        """A sentence's tokens and ConText modifiers, made once."""
        key = (sentence.start, sentence.end)
        found = self._context.get(key)
        if found is None:
            toks = tokens(self.text, sentence.start, sentence.end)
            found = self._context[key] = (toks, find_modifiers(toks))
        return found
