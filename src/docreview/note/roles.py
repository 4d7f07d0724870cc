"""A role for every drug mention: was this mention the drug being given, or something else?

Roles: administered, ordered, requested, deferred, historical, allergy, container, inventory,
waste, restatement, other. Only `administered` mentions make doses. A mention reads its role
from what the annotation stage already found around it — its section, its record line, its
clause and its ConText categories — with the cue words in data/role_cues.json:

1. an allergy or home-medication section: allergy / historical;
2. a lot/NDC/expiry line with no administration verb: inventory;
3. a clause about discarded drug with no administration verb: waste;
4. a container description ("drawn from a Kenalog-40 vial", "Toradol 60 mg/2 mL vial"): container;
5. a title or procedure header, "tolerated the X", or the drug named again without an amount
   after it was given: restatement;
6. otherwise its ConText categories: not given -> deferred, elsewhere/history -> historical,
   planned -> ordered (requested when a request or recommendation cue scopes it),
   administered -> administered, and the section's kind when no cue speaks.
Around these: an allergy cue next to the mention ("allergic to X", "X hypersensitivity") gives
allergy anywhere; a header that opens with a home-medication word ("Home:", "Current:", "Med hx:")
reads as a home-medication list; a family-history section or a compound ("heparin-induced")
gives other; in a history narrative (HPI) a mention told with no time and no today cue is
historical; a condition after a plan ("start X if MAP < 65") makes it a request.
A label header speaks for its lines ("Vials:" container, "Lot:" inventory, "Discussed ...:"
talk); a history cue outranks a past start ("who started her recently on X") unless the giving
is told as now, and a history sentence that goes on with "then" keeps the time before it; an
intolerance ("has not tolerated X") is an allergy, each time the sentence names the drug; a
sentence or clause that opens with a recommendation asks for every drug it names; a drug right
after "if" is the condition's subject (other); a correction after a mention takes it back.
A medication list between history sections is the patient's (its strengths are no doses); a
skin-prep antiseptic is other; a "Refill:"/"Rx:" line is an order; the patient asking for a drug
is a request; a giving dated by month and year only is an earlier one; a family member's allergy
is family history; a title that cites its CPT/HCPCS codes restates the procedure.
Container, restatement, waste and inventory stand only when another mention of the same drug
carries the administration (a vial with no dose of its own: a giving in its sentence); a lone
container or title mention that reports the giving is it. Last, across mentions: a drug mixed
into the one before it ("lidocaine 2% with epinephrine") shares its role, and a bare name in an
aside or list after another drug ("(insulin lispro, ...)", ", as well as Solu-Medrol") takes
that drug's role rather than reading as a repeat or as talk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from docreview.note.amounts import TOTAL_LINE_RE
from docreview.note.text import (
    FIELD_LABEL_RE,
    SectionSpan,
    Token,
    classify_header,
    enclosing_parenthesis,
    line_bounds,
    opens_labelled_field,
    tokens,
)
from docreview.records import Record

if TYPE_CHECKING:
    from docreview.note.annotate import Annotations
    from docreview.note.extract import DoseEvent
    from docreview.note.vocab import RouteMatch

ROLES = ("administered", "ordered", "requested", "deferred", "historical", "allergy", "container", "inventory", "waste",
         "restatement", "other")
# Roles that say the drug was given, but not by this mention: they stand only beside an administered one.
SECONDARY = frozenset({"container", "restatement", "waste", "inventory"})
# Roles of a line about the product on hand (its vial, its lot, its stock), not a giving.
STOCK = frozenset({"container", "inventory"})


class RoleCues(Record):
    container_after: frozenset[str]
    dose_form_words: frozenset[str] = frozenset()  # "cisplatin injection 1 mg/mL, 100 mL vial": no break before the vial
    container_before: list[list[str]]
    inventory: frozenset[str]
    waste: frozenset[str]
    administration_verbs: frozenset[str]
    restatement_headers: list[str]
    restatement_before: list[list[str]]
    request: frozenset[str]
    other_after: frozenset[str]
    allergy: frozenset[str]
    home_headers: list[str]
    narrative_headers: frozenset[str]
    now: list[str]
    other_headers: frozenset[str]
    other_compound: frozenset[str]
    condition_after: frozenset[str]
    preparation: frozenset[str]
    strong_request: frozenset[str]
    talk: list[list[str]]
    future: frozenset[str]
    mixture: frozenset[str]
    intolerance_before: list[list[str]]
    condition_subject: frozenset[str]
    list_joins: frozenset[str]
    retraction: list[list[str]]
    take_home: list[list[str]]
    prescription_before: list[list[str]]
    prep_agents: frozenset[str]
    prescription_headers: frozenset[str]
    consult_headers: frozenset[str] = frozenset()  # "Hematology: Esperoct 50 IU/kg pre-procedure": a recommendation
    billing_headers: frozenset[str] = frozenset()  # "Charge capture: J9219 x1": the claim's line, no giving
    billing_header_people: frozenset[str] = frozenset()  # "Charge nurse:" is a person, not a charge
    allergy_purpose_after: frozenset[str] = frozenset()  # "hypersensitivity prophylaxis": a purpose, no allergy
    preparation_headers: frozenset[str] = frozenset()  # "Pharmacy label:", "Prep:": the product prepared, not its giving
    patient_asks: list[list[str]]
    family_members: frozenset[str]
    family_possessives: frozenset[str]  # "her mother received ...": words before the family member
    request_after: frozenset[str]
    as_needed: frozenset[str] = frozenset()  # "placed on Demerol 50 mg IM q3-4h p.r.n.": a PRN regimen, an order
    history_premodifiers: frozenset[str] = frozenset()  # "Last Prolia 60 mg SC given 04/18 in clinic": an earlier giving
    handoff_verbs: frozenset[str] = frozenset()  # "LUXTURNA syringe received from J.Lin PharmD": a product handed over, no giving
    regimen_frequencies: frozenset[str] = frozenset()  # "Synribo 1.25 mg/m2 SC BID": a regimen, no giving
    order_headers: frozenset[str] = frozenset()  # "ORDERS: 0655 ampicillin 2 g IVPB": the clock is the order's


@lru_cache(maxsize=1)
def role_cues() -> RoleCues:
    from docreview.data_files import data_file_as

    cues = data_file_as("role_cues.json", RoleCues)
    return cues


@dataclass(frozen=True)
class _Window:
    toks: list[Token]
    first: int  # the mention's token indices in toks
    last: int
    turned: bool = False  # a ConText terminator ("but", "as he is") stands before the mention
    text: str = ""  # the note (the gaps between tokens hold its parentheses)


def _window(toks_of: _Tokens, event: DoseEvent) -> _Window:
    toks = toks_of.sentence_of(event)
    first = next((i for i, t in enumerate(toks) if t.end > event.mention.start), len(toks))
    last = max((i for i, t in enumerate(toks) if t.start < event.mention.end), default=first)
    turned = any(m.rule.category == "TERMINATE" and m.last < first for m in toks_of.notes.context(event.sentence)[1])
    return _Window(toks, first, max(first, last), turned, toks_of.text)


_DASH_RE = re.compile(r"--|\u2014")


def _clause(w: _Window) -> list[Token]:
    """The mention's clause: between the nearest comma/semicolon/'then' on each side (or a dash
    before it; after it a dash goes on with the row: "vial x2 -- 12 mg rapid IVP"), past and
    without the asides it holds ("DHE 1 mg (1 mL ampul, full) IV over 3 min" is one clause)."""
    breaks = {",", ";", "then"}
    toks, text = w.toks, w.text
    lo, depth, aside = w.first, 0, set()
    while lo > 0:
        gap = text[toks[lo - 1].end : toks[lo].start]
        if not depth and (_DASH_RE.search(gap) or "|" in gap):
            break  # "... (2 mg, 2 mg, 1 mg) -- midazolam HCl 1 mg/mL, 5 mL vial"; "Allergies NKDA | ORDER 1402 ..."
        depth = max(0, depth + gap.count(")") - gap.count("("))
        if not depth and toks[lo - 1].text in breaks:
            break
        lo -= 1
        if depth:
            aside.add(lo)
    hi, depth = w.last, 0
    while hi + 1 < len(toks):
        gap = text[toks[hi].end : toks[hi + 1].start]
        depth = max(0, depth + gap.count("(") - gap.count(")"))
        if not depth and toks[hi + 1].text in breaks:
            break
        hi += 1
        if depth:
            aside.add(hi)
    # The aside's own words are not the clause's ("40 mg/20 mL vial (MDV, retained - no waste)").
    return [t for k, t in enumerate(toks[lo : hi + 1], start=lo) if k not in aside]


class _Tokens:
    """Word tokens of each sentence, made once per note (events share sentences): the annotation
    stage's own tokens and sentences (annotated here when the caller has none)."""

    def __init__(self, text: str, notes: Annotations | None = None) -> None:
        if notes is None:
            from docreview.note.annotate import Annotations
            from docreview.note.text import sections, sentences

            notes = Annotations(text, sentences(text), sections(text))
        self.text = text
        self.notes = notes
        self._cache: dict[tuple[int, int], list[Token]] = {}

    def span(self, start: int, end: int) -> list[Token]:
        key = (start, end)
        if key not in self._cache:
            self._cache[key] = tokens(self.text, start, end)
        return self._cache[key]

    def sentence_of(self, event: DoseEvent) -> list[Token]:
        return self.notes.context(event.sentence)[0]

    def sentence_before(self, start: int) -> tuple[int, int] | None:
        """The span of the sentence that ends before `start`."""
        found = self.notes.sentence_before(start)
        return (found.start, found.end) if found is not None else None


