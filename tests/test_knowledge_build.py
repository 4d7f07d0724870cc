"""scripts/build_knowledge.py: the shipped data is what the script builds from ../shared."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys

import pytest

from docreview.knowledge.packaged import DATA_FILE, packaged
from tests.conftest import ROOT, SHARED, need


def test_shipped_sources_are_the_shared_files():
    for key, source in packaged().sources.items():
        path = need(SHARED / "data" / source["path"])
        assert hashlib.sha256(path.read_bytes()).hexdigest() == source["sha256"], key


def test_provenance_and_notice_are_beside_the_data():
    assert (DATA_FILE.parent / "PROVENANCE.md").is_file()
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    for needle in ("DrugCentral", "CC BY 4.0", "QuicksortRx", "LabeledIn", "CMS"):
        assert needle in notice


@pytest.mark.slow
def test_build_is_reproducible(tmp_path):
    need(SHARED / "data" / "cms_asp_crosswalk")
    out = tmp_path / "codes.json.gz"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_knowledge.py"), "--no-embed", "--out", str(out), "--shared", str(SHARED)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    again = tmp_path / "again.json.gz"
    built = json.loads(gzip.decompress(out.read_bytes()))
    shipped = json.loads(gzip.decompress(DATA_FILE.read_bytes()))
    # Everything but the embedding-mapped indications is rebuilt byte for byte.
    for code, entry in shipped["codes"].items():
        mine = built["codes"][code]
        for key in ("descriptor", "ingredients", "brands", "packages", "drug_class", "classes", "purposes"):
            assert mine[key] == entry[key], (code, key)
        # Exact matches need no model: every one the plain build finds ships (the embedding build
        # may hold the same ICD-10-CM prefix under another indication name).
        assert {i["icd10"] for i in mine["indications"]} <= {i["icd10"] for i in entry["indications"]}, code
    assert built["conditions"] == shipped["conditions"] and built["symptom_sets"] == shipped["symptom_sets"]
    # Deterministic bytes: a second build is identical.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_knowledge.py"), "--no-embed", "--out", str(again), "--shared", str(SHARED)],
                   capture_output=True, text=True, timeout=600, check=True)
    assert again.read_bytes() == out.read_bytes()


def test_only_a_one_class_stem_lends_a_new_drug_its_siblings():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("build_knowledge", Path(__file__).parents[1] / "scripts" / "build_knowledge.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    known = {"filgrastim", "pegfilgrastim", "rituximab", "trastuzumab"}
    assert build.stem_siblings(["efbemalenograstim alfa"], known) == ["filgrastim", "pegfilgrastim"]
    assert build.stem_siblings(["tafasitamab"], known) == []  # "-mab" names no one class
