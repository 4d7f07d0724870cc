"""Drug mentions: every name the knowledge base knows, matched on word tokens.

Names come from code facts (CMS drug phrase, its salt-less moiety, brands, curated aliases),
then, with no code, other drugs (data/other_drugs.json), the derived lexicon of public drug
names (data/drug_lexicon.json) and names the note's shape gives away (note/drug_shape.py).
Misspellings are caught by fuzzy matching against the billed code's and its similar codes'
names only, so that a typo never turns into some unrelated drug.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from docreview.data_files import DrugAbbreviationsFile, DrugShapeFile, DrugWordsFile, SectionsFile, data_file_as
from docreview.derived_cache import derived
from docreview.knowledge.facts import CodeFacts, KnowledgeBase, counter_ions, iodine_band_holds, moiety, normalize_name
from docreview.knowledge.hcpcs import BIOSIMILAR_NAME_RE, formulation
from docreview.knowledge.packaged import code_entry
from docreview.note.amounts import NUM
from docreview.note.drug_shape import find_unknown_drugs
from docreview.note.phrases import alternation
from docreview.note.vocab import inside_a_code, route_vocabulary
from docreview.resources import load_json
from docreview.units import code_unit_kind

_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_NUMBER_RE = re.compile(r"\d")
# "Glucose 110 mg/dL", "potassium 4.1 mEq/L": an analyte with its lab value, not a drug.
_LAB_VALUE_RE = re.compile(r"[\s:=,]*(?:was|is|of|level)?\s*\d[\d.,]*\s*(?:[a-z]+/(?:d?l|deciliter|liter)\b|mmol)", re.IGNORECASE)
# The parts of a combination code's drug: "lidocaine hcl with epinephrine", "ampicillin/sulbactam".
_COMPONENTS_RE = re.compile(r"\s+(?:with|and)\s+|\s*/\s*")
# Two ingredients written as one preparation: "1% lidocaine with 1:100,000 (units of) epinephrine",
# "bupivacaine 0.25% w/ epi"; nothing but strengths around one joining word.
_STRENGTH = r"(?:\d[\d,.]*(?:\s*:\s*\d[\d,]*)?\s*(?:%|mg/ml|mcg/ml|mg|mcg|units?|ml|cc)?(?:\s+of)?)"
# "1% lidocaine with 1:100,000 epinephrine", "Xylocaine 1% with 1:100,000 dilution of epinephrine".
_MIXED_GAP_RE = re.compile(rf"\s*\(?(?:{_STRENGTH}\s*)*\)?\s*(?:with|plus|w/|\+)\s*(?:{_STRENGTH}\s*)*(?:(?:dilution|concentration)\s+of\s+)?",
                           re.IGNORECASE)
# "aztreonam 2 g / avibactam 0.67 g", "emtricitabine 200 mg/tenofovir DF 300 mg": a combination's
# parts, each with its amount (read only where a combination code has these two parts).
_PART_AMOUNT = rf"{NUM}\s*(?:mg|g|mcg|units?|ml)\s*"  # ("1,200 mg/hyaluronidase 20,000 units": thousands too)
_PARTS_GAP_RE = re.compile(rf"\s*(?:{_PART_AMOUNT})?/\s*", re.IGNORECASE)
_DOSED_PARTS_GAP_RE = re.compile(rf"\s*{_PART_AMOUNT}/\s*", re.IGNORECASE)  # each part with its amount
_NAMED = "name:"  # a combination part known by its name, not a code


def _names_of(mention: DrugMention) -> frozenset[str]:
    """What a mention matches a combination's part by: its codes, and its lexicon name's lead
    word ("tenofovir DF" is the part "tenofovir disoproxil")."""
    return mention.codes | {_NAMED + part.split()[0] for part in mention.name.split(" / ") if part}


_WITHOUT_GAP_RE = re.compile(r"\s*(?:without|w/o|sans)\s+(?:added\s+)?", re.IGNORECASE)
# "2% Xylocaine 1:100,000 epinephrine": a ratio strength alone between the two names.
_RATIO_GAP_RE = re.compile(r"\s*\d{1,2}\s*:\s*\d{1,3}(?:,?\d{3})+\s*")
# "1% plain lidocaine", "lidocaine 1% plain": the drug with nothing added.
_PLAIN_BEFORE_RE = re.compile(r"\bplain\s+$", re.IGNORECASE)
_PLAIN_AFTER_RE = re.compile(r"\s*(?:\d[\d.]*\s*%\s*)?plain\b", re.IGNORECASE)
_FUZZY_MIN_LEN = 6
# A name's words are not read across a list or a line: "100 mg IV, acetaminophen 650 mg PO" holds no
# "IV acetaminophen".
_NAME_BREAK_RE = re.compile(r"[,;:|\n]")


def dosed_parts(text: str, first: DrugMention, second: DrugMention) -> bool:
    """'netupitant 300 mg/palonosetron 0.5 mg': one product's parts, each with its strength."""
    return first.end <= second.start and bool(_DOSED_PARTS_GAP_RE.fullmatch(text, first.end, second.start))


def one_preparation(text: str, first: DrugMention, second: DrugMention) -> bool:
    """'1% lidocaine with 1:100,000 epinephrine': the two names (in either order) are written as one preparation."""
    if second.end <= first.start:
        first, second = second, first
    return first.end <= second.start and bool(_MIXED_GAP_RE.fullmatch(text, first.end, second.start)
                                              or _RATIO_GAP_RE.fullmatch(text, first.end, second.start))
_FUZZY_SCORE = 86.0