def _ends_with(words: Sequence[str], phrase: Sequence[str]) -> bool:
    return len(words) >= len(phrase) and tuple(words[len(words) - len(phrase) :]) == tuple(phrase)


_STRENGTH_WORDS = frozenset({"mg", "mcg", "g", "ml", "cc", "units", "unit", "mg/ml", "%", "x", "of", "a", "the", "one", "single", "dose", "use"})


def _is_strength(tok: str) -> bool:
    """Tokens of a strength or size written after a product name ('-40', '40 mg/mL', '1%', '10 mL')."""
    return tok.lstrip("-")[:1].isdigit() or tok in _STRENGTH_WORDS


def _container_after(w: _Window, cues: RoleCues) -> bool:
    for word in [t.text for t in w.toks[w.last + 1 : w.last + 11]]:
        if word in cues.container_after or word.split("-")[0] in cues.container_after:
            return True
        if not _is_strength(word) and "/" not in word and word != "," and word not in cues.dose_form_words:
            break
    return False


def _container_before(w: _Window, cues: RoleCues) -> bool:
    before = [t.text for t in w.toks[max(0, w.first - 6) : w.first]]
    # "drawn from a 10 mL vial of Kenalog-40", "from a Kenalog-40 vial": strength words may sit between.
    while before and _is_strength(before[-1]) and before[-1] not in {"a", "an", "the", "one", "of"}:
        before.pop()
    return any(_ends_with(before, phrase) for phrase in cues.container_before)


def _container_cue(w: _Window, cues: RoleCues) -> bool:
    return _container_after(w, cues) or _container_before(w, cues)


_HEADER_STAMP_RE = re.compile(r"@?(?:[01]?\d|2[0-3]):?[0-5]\d(?:h|hrs)?")


def _preparation_header(header: str, cues: RoleCues) -> bool:
    """'Prep:', 'Drug prep (RN):', 'Vial preparation:': a header that, without a closing aside
    (who wrote it), is a preparation header or ends with one's word."""
    words = re.sub(r"\([^()]*\)\s*$", "", header).split()
    while words and _HEADER_STAMP_RE.fullmatch(words[-1]):
        words.pop()  # "Pharmacy verification 0905:": the time it was written
    return bool(words) and (" ".join(words) in cues.preparation_headers or words[-1] in cues.preparation_headers)


def _restatement_cue(text: str, w: _Window, event: DoseEvent, cues: RoleCues) -> bool:
    own = [a for a in event.amounts if event.sentence.start <= a.start < event.sentence.end]
    if event.sentence.line == 0 and not own and "\n" in text.strip():
        # The note's title line ("OUTPATIENT INFUSION - ondansetron"); a dose line under it
        # ("Dose 1 mg/kg = 75 mg") is the order the body's giving fulfils.
        return True
    sec = event.section
    # A title header names the procedure; its own line restates what the body reports.
    # (without an amount of its own: "Procedure: Kenalog 40 mg injected" is the record itself).
    header_line = sec is not None and "\n" not in text[sec.start - len(sec.header) - 2 : event.mention.start].strip("\n")
    if sec is not None and sec.header.lower() in cues.restatement_headers and (not event.amounts or _cites_codes(text, event)) and (
        event.sentence.start <= sec.start + 2 or header_line
    ):
        return True
    before = [t.text for t in w.toks[max(0, w.first - 7) : w.first]]
    # One describing word may sit between: "tolerated the epidural dexamethasone injection".
    if any(_ends_with(before[-3:], phrase) or _ends_with(before[-4:-1], phrase) for phrase in cues.restatement_before):
        return True
    # "for total of 5 mg of Versed": a total's cue sits before the drug's own amount.
    amount = 0
    while before and (_is_strength(before[-1]) or before[-1] == "of") and before[-1] not in {"a", "an", "the", "one"}:
        before.pop()
        amount += 1
    return amount > 0 and any(_ends_with(before[-3:], phrase) for phrase in cues.restatement_before if "total" in phrase)


# "(67028-LT)", "(20610-RT)", "(J3301 x 4)": a CPT or HCPCS code cited in the line.
_CITED_CODE_RE = re.compile(r"\(\s*(?:\d{5}(?:-[A-Z0-9]{2})?|[A-Z]\d{4}(?:\s*x\s*\d+)?)\s*\)")


def _cites_codes(text: str, event: DoseEvent) -> bool:
    """A title line that cites its billing codes summarises the procedure, amounts and all:
    "Procedure: Intravitreal injection of aflibercept 2 mg/0.05 mL, left eye (67028-LT)"."""
    return bool(_CITED_CODE_RE.search(text, event.sentence.start, event.sentence.end))


def _has_any(toks: Sequence[Token], words: frozenset[str]) -> bool:
    return any(t.text in words for t in toks)


def _gives(toks: Sequence[Token], cues: RoleCues) -> bool:
    """An administration verb among the tokens; not one that hands a product over ("syringe
    received from J.Lin PharmD": the product changed hands, the patient received nothing)."""
    return any(t.text in cues.administration_verbs and not (t.text in cues.handoff_verbs and k + 1 < len(toks) and toks[k + 1].text == "from")
               for k, t in enumerate(toks))


def _talked_about(w: _Window, cues: RoleCues) -> bool:
    """A drug named as the subject of talk: 'reviewed the Diastat protocol', 'side effects of Topamax'."""
    before = [t.text for t in w.toks[max(0, w.first - 9) : w.first]]
    while before:
        if any(_ends_with(before, phrase) for phrase in cues.talk):
            return True
        if before[-1] not in {"the", "a", "an", "his", "her", "their", "higher", "lower", "possible", "doses", "dose", "of", "with"}:
            return False
        before.pop()
    return False


# A month and year with no day ("02/2023", "in 2022"): today's giving is charted with its day or time.
_MONTH_YEAR_RE = re.compile(r"(?<![\d/])(?:(?:0?[1-9]|1[0-2])/(?:19|20)\d{2}|\bin\s+(?:19|20)\d{2})(?![\d/])")


_EXPIRY_BEFORE_RE = re.compile(r"\b(?:exp|expiry|expires?|expiration|exp\.? date|use by)\b[.:\s]*$", re.IGNORECASE)


def _dated_earlier(text: str, clause: list[Token], cues: RoleCues, routes: Sequence[RouteMatch] = ()) -> bool:
    """An administration verb (or a stated route: "Aerosolized pentamidine 01/2025") dated by a
    month and year in the mention's clause, not a product's expiry ("exp 02/2025")."""
    if not clause or _has_any(clause, cues.inventory):
        return False
    if not _gives(clause, cues) and not any(
            not r.implied and clause[0].start <= r.start < clause[-1].end for r in routes):
        return False
    # ("(lot GR2201, exp 11/2026)": an aside the clause skips may still hold the expiry.)
    return any(not _EXPIRY_BEFORE_RE.search(text, max(0, m.start() - 12), m.start())
               for m in _MONTH_YEAR_RE.finditer(text, clause[0].start, clause[-1].end))


def _patient_asks(w: _Window, cues: RoleCues) -> bool:
    """The patient asks for the drug: an asking phrase before it in its clause, a few words back."""
    before = [t.text for t in _clause_before(w, 8)]
    return any(tuple(before[k : k + len(p)]) == tuple(p) for p in cues.patient_asks for k in range(len(before)))


def _concentration_aside(text: str, event: DoseEvent) -> bool:
    """'ondansetron 16 mg IV (ondansetron 2 mg/mL, 8 mL)': inside parentheses, the drug named with
    its concentration first is the product the dose came from."""
    start = event.mention.start
    opened = text.rfind("(", event.sentence.start, start)
    if opened < 0 or text[opened + 1 : start].strip() or not event.amounts:
        return False
    first = min(event.amounts, key=lambda a: a.start)
    return first.start > start and first.is_concentration and text.find(")", event.mention.end) > first.end


