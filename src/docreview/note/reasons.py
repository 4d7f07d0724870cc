"""Reasons for giving a drug: condition phrases and ICD-10-CM codes written in the note."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from docreview.knowledge import icd10
from docreview.knowledge.facts import CodeFacts
from docreview.resources import load_json

_ICD_RE = re.compile(r"(?<![A-Za-z0-9.])([A-TV-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4})?)(?![A-Za-z0-9])")
_LINK_RE = re.compile(r"\b(?:for|due\s+to|secondary\s+to|indication|indicated\s+for|dx|diagnosis|treat(?:ment|ing)?\s+of|to\s+treat|r/t|related\s+to|given\s+for|w/)\b[^.;\n]{0,60}$", re.IGNORECASE)


@dataclass(frozen=True)
class Reason:
    start: int
    end: int
    name: str
    icd10: tuple[str, ...]
    supports: bool  # a recognised use of the billed code's drug
    from_code: bool  # matched the billed code's own indication terms
    is_code: bool = False  # an ICD-10-CM code written in the note


def _term_regex(terms: list[str]) -> re.Pattern[str] | None:
    terms = sorted({t.strip().lower() for t in terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    alt = "|".join(re.escape(t).replace(r"\ ", r"[\s-]+") for t in terms)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alt})(?![A-Za-z0-9])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _conditions() -> tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...]:
    out = []
    for cond in load_json("conditions.json")["conditions"]:
        pattern = _term_regex(cond["terms"])
        if pattern:
            out.append((cond["name"], tuple(cond["icd10"]), pattern))
    return tuple(out)


def _supports(prefixes: tuple[str, ...], facts: CodeFacts) -> bool:
    code_prefixes = [p for ind in facts.indications for p in ind.icd10]
    for p in prefixes:
        for q in code_prefixes:
            a, b = icd10.normalize(p), icd10.normalize(q)
            if a and b and (a.startswith(b) or b.startswith(a)):
                return True
    return False


@lru_cache(maxsize=1)
def _purposes() -> tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...]:
    out = []
    for purpose in load_json("purposes.json")["purposes"]:
        pattern = _term_regex(purpose["cues"])
        if pattern:
            out.append((purpose["name"], tuple(purpose["classes"]), pattern))
    return tuple(out)


def find_reasons(text: str, facts: CodeFacts) -> list[Reason]:
    found: list[Reason] = []
    drug_class = (facts.drug_class or "").lower()
    for name, classes, pattern in _purposes():
        if drug_class and any(c in drug_class for c in classes):
            for m in pattern.finditer(text):
                found.append(Reason(m.start(), m.end(), name, (), True, True))
    for ind in facts.indications:
        pattern = _term_regex([*ind.terms, ind.name])
        if pattern:
            for m in pattern.finditer(text):
                found.append(Reason(m.start(), m.end(), ind.name, tuple(ind.icd10), True, True))
    for name, prefixes, pattern in _conditions():
        for m in pattern.finditer(text):
            found.append(Reason(m.start(), m.end(), name, prefixes, _supports(prefixes, facts), False))
    for m in _ICD_RE.finditer(text):
        code = m.group(1)
        if icd10.is_valid(code):
            found.append(Reason(m.start(1), m.end(1), code, (code,), _supports((code,), facts), False, is_code=True))
    # Keep the longest match where they overlap; a code's own term wins a tie.
    found.sort(key=lambda r: (r.start, -(r.end - r.start), not r.from_code))
    out: list[Reason] = []
    for reason in found:
        if out and reason.start < out[-1].end:
            if reason.supports and not out[-1].supports and reason.end - reason.start >= out[-1].end - out[-1].start:
                out[-1] = reason
            continue
        out.append(reason)
    return out


def is_linked(text: str, reason: Reason, sentence_start: int) -> bool:
    """'for seizures', 'indication: CAP', 'dx: G40.909' — a reason tied to the administration."""
    return bool(_LINK_RE.search(text[sentence_start : reason.start]))