@dataclass(frozen=True)
class DrugMention:
    start: int
    end: int
    name: str  # the lexicon name it matched
    codes: frozenset[str]
    fuzzy: bool = False
    gloss: tuple[int, int] | None = None  # "(methylprednisolone)" after "Solu-Medrol": the same drug named again

    def same_drug(self, other: DrugMention) -> bool:
        """Two names of one drug: codes in common, or (a drug with no code) the same name. A gloss
        pair shares its generic with a plain mention ("infliximab (Inflectra)" vials, "infliximab"
        infused) even where the product's code is not the generic's."""
        if self.codes and other.codes:
            return bool(self.codes & other.codes) or bool(set(self.name.split(" / ")) & set(other.name.split(" / ")))
        # ("Omnipaque 240, 2 mL" ... "Remaining Omnipaque (8 mL) discarded": a product named with and
        # without the strength its name carries)
        return self.name == other.name or _STRENGTH_SUFFIX_RE.sub("", self.name) == _STRENGTH_SUFFIX_RE.sub("", other.name)


_STRENGTH_SUFFIX_RE = re.compile(r"[\s-]\d{2,4}$")  # "omnipaque 240", "isovue-370": the strength a product's name ends with
_Entry = tuple[tuple[str, ...], frozenset[str], str]  # (name's words, its codes, the name)


def with_billed_vehicle_brands(text: str, facts: CodeFacts, found: list[DrugMention], family: Sequence[CodeFacts] = ()) -> list[DrugMention]:
    """A contrast agent or fluid is no drug of its own in a note (a companion of the billed
    drug), so the shared index names none. Billed itself (Q9967), its products are named:
    "100 mL of intravenous Isovue-300" is the billed code's, over the uncoded "Isovue"; so are
    its `family`'s (the other strengths, Q9966), each under its own code."""
    if not facts.vehicle:
        return found
    out = list(found)
    # The billed fluid by its own name too: "10% sodium chloride (hypertonic saline) 10 mL" under
    # "hypertonic saline solution" ("solution" is how the descriptor counts it, not its name).
    own = re.sub(r"\s+solution$", "", facts.drug)
    # A skin substitute billed per square centimetre is named by its product name, one word
    # or more ("EpiFix"); a fluid's one word ("saline") names no product.
    area = (code_unit_kind(facts.unit) or ("",))[0] == "area"
    # ("D5W" names its strength: a product, where "saline" alone names none.)
    names = [(own, facts.code)] if len(own.split()) > 1 or area or re.search(r"\d", own) else []
    # (name, code, pattern, whether the name counts only with a volume beside it)
    patterns = [(brand, code, _name_pattern(brand), False) for brand, code in
                [*names, *((b, f.code) for f in (facts, *family) for b in f.brands if _strength_fits(b, f.descriptor))]]
    # "125 cc of Omnipaque" (no strength written) names the product line whose "Omnipaque 300" the
    # billed code lists; the strength the code turns on is then undocumented, not another drug's.
    lines = {m.group(1) for b in facts.brands if (m := _PRODUCT_LINE_RE.fullmatch(b.strip()))}
    patterns += [(line, facts.code, _name_pattern(line, strength_follows=False), False) for line in sorted(lines)]
    # "D5NS 1,000 mL", "0.9% NaCl 500 mL bolus": the billed fluid as a chart writes it; a short
    # form ("NS", "LR") only with its volume beside it.
    patterns += [(form, f.code, _fluid_pattern(form), len(form) <= 3) for f in (facts, *family)
                 for form, drugs in _fluid_forms().items() if f.vehicle and f.drug in drugs]
    # "irrigated with 3 liters of sterile saline": the bare word is the fluid, unless a word beside
    # it makes it another product ("hypertonic saline", "saline nasal spray") or no giving ("saline lock").
    patterns += [(form, f.code, _bare_fluid_pattern(form), False) for f in (facts, *family)
                 for form, drugs in _abbreviations().bare_fluids.items() if f.vehicle and f.drug in drugs]
    for brand, code, pattern, needs_volume in patterns:
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            if needs_volume and not _volume_beside(text, m.start(), m.end()):
                continue
            covering = [x for x in out if x.codes and x.start <= m.start() and m.end() <= x.end]
            if covering:
                # "EpiFix" read as the injectable product's name (Q4145): it names the billed
                # sheet (Q4186) too; the amount's unit tells them apart.
                out = [replace(x, codes=x.codes | {code}) if x in covering and normalize_name(x.name) == normalize_name(brand) else x
                       for x in out]
                continue
            out = [x for x in out if not (x.start < m.end() and m.start() < x.end)]
            out.append(DrugMention(m.start(), m.end(), brand, frozenset({code})))
    strengths = {f.code: f for f in (facts, *family)}
    return sorted((_by_stated_iodine(text, x, strengths) for x in out), key=lambda x: x.start)


# "202 mg iodine/mL", "300 mgI/mL", "240 mg of iodine per mL"
_STATED_IODINE_RE = re.compile(r"\b(\d{2,3})\s*mg\s*(?:of\s+)?(?:iodine|I)\s*(?:/|per\s+)\s*mL\b", re.IGNORECASE)


def _by_stated_iodine(text: str, mention: DrugMention, strengths: dict[str, CodeFacts]) -> DrugMention:
    """'Conray 43 (iothalamate meglumine 43%, 202 mg iodine/mL)': the iodine concentration the
    line states right after a contrast product's name picks its band among the billed code's
    strengths, over the band its brand is listed under."""
    if not mention.codes or not mention.codes <= strengths.keys():
        return mention
    line_end = text.find("\n", mention.end)
    stated = _STATED_IODINE_RE.search(text, mention.end, min(mention.end + 80, len(text) if line_end < 0 else line_end))
    if stated is None:
        return mention
    held = [code for code, f in strengths.items() if iodine_band_holds(f.descriptor, int(stated.group(1)))]
    return replace(mention, codes=frozenset(held)) if len(held) == 1 else mention


def _name_pattern(name: str, strength_follows: bool = True) -> re.Pattern[str] | None:
    words = normalize_name(name).split()
    tail = "" if strength_follows else r"(?![\s-]*\d)"
    return re.compile(r"\b" + r"[\s-]*".join(map(re.escape, words)) + r"\b" + tail, re.IGNORECASE) if words else None


