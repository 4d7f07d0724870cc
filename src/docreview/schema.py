"""Pydantic models at every boundary: the claim in, the review out, eval cases.

The shapes follow ../shared/spec/review-spec.md (the contract other tools read too).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from docreview.records import Record

ELEMENTS = ("dosage", "route", "indication", "wastage")
Element = Literal["dosage", "route", "indication", "wastage"]
Setting = Literal["office", "outpatient", "inpatient", "rhc-fqhc", "esrd-facility"]

_CODE_RE = re.compile(r"^[A-Z]\d{4}$")
_MODIFIER_RE = re.compile(r"^[A-Z0-9]{2}$")


class Status(str, Enum):
    documented = "documented"
    missing = "missing"
    inconsistent = "inconsistent"
    not_applicable = "not_applicable"

    def __str__(self) -> str:  # rich and f-strings print the value
        return self.value


class Verdict(str, Enum):
    passed = "pass"
    failed = "fail"

    def __str__(self) -> str:
        return self.value


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"

    def __str__(self) -> str:
        return self.value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Claim(Record):
    """One billed claim line (the spec's `claim` object)."""

    model_config = ConfigDict(extra="ignore")

    code: str
    units: float | None = Field(default=None, ge=0)
    modifiers: list[str] = Field(default_factory=list)
    waste_units: float | None = Field(default=None, ge=0)
    icd10: list[str] = Field(default_factory=list)
    date_of_service: str | None = None
    setting: Setting | None = None
    separately_payable: bool = True

    @model_validator(mode="before")
    @classmethod
    def _setting_as_written(cls, data: object) -> object:
        """Edge case 14: POS codes and common names; an ASC packages its drugs."""
        if not isinstance(data, dict):
            return data
        for key, value in data.items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and not _encodable(item):
                    raise ValueError(f"{key}: not valid Unicode text (it holds lone surrogate code points)")
        if data.get("setting") in (None, ""):
            return data
        from docreview.settings_map import resolve_setting

        resolved = resolve_setting(str(data["setting"]))
        data = {**data, "setting": resolved.setting}
        if resolved.packaged and data.get("separately_payable") is None:
            data["separately_payable"] = False
        return data

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        code = value.strip().upper()
        if not _CODE_RE.match(code):
            raise ValueError(f"'{value}' is not a HCPCS Level II code (a letter and four digits, e.g. J1953)")
        return code

    @field_validator("date_of_service")
    @classmethod
    def _date_of_service(cls, value: str | None) -> str | None:
        """Edge case 5 sums the givings on this day, so a date docreview cannot read is an error."""
        if value is None or not value.strip():
            return None
        from docreview.note.dates import service_date

        if service_date(value) is None:
            raise ValueError(f"'{value}' is not a date of service docreview can read (write 2025-06-13 or 06/13/2025)")
        return value.strip()

    @field_validator("modifiers")
    @classmethod
    def _modifiers(cls, value: list[str]) -> list[str]:
        out = []
        for item in value:
            mod = item.strip().upper()
            if not _MODIFIER_RE.match(mod):
                raise ValueError(f"'{item}' is not a HCPCS modifier (two letters or digits, e.g. JW)")
            if mod not in out:
                out.append(mod)
        return out

    @field_validator("icd10")
    @classmethod
    def _icd10(cls, value: list[str]) -> list[str]:
        return [v.strip().upper() for v in value if v.strip()]

    @property
    def has_jw(self) -> bool:
        return "JW" in self.modifiers or (self.waste_units or 0) > 0

    @property
    def has_jz(self) -> bool:
        return "JZ" in self.modifiers


class Evidence(Record):
    """A quote from the note; always note[start:end] == quote."""

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Requirement(Record):
    """The requirement a finding rests on, with its source document."""

    code: str
    section: str
    source: str
    text: str


class Finding(Record):
    rule_id: str
    element: Element | Literal["claim"]
    severity: Severity
    message: str
    evidence: list[Evidence] = Field(default_factory=list)
    requirement: Requirement | None = None
    suggestion: str = ""
    carc: list[str] = Field(default_factory=list, description="denial reasons the fix prevents")
    origin: Literal["rules", "model"] = "rules"


class ElementResult(Record):
    element: Element
    status: Status
    summary: str = Field(description="one line a coder reads")
    evidence: list[Evidence] = Field(default_factory=list)
    requirement: Requirement | None = None
    origin: Literal["rules", "model", "hybrid"] = "rules"
    confident: bool = Field(default=True, description="False when the rules could not settle it")


class CodeSummary(Record):
    code: str
    descriptor: str
    drug: str
    unit_amount: float | None
    unit: str | None
    up_to: bool


class Review(Record):
    """The answer for one claim line."""

    docreview_version: str
    mode: Literal["rules", "model", "hybrid"]
    claim: Claim
    code: CodeSummary
    verdict: Verdict
    elements: dict[Element, ElementResult]
    findings: list[Finding] = Field(default_factory=list)
    computed_units: float | None = Field(default=None, description="units the documented dose bills as")
    computed_waste_units: float | None = None
    elapsed_ms: float = 0.0

    def status(self, element: str) -> Status:
        return self.elements[element].status  # type: ignore[index]

    def predicted(self) -> dict[str, str]:
        out = {name: self.elements[name].status.value for name in ELEMENTS}  # type: ignore[index]
        out["verdict"] = self.verdict.value
        return out


class EvalSource(Record):
    dataset: Literal["mtsamples"]
    row_index: int = Field(ge=0)


class EvalCase(Record):
    """One labelled case (JSON Lines); unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: str
    note: str | None = None
    source: EvalSource | None = None
    claim: Claim
    expected: dict[str, str] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    rationale: str = ""
    split: Literal["dev", "test"] | None = None

    @model_validator(mode="after")
    def _note_or_source(self) -> EvalCase:
        if self.note is None and self.source is None:
            raise ValueError("a case needs a 'note' or a 'source'")
        allowed = {s.value for s in Status} | {"pass", "fail"}
        for key, value in self.expected.items():
            if key not in (*ELEMENTS, "verdict"):
                raise ValueError(f"unknown expected key '{key}'")
            if value not in allowed:
                raise ValueError(f"expected.{key}: '{value}' is not a status")
        return self
