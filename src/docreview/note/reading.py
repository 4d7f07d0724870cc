"""The reading of a note for one billed code: an immutable result computed before any check.

`read_note` annotates the note once (sentences, sections, mentions with roles, amounts and
routes attached by structure, waste, reasons); `administration_of` then decides, for the
billed code, which administrations count and what dose they add up to. Checks only read a
`Reading`; the model layer amends one (`amend`) and the checks run again on the new reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Literal

from docreview.data_files import ExtractCuesFile, RoutesFile, data_file_as
from docreview.knowledge.facts import CodeFacts, KnowledgeBase, counter_ions, moiety, normalize_name
from docreview.note.doses import is_drip, total_dose, vials_opened
from docreview.note.extract import DoseEvent, NoteFacts, injection_told, premedication, read_note
from docreview.note.nameless import code_kinds
from docreview.note.phrases import alternation, pattern, phrases
from docreview.note.roles import STOCK
from docreview.note.vocab import route_vocabulary
from docreview.units import billing_units, code_unit_kind, in_tier, to_base

State = Literal["given", "not_given", "other_drug", "absent"]


@dataclass(frozen=True)
class Administration:
    """What the note says of the billed code's drug.

    state: `given` (administrations of the billed drug), `not_given` (named, never as given),
    `other_drug` (the billed drug absent or not given, another coded drug given instead) or
    `absent` (the drug never named and nothing else given; `counted` then holds a giving told
    by the code's kind alone, "intravenous contrast", if the note has one).
    """

    state: State
    billed: tuple[DoseEvent, ...] = ()  # every mention of the billed code's drug
    given: tuple[DoseEvent, ...] = ()  # those read as administered
    counted: tuple[DoseEvent, ...] = ()  # the administrations route and wastage judge
    dose_base: float | None = None  # the documented dose in the code's base unit
    needed: str = ""  # what a conversion to billing units lacks ("the patient's weight")
    class_only: bool = False  # a product-specific code's drug named only by its class
    other: DoseEvent | None = None  # the drug given instead (state other_drug)
    other_code: str | None = None  # the code that fits `other` best
    other_units: int | None = None  # and its units
    other_days: tuple[DoseEvent, ...] = ()  # givings told on another day than the date of service


@dataclass(frozen=True)
class Reading:
    note: NoteFacts
    administration: Administration
    date_of_service: date | None = None

    @property
    def text(self) -> str:
        return self.note.text


def read(text: str, facts: CodeFacts, kb: KnowledgeBase, date_of_service: date | None = None) -> Reading:
    """Annotate the note once and read the billed code's administrations (on the date of
    service, when the claim gives one) from it."""
    return reading_of(read_note(text, facts, kb), facts, kb, date_of_service)


def reading_of(note: NoteFacts, facts: CodeFacts, kb: KnowledgeBase, date_of_service: date | None = None) -> Reading:
    return Reading(note=note, administration=administration_of(note, facts, kb, date_of_service), date_of_service=date_of_service)


def amend(reading: Reading, facts: CodeFacts, kb: KnowledgeBase, **changes) -> Reading:
    """A new reading with some of the note's facts replaced (events, reasons, waste ...)."""
    return reading_of(replace(reading.note, **changes), facts, kb, reading.date_of_service)


def _on_another_day(event: DoseEvent, date_of_service: date | None) -> bool:
    """The giving is dated, and none of its dates is the date of service (edge case 5); or it is
    told on a counted day ("DOL 1") other than the note's own."""
    if event.earlier_day is not None:
        return True
    return date_of_service is not None and bool(event.dates) and not any(d.same_day(date_of_service) for d in event.dates)


