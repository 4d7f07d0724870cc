"""Fold a note's characters to the forms the vocabularies are written in, keeping every offset.

Options left unticked in a template's check boxes are blanked the same way (see below).

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


NUMBER_WORDS = {  # also read by note/extract.py ("two injections of 0.3 cc each")
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000}
_UNITS = rf"(?:{UNIT_ALT})\b"  # the note units of data/units.json, as amounts reads them
_UNIT_AFTER_RE = re.compile(rf"\s*{_UNITS}", re.IGNORECASE)
# "one gram of Rocephin", "four thousand one hundred thirty IU": a number written in words before
# a unit is written as digits, padded to the words' length so every offset still holds.
_NUMBER_WORD = r"(?:" + "|".join([*NUMBER_WORDS, *_SCALES]) + r")"
_NUMBER_WORD_RE = re.compile(rf"\b({_NUMBER_WORD}(?:(?:[ \t]+and[ \t]+|[ \t]+|-){_NUMBER_WORD})*)(?=\s+{_UNITS})", re.IGNORECASE)
# "1/2 cc", "2 1/2 mg": a fraction before a unit is written as a decimal when it fits in the
# fraction's own characters ("0.5", "2.5  "); otherwise it is left as written.
_FRACTION_RE = re.compile(r"(?<![\w./])(?:(\d{1,3})[ \t]+)?([1-9])/([2-9]|1[0-6])(?:th|rd|nd)?(?=\s*" + _UNITS + ")", re.IGNORECASE)


def fold(text: str) -> str:
    return _dot_leaders(_unchecked_options(_fractions(_number_words(_ocr_digits(_fold_characters(text))))))


# A table's dot leaders: "procerus .......... 8 U", "TOTAL ....... 40 U". Layout, not text: blanked
# (to spaces, keeping every offset), so a row reads as its label, then its amount.
_DOT_LEADER_RE = re.compile(r"\.{4,}|\u2026{2,}")


def _dot_leaders(text: str) -> str:
    return _DOT_LEADER_RE.sub(lambda m: " " * len(m.group(0)), text)


# A scanned record's digits read as letters: "1,OOO mg/m2", "l,86O mg", "O931-1OO3". A token of
# digits and look-alike letters (O o for 0, l I for 1) with two digits or more, or with one
# before a unit, is a number; "O2 via NC" (one digit, no unit) and words are left alone.
_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})
_OCR_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])(?=[\d.,/:-]*[OolI])(?=[OolI.,/:-]*\d)[\dOolI][\dOolI.,/:-]*(?<=[\dOolI])(?![A-Za-z0-9])")


_ICD_SHAPE_RE = re.compile(r"[OI]\d\d(?:\.[\dA-Za-z]{1,4})?")


def _ocr_digits(text: str) -> str:
    if "O" not in text and "l" not in text and "I" not in text and "o" not in text:
        return text

    def digits(m: re.Match[str]) -> str:
        token = m.group(0)
        real = sum(ch.isdigit() for ch in token)
        before_unit = _UNIT_AFTER_RE.match(text, m.end()) is not None
        if (token[0] in "OolI" and token[1:2] == "-") or _ICD_SHAPE_RE.fullmatch(token):
            return token  # an isotope ("I-131") or an ICD-10-CM code ("I82.411", "O80"), not a number
        if real >= 2 or (real and before_unit):
            return token.translate(_LOOKALIKES)
        return token

    return _OCR_TOKEN_RE.sub(digits, text)


# A template's check boxes: "Route: [ ] IM   [x] SubQ     Site: L abdomen". An option whose box
# is empty was not chosen; it is blanked (to spaces, keeping every offset), so no stage reads
# "IM" as this note's route or "[ ] Gvoke 0.5 mg" as a second dose. The option runs to the next
# box, a field set off by spaces ("   Site:") or the end of the line.
_BOX = r"\[\s?\]|\(\s\)|\u2610|\[[xX\u2713\u2714]\]|\([xX]\)|[\u2611\u2612]"
_UNCHECKED_RE = re.compile(rf"(?:\[\s?\]|\(\s\)|\u2610)([^\n]*?)(?=[ \t]*(?:{_BOX})|[ \t]{{2,}}[A-Za-z][A-Za-z /]{{0,20}}:|[ \t]*$)",
                           re.MULTILINE)


def _unchecked_options(text: str) -> str:
    if "[" not in text and "(" not in text and "\u2610" not in text:
        return text
    return _UNCHECKED_RE.sub(lambda m: m.group(0)[: m.start(1) - m.start()] + " " * len(m.group(1)), text)


def _fractions(text: str) -> str:
    def decimal(m: re.Match[str]) -> str:
        value = int(m.group(1) or 0) + int(m.group(2)) / int(m.group(3))
        written = f"{value:.4f}".rstrip("0").rstrip(".")
        room = len(m.group(0))
        fits = next((w for w in (written, written.removeprefix("0")) if len(w) <= room), None)  # "0.5", or ".75"
        return fits.ljust(room) if fits else m.group(0)

    return _FRACTION_RE.sub(decimal, text)


def _number_words(text: str) -> str:
    def digits(m: re.Match[str]) -> str:
        value = _number_value(re.findall(r"[a-z]+", m.group(1).lower()))
        written = str(value) if value is not None else ""
        return written.ljust(len(m.group(1))) if written and len(written) <= len(m.group(1)) else m.group(1)

    return _NUMBER_WORD_RE.sub(digits, text)


def _number_value(words: list[str]) -> int | None:
    """'four thousand one hundred thirty' = 4130; None for words that make no number ('hundred hundred')."""
    total, current, last = 0, 0, None
    for word in words:
        if word == "and":
            continue
        if word in _SCALES:
            if last in _SCALES and _SCALES[last] >= _SCALES[word]:
                return None
            if word == "thousand":
                total, current = total + max(current, 1) * 1000, 0
            else:
                current = max(current, 1) * 100
        else:
            value = NUMBER_WORDS[word]
            # "twenty five" adds up; "five twenty" or "one one" is no number.
            if last is not None and last not in _SCALES and not (NUMBER_WORDS[last] >= 20 and NUMBER_WORDS[last] % 10 == 0 and value < 10):
                return None
            current += value
        last = word
    return total + current


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
