"""Where docreview's bundled files and per-user data live."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


@cache
def load_json(name: str) -> Any:
    """A vocabulary or rule file shipped in docreview/data."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _bundled(name: str) -> Path:
    # A wheel carries corpus/ and prompts/ inside the package; an editable install reads
    # them from the repository root.
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent.parent / name


def bundled_corpus() -> Path:
    return Path(os.environ["DOCREVIEW_CORPUS"]) if os.environ.get("DOCREVIEW_CORPUS") else _bundled("corpus")


def bundled_prompts() -> Path:
    return _bundled("prompts")


def home() -> Path:
    """Per-user data directory (index, model files, caches); DOCREVIEW_HOME overrides it."""
    if os.environ.get("DOCREVIEW_HOME"):
        return Path(os.environ["DOCREVIEW_HOME"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("docreview", appauthor=False))


def private_dir(path: Path | None = None) -> Path:
    """Create `path` (default: DOCREVIEW_HOME) readable by its owner only (0700), tightening an
    existing one: DOCREVIEW_HOME holds the model cache, the audit trail and the server log (PHI)."""
    base = home()
    chain = [base] if path is None or base in path.parents or path == base else []
    for folder in (*chain, *([path] if path is not None and path != base else [])):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
    return path or base


def private_file(path: Path) -> Path:
    """Create `path` if absent with mode 0600 (never readable by others, even for an instant), and
    tighten an existing file to 0600. For files that can hold note text or quotes.

    An existing file is only chmod-ed, never opened: closing any descriptor of a SQLite database
    drops every POSIX lock this process holds on it, and another connection could then take the
    WAL for its own and checkpoint it away under a live writer."""
    private_dir(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path


def private_sqlite(path: Path) -> Path:
    """A SQLite database and its -wal / -shm / -journal companions, all 0600. Call it before the
    database is opened: SQLite creates the companions with the database file's mode."""
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists() and side.stat().st_mode & 0o077:
            side.chmod(0o600)
    return path


def write_private_log(kind: str, text: str) -> Path:
    """Write text to DOCREVIEW_HOME/logs/KIND-TIME.log, readable by this user only."""
    import time

    folder = private_dir(home() / "logs")
    target = folder / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return target


def hcpcs_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The CMS HCPCS file the user pointed at (option, then DOCREVIEW_HCPCS), if any."""
    value = explicit or os.environ.get("DOCREVIEW_HCPCS")
    return Path(value).expanduser() if value else None