def administration_of(note: NoteFacts, facts: CodeFacts, kb: KnowledgeBase, date_of_service: date | None = None) -> Administration:
    billed = [e for e in note.events if facts.code in e.mention.codes or (e.mention.codes and _billed_per_dose_of(facts, kb, e.mention.codes))
              or _taken_as_the_codes_form(note.text, e, facts, kb)]
    given = [e for e in billed if e.given]
    other_days = tuple(e for e in given if _on_another_day(e, date_of_service))
    given = [e for e in given if e not in other_days]
    given = _by_the_codes_kind_of_route(note.text, given, facts)
    if other_days and not given:
        # "Last Prolia 60 mg SC given 04/18 in clinic" on a claim for 06/13: not this day's giving.
        return Administration("not_given", billed=tuple(billed), other_days=other_days)
    if (injected := _injected_product(given, facts, kb)) is not None:
        event, its_codes = injected
        code, units = _best_code(note, kb, event, its_codes)
        return Administration("other_drug", billed=tuple(billed), counted=(event,), other=event, other_code=code, other_units=units,
                              other_days=other_days)
    return replace(_administration(note, facts, kb, billed, given), other_days=other_days)


@lru_cache(maxsize=1)
def _injectable_form() -> re.Pattern[str]:
    """'inj 10 mg/mL', 'vial': the injectable product named (data/extract_cues.json `injectable_forms`)."""
    return pattern(rf"\b{alternation(data_file_as('extract_cues.json', ExtractCuesFile).injectable_forms)}\b")


def _taken_as_the_codes_form(text: str, event: DoseEvent, facts: CodeFacts, kb: KnowledgeBase) -> bool:
    """'trimethobenzamide (Tigan) 300 mg cap PO' under "Trimethobenzamide hydrochloride, 250 mg,
    oral": a brand the sources know only as an injection, given by a way only the billed code's
    form is taken (and not told as the injection product), is that form of it. (Not under a code
    for one product: "Dexamethasone (hemady), oral".)"""
    if not _taken_code(facts) or not facts.moiety or facts.product_specific:
        return False
    if _injectable_form().search(text, event.sentence.start, event.sentence.end):
        return False  # "dexamethasone sodium phosphate inj 10 mg/mL ... given by mouth": the injection, by mouth
    stated = [r.route for r in event.routes if not r.implied]
    if not stated or not all(r in facts.descriptor_routes for r in stated):
        return False
    codes = [kb.facts(c) for c in event.mention.codes if c in kb.codes]
    return bool(codes) and all(f.moiety == facts.moiety and f.descriptor.lower().startswith("injection") for f in codes)


def _injected_product(given: list[DoseEvent], facts: CodeFacts, kb: KnowledgeBase) -> tuple[DoseEvent, frozenset[str]] | None:
    """'glycopyrrolate 0.2 mg IV' under "Glycopyrrolate, inhalation solution, compounded ...": a
    dose only injected, under a code for an inhalation solution, is the drug's injection product,
    when the drug has an injection code of its own. (Injected under an oral code, or taken by mouth
    under an inhalation code, a dose is judged as written: edge case 3, as authors read it.)"""
    if not given or not facts.descriptor_routes or any(r != "inhalation" for r in facts.descriptor_routes):
        return None
    injection = set(route_vocabulary().injection_routes)
    if not all(e.routes and all(r.route in injection for r in e.routes) for e in given):
        return None
    own_codes = [c for c in given[0].mention.codes - {facts.code}
                 if c in kb.codes and kb.facts(c).descriptor.lower().startswith("injection") and not kb.facts(c).unclassified]
    return (given[0], frozenset(own_codes)) if own_codes else None


def _by_the_codes_kind_of_route(text: str, given: list[DoseEvent], facts: CodeFacts) -> list[DoseEvent]:
    """'11:20 potassium chloride 40 mEq PO' beside two IVPB bags under "Injection, potassium
    chloride": when the drug is also injected, a dose given by mouth, nose or lungs (and told
    with no injection word) is another product's, not the injection code's. So, under a code
    taken by mouth, nose or lungs ("Oral, lenacapavir, 300 mg"), is a dose injected beside the
    tablets taken. (Given only that way, it is judged as written: edge case 3.)"""
    taken = _taken_routes()
    if _taken_code(facts):
        by_mouth = True
    elif facts.descriptor.lower().startswith("injection"):
        by_mouth = False
    else:
        return given

    def own(route: str) -> bool:
        return (route in taken) == by_mouth

    def another_products(e: DoseEvent) -> bool:
        # (under an injection code, a dose told with an injection word is its own whatever route it names)
        return bool(e.routes) and not any(own(r.route) for r in e.routes) and (by_mouth or not injection_told(text, e.sentence))

    if not any(own(r.route) for e in given for r in e.routes):
        return given
    return [e for e in given if not another_products(e)]


