"""Givings written without the drug's name: "1005 infusion started via PIV", "Injection given R deltoid".

A single-drug record often names its drug only on an order, product or dose-preparation line and
then records the giving with a noun that stands for it. A sentence that names no drug, holds a
giving noun (data/extract_cues.json `giving_nouns`) and an administration cue, and nothing that
negates, plans, dates or places it elsewhere, is read as an administration of the drug the record
is about: the drug named before it (not in a history, plan or medication list) that the note
orders, stocks, prepares or restates but never gives by name. When more than one such drug
stands before it, or a drug given between them has no route in its own sentence (the giving line
may be that drug's record), the giving is ambiguous and reads as nothing.

Each giving found becomes an administration event of its own (note/extract.py makes it, marked
`DoseEvent.nameless`): its span is the giving noun, its drug the antecedent's, its amounts its own
sentence's doses or else those the antecedent's lines state ("Dose prepared: 320 mg (32 mL)"),
its routes its own sentence's or else the antecedent's. The antecedent mentions keep their roles
(an order line is still an order).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from docreview.data_files import ExtractCuesFile, data_file_as
from docreview.knowledge.facts import moiety
from docreview.note import grids
from docreview.note.amounts import PLUS_RE, TIMED_LINE_RE, TOTAL_BEFORE_RE, TOTAL_LINE_RE, Amount, find_times, flowsheet_rows, is_dose
from docreview.note.annotate import Annotations
from docreview.note.context import NOT_HERE_NOW, Modifier, categories_for
from docreview.note.drugs import DrugMention, one_preparation
from docreview.note.phrases import phrases
from docreview.note.roles import STOCK, aside_of
from docreview.note.text import (
    ASIDE_RE,
    FIELD_LABEL_RE,
    SectionSpan,
    Sentence,
    Token,
    enclosing_parenthesis,
    line_bounds,
    opens_labelled_field,
    section_at,
)
from docreview.note.vocab import RouteMatch, route_vocabulary
from docreview.note.waste import GIVEN_WHOLE_RE

if TYPE_CHECKING:
    from docreview.note.extract import DoseEvent

# Roles that name the drug of a record without giving it.
PENDING = frozenset({"ordered", "requested", "inventory", "container", "restatement"})
_NOT_HERE_SECTIONS = frozenset({"history", "not_given", "plan"})


@lru_cache(maxsize=1)
def _giving_nouns() -> frozenset[str]:
    return frozenset(data_file_as("extract_cues.json", ExtractCuesFile).giving_nouns)


@lru_cache(maxsize=4)
def _opens_with(field: str, optional: bool = False) -> re.Pattern[str]:
    """A line that opens (past a bullet) with one of a data/extract_cues.json list: `draw_words`,
    `dose_lines`; `optional`: or with none of them (then whitespace)."""
    words = phrases(getattr(data_file_as("extract_cues.json", ExtractCuesFile), field))
    return re.compile(rf"[ \t]*(?:[-*\u2022][ \t]*)?(?:{words}){'?' if optional else ''}\s*", re.IGNORECASE)


def _draws(notes: Annotations, sent: Sentence) -> bool:
    """A sentence that draws up the dose: it opens with a draw word ("Withdrawn 47 mL = 94 mg"), or
    with the amount drawn and then the word ("10.8 mL (21.6 mg) withdrawn, diluted in NS"), past a
    field's label ("Prep: 20 mL (200 mg) withdrawn and diluted in 100 mL D5W")."""
    label = FIELD_LABEL_RE.match(notes.text, sent.start, sent.end)
    start = label.end() if label else sent.start
    if _opens_with("draw_words").match(notes.text, sent.start) or _opens_with("draw_words").match(notes.text, start):
        return True  # ("Drawn: 37.2 mL = 1,860 mg": the label is the draw word)
    amounts = notes.amounts_in(sent.start, sent.end)
    if amounts and _draw_before_amount().fullmatch(notes.text, start, amounts[0].start):
        return True  # "all 12 vials fully withdrawn (60 mL = 60 mg)": the containers drawn, then what they held
    after = _past_opening_amount(notes, sent)
    return after is not None and bool(_opens_with("draw_words").match(notes.text, after))


_AMOUNT_GLOSS_RE = re.compile(r"(?:\s*(?:\([^)]*\)|=\s*[\d.,]+\s*\w+))*\s*")  # "(21.6 mg)", "= 94 mg"


def _past_opening_amount(notes: Annotations, sent: Sentence) -> int | None:
    """Where the sentence goes on after the amount it opens with (past a field's label, one of
    draw_quantifiers and the amount's glosses): "Refill: 19 mL (475 mcg) | instilled"; None when it
    opens with no amount."""
    label = FIELD_LABEL_RE.match(notes.text, sent.start, sent.end)
    start = label.end() if label else sent.start
    amounts = notes.amounts_in(sent.start, sent.end)
    if not amounts or not _opens_with("draw_quantifiers", optional=True).fullmatch(notes.text, start, amounts[0].start):
        return None
    return _AMOUNT_GLOSS_RE.match(notes.text, amounts[0].end, sent.end).end()


