"""Every vocabulary and rule file in docreview/data, with the pydantic model that validates it.

Loading through `data_file(name)` turns a typo in a data file (a ConText direction spelt
wrong, a section kind that no stage reads) into an error at load time, not a rule that
silently matches nothing. tests/test_data_files.py loads every file in data/ this way, and
fails for a file that has no model here.
"""

from __future__ import annotations

from functools import cache
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from docreview.records import Record
from docreview.resources import load_json


class _File(Record):
    model_config = ConfigDict(extra="forbid")
    comment: str | None = Field(default=None, alias="_comment")
    about: str | None = Field(default=None, alias="_about")


class ContextRule(Record):
    """medspaCy's ConTextRule shape: a literal phrase or a token pattern of LOWER values."""

    model_config = ConfigDict(extra="forbid")
    literal: str
    category: Literal["NOT_GIVEN", "PLANNED", "HISTORICAL", "ADMINISTERED", "ELSEWHERE", "PSEUDO", "TERMINATE", "POSSIBLE_EXISTENCE"]
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    max_scope: int = Field(ge=0, le=50)
    max_targets: int | None = Field(default=None, ge=1)
    pattern: list[dict[Literal["LOWER"], str]] | None = None

    def words(self) -> tuple[str, ...]:
        if self.pattern:
            return tuple(token["LOWER"].lower() for token in self.pattern)
        return tuple(self.literal.lower().split())


class ContextRulesFile(_File):
    context_rules: list[ContextRule]


class SectionGroup(Record):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["administration", "not_given", "plan", "history", "reason", "neutral"]
    category: str
    headers: list[str]


class HeaderWordGroup(Record):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["administration", "not_given", "plan", "history", "reason", "neutral"]
    category: str
    words: list[str]
    unless: list[str] = Field(default_factory=list)  # "Pump history": the device's log of this infusion


class SectionsFile(_File):
    sections: list[SectionGroup]
    header_words: list[HeaderWordGroup] = Field(default_factory=list)
    sentences_note: str | None = Field(default=None, alias="_sentences")
    abbreviations: list[str] = Field(default_factory=list)  # "Dr." ends no sentence
    dotted_continuations: list[str] = Field(default_factory=list)  # "q4h. p.r.n.": the period before one ends no sentence
    lead_in_endings_note: str | None = Field(default=None, alias="_lead_in_endings")
    lead_in_endings: list[str] = Field(default_factory=list)  # "Right now include:" heads no section


class RouteWords(Record):
    model_config = ConfigDict(extra="forbid")
    stated: list[str] = Field(default_factory=list)
    implied: list[str] = Field(default_factory=list)


class CoFormulation(BaseModel):
    """The routes of a drug's product made with a co-formulated partner, and of its product without."""

    model_config = ConfigDict(extra="forbid")
    with_: list[str] = Field(alias="with", min_length=1)
    without: list[str] = Field(min_length=1)


class RoutesFile(_File):
    model_config = ConfigDict(extra="allow")  # further route tables (descriptor words, route families)
    routes: dict[str, RouteWords]
    descriptor_route_words: dict[str, str]
    injection_routes: list[str]
    steroid_site_routes: list[str]
    fits_as: dict[str, list[str]] = Field(default_factory=dict)
    fits_as_about: str | None = Field(default=None, alias="_fits_as")
    taken_routes: list[str] = Field(default_factory=list)  # "oral": taken, not injected
    taken_routes_about: str | None = Field(default=None, alias="_taken_routes")
    depot_forms: dict[str, list[str]] = Field(default_factory=dict)  # "decanoate": the routes a depot form allows
    infusion_routes: list[str] = Field(default_factory=list)  # "Infusion, normal saline": the routes an infusion code allows
    co_formulations: dict[str, CoFormulation] = Field(default_factory=dict)  # "and hyaluronidase": the SC product
    co_formulations_about: str | None = Field(default=None, alias="_co_formulations")
    infusion_routes_about: str | None = Field(default=None, alias="_infusion_routes")
    depot_forms_about: str | None = Field(default=None, alias="_depot_forms")

    @model_validator(mode="after")
    def _known_routes(self) -> RoutesFile:
        named = [*self.descriptor_route_words.values(), *self.injection_routes, *self.steroid_site_routes,
                 *self.fits_as, *(r for rs in self.fits_as.values() for r in rs), *(r for rs in self.depot_forms.values() for r in rs), *self.taken_routes, *self.infusion_routes,
                 *(r for c in self.co_formulations.values() for r in (*c.with_, *c.without))]
        unknown = {r for r in named if r not in self.routes}
        if unknown:
            raise ValueError(f"routes named but not defined: {sorted(unknown)}")
        return self


