"""Checks are pure functions of one reading: frozen inputs, any order, nothing written back.

And the seam to the model layer is typed: the judge gets the checks to run again as a function,
never by importing the engine or a check module.
"""

import ast
import dataclasses
import itertools
import json
import pickle
from pathlib import Path

import pytest

from docreview.checks.base import CheckContext
from docreview.knowledge.facts import knowledge_base
from docreview.note.reading import read
from docreview.review_engine import CHECKS
from docreview.schema import Claim

ROOT = Path(__file__).resolve().parents[1]


def _inline_cases(n: int) -> list[dict]:
    cases = []
    for line in (ROOT / "eval" / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if "note" in case and case.get("split") == "dev":
            cases.append(case)
        if len(cases) == n:
            break
    return cases


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def _context(kb, case: dict) -> CheckContext:
    claim = Claim.model_validate(case["claim"])
    facts = kb.facts(claim.code)
    reading = read(case["note"], facts, kb)
    return CheckContext(claim=claim, facts=facts, kb=kb, reading=reading, setting=claim.setting or "outpatient")


def _view(outcome) -> tuple:
    return outcome.status, outcome.summary, [f.rule_id for f in outcome.findings], [(e.start, e.end) for e in outcome.evidence]


def test_the_check_context_is_frozen(kb):
    ctx = _context(kb, _inline_cases(1)[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.reading = None  # type: ignore[misc]


@pytest.mark.parametrize("case", _inline_cases(12), ids=lambda c: c["id"])
def test_checks_give_the_same_outcomes_in_any_order_and_leave_the_reading_as_it_was(kb, case):
    ctx = _context(kb, case)
    before = pickle.dumps(ctx.reading)
    expected = {name: _view(check(ctx)) for name, check in CHECKS.items()}
    for order in itertools.permutations(CHECKS):
        assert {name: _view(CHECKS[name](ctx)) for name in order} == expected
    assert pickle.dumps(ctx.reading) == before


def test_the_judge_reaches_the_checks_only_through_the_function_it_is_given():
    tree = ast.parse((ROOT / "src" / "docreview" / "model" / "judge.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "docreview.review_engine" not in imported
    assert not imported & {f"docreview.checks.{name}" for name in ("dosage", "route", "indication", "wastage")}


def test_evidence_from_a_one_line_transcription_is_sentence_sized():
    from docreview.checks.base import line_evidence

    note = "HISTORY: " + "word " * 400 + "Propofol was given. " + "word " * 600
    start = note.index("Propofol")
    quote = line_evidence(note, start, start + len("Propofol"))
    assert "Propofol" in quote.quote and len(quote.quote) <= 170
