"""The audit database: connection settings and versioned migrations.

Each migration runs once, in order, inside a transaction; `PRAGMA user_version` records the
last one applied, so an older database is brought up to date when it is opened and a newer one
(written by a later docreview) is refused rather than misread.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docreview.resources import private_dir, private_sqlite

MIGRATIONS: tuple[str, ...] = (
    # 1: reviews, their findings (rule ids only: messages can quote the note), coders' decisions.
    """
    CREATE TABLE reviews (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,               -- UTC, ISO 8601
        user TEXT NOT NULL,
        source TEXT NOT NULL,                -- page | api | check | batch
        code TEXT NOT NULL,
        units REAL,
        modifiers TEXT NOT NULL,             -- JSON list
        waste_units REAL,
        icd10 TEXT NOT NULL,                 -- JSON list
        setting TEXT,
        date_of_service TEXT,
        verdict TEXT NOT NULL,
        dosage TEXT NOT NULL,
        route TEXT NOT NULL,
        indication TEXT NOT NULL,
        wastage TEXT NOT NULL,
        rule_ids TEXT NOT NULL,              -- JSON list, in finding order, unique
        mode TEXT NOT NULL,
        docreview_version TEXT NOT NULL,
        corpus_version TEXT NOT NULL,
        code_table_version TEXT NOT NULL,
        model_version TEXT NOT NULL,
        note_sha256 TEXT NOT NULL,
        note_text TEXT,                      -- only with --store-notes (PHI)
        review_json TEXT,                    -- the whole Review, only with --store-notes (quotes are PHI)
        batch_ref TEXT                       -- batch: output folder and row id
    );
    CREATE INDEX reviews_created ON reviews (created);
    CREATE INDEX reviews_code ON reviews (code, created);
    CREATE INDEX reviews_note ON reviews (note_sha256, code);
    CREATE TABLE findings (
        review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        rule_id TEXT NOT NULL,
        element TEXT NOT NULL,
        severity TEXT NOT NULL,
        PRIMARY KEY (review_id, position)
    );
    CREATE INDEX findings_rule ON findings (rule_id);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        rule_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('accept', 'override')),
        reason TEXT NOT NULL DEFAULT '',
        user TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX decisions_review ON decisions (review_id, rule_id);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class AuditDatabaseError(RuntimeError):
    """The audit database cannot be used (newer schema, not a database, ...)."""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating 0600 if needed) and migrate the audit database."""
    private_dir(path.parent)
    private_sqlite(path)
    db = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a committed review survives the process being killed (SIGKILL); only an
        # OS crash or power loss can lose the last commits. secure_delete zeroes purged rows.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA secure_delete=ON")
        db.execute("PRAGMA busy_timeout=30000")
        migrate(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise AuditDatabaseError(f"cannot open the audit database {path}: {exc}") from exc
    return db


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations not yet applied; returns the schema version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise AuditDatabaseError(f"the audit database has schema version {version}; this docreview knows up to {SCHEMA_VERSION} (upgrade docreview)")
    for number in range(version + 1, SCHEMA_VERSION + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current >= number:  # another process migrated meanwhile
                db.execute("COMMIT")
                continue
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