UnitKind = Literal["mass", "units", "volume", "equivalents", "area", "activity", "pfu", "vg", "containers"]


class UnitsFile(_File):
    model_config = ConfigDict(extra="allow")
    descriptor_units: dict[str, str]
    note_units: dict[str, tuple[UnitKind, float]]
    unit_kinds: dict[str, tuple[UnitKind, float]]


class Condition(Record):
    model_config = ConfigDict(extra="allow")
    name: str
    icd10: list[str]
    terms: list[str]


class CancerSites(Record):
    model_config = ConfigDict(extra="allow")
    heads: list[str] = Field(min_length=1)  # "carcinoma", "scc": a cancer noun
    sites: dict[str, list[str]] = Field(min_length=1)  # "larynx" -> ["C32"]: a site word and its ICD-10-CM prefixes


class ConditionsFile(_File):
    model_config = ConfigDict(extra="allow")
    conditions: list[Condition]
    cancer_sites: CancerSites | None = None
    word_abbreviations: dict[str, str] = {}  # "d/o" -> "disorder", inside a condition's name
    word_forms: dict[str, str] = {}  # "calculi" -> "calculus": an irregular plural read as its singular
    capitals_only: list[str] = []  # abbreviations that are also words ("all", "hit"): only as "ALL", "HIT"
    cue_only: list[str] = []  # abbreviations with another sense in charts ("OD"): only as "Dx: OD", "for OD"
    not_diagnoses: list[str] = []  # "allergy": a list's name in a note ("ED allergy: PCN"), never a reason


class Purpose(Record):
    model_config = ConfigDict(extra="allow")
    name: str
    classes: list[str]
    cues: list[str]
    by_timing: bool = True  # also inferred from a documented procedure and the dose's timing
    icd10: list[str] = []  # claim codes that name the purpose itself (G89.1 acute postprocedural pain)


class PurposesFile(_File):
    model_config = ConfigDict(extra="allow")
    purposes: list[Purpose]


class DrugWordsFile(_File):
    model_config = ConfigDict(extra="allow")
    salts: list[str]
    stop_terms: list[str]
    labelers: list[str]
    labeler_short_names: dict[str, list[str]] = {}  # "ims" for "international medication systems": how charts write the maker
    salt_spellings: dict[str, str] = {}  # "hcl" -> "hydrochloride": one salt, two spellings
    counter_ions: list[str] = []  # "citrate", "benzoate": a salt or ester a product's name states (no form, no hydrate)
    isotope_symbols: list[str] = []  # "f" in "fluoroestradiol f18"
    isotope_elements: list[str] = []  # "iodine" in "iodine i-131 iobenguane": never the tracer's name alone
    descriptor_list_words: list[str] = []  # "or" in "myotonachol or urecholine": joins product names in a descriptor
    unclassified_markers: list[str] = Field(default_factory=list)  # "not otherwise classified": a code for drugs with no code
    class_words: list[str] = Field(default_factory=list)  # "drugs" in "unclassified drugs": the code names a class, not a drug
    formulation_words: list[str] = []  # "liposomal": a code of its own formulation shares no other formulation's brands
    formulation_spellings: dict[str, str] = {}  # "XR" beside a drug's name -> the descriptors' "extended release"
    plain_formulation_words: list[str] = []  # "conventional doxorubicin": none of the drug's special formulations
    dose_forms_stated: dict[str, list[str]] = {}  # "unit-dose vial", "UD" after an inhaled drug -> the descriptors' "unit dose"
    package_words: list[str] = []  # "depot" in "Sandostatin LAR Depot": a brand is charted without its last package word


class OtherDrugsFile(_File):
    model_config = ConfigDict(extra="allow")
    names: list[str]


