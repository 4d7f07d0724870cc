"""Code knowledge shipped with docreview: knowledge/data/codes.json.gz.

Built by scripts/build_knowledge.py from public sources (CMS HCPCS 2025 drug table, CMS ASP
NDC-HCPCS crosswalk, FDA NDC/RxNorm facts, DrugCentral, LabeledIn, ICD-10-CM); provenance in
knowledge/data/PROVENANCE.md and the top-level NOTICE. Loaded lazily, once per process, and
validated at this boundary; a review never reads a raw source table.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator, Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, TypeAdapter

from docreview.derived_cache import derived
from docreview.records import Record

DATA_FILE = Path(__file__).resolve().parent / "data" / "codes.json.gz"
STEMS_FILE = DATA_FILE.with_name("icd10_stems.json.gz")


class Package(Record):
    ndc: str
    name: str
    billing_units: float  # HCPCS billing units in one item (vial, syringe, bag)


class DerivedIndication(Record):
    icd10: str  # an ICD-10-CM code or prefix, without the dot
    name: str  # the source's indication name
    source: str  # drugcentral | labeledin | hcpcs (the use the descriptor restricts the code to)
    match: str = ""  # how the name was mapped onto ICD-10-CM (exact | embedding <cosine>)


class ParsedDescriptor(Record):
    """hcpcs.parse_descriptor's result, stored at build time (valid while the parser's inputs are unchanged)."""

    drug: str
    brands: list[str] = Field(default_factory=list)
    labelers: list[str] = Field(default_factory=list)
    unit_amount: float | None = None
    unit: str | None = None
    up_to: bool = False
    tier: tuple[float | None, float | None] | None = None
    routes: list[str] = Field(default_factory=list)
    qualifiers: list[str] = Field(default_factory=list)
    lead_brand: bool = False
    or_equivalent: bool = False
    parts: list[tuple[str, float]] = Field(default_factory=list)


class PackagedCode(Record):
    descriptor: str
    parsed: ParsedDescriptor | None = None
    drug: str = ""
    ingredients: list[str] = Field(default_factory=list)
    generics: list[str] = Field(default_factory=list)  # the ingredients' INN (DrugCentral) names
    brands: list[str] = Field(default_factory=list)
    twins: list[str] = Field(default_factory=list)  # codes of the same descriptor (a C code and its J code)
    packages: list[Package] = Field(default_factory=list)
    drug_class: str | None = None
    classes: list[str] = Field(default_factory=list)
    purposes: list[str] = Field(default_factory=list)  # analgesic, antiemetic, sedative, antibacterial, ...
    symptom_groups: list[str] = Field(default_factory=list)
    indications: list[DerivedIndication] = Field(default_factory=list)
    short_routes: list[str] = Field(default_factory=list)  # CMS's short description's routes ("Netupitant palonosetron oral")


class PackagedHeader(Record):
    version: str
    parser: str = ""  # parser_fingerprint() at build time
    sources: dict[str, dict[str, str]] = Field(default_factory=dict)
    icd10cm: str = ""
    embedding: str | None = None
    generics: list[str] = Field(default_factory=list)
    symptom_sets: dict[str, list[str]] = Field(default_factory=dict)


class PackagedKnowledge(PackagedHeader):
    """The whole file, validated at once: the build and the tests check it this way."""

    conditions: list[tuple[str, list[str]]] = Field(default_factory=list)
    rare_conditions: list[tuple[str, list[str]]] = Field(default_factory=list)  # confirm a use, never refute one
    codes: dict[str, PackagedCode] = Field(default_factory=dict)


_COLUMNS = ("descriptor", "generics")  # fields read for every code: split out when the file is read


class CodeTable(Mapping[str, PackagedCode]):
    """The shipped codes, each validated when first read: a review reads a handful of 1,830."""

    def __init__(self, entries: dict[str, bytes], columns: dict[str, dict[str, Any]] | None = None) -> None:
        self._entries = entries  # code -> its JSON
        self._columns = columns or {}
        self._read: dict[str, PackagedCode] = {}

    def __getitem__(self, code: str) -> PackagedCode:
        entry = self._read.get(code)
        if entry is None:
            entry = self._read[code] = PackagedCode.model_validate_json(self._entries[code])
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def column(self, field: str) -> Iterator[tuple[str, Any]]:
        """(code, one field as stored) for every code, without building them all (the tests validate the whole file)."""
        if field in self._columns:
            return iter(self._columns[field].items())
        default = PackagedCode.model_fields[field].get_default(call_default_factory=True)
        return ((code, json.loads(raw).get(field, default)) for code, raw in self._entries.items())


class ShippedKnowledge(PackagedHeader):
    """The file as a review reads it: the header validated on load, codes and condition terms when first read."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    codes: CodeTable = Field(default_factory=lambda: CodeTable({}))
    conditions_json: bytes = b"[]"
    rare_conditions_json: bytes = b"[]"

    @cached_property
    def conditions(self) -> list[tuple[str, list[str]]]:
        return TypeAdapter(list[tuple[str, list[str]]]).validate_json(self.conditions_json)

    @cached_property
    def rare_conditions(self) -> list[tuple[str, list[str]]]:
        return TypeAdapter(list[tuple[str, list[str]]]).validate_json(self.rare_conditions_json)


