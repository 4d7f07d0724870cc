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
