"""The hybrid role question (docreview.model.roles) with LangChain's fake chat models: which
mentions are asked, what the model is shown, answer verification, the cache, and hybrid scoring.

The real llama.cpp path runs in a child process (tests/native_roles.py).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from docreview.evaluate_mentions import MentionNote, run_mention_eval, score_mentions
from docreview.knowledge.facts import knowledge_base
from docreview.model.cache import ResponseCache
from docreview.model.providers import ChatBackend
from docreview.model.roles import (
    ANSWER_ROLES,
    ASKED,
    KINDS,
    RoleAsker,
    doubt,
    load_role_prompt,
    question_for,
    questions,
    render,
    verify,
    with_roles,
)
from docreview.note.extract import read_note
from docreview.note.roles import ROLES

# The rules read the methadone line as given (no cue speaks); the ketorolac line is a record.
NOTE = "Follow-up.\nThe methadone 10 mg this morning for her pain.\nKetorolac 30 mg IM given at 10:05."
METHADONE = NOTE.index("methadone")
KETOROLAC = NOTE.index("Ketorolac")


@pytest.fixture(scope="module")
def events():
    kb = knowledge_base()
    return read_note(NOTE, kb.facts("J1953"), kb).events


def reply(answer: str, quote: str = "") -> str:
    return json.dumps({"quote": quote, "answer": answer})


class Recording(FakeListChatModel):
    """Keeps the messages it was sent."""

    seen: list = []

    def _call(self, messages, *args, **kwargs):
        self.seen.append([m.text for m in messages])
        return super()._call(messages, *args, **kwargs)


ALL = tuple(KINDS)  # every kind, the ones measured and not asked by default too


def asker_with(*responses: str, cache: ResponseCache | None = None, kinds: tuple[str, ...] = ALL) -> RoleAsker:
    return RoleAsker(ChatBackend(Recording(responses=list(responses), seen=[]), "text", "fake"), cache=cache, kinds=kinds)


def test_only_the_unsure_mention_is_asked(events):
    roles = {NOTE[e.mention.start : e.mention.end]: e.role for e in events}
    assert roles == {"methadone": "administered", "Ketorolac": "administered"}
    asked = questions(NOTE, events, ALL)
    assert [q.drug for q in asked] == ["methadone"]
    assert asked[0].reason == "default"
    assert doubt(NOTE, events[1]) is None  # a timed record with a route and an amount


def test_only_the_measured_kinds_are_asked_by_default(events):
    assert ASKED == ("planned",)  # `default` measured on dev: the model did not beat the rules
    assert questions(NOTE, events) == []
    kb = knowledge_base()
    planned = "ED note.\nLevetiracetam 500 mg BID.\nMidazolam 10 mg IM at 03:12."
    asked = questions(planned, read_note(planned, kb.facts("J1953"), kb).events)
    assert [(q.drug, q.reason) for q in asked] == [("Levetiracetam", "planned")]
    assert asker_with(kinds=ASKED).review(NOTE, events) == []


def test_the_prompt_holds_the_sentence_only(events):
    asker = asker_with(reply("before_or_home", "this morning for her pain"))
    asker.review(NOTE, events)
    (sent,) = asker.backend.model.seen
    user = sent[-1]
    assert user.endswith("Text: The [[methadone]] 10 mg this morning for her pain.")  # the mention last
    assert "Ketorolac" not in user and "Follow-up" not in user  # never the rest of the note
    for answer in KINDS["default"].answers:
        assert f'"{answer}"' in user  # every allowed answer is explained


def test_a_verified_answer_replaces_the_rules_role(events):
    asker = asker_with(reply("before_or_home", "The [[methadone]] 10 mg this morning"))
    verdicts = asker.review(NOTE, events)
    assert [(v.rules_role, v.role, v.problem) for v in verdicts] == [("administered", "historical", None)]
    changed = with_roles(events, verdicts)
    assert [e.role for e in changed] == ["historical", "administered"]
    assert events[0].role == "administered"  # the rules' reading is not mutated
    assert asker.calls == 1 and asker.stats[0]["reason"] == "default"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"quote": "this morning", "answer": "historical"}, "not one of the allowed answers"),  # a role, not an answer
        ({"quote": "this morning", "answer": "new"}, "not one of the allowed answers"),  # another kind's answer
        ({"quote": "this morning"}, "not one of the allowed answers"),
        ({"quote": "took it at home for years", "answer": "before_or_home"}, "not in the sentence"),
        ({"quote": "Ketorolac 30 mg", "answer": "given"}, "not in the sentence"),  # another sentence of the note
        ({"quote": "this morning", "answer": "other"}, "no role"),  # the question cannot settle it
    ],
)
def test_an_answer_that_does_not_check_out_is_an_abstention(events, raw, problem):
    (q,) = questions(NOTE, events, ALL)
    role, why = verify(q, raw)
    assert role is None and problem in why


def test_an_answer_without_a_quote_stands_when_it_is_allowed(events):
    (q,) = questions(NOTE, events, ALL)
    assert verify(q, {"quote": "", "answer": "given"}) == ("administered", None)
    assert verify(q, {"quote": " ‘this MORNING for her pain’ ", "answer": "before_or_home"}) == ("historical", None)  # case, spacing


def test_each_kind_maps_its_answers_to_roles(events):
    assert set(ANSWER_ROLES) <= set(ROLES)
    for kind in KINDS.values():
        assert all(role is None or role in ROLES for role in kind.answers.values())
    planned = question_for(NOTE, events, 0, "planned")
    assert verify(planned, {"quote": "this morning", "answer": "not_given"}) == ("deferred", None)
    assert verify(planned, {"quote": "", "answer": "home_or_past"}) == ("historical", None)
    assert verify(planned, {"quote": "", "answer": "given"})[0] is None  # the default kind's answer


def test_unreadable_json_keeps_the_rules_role(events):
    asker = asker_with("I think it is historical")
    (v,) = asker.review(NOTE, events)
    assert v.role is None and "JSON" in (v.problem or "")
    assert [e.role for e in with_roles(events, [v])] == ["administered", "administered"]


def test_answers_are_cached(events, tmp_path):
    cache = ResponseCache(tmp_path / "cache.sqlite")
    first = asker_with(reply("before_or_home", "this morning"), cache=cache)
    first.review(NOTE, events)
    again = asker_with(reply("given"), cache=cache)  # would answer otherwise if asked
    (v,) = again.review(NOTE, events)
    assert again.calls == 0 and v.cached and v.role == "historical"
    assert again.backend.model.seen == []


def test_prompt_files_are_versioned():
    prompt = load_role_prompt()
    assert set(prompt.versions) == set(KINDS)
    for kind, version in prompt.versions.items():
        assert version.startswith("judge/system") and f"role_{kind}" in version
        assert all(f"role_{other}" not in version for other in KINDS if other != kind)  # one kind's edit keeps the others' cache
    assert "$" not in prompt.system


def test_render_fills_every_placeholder(events):
    prompt = load_role_prompt()
    for kind in KINDS:
        text = render(prompt, question_for(NOTE, events, 0, kind))
        assert "$" not in text and "[[methadone]]" in text


def _labelled() -> list[tuple[MentionNote, str]]:
    item = MentionNote(id="t-1", note=NOTE, split="test", mentions=[
        {"start": METHADONE, "end": METHADONE + 9, "drug": "methadone", "role": "historical"},
        {"start": KETOROLAC, "end": KETOROLAC + 9, "drug": "ketorolac", "role": "administered", "amount": "30 mg", "route": "intramuscular"},
    ])
    return [(item, NOTE)]


def test_hybrid_scoring_counts_what_the_model_fixed():
    rules = score_mentions(_labelled())
    assert rules["role_accuracy"] == 0.5 and "model" not in rules
    hybrid = score_mentions(_labelled(), asker=asker_with(reply("before_or_home", "this morning")))
    assert hybrid["role_accuracy"] == 1.0
    m = hybrid["model"]
    assert (m["asked"], m["calls"], m["changed"], m["fixed"], m["broken"]) == (1, 1, 1, 1, 0)
    assert m["by_reason"] == {"default": {"asked": 1, "changed": 1}}
    wrong = score_mentions(_labelled(), asker=asker_with(reply("before_or_home", "Ketorolac 30 mg")))
    assert wrong["role_accuracy"] == 0.5 and wrong["model"]["abstained"] == 1


def test_run_mention_eval_modes(tmp_path):
    item, _ = _labelled()[0]
    path = tmp_path / "mentions.jsonl"
    path.write_text(item.model_dump_json() + "\n", encoding="utf-8")
    report, _ = run_mention_eval(path, None, None)
    assert report["mode"] == "rules" and report["role_accuracy"] == 0.5
    report, _ = run_mention_eval(path, None, None, mode="hybrid", asker=asker_with(reply("before_or_home")))
    assert report["mode"] == "hybrid" and report["role_accuracy"] == 1.0
    with pytest.raises(Exception, match="rules or hybrid"):
        run_mention_eval(path, None, None, mode="model")


def test_the_real_model_answers_in_the_schema():
    """The real llama.cpp path (SmolLM2), in a child process like tests/test_model_llamacpp.py."""
    from tests import test_model_llamacpp as llama  # skips where llama_cpp or the SmolLM2 GGUF is missing

    here = Path(__file__).resolve().parent
    out = llama._run_child([sys.executable, str(here / "native_roles.py"), str(llama.GGUF)],
                           env={**os.environ, "PYTHONPATH": os.pathsep.join([str(here.parent / "src"), str(here.parent)])})
    assert out.returncode == 0, out.stderr[-4000:]
    assert "scenario roles: ok" in out.stdout


def test_cli_scores_roles_in_rules_or_hybrid_mode_only(tmp_path):
    import subprocess

    item, _ = _labelled()[0]
    path = tmp_path / "mentions.jsonl"
    path.write_text(item.model_dump_json() + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "docreview.cli", "eval", str(path), "--mode", "model"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "rules or hybrid" in " ".join(done.stderr.split())
    # hybrid with a model that cannot load: a clean failure, not a traceback
    done = subprocess.run([sys.executable, "-m", "docreview.cli", "eval", str(path), "--mode", "hybrid", "--model", "ollama", "--role-question"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    # with the role question off, hybrid scores the rules' roles (no model is loaded)
    done = subprocess.run([sys.executable, "-m", "docreview.cli", "eval", str(path), "--mode", "hybrid", "--model", "ollama",
                           "--no-role-question"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "role question is off" in " ".join(done.stdout.split()), done.stderr
