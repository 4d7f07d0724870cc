"""CMS HCPCS Level II: read the official file and parse drug descriptors into facts.

Two inputs are understood:
- the CMS fixed-width "ANWEB" file (320-character records, RECID 3/4 = procedure first
  line/continuation; long description at positions 12-91, continued on RECID 4 lines);
- a CSV with `hcpcs` and `long_description` columns (e.g. a drug-code extract).

The descriptor parser turns "Injection, methylprednisolone sodium succinate, up to 125 mg"
into drug names, the amount per billing unit, the unit kind, "up to" and route words.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from docreview.data_files import CoFormulation, RoutesFile, data_file_as, english_words
from docreview.resources import load_json

_RECORD_RE = re.compile(r"^([A-Z0-9 ]{5})(\d{5})([3478])")


class HcpcsFileError(ValueError):
    """The file is not a CMS HCPCS file docreview can read."""


def read_hcpcs(path: str | Path) -> dict[str, str]:
    """Return {code: long descriptor} from a CMS fixed-width file or a CSV extract."""
    path = Path(path)
    if not path.is_file():
        raise HcpcsFileError(f"HCPCS file not found: {path}")
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        head = handle.read(4096)
    if path.suffix.lower() == ".csv" or head.lstrip().lower().startswith("hcpcs,"):
        return _read_csv(path)
    return _read_fixed_width(path)


def _read_csv(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.DictReader(handle)
        fields = {f.lower(): f for f in reader.fieldnames or []}
        code_col = fields.get("hcpcs") or fields.get("code")
        desc_col = fields.get("long_description") or fields.get("long description")
        if not code_col or not desc_col:
            raise HcpcsFileError(f"{path}: a CSV needs 'hcpcs' and 'long_description' columns")
        return {row[code_col].strip().upper(): " ".join(row[desc_col].split()) for row in reader if row[code_col]}


def _read_fixed_width(path: Path) -> dict[str, str]:
    parts: dict[str, list[str]] = {}
    with path.open("r", encoding="latin-1") as handle:
        for line in handle:
            match = _RECORD_RE.match(line)
            if not match or match.group(3) not in "34":  # 7/8 are modifiers
                continue
            code = match.group(1).strip()
            parts.setdefault(code, []).append(line[11:91].strip())
    if not parts:
        raise HcpcsFileError(f"{path}: no CMS HCPCS records found (expected the fixed-width ANWEB layout)")
    return {code: " ".join(" ".join(lines).split()) for code, lines in parts.items()}


# --- descriptor parsing -------------------------------------------------------------------

_UNIT_WORDS: dict[str, str] = load_json("units.json")["descriptor_units"]
_KIND_UNITS = frozenset(load_json("units.json")["unit_kinds"])
_SCALES = {"million": 1e6, "billion": 1e9}
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in _UNIT_WORDS), key=len, reverse=True))
_AMOUNT_RE = re.compile(
    # (?<![a-z]): a unit is a word of its own ("Bcg live" holds no gram).
    # "per single dose vial", "per factor viii i.u.": a word or two may stand between "per" and the unit.
    rf"(?P<upto>up to\s+)?(?P<per>per\s+(?:(?:single|one)[\s-](?:use|dose)\s+|factor\s+[ivx]+\s+)?)?(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)?\s*(?<![a-z])(?P<unit>{_UNIT_ALT})(?![a-z])",
    re.IGNORECASE,
)
# "(500 ml = 1 unit)": the amount one billing unit stands for, written out.
_AMOUNT_PER_UNIT_RE = re.compile(rf"\(\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>{_UNIT_ALT})\s*=\s*1\s+unit\s*\)", re.IGNORECASE)
# A dose tier's bound: "greater than 3 mg, but less than or equal to 6 mg".
# ("over 10 cc": J1560's way of saying "greater than")
_TIER_RE = re.compile(r"\b(?P<rel>greater than|over|less than or equal to)\s+(?P<num>\d[\d,]*(?:\.\d+)?)", re.IGNORECASE)
_RELEASE_RATE_RE = re.compile(r"\bper\s+\d+\s*hours?\b", re.IGNORECASE)
_PER_DOSE_RE = re.compile(r"\bper (?:therapeutic |study )?dose\b|\bdays of therapy\b|\bper (?:infusion|instillation)\b", re.IGNORECASE)
# With no amount to bill by, a device or a counted item is billed one per item: "vaginal ring, each",
# "implant system", "intrauterine copper contraceptive (paragard)", "urethral suppository"; so is
# a vaccine, one per dose given ("Influenza virus vaccine, split virus, ... (fluzone)").
_EACH_ITEM_RE = re.compile(r",\s*each\b|\b(?:implants?|system|ring|suppository|contraceptive|vaccines?)\b", re.IGNORECASE)
# "for topical administration", "for inhalation", "administered as inhalation solution through a
# nebulizer". (Not "for administration through dme": J1811, J1813 and J1817 are the pump's
# insulins, whose codes other insulins' names must not share.)
_GIVEN_HOW_RE = re.compile(r"\s+(?:for\s+(?:[a-z]+\s+administration|inhalation|instillation)|administered\s+(?:as|through))\b.*$")
# "Drug administered through a metered dose inhaler" (J3535) names no drug once the "how" is cut.
_GENERIC_NOUNS = frozenset({"drug", "drugs", "medication", "biological"})
# Not a product name: an example, an origin, a factor, or a class abbreviation ("(g-csf)", "(gm-csf)").
_NOT_BRAND_RE = re.compile(r"^(?:e\.g|i\.e|for |non)|human|recombinant|porcine|ovine|bovine|equine|factor|-csf$|,", re.IGNORECASE)
# "Injection, abciximab, ..." and, without the comma, "Injection abciximab, 10 mg".
_PREFIX_RE = re.compile(r"^(?:injection|infusion|instillation|inj\.?)(?:\s*,\s*|\s+(?=[a-z]))", re.IGNORECASE)
_WORDS = load_json("drug_words.json")
_LABELERS = frozenset(_WORDS["labelers"])
_STOP_TERMS = frozenset(_WORDS["stop_terms"])
_ISOTOPE_ELEMENTS = frozenset(_WORDS["isotope_elements"])
_FORMULATION_WORDS = tuple(_WORDS["formulation_words"])
_LIST_WORDS_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(_WORDS["descriptor_list_words"], key=len, reverse=True)) + r")\b",
                            re.IGNORECASE)


# "(for esrd on dialysis)", "(non-esrd use)", "(for non esrd use)": CMS splits a drug's codes by
# whether it is given for end-stage renal disease on dialysis.
_ESRD_USE_RE = re.compile(r"\bfor\s+(?:esrd\s+on\s+dialysis|(?:adult\s+)?patients\s+receiving\s+chronic\s+(?:hemo)?dialysis)\b", re.IGNORECASE)
_NON_ESRD_USE_RE = re.compile(r"\(\s*(?:for\s+)?non[- ]?esrd\s+use\s*\)", re.IGNORECASE)


def dialysis_use(descriptor: str) -> str | None:
    """'esrd' for a code billed only for ESRD on dialysis, 'non-esrd' for one billed only
    outside it, None for a code that says neither."""
    if _ESRD_USE_RE.search(descriptor):
        return "esrd"
    return "non-esrd" if _NON_ESRD_USE_RE.search(descriptor) else None


_CHEMOTHERAPY_TIME_RE = re.compile(r"\bat\s+the\s+time\s+of\s+chemotherapy\b", re.IGNORECASE)


def chemotherapy_use(descriptor: str) -> bool:
    """A code billed only as an antiemetic "at the time of chemotherapy treatment" (Q0161-Q0181)."""
    return bool(_CHEMOTHERAPY_TIME_RE.search(descriptor))


@dataclass(frozen=True)
class DescriptorFacts:
    code: str
    descriptor: str
    drug: str  # the descriptor's drug phrase, brands in parentheses removed
    brands: tuple[str, ...] = ()
    labelers: tuple[str, ...] = ()  # a manufacturer named in parentheses ("(hikma)"): not a brand
    unit_amount: float | None = None
    unit: str | None = None  # mg | mcg | g | units | mL | mCi | therapeutic dose | ...
    up_to: bool = False
    # A dose tier ("less than or equal to 100 mg", "greater than 100 mg"): one unit per
    # administration whose dose lies in (above, up to], in `unit`; None where unbounded.
    tier: tuple[float | None, float | None] | None = None
    routes: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = field(default=())
    lead_brand: bool = False  # the brand precedes its generic ("adrenalin, epinephrine"): not product-specific
    or_equivalent: bool = False  # "(renvela or therapeutically equivalent)": the brand or any equivalent, no one product
    # A combination's ingredients, each with its share of one unit ("ceftolozane 50 mg and
    # tazobactam 25 mg": (("ceftolozane", 50.0), ("tazobactam", 25.0)), in `unit`); the name is the
    # word(s) that tell the ingredient from the others ("nitrite", "thiosulfate").
    parts: tuple[tuple[str, float], ...] = ()

    @property
    def names_a_product(self) -> bool:
        """CMS names a product (a brand after the generic, or a maker) to tell it from other codes of the drug."""
        return bool((self.brands and not self.lead_brand and not self.or_equivalent) or self.labelers)

    @property
    def parsed(self) -> bool:
        return self.unit is not None


# Descriptor words after a drug that qualify it rather than name a product.
_QUALIFIER_RE = re.compile(r"(?:al|ed|ic|ous|ant|similar|ive|ble|ate|oc)$")


def _bare_brand(segment: str, generics: frozenset[str]) -> bool:
    """The segment after the drug is one invented word, not a qualifier: a brand ("kcentra",
    "berinert", "genvisc 850"), not "biosimilar", "lyophilized", "intravenous" or a generic."""
    found = re.fullmatch(r"([a-z]{4,})(?:[- ]\d{1,4})?", segment.strip().lower())
    return found is not None and not _QUALIFIER_RE.search(found.group(1)) and _invented_word(segment, generics)


def formulation(descriptor: str) -> frozenset[str]:
    """The formulation words a descriptor states ("liposomal", "biosimilar"), not those it
    negates ("excludes biosimilar", "non-depot form"): codes of one drug in different
    formulations are different products."""
    text = descriptor.lower()
    return frozenset(
        word for word in _FORMULATION_WORDS
        for m in re.finditer(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text)
        if not re.search(r"(?:\bnon-?|\bexcludes\s+)$", text[: m.start()])
    )


def _listed_products(segment: str, generics: frozenset[str]) -> list[str]:
    """Product names a segment lists with CMS's joining words: "myotonachol or urecholine",
    "for example renacidin", "imported lipodox". Every other word must be a product's name, so
    "dimethyl sulfoxide" or "intramuscular or intravenous" list none."""
    if not _LIST_WORDS_RE.search(segment) or "(" in segment:
        return []
    from docreview.note.vocab import route_vocabulary  # local: avoids an import cycle

    names = [part.strip() for part in _LIST_WORDS_RE.split(segment) if part.strip()]
    route_words = route_vocabulary().descriptor_words
    if not names or any(len(n.split()) != 1 or n.lower() in route_words or not _invented_word(n, generics) for n in names):
        return []
    return names


def _acronym(word: str, before: str) -> bool:
    """'intravenous immune globulin (ivig)': the words before it, abbreviated (its first letter
    starts one of them, its last starts the last)."""
    initials = [w[0] for w in re.findall(r"[a-z]+", before.lower())[-5:]]
    word = word.strip().lower()
    return bool(word) and bool(initials) and word[0] in initials and word[-1] == initials[-1]


def _invented_word(segment: str, generics: frozenset[str]) -> bool:
    """One word that is no English word, class word or generic name: a product's name."""
    # A product number may follow the word: "gelsyn-3", "genvisc 850".
    found = re.fullmatch(r"([a-z]{4,})(?:[- ]\d{1,4})?", segment.strip().lower())
    if found is None:
        return False
    word = found.group(1)
    if _NOT_BRAND_RE.search(word):
        return False
    return not _english(word) and word not in _STOP_TERMS and _norm(word) not in generics


