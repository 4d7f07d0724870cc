"""`docreview serve` as a real server in a subprocess: the JSON API, its errors, the page's
assets, the security headers, tokens off loopback, and what reaches the server log."""

from __future__ import annotations

import re
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.serving import Server, start_server

NOTE = (ROOT / "examples" / "keppra-note.txt").read_text()
CLAIM = {"code": "J1953", "units": 100, "modifiers": ["JZ"], "icd10": ["G40.909"], "setting": "outpatient"}
SECRET = "Zebulon-Quillfeather-7731"  # a marker: it must never reach a log


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("serve") / "home", "--user", "coder-a")
    yield srv
    srv.stop()


def test_healthz_and_openapi(server: Server):
    status, _, body = server.request("GET", "/healthz")
    assert status == 200 and body["status"] == "ok" and body["audit"] is True and body["codes"] >= 33
    status, _, spec = server.request("GET", "/openapi.json")
    assert status == 200
    for path in ("/v1/review", "/v1/codes", "/v1/codes/{code}", "/v1/reviews", "/v1/reviews/{review_id}/decisions", "/healthz"):
        assert path in spec["paths"], path


def test_review_returns_the_review_and_audits_it(server: Server):
    status, _, body = server.request("POST", "/v1/review", {"note": NOTE + "\n" + SECRET, "claim": CLAIM})
    assert status == 200, body
    review = body["review"]
    assert review["verdict"] == "fail" and review["elements"]["dosage"]["status"] == "inconsistent"
    assert any(f["rule_id"] == "DOS001" for f in review["findings"])
    for f in review["findings"]:
        for ev in f["evidence"]:
            assert (NOTE + "\n" + SECRET)[ev["start"]:ev["end"]] == ev["quote"]
    rid = body["review_id"]
    status, _, record = server.request("GET", f"/v1/reviews/{rid}")
    assert status == 200 and record["user"] == "coder-a" and record["source"] == "api" and record["code"] == "J1953"
    assert record["statuses"]["dosage"] == "inconsistent" and record["rule_ids"] == ["DOS001"]
    assert record["note_text"] is None and len(record["note_sha256"]) == 64
    assert record["versions"]["docreview"] and record["versions"]["corpus"].startswith("corpus@sha256:")
    # The note is not in the database (only its hash) and not in any log.
    db = server.home / "audit.sqlite"
    for path in (db, db.with_name("audit.sqlite-wal")):
        if path.exists():
            assert SECRET.encode() not in path.read_bytes()
    assert SECRET not in server.log_text() and "Levetiracetam" not in server.log_text()
    assert "POST /v1/review 200" in server.log_text()


def test_decisions_and_history(server: Server):
    _, _, body = server.request("POST", "/v1/review", {"note": NOTE, "claim": CLAIM})
    rid = body["review_id"]
    status, _, d = server.request("POST", f"/v1/reviews/{rid}/decisions", {"rule_id": "DOS001", "action": "override"})
    assert status == 422 and d["message"] == "an override needs a reason"
    status, _, d = server.request("POST", f"/v1/reviews/{rid}/decisions", {"rule_id": "DOS001", "action": "override", "reason": "payer allows"})
    assert status == 201 and d["action"] == "override" and d["user"] == "coder-a"
    status, _, d = server.request("POST", f"/v1/reviews/{rid}/decisions", {"rule_id": "WST003", "action": "accept"})
    assert status == 422 and "has no finding WST003" in d["message"]
    status, _, d = server.request("POST", "/v1/reviews/nope/decisions", {"rule_id": "DOS001", "action": "accept"})
    assert status == 404 and d["error"] == "not_found"
    status, _, page = server.request("GET", f"/v1/reviews?note_sha256={body['note_sha256']}&code=J1953&per_page=2")
    assert status == 200 and page["total"] >= 1 and len(page["items"]) <= 2 and page["per_page"] == 2
    mine = next(i for i in page["items"] if i["id"] == rid)
    assert mine["decisions"][0]["reason"] == "payer allows"
    status, _, page = server.request("GET", "/v1/reviews?verdict=pass")
    assert status == 200 and all(i["verdict"] == "pass" for i in page["items"])
    status, _, page = server.request("GET", "/v1/reviews?rule=DOS&page=1&per_page=1")
    assert page["total"] >= 2 and len(page["items"]) == 1
    status, _, err = server.request("GET", "/v1/reviews?since=yesterday")
    assert status == 422 and "not a date" in err["message"]


