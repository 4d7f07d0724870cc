"""The CLI in a subprocess: exit codes, JSON, bad input never a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "keppra-note.txt"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docreview.cli", *args], capture_output=True, text=True, input=stdin,
                          env={**os.environ, "COLUMNS": "120"}, timeout=120)


def test_help_lists_commands():
    out = run("--help")
    assert out.returncode == 0
    for cmd in ("index", "codes", "search", "check", "eval", "schema", "rules"):
        assert cmd in out.stdout


def test_check_pass_exit_0_and_json():
    out = run("check", str(EXAMPLE), "--code", "J1953", "--units", "150", "-m", "JZ", "--icd10", "G40.909", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "pass" and data["computed_units"] == 150


def test_check_fail_exit_1_from_stdin_markdown():
    out = run("check", "-", "--code", "J1953", "--units", "100", "--format", "markdown", stdin=EXAMPLE.read_text())
    assert out.returncode == 1
    assert "DOS001" in out.stdout and "WST001" in out.stdout


def test_text_report_names_the_fix():
    out = run("check", str(EXAMPLE), "--code", "J1953", "--units", "100", "-m", "JZ")
    assert out.returncode == 1
    assert "FAIL" in out.stdout and "DOS001" in out.stdout and "Bill J1953 x 150" in out.stdout


def test_claim_file_and_select_ignore(tmp_path: Path):
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps({"code": "J1953", "units": 100, "modifiers": ["JZ"], "icd10": ["G40.909"]}))
    out = run("check", str(EXAMPLE), "--claim", str(claim), "--format", "json", "--ignore", "DOS")
    data = json.loads(out.stdout)
    assert all(not f["rule_id"].startswith("DOS") for f in data["findings"])
    assert data["elements"]["dosage"]["status"] == "inconsistent"  # ignoring a rule hides the finding, not the status


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["check", "-", "--code", "J1953"], "   \n  ", "empty"),
        (["check", "missing-file.txt", "--code", "J1953"], None, "not found"),
        (["check", str(EXAMPLE), "--code", "J9999X"], None, "HCPCS"),
        (["check", str(EXAMPLE), "--code", "J1957"], None, "Closest known codes"),
        (["check", str(EXAMPLE), "--code", "J1953", "--units", "-3"], None, "units"),
        (["check", str(EXAMPLE), "--code", "J1953", "--units", "abc"], None, "Invalid value"),
        (["check", str(EXAMPLE), "--code", "J1953", "-m", "JWZ"], None, "modifier"),
        (["check", str(EXAMPLE)], None, "--code"),
        (["codes", "J0000"], None, "Unknown code"),
    ],
)
def test_bad_input_exit_2_without_traceback(args, stdin, message):
    out = run(*args, stdin=stdin)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    assert message in out.stderr + out.stdout


def test_binary_note_is_refused(tmp_path: Path):
    blob = tmp_path / "scan.pdf"
    blob.write_bytes(b"%PDF\x00\x01\x02" * 100)
    out = run("check", str(blob), "--code", "J1953")
    assert out.returncode == 2 and "binary" in out.stderr


def test_codes_json():
    data = json.loads(run("codes", "J2930", "--json").stdout)
    assert data["descriptor"] == "Injection, methylprednisolone sodium succinate, up to 125 mg"
    assert data["unit_amount"] == 125 and data["up_to"] is True and "intravenous" in data["routes"]


def test_schema_and_rules_docs_in_sync():
    schema = json.loads(run("schema").stdout)
    assert "verdict" in schema["properties"]
    assert run("rules", "--markdown").stdout == (ROOT / "docs" / "rules.md").read_text()


@pytest.mark.parametrize("setting", ["22", "hospital outpatient", "RHC/FQHC", "pos 11", "Office", "asc"])
def test_settings_as_claims_write_them(setting: str):
    out = run("check", str(EXAMPLE), "--code", "J1953", "--units", "150", "-m", "JZ", "--icd10", "G40.909",
              "--setting", setting, "--format", "json")
    assert out.returncode in (0, 1), out.stderr
    claim = json.loads(out.stdout)["claim"]
    assert claim["setting"] in {"office", "outpatient", "inpatient", "rhc-fqhc", "esrd-facility"}


def test_unknown_setting_lists_what_is_accepted():
    out = run("check", str(EXAMPLE), "--code", "J1953", "--setting", "moon base")
    assert out.returncode == 2
    assert "moon base" in out.stderr and "RHC/FQHC" in out.stderr and "Traceback" not in out.stderr


INJECT_BUG = (
    "import sys, docreview.review_engine as engine\n"
    "def boom(self, note, claim):\n"
    "    raise KeyError('injected')\n"
    "engine.Reviewer.review = boom\n"
    "from docreview.cli import main\n"
    "sys.argv = ['docreview', *sys.argv[1:]]\n"
    "main()\n"
)


def test_an_internal_error_exits_3_with_one_line(tmp_path: Path):
    env = {**os.environ, "DOCREVIEW_HOME": str(tmp_path / "home")}
    args = ["check", str(EXAMPLE), "--code", "J1953", "--units", "150"]
    out = subprocess.run([sys.executable, "-c", INJECT_BUG, *args], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 3
    assert "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and "internal error: KeyError" in out.stderr
    logs = list((tmp_path / "home" / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and "Traceback" in logs[0].read_text()
    assert oct(logs[0].stat().st_mode & 0o777) == "0o600"
    debug = subprocess.run([sys.executable, "-c", INJECT_BUG, "--debug", *args], capture_output=True, text=True, env=env, timeout=120)
    assert debug.returncode == 3 and "Traceback" in debug.stderr


def test_greek_mu_reads_as_micrograms_and_quotes_the_note_as_written(tmp_path: Path):
    note = tmp_path / "note.txt"
    note.write_text("Vitamin B12 1000 \u03bcg IM given L deltoid for pernicious anemia. No waste.\n", encoding="utf-8")
    out = run("check", str(note), "--code", "J3420", "--units", "1", "-m", "JZ", "--icd10", "D51.0", "--format", "json")
    assert out.returncode == 0, out.stdout + out.stderr
    review = json.loads(out.stdout)
    text = note.read_text(encoding="utf-8")
    quotes = [e for el in review["elements"].values() for e in el["evidence"]]
    assert any("\u03bcg" in e["quote"] for e in quotes)
    assert all(text[e["start"] : e["end"]] == e["quote"] for e in quotes)


def test_model_status_says_what_would_load(tmp_path: Path):
    env = {**os.environ, "DOCREVIEW_HOME": str(tmp_path), "DOCREVIEW_MODEL_PATH": str(tmp_path / "other.gguf")}
    out = subprocess.run([sys.executable, "-m", "docreview.cli", "model", "status", "--json"], capture_output=True, text=True,
                         env=env, timeout=120)
    status = json.loads(out.stdout)
    assert status["would_load"] == str(tmp_path / "other.gguf")
    assert status["runtime_pinned"] == "0.3.16"
    assert status["parts_total"] == 22