def _english(word: str) -> bool:
    """An English word, or the plural of one."""
    word = word.strip().lower()
    return word in english_words() or word.removesuffix("s") in english_words()


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    out, depth, buf = [], 0, []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth <= 0:
            out.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf).strip())
    return [p for p in out if p]


def _packaged_generics() -> frozenset[str]:
    from docreview.knowledge.packaged import generic_names  # local: the data loads lazily

    return generic_names()


# Between two ingredients' amounts: ", cilastatin " or " and tazobactam ".
# (Not a container: ", provided in 1.1 mg vial".)
# "ceftolozane 50 mg and tazobactam 25 mg", or the ingredients' amounts in the order of the names:
# "ceftazidime and avibactam, 0.5 g/0.125 g".
_INGREDIENT_GAP_RE = re.compile(r"\s*(?:,\s*|\s+and\s+)(?:(?!(?:provided|in|per|of|each|with|vial)\b)[a-z][a-z-]*\s+){1,3}|\s*/\s*", re.IGNORECASE)


# "10 mg and hyaluronidase-fihj": an amount, then a second ingredient with none of its own.
_CO_INGREDIENT_RE = re.compile(r"(.*?)\s+and\s+([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)", re.IGNORECASE)


_OR_EQUIVALENT_RE = re.compile(r"\s+or\s+(?:therapeutically\s+)?equivalent$", re.IGNORECASE)