class DrugAbbreviationsFile(_File):
    """data/drug_abbreviations.json: chart abbreviation -> the drug name the knowledge base uses."""

    abbreviations: dict[str, str] = Field(min_length=1)
    fluids_about: str | None = None
    fluids: dict[str, list[str]] = Field(default_factory=dict)  # "d5ns": the CMS fluid codes' drug phrases it is
    bare_fluid_about: str | None = None
    bare_fluids: dict[str, list[str]] = Field(default_factory=dict)  # "sterile saline": the CMS fluid codes' drug phrases it is
    bare_fluid_words_before: list[str] = Field(default_factory=list)  # "hypertonic saline": another product
    bare_fluid_words_after: list[str] = Field(default_factory=list)  # "saline nasal spray", "saline-soaked gauze": no infusion
    route_suffixes_about: str | None = None
    route_suffixes: list[str] = Field(default_factory=list)
    short_alias_after_about: str | None = None
    short_alias_after: list[str] = Field(default_factory=list)  # "TNK HELD": a short abbreviation's drug with no number


class WasteWordsFile(_File):
    leftover: list[str] = Field(min_length=1)
    given_after: list[str] = Field(min_length=1)  # "Remaining 75 mg IV push": the rest of the dose, given
    discard_verbs: list[str] = Field(min_length=1)
    used_up: list[str] = Field(min_length=1)
    used_in_full_verbs: list[str] = Field(min_length=1)  # "entire vial administered", "entire 300 mg nebulized"
    containers: list[str] = Field(min_length=1)
    no_container_forms: list[str] = Field(min_length=1)  # "metered dose inhaler": a descriptor's product with no single-dose container
    not_drug_before: list[str] = []  # "post-void residual 110 mL": urine left in the bladder, no drug


class ReasonCuesFile(_File):
    """data/reason_cues.json: what ties a reason to the drug, diagnostic positions, procedures and timing."""

    link: list[str] = Field(min_length=1)
    diagnosis_lines: list[str] = Field(min_length=1)
    diagnosis_fields: list[str] = Field(default_factory=list)  # "Dx: BPDCN": the field's content is a reason
    field_references: list[str] = Field(default_factory=list)  # "Dx: see problem list": the field points elsewhere
    diagnosis_before: list[str] = Field(min_length=1)
    problem_after: list[str] = Field(min_length=1)
    on_not_a_treatment: list[str] = Field(min_length=1)
    procedure_headers: list[str] = Field(min_length=1)
    procedure_suffixes: list[str] = Field(min_length=1)
    procedure_words: list[str] = Field(min_length=1)
    timing_words: list[str] = Field(min_length=1)
    timing_relations: list[str] = Field(min_length=1)
    procedure_events: list[str] = Field(min_length=1)
    off_label: list[str] = []  # "off-label for ACE-I angioedema": the note itself says the use is not a labelled one
    test_nouns: list[str] = []  # "STRESS TEST", "pregnancy test": a condition word naming a test is no reason
    hypothetical: list[str] = Field(min_length=1)  # "call sooner if pain": the ConText cues before a condition that may never happen
    esrd_icd10: list[str] = Field(min_length=1)  # N18.6, Z99.2: the claim codes an ESRD-on-dialysis code needs (one of)
    chemotherapy_icd10: list[str] = Field(min_length=1)  # C, D0-D4, Z51.1: the claim codes a chemotherapy-time code needs (one of)
    cancer_claim_icd10: list[str] = Field(min_length=1)  # C, D0-D4, Z51.1, Z85 ...: a claim code about a cancer (a J9 code needs one)
    isotope_codes: list[str] = Field(min_length=1)  # "F18", "N13": a radionuclide written like an ICD-10-CM category
    isotope_after: list[str] = Field(min_length=1)  # "F18 FDG": the tracer words that make it the isotope
    cycle_before: list[str] = Field(default_factory=list)  # "Next: C10": a chemotherapy cycle's number, no cancer category
    identifier_before: list[str] = Field(min_length=1)  # "lot M24-1107": a lot number, no diagnosis code
    organisms_before: list[str] = Field(default_factory=list)  # "Pseudomonas VAP", "MRSA bacteremia": an organism names the infection after it