@lru_cache(maxsize=1)
def _taken_routes() -> frozenset[str]:
    return frozenset(data_file_as("routes.json", RoutesFile).taken_routes)


def _taken_code(facts: CodeFacts) -> bool:
    """A code for a form taken by mouth, nose or lungs ("Oral, lenacapavir, 300 mg"): every route its descriptor names is one."""
    return bool(facts.descriptor_routes) and all(r in _taken_routes() for r in facts.descriptor_routes)


def _administration(note: NoteFacts, facts: CodeFacts, kb: KnowledgeBase, billed: list[DoseEvent], given: list[DoseEvent]) -> Administration:
    if given and (plain := _plain_product_of_a_premix(note, facts, kb, given)):
        # "Midazolam 5 mg/mL (1 mL vial) 4.5 mg intranasal" under J2252, midazolam premixed in 0.8%
        # sodium chloride: a dose drawn from vials is the plain drug's product (J2250), no premix.
        code, units = _best_code(note, kb, given[0], plain)
        return Administration("other_drug", billed=tuple(billed), counted=(given[0],), other=given[0], other_code=code, other_units=units)
    products = {id(e): _product_named(note, e) for e in given}
    if given and all(products[id(e)] and facts.code not in products[id(e)] and not _billed_per_dose_of(facts, kb, products[id(e)])
                     for e in given):
        # "40 mg triamcinolone drawn from a Kenalog-40 vial" under the extended-release code: the
        # vial names the product given, and it is another code's.
        other = given[0]
        code, units = _best_code(note, kb, other, products[id(other)])
        return Administration("other_drug", billed=tuple(billed), counted=(other,), other=other, other_code=code, other_units=units)
    if given and (product := _dosed_product_giving(note, facts, billed, given)) is not None:
        # "on-cycle month for inhaled tobramycin" ... "TOBI (tobramycin inhalation solution) 300 mg
        # nebulized": the drug's giving with an amount is the named product's, and the bare
        # mention of the drug only tells of it; under another product's code it is another drug.
        code, units = _best_code(note, kb, product)
        return Administration("other_drug", billed=tuple(billed), counted=(product,), other=product, other_code=code, other_units=units)
    class_only = bool(given) and all(_class_only(facts, e) for e in given)
    # (not when the record names the billed product itself, its stock or preparation line:
    # "Product: Ganciclovir Injection (Exela) 500 mg/250 mL" over "ganciclovir 410 mg IV")
    product_told = any(not _class_only(facts, e) and e.role in _RECORD_ROLES for e in billed)
    if class_only and not facts.labelers and not product_told and (plain := _plain_products(facts, kb, given[0])):
        # "furosemide 80 mg IV push" under Furoscix's code: the generic name is the drug's plain
        # product (J1940), which has codes of its own, not a class the billed product belongs to.
        code, units = _best_code(note, kb, given[0], plain)
        return Administration("other_drug", billed=tuple(billed), counted=(given[0],), other=given[0], other_code=code, other_units=units)
    if class_only and _other_drug_event(note, facts, kb, same_drug_only=True):
        # "IVIG infusion ... Gammagard Liquid 30 g": the class name is resolved by the product named.
        given = []
    if not given and facts.unclassified and (uncoded := _uncoded_givings(note, facts, kb)):
        # "valproate sodium 500 mg infused IV" under J3490: an unclassified code bills the drug
        # given that has no code of its own (a drug that has one belongs under that code).
        return Administration("given", (), uncoded, uncoded)
    if not given:
        other = _other_drug_event(note, facts, kb, same_drug_only=True) if billed else None
        # "TYPE OF TEST: Adenosine with nuclear scan" ... "Post-Lexiscan 0.4 mg": a title that
        # restates a giving the body never reports (or a name only talked about) is no administration.
        if billed and other is None and all(e.role in ("restatement", "other") for e in billed):
            other = _other_drug_event(note, facts, kb)
        if billed and other is None:
            return Administration("not_given", billed=tuple(billed))
        other = other or _other_drug_event(note, facts, kb)
        if other is None:
            # "after intravenous contrast administration": the agent is never named, the giving of
            # its kind is, and with it a route (route judges it; no drug, no amount for dosage).
            return Administration("absent", counted=note.by_kind[:1])
        code, units = _best_code(note, kb, other)
        return Administration("other_drug", billed=tuple(billed), counted=(other,), other=other, other_code=code, other_units=units)
    if facts.per_dose:
        # "Euflexxa injection #2 of 3, LEFT knee" over "Euflexxa 20 mg/2 mL ... injected": a
        # mention with no amount and no time of its own restates the dosed giving.
        # With no amount anywhere, the title "FLUTEMETAMOL F 18 (VIZAMYL) ADMINISTRATION" or the
        # regimen "RYONCIL 2 x 10^6 MSC/kg IV twice weekly" restates the giving told by a time or
        # a verb ("1030 Ryoncil infused IV").
        # So does a product line that gives the dose but no time or verb of giving ("Product: BEQVEZ
        # ... one-time dose 5 x 10^11 vg/kg") over "1005 Beqvez infused IV".
        # (a rate, "infused over 90 min (rate 2.2 mL/min max)", is no dose of its own)
        dosed = [e for e in given if any(not a.rate for a in e.amounts)]
        told = [e for e in given if e.times or "ADMINISTERED" in e.categories]
        if dosed and told and not any(e in told for e in dosed):
            counted = told
        else:
            counted = [e for e in given if e.amounts or e.times] if dosed else (told or given)
        return Administration("given", tuple(billed), tuple(given), tuple(counted), class_only=class_only)
    if code_unit_kind(facts.unit) == ("containers", 1.0):
        # The record's own count of the vials (or implants), on the giving's line or the product's.
        described = [e for e in billed if e.role in STOCK]
        count = vials_opened(note, given, facts.unit or "vial") or vials_opened(note, described, facts.unit or "vial")
        if count is None and facts.unit == "implant" and given:
            count = 1.0  # "ENCELTO implant inserted into the vitreous": an implant placed, none counted, is one
        if count is not None:
            return Administration("given", tuple(billed), tuple(given), tuple(given), dose_base=count, class_only=class_only)
    total, needed, counted = total_dose(given, facts, note, restated=[e for e in billed if e.role == "restatement"])
    if total is None and (stated := _dose_the_record_states(note, facts, billed, given)) is not None:
        # "Pump filled 10:42 with 30 mL FUDR mix" over "FUDR dose = 0.12 mg/kg/day x 78 kg x 14 days
        # = 131 mg": a volume given with no strength to convert it gives the one dose its record states.
        return Administration("given", tuple(billed), tuple(given), tuple(given), dose_base=stated, class_only=class_only)
    if total is None:
        return Administration("given", tuple(billed), tuple(given), tuple(given), needed=needed, class_only=class_only)
    if not any(e.routes for e in counted):
        # "Drip: dobutamine ... via R IJ CVC" then "I&O: dobutamine 456 mL": one infusion. So is
        # a dose prepared on one line and "Thymoglobulin infused IV via L chest port" on another:
        # the mention that says how it was given, with no amount of its own, adds no dose.
        counted = counted + [e for e in given if e not in counted and e.routes and (is_drip(note, e) or not e.dose_amounts)]
    return Administration("given", tuple(billed), tuple(given), tuple(counted), dose_base=total, class_only=class_only)