def _brand_before_amount(segment: str) -> str:
    """'(ziextenzo) 0.5 mg' -> '(ziextenzo)': a parenthesis that opens a segment, before its amount."""
    m = re.fullmatch(r"(\([^()]*\))\s+(.*)", segment.strip())
    return m.group(1) if m and _AMOUNT_RE.fullmatch(m.group(2).strip()) else segment


def _states_amount(segment: str) -> bool:
    """'0.01 mg', 'per vial': a billing amount; 'intravitreal implant (yutiq)' names a form, no amount."""
    return (bool(re.search(r"\d", segment)) or _PER_DOSE_RE.search(segment) is not None
            or any(m.group("num") or m.group("per") for m in _AMOUNT_RE.finditer(segment)))


def _depot_routes(drug: str) -> tuple[str, ...]:
    """'haloperidol decanoate', 'hydrocortisone acetate': a long-acting ester or salt form (a word,
    or a drug's own salt where the salt alone says nothing: octreotide acetate goes IV) is given
    only by its depot routes."""
    forms = data_file_as("routes.json", RoutesFile).depot_forms
    padded = f" {' '.join(drug.lower().split())} "
    return next((tuple(routes) for form, routes in forms.items() if f" {form} " in padded), ())


_INFUSION_RE = re.compile(r"\binfusion\b", re.IGNORECASE)
_INJECTION_RE = re.compile(r"\binject(?:ion|able)\b", re.IGNORECASE)