class ExtractCuesFile(_File):
    """data/extract_cues.json: the words note/extract.py reads around an administration."""

    repeat_prefixes: list[str] = Field(min_length=1)  # "repeated", "again": the dose given once more
    another: list[str] = Field(min_length=1)  # "(an) additional", "another", before a number or ...
    dose_noun_prefixes: list[str] = Field(min_length=1)  # ... a dose noun: "another bolus"
    further: list[str] = Field(min_length=1)  # "refused further Zofran": later doses, not this one
    kind_givings: dict[str, list[str]] = {}  # "intravenous sedation": a giving told by the drug's kind (a purpose) alone
    descriptor_kinds: dict[str, list[str]] = {}  # a kind a descriptor word gives a code ("contrast")
    injectable_forms: list[str] = []  # "inj 10 mg/mL", "vial": the injectable product named, whatever way it is given
    further_prefixes: list[str] = Field(min_length=1)
    other_formulations: list[str] = Field(default_factory=list)  # "No plain bupivacaine was given": not the Exparel given
    charted_verbs: list[str] = Field(min_length=1)  # "0900 given", "given 0600, 1400": one dose a time
    field_line_prefixes: list[str] = Field(min_length=1)  # "Dose:", "Route:": a field of the same record
    bare_dose_after: list[str] = Field(min_length=1)  # "Toradol 30 stat", besides drug_abbreviations' route_suffixes
    counted_doses: list[str] = Field(min_length=1)  # "4 implants (74.2 mg each)": that many doses
    whole_products: list[str] = Field(default_factory=list)  # "RETISERT 0.59 mg ... implant": put in whole, its content the dose
    paired_sites: list[str] = Field(min_length=1)  # "into each knee": the dose at two sites
    same_procedure: list[str] = Field(min_length=1)  # "the same procedure was carried out": once more
    same_procedure_done: list[str] = Field(min_length=1)
    repeated_procedure: list[str] = Field(min_length=1)  # "the injection was repeated at"
    partial: list[str] = Field(min_length=1)  # "infusion stopped": maybe only part of the dose
    partial_prefixes: list[str] = Field(min_length=1)
    inpatient_stay: list[str] = Field(min_length=1)  # "inpatient admission"
    admitted_to: list[str] = Field(min_length=1)  # "admitted to the ICU"
    procedure_headers: list[str] = Field(min_length=1)  # "PROCEDURE:", whose short body is a title
    finite_verbs: list[str] = Field(min_length=1)  # a sentence that tells what happened, not a title
    injects: list[str] = Field(min_length=1)  # injected during the procedure: takes the title's route
    imaging_words: list[str] = Field(min_length=1)  # "CT images obtained utilizing 100 mL of Isovue": the agent ...
    imaged_with: list[str] = Field(min_length=1)  # ... of the study the title names takes its route
    tissue_placements: list[str] = Field(min_length=1)  # "placed in the incision sites": a local anesthetic ...
    tissue_sites: list[str] = Field(min_length=1)  # ... put into tissue, infiltrated locally
    local_purposes: list[str] = Field(min_length=1)  # "applied for local anesthesia"
    inject_prefixes: list[str] = Field(min_length=1)
    clause_words: list[str] = Field(min_length=1)  # between two drugs: a clause, not a list of drugs
    flush_words: list[str] = Field(default_factory=list)  # "NS flush 10 mL": the fluid's volume, no dose
    carrier_fluids: list[str] = Field(min_length=1)  # "200 mg in 0.9% NaCl 50 mL": the fluid a dose is mixed in ...
    carried_in: list[str] = Field(min_length=1)  # ... after "in", "diluted in": no drug mention of its own
    partner_words: list[str] = Field(default_factory=list)  # "10 mg (20 mL) emulsified w/ Lipiodol": what the dose was given with
    sedation_words: list[str] = Field(min_length=1)  # "titrated intravenous sedation": the route of ...
    other_drugs_words: list[str] = Field(min_length=1)  # "0830 premeds PO given": a line about other drugs
    medication_headers: list[str] = Field(min_length=1)  # ... the drugs listed under "MEDICATIONS:" for it
    draw_words: list[str] = Field(min_length=1)  # "Drew 0.48 mL (240 mcg). Given subcut ...": the giving's dose
    draw_quantifiers: list[str] = Field(default_factory=list)  # "All 36 mL (900 mg) withdrawn"
    dose_lines: list[str] = Field(min_length=1)  # "Dose 0.15 mg/kg = 12 mg.": an unnamed giving's dose line
    giving_nouns: list[str] = Field(min_length=1)  # "infusion started", "injection given": the drug, unnamed
    gloss_gap_words: list[str] = Field(default_factory=list)  # "GELSYN-3 (sodium hyaluronate)": a salt or release form between name and gloss
    mixture_nouns: list[str] = Field(default_factory=list)  # "combined suspension instilled": each drug mixed into it
    procedure_done: list[str] = Field(min_length=1)  # "tolerated both procedures well": a planned injection was done
    local_words: list[str] = Field(default_factory=list)  # "local Xylocaine": the local anesthesia's drug
    anesthesia_nouns: list[str] = Field(default_factory=list)  # "under 2% lidocaine anesthesia"
    general_anesthesia_words: list[str] = Field(default_factory=list)  # "ANESTHESIA: General ... and injectable 1% lidocaine"
    anesthesia_headers: list[str] = Field(min_length=1)  # "ANESTHESIA: Dorsal penile nerve block": the local anesthetic's route
    general_anesthesia_routes: list[str] = Field(default_factory=list)  # "General via endotracheal tube": no local anesthetic's route
    tissue_inject_prefixes: list[str] = Field(min_length=1)  # a local anesthetic "injected" with no route: infiltrated
    route_owners: list[str] = Field(min_length=1)  # "IV fluids", "Topical Gelfoam": the route of that, not of a drug
    feeding_words: list[str] = Field(min_length=1)  # "fed EBM per os": the route of the feeding
    order_headers: list[str] = Field(min_length=1)  # "Order: infliximab ... = 410 mg": the record's drug for a giving that names none
    premix_words: list[str] = Field(default_factory=list)  # "premixed bag": the drug came ready-mixed in its vehicle
    vial_words: list[str] = Field(default_factory=list)  # "1 mL vial", "amp": the drug drawn from a vial, no premix
    push_words: list[str] = Field(default_factory=list)  # "midazolam 1 mg IV push": not a premixed bag
    held_kinds: list[str] = Field(default_factory=list)  # "chemotherapy held": a hold of every default giving before it
    hold_words: list[str] = Field(default_factory=list)  # "held", "not started": the ConText cues that hold a giving by its kind
    hold_ends: list[str] = Field(default_factory=list)  # "then resumed": a pause, no hold
    device_names: list[str] = Field(default_factory=list)  # "insulin syringe", "tuberculin syringe": a device named after a drug
    giving_noun_modifies: list[str] = Field(default_factory=list)  # "injection needle", "infusion center": the noun names no giving
    route_fields: list[str] = Field(default_factory=list)  # "Route: intra-articular": a record's route for the drugs listed above it
    continuations: list[str] = Field(min_length=1)  # "Remaining 75 mg IV push": more of the drug given just before
    continuation_lead_ins: list[str] = Field(min_length=1)  # "In addition, an additional 2 cc were used"
    grid_given_headers: list[str] = Field(min_length=1)  # a MAR grid's column of times given ("Given")
    grid_dose_headers: list[str] = Field(min_length=1)  # ... its column of doses ("Dose")
    grid_when_headers: list[str] = Field(min_length=1)  # ... a date or time column, which makes it a record
    grid_not_given: list[str] = Field(min_length=1)  # "HELD", "refused": a row that records no giving
    route_line_openers: list[str] = Field(min_length=1)  # "Deep IM R dorsogluteal": words a route line may open with
    arrival_words: list[str] = Field(min_length=1)  # "2.5 mL syringe received": a container that arrived, not one given
    infusion_steps: list[str] = Field(min_length=1)  # "0900 start via PIV": a clock time's word that charts an infusion's step


