"""Waste statements: discarded amounts, "no waste", multi-dose containers, vial contents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from docreview.data_files import AmountCuesFile, WasteWordsFile, data_file_as
from docreview.note.amounts import CONTAINER_AFTER_RE, NUM, OPEN_PAREN_RE, UNIT_ALT, Amount, find_amounts
from docreview.note.annotate import removed_fluid
from docreview.note.normalize import NUMBER_WORDS
from docreview.note.phrases import phrases

_WORDS = data_file_as("waste_words.json", WasteWordsFile)
# One vocabulary (data/waste_words.json) for every stage that asks "is this about leftover drug?".
LEFTOVER_RE = re.compile(phrases(_WORDS.leftover), re.IGNORECASE)
USED_UP_RE = re.compile(phrases(_WORDS.leftover + _WORDS.used_up), re.IGNORECASE)
GIVEN_WHOLE_RE = re.compile(phrases(_WORDS.used_up), re.IGNORECASE)  # "whole bag infused", "entire vial": no leftover word
CONTAINER_WORDS_RE = re.compile(phrases(_WORDS.leftover + _WORDS.containers + _WORDS.used_up), re.IGNORECASE)
_DISCARD_WORDS = phrases(_WORDS.leftover)
# ("Vial discarded 17:25 with 18.25 mg (36.5 mL) remaining", "discarded w/ 24 mg": the clock time of
# the discard, then what it held.)
_AMOUNT_AFTER = re.compile(rf"{_DISCARD_WORDS}(?:\s+(?:amount|portion|volume|drug|medication|was|of|=|:|-|in|the|remaining|sharps|container|vial|total|with|w/|(?:[01]?\d|2[0-3]):[0-5]\d))*"
                           rf"\s*[:=-]?\s*(?={NUM}\s*[a-zA-Zµ])", re.IGNORECASE)
_NOT_DRUG_BEFORE_RE = re.compile(rf"{phrases(_WORDS.not_drug_before)}\s*$", re.IGNORECASE) if _WORDS.not_drug_before else re.compile(r"(?!)")
_DISCARD_VERB = re.compile(phrases(_WORDS.discard_verbs), re.IGNORECASE)
_USED_VERBS = phrases(_WORDS.used_in_full_verbs)
_ZERO_WASTE = re.compile(
    r"\b(?:no|zero|nil|without)\s+(?:drug\s+|medication\s+)?(?:waste|wastage|wasted|discard(?:ed)?)\b"
    r"|\b(?:waste|wastage|wasted|discarded)\s*[:=-]?\s*(?:none|0(?:\.0+)?(?:\s*(?:mg|mcg|units|ml|g))?|n/?a|zero)\b"
    r"|\b(?:nothing|none)\s+(?:was\s+)?(?:wasted|discarded)\b"
    # "Vials and syringes emptied, no residual product" (not "no residual disease")
    r"|\bno\s+(?:residual|remaining|leftover)\s+(?:product|drug|medication|volume|solution)\b"
    # ("reconstituted w/ 2 mL diluent - full suspension IM R gluteal": a route word says it went in.)
    r"|\b(?:entire|whole|full|complete|all\s+of\s+the)\s+(?:contents?\s+of\s+(?:the\s+)?)?(?:single[- ]dose\s+|single[- ]use\s+)?(?:vial|syringe|bag|contents|dose\s+vial|prefilled\s+syringe|suspension)s?\s+(?:was\s+|were\s+)?"
    + rf"(?:{_USED_VERBS}|(?:IM|IV|SC|SQ|subcut|subq)\b)"
    # "Entire 300 mg nebulized": the container's whole content, named by its amount.
    + rf"|\b(?:entire|whole|full)\s+{NUM}\s*(?:{UNIT_ALT})\s+(?:was\s+|were\s+)?" + _USED_VERBS
    + r"|\b(?:vial|syringe)s?\s+(?:was\s+|were\s+)?(?:fully|completely|entirely)\s+" + _USED_VERBS
    + r"|\b(?:used|administered|gave|given|infused)\s+(?:the\s+)?(?:entire|whole|full)\s+(?:vial|syringe|bag|contents)\b"
    # "... IV over 1 h. Entire vial.", "Whole vial)": a bare statement that the container went in whole;
    # "Ampule used in full".
    r"|\b(?:entire|whole|full)\s+(?:single[- ]dose\s+)?(?:vial|syringe|bag|ampule|ampoule)s?[ \t]*(?:[.;)]|(?=\n)|$)"
    r"|\b(?:vial|syringe|bag|ampule|ampoule)s?\s+(?:was\s+|were\s+)?(?:used|given|administered|infused)\s+in\s+full\b"
    r"|\bvial\s+size\s+(?:equals|matches|=)\s+(?:the\s+)?dose\b|\bdose\s+(?:equals|matches)\s+(?:the\s+)?vial\b",
    re.IGNORECASE,
)
# After a "remaining" amount (and its other unit in parentheses): a route or giving verb says it was given.
_GIVEN_AFTER = re.compile(rf"\s*(?:\([^)]{{0,20}}\)\s*)?{phrases(_WORDS.given_after)}", re.IGNORECASE)
# ("unreliable for a multi-dose outpt regimen": a course of doses, no container)
_MULTI_DOSE = re.compile(r"\b(?:multi[- ]?dose|multiple[- ]dose|multi[- ]use|multiple[- ]use)\b"
                         r"(?!\s+(?:[a-z]+\.?\s+)?(?:regimens?|course|schedules?|series|therapy|dosing)\b)|\bmdv\b", re.IGNORECASE)
_SINGLE_DOSE = re.compile(r"\b(?:single[- ]dose|single[- ]use|one[- ]time[- ]use)\b|\bsdv\b|\bpreservative[- ]free\b", re.IGNORECASE)
# (?<![\d.,]): a match starts only where a number starts, so a long digit run is read once.
_VIAL = re.compile(rf"(?<![\d.,])(?P<amt>{NUM}\s*(?:mg|mcg|g|gm|grams?|units?|ml|cc))(?P<per>\s*/\s*(?P<pnum>{NUM})?\s*(?:ml|cc))?[ \t]*(?:single[- ]dose\s+|single[- ]use\s+|multi[- ]?dose\s+|sdv\s+|mdv\s+)?(?:vials?|syringes?|bottles?|prefilled|ampules?|ampoules?|sdvs?|mdvs?)\b|\bvials?\s*(?:size|content|strength)?\s*[:=]?\s*(?P<amt2>{NUM}\s*(?:mg|mcg|g|units?|ml))", re.IGNORECASE)


@dataclass(frozen=True)
class Quoted:
    start: int
    end: int


@dataclass
class WasteFacts:
    discarded: list[tuple[Amount, Quoted]] = field(default_factory=list)
    zero_waste: list[Quoted] = field(default_factory=list)
    multi_dose: list[Quoted] = field(default_factory=list)
    single_dose: list[Quoted] = field(default_factory=list)
    vial_contents: list[tuple[Amount, Quoted]] = field(default_factory=list)
    leftover_words: list[Quoted] = field(default_factory=list)  # any word about leftover drug


@lru_cache(maxsize=1)
def _removed_after() -> re.Pattern[str]:
    """Fluid taken out of the patient (data/amount_cues.json removed_fluid) right after an amount."""
    words = data_file_as("amount_cues.json", AmountCuesFile).removed_fluid
    return re.compile(rf"\s*(?:\([^)]{{0,20}}\)\s*)?(?:was\s+|were\s+)?{phrases(words)}", re.IGNORECASE)


def _without_totals(text: str, discarded: list[tuple[Amount, Quoted]]) -> list[tuple[Amount, Quoted]]:
    """"(27 mg) discarded + 5 mg vial residual = 32 mg total wasted": an amount that adds up two or
    more discarded amounts of its kind told before it is their total, not more waste. "50 mg left
    in vial #2 discarded. Discarded amount: 50 mg.": a labelled field that repeats the one
    amount told before it restates it."""
    kept: list[tuple[Amount, Quoted]] = []
    for amount, quoted in sorted(discarded, key=lambda d: d[0].start):
        before = [a.total for a, _ in kept if a.kind == amount.kind]
        if len(before) >= 2 and abs(sum(before) - amount.total) < 1e-6:
            continue
        if len(before) == 1 and abs(before[0] - amount.total) < 1e-6 and ":" in text[quoted.start : amount.start]:
            continue
        kept.append((amount, quoted))
    return kept


_SAME_GLOSS_RE = re.compile(r"\s*(?:in\s+(?:the\s+)?(?:vial|syringe|bag|bottle|ampule)s?\s*)?\(\s*", re.IGNORECASE)


def read_waste(text: str) -> WasteFacts:
    facts = WasteFacts()
    seen: set[int] = set()
    for m in _AMOUNT_AFTER.finditer(text):
        amounts = find_amounts(text, m.end(), min(len(text), m.end() + 40))
        if not amounts:
            continue
        if _GIVEN_AFTER.match(text, amounts[0].end):
            continue  # "Remaining 75 mg (1.5 mL) IV push over 2 min": the rest of the dose, given
        if _removed_after().match(text, amounts[0].end):
            continue  # "residual 20 mL drained": urine out of the bladder, not drug
        if _NOT_DRUG_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "post-void residual 110 mL": urine left in the bladder
        if amounts[0].container or CONTAINER_AFTER_RE.match(text, amounts[0].end):
            # "500 IU remaining in the 1,000 IU vial": the container's size is no waste; "Remainder of
            # 5 mL amp (3.1 mL) discarded": what remained of it is told in the parenthesis after it.
            named = CONTAINER_AFTER_RE.match(text, amounts[0].end)
            opened = OPEN_PAREN_RE.match(text, named.end()) if named else None
            inner = next((a for a in amounts[1:] if opened and a.start == opened.end()), None)
            if inner is None:
                continue
            amounts = [replace(inner, container=False)]
        # "remaining 150 mL (15 g)", "remaining 9 mL in vial (9 mg)": the amount in parentheses is the
        # same waste in another unit.
        same = [amounts[0]] + [b for a, b in zip(amounts, amounts[1:], strict=False) if _SAME_GLOSS_RE.fullmatch(text, a.end, b.start)][:1]
        for amount in same:
            if amount.start not in seen:
                seen.add(amount.start)
                facts.discarded.append((amount, Quoted(m.start(), amount.end)))
    for m in _DISCARD_VERB.finditer(text):
        # "2.8 g (28 mL) remaining discarded", "25 mL (2.5 g) left in the vial": amounts just
        # before the verb, in the same clause; further back when words about the leftover, and
        # nothing numbered, lead to the verb ("180 units residual reconstituted product wasted").
        start = max(0, m.start() - 35)
        further = [a for a in find_amounts(text, max(0, m.start() - 60), m.start()) if a.start < start]
        if further and LEFTOVER_RE.search(text, further[-1].end, m.start()) and not re.search(r"[\d()]", text[further[-1].end : m.start()]):
            start = further[-1].start
        aside = text.rfind("(", max(0, m.start() - 80), start)
        if aside >= 0 and start <= text.find(")", aside) < m.start() and "\n" not in text[aside:start]:
            # "15.5 mL (34 mg dauno / 77.4 mg cytarabine) remaining -> discarded": the whole aside
            # tells what remained, each ingredient's amount.
            start = aside
        # (a comma with no space after it is a thousands separator: "2,280 mg"; a bar parts a
        # record's fields: "41 mg withdrawn | 19 mg discarded")
        clause = max(text.rfind(sep, start, m.start()) + len(sep) - 1 for sep in (";", ". ", "\n", ":", ", ", "|"))
        start = max(start, clause + 1)
        clause_end = min((i for i in (text.find(sep, m.end()) for sep in (";", ". ", "\n", ", ", "|")) if i >= 0), default=len(text))
        if (not text[start : m.start()].strip() and text[max(0, start - 2) : start].strip() == ","
                and not find_amounts(text, m.end(), clause_end)):
            # "left in the 80 mg vial: 2.8 mL = 56 mg, discarded to waste": the verb opens its clause
            # after a comma and tells of the amount just before it ("..., discarded remaining 1 g" tells its own).
            lo = max(0, start - 40)
            start = max(lo, max(text.rfind(sep, lo, start - 2) + len(sep) for sep in (";", ". ", "\n", ":", ", ")))
        for amount in find_amounts(text, start, m.start()):
            # "8 mL (80 mg) left in the 100 mg vial - discarded": the vial's size is no waste; "aspirated
            # 12 mL clear fluid (discarded)" is the patient's fluid.
            if (amount.start not in seen and not amount.is_concentration and not amount.container and not removed_fluid(text, amount)
                    and not CONTAINER_AFTER_RE.match(text, amount.end)):
                seen.add(amount.start)
                facts.discarded.append((amount, Quoted(amount.start, m.end())))
    facts.discarded = _without_totals(text, [(a, q) for a, q in facts.discarded if a.value > 0 and not a.is_concentration])
    zero_spans = [Quoted(m.start(), m.end()) for m in _ZERO_WASTE.finditer(text)]
    # "waste: 0 mg" is zero waste, not a discarded amount.
    facts.zero_waste = zero_spans
    facts.multi_dose = [Quoted(m.start(), m.end()) for m in _MULTI_DOSE.finditer(text)]
    facts.single_dose = [Quoted(m.start(), m.end()) for m in _SINGLE_DOSE.finditer(text)]
    facts.leftover_words = [Quoted(m.start(), m.end()) for m in LEFTOVER_RE.finditer(text)]
    for m in _VIAL.finditer(text):
        if m.group("per") and not m.group("pnum"):
            continue  # "6 mg/mL single-dose prefilled syringe": a strength, not what the container holds
        group = "amt" if m.group("amt") else "amt2"
        amounts = find_amounts(text, m.start(group), m.end(group) + 1)
        if amounts:
            count = containers_counted(text, m.start(), m.end())
            amount = replace(amounts[0], multiplier=count) if count > 1 and amounts[0].multiplier == 1 else amounts[0]
            facts.vial_contents.append((amount, Quoted(m.start(), m.end())))
    return facts


# "300 mg vials x2", "Two 300 mg vials", "2 x 500 mg vials": how many containers of that size.
_COUNT_AFTER_RE = re.compile(r"[ \t]*(?:\([^()\n]{0,40}\)[ \t]*)?(?:x|\u00d7)[ \t]*(\d{1,2})(?![\d.])", re.IGNORECASE)
_COUNT_BEFORE_RE = re.compile(rf"(?:\b(\d{{1,2}})[ \t]*(?:x|\u00d7)|\b({'|'.join(w for w, n in NUMBER_WORDS.items() if 2 <= n <= 10)}))[ \t]*$",
                              re.IGNORECASE)


def containers_counted(text: str, start: int, end: int) -> int:
    """How many containers a content written over [start, end) (amount and container word) is of:
    a count after it ("1 g vials x 6") or before it ("Two 300 mg vials"); else one."""
    after = _COUNT_AFTER_RE.match(text, end)
    if after:
        return max(int(after.group(1)), 1)
    before = _COUNT_BEFORE_RE.search(text, max(0, start - 12), start)
    if before:
        return int(before.group(1)) if before.group(1) else NUMBER_WORDS[before.group(2).lower()]
    return 1
