"""Turn a note into typed facts with spans: administrations, weight, waste, reasons, setting.

An administration (`DoseEvent`) is anchored on a drug mention. Its amounts and routes are
the ones in the mention's stretch of the sentence (up to the next drug mention); when the
sentence has none, the next few lines of the same paragraph (flowsheets put "Dose:" and
"Route:" on lines of their own). Whether it was given comes from ConText modifiers and the
section it sits in.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache, partial
from typing import NamedTuple

from docreview.data_files import DoseCuesFile, DrugAbbreviationsFile, ExtractCuesFile, ReasonCuesFile, data_file_as
from docreview.knowledge.facts import CodeFacts, KnowledgeBase, normalize_name
from docreview.knowledge.hcpcs import BIOSIMILAR_NAME_RE
from docreview.note import grids
from docreview.note.amounts import (
    CONTAINER_AFTER_RE,
    NUM,
    TIME_RANGE_RE,
    TIMED_LINE_RE,
    UNIT_ALT,
    Amount,
    Weight,
    find_times,
    find_weight,
    is_dose,
    without_unit_strengths,
)
from docreview.note.annotate import Annotations
from docreview.note.context import NOT_HERE_NOW, categories_for
from docreview.note.dates import DateMention, DayMarker, giving_dates, giving_days
from docreview.note.drugs import (
    DrugMention,
    dosed_parts,
    lexicon_for,
    names_only_the_drug,
    with_billed_generic,
    with_billed_labeler,
    with_billed_vehicle_brands,
    with_stated_formulation,
    with_stated_salt,
)
from docreview.note.nameless import (
    EACH_AFTER_RE,
    NamelessGiving,
    code_kinds,
    kind_givings,
    nameless_continuations,
    nameless_givings,
    nameless_routes,
    nameless_totals,
    nameless_volumes,
    record_rows,
    stated_totals,
    table_givings,
    vehicle_of_another,
)
from docreview.note.normalize import NUMBER_WORDS
from docreview.note.phrases import alternation, pattern, phrases
from docreview.note.reasons import Reason, find_off_label, find_reasons, is_linked, supports_prefixes, word_stems
from docreview.note.roles import SECONDARY, STOCK, aside_of, assign_roles, role_cues
from docreview.note.text import (
    ASIDE_RE,
    FIELD_LABEL_RE,
    SectionSpan,
    Sentence,
    enclosing_parenthesis,
    inside_parentheses,
    line_bounds,
    section_at,
    sections,
    sentences,
)
from docreview.note.vocab import RouteMatch, route_vocabulary
from docreview.note.waste import LEFTOVER_RE, USED_UP_RE, WasteFacts, read_waste
from docreview.units import code_unit_kind

_FOLLOW_LINES = 3
_MAR_LINES = 24  # a MAR block lists every administration under its order line
# (not a date's year: "04/25/2025 4,000 IU")
_TIME = r"(?<![\d:./-])(?:[01]\d|2[0-3]):?[0-5]\d\s+"
# ("Given 1015: 0.61 mL (152 U) IM": a colon may close the row's time)
# ("15:21-15:35  400 mg IV bolus": or the span the row's dose ran.)
# ("0600 dose #6 10.8 mg IV": the number of the dose in its series.)
_MAR_ENTRY_RE = re.compile(r"(?<![\d:./-])(?:[01]\d|2[0-3]):?[0-5]\d(?:[ \t]*[-\u2013][ \t]*(?:[01]\d|2[0-3]):?[0-5]\d)?(?:\s+|:[ \t]+)"
                           r"(?:dose[ \t]*(?:#[ \t]*\d{1,2}|\d{1,2}(?=[ \t]+\d))[ \t:,-]+)?"
                           r"(?=\d)", re.IGNORECASE)
_CLOCK_RE = re.compile(r"(?:[01]\d|2[0-3]):?[0-5]\d")
# A new medication row in a MAR ("enoxaparin 40 mg SQ daily - 0900 given"): entries below it are not ours.
# "0600  GIVEN  4.5 g" is an entry of the row above: a charting word is no drug name.
_NEW_ROW_RE = re.compile(r"^(?:(?:[01]\d|2[0-3]):?[0-5]\d\s+)?(?!(?:given|administered|admin|done|infused|not|held)\b)"
                         r"[A-Za-z][A-Za-z-]+(?:\s+[A-Za-z-]+)?\s+\d[\d,.]*\s*(?:mg|mcg|g|units?|ml)\b", re.IGNORECASE)

@cache
def _gloss_gap_re() -> re.Pattern[str]:
    """Between a name and its gloss: brackets (round or square), a slash, and at most two words of a release form,
    salt or dosage form ("paliperidone palmitate ER (INVEGA SUSTENNA)", "GELSYN-3 (sodium
    hyaluronate)", "travoprost intracameral implant (iDose TR 75 mcg)"), a percent strength and a bracket, or a biosimilar's
    four-letter suffix the lexicon does not list ("insulin lispro-aabc (Lyumjev)")."""
    words = alternation(data_file_as("extract_cues.json", ExtractCuesFile).gloss_gap_words)
    # ("CHLOROPROCAINE 3% (Nesacaine-MPF)", "EPINEPHrine 1 mg/mL (Adrenalin)": a percent or per-mL
    # strength may stand before the bracket.)
    return re.compile(rf"[\s()\[\],/-]{{0,4}}|-[a-z]{{4}}[\s()\[\],/-]{{1,4}}|[\s()\[\],/-]*(?:\b{words}\b[\s()\[\],/-]{{1,4}}){{1,2}}"
                      r"|[ \t]+\d*\.?\d+[ \t]*(?:%|(?:mg|mcg|g|units?)[ \t]*/[ \t]*m[lL])[ \t]*\([ \t]*", re.IGNORECASE)
# Where one administration ends and the next begins inside a sentence.
# "was then administered": "then" after an auxiliary is the same clause's adverb.
# ("2,000 IU vial + 1,000 IU vial = 3,000 IU", "10 g/50 mL vial x1 + 2 g/10 mL vial x1 = 12 g": a "+" between
# two containers adds up one preparation)
_CLAUSE_BREAK_RE = re.compile(r"(?<!\bwas)(?<!\bwere)(?<!\bis)(?<!\bare)(?<!\bbeen),?\s+(?:and\s+)?then\b|\s+followed\s+(?:by|with)\b"
                              rf"|\s\+\s(?!{NUM}\s*(?:{UNIT_ALT})(?:\s*/\s*(?:{NUM}\s*)?(?:ml|cc))?\s*(?:single[- ]dose\s+|single[- ]use\s+)?"
                              rf"(?:vials?|ampules?|ampoules?|syringes?|bottles?)\b)",
                              re.IGNORECASE)
# "0600, 1400, 2200": clock times listed after a charting verb.
_CLOCK_TIMES = r"(?:[01]\d|2[0-3]):?[0-5]\d(?:\s*(?:,|and|&)\s*(?:[01]\d|2[0-3]):?[0-5]\d)*"


class _Patterns(NamedTuple):
    """The patterns built from data/extract_cues.json: the words there, the structure here."""

    repeat: re.Pattern[str]
    given_times: re.Pattern[str]
    mar_given: re.Pattern[str]
    charted: re.Pattern[str]
    field_line: re.Pattern[str]
    bare_dose: re.Pattern[str]
    each_of_two: re.Pattern[str]
    counted_doses: re.Pattern[str]
    whole_products: re.Pattern[str]
    same_again: re.Pattern[str]
    partial: re.Pattern[str]
    inpatient: re.Pattern[str]
    injects: re.Pattern[str]
    imaged_with: re.Pattern[str]
    injected_into_tissue: re.Pattern[str]
    placed_in_tissue: re.Pattern[str]
    route_owner_after: re.Pattern[str]
    feeding_before: re.Pattern[str]
    procedure_header: re.Pattern[str]
    finite_verb: re.Pattern[str]
    further: re.Pattern[str]
    other_formulation: re.Pattern[str]
    list_gap: re.Pattern[str]
    carrier_fluids: frozenset[str]
    carried_before: re.Pattern[str]
    fluid_before: re.Pattern[str]
    sedation_after: re.Pattern[str]
    sedation: re.Pattern[str]
    medication_headers: frozenset[str]
    other_drugs: re.Pattern[str]
    anesthesia_headers: frozenset[str]
    local_before: re.Pattern[str]
    general_anesthesia: re.Pattern[str]
    anesthesia_after: re.Pattern[str]
    general_anesthesia_routes: frozenset[str]
    procedure_done: re.Pattern[str]
    fluid_after: re.Pattern[str]
    device_name: re.Pattern[str]
    route_field: re.Pattern[str]
    premix_after: re.Pattern[str]


_GAP_CHAR = r"(?:[^;:]|(?<=\d):(?=\s*\d))"


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    """Built on the first note read, not at import (a cold check pays only for what it runs)."""
    cues = data_file_as("extract_cues.json", ExtractCuesFile)
    abbreviations = data_file_as("drug_abbreviations.json", DrugAbbreviationsFile)

    return _Patterns(
        # "repeated", "an additional 7000 units", "another dose"; not "an additional bacteriostatic saline".
        repeat=pattern(rf"\b(?:{alternation(cues.repeat_prefixes)}|(?:an\s+)?{alternation(cues.another)}\s+"
                        rf"(?=\d|{alternation(cues.dose_noun_prefixes)}))"),
        # "given 0600, 1400, 2200": one administration per time listed after the verb.
        # "given 0600, 1400, 2200" and, in a MAR row, "given 0905, PIV A.T.  given 2110": each time a giving.
        given_times=pattern(rf"\b{alternation(cues.charted_verbs)}\s*(?:at|@)?\s*(?P<times>{_CLOCK_TIMES})\b"
                            rf"(?!\s*(?:{UNIT_ALT})\b)"),
        mar_given=pattern(rf"{_TIME}{alternation(cues.charted_verbs)}\b"),
        charted=pattern(rf"\b{alternation(cues.charted_verbs)}\b"),
        # A following line is read for a dose or route only when it is a field of the same record.
        # So is a clause that opens with an amount: "Invanz 1 g vial reconstituted ...; 1 g IVPB via PICC".
        field_line=pattern(rf"^\s*(?:[-*•]\s*)?(?:{alternation(cues.field_line_prefixes)}|\d{{3,4}}\b|\d{{1,2}}:\d{{2}}"
                           rf"|{NUM}\s*(?:{UNIT_ALT})\b)"),
        # "Zofran 4 IVP", "toradol 30 IM": a bare number right after the drug, then a route or "x1"
        # (the route abbreviations a product name may end with, and a few more).
        bare_dose=pattern(rf"[ \t]*(?:\(\w+\)[ \t]*)?(?P<num>\d+(?:\.\d+)?)[ \t]*"
                           rf"(?=(?:{alternation(abbreviations.route_suffixes + cues.bare_dose_after)}|x[ \t]*1)\b)"),
        # "18 cc ... injected on each side", "40 mg into each knee": the stated dose at each of two sites.
        each_of_two=pattern(rf"\b(?:on|in|into|to|at|for)?\s*each\s+{alternation(cues.paired_sites)}\b"),
        # "4 sites", "four (4) Probuphine implants", "3 separate injection sites": how many doses a dose written "each" is.
        whole_products=pattern(rf"\b{alternation(cues.whole_products)}\b"),
        counted_doses=pattern(rf"\b(?P<n>[2-9]|1[0-9]|{'|'.join(w for w, n in NUMBER_WORDS.items() if 2 <= n <= 19)})\s+(?:\(\s*\d+\s*\)\s+)?(?:[A-Za-z-]+\s+){{0,2}}?{alternation(cues.counted_doses)}\b"),
        # "The same procedure was carried out at the contralateral ...": the whole injection once more.
        same_again=pattern(
            rf"\b(?:the\s+)?same\s+{alternation(cues.same_procedure)}\s+(?:was|were)\s+(?:then\s+)?{alternation(cues.same_procedure_done)}\b"
            rf"|\b(?:this|the\s+{alternation(cues.repeated_procedure)})\s+was\s+(?:then\s+)?repeated\s+(?:at|on|in)\b"),
        # ("No partial packet, no waste", "never interrupted", "without infiltration": a cue denied.)
        partial=pattern(rf"(?<!\bno )(?<!\bnot )(?<!\bnever )(?<!\bwithout )(?<!\bnon-)"
                        rf"\b(?:{alternation(cues.partial)}|{alternation(cues.partial_prefixes)}\w*)\b"),
        inpatient=pattern(rf"\b(?:admitted\s+(?:as\s+)?(?:an\s+)?inpatient|(?:is|was|remains|while)\s+(?:an\s+)?inpatient\b(?!\s+(?:basis|procedure|surgery))"
                           rf"|inpatient\s+{alternation(cues.inpatient_stay)}"
                           rf"|admit(?:ted)?\s+to\s+(?:the\s+)?{alternation(cues.admitted_to)})\b"),
        # "injected", "infiltrated", "instilled"; an "INJECTATE USED:" header says the same.
        injects=pattern(rf"\b(?:{alternation(cues.inject_prefixes)}\w*|{alternation(cues.injects)})\b"),
        imaged_with=pattern(rf"\b{alternation(cues.imaging_words)}\s+(?:images?|scans?|sequences?)\b[^.;\n]{{0,60}}?\b{alternation(cues.imaged_with)}\b"),
        # "IV fluids of D10", "Topical ____ Gelfoam": a route that modifies a thing that is no drug.
        # (Not a header naming the drugs' own route: "IV SEDATION: 5 mg of Versed".)
        route_owner_after=pattern(rf"[\s_]*(?:[A-Za-z]+\s+)?{phrases(cues.route_owners)}(?!\s*:)"),
        feeding_before=pattern(rf"{phrases(cues.feeding_words)}"),
        injected_into_tissue=pattern(rf"\b{alternation(cues.tissue_inject_prefixes)}(?!\w*able\b)\w*"),  # not "injectable 1% lidocaine"
        placed_in_tissue=pattern(
            rf"\b{alternation(cues.tissue_placements)}\s+(?:\w+\s+){{0,2}}?(?:in|into|on|onto|at|along|around|over|throughout)\s+"
            rf"(?:the\s+|all\s+|each\s+|both\s+)?(?:[\w-]+\s+){{0,3}}?{alternation(cues.tissue_sites)}\b"
            rf"|\b{alternation(cues.tissue_sites)}\s+(?:was|were)\s+(?:then\s+)?(?:\w+\s+)?{alternation(cues.tissue_placements)}\s+with\b"
            rf"|{alternation(cues.local_purposes)}\b"),
        procedure_header=pattern(rf"{alternation(cues.procedure_headers)}\b"),
        # A title names the procedure; a sentence that tells what happened has a verb.
        finite_verb=pattern(rf"\b{alternation(cues.finite_verbs)}\b"),
        # "refused further Zofran": later doses, not the one given.
        further=pattern(rf"\b(?:{alternation(cues.further)}|{alternation(cues.further_prefixes)}\w*)\b"),
        # "No plain bupivacaine was given": the qualifier right before the name sets its product apart.
        other_formulation=pattern(rf"\b{alternation(cues.other_formulations)}\s*$"),
        # A list of drugs: items with their amounts and separators, no verb between ("Norflex 60 mg, Zofran 4 mg, and";
        # a combination's parts, "netupitant 300 mg / palonosetron 0.5 mg").
        # A ratio strength's colon ("with 1:100,000 epinephrine") is no clause break.
        list_gap=pattern(rf"^(?!{_GAP_CHAR}*\b{alternation(cues.clause_words)}\b){_GAP_CHAR}{{0,40}}?(?:,|\band\b|&|\+|\bplus\b|\bwith\b|\bas\s+well\s+as\b|(?<=\s)/(?=\s)){_GAP_CHAR}{{0,25}}$"),
        carrier_fluids=frozenset(cues.carrier_fluids),
        # "in 0.9% NaCl", "diluted in 100 mL NS": what the fluid follows.
        carried_before=pattern(rf"\b{alternation(cues.carried_in)}\s+(?:\d+(?:\.\d+)?\s*(?:%|ml|cc|l)\s*(?:of\s+)?)?"
                               r"(?:(?:the|supplied|provided|accompanying)\s+)?$"),
        # "added to NS 50 mL", "reconstituted with 10 mL SWFI": the volume is the fluid's.
        fluid_before=pattern(rf"\b{alternation(cues.carrier_fluids)}\s*(?:\d+(?:\.\d+)?\s*%\s*)?(?:{alternation(cues.flush_words)}\s*:?\s*)?$"),
        fluid_after=pattern(rf"\s*(?:of\s+)?{alternation(cues.carrier_fluids)}\b"),
        # "intravenous sedation", "IV conscious sedation", "intravenous moderate sedation".
        sedation_after=pattern(rf"\s+(?:[a-z]+\s+){{0,2}}?{alternation(cues.sedation_words)}\b"),
        sedation=pattern(rf"\b{alternation(cues.sedation_words)}\b"),
        procedure_done=pattern(rf"\b{alternation(cues.procedure_done)}\b"),
        # "350 mg/50 mL Galaxy premix bag": a strength told as a premixed bag's content.
        premix_after=pattern(rf"[\s,]*(?:[A-Za-z-]+\s+){{0,2}}?{alternation(cues.premix_words)}\b"),
        anesthesia_headers=frozenset(" ".join(h.lower().split()) for h in cues.anesthesia_headers),
        # "local Xylocaine", "local (1% Lidocaine)", "under 2% lidocaine anesthesia"
        local_before=pattern(rf"\b{alternation(cues.local_words)}\b[\s(]*(?:\d+(?:\.\d+)?\s*%\s*)?$"),
        general_anesthesia=pattern(rf"\b{alternation(cues.general_anesthesia_words)}\b"),
        anesthesia_after=pattern(rf"[\s)]*(?:\d+(?:\.\d+)?\s*%\s*)?(?:local\s+)?{alternation(cues.anesthesia_nouns)}\b"),
        general_anesthesia_routes=frozenset(cues.general_anesthesia_routes),
        medication_headers=frozenset(cues.medication_headers),
        other_drugs=pattern(rf"\b{alternation(cues.other_drugs_words)}\b"),
        device_name=pattern(phrases(cues.device_names)),
        route_field=pattern(rf"[ \t]*(?:[-*\u2022][ \t]*)?{alternation(cues.route_fields)}[ \t]*:"),
    )


_ROLE_REASONS = {
    "container": "named as the container the dose came from",
    "restatement": "a restatement of a dose documented elsewhere",
    "waste": "named in a waste statement",
    "inventory": "named on a product or lot line",
    "allergy": "listed as an allergy",
    "other": "not a dose of the drug (a level, a test or a class)",
}


class _MentionIndex(list):
    """The note's drug mentions in order, with span look-ups in log time (long notes stay linear)."""

    def __init__(self, mentions: list[DrugMention]) -> None:
        super().__init__(mentions)
        self.starts = [m.start for m in mentions]

    def in_span(self, start: int, end: int) -> list[DrugMention]:
        return self[bisect_left(self.starts, start) : bisect_left(self.starts, end)]

    def any_in(self, start: int, end: int, coded: bool = False) -> bool:
        found = self.in_span(start, end)
        return any(m.codes for m in found) if coded else bool(found)