class DoseCuesFile(_File):
    """data/dose_cues.json: the words note/doses.py reads when it adds up a code's doses."""

    carriers: list[str] = Field(min_length=1)  # "diluted in NS 100 mL": a carrier volume, not the dose
    carrier_word_ends: list[str] = Field(min_length=1)
    carrier_after_strength: list[str] = Field(min_length=1)  # "in 0.9% NaCl 100 mL"
    dosed_with: list[str] = Field(default_factory=list)  # "infiltrated with 10 mL": the drug's volume, no carrier's
    drip: list[str] = Field(min_length=1)  # a continuous infusion
    drip_prefixes: list[str] = Field(min_length=1)
    infused_total: list[str] = Field(min_length=1)  # "Pump total: 63 mL = 126 mg" (and "I&O")
    single_dose_devices: list[str] = Field(min_length=1)  # "100 mg/mL prefilled autoinjector": one device holds 1 mL
    next_site: list[str] = Field(min_length=1)  # "the next level": the same dose again, elsewhere
    next_words: list[str] = Field(min_length=1)  # "next", "second" before a next_site word ("a second port")
    other_side: list[str] = Field(min_length=1)  # "the contralateral ...
    other_sites: list[str] = Field(min_length=1)  # ... knee"
    moved_on: list[str] = Field(min_length=1)  # "attention was then turned to"
    vasoconstrictors: list[str] = Field(min_length=1)  # "lidocaine with epinephrine 1:200,000": the ratio is the additive's
    dose_limits: list[str] = Field(min_length=1)  # "-> 5,520 mg, capped at 4,500 mg": a limit after a computed dose
    result_words: list[str] = Field(min_length=1)  # "20 mg/kg equals 1,160 mg": the arithmetic's result is the dose
    record_totals: list[str] = Field(min_length=1)  # "Total infused 12 mg (24 mL).": a line of the drug's record that names no drug
    bags_completed: list[str] = Field(default_factory=list)  # "360 mg/200 mL bag complete": a drip's bag that ran out is its dose
    drip_stops: list[str] = Field(default_factory=list)  # "2150 vasopressin discontinued": the time a titrated drip ended
    later_spans: list[str] = Field(default_factory=list)  # "450 mg in 2 weeks": a dose for a later day
    later_occasions: list[str] = Field(default_factory=list)  # "450 mg next visit", "... at the next infusion"
    later_days: list[str] = Field(default_factory=list)  # "700 mg, given tomorrow": a dose for the next day
    labelled_sites: list[str] = Field(default_factory=list)  # "arterial lumen 1.9 mL, venous lumen 2.0 mL": one dose in parts, by site


