"""The knowledge base: one `CodeFacts` per code, from the CMS descriptor and the corpus.

Code facts are anchored on the CMS descriptor (the amount per unit, the drug); a corpus
document adds what a descriptor does not say (brands, label routes, containers,
indications). Without a CMS file, the descriptor comes from the document's front matter,
which `docreview index` validates against CMS whenever a CMS file is configured.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from docreview.data_files import CoFormulation, english_words
from docreview.derived_cache import derived, inputs_fingerprint
from docreview.knowledge.corpus import CodeDocument, Indication, Section, load_corpus
from docreview.knowledge.hcpcs import PREMIX_FLUIDS, DescriptorFacts, co_formulated_lead, lead_drug, load_descriptors, parse_descriptor
from docreview.knowledge.packaged import Package, code_entry, descriptors, generic_owners, packaged, stored_parse, symptom_prefixes
from docreview.resources import bundled_corpus, hcpcs_path, load_json
from docreview.units import billing_units, code_unit_kind, in_tier

_WORDS = load_json("drug_words.json")
_SALTS = frozenset(_WORDS["salts"])
_STOP = frozenset(_WORDS["stop_terms"])
_COUNTER_IONS = frozenset(_WORDS.get("counter_ions", []))
_SALT_SPELLINGS: dict[str, str] = _WORDS.get("salt_spellings", {})
_ISOTOPE_SYMBOLS = frozenset(_WORDS.get("isotope_symbols", []))
_ISOTOPE_ELEMENTS = frozenset(_WORDS.get("isotope_elements", []))
_UNCLASSIFIED_RE = re.compile(r"\b(?:" + "|".join(map(re.escape, _WORDS["unclassified_markers"])) + r")\b", re.IGNORECASE)
_CLASS_WORD_RE = re.compile(r"\b(?:" + "|".join(map(re.escape, _WORDS["class_words"])) + r")\b", re.IGNORECASE)
_ISOTOPE_JOINED_RE = re.compile(r"^([a-z]{1,2})(\d{2,3}m?)$")
_ISOTOPE_NUMBER_RE = re.compile(r"^\d{2,3}m?$")
_ADJUNCT_RE = re.compile(r"contrast material|per square centimeter|skin substitute|\bsupply\b", re.IGNORECASE)
_STRENGTH_NAMED_RE = re.compile(r"[\s-](\d{3})\b")  # "Omnipaque 300", "Isovue-370": a strength in the product's name
_IODINE_BAND_RE = re.compile(r"(\d+)\s*(?:-\s*(\d+)|or greater)\s*mg/ml iodine", re.IGNORECASE)


def _in_iodine_band(brand: str, descriptor: str) -> bool:
    """'Omnipaque 300' under "Low osmolar contrast material, 300-399 mg/ml iodine concentration"."""
    named = _STRENGTH_NAMED_RE.search(brand)
    return named is not None and iodine_band_holds(descriptor, int(named.group(1)))


def iodine_band_holds(descriptor: str, mg_per_ml: float) -> bool:
    """The contrast code's iodine band ("200-249 mg/ml iodine concentration") holds the strength."""
    band = _IODINE_BAND_RE.search(descriptor)
    if band is None:
        return False
    low, high = int(band.group(1)), int(band.group(2)) if band.group(2) else 10**6
    return low <= mg_per_ml <= high
_PREMIX_VEHICLE_RE = re.compile(rf"\s+in\s+(?=\d|{PREMIX_FLUIDS}|water\b)")
_VEHICLE_RE = re.compile(r"^(?:\d+%\s*)?(?:normal saline|hypertonic saline|saline|d5w|d5|d10|dextrose|sterile water|water|ringers?|lactated ringers?)\b")


def normalize_name(name: str) -> str:
    """Lower-case, punctuation to spaces: 'Solu-Medrol' -> 'solu medrol'."""
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def counter_ions(name: str) -> frozenset[str]:
    """The salts and esters a drug's name states, one spelling each: 'ondansetron HCl' ->
    {'hydrochloride'}; a premix's vehicle is none ('midazolam in 0.9% sodium chloride')."""
    words = normalize_name(_PREMIX_VEHICLE_RE.split(name.lower(), maxsplit=1)[0]).split()
    return frozenset(_SALT_SPELLINGS.get(w, w) for w in words if w in _COUNTER_IONS)