# "Omnipaque 300", "Isovue-370": a product line's name and the strength of one of its products.
_PRODUCT_LINE_RE = re.compile(r"([A-Za-z][A-Za-z-]*[A-Za-z])[\s-]+\d+(?:\s*\(.*\))?")


@lru_cache(maxsize=1)
def _abbreviations() -> DrugAbbreviationsFile:
    return data_file_as("drug_abbreviations.json", DrugAbbreviationsFile)


def _fluid_forms() -> dict[str, list[str]]:
    return _abbreviations().fluids


@lru_cache(maxsize=8)
def _bare_fluid_pattern(form: str) -> re.Pattern[str]:
    data = _abbreviations()
    after = "|".join(re.escape(w) for w in sorted(data.bare_fluid_words_after, key=len, reverse=True))
    # (a look-behind has one width: one per word)
    not_before = "".join(rf"(?<!\b{re.escape(w)}[\s-])" for w in data.bare_fluid_words_before)
    not_after = rf"(?![\s-]+(?:{after})\b)" if after else ""
    return re.compile(rf"{not_before}{_fluid_pattern(form).pattern}{not_after}", re.IGNORECASE)


@lru_cache(maxsize=64)
def _fluid_pattern(form: str) -> re.Pattern[str]:
    """'d5/0.9 nacl' as written: "D5/0.9 NaCl", "D5 0.9 NaCl"."""
    body = r"[\s/-]*".join(re.escape(p) for p in re.findall(r"[a-z0-9.%']+", form))
    return re.compile(rf"(?<![\w.%]){body}(?![\w%])", re.IGNORECASE)


# Between a short fluid name and its volume: "NS 1,000 mL", "NS IV bolus 1 L", "1 L of LR".
_WORDS_TO_VOLUME_RE = re.compile(r"[ \t]*(?:[A-Za-z]+[ \t]+){0,2}$")
_OF_RE = re.compile(r"[ \t]*(?:of[ \t]+)?$", re.IGNORECASE)


def _volume_beside(text: str, start: int, end: int) -> bool:
    """A short fluid name ("NS", "LR") is the billed fluid only with its volume beside it."""
    from docreview.note.amounts import find_amounts  # local: the amount reader loads its units on first use

    after = next(iter(find_amounts(text[end : end + 40])), None)
    if after is not None and after.kind == "volume" and _WORDS_TO_VOLUME_RE.match(text[end : end + after.start]):
        return True
    window = text[max(0, start - 24) : start]
    before = find_amounts(window)
    return bool(before) and before[-1].kind == "volume" and bool(_OF_RE.fullmatch(window[before[-1].end :]))


def with_billed_labeler(text: str, facts: CodeFacts, kb: KnowledgeBase, found: list[DrugMention]) -> list[DrugMention]:
    """'PEMEtrexed injection 25 mg/mL (Hospira) 900 mg' under 'pemetrexed (hospira)': the drug named
    with the maker that tells the billed code's product from the drug's other codes is that
    product (the maker later on the name's line, before another drug is named, or just before
    the name). A note gives one maker's product of a drug: once one mention names the maker,
    every mention of the drug ("Dx: week 3 of daptomycin", "Prep: daptomycin (Hospira) 500 mg
    vials", "epi 10 mcg IV" after "EPINEPHrine ... IMS Luer-Jet") is that product.
    The salt does not tell products apart ("Cefepime 2 g - Baxter" under "cefepime hydrochloride (baxter)")."""
    if not facts.labelers or not facts.product_specific:
        return found
    drug = facts.moiety
    short_names = data_file_as("drug_words.json", DrugWordsFile).labeler_short_names
    names = [n for m in facts.labelers for n in (m, *short_names.get(normalize_name(m), []))]
    # "dr. reddy's" is written "Dr. Reddy's", "Dr Reddys", "Dr.Reddy's".
    makers = re.compile(r"\b(?:" + "|".join(r"[\s.'\u2019-]*".join(map(re.escape, normalize_name(m).split())) for m in names) + r")\b",
                        re.IGNORECASE)

    # By its name, or by a short name only the drug's other codes answer to ("epi").
    same_drug = [m for m in found if facts.code not in m.codes and (moiety(m.name) == drug or names_only_the_drug(kb, m, drug))]
    named_maker = False
    for m in same_drug:
        line_start, line_end = text.rfind("\n", 0, m.start) + 1, text.find("\n", m.end)
        end = len(text) if line_end < 0 else line_end
        end = min([end, *(o.start for o in found if o.start >= m.end and o.codes and not o.codes & m.codes and not _vehicle(kb, o))])
        named_maker = named_maker or makers.search(text, max(line_start, m.start - 40), end) is not None
    if not named_maker:
        return found
    return [DrugMention(m.start, m.end, m.name, m.codes | {facts.code}, m.fuzzy, m.gloss) if m in same_drug else m for m in found]


def names_only_the_drug(kb: KnowledgeBase, mention: DrugMention, drug_moiety: str) -> bool:
    """A name every code of which is a product of the drug ("epi", "vaso"), and that is no
    product's brand ("Aristada Initio" beside Aristada)."""
    if not mention.codes or not all(c in kb.codes and _drug_of_a_form(kb.facts(c).moiety, drug_moiety) for c in mention.codes):
        return False
    brands = {normalize_name(b) for c in mention.codes for b in kb.facts(c).brands}
    return brands.isdisjoint(normalize_name(part) for part in mention.name.split(" / "))


def _drug_of_a_form(code_moiety: str, drug_moiety: str) -> bool:
    """"Methotrexate; oral, 2.5 mg": a code for the drug taken one way (a route word of descriptors,
    data/routes.json) still names the drug ("MTX")."""
    return code_moiety == drug_moiety or (code_moiety.startswith(drug_moiety + " ")
                                          and code_moiety[len(drug_moiety) + 1 :] in route_vocabulary().descriptor_words)