def test_errors_are_json_with_the_cli_messages(server: Server, tmp_path: Path):
    import subprocess

    from tests.serving import DOCREVIEW

    # A malformed claim: 422 with the CLI's message.
    status, _, body = server.request("POST", "/v1/review", {"note": NOTE, "claim": {**CLAIM, "units": -3}})
    assert status == 422 and body["error"] == "bad_input"
    note = tmp_path / "n.txt"
    note.write_text(NOTE)
    cli = subprocess.run([DOCREVIEW, "check", str(note), "--code", "J1953", "--units", "-3", "--no-audit"], capture_output=True, text=True)
    assert cli.returncode == 2
    assert body["message"] in " ".join(cli.stderr.split()), (body["message"], cli.stderr)
    status, _, body = server.request("POST", "/v1/review", {"note": NOTE, "claim": {**CLAIM, "code": "J0000"}})
    assert status == 422 and body["error"] == "unknown_code" and body["message"].startswith("Unknown code J0000")
    status, _, body = server.request("POST", "/v1/review", {"note": "   ", "claim": CLAIM})
    assert status == 422 and body["message"] == "the note is empty"
    status, _, body = server.request("POST", "/v1/review", raw=b"{not json")
    assert status == 422 and body["error"] == "bad_input"
    status, _, body = server.request("POST", "/v1/review", {"claim": CLAIM})
    assert status == 422 and "note" in body["message"]
    # Oversized: a 1.2 MB note is refused before it is read (413), and a 1 MB + 1 byte note too.
    status, _, body = server.request("POST", "/v1/review", {"note": "x" * 1_200_000, "claim": CLAIM})
    assert status == 413 and body["error"] == "too_large"
    status, _, body = server.request("POST", "/v1/review", {"note": "x" * 1_000_001, "claim": CLAIM})
    assert status == 413 and body["message"] == "the note is larger than 1 MB; split it by encounter"
    # Unknown routes and methods: JSON, never a traceback.
    for method, path in (("GET", "/nope"), ("DELETE", "/v1/review"), ("PUT", "/healthz"), ("GET", "/static/../../etc/passwd"),
                         ("GET", "/v1/codes/J0000")):
        status, headers, body = server.request(method, path)
        assert status in (404, 405), (method, path, status)
        assert isinstance(body, dict) and body["message"], (method, path, body)
        assert "Traceback" not in str(body)


def test_codes_and_icd10(server: Server):
    status, _, codes = server.request("GET", "/v1/codes?q=levetir")
    assert status == 200 and codes[0]["code"] == "J1953" and "levetiracetam" in codes[0]["descriptor"].lower()
    status, _, codes = server.request("GET", "/v1/codes?q=J19&limit=3")
    assert len(codes) <= 3 and all(c["code"].startswith("J19") for c in codes)
    status, _, detail = server.request("GET", "/v1/codes/j1953")
    assert status == 200 and detail["code"] == "J1953" and detail["unit"] == "mg" and detail["unit_amount"] == 10
    status, _, check = server.request("GET", "/v1/icd10/G40.909")
    assert check["valid"] and check["billable"]
    status, _, check = server.request("GET", "/v1/icd10/G40")
    assert check["valid"] and not check["billable"]
    status, _, check = server.request("GET", "/v1/icd10/Q99.999")
    assert not check["valid"]


def test_page_and_assets_are_local_with_strict_headers(server: Server):
    status, headers, html = server.request("GET", "/")
    assert status == 200
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert "<style" not in html and " style=" not in html and "<script>" not in html
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "every asset is served by docreview"
    assert '<option value="J1953">' in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        status, headers, body = server.request("GET", asset)
        assert status == 200 and headers["x-content-type-options"] == "nosniff"
        assert "http://" not in body and "https://" not in body and "@import" not in body
    status, _, body = server.request("POST", "/v1/page/review", {"note": "<script>alert(1)</script> " + NOTE, "claim": CLAIM})
    assert status == 200 and "<script>alert" not in body["html"] and "&lt;script&gt;alert(1)&lt;/script&gt;" in body["html"]