def _infusion_routes(descriptor: str) -> tuple[str, ...]:
    """'Infusion, normal saline solution, 1000 cc': an infusion code (no injection named) goes into a vein."""
    if _INFUSION_RE.search(descriptor) and not _INJECTION_RE.search(descriptor):
        return tuple(data_file_as("routes.json", RoutesFile).infusion_routes)
    return ()


# The IV fluids a descriptor premixes a drug in ("epinephrine in sodium chloride"); facts.py splits a vehicle off by them too.
PREMIX_FLUIDS = r"sodium chloride|dextrose|sterile water|normal saline"
_PREMIXED_IN_RE = re.compile(rf"\bin\s+(?:\d[\d.]*%\s*)?(?:{PREMIX_FLUIDS})\b")


def _premix_routes(drug: str) -> tuple[str, ...]:
    """'epinephrine in sodium chloride', 'lidocaine hcl in 5% dextrose': a drug premixed in an IV
    fluid is an infusion's bag, given into a vein."""
    return tuple(data_file_as("routes.json", RoutesFile).infusion_routes) if _PREMIXED_IN_RE.search(drug) else ()


# ("immune globulin/hyaluronidase": a class of products, not one drug)
_LEAD_DRUG_RE = re.compile(r"\s*injection,\s*([a-z][a-z-]*)\b(?!\s*/|\s+[a-z]+/)", re.IGNORECASE)


def lead_drug(descriptor: str) -> str | None:
    """'Injection, rituximab-abbs, biosimilar, ...': the one-word drug a descriptor leads with (rituximab)."""
    m = _LEAD_DRUG_RE.match(descriptor)
    return m.group(1).lower().split("-")[0] if m else None


