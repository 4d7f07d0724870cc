"""Fold a note's characters to the forms the vocabularies are written in, keeping every offset.

Each character is replaced by its NFKC compatibility form only when that form is one
character (fullwidth digits, non-breaking spaces, the micro sign and Greek mu both to "µ"),
so the folded text has the same length as the note and every span found in it quotes the
note at the same [start, end).
"""

from __future__ import annotations

import unicodedata

MICRO = "\u00b5"
_MU_FORMS = {"\u03bc", "\u00b5"}


def fold(text: str) -> str:
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        form = unicodedata.normalize("NFKC", ch)
        if form in _MU_FORMS:
            form = MICRO
        out.append(form if len(form) == 1 else ch)
    return "".join(out)