class AmountCuesFile(_File):
    """data/amount_cues.json: words around a number with a unit (note/amounts.py, note/annotate.py)."""

    weight_words: list[str] = Field(min_length=1)  # "wt 70 kg"
    not_weight_before: list[str] = []  # "grip strength R 28 kg", "lost 5 kg": a bare kg that is no body weight
    needle_site_words: list[str] = Field(min_length=1)  # "22g L hand PIV": a site between gauge and catheter
    catheter_sites: list[str] = Field(min_length=1)  # "22g R forearm": a limb after a gauge (no needle word)
    eye_sites: list[str] = Field(min_length=1)  # "OD superotemporal 30g": the needle's gauge (no eye takes grams)
    needle_with_verbs: list[str] = Field(min_length=1)  # "injected intralesionally with 30g": the needle's gauge
    needle_after_prefixes: list[str] = Field(min_length=1)  # "22g spinal needle": a gauge, not grams
    needle_before_word_ends: list[str] = Field(min_length=1)  # "PIV 20g"
    line_placed_words: list[str] = Field(default_factory=list)  # "20g IV placed": the line's gauge, not 20 grams given IV
    not_a_strength_after: list[str] = Field(min_length=1)  # "50% of the dose", "98% on room air"
    not_a_strength_after_prefixes: list[str] = Field(min_length=1)
    removed_fluid: list[str] = Field(min_length=1)  # "aspirated 10 mL": out of the patient, never a dose
    measured: list[str] = Field(default_factory=list)  # "FEV1 2.24 L": a test's reading, never a dose
    calculated: list[str] = Field(min_length=1)  # "(calc 2.73 mg) - capped at 2 mg": a formula's figure, not the dose
    bounds: list[str] = Field(default_factory=list)  # "no more than 500 mg": a limit, not an amount given
    unit_forms: list[str] = Field(default_factory=list)  # "250 mg caps": what one capsule holds, not the dose beside it
    counted_before: list[str] = Field(default_factory=list)  # "3 bottles x 450 mL": a count of drinks before each one's amount
    removed_matter: list[str] = Field(default_factory=list)  # "30 mL pus aspirated": what came out, between the amount and its verb
    drawn_up: list[str] = Field(default_factory=list)  # removed_fluid words that also draw a drug up from its vial
    drawn_into: list[str] = Field(default_factory=list)  # "Withdrew 2.31 mL; added to D5W": drawn up, not taken out
    count_nouns: list[str] = Field(default_factory=list)  # "2 tablets (1,000 mg)": what a dose is counted in
    vial_potency: list[str] = Field(default_factory=list)  # "2,000 IU vial, label actual 2,067 IU": what the vial holds
    opened_words: list[str] = Field(default_factory=list)  # "20 mL vials x2 opened (40 mL = 1200 mg)": what the vials held
    glossed_devices: list[str] = []  # "10 mL ready-to-use syringe (400 mcg)": a device whose gloss is what it holds
    therapy_lines: list[str] = []  # "2L therapy", "(DLBCL, 2L)": a line of therapy, not two litres