class _SentenceIndex(list):
    """Sentences in order, with their starts for bisection."""

    def __init__(self, sents: list[Sentence]) -> None:
        super().__init__(sents)
        self.starts = [s.start for s in sents]

    def after(self, pos: int) -> int:
        return bisect_left(self.starts, pos)

    def at(self, pos: int) -> Sentence | None:
        i = bisect_right(self.starts, pos) - 1
        return self[i] if i >= 0 and self[i].start <= pos < self[i].end else None


@dataclass
class DoseEvent:
    mention: DrugMention
    sentence: Sentence
    amounts: list[Amount] = field(default_factory=list)
    routes: list[RouteMatch] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)
    section: SectionSpan | None = None
    times: list[str] = field(default_factory=list)
    repeat: bool = False
    entries: list[Amount] = field(default_factory=list)  # MAR entries ("0300 1 mg IV") under an order
    role: str | None = None  # note/roles.py, once every mention of the note is read
    described_as: str | None = None  # an administered vial or title line: what it describes, should a nameless giving turn up ("named": a bare name)
    sites: int = 1  # the dose given this many times: "on each side" (2), "the same procedure was carried out at ..." (+1)
    nameless: bool = False  # a giving that names no drug ("1005 infusion started"): note/nameless.py
    dates: tuple[DateMention, ...] = ()  # the days its giving is told on (note/dates.py); none: the note's day
    earlier_day: DayMarker | None = None  # told on a counted day ("given DOL 1") other than the note's own ("DOL 18")

    def clock_before(self, text: str) -> list[str]:
        """The clock times of the mention's own sentence before it: "1600 furosemide 80 mg" on a
        line of two entries is timed by its own clock, not the line's first."""
        return find_times(text, self.sentence.start, self.mention.start)

    def on_other_day_than(self, other: DoseEvent) -> bool:
        """Both givings are dated, on no day in common: two days' doses, however alike."""
        return bool(self.dates) and bool(other.dates) and not any(a.may_share_a_day(b) for a in self.dates for b in other.dates)

    @property
    def given(self) -> bool:
        if self.role is not None:
            return self.role == "administered"
        if self.categories & {"NOT_GIVEN", "ELSEWHERE"}:
            return False
        if "ADMINISTERED" in self.categories:
            return True
        if self.categories & {"PLANNED", "HISTORICAL"}:
            return False
        return not (self.section and self.section.kind in {"not_given", "plan", "history"})

    @property
    def why_not_given(self) -> str:
        if self.role in _ROLE_REASONS:
            return _ROLE_REASONS[self.role]
        if "NOT_GIVEN" in self.categories:
            return "negated, held or refused"
        if "ELSEWHERE" in self.categories:
            return "given by EMS or another facility"
        if "PLANNED" in self.categories:
            return "planned, ordered or conditional"
        if "HISTORICAL" in self.categories:
            return "historical or a home medication"
        if self.section:
            return f"listed under '{self.section.header}'"
        return ""

    @property
    def dose_amounts(self) -> list[Amount]:
        """Amounts that say how much was given (not rates, not ranges, not concentrations alone)."""
        return [a for a in self.amounts if is_dose(a)]

    @property
    def stated_dose(self) -> Amount | None:
        """The amount this statement gives as the dose arithmetic reads it first: a plain amount
        over its volume or per-kg form ("1 mL (30 mg)" is 30 mg), else a container's stated content
        when no dose is written ("Ranibizumab 0.5 mg/0.05 mL injected")."""
        ordered = dose_order(self.dose_amounts)
        if ordered:
            return ordered[0]
        return next((a for a in self.amounts if a.is_concentration and not a.rate and a.volume_stated), None)


def dose_order(amounts: list[Amount]) -> list[Amount]:
    """Plain amounts (mass, units) first: "Vancomycin 15 mg/kg (1,200 mg)" and "0.8 mL (8 mg)" are 1,200 and 8 mg."""
    plain = [a for a in amounts if not a.per_kg and a.kind != "volume"]
    return plain or amounts


def injection_told(text: str, sentence: Sentence) -> bool:
    """'injected', 'infused', 'infiltrated' in the sentence (data/extract_cues.json's injection words)."""
    return _patterns().injects.search(text, sentence.start, sentence.end) is not None


@dataclass(frozen=True)
class NoteFacts:
    """The annotated note; `docreview.note.reading` adds the billed code's administrations."""

    text: str
    sentences: list[Sentence]
    sections: list[SectionSpan]
    events: list[DoseEvent]
    weight: Weight | None
    waste: WasteFacts
    reasons: list[Reason]
    linked_reasons: list[Reason]
    inpatient: tuple[int, int] | None
    word_stems: frozenset[str] = frozenset()
    off_label: tuple[tuple[int, int], ...] = ()  # where the note calls a use off-label
    by_kind: tuple[DoseEvent, ...] = ()  # givings told only by the billed code's kind of drug ("IV sedation"): nameless.kind_givings
    annotations: Annotations | None = field(default=None, compare=False, repr=False)  # the scans, for later look-ups

    def events_for(self, code: str) -> list[DoseEvent]:
        return [e for e in self.events if code in e.mention.codes]


def _dated_aside_of_another_day(notes: Annotations, event: DoseEvent, amount: Amount) -> bool:
    """'day 8 of dalbavancin 2-dose regimen (1,000 mg given 06/02)': an amount in an aside (one
    the mention is not in) that dates it on a day other than the giving's own is that day's dose."""
    sent = event.sentence
    aside = enclosing_parenthesis(notes.text, amount.start, amount.end, sent.start, sent.end)
    if aside is None or aside[1] < 0 or aside[0] < event.mention.start < aside[1]:
        return False
    return any(aside[0] < d.start < aside[1] and not any(d.may_share_a_day(o) for o in event.dates) for d in notes.dates)


def _giving_dates(notes: Annotations, event: DoseEvent) -> tuple[DateMention, ...]:
    return giving_dates(notes.text, notes.dates, notes.date_headings, (event.sentence.start, event.sentence.end),
                        (event.mention.start, _gloss_close(notes.text, event.mention, event.sentence.end)))


def _on_another_counted_day(notes: Annotations, event: DoseEvent) -> DayMarker | None:
    """The giving's clause counts its day ("was given DOL 1") and the note's header counts another ("DOL 18")."""
    # (the mention's span with its gloss closed: "axicabtagene ciloleucel (Yescarta) infusion on day 0")
    mention = (event.mention.start, _gloss_close(notes.text, event.mention, event.sentence.end))
    days = giving_days(notes.text, notes.day_markers, (event.sentence.start, event.sentence.end), mention)
    if any(notes.note_days.get(d.kind) == d.number for d in days):
        return None
    return next((d for d in days if d.kind in notes.note_days and d.start > notes.text.find("\n")), None)


def _same_kind_across(notes: Annotations, start: int, plus: int, end: int) -> bool:
    """The amount right after a "+" is of the kind of the last one before it (mass + mass), not a
    mixture's other part ("Kenalog 40 mg + 2 mL lido")."""
    before, after = notes.amounts_in(start, plus)[-1:], notes.amounts_in(plus, end)[:1]
    if not (before and after) or before[0].kind != after[0].kind:
        return False
    # Containers added up ("100-unit vial + 50-unit vial", "2 x 7.5 mg + 1 x 1.5 mg vials") are stock, not two doses.
    return not any(a.is_concentration or a.container or a.multiplier != 1 or CONTAINER_AFTER_RE.match(notes.text, a.end)
                   for a in (before[0], after[0]))


def _merge_adjacent(text: str, mentions: list[DrugMention], specific: Callable[[frozenset[str]], bool],
                    brand: Callable[[DrugMention], bool] = lambda m: False,
                    combination: Callable[[str], bool] = lambda code: False,
                    own_products: Callable[[frozenset[str], frozenset[str]], frozenset[str]] = lambda codes, others: frozenset()) -> list[DrugMention]:
    """'Solu-Medrol (methylprednisolone)' is one mention; keep the more specific codes.
    `specific(codes)`: whether the codes are a named product's (a brand-specific code);
    `combination(code)`: whether the code's drug is a combination ("rituximab and hyaluronidase");
    `own_products(codes, others)`: those of `others` that are brand-specific codes of a drug of `codes`."""
    out: list[DrugMention] = []
    for mention in mentions:
        if out:
            gap = text[out[-1].end : mention.start]
            prev = out[-1]
            # A gloss ("Solu-Medrol (methylprednisolone)", "Kenalog/triamcinolone", "paliperidone
            # palmitate ER (INVEGA SUSTENNA)") is one mention; a comma list of different drugs
            # ("TORADOL, PENICILLIN") is not. "Idelvion [coagulation factor IX ...]": square brackets too.
            gloss = "(" in gap or "[" in gap or "/" in gap or bool(prev.codes & mention.codes)
            if prev.codes and not mention.codes and gap and not gap.strip(" \t"):
                # "Acthar Gel SelfJect": a name with no code right after a product's name is its
                # presentation (the injector), one mention with the product's codes.
                out[-1] = replace(prev, end=mention.end)
                continue
            if _gloss_gap_re().fullmatch(gap) and gloss and "\n" not in gap:  # never across lines
                both = prev.codes & mention.codes
                # Names of two different codes: the named product's ("midazolam (Seizalam)" is Seizalam).
                named = [m.codes for m in (prev, mention) if m.codes and specific(m.codes)]
                # A gloss by a name that has no code ("acetazolamide (Diamox)", an oral brand) keeps the coded name's codes.
                coded = [c for c in (prev.codes, mention.codes) if c] or [prev.codes]
                # "penicillin G procaine (BICILLIN C-R)": of two names with no code in common, the brand names the product.
                brands = [m.codes for m in (prev, mention) if m.codes and brand(m)]
                # "adalimumab-aaty (Yuflyma)": a biosimilar's proper name, suffix and all, names its own code.
                suffixed = [m.codes for m in (prev, mention) if m.codes and BIOSIMILAR_NAME_RE.search(text, m.start, m.end)]
                codes = both or (named[0] if len(named) == 1 else suffixed[0] if len(suffixed) == 1
                                 else brands[0] if len(brands) == 1 else min(coded, key=len))
                if both and len(brands) == 1 and both < brands[0] and any(combination(c) for c in brands[0] - both):
                    # "RITUXAN HYCELA (rituximab 1,400 mg / hyaluronidase ...)": a gloss by one ingredient
                    # of the brand's combination does not narrow the brand's codes.
                    codes = brands[0]
                elif both and len(brands) == 1 and both < brands[0]:
                    # "EPINEPHrine (Adrenalin)": the generic name answers to no brand-specific code, so
                    # the brand's own code of that drug ("epinephrine (adrenalin)") stays in.
                    codes = both | own_products(both, brands[0] - both)
                out[-1] = DrugMention(prev.start, mention.end, f"{prev.name} / {mention.name}", frozenset(codes), prev.fuzzy and mention.fuzzy,
                                      gloss=(mention.start, mention.end))
                continue
        out.append(mention)
    return out


def _glossed_names_learned(mentions: list[DrugMention]) -> list[DrugMention]:
    """'OTIPRIO (ciprofloxacin otic suspension) 0.1 mL' then 'OTIPRIO 0.1 mL instilled': a name
    the lexicon lacks, once glossed by a coded name, is that drug wherever the note repeats it."""
    learned: dict[str, DrugMention] = {}
    out = []
    for mention in mentions:
        if mention.gloss is not None and mention.codes:
            for part in mention.name.split(" / "):
                learned.setdefault(normalize_name(part), mention)
        elif not mention.codes and (pair := learned.get(normalize_name(mention.name))) is not None:
            mention = replace(mention, name=pair.name, codes=pair.codes)
        out.append(mention)
    return out


# "immune globulin/hyaluronidase", "daratumumab and hyaluronidase-fihj": a co-formulation's drugs.
_COMBINED_RE = re.compile(r"\s*/\s*|\s+and\s+")


def _generics_of_the_named_product(mentions: list[DrugMention], facts: CodeFacts, kb: KnowledgeBase) -> list[DrugMention]:
    """'Asceniv 35 g IV; 7 x 5 g/50 mL vials dispensed' ... 'Total IG given today: 27 g': a note that
    names the billed product by its brand calls it by its generic too. A generic mention of the
    billed drug (every code it has is another product of that drug) is then the product named.
    So is a mention of the drug a product co-formulated with hyaluronidase is dosed by ("HyQvia
    30 g/300 mL unit: HY 15 mL first, then IG 300 mL"; Darzalex Faspro's daratumumab). (With no
    brand named, the generic is no product's: edge case 7.)"""
    drug = normalize_name(facts.drug)
    parts = _COMBINED_RE.split(facts.drug.lower())
    first = normalize_name(parts[0]) if len(parts) == 2 and parts[1].startswith("hyaluronidase") else drug
    if (not facts.product_specific and first == drug) or not any(facts.code in m.codes and _names_a_brand(kb, m) for m in mentions):
        return mentions

    def generic(m: DrugMention) -> bool:
        return (bool(m.codes) and facts.code not in m.codes and m.gloss is None and not _names_a_brand(kb, m)
                and all(c in kb.codes and normalize_name(kb.facts(c).drug) in (drug, first) for c in m.codes))

    return [replace(m, codes=m.codes | {facts.code}) if generic(m) else m for m in mentions]


def _injection_product(kb: KnowledgeBase, mention: DrugMention) -> bool:
    """Every code of the name is an injection's: a route word in it ("Acthar Gel") is the name's."""
    return bool(mention.codes) and all(c in kb.codes and kb.facts(c).descriptor.lower().startswith("injection") for c in mention.codes)


def _names_a_brand(kb: KnowledgeBase, mention: DrugMention) -> bool:
    """The mention is one of its codes' brand names ("Bicillin C-R", "Zyprexa")."""
    name = normalize_name(mention.name).replace(" ", "")
    return any(normalize_name(b).replace(" ", "") == name for c in mention.codes if c in kb.codes for b in kb.facts(c).brands)


