"""create_app: the FastAPI app with its routes, error handlers and guard middleware."""

from __future__ import annotations

import json
import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from docreview import __version__
from docreview.server.api import ApiError, api_error_response, build_router
from docreview.server.logs import configure
from docreview.server.pages import build_pages
from docreview.server.security import GuardMiddleware
from docreview.server.service import Service
from docreview.server.settings import SETTINGS_ENV, ServerSettings

_KIND = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def validation_message(exc: RequestValidationError) -> str:
    """The same wording as the CLI: 'invalid claim: units: Input should be ...'. Never the input
    itself (it may be the note)."""
    claim, other = [], []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ()) if x != "body"]
        if loc[:1] == ["claim"]:
            claim.append(f"{'.'.join(loc[1:]) or 'claim'}: {e.get('msg', 'invalid')}")
        else:
            other.append(f"{'.'.join(loc) or 'body'}: {e.get('msg', 'invalid')}")
    if claim and not other:
        return "invalid claim: " + "; ".join(claim[:5])
    return "invalid request: " + "; ".join((other + claim)[:5])


def create_app(settings: ServerSettings | None = None, service: Service | None = None) -> FastAPI:
    if settings is None:
        raw = os.environ.get(SETTINGS_ENV)
        settings = ServerSettings.model_validate_json(raw) if raw else ServerSettings()
    logger = configure(settings.log_file)
    app = FastAPI(
        title="docreview",
        version=__version__,
        description="Pre-bill documentation checks for drug J-codes: review a claim line against its note, "
        "look codes up, and keep an audit trail of reviews and coders' decisions. Errors are JSON: "
        '{"error": kind, "message": text}.',
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: the page works offline, so they are off
        redoc_url=None,
    )
    app.state.service = service or Service(settings)
    app.include_router(build_router())
    app.include_router(build_pages())

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return api_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "bad_input", "message": validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404:
            detail = f"no such page or endpoint: {request.url.path}"
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return JSONResponse({"error": _KIND.get(exc.status_code, "error"), "message": detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    app.add_middleware(GuardMiddleware, settings=settings, logger=logger)
    return app


def app_factory() -> Any:
    """For uvicorn --factory (worker processes read the settings from the environment)."""
    return create_app()