def _vehicle(kb: KnowledgeBase, mention: DrugMention) -> bool:
    """'in dextrose', 'in NS 100 mL': the fluid a drug is made up in."""
    return bool(mention.codes) and all(c in kb.codes and kb.facts(c).vehicle for c in mention.codes)


def with_billed_generic(mentions: list[DrugMention], facts: CodeFacts, kb: KnowledgeBase) -> list[DrugMention]:
    """'ARISTADA (aripiprazole lauroxil) 882 mg' under the generic 'aripiprazole lauroxil, 1 mg'
    code: a product of the billed code's own drug is a product of that code too, when the code
    names no product and no qualifier that tells products apart ("preservative free", "not
    otherwise specified") of its own (`_product_qualifiers`)."""
    from docreview.note.roles import role_cues  # local: roles reads the mentions this module finds
    from docreview.note.vocab import route_vocabulary  # local: the vocabulary loads on first use

    if (facts.product_specific or not facts.drug or _names_own_products(facts)
            or _product_qualifiers(facts, kb.parse(facts.code, facts.descriptor).qualifiers)):
        return mentions

    plain_words = set(route_vocabulary().descriptor_words) | set(role_cues().dose_form_words)

    def key(name: str) -> str:
        # "fluocinolone acetonide intravitreal" (C9450) and "fluocinolone acetonide" (J7314, Yutiq),
        # "ferric pyrophosphate citrate solution" and "(ferric pyrophosphate citrate)": one drug. A
        # route or dosage-form word in a drug phrase names no other drug.
        return " ".join(w for w in normalize_name(name).split() if w not in plain_words)

    drug = key(facts.drug)
    # The gloss may name the drug by an alias of the code ("Triferic AVNU (ferric pyrophosphate)").
    own_names = {drug, *(key(a) for a in facts.aliases)}

    billed_routes = kb.parse(facts.code, facts.descriptor).routes

    def narrower(code: str) -> bool:
        # A code of this very drug (not a co-formulation's: Darzalex Faspro, daratumumab and
        # hyaluronidase) that CMS tells apart by its product (Aristada, Acthar Gel) or by a route
        # the billed code leaves open ("pegcetacoplan, intravitreal"); not by a strength band
        # (Optiray 350 is no product of "contrast, 200-299 mg/ml").
        other = kb.facts(code)
        return key(other.drug) == drug and (other.product_specific or bool(kb.parse(code, other.descriptor).routes and not billed_routes))

    def same_drug_products(codes: frozenset[str]) -> bool:
        return bool(codes) and all(c in kb.codes and narrower(c) for c in codes)

    def names_the_drug(m: DrugMention) -> bool:
        # A brand glossed by the code's own generic ("ARISTADA (aripiprazole lauroxil)"), or a
        # brand alone whose codes are all this drug's ("Syfovre 15 mg" under the plain
        # "pegcetacoplan, 1 mg"; the crosswalk files its NDCs under the newer code only).
        return m.gloss is None or any(key(part) in own_names for part in m.name.split(" / "))

    return [replace(m, codes=m.codes | {facts.code}) if facts.code not in m.codes and same_drug_products(m.codes) and names_the_drug(m)
            else m for m in mentions]


def _names_own_products(facts: CodeFacts) -> bool:
    """A descriptor that names its products ("paliperidone palmitate extended release (invega
    hafyera, or invega trinza)"): another product of its drug (Invega Sustenna, J2426's) is none."""
    descriptor = facts.descriptor.lower()
    return "(" in descriptor and any(len(b) > 3 and b.lower() in descriptor for b in facts.brands)


def _product_qualifiers(facts: CodeFacts, qualifiers: Sequence[str]) -> list[str]:
    """The qualifiers that tell the code's product from others of its drug ("preservative free",
    "not otherwise specified", "for intravenous use"). Not a use restriction ("for hospitalized
    adult patients with covid-19 ..., ..." and the segments that continue it), nor "biosimilar"
    after a biosimilar's suffixed name ("tocilizumab-anoh"), which names its product already."""
    from docreview.note.vocab import route_vocabulary  # local: the vocabulary loads on first use

    out = []
    for q in qualifiers:
        if q.startswith("for ") and not route_vocabulary().routes_in(q):
            break
        if q == "biosimilar" and BIOSIMILAR_NAME_RE.search(facts.drug):
            continue
        out.append(q)
    return out


def with_stated_salt(text: str, mentions: list[DrugMention], kb: KnowledgeBase) -> list[DrugMention]:
    """'caffeine sodium benzoate' is no 'caffeine citrate' (J0706), 'magnesium chloride' no
    'magnesium sulfate' (J3475): a name that states a salt keeps only the codes whose drug states
    none or shares one ('methylprednisolone sodium succinate' keeps J2930, not J1040's acetate)."""
    out = []
    for m in mentions:
        stated = counter_ions(text[m.start : m.end]) if m.codes else frozenset()  # as written: "caffeine" + "sodium benzoate"
        if stated:
            ions = kb.counter_ions_by_code
            keep = frozenset(c for c in m.codes if not ions.get(c) or ions[c] & stated)
            m = replace(m, codes=keep) if keep != m.codes else m
        out.append(m)
    return out


def with_stated_formulation(text: str, mentions: list[DrugMention], kb: KnowledgeBase) -> list[DrugMention]:
    """'Doxorubicin liposomal 50 mg', 'tacrolimus XR', 'conventional doxorubicin': a formulation
    written beside (or inside) a drug's name picks, among the drug's codes, those of that
    formulation (or those of none), so a liposomal dose under the plain code is another product."""
    spellings, plain = _formulation_spellings()
    out = []
    for m in mentions:
        forms = {c: _code_formulation(kb, c, spellings) for c in m.codes if c in kb.codes}
        if len(set(forms.values())) < 2:
            out.append(m)  # the name's codes are not told apart by formulation
            continue
        stated = _formulation_stated(text, m, spellings, plain)
        if stated is None:
            out.append(m)
            continue
        chosen = frozenset(c for c, f in forms.items() if (stated in f if stated else not f))
        out.append(replace(m, codes=chosen) if chosen else m)
    return _with_stated_dose_form(text, out, kb)


