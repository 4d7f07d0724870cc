"""The JSON API: /v1/review, /v1/codes, /v1/icd10, /v1/reviews (+ decisions) and /healthz."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from docreview import __version__
from docreview.audit.store import AuditRecord, DecisionError, ReviewQuery, UnknownReviewError, parse_bound
from docreview.knowledge.facts import UnknownCodeError
from docreview.review_engine import MAX_NOTE_BYTES, InputError
from docreview.server.models import (
    CodeDetail,
    CodeItem,
    DecisionRequest,
    DecisionResponse,
    ErrorResponse,
    Health,
    Icd10Check,
    PageReviewResponse,
    ReviewPage,
    ReviewRequest,
    ReviewResponse,
)
from docreview.server.service import Service

ERRORS = {
    401: {"model": ErrorResponse, "description": "a bearer token is required"},
    404: {"model": ErrorResponse, "description": "not found"},
    413: {"model": ErrorResponse, "description": "the note or the request body is too large"},
    422: {"model": ErrorResponse, "description": "bad input: malformed claim, empty or binary note, unknown code"},
}


class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def api_error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse({"error": exc.kind, "message": exc.message}, status_code=exc.status)


def _json(model: BaseModel) -> Response:
    return Response(content=model.model_dump_json(), media_type="application/json")


def _service(request: Request) -> Service:
    return request.app.state.service


def _user(request: Request) -> str:
    return getattr(request.state, "user", None) or _service(request).settings.user


def _review(request: Request, body: ReviewRequest, source: str):
    service = _service(request)
    if len(body.note.encode("utf-8", errors="surrogatepass")) > MAX_NOTE_BYTES:
        raise ApiError(413, "too_large", f"the note is larger than {MAX_NOTE_BYTES // 1_000_000} MB; split it by encounter")
    try:
        return service.review(body.note, body.claim, _user(request), source)
    except UnknownCodeError as exc:
        raise ApiError(422, "unknown_code", str(exc)) from None
    except InputError as exc:
        raise ApiError(422, "bad_input", str(exc)) from None


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", response_model=Health, tags=["health"])
    async def healthz(request: Request) -> Health:
        s = _service(request)
        return Health(status="ok", version=__version__, mode=s.settings.mode, codes=len(s.code_list), audit=s.audit is not None)

    @router.post("/v1/review", response_model=ReviewResponse, responses=ERRORS, tags=["review"])
    async def review(request: Request, body: ReviewRequest) -> Response:
        """Review one claim line against its note (rules mode unless the server was started otherwise)."""
        result, review_id, digest = _review(request, body, "api")
        # Serialised once, here (FastAPI would validate the returned model again against response_model).
        return _json(ReviewResponse(review_id=review_id, note_sha256=digest, review=result))

    @router.post("/v1/page/review", response_model=PageReviewResponse, responses=ERRORS, tags=["page"])
    async def page_review(request: Request, body: ReviewRequest) -> Response:
        """The page's review: the same as /v1/review, plus the review rendered as HTML (the shared templates)."""
        from docreview.server.pages import render_review

        result, review_id, digest = _review(request, body, "page")
        history = []
        audit = _service(request).audit
        if audit is not None:
            _, earlier = audit.query(ReviewQuery(note_sha256=digest, code=result.code.code, limit=11))
            history = [h for h in earlier if h.id != review_id][:10]
        html = render_review(result, body.note, review_id, digest, audited=review_id is not None, history=history)
        return _json(PageReviewResponse(review_id=review_id, note_sha256=digest, review=result, html=html))

    @router.get("/v1/codes", response_model=list[CodeItem], responses=ERRORS, tags=["codes"])
    async def codes(request: Request, q: Annotated[str, Query(max_length=100, description="code prefix or words of the descriptor")] = "",
              limit: Annotated[int, Query(ge=1, le=5000)] = 50) -> list[CodeItem]:
        """Known codes with their descriptor (the page's type-ahead)."""
        return [CodeItem(**c) for c in _service(request).search_codes(q, limit)]

    @router.get("/v1/codes/{code}", response_model=CodeDetail, responses=ERRORS, tags=["codes"])
    async def code(request: Request, code: Annotated[str, Path(max_length=20)]) -> CodeDetail:
        """A code's facts: descriptor, drug, unit, routes, containers, indications, sources."""
        try:
            return CodeDetail(**_service(request).code_detail(code.strip().upper()))
        except UnknownCodeError as exc:
            raise ApiError(404, "unknown_code", str(exc)) from None

    @router.get("/v1/icd10/{code}", response_model=Icd10Check, responses=ERRORS, tags=["codes"])
    async def icd10(code: Annotated[str, Path(max_length=20)]) -> Icd10Check:
        """Is this an ICD-10-CM code, and a billable one (the page validates as you type)?"""
        from docreview.knowledge.icd10 import is_billable, is_valid, looks_like_icd10

        text = code.strip().upper()
        if not looks_like_icd10(text):
            return Icd10Check(code=text, valid=False, billable=False, message=f"'{code}' is not shaped like an ICD-10-CM code (e.g. G40.909)")
        if not is_valid(text):
            return Icd10Check(code=text, valid=False, billable=False, message=f"{text} is not in ICD-10-CM")
        if not is_billable(text):
            return Icd10Check(code=text, valid=True, billable=False, message=f"{text} is a category; bill a more specific code")
        return Icd10Check(code=text, valid=True, billable=True, message=f"{text} is a billable ICD-10-CM code")

    @router.get("/v1/reviews", response_model=ReviewPage, responses=ERRORS, tags=["audit"])
    async def reviews(
        request: Request,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=200)] = 50,
        since: Annotated[str | None, Query(max_length=40, description="YYYY-MM-DD or ISO time (UTC)")] = None,
        until: Annotated[str | None, Query(max_length=40, description="YYYY-MM-DD (the whole day) or ISO time")] = None,
        code: Annotated[str | None, Query(max_length=20)] = None,
        verdict: Literal["pass", "fail"] | None = None,
        rule: Annotated[str | None, Query(max_length=16, description="a rule id or prefix")] = None,
        note_sha256: Annotated[str | None, Query(max_length=64, description="the history of one note")] = None,
    ) -> ReviewPage:
        """The audit trail, newest first, a page at a time."""
        audit = _audit(request)
        for value in (since, until):
            if value:
                try:
                    parse_bound(value)
                except ValueError as exc:
                    raise ApiError(422, "bad_input", str(exc)) from None
        q = ReviewQuery(since=since, until=until, code=code, verdict=verdict, rule=rule, note_sha256=note_sha256,
                        limit=per_page, offset=(page - 1) * per_page)
        total, items = audit.query(q)
        return ReviewPage(total=total, page=page, per_page=per_page, items=items)

    @router.get("/v1/reviews/{review_id}", response_model=AuditRecord, responses=ERRORS, tags=["audit"])
    async def review_record(request: Request, review_id: Annotated[str, Path(max_length=64)]) -> AuditRecord:
        """One audited review with its decisions."""
        record = _audit(request).get(review_id)
        if record is None:
            raise ApiError(404, "not_found", f"no review with id {review_id} in the audit trail")
        return record

    @router.post("/v1/reviews/{review_id}/decisions", response_model=DecisionResponse, status_code=201, responses=ERRORS, tags=["audit"])
    async def decide(request: Request, review_id: Annotated[str, Path(max_length=64)], body: DecisionRequest) -> DecisionResponse:
        """Record the coder's decision on a finding: accept it, or override it with a reason."""
        try:
            d = _audit(request).decide(review_id, body.rule_id, body.action, body.reason, _user(request))
        except UnknownReviewError as exc:
            raise ApiError(404, "not_found", str(exc)) from None
        except DecisionError as exc:
            raise ApiError(422, "bad_input", str(exc)) from None
        return DecisionResponse(**d.model_dump())

    return router


def _audit(request: Request):
    audit = _service(request).audit
    if audit is None:
        raise ApiError(404, "audit_off", "this server runs without an audit trail (--no-audit)")
    return audit
