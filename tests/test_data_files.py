"""Every data file loads through its pydantic model; a typo is an error, never a silent no-match."""

import json

import pytest
from pydantic import ValidationError

from docreview.data_files import MODELS, ContextRulesFile, data_file
from docreview.resources import DATA_DIR


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.json")), ids=lambda p: p.name)
def test_every_data_file_has_a_model_and_loads(path):
    assert path.name in MODELS, f"data/{path.name} has no pydantic model in docreview.data_files"
    assert data_file(path.name) is not None


def test_a_misspelled_context_direction_is_refused():
    raw = json.loads((DATA_DIR / "context_rules.json").read_text())
    raw["context_rules"][0]["direction"] = "FOWARD"
    with pytest.raises(ValidationError):
        ContextRulesFile.model_validate(raw)


def test_context_rules_have_medspacy_shape_and_patterns_work():
    rules = ContextRulesFile.model_validate({"context_rules": [
        {"literal": "was held", "category": "NOT_GIVEN", "direction": "BIDIRECTIONAL", "max_scope": 5,
         "pattern": [{"LOWER": "was"}, {"LOWER": "held"}]}]})
    assert rules.context_rules[0].words() == ("was", "held")
