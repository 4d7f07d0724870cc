"""The hybrid role question: where the rules are unsure of a drug mention's role, ask the model
about that one mention, in its own sentence (never the whole note).

Which mentions the rules are unsure of (`doubt`), from the dev split of eval/mentions.jsonl:
- `planned`: the rules read "ordered" from a planning cue, with no section or a neutral one
  (dev: 30, 13 of 29 labelled right; home medications, held drugs and requests are the rest).
  Asked: "a new order, a home or past medicine, or not given?" -> ordered / historical / deferred.
  Dev: 9 changed, 7 fixed, 1 broken (role accuracy 0.608 -> 0.619, macro-F1 0.601 -> 0.611).
  Test, run once: 9 asked, 1 changed, wrongly (accuracy 0.652 -> 0.644, macro-F1 0.571 -> 0.561),
  so the question is off unless asked for (ENABLED; `docreview eval --role-question`).
- `default`: the rules read "administered" only because no cue spoke (no ConText category; the
  section's default), and the mention's own record shows neither a time nor both a route and an
  amount (dev: 85, 39 of 79 labelled right). Not asked (ASKED): the 1.5B model answered "given"
  for nearly all of them, whatever the prompt (dev: 40 asked, 2 changed, both wrong).
A mention with a timed record, or read from an allergy/home-medication section, a waste, container,
inventory or restatement cue, is settled by the rules and never asked.

Each kind has its own narrow question (prompts/judge/role_<kind>.md) with a few answers the code
maps to roles (KINDS). The answer must be one of them (the JSON schema's enum) and its quote, when
it gives one, must be words of the text it was shown; otherwise the rules' role stands.
Restatement and container are never answers: they depend on the other mentions of the note,
which the question does not show.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from docreview.note.roles import ROLES

if TYPE_CHECKING:
    from docreview.model.providers import ChatBackend
    from docreview.note.extract import DoseEvent

log = logging.getLogger("docreview.model")

# Whether hybrid mode asks the role question unless told otherwise (`eval --role-question`).
# Off: on the test split it changed one role of nine asked, wrongly (see above).
ENABLED = False

PROMPT_PREFIX = "role_"
MAX_EXCERPT = 240  # characters of the sentence around the mention: short prompts on a slow CPU
MARK_OPEN, MARK_CLOSE = "[[", "]]"
_JOINS = (".,", ":,")


@dataclass(frozen=True)
class Kind:
    """One kind of doubt: its question (prompts/judge/role_<name>.md) and what each answer means."""

    name: str
    answers: dict[str, str | None]  # the model's answer -> the role; None: the rules' role stands


# Measured on dev: asked to pick one of eight roles for these mentions, the 1.5B model answered
# "ordered" for 57 of 115 (43 wrongly; hybrid 39 right where the rules had 55). So each kind asks
# one narrow question whose answers are plain words, and the code maps them to roles.
KINDS: dict[str, Kind] = {
    "default": Kind("default", {"before_or_home": "historical", "not_given": "deferred", "given": "administered", "other": None}),
    "planned": Kind("planned", {"new": "ordered", "home_or_past": "historical", "not_given": "deferred"}),
}
# The kinds put to the model. `default` is not: measured on dev, the 1.5B model answered "given"
# for 84 of 85 such mentions (role_default v2), and 38 of 40 with worked examples (v3), its other
# answers wrong; the rules' role is as good and costs no call.
ASKED: tuple[str, ...] = ("planned",)
ANSWER_ROLES = tuple(r for r in ROLES if any(r in k.answers.values() for k in KINDS.values()))

# Field order is the order the model writes them: the words first, then the answer.
_SCHEMAS: dict[str, type[BaseModel]] = {
    name: create_model(
        f"RoleAnswer_{name}",
        quote=(str, Field(max_length=160)),
        answer=(Literal[tuple(k.answers)], ...),  # type: ignore[valid-type]
    )
    for name, k in KINDS.items()
}
_SCHEMA_TEXT = {name: json.dumps(schema.model_json_schema(), sort_keys=True) for name, schema in _SCHEMAS.items()}


def answer_schema(kind: str) -> type[BaseModel]:
    """The JSON the model must write for this kind of doubt."""
    return _SCHEMAS[kind]


# --- which mentions the rules are unsure of ------------------------------------------------------


def _has_time(text: str, event: DoseEvent) -> bool:
    from docreview.note.amounts import find_times

    return bool(find_times(text, event.sentence.start, event.sentence.end))


def doubt(text: str, event: DoseEvent) -> str | None:
    """Why the rules' role for this mention is unsure (`default` / `planned`), or None when settled."""
    role, cats = event.role, event.categories
    section = event.section
    if section is not None and section.category in ("ALLERGY", "HOME_MEDICATION"):
        return None  # the section decided it
    if role == "administered" and not cats & {"ADMINISTERED", "PLANNED", "HISTORICAL", "NOT_GIVEN", "ELSEWHERE"}:
        if event.entries or _has_time(text, event):
            return None  # a timed record ("Ketorolac 15 mg IV at 01:10") is an administration
        if event.routes and event.dose_amounts:
            return None  # dev: 23 of 32 such mentions were administrations; the model would not do better
        return "default"
    if role == "ordered" and "PLANNED" in cats and not cats & {"ADMINISTERED", "NOT_GIVEN"} and (section is None or section.kind == "neutral"):
        return "planned"
    return None


