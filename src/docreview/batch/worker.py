"""The worker side: each process loads the reviewer once and reviews Tasks."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from typing import Any

from docreview.batch.inputs import Task
from docreview.batch.settings import MAX_NOTE_BYTES

_REVIEWER: Any = None
_AUDIT: str | None = None  # None: no audit entry; "hash": the note's sha256; "note": the note itself too
_SETUP_ERROR: str | None = None


def _watch_parent(parent: int) -> None:
    """Exit when the batch process dies (even by SIGKILL), instead of idling as an orphan."""

    def loop() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=loop, name="docreview-parent-watch", daemon=True).start()


def init_worker(options: dict[str, Any], parent: int, audit: str | None = None) -> None:
    """Per worker process: the knowledge base (and any model) load once here, not per note."""
    global _REVIEWER, _SETUP_ERROR, _AUDIT
    _AUDIT = audit
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch process handles Ctrl-C
    _watch_parent(parent)
    try:
        from docreview.review_engine import default_reviewer

        _REVIEWER = default_reviewer(**options)
    except Exception as exc:  # reported by the first task, then the batch stops with exit 2
        _SETUP_ERROR = str(exc) or type(exc).__name__


class _NoteError(Exception):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


def _read_note_file(path: str, ref: str) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_NOTE_BYTES + 1)
    except FileNotFoundError:
        raise _NoteError("unreadable_note", f"note file not found: {ref}") from None
    except IsADirectoryError:
        raise _NoteError("unreadable_note", f"note path is a folder, not a file: {ref}") from None
    except OSError as exc:
        raise _NoteError("unreadable_note", f"cannot read note file {ref}: {exc.strerror or exc}") from None
    if len(data) > MAX_NOTE_BYTES:
        raise _NoteError("bad_note", f"{ref} is larger than 1 MB; split it by encounter")
    if b"\x00" in data[:8192]:
        raise _NoteError("bad_note", f"{ref} looks like a binary file, not a note")
    return data.decode("utf-8", errors="replace")


def review_task(task: Task) -> tuple:
    """('ok', row, id, verdict, line, audit entry or None) | ('error', row, id, kind, reason) | ('setup', row, id, message)."""
    if _SETUP_ERROR is not None or _REVIEWER is None:
        return ("setup", task.row, task.id, _SETUP_ERROR or "the reviewer did not start")
    from docreview.knowledge.facts import UnknownCodeError
    from docreview.review_engine import InputError

    try:
        note = task.note if task.note is not None else _read_note_file(task.note_path or "", task.note_ref or "")
        review = _REVIEWER.review(note, task.claim)
    except _NoteError as exc:
        return ("error", task.row, task.id, exc.kind, str(exc))
    except UnknownCodeError as exc:
        return ("error", task.row, task.id, "unknown_code", str(exc))
    except InputError as exc:
        kind = "bad_claim" if str(exc).startswith("invalid claim") else "bad_note"
        return ("error", task.row, task.id, kind, str(exc))
    except Exception as exc:  # a bug on one note never stops the batch
        return ("error", task.row, task.id, "review_error", f"{type(exc).__name__}: {exc}")
    line = f'{{"id": {json.dumps(task.id)}, "row": {task.row}, "review": {review.model_dump_json()}}}'
    entry = None
    if _AUDIT is not None:
        from docreview.audit.store import entry_for

        entry = entry_for(review, note, store_note=_AUDIT == "note")
    return ("ok", task.row, task.id, review.verdict.value, line, entry)
