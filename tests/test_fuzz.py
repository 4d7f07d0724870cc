"""Fuzzing as a standing check: random and mutated notes and claims through the Python API.

Every input is either reviewed or refused as a clear input error (InputError, UnknownCodeError,
pydantic's ValidationError), never any other exception; every evidence quote of a Review is
note[start:end] (review-spec.md "findings"); every Review serialises to JSON.
The generators live in tests/fuzzing.py (shared with benchmarks/fuzz.py, which runs many more).
Bounded and reproducible for CI: derandomize=True, no deadline, a fixed number of examples.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests import fuzzing

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=False,
)

randoms = st.randoms(use_true_random=False)


@pytest.fixture(scope="module")
def reviewer():
    from docreview.review_engine import default_reviewer

    return default_reviewer()


def assert_contract(reviewer: Any, text: Any, claim: Any) -> None:
    note(f"note={text!r}")
    note(f"claim={claim!r}")
    try:
        review = reviewer.review(text, claim)
    except fuzzing.input_error_types():
        return  # a clear input error: exit 2 in the CLI
    bad = fuzzing.quote_violations(review, text)
    assert not bad, "evidence quotes that are not note[start:end]:\n" + "\n".join(bad)
    data = json.loads(review.model_dump_json())
    assert data["verdict"] in ("pass", "fail")
    assert set(data["elements"]) == {"dosage", "route", "indication", "wastage"}


@FUZZ
@given(rng=randoms)
def test_grammar_notes_and_claims(reviewer, rng: random.Random) -> None:
    """Notes from the grammar of clinical fragments, odd shapes, and random claims."""
    text, claim = fuzzing.random_case(rng)
    assert_contract(reviewer, text, claim)


@FUZZ
@given(rng=randoms, seed=st.sampled_from(range(len(fuzzing.SEED_NOTES))))
def test_mutated_seed_notes(reviewer, rng: random.Random, seed: int) -> None:
    """Realistic notes, mutated (insert/delete/replace, look-alikes, duplicated and joined lines)."""
    text = fuzzing.mutate(rng, fuzzing.SEED_NOTES[seed])
    claim = fuzzing.random_claim(rng) if rng.random() < 0.5 else _plausible_claim(rng)
    assert_contract(reviewer, text, claim)


@FUZZ
@given(
    text=st.text(st.characters(codec=None), max_size=400) | st.text(max_size=20).map(lambda s: s * 200),
    prefix=st.sampled_from([*fuzzing.SEED_NOTES, ""]),
    rng=randoms,
)
def test_arbitrary_unicode(reviewer, text: str, prefix: str, rng: random.Random) -> None:
    """Hypothesis' own text (any code point, surrogates included) appended to a seed note."""
    assert_contract(reviewer, prefix + text, _plausible_claim(rng))


def _plausible_claim(rng: random.Random) -> dict:
    return {
        "code": rng.choice(fuzzing.CODES),
        "units": rng.choice([1, 2, 4, 10, 40, 100, 150]),
        "modifiers": [rng.choice(["JZ", "JW"])],
        "icd10": [rng.choice(["G40.909", "D51.0", "J18.9", "R11.2", "M17.11"])],
        "setting": rng.choice(["office", "outpatient", "11", "22", "RHC/FQHC", "hospital outpatient"]),
    }


def test_seed_notes_review(reviewer) -> None:
    """The seeds themselves are reviewed (so the mutations start from notes the rules read)."""
    claims = [
        {"code": "J1953", "units": 100, "modifiers": ["JZ"], "icd10": ["G40.909"], "setting": "outpatient"},
        {"code": "J3420", "units": 1, "modifiers": ["JZ"], "icd10": ["D51.0"], "setting": "office"},
        {"code": "J0696", "units": 4, "modifiers": ["JW"], "icd10": ["J18.9"], "setting": "outpatient"},
        {"code": "J2405", "units": 4, "modifiers": ["JZ"], "icd10": ["R11.2"], "setting": "outpatient"},
        {"code": "J3301", "units": 4, "modifiers": ["JZ"], "icd10": ["M17.11"], "setting": "office"},
    ]
    for text, claim in zip(fuzzing.SEED_NOTES, claims, strict=True):
        review = reviewer.review(text, claim)
        assert not fuzzing.quote_violations(review, text)


@pytest.mark.parametrize("field", ["icd10", "date_of_service", "setting"])
def test_lone_surrogates_in_claim_fields_are_input_errors(reviewer, field: str) -> None:
    # Found by benchmarks/fuzz.py: the review passed, then serialising it failed.
    claim = {"code": "J1953", field: ["\ud800"] if field == "icd10" else "\ud800"}
    with pytest.raises(fuzzing.input_error_types(), match="Unicode"):
        reviewer.review("Keppra 1,000 mg IV.", claim)


def test_long_notes_stay_linear(reviewer) -> None:
    # Found by benchmarks/fuzz.py: one administration per sentence on one line was quadratic.
    review = reviewer.review("Keppra 1,000 mg IV. " * 3000 + "9" * 6000, {"code": "J1953", "units": 100})
    assert review.elapsed_ms < 60_000
