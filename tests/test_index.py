"""The real Chroma index with the real embedding model (no mocks)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docreview.knowledge.corpus import load_corpus
from docreview.knowledge.facts import KnowledgeBase
from docreview.knowledge.index import IndexUnavailableError, RequirementIndex
from docreview.resources import bundled_corpus
from tests.conftest import CMS_2025, SEEDS, need

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    idx = RequirementIndex(tmp_path_factory.mktemp("index"))
    report = idx.build(load_corpus(bundled_corpus()).documents)
    return idx, report


def test_build_then_noop_reindex_embeds_nothing(built):
    idx, report = built
    assert report.documents >= 31 and report.chunks > 200 and report.embedded == report.chunks
    again = idx.build(load_corpus(bundled_corpus()).documents)
    assert again.embedded == 0 and again.removed == 0 and again.chunks == report.chunks


def test_every_code_is_retrieved_in_top3_for_a_note_naming_its_drug(built):
    idx, _ = built
    kb = KnowledgeBase()
    hit1 = hit3 = 0
    misses = []
    documented = sorted(kb.documents)  # look-alike codes named in documents have no text to find
    for code in documented:
        facts = kb.facts(code)
        name = facts.brands[0] if facts.brands else facts.drug
        note = f"{name} ({facts.drug}) given {facts.routes[0] if facts.routes else ''} for {facts.indications[0].name if facts.indications else 'treatment'}."
        ranked = list(dict.fromkeys(h.code for h in idx.search(note, k=12) if h.code != "GENERAL"))
        hit1 += ranked[:1] == [code]
        hit3 += code in ranked[:3]
        if code not in ranked[:3]:
            misses.append((code, note, ranked[:3]))
    print(f"retrieval hit@1={hit1 / len(documented):.3f} hit@3={hit3 / len(documented):.3f}")
    assert not misses, misses


def test_search_filtered_by_code(built):
    idx, _ = built
    hits = idx.search("JW modifier discarded amount single-dose vial", k=3, code="J1953")
    assert hits and all(h.code == "J1953" for h in hits)


def test_missing_and_corrupt_index_give_clear_errors(tmp_path: Path):
    with pytest.raises(IndexUnavailableError, match="docreview index"):
        RequirementIndex(tmp_path / "none").search("x")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "chroma.sqlite3").write_bytes(b"this is not sqlite" * 10)
    with pytest.raises(IndexUnavailableError, match="--rebuild"):
        RequirementIndex(bad).search("x")


def test_seed_pages_conflicts_via_cli(tmp_path: Path):
    env = {**os.environ, "DOCREVIEW_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "docreview.cli", "index", "--corpus", str(need(SEEDS)), "--hcpcs", str(need(CMS_2025)), "--json"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert sorted(c["code"] for c in report["conflicts"]) == ["J1250", "J1320", "J1411", "J2253"]
    assert report["agreeing"] == ["J1953"]
    for c in report["conflicts"]:
        assert c["document"] and c["document_drug"] and c["cms_descriptor"]
    strict = subprocess.run(
        [sys.executable, "-m", "docreview.cli", "index", "--corpus", str(SEEDS), "--hcpcs", str(CMS_2025), "--strict"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert strict.returncode == 1
