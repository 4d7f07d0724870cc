"""A model's quotes, checked against the note (instructor's CitationMixin, for spans).

A quote counts only where it is in the note: exactly, or with the same words separated by
other whitespace or in another letter case. The evidence then carries the note's own text
at [start, end), so `note[start:end] == quote` holds for every quote that survives.
"""

from __future__ import annotations

import re

from docreview.schema import Evidence

MIN_QUOTE = 2  # characters; shorter quotes ("IV" passes, "a" does not) say nothing verifiable
_TRIM = " \t\r\n\"'`“”‘’«»…"


def _clean(quote: str) -> str:
    quote = quote.strip(_TRIM)
    if quote.startswith("..."):
        quote = quote[3:]
    if quote.endswith("..."):
        quote = quote[:-3]
    return quote.strip(_TRIM)


def locate(note: str, quote: str, windows: list[tuple[int, int]] | None = None) -> tuple[int, int] | None:
    """[start, end) of `quote` in `note`, preferring a match inside the windows the model saw."""
    quote = _clean(quote)
    if len(quote) < MIN_QUOTE:
        return None
    spans = [(m.start(), m.start() + len(quote)) for m in re.finditer(re.escape(quote), note)]
    if not spans:
        words = quote.split()
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
        spans = [(m.start(), m.end()) for m in pattern.finditer(note)]
    if not spans:
        return None
    for start, end in spans:
        if any(ws <= start and end <= we for ws, we in windows or []):
            return start, end
    return spans[0]


def verify_quotes(note: str, quotes: list[str], windows: list[tuple[int, int]] | None = None) -> tuple[list[Evidence], list[str]]:
    """(evidence for the quotes found in the note, the quotes dropped)."""
    kept: list[Evidence] = []
    dropped: list[str] = []
    for quote in quotes:
        span = locate(note, quote, windows)
        if span is None:
            dropped.append(quote)
            continue
        start, end = span
        if not any(e.start == start and e.end == end for e in kept):
            kept.append(Evidence(quote=note[start:end], start=start, end=end))
    return kept, dropped