def co_formulated_lead(descriptor: str) -> tuple[str, CoFormulation] | None:
    """'Injection, daratumumab, 10 mg and hyaluronidase-fihj': the lead drug of a product made with
    a co-formulated partner, and that partner's routes (data/routes.json)."""
    lead = lead_drug(descriptor)
    if lead is None:
        return None
    text = descriptor.lower()
    return next(((lead, routes) for partner, routes in data_file_as("routes.json", RoutesFile).co_formulations.items()
                 if partner in text and not lead.startswith(partner)), None)


@cache  # the lexicon and the drug counts both parse every known code
def parse_descriptor(code: str, descriptor: str, generics: frozenset[str] | None = None) -> DescriptorFacts:
    """Facts of one descriptor; `generics` (normalised generic names) defaults to the packaged list."""
    from docreview.note.vocab import route_vocabulary  # local: avoids an import cycle

    text = " ".join(descriptor.split())
    unit_amount: float | None = None
    unit: str | None = None
    up_to = False
    if _PER_DOSE_RE.search(text):
        unit_amount, unit = 1.0, "therapeutic dose"
    else:
        matches = [m for m in _AMOUNT_RE.finditer(text) if m.group("num") or m.group("per")]
        if (release := _RELEASE_RATE_RE.search(text)) is not None:
            # "0.15mg, 0.013mg per 24 hours; yearly vaginal system, each": what the device releases a
            # day, not what a unit holds (it bills per system).
            matches = [m for m in matches if not (m.start() < release.start() and ";" not in text[m.end() : release.start()])]
        if matches:
            # The billing amount is the last amount in the descriptor; "per gm" means 1 g.
            m = matches[-1]
            if len(matches) >= 2 and m.group("upto") and matches[-2].group("per") and text[matches[-2].end() : m.start()].strip() == "(":
                m = matches[-2]  # "per 1 usp unit (up to 999 usp units)": the bracket caps the code's use; the unit is the "per" amount
            unit_amount = float(m.group("num").replace(",", "")) if m.group("num") else 1.0
            unit = _UNIT_WORDS[m.group("unit").lower()]
            up_to = bool(m.group("upto"))
            # "ceftolozane 50 mg and tazobactam 25 mg", "0.5 g/0.125 g": a unit is the combination, 75 mg
            # of the product (a 1.5 g vial is 20 units), when every ingredient is counted in the same unit.
            chain = [m]
            while len(chain) < len(matches):
                prev = matches[-len(chain) - 1]
                if not (prev.group("num") and _INGREDIENT_GAP_RE.fullmatch(text, prev.end(), chain[0].start())):
                    break
                chain.insert(0, prev)
            if len(chain) > 1 and m.group("num") and all(_UNIT_WORDS[c.group("unit").lower()] == unit and not c.group("per") for c in chain):
                unit_amount = sum(float(c.group("num").replace(",", "")) for c in chain)
            # "1 mg daunorubicin and 2.27 mg cytarabine": each amount names its ingredient after
            # it; a unit counts the first ingredient (a note doses Vyxeos by its daunorubicin).
            lead = matches[-2] if len(matches) >= 2 else None
            if (lead is not None and lead.group("num") and not lead.group("per")
                    and re.fullmatch(r"\s+[a-z][a-z-]*\s+and\s+", text[lead.end() : m.start()], re.IGNORECASE)
                    and re.fullmatch(r"\s+[a-z][a-z-]*", text[m.end() :], re.IGNORECASE)):
                unit_amount, unit = float(lead.group("num").replace(",", "")), _UNIT_WORDS[lead.group("unit").lower()]
            # "3 million units", "per 1 million plaque forming units": a count of the unit after it.
            scale, _, counted = unit.partition(" ")
            if scale in _SCALES and counted in _KIND_UNITS:
                unit_amount, unit = unit_amount * _SCALES[scale], counted
    if (per_unit := _AMOUNT_PER_UNIT_RE.search(text)) is not None:
        # "5% dextrose/water (500 ml = 1 unit)": the unit is the amount it equates to one unit.
        unit_amount, unit, up_to = float(per_unit.group("num").replace(",", "")), _UNIT_WORDS[per_unit.group("unit").lower()], False
        text = (text[: per_unit.start()] + text[per_unit.end() :]).strip()
    if unit is None and _EACH_ITEM_RE.search(text):
        unit_amount, unit = 1.0, "therapeutic dose"
    tier: tuple[float | None, float | None] | None = None
    bounds = {m.group("rel").lower().replace("over", "greater than"): float(m.group("num").replace(",", "")) for m in _TIER_RE.finditer(text)}
    if bounds and unit not in (None, "therapeutic dose"):
        tier = (bounds.get("greater than"), bounds.get("less than or equal to"))

    body = _PREFIX_RE.sub("", text)
    segments = _split_top_level(body)
    vocab = route_vocabulary()
    # The drug is the first segment that is not a bare route word ("Injection, iv, urokinase").
    drug_segments = [s for s in segments if s.lower() not in vocab.descriptor_words and s.lower() != "iv"]
    brand_first: list[str] = []
    if len(drug_segments) >= 2 and not _AMOUNT_RE.search(drug_segments[0]) and "(" not in drug_segments[0]:
        # "Injection, adrenalin, epinephrine, 0.1 mg": a brand named before its generic.
        known = generics if generics is not None else _packaged_generics()
        head, nxt = _norm(drug_segments[0]), _norm(_AMOUNT_RE.sub("", drug_segments[1]))
        if head not in known and nxt in known and len(drug_segments[0].split()) <= 2:
            brand_first.append(drug_segments[0])
            drug_segments = drug_segments[1:]
    if len(drug_segments) >= 2 and drug_segments[0].lower() in _FORMULATION_WORDS:
        # "Injection, liposomal, 1 mg daunorubicin and 2.27 mg cytarabine": the drugs follow the form.
        drug_segments = drug_segments[1:]
    first = drug_segments[0] if drug_segments else body
    first = re.sub(r"\s+injection$", "", first, flags=re.IGNORECASE)
    first = _AMOUNT_RE.sub("", first).strip()
    # Brands sit in parentheses after the drug, or as the next segment ("immune globulin,
    # (gammagard liquid), ..."); one pair may hold two ("(gamunex-c/gammaked)").
    # A parenthesis glued to a word is part of the name ("f(ab)2"), not a brand.
    parens = re.findall(r"(?:^|(?<=\s))\(([^)]*)\)", first)
    i = segments.index(drug_segments[0]) if drug_segments else -1
    if 0 <= i < len(segments) - 1 and re.fullmatch(r"\([^()]*\)", segments[i + 1]):
        parens.append(segments[i + 1][1:-1])
    # A brand is a short name; a long parenthesis describes a use ("(central venous catheter lock ...)").
    # ("(renvela or therapeutically equivalent)": the brand, and any product equivalent to it)
    or_equivalent = any(_OR_EQUIVALENT_RE.search(p) for p in parens)
    parens = [_OR_EQUIVALENT_RE.sub("", p.strip()) for p in parens]
    # ("Bcg (intravesical) per instillation": a route in parentheses says how it is given, no brand.)
    named = [b.strip() for p in parens if not _NOT_BRAND_RE.search(p) and not vocab.routes_in(p.lower())
             for b in p.split("/") if 0 < len(b.split()) <= 3]
    if (0 <= i < len(segments) - 1 and segments[i + 1].strip().lower() not in vocab.descriptor_words
            and _bare_brand(segments[i + 1], generics if generics is not None else _packaged_generics())):
        named.append(segments[i + 1].strip())  # "Prothrombin complex concentrate (human), kcentra, per i.u."
    # "coagulation factor xa (recombinant), inactivated-zhzo (andexxa), 10 mg", "filgrastim-sndz,
    # biosimilar, (zarxio)": a brand in parentheses in a short qualifier segment after the drug
    # (not an acronym at the end of a long phrase: "... maturation antigen (bcma)").
    # So does one opening the amount's segment ("pegfilgrastim-bmez, biosimilar, (ziextenzo) 0.5 mg").
    named += [p.strip() for s in (_brand_before_amount(s) for s in segments[i + 1 :]) if i >= 0 and not _states_amount(s)
              and len(re.sub(r"\([^)]*\)", " ", s).split()) <= 3
              for p in re.findall(r"(?:^|(?<=\s))\(([^)]*)\)", s)
              if _bare_brand(p, generics if generics is not None else _packaged_generics()) and p.strip() not in named]
    named += [p for s in segments[i + 1 :] if i >= 0 and not _states_amount(s)
              for p in _listed_products(s, generics if generics is not None else _packaged_generics()) if p not in named]
    # "Influenza virus vaccine, ..., for intramuscular use (flulaval)": a product name closing the descriptor.
    closing = re.search(r"\s\(([^()]*)\)$", body)
    if (closing and not named and segments and not _states_amount(segments[-1]) and not _acronym(closing.group(1), body[: closing.start()])
            and _invented_word(closing.group(1), generics if generics is not None else _packaged_generics())):
        named.append(closing.group(1).strip())
    brands = tuple(b for b in [*brand_first, *named] if b.lower() not in _LABELERS)
    labelers = tuple(b for b in named if b.lower() in _LABELERS)
    drug = re.sub(r"(?:^|\s+)\([^)]*\)", "", first).strip().lower()
    # "daratumumab 10 mg and hyaluronidase-fihj": the amount cut from between two ingredients.
    # ("Bcg (intravesical) per instillation": the unit closing the phrase is no part of the name.)
    drug = re.sub(r"\s+per\s+(?:therapeutic\s+|study\s+)?(?:dose|infusion|instillation)$", "", " ".join(drug.split()))
    if 0 <= i < len(segments) - 1 and (co := _CO_INGREDIENT_RE.fullmatch(segments[i + 1])) and _AMOUNT_RE.fullmatch(co.group(1)):
        # "daratumumab, 10 mg and hyaluronidase-fihj": the co-formulated ingredient follows the amount.
        drug = f"{drug} and {co.group(2).lower()}"
    isotope = re.fullmatch(r"([a-z]+) [a-z]{1,2}[- ]?\d{2,3}m?", drug)
    if (isotope and isotope.group(1) in _ISOTOPE_ELEMENTS and 0 <= i < len(segments) - 1
            and re.fullmatch(r"[a-z][a-z0-9-]{3,}", segments[i + 1].strip().lower()) and not _english(segments[i + 1])):
        # "Gallium ga-68, dotatoc, diagnostic": the tracer is the isotope and the compound it labels.
        drug = f"{drug} {segments[i + 1].strip().lower()}"
    routes = tuple(dict.fromkeys(vocab.routes_in(text.lower()))) or _depot_routes(drug) or _infusion_routes(text) or _premix_routes(drug)
    if not routes and (co := co_formulated_lead(text)) is not None:
        routes = tuple(co[1].with_)  # "and hyaluronidase-fihj": the subcutaneous product
    drug = re.sub(r"\s+for\s+\w+(?:\s+\w+)?\s*(?:use|infusion|injection)$", "", drug)
    # "Cantharidin for topical administration", "loxapine for inhalation": how it is given is no
    # part of its name.
    if (bare := _GIVEN_HOW_RE.sub("", drug)) and bare not in _GENERIC_NOUNS:
        drug = bare
    # "vancomycin hydrochloride (mylan) not therapeutically equivalent to j3373" (no comma before
    # the qualifier): the qualifier is no part of the drug's name.
    drug = re.sub(r"\s+not therapeutically equivalent to\s+\w+$", "", drug)
    qualifiers = tuple(s for s in segments[1:] if not _AMOUNT_RE.search(s))
    return DescriptorFacts(
        code=code,
        descriptor=descriptor,
        drug=drug,
        brands=brands,
        labelers=labelers,
        unit_amount=unit_amount,
        unit=unit,
        up_to=up_to,
        tier=tier,
        routes=routes,
        qualifiers=qualifiers,
        lead_brand=bool(brand_first),
        or_equivalent=or_equivalent,
        parts=combination_parts(body, unit, unit_amount),
    )