def _own_products(kb: KnowledgeBase, codes: frozenset[str], others: frozenset[str]) -> frozenset[str]:
    drugs = {normalize_name(kb.facts(c).drug) for c in codes if c in kb.codes}
    return frozenset(c for c in others if c in kb.codes and kb.facts(c).product_specific and normalize_name(kb.facts(c).drug) in drugs)


def _product_codes(kb: KnowledgeBase, codes: frozenset[str]) -> bool:
    return all(c in kb.codes and kb.facts(c).product_specific for c in codes)


def _token_span(toks: list, start: int, end: int) -> tuple[int, int]:
    first = next((i for i, t in enumerate(toks) if t.start >= start), 0)
    return first, max((i for i, t in enumerate(toks) if t.end <= end), default=first)


def _asides(text: str, in_sentence: list[DrugMention], sent_end: int) -> dict[int, tuple[int, int]]:
    """Mentions inside a parenthesis opened after the previous drug: index -> (open, close + 1)."""
    out = {}
    for j in range(1, len(in_sentence)):
        between = text[in_sentence[j - 1].end : in_sentence[j].start]
        if between.count("(") > between.count(")"):
            close = text.find(")", in_sentence[j].end, sent_end)
            if close != -1 and "(" not in text[in_sentence[j].end : close]:
                out[j] = (in_sentence[j - 1].end + between.rfind("("), close + 1)
    return out


def _combination_code(kb: KnowledgeBase, code: str) -> bool:
    return code in kb.codes and " and " in kb.facts(code).drug


def read_note(text: str, facts: CodeFacts, kb: KnowledgeBase) -> NoteFacts:
    secs = sections(text)
    sents = _SentenceIndex(sentences(text, breaks=[s.header_start for s in secs if s.header_start > 0]))
    notes = Annotations(text, sents, secs)  # route words, amounts, tokens and ConText: scanned once
    targets = [facts] + [kb.facts(c) for c in facts.similar_codes if c in kb.codes]
    lexicon = lexicon_for(kb)
    found = with_billed_labeler(text, facts, kb, lexicon.find(text, fuzzy_targets=targets))
    found = lexicon.with_combinations(text, _merge_adjacent(text, with_billed_vehicle_brands(text, facts, found, kb.family(facts)),
                                                            partial(_product_codes, kb), partial(_names_a_brand, kb),
                                                            partial(_combination_code, kb), partial(_own_products, kb)))
    found = with_stated_formulation(text, with_billed_generic(_glossed_names_learned(found), facts, kb), kb)
    found = with_stated_salt(text, _generics_of_the_named_product(found, facts, kb), kb)
    mentions = _MentionIndex(_without_composition(text, _without_unit_qualifiers(text, _without_devices(text, _without_carriers(text, found))), kb))
    notes.name_routes([(m.start, m.end) for m in mentions if _injection_product(kb, m)], frozenset(route_vocabulary().injection_routes))
    events: list[DoseEvent] = []
    line_times = cache(lambda bounds: find_times(text, *bounds))  # one scan per line, however many drugs it names
    for idx, sent in enumerate(sents):
        in_sentence = mentions.in_span(sent.start, sent.end)
        if not in_sentence:
            continue
        toks, modifiers = notes.context(sent)
        # "50 mg of Benadryl", "given 1 g Ancef": an amount right before a drug is that drug's.
        lead = [_leading_amount_start(text, sent.start if j == 0 else in_sentence[j - 1].end, m.start) for j, m in enumerate(in_sentence)]
        for j in range(1, len(in_sentence)):
            # "Midazolam 2 mg IV Fentanyl 50 mcg IV": an amount right after one drug, before a
            # drug that has its own amount after it, is the first drug's.
            # (A gloss's closing parenthesis stands between: "Fentanyl (Sublimaze) 0.1 mg IV Versed ...".)
            if lead[j] is not None and not text[in_sentence[j - 1].end : lead[j]].strip(" \t,:-)") and notes.amounts_in(in_sentence[j].end, in_sentence[j].end + 6):
                lead[j] = None
        asides = _asides(text, in_sentence, sent.end)
        spans = [_token_span(toks, m.start, m.end) for m in in_sentence]
        for j, mention in enumerate(in_sentence):
            seg_start = sent.start if j == 0 else (lead[j] if lead[j] is not None else mention.start)
            if j - 1 in asides:  # the drug after an aside starts where the aside ends
                seg_start = max(seg_start, asides[j - 1][1])
            nxt = j + 1
            while nxt in asides:
                nxt += 1
            seg_end = in_sentence[nxt].start if nxt < len(in_sentence) else sent.end
            if nxt < len(in_sentence) and lead[nxt] is not None:
                seg_end = lead[nxt]
            if j in asides:
                seg_end = min(seg_end, asides[j][1] - 1)
            # The outer drug skips its aside: "Gammagard 10% (Bivigam on backorder), 30 g".
            skip = next(((asides[k][0], asides[k][1]) for k in range(j + 1, nxt)), None)
            # A route may follow a mixture ("Kenalog 40 mg + 2 mL lido injected into the knee");
            # an amount after "+" or "then" belongs to the next drug.
            # (Not inside the drug's own gloss: "DefenCath (taurolidine 13.5 mg/mL + heparin 1,000 units/mL) instilled".)
            brk = _CLAUSE_BREAK_RE.search(text, _gloss_close(text, mention, seg_end), seg_end)
            # A "+" between bare numbers is arithmetic: "Tirofiban total: 2,250 + 945 = 3,195 mcg".
            arithmetic = brk is not None and bool(_ARITHMETIC_RE.match(text, brk.start()))
            # "200 mg SC L abdomen + 200 mg SC R abdomen = 400 mg": with no drug after it, a "+"
            # between amounts of one kind adds a second site's dose of the same drug.
            if brk is not None and "+" in brk.group(0) and nxt >= len(in_sentence):
                arithmetic = arithmetic or _same_kind_across(notes, seg_start, brk.start(), seg_end)
            amount_end = brk.start() if brk and "+" in brk.group(0) and not arithmetic else seg_end
            seg_end = brk.start() if brk and "+" not in brk.group(0) else seg_end
            if skip is not None and skip[0] < amount_end:
                amounts = notes.amounts_in(seg_start, skip[0]) + notes.amounts_in(skip[1], amount_end)
                routes = notes.routes_in(seg_start, skip[0]) + notes.routes_in(skip[1], seg_end)
            else:
                amounts = notes.amounts_in(seg_start, amount_end)
                routes = notes.routes_in(seg_start, seg_end)
            amounts = amounts or _bare_dose(text, mention.end, facts)
            nxt_start = None
            if j + 1 < len(in_sentence):
                nxt_start = lead[j + 1] if lead[j + 1] is not None else in_sentence[j + 1].start
                routes = _not_governing(text, routes, mention.end, nxt_start, in_sentence[j + 1].start)
            if not routes and j + 1 < len(in_sentence) and not in_sentence[j + 1].codes:
                # A mixture shares its route: "Kenalog 40 mg + 2 mL lido injected into the knee".
                coded = next((m.start for m in in_sentence[j + 1 :] if m.codes), sent.end)
                routes = notes.routes_in(seg_start, coded)
            elif (not routes and j + 1 < len(in_sentence) and dosed_parts(text, mention, in_sentence[j + 1])
                  and not inside_parentheses(text, sent.start, mention.start)):
                # So do one product's parts: "netupitant 300 mg/palonosetron 0.5 mg (Akynzeo) 1 capsule PO"
                # (not the parts a gloss spells out: "AVYCAZ 1.25 g (ceftazidime 1 g / avibactam 0.25 g)").
                coded = next((m.start for k, m in enumerate(in_sentence[j + 2 :], j + 2) if m.codes and k not in asides), sent.end)
                routes = notes.routes_in(seg_start, coded)
            if not routes and j > 0:
                # "given IV Norflex 60 mg, Zofran 4 mg, and morphine 4 mg": a route before the
                # first drug of a list applies to the whole list (not to a drug after the list);
                # a list later in the sentence takes its first drug's own route ("... the bladder
                # was instilled with DMSO, Kenalog, heparin and sodium bicarbonate").
                head = j
                while head > 0 and _patterns().list_gap.match(text[in_sentence[head - 1].end : in_sentence[head].start]):
                    head -= 1
                if head == 0 and head < j:
                    routes = notes.routes_in(sent.start, in_sentence[0].start)
                elif head < j:
                    routes = _own_prenominal(notes, sent, in_sentence[head], [])
            routes = _own_prenominal(notes, sent, mention, routes)
            if nxt_start is not None:
                routes = _not_governing(text, routes, mention.end, nxt_start, in_sentence[j + 1].start)
            last_in_sentence = all(not m.codes for k, m in enumerate(in_sentence[j + 1 :], j + 1) if k not in asides)
            # A vial's volume ("(1 mL single-dose vial)") is a dose only when no dose line follows.
            dosed = [a for a in amounts if is_dose(a) and not (a.kind == "volume" and (CONTAINER_AFTER_RE.match(text, a.end) or is_fluid_volume(text, a)))]
            preparing = bool(dosed) and _prepares(text, sent)
            # "Trabectedin 1.5 mg/m2 every 3 weeks" over "BSA 1.75 m2 -> 2.625 mg": a dose per size
            # worked out on the line below ...
            per_size = bool(dosed) and all(a.per_kg or a.per_m2 for a in dosed)
            # ... of the drug's own line, opened by its name (not "... after gemcitabine/cisplatin" in a Dx line)
            heads = _opens_sentence(text, sent, mention)
            if last_in_sentence and (not dosed or not routes or preparing or per_size):
                more_amounts, more_routes = _following_lines(notes, sents, idx, mentions, sent, undosed=heads and (not dosed or per_size))
                # "Drug: dex 10 mg/mL (1 mL vial)" then "Dose: 0.6 mg/kg = 9 mg IM": the dose line wins.
                # So does the giving after a preparation: "4 vials drawn up (1.6 mg); 1.4 mg (3.5 mL) given IV push".
                given_after = preparing and any(is_dose(a) for a in more_amounts) and _gives(notes, more_amounts)
                if given_after:
                    amounts = [a for a in amounts if not is_dose(a)] + more_amounts
                elif more_amounts and (not dosed or (per_size and (line := sents.at(more_amounts[0].start)) is not None
                                                     and _worked_out_doses(notes, line))):
                    amounts = amounts + more_amounts
                routes = routes or more_routes
            # "After adequate IV sedation was administered, 15 cc of ... lidocaine was injected": the sedation's route.
            routes = [r for r in routes if not _owned_route(text, sent, r, mention)]
            first, last = spans[j]
            events.append(
                DoseEvent(
                    mention=mention,
                    sentence=sent,
                    amounts=amounts,
                    routes=routes,
                    categories=categories_for(toks, modifiers, first, last, [sp for k, sp in enumerate(spans) if k != j], text),
                    section=section_at(secs, mention.start),
                    times=line_times(line_bounds(text, sent.start)),
                    repeat=bool(_patterns().repeat.search(text, sent.start, sent.end)),
                )
            )
    _labelled_list_items(text, sents, events)
    waste = read_waste(text)
    discarded = {a.start for a, _ in waste.discarded}
    for event in events:
        # "0.08 mL (8 mg) expelled and wasted before injection; 0.92 mL = 92 mg given": an amount
        # the waste reader found discarded is never the dose.
        if any(a.start in discarded for a in event.amounts):
            event.amounts = [a for a in event.amounts if a.start not in discarded]
        # "1.4 mg/m2 (calc 2.73 mg) - CAPPED at 2 mg": the formula's figure gives way to the dose written beside it.
        if any(a.calculated for a in event.amounts) and any(is_dose(a) and not a.calculated and not a.per_kg and a.kind != "volume" for a in event.amounts):
            event.amounts = [a for a in event.amounts if not a.calculated]
        _count_sites(notes, sents, mentions, event)
        _collect_entries(notes, sents, mentions, event, discarded)
        _confirm_order(notes, sents, mentions, event, discarded)
        _partial_dose(notes, sents, mentions, event, discarded)
        if not event.routes:
            event.routes = _preceding_routes(notes, sents, mentions, event.sentence)
    for event in events:
        event.dates = _giving_dates(notes, event)
        event.earlier_day = _on_another_counted_day(notes, event)
        event.amounts = [a for a in event.amounts if not _dated_aside_of_another_day(notes, event, a)]
    _vials_named_by_their_drug(text, events)
    _generic_names_the_named_product(facts, kb, events)
    for event, (role, described) in zip(events, assign_roles(text, events, notes), strict=True):
        event.role, event.described_as = role, described
    for event in events:
        # "reconstituted with 20 mL bacteriostatic water": the vial's vehicle, no giving ("with
        # dextrose 50% 25 g IV", given by a route of its own, is one).
        if (event.role == "administered" and facts.code not in event.mention.codes and vehicle_of_another(event, events)
                and not any(event.sentence.start <= r.start < event.sentence.end for r in event.routes)):
            event.role = "other"
    _dose_from_container(events)
    _dose_glossed_by_ingredient(text, events)
    _dose_from_ingredient_aside(notes, events, facts)
    _drop_mixture_totals(text, events)
    _volume_to_the_base_drug(text, events)
    _mixture_shares(text, events)
    _dose_from_order(notes, events)
    _dose_from_whole_product(text, events)
    _routes_from_other_mentions(events)
    _share_trailing_routes(text, events)
    _routes_after_parenthesis(notes, events)
    _procedure_routes(notes, secs, sents, events)
    _routes_from_headers(notes, events)
    _routes_from_route_fields(notes, events, mentions.any_in)
    _routes_from_timed_lines(notes, events, mentions.any_in)
    _sedation_route(notes, events, kb)
    _anesthesia_routes(notes, secs, events, kb)
    _infiltrated_anesthetics(notes, events, kb)
    _named_local_anesthesia(notes, events, kb)
    _routes_from_other_mentions(events)  # a restatement infiltrated ("The area was injected with 6 mL of Marcaine") names the giving's route
    if "oral" not in facts.allowed_routes:
        _drop_oral_pairs(text, events)
    for index, routes in nameless_routes(notes, events, mentions.any_in):
        events[index].routes = routes
    for index, total in nameless_totals(notes, events, mentions.any_in):
        events[index].amounts = [*events[index].amounts, total]
    volumes = nameless_volumes(notes, events, mentions.any_in)
    for giving, index in volumes:
        events[index].role = "container"  # the line that prepared the drug; the dose is the giving below it
        for other in events:  # the giving line's amounts are that drug's, not a drug named above it
            if other is not events[index] and not other.mention.same_drug(events[index].mention):
                other.amounts = [a for a in other.amounts if not giving.sentence.start <= a.start < giving.sentence.end]
    # "Injected intravitreally OS; 0.05 mL delivered": the volume's line is the one giving.
    givings = [g for g in nameless_givings(notes, events, mentions.any_in)
               if not any(v.sentence.line == g.sentence.line and v.mention.same_drug(g.mention) for v, _ in volumes)]
    for giving in givings:
        for event in events:  # "Xiaflex 0.9 mg vial reconstituted ..." then "the 0.58 mg dose injected": the vial line describes
            if event.described_as and event.role == "administered" and event.mention.same_drug(giving.mention):
                event.role = event.described_as

    def nameless_event(giving: NamelessGiving) -> DoseEvent:
        event = DoseEvent(mention=giving.mention, sentence=giving.sentence, amounts=list(giving.amounts), routes=list(giving.routes),
                          categories={"ADMINISTERED"}, section=giving.section, times=line_times(line_bounds(text, giving.sentence.start)),
                          role="administered", nameless=True, repeat=giving.repeat)
        event.sites = _per_site_count(text, event) or 1
        return event

    rows = record_rows(notes, events, mentions.any_in)
    table_rows = table_givings(notes, events, mentions.any_in)
    row_lines = {line_bounds(text, g.mention.start) for g in [*rows, *table_rows]}

    def on_a_row(g: NamelessGiving) -> bool:
        return line_bounds(text, g.sentence.start) in row_lines  # the record's row, read once

    others = [*table_rows, *(g for g, _ in volumes), *rows]
    events.extend(nameless_event(g) for g in givings if not on_a_row(g))
    events.sort(key=lambda e: e.mention.start)
    # "0901 test dose 0.2 mcg IV" then "0903 remaining 15.8 mcg IV": a giving that names no drug is continued too.
    events.extend(nameless_event(g) for g in [*(c for c in nameless_continuations(notes, events, mentions.any_in) if not on_a_row(c)), *others])
    events.sort(key=lambda e: e.mention.start)
    # "full 2 mg dose injected." then "INJECTION: 30g needle, inferotemporal, intravitreal OD.": the
    # giving that names no drug takes the route of the line after it as a named one does.
    for index, routes in nameless_routes(notes, events, mentions.any_in, nameless_too=True):
        if events[index].nameless:
            events[index].routes = routes
    # "P/Procedure: L knee IA injection" ... "full 5 mL injected": the procedure's route, as for a named giving.
    _procedure_routes(notes, secs, sents, events, only=[e for e in events if e.nameless and not e.routes])
    _route_from_order(events)
    _later_negation_overrules(notes, secs, events, mentions.any_in)
    for event in events:
        if event.nameless:
            event.dates = _giving_dates(notes, event)
    for event in events:
        # A stated route beats an implied one for the same administration ("IV" over "via port").
        if any(not r.implied for r in event.routes):
            event.routes = [r for r in event.routes if not r.implied]

    def asserted(r: Reason) -> bool:
        return (not _negated(notes, r, sents) and not _hypothetical(notes, r, sents) and not _only_weighed(notes, r, sents)
                and _section_kind(secs, r.start) != "not_given" and not _family_history(secs, r.start))

    billed_events = [e for e in events if facts.code in e.mention.codes]
    # "Pruritus 1130 - diphenhydramine 25 mg IV x1": the reason told with another drug's giving, a
    # use of that drug and none of the billed drug's known uses, is that drug's. (A drug with no
    # known uses keeps every reason: nothing tells its own apart.)
    reasons = [r for r in find_reasons(text, facts, asserted) if asserted(r)
               and (r.supports or not facts.indications or not _another_drugs_reason(sents, events, billed_events, r, kb))]
    linked = [r for r in reasons if _linked(text, r, sents, secs, billed_events)]
    inpatient = _patterns().inpatient.search(text)
    # A code whose drug the note never names: a giving told by its kind alone ("intravenous sedation").
    by_kind = () if billed_events else tuple(nameless_event(g) for g in kind_givings(notes, code_kinds(facts.purposes, facts.descriptor),
                                                                                      mentions.any_in))
    return NoteFacts(
        text=text,
        sentences=sents,
        sections=secs,
        events=events,
        weight=find_weight(text),
        waste=waste,
        reasons=reasons,
        linked_reasons=linked,
        inpatient=(inpatient.start(), inpatient.end()) if inpatient else None,
        word_stems=word_stems(text),
        off_label=tuple(find_off_label(text)),
        annotations=notes,
        by_kind=by_kind,
    )


