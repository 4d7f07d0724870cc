"""Derived indexes kept between runs: built once, rebuilt when an input changes, never in the way."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from docreview import derived_cache
from docreview.derived_cache import derived, inputs_fingerprint
from docreview.knowledge.icd10 import CodeSet
from docreview.knowledge.packaged import DATA_FILE, CodeTable, PackagedKnowledge, packaged
from docreview.note.reasons import _pack, _Term, _unpack


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DOCREVIEW_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOCREVIEW_CACHE", raising=False)
    return tmp_path / "home"


def _counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return value

    return calls, build


def test_built_once_then_loaded(home: Path) -> None:
    calls, build = _counting({"lidocaine": ("J2001",)})
    assert derived("names", "k1", build) == {"lidocaine": ("J2001",)}
    assert derived("names", "k1", build) == {"lidocaine": ("J2001",)}
    assert len(calls) == 1
    entry = next((home / "cache").glob("names-*.pickle"))
    assert entry.stat().st_mode & 0o077 == 0 and (home / "cache").stat().st_mode & 0o077 == 0


def test_other_inputs_get_their_own_entry(home: Path) -> None:
    calls, build = _counting([1])
    derived("names", "k1", build)
    derived("names", "k2", build)
    derived("names", "k1", build)
    assert len(calls) == 2


def test_another_build_of_docreview_replaces_the_entry(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, build = _counting([1])
    derived("names", "k1", build)
    monkeypatch.setattr(derived_cache, "code_fingerprint", lambda: "0000000000000000")
    derived("names", "k1", build)
    assert len(calls) == 2
    assert [p.name for p in (home / "cache").glob("names-*.pickle")] == ["names-0000000000000000-k1.pickle"]


def test_a_damaged_entry_is_rebuilt(home: Path) -> None:
    calls, build = _counting([1, 2])
    derived("names", "k1", build)
    entry = next((home / "cache").glob("names-*.pickle"))
    entry.write_bytes(b"\x80\x05 not a pickle")
    assert derived("names", "k1", build) == [1, 2]
    assert len(calls) == 2
    assert derived("names", "k1", build) == [1, 2] and len(calls) == 2


def test_turned_off(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCREVIEW_CACHE", "0")
    calls, build = _counting([1])
    derived("names", "k1", build)
    derived("names", "k1", build)
    assert len(calls) == 2 and not (home / "cache").exists()


def test_an_unwritable_home_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DOCREVIEW_HOME", str(blocker / "home"))
    calls, build = _counting([1])
    assert derived("names", "k1", build) == [1]
    assert derived("names", "k1", build) == [1]
    assert len(calls) == 2


def test_inputs_key_follows_content_and_place(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        (folder / "J1953.md").write_text("---\ncode: J1953\n---\n")
        os.utime(folder / "J1953.md", ns=(1_000_000_000, 1_000_000_000))
    assert inputs_fingerprint([one]) != inputs_fingerprint([two])  # same files elsewhere: other citations
    before = inputs_fingerprint([one, None])
    (one / "J1953.md").write_text("---\ncode: J1953\nbrands: [Keppra]\n---\n")
    assert inputs_fingerprint([one, None]) != before


def test_cold_review_equals_warm_review(tmp_path: Path) -> None:
    """The CLI with an empty cache, then with the cache it wrote: the same review, byte for byte."""
    env = {**os.environ, "DOCREVIEW_HOME": str(tmp_path / "h")}
    args = [sys.executable, "-m", "docreview.cli", "check", "examples/keppra-note.txt", "--code", "J1953", "--units", "150",
            "-m", "JZ", "--icd10", "G40.909", "--format", "json", "--no-audit"]
    root = Path(__file__).resolve().parents[1]
    runs = [subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    kept = {p.name.split("-")[0] for p in (tmp_path / "h" / "cache").glob("*.pickle")}
    assert kept == {"brand", "code", "condition", "corpus", "data", "drug", "icd10", "known", "shipped"}
    assert {p.name.split("-")[1] for p in (tmp_path / "h" / "cache").glob("data-*.pickle")} >= {"role_cues", "context_rules"}
    first, second = (json.loads(r.stdout) for r in runs)
    for review in (first, second):
        review.pop("reviewed_at", None)
        review.pop("elapsed_ms", None)
    assert first == second


def test_codes_are_validated_when_read() -> None:
    entry = {"descriptor": "Injection, example, 1 mg", "packages": [{"ndc": "1", "name": "x", "billing_units": "many"}]}
    table = CodeTable({"J9999": json.dumps(entry).encode()})
    assert list(table) == ["J9999"] and dict(table.column("descriptor")) == {"J9999": "Injection, example, 1 mg"}
    with pytest.raises(ValueError, match="billing_units"):
        table["J9999"]


def test_the_shipped_file_validates_whole() -> None:
    if not DATA_FILE.is_file():
        pytest.skip("knowledge/data/codes.json.gz is not built (python scripts/build_knowledge.py)")
    whole = PackagedKnowledge.model_validate_json(gzip.decompress(DATA_FILE.read_bytes()))
    shipped = packaged()
    assert shipped.version == whole.version and shipped.conditions == whole.conditions
    assert len(shipped.codes) == len(whole.codes) and shipped.codes["J1953"] == whole.codes["J1953"]


def test_icd10_code_set_answers_as_a_set_would() -> None:
    codes = ["G40", "G40909", "G40919", "H3532", "H353211"]
    packed = CodeSet(codes)
    assert all(code in packed for code in codes) and len(packed) == len(codes)
    # Neither a prefix of a member, nor a member's extension, nor another category is a member.
    assert "G409" not in packed and "G4090912" not in packed and "E119" not in packed and "" not in packed
    assert "H353211" in pickle.loads(pickle.dumps(packed))


def test_condition_terms_unpack_to_what_was_packed() -> None:
    terms = [_Term(("atrial", "fibrillation"), "atrial fibrillation", ("I48",), False),
             _Term(("af",), "atrial fibrillation", ("I48", "I48.91"), True),
             _Term(("pain",), "pain\tunspecified", (), False)]
    packed = _pack({"atrial": terms[:1], "af": terms[1:2], "pain": terms[2:]})
    assert [_unpack(line) for first in ("atrial", "af") for line in packed[first].split("\n")] == terms[:2]
    assert _unpack(packed["pain"]) == _Term(("pain",), "pain unspecified", (), False)  # a tab in a name is a space
