"""The coders' page (GET /), its review fragment and its static files (JS, CSS).

Both are rendered from the shared templates (docreview/templates), autoescaped. The note view
marks every evidence span: the note is cut at every quote boundary, and each piece covered by
quotes becomes a <mark> listing the ids of the quotes it belongs to, so overlapping quotes each
stay whole (the page highlights a finding's quotes by id).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from docreview import __version__
from docreview.schema import ELEMENTS, Review
from docreview.server.api import ApiError
from docreview.templates import TEMPLATE_DIR, render

STATIC_DIR = Path(__file__).resolve().parent / "static"
SETTINGS = [  # what the Claim accepts as setting: names and place-of-service codes (passed through as typed)
    ("office", "physician office (POS 11)"), ("outpatient", "hospital outpatient (POS 19, 22)"), ("inpatient", "hospital inpatient (POS 21)"),
    ("rhc-fqhc", "RHC / FQHC (POS 50, 72)"), ("esrd-facility", "dialysis facility (POS 65)"),
    ("11", "POS 11 office"), ("19", "POS 19 off-campus outpatient"), ("22", "POS 22 on-campus outpatient"), ("23", "POS 23 emergency department"),
    ("24", "POS 24 ambulatory surgical center"), ("21", "POS 21 inpatient"), ("49", "POS 49 independent clinic"),
    ("50", "POS 50 FQHC"), ("65", "POS 65 ESRD facility"), ("72", "POS 72 RHC"),
]
ASSETS = {"app.js": ("application/javascript", STATIC_DIR / "app.js"), "docreview.css": ("text/css", TEMPLATE_DIR / "docreview.css")}


def segments(note: str, spans: list[tuple[str, int, int, str]]) -> list[tuple[str, list[str]]]:
    """The note cut at every span boundary: (text, ids of the spans covering it)."""
    valid = [(i, s, e) for i, s, e, quote in spans if 0 <= s < e <= len(note) and note[s:e] == quote]
    cuts = sorted({0, len(note), *(s for _, s, _ in valid), *(e for _, _, e in valid)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        ids = [i for i, s, e in valid if s <= a and e >= b]
        out.append((note[a:b], ids))
    return out


def render_review(review: Review, note: str, review_id: str | None, digest: str, audited: bool, history: list[Any] | None = None) -> str:
    spans: list[tuple[str, int, int, str]] = []
    findings = []
    seen: set[str] = set()
    for i, f in enumerate(review.findings):
        ids = []
        for j, ev in enumerate(f.evidence):
            ids.append(f"f{i}-{j}")
            spans.append((f"f{i}-{j}", ev.start, ev.end, ev.quote))
        findings.append({"f": f, "ids": ids, "index": i, "decide": f.rule_id not in seen})
        seen.add(f.rule_id)
    elements = []
    for name in ELEMENTS:
        el = review.elements[name]  # type: ignore[index]
        ids = []
        for j, ev in enumerate(el.evidence):
            ids.append(f"e-{name}-{j}")
            spans.append((f"e-{name}-{j}", ev.start, ev.end, ev.quote))
        fix = next((f.suggestion for f in review.findings if f.element == name and f.suggestion and f.severity.value != "info"), "")
        elements.append({"name": name, "el": el, "ids": ids, "fix": fix})
    return render(
        "review.html", r=review, review_id=review_id, digest=digest, audited=audited, findings=findings, elements=elements,
        segments=segments(note, spans), history=history or [],
    )


def build_pages() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        service = request.app.state.service
        html = render("page.html", inline_css=False, codes=service.code_list, settings_list=SETTINGS, version=__version__,
                      mode=service.settings.mode, audited=service.audit is not None, token_required=bool(service.settings.tokens),
                      store_notes=service.settings.store_notes)
        return HTMLResponse(html)

    @router.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        asset = ASSETS.get(name)
        if asset is None:
            raise ApiError(404, "not_found", f"no such file: /static/{name}")
        media, path = asset
        return Response(path.read_bytes(), media_type=media, headers={"cache-control": "no-cache"})

    return router