def _labelled_list_items(text: str, sents: _SentenceIndex, events: list[DoseEvent]) -> None:
    """'phone order 0150 (read back): chlordiazepoxide 50 mg PO now; thiamine 100 mg IM; NS 1 liter
    IV': the items of a list an order's label opens, each a clause of its line after a semicolon,
    are ordered as its first item is (an item told as given keeps its own reading)."""
    by_sentence: dict[int, list[DoseEvent]] = {}
    for event in events:
        by_sentence.setdefault(event.sentence.start, []).append(event)
    for event in events:
        if event.categories:
            continue
        # the list's first clause: back over the clauses of the line that semicolons join
        clause = event.sentence
        while (k := sents.after(clause.start)) > 0 and sents[k - 1].line == clause.line and text[sents[k - 1].end : clause.start].strip(" \t") == ";":
            clause = sents[k - 1]
        head = next((e for e in by_sentence.get(clause.start, []) if "PLANNED" in e.categories), None)
        if head is not None and clause is not event.sentence:
            label = text.rfind(":", clause.start, head.mention.start)
            if label >= 0 and "order" in text[clause.start : label].lower():
                event.categories = {*event.categories, "PLANNED"}


def _another_drugs_reason(sents: _SentenceIndex, events: list[DoseEvent], billed: list[DoseEvent], reason: Reason, kb: KnowledgeBase) -> bool:
    """The reason's sentence is another drug's charted giving (a time, a dose and a route of its
    own), names no billed drug, and the reason is a known use of that drug."""
    sent = sents.at(reason.start)
    if sent is None or any(e.sentence == sent for e in billed) or not reason.icd10:
        return False
    return any(e.sentence == sent and e.role == "administered" and e.times and e.dose_amounts
               and any(sent.start <= r.start < sent.end for r in e.routes)
               and any(supports_prefixes(reason.icd10, kb.facts(c).indication_prefixes) for c in e.mention.codes if c in kb.codes)
               for e in events)


_TITLE_MAX = 160  # "PROCEDURE: Lumbar epidural steroid injection." is a title; a long body is not


_WORD_RE = re.compile(r"[a-z]+")
_ARITHMETIC_RE = re.compile(r"\s*\+\s*[\d,.]+\s*(?:[+=])")


def _prepares(text: str, sent: Sentence) -> bool:
    """The statement prepares the drug ("drawn up", "reconstituted") and says nothing of giving it."""
    words = set(_WORD_RE.findall(text[sent.start : sent.end].lower()))
    cues = role_cues()
    return bool(words & cues.preparation) and not words & cues.administration_verbs


def _gives(notes: Annotations, amounts: list[Amount]) -> bool:
    """The line the amounts were read on says they were given: a verb of giving, or a route stated
    after them ("10 mg (20 mL) emulsified w/ Lipiodol 10 mL, delivered intra-arterially")."""
    text = notes.text
    start, end = line_bounds(text, amounts[0].start)
    clause_start = max(text.rfind(";", start, amounts[0].start) + 1, start)
    if set(_WORD_RE.findall(text[clause_start:end].lower())) & role_cues().administration_verbs:
        return True
    return any(not r.implied for r in notes.routes_in(amounts[0].end, end))


def _later_negation_overrules(notes: Annotations, secs: list[SectionSpan], events: list[DoseEvent],
                              has_mention: Callable[[int, int], bool]) -> None:
    """'Zofran 4 mg IV.' then 'Zofran not given, patient refused': an administration read only by
    default (no "given", no MAR time) is overruled by a later explicit negation of the same drug,
    or by a later line that names no drug and holds the giving by its kind ("RN 09:45:
    chemotherapy held per Dr. B": `_holds_by_kind`). "refused further Zofran" speaks of later
    doses and overrules nothing."""
    holds = _holds_by_kind(notes, secs, has_mention)
    for i, event in enumerate(events):
        if event.role != "administered" or "ADMINISTERED" in event.categories or event.entries or event.times:
            continue  # charted ("1510 diphenhydramine 50 mg IV push") or said to be given
        if any(h.start >= event.sentence.end for h in holds) or any(_negates(notes, event, later) for later in events[i + 1 :]):
            event.role = None
            event.categories = event.categories | {"NOT_GIVEN"}


def _negates(notes: Annotations, event: DoseEvent, later: DoseEvent) -> bool:
    """A later mention of the same drug read as not given (held, refused, not given), not a level or a plan."""
    if not (later.mention.codes & event.mention.codes) or later.role != "deferred" or "NOT_GIVEN" not in later.categories:
        return False
    if later.section is not None and later.section.kind in ("plan", "history", "not_given"):
        return False
    if _patterns().further.search(notes.text, later.sentence.start, later.sentence.end):
        return False
    if (_patterns().other_formulation.search(notes.text, max(later.sentence.start, later.mention.start - 20), later.mention.start)
            and event.mention.codes < later.mention.codes):
        return False  # "Exparel ... infiltrated" then "No plain bupivacaine was given": another product's negation
    opening = notes.text[later.sentence.start : later.mention.start]
    # ("Ketorolac not given (NSAID in Zynrelef)": an aside names the drug, its negation is another's)
    return opening.count("(") <= opening.count(")")


def _holds_by_kind(notes: Annotations, secs: list[SectionSpan], has_mention: Callable[[int, int], bool]) -> list[Sentence]:
    """Lines that name no drug and hold the giving by its kind ("chemotherapy held", "HOLD both
    agents": extract_cues `held_kinds`), by a hold word (`hold_words`, not a bare "no": "no
    infusion reaction"), outside a plan or history, and not a pause the line ends (`hold_ends`)."""
    cues = data_file_as("extract_cues.json", ExtractCuesFile)
    kinds, hold_words, ends = frozenset(cues.held_kinds), frozenset(tuple(w.split()) for w in cues.hold_words), frozenset(cues.hold_ends)
    holds = []
    for sent in notes.sentences:
        if has_mention(sent.start, sent.end) or _section_kind(secs, sent.start) in ("plan", "history", "not_given"):
            continue
        if _patterns().further.search(notes.text, sent.start, sent.end):
            continue  # "further infusions held": later doses
        toks, modifiers = notes.context(sent)
        if any(t.text in ends for t in toks):
            continue  # "infusion held x 15 min for chills, then resumed": a pause, no hold
        holding = [m for m in modifiers if m.rule.category == "NOT_GIVEN" and m.rule.words in hold_words]
        if holding and any(t.text in kinds and categories_for(toks, holding, k, k) for k, t in enumerate(toks)):
            holds.append(sent)
    return holds


# A body that is a numbered list, one item a line.
_LISTED_RE = re.compile(r"(?:[ \t]*\(?\d{1,2}[.)][ \t]+[^\n]*\n?){2,}")


def _procedure_titles(notes: Annotations, secs: list[SectionSpan], sents: _SentenceIndex) -> list[tuple[int, int]]:
    """'PROCEDURE PERFORMED: Trigger point injections', 'NAME OF PROCEDURE: Celiac plexus block',
    a short 'PROCEDURE:' body, or the verbless first sentence of a 'PROCEDURE:' section that goes
    on to narrate ('PROCEDURE: Superior gluteal nerve block, left. After verbal consent ...')."""
    out = []
    # A transcription's opening line before any header names the procedure ("ACROMIOCLAVICULAR
    # JOINT INJECTION,PROCEDURE: ..."): short and verbless, it is a title too.
    opening_end = secs[0].header_start if secs else 0
    opening = notes.text[:opening_end]
    if opening.strip() and len(opening.strip(" \t\n,.;:")) <= _TITLE_MAX and "\n" not in opening.strip() \
            and not _patterns().finite_verb.search(opening):
        out.append((0, opening_end))
    elif secs and secs[0].header_start == 0 and not notes.text[secs[0].start : secs[0].end].strip(" \t\n,.;:") \
            and len(secs[0].header) <= _TITLE_MAX and not _patterns().finite_verb.search(secs[0].header):
        out.append((0, secs[0].end))  # the same title alone on its line reads as a header with no body
    for sec in secs:
        body = notes.text[sec.start : sec.end].strip(" \t\n,.;:")
        if sec.category == "PROCEDURE_TITLE" or (_procedure_header(sec.header) and len(body) <= _TITLE_MAX):
            out.append((sec.start, sec.end))
        elif _procedure_header(sec.header):
            first = sents.at(sec.start) or (sents[sents.after(sec.start)] if sents.after(sec.start) < len(sents) else None)
            if first is None:
                continue
            start, end = max(first.start, sec.start), min(first.end, sec.end)
            if start < end and not _patterns().finite_verb.search(notes.text, start, end):
                out.append((start, end))
    return out


def _procedure_header(header: str) -> bool:
    """'PROCEDURE:', and a combined field's last part: 'P/Procedure:', 'A/P/Procedure:'."""
    return bool(_patterns().procedure_header.match(header) or _patterns().procedure_header.match(header.rsplit("/", 1)[-1].strip()))


def _procedure_routes(notes: Annotations, secs: list[SectionSpan], sents: _SentenceIndex, events: list[DoseEvent],
                      only: list[DoseEvent] | None = None) -> None:
    """A drug injected during the procedure, with no route of its own, goes by the route the
    procedure's title names ("Lumbar epidural steroid injection" ... "INJECTATE USED: 80 mg of
    Depo-Medrol"). Only when the title names one route: two would be a guess. `only`: the givings to
    give it to (the givings that name no drug, read after the rest), else every event."""
    titles = _procedure_titles(notes, secs, sents)
    routes = [r for start, end in titles for r in notes.routes_in(start, end)]
    # "PROCEDURES: 1) L4-5 interlaminar epidural steroid injection 2) L knee intra-articular
    # viscosupplement injection": a route another listed procedure states is a second route too.
    listed = [r for sec in secs if _procedure_header(sec.header) and _LISTED_RE.fullmatch(notes.text[sec.start : sec.end].strip())
              for r in notes.routes_in(sec.start, sec.end) if not r.implied]
    if not routes or len({r.route for r in [*routes, *listed]}) != 1:
        return
    title_stated = not routes[0].implied
    for event in events if only is None else only:
        # The title's stated route outranks an implied one ("infused" in an epidural's narrative);
        # an implied one ("catheter ... for aspiration and infusion") does not outrank the giving's own.
        if any(not r.implied for r in event.routes) or (event.routes and not title_stated) or event.role != "administered":
            continue
        if event.section is not None and event.section.kind in ("history", "plan", "not_given"):
            continue
        header = event.section.header if event.section is not None else ""
        # ("CT ABDOMEN WITH CONTRAST" ... "Axial CT images were obtained utilizing 100 mL of Isovue-300":
        # the agent the study's images were taken with.)
        if injection_told(notes.text, event.sentence) or _patterns().injects.search(header) \
                or _injected_next(notes, sents, events, event) or _patterns().imaged_with.search(notes.text, event.sentence.start, event.sentence.end):
            event.routes = routes[:1]


def _injected_next(notes: Annotations, sents: _SentenceIndex, events: list[DoseEvent], event: DoseEvent) -> bool:
    """'4 mg of dexamethasone was drawn up ... with 3 mL of 1% lidocaine. The patient was injected
    with a 25-gauge needle at the medial aspect of the knee.': the sentence after the drug's, naming
    no drug, tells its injection."""
    k = sents.after(event.sentence.start)
    while k < len(sents) and sents[k].start < event.sentence.end:
        k += 1
    if k >= len(sents):
        return False
    nxt = sents[k]
    if any(nxt.start <= e.mention.start < nxt.end for e in events):
        return False
    return bool(_patterns().injects.search(notes.text, nxt.start, nxt.end))


def _anesthesia_routes(notes: Annotations, secs: list[SectionSpan], events: list[DoseEvent], kb: KnowledgeBase) -> None:
    """'ANESTHESIA: Dorsal penile nerve block.' ... 'Lidocaine 1% 4 mL was instilled into the base of
    the penis': the anesthesia field's route is the route of the local anesthetic given with no
    route of its own (in that field, or injected in the narrative). Only when the fields name one
    route; a route beside a drug in the field is that drug's, not the field's."""
    headers = _patterns().anesthesia_headers
    fields = [s for s in secs if " ".join(s.header.lower().split()) in headers]
    routes = [r for s in fields for r in notes.routes_in(s.start, s.end) if not r.implied and r.route not in _patterns().general_anesthesia_routes
              and not any(e.sentence.start <= r.start < e.sentence.end for e in events)]
    if len({r.route for r in routes}) != 1:
        return
    for event in events:
        if event.routes or event.role != "administered":
            continue
        in_field = any(s.start <= event.mention.start < s.end for s in fields)
        injected = injection_told(notes.text, event.sentence)
        anesthetic = any("anesthetic" in (kb.facts(c).drug_class or "").lower() for c in event.mention.codes if c in kb.codes)
        if anesthetic and (in_field or injected):
            event.routes = routes[:1]


def _local_anesthetic(kb: KnowledgeBase, event: DoseEvent) -> bool:
    return any("local anesthetic" in (kb.facts(c).drug_class or "").lower() for c in event.mention.codes if c in kb.codes)


def _infiltrated_anesthetics(notes: Annotations, events: list[DoseEvent], kb: KnowledgeBase) -> None:
    """'The septum was then injected with 3 mL of 1% lidocaine with epinephrine', '10 cc of 0.25%
    Marcaine was placed in the incision sites': a local anesthetic injected or put into tissue,
    with no route written, is infiltrated locally (a nerve block,
    a joint or a vein is written as such and is read first)."""
    injection_routes = route_vocabulary().injection_routes
    for event in events:
        if event.routes or event.role not in ("administered", "restatement"):
            continue
        injected = (_patterns().injected_into_tissue.search(notes.text, event.sentence.start, event.sentence.end)
                    or _patterns().placed_in_tissue.search(notes.text, event.sentence.start, event.sentence.end))
        # (a route no injection takes that another drug of the sentence holds is its own: "Afrin-soaked
        # pledgets followed by the injection of lidocaine with epinephrine"; not "Kenalog 40 mg was
        # injected into the knee", which tells whose the injection was)
        others = {(r.start, r.end) for other in events if other is not event and other.sentence == event.sentence
                  for r in other.routes if r.route not in injection_routes}
        if injected is None or any(not _owned_route(notes.text, event.sentence, r) and (r.start, r.end) not in others
                                   for r in notes.routes_in(event.sentence.start, event.sentence.end)):
            continue
        if any("anesthetic" in (kb.facts(c).drug_class or "").lower() for c in event.mention.codes if c in kb.codes):
            event.routes = [RouteMatch("local infiltration", injected.start(), injected.end(), implied=True)]
            # "anesthetized with 1 cc of Marcaine 0.5% with 5 mg of methylprednisolone acetate": what
            # is mixed into the anesthetic goes in with it.
            for other in events:
                if other is not event and not other.routes and other.sentence == event.sentence and other.mention.start > event.mention.end \
                        and _WITH_GAP_RE.match(re.sub(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|cc|ml|units?)\b|\bof\b", " ",
                                                       notes.text[event.mention.end : other.mention.start], flags=re.IGNORECASE)):
                    other.routes = list(event.routes)


