"""Indexes derived from the shipped knowledge, kept between runs so a cold `check` is fast.

A review needs the drug-name index over every known code, the ICD-10-CM code sets and the
condition-term index. Built from scratch they cost most of a cold `check`; loaded from a pickle
they cost a few tens of milliseconds. Each entry lives in DOCREVIEW_HOME/cache/ under a key
over docreview's own files (code and data, by size and modification time, so an edit or an
upgrade rebuilds it) and the inputs the caller names (the corpus folder, a CMS file).

Entries hold knowledge only, never note text. They are written atomically (several batch
workers may build the same one) into the owner-only DOCREVIEW_HOME. A missing, stale or
unreadable entry is rebuilt; where the home is not writable the index is simply built each
time. DOCREVIEW_CACHE=0 turns the cache off.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar

from docreview import __version__
from docreview.resources import PACKAGE_DIR, home, private_dir

T = TypeVar("T")
log = logging.getLogger(__name__)

_SUFFIXES = (".py", ".json", ".gz", ".txt", ".md", ".yaml", ".yml")


def _stat_lines(root: Path) -> Iterable[str]:
    root = root.resolve()  # the place too: documents carry their path into citations
    if root.is_file():
        st = root.stat()
        yield f"{root}:{st.st_size}:{st.st_mtime_ns}"
        return
    yield str(root)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(_SUFFIXES):
                st = os.stat(os.path.join(folder, name))
                yield f"{os.path.relpath(os.path.join(folder, name), root)}:{st.st_size}:{st.st_mtime_ns}"


@cache
def code_fingerprint() -> str:
    """docreview's version and the size and time of every file in the package."""
    digest = hashlib.sha256(__version__.encode())
    for line in _stat_lines(PACKAGE_DIR):
        digest.update(line.encode())
    return digest.hexdigest()[:16]


def inputs_fingerprint(paths: Iterable[Path | str | None]) -> str:
    """A key over files and folders (by size and time) a derived index was built from."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(b"\0")
        if path is not None and Path(path).exists():
            for line in _stat_lines(Path(path)):
                digest.update(line.encode())
    return digest.hexdigest()[:16]


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Unpickling creates many small containers; collections triggered by them nearly double the load time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cache_dir() -> Path:
    return home() / "cache"


def enabled() -> bool:
    return os.environ.get("DOCREVIEW_CACHE", "1").strip().lower() not in {"0", "false", "no", "off"}


def derived(name: str, inputs: str, build: Callable[[], T]) -> T:
    """`build()`'s result, loaded from the cache when docreview's files and `inputs` are unchanged."""
    if not enabled():
        return build()
    code = code_fingerprint()
    path = cache_dir() / f"{name}-{code}-{inputs}.pickle"
    try:
        with path.open("rb") as handle, _gc_paused():
            return pickle.load(handle)  # noqa: S301 - written by docreview into the owner-only home
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: rebuild it
        log.warning("derived index %s unreadable (%s): rebuilding", path.name, type(exc).__name__)
    value = build()
    try:
        folder = private_dir(cache_dir())
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        for old in folder.glob(f"{name}-*.pickle"):  # entries of another docreview build
            if not old.name.startswith(f"{name}-{code}-"):
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("derived index %s not cached: %s", name, exc)
    return value