def test_files_holding_phi_are_private(server: Server):
    server.request("POST", "/v1/review", {"note": NOTE, "claim": CLAIM})
    assert stat.S_IMODE(server.home.stat().st_mode) == 0o700
    for name in ("audit.sqlite", "audit.sqlite-wal", "audit.sqlite-shm", "logs/server.log"):
        path = server.home / name
        assert path.exists(), name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    db = sqlite3.connect(server.home / "audit.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 1
    db.close()


def test_off_loopback_a_token_is_required(tmp_path: Path):
    srv = start_server(tmp_path / "home", host="0.0.0.0")
    try:
        printed = srv.stderr_path.read_text()
        token = re.search(r"bearer token \(shown once, not logged\): (\S+)", printed).group(1)
        status, headers, body = srv.request("POST", "/v1/review", {"note": NOTE, "claim": CLAIM})
        assert status == 401 and body["error"] == "unauthorized" and "bearer" in headers["www-authenticate"].lower()
        status, _, _ = srv.request("GET", "/v1/codes", headers={"Authorization": "Bearer wrong"})
        assert status == 401
        status, _, body = srv.request("POST", "/v1/review", {"note": NOTE, "claim": CLAIM}, headers={"Authorization": f"Bearer {token}"})
        assert status == 200
        assert srv.request("GET", "/healthz")[0] == 200 and srv.request("GET", "/")[0] == 200
        assert (srv.home / "logs" / "server.log").read_text().count(token) == 0
    finally:
        srv.stop()


def test_token_names_the_user(tmp_path: Path):
    srv = start_server(tmp_path / "home", env={"DOCREVIEW_TOKEN": "alice:tok-a,bob:tok-b"})
    try:
        status, _, body = srv.request("POST", "/v1/review", {"note": NOTE, "claim": CLAIM}, headers={"Authorization": "Bearer tok-b"})
        assert status == 200
        _, _, record = srv.request("GET", f"/v1/reviews/{body['review_id']}", headers={"Authorization": "Bearer tok-a"})
        assert record["user"] == "bob"
        assert srv.request("GET", "/v1/reviews")[0] == 401
    finally:
        srv.stop()


def test_a_reader_never_loses_the_servers_commits(tmp_path: Path):
    """Regression: the server once re-opened its database file after SQLite had, and closing that
    descriptor dropped SQLite's POSIX locks, so a reader that closed next checkpointed and removed
    the WAL under the live writer: later reviews answered 200 but were gone."""
    srv = start_server(tmp_path / "home")
    ids = []
    try:
        for _round in range(3):
            for _ in range(15):
                status, _, body = srv.request("POST", "/v1/review", {"note": NOTE, "claim": CLAIM})
                assert status == 200
                ids.append(body["review_id"])
            reader = sqlite3.connect(srv.home / "audit.sqlite")
            assert reader.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == len(ids)
            reader.close()
    finally:
        srv.stop()
    db = sqlite3.connect(srv.home / "audit.sqlite")
    assert {r[0] for r in db.execute("SELECT id FROM reviews")} == set(ids)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_serve_defaults_to_loopback_8765():
    import subprocess

    from tests.serving import DOCREVIEW

    out = subprocess.run([DOCREVIEW, "serve", "--help"], capture_output=True, text=True, env={**__import__("os").environ, "COLUMNS": "200"})
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    assert "[default: 127.0.0.1]" in text and "[default: 8765]" in text and "bearer token" in text


def test_the_cli_does_not_import_the_server_until_serve_runs():
    import subprocess
    import sys

    code = "import sys, docreview.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'jinja2', 'sqlite3') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_refused_body_is_read_to_its_end_before_the_413_up_to_a_cap():
    import asyncio

    from docreview.server.security import _drain

    def feeder(chunks):
        messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
        read = []

        async def receive():
            read.append(1)
            return messages[len(read) - 1]

        return receive, read

    receive, read = feeder([b"x" * 1000] * 5)
    asyncio.run(_drain(receive, cap=10_000))
    assert len(read) == 5  # the whole body: the client is not cut off mid-send
    receive, read = feeder([b"x" * 1000] * 50)
    asyncio.run(_drain(receive, cap=3_000))
    assert len(read) == 4  # past the cap the server stops reading
