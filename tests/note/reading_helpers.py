"""What a reading says of a snippet, for the note-stage tests: the dose it counts and the routes of
the givings it counts (the two things most snippet tests assert)."""

from __future__ import annotations

from docreview.note.reading import read


def dose_of(kb, text: str, code: str) -> float | None:
    return read(text, kb.facts(code), kb).administration.dose_base


def counted_routes(kb, text: str, code: str) -> set[str]:
    return {r.route for e in read(text, kb.facts(code), kb).administration.counted for r in e.routes}
