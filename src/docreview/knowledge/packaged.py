"""Code knowledge shipped with docreview: knowledge/data/codes.json.gz.

Built by scripts/build_knowledge.py from public sources (CMS HCPCS 2025 drug table, CMS ASP
NDC-HCPCS crosswalk, FDA NDC/RxNorm facts, DrugCentral, LabeledIn, ICD-10-CM); provenance in
knowledge/data/PROVENANCE.md and the top-level NOTICE. Loaded lazily, once per process, and
validated at this boundary; a review never reads a raw source table.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

DATA_FILE = Path(__file__).resolve().parent / "data" / "codes.json.gz"
STEMS_FILE = DATA_FILE.with_name("icd10_stems.json.gz")


class Package(BaseModel):
    ndc: str
    name: str
    billing_units: float  # HCPCS billing units in one item (vial, syringe, bag)


class DerivedIndication(BaseModel):
    icd10: str  # an ICD-10-CM code or prefix, without the dot
    name: str  # the source's indication name
    source: str  # drugcentral | labeledin
    match: str = ""  # how the name was mapped onto ICD-10-CM (exact | embedding <cosine>)


class ParsedDescriptor(BaseModel):
    """hcpcs.parse_descriptor's result, stored at build time (valid while the parser's inputs are unchanged)."""

    drug: str
    brands: list[str] = Field(default_factory=list)
    labelers: list[str] = Field(default_factory=list)
    unit_amount: float | None = None
    unit: str | None = None
    up_to: bool = False
    routes: list[str] = Field(default_factory=list)
    qualifiers: list[str] = Field(default_factory=list)
    lead_brand: bool = False


class PackagedCode(BaseModel):
    descriptor: str
    parsed: ParsedDescriptor | None = None
    drug: str = ""
    ingredients: list[str] = Field(default_factory=list)
    generics: list[str] = Field(default_factory=list)  # the ingredients' INN (DrugCentral) names
    brands: list[str] = Field(default_factory=list)
    packages: list[Package] = Field(default_factory=list)
    drug_class: str | None = None
    classes: list[str] = Field(default_factory=list)
    purposes: list[str] = Field(default_factory=list)  # analgesic, antiemetic, sedative, antibacterial, ...
    symptom_groups: list[str] = Field(default_factory=list)
    indications: list[DerivedIndication] = Field(default_factory=list)


class PackagedKnowledge(BaseModel):
    version: str
    parser: str = ""  # parser_fingerprint() at build time
    sources: dict[str, dict[str, str]] = Field(default_factory=dict)
    icd10cm: str = ""
    embedding: str | None = None
    generics: list[str] = Field(default_factory=list)
    symptom_sets: dict[str, list[str]] = Field(default_factory=dict)
    conditions: list[tuple[str, list[str]]] = Field(default_factory=list)
    codes: dict[str, PackagedCode] = Field(default_factory=dict)


@cache
def packaged() -> PackagedKnowledge:
    """The shipped knowledge (an empty one if the file is missing, e.g. a bare checkout)."""
    if not DATA_FILE.is_file():
        return PackagedKnowledge(version="none")
    # pydantic parses and validates the JSON in one pass (Rust): several times faster than json.load + validate.
    return PackagedKnowledge.model_validate_json(gzip.decompress(DATA_FILE.read_bytes()))


@cache
def parser_fingerprint() -> str:
    """sha256 of the descriptor parser and the vocabularies it reads: a stored parse is used only while they match."""
    here = Path(__file__).resolve().parent
    data = here.parent / "data"
    digest = hashlib.sha256()
    for path in (here / "hcpcs.py", data / "units.json", data / "routes.json", data / "drug_words.json"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stored_parse(code: str, descriptor: str) -> ParsedDescriptor | None:
    data = packaged()
    entry = data.codes.get(code)
    if entry is None or entry.parsed is None or entry.descriptor != descriptor or data.parser != parser_fingerprint():
        return None
    return entry.parsed


@cache
def generic_names() -> frozenset[str]:
    return frozenset(packaged().generics)


def descriptors() -> dict[str, str]:
    return {code: entry.descriptor for code, entry in packaged().codes.items()}


def code_entry(code: str) -> PackagedCode | None:
    return packaged().codes.get(code)


class IcdStems(BaseModel):
    version: str
    icd_stems: dict[str, str] = Field(default_factory=dict)  # ICD-10-CM code -> its description's word stems


@cache
def _icd_stems() -> dict[str, str]:
    if not STEMS_FILE.is_file():
        return {}
    return IcdStems.model_validate_json(gzip.decompress(STEMS_FILE.read_bytes())).icd_stems


def description_stems(code: str) -> list[set[str]]:
    """Stems of the code's description and of each ancestor's that differs (most specific first)."""
    stems = _icd_stems()
    norm = code.upper().replace(".", "")
    return [set(stems[norm[:n]].split()) for n in range(len(norm), 2, -1) if norm[:n] in stems]


def symptom_prefixes(groups: list[str]) -> list[str]:
    sets = packaged().symptom_sets
    return [p for g in groups for p in sets.get(g, [])]