_COUNT_RE = re.compile(r"(?:x|×)\s*\d{1,2}$", re.IGNORECASE)


def _packages(text: str, event: DoseEvent) -> bool:
    """'Riabni 500 mg/50 mL x1 + 100 mg/10 mL x3 = 800 mg': the drug named with a strength in a
    package's volume and a count of packages is the stock the dose was drawn from."""
    after = [a for a in event.amounts if a.start >= event.mention.end]
    if not after:
        return False
    first = min(after, key=lambda a: a.start)
    return (first.is_concentration and first.volume_stated and (first.per_volume_ml or 0) > 1
            and not text[event.mention.end : first.start].strip(" \t:,(") and bool(_COUNT_RE.search(text, first.start, first.end)))


def _near(w: _Window, words: frozenset[str], before: int = 8, after: int = 15) -> bool:
    """A cue word close to the mention in its sentence (a transcription's line can be a page long)."""
    return _has_any(w.toks[max(0, w.first - before) : w.last + 1 + after], words)


def _given_after_gloss(toks_of: _Tokens, event: DoseEvent) -> bool:
    """'3% chloroprocaine (Nesacaine-MPF 30 mg/mL, 20 mL single-dose vial) 10 mL via epidural
    catheter': the vial is the gloss's aside; a route after it says the drug was given."""
    if event.mention.gloss is None:
        return False
    close = toks_of.text.find(")", event.mention.end, event.sentence.end)
    return close >= 0 and bool(toks_of.notes.routes_in(close + 1, event.sentence.end))


def _inside_parentheses(text: str, event: DoseEvent, clause: list[Token]) -> list[Token]:
    """A mention inside '( ... )' reads its clause inside them: '(10 mL of 10% calcium gluconate vial)'."""
    around = enclosing_parenthesis(text, event.mention.start, event.mention.end, event.sentence.start, event.sentence.end)
    if around is None or around[1] < 0:
        return clause
    opened, closed = around
    return [t for t in clause if opened < t.start and t.end <= closed]


def _allergy_cue(w: _Window, cues: RoleCues) -> bool:
    """'allergic to X', 'allergy to X', 'X hypersensitivity', 'X allergy', 'has not tolerated X':
    within the clause."""
    # (not inside an aside: "Order (Dr. Whelan, allergy/immunology): ASCENIV 40 g")
    clause = {t.start for t in _clause(w)}
    before = [t for t in w.toks[max(0, w.first - 5) : w.first] if t.start in clause]
    after = w.toks[w.last + 1 : w.last + 3]
    words = [t.text for t in before]
    # "(hypersensitivity prophylaxis): diphenhydramine": a purpose, not the patient's allergy.
    following = {t.start: nxt.text for t, nxt in zip(w.toks, w.toks[1:], strict=False)}
    before = [t for t in before if following.get(t.start) not in cues.allergy_purpose_after]
    return (_has_any(before, cues.allergy) or (bool(after) and after[0].text in cues.allergy)
            or any(_ends_with(words, phrase) for phrase in cues.intolerance_before))


def _negated_after(text: str, event: DoseEvent, events: list[DoseEvent]) -> bool:
    """'Milrinone discussed as alternative; not started given renal function': the next sentence
    of the line opens with a negation and names no drug of its own, so it goes on about this one."""
    from docreview.note.context import find_modifiers

    start = event.sentence.end + 1
    if text[event.sentence.end : start] != ";":
        return False
    stop = min(i for i in (text.find(";", start), text.find("\n", start), text.find(". ", start), len(text)) if i >= 0)
    if any(start <= e.mention.start < stop for e in events):
        return False
    toks = tokens(text, start, stop)
    # One that reads back ("not started", "held"), not one about what follows it ("no relief"),
    # nor a device held for a while ("held 5 seconds until the window turned orange").
    return any(m.rule.category == "NOT_GIVEN" and m.first == 0 and m.rule.direction != "FORWARD"
               and not _HELD_FOR_A_WHILE_RE.match(text, toks[m.last].end) for m in find_modifiers(toks))


_HELD_FOR_A_WHILE_RE = re.compile(r"\s*(?:(?:for|in\s+place\s+for|x)\s*)?\d+\s*(?:s|sec|secs|seconds?|min|mins|minutes?)\b", re.IGNORECASE)


def _retracted(text: str, event: DoseEvent, events: list[DoseEvent]) -> bool:
    """A correction after the mention in its sentence takes back what was written before it
    ("... Kenalog-40 vial -- correction: single Kenalog-40 1 mL vial"; "pemetrexed 1,000 mg in
    error"), unless what follows it names no drug and restates the giving's amount ("15 units SC -
    correction: 10 units SC given"): that corrects the amount of the same giving."""
    fix = retraction_pattern().search(text, event.mention.end, event.sentence.end)
    if fix is None:
        return False
    renamed = any(e.sentence == event.sentence and e.mention.start > fix.start() for e in events)
    return renamed or not any(a.start > fix.start() for a in event.amounts)


def _condition_subject(w: _Window, cues: RoleCues) -> bool:
    """The drug is the subject of a condition: 'if (the) daptomycin (is) unavailable'."""
    before = [t.text for t in w.toks[max(0, w.first - 3) : w.first] if t.text not in {"the", "a", "an", "his", "her", "their"}]
    return bool(before) and before[-1] in cues.condition_subject


def _talk_header(header_words: list[str], cues: RoleCues) -> bool:
    """'Discussed hypoglycemia treatment: glucose tablets, glucagon kit': a header that opens with talk."""
    return any(header_words[: len(p)] == list(p) for p in cues.talk)


def _home_aside(text: str, event: DoseEvent, events: list[DoseEvent]) -> bool:
    """'Azathioprine 100 mg daily continues (home).': an aside after the drug, before any other,
    that says whose regimen it is."""
    opened = text.find("(", event.mention.end, event.sentence.end)
    closed = text.find(")", opened + 1, event.sentence.end + 1) if opened >= 0 else -1
    if closed < 0 or any(event.mention.end <= e.mention.start < closed for e in events if e is not event):
        return False
    from docreview.note.text import classify_header

    # The whole aside names a home list ("(home)", "(home meds)"), not a place ("(outpatient clinic)").
    return classify_header(text[opened + 1 : closed])[1] == "HOME_MEDICATION"


def _in_home_list_aside(text: str, event: DoseEvent, cues: RoleCues) -> bool:
    """'Home med list in chart (zolpidem 10 mg q.h.s., losartan 50 mg daily) reviewed': a
    parenthesis that spells out a home list named by the words that open its sentence."""
    around = enclosing_parenthesis(text, event.mention.start, event.mention.end, event.sentence.start, event.sentence.end)
    return around is not None and _home_header(text[event.sentence.start : around[0]], cues)


def _home_header(header: str, cues: RoleCues) -> bool:
    """'Home:', 'Home meds per pharmacy:', 'Current prophylaxis:', 'Med hx:': the patient's own regimen."""
    words = header.lower().split()
    return any(words[: len(h.split())] == h.split() for h in cues.home_headers)


def _told_now(toks_of: _Tokens, event: DoseEvent, cues: RoleCues) -> bool:
    """A time of day or a today cue in the sentence: the giving happens at this encounter. A
    sentence that goes on with "then" ("He then changed to vancomycin") keeps the time of the
    sentence before it."""
    w = _window(toks_of, event)
    if _now_in(toks_of, event.sentence.start, event.sentence.end, cues):
        return True
    if "then" not in [t.text for t in w.toks[: min(3, w.first)]]:
        return False
    before = toks_of.sentence_before(event.sentence.start)
    return before is not None and _now_in(toks_of, *before, cues)


def _now_in(toks_of: _Tokens, start: int, end: int, cues: RoleCues) -> bool:
    from docreview.note.amounts import find_times

    if find_times(toks_of.text, start, end):
        return True
    words = [t.text for t in toks_of.span(start, end)]
    return _has_phrase(words, _phrase_index(tuple(cues.now)))


@lru_cache(maxsize=8)
def _phrase_index(phrases: tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases as word tuples, keyed by their first word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.split())
        if words:
            index.setdefault(words[0], []).append(words)
    return {first: tuple(group) for first, group in index.items()}


def _has_phrase(words: list[str], index: dict[str, tuple[tuple[str, ...], ...]]) -> bool:
    return any(tuple(words[i : i + len(p)]) == p for i, w in enumerate(words) for p in index.get(w, ()))


