"""`docreview serve`: the coders' page, the JSON API (/v1, OpenAPI at /openapi.json) and /healthz.

create_app(settings) builds the FastAPI app; `docreview serve` runs it under uvicorn, on
127.0.0.1:8765 unless told otherwise (another --host needs a bearer token).
"""

from __future__ import annotations

from docreview.server.app import create_app
from docreview.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