@lru_cache(maxsize=1)
def _draw_before_amount() -> re.Pattern[str]:
    cues = data_file_as("extract_cues.json", ExtractCuesFile)
    return re.compile(rf"[ \t]*(?:{phrases(cues.draw_quantifiers)})\s+[^.;:\n\d]{{0,12}}\d+\s+[^.;:\n]{{0,25}}?\b(?:{phrases(cues.draw_words)})\s*[(:]?\s*",
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def _mixture_nouns() -> frozenset[str]:
    return frozenset(data_file_as("extract_cues.json", ExtractCuesFile).mixture_nouns)


def _unnamed_mixture_clause(text: str, noun: tuple[int, int], has_mention: Callable[[int, int], bool]) -> bool:
    """'catheter inserted with 2% lidocaine jelly, combined suspension instilled intravesically': a
    mixture noun in a comma clause of its own that names no drug, in a sentence that names one."""
    if text[noun[0] : noun[1]].lower() not in _mixture_nouns():
        return False
    lo = max(text.rfind(sep, 0, noun[0]) for sep in (",", ";", "\n", ":")) + 1
    hi = min((i for i in (text.find(sep, noun[1]) for sep in (",", ";", "\n", ".")) if i >= 0), default=len(text))
    return not has_mention(lo, hi)


def _giving_noun(notes: Annotations, sent: Sentence, section: SectionSpan | None) -> tuple[int, int] | None:
    """The span of the noun that stands for the drug, when the sentence (in `section`) reports a
    giving (in words, or charted with a stated route as a timed row, "0901 test dose 0.2 mcg IV",
    or under an administration header, "ADMINISTRATION: IV infusion via L AC PIV, 10:10-11:12")."""
    toks, mods = notes.context(sent)
    # (or with the span it ran: "Infusion IV via port 0815-1220")
    span_ran = _clock_span_in(notes, sent)
    # ("whole vial IV push L AC over 4 min 0940": the time may close the row.)
    timed = bool(TIMED_LINE_RE.match(notes.text, sent.start, sent.end)) or span_ran or bool(find_times(notes.text, sent.start, sent.end))
    # ("Infusion: 1310-1411 via L forearm PIV": the span it ran and the line it ran through.)
    # ("0900 infusion via PIV R hand": the line it ran through, written after the time, charts it too.)
    charted = (timed or (section is not None and section.kind == "administration")) and any(
        not r.implied or span_ran or (timed and _ACCESS_RE.match(notes.text, r.start)) for r in notes.routes_in(sent.start, sent.end))
    nouns, modified = _giving_nouns() | _mixture_nouns(), _giving_noun_modifies()
    opening = next((k for k, t in enumerate(toks) if t.text[:1].isalpha()), None)  # the row's first word
    if timed and not charted:
        # "10:42 infusion start, 20G PIV R hand": a giving noun and the infusion's step, timed;
        # "0800 start, 0900 complete": the step alone opens the timed row.
        charted = (opening is not None and toks[opening].text.lower() in _infusion_steps()) or any(
            t.text.lower() in nouns and k + 1 < len(toks) and toks[k + 1].text.lower() in _infusion_steps() for k, t in enumerate(toks))
    if not (any(m.rule.category == "ADMINISTERED" for m in mods) or charted):
        return None
    found = [k for k, t in enumerate(toks) if t.text in nouns and not (k + 1 < len(toks) and toks[k + 1].text in modified)]
    # A field's label ("Admin: 1105 IV push via PICC") gives way to a noun of the field's own text.
    labels = [k for k in found if k + 1 < len(toks) and toks[k + 1].text == ":"]
    span = next(((k, k) for k in [*(k for k in found if k not in labels), *labels]), None)
    if (after := _past_opening_amount(notes, sent)) is not None:
        # "Refill: 19 mL (475 mcg) instilled into reservoir, ... pt without pain on injection": the
        # amount given is the sentence's subject, whatever giving noun comes later.
        span = next(((m.first, m.last) for m in mods if m.rule.category == "ADMINISTERED" and toks[m.first].start == after), span)
        if span is None:
            # "570 mg in 50 mL NS infused via R arm PICC": the amount it opens with is what its verb gave.
            span = next(((m.first, m.last) for m in mods if m.rule.category == "ADMINISTERED" and toks[m.first].start > after), None)
    if span is not None and not charted and _only_arrived(mods):
        span = None  # "2.5 mL syringe received": the pharmacy's delivery
    if span is None:
        # "1020-1035 infused IV via R chest CVC", "Infused via PIV ... 0900-1400": a sentence with no
        # subject that opens with the giving verb, and states or implies its route, speaks of the
        # record's drug.
        verb = _opening_verb(toks, mods)
        if verb is not None and notes.routes_in(sent.start, sent.end):
            span = (verb.first, verb.last)
    if span is None and charted:
        # "IV over 4 h via PIV: 6 mL/h, then 31 mL/h; 09:00-13:00": a charted row that opens with
        # its stated route stands for the giving by that route; "0930 start via port: 3 mL/h" with
        # the infusion's step.
        route = next((r for r in notes.routes_in(sent.start, sent.end) if not r.implied), None)
        if opening is not None and ((route is not None and route.start == toks[opening].start)
                                    or toks[opening].text.lower() in _infusion_steps()):
            span = (opening, opening)
        elif route is not None and (verb := next((m for m in mods if m.rule.category == "ADMINISTERED"), None)) is not None:
            # "13:42 CD8 component infused IV via CVC lumen": a timed row with its stated route
            # and a giving verb, whatever noun it opens with, is the giving.
            span = (verb.first, verb.last)
        elif route is not None and any(is_dose(a) and not notes.text[a.end : route.start].strip()
                                       and not _LETTER_RE.search(notes.text, sent.start, a.start)
                                       for a in notes.amounts_in(sent.start, route.start)):
            # "1020-1030 4,025 IU IV via port over 10 min": a row that opens with a dose and its
            # stated route ("amino acids 1 L IV" names what it gives).
            k = next(k for k, t in enumerate(toks) if t.start >= route.start)
            span = (k, k)
    # What negates, plans or dates the giving must reach it ("..., no filter, gravity per protocol" does not).
    if span is None or categories_for(toks, mods, *span, text=notes.text) & NOT_HERE_NOW:
        return None
    return toks[span[0]].start, toks[span[1]].end


_LETTER_RE = re.compile(r"[A-Za-z]")
_ACCESS_RE = re.compile(r"(?:via|through|thru)\b", re.IGNORECASE)  # "via PIV", "through R PICC": the line a drug ran through


@lru_cache(maxsize=1)
def _giving_noun_modifies() -> frozenset[str]:
    return frozenset(data_file_as("extract_cues.json", ExtractCuesFile).giving_noun_modifies)


@lru_cache(maxsize=1)
def _arrival_words() -> frozenset[str]:
    return frozenset(data_file_as("extract_cues.json", ExtractCuesFile).arrival_words)


def _only_arrived(mods: list[Modifier]) -> bool:
    """Every giving cue of the sentence says only that something arrived ("received", "dispensed")."""
    given = [m for m in mods if m.rule.category == "ADMINISTERED"]
    return bool(given) and all(" ".join(m.rule.words).lower() in _arrival_words() for m in given)


def _opening_verb(toks: list[Token], mods: list[Modifier]) -> Modifier | None:
    """The giving verb a sentence with no subject opens with (after a clock time, or a field's
    label: "Nursing addendum: started 10:55 via PIV"): "Given SQ 1 mL ..."."""
    words = [k for k, t in enumerate(toks) if t.text[:1].isalpha()]
    label = next((k for k, t in enumerate(toks[:5]) if t.text == ":"), None)
    openings = [*words[:1], *(k for k in words if label is not None and k > label)][:2]
    verb = next((m for opening in openings for m in mods if m.rule.category == "ADMINISTERED" and m.first == opening), None)
    if verb is None and openings:
        # "Trimmed to 3 x 3 cm and applied to the wound bed", "Reconstituted with 2 mL SWFI and
        # injected SC": a preparation verb opens it, and the giving verb is the one it is joined to.
        from docreview.note.roles import role_cues  # local: roles reads this module's givings

        if toks[openings[0]].text in role_cues().preparation:
            verb = next((m for m in mods if m.rule.category == "ADMINISTERED" and m.first > 0 and toks[m.first - 1].text == "and"), None)
    return verb


@dataclass(frozen=True)
class NamelessGiving:
    """A giving that names no drug, resolved to the drug of its record."""

    mention: DrugMention  # the giving noun's span, with the antecedent's name and codes
    sentence: Sentence
    amounts: tuple[Amount, ...]
    routes: tuple[RouteMatch, ...]
    section: SectionSpan | None
    repeat: bool = False  # more of a dose already given ("Remaining 75 mg IV push"), never its restatement


def nameless_givings(notes: Annotations, events: Sequence[DoseEvent], has_mention: Callable[[int, int], bool]) -> list[NamelessGiving]:
    """The givings that name no drug, each resolved to its record's drug (at most one per drug).

    `has_mention(start, end)`: whether a drug is named in the span."""
    from docreview.note.extract import carrier_named_before  # local: extract reads this module's givings

    sections = list(notes.sections)
    # A vial or title line read as the giving for want of another (`described_as`) awaits one too.
    given = [e.mention for e in events if e.role == "administered" and not e.described_as]
    def awaits(e: DoseEvent, roles: frozenset[str]) -> bool:
        return ((e.role in roles or e.described_as in roles) and (not _listed_away(e.section) or _order_field(e.section))
                and not any(e.mention.same_drug(m) for m in given) and not vehicle_of_another(e, events))

    # A name only mentioned ("Product: Adynovate.") is the record's drug only where nothing is
    # ordered, stocked, prepared or restated that the giving could be ("levofloxacin 500 mg PO
    # daily" ordered is not what "infused IV by gravity through CVC" gives under "Product: LYFGENIA").
    pending = [e for e in events if awaits(e, PENDING)]
    named = [e for e in events if awaits(e, frozenset({"named"}))]
    # ("Admitted for myeloablative busulfan" ... "Product: LYFGENIA, 1 bag": a product's field line
    # names the record's drug; a drug only talked about in the story does not.)
    named = [e for e in named if opens_labelled_field(notes.text, e.mention.start, e.mention.end)] or named
    if not pending and not named:
        return []
    found: list[NamelessGiving] = []
    for sent in notes.sentences:
        section = notes.section_at(sent.start)
        if sent.start < min(e.mention.end for e in [*pending[:1], *named[:1]]) or _listed_away(section):
            continue
        noun = _giving_noun(notes, sent, section)
        if noun is None or (has_mention(sent.start, sent.end) and not _unnamed_mixture_clause(notes.text, noun, has_mention)):
            continue
        if carrier_named_before(notes.text, noun[0], sent.start) and not _opens_with_drug_amount(notes, sent):
            continue  # "1 L NS bolus first": the fluid's own giving ("570 mg in 50 mL NS infused": its diluent)
        line_start = notes.text.rfind("\n", 0, sent.start) + 1
        if notes.text[noun[0] : noun[1]].lower() in _infusion_steps() and has_mention(line_start, sent.start):
            continue  # "09:30 Oxaliplatin 254 mg IV over 2 h; completed 11:32": the step of the drug its line names
        before = _antecedents(notes, sent, pending) or _antecedents(notes, sent, named)
        if not before:
            continue
        record = before[-1].mention
        if notes.text[noun[0] : noun[1]].lower() in _mixture_nouns():
            # "Mixing: BCG 50 mg in 50 mL NS; Anktiva 400 mcg added to the BCG syringe" ... "combined
            # suspension instilled": the mixture is each drug the nearest preparation line mixed.
            mixed = [e for e in before if e.sentence.line == before[-1].sentence.line]
            for e in mixed:
                if not any(e.mention.same_drug(f.mention) for f in found) and not any(e.mention.same_drug(g) for g in given):
                    found.append(_giving(notes, sent, noun, [e], sections, has_mention))
            continue
        # (a drug named in an earlier paragraph, "Continue MTX 15 mg weekly" in the physician's
        # part, is not what the nurses' record under its own product line gives)
        near = [e for e in before if e.sentence.paragraph == before[-1].sentence.paragraph]
        if any(not e.mention.same_drug(record) for e in near):
            continue  # ambiguous
        before = near
        read = next((i for i, f in enumerate(found) if record.same_drug(f.mention)), None)
        later = read is not None and found[read].amounts and _another_clock_giving(notes, sent, found[read].sentence)
        if read is not None and found[read].amounts and not later:
            continue  # this record's giving was already read
        if _open_giving_between(notes.text, events, before[-1], sent):
            continue  # "Ketorolac 30 mg ordered. / 1400 injection given IM": the line is that order's giving
        if _given_as_another_product(events, before, sent):
            continue  # "PA approved for Wezlana" ... "1030: Stelara 390 mg IV" / "1130 complete": the product given
        if any(e.described_as == "ordered" and not _dosed_as_worked_out(notes, sent, e) for e in before):
            continue  # "Crysvita 1 mg/kg -> 60 mg" ... "Given SQ 1 mL + 1 mL": the worked-out dose stands
        giving = _giving(notes, sent, noun, before, sections, has_mention)
        if read is None or (later and giving.amounts):
            found.append(giving)
        elif giving.amounts:
            # "today's dose given by RN in clinic" ... "2.75 mL (5.22 mg) withdrawn" / "Admin: 1105 IV
            # push via PICC": the record's dosed giving line, not the undosed word about it. ("Inj:
            # intravitreal injection OD" ... "Entire dose given": the word about it told the route.)
            found[read] = giving if giving.routes else replace(giving, routes=found[read].routes)
    return found


def _dosed_as_worked_out(notes: Annotations, sent: Sentence, worked: DoseEvent) -> bool:
    """Whether a giving line may stand for a dose worked out per kg or m2 above it (note/roles.py
    reads that line as what the giving should be): it states a dose of the kind the working came
    to ("0730 3,000 IU IV push" after "40 IU/kg = 2,800 IU -> 3,000 IU"), not a volume or a rate.
    A line under a plain order stands for it whatever it states."""
    if not any(a.per_kg or a.per_m2 for a in worked.amounts):
        return True
    # ("Dose 50 mcg/m2 = 75 mcg (1.5 million IU)" ... "Drew 0.375 mL = 75 mcg; injected": the
    # line must tell every kind the working did, the billing unit's among them.)
    kinds = {a.kind for a in worked.dose_amounts if not (a.per_kg or a.per_m2)} or {a.kind for a in worked.amounts}
    return kinds <= {a.kind for a in notes.amounts_in(sent.start, sent.end) if is_dose(a) and not (a.per_kg or a.per_m2)}


def _opens_with_drug_amount(notes: Annotations, sent: Sentence) -> bool:
    """A sentence that opens with a drug's mass or units (not a fluid's volume): '570 mg in 50 mL NS'."""
    amounts = notes.amounts_in(sent.start, sent.end)
    return _past_opening_amount(notes, sent) is not None and bool(amounts) and amounts[0].kind in ("mass", "units")


def _antecedents(notes: Annotations, sent: Sentence, pool: list[DoseEvent]) -> list[DoseEvent]:
    """The drugs named before a giving that names none and that it could give."""
    before = [e for e in pool if e.mention.end <= sent.start]
    # "acyclovir 200 mg PO BID" listed among the premedications is no record of "IV infusion started".
    stated = {r.route for r in notes.routes_in(sent.start, sent.end) if not r.implied}
    if stated:
        before = [e for e in before if not e.routes or stated & {r.route for r in e.routes}]
    if any(e.mention.codes for e in before) and _injected(notes, sent):
        # "Regimen: obinutuzumab + venetoclax" ... "Bag B started via PIV": a drug no HCPCS code
        # bills (tablets, mostly) is not what an injection or infusion gives.
        before = [e for e in before if e.mention.codes]
    return before


# Two timed givings this far apart are two doses ("VISIT 1 ... injected SC 0758" / "VISIT 2 ... 2.3 mg SC
# R thigh 2004"), not one giving told twice ("0758 injected" / "0800 site without swelling").
_SEPARATE_GIVINGS_MIN = 60


def _another_clock_giving(notes: Annotations, sent: Sentence, earlier: Sentence) -> bool:
    """A giving line with its own dose and clock time, an hour or more after the record's giving
    already read: the next dose of a drug given more than once a day (BID at home, q8h)."""
    if sent.line == earlier.line or not any(is_dose(a) for a in notes.amounts_in(sent.start, sent.end)):
        return False
    # ("0930 start via PIV" ... "1130 infusion complete, 410 mg infused": one infusion's steps.)
    steps = _infusion_steps()
    if any(steps & set(re.findall(r"[a-z]+", notes.text[slice(*line_bounds(notes.text, x.start))].lower())) for x in (sent, earlier)):
        return False
    now, before = _line_minutes(notes.text, sent, first=True), _line_minutes(notes.text, earlier, first=False)
    return now is not None and before is not None and now - before >= _SEPARATE_GIVINGS_MIN


def _line_minutes(text: str, sent: Sentence, first: bool) -> int | None:
    """The first (or last) clock time on a sentence's line, in minutes after midnight ("0758", "20:04")."""
    times = find_times(text, *line_bounds(text, sent.start))
    digits = re.sub(r"\D", "", times[0 if first else -1]) if times else ""
    return int(digits[:-2]) * 60 + int(digits[-2:]) if len(digits) in (3, 4) else None


def nameless_routes(notes: Annotations, events: Sequence[DoseEvent], has_mention: Callable[[int, int], bool],
                    nameless_too: bool = False) -> list[tuple[int, list[RouteMatch]]]:
    """'1030 Daptomycin 500 mg vial reconstituted ...; 9.84 mL (492 mg) drawn up' then '1035 Infusion
    started via PICC'; 'I used 5 mL of 1% lidocaine with epinephrine' ... 'Local anesthetic was
    infiltrated': a sentence that names no drug but tells how a giving went (a giving noun or an
    injection word, and a route) gives that route to the drugs given without one in the nearest
    sentence before it that names a drug. A drug given there with a route of its own makes it
    ambiguous. `nameless_too`: a giving that names no drug ("full 2 mg dose injected") counts as
    the nearest giving too. Returns (event index, routes)."""
    sections = list(notes.sections)
    out: list[tuple[int, list[RouteMatch]]] = []
    for sent in notes.sentences:
        routes = notes.routes_in(sent.start, sent.end)
        if not routes or has_mention(sent.start, sent.end) or _listed_away(section_at(sections, sent.start)):
            continue
        given = _given_in_nearest_drug_sentence(events, sent, nameless_too)
        nearest = bool(given) and not any(events[i].routes for i in given)
        toks, mods = notes.context(sent)
        if {m.rule.category for m in mods} & NOT_HERE_NOW:
            continue
        nouns = _giving_nouns()
        # ("68 mg given IV over 3 min at 07:05": the amount, then the giving verb, tell it too)
        told = (any(t.text in nouns or _injection_word().match(t.text) for t in toks) or _opening_verb(toks, mods) is not None
                or (_OPENS_WITH_AMOUNT_RE.match(notes.text, sent.start, sent.end) is not None
                    and any(m.rule.category == "ADMINISTERED" for m in mods)))
        if not told:
            # "Tip lubricated and inserted per rectum; entire 150 mL instilled": a clause of the
            # same line, naming no drug either, tells the giving.
            line = line_bounds(notes.text, sent.start)
            told = not has_mention(*line) and any(
                t.text in nouns or _injection_word().match(t.text)
                for other in notes.sentences if other.start < line[1] and other.end > line[0] for t in notes.context(other)[0])
        if nearest and told:
            out.extend((i, list(routes)) for i in given)
        elif told or _charted_step(notes, sent, toks, routes):
            # "Premeds 0830 IV: ..." then "0915 start 100 mL/h via port": the drugs given between
            # with routes of their own are whole records; the route is the one open giving's.
            out.extend((i, list(routes)) for i in _one_open_giving(events, sent, section_at(sections, sent.start)))
    return out


@lru_cache(maxsize=1)
def _infusion_steps() -> frozenset[str]:
    return frozenset(data_file_as("extract_cues.json", ExtractCuesFile).infusion_steps)


# (a full stop may end the sentence after it: "R hand PIV, 15:00-16:00.")
_CLOCK_SPAN_RE = re.compile(r"(?<![\d:.])(?:[01]\d|2[0-3]):?[0-5]\d\s*(?:-|to)\s*(?:[01]\d|2[0-3]):?[0-5]\d(?![\d:]|\.\d)")


def _clock_span_in(notes: Annotations, sent: Sentence) -> bool:
    """A span of clock times on the sentence's line, a charted row ("0815-1220"; "IV over 4 h via
    PIV: 6 mL/h, then 31 mL/h; 09:00-13:00"), not a range of amounts ("1000-1200 mg")."""
    start, end = line_bounds(notes.text, sent.start)
    amounts = notes.amounts_in(start, end)
    return any(not any(a.start <= m.start() < a.end for a in amounts)
               for m in _CLOCK_SPAN_RE.finditer(notes.text, start, end))


def _charted_step(notes: Annotations, sent: Sentence, toks: list[Token], routes: Sequence[RouteMatch]) -> bool:
    """A flowsheet row that charts the infusion by its route: a clock time with a stated route
    ("0901 IV"), or with the access an infusion runs through and the step it charts ("0900
    start via PIV", "Start 09:06 via L forearm PIV") or the span it ran ("1100-1200 via PICC"; at
    the row's end too: "diluted in NS 500 mL, IV over 4 h via PIV 0930-1330")."""
    text = notes.text
    if any(not r.implied for r in routes) and _clock_span_in(notes, sent):
        return True
    if not TIMED_LINE_RE.match(text, sent.start, sent.end):
        # (the step may open the row, before its time)
        timed = bool(toks) and toks[0].text.lower() in _infusion_steps() and TIMED_LINE_RE.match(text, toks[0].end, sent.end)
        return bool(timed) and any(r.start >= timed.end() for r in routes)
    opening = sent.start + len(text[sent.start : sent.end]) - len(text[sent.start : sent.end].lstrip(" \t"))
    return (any(not r.implied for r in routes) or bool(_CLOCK_SPAN_RE.match(text, opening, sent.end))
            or any(t.text.lower() in _infusion_steps() for t in toks))


def _one_open_giving(events: Sequence[DoseEvent], sent: Sentence, section: SectionSpan | None) -> list[int]:
    """The givings of the one drug given before `sent` (in its section, or its paragraph of field
    lines: "Vials: Pemfexy ... withdrawn" ... "Start 09:06 via L forearm PIV") with no route of its
    own, when every other drug given before it has one."""
    before = [i for i, e in enumerate(events) if e.sentence.end <= sent.start and e.role == "administered"
              and (e.section == section or e.sentence.paragraph == sent.paragraph)]
    open_ = [i for i in before if not events[i].routes]
    if not open_ or any(not events[i].mention.same_drug(events[open_[-1]].mention) for i in open_):
        return []
    return open_


def _given_in_nearest_drug_sentence(events: Sequence[DoseEvent], sent: Sentence, nameless_too: bool = False) -> list[int]:
    """The indices of the drugs given in the nearest sentence before `sent` that names a drug (or,
    `nameless_too`, that records a giving naming none)."""
    # ("povidone-iodine 5%; speculum" between: a prep agent, role "other", is no drug of the record)
    before = [i for i, e in enumerate(events) if e.sentence.end <= sent.start and (nameless_too or not e.nameless) and e.role != "other"]
    described: list[int] = []
    while before:
        nearest = events[before[-1]].sentence
        here = [i for i in before if events[i].sentence == nearest]
        given = [i for i in here if events[i].role == "administered"]
        earlier = [i for i in before if events[i].sentence != nearest]
        if described:
            # The giving the stock line describes, past other drugs' lines ("Home meds: metformin").
            given = [i for i in given if any(events[i].mention.same_drug(events[d].mention) for d in described)]
            if given:
                return given
            before = earlier
            continue
        # "Drug: [x] Eylea" ... "Medication: EYLEA 2 mg/0.05 mL vial, lot 4K39B2": a stock or vial line
        # of a drug given just before it describes that giving; the giving is the nearest one.
        if given or not all(any(events[j].role == "administered" and events[j].mention.same_drug(events[i].mention) for j in earlier)
                            for i in here):
            return given
        described = here
        before = earlier
    return []


@lru_cache(maxsize=1)
def _injection_word() -> re.Pattern[str]:
    """'injected', 'infiltrated', 'instilled': the injection words of data/extract_cues.json."""
    cues = data_file_as("extract_cues.json", ExtractCuesFile)
    return re.compile(rf"(?:{'|'.join(map(re.escape, cues.inject_prefixes))})\w*$|(?:{'|'.join(map(re.escape, cues.injects))})$",
                      re.IGNORECASE)


def nameless_totals(notes: Annotations, events: Sequence[DoseEvent], has_mention: Callable[[int, int], bool]) -> list[tuple[int, Amount]]:
    """'Total 155 units in 31 sites.' under a site table: a total line that names no drug states
    the dose of the drug given just before it (the nearest drug named), when that giving states none of its
    own (only a vial, a concentration or a diluent). So does a line that says the vials were given
    by an injection route ("all vials reconstituted and fully given  5,480 IU  IV push") under a
    record whose vial lines state only what each vial holds. Returns (event index, the total)."""
    out: list[tuple[int, Amount]] = []
    for sent in notes.sentences:
        if has_mention(sent.start, sent.end):
            continue
        total_line = bool(TOTAL_LINE_RE.match(notes.text, sent.start, sent.end))
        if not total_line and not (_injected(notes, sent) and any(m.rule.category == "ADMINISTERED" for m in notes.context(sent)[1])):
            continue
        amounts = [a for a in notes.amounts_in(sent.start, sent.end) if is_dose(a) and not a.per_kg and a.kind != "volume"]
        # The giving may sit paragraphs above, past a site table: the nearest drug named before the line.
        before = [i for i, e in enumerate(events) if e.mention.end <= sent.start]
        if not amounts or not before:
            continue
        event = events[before[-1]]
        if not total_line and not any(a.container and a.kind == amounts[0].kind for a in event.amounts):
            continue  # a giving line is the vials' only beside vials that hold the same kind of amount
        # Two givings of the drug listed above it ("vial #1 -> 1.5 mL SC L abdomen", "vial #2 -> 1.5 mL
        # SC R abdomen", "Total 927 mg SC"): the total sums both, the record's total (note/doses.py).
        sums_several = any(e.role == "administered" and not e.nameless and e.dose_amounts and e.mention.same_drug(event.mention)
                           and e.sentence.paragraph == event.sentence.paragraph for e in events[: before[-1]])
        # "0.2 mL (12 mg) instilled R ear canal, then 0.2 mL (12 mg) L ear canal" then "total 0.4 mL =
        # 24 mg": a total line that adds up the doses its giving lists states the dose.
        listed = [a for a in event.dose_amounts if a.kind == amounts[0].kind and not a.per_kg]
        adds_up = total_line and len(listed) > 1 and abs(sum(a.value for a in listed) - amounts[0].value) <= 1e-6 * max(1.0, amounts[0].value)
        if (event.role == "administered" and not event.nameless and not sums_several
                and (adds_up or not any(a.kind != "volume" and not a.per_kg for a in event.dose_amounts))):
            out.append((before[-1], amounts[0]))
    return out


def code_kinds(purposes: Sequence[str], descriptor: str) -> frozenset[str]:
    """The kinds of drug a code is (its purposes, "contrast" for a contrast agent's descriptor)."""
    cues = data_file_as("extract_cues.json", ExtractCuesFile)
    words = descriptor.lower()
    return frozenset(purposes) | {k for k, ws in cues.descriptor_kinds.items() if any(w in words for w in ws)}


@lru_cache(maxsize=8)
def _kind_pattern(kinds: frozenset[str]) -> re.Pattern[str] | None:
    words = [w for k in sorted(kinds) for w in data_file_as("extract_cues.json", ExtractCuesFile).kind_givings.get(k, [])]
    return re.compile(rf"\b(?:{phrases(words)})\b", re.IGNORECASE) if words else None


def kind_givings(notes: Annotations, kinds: frozenset[str], has_mention: Callable[[int, int], bool]) -> list[NamelessGiving]:
    """'Images were obtained after intravenous contrast administration', 'fibrin glue was applied
    topically': a sentence that names no drug and tells a giving (a route) by the billed code's kind
    of drug alone (the kinds and their words: data/extract_cues.json `kind_givings`). What the note
    documents of a code whose drug it never names: the giving's route is told, its drug and amount
    are not. Its name is the kind's word; no codes."""
    found = _kind_pattern(kinds)
    if found is None:
        return []
    out: list[NamelessGiving] = []
    sections = list(notes.sections)
    for sent in notes.sentences:
        word = found.search(notes.text, sent.start, sent.end)
        # (not a route phrase that holds the kind's word: "CT CHEST WITH CONTRAST" names a study, it
        # tells no giving)
        routes = [r for r in notes.routes_in(sent.start, sent.end) if word is None or not r.start < word.start() < word.end() <= r.end]
        if word is None or not routes or has_mention(sent.start, sent.end) or _listed_away(section_at(sections, sent.start)):
            continue
        toks, mods = notes.context(sent)
        at = [i for i, t in enumerate(toks) if word.start() <= t.start < word.end()] or [0]
        if categories_for(toks, mods, at[0], at[-1], text=notes.text) & NOT_HERE_NOW:
            continue  # "CT without contrast", "antibiotics if febrile"
        out.append(NamelessGiving(mention=DrugMention(word.start(), word.end(), word.group(0).lower(), frozenset(), False),
                                  sentence=sent, amounts=(), routes=tuple(routes), section=section_at(sections, sent.start)))
    # A giving told with a stated route first: "after the intravenous administration of contrast"
    # over the title "CT CHEST WITH CONTRAST", which implies one.
    return sorted(out, key=lambda g: all(r.implied for r in g.routes))


@lru_cache(maxsize=1)
def _placements() -> frozenset[str]:
    """Verbs that put a drug into tissue ("placed", "instilled"), and "used", which a procedure note
    writes for a local anesthetic given."""
    return frozenset([*data_file_as("extract_cues.json", ExtractCuesFile).tissue_placements, "used"])


@lru_cache(maxsize=1)
def _continuation() -> re.Pattern[str]:
    """A line opening (after a bullet or a clock time, maybe a lead-in such as 'In addition,') with a
    continuation word: 'Remaining', 'Additional'."""
    cues = data_file_as("extract_cues.json", ExtractCuesFile)
    return re.compile(rf"[ \t]*(?:[-*\u2022][ \t]*)?(?:(?:\d{{3,4}}|\d{{1,2}}:\d{{2}})h?[ \t:,-]*)?"
                      rf"(?:{phrases(cues.continuation_lead_ins)}[ \t]*,?[ \t]+)?{phrases(cues.continuations)}", re.IGNORECASE)


def nameless_continuations(notes: Annotations, events: Sequence[DoseEvent], has_mention: Callable[[int, int], bool]) -> list[NamelessGiving]:
    """'TEST DOSE: iron dextran 25 mg IV' then '1105 Remaining 75 mg IV push': a line that names no
    drug, opens with a continuation word and a dose, and says it was given (a route or an
    administration cue) gives that dose of the one drug given in the nearest line before it that
    names a drug (same kind of amount). A second drug given there makes it ambiguous."""
    sections = list(notes.sections)
    out: list[NamelessGiving] = []
    for sent in notes.sentences:
        cue = _continuation().match(notes.text, sent.start, sent.end)
        if cue is None or has_mention(sent.start, sent.end) or _listed_away(section_at(sections, sent.start)):
            continue
        # A volume counts where the giving before it was dosed by volume too ("8 cc of 0.25% Marcaine ...
        # an additional 2 cc"): the kinds are matched below.
        amounts = [a for a in notes.amounts_in(cue.end(), sent.end) if is_dose(a) and not a.per_kg]
        if not amounts or notes.text[cue.end() : amounts[0].start].strip(" \t:-") or "\n" in notes.text[sent.start : amounts[0].start]:
            continue  # the dose follows the word: "Remaining 75 mg", not "remaining in the bag ... 75 mg"
        toks, mods = notes.context(sent)
        # What modifies the dose itself: "were used on the palm" is no "on <a drug>" of a history.
        at = [i for i, t in enumerate(toks) if amounts[0].start <= t.start < amounts[0].end] or [0]
        categories = categories_for(toks, mods, at[0], at[-1], text=notes.text)
        routes = notes.routes_in(sent.start, sent.end)
        placed = any(t.text in _placements() for t in toks)  # "an additional 2 cc were used on the palm"
        if categories & NOT_HERE_NOW or not (routes or "ADMINISTERED" in categories or placed):
            continue
        # Only a drug dosed in its own sentence is continued: "8 cc of 0.25% Marcaine with
        # epinephrine" doses the Marcaine (the epinephrine only took the next line's amount).
        given = [events[i] for i in _given_in_nearest_drug_sentence(events, sent, nameless_too=True)]
        given = [e for e in given if any(e.sentence.start <= a.start < e.sentence.end for a in e.dose_amounts)]
        drugs = {e.mention.codes for e in given}
        if len(drugs) != 1 or not any(a.kind == amounts[0].kind for e in given for a in e.dose_amounts):
            continue
        antecedent = given[-1]
        out.append(NamelessGiving(
            mention=DrugMention(cue.start(), cue.end(), antecedent.mention.name, antecedent.mention.codes, antecedent.mention.fuzzy),
            sentence=sent, amounts=(amounts[0],), routes=tuple(routes or antecedent.routes), section=section_at(sections, sent.start),
            repeat=True))
    return out


def _made_up_dose(notes: Annotations, vial: DoseEvent, sent: Sentence, has_mention: Callable[[int, int], bool]) -> list[Amount]:
    """The amounts of a clause after a vial line's drug, on its line, that names no drug, opens
    with an amount and puts it into a carrier ("...; 27.2 mL (1,360 mg) into NS 250 mL")."""
    from docreview.note.doses import is_diluent  # local: doses reads the events this module adds

    text = notes.text
    line_end = text.find("\n", vial.mention.end)
    line_end = min(sent.start, len(text) if line_end < 0 else line_end)
    for opened in re.finditer(r"[;.]\s*", text[vial.mention.end : line_end]):
        start = vial.mention.end + opened.end()
        stop = min((i for i in (text.find(";", start), text.find(". ", start), line_end) if i >= 0), default=line_end)
        opening = _OPENS_WITH_AMOUNT_RE.match(text, start, stop)
        if has_mention(start, stop) or opening is None:
            continue
        amounts = [a for a in notes.amounts_in(start, stop) if is_dose(a) and not a.per_kg]
        if amounts and amounts[0].start == opening.end() and any(is_diluent(text, a) for a in amounts[1:]):
            return amounts
    return []


# "20 units mixed in 30 cc of normal saline": a drug's amount made up in a volume.
_MADE_UP_IN_RE = re.compile(r"[^.;\n]{0,25}?\b(?:mixed|diluted|reconstituted|dissolved|drawn\s+up)?\s*(?:in(?:to)?|with|w/|to)\s+(?:a\s+(?:total\s+)?(?:volume\s+)?of\s+)?$",
                            re.IGNORECASE)
# "0.1 mL (0.125 mg) injected", "Then 10 cc ...", "full 5 mL injected", and the giving verb first: "Instilled 15 mL (60 mg) via ...".
_OPENS_WITH_AMOUNT_RE = re.compile(
    r"[ \t]*(?:(?:(?:at\s+|@\s*)?(?:[01]\d|2[0-3]):?[0-5]\d\s+)?(?:then\s+|of\s+this,?\s+|of\s+which\s+)?(?:approximately\s+|approx\.?\s+|about\s+)?"
    r"(?:(?:the\s+)?(?:full|entire|whole)\s+)?"
    r"|(?:instilled|injected|infused|administered|given|pushed|infiltrated)\s+(?:a\s+total\s+of\s+)?)(?=\d|\.\d)", re.IGNORECASE)


def _past_giving_label(notes: Annotations, sent: Sentence) -> int:
    """Where a sentence's record starts past a short label that names how it was given (a route
    or the line it ran through) and holds no dose ("Power injector via R AC 18 g: 75 mL at 4.5
    mL/s"; not "Vial A: 1.5 mg given, 0.5 mg wasted", a vial log's); else the sentence's start."""
    colon = notes.text.find(":", sent.start, min(sent.end, sent.start + 40))
    if colon < 0 or not notes.text[colon + 1 : colon + 2].isspace():
        return sent.start  # ("10:15" is a time, not a label)
    if any(is_dose(a) for a in notes.amounts_in(sent.start, colon)):
        return sent.start
    stated = any(not r.implied for r in notes.routes_in(sent.start, colon))  # ("Pump:" implies a vein; it names no giving)
    return colon + 1 if stated or _LINE_IN_LABEL_RE.search(notes.text, sent.start, colon) else sent.start


_LINE_IN_LABEL_RE = re.compile(r"\b(?:via|through|thru|injector)\b", re.IGNORECASE)  # "Power injector via R AC 18 g:"


def nameless_volumes(notes: Annotations, events: Sequence[DoseEvent], has_mention: Callable[[int, int], bool]) -> list[tuple[NamelessGiving, int]]:
    """'Jetrea 0.375 mg/0.3 mL single-dose vial' then '0.1 mL (0.125 mg) injected intravitreally OS';
    'injected with vasopressin, 20 units mixed in 30 cc of normal saline' then '15 cc was injected':
    a sentence that names no drug, opens with an amount and says it was given tells the dose of the
    one drug prepared in the nearest sentence before it (a strength per mL, or an amount made up
    in a volume). A volume alone is converted by that preparation. Returns (the giving, the index
    of the preparation's event, which then describes the drug rather than gives it)."""
    sections = list(notes.sections)
    out: list[tuple[NamelessGiving, int]] = []
    for sent in notes.sentences:
        opening = _OPENS_WITH_AMOUNT_RE.match(notes.text, _past_giving_label(notes, sent), sent.end)
        if opening is None or has_mention(sent.start, sent.end) or _listed_away(section_at(sections, sent.start)):
            continue
        amounts = [a for a in notes.amounts_in(sent.start, sent.end) if is_dose(a) and not a.per_kg]
        if not amounts or amounts[0].start != opening.end():
            continue
        toks, mods = notes.context(sent)
        categories = {m.rule.category for m in mods}
        # Charted without a verb, a dose and a stated route tell the giving: "1 mL (5 mg) IM R deltoid."
        stated_route = any(not r.implied for r in notes.routes_in(sent.start, sent.end))
        # "Power injector via R AC: 75 mL at 4.5 mL/s": a volume run in at a rate is a giving's record.
        run = amounts[0].kind == "volume" and any(a.rate and not a.per_kg for a in notes.amounts_in(amounts[0].end, sent.end))
        told = "ADMINISTERED" in categories or stated_route or run or any(_injection_word().match(t.text) for t in toks)
        # "Lidocaine 1% with 1:100,000 epinephrine was injected ... Approximately 10 cc total was
        # used.": how much of a drug just given was used.
        used = not told and any(t.text == "used" for t in toks)
        if categories & NOT_HERE_NOW or not (told or used):
            continue
        # The nearest drug prepared before it in the record; a drug dosed in between (not a prep
        # agent such as "Proparacaine, povidone-iodine") makes it ambiguous.
        near = [i for i, e in enumerate(events) if e.sentence.end <= sent.start and not e.nameless
                and e.sentence.paragraph == sent.paragraph and _lines_apart(notes.text, e.sentence, sent) <= 3]
        # (a drug put on the surface, "3.5% lidocaine gel pledget", is no preparation a volume is drawn from)
        strengths = [(i, _strength_per_ml(notes, events[i])) for i in near if events[i].role in ("administered", "container", "inventory")
                     and not (events[i].routes and all(r.route == "topical" for r in events[i].routes))]
        strengths = [(i, st) for i, st in strengths if st is not None]
        if not strengths:
            continue
        index, (strength, made_up) = strengths[-1]
        # "1% lidocaine with 1:100,000 epinephrine": the preparation is its base drug, the first named.
        base = next(((i, st) for i, st in strengths if i < index and events[i].sentence == events[index].sentence
                     and one_preparation(notes.text, events[i].mention, events[index].mention)), None)
        if base is not None:
            index, (strength, made_up) = base
        # "Iomeron 400 (iomeprol injection, 400 mg iodine/mL), 100 mL bottle": the strength an
        # aside glosses is the product's before it.
        gloss = index
        if (head := aside_of(notes.text, list(events), index)) is not None and head in near and events[head].role in (
                "administered", "container", "inventory"):
            index = head
        prepared = events[index]
        # (an order's dose above it, "Order: Privigen 0.4 g/kg = 35 g", is no statement of the preparation's)
        if any(a is not made_up and a.kind != "volume" and not sent.start <= a.start < sent.end and a.start >= prepared.sentence.start
               for a in prepared.dose_amounts):
            continue  # the preparation states its dose itself ("240 mg loading dose = two 120 mg vials"), not just the line below's
        if any(e is not prepared and e.role == "administered" and e.mention.same_drug(prepared.mention)
               and any(sent.start <= a.start < sent.end for a in e.amounts) for e in events):
            continue  # "Levetiracetam load: Keppra 500 mg/5 mL vials; 20 mL (2000 mg) given": already that giving's
        if any(e.sentence == prepared.sentence and not e.mention.same_drug(prepared.mention) and e is not events[gloss]
               and not one_preparation(notes.text, prepared.mention, e.mention) for e in events):
            continue  # "3 cc of Kenalog-10 and 3 cc of 1% Xylocaine ...; 1 cc of this mixture": a mixture's share
        if used and "ADMINISTERED" not in prepared.categories:
            continue
        if made_up is None and "ADMINISTERED" in prepared.categories and (strength.volume_stated or prepared.entries):
            # "Ranibizumab 0.5 mg/0.05 mL injected": the giving itself; the line below restates it.
            # So do a MAR's rows its order reads as givings ("14:05 4 mL (20 mg) IV push").
            continue
        # Amounts another drug took from this very line ("Proparacaine, povidone-iodine" above it)
        # are the line's, not that drug's own.
        if any(not events[i].mention.same_drug(prepared.mention) and events[i].role != "other"
               and any(not sent.start <= a.start < sent.end and not a.is_concentration for a in events[i].dose_amounts)
               for i in near if i > index):
            continue
        if not any(a.kind in (strength.kind, "volume") for a in amounts):
            continue
        # The line's own amounts, and the preparation's strength to convert a volume by.
        # "Injected intravitreally OD, 4.0 mm from limbus; 0.1 mL delivered": the clause before it on its line tells the route.
        before = [x for x in notes.sentences if x.end <= sent.start and x.line == sent.line and not has_mention(x.start, x.end)][-1:]
        routes = (tuple(notes.routes_in(sent.start, sent.end)) or tuple(r for x in before for r in notes.routes_in(x.start, x.end))
                  or tuple(prepared.routes))
        out.append((NamelessGiving(
            mention=DrugMention(amounts[0].start, amounts[0].end, prepared.mention.name, prepared.mention.codes, prepared.mention.fuzzy),
            sentence=sent, amounts=(*amounts, strength), routes=routes, section=section_at(sections, sent.start)), index))
    return out


def _lines_apart(text: str, first: Sentence, later: Sentence) -> int:
    """Lines from `first` down to `later`, not counting the rows of a flowsheet between them
    ("0900 | 50 | 128/76 | 70 | LK"): a record's giving line may follow its rate table."""
    return later.line - first.line - flowsheet_rows(text, first.start, later.start)


def _strength_per_ml(notes: Annotations, event: DoseEvent) -> tuple[Amount, Amount | None] | None:
    """(the strength, the amount made up) of the drug as prepared in its sentence:
    "0.375 mg/0.3 mL", or "20 units mixed in 30 cc" (20 units per 30 mL)."""
    # (the last told: "300 mg/30 mL vial x 4; 120 mL drug + 120 mL NS = 240 mL (5 mg/mL)" made the bag 5 mg/mL)
    for a in reversed(event.amounts):
        if a.is_concentration and a.kind != "volume" and a.per_volume_ml:
            return a, None
    sentence = notes.amounts_in(event.sentence.start, event.sentence.end)
    # "2 x 40 mg mitomycin vials + hydrogel -> 4 mg/mL, 20 mL total": the strength it was made up to.
    made_to = [a for a in sentence if a.start > event.mention.end and a.is_concentration and a.kind != "volume" and a.per_volume_ml]
    if made_to and any(a.container for a in event.amounts):
        return made_to[0], None
    for a, b in zip(sentence, sentence[1:], strict=False):
        if (a.kind in ("mass", "units") and is_dose(a) and b.kind == "volume" and b.total > 0
                and _MADE_UP_IN_RE.fullmatch(notes.text, a.end, b.start)):
            strength = Amount(a.start, b.end, a.total, a.kind, per_volume_ml=b.total, volume_stated=True)
            return strength, next((d for d in event.amounts if d.start == a.start), None)
    return None


def _infused_later(notes: Annotations, sent: Sentence, has_mention: Callable[[int, int], bool]) -> list[Amount]:
    """'13:05 infusion started.' ... 'infusion STOPPED. Pump volume infused 185 mL (185 mg).': what
    the record says went in, on its next lines, before another drug is named."""
    from docreview.note.doses import infused_total  # local: doses reads the events this module adds to

    named = (x.start for x in notes.sentences if x.start >= sent.end and has_mention(x.start, x.end))
    return infused_total(notes.text, notes.sentences, notes.amounts_in, sent, next(named, len(notes.text)))


# "Bag B", "syringe #2", "Bag 1": a giving noun with the label that names one prepared container.
_LABEL_RE = re.compile(r"[ \t]+#?(?:[A-Z]|\d{1,2})\b")


def _labelled_preparation(notes: Annotations, sent: Sentence, noun: tuple[int, int], after: int) -> list[Amount]:
    """'Bag B: 900 mg (36 mL) in NS 250 mL' ... '08:40 Bag B started via PIV': a giving that names a
    labelled container the record prepared gives that container's dose."""
    label = _LABEL_RE.match(notes.text, noun[1])
    if label is None:
        return []
    name = re.compile(re.escape(notes.text[noun[0] : label.end()]) + r"\s*:", re.IGNORECASE)
    for prep in reversed([x for x in notes.sentences if after <= x.start and x.end <= sent.start]):
        opened = re.match(r"[ \t]*(?:[-*\u2022][ \t]*)?", notes.text[prep.start : prep.end])
        if name.match(notes.text, prep.start + (opened.end() if opened else 0)):
            return [a for a in notes.amounts_in(prep.start, prep.end) if is_dose(a)]
    return []


def _injected(notes: Annotations, sent: Sentence) -> bool:
    """The sentence states or implies an injection route ("started via L forearm PIV", "infused")."""
    return any(r.route in route_vocabulary().injection_routes for r in notes.routes_in(sent.start, sent.end))


def _names_outside_asides(text: str, sent: Sentence, has_mention: Callable[[int, int], bool]) -> bool:
    """The sentence names a drug outside its parentheses ("Total 4,220 IU VWF:RCo (1,760 IU FVIII)"
    names none: the aside glosses the total)."""
    pos = sent.start
    for aside in ASIDE_RE.finditer(text, sent.start, sent.end):
        if has_mention(pos, aside.start()):
            return True
        pos = aside.end()
    return has_mention(pos, sent.end)


def _given_as_another_product(events: Sequence[DoseEvent], before: list[DoseEvent], sent: Sentence) -> bool:
    """The record's drug given, after it was first named, as another product of its ingredient
    ("ustekinumab-auub (Wezlana)" approved, "ustekinumab (STELARA) 390 mg IV" given)."""
    # (a biosimilar's suffix is a word of its own once normalized: "ustekinumab auub")
    drugs = {moiety(part).split()[0] for e in before for part in e.mention.name.split(" / ") if moiety(part)}
    return any(e.role == "administered" and not e.nameless and before[0].mention.end <= e.mention.start and e.mention.end <= sent.start
               and not any(e.mention.same_drug(b.mention) for b in before)
               and any(moiety(part) in drugs for part in e.mention.name.split(" / ")) for e in events)


def _open_giving_between(text: str, events: Sequence[DoseEvent], antecedent: DoseEvent, sent: Sentence) -> bool:
    """A drug given after the antecedent whose own sentence does not say how (no route there): the
    giving line may be its record ("Ketorolac 30 mg ordered. / 1400 injection given IM L gluteus").
    A premedication charted whole on its own line ("acetaminophen 650 mg PO at 0950") is not, nor
    a name in an aside ("Total 4,220 IU VWF:RCo (1,760 IU FVIII)")."""
    return any(e.role == "administered" and antecedent.mention.end <= e.mention.start and e.mention.end <= sent.start
               and not any(e.sentence.start <= r.start < e.sentence.end for r in e.routes)
               and enclosing_parenthesis(text, e.mention.start, e.mention.end, e.sentence.start, e.sentence.end) is None
               for e in events)


# "12.5 mL per site", "1 mL each": an amount given at each of several sites.
EACH_AFTER_RE = re.compile(r"\s*(?:per\s+(?:site|injection)|each)\b", re.IGNORECASE)


def _total_after(notes: Annotations, sent: Sentence, has_mention: Callable[[int, int], bool]) -> list[Amount]:
    """The amounts of the first total line after `sent` in its paragraph, before a drug is named."""
    for later in notes.sentences:
        if later.start < sent.end or later.paragraph != sent.paragraph:
            continue
        if has_mention(later.start, later.end):
            return []
        if TOTAL_LINE_RE.match(notes.text, later.start, later.end):
            return [a for a in notes.amounts_in(later.start, later.end) if is_dose(a) and not a.per_kg]
    return []




def table_givings(notes: Annotations, events: Sequence[DoseEvent], has_mention: Callable[[int, int], bool]) -> list[NamelessGiving]:
    """A MAR grid under one drug's title or order ("Date | Time | Dose | Route | Init" then
    "01/15/25 | 1005 | 50 mg | IV | ...", or the same in columns aligned by spaces) records a
    giving on each row whose dose cell holds an amount; a "HELD" or "refused" row records none. Rows that name a drug are that drug's own."""
    text = notes.text
    words = grids.grid_words()
    sections = list(notes.sections)
    found: list[NamelessGiving] = []
    pos = 0
    while (header_end := text.find("\n", pos)) >= 0:
        header_start, pos = pos, header_end + 1
        header = grids.cells(text, header_start, header_end)
        dose = grids.column(header, words.dose) if len(header) > 2 else None
        if dose is None or grids.column(header, words.when) is None:
            continue
        # (a drug named in an allergy, history or hold above the grid does not head it)
        coded = [e for e in events if e.mention.codes and e.mention.end <= header_start and not e.nameless
                 and e.role not in ("allergy", "historical", "deferred")]
        if not coded or any(not e.mention.same_drug(coded[-1].mention) for e in coded):
            continue  # no drug, or more than one, heads the grid
        record = coded[-1].mention
        row_start = pos
        while row_start < len(text):
            row_start, row_end = grids.next_row(text, row_start)
            row = grids.cells(text, row_start, row_end)
            # (a row of a table aligned by spaces may leave cells blank)
            if len(row) < (3 if "|" in text[header_start:header_end] else 2) or has_mention(row_start, row_end):
                break
            own = [a for a in notes.amounts_in(*grids.cell_under(text, (header_start, header_end), dose, (row_start, row_end))) if is_dose(a)]
            sent = next((x for x in notes.sentences if x.start <= row_start + len(row[0]) and row_start < x.end), None)
            if own and sent is not None and not grids.not_given(text, row_start, row_end):
                found.append(NamelessGiving(
                    mention=DrugMention(own[0].start, own[0].end, record.name, record.codes, record.fuzzy),
                    sentence=sent, amounts=tuple(own), routes=tuple(notes.routes_in(row_start, row_end)),
                    section=section_at(sections, row_start), repeat=True))
            row_start = row_end + 1
        pos = row_start
    return found


def record_rows(notes: Annotations, events: Sequence[DoseEvent], has_mention: Callable[[int, int], bool]) -> list[NamelessGiving]:
    """A record headed by one drug's line ending in a colon ("Aprotinin 10,000 KIU/mL, 200 mL
    vials:") and then timed rows that name no drug ("08:12 test dose 1 mL IV via CVC", "08:25
    loading dose 200 mL IV over 25 min"): each row that doses and gives (a route or an
    administration cue, nothing that holds or plans it) is a giving of that drug. The rows end at a
    blank line, a row that names a drug or a line that opens with no clock time."""
    text = notes.text
    sections = list(notes.sections)
    found: list[NamelessGiving] = []
    for start, end in sorted({line_bounds(text, e.mention.start) for e in events if e.mention.codes and not e.nameless}):
        if not text[start:end].rstrip().endswith(":") or not TIMED_LINE_RE.match(text, end + 1):
            continue
        named = [e for e in events if e.mention.codes and not e.nameless and start <= e.mention.start < end]
        if any(not e.mention.same_drug(named[0].mention) for e in named) or any(e.role == "administered" for e in named):
            continue  # two drugs head the rows, or the record line is read as the giving with its entries
        record = named[0].mention
        row_start = end + 1
        while row_start < len(text) and TIMED_LINE_RE.match(text, row_start):
            _, row_end = line_bounds(text, row_start)
            if has_mention(row_start, row_end):
                break
            if any(row_start <= e.mention.start < row_end for e in events):
                row_start = row_end + 1
                continue  # the row is read already (an entry under a vial line)
            own = [a for a in notes.amounts_in(row_start, row_end) if is_dose(a) and not a.per_kg]
            sents = [x for x in notes.sentences if row_start <= x.start < row_end]
            routes = notes.routes_in(row_start, row_end)
            if own and sents and not grids.not_given(text, row_start, row_end):
                toks, mods = notes.context(sents[0])
                categories = categories_for(toks, mods, 0, max(len(toks) - 1, 0), text=text)
                if not categories & NOT_HERE_NOW and (routes or "ADMINISTERED" in categories):
                    found.append(NamelessGiving(
                        mention=DrugMention(own[0].start, own[0].end, record.name, record.codes, record.fuzzy),
                        sentence=sents[0], amounts=(own[-1],), routes=tuple(routes), section=section_at(sections, row_start),
                        repeat=True))
            row_start = row_end + 1
    return found


@lru_cache(maxsize=1)
def _order_headers() -> frozenset[str]:
    return frozenset(data_file_as("extract_cues.json", ExtractCuesFile).order_headers)


def _order_field(section: SectionSpan | None) -> bool:
    """'Order: infliximab-abda 5 mg/kg IV = 410 mg' in a flowsheet: the record's order, not a plan."""
    return section is not None and " ".join(section.header.lower().split()) in _order_headers()


def vehicle_of_another(event: DoseEvent, events: Sequence[DoseEvent]) -> bool:
    """'Xiaflex 0.9 mg vial reconstituted with 0.39 mL of supplied diluent': a carrier fluid named
    beside another drug is that drug's vehicle, not the drug of the record."""
    return event.mention.name in _carrier_fluids() and any(
        e.sentence == event.sentence and not e.mention.same_drug(event.mention) for e in events)


@lru_cache(maxsize=1)
def _carrier_fluids() -> frozenset[str]:
    return frozenset(data_file_as("extract_cues.json", ExtractCuesFile).carrier_fluids)


def _listed_away(section: SectionSpan | None) -> bool:
    return section is not None and section.kind in _NOT_HERE_SECTIONS


_EQUALS_RE = re.compile(r"\s*=\s*")


def stated_totals(notes: Annotations, sent: Sentence) -> list[Amount]:
    """The amounts a sentence states as a total of what was given: one a total word heads
    ("Total actual: 3,070 IU", "Pooled, total 3,538 IU") or a sum's result ("1,070 mg + 1,040 mg
    = 2,110 mg"); never a volume, a rate, a range or a strength."""
    return [a for a in notes.amounts_in(sent.start, sent.end) if a.kind != "volume" and not (a.rate or a.is_range or a.is_concentration)
            and (TOTAL_BEFORE_RE.search(notes.text, max(sent.start, a.start - 30), a.start) or _sum_result(notes, sent, a))]


def _sum_result(notes: Annotations, sent: Sentence, amount: Amount) -> bool:
    """'1,070 mg + 1,040 mg + 1,110 mg = 3,220 mg': the amount after '=' adds up the amounts of
    its kind joined by '+' right before it."""
    before = [a for a in notes.amounts_in(sent.start, amount.start) if a.end <= amount.start]
    if len(before) < 2 or not _EQUALS_RE.fullmatch(notes.text, before[-1].end, amount.start):
        return False
    terms = [before[-1]]
    for a in reversed(before[:-1]):
        if not PLUS_RE.fullmatch(notes.text, a.end, terms[0].start):
            break
        terms.insert(0, a)
    return (len(terms) >= 2 and all(a.kind == amount.kind and not a.is_concentration for a in terms)
            and abs(sum(a.value for a in terms) - amount.value) <= 0.01 * amount.value)


def _giving(notes: Annotations, sent: Sentence, noun: tuple[int, int], before: list[DoseEvent], sections: list[SectionSpan],
            has_mention: Callable[[int, int], bool]) -> NamelessGiving:
    from docreview.note.doses import is_diluent  # local: doses reads the events this module adds
    from docreview.note.extract import is_fluid_volume  # local: extract reads this module's givings

    antecedent = before[-1].mention

    def carrier(a: Amount) -> bool:
        # "NS 3 mL flush", "each reconstituted with 7.2 mL SWFI", "reconstituted w/ 10 mL, full vial
        # added to 100 mL NS": the fluid, not the drug.
        return a.kind == "volume" and (is_fluid_volume(notes.text, a) or is_diluent(notes.text, a))

    own = [a for a in notes.amounts_in(sent.start, sent.end) if is_dose(a) and not carrier(a)]
    if own and all(EACH_AFTER_RE.match(notes.text, a.end) for a in own):
        # "30 injections of 1 mL each (~6.7 Units each) ... Total 200 Units injected.": what each
        # site took gives way to the total the record states below it (else the giving's sites
        # count it: note/extract.py).
        own = _total_after(notes, sent, has_mention) or own
    if not own and notes.text[sent.start : sent.end].rstrip().endswith(":"):
        # "injected subdermally via 25g cannula:" / " - syringe 1: R side 1.5 mL" / " - syringe 2:
        # L side 1.5 mL" / "Total 3.0 mL.": a giving that opens a list is dosed by the list's total.
        own = _total_after(notes, sent, has_mention)
    if not own:
        # "Drew 0.48 mL (240 mcg). Given subcut L lower abdomen": the record tells the giving's
        # dose in the last sentence before it that draws it up and names no drug, on its line
        # or the preparation's ("Prep: Mepsevii ... vials x 10 (100 mg). Withdrawn 47 mL = 94 mg
        # ..." / "Infusion IV via port 0815-1220").
        # A discard or premedication line may stand between ("Drew 6.08 mL = 1.52 mg" / "Discarded:
        # 1.12 mL" / "Premeds: ..." / "Administered IV over 1 h").
        # "Dose drawn 6.1 mCi; residual 0.3 mCi; administered 5.8 mCi": the last such statement that
        # holds an amount ("administered" after "drawn") tells the dose.
        drawn = [x for x in notes.sentences if x.end <= sent.start and x.start >= before[-1].mention.end
                 and not has_mention(x.start, x.end) and _draws(notes, x)
                 and any(is_dose(a) for a in notes.amounts_in(x.start, x.end))]
        # What the record says went in on its next lines ("Infusion STOPPED. Pump: 70 mL infused =
        # 490 mg") outweighs what was drawn up for it.
        if drawn:
            own = _infused_later(notes, sent, has_mention) or [a for a in notes.amounts_in(drawn[-1].start, drawn[-1].end) if is_dose(a)]
    if not own:
        # "Idelvion 2000 IU (actual 2,050 IU)" / "Idelvion 1000 IU (actual 1,020 IU)" / "Total actual:
        # 3,070 IU" / "Both vials reconstituted and fully given": the record's total of its vials.
        # ("Pooled, total 3,538 IU IV push over 5 min" / "Entire contents of all 3 vials given.")
        totals = [a for x in notes.sentences if x.end <= sent.start and x.start >= before[-1].mention.end
                  and not _names_outside_asides(notes.text, x, has_mention) for a in stated_totals(notes, x)]
        own = [replace(a, container=False) for a in totals[-1:]]
    if not own:
        own = _labelled_preparation(notes, sent, noun, before[-1].mention.end) or _infused_later(notes, sent, has_mention)
    if not own and STOCK & {before[-1].role, before[-1].described_as}:
        # "Ziihera 300 mg vials x5, each reconstituted to 50 mg/mL; 27.2 mL (1,360 mg) into NS 250 mL"
        # then "13:00 infused IV via port": the amount the vial line made up into its bag is the dose
        # (so for a stock line: "Vials: pemetrexed 500 mg x2, lot PD1190. 950 mg -> NS 100 mL").
        own = _made_up_dose(notes, before[-1], sent, has_mention)
    if not own and GIVEN_WHOLE_RE.search(notes.text, sent.start, sent.end):
        # "1400 Vancomycin 1.25 g/250 mL premix bag, lot V1, IV ..." / "Whole bag infused.": the
        # content of the bag or vial given whole (not an order's mg/kg above it).
        own = [replace(a, per_volume_ml=None, volume_stated=False, container=False) for a in before[-1].amounts
               if a.is_concentration and a.volume_stated and not a.rate and a.kind != "volume"][:1]
    if own and all(a.kind == "volume" for a in own) and GIVEN_WHOLE_RE.search(notes.text, sent.start, sent.end):
        # "Product: Sculptra single-use vial, 150 mg PLLA" / "entire reconstituted vial (9 mL total
        # suspension) injected": the volume a vial given whole was made up to; its content is the dose.
        content = [a for a in before[-1].amounts if a.kind != "volume" and not (a.rate or a.per_kg or a.is_concentration or a.is_range)]
        if len(content) == 1:
            own = [replace(content[0], container=False)]
    # The antecedent line that states a dose: a plain amount ("Dose prepared: 320 mg") over a per-kg order.
    stated = [e for e in before if any(not carrier(a) for a in e.dose_amounts)]
    plain = [e for e in stated if any(not a.per_kg and not carrier(a) for a in e.dose_amounts)]
    source = (plain or stated or [before[-1]])[-1]
    if not own and not any(not carrier(a) for a in source.dose_amounts):
        # "Zynlonta ... cycle 1" / "Dose 0.15 mg/kg = 12 mg." / "0930-1000 infused IV": a dose line
        # of the record that names no drug tells the giving's dose.
        fields = [x for x in notes.sentences if before[-1].mention.end <= x.start and x.end <= sent.start
                  and not has_mention(x.start, x.end) and _opens_with("dose_lines").match(notes.text, x.start)]
        # (with the clauses a semicolon joins to it: "Order: 60 units/kg = 4,080 units; round to
        # whole vials -> 4,200 units")
        end = fields[-1].end if fields else 0
        for nxt in notes.sentences:
            if fields and nxt.start >= end and notes.text[end : nxt.start].strip() == ";":
                end = nxt.end
        own = [a for x in fields[-1:] for a in notes.amounts_in(x.start, end) if is_dose(a)]
    # "Run IV into the venous line over 3 h; whole ampule delivered": a clause before it on its
    # line that names no drug tells the route.
    clauses = [x for x in notes.sentences if x.end <= sent.start and x.line == sent.line and not has_mention(x.start, x.end)][-1:]
    # "Technique: deep subdermal injection, 25g cannula" between the product and the giving, naming
    # no drug and telling an injection, states the route last (not "Declined an oral anxiolytic").
    between = [r for x in notes.sentences if before[-1].mention.end <= x.start and x.end <= sent.start and not has_mention(x.start, x.end)
               and any(_injection_word().match(t.text) for t in notes.context(x)[0])
               for r in notes.routes_in(x.start, x.end) if not r.implied]
    routes = (notes.routes_in(sent.start, sent.end) or [r for x in clauses for r in notes.routes_in(x.start, x.end)]
              or next((e.routes for e in reversed(before) if e.routes), []) or between[-1:])
    return NamelessGiving(
        mention=DrugMention(noun[0], noun[1], antecedent.name, antecedent.codes, antecedent.fuzzy),
        sentence=sent,
        amounts=tuple(own or [a for a in source.amounts if not carrier(a)]),
        routes=tuple(routes),
        section=section_at(sections, sent.start),
    )