def moiety(drug: str, keep_vehicle: bool = False) -> str:
    """The drug phrase without salt/form words or a biologic's four-letter suffix:
    'dexamethasone sodium phosphate' -> 'dexamethasone', 'rituximab-pvvr' -> 'rituximab'."""
    # "leuprolide acetate for depot suspension": the dosage form after "for" is no part of the drug.
    drug = re.split(r"\s+for\s+", drug.lower(), maxsplit=1)[0]
    # "epinephrine in sodium chloride (endo)", "midazolam in 0.9% sodium chloride": nor is a
    # premixed product's vehicle (kept where the phrase names the product, not the drug).
    if not keep_vehicle:
        drug = _PREMIX_VEHICLE_RE.split(drug, maxsplit=1)[0]
    words = [w for w in normalize_name(re.sub(r"-[a-z]{4}\b", "", drug)).split() if w not in _SALTS]
    return " ".join(words)


class UnknownCodeError(KeyError):
    def __init__(self, code: str, closest: list[str], known: int, has_cms: bool) -> None:
        super().__init__(code)
        self.code, self.closest, self.known, self.has_cms = code, closest, known, has_cms

    def __str__(self) -> str:
        hint = f" Closest known codes: {', '.join(self.closest)}." if self.closest else ""
        more = (
            ""
            if self.has_cms
            else " Point --hcpcs or DOCREVIEW_HCPCS at a newer CMS HCPCS file for codes added after the bundled 2025 table."
        )
        return f"Unknown code {self.code} ({self.known} codes known).{hint}{more}"


_BIOSIMILAR_SUFFIX_RE = re.compile(r"-[a-z]{4}$")  # FDA's four-letter suffix: "infliximab-dyyb"


