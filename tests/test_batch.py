"""`docreview batch` in a subprocess with the real reviewer: outputs, bad rows, exit codes,
resume after SIGKILL, the HTML report (escaped, self-contained, rendered by Chromium when present)."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from html import escape
from pathlib import Path

import pytest

from docreview.schema import Review
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "batch"
CASES = EXAMPLES / "cases.jsonl"
CLAIMS = EXAMPLES / "claims.csv"
KEPPRA = (ROOT / "examples" / "keppra-note.txt").read_text()


def cli(*args: str, cwd: Path | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docreview.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "COLUMNS": "120"}, timeout=timeout)


def results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.strip()]


def errors(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def keppra_case(case_id: str, units: float = 150, note: str = KEPPRA) -> dict:
    return {"id": case_id, "note": note, "claim": {"code": "J1953", "units": units, "modifiers": ["JZ"], "icd10": ["G40.909"]}}


def test_help_documents_exit_codes():
    out = cli("batch", "--help")
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    for words in ("Exit codes", "0 every row reviewed, none held", "1 every row reviewed, some held", "2 some rows could not be reviewed"):
        assert words in text


def test_jsonl_example_writes_every_output(tmp_path: Path):
    out = tmp_path / "out"
    run = cli("batch", str(CASES), "--out", str(out), "--workers", "2")
    assert run.returncode == 1, run.stderr  # the example holds two claims
    assert "Traceback" not in run.stderr
    ids = [json.loads(line)["id"] for line in CASES.read_text().splitlines()]
    got = results(out)
    assert sorted(r["id"] for r in got) == sorted(ids)
    for r in got:
        review = Review.model_validate(r["review"])  # every line is a full Review
        assert r["row"] == ids.index(r["id"]) + 1
        assert review.mode == "rules"
    assert errors(out) == []
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"] == {"input_rows": 6, "reviewed": 6, "pass": 4, "held": 2, "errors": 0, "results_not_in_input": 0}
    assert summary["exit_code"] == 1 and summary["docreview_version"]
    assert summary["settings"]["mode"] == "rules" and summary["settings"]["workers"] == 2
    assert sum(summary["elements"]["dosage"].values()) == 6
    assert summary["codes"]["J1953"] == {"drug": "levetiracetam", "reviewed": 2, "pass": 0, "fail": 2}
    assert {h["id"] for h in summary["held"]} == {"AUD-2004", "AUD-2006"}
    assert summary["rules"]["WST003"]["held_claims"] == 1
    held = next(h for h in summary["held"] if h["id"] == "AUD-2006")
    assert held["findings"][0]["evidence"], "held claims carry their evidence"
    with (out / "results.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ids  # input order
    assert {"id", "code", "verdict", "dosage", "route", "indication", "wastage", "computed_units", "rule_ids"} <= set(rows[0])
    aud6 = next(r for r in rows if r["id"] == "AUD-2006")
    assert aud6["verdict"] == "fail" and aud6["wastage"] == "inconsistent" and "WST003" in aud6["rule_ids"]
    html = (out / "report.html").read_text()
    assert "AUD-2006" in html and "WST003" in html and "docreview" in html
    low = html.lower()
    assert "<script" not in low and "<link" not in low and "@import" not in low and "url(" not in low
    assert "src=" not in low and "http://" not in low and "https://" not in low  # no network assets


def test_csv_example_resolves_notes_beside_the_csv(tmp_path: Path):
    out = tmp_path / "out"
    run = cli("batch", str(CLAIMS), "--out", str(out), "--workers", "1", cwd=tmp_path)  # cwd is not the CSV's folder
    assert run.returncode == 1, run.stderr
    assert errors(out) == []
    got = {r["id"]: r["review"] for r in results(out)}
    assert set(got) == {"CLM-1001", "CLM-1002", "CLM-1003", "CLM-1004", "CLM-1005"}
    assert got["CLM-1001"]["verdict"] == "pass"
    assert got["CLM-1003"]["claim"]["icd10"] == ["R11.2", "Z51.11"]  # ';'-separated
    assert any(f["rule_id"] == "DOS001" for f in got["CLM-1003"]["findings"])


def test_bad_rows_go_to_errors_and_the_batch_carries_on(tmp_path: Path):
    cases = write_jsonl(tmp_path / "cases.jsonl", [
        keppra_case("ok-1"),
        '{"id": "broken", "note": ',
        {"id": "unknown", "note": KEPPRA, "claim": {"code": "J0000", "units": 1}},
        {"id": "negative", "note": KEPPRA, "claim": {"code": "J1953", "units": -3}},
        {"id": "empty", "note": "  \n ", "claim": {"code": "J1953", "units": 1}},
        keppra_case("ok-1"),
        {"note": KEPPRA, "claim": {"code": "J1953"}},
        {"id": "mts", "source": {"dataset": "mtsamples", "row_index": 3341}, "claim": {"code": "J0696", "units": 4}},
        "",
        keppra_case("ok-2", units=100),
    ])
    out = tmp_path / "out"
    run = cli("batch", str(cases), "--out", str(out), "--workers", "2")
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert {r["id"] for r in results(out)} == {"ok-1", "ok-2"}
    got = {(e["row"], e["kind"]) for e in errors(out)}
    assert got == {(2, "bad_json"), (3, "unknown_code"), (4, "bad_claim"), (5, "bad_note"), (6, "duplicate_id"),
                   (7, "missing_id"), (8, "needs_mtsamples")}
    rows = [e["row"] for e in errors(out)]
    assert rows == sorted(rows)
    by_kind = {e["kind"]: e for e in errors(out)}
    assert "Unknown code J0000" in by_kind["unknown_code"]["reason"]
    assert "units" in by_kind["bad_claim"]["reason"] and by_kind["bad_claim"]["id"] == "negative"
    assert "--mtsamples" in by_kind["needs_mtsamples"]["reason"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["errors"] == 7 and summary["exit_code"] == 2
    assert "Rows not reviewed" in (out / "report.html").read_text()


def test_csv_bad_rows(tmp_path: Path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text(KEPPRA)
    (tmp_path / "notes" / "scan.pdf").write_bytes(b"%PDF\x00\x01" * 50)
    (tmp_path / "claims.csv").write_text(
        "id,code,units,modifiers,waste_units,icd10,setting,note_path\n"
        "c1,J1953,150,JZ,,G40.909,outpatient,notes/a.txt\n"
        "c2,J1953,abc,JZ,,G40.909,outpatient,notes/a.txt\n"
        "c3,J1953,150,JZX,,G40.909,outpatient,notes/a.txt\n"
        "c4,J1953,150,JZ,,G40.909,outpatient,notes/missing.txt\n"
        "c5,J1953,150,JZ,,G40.909,outpatient,notes/scan.pdf\n"
        "c6,J1953,150,JZ,,G40.909,hospital,notes/a.txt\n"
        "c7,J1953,150,JZ,,G40.909,outpatient,notes/a.txt,extra\n"
        "c8,J1953,150,JW JZ,1,G40.909 R56.9,,notes/a.txt\n"
    )
    out = tmp_path / "out"
    run = cli("batch", str(tmp_path / "claims.csv"), "--out", str(out), "--workers", "1")
    assert run.returncode == 2, run.stderr
    assert {r["id"] for r in results(out)} == {"c1", "c8"}
    c8 = next(r["review"] for r in results(out) if r["id"] == "c8")
    assert c8["claim"]["modifiers"] == ["JW", "JZ"] and c8["claim"]["icd10"] == ["G40.909", "R56.9"]
    got = {e["id"]: (e["row"], e["kind"]) for e in errors(out)}
    assert got == {"c2": (3, "bad_claim"), "c3": (4, "bad_claim"), "c4": (5, "unreadable_note"), "c5": (6, "bad_note"),
                   "c6": (7, "bad_claim"), "c7": (8, "malformed_row")}
    assert "notes/missing.txt" in next(e["reason"] for e in errors(out) if e["id"] == "c4")


def test_csv_without_required_columns_is_refused(tmp_path: Path):
    (tmp_path / "claims.csv").write_text("id,code,units\nc1,J1953,150\n")
    run = cli("batch", str(tmp_path / "claims.csv"), "--out", str(tmp_path / "out"))
    assert run.returncode == 2 and "note_path" in run.stderr and "Traceback" not in run.stderr


def test_all_reviewed_none_held_exits_0(tmp_path: Path):
    cases = write_jsonl(tmp_path / "cases.jsonl", [keppra_case("a"), keppra_case("b")])
    run = cli("batch", str(cases), "--out", str(tmp_path / "out"), "--workers", "1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 pass, 0 held" in run.stdout


def test_existing_results_are_never_lost(tmp_path: Path):
    cases = write_jsonl(tmp_path / "cases.jsonl", [keppra_case("a"), keppra_case("b", units=10)])
    out = tmp_path / "out"
    assert cli("batch", str(cases), "--out", str(out), "--workers", "1").returncode == 1
    before = (out / "results.jsonl").read_bytes()
    again = cli("batch", str(cases), "--out", str(out), "--workers", "1")
    assert again.returncode == 2
    assert "--resume" in again.stderr and "--overwrite" in again.stderr and "already holds 2 result(s)" in again.stderr
    assert (out / "results.jsonl").read_bytes() == before
    both = cli("batch", str(cases), "--out", str(out), "--resume", "--overwrite")
    assert both.returncode == 2 and "contradict" in both.stderr
    fresh = cli("batch", str(cases), "--out", str(out), "--workers", "1", "--overwrite")
    assert fresh.returncode == 1 and len(results(out)) == 2
    resumed = cli("batch", str(cases), "--out", str(out), "--resume")
    assert resumed.returncode == 1 and "2 of 2 rows already" in resumed.stdout
    assert len(results(out)) == 2
    write_jsonl(cases, [keppra_case("a")])  # an input that no longer holds "b" (the held one)
    narrowed = cli("batch", str(cases), "--out", str(out), "--resume")
    assert narrowed.returncode == 0, narrowed.stdout  # the summary covers the input's ids only
    totals = json.loads((out / "summary.json").read_text())["totals"]
    assert totals["reviewed"] == 1 and totals["results_not_in_input"] == 1
    assert len(results(out)) == 2  # nothing is deleted


def test_resume_drops_a_truncated_last_line(tmp_path: Path):
    cases = write_jsonl(tmp_path / "cases.jsonl", [keppra_case(f"k{i}", units=150 if i % 2 else 100) for i in range(6)])
    out = tmp_path / "out"
    assert cli("batch", str(cases), "--out", str(out), "--workers", "2").returncode == 1
    lines = (out / "results.jsonl").read_text().splitlines()
    (out / "results.jsonl").write_text("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2])  # crash mid-write
    run = cli("batch", str(cases), "--out", str(out), "--resume", "--workers", "1")
    assert run.returncode == 1, run.stderr
    assert "dropped 1 incomplete" in run.stdout
    counts = Counter(r["id"] for r in results(out))
    assert counts == Counter({f"k{i}": 1 for i in range(6)})
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["resumed"] == 5 and summary["run"]["reviewed"] == 1 and summary["totals"]["reviewed"] == 6


def _many_cases(path: Path, n: int) -> list[str]:
    """n cases made from the labelled eval set's notes and claims, with fresh ids."""
    source = [json.loads(line) for line in (ROOT / "eval" / "cases.jsonl").read_text().splitlines() if line.strip()]
    rows = []
    for i in range(n):
        case = source[i % len(source)]
        rows.append({"id": f"gen-{i:05d}", "note": case["note"], "claim": case["claim"]})
    write_jsonl(path, rows)
    return [r["id"] for r in rows]