def _dose_the_record_states(note: NoteFacts, facts: CodeFacts, billed: list[DoseEvent], given: list[DoseEvent]) -> float | None:
    """The one dose (in the code's unit kind) that the drug's dose lines state (not a vial's
    content), when every giving states only a volume (not for a combination: its parts' amounts
    are no one dose)."""
    if facts.parts or not all(e.dose_amounts and all(a.kind == "volume" for a in e.dose_amounts) for e in given):
        return None
    stated = {dose for e in billed if e.role == "restatement"
              for a in e.dose_amounts if a.kind != "volume" and not (a.per_kg or a.rate)
              for dose, _ in [to_base(a, facts.unit or "", None, [])] if dose is not None}
    return stated.pop() if len(stated) == 1 else None


def _uncoded_givings(note: NoteFacts, facts: CodeFacts, kb: KnowledgeBase) -> tuple[DoseEvent, ...]:
    """The givings of the first drug given with no HCPCS code of its own, a dosed one first. Under a
    code for one form of a kind of drug ("Antiemetic drug, oral, not otherwise specified"), a drug
    given that way whose codes are all for other forms has none of its own (olanzapine 5 mg PO: its
    code is the long-acting injection's), if it is of the code's kind (metoclopramide 10 mg PO for PONV
    under Q0181, not the acetaminophen tablets given beside it)."""
    routes = set(facts.descriptor_routes)

    def no_code_for_it(e: DoseEvent) -> bool:
        codes = [kb.facts(c) for c in e.mention.codes if c in kb.codes]
        return not codes or (bool(routes) and bool(e.routes) and {r.route for r in e.routes} <= routes
                             and not any(routes & set(f.descriptor_routes) for f in codes))

    def purposes(e: DoseEvent) -> set[str]:
        return {p for c in e.mention.codes if c in kb.codes for p in kb.facts(c).purposes}

    uncoded = [e for e in note.events if e.given and no_code_for_it(e)]
    if kinds := code_kinds(facts.purposes, facts.descriptor):
        # (the acetaminophen tablets beside IV ondansetron are no antiemetic: neither bills as one)
        uncoded = [e for e in uncoded if not e.mention.codes or purposes(e) & kinds]
    first = next((e for e in uncoded if e.dose_amounts), uncoded[0] if uncoded else None)
    return tuple(e for e in uncoded if first is not None and e.mention.same_drug(first.mention))