# --- the question ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleQuestion:
    """One mention, as the model sees it: the excerpt with the mention marked."""

    index: int  # the event's index in the note's events
    reason: str
    drug: str
    section: str
    excerpt: str  # with the mention marked [[...]]
    plain: str  # the same text unmarked (quotes are checked against it)


def _excerpt_bounds(text: str, event: DoseEvent, limit: int = MAX_EXCERPT) -> tuple[int, int]:
    """The mention's sentence; a long one (MTSamples runs sections together) is cut around it."""
    start, end = event.sentence.start, event.sentence.end
    m_start, m_end = event.mention.start, event.mention.end
    # Another line of the sentence is another record: keep the mention's own line.
    line_start = text.rfind("\n", start, m_start) + 1
    line_end = text.find("\n", m_end, end)
    start, end = max(start, line_start), end if line_end < 0 else line_end
    # MTSamples joins its sections with ".," / ":,": those are record boundaries too.
    cut = max((text.rfind(b, start, m_start) for b in _JOINS), default=-1)
    start = cut + 2 if cut >= 0 else start
    nxt = [i for i in (text.find(b, m_end, end) for b in _JOINS) if i >= 0]
    end = min(nxt) + 1 if nxt else end
    if end - start > limit:
        lo = max(start, m_start - limit // 2)
        hi = min(end, lo + limit)
        lo = max(start, hi - limit)
        # Snap to word boundaries so the model reads whole words.
        if lo > start:
            space = text.find(" ", lo, m_start)
            lo = space + 1 if space >= 0 else lo
        if hi < end:
            space = text.rfind(" ", m_end, hi)
            hi = space if space >= 0 else hi
        start, end = lo, hi
    return start, end


def question_for(text: str, events: Sequence[DoseEvent], index: int, reason: str) -> RoleQuestion:
    event = events[index]
    start, end = _excerpt_bounds(text, event)
    m_start, m_end = event.mention.start, min(event.mention.end, end)
    marked = text[start:m_start] + MARK_OPEN + text[m_start:m_end] + MARK_CLOSE + text[m_end:end]
    section = " ".join(event.section.header.split())[:60] if event.section else "none"
    return RoleQuestion(index, reason, " ".join(text[m_start:m_end].split()), section or "none",
                        " ".join(marked.split()), text[start:end])


def questions(text: str, events: Sequence[DoseEvent], kinds: Sequence[str] = ASKED) -> list[RoleQuestion]:
    """The questions for the mentions whose role the rules are unsure of (of the asked kinds)."""
    out = []
    for i, event in enumerate(events):
        reason = doubt(text, event)
        if reason is not None and reason in kinds:
            out.append(question_for(text, events, i, reason))
    return out


# --- the prompt --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RolePrompt:
    system: str
    questions: dict[str, Template]  # by kind
    versions: dict[str, str]  # by kind: declared versions + a hash of the files that kind's prompt reads


def load_role_prompt(folder: str | None = None) -> RolePrompt:
    from docreview.model.prompts import PROMPT_SET, PromptError, _load
    from docreview.resources import bundled_prompts

    root = Path(folder) if folder else bundled_prompts() / PROMPT_SET
    parts: dict[str, tuple[str, str, bytes]] = {}
    for name in ("system", *(PROMPT_PREFIX + k for k in KINDS)):
        path = root / f"{name}.md"
        if not path.is_file():
            raise PromptError(f"prompt file missing: {path}")
        parts[name] = (*_load(path), path.read_bytes())
    versions = {}
    for kind in KINDS:
        # Editing one kind's question keeps the cached answers of the others.
        names = ("system", PROMPT_PREFIX + kind)
        digest = hashlib.sha256(b"".join(n.encode() + b"\0" + parts[n][2] for n in names)).hexdigest()[:12]
        versions[kind] = f"{PROMPT_SET}/" + ",".join(f"{n}{parts[n][0]}" for n in names) + f"/{digest}"
    questions = {k: Template(parts[PROMPT_PREFIX + k][1]) for k in KINDS}
    return RolePrompt(parts["system"][1].strip(), questions, versions)


def render(prompt: RolePrompt, q: RoleQuestion) -> str:
    # The fixed question comes first and the mention last: llama.cpp reuses the evaluated prefix.
    values = {"section": q.section, "excerpt": q.excerpt, "drug": q.drug}
    return prompt.questions[q.reason].substitute(values).strip()


# --- the answer --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleVerdict:
    index: int
    reason: str  # why it was asked (doubt())
    rules_role: str
    role: str | None  # the model's role when it stands; None when it abstained
    problem: str | None = None
    cached: bool = False
    ms: float = 0.0


def _unmark(quote: str) -> str:
    return quote.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def verify(q: RoleQuestion, raw: dict[str, Any]) -> tuple[str | None, str | None]:
    """(the role, None) when the answer stands; (None, why) when the rules' role stays."""
    try:
        answer = answer_schema(q.reason).model_validate(raw)
    except ValidationError:
        return None, "its answer is not one of the allowed answers"
    data = answer.model_dump()
    quote = " ".join(_unmark(data["quote"]).strip(" \t\"'`.,;:").split())
    if quote:
        from docreview.model.quotes import locate

        if locate(q.plain, quote) is None:
            return None, "its quote is not in the sentence"
    role = KINDS[q.reason].answers[data["answer"]]
    if role is None:
        return None, "it read no role this question can settle"
    return role, None


class RoleAsker:
    """Asks the model the role question for each unsure mention; answers are cached."""

    def __init__(self, backend: ChatBackend, prompt: RolePrompt | None = None, cache: Any = None, kinds: Sequence[str] = ASKED) -> None:
        self.backend = backend
        self.kinds = tuple(kinds)
        self.prompt = prompt or load_role_prompt()
        self.cache = cache
        self.calls = 0  # model calls made (cache misses)
        self.stats: list[dict[str, Any]] = []  # per call: reason, ms, tokens (never note text)

    def ask(self, q: RoleQuestion, rules_role: str) -> RoleVerdict:
        from langchain_core.messages import HumanMessage, SystemMessage

        from docreview.model.cache import cache_key

        messages = [SystemMessage(self.prompt.system), HumanMessage(render(self.prompt, q))]
        rendered = hashlib.sha256("\0".join([*(m.text for m in messages), _SCHEMA_TEXT[q.reason]]).encode()).hexdigest()[:16]
        # Keyed by what the model sees (the excerpt), not the whole note.
        key = cache_key(q.plain, {}, "role", f"{self.prompt.versions[q.reason]}/{rendered}", self.backend.model_id, PROMPT_PREFIX + q.reason)
        record = self.cache.get(key) if self.cache is not None else None
        cached = record is not None
        if record is None:
            record = self._call(messages, q.reason)
            if self.cache is not None and not record.get("transient"):
                self.cache.put(key, record)
        ms = 0.0 if cached else float(record.get("ms", 0.0))
        if "error" in record:
            return RoleVerdict(q.index, q.reason, rules_role, None, record["error"], cached, ms)
        role, problem = verify(q, record["answer"])
        return RoleVerdict(q.index, q.reason, rules_role, role, problem, cached, ms)

    def _call(self, messages: list, reason: str) -> dict[str, Any]:
        from langchain_core.exceptions import OutputParserException

        started = time.perf_counter()
        try:
            parsed, _, usage = self.backend.answer(messages, answer_schema(reason))
        except OutputParserException as exc:
            ms = (time.perf_counter() - started) * 1000
            self.stats.append({"reason": reason, "ms": round(ms, 1), **(getattr(exc, "usage", None) or {})})
            return {"error": "its answer could not be read as the expected JSON", "ms": ms}
        except Exception as exc:  # a server that is down: not cached
            log.warning("role question failed: %s", type(exc).__name__)
            return {"error": f"the model call failed ({type(exc).__name__})", "transient": True, "ms": 0.0}
        ms = (time.perf_counter() - started) * 1000
        self.calls += 1
        self.stats.append({"reason": reason, "ms": round(ms, 1), **usage})
        return {"answer": parsed.model_dump(), "ms": ms, "usage": usage}

    def review(self, text: str, events: Sequence[DoseEvent]) -> list[RoleVerdict]:
        """A verdict for each unsure mention of the note."""
        return [self.ask(q, events[q.index].role or "administered") for q in questions(text, events, self.kinds)]


def with_roles(events: Sequence[DoseEvent], verdicts: Sequence[RoleVerdict]) -> list[DoseEvent]:
    """The events with the model's roles where they stand (copies; the rules' reading is kept)."""
    out = list(events)
    for v in verdicts:
        if v.role is not None and v.role != out[v.index].role:
            out[v.index] = replace(out[v.index], role=v.role)
    return out


def build_role_asker(config: Any, cache: bool | None = None) -> RoleAsker:
    """The asker for an explicit ModelConfig; ModelUnavailableError when the model cannot load."""
    from docreview.model.cache import ResponseCache
    from docreview.model.errors import ModelUnavailableError
    from docreview.model.prompts import PromptError
    from docreview.model.providers import ProviderError, build_backend

    try:
        backend = build_backend(config)
        prompt = load_role_prompt()
    except (ProviderError, PromptError) as exc:
        raise ModelUnavailableError(f"the role question cannot run: {exc}") from exc
    use_cache = config.cache if cache is None else cache
    return RoleAsker(backend, prompt, ResponseCache() if use_cache else None)