@dataclass
class CodeFacts:
    code: str
    descriptor: str
    drug: str
    unit_amount: float | None
    unit: str | None
    up_to: bool
    descriptor_routes: tuple[str, ...]
    tier: tuple[float | None, float | None] | None = None  # (above, up to]: one unit when the day's dose is in the tier
    brands: list[str] = field(default_factory=list)
    labelers: list[str] = field(default_factory=list)  # "pemetrexed (hospira)": the maker that tells this code's product apart
    aliases: list[str] = field(default_factory=list)
    product_specific: bool = False
    routes: list[str] = field(default_factory=list)  # label routes (document) or descriptor routes
    accepted_routes: list[str] = field(default_factory=list)
    containers: str | None = None
    vial_sizes: list[str] = field(default_factory=list)
    indications: list[Indication] = field(default_factory=list)
    # The one use the descriptor bills the code for ("for use as hiv pre-exposure prophylaxis"):
    # a condition of payment the claim codes must meet, not a use a note's reasons are read against.
    restricted_uses: list[Indication] = field(default_factory=list)
    similar_codes: list[str] = field(default_factory=list)
    drug_class: str | None = None
    document: CodeDocument | None = None
    # From the packaged public terminologies (knowledge/packaged.py).
    ingredients: list[str] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)  # analgesic, antiemetic, sedative, antibacterial, ...
    parts: tuple[tuple[str, float], ...] = ()  # a combination's ingredients and their shares of a unit

    @property
    def container_units(self) -> list[float]:
        """Distinct container sizes (one vial, syringe, bag) in billing units, smallest first."""
        return sorted({p.billing_units for p in self.packages if p.billing_units > 0})

    def vials_for(self, units: float) -> list[float]:
        """Container sizes that hold a dose of `units` in one container (CMS: the smallest that fits first)."""
        return [c for c in self.container_units if c + 1e-9 >= units]

    @property
    def indication_prefixes(self) -> list[str]:
        return [p for ind in self.indications for p in ind.icd10]

    @property
    def per_dose(self) -> bool:
        # A gene therapy billed "per treatment" (several bags, one infusion course) is one dose too.
        return self.unit in ("therapeutic dose", "treatment")

    def documented_units(self, dose_base: float | None, givings: int) -> int | None:
        """Units the documentation supports: one per giving for a per-dose code, one for a tier
        code when the day's summed dose lies in the tier; else the summed dose converted once."""
        if self.per_dose:
            return givings or None
        if dose_base is None or not code_unit_kind(self.unit):
            return None
        if self.tier:
            return 1 if givings and in_tier(dose_base, self.unit or "", self.tier) else None
        return billing_units(dose_base, self.unit or "", self.unit_amount or 1)

    @property
    def unclassified(self) -> bool:
        """A code for drugs with no code of their own ("Unclassified drugs", "Compounded drug, not
        otherwise classified"): no note names its drug; the drug given that has no code does."""
        return not self.brands and bool(_UNCLASSIFIED_RE.search(self.descriptor) and _CLASS_WORD_RE.search(self.drug))

    @cached_property
    def counter_ions(self) -> frozenset[str]:
        return counter_ions(self.drug)

    @property
    def premixed(self) -> bool:
        """The drug comes premixed in its vehicle: "midazolam in 0.9% sodium chloride"."""
        return bool(_PREMIX_VEHICLE_RE.search(self.drug))

    @property
    def moiety(self) -> str:
        return moiety(self.drug)

    @cached_property
    def combined_ingredients(self) -> tuple[str, ...]:
        """The active ingredients whose masses one unit counts together: "pertuzumab, trastuzumab,
        and hyaluronidase-zzxf, per 10 mg" is billed by pertuzumab and trastuzumab's combined mg
        (Phesgo's 15 mL vial, 1,200 mg + 600 mg, is 180 units), "casirivimab and imdevimab, 1200 mg"
        by both antibodies'. Not a combination with stated shares (`parts`), nor "cilastatin
        sodium; imipenem, per 250 mg", which counts the imipenem alone; hyaluronidase is dosed in units.
        Bicillin C-R's 100,000-unit code counts its benzathine and procaine penicillin together."""
        if self.parts or ";" in self.descriptor:
            return ()
        named = normalize_name(_PREMIX_VEHICLE_RE.split(self.descriptor.lower(), maxsplit=1)[0]).split()
        moieties = [moiety(i).split() for i in self.ingredients]
        # An ingredient is told by the word no other shares: "penicillin g benzathine and
        # penicillin g procaine, 100,000 units" by "benzathine" and "procaine".
        shared = set.intersection(*(set(w) for w in moieties)) if moieties else set()
        heads = {}
        for words in moieties:
            own = [w for w in words if w not in shared]
            if own and own[0] != "hyaluronidase" and own[0] in named:
                heads.setdefault(own[0], None)
        return tuple(heads) if len(heads) > 1 else ()

    @property
    def display_drug(self) -> str:
        brand = f" ({', '.join(self.brands)})" if self.brands else ""
        return f"{self.drug}{brand}"

    @property
    def allowed_routes(self) -> set[str]:
        return set(self.routes) | set(self.descriptor_routes)

    @property
    def vehicle(self) -> bool:
        """An IV fluid (saline, dextrose, water, Ringer's), a contrast agent or a skin substitute:
        in notes the vehicle or companion of another drug's administration, not a drug of its own."""
        return self.document is None and bool(_VEHICLE_RE.match(self.drug) or _ADJUNCT_RE.search(self.descriptor))

    def names(self) -> list[str]:
        """Every name a note may use for this code's drug (curated first)."""
        if self.unclassified:
            return []  # "unclassified drugs", "compounded drug": no note names the drug by the class
        if self.vehicle:
            # "in NS 100 mL", "D5W premix": a vehicle is not a second drug; only the full phrase names the code.
            # A skin substitute's descriptor lists its products ("grafix core and grafixpl core"): each names it.
            products = [i for i in self.ingredients if i != self.drug and len(i) > 4] if self.unit == "sq cm" else []
            # A contrast agent's product named with its strength ("Omnipaque 300", "Isovue-370") is
            # the product of the code whose iodine band holds that strength (not the bare "Omnipaque",
            # sold in several bands).
            products += [b for b in self.brands if _in_iodine_band(b, self.descriptor)]
            return [n for n in [self.drug, *products] if len(n.split()) > 1 or n in products]
        # A product-specific code (Seizalam, Privigen) is named by its brand, not the generic drug;
        # a biosimilar's suffixed name ("infliximab-dyyb": Inflectra IV, Zymfentra SC) still names
        # its few products (a class the product named resolves).
        named_by_drug = not self.product_specific or bool(_BIOSIMILAR_SUFFIX_RE.search(self.drug))
        out = [*([self.drug] if named_by_drug else []), *self.brands, *self.aliases]
        # (a premix by its whole phrase: plain "lidocaine" is not "lidocaine in 5% dextrose")
        named_moiety = moiety(self.drug, keep_vehicle=True)
        # (so does a biosimilar's moiety, "infliximab" for "infliximab-dyyb": a class its product is
        # one of, as every other biosimilar of it has in its NDC rows' ingredient)
        if named_by_drug and named_moiety and named_moiety not in _STOP and len(named_moiety) > 3:
            out.append(named_moiety)
        out += [variant for name in out for variant in tracer_names(name)]
        # CMS's "influenza virus vaccine" is charted "influenza vaccine" or "flu vaccine".
        out += [variant for name in out if (variant := _VIRUS_VACCINE_RE.sub("vaccine", name)) != name]
        out += [variant for name in out if (variant := _INFLUENZA_VACCINE_RE.sub("flu vaccine", name)) != name]
        return list(dict.fromkeys(n for n in out if n))

    def section(self, wanted: str) -> Section | None:
        return self.document.section(wanted) if self.document else None