_RECORD_ROLES = frozenset({"administered", "container", "inventory", "restatement", "waste"})


def _plain_products(facts: CodeFacts, kb: KnowledgeBase, event: DoseEvent) -> frozenset[str]:
    """The codes of the billed drug's plain product among a mention's: not product-specific, no
    class of products ("not otherwise specified"), the same drug. (A code told apart by its maker,
    "cefazolin sodium (baxter)", is named by the maker a line names: note/drugs.py.)"""
    return frozenset(c for c in event.mention.codes if c != facts.code and c in kb.codes
                     and not (f := kb.facts(c)).product_specific and not f.unclassified
                     and "otherwise specified" not in f.descriptor.lower() and f.moiety == facts.moiety)


def _class_only(facts: CodeFacts, event: DoseEvent) -> bool:
    """A product-specific code's drug named only by its class ("IVIG" for Bivigam)."""
    brands = {normalize_name(b) for b in facts.brands}
    # "ARISTADA INITIO (aripiprazole lauroxil)": either name of a gloss pair may be the brand.
    named = {normalize_name(part) for part in event.mention.name.split(" / ")}
    return facts.product_specific and not named & brands and len(event.mention.codes) > 1


def _other_drug_event(note: NoteFacts, facts: CodeFacts, kb: KnowledgeBase, same_drug_only: bool = False) -> DoseEvent | None:
    """Another drug administered, when the billed drug is absent from the note: another product
    of the billed drug (with or without an amount) first, else a drug given with an amount."""
    # Only a drug with a code of its own can be "billed under the wrong code" (not a line's flush or
    # lock, "1000 stop, flushed NS/heparin lock 10 units/mL 5 mL", under another drug's code).
    flushing = _line_care_patterns()[0].search(facts.descriptor) is not None
    coded = [e for e in note.events if e.given and e.mention.codes and facts.code not in e.mention.codes
             and (flushing or not _line_care(note.text, e, kb))]
    others = [e for e in coded if e.dose_amounts]
    # A combination's lead ingredient: plain lidocaine is another product of "lidocaine with epinephrine".
    moiety = re.split(r"\s+(?:with|and)\s+", facts.moiety)[0] if facts.moiety else ""

    def same_drug(e: DoseEvent) -> bool:
        # (by its ingredients too: CMS spells J0665's drug "bupivicaine", the NDCs "bupivacaine hcl")
        return bool(moiety) and any(moiety in normalize_name(name) for f in (kb.facts(c) for c in e.mention.codes if c in kb.codes)
                                    for name in (f.drug, *f.ingredients))

    # "Seizalam not stocked; generic midazolam 10 mg IM given": another product of the drug,
    # dosed or not (TRUXIMA infused by rows that repeat no amount) before any other drug.
    # (its charted giving, with a route, over a line that only discusses it: "OK to give Advate
    # 50 IU/kg" ... "1512 Advate 2 x 2000 IU vials = 4,000 IU IV push")
    # ("caffeine sodium benzoate 500 mg IV" under caffeine citrate's code: another salt of the drug,
    # with no code of its own, is another product of it too.)
    other_salt = (e for e in note.events if e.given and not e.mention.codes and e.dose_amounts and moiety
                  and counter_ions(note.text[e.mention.start : e.mention.end])
                  and re.search(rf"\b{re.escape(moiety)}\b", normalize_name(note.text[e.mention.start : e.mention.end])))
    same = (next((e for e in others if same_drug(e) and e.routes), None) or next((e for e in others if same_drug(e)), None)
            or next((e for e in coded if same_drug(e)), None) or next(other_salt, None))
    if same_drug_only or same is not None:
        return same
    if not others and facts.unclassified:
        return coded[0] if coded else None  # Dysport given under "unclassified biologics": it has its own code
    # (a kind the descriptor tells counts too: "Omnipaque 300" under a high-osmolar contrast code)
    purposes = set(code_kinds(facts.purposes, facts.descriptor))

    def for_its_purpose(e: DoseEvent) -> bool:
        return bool(purposes & {p for c in e.mention.codes if c in kb.codes
                                for p in code_kinds(kb.facts(c).purposes, kb.facts(c).descriptor)})

    if not others:
        # "Marcaine with epinephrine" infiltrated, no amount, under the lidocaine code: a drug given
        # for the billed drug's purpose (a local anaesthetic, an antiemetic) is the drug documented.
        return next((e for e in coded if for_its_purpose(e)), None)
    similar = set(facts.similar_codes)
    # Then a look-alike code, then one for the billed drug's purpose (not the premedication's
    # diphenhydramine when Lyfgenia was infused under Casgevy's code), then the first that is no
    # premedication, dosed or not ("Premed: cetirizine 10 mg PO" beside Cerezyme's vials and the
    # infusion of them), then the first.
    return (next((e for e in others if e.mention.codes & similar), None) or next((e for e in others if for_its_purpose(e)), None)
            or next((e for e in [*others, *coded] if not premedication(e)), None) or others[0])