def _with_stated_dose_form(text: str, mentions: list[DrugMention], kb: KnowledgeBase) -> list[DrugMention]:
    """'levalbuterol (Xopenex) 1.25 mg/3 mL unit-dose vial, manufacturer product': the dose forms
    written on the name's line, before the next drug, pick among codes told apart by them (unit
    dose or concentrated form, compounded or not)."""
    patterns = _dose_form_patterns()
    out = []
    for i, m in enumerate(mentions):
        descriptors = {c: kb.facts(c).descriptor.lower() for c in m.codes if c in kb.codes}
        forms = {form for form in patterns if any(form in d for d in descriptors.values())}
        line_end = text.find("\n", m.end)
        limit = min(mentions[i + 1].start if i + 1 < len(mentions) else len(text), len(text) if line_end < 0 else line_end, m.end + 120)
        stated = [form for form in forms if patterns[form].search(text, m.end, limit)]
        chosen = frozenset(c for c, d in descriptors.items() if all(form in d for form in stated)) if stated else frozenset()
        out.append(replace(m, codes=chosen) if chosen else m)
    return out


@lru_cache(maxsize=1)
def _dose_form_patterns() -> dict[str, re.Pattern[str]]:
    stated = data_file_as("drug_words.json", DrugWordsFile).dose_forms_stated
    # ("compounded" inside "non-compounded" is the other form)
    return {form: re.compile(rf"(?<![A-Za-z-]){alternation(words)}(?![A-Za-z])", re.IGNORECASE) for form, words in stated.items()}


def _formulation_stated(text: str, mention: DrugMention, spellings: dict[str, str], plain: frozenset[str]) -> str | None:
    """The formulation the note writes beside a name ("" for a plain one), or None."""
    before_re, inside_re, after_re = _formulation_patterns()
    before = before_re.search(text, max(0, mention.start - 30), mention.start)
    inside = inside_re.search(text, mention.start, mention.end)
    after = after_re.match(text, mention.end, mention.end + 60)
    found = next((x.group(1).lower() for x in (inside, after, before) if x), None)
    if found is None:
        return None
    return "" if found in plain else spellings[found]


@lru_cache(maxsize=1)
def _formulation_spellings() -> tuple[dict[str, str], frozenset[str]]:
    words = data_file_as("drug_words.json", DrugWordsFile)
    return dict(words.formulation_spellings), frozenset(words.plain_formulation_words)


@lru_cache(maxsize=1)
def _formulation_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A formulation word right before a name, inside it, or after it past salt words
    ("doxorubicin HCl liposomal")."""
    spellings, plain = _formulation_spellings()
    words = "|".join(sorted((re.escape(w) for w in [*spellings, *plain]), key=len, reverse=True))
    salts = "|".join(re.escape(w) for w in data_file_as("drug_words.json", DrugWordsFile).salts if " " not in w)
    return (re.compile(rf"(?<![A-Za-z])({words})[ \t-]+$", re.IGNORECASE),
            re.compile(rf"(?<![A-Za-z])({words})(?![A-Za-z])", re.IGNORECASE),
            re.compile(rf"(?:[ \t,-]+(?:{salts})\b)*[ \t,-]+({words})(?![A-Za-z])", re.IGNORECASE))


def _code_formulation(kb: KnowledgeBase, code: str, spellings: dict[str, str]) -> frozenset[str]:
    return frozenset(spellings.get(w, w) for w in formulation(kb.facts(code).descriptor))


_RANGE_RE = re.compile(r"(\d+)\s*(?:-|to)\s*(\d+)\s*mg/ml|(\d+)\s*(?:mg/ml\s*)?or\s+greater", re.IGNORECASE)


def _strength_fits(brand: str, descriptor: str) -> bool:
    """'Omnipaque 300' is no product of 'Low osmolar contrast material, 400 or greater mg/ml
    iodine' (the crosswalk files a family's products under each of its codes)."""
    number = re.search(r"\b(\d{3})\b", brand)
    bounds = _RANGE_RE.search(descriptor)
    if number is None or bounds is None:
        return True
    value = int(number.group(1))
    if bounds.group(3):
        return value >= int(bounds.group(3))
    return int(bounds.group(1)) <= value <= int(bounds.group(2))


_JOINS = frozenset({"and", "with", "in", "w"})  # a combination product's name joins two drugs
_CHEMICAL_PREFIXES = ("methyl", "hydroxy", "chloro", "fluoro")


def _split_prefix(word: str) -> tuple[str, str] | None:
    prefix = next((p for p in _CHEMICAL_PREFIXES if word.startswith(p) and len(word) - len(p) >= 6), None)
    return (prefix, word[len(prefix) :]) if prefix else None


_MAX_TWINS = 3  # more codes on one descriptor are distinct products of a class, not twins


def _plain_word(words: tuple[str, ...]) -> bool:
    """One common English word that no public source lists as a drug ("services", "classified")."""
    from docreview.data_files import english_words
    from docreview.knowledge.packaged import generic_names

    return len(words) == 1 and words[0] in english_words() and words[0] not in generic_names()


_COMBINED_RE = re.compile(r"[;/+]|\s(?:and|with)\s")
_MIN_HEAD_LEN = 7  # "ado", "fam", "rho" are prefixes of a name, not a drug


def _add_head_words(names: dict[tuple[str, ...], set[str]], generics: set[tuple[str, ...]]) -> None:
    """'gemtuzumab 4.5 mg IV' for "gemtuzumab ozogamicin", 'talimogene' for "talimogene
    laherparepvec": a chart shortens a generic name to its first word when that word starts one
    drug's name only. Not a word that starts several drugs' names ("factor", "insulin"), plain
    English, or a word of diseases and tests ("prothrombin time", "estrogen receptor"); not a
    brand's first word (Risperdal tablets are no Risperdal Consta)."""
    from docreview.data_files import english_words
    from docreview.knowledge.packaged import condition_stems
    from docreview.note.reasons import word_stems

    # "antiemetic drug", "factor viii": a name holding a class word names a class.
    class_words = _JOINS | set(load_json("drug_words.json")["stop_terms"])
    by_head: dict[str, list[set[str]]] = {}
    for words, codes in names.items():
        if codes and len(words) > 1 and class_words.isdisjoint(words):
            by_head.setdefault(words[0], []).append(codes)
    medical = condition_stems()
    for head, code_sets in by_head.items():
        shared = set.intersection(*code_sets)
        if (not shared or (head,) in names or len(head) < _MIN_HEAD_LEN or not head.isalpha()
                or not any(g[0] == head for g in generics) or head in english_words() or word_stems(head) & medical):
            continue
        names[(head,)] = set.union(*code_sets)


