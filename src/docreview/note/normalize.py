"""Fold a note's characters to the forms the vocabularies are written in, keeping every offset.

Each character is replaced by its NFKC compatibility form only when that form is one
character (fullwidth digits, non-breaking spaces, the micro sign and Greek mu both to "µ"),
so the folded text has the same length as the note and every span found in it quotes the
note at the same [start, end).
"""

from __future__ import annotations

import re
import unicodedata

from docreview.note.amounts import UNIT_ALT

MICRO = "\u00b5"
_MU_FORMS = {"\u03bc", "\u00b5"}


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "eighty": 80,
}
_UNITS = rf"(?:{UNIT_ALT})\b"  # the note units of data/units.json, as amounts reads them
# "one gram of Rocephin", "two milligrams": a number word before a unit is written as digits,
# padded to the word's length so every offset still holds.
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + rf")(?=\s+{_UNITS})", re.IGNORECASE)
# "1/2 cc", "2 1/2 mg": a fraction before a unit is written as a decimal when it fits in the
# fraction's own characters ("0.5", "2.5  "); otherwise it is left as written.
_FRACTION_RE = re.compile(r"(?<![\w./])(?:(\d{1,3})[ \t]+)?([1-9])/([2-9]|1[0-6])(?:th|rd|nd)?(?=\s*" + _UNITS + ")", re.IGNORECASE)


def fold(text: str) -> str:
    return _fractions(_number_words(_fold_characters(text)))


def _fractions(text: str) -> str:
    def decimal(m: re.Match[str]) -> str:
        value = int(m.group(1) or 0) + int(m.group(2)) / int(m.group(3))
        written = f"{value:.4f}".rstrip("0").rstrip(".")
        room = len(m.group(0))
        fits = next((w for w in (written, written.removeprefix("0")) if len(w) <= room), None)  # "0.5", or ".75"
        return fits.ljust(room) if fits else m.group(0)

    return _FRACTION_RE.sub(decimal, text)


def _number_words(text: str) -> str:
    return _NUMBER_WORD_RE.sub(lambda m: str(_NUMBER_WORDS[m.group(1).lower()]).ljust(len(m.group(1))), text)


def _fold_characters(text: str) -> str:
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
