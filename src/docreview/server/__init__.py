"""`docreview serve`: the coders' page, the JSON API (/v1, OpenAPI at /openapi.json) and /healthz.

create_app(settings) builds the FastAPI app; `docreview serve` runs it under uvicorn, on
127.0.0.1:8765 unless told otherwise (another --host needs a bearer token).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServerSettings", "create_app"]


def __getattr__(name: str) -> Any:  # lazy: `docreview --help` must not import FastAPI
    if name == "create_app":
        from docreview.server.app import create_app

        return create_app
    if name == "ServerSettings":
        from docreview.server.settings import ServerSettings

        return ServerSettings
    raise AttributeError(name)