def _twin_key(facts: CodeFacts) -> str:
    """Twin codes share a key: the build's twins (one descriptor however CMS punctuates or
    misspells it: "granisetron, extended-release" and "granisetron extended release"), else the
    descriptor as written."""
    entry = code_entry(facts.code)
    if entry is not None and entry.twins:
        return min([facts.code, *entry.twins])
    return " ".join((facts.descriptor or facts.code).lower().split())


def _index(kb: KnowledgeBase) -> dict[str, list[_Entry]]:
    """Every known drug name by its first word, longest first."""
    names: dict[tuple[str, ...], set[str]] = {}
    generics: set[tuple[str, ...]] = set()
    # Twin codes (a C-code and its J-code, one descriptor) name one drug: each carries the other's
    # generic names, so "Zerbaxa (ceftolozane ...)" keeps J0695 when only C9452 lists "ceftolozane".
    twins: dict[str, list[CodeFacts]] = {}
    brand_codes: dict[str, set[str]] = {}
    for facts in kb.all_facts():
        for brand in facts.brands:
            brand_codes.setdefault(brand, set()).add(facts.code)
        twins.setdefault(_twin_key(facts), []).append(facts)
    for group in twins.values():
        codes = {f.code for f in group} if len(group) <= _MAX_TWINS else set()
        # Twins whose descriptor names no product (Q9979 and J0202, "alemtuzumab, 1 mg") are one
        # product under two codes: a brand either lists is both codes' ("Lemtrada"), unless a code
        # outside the twins lists it too (C9476's "Darzalex Faspro" is J9144's product).
        generic_twins = len(codes) > 1 and not any(f.product_specific for f in group)
        for facts in group:
            brands = {b for b in facts.brands if not generic_twins or brand_codes[b] - codes}
            for name in facts.names():
                words = tuple(normalize_name(name).split())
                if name == facts.drug and _plain_word(words):
                    continue  # Q2052 "Services, supplies and accessories ...": a descriptor that names no drug
                # (not a combination's: "cilastatin sodium; imipenem" is no cilastatin alone)
                if name in (facts.drug, facts.moiety) and not facts.vehicle and not _COMBINED_RE.search(facts.drug):
                    generics.add(words)
                if words and len("".join(words)) >= 2:
                    # Generic names only: a pass-through code's brand list may hold a sibling product's.
                    names.setdefault(words, set()).update({facts.code} | (set() if name in brands else codes))
                    if len(words) > 1 and len(words[-1]) == 2 and words[-1].isalpha():
                        # "Bicillin CR" is also written "BICILLIN C-R" (and "Bicillin L-A").
                        names.setdefault((*words[:-1], words[-1][0], words[-1][1]), set()).add(facts.code)
    # "Humulin R", "Novolin N": a product line's name and a letter for its form name one of the
    # line's products; the code the line's bare name carries (J1815's "Humulin") bills it too when
    # that code bills the same drug ("GlyRx-PF" keeps its own product's code, J1597).
    by_code = {f.code: f for f in kb.all_facts()}
    for words, codes in names.items():
        line = names.get(words[:1]) if len(words) == 2 and len(words[1]) <= 2 and words[1].isalpha() and codes else None
        if (line and not any(by_code[c].product_specific for c in codes)
                and {by_code[c].moiety for c in codes} & {by_code[c].moiety for c in line}):
            codes.update(line)
    # "Sandostatin LAR" for "Sandostatin LAR Depot": a brand charted without its package word.
    package_words = set(data_file_as("drug_words.json", DrugWordsFile).package_words)
    for facts in kb.all_facts():
        for brand in facts.brands:
            words = tuple(normalize_name(brand).split())
            if len(words) >= 3 and words[-1] in package_words and words[:-1] not in names:
                names[words[:-1]] = set(names.get(words, set())) or {facts.code}
    # A chemical prefix written apart ("methyl prednisolone acetate", "hydroxy progesterone") names
    # the same drug.
    for words, codes in list(names.items()):
        split = _split_prefix(words[0])
        if codes and split and (*split, *words[1:]) not in names:
            names[(*split, *words[1:])] = set(codes)
    _add_head_words(names, generics)
    # "trimethobenzamide HCl" (J3250's name) and "trimethobenzamide hydrochloride" (Q0173's) name
    # one drug: a salt's abbreviation and its full word carry each other's codes.
    spellings = data_file_as("drug_words.json", DrugWordsFile).salt_spellings
    same_salt: dict[tuple[str, ...], set[str]] = {}
    for words, codes in names.items():
        if codes:
            same_salt.setdefault(tuple(spellings.get(w, w) for w in words), set()).update(codes)
    for words, codes in list(names.items()):
        key = tuple(spellings.get(w, w) for w in words)
        if codes and len(same_salt[key]) > len(codes):
            names[words] = set(same_salt[key])
    # Chart abbreviations ("KCl", "TXA", "vanco") carry the codes of the name they stand for.
    for short, full in data_file_as("drug_abbreviations.json", DrugAbbreviationsFile).abbreviations.items():
        codes = names.get(tuple(normalize_name(full).split()))
        if codes:
            names.setdefault(tuple(normalize_name(short).split()), set()).update(codes)
    # Other drugs bound a billed drug's stretch of text; they carry no code.
    for name in load_json("other_drugs.json")["names"]:
        words = tuple(normalize_name(name).split())
        if words and words not in names:
            names[words] = set()
    coded = {words for words, codes in names.items() if codes}
    # A public name that holds a billed drug's name ("lidocaine hydrochloride") would
    # hide the code from the longest match: the billed name wins.
    coded_firsts = {words[0] for words in coded}
    for name in load_json("drug_lexicon.json")["names"]:
        words = tuple(name.split())
        if words in names or name in _not_drug_words():
            continue  # ("diluent", a product's own name in the NDC data, names no drug in a note)
        # Only a name sharing a word with a billed name can hold one (a set test for the rest).
        held = [] if coded_firsts.isdisjoint(words) else [
            words[i:j] for i in range(len(words)) for j in range(i + 1, len(words) + 1) if words[i:j] in coded]
        if not held:
            names[words] = set()
        elif len(held) == 1 and held[0][0] == words[0] and all(w not in _JOINS for w in words):
            # "insulin lispro", "lidocaine hydrochloride": the whole name is the billed drug's,
            # read as one mention (not "insulin" and a second drug "lispro").
            names[words] = set(names[held[0]])
    by_first: dict[str, list[_Entry]] = {}
    for words, codes in names.items():
        by_first.setdefault(words[0], []).append((words, frozenset(codes), " ".join(words)))
    for entries in by_first.values():
        entries.sort(key=lambda e: -len(e[0]))
    return by_first