_VIRUS_VACCINE_RE = re.compile(r"\bvirus vaccine\b")
_INFLUENZA_VACCINE_RE = re.compile(r"^influenza vaccine\b")


def tracer_names(name: str) -> list[str]:
    """A radiopharmaceutical's other spellings: CMS's "fluoroestradiol f18" is charted "fluoroestradiol
    F 18" or "F18", and "iodine i-131 iobenguane" as "iobenguane I 131" or "iobenguane" (the compound
    alone, never the element's name alone). No isotope in the name: none."""
    words = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("-", " ")).split()
    isotope: list[int] = []  # the positions of the isotope's words
    for i, word in enumerate(words):
        joined = _ISOTOPE_JOINED_RE.match(word)
        if joined and joined.group(1) in _ISOTOPE_SYMBOLS:
            isotope = [i]
            parts = [joined.group(1), joined.group(2)]
            break
        if word in _ISOTOPE_SYMBOLS and i + 1 < len(words) and _ISOTOPE_NUMBER_RE.match(words[i + 1]):
            isotope = [i, i + 1]
            parts = [word, words[i + 1]]
            break
    if not isotope:
        return []
    rest = [w for i, w in enumerate(words) if i not in isotope and w not in _ISOTOPE_ELEMENTS]
    if not rest or len(rest) > 2 or not english_words().isdisjoint(rest):
        return []  # "tc-99m from non-highly enriched uranium source": a description, not a tracer's name
    out = [" ".join([*rest, *parts]), " ".join([*rest, "".join(parts)]), " ".join([*parts, *rest]), " ".join(["".join(parts), *rest])]
    if len(rest) == 1 and len(rest[0]) >= 8:
        out.append(rest[0])  # "iobenguane", "fluoroestradiol"; not "choline" (a nutrient too)
    return out



_COFORMULATION_RE = re.compile(r"\band\s+hyaluronidase(?:-([a-z]{4}))?\b", re.IGNORECASE)


def _coformulation_names(drug: str, descriptor: str) -> list[str]:
    """A subcutaneous co-formulation is charted by its full name: "Injection, trastuzumab, 10 mg
    and hyaluronidase-oysk" is "trastuzumab and hyaluronidase-oysk" (or "trastuzumab-hyaluronidase")."""
    m = _COFORMULATION_RE.search(descriptor)
    name = drug.split(" and ")[0].strip()
    if m is None or not name or "/" in name:
        return []
    suffix = f"-{m.group(1).lower()}" if m.group(1) else ""
    return list(dict.fromkeys([f"{name} and hyaluronidase{suffix}", f"{name} and hyaluronidase", f"{name}-hyaluronidase{suffix}"]))


_EXAMPLES_RE = re.compile(r"\(e\.g\.,?\s*([^()]+)\)", re.IGNORECASE)