def _group_alive(pgid: int) -> bool:
    """Any live (non-zombie) process in this process group? Read from /proc: a zombie left for
    a container's PID 1 to reap has exited all the same."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def test_sigkill_mid_run_then_resume_gives_every_id_exactly_once(tmp_path: Path):
    ids = _many_cases(tmp_path / "cases.jsonl", 400)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "docreview.cli", "batch", str(tmp_path / "cases.jsonl"), "--out", str(out),
                             "--workers", "2", "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=os.environ.copy())
    results_file = out / "results.jsonl"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if results_file.exists() and results_file.read_bytes().count(b"\n") >= 40:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # the batch process only, as a crash would: its workers must notice
        proc.wait(timeout=10)
        done_before = results_file.read_bytes().count(b"\n")
        assert 40 <= done_before < len(ids), "killed mid-run"
        deadline = time.monotonic() + 15
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _group_alive(proc.pid), "worker processes outlived the killed batch"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    run = cli("batch", str(tmp_path / "cases.jsonl"), "--out", str(out), "--resume", "--workers", "2", "--no-progress")
    assert run.returncode in (0, 1), run.stdout + run.stderr
    counts = Counter(r["id"] for r in results(out))
    assert set(counts) == set(ids) and set(counts.values()) == {1}
    assert errors(out) == []
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["resumed"] >= done_before - 1  # at most a torn last line is redone
    assert summary["run"]["resumed"] + summary["run"]["reviewed"] == len(ids)
    with (out / "results.csv").open() as handle:
        assert [r["id"] for r in csv.DictReader(handle)] == ids


def test_report_escapes_phi_and_csv_defuses_formulas(tmp_path: Path):
    note = KEPPRA.replace("in NS 100 mL", "in NS 100 mL <script>evil()</script> & <b>D5W</b>")
    cases = write_jsonl(tmp_path / "cases.jsonl", [keppra_case("<img src=x onerror=alert(1)>", units=100, note=note),
                                                   keppra_case("=HYPERLINK(\"http://x\")", units=100)])
    out = tmp_path / "out"
    run = cli("batch", str(cases), "--out", str(out), "--workers", "1")
    assert run.returncode == 1, run.stderr
    html = (out / "report.html").read_text()
    assert "<script" not in html and "<img" not in html and "<b>D5W" not in html
    assert "&lt;script&gt;evil()&lt;/script&gt; &amp; &lt;b&gt;D5W&lt;/b&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    quotes = {q["quote"] for r in results(out) for f in r["review"]["findings"] for q in f["evidence"]}
    assert quotes and all(escape(q) in html for q in quotes)
    with (out / "results.csv").open() as handle:
        ids = [r["id"] for r in csv.DictReader(handle)]
    assert "'=HYPERLINK(\"http://x\")" in ids
    assert oct((out / "results.jsonl").stat().st_mode & 0o777) == oct(0o600)  # PHI: owner only


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")), reason="chromium is not installed")
def test_report_renders_in_headless_chromium(tmp_path: Path):
    out = tmp_path / "out"
    assert cli("batch", str(CASES), "--out", str(out), "--workers", "1").returncode == 1
    png = tmp_path / "report.png"
    shot = subprocess.run(["bash", str(ROOT / "scripts" / "screenshot_report.sh"), str(out / "report.html"), str(png), "1280x1600"],
                          capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0, shot.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 1600)
    assert len(data) > 50_000  # a blank page compresses to a few KB


def test_input_format_and_recovery_in_process(tmp_path: Path):
    from docreview.batch import BatchError, detect_format, recover_results

    (tmp_path / "cases.txt").write_text('{"id": "a"}\n')
    (tmp_path / "claims.txt").write_text("id,code,note_path\n")
    assert detect_format(tmp_path / "cases.txt", None) == "jsonl"
    assert detect_format(tmp_path / "claims.txt", None) == "csv"
    assert detect_format(tmp_path / "cases.txt", "csv") == "csv"
    with pytest.raises(BatchError):
        detect_format(tmp_path / "cases.txt", "xml")
    line = json.dumps({"id": "a", "row": 1, "review": {"verdict": "pass", "mode": "rules"}})
    results_file = tmp_path / "results.jsonl"
    results_file.write_text(f"{line}\n{line}\nnot json\n{line[:-1].replace('a', 'b', 1)}")  # duplicate, garbage, torn
    got = recover_results(results_file)
    assert got.ids == {"a"} and got.dropped == 3 and got.modes == {"rules"}
    assert results_file.read_text() == line + "\n"
    results_file.write_text(line)  # complete but without its newline: kept
    assert recover_results(results_file).ids == {"a"} and results_file.read_text() == line + "\n"
