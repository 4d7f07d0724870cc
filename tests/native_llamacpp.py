"""Scenarios on the real llama.cpp path, run by tests/test_model_llamacpp.py in a child process.

Native code can crash the process (a segfault in decode); run here, a crash fails one test with
its signal instead of killing the suite. Usage: python tests/native_llamacpp.py SCENARIO GGUF
"""

from __future__ import annotations

import sys
from pathlib import Path

from docreview.checks.base import Judgement
from docreview.model.config import ModelConfig
from docreview.model.judge import ModelAnswer, build_judge
from docreview.review_engine import Reviewer
from docreview.schema import ELEMENTS, Status

NOTE = (
    "ED note. 41F epilepsy, witnessed seizure today.\n"
    "Keppra given 1310 per neuro.\n"
    "Pharmacy verified 1,000 mg in 100 mL NS.\n"
    "Dx: breakthrough seizure."
)
CLAIM = {"code": "J1953", "units": 100, "modifiers": ["JZ"], "icd10": ["G40.909"]}


def answers_in_the_schema(judge, kb) -> None:
    asked: list[ModelAnswer] = []

    class Capture:
        def apply(self, ctx, outcomes, mode, run_check):
            for element in ELEMENTS:
                asked.append(judge.ask(ctx, element))
            return Judgement(outcomes, dict.fromkeys(outcomes, "rules"), ctx)

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


def hybrid_review_and_the_cache(judge, kb) -> None:
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


SCENARIOS = {"schema": answers_in_the_schema, "hybrid-cache": hybrid_review_and_the_cache}


def main(argv: list[str]) -> int:
    name, gguf = argv[1], Path(argv[2])
    from docreview.knowledge.facts import knowledge_base

    judge = build_judge(ModelConfig(model_path=str(gguf), n_threads=2))
    SCENARIOS[name](judge, knowledge_base())
    print(f"scenario {name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
