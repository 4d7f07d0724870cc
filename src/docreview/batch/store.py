"""The result store: results.jsonl appended one line per review (fsynced behind), recovery after a crash, private files, the folder lock."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from docreview.batch.settings import BatchError


class ResultWriter:
    """Appends one line per write() to results.jsonl; a syncer thread fsyncs behind the writes."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._dirty = threading.Event()
        self._closing = False
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._sync_loop, name="docreview-fsync", daemon=True)
        self._thread.start()

    def write(self, line: str) -> None:
        if self._error:
            raise self._error
        view = memoryview((line + "\n").encode("utf-8"))
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        self._dirty.set()

    def _sync_loop(self) -> None:
        while True:
            self._dirty.wait()
            self._dirty.clear()
            try:
                os.fsync(self.fd)
            except OSError as exc:
                self._error = exc
            if self._closing and not self._dirty.is_set():
                return

    def close(self) -> None:
        self._closing = True
        self._dirty.set()
        self._thread.join()
        os.fsync(self.fd)
        os.close(self.fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_private(path: Path, text: str) -> None:
    """Atomic write (temp file + rename), readable by the owner only: the outputs hold PHI."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


@dataclass
class Recovered:
    ids: set[str]
    modes: set[str]
    dropped: int
    lines: int


def recover_results(path: Path) -> Recovered:
    """Ids already reviewed. Drops a truncated last line (a crash mid-write), unreadable or
    duplicate lines, and rewrites the file without them before anything is appended."""
    raw = path.read_bytes()
    kept: list[bytes] = []
    ids: set[str] = set()
    modes: set[str] = set()
    dropped = 0
    for chunk in raw.split(b"\n"):
        if not chunk.strip():
            continue
        try:
            obj = json.loads(chunk)
            rid, review = obj["id"], obj["review"]
            if not isinstance(rid, str) or not isinstance(review, dict) or "verdict" not in review:
                raise ValueError("not a result line")
        except (ValueError, KeyError, TypeError):
            dropped += 1
            continue
        if rid in ids:
            dropped += 1
            continue
        ids.add(rid)
        modes.add(str(review.get("mode")))
        kept.append(chunk)
    if dropped or (raw and not raw.endswith(b"\n")):
        write_private(path, (b"\n".join(kept) + b"\n").decode("utf-8") if kept else "")
    return Recovered(ids, modes, dropped, len(kept))


def _lock(out: Path):
    """An exclusive lock on DIR/.lock: two batches writing one folder would mix their results."""
    handle = (out / ".lock").open("a")
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # not POSIX: no lock
        pass
    except OSError:
        handle.close()
        raise BatchError(f"another docreview batch is writing to {out}; wait for it or choose another --out") from None
    return handle