# ".0" right after a name: the name is the head of a code ("D50.0"), no drug.
_CODE_DECIMALS_RE = re.compile(r"\.\d")


class DrugLexicon:
    def __init__(self, kb: KnowledgeBase) -> None:
        # Built from every code's facts (a third of a cold start), so kept between runs.
        self._by_first = derived("drug-lexicon", kb.inputs_key, lambda: _index(kb))
        self._kb = kb

    @cached_property
    def _combinations(self) -> list[tuple[str, tuple[frozenset[str], ...]]]:
        """Each two-ingredient code with what each of its ingredients is named by alone: its codes,
        or (an ingredient with no code of its own, emtricitabine) the lexicon's name for it."""
        def build() -> list[tuple[str, tuple[frozenset[str], ...]]]:
            out = []
            for facts in self._kb.all_facts():
                # The descriptor's parts where it gives them ("aztreonam/avibactam, 7.5 mg/2.5 mg").
                parts = [name for name, _ in facts.parts] or [p for p in _COMPONENTS_RE.split(normalize_name(facts.drug)) if p]
                if len(parts) != 2:
                    continue
                found = [self.find(part) for part in parts]
                named = tuple(frozenset().union(*(m.codes for m in ms)) - {facts.code} or frozenset(_NAMED + m.name.split()[0] for m in ms)
                              for ms in found)
                if all(named):
                    out.append((facts.code, named))
            return out

        return derived("drug-combinations", self._kb.inputs_key, build)

    def with_combinations(self, text: str, mentions: list[DrugMention]) -> list[DrugMention]:
        """'1% lidocaine with 1:100,000 epinephrine' names lidocaine-with-epinephrine (J2004): two
        ingredients written as one preparation give the first mention the combination's code only;
        '1% plain lidocaine' and 'lidocaine without epinephrine' are no combination.
        The second keeps its own codes (its role follows the first's, note/roles.py)."""
        combination_codes = {code for code, _ in self._combinations}
        out = [replace(m, codes=m.codes - combination_codes)
               if m.codes - combination_codes and m.codes & combination_codes
               and (_PLAIN_BEFORE_RE.search(text, max(0, m.start - 12), m.start) or _PLAIN_AFTER_RE.match(text, m.end)) else m
               for m in mentions]
        for k in range(len(out) - 1):
            first, second = out[k], out[k + 1]
            if first.codes and second.codes and _WITHOUT_GAP_RE.fullmatch(text, first.end, second.start):
                # "1% lidocaine without epinephrine": not the combination's code.
                both = {code for code, (a, b) in self._combinations if first.codes & a and second.codes & b}
                if first.codes - both:
                    out[k] = replace(first, codes=first.codes - both)
                continue
            if not one_preparation(text, first, second) and not _PARTS_GAP_RE.fullmatch(text, first.end, second.start):
                continue
            first_names, second_names = _names_of(first), _names_of(second)
            both = {code for code, (a, b) in self._combinations
                    if (first_names & a and second_names & b) or (first_names & b and second_names & a)}
            if both:
                # The preparation is the combination's, not a plain product of its lead ingredient.
                out[k] = replace(first, codes=frozenset(both))
        return out

    def find(self, text: str, fuzzy_targets: list[CodeFacts] = ()) -> list[DrugMention]:  # type: ignore[assignment]
        words = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
        out: list[DrugMention] = []
        i = 0
        while i < len(words):
            match = None
            for entry_words, codes, name in self._by_first.get(words[i][0], ()):
                n = len(entry_words)
                if tuple(w for w, _, _ in words[i : i + n]) == entry_words and not any(
                        _NAME_BREAK_RE.search(text, words[k][2], words[k + 1][1]) for k in range(i, i + n - 1)) and not (
                        # "COMBOGESIC IV (acetaminophen ...)": a route word before a bracket is the
                        # product's route, not the start of "IV acetaminophen".
                        n > 1 and entry_words[0] in _route_suffixes() and "(" in text[words[i][2] : words[i + 1][1]]):
                    match = (n, codes, name)
                    break
            if match:
                n, codes, name = match
                short = len(name.replace(" ", "")) <= 3
                # A short alias (MS, LEV, B12) counts only when a number follows it closely, on its
                # line ("MS RN" initials end a MAR row; the next row's time is no dose).
                line_end = text.find("\n", words[i + n - 1][2])
                line_end = len(text) if line_end == -1 else line_end
                dosed = any(_NUMBER_RE.search(w) for w, start, _ in words[i + n : i + n + 4] if start < line_end) or (
                    short and i + n < len(words) and words[i + n][1] < line_end and words[i + n][0] in _short_alias_after())
                lab = " ".join(entry_words) in _not_drug_words()
                if lab:
                    # "hCG 2,000 units IM", "albumin 25% 50 g IV", not "hCG 1,840", "beta-hCG 5
                    # mIU/mL" or "albumin 3.2 g/dL": a lab's name is the drug's only before a dose.
                    dosed = _dose_unit_after().match(text, words[i + n - 1][2], line_end) is not None
                if _CODE_DECIMALS_RE.match(text, words[i + n - 1][2]) or (short and inside_a_code(text, words[i][1], words[i + n - 1][2])):
                    i += 1  # "IDA (D50.0)": an ICD-10-CM code, not 50% dextrose; "lot MS-2290", no morphine
                    continue
                if short and n == 1 and (_honorific(text[words[i][1] : words[i][2]]) or _JOINED_BEFORE_RE.search(text, max(0, words[i][1] - 2), words[i][1])):
                    i += 1  # "Ms. Carrasco, 44": a title before a name; "CADD-MS 3": a device's name; not MS (morphine sulfate)
                    continue
                if not (short or lab) or dosed:
                    # "Zofran IV": the name ends before its route word, which is read as a route.
                    last = i + n - 1
                    while last > i and words[last][0] in _route_suffixes():
                        last -= 1
                    out.append(DrugMention(words[i][1], words[last][2], name, codes))
                    i += n
                    continue
            i += 1
        out = [m for m in out if m.codes or not _LAB_VALUE_RE.match(text, m.end)]
        if fuzzy_targets:
            out.extend(self._fuzzy(words, out, fuzzy_targets))
        out.extend(DrugMention(s, e, name, frozenset()) for s, e, name in find_unknown_drugs(text, [(m.start, m.end) for m in out]))
        out.sort(key=lambda m: m.start)
        return out

    @staticmethod
    def _fuzzy(words, exact: list[DrugMention], targets: list[CodeFacts]) -> list[DrugMention]:
        from rapidfuzz import fuzz, process  # only when a note has words to match loosely

        covered = {(m.start, m.end) for m in exact}
        spans = [(m.start, m.end) for m in exact]
        single: dict[str, set[str]] = {}
        for facts in targets:
            for name in facts.names():
                norm = normalize_name(name)
                if " " not in norm and len(norm) >= _FUZZY_MIN_LEN:
                    single.setdefault(norm, set()).add(facts.code)
        names = list(single)
        alike = [_alike(name) for name in names]
        found = []
        for word, start, end in words:
            if len(word) < _FUZZY_MIN_LEN or (start, end) in covered or any(s <= start < e for s, e in spans):
                continue
            # The name most like the word as written or as it sounds; the first such on a tie.
            best = [hit for hit in (process.extractOne(word, names, scorer=fuzz.ratio, score_cutoff=_FUZZY_SCORE),
                                    process.extractOne(_alike(word), alike, scorer=fuzz.ratio, score_cutoff=_FUZZY_SCORE)) if hit]
            if not best:
                continue
            name = names[min(best, key=lambda hit: (-hit[1], hit[2]))[2]]
            if word != name:
                found.append(DrugMention(start, end, name, frozenset(single[name]), fuzzy=True))
        return found