def _conditional(w: _Window, cues: RoleCues) -> bool:
    """'start norepinephrine drip if MAP < 65': a condition after the drug, in its clause; or one
    that opens the sentence before it: 'if positive, start argatroban'."""
    clause = [t for t in _clause(w) if t.start >= w.toks[w.last].end]
    # An as-needed order names its own condition: "ondansetron 4 mg IV p.r.n. PONV if ...".
    if any(t.text.replace(".", "") == "prn" for t in w.toks):
        return False
    # "if needed", "if necessary" is an as-needed order, not a condition on the plan.
    after = any(t.text in cues.condition_after and (k + 1 == len(clause) or clause[k + 1].text not in _AS_NEEDED)
                for k, t in enumerate(clause))
    before = w.toks[max(0, w.first - 12) : w.first]
    opened = any(t.text in cues.condition_subject and any(u.text == "," for u in before[k + 1 :])
                 and not any(u.text == ";" for u in before[k:]) for k, t in enumerate(before))
    return after or opened


def _family_subject(w: _Window, cues: RoleCues) -> bool:
    """The clause's subject is a family member ("Mother received ampicillin", "her mother was given")."""
    before = [t.text for t in _clause_before(w, 8)]
    while before and before[0] in cues.family_possessives:
        before.pop(0)
    return bool(before) and before[0] in cues.family_members


def _clause_before(w: _Window, limit: int) -> list[Token]:
    """Up to `limit` tokens before the mention, within its clause."""
    toks = w.toks[max(0, w.first - limit) : w.first]
    cut = max((k for k, t in enumerate(toks) if t.text in {",", ";"}), default=-1)
    return toks[cut + 1 :]


_AS_NEEDED = frozenset({"needed", "necessary", "required", "indicated"})


def _aside_record(text: str, event: DoseEvent, cues: RoleCues) -> bool:
    """'Dispensed: ketorolac 30 mg x1 (pt J.M., given IM 15:20)': the mention's own parenthesis,
    right after its amount, records the giving (a verb and a time)."""
    from docreview.note.amounts import find_times

    opened = text.find("(", event.mention.end, event.sentence.end)
    if opened < 0 or any(t.text.isalpha() and not _is_strength(t.text) for t in tokens(text, event.mention.end, opened)):
        return False
    closed = text.find(")", opened, event.sentence.end + 1)
    closed = event.sentence.end if closed < 0 else closed
    return _gives(tokens(text, opened, closed), cues) and bool(find_times(text, opened, closed))


def _dispensed(w: _Window, cues: RoleCues) -> bool:
    """The drug handed over for later, not given here: a take-home phrase shortly after it, or a
    prescription word right before it."""
    after = [t.text for t in w.toks[w.last + 1 : w.last + 11]]
    before = [t.text for t in w.toks[max(0, w.first - 4) : w.first]]
    return (any(tuple(after[k : k + len(p)]) == tuple(p) for p in cues.take_home for k in range(len(after)))
            or any(_ends_with(before, p) for p in cues.prescription_before))


def _asks(toks: list[Token], cues: RoleCues) -> bool:
    """A recommendation word among the first tokens but the last (the last only shows what follows):
    'would', 'may' -- not the month of a date ('May 3: ...')."""
    return any(t.text in cues.strong_request and not toks[k + 1].text[:1].isdigit() for k, t in enumerate(toks[:-1]))


def _context_role(text: str, w: _Window, event: DoseEvent, cues: RoleCues, now: bool) -> str:
    cats = event.categories
    recommending = event.section is not None and "recommend" in event.section.header.lower()
    if "NOT_GIVEN" in cats:
        return "requested" if recommending else "deferred"  # "Recommendations: 1. Please discontinue cefazolin"
    # "I recommended that he be treated with Bactrim ... at home", "she may require additional IV
    # furosemide": a recommendation before the drug in its sentence makes it a request.
    # A sentence or clause that opens with one ("I recommended that he be treated with Bactrim
    # ..., bacitracin", "..., I would initiate ... Fragmin ... or Lovenox") asks for every drug it names.
    body = [t for t in w.toks[: w.first + 1] if event.section is None or t.start >= event.section.start]  # past a header
    # A ConText terminator between an opener and the drug turns the sentence to another subject: "I
    # would not prescribe methadone ... as he is already on five medications (Celebrex, ...)".
    asked = _asks(w.toks[max(0, w.first - 12) : w.first + 1], cues) or (
        not w.turned and any(_asks(toks, cues) for toks in (body[:4], _clause(w)[:4])))
    # "Lidocaine 5% patch recommended nightly": the recommendation after the drug, in its clause.
    asked = asked or ("ADMINISTERED" not in cats and _has_any([t for t in _clause(w) if t.start >= w.toks[w.last].end][:6], cues.request_after))
    if asked and ("ADMINISTERED" not in cats or not event.times):
        return "requested"
    # "the patient will be on Zithromax", "discharge on prednisone": a future outranks the "on".
    future = "PLANNED" in cats and _has_any(w.toks[max(0, w.first - 8) : w.first], cues.future)
    # "who started her recently on methadone", "Currently on cefazolin ... (started by primary
    # team)": a history cue outranks the verb of a past start unless the giving is told as now.
    # "Last Prolia 60 mg SC given 04/18 in clinic": a word that makes the drug an earlier one
    # outranks a place or time of this encounter.
    earlier = w.first > 0 and w.toks[w.first - 1].text in cues.history_premodifiers
    if "ELSEWHERE" in cats or ("HISTORICAL" in cats and ("ADMINISTERED" not in cats or not now or earlier) and not future):
        return "historical"
    if _dispensed(w, cues):
        return "ordered"  # "is given Tylenol No. 3, tabs #4, to take home", "given a prescription for Keflex"
    kind = event.section.kind if event.section else "neutral"
    if ("ADMINISTERED" in cats and "PLANNED" in cats and not event.times and not event.entries and not now
            and _has_any(_clause(w), cues.as_needed)):
        return "ordered"  # "For pain he was placed on Demerol 75 and Vistaril 50 mg IM q4h p.r.n."
    if ("ADMINISTERED" in cats and kind == "not_given" and event.section is not None and event.section.category == "HOME_MEDICATION"
            and not event.times and not now):
        return "historical"  # "CURRENT MEDICATIONS: 1. Lovenox 80 mg SC q.12h. initiated": the list, not a giving
    if "ADMINISTERED" in cats or ("PLANNED" in cats and _aside_record(text, event, cues)):
        return "administered"
    if "PLANNED" in cats:
        before = _clause_before(w, 8)
        return "requested" if recommending or _has_any(before, cues.request) or _conditional(w, cues) else "ordered"
    if kind == "not_given":
        return "allergy" if event.section and event.section.category == "ALLERGY" else "historical"
    if (kind == "plan" and event.clock_before(text) and event.routes and event.dose_amounts
            and cues.order_headers.isdisjoint(re.findall(r"[a-z]+", event.section.header.lower()))):
        # "PLAN: 1. IV diuresis in clinic today: 1105 furosemide (Lasix) 80 mg IV push ...": a row
        # the clock opens, with its dose and route, records the giving the plan called for (under
        # an order header the clock is the order's: "ORDERS: 0655 ampicillin 2 g IVPB x1 now").
        return "administered"
    if kind == "plan":
        before = _clause_before(w, 8)
        return "requested" if recommending or _has_any(before, cues.request) or _conditional(w, cues) else "ordered"
    if kind == "history":
        return "historical"
    if event.amounts and all(a.weekly for a in event.amounts) and not event.times and not _gives(w.toks, cues):
        return "historical"  # "switching oral MTX 20 mg/wk -> SC": the weekly regimen the patient is on, no giving
    return "administered"


def _route_in(toks_of: _Tokens, clause: list[Token]) -> bool:
    return bool(clause) and bool(toks_of.notes.routes_in(clause[0].start, clause[-1].end))


def _sentence_label(text: str, event: DoseEvent) -> str:
    """The label a sentence opens with, inside a line ("Wt 81 kg. Hematology: Esperoct ..."): "hematology"."""
    m = FIELD_LABEL_RE.match(text, event.sentence.start, event.sentence.end)
    return m.group(1).lower() if m and m.end() <= event.mention.start else ""


def _label_category(text: str, event: DoseEvent) -> str:
    """The section category of the label the mention's sentence opens with inside a line
    ("PMH HTN. Meds: amlodipine, donepezil 10 mg": MED_LIST), else ""."""
    label = _sentence_label(text, event)
    return classify_header(label)[1] if label else ""