def _split(path: Path) -> dict[str, Any]:
    """The file as header fields, each code's JSON, the columns every review reads, and the condition terms' JSON."""
    raw = json.loads(gzip.decompress(path.read_bytes()))
    codes = raw.pop("codes", {})
    raw["conditions_json"] = json.dumps(raw.pop("conditions", [])).encode()
    raw["rare_conditions_json"] = json.dumps(raw.pop("rare_conditions", [])).encode()
    raw["entries"] = {code: json.dumps(entry).encode() for code, entry in codes.items()}
    raw["columns"] = {field: {code: entry[field] for code, entry in codes.items() if field in entry} for field in _COLUMNS}
    return raw


@cache
def packaged() -> ShippedKnowledge:
    """The shipped knowledge (an empty one if the file is missing, e.g. a bare checkout).

    Parsing 2.8 MB of JSON is a tenth of a cold `check`, so the file is split once and the
    split kept between runs (derived_cache); a code is validated when first read."""
    if not DATA_FILE.is_file():
        return ShippedKnowledge(version="none")
    raw = dict(derived("shipped-knowledge", "", lambda: _split(DATA_FILE)))
    table = CodeTable(raw.pop("entries"), raw.pop("columns"))
    return ShippedKnowledge.model_validate({**raw, "codes": table})


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
    return dict(packaged().codes.column("descriptor"))


def generic_owners() -> dict[str, set[str]]:
    """Ingredient (INN) name -> the codes that hold it."""
    owners: dict[str, set[str]] = {}
    for code, generics in packaged().codes.column("generics"):
        for g in generics:
            owners.setdefault(g, set()).add(code)
    return owners


def code_entry(code: str) -> PackagedCode | None:
    return packaged().codes.get(code)


class IcdStems(Record):
    version: str
    icd_stems: dict[str, str] = Field(default_factory=dict)  # ICD-10-CM code -> its description's word stems


@cache
def _icd_stems() -> dict[str, str]:
    if not STEMS_FILE.is_file():
        return {}
    return IcdStems.model_validate_json(gzip.decompress(STEMS_FILE.read_bytes())).icd_stems


@cache
def condition_stems() -> frozenset[str]:
    """Word stems of every ICD-10-CM description outside the chapters that name drugs (T:
    poisoning and adverse effects, Y: external causes): the words of diseases, findings, tests
    and body parts ("prothrombin", "lymphocyte", "intrauterine")."""
    return frozenset(w for code, text in _icd_stems().items() if code[0] not in "TY" for w in text.split())


def description_stems(code: str) -> list[set[str]]:
    """Stems of the code's description and of each ancestor's that differs (most specific first)."""
    stems = _icd_stems()
    norm = code.upper().replace(".", "")
    return [set(stems[norm[:n]].split()) for n in range(len(norm), 2, -1) if norm[:n] in stems]


def symptom_prefixes(groups: list[str]) -> list[str]:
    sets = packaged().symptom_sets
    return [p for g in groups for p in sets.get(g, [])]