class DrugLexiconFile(_File):
    """data/drug_lexicon.json: uncoded drug names, built by scripts/build_drug_lexicon.py."""

    names: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _normalised(self) -> DrugLexiconFile:
        bad = [n for n in self.names if n != " ".join(n.split()) or n != n.lower()]
        if bad:
            raise ValueError(f"names must be lower-case, single-spaced: {bad[:5]}")
        return self


class EnglishWordsFile(_File):
    """data/english_words.json: common English words (never an unknown drug name)."""

    words: list[str] = Field(min_length=1)


@cache
def english_words() -> frozenset[str]:
    """Common English words (data/english_words.json): never a drug name on their own."""
    return frozenset(data_file_as("english_words.json", EnglishWordsFile).words)


class DrugShapeFile(_File):
    """data/drug_shape.json: the cues that give away an unlisted drug name (note/drug_shape.py)."""

    dose_units: list[str]
    lab_unit_after: list[str]
    frequencies: list[str]
    dose_forms: list[str]
    vaccine_heads: list[str]
    vaccine_stop: list[str]
    list_categories: list[str]
    not_drugs: list[str]
    inn_stems: list[str]
    before: list[str]
    after: list[str]
    device_after: list[str]
    word_prefixes: list[str]


def _role_cues():
    from docreview.note.roles import RoleCues

    return RoleCues


def _settings():
    from docreview.settings_map import SettingsFile

    return SettingsFile


MODELS = {
    "context_rules.json": lambda: ContextRulesFile,
    "sections.json": lambda: SectionsFile,
    "routes.json": lambda: RoutesFile,
    "units.json": lambda: UnitsFile,
    "conditions.json": lambda: ConditionsFile,
    "purposes.json": lambda: PurposesFile,
    "drug_words.json": lambda: DrugWordsFile,
    "other_drugs.json": lambda: OtherDrugsFile,
    "role_cues.json": _role_cues,
    "drug_lexicon.json": lambda: DrugLexiconFile,
    "english_words.json": lambda: EnglishWordsFile,
    "drug_shape.json": lambda: DrugShapeFile,
    "settings.json": _settings,
    "waste_words.json": lambda: WasteWordsFile,
    "drug_abbreviations.json": lambda: DrugAbbreviationsFile,
    "reason_cues.json": lambda: ReasonCuesFile,
    "extract_cues.json": lambda: ExtractCuesFile,
    "dose_cues.json": lambda: DoseCuesFile,
    "amount_cues.json": lambda: AmountCuesFile,
}


@cache
def data_file(name: str) -> BaseModel:
    """The validated contents of docreview/data/NAME (ValueError naming the file if it is wrong).

    Validated once per docreview build and kept in the derived cache (the key covers every
    package file, these included): building the schemas and validating a dozen files took a
    cold `check` about 25 ms."""
    from docreview.derived_cache import derived

    if name not in MODELS:
        raise KeyError(f"no model for data/{name}: add one to docreview.data_files.MODELS")
    return derived(f"data-{name.removesuffix('.json')}", "", lambda: _validated(name))


M = TypeVar("M", bound=BaseModel)


def data_file_as(name: str, model: type[M]) -> M:
    """data_file(name), typed: the caller names the model it reads the file as."""
    found = data_file(name)
    if not isinstance(found, model):
        raise TypeError(f"data/{name} is a {type(found).__name__}, not a {model.__name__}")
    return found


def _validated(name: str) -> BaseModel:
    try:
        return MODELS[name]().model_validate(load_json(name))
    except ValueError as exc:
        raise ValueError(f"data/{name} is not valid: {exc}") from exc