_SOUNDS_ALIKE = (("ph", "f"), ("y", "i"), ("ck", "k"))


def _alike(word: str) -> str:
    """The word with spellings that sound alike written one way ("Rocefin" = "Rocephin")."""
    for a, b in _SOUNDS_ALIKE:
        word = word.replace(a, b)
    return word


@lru_cache(maxsize=1)
def _not_drug_words() -> frozenset[str]:
    """Words that name no drug in a note (data/drug_shape.json `not_drugs`): labs and tests
    ("hCG", "TSH"), "diluent"."""
    return frozenset(data_file_as("drug_shape.json", DrugShapeFile).not_drugs)


@lru_cache(maxsize=1)
def _dose_unit_after() -> re.Pattern[str]:
    """A strength right after a name ("albumin 25% 50 g", "hCG 2,000 units"; not "NS (0.1% albumin)
    250 mL bag", the vehicle's volume)."""
    units = data_file_as("drug_shape.json", DrugShapeFile).dose_units
    return re.compile(rf"[ \t:]{{0,3}}\d[\d,.]*\s*(?:{'|'.join(map(re.escape, units))})(?![a-z])", re.IGNORECASE)


# A word joined before by a hyphen ("CADD-MS"): a short alias there is part of that name.
_JOINED_BEFORE_RE = re.compile(r"[A-Za-z]-$")


def _honorific(word: str) -> bool:
    """A title written as one ("Ms", "Dr"; data/sections.json `abbreviations`), not in capitals as a drug's is ("MS")."""
    return word[:1].isupper() and word[1:].islower() and word.lower() in _titles()


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    return frozenset(data_file_as("sections.json", SectionsFile).abbreviations)


@lru_cache(maxsize=1)
def _short_alias_after() -> frozenset[str]:
    return frozenset(data_file_as("drug_abbreviations.json", DrugAbbreviationsFile).short_alias_after)


@lru_cache(maxsize=1)
def _route_suffixes() -> frozenset[str]:
    return frozenset(data_file_as("drug_abbreviations.json", DrugAbbreviationsFile).route_suffixes)


@lru_cache(maxsize=8)
def lexicon_for(kb: KnowledgeBase) -> DrugLexicon:
    return DrugLexicon(kb)
