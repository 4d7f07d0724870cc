"""`docreview serve`, registered on the CLI app by docreview.cli."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind. Anything but loopback requires a bearer token "
                                      "(DOCREVIEW_TOKEN, or one generated and printed once).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8765,
    user: Annotated[str | None, typer.Option("--user", help="Who the audit trail names when a token does not (default: the login name).")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Server processes (each loads the reviewer once).")] = 1,
    store_notes: Annotated[bool, typer.Option("--store-notes", help="Keep each note's text (and the full review) in the audit trail: PHI.")] = False,
    audit: Annotated[bool, typer.Option("--audit/--no-audit", help="Record every review in the audit trail (DOCREVIEW_HOME/audit.sqlite).")] = True,
    body_limit: Annotated[int, typer.Option("--body-limit", min=1024, help="Largest request body in bytes.")] = 1_100_000,
    corpus: Annotated[Path | None, typer.Option("--corpus", help="Folder of code documents (default: the bundled corpus).")] = None,
    hcpcs: Annotated[Path | None, typer.Option("--hcpcs", help="CMS HCPCS file; also DOCREVIEW_HCPCS.", envvar="DOCREVIEW_HCPCS")] = None,
) -> None:
    """Serve the coders' page and the JSON API (/v1, OpenAPI at /openapi.json) on 127.0.0.1:8765.

    Reviews run in rules mode. Every review is recorded in the audit trail (the note's sha256, not its text, unless --store-notes).
    """
    import uvicorn

    from docreview.audit.commands import default_user
    from docreview.server.logs import uvicorn_log_config
    from docreview.server.settings import SETTINGS_ENV, ServerSettings, resolve_tokens

    who = user or default_user()
    tokens, generated = resolve_tokens(host, who)
    settings = ServerSettings(host=host, port=port, user=who, tokens=tokens, audit=audit, store_notes=store_notes, body_limit=body_limit,
                              corpus=str(corpus) if corpus else None, hcpcs=str(hcpcs) if hcpcs else None)
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    if generated:
        print(f"docreview serve: listening beyond loopback; bearer token (shown once, not logged): {generated}", file=sys.stderr, flush=True)
    elif tokens:
        print("docreview serve: bearer token required (from DOCREVIEW_TOKEN)", file=sys.stderr, flush=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"docreview serve: http://{shown}:{port}/ (page), /v1 (API), /openapi.json; Ctrl-C stops", file=sys.stderr, flush=True)
    uvicorn.run("docreview.server.app:app_factory", factory=True, host=host, port=port, workers=workers, log_config=uvicorn_log_config(),
                access_log=False, server_header=False, proxy_headers=False, timeout_keep_alive=5)


def register(app: typer.Typer) -> None:
    app.command(name="serve")(serve)