def _named_local_anesthesia(notes: Annotations, events: list[DoseEvent], kb: KnowledgeBase) -> None:
    """'After sedation and local Xylocaine anesthesia', 'Under 2% lidocaine anesthesia, the artery
    was entered', 'ANESTHESIA: Xylocaine 1% ... totaling 2 mL': a local anesthetic named as the
    local anesthesia, with no route of its own, is infiltrated locally."""
    patterns = _patterns()
    for event in events:
        if event.routes or event.role not in ("administered", "restatement") or not _local_anesthetic(kb, event):
            continue
        start, end = event.mention.start, event.mention.end
        header = " ".join(event.section.header.lower().split()) if event.section else ""
        named = (patterns.local_before.search(notes.text, max(event.sentence.start, start - 30), start)
                 or patterns.anesthesia_after.match(notes.text, end, event.sentence.end)
                 or (header in patterns.anesthesia_headers
                     # ("ANESTHESIA: General endotracheal and injectable 1% lidocaine": perhaps IV at induction)
                     and not patterns.general_anesthesia.search(notes.text, event.sentence.start, event.sentence.end)
                     and not any(not r.implied for r in notes.routes_in(event.sentence.start, event.sentence.end))))
        if named:
            event.routes = [RouteMatch("local infiltration", start, end, implied=True)]


def _drop_oral_pairs(text: str, events: list[DoseEvent]) -> None:
    """'diltiazem (a total of 20 mg intravenously and 30 mg orally)' under an injection code: each
    amount is written with its own route, and the one given by mouth is no dose of the code's."""
    for event in events:
        if not any(r.route == "oral" for r in event.routes) or all(r.route == "oral" for r in event.routes):
            continue
        paired = {a.start: r.route for a in event.dose_amounts for r in event.routes if 0 <= r.start - a.end <= 3}
        if "oral" in paired.values() and any(route != "oral" for route in paired.values()):
            event.amounts = [a for a in event.amounts if paired.get(a.start) != "oral"]
            event.routes = [r for r in event.routes if r.route != "oral"]


def _sedation_route(notes: Annotations, events: list[DoseEvent], kb: KnowledgeBase) -> None:
    """'MEDICATIONS: Fentanyl 200 mcg and versed 6 mg.' ... 'Following titrated intravenous sedation
    the endoscope was introduced': the sedation's route is the route of the drugs the procedure
    note lists for it (those under a medications or sedation header, or in a sentence about the
    sedation, with no route of their own). Only when the note names one such route."""
    patterns = _patterns()
    text = notes.text
    routes = [r for r in notes.routes if not r.implied and not text[r.start : r.end].endswith(".") and patterns.sedation_after.match(text, r.end)]
    if len({r.route for r in routes}) != 1:
        return
    for event in events:
        if event.routes or event.role != "administered" or _local_anesthetic(kb, event):
            continue  # "After IV sedation was given, 15 cc of 1% lidocaine was injected": the block is local
        header = event.section.header.lower().split() if event.section is not None else []
        if (header and header[0] in patterns.medication_headers) or patterns.sedation.search(text, event.sentence.start, event.sentence.end):
            event.routes = routes[:1]


# Mentions that describe the dose beside it (its vial, its lot, the drug named again): a list
# of drugs runs through them ("40 mg triamcinolone drawn from a Kenalog-40 vial + 2 mL lido").
_DESCRIBES_DOSE = {"container", "inventory", "restatement"}


# Between a route and its drug: nothing, "of", "the", or the drug's own strength or amount
# ("IV Solu-Medrol", "blocked with 1% Xylocaine", "IV push 4 mg of Zofran").
_PRENOMINAL_GAP_RE = re.compile(
    rf"\s*(?:(?:with|using)\s+)?(?:(?:of|the|a|an)\s+)*(?:{NUM}\s*(?:%|{UNIT_ALT})\s*(?:(?:of|the)\s+)*)?(?:(?:preservative-free|plain)\s+)?",
    re.IGNORECASE,
)
# "... and the toe was blocked with 1% Xylocaine": a route phrase that ends in a preposition
# governs the drug after it, never the drug before it.
_GOVERNS_NEXT_RE = re.compile(r"\b(?:with|of|using|into)\s*$", re.IGNORECASE)
_LIST_WORD_RE = re.compile(r",|\band\b|\bas\s+well\s+as\b|\bplus\b|&", re.IGNORECASE)
_WITH_AFTER_RE = re.compile(r"\s*(?:with|using)\b", re.IGNORECASE)
_PARTICIPLE_END_RE = re.compile(r"[a-z]ed\s*$", re.IGNORECASE)


def _not_governing(text: str, routes: list[RouteMatch], own_end: int, next_start: int, next_mention: int) -> list[RouteMatch]:
    """Routes less those written for the next drug: a phrase that governs it ("the toe was blocked
    with 1% Xylocaine"), or a route right before it after a list word ("Cleocin as well as IV Decadron")."""
    def for_next(r: RouteMatch) -> bool:
        if r.end > next_start or not _PRENOMINAL_GAP_RE.fullmatch(text, r.end, next_mention):
            return False
        # "the bladder was instilled with DMSO" governs DMSO; "Demerol IM with Phenergan" keeps its IM.
        verb_with = _WITH_AFTER_RE.match(text, r.end) and _PARTICIPLE_END_RE.search(text, r.start, r.end)
        return bool(_GOVERNS_NEXT_RE.search(text, r.start, r.end) or verb_with or _LIST_WORD_RE.search(text, own_end, r.start))

    return [r for r in routes if not for_next(r)]


def _own_prenominal(notes: Annotations, sent: Sentence, mention: DrugMention, routes: list[RouteMatch]) -> list[RouteMatch]:
    """'treated with nebulizers, treated with IV Solu-Medrol': a route written right before the
    drug (or before its strength) is that drug's; routes further back belong to something else."""
    own = [r for r in notes.routes_in(sent.start, mention.start) if _PRENOMINAL_GAP_RE.fullmatch(notes.text, r.end, mention.start)]
    if not own:
        return routes
    # "hepatic arterial infusion of FUDR": a stated route that qualifies the implied one after it is the route.
    qualifying = [r for r in notes.routes_in(sent.start, own[-1].start) if not r.implied and not notes.text[r.end : own[-1].start].strip()]
    last = qualifying[-1] if own[-1].implied and qualifying else own[-1]
    return [last, *(r for r in routes if r.start >= mention.start)]


_PARENTHESIS_RE = re.compile(r"\([^()\n]*\)")


def _share_trailing_routes(text: str, events: list[DoseEvent]) -> None:
    """'given 175 mcg fentanyl, and 8 mg Versed intravenously': a route written after the last
    drug of a coordinated list (or a mixture: "+ 2 mL lido, injected into R knee") applies to
    the whole list. A route written before its drug ('5 mg of IV Versed') belongs to that drug alone."""
    for i, event in enumerate(events):
        if event.routes or event.role != "administered":
            continue
        for later in events[i + 1 :]:
            if later.sentence != event.sentence:
                break
            if later.role in _DESCRIBES_DOSE and later.mention.codes & event.mention.codes:
                continue
            # A parenthesis is one aside however long: "Disodium EDTA 3 g (150 mg/mL, 20 mL vial) + ascorbic acid";
            # so is each of the drug's own amounts ("levalbuterol (Xopenex) inhalation solution 1.25 mg/3 mL
            # unit-dose vial (premixed) + ipratropium ... via nebulizer").
            gap = _PARENTHESIS_RE.sub("", _without_spans(text, event.mention.end, later.mention.start, event.amounts))
            # ("nivolumab 1,200 mg/hyaluronidase 20,000 units ... injected subcut": one product's dosed parts)
            if not _patterns().list_gap.match(gap) and not dosed_parts(text, event.mention, later.mention):
                break
            # A dose form right after the last drug ("2% lidocaine spray") is that product's, not the list's.
            trailing = [r for r in later.routes if r.start >= later.mention.end
                        and not (r.implied and _FORM_GAP_RE.fullmatch(text, later.mention.end, r.start))]
            if trailing and later.role == "administered" and all(r.start >= later.mention.end for r in later.routes):
                event.routes = trailing
                break


def _without_spans(text: str, start: int, end: int, spans: list[Amount]) -> str:
    """text[start:end] with each span inside it (an amount) cut to one space."""
    out, pos = [], start
    for span in sorted((sp for sp in spans if start <= sp.start and sp.end <= end), key=lambda sp: sp.start):
        if span.start >= pos:
            out += [text[pos : span.start], " "]
            pos = span.end
    return "".join([*out, text[pos:end]])


def _routes_after_parenthesis(notes: Annotations, events: list[DoseEvent]) -> None:
    """'1 cc of the solution (8 cc of 0.5% Marcaine with 2 cc of triamcinolone) was placed in the
    joint': drugs named inside a parenthesis that describes what was given take the
    route the sentence states after it, before any other drug is named."""
    text = notes.text
    for event in events:
        if event.routes or event.role != "administered":
            continue
        sent = event.sentence
        around = enclosing_parenthesis(text, event.mention.start, event.mention.end, sent.start, sent.end)
        if around is None or around[1] < 0:
            continue
        closed = around[1]
        after = [r for r in notes.routes_in(closed, sent.end)
                 if not any(closed < e.mention.start < r.start for e in events if e.sentence == sent)]
        if after:
            event.routes = after[:1]


def _dose_from_container(events: list[DoseEvent]) -> None:
    """'Levetiracetam load: Keppra 500 mg/5 mL vials; 20 mL (2000 mg) given IVPB': the dose read
    after the vial is the dose of the drug named before it, in its sentence, with none of its own."""
    for i, event in enumerate(events):
        if event.role != "container" or not event.dose_amounts:
            continue
        head = next((e for e in events[:i] if e.sentence == event.sentence and e.role == "administered" and not e.amounts
                     and e.mention.codes & event.mention.codes), None)
        if head is not None:
            head.amounts = list(event.dose_amounts)
            head.routes = head.routes or list(event.routes)


# "15 mL (60 mg mitomycin": an aside that opens with amounts and names the drug.
_AMOUNT_GLOSS_RE = re.compile(r"[ \t]*\([ \t]*(?:[\d.,]+[ \t]*[A-Za-z%/]+[ \t]*(?:of[ \t]+)?)+$")


def _dose_glossed_by_ingredient(text: str, events: list[DoseEvent]) -> None:
    """'Jelmyto 15 mL (60 mg mitomycin) instilled': the dose restated in an aside by the drug's
    ingredient is the giving's own, as if the aside named no drug ('15 mL (60 mg)')."""
    for i, event in enumerate(events[1:], start=1):
        head = events[i - 1]
        if (event.role != "restatement" or head.role != "administered" or head.sentence != event.sentence
                or not head.mention.codes & event.mention.codes or not head.amounts):
            continue
        gloss = _AMOUNT_GLOSS_RE.search(text, head.amounts[-1].end, event.mention.start)
        if gloss is not None and head.amounts[-1].end <= gloss.start() <= head.amounts[-1].end + 1:
            head.amounts = [*head.amounts, *(a for a in event.amounts if gloss.start() < a.start < event.mention.start)]


def _dose_from_ingredient_aside(notes: Annotations, events: list[DoseEvent], facts: CodeFacts) -> None:
    """'PHESGO loading dose 15 mL SUBCUT' / '(pertuzumab 1,200 mg / trastuzumab 600 mg / ...)': a
    giving that states no amount of the kind its code counts (a volume for a code per 10 mg) takes
    the amounts of the aside that restates it by its ingredients."""
    kind = code_unit_kind(facts.unit)
    for i, event in enumerate(events):
        head = aside_of(notes.text, events, i) if event.role == "restatement" and kind is not None else None
        if head is None:
            continue
        given = events[head]
        if (given.role != "administered" or not given.mention.codes & event.mention.codes
                or any(a.kind == kind[0] for a in given.amounts)):
            continue
        around = enclosing_parenthesis(notes.text, event.mention.start, event.mention.end, event.sentence.start, event.sentence.end)
        if around is not None and around[1] > 0:
            given.amounts = [*given.amounts, *(a for a in notes.amounts_in(*around) if a not in given.amounts)]


# "a 70/30 mixture of 2% Xylocaine ... and 0.75% bupivacaine", "a 50:50 mix of ...".
_RATIO_MIXTURE_RE = re.compile(r"\b(\d{1,2})\s*[/:]\s*(\d{1,2})\s+(?:mixture|mix|combination|solution)\b", re.IGNORECASE)


# "a 10 cc mixture made of 4.5 cc of 1% lidocaine/4.5 cc of 0.5% Marcaine": the mixture's volume.
_MIXTURE_AFTER_RE = re.compile(r"\s+(?:of\s+)?(?:(?:a|the)\s+)?(?:mixture|mix|cocktail)\b", re.IGNORECASE)


def _generic_names_the_named_product(facts: CodeFacts, kb: KnowledgeBase, events: list[DoseEvent]) -> None:
    """A product-specific code's brand named as the product used (not as one unavailable) makes
    the generic name elsewhere in the note that product: "Pemetrexed 960 mg IV" in the regimen
    table, then "formulary product is Pemfexy ... Pemfexy 500 mg/20 mL vials x2". So does a
    short name that only the drug's other products answer to ("epi gtt" after an Endo bag)."""
    if not facts.product_specific or not facts.brands:
        return
    brands = {normalize_name(b) for b in facts.brands}
    generic = {facts.moiety, normalize_name(facts.drug)}

    def parts(event: DoseEvent) -> set[str]:
        return {normalize_name(p) for p in event.mention.name.split(" / ")}

    named = [e for e in events if facts.code in e.mention.codes and not parts(e).isdisjoint(brands) and "NOT_GIVEN" not in e.categories]
    if not named:
        return
    # A short name takes the product only from one in use here (not "Hemady ... per the plan").
    in_use = any(not e.categories & {"PLANNED", "HISTORICAL"} for e in named)
    for event in events:
        if facts.code not in event.mention.codes and (parts(event) <= generic or (in_use and names_only_the_drug(kb, event.mention, facts.moiety))):
            event.mention = replace(event.mention, codes=event.mention.codes | {facts.code})


def _vials_named_by_their_drug(text: str, events: list[DoseEvent]) -> None:
    """'2 x 40 mg mitomycin vials': an amount written before the drug's name that a container word
    follows is what each container holds, not a dose."""
    for event in events:
        if not CONTAINER_AFTER_RE.match(text, event.mention.end):
            continue
        event.amounts = [replace(a, container=True) if a.kind != "volume" and not a.container and a.end <= event.mention.start
                         and not text[a.end : event.mention.start].strip() else a for a in event.amounts]


def _drop_mixture_totals(text: str, events: list[DoseEvent]) -> None:
    """A drug whose own volume is written ('4.5 cc of 1% lidocaine') does not take the volume of
    the mixture it is part of ('a total of 10 cc mixture of ...')."""
    for event in events:
        volumes = [a for a in event.amounts if a.kind == "volume" and is_dose(a)]
        totals = [a for a in volumes if _MIXTURE_AFTER_RE.match(text, a.end)]
        if totals and len(totals) < len(volumes):
            event.amounts = [a for a in event.amounts if a not in totals]


_RATIO_NEAR_RE = re.compile(r"\b1\s*:\s*\d{1,3}(?:,\d{3})+|\b1\s*:\s*\d{4,7}\b")
_WITH_GAP_RE = re.compile(r"^[\s\d.,%:]*(?:with|w/|and|\+)[\s\d.,%:]*(?:units\s+of\s+|(?:dilution|concentration)\s+of\s+)?$", re.IGNORECASE)


_FORM_GAP_RE = re.compile(r"[\s\d.%]*")


def _routes_from_headers(notes: Annotations, events: list[DoseEvent]) -> None:
    """A header that names a route ("Drips:", "IV push meds:", "IANB and long buccal:") gives it
    to the drugs listed under it that state none."""
    for event in events:
        section = event.section
        if section is None or section.header_start >= section.start:
            continue
        if any(r.start >= section.header_start for r in event.routes):
            continue  # its own route (one read from a line above the header gives way)
        found = {r.route: r for r in notes.routes_in(section.header_start, section.start)}
        if len(found) == 1:
            event.routes = list(found.values())


