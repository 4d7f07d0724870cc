"""The audit trail: real SQLite in a temporary DOCREVIEW_HOME; `check`, `batch`, `log` and
`purge` in a subprocess; permissions of every file that can hold note text or quotes."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from docreview.audit.db import SCHEMA_VERSION, AuditDatabaseError, connect
from docreview.audit.store import AuditLog, DecisionError, ReviewQuery, UnknownReviewError
from docreview.audit.versions import versions
from docreview.review_engine import default_reviewer
from tests.conftest import ROOT

NOTE = (ROOT / "examples" / "keppra-note.txt").read_text()
FAIL = {"code": "J1953", "units": 100, "modifiers": ["JZ"], "icd10": ["G40.909"], "setting": "outpatient"}
PASS = {**FAIL, "units": 150}
DOCREVIEW = str(Path(sys.executable).with_name("docreview"))


def run(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOCREVIEW_HOME": str(home), "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run([DOCREVIEW, *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


@pytest.fixture
def log(tmp_path: Path):
    with AuditLog(tmp_path / "home" / "audit.sqlite") as audit:
        yield audit


def _record(audit: AuditLog, claim: dict, user: str = "u1", store: bool = False, note: str = NOTE) -> str:
    review = default_reviewer().review(note, claim)
    return audit.record(review, note, user=user, source="api", versions=versions(), store_note=store)


def test_record_query_decide_stats(log: AuditLog):
    fail_id = _record(log, FAIL)
    pass_id = _record(log, PASS, user="u2")
    total, items = log.query(ReviewQuery())
    assert total == 2 and items[0].id == pass_id  # newest first
    rec = log.get(fail_id)
    assert rec is not None and rec.verdict == "fail" and rec.rule_ids == ["DOS001"] and rec.statuses["dosage"] == "inconsistent"
    assert rec.units == 100 and rec.modifiers == ["JZ"] and rec.icd10 == ["G40.909"] and rec.note_text is None
    assert rec.versions.model == "none" and rec.versions.code_table == "bundled"
    assert log.query(ReviewQuery(verdict="pass"))[0] == 1
    assert log.query(ReviewQuery(rule="DOS"))[0] == 1 and log.query(ReviewQuery(rule="WST"))[0] == 0
    assert log.query(ReviewQuery(code="j1953"))[0] == 2 and log.query(ReviewQuery(user="u2"))[0] == 1
    assert log.query(ReviewQuery(since="2000-01-01", until="2999-12-31"))[0] == 2
    assert log.query(ReviewQuery(until="2000-01-01"))[0] == 0
    with pytest.raises(DecisionError):
        log.decide(fail_id, "DOS001", "override", "  ", "u1")
    with pytest.raises(UnknownReviewError):
        log.decide("missing", "DOS001", "accept", "", "u1")
    with pytest.raises(DecisionError):
        log.decide(pass_id, "DOS001", "accept", "", "u1")
    log.decide(fail_id, "DOS001", "override", "wrong dose read", "u1")
    log.decide(fail_id, "dos001", "accept", "", "u3")  # the latest decision counts
    rec = log.get(fail_id)
    assert [d.action for d in rec.decisions] == ["override", "accept"] and rec.decisions[1].user == "u3"
    stats = {r["rule_id"]: r for r in log.stats(ReviewQuery())}
    assert stats["DOS001"] == {"rule_id": "DOS001", "element": "dosage", "severity": "error", "reviews": 1, "decided": 1,
                               "accepted": 1, "overridden": 0, "acceptance_rate": 1.0}


def test_note_is_kept_only_when_asked(tmp_path: Path):
    secret = "Marker-Xylophone-4411"
    path = tmp_path / "home" / "audit.sqlite"
    with AuditLog(path) as audit:
        plain = _record(audit, FAIL, note=NOTE + "\n" + secret)
        assert audit.get(plain).note_text is None
    db = b"".join(p.read_bytes() for p in path.parent.glob("audit.sqlite*"))
    assert secret.encode() not in db
    with AuditLog(path) as audit:
        kept = _record(audit, FAIL, store=True, note=NOTE + "\n" + secret)
        assert secret in audit.get(kept).note_text


def test_migrations_and_pragmas(tmp_path: Path):
    path = tmp_path / "h" / "audit.sqlite"
    db = connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(AuditDatabaseError, match="upgrade docreview"):
        connect(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_purge_before_a_date(log: AuditLog):
    old = _record(log, FAIL)
    log._db.execute("UPDATE reviews SET created = '2020-01-01T00:00:00.000Z' WHERE id = ?", (old,))
    log.decide(old, "DOS001", "accept", "", "u1")
    new = _record(log, FAIL)
    assert log.purge("2021-01-01") == 1
    assert log.get(old) is None and log.get(new) is not None
    assert log._db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0  # cascaded
    assert log.purge(None) == 1 and log.count() == 0


def test_check_records_the_review_and_log_exports_it(tmp_path: Path):
    home = tmp_path / "home"
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    args = [str(note), "--code", "J1953", "-m", "JZ", "--icd10", "G40.909", "--setting", "outpatient"]
    assert run(home, "check", *args, "--units", "100", "--user", "dana").returncode == 1
    assert run(home, "check", *args, "--units", "150").returncode == 0
    assert run(home, "check", *args, "--units", "150", "--no-audit").returncode == 0
    out = run(home, "log", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(lines) == 2 and {x["source"] for x in lines} == {"check"}
    assert lines[1]["user"] == "dana" and lines[1]["verdict"] == "fail" and lines[1]["rule_ids"] == ["DOS001"]
    rows = list(csv.DictReader(io.StringIO(run(home, "log", "--format", "csv", "--verdict", "fail").stdout)))
    assert len(rows) == 1 and rows[0]["dosage"] == "inconsistent" and rows[0]["user"] == "dana" and len(rows[0]["note_sha256"]) == 64
    assert run(home, "log", "--rule", "DOS001", "--format", "jsonl").stdout.count("\n") == 1
    assert run(home, "log", "--since", "2999-01-01", "--format", "jsonl").stdout == ""
    assert run(home, "log", "--code", "J1953", "--until", "2000-01-01", "--format", "jsonl").stdout == ""
    table = run(home, "log")
    assert "J1953" in table.stdout and "dana" in table.stdout
    bad = run(home, "log", "--since", "last week")
    assert bad.returncode == 2 and "not a date" in bad.stderr
    # A decision, then the acceptance rate per rule.
    with AuditLog(home / "audit.sqlite") as audit:
        audit.decide(lines[1]["id"], "DOS001", "accept", "", "dana")
    stats = [json.loads(x) for x in run(home, "log", "--stats", "--format", "jsonl").stdout.splitlines()]
    assert stats == [{"rule_id": "DOS001", "element": "dosage", "severity": "error", "reviews": 1, "decided": 1, "accepted": 1,
                      "overridden": 0, "acceptance_rate": 1.0}]
    assert "100.0%" in run(home, "log", "--stats").stdout
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "audit.sqlite").stat().st_mode) == 0o600


def test_batch_records_one_row_per_reviewed_claim(tmp_path: Path):
    home = tmp_path / "home"
    out = tmp_path / "out"
    done = run(home, "batch", str(ROOT / "examples" / "batch" / "cases.jsonl"), "--out", str(out), "--workers", "1", "--no-progress",
               "--user", "batcher")
    assert done.returncode in (0, 1, 2), done.stderr
    reviewed = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines() if x.strip()]
    records = [json.loads(x) for x in run(home, "log", "--format", "jsonl", "--source", "batch").stdout.splitlines()]
    assert len(records) == len(reviewed) > 0
    assert {r["batch_ref"].rsplit("#", 1)[1] for r in records} == {r["id"] for r in reviewed}
    assert all(r["user"] == "batcher" for r in records)
    by_id = {r["batch_ref"].rsplit("#", 1)[1]: r for r in records}
    for r in reviewed:
        assert by_id[r["id"]]["verdict"] == r["review"]["verdict"]
    again = run(home, "batch", str(ROOT / "examples" / "batch" / "cases.jsonl"), "--out", str(tmp_path / "out2"), "--workers", "1",
                "--no-progress", "--no-audit")
    assert again.returncode == done.returncode
    assert len(run(home, "log", "--format", "jsonl").stdout.splitlines()) == len(reviewed)


def test_purge_command(tmp_path: Path):
    home = tmp_path / "home"
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    assert run(home, "check", str(note), "--code", "J1953", "--units", "150", "-m", "JZ").returncode in (0, 1)
    with AuditLog(home / "audit.sqlite") as audit:
        audit._db.execute("UPDATE reviews SET created = '2020-05-05T00:00:00.000Z'")
    assert run(home, "check", str(note), "--code", "J1953", "--units", "150", "-m", "JZ").returncode in (0, 1)
    from docreview.model.cache import ResponseCache

    cache = ResponseCache(home / "cache" / "model-cache.sqlite")
    cache.put("k", {"quote": "verbatim quote from a note"})
    assert stat.S_IMODE((home / "cache" / "model-cache.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "cache").stat().st_mode) == 0o700
    assert run(home, "purge").returncode == 2
    out = run(home, "purge", "--audit", "--before", "2021-01-01", "--yes")
    assert out.returncode == 0 and "deleted 1 review" in out.stdout
    assert len(run(home, "log", "--format", "jsonl").stdout.splitlines()) == 1
    out = run(home, "purge", "--cache", "--yes")
    assert out.returncode == 0 and not (home / "cache" / "model-cache.sqlite").exists()
    out = run(home, "purge", "--audit", "--yes")
    assert "deleted 1 review" in out.stdout
    assert run(home, "log", "--format", "jsonl").stdout == ""
    db = sqlite3.connect(home / "audit.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_home_is_tightened_when_it_already_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from docreview.resources import private_dir

    home = tmp_path / "loose"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    monkeypatch.setenv("DOCREVIEW_HOME", str(home))
    private_dir(home / "cache")
    assert stat.S_IMODE(home.stat().st_mode) == 0o700 and stat.S_IMODE((home / "cache").stat().st_mode) == 0o700
