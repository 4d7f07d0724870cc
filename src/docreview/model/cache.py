"""The model's answers, cached in DOCREVIEW_HOME so a re-run is instant.

Keyed by (note, claim, code facts, prompt version, model, element): any change to one of them
asks the model again. One SQLite file. The key is a hash (the note is not stored whole), but the
cached answer holds the model's verbatim quotes from the note: PHI. The file (and its WAL/SHM
companions) is created 0600 in a 0700 folder; `docreview purge --cache` deletes it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from docreview.resources import home, private_dir, private_sqlite

CACHE_FILE = "model-cache.sqlite"


def cache_key(note: str, claim: dict[str, Any], facts_digest: str, prompt_version: str, model_id: str, element: str) -> str:
    payload = json.dumps([note, claim, facts_digest, prompt_version, model_id, element], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or home() / "cache" / CACHE_FILE
        private_dir(self.path.parent)
        private_sqlite(self.path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL DEFAULT (julianday('now')))")
        self._db.commit()
        self.hits = self.misses = 0

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM answers WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return json.loads(row[0])

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO answers (key, value) VALUES (?, ?)", (key, json.dumps(value)))
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