def _routes_from_route_fields(notes: Annotations, events: list[DoseEvent], has_mention: Callable[[int, int], bool]) -> None:
    """'Injected one syringe containing: / Depo-Medrol 40 mg/mL - 1 mL / Lidocaine 1% - 4 mL /
    Route: intra-articular, right knee': a route field that names no drug is the route of every
    drug given above it in its paragraph (back to the previous route field) that states none of its own,
    and of the product line a template's giving names no drug under ("Drug: Prolia 60 mg/mL prefilled
    syringe / Dose: 60 mg / Route: IV")."""
    text, field = notes.text, _patterns().route_field
    fields = [x for x in notes.sentences if field.match(text, x.start, x.end) and not has_mention(x.start, x.end)
              and not text[line_bounds(text, x.start)[0] : x.start].strip()]
    for i, line in enumerate(fields):
        routes = notes.routes_in(line.start, line.end)
        if not routes:
            continue
        since = fields[i - 1].end if i else -1
        for event in events:
            if (event.role in ("administered", "container", "inventory") and not event.routes and event.sentence.paragraph == line.paragraph
                    and since < event.sentence.start and event.sentence.end <= line.start):
                event.routes = list(routes)


_RECORD_LINES_BELOW = 6  # lines: how far below its drug line an infusion record's timed line may stand


def _routes_from_timed_lines(notes: Annotations, events: list[DoseEvent], has_mention: Callable[[int, int], bool]) -> None:
    """'Evinacumab-dgnb (Evkeeza) ... Dose: 15 mg/kg = 1,020 mg' ... 'Infusion start 0945 / stop 1048
    via PIV R forearm': a timed line below a giving that states no route, naming no drug and with
    none named between, that records a giving (an administration word, or the hours it ran:
    "NS 250 mL IV via port 1010-1145") records that giving, and its route is the giving's."""
    text = notes.text
    for event in events:
        if event.role != "administered" or event.routes:
            continue
        for sent in notes.sentences[bisect_left(notes.sentences, event.sentence.end, key=lambda x: x.start) :]:
            if sent.paragraph != event.sentence.paragraph or sent.line - event.sentence.line > _RECORD_LINES_BELOW or has_mention(sent.start, sent.end):
                break
            # (a line that records a giving: "Infusion start ..."; not a line placed: "Access: 20g R AC peripheral IV at 1305")
            routes = [r for r in notes.routes_in(sent.start, sent.end) if not _owned_route(text, sent, r)]
            # ("NS 250 mL IV via port 1010-1145": the hours it ran record it too)
            gives = (set(_WORD_RE.findall(text[sent.start : sent.end].lower())) & role_cues().administration_verbs
                     or TIME_RANGE_RE.search(text, sent.start, sent.end))
            if routes and gives and find_times(text, sent.start, sent.end):
                event.routes = routes
                break


def _volume_to_the_base_drug(text: str, events: list[DoseEvent]) -> None:
    """'Marcaine 0.25% with 1:200,000 epinephrine, 1.5 mL total': a drug added by a dilution
    ratio is measured by the ratio; the volume written after the mixture is the base drug's."""
    for base, additive in itertools.pairwise(events):
        if base.sentence != additive.sentence or base.role != "administered" or additive.role != base.role:
            continue
        if not _WITH_GAP_RE.match(text[base.mention.end : additive.mention.start]):
            continue
        around = text[base.mention.end : additive.mention.end + 14]
        if not _RATIO_NEAR_RE.search(around):
            continue
        moved = [a for a in additive.amounts if a.kind == "volume" and is_dose(a) and a.start > additive.mention.end]
        if moved and not any(a.kind == "volume" and is_dose(a) for a in base.amounts):
            base.amounts = [*base.amounts, *moved]
            additive.amounts = [a for a in additive.amounts if a not in moved]


def _mixture_shares(text: str, events: list[DoseEvent]) -> None:
    """'A total of 10 mL ... a 70/30 mixture of 2% Xylocaine and 0.75% bupivacaine': each drug of a
    ratio mixture gets its share of the mixture's volume (7 mL of Xylocaine, 3 mL of bupivacaine).
    The parts are the first two drugs named after the ratio that are given, an additive by dilution
    ratio aside."""
    for m in _RATIO_MIXTURE_RE.finditer(text):
        parts = [int(m.group(1)), int(m.group(2))]
        if sum(parts) == 0:
            continue
        sent = next((e.sentence for e in events if e.sentence.start <= m.start() < e.sentence.end), None)
        if sent is None:
            continue
        named: list[DoseEvent] = []
        for e in events:
            if e.sentence != sent or e.mention.start <= m.end() or e.role != "administered":
                continue
            if named and _WITH_GAP_RE.match(text[named[-1].mention.end : e.mention.start]) and _RATIO_NEAR_RE.search(
                    text, named[-1].mention.end, e.mention.end):
                continue  # "1% Xylocaine with 1:100,000 epinephrine": the additive of the part before it
            named.append(e)
        named = named[:2]
        if len(named) != 2:
            continue
        # The mixture's volume: "a total of 15 cc of 1:1 mixture of 0.5% Marcaine and 1% lidocaine"
        # names it once, before the ratio, or after both parts ("... injected with approximately 7 mL
        # total"); each drug takes its share even where none is attached to it.
        volumes = ([a for e in named for a in e.amounts if a.kind == "volume" and is_dose(a) and a.start < m.start()]
                   or [a for e in named for a in e.amounts if a.kind == "volume" and is_dose(a) and a.start > named[-1].mention.end])
        for event, part in zip(named, parts, strict=True):
            share = part / sum(parts)
            own = [a for a in event.amounts if a.kind == "volume" and is_dose(a)]
            if volumes and not own:
                event.amounts = [*event.amounts, replace(volumes[0], value=volumes[0].value * share)]
                continue
            event.amounts = [replace(a, value=a.value * share) if a.kind == "volume" and is_dose(a) else a
                             for a in event.amounts]


def _dose_from_order(notes: Annotations, events: list[DoseEvent]) -> None:
    """'Order: denosumab 60 mg SC' then 'Prolia 60 mg/mL PFS ... injection given SC': a giving that
    states no amount of its own gives the dose its order states (the nearest order of the drug before it).
    One that gives its container whole ("Eloctate 3000 IU vial (actual 3,090 IU) IV push, full
    vial") gives what the container held, the actual potency over the nominal."""
    text = notes.text
    dosed = [e for e in events if e.role == "administered" and e.dose_amounts]
    for i, event in enumerate(events):
        if event.role != "administered" or event.dose_amounts or event.entries:
            continue
        held = [a for a in event.amounts if a.container and a.kind != "volume" and not (a.rate or a.is_concentration or a.per_kg)]
        # (not a summary of givings dosed elsewhere: "All four 1 g cefazolin vials ... given in full")
        dosed_elsewhere = any(e.mention.same_drug(event.mention) for e in dosed)
        if held and not dosed_elsewhere and USED_UP_RE.search(text, event.sentence.start, event.sentence.end):
            # ("Jivi 1,000 IU vial + 500 IU vial, entire contents IV": the containers added.)
            # ("2 x 1000 IU vials, label potency 1,010 IU + 985 IU = 1,995 IU, entire contents IV":
            # the potencies after the nominal size added, each what one vial held.)
            joined = _with_added_containers(notes, held[:1], event.sentence.end)
            added = joined if [a.start for a in joined] == [a.start for a in held] else _with_added_containers(notes, held[-1:], event.sentence.end)
            event.amounts = [*event.amounts, replace(held[-1], value=sum(a.total for a in added), multiplier=1, start=added[0].start, end=added[-1].end,
                                                     container=False)]
            continue
        order = _nearest_order(events, i)
        if order is None or not order.dose_amounts:
            continue
        if all(a.per_kg or a.per_m2 for a in order.dose_amounts) and any(
                a.is_concentration and a.volume_stated and not a.rate and _patterns().premix_after.match(text, a.end) for a in event.amounts):
            continue  # "Daptomycin ... 350 mg/50 mL Galaxy premix bag ... IV" under a 4 mg/kg order: the bag states what it gave
        event.amounts = event.amounts + order.dose_amounts


def _dose_from_whole_product(text: str, events: list[DoseEvent]) -> None:
    """'IMPLANT: RETISERT 0.59 mg, lot 24R-0197' and 'Insertion of fluocinolone implant (RETISERT)
    OD': a product put in whole (an implant, a kit, an intrauterine system) gives the content its
    product line states to the giving that states none."""
    if not any(e.role in STOCK for e in events):
        return
    whole = _patterns().whole_products
    dosed = [e for e in events if e.role == "administered" and (e.dose_amounts or e.entries)]
    for event in events:
        if event.role != "administered" or event.dose_amounts or event.entries or any(e.mention.codes & event.mention.codes for e in dosed):
            continue
        stock = [e for e in events if e.role in STOCK and e.mention.codes & event.mention.codes]
        contents = {(a.kind, a.value): a for e in stock for a in e.dose_amounts if a.kind != "volume" and not a.per_kg and a.multiplier == 1}
        if len(contents) == 1 and any(whole.search(text, e.sentence.start, e.sentence.end) for e in [event, *stock]):
            event.amounts = [*event.amounts, *contents.values()]


def _route_from_order(events: list[DoseEvent]) -> None:
    """'Order: Abelcet 310 mg ... IV via PICC' then '13:05 infusion started': the giving that
    fulfils an order and states no route of its own is given by the order's route."""
    for i, event in enumerate(events):
        if event.role != "administered" or event.routes:
            continue
        order = _nearest_order(events, i)
        if order is not None and order.routes:
            event.routes = list(order.routes)


def _nearest_order(events: list[DoseEvent], i: int) -> DoseEvent | None:
    """The nearest order of the drug of events[i] before it."""
    return next((e for e in reversed(events[:i]) if e.role == "ordered" and e.mention.codes & events[i].mention.codes), None)


def _routes_from_other_mentions(events: list[DoseEvent]) -> None:
    """'Kenalog 40 mg drawn up ... the Kenalog was injected into the knee': the restatement names
    the route of the administration it restates. So does a product line whose rows record the
    giving ('C4 fulvestrant 500 mg today. Faslodex 250 mg/5 mL syringe x2, lot ...: 250 mg IM
    R dorsogluteal'): a container or stock mention's route is the administration's."""
    for event in events:
        if event.role not in SECONDARY or not event.routes:
            continue
        # (by any of its names: "Pemetrexed 900 mg" above "PEMFEXY (pemetrexed injection) ... vial x 2", another code's product)
        same = [e for e in events if e.role == "administered" and e.mention.same_drug(event.mention) and not e.routes]
        before = [e for e in same if e.mention.start < event.mention.start]
        if before:
            before[-1].routes = event.routes
        elif same and event.role != "restatement":
            same[0].routes = event.routes
    # "Cardene IV premixed nicardipine 20 mg/200 mL": two names of one product in one sentence, the
    # route beside one and the dose beside the other.
    for event in events:
        if event.role == "administered" and not event.routes:
            twin = next((e for e in events if e is not event and e.role == "administered" and e.sentence == event.sentence
                         and e.mention.codes & event.mention.codes and e.routes), None)
            if twin is not None:
                event.routes = list(twin.routes)


# The units come from data/units.json, as for every amount ("50 micrograms of fentanyl").
# "20 cc of 0.25% Marcaine", "6 cc of preservative-free 1% lidocaine": a strength may sit between.
_LEADING_RE = re.compile(
    rf"(?<![\w.:])(\d[\d,]*(?:\.\d+)?\s*(?:(?:{UNIT_ALT})\b|%)|1\s*:\s*\d[\d,]*(?:\s+units)?)(?:\s+of)?(?:\s+(?:the|a|an))?"
    rf"(?:\s+(?:preservative-free|plain|buffered))?(?:\s+{NUM}\s*%)?(?:\s+(?:the|iv|im|po))?\s*$",
    re.IGNORECASE,
)


def _leading_amount_start(text: str, lo: int, mention_start: int) -> int | None:
    m = _LEADING_RE.search(text, lo, mention_start)
    return m.start(1) if m else None


def _bare_dose(text: str, pos: int, facts: CodeFacts) -> list[Amount]:
    """A unit-less dose is read in the billed code's unit kind (mg for mass codes)."""
    kind = code_unit_kind(facts.unit)
    m = _patterns().bare_dose.match(text, pos)
    if kind is None or m is None:
        return []
    base = 1.0  # a bare number is read in the kind's base unit (mg, units, mL, mEq)
    return [Amount(start=m.start("num"), end=m.end("num"), value=float(m.group("num")) * base, kind=kind[0])]


def _without_carriers(text: str, found: list[DrugMention]) -> list[DrugMention]:
    """The fluid a dose is mixed in ("200 mg (8 mL) in 0.9% NaCl 50 mL", "reconstituted with 0.39 mL of
    supplied diluent") is no drug mention of its
    own: it would take the dose before it and stand between the product line and the dose line of
    one administration. ("with dextrose 50% 25 g" is a drug given with another.)"""
    patterns = _patterns()
    return [m for m in found if not (text[m.start : m.end].lower() in patterns.carrier_fluids
                                     and patterns.carried_before.search(text, max(0, m.start - 48), m.start))]


def _without_devices(text: str, found: list[DrugMention]) -> list[DrugMention]:
    """'Withdrew 0.5 mL = 100 mg with 27G insulin-type syringe': a device named after a drug is no
    mention of that drug."""
    device = _patterns().device_name
    return [m for m in found if not device.match(text, m.start)]


_QUALIFIED_AMOUNT_BEFORE_RE = re.compile(rf"\d\s*(?:{UNIT_ALT})\s+(?:of\s+)?(?:elemental\s+)?$", re.IGNORECASE)
_PER_VOLUME_AFTER_RE = re.compile(r"\s*(?:/|per\b)\s*(?:\d[\d.]*\s*)?(?:ml|cc)\b", re.IGNORECASE)


def _without_unit_qualifiers(text: str, found: list[DrugMention]) -> list[DrugMention]:
    """'Triferic AVNU 6.75 mg iron / 4.5 mL ampule': a name between an amount's unit and its
    volume says what the amount counts (the iron of an iron product), under the drug named just
    before it on the line; it is no drug mention of its own."""
    out: list[DrugMention] = []
    for m in found:
        head = out[-1] if out else None
        if (head is not None and _QUALIFIED_AMOUNT_BEFORE_RE.search(text, max(head.end, m.start - 24), m.start)
                and _PER_VOLUME_AFTER_RE.match(text, m.end) and "\n" not in text[head.end : m.start] and m.start - head.end <= 60):
            continue
        out.append(m)
    return out


_AMOUNT_THEN_OPEN_RE = re.compile(rf"\)?\s*{NUM}\s*(?:{UNIT_ALT})\s*\($", re.IGNORECASE)


def _without_composition(text: str, found: list[DrugMention], kb: KnowledgeBase) -> list[DrugMention]:
    """'Avycaz (ceftazidime-avibactam) 2.5 g (ceftazidime 2 g / avibactam 0.5 g) IV': the names in
    a parenthesis right after a product's dose that are that product's own ingredients spell out
    what the dose holds; they are no drug mentions of their own. So are those inside the product's
    own gloss: "DefenCath (taurolidine 13.5 mg/mL + heparin 1,000 units/mL)"."""
    out: list[DrugMention] = []
    head: DrugMention | None = None
    for m in found:
        if head is not None and "\n" not in text[head.end : m.start]:
            words = set(normalize_name(m.name).split())
            opened = text.rfind("(", head.end, m.start)
            after_dose = (opened >= 0 and _AMOUNT_THEN_OPEN_RE.fullmatch(text, head.end, opened + 1) and ")" not in text[opened : m.start]
                          and words <= set(normalize_name(head.name).replace("/", " ").split()))
            # (inside the gloss, by the ingredients of the product's code: "DefenCath" names neither)
            in_gloss = (head.gloss is not None and "(" in text[head.start : head.gloss[0]] and not re.search(r"[()]", text[head.end : m.start])
                        and words <= _ingredient_words(head, kb))
            if after_dose or in_gloss:
                continue
        out.append(m)
        head = m
    return out


def _gloss_close(text: str, mention: DrugMention, limit: int) -> int:
    """Where a mention's gloss parenthesis closes ("DefenCath (taurolidine ... )"), else its end."""
    if mention.gloss is None or text.count("(", mention.start, mention.end) <= text.count(")", mention.start, mention.end):
        return mention.end
    close = text.find(")", mention.end, limit)
    return mention.end if close < 0 else close + 1