def _is_record(toks_of: _Tokens, event: DoseEvent, cues: RoleCues) -> bool:
    """A time or an administration verb in the mention's sentence: a record of giving."""
    from docreview.note.amounts import find_times

    sent = event.sentence
    return _gives(toks_of.sentence_of(event), cues) or bool(find_times(toks_of.text, sent.start, sent.end))


_FORM_FOLLOWERS = frozenset({",", ";", ":", "rtu", "usp", "premix", "premixed"})  # "Injection (Xellia) RTU 1.5 g"


def _timed_before(toks_of: _Tokens, event: DoseEvent) -> bool:
    """A clock time before the mention in its sentence ("0905 Daptomycin ...")."""
    return bool(event.clock_before(toks_of.text))


def _timed_or_given(toks_of: _Tokens, w: _Window, event: DoseEvent, cues: RoleCues) -> bool:
    """An administration verb in the sentence, or a time before the mention ("MAR: 2015 Eloctate
    ..."); an NDC's or lot's digits after it are no time of giving."""

    return _gives(w.toks, cues) or _timed_before(toks_of, event)


def _is_record_clause(text: str, clause: list[Token], event: DoseEvent, cues: RoleCues, patients: bool) -> bool:
    """A time or an administration verb in the mention's list item (its clause), or a dose or route
    with no dosing frequency ("MEDICATIONS: Fentanyl 25 mcg, Versed 2 mg" in a procedure note,
    against "Furosemide 20 mg IV daily" or a bare "Fosamax." in the patient's list). In a list
    that sits among the history sections (`patients`) a strength is the patient's, not a dose."""
    from docreview.note.amounts import find_times
    from docreview.note.vocab import route_vocabulary

    if not clause:
        return False
    if _gives(clause, cues) or find_times(text, clause[0].start, clause[-1].end):
        return True
    if "PLANNED" in event.categories or patients:
        return False
    # A dose form ("albuterol nebulizers", "p.o.") is no sign of a giving; an injection route is.
    injected = any(r.route in route_vocabulary().injection_routes and clause[0].start <= r.start <= clause[-1].end for r in event.routes)
    return injected or any(clause[0].start <= a.start <= clause[-1].end for a in event.amounts)


def _list_records(text: str, toks_of: _Tokens, events: list[DoseEvent], cues: RoleCues) -> list[bool]:
    """Which medication-list items record a giving: their own clause does, or (with no dosing
    frequency of their own) another item of their sentence does: "MEDICATIONS: Fentanyl 25 mcg,
    Versed 2 mg, 2% lidocaine spray to the pharynx" in a procedure note."""
    patients = {id(e.section): _patients_list(toks_of.notes, e.section, cues) for e in events
                if e.section is not None and e.section.category == "MED_LIST"}
    own = [bool(e.section) and e.section.category == "MED_LIST"
           and _is_record_clause(text, _inside_parentheses(text, e, _clause(_window(toks_of, e))), e, cues, patients[id(e.section)])
           for e in events]
    return [own[i] or (bool(e.section) and e.section.category == "MED_LIST" and "PLANNED" not in e.categories
                       and any(own[j] and events[j].sentence == e.sentence for j in range(len(events)) if j != i))
            for i, e in enumerate(events)]


def _patients_list(notes: Annotations, section: SectionSpan, cues: RoleCues) -> bool:
    """A medication list between history sections ("MEDICATIONS: Digoxin 0.25 mg, metoprolol 50 mg"
    before "PAST MEDICAL HISTORY:") is the patient's; one beside the procedure's sections may
    record what was given during it."""
    return any(s.kind == "history" or s.category in ("ALLERGY", "HOME_MEDICATION") or s.header.lower() in cues.narrative_headers
               for s in notes.neighbours(section))


def _narrative(event: DoseEvent, cues: RoleCues) -> bool:
    """A history narrative: the history of present illness, or a past-history section."""
    sec = event.section
    return sec is not None and (sec.kind == "history" or sec.header.lower() in cues.narrative_headers)


def _compound_after(text: str, event: DoseEvent, cues: RoleCues) -> bool:
    """'heparin-induced', 'methicillin-resistant': the drug names something else."""
    end = event.mention.end
    if text[end : end + 1] != "-":
        return False
    word = text[end + 1 : end + 20].split()[0].strip(".,;:").lower() if text[end + 1 : end + 20].split() else ""
    return word in cues.other_compound


def _same_drug(a: DoseEvent, b: DoseEvent) -> bool:
    return a.mention.same_drug(b.mention)


def _labels_the_product(text: str, events: list[DoseEvent], roles: list[str], i: int) -> bool:
    """The mention is a field's label (a colon right after it) and the same drug, given, fills the field."""
    event = events[i]
    if not text[event.mention.end : event.mention.end + 3].lstrip().startswith(":"):
        return False
    return any(j > i and roles[j] == "administered" and events[j].sentence == event.sentence and _same_drug(event, events[j])
               for j in range(len(events)))