def _example_names(descriptor: str) -> list[str]:
    """A class code names the drugs it bills as examples: "visualization adjunct (e.g., methylene
    blue, isosulfan blue)" is charted as isosulfan blue ("(e.g., liquid)", a form's example in plain
    English, names no drug)."""
    m = _EXAMPLES_RE.search(descriptor)
    if m is None:
        return []
    items = [item.strip().lower() for item in re.split(r",|\bor\b", m.group(1)) if item.strip()]
    english = english_words()
    return [item for item in items if item not in _STOP and not all(word in english for word in item.split())]


_PAIR_RE = re.compile(r"([a-z][a-z-]+(?: [a-z]+)?) and ([a-z][a-z-]+(?: [a-z]+)?)")


def _combination_names(drug: str) -> list[str]:
    """A two-drug combination is charted with its moieties joined, in either order: "albuterol and
    ipratropium bromide" is "ipratropium-albuterol", "albuterol/ipratropium"."""
    m = _PAIR_RE.fullmatch(drug)
    if m is None:
        return []
    first, second = moiety(m.group(1)), moiety(m.group(2))
    if not first or not second or first == second or " " in first or " " in second:
        return []
    return [f"{a}{joint}{b}" for a, b in ((first, second), (second, first)) for joint in ("-", "/")]


_TRACER_RE = re.compile(r"(?P<element>[a-z]+) (?P<symbol>[a-z]{1,2})[- ]?(?P<mass>\d{1,3}m?) (?P<compound>[a-z][a-z0-9 -]*)")


def _tracer_names(drug: str) -> list[str]:
    """A radiopharmaceutical is charted by its isotope's short forms: "lutetium lu 177 dotatate"
    is "Lu-177 DOTATATE", "177Lu-dotatate" or "lutetium-177 dotatate"."""
    m = _TRACER_RE.fullmatch(drug)
    if m is None:
        return []
    element, symbol, mass, compound = m.group("element", "symbol", "mass", "compound")
    return list(dict.fromkeys([f"{symbol}-{mass} {compound}", f"{symbol} {mass} {compound}", f"{symbol}{mass} {compound}",
                               f"{mass}{symbol} {compound}", f"{mass}{symbol}-{compound}", f"{element}-{mass} {compound}",
                               f"{element} {mass} {compound}"]))