def _ingredient_words(mention: DrugMention, kb: KnowledgeBase) -> set[str]:
    """The words of a mention's names and of its codes' drugs and ingredients ("taurolidine and
    heparin sodium"; Phesgo's pertuzumab, trastuzumab and hyaluronidase)."""
    facts = [kb.facts(c) for c in mention.codes if c in kb.codes]
    names = [mention.name, *(f.drug for f in facts), *(i for f in facts for i in f.ingredients)]
    return {w for name in names for w in normalize_name(name).replace("/", " ").split()}


def premedication(event: DoseEvent) -> bool:
    """'Premed: cetirizine 10 mg PO 0900': a drug charted under a premedication header."""
    return event.section is not None and bool(_patterns().other_drugs.search(event.section.header))


def carrier_named_before(text: str, pos: int, start: int = 0) -> bool:
    """A carrier fluid named just before `pos` (not before `start`): "1 L NS bolus", "saline flush"."""
    return bool(_patterns().fluid_before.search(text, max(start, pos - 24), pos))


def is_fluid_volume(text: str, amount: Amount) -> bool:
    """A volume of the fluid a drug is mixed in ("added to NS 50 mL", "with 10 mL SWFI"), not a dose."""
    patterns = _patterns()
    return bool(patterns.fluid_before.search(text, max(0, amount.start - 24), amount.start) or patterns.fluid_after.match(text, amount.end))


def _following_lines(notes: Annotations, sents, idx, mentions, sent, undosed: bool = False) -> tuple[list[Amount], list[RouteMatch]]:
    """Amounts and routes on the next lines of the paragraph, before another drug appears
    (`undosed`: the drug's line states no dose but per kg or m2)."""
    text = notes.text
    amounts: list[Amount] = []
    routes: list[RouteMatch] = []
    prev = sent
    for nxt in sents[idx + 1 :]:
        if nxt.paragraph != sent.paragraph or nxt.line - sent.line > _FOLLOW_LINES:
            break
        # (a line below, or a clause after a semicolon: "...(5 mg/mL); 0.3 mL (1.5 mg) drawn and mixed w/ 0.7 mL lidocaine 1%")
        partner = _partner_on_a_dose_line(notes, mentions, nxt) if nxt.line > sent.line or text[prev.end : nxt.start].strip() == ";" else None
        if (mentions.any_in(nxt.start, nxt.end) and partner is None) or _new_row(notes, nxt):
            break
        if nxt.line == sent.line and sents.index(nxt) > idx + 1 and text[prev.end : nxt.start].strip() != ";":
            # A run-on transcription line: the next sentence at most, not the rest of the note
            # (clauses joined by semicolons go on telling one giving: "...; added to D5W 100 mL; infused IV").
            break
        joined = nxt.line == sent.line and text[prev.end : nxt.start].strip() == ";"
        prev = nxt
        # (a dose worked out on the very next line, for a drug whose own line states none but per kg or m2)
        worked_out = _worked_out_doses(notes, nxt) if undosed and nxt.line == sent.line + 1 else []
        if (not _patterns().field_line.match(text[nxt.start : nxt.end]) and not _administers(notes, nxt, here_and_now=True) and not _opens_with_route(notes, nxt)
                and not worked_out):
            if joined and not routes and not _administers(notes, sent):
                # "MITOSOL 0.2 mg kit, reconstituted ...; three sponges soaked and applied to the
                # bare sclera": the clause after a product line's semicolon tells its giving (not
                # after a giving told: "Triptodur 22.5 mg given ...; numbing cream applied").
                routes = [r for r in notes.routes_in(nxt.start, nxt.end) if not _owned_route(text, nxt, r)]
            continue
        if _patterns().other_drugs.search(text, nxt.start, nxt.end):
            continue  # "0830 premeds PO given": the giving of other drugs
        if not amounts:
            # (not a flush's: "1105 infusion complete, flushed NS 10 mL"; not the partner's own, after its name)
            amounts = worked_out or [a for a in notes.amounts_in(nxt.start, partner or nxt.end) if not (a.kind == "volume" and is_fluid_volume(text, a))]
        if not routes:
            routes = [r for r in notes.routes_in(nxt.start, nxt.end) if not _owned_route(text, nxt, r)]
    return amounts, routes


def _partner_on_a_dose_line(notes: Annotations, mentions, sent: Sentence) -> int | None:
    """Where the product a line gives its dose with is named ("10 mg (20 mL) emulsified w/
    Lipiodol 10 mL, delivered intra-arterially"): a line (or a clause after a semicolon) that opens
    with an amount and names drugs only after one of extract_cues.json `partner_words`. The amount
    is the dose of the drug before it; the product is what it was given with, no new row. None otherwise."""
    text = notes.text
    named = mentions.in_span(sent.start, sent.end)
    amounts = notes.amounts_in(sent.start, sent.end)
    if not named or not amounts or text[sent.start : amounts[0].start].strip(" \t-*\u2022") or amounts[0].start > named[0].start:
        return None
    leads = [_partner_lead(notes, sent, m.start) for m in named]
    return None if None in leads else leads[0]


def _partner_lead(notes: Annotations, sent: Sentence, pos: int) -> int | None:
    """Where the partner words before a name at `pos` start, past the partner's own amount
    ("mixed w/ 0.7 mL lidocaine 1%"); None when no partner word stands right before it."""
    text = notes.text
    for a in reversed(notes.amounts_in(sent.start, pos)):
        if text[a.end : pos].strip():
            break
        pos = a.start
    found = _partner_before().search(text, max(sent.start, pos - 24), pos)
    return found.start() if found else None


@cache
def _partner_before() -> re.Pattern[str]:
    words = data_file_as("extract_cues.json", ExtractCuesFile).partner_words
    return pattern(rf"{phrases(words)}[ \t]*$")


@cache
def result_before() -> re.Pattern[str]:
    """'=', '->', 'equals' right before an amount: the arithmetic's result (data/dose_cues.json `result_words`)."""
    words = data_file_as("dose_cues.json", DoseCuesFile).result_words
    return pattern(rf"(?:=|->|\u2192|\b{alternation(words)})[ \t]*(?:~|approx\.?)?[ \t]*$")


@cache
def _container_word() -> re.Pattern[str]:
    """A container word of data/role_cues.json ("Vials 43 mg/10 mL x 3 = 129 mg": what they held, no dose)."""
    return pattern(rf"\b{alternation(role_cues().container_after)}\b")


def _opens_sentence(text: str, sent: Sentence, mention: DrugMention) -> bool:
    """The drug's name opens its sentence, after a field label at most ("Drug: tafasitamab")."""
    label = FIELD_LABEL_RE.match(text, sent.start, mention.start)
    return not text[label.end() if label else sent.start : mention.start].strip(" \t-*\u2022")


def _worked_out_doses(notes: Annotations, sent: Sentence) -> list[Amount]:
    """A line that names no drug and works a dose out ("BSA 1.75 m2 -> 2.625 mg", "wt 61.0 kg ->
    12 mg/kg = 732 mg"): its result is the dose of the drug its record's line above names (not the
    cap beside it: "-> 23.4 mg (max 35 mg)")."""
    if _container_word().search(notes.text, sent.start, sent.end):
        return []
    return [a for a in notes.amounts_in(sent.start, sent.end)
            if result_before().search(notes.text, max(sent.start, a.start - 16), a.start) and is_dose(a)
            and a.kind != "volume" and not (a.per_kg or a.per_m2 or a.rate or a.is_concentration)]


def _opens_with_route(notes: Annotations, sent: Sentence) -> bool:
    """A line that opens with a stated route ("Deep IM R dorsogluteal, 19g needle") tells how the
    drug above it was given."""
    first = next((r for r in notes.routes_in(sent.start, sent.end) if not r.implied), None)
    if first is None or _owned_route(notes.text, sent, first):
        return False
    before = notes.text[sent.start : first.start].lower().split()
    # At most an opening word such as "Deep"; not "NS bolus 20 mL/kg", another fluid's route.
    return not before or (len(before) == 1 and before[0] in data_file_as("extract_cues.json", ExtractCuesFile).route_line_openers)


def _new_row(notes: Annotations, sent: Sentence) -> bool:
    """A line that starts another medication row; "0900 PIV 22g R FA" (a needle gauge) is not one."""
    m = _NEW_ROW_RE.match(notes.text, sent.start, sent.end)
    return bool(m) and bool(notes.amounts_in(sent.start, m.end()))


def _later_sentences(sents, mentions, sent, max_lines: int = _FOLLOW_LINES, text: str | None = None,
                     passed_over: Callable[[Sentence], bool] | None = None):
    """Sentences after `sent` in its paragraph, within a few lines, before another drug appears
    (given `text`: a drug named only in a closing aside, "0809 50 mcg IV (total epinephrine
    120 mcg)", sums the rows up and is no new drug's row). `passed_over` sentences are neither
    taken nor an end."""
    out = []
    for nxt in sents[sents.after(sent.end) :]:
        if nxt.paragraph != sent.paragraph or nxt.line - sent.line > max_lines:
            break
        if passed_over is not None and passed_over(nxt):
            continue
        if mentions.any_in(nxt.start, nxt.end) and not (text is not None and _named_in_a_closing_aside(text, mentions, nxt)):
            break
        out.append(nxt)
    return out


def _stock_line_of(notes: Annotations, mentions, event: DoseEvent) -> Callable[[Sentence], bool]:
    """A sentence on a product or stock line of the event's own drug, with no clock time ("Product:
    Meropenem for Injection 1 g vial -- WG Critical Care, NDC 44567-0401-25"): between an order
    line and its MAR rows it tells what was hung, and the rows below it are still the order's."""
    text = notes.text
    inventory = role_cues().inventory

    def stock(sent: Sentence) -> bool:
        start, end = line_bounds(text, sent.start)
        named = mentions.in_span(start, end)
        return (bool(named) and all(m.same_drug(event.mention) for m in named) and not TIMED_LINE_RE.match(text, start)
                and not inventory.isdisjoint(_WORD_RE.findall(text[start:end].lower())))

    return stock


def _named_in_a_closing_aside(text: str, mentions, sent: Sentence) -> bool:
    opened = text.find("(", sent.start, sent.end)
    return (opened > sent.start and text[sent.start : opened].strip() != "" and text[opened : sent.end].rstrip().endswith(")")
            and not mentions.any_in(sent.start, opened))


def _told_in_words(sentence: str) -> bool:
    """A sentence of words alone: no number (an amount, time or date of its own) and no header colon."""
    return not any(c.isdigit() for c in sentence) and not sentence.rstrip().endswith(":")


def _administers(notes: Annotations, sent: Sentence, here_and_now: bool = False) -> bool:
    """A sentence that reports a giving; `here_and_now`: and none told of another place or time
    ("pt reports a dose of about 2000 units given at an outside urgent care on 04/27")."""
    toks, mods = notes.context(sent)
    barred = NOT_HERE_NOW if here_and_now else {"NOT_GIVEN"}
    # (a word in an aside speaks of the aside: "injected SUBCUT R thigh (alternating thighs; last L)")
    asides = [m.span() for m in ASIDE_RE.finditer(notes.text, sent.start, sent.end)]
    return any(m.rule.category == "ADMINISTERED" for m in mods) and not any(
        m.rule.category in barred and not any(a <= toks[m.first].start < b for a, b in asides) for m in mods)


_ORDER_STAMP_RE = re.compile(r"\b(?:order(?:ed)?|rx|prescribed)\W*$", re.IGNORECASE)


def _mar_entries(notes: Annotations, start: int, end: int) -> list[Amount]:
    """'0300 1 mg IV' rows; '1000 240 mL/h' is a rate change, not a dose."""
    # (within the row: "... BP 14:15 190/104" does not reach the next row's "14:25  4 mL")
    # ("ORDER 0935 40 IU/kg = 2,480 IU | GIVEN 0958 2,000 IU vial + 500 IU vial": the order's time heads no giving.)
    found = (_with_sited_parts(notes, _with_added_containers(notes, notes.amounts_in(m.end(), min(m.end() + 20, end))[:1], end), end)
             for m in _MAR_ENTRY_RE.finditer(notes.text, start, end)
             if not _ORDER_STAMP_RE.search(notes.text, max(start, m.start() - 12), m.start()))
    return [_stated_equivalent(notes, a, end) for amounts in found for a in amounts if not a.rate and not a.is_concentration]


def _routed_row_entries(notes: Annotations, start: int, end: int, kinds: set[str]) -> list[Amount]:
    """'08:26 MAP 58 -> 80 mcg IV': a clock-timed row that charts vitals before its giving; the
    amount of the order's kind with a route right after it is the row's entry."""
    if not TIMED_LINE_RE.match(notes.text, line_bounds(notes.text, start)[0]):
        return []
    return [a for a in notes.amounts_in(start, end) if a.kind in kinds and is_dose(a) and _route_follows(notes, a, end)][:1]


# "2,000 IU vial + 500 IU vial": containers given together, added.
_PLUS_RE = re.compile(r"[ \t]*\+[ \t]*(?=\d)")


def _with_added_containers(notes: Annotations, amounts: list[Amount], end: int) -> list[Amount]:
    out = list(amounts)
    while out:
        container = CONTAINER_AFTER_RE.match(notes.text, out[-1].end, end)
        m = _PLUS_RE.match(notes.text, container.end() if container else out[-1].end, end)
        if m is None:
            break
        nxt = notes.amounts_in(m.end(), end)[:1]
        if not nxt or nxt[0].start != m.end() or nxt[0].kind != out[0].kind:
            break
        out.append(nxt[0])
    return out


# ", " or "; " (and "and") between one part's route and site and the next part's amount.
_PART_JOIN_RE = re.compile(r"[^,;\n\d]{0,40}[,;][ \t]*(?:and[ \t]+)?")


def _with_sited_parts(notes: Annotations, amounts: list[Amount], end: int) -> list[Amount]:
    """'1420 2 mL IM R ventrogluteal, 2 mL IM L ventrogluteal': one giving split between sites,
    each part with its own route, is the row's entries together."""
    out = list(amounts)
    while out:
        join = _PART_JOIN_RE.match(notes.text, out[-1].end, end)
        nxt = notes.amounts_in(join.end(), end)[:1] if join else []
        if (not nxt or nxt[0].start != join.end() or nxt[0].kind != out[-1].kind or nxt[0].rate or nxt[0].is_concentration
                or not notes.routes_in(out[-1].end, join.end()) or not _route_follows(notes, nxt[0], end)):
            break
        out.append(nxt[0])
    return out


def _route_follows(notes: Annotations, amount: Amount, end: int) -> bool:
    return any(r.start - amount.end <= 2 for r in notes.routes_in(amount.end, min(end, amount.end + 6)))


# "258.3 mL infused = 51.66 mcg": what a volume held, worked out right after it (not a rounded
# gloss: "0.61 mL (152 U)" of 250 U/mL is 152.5 U).
_EQUIVALENT_RE = re.compile(r"[ \t]*(?:[A-Za-z]+[ \t]*){0,2}=[ \t]*(?=\d)")


def _stated_equivalent(notes: Annotations, amount: Amount, end: int) -> Amount:
    """A row's volume, or the drug amount its row states that volume held."""
    if amount.kind != "volume":
        return amount
    m = _EQUIVALENT_RE.match(notes.text, amount.end, end)
    held = notes.amounts_in(m.end(), end)[:1] if m else []
    if held and held[0].start == m.end() and held[0].kind != "volume" and not held[0].rate and not held[0].is_concentration:
        return held[0]
    return amount