def assign_roles(text: str, events: list[DoseEvent], notes: Annotations | None = None) -> list[tuple[str, str | None]]:
    """One role per event (the events are the note's drug mentions, in order), with the secondary
    role an administered mention was first read as (a vial, a title) when no other mention gives the
    drug, else None; `notes`: the annotation stage's scans, whose sentence tokens the roles read."""
    cues = role_cues()
    toks_of = _Tokens(text, notes)
    first_pass: list[tuple[str, str]] = []  # (role, the role to fall back to)
    listed = _list_records(text, toks_of, events, cues)
    for i, event in enumerate(events):
        w = _window(toks_of, event)
        context = _context_role(text, w, event, cues, _told_now(toks_of, event, cues))
        if context != "deferred" and "ADMINISTERED" not in event.categories and _negated_after(text, event, events):
            context = "deferred"
        after = [t.text for t in w.toks[w.last + 1 : w.last + 3]]
        category = event.section.category if event.section else ""
        header = event.section.header.lower() if event.section else ""
        clause = _inside_parentheses(text, event, _clause(w))
        # "cisplatin injection 1 mg/mL, 100 mL vial": a dose form after the name is the product's name, no giving.
        # "Pemetrexed Injection (Accord) 25 mg/mL": a maker's name in parentheses may stand between.
        nxt = _without_aside(text, w.toks[w.last + 1 : w.last + 8])
        nxt = nxt[1:3] if nxt and nxt[0].text == "for" else nxt[:2]  # "cyclophosphamide for injection 1 g"
        # ("daptomycin for injection, Xellia ...", "Vancomycin Injection (Xellia) RTU 1.5 g/300 mL": a
        # comma, a maker or the product's readiness may follow; not "from a Kenalog injection in this knee".)
        form = nxt[0] if nxt and nxt[0].text in cues.dose_form_words and (
            len(nxt) < 2 or _is_strength(nxt[1].text) or nxt[1].text in _FORM_FOLLOWERS
            or text[nxt[0].end : nxt[0].end + 2].lstrip()[:1] in (",", ";", "(", ")")) else None
        # ("Ganciclovir Injection (Exela)": the name's own "Injection" is no verb either.)
        administers = _gives([t for t in clause if t is not form and not event.mention.start <= t.start < event.mention.end], cues)
        # "drawn from a Kenalog-40 1 mL vial": framed on both sides, the mention names the vial
        # even in a clause that goes on to say how the dose was given.
        framed = _container_before(w, cues) and _container_after(w, cues)
        # A label header speaks for every line under it: "Vials: Remicade 100 mg x4 ...",
        # "Lot: dexamethasone DX3307; ondansetron ON1182".
        header_words = header.replace("/", " ").split()
        # Under "Pharmacy label:" or "Drug preparation", a drug with an amount is the product prepared.
        container_header = bool(header_words) and (header_words[0] in cues.container_after
                                                   or (_preparation_header(header, cues) and bool(event.amounts)))
        container = framed or ((_container_cue(w, cues) or container_header or _concentration_aside(text, event) or _packages(text, event))
                               and not administers and not _route_in(toks_of, clause) and not _given_after_gloss(toks_of, event))
        sentence_words = frozenset(t.text for t in w.toks)
        if _retracted(text, event, events):
            role = "other"  # "Drew up 2 mL of triamcinolone from ... -- correction: ...": struck out
        elif context == "administered" and (event.mention.name.lower() in cues.prep_agents
                                            or text[event.mention.start : event.mention.end].lower() in cues.prep_agents):
            role = "other"  # "Prep: povidone-iodine 5% to lashes": skin antisepsis, not a drug given (a rinse prescribed stays an order)
        elif not cues.billing_headers.isdisjoint(header_words) and cues.billing_header_people.isdisjoint(header_words):
            role = "other"  # "Charge capture: J9219 (leuprolide implant 65 mg) x1": what was billed, not what was given
        elif (context == "administered" and (header in cues.consult_headers or _sentence_label(text, event) in cues.consult_headers)
              and "ADMINISTERED" not in event.categories and not _is_record(toks_of, event, cues)):
            role = "requested"  # "Hematology: Rebinyn 80 IU/kg (5,600 IU) IV pre-procedure": the consultant's advice
        elif (context == "administered" and bool(header_words) and header_words[0] in cues.prescription_headers
              and "ADMINISTERED" not in event.categories and not _is_record(toks_of, event, cues)):
            # "Refill sent: EpiPen 2-Pak #1", "Rx: ..." ("Rx: May add X if needed" stays a request);
            # "Refill: Infumorph 25 mg/mL ... instilled into reservoir" records a pump refilled.
            role = "ordered"
        elif (category == "ALLERGY" or _allergy_cue(w, cues)) and _has_any(_clause_before(w, 8), cues.family_members):
            role = "other"  # "Mother has penicillin allergy": family history
        elif category == "ALLERGY" or _allergy_cue(w, cues):
            role = "allergy"
        elif ((category == "HOME_MEDICATION" or _home_header(header, cues) or _home_aside(text, event, events)
               or _in_home_list_aside(text, event, cues))
              and "ADMINISTERED" not in event.categories and context != "deferred"):
            role = "historical"
        elif (category == "MED_LIST" or _label_category(text, event) == "MED_LIST") and context != "deferred" and not listed[i]:
            # "MEDICATIONS: Premarin 1.25 mg daily, ..." is the patient's list; "Meds: 1315
            # ondansetron 2 mg IVP" (a time, a verb in the item) is an administration record.
            role = "historical"
        elif header in cues.other_headers or _compound_after(text, event, cues):
            role = "other"  # "Family history: mother on warfarin", "heparin-induced thrombocytopenia"
        elif _family_subject(w, cues):
            role = "historical"  # "Mother received ampicillin 2 g before delivery", "Family administered Diastat": not given here
        elif after and after[0] in cues.other_after and not (context == "deferred" and [after[0]] in cues.talk):
            role = "other"  # "Keppra level", "heparin-induced"; "Milrinone discussed; not started" is deferred
        elif _condition_subject(w, cues):
            role = "other"  # "If daptomycin unavailable, could use vancomycin": the drug asked for is the other
        elif context != "deferred" and _patient_asks(w, cues):
            role = "requested"  # "Pt asked about switching to Vabysmo", "asking for zolpidem 'like at home'"
        elif (_talked_about(w, cues) or _talk_header(header_words, cues)) and context not in ("deferred", "historical"):
            role = "other"  # "Reviewed insulin pen technique", "discussed switching to Eylea"
        elif ((_near(w, cues.inventory) or (bool(header_words) and header_words[0] in cues.inventory and context != "deferred"))
              and not administers
              and not _total_given(text, event)
              and not (_route_in(toks_of, clause) and _carries_dose(event) and not container)
              and not (_route_in(toks_of, w.toks) and _timed_before(toks_of, event) and not container)
              and not (container and not sentence_words.isdisjoint(cues.preparation))):
            # "Lucentis 0.5 mg single-dose vial, Lot 3512764" is stock ("mosunetuzumab 2 mg IV over
            # 4 h - 1 mg/1 mL vials x2 (lot LN3012)", a dose with its route, is a giving, and so is
            # "0905 Daptomycin in NaCl, 350 mg/50 mL premix bag, lot DB08812, IV over 30 min", timed
            # with its route); "Two 100-unit vials of
            # Botox reconstituted (lot C6102C4)" is the container the dose was prepared from (in
            # the same sentence: "Botox 200-unit vial, Lot C5521; reconstituted with ..." is stock).
            role = "inventory"
        elif _has_any(clause, cues.waste) and not administers:
            role = "waste"
        elif container:
            role = "container"
        elif _restatement_cue(text, w, event, cues) or (not administers and not sentence_words.isdisjoint(cues.preparation)
                                                        and "ADMINISTERED" not in event.categories
                                                        and not (_timed_or_given(toks_of, w, event, cues) and _route_in(toks_of, w.toks))):
            # "Bupivacaine was drawn up from a 30 mL vial": preparing the dose is not giving it.
            # A sentence that goes on to give it by a route ("1 vial reconstituted, IV push over 8
            # min via R antecubital" after a time of giving) is the giving's record.
            role = "restatement"
        elif context == "administered" and _dated_earlier(text, clause, cues, event.routes):
            role = "historical"  # "Hep A #2 given 02/2023": a month and year is an earlier giving
        elif context in ("administered", "ordered") and _narrative(event, cues) and not _told_now(toks_of, event, cues):
            role = "historical"  # HPI: "was started on Trileptal", "EMS gave lorazepam 2 mg"
        else:
            role = context
        first_pass.append((role, context))
    roles = [r for r, _ in first_pass]
    # A vial, title or preparation line taken as the giving because no other mention of the drug
    # gives it: what it described, should a giving that names no drug turn up (note/nameless.py).
    described: list[str | None] = [None] * len(events)
    # A total told with its own doses ("0.1 mL into each of 6 lesions = 0.6 mL total = 0.12 mg
    # vinblastine") is weighed before the vial it was prepared from: of the two, it is the giving.
    dosed_restatements = [i for i, (role, _) in enumerate(first_pass) if role == "restatement" and _carries_dose(events[i])]
    for i in [*dosed_restatements, *(i for i in range(len(events)) if i not in dosed_restatements)]:
        role, context = first_pass[i]
        if role not in SECONDARY:
            continue
        if role == "inventory" and not events[i].routes and not _gives(toks_of.sentence_of(events[i]), cues):
            # A stock line ("Ondansetron 4 mg/2 mL SDV, NDC 0409-4755-03, lot ...") is inventory
            # alone (its NDC and lot digits are no time of giving).
            continue
        # A secondary role stands only beside another mention of the drug that carries the
        # administration: with its own amount, or (for a title with no dose of its own; a "total of
        # 0.4 mg" needs a dose to sum) told after it, or (for a bag or
        # vial with no dose of its own) given in the same sentence ("dobutamine infusion at 5
        # mcg/kg/min (premix bag dobutamine 250 mg/250 mL)"). A vial named after the drug it
        # holds ("Levetiracetam load: Keppra 500 mg/5 mL vials; 20 mL given") leaves the giving,
        # and the dose read after it, to that drug.
        beside = role == "container" and (not _carries_dose(events[i]) or any(
            j < i and events[j].sentence == events[i].sentence and not events[j].amounts and _same_drug(events[i], events[j])
            for j in range(len(events))))
        if not any(j != i and roles[j] == "administered" and _same_drug(events[i], events[j])
                   and (_carries_dose(events[j]) or (_fulfils_dosed_order(events, roles, j) and _untold(events[i]))
                        or (role == "restatement" and j > i and not _carries_dose(events[i]))
                        or (beside and events[j].sentence == events[i].sentence))
                   for j in range(len(events))):
            # A title over a giving the note holds or refuses ("TYSABRI INFUSION #27" ... "HOLD
            # natalizumab 300 mg IV today") reports no administration of its own.
            held = role == "restatement" and any(roles[j] == "deferred" and _same_drug(events[i], events[j]) for j in range(len(events)))
            roles[i] = role if held else context
            if roles[i] == "administered" and "ADMINISTERED" not in events[i].categories:
                described[i] = role  # ("a total of 8 mL was injected" is told as a giving: it gives)
    # ("Diagnostic run: ISOVUE-370 70 mL @ 5 mL/s": an amount run in at a rate records its giving.)
    records = [_is_record(toks_of, e, cues) or bool(e.routes) or listed[i] or _run_at_a_rate(e) for i, e in enumerate(events)]
    for i, event in enumerate(events):
        # "Esperoct 50 IU/kg = 3,050 IU; ... -> 3,000 IU x1" (a dose worked out, with no time, verb
        # or route of its own line) is what the giving below it should be, should one name no drug.
        # So is a regimen: "Synribo (omacetaxine) 1.25 mg/m2 SC BID".
        if (roles[i] == "administered" and described[i] is None and "ADMINISTERED" not in event.categories and not event.entries
                and not _is_record(toks_of, event, cues)
                and ((_worked_out(event) and not any(event.sentence.start <= r.start < event.sentence.end for r in event.routes))
                     or (any(a.per_kg or a.per_m2 for a in event.amounts) and not cues.regimen_frequencies.isdisjoint(
                         t.text for t in toks_of.sentence_of(event))))):
            described[i] = "ordered"
    for i, event in enumerate(events):
        # "Bevacizumab 5 mg/kg = 401 mg -> 400 mg" (a calculation, no time, verb or route) beside
        # "1010 Bevacizumab 400 mg IV via port": the record is the administration.
        if roles[i] != "administered" or event.entries:
            continue
        calculation = not records[i] and any(
            j != i and roles[j] == "administered" and records[j] and _same_drug(event, events[j]) and _carries_dose(events[j])
            for j in range(len(events)))
        # "ID: doripenem 500 mg IV q8h to complete 10 d" beside "1402 doripenem 500 mg/NS 100 mL IV":
        # a regimen (its dose with a dosing frequency, no clock before it) states the dose the timed
        # row records, not a second giving. (A MAR row with no route of its own keeps its order's.)
        regimen = _regimen_stated(toks_of, event, cues) and any(
            j != i and roles[j] == "administered" and _same_drug(event, events[j]) and events[j].clock_before(text)
            and bool(_own_routes(events[j])) and not _regimen_stated(toks_of, events[j], cues) and _same_dose(event, events[j])
            for j in range(len(events)))
        if calculation or regimen:
            roles[i] = "restatement"
    for i, event in enumerate(events):
        # A name with nothing of a giving around it (no cue, dose, route, time or verb) outside an
        # administration section: "reviewed insulin pen technique", "insulin requiring". It
        # restates a drug given elsewhere in the note, or it is only talked about.
        # (a route read off the lines below, "Induction BCG #4 of 6" over the procedure's "instilled
        # intravesically", is the procedure's, not the title's)
        # ("Product: Lenmeldy ..." over the rows that infuse it is the record's own product line.)
        told = (_is_record(toks_of, event, cues) or bool(_own_routes(event)) or listed[i] or _run_at_a_rate(event)
                or (bool(event.routes) and opens_labelled_field(text, event.mention.start, event.mention.end)))
        if roles[i] == "administered" and not event.categories and _bare(event, told):
            # Inside an aside that specifies the name before it ("reviewed insulin pen technique
            # (insulin lispro, insulin glargine)") it is what that name is.
            # A bare name listed after another ("Levaquin 500 mg IV, as well as Solu-Medrol") is
            # what the list is.
            head = aside_of(text, events, i)
            head = head if head is not None else _listed_after(toks_of, events, i, cues)
            if head is not None and roles[head] != "administered":
                roles[i] = roles[head]
                continue
            given = any(j != i and roles[j] == "administered" and _same_drug(event, events[j]) for j in range(len(events)))
            roles[i] = "restatement" if given else "other"
            if not given:
                # "Product: Adynovate." ... "1215 | (2,749 IU IV push ...)": the name the record may
                # be about, should a giving that names no drug turn up (note/nameless.py).
                described[i] = "named"
    for i in range(len(events)):
        # "The patient was given etomidate 20 mg." ... "given 20 mg of etomidate and 100 mg of
        # succinylcholine": the same dose told again (no other time, no repeat word, no next site)
        # is one administration told twice.
        if roles[i] == "administered" and _restates_earlier(text, events, roles, i):
            roles[i] = "restatement"
    for i in range(len(events)):
        # "Influenza vaccine: Agriflu 2015-2016, 0.5 mL ... IM": a name that labels the field the
        # product's own name fills is that giving, named once more.
        if roles[i] == "administered" and _labels_the_product(text, events, roles, i):
            roles[i] = "restatement"
    for i in range(len(events)):
        # "11:05 Linezolid 600 mg PO given." ... "Correction to 11:05 entry - PO was charted in
        # error. Linezolid 600 mg ... infused IV, 11:05-12:05": the entry a later correction names
        # by its time is replaced by the giving the correction tells.
        if roles[i] == "administered" and _corrected_entry(text, events, roles, i):
            roles[i] = "other"
    for i in range(len(events)):
        # "Opdivo Qvantig (nivolumab 600 mg ... per 5 mL vial) x2 -> nivolumab 1,200 mg ... injected":
        # the drug named again as an arithmetic's result on its line holds the dose; the earlier
        # amount it multiplied is what one container held.
        if roles[i] == "administered" and (j := _operand_of(text, events, roles, i)) is not None:
            roles[j] = "container"
    for i, event in enumerate(events):
        # The drug named again, with no amount of its own, after it was given: the same
        # administration told twice ("after adequate sedation with Versed"). One told with its
        # own giving ("Additional Narcan was given") is another dose.
        if roles[i] == "administered" and not event.amounts and not event.entries and "ADMINISTERED" not in event.categories and any(
            roles[j] == "administered" and _same_drug(event, events[j]) for j in range(i)
        ):
            roles[i] = "restatement"
    for i, event in enumerate(events):
        # "Codeine caused her to be excitable, but she had no allergic reaction to codeine": the
        # sentence is about the drug as an allergy or intolerance, each time it names it.
        if roles[i] != "allergy" and any(roles[j] == "allergy" and events[j].sentence == event.sentence and _same_drug(event, events[j])
                                         for j in range(len(events))):
            roles[i] = "allergy"
    for i, event in enumerate(events):
        # "Recarbrio 1.25 g (imipenem 500 mg / cilastatin 500 mg / relebactam 250 mg) ... IV": an
        # aside that breaks a dosed product into its parts restates its giving; the product, with
        # the whole amount, is the administration.
        head = aside_of(text, events, i) if roles[i] == "administered" else None
        if (head is not None and events[head].amounts and roles[head] in ("administered", "restatement")
                and _same_drug(event, events[head])):
            roles[head], roles[i] = "administered", "restatement"
    for i in range(len(events)):
        # "0845 treosulfan 18,400 mg ... IV over 2 h, 0845-1045 (GRAFAPEX: 3 x 5 g + 3 x 1 g vials
        # ...)": the drug named again in a parenthesis of its own dosed giving's sentence, beside
        # the containers it came from, tells the vials of that giving (one with a time of its own
        # is another giving).
        if roles[i] == "administered" and _vials_aside(text, events, roles, i, cues):
            roles[i] = "container"
    for i in range(1, len(events)):
        # "lidocaine 2% with 1:100,000 epinephrine": a drug mixed into the one before it is given
        # (or not) with it, however often the note names it.
        if _mixed_into(toks_of, events[i - 1], events[i], cues):
            roles[i] = roles[i - 1]
    return [(role, described[i] if role in ("administered", "other") else None) for i, role in enumerate(roles)]