class KnowledgeBase:
    """Codes known to docreview: the CMS file's (when given) plus the corpus's."""

    def __init__(self, corpus_dir: Path | None = None, hcpcs: Path | None = None) -> None:
        self.corpus_dir = Path(corpus_dir) if corpus_dir else bundled_corpus()
        self.hcpcs = hcpcs
        # Parsing the documents' YAML is most of building a knowledge base: kept between runs.
        load = derived("corpus", inputs_fingerprint([self.corpus_dir]), lambda: load_corpus(self.corpus_dir))
        self.load_errors = load.errors
        self.documents: dict[str, CodeDocument] = {}
        self.general: list[CodeDocument] = []
        for doc in load.documents:
            if doc.code == "GENERAL" or (doc.front and doc.front.code.upper() == "GENERAL"):
                self.general.append(doc)
            else:
                self.documents.setdefault(doc.code, doc)
        self.cms: dict[str, str] = load_descriptors(str(hcpcs)) if hcpcs else {}
        # Every drug code of the CMS 2025 table ships with docreview; a CMS file overrides it.
        self.packaged: dict[str, str] = descriptors()
        # Codes the documents name as look-alikes, with their CMS descriptor: known (drug, unit,
        # brands) without a CMS file, so a note naming their drug is read as that code's drug.
        self.neighbours: dict[str, str] = {}
        for doc in self.documents.values():
            for similar in doc.front.similar_codes if doc.front else ():
                if similar.descriptor:
                    self.neighbours.setdefault(similar.code.strip().upper(), " ".join(similar.descriptor.split()))

    @cached_property
    def codes(self) -> list[str]:
        documented = {c for c, d in self.documents.items() if d.front and d.front.descriptor}
        return sorted(set(self.cms) | set(self.packaged) | documented | set(self.neighbours))

    def descriptor(self, code: str) -> str | None:
        if code in self.cms:
            return self.cms[code]
        if code in self.packaged:
            return self.packaged[code]
        doc = self.documents.get(code)
        if doc and doc.front and doc.front.descriptor:
            return doc.front.descriptor
        return self.neighbours.get(code)

    def facts(self, code: str) -> CodeFacts:
        code = code.strip().upper()
        return self._facts(code)

    @lru_cache(maxsize=4096)  # noqa: B019 - one knowledge base lives per process
    def _facts(self, code: str) -> CodeFacts:
        descriptor = self.descriptor(code)
        if descriptor is None:
            raise UnknownCodeError(code, self.closest(code), len(self.codes), bool(self.cms))
        parsed = self.parse(code, descriptor)
        doc = self.documents.get(code)
        front = doc.front if doc else None
        entry = code_entry(code) if code in self.packaged else None
        # A long descriptor that names no route: the short description's ("Netupitant palonosetron oral").
        descriptor_routes = parsed.routes or tuple(entry.short_routes if entry is not None and entry.descriptor == descriptor else ())
        facts = CodeFacts(
            code=code,
            descriptor=descriptor,
            drug=parsed.drug,
            unit_amount=parsed.unit_amount,
            unit=parsed.unit,
            up_to=parsed.up_to,
            descriptor_routes=descriptor_routes,
            tier=parsed.tier,
            parts=parsed.parts,
            brands=list(parsed.brands),
            labelers=list(parsed.labelers),
            routes=list(descriptor_routes or self._without_co_formulation(descriptor)),
            document=doc,
        )
        if front:
            facts.brands = list(dict.fromkeys([*front.brands, *parsed.brands]))
            facts.aliases = list(front.aliases)
            facts.product_specific = front.product_specific
            # (a route the document accepts as a use only, "epidural" for Depo-Medrol, stays a warning
            # though the descriptor's depot form lists it)
            facts.routes = [r for r in dict.fromkeys([*front.routes, *parsed.routes]) if r not in front.accepted_routes]
            facts.descriptor_routes = tuple(r for r in facts.descriptor_routes if r not in front.accepted_routes)
            facts.accepted_routes = list(front.accepted_routes)
            facts.containers = front.containers
            facts.vial_sizes = list(front.vial_sizes)
            facts.indications = list(front.indications)
            facts.similar_codes = [s.code.upper() for s in front.similar_codes]
            facts.drug_class = front.drug_class
        elif parsed.names_a_product:
            # CMS names a product only to tell it from other codes of the same drug: the generic
            # name then identifies none of them ("immune globulin, (gammagard liquid)").
            facts.product_specific = self._drug_code_counts.get(normalize_name(parsed.drug), 0) > 1
        self._add_packaged(facts)
        facts.aliases.extend(a for a in [*_coformulation_names(facts.drug, descriptor), *_tracer_names(facts.drug), *_combination_names(facts.drug),
                                         *_example_names(descriptor)]
                             if a not in facts.aliases)
        if not facts.indications:
            facts.indications = self._related_indications(facts)
        return facts

    def _related_indications(self, facts: CodeFacts) -> list[Indication]:
        """A code with no known use borrows the curated uses of another code of the same drug
        ("immune globulin (panzyga)" from the Privigen document). Marked `related`: they confirm
        a documented reason (and name its words) but, not being this product's label, refute none."""
        # The same drug by its moiety: a biosimilar ("epoetin alfa-epbx") borrows its reference's.
        drug = moiety(facts.drug)
        borrowed: dict[str, Indication] = {}
        for code, doc in sorted(self.documents.items()):
            if code == facts.code or not doc.front or not doc.front.indications:
                continue
            if moiety(self.parse(code, self.descriptor(code) or "").drug) != drug:
                continue
            for ind in doc.front.indications:
                borrowed.setdefault(ind.name, ind.model_copy(update={"source": "related"}))
        if not borrowed:
            # No curated document: the terminologies' uses of another code of the drug
            # (Q5106 epoetin alfa-epbx from J0885 epoetin alfa).
            head = drug.split()[0] if drug else ""
            for code in self.codes:
                descriptor = self.descriptor(code) or ""
                if code == facts.code or head not in descriptor.lower():
                    continue  # a cheap test first: a cold check has no time to parse every descriptor
                entry = code_entry(code)
                if entry is None or not entry.indications or moiety(self.parse(code, descriptor).drug) != drug:
                    continue
                for ind in entry.indications:
                    if ind.source == "hcpcs":
                        continue  # another code's condition of payment, no use of the drug
                    borrowed.setdefault(ind.name + ind.icd10, Indication.model_construct(name=ind.name, icd10=[ind.icd10], terms=[], source="related"))
        return list(borrowed.values())

    def _add_packaged(self, facts: CodeFacts) -> None:
        """Names, packages, classes and indications from the packaged terminologies."""
        entry = code_entry(facts.code)
        if entry is None:
            return
        facts.ingredients = list(entry.ingredients)
        facts.packages = list(entry.packages)
        facts.classes = list(entry.classes)
        facts.purposes = list(entry.purposes)
        facts.drug_class = facts.drug_class or entry.drug_class
        known = {normalize_name(b) for b in facts.brands}
        facts.brands.extend(b for b in entry.brands if normalize_name(b) not in known)
        # Ingredient names a note may use ("fentanyl citrate"); a product-specific code is
        # named by its products only (edge case 7: generic midazolam is not Seizalam).
        names: list[str] = []
        if facts.product_specific:
            pass
        elif len(entry.generics) <= 1 and len({moiety(i) for i in entry.ingredients}) <= 1:
            names = [*entry.ingredients, *entry.generics]
        else:
            # A combination (piperacillin/tazobactam) is named by an ingredient no other code has;
            # one with no product of its own by an ingredient only its drug's codes have
            # (casirivimab: the three codes of "casirivimab and imdevimab").
            names = [g for g in entry.generics
                     if all(c == facts.code or (not entry.packages and (code_entry(c) or entry).drug == entry.drug)
                            for c in self._generic_owners.get(g, ()))]
        if names and not facts.product_specific:
            # "Mircera (methoxy polyethylene glycol-epoetin beta)" under Q9973, whose own NDC rows
            # name only "epoetin beta": a code of the same drug sold under the same brand names it too.
            names += self._brand_siblings_ingredients(facts.drug, frozenset(normalize_name(b) for b in entry.brands))
        for name in names:
            if normalize_name(name) in _ISOTOPE_ELEMENTS:
                continue  # "iodine" is an ingredient of iobenguane I-131, never its name
            if len(normalize_name(name)) >= 4 and normalize_name(name) not in {normalize_name(facts.drug), *map(normalize_name, facts.aliases)}:
                facts.aliases.append(name)
        if facts.document is not None and facts.product_specific:
            return  # a product's label (Seizalam: status epilepticus) is narrower than its ingredient's uses
        curated_prefixes = {icd for ind in facts.indications for icd in ind.icd10}
        for ind in entry.indications:
            if ind.source == "hcpcs":
                facts.restricted_uses.append(Indication.model_construct(name=ind.name, icd10=[ind.icd10], terms=[], source=ind.source))
            elif ind.icd10 not in curated_prefixes:
                # Validated when the package data loaded: construct without validating again.
                facts.indications.append(Indication.model_construct(name=ind.name, icd10=[ind.icd10], terms=[], source=ind.source))
        if entry.symptom_groups:
            facts.indications.append(Indication(name=f"{' / '.join(entry.symptom_groups)} symptoms",
                                                icd10=symptom_prefixes(entry.symptom_groups), source="icd10cm-symptom"))

    def _brand_siblings_ingredients(self, drug: str, brands: frozenset[str]) -> list[str]:
        """Ingredient names of the packaged codes of `drug` that share one of `brands`."""
        if not brands:
            return []
        key = normalize_name(drug)
        return [name for sibling_brands, ingredients in self._ingredients_by_drug.get(key, ()) if sibling_brands & brands
                for name in ingredients]

    @cached_property
    def _ingredients_by_drug(self) -> dict[str, list[tuple[frozenset[str], tuple[str, ...]]]]:
        # Every shipped code is read to build it: kept between runs, as the families are.
        def build() -> dict[str, list[tuple[frozenset[str], tuple[str, ...]]]]:
            out: dict[str, list[tuple[frozenset[str], tuple[str, ...]]]] = {}
            for entry in packaged().codes.values():
                if entry.parsed is not None and entry.ingredients and len(entry.ingredients) == 1:
                    out.setdefault(normalize_name(entry.parsed.drug), []).append(
                        (frozenset(normalize_name(b) for b in entry.brands), tuple(entry.ingredients)))
            return out

        return derived("brand-ingredients", self.inputs_key, build)

    def _without_co_formulation(self, descriptor: str) -> tuple[str, ...]:
        """'Injection, daratumumab, 10 mg' beside 'daratumumab, 10 mg and hyaluronidase-fihj': the
        drug's product without the co-formulated partner, by its routes (data/routes.json)."""
        co = self._co_formulated.get(lead_drug(descriptor) or "")
        return tuple(co.without) if co is not None and co_formulated_lead(descriptor) is None else ()

    @cached_property
    def _co_formulated(self) -> dict[str, CoFormulation]:
        """Lead drug -> its co-formulation, over every descriptor known."""
        found = (co_formulated_lead(d) for d in {**self.packaged, **self.cms}.values())
        return {lead: routes for lead, routes in filter(None, found)}

    @staticmethod
    def parse(code: str, descriptor: str) -> DescriptorFacts:
        """The descriptor's facts: stored at build time for the packaged table, parsed live otherwise."""
        stored = stored_parse(code, descriptor)
        if stored is None:
            return parse_descriptor(code, descriptor)
        return DescriptorFacts(code=code, descriptor=descriptor, drug=stored.drug, brands=tuple(stored.brands),
                               labelers=tuple(stored.labelers), unit_amount=stored.unit_amount, unit=stored.unit,
                               up_to=stored.up_to, tier=stored.tier, routes=tuple(stored.routes), qualifiers=tuple(stored.qualifiers),
                               lead_brand=stored.lead_brand, or_equivalent=stored.or_equivalent, parts=tuple(stored.parts))

    @cached_property
    def _generic_owners(self) -> dict[str, set[str]]:
        return generic_owners()

    @cached_property
    def _drug_code_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for code in self.codes:
            drug = normalize_name(self.parse(code, self.descriptor(code) or "").drug)
            counts[drug] = counts.get(drug, 0) + 1
        return counts

    def closest(self, code: str, n: int = 5) -> list[str]:
        return difflib.get_close_matches(code.upper(), self.codes, n=n, cutoff=0.6)

    def all_facts(self) -> list[CodeFacts]:
        return [self.facts(code) for code in self.codes]

    def family(self, facts: CodeFacts) -> list[CodeFacts]:
        """Codes of the same drug and formulation at other strengths (J1020/J1030/J1040)."""
        key = (normalize_name(facts.drug), facts.unit)
        return [self.facts(code) for code in self._families.get(key, ()) if code != facts.code]

    @cached_property
    def inputs_key(self) -> str:
        """What this knowledge base was built from (corpus, CMS file, shipped tables): a key for derived indexes."""
        return inputs_fingerprint([self.corpus_dir, self.hcpcs])

    @cached_property
    def counter_ions_by_code(self) -> dict[str, frozenset[str]]:
        """The salts and esters each code's drug states (codes that state none left out): indexed
        once and kept between runs, so a note's "caffeine sodium benzoate" builds no code's facts."""
        def build() -> dict[str, frozenset[str]]:
            return {f.code: f.counter_ions for f in self.all_facts() if f.counter_ions}

        return derived("code-counter-ions", self.inputs_key, build)

    @cached_property
    def _families(self) -> dict[tuple[str, str | None], list[str]]:
        # Indexed once, and kept between runs: a review must not walk every known code (1,830 with the packaged table).
        def build() -> dict[tuple[str, str | None], list[str]]:
            out: dict[tuple[str, str | None], list[str]] = {}
            for f in self.all_facts():
                out.setdefault((normalize_name(f.drug), f.unit), []).append(f.code)
            return out

        return derived("code-families", self.inputs_key, build)


@lru_cache(maxsize=8)
def _cached_kb(corpus: str, hcpcs: str | None) -> KnowledgeBase:
    return KnowledgeBase(Path(corpus), Path(hcpcs) if hcpcs else None)


def knowledge_base(corpus: Path | None = None, hcpcs: Path | str | None = None) -> KnowledgeBase:
    """A process-wide knowledge base for these inputs (defaults: bundled corpus, DOCREVIEW_HCPCS)."""
    corpus_path = Path(corpus) if corpus else bundled_corpus()
    cms = hcpcs_path(hcpcs)
    return _cached_kb(str(corpus_path.resolve()), str(cms.resolve()) if cms else None)
