"""Request and response models of the JSON API (pydantic at the boundary; they make /openapi.json)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from docreview.audit.store import Action, AuditRecord
from docreview.records import Record
from docreview.schema import Claim, Review


class ReviewRequest(Record):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(description="the clinical note (PHI): at most 1 MB of UTF-8", examples=["Keppra 1,500 mg IVPB given for seizure disorder. No waste."])
    claim: Claim


class ReviewResponse(Record):
    review_id: str | None = Field(description="the audit trail's id of this review (null when the server runs with --no-audit)")
    note_sha256: str
    review: Review


class PageReviewResponse(ReviewResponse):
    html: str = Field(description="the review rendered for the page (escaped HTML fragment)")


class DecisionRequest(Record):
    model_config = ConfigDict(extra="forbid")

    rule_id: str = Field(min_length=1, max_length=16, description="the finding's rule id, e.g. DOS001")
    action: Action
    reason: str = Field(default="", max_length=2000, description="why (required to override)")


class DecisionResponse(Record):
    id: int
    review_id: str
    rule_id: str
    action: Action
    reason: str
    user: str
    created: str


class ReviewPage(Record):
    total: int
    page: int
    per_page: int
    items: list[AuditRecord]


class CodeItem(Record):
    code: str
    descriptor: str
    drug: str


class IndicationOut(Record):
    name: str
    icd10: list[str] = Field(default_factory=list)


class CodeDetail(Record):
    code: str
    descriptor: str
    drug: str
    brands: list[str]
    unit_amount: float | None
    unit: str | None
    up_to: bool
    routes: list[str]
    containers: list[str] | str | None
    indications: list[IndicationOut]
    similar_codes: list[str]
    source: str
    sections: list[str]


class Icd10Check(Record):
    code: str
    valid: bool
    billable: bool
    message: str


class Health(Record):
    status: Literal["ok"]
    version: str
    mode: str
    codes: int
    audit: bool


class ErrorResponse(Record):
    error: str = Field(description="a short kind: bad_request, too_large, not_found, unknown_code, unauthorized, ...")
    message: str = Field(description="what went wrong, as the CLI says it")