# A biosimilar's proper name: the drug and its four-letter FDA suffix ("adalimumab-aaty"), which
# names the product (the build gives a suffixed code only its suffix's brands; a note's suffixed
# name keeps its code).
BIOSIMILAR_NAME_RE = re.compile(r"\b[a-z]{4,}-([a-z]{4})\b(?!-)", re.IGNORECASE)


# "ceftolozane 50 mg", "sodium thiosulfate 125 mg": one ingredient and its amount.
_PART_RE = re.compile(r"([a-z][a-z -]*?[a-z])\s*(\d[\d,]*(?:\.\d+)?|\.\d+)\s*(mg|mcg|g|gm)", re.IGNORECASE)
# "cabotegravir and rilpivirine, 2mg/3mg", "aztreonam/avibactam, 7.5 mg/2.5 mg (10 mg)".
_LISTED_PARTS_RE = re.compile(
    r"([a-z][a-z -]*?[a-z](?:\s*(?:/|\band\b)\s*[a-z][a-z -]*?[a-z])+)\s*,\s*"
    r"((?:\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?:mg|mcg|g|gm)(?:\s*/\s*(?:\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?:mg|mcg|g|gm))+)"
    r"(?:\s*\([^()]*\))?$", re.IGNORECASE)


def combination_parts(body: str, unit: str | None, unit_amount: float | None) -> tuple[tuple[str, float], ...]:
    """Each ingredient of a combination code with its share of one unit, when the shares add
    up to the unit ("ceftolozane 50 mg and tazobactam 25 mg" is a 75 mg unit; Vyxeos's "1 mg
    daunorubicin and 2.27 mg cytarabine" counts its daunorubicin, and has no parts)."""
    text = re.sub(r"\s*\([a-z][^()]*\)", "", " ".join(body.split()).lower())  # "(nithiodote)"
    if (listed := _LISTED_PARTS_RE.fullmatch(text)) is not None:
        names = re.split(r"\s*/\s*|\s+and\s+", listed.group(1))
        amounts = [_PART_RE.fullmatch("amount " + a.strip()) for a in listed.group(2).split("/")]
        pairs = [(n, m.group(2), m.group(3)) for n, m in zip(names, amounts, strict=False) if m is not None]
        if len(names) != len(amounts):
            return ()
    else:
        pieces = re.split(r"\s*,\s*|\s+and\s+", text)
        while len(pieces) > 2 and not re.search(r"\d", pieces[-1]):
            pieces.pop()  # "..., oral, fda approved prescription": qualifiers after the parts
        found = [_PART_RE.fullmatch(p) for p in pieces]
        pairs = [(m.group(1), m.group(2), m.group(3)) for m in found if m is not None]
        if len(pairs) != len(pieces):
            return ()
    if len(pairs) < 2 or unit is None or not unit_amount or any(_UNIT_WORDS.get(u.lower()) != unit for _, _, u in pairs):
        return ()
    shares = [float(a.replace(",", "")) for _, a, _ in pairs]
    if abs(sum(shares) - unit_amount) > 1e-6 * unit_amount:
        return ()
    words = [re.sub(r"-[a-z]{4}$", "", n.strip()).split() for n, _, _ in pairs]  # "relatlimab-rmbw"
    shared = set.intersection(*(set(w) for w in words))
    if shared - set(_WORDS["salts"]):
        # "betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg": two salts of one
        # drug, whose amount a note gives as the product's.
        return ()
    names = [" ".join(w for w in ws if w not in shared) for ws in words]
    if not all(names) or len(set(names)) < len(names):
        return ()
    return tuple(zip(names, shares, strict=True))


@dataclass
class ParseReport:
    total: int
    parsed: int
    unparsed: list[tuple[str, str]]

    @property
    def share(self) -> float:
        return self.parsed / self.total if self.total else 0.0


def parse_report(descriptors: dict[str, str], prefix: str = "J") -> ParseReport:
    codes = sorted(c for c in descriptors if c.startswith(prefix))
    unparsed = [(c, descriptors[c]) for c in codes if not parse_descriptor(c, descriptors[c]).parsed]
    return ParseReport(total=len(codes), parsed=len(codes) - len(unparsed), unparsed=unparsed)


@lru_cache(maxsize=4)
def load_descriptors(path: str) -> dict[str, str]:
    return read_hcpcs(path)
