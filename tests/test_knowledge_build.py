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
        # may hold the same ICD-10-CM prefix under another indication name). A condition read out
        # of a name is tried only where the embedding finds nothing, so the plain build has more.
        exact = {i["icd10"] for i in mine["indications"] if i["match"] == "exact"}
        assert exact <= {i["icd10"] for i in entry["indications"]}, code
    assert built["conditions"] == shipped["conditions"] and built["symptom_sets"] == shipped["symptom_sets"]
    # Deterministic bytes: a second build is identical.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_knowledge.py"), "--no-embed", "--out", str(again), "--shared", str(SHARED)],
                   capture_output=True, text=True, timeout=600, check=True)
    assert again.read_bytes() == out.read_bytes()


def _build_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_knowledge", ROOT / "scripts" / "build_knowledge.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    return build


def test_only_a_one_class_stem_lends_a_new_drug_its_siblings():
    build = _build_module()
    known = {"filgrastim", "pegfilgrastim", "rituximab", "trastuzumab"}
    assert build.stem_siblings(["efbemalenograstim alfa"], known) == ["filgrastim", "pegfilgrastim"]
    assert build.stem_siblings(["tafasitamab"], known) == []  # "-mab" names no one class


@pytest.mark.parametrize(("name", "forms"), [
    ("Acute Decompensated Heart Failure", ["acute decompensated heart failure", "decompensated heart failure", "heart failure"]),
    ("Prevention of Neutropenia from Cancer Chemotherapy", ["cancer chemotherapy"]),
    ("Thrombosis in Heparin Induced Thrombocytopenia", ["heparin induced thrombocytopenia", "induced thrombocytopenia"]),
    ("Angioedemas, Hereditary", ["hereditary angioedemas", "hereditary angioedema"]),
    ("Hip Surgery Deep Vein Thrombosis Prevention", ["hip surgery deep vein thrombosis", "surgery deep vein thrombosis",
                                                     "deep vein thrombosis", "vein thrombosis"]),
    ("Adjunct for CNS Disease Prevention in Non-Hodgkin's Lymphoma", ["cns disease prevention", "disease prevention",
                                                                     "non hodgkin's lymphoma"]),
])
def test_an_indication_name_holds_its_condition(name, forms):
    assert _build_module().condition_forms(name) == forms


def test_an_unmatched_indication_maps_by_the_condition_it_holds():
    pytest.importorskip("simple_icd_10_cm")
    build = _build_module()
    mapper = build.IcdMapper(build.icd_table(), embed=False, curated=build.curated_conditions())
    mapped = mapper.map_many(["Acutely Decompensated Chronic Heart Failure", "Fungal Urinary Tract Infection", "Hereditary Angioedema",
                              "Acquired Angioedema", "Thrombosis in Heparin Induced Thrombocytopenia", "Hypertension", "Postoperative Pain"])
    assert mapped["Acutely Decompensated Chronic Heart Failure"] == (("I50",), "condition 'heart failure'")
    assert mapped["Fungal Urinary Tract Infection"][0][0] == "N390"  # a curated term: ICD-10-CM adds "site not specified"
    assert mapped["Thrombosis in Heparin Induced Thrombocytopenia"][0] == ("D7582",)
    assert mapped["Hypertension"][1] == "exact"
    assert "Acquired Angioedema" not in mapped  # a lone word is no condition: not every angioedema
    assert mapped["Hereditary Angioedema"] == (("D841",), "exact")  # the curated term (conditions.json) is
    # A curated term narrower than its condition's codes maps nothing: "postoperative pain" is no back pain.
    assert "Postoperative Pain" not in mapped


def test_a_biosimilar_code_takes_only_its_own_suffixs_brands():
    from docreview.knowledge.facts import knowledge_base

    kb = knowledge_base()
    # Hadlima is adalimumab-bwwd (no code of its own): the reference product's code, never -aaty's.
    assert "Hadlima" not in kb.facts("Q5141").brands and "Hadlima" in kb.facts("J0135").brands
    assert kb.facts("Q5143").brands == ["Cyltezo"]  # adalimumab-adbm
    assert "Humira" in kb.facts("J0135").brands  # "0.2 mL adalimumab 100 mg/mL ... [Humira]": past the package volume
    # A combination's NDC ("atropine 0.778 mg/mL / pralidoxime chloride ... [Duodote]") names no one ingredient.
    assert "Duodote" not in kb.facts("J0461").brands
    # "preservative-free" is no biosimilar suffix.
    assert "Astramorph" in kb.facts("J2274").brands