def _collect_entries(notes: Annotations, sents, mentions, event: DoseEvent, discarded: set[int]) -> None:
    """MAR rows under an order line ("0600 60 mg IVP", "1400 given") are its administrations (not a
    row of what was discarded: "1130 180 units residual wasted")."""
    if "NOT_GIVEN" in event.categories:
        return
    rows = []
    for n in _later_sentences(sents, mentions, event.sentence, _MAR_LINES, notes.text, _stock_line_of(notes, mentions, event)):
        if _new_row(notes, n):
            break
        rows.append((n.start, n.end))
    spans = [(event.mention.end, event.sentence.end), *rows]
    by_row = [(s, e, _mar_entries(notes, s, e)) for s, e in spans]
    if TIMED_LINE_RE.match(notes.text, line_bounds(notes.text, event.sentence.start)[0]) and not any(found for _, _, found in by_row):
        # "08:22 ... phenylephrine ... 80 mcg IV" over "08:26 MAP 58 -> 80 mcg IV": rows of a timed
        # log under a timed giving, each with vitals before its dose and route.
        kinds = {a.kind for a in event.dose_amounts if a.kind != "volume"}
        # (a clause after a semicolon on the giving's own line is a row only when a time opens it:
        # "0840 prednisone 100 mg PO - taken in chair; D2-5 100 mg PO daily at home" tells the days after)
        own_line = line_bounds(notes.text, event.sentence.start)
        routed = [(s, e, _routed_row_entries(notes, s, e, kinds) if k == 0 or line_bounds(notes.text, s) != own_line
                   or TIMED_LINE_RE.match(notes.text, s) else []) for k, (s, e) in enumerate(spans)]
        if len(routed) > 1 and routed[1][2]:
            by_row = routed
    entries = [a for _, _, found in by_row for a in found if a.start not in discarded]
    if not entries:
        count = sum(len(_patterns().mar_given.findall(notes.text, s, e)) for s, e in spans)
        count = count or sum(len(_CLOCK_RE.findall(m.group("times"))) for s, e in spans for m in _patterns().given_times.finditer(notes.text, s, e))
        count = count or _given_column_count(notes.text, event, rows)
        # (not the fluid it was made up in: "reconstituted with 20 mL bacteriostatic water")
        order = without_unit_strengths(notes.text, [a for a in event.dose_amounts
                                                    if not a.per_kg and not (a.kind == "volume" and is_fluid_volume(notes.text, a))])
        # "Arformoterol 15 mcg/2 mL unit-dose neb BID / 0800 given | 2000 given": each giving is the
        # unit dose's content.
        order = order or [a for a in event.amounts if a.is_concentration and a.volume_stated and not a.rate][:1]
        if count and order:
            entries = [order[0]] * count
    if entries:
        event.categories = event.categories | {"ADMINISTERED"}
        event.entries = entries
        if not event.routes:
            # "Faslodex 250 mg/5 mL syringe x2:\n - 250 mg IM R dorsogluteal, 13:10": the rows that
            # record the giving state its route.
            event.routes = [r for s, e, found in by_row if found for r in notes.routes_in(s, e)]


_CLOCK_CELL_RE = re.compile(r"\s*(?:@\s*)?(?:[01]\d|2[0-3]):?[0-5]\d\b")


def _given_column_count(text: str, event: DoseEvent, rows: list[tuple[int, int]]) -> int:
    """A MAR grid with a "Given" column: each row of the order (its own and the rows under it
    that name no drug) with a clock time in that column is one giving; "REFUSED" is none.
    "Med | Sched | Given | Init" / "heparin 5,000 units subQ q8h | 0600 | 0602 abd L | MR".
    A grid whose columns are the times due ("Medication  0800  1400  2000"): each cell of the
    order's row under a time that charts a giving ("given via SVN RN K") is one."""
    line_start = text.rfind("\n", 0, event.mention.start) + 1
    header: list[str] = []
    header_span = (0, 0)
    above = line_start
    for _ in range(3):  # the header sits within three lines above the order's row
        if above <= 0:
            break
        prev_start = text.rfind("\n", 0, above - 1) + 1
        header = grids.cells(text, prev_start, above - 1)
        if len(header) > 2:
            header_span = (prev_start, above - 1)
            break
        above = prev_start
    if len(header) <= 2:
        return 0
    given = grids.column(header, grids.grid_words().given)
    lines = list(dict.fromkeys([line_bounds(text, event.mention.start), *(line_bounds(text, s) for s, _ in rows)]))
    if given is None:
        due = [k for k, cell in enumerate(header) if _CLOCK_CELL_RE.fullmatch(cell.strip())]
        if len(due) < 2:
            return 0
        cells = [grids.cell_under(text, header_span, k, line) for line in lines[:1] for k in due]
        return sum(1 for a, b in cells if _patterns().charted.search(text, a, b) and not grids.not_given(text, a, b))
    count = 0
    for start, end in lines:
        cell_start, cell_end = grids.cell_under(text, header_span, given, (start, end))
        if _CLOCK_CELL_RE.match(text, cell_start, cell_end) and not grids.not_given(text, cell_start, end):
            count += 1
    return count


_N_EACH_RE = re.compile(rf"\b([2-9]|{'|'.join(w for w, n in NUMBER_WORDS.items() if 2 <= n <= 12)})\s+(?:separate\s+)?(?:injections|sites|aliquots|syringes|passes)\s+of\s+"
                        r"\d*\.?\d+\s*(?:cc|ml|mg|mcg|units?)\s+each\b", re.IGNORECASE)


def _per_site_count(text: str, event: DoseEvent) -> int | None:
    """'4 sites (L/R abdomen, L/R thigh), 12.5 mL per site', 'four Probuphine implants (74.2 mg
    each)': the doses its sentence counts, when every dose the event states is written per site or each."""
    doses = event.dose_amounts
    if not doses or not all(event.sentence.start <= a.start < event.sentence.end and EACH_AFTER_RE.match(text, a.end) for a in doses):
        return None
    counted = _patterns().counted_doses.search(text, event.sentence.start, event.sentence.end)
    return (NUMBER_WORDS.get(counted.group("n").lower()) or int(counted.group("n"))) if counted else None


def _count_sites(notes: Annotations, sents, mentions, event: DoseEvent) -> None:
    """One dose statement given at more than one site: "on each side", "into each knee", "2
    injections of 0.3 cc each", "4 sites, 12.5 mL per site", or a
    later "the same procedure was carried out at ..." before another drug is named."""
    text = notes.text
    sites = 2 if _patterns().each_of_two.search(text, event.mention.end, event.sentence.end) else 1
    counted = _N_EACH_RE.search(text, event.sentence.start, event.sentence.end)  # "2 injections of 0.3 cc each"
    if counted:
        sites = NUMBER_WORDS.get(counted.group(1).lower()) or int(counted.group(1))
    elif per_site := _per_site_count(text, event):
        sites = per_site
    sites += sum(1 for n in _later_sentences(sents, mentions, event.sentence) if _patterns().same_again.search(text, n.start, n.end))
    event.sites = sites


def _confirm_order(notes: Annotations, sents, mentions, event: DoseEvent, discarded: set[int]) -> None:
    """An order or PRN followed by its administration ("given", MAR times) was given.

    Domain rule: a PRN order or an order is not an administration unless an administration
    entry follows; when one does, its amounts (what was actually given) win.
    """
    planned = "PLANNED" in event.categories or (event.section is not None and event.section.kind == "plan")
    if event.categories & {"NOT_GIVEN", "ELSEWHERE", "ADMINISTERED"} or not planned:
        return
    if event.section and event.section.kind == "not_given":
        return  # a home-medication or allergy list is never confirmed by a later line
    administered = False
    admin_amounts: list[Amount] = []
    later = _later_sentences(sents, mentions, event.sentence)
    if injection_told(notes.text, event.sentence) and any(
            _patterns().procedure_done.search(notes.text, n.start, n.end) for n in later):
        # "We will inject both elbows with 40 mg of Kenalog ... The patient tolerated both procedures well."
        administered = True
    totals: list[Amount] = []
    for k, nxt in enumerate(later):
        # A timed row is one record: "0905 1 film placed under tongue, observed ... Given: T.Burke
        # RN" states its route in one sentence and its giving in the next (prose is read by the sentence).
        bounds = line_bounds(notes.text, nxt.start)
        row = [s for s in later if line_bounds(notes.text, s.start) == bounds] if TIMED_LINE_RE.match(notes.text, bounds[0]) else [nxt]
        row_start, row_end = row[0].start, row[-1].end
        # The confirming line must look like an administration record: an amount or a route; or,
        # right after the order's own line, a giving told of it in words alone ("Full dose
        # injected, no waste."; not a "GIVEN:" header, not "Days 3-4 (06/11) given at ...").
        if not (notes.amounts_in(row_start, row_end) or notes.routes_in(row_start, row_end)
                or (k == 0 and nxt.line - event.sentence.line <= 1 and _told_in_words(notes.text[nxt.start : nxt.end])
                    and _administers(notes, nxt, here_and_now=True))):
            continue
        gives = any(_administers(notes, s) for s in row)
        if not administered and not gives:
            # "Pharmacy dispensed 4 vials by actual potency: 1,070 mg + ... = 4,240 mg" between the
            # order and "All 4 vials reconstituted and infused IV": what the giving gave.
            totals += stated_totals(notes, nxt)
        if gives:
            administered = True
            cut = LEFTOVER_RE.search(notes.text, nxt.start, nxt.end)
            stop = cut.start() if cut else nxt.end
            admin_amounts += [a for a in notes.amounts_in(nxt.start, stop)
                              if not a.rate and not a.is_concentration and a.kind != "volume" and a.start not in discarded]
    if administered:
        event.categories = event.categories | {"ADMINISTERED"}
        ordered = {a.kind for a in event.dose_amounts}
        if not admin_amounts and totals and totals[-1].kind in ordered:
            admin_amounts = [replace(totals[-1], container=False)]
        if admin_amounts:
            event.amounts = admin_amounts


def _partial_dose(notes: Annotations, sents, mentions, event: DoseEvent, discarded: set[int]) -> None:
    """'infusion stopped; 25 g infused': bill what was actually given (domain.md section 5)."""
    if not event.given or event.entries:
        return
    later = _later_sentences(sents, mentions, event.sentence)
    text = notes.text
    cued = False
    for nxt in later:
        # The amount given after the stop: a stop told only after it ("Tx completed 4h, UF 2.2 L"
        # ... "Dx: suspected dialyzer reaction") cut nothing short.
        cued = cued or bool(_patterns().partial.search(text, nxt.start, nxt.end))
        if not cued or not _administers(notes, nxt):
            continue
        cut = LEFTOVER_RE.search(text, nxt.start, nxt.end)
        stop = cut.start() if cut else nxt.end
        given = [a for a in notes.amounts_in(nxt.start, stop) if not a.rate and not a.is_concentration and a.start not in discarded]
        plain = [a for a in given if a.kind != "volume"] or given
        if plain:
            # The bag's strength stays: "1,200 mg/250 mL ... Pump: 83 mL infused" converts by it.
            event.amounts = plain[:1] + [a for a in event.amounts if a.is_concentration]
            return


def _preceding_routes(notes: Annotations, sents, mentions, sent) -> list[RouteMatch]:
    """'Procedure: intravitreal injection OD.' on the line before the drug line."""
    before = []
    for prev in reversed(sents[: sents.after(sent.start)]):
        if prev.paragraph != sent.paragraph or sent.line - prev.line > _FOLLOW_LINES:
            break
        # On the drug's own line only the sentence just before counts: in a run-on transcription
        # the earlier sentences of the line are other parts of the note (IV sedation, p.o. meds).
        if prev.end <= sent.start and not (prev.line == sent.line and any(b.line == sent.line for b in before)):
            before.append(prev)
    for prev in before:
        if mentions.any_in(prev.start, prev.end, coded=True):
            break
        # "1405 ... NS 1,000 mL IV bolus started." before "1410 Pepcid 20 mg given": a timed record
        # line with a dose of its own records another giving (of a drug the lexicon may not know);
        # its route is that one's. (In a procedure's narrative the step before may well share it.)
        if TIMED_LINE_RE.match(notes.text, line_bounds(notes.text, prev.start)[0]) and any(
                is_dose(a) for a in notes.amounts_in(prev.start, prev.end)):
            break
        # "INFUSION FLOWSHEET - mFOLFOX6": a title's implied route names the kind of visit, not a premed's route.
        found = [r for r in notes.routes_in(prev.start, prev.end) if not (r.implied and prev.line == 0) and not _owned_route(notes.text, prev, r)
                 and not _general_anesthesia_field(notes, prev, r)]
        if found and any(m.end <= found[0].start for m in mentions.in_span(prev.start, prev.end)):
            # "2. Clopidogrel (Plavix) 225 mg PO" before "3. Promethazine 12.5 mg", "Omnipaque was
            # injected into the facet" before the Marcaine: a route written after a drug is that drug's.
            break
        if found:
            return found
    return []


def _general_anesthesia_field(notes: Annotations, sent: Sentence, route: RouteMatch) -> bool:
    """'ANESTHESIA: General via endotracheal tube.': the airway of the anesthetic, no drug's route."""
    section = notes.section_at(sent.start)
    return (section is not None and " ".join(section.header.lower().split()) in _patterns().anesthesia_headers
            and route.route in _patterns().general_anesthesia_routes)


def _owned_route(text: str, sent: Sentence, route: RouteMatch, drug: DrugMention | None = None) -> bool:
    """'IV fluids of D10 at 6 mL an hour', 'Topical Gelfoam was utilized', 'Baby was fed EBM and
    NeoSure per os': the route of a thing that is no drug, or of a feeding. (Not "irrigated with
    gentamicin solution": the solution is the drug's own.)"""
    owner = _patterns().route_owner_after.match(text, route.end, sent.end)
    if owner is not None and drug is not None and owner.start() <= drug.start < owner.end():
        owner = None
    return bool(owner or _patterns().feeding_before.search(text, sent.start, route.start))


def _sentence_for(sents: _SentenceIndex, pos: int) -> Sentence | None:
    return sents.at(pos)


def _negated(notes: Annotations, reason: Reason, sents: list[Sentence]) -> bool:
    sent = _sentence_for(sents, reason.start)
    if sent is None:
        return False
    toks, modifiers = notes.context(sent)
    first = next((i for i, t in enumerate(toks) if t.start >= reason.start), 0)
    last = max((i for i, t in enumerate(toks) if t.end <= reason.end), default=first)
    cats = categories_for(toks, modifiers, first, last)
    # A review of systems lists what is absent: "No shortness of breath or cough" (a drug's "no"
    # reaches three words; a condition list runs on to the end of its clause). "Pain 0/10" scores it absent.
    return ("NOT_GIVEN" in cats or bool(_NEGATED_LIST_RE.search(notes.text, sent.start, reason.start))
            or bool(_ZERO_SCORE_RE.match(notes.text, reason.end)))


@lru_cache(maxsize=1)
def _hypothetical_cues() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(cue.split()) for cue in data_file_as("reason_cues.json", ReasonCuesFile).hypothetical)


def _hypothetical(notes: Annotations, reason: Reason, sents: list[Sentence]) -> bool:
    """'wash off sooner if blistering/pain', 'call if fever': a condition that may never happen."""
    sent = _sentence_for(sents, reason.start)
    if sent is None:
        return False
    toks, modifiers = notes.context(sent)
    cues = _hypothetical_cues()
    conditional = [m for m in modifiers if m.rule.words in cues]
    if not conditional:
        return False
    # (the token that holds the condition's start: "blistering/pain" is one token)
    first = next((i for i, t in enumerate(toks) if t.end > reason.start), 0)
    last = max((i for i, t in enumerate(toks) if t.start < reason.end), default=first)
    return bool(categories_for(toks, conditional, first, last))


def _only_weighed(notes: Annotations, reason: Reason, sents: list[Sentence]) -> bool:
    """'tumor were in the differential diagnosis', 'less likely glioma': a condition weighed, not found."""
    sent = _sentence_for(sents, reason.start)
    if sent is None:
        return False
    toks, modifiers = notes.context(sent)
    weighing = [m for m in modifiers if m.rule.category == "POSSIBLE_EXISTENCE"]
    if not weighing:
        return False
    first = next((i for i, t in enumerate(toks) if t.end > reason.start), 0)
    last = max((i for i, t in enumerate(toks) if t.start < reason.end), default=first)
    return bool(categories_for(toks, weighing, first, last))


# "Pain 0/10 at every check", "pain score: 0", "nausea 0 out of 10": a condition scored as absent.
_ZERO_SCORE_RE = re.compile(r"[ \t]*(?:score|scale|level|rating)?[ \t]*(?:[:=-]|was|is|of)?[ \t]*0(?:[ \t]*/[ \t]*10|[ \t]+out[ \t]+of[ \t]+10)?(?![\d./])",
                            re.IGNORECASE)
# "no", "denies", "negative for" ... then up to eight words of the same clause before the condition.
_NEGATED_LIST_RE = re.compile(r"\b(?:no|denies|denied|negative\s+for|free\s+of|absence\s+of)\b(?:(?!\b(?:but|although|however|except|though|yet|with|has|had|reports?|does)\b)[^.;:\n]){0,60}$",
                              re.IGNORECASE)


def _section_kind(secs: list[SectionSpan], pos: int) -> str:
    sec = section_at(secs, pos)
    return sec.kind if sec else "neutral"


def _family_history(secs: list[SectionSpan], pos: int) -> bool:
    sec = section_at(secs, pos)
    return bool(sec and sec.header.lower() in {"family history", "fh", "fhx"})


def _linked(text, reason, sents, secs, events) -> bool:
    if _section_kind(secs, reason.start) == "reason":
        return True
    sent = _sentence_for(sents, reason.start)
    if sent is None:
        return False
    if any(e.sentence == sent for e in events):
        return True
    return is_linked(text, reason, sent.start)
