"""AuditLog: write reviews and decisions to the audit database, read them back.

A review row holds the claim line, the verdict, each element's status, the rule ids found, the
versions it was checked against and the note's sha256. Finding messages and evidence quote the
note, so they (with the note) are kept only when the caller stores notes (`--store-notes`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from docreview.audit.db import connect
from docreview.audit.versions import Versions
from docreview.records import Record
from docreview.resources import home
from docreview.schema import ELEMENTS, Review

AUDIT_FILE = "audit.sqlite"
Action = Literal["accept", "override"]


def audit_path() -> Path:
    return home() / AUDIT_FILE


def note_sha256(note: str) -> str:
    return hashlib.sha256(note.encode("utf-8", errors="surrogatepass")).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class DecisionError(ValueError):
    """A decision that cannot be recorded (unknown review, rule not found, override without reason)."""


class UnknownReviewError(DecisionError):
    pass


class FindingRef(Record):
    rule_id: str
    element: str
    severity: str


class Decision(Record):
    id: int
    review_id: str
    rule_id: str
    action: Action
    reason: str = ""
    user: str
    created: str


class AuditRecord(Record):
    """One audited review, as `docreview log` and GET /v1/reviews show it."""

    id: str
    created: str
    user: str
    source: str
    code: str
    units: float | None = None
    modifiers: list[str] = Field(default_factory=list)
    waste_units: float | None = None
    icd10: list[str] = Field(default_factory=list)
    setting: str | None = None
    date_of_service: str | None = None
    verdict: str
    statuses: dict[str, str]
    rule_ids: list[str] = Field(default_factory=list)
    findings: list[FindingRef] = Field(default_factory=list)
    mode: str
    versions: Versions
    note_sha256: str
    note_text: str | None = Field(default=None, description="only when the note was stored (--store-notes)")
    batch_ref: str | None = None
    decisions: list[Decision] = Field(default_factory=list)


class ReviewQuery(Record):
    since: str | None = Field(default=None, description="created at or after (YYYY-MM-DD or ISO time, UTC)")
    until: str | None = Field(default=None, description="created before (YYYY-MM-DD: before the end of that day)")
    code: str | None = None
    verdict: Literal["pass", "fail"] | None = None
    rule: str | None = Field(default=None, description="a rule id or prefix (DOS, DOS001)")
    note_sha256: str | None = None
    user: str | None = None
    source: str | None = None
    limit: int = Field(default=50, ge=1, le=100_000)
    offset: int = Field(default=0, ge=0)


def _bound(value: str, end_of_day: bool) -> str:
    """A date or time the user typed -> the ISO text stored in `created` (UTC, sortable)."""
    text = value.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"'{value}' is not a date (YYYY-MM-DD) or ISO time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if end_of_day:
        return f"{day.isoformat()}T23:59:59.999Z~"  # '~' sorts after any time of that day
    return f"{day.isoformat()}T00:00:00.000Z"


def parse_bound(value: str, end_of_day: bool = False) -> str:
    return _bound(value, end_of_day)


class AuditLog:
    """The audit database. Thread-safe (one connection behind a lock); several processes may
    write at once (SQLite WAL, busy timeout)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or audit_path()
        self._db: sqlite3.Connection = connect(self.path)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def record(
        self,
        review: Review,
        note: str,
        *,
        user: str,
        source: str,
        versions: Versions,
        store_note: bool = False,
        batch_ref: str | None = None,
    ) -> str:
        return self.record_entry(entry_for(review, note, store_note), user=user, source=source, versions=versions, batch_ref=batch_ref)

    def record_entry(self, entry: dict[str, Any], *, user: str, source: str, versions: Versions, batch_ref: str | None = None) -> str:
        """Insert one review (an `entry_for` dict, which worker processes build) and commit."""
        review_id = uuid.uuid4().hex
        claim = entry["claim"]
        row = (
            review_id, now_iso(), user, source, claim["code"], claim.get("units"), json.dumps(claim.get("modifiers") or []),
            claim.get("waste_units"), json.dumps(claim.get("icd10") or []), claim.get("setting"), claim.get("date_of_service"),
            entry["verdict"], *(entry["statuses"][name] for name in ELEMENTS), json.dumps(entry["rule_ids"]), entry["mode"],
            versions.docreview, versions.corpus, versions.code_table, versions.model, entry["note_sha256"],
            entry.get("note_text"), entry.get("review_json"), batch_ref,
        )
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(f"INSERT INTO reviews VALUES ({', '.join('?' * len(row))})", row)
                self._db.executemany(
                    "INSERT INTO findings (review_id, position, rule_id, element, severity) VALUES (?, ?, ?, ?, ?)",
                    [(review_id, i, f["rule_id"], f["element"], f["severity"]) for i, f in enumerate(entry["findings"])],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return review_id

    def decide(self, review_id: str, rule_id: str, action: str, reason: str, user: str) -> Decision:
        """Record a coder's decision on one finding of a review: accept it, or override it (with a reason)."""
        if action not in ("accept", "override"):
            raise DecisionError(f"action must be accept or override, not '{action}'")
        reason = reason.strip()
        if action == "override" and not reason:
            raise DecisionError("an override needs a reason")
        rule_id = rule_id.strip().upper()
        with self._lock:
            if self._db.execute("SELECT 1 FROM reviews WHERE id = ?", (review_id,)).fetchone() is None:
                raise UnknownReviewError(f"no review with id {review_id} in the audit trail")
            if self._db.execute("SELECT 1 FROM findings WHERE review_id = ? AND rule_id = ?", (review_id, rule_id)).fetchone() is None:
                raise DecisionError(f"review {review_id} has no finding {rule_id}")
            created = now_iso()
            cur = self._db.execute(
                "INSERT INTO decisions (review_id, rule_id, action, reason, user, created) VALUES (?, ?, ?, ?, ?, ?)",
                (review_id, rule_id, action, reason, user, created),
            )
        return Decision(id=cur.lastrowid or 0, review_id=review_id, rule_id=rule_id, action=action, reason=reason,  # type: ignore[arg-type]
                        user=user, created=created)

    def purge(self, before: str | None = None) -> int:
        """Delete reviews (with their findings and decisions) created before `before` (all when None);
        the freed pages are zeroed (secure_delete) and the WAL truncated."""
        with self._lock:
            if before is None:
                cur = self._db.execute("DELETE FROM reviews")
            else:
                cur = self._db.execute("DELETE FROM reviews WHERE created < ?", (parse_bound(before),))
            count = cur.rowcount
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
        return count

    # ------------------------------------------------------------------ reading

    def _where(self, q: ReviewQuery) -> tuple[str, list[Any]]:
        # (SQL condition, the query's value as the column holds it) for each filter given.
        filters = [
            ("created >= ?", q.since and parse_bound(q.since)),
            ("created <= ?", q.until and parse_bound(q.until, end_of_day=True)),
            ("code = ?", q.code and q.code.strip().upper()),
            ("verdict = ?", q.verdict),
            ("note_sha256 = ?", q.note_sha256 and q.note_sha256.strip().lower()),
            ("user = ?", q.user),
            ("source = ?", q.source),
        ]
        clauses = [sql for sql, value in filters if value]
        args: list[Any] = [value for _, value in filters if value]
        if q.rule:
            clauses.append("EXISTS (SELECT 1 FROM findings f WHERE f.review_id = reviews.id AND f.rule_id LIKE ? ESCAPE '\\')")
            args.append(q.rule.strip().upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def query(self, q: ReviewQuery) -> tuple[int, list[AuditRecord]]:
        """(total matching, one page of records, newest first)."""
        where, args = self._where(q)
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM reviews{where}", args).fetchone()[0]
            cur = self._db.execute(f"SELECT * FROM reviews{where} ORDER BY created DESC, rowid DESC LIMIT ? OFFSET ?", [*args, q.limit, q.offset])
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            records = self._attach(rows)
        return total, records

    def iter_all(self, q: ReviewQuery, page: int = 500):
        """Every matching record, newest first, read a page at a time (for exports)."""
        offset = q.offset
        while True:
            _, records = self.query(q.model_copy(update={"limit": page, "offset": offset}))
            if not records:
                return
            yield from records
            offset += len(records)

    def get(self, review_id: str) -> AuditRecord | None:
        with self._lock:
            cur = self._db.execute("SELECT * FROM reviews WHERE id = ?", (review_id,))
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            records = self._attach(rows)
        return records[0] if records else None

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]

    def _attach(self, rows: list[dict[str, Any]]) -> list[AuditRecord]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ", ".join("?" * len(ids))
        findings: dict[str, list[FindingRef]] = {}
        for rid, rule_id, element, severity in self._db.execute(
            f"SELECT review_id, rule_id, element, severity FROM findings WHERE review_id IN ({marks}) ORDER BY review_id, position", ids
        ):
            findings.setdefault(rid, []).append(FindingRef(rule_id=rule_id, element=element, severity=severity))
        decisions: dict[str, list[Decision]] = {}
        for did, rid, rule_id, action, reason, user, created in self._db.execute(
            f"SELECT id, review_id, rule_id, action, reason, user, created FROM decisions WHERE review_id IN ({marks}) ORDER BY id", ids
        ):
            decisions.setdefault(rid, []).append(Decision(id=did, review_id=rid, rule_id=rule_id, action=action, reason=reason, user=user, created=created))
        return [
            AuditRecord(
                id=r["id"], created=r["created"], user=r["user"], source=r["source"], code=r["code"], units=r["units"],
                modifiers=json.loads(r["modifiers"]), waste_units=r["waste_units"], icd10=json.loads(r["icd10"]), setting=r["setting"],
                date_of_service=r["date_of_service"], verdict=r["verdict"], statuses={name: r[name] for name in ELEMENTS},
                rule_ids=json.loads(r["rule_ids"]), findings=findings.get(r["id"], []), mode=r["mode"],
                versions=Versions(docreview=r["docreview_version"], corpus=r["corpus_version"], code_table=r["code_table_version"],
                                  model=r["model_version"]),
                note_sha256=r["note_sha256"], note_text=r["note_text"], batch_ref=r["batch_ref"], decisions=decisions.get(r["id"], []),
            )
            for r in rows
        ]

    def stats(self, q: ReviewQuery) -> list[dict[str, Any]]:
        """Per rule: claims it fired on, decisions, accepted, overridden and the acceptance rate
        (accepted / decided; the latest decision per review and rule counts)."""
        where, args = self._where(q)
        sql = f"""
            WITH picked AS (SELECT id FROM reviews{where}),
            fired AS (SELECT DISTINCT f.review_id, f.rule_id, f.element, f.severity FROM findings f JOIN picked p ON p.id = f.review_id),
            latest AS (
                SELECT d.review_id, d.rule_id, d.action FROM decisions d
                JOIN (SELECT review_id, rule_id, MAX(id) AS id FROM decisions GROUP BY review_id, rule_id) m ON m.id = d.id
            )
            SELECT fired.rule_id, MIN(fired.element), MIN(fired.severity), COUNT(*),
                   SUM(latest.action IS NOT NULL), SUM(latest.action = 'accept'), SUM(latest.action = 'override')
            FROM fired LEFT JOIN latest ON latest.review_id = fired.review_id AND latest.rule_id = fired.rule_id
            GROUP BY fired.rule_id ORDER BY fired.rule_id
        """
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        out = []
        for rule_id, element, severity, fired, decided, accepted, overridden in rows:
            decided, accepted, overridden = int(decided or 0), int(accepted or 0), int(overridden or 0)
            out.append({"rule_id": rule_id, "element": element, "severity": severity, "reviews": fired, "decided": decided,
                        "accepted": accepted, "overridden": overridden,
                        "acceptance_rate": round(accepted / decided, 3) if decided else None})
        return out


def entry_for(review: Review, note: str, store_note: bool = False) -> dict[str, Any]:
    """The audit row of a review, as a plain dict (built where the review ran, e.g. a batch worker)."""
    entry: dict[str, Any] = {
        "claim": review.claim.model_dump(mode="json"),
        "verdict": review.verdict.value,
        "statuses": {name: review.elements[name].status.value for name in ELEMENTS},  # type: ignore[index]
        "rule_ids": list(dict.fromkeys(f.rule_id for f in review.findings)),
        "findings": [{"rule_id": f.rule_id, "element": f.element, "severity": f.severity.value} for f in review.findings],
        "mode": review.mode,
        "note_sha256": note_sha256(note),
    }
    if store_note:
        entry["note_text"] = note
        entry["review_json"] = review.model_dump_json()
    return entry
