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


@pytest.mark.parametrize("name", ["extract_cues.json", "dose_cues.json", "amount_cues.json", "reason_cues.json"])
def test_a_misspelled_cue_list_is_refused(name):
    raw = json.loads((DATA_DIR / name).read_text())
    key = next(k for k in raw if not k.startswith("_"))
    raw[key[:-1] + key[-1] * 2] = raw[key]  # "partiall": a list no pattern would ever read
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        MODELS[name]().model_validate(raw)


def test_cue_words_reach_their_patterns():
    # The patterns are built from the data files on first use; one example a file.
    from docreview.note import amounts, annotate, doses, extract

    assert extract._patterns().each_of_two.search("40 mg injected into each sacroiliac  joint")
    assert extract._patterns().bare_dose.match(" 30 sub-q", 0).group("num") == "30"
    assert doses._patterns().next_site.search("Attention was then turned to the other knee")
    assert amounts._patterns().gauge_after.match(" spinal needle")
    assert annotate._removed_before().search("EBL approx. ")