def _mixed_into(toks_of: _Tokens, first: DoseEvent, second: DoseEvent, cues: RoleCues) -> bool:
    """Two drugs of one sentence joined by 'with' and nothing but strengths: one mixture."""
    if first.sentence != second.sentence:
        return False
    between = [t.text for t in toks_of.sentence_of(second) if first.mention.end <= t.start and t.end <= second.mention.start]
    joins = [t for t in between if t in cues.mixture]
    return len(joins) == 1 and all(t in cues.mixture or t == ":" or _is_strength(t) for t in between)


@dataclass(frozen=True)
class MentionReading:
    """One drug name as written, with its role (what eval/mentions.jsonl labels)."""

    start: int
    end: int
    role: str


def mention_readings(events: list[DoseEvent]) -> list[MentionReading]:
    """The roles by surface mention: a gloss ("Depo-Medrol (methylprednisolone)") names the
    drug again. Beside a giving its second name is a restatement of the first; beside anything
    else (a home medication, a stock line, a plan) it shares the first name's role. A giving that
    names no drug (note/nameless.py) is no name as written."""
    out = []
    for event in events:
        if event.nameless:
            continue
        role = event.role or "administered"
        gloss = event.mention.gloss
        if gloss is None:
            out.append(MentionReading(event.mention.start, event.mention.end, role))
            continue
        out.append(MentionReading(event.mention.start, gloss[0], role))
        out.append(MentionReading(gloss[0], gloss[1], "restatement" if role == "administered" else role))
    return out


def _listed_after(toks_of: _Tokens, events: list[DoseEvent], i: int, cues: RoleCues) -> int | None:
    """The mention events[i] is listed after: the one before it in the sentence, with only its own
    amounts and routes and list words between."""
    if i == 0 or events[i - 1].sentence != events[i].sentence:
        return None
    prev = events[i - 1]
    own = [(a.start, a.end) for a in prev.amounts] + [(r.start, r.end) for r in prev.routes]
    # The previous item's own aside is part of it: "penicillin (hives), morphine (itching)".
    text = toks_of.text
    opened = text.find("(", prev.mention.end, events[i].mention.start)
    closed = text.rfind(")", prev.mention.end, events[i].mention.start)
    if 0 <= opened < closed:
        own.append((opened, closed + 1))
    between = [t for t in toks_of.sentence_of(events[i]) if prev.mention.end <= t.start and t.end <= events[i].mention.start
               and not any(a <= t.start and t.end <= b for a, b in own)]
    return i - 1 if between and all(t.text in cues.list_joins for t in between) else None