@lru_cache(maxsize=1)
def _line_care_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A flush or lock word (data/extract_cues.json `flush_words`, "flushed" and "lock"), anywhere,
    and right after a name or its strength ("heparin flush", "heparin 100 units/mL flush")."""
    words = phrases([*data_file_as("extract_cues.json", ExtractCuesFile).flush_words, "flushed", "lock"])
    return pattern(words), pattern(rf"[ \t]*(?:[\d.,]+[ \t]*(?:units?|u|mg)[ \t]*/[ \t]*ml[ \t]*)?{words}")


def _line_care(text: str, event: DoseEvent, kb: KnowledgeBase) -> bool:
    """A flush or lock of the line: its code's product is one ("heparin lock flush"), or a flush word
    stands right beside the name ("flushed NS/heparin lock", "heparin 100 units/mL flush")."""
    anywhere, after = _line_care_patterns()
    if any(anywhere.search(kb.facts(c).descriptor) for c in event.mention.codes if c in kb.codes):
        return True
    return bool(anywhere.search(text, max(event.sentence.start, event.mention.start - 16), event.mention.start)
                or after.match(text, event.mention.end))


def _plain_product_of_a_premix(note: NoteFacts, facts: CodeFacts, kb: KnowledgeBase, given: list[DoseEvent]) -> frozenset[str]:
    """The codes of the drug's plain product when the billed code is a premix ("midazolam in 0.9%
    sodium chloride") and the note's statements of the drug (the givings, the stock or preparation
    line: "Drug: midazolam 1 mg/mL, 2 mL single-dose vials x2") draw it from vials or push it ("1402
    midazolam 1 mg IV push": a premixed bag runs as an infusion) and name no premix; else none."""
    if not facts.premixed:
        return frozenset()
    vials, pushes, premix = _premix_cues()
    told = [note.text[e.sentence.start : e.sentence.end] for e in note.events if e in given or e.mention.codes & given[0].mention.codes]
    if not any(vials.search(said) or pushes.search(said) for said in told) or any(premix.search(said) for said in told):
        return frozenset()
    return frozenset(c for c in given[0].mention.codes if c in kb.codes and c != facts.code
                     and not kb.facts(c).premixed and not kb.facts(c).product_specific)


def _billed_per_dose_of(facts: CodeFacts, kb: KnowledgeBase, codes: frozenset[str]) -> bool:
    """A generic code billed per dose ("Bcg (intravesical) per instillation") covers every product
    of its drug, though another code bills that product by amount ("TICE BCG" under "Bcg live
    intravesical instillation, 1 mg")."""
    if not facts.per_dose or facts.product_specific or not facts.moiety:
        return False
    return any((m := moiety(kb.facts(c).drug)) == facts.moiety or m.startswith(facts.moiety + " ") for c in codes if c in kb.codes)


@lru_cache(maxsize=1)
def _premix_cues() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cues = data_file_as("extract_cues.json", ExtractCuesFile)
    def words(said: list[str]) -> re.Pattern[str]:
        return re.compile(rf"\b{alternation(said)}\b", re.IGNORECASE)

    return words(cues.vial_words), words(cues.push_words), words(cues.premix_words)


def _dosed_product_giving(note: NoteFacts, facts: CodeFacts, billed: list[DoseEvent], given: list[DoseEvent]) -> DoseEvent | None:
    """The one giving with an amount, of a product of the billed drug that the billed code does not
    bill (a narrower name: TOBI among tobramycin's codes), when every giving under the billed code
    is a bare mention of the drug (no amount, no time)."""
    if any(e.dose_amounts or e.times for e in given):
        return None
    products = [e for e in note.events if e.given and e not in billed and e.dose_amounts and e.mention.codes
                and facts.code not in e.mention.codes and all(e.mention.codes < g.mention.codes for g in given)]
    return products[0] if len({e.mention.codes for e in products}) == 1 else None


def _product_named(note: NoteFacts, event: DoseEvent) -> frozenset[str]:
    """The codes of the product the dose came from, when the sentence names its container, or
    glosses the drug, by a narrower name than the administered mention ("triamcinolone ... from a
    Kenalog-40 vial", "Tacrolimus 1 mg caps (Prograf)")."""
    named = [e.mention.codes for e in note.events
             if e.sentence == event.sentence and e.role in ("container", "restatement") and e.mention.codes
             and e.mention.codes < event.mention.codes]
    return named[0] if named else frozenset()


def _best_code(note: NoteFacts, kb: KnowledgeBase, event: DoseEvent, codes: frozenset[str] | None = None) -> tuple[str | None, int | None]:
    """The code (and units) that fits the documented drug and dose best (among `codes` if given)."""
    candidates = [kb.facts(c) for c in sorted(codes or event.mention.codes) if c in kb.codes]
    candidates = [c for c in candidates if c.unit and c.unit_amount]
    if not candidates:
        return None, None
    best, best_units, best_key = None, None, None
    for facts in candidates:
        dose, _, _ = total_dose([event], facts, note)
        if facts.per_dose:
            units = 1
        elif dose is None:
            continue
        elif facts.tier:
            if not in_tier(dose, facts.unit or "", facts.tier):
                continue
            units = 1
        else:
            units = billing_units(dose, facts.unit or "", facts.unit_amount or 1)
        key = (facts.document is None, (units or 0) * (facts.unit_amount or 0), units)
        if best_key is None or key < best_key:
            best, best_units, best_key = facts, units, key
    if best is None:
        best = next((c for c in candidates if c.document), candidates[0])
    return best.code, best_units
