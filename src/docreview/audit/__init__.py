"""The audit trail: every review (page, API, `check`, `batch`) and every decision a coder records.

One SQLite database in DOCREVIEW_HOME (`audit.sqlite`, WAL mode, 0600, versioned migrations).
It keeps what was checked and what was found, never the note itself unless asked
(`--store-notes`): the note's sha256 identifies it. See docreview.audit.store.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AuditLog", "AuditRecord", "Decision", "ReviewQuery", "audit_path"]


def __getattr__(name: str) -> Any:  # lazy: `docreview --help` must not import pydantic models and SQLite
    if name in __all__:
        from docreview.audit import store

        return getattr(store, name)
    raise AttributeError(name)