def aside_of(text: str, events: list[DoseEvent], i: int) -> int | None:
    """The mention a parenthesis holding events[i] specifies: the last one of the sentence before
    its opening, when only a few words stand between."""
    event = events[i]
    around = enclosing_parenthesis(text, event.mention.start, event.mention.end, event.sentence.start, event.sentence.end)
    if around is None:
        return None
    opened = around[0]
    head = next((j for j in range(i - 1, -1, -1) if events[j].sentence == event.sentence and events[j].mention.end <= opened), None)
    # ("PHESGO 15 mL SUBCUT L thigh" / "    (pertuzumab 1,200 mg / ...)": a parenthesis that opens
    # the record's next line glosses the record, however long its line.)
    if head is None or (len(tokens(text, events[head].mention.end, opened)) > 3 and not _opens_its_line(text, opened)):
        return None
    return head


def _vials_aside(text: str, events: list[DoseEvent], roles: list[str], i: int, cues: RoleCues) -> bool:
    """events[i] sits in a parenthesis that names containers (role_cues.json `container_after`)
    and no time, after a dosed administered mention of the same drug in its sentence."""
    from docreview.note.amounts import find_times

    event = events[i]
    around = enclosing_parenthesis(text, event.mention.start, event.mention.end, event.sentence.start, event.sentence.end)
    if around is None:
        return False
    closed = around[1] if around[1] >= 0 else event.sentence.end
    if find_times(text, around[0], closed) or cues.container_after.isdisjoint(t.text.lower() for t in tokens(text, around[0], closed)):
        return False
    return any(j != i and roles[j] == "administered" and events[j].sentence == event.sentence and events[j].mention.end <= around[0]
               and events[j].amounts and _same_drug(event, events[j]) for j in range(len(events)))


def _opens_its_line(text: str, pos: int) -> bool:
    newline = text.rfind("\n", 0, pos)
    return newline > 0 and not text[newline + 1 : pos].strip()


def _bare(event: DoseEvent, record: bool) -> bool:
    kind = event.section.kind if event.section else "neutral"
    return kind != "administration" and not record and not event.amounts and not _own_routes(event) and not event.entries


def _own_routes(event: DoseEvent) -> list[RouteMatch]:
    """The routes stated in the mention's own sentence (not read off the lines below it)."""
    return [r for r in event.routes if event.sentence.start <= r.start < event.sentence.end]


def _worked_out(event: DoseEvent) -> bool:
    """A dose per kg or m2 with the total it comes to: '50 IU/kg = 3,050 IU'."""
    return any(a.per_kg or a.per_m2 for a in event.amounts) and any(
        not (a.per_kg or a.per_m2 or a.rate or a.is_concentration) and a.kind != "volume" for a in event.dose_amounts)


def _regimen_stated(toks_of: _Tokens, event: DoseEvent, cues: RoleCues) -> bool:
    """'doripenem 500 mg IV q8h': a dosing frequency after the mention in its sentence, and no
    clock time before it there."""
    if event.clock_before(toks_of.text):
        return False
    return any(t.start >= event.mention.end and t.text in cues.regimen_frequencies for t in toks_of.sentence_of(event))


def _same_dose(a: DoseEvent, b: DoseEvent) -> bool:
    """The two statements' doses read the same (kind and amount)."""
    da, db = a.stated_dose, b.stated_dose
    return da is not None and db is not None and da.kind == db.kind and abs(da.total - db.total) < 1e-9


def _run_at_a_rate(event: DoseEvent) -> bool:
    return any(a.rate and not a.per_kg for a in event.amounts) and any(a.kind == "volume" for a in event.dose_amounts)


def _restates_earlier(text: str, events: list[DoseEvent], roles: list[str], i: int) -> bool:
    from docreview.note.doses import next_site  # local: doses reads the roles this module assigns

    event = events[i]
    dose = event.stated_dose
    if dose is None or event.entries or event.repeat or event.nameless or dose.per_kg:
        return False
    for j in range(i):
        earlier = events[j]
        if roles[j] != "administered" or not _same_drug(event, earlier) or earlier.sentence == event.sentence or not _same_dose(event, earlier):
            continue
        if set(event.times) - set(earlier.times) or next_site(text, earlier, event) or event.on_other_day_than(earlier):
            continue
        # ("MAR: 0800 furosemide ... 80 mg IV push -- given; 1600 furosemide 80 mg IV push -- given": one
        # line's two entries, each timed in its own clause.)
        own, before = event.clock_before(text), earlier.clock_before(text)
        if own and before and own != before:
            continue
        return True
    return False


_RESULT_ARROW_BEFORE_RE = re.compile(r"(?:->|\u2192|=>)[ \t]*$")


def _operand_of(text: str, events: list[DoseEvent], roles: list[str], i: int) -> int | None:
    """The giving on the same line whose amount, counted out ("x2"), the result arrow before this
    mention of the same drug turns into this one's amount."""
    event = events[i]
    dose = event.stated_dose
    if dose is None or not _RESULT_ARROW_BEFORE_RE.search(text, max(0, event.mention.start - 8), event.mention.start):
        return None
    for j in range(i - 1, -1, -1):
        earlier = events[j]
        same = earlier.stated_dose
        if earlier.sentence.line != event.sentence.line:
            return None
        if (roles[j] == "administered" and _same_drug(event, earlier) and same is not None and not same.per_kg and same.kind == dose.kind
                and same.total < dose.total):
            return j
    return None


def _corrected_entry(text: str, events: list[DoseEvent], roles: list[str], i: int) -> bool:
    """A correction phrase between a timed giving and a later giving of the drug names that time."""
    from docreview.note.amounts import find_times

    event = events[i]
    # The entry's time, or the time its line is filed under ("MAR (initial entry 1130): Bkemv 600 mg IV").
    times = set(event.times) or set(find_times(text, *line_bounds(text, event.mention.start)))
    if not times:
        return False
    later = next((e for j, e in enumerate(events) if j > i and roles[j] == "administered" and _same_drug(event, e)
                  and e.sentence.start >= event.sentence.end), None)
    if later is None:
        return False
    span = text[event.sentence.end : later.mention.start]
    return bool(retraction_pattern().search(span)) and bool(times & set(find_times(text, event.sentence.end, later.mention.start)))


@lru_cache(maxsize=1)
def retraction_pattern() -> re.Pattern[str]:
    """The correction phrases ('correction:', 'in error', 'disregard'), whitespace between their words."""
    return re.compile("|".join(r"\b" + r"\s*".join(map(re.escape, p)) for p in role_cues().retraction), re.IGNORECASE)


def _without_aside(text: str, toks: list[Token]) -> list[Token]:
    """The tokens with a parenthesis right after the first one left out ("Injection (Accord) 25")."""
    if not toks:
        return toks
    opened = text.find("(", toks[0].end)
    if opened < 0 or text[toks[0].end : opened].strip():
        return toks
    close = text.find(")", opened)
    return toks if close < 0 else [toks[0], *(t for t in toks[1:] if t.start > close)]


def _fulfils_dosed_order(events: list[DoseEvent], roles: list[str], j: int) -> bool:
    """'Order: romidepsin ... = 26.88 mg IV' ... '0920 romidepsin infusion started': a charted giving
    (a time or a giving cue) after a dosed order of the drug carries the order's dose (extract's
    _dose_from_order lends it), so a vial line beside it stays the vial."""
    event = events[j]
    return bool("ADMINISTERED" in event.categories or event.times) and any(
        roles[k] == "ordered" and _same_drug(event, events[k]) and _carries_dose(events[k]) for k in range(j))


def _untold(event: DoseEvent) -> bool:
    """No time and no giving cue of its own: a vial or stock line, not a total told as given
    ("total Privigen infused 35 g" stays the giving beside "09:30 IVIG infusion started")."""
    return "ADMINISTERED" not in event.categories and not event.times


def _carries_dose(event: DoseEvent) -> bool:
    return bool(event.entries or event.dose_amounts)


def _total_given(text: str, event: DoseEvent) -> bool:
    """'Total 7,000 Units Myobloc (rimabotulinumtoxinB) - 10,000 U/2 mL vial, lot 5C2207': a line
    that opens with the total of the drug given is the giving's sum, its product and lot told beside it."""
    start = text.rfind("\n", 0, event.mention.start) + 1
    return bool(TOTAL_LINE_RE.match(text, start)) and any(start <= a.start < event.mention.start for a in event.dose_amounts)
