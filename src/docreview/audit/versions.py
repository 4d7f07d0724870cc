"""What a review was checked against: docreview, corpus, code table and model versions."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from docreview import __version__
from docreview.records import Record
from docreview.resources import bundled_corpus, hcpcs_path


class Versions(Record):
    docreview: str
    corpus: str
    code_table: str
    model: str


@lru_cache(maxsize=16)
def _digest_folder(folder: str) -> str:
    root = Path(folder)
    digest = hashlib.sha256()
    if not root.is_dir():
        return "missing"
    for path in sorted(root.rglob("*.md")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=16)
def _digest_file(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def corpus_version(corpus: str | Path | None = None) -> str:
    folder = Path(corpus) if corpus else bundled_corpus()
    return f"{folder.name}@sha256:{_digest_folder(str(folder.resolve()))}"


def code_table_version(hcpcs: str | Path | None = None) -> str:
    path = hcpcs_path(hcpcs)
    if path is None:
        return "bundled"
    try:
        st = path.stat()
        return f"{path.name}@sha256:{_digest_file(str(path.resolve()), st.st_size, st.st_mtime)}"
    except OSError:
        return f"{path.name}@unreadable"


def model_version(mode: str) -> str:
    if mode == "rules":
        return "none"
    return os.environ.get("DOCREVIEW_MODEL") or "local"


def versions(mode: str = "rules", corpus: str | Path | None = None, hcpcs: str | Path | None = None) -> Versions:
    return Versions(docreview=__version__, corpus=corpus_version(corpus), code_table=code_table_version(hcpcs), model=model_version(mode))
