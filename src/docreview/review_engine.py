"""The orchestrator: claim + note -> knowledge -> note reading -> checks -> Review.

Rules mode imports no torch, no chromadb: requirements are looked up by code and section in
the parsed corpus (exact, instant); the Chroma index serves `search`, the model's context
and the retrieval metrics of `eval`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docreview import __version__
from docreview.checks.base import CheckContext, Outcome, ReadingJudge
from docreview.checks.dosage import check_dosage
from docreview.checks.indication import check_indication
from docreview.checks.route import check_route
from docreview.checks.wastage import check_wastage
from docreview.knowledge.facts import KnowledgeBase, knowledge_base
from docreview.knowledge.mue import MueTable
from docreview.note.dates import service_date
from docreview.note.normalize import fold
from docreview.note.reading import read
from docreview.schema import ELEMENTS, Claim, CodeSummary, ElementResult, Finding, Review, Status, Verdict

if TYPE_CHECKING:
    from docreview.model.config import ModelConfig

MAX_NOTE_BYTES = 1_000_000
# Pure functions of the reading: none depends on another's result, so their order is free.
CHECKS = {"dosage": check_dosage, "route": check_route, "indication": check_indication, "wastage": check_wastage}


def run_check(element: str, ctx: CheckContext) -> Outcome:
    return CHECKS[element](ctx)


class InputError(ValueError):
    """Bad input from the user (exit code 2), never a billing finding."""


def _rule_filter(select: Iterable[str] | None, ignore: Iterable[str] | None):
    sel = [s.upper() for s in select or []]
    ign = [s.upper() for s in ignore or []]

    def keep(rule_id: str) -> bool:
        if sel and not any(rule_id.startswith(s) for s in sel):
            return False
        return not any(rule_id.startswith(i) for i in ign)

    return keep


def validate_note(note: str) -> str:
    if not isinstance(note, str):
        raise InputError("the note must be text")
    if len(note.encode("utf-8", errors="replace")) > MAX_NOTE_BYTES:
        raise InputError(f"the note is larger than {MAX_NOTE_BYTES // 1_000_000} MB; split it by encounter")
    if "\x00" in note:
        raise InputError("the note looks like a binary file (it contains NUL bytes)")
    try:
        note.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError("the note is not valid Unicode text (it holds lone surrogate code points)") from exc
    if not note.strip():
        raise InputError("the note is empty")
    return note


class Reviewer:
    def __init__(
        self,
        kb: KnowledgeBase,
        mode: str = "rules",
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        mue: MueTable | None = None,
        judge: ReadingJudge | None = None,
        model: ModelConfig | None = None,
    ) -> None:
        if mode not in ("rules", "model", "hybrid"):
            raise InputError(f"unknown mode '{mode}' (rules, model or hybrid)")
        self.kb, self.mode, self.mue = kb, mode, mue
        self._keep = _rule_filter(select, ignore)
        # The model layer (docreview.model) is imported only for model/hybrid modes.
        self.judge = judge
        if mode != "rules" and judge is None:
            from docreview.model.judge import build_judge

            self.judge = build_judge(model)

    def review(self, note: str, claim: Claim | dict[str, Any]) -> Review:
        started = time.perf_counter()
        original = validate_note(note)
        note = fold(original)  # same length: every span below quotes the original note too
        if not isinstance(claim, Claim):
            try:
                claim = Claim.model_validate(claim)
            except Exception as exc:  # pydantic's ValidationError, reworded for people
                raise InputError(f"invalid claim: {exc}") from exc
        facts = self.kb.facts(claim.code)  # UnknownCodeError for a code docreview does not know
        reading = read(note, facts, self.kb, service_date(claim.date_of_service))
        setting = claim.setting or ("inpatient" if reading.note.inpatient else "outpatient")
        ctx = CheckContext(claim=claim, facts=facts, kb=self.kb, reading=reading, setting=setting,
                           mue=self.mue.limit(claim.code) if self.mue else None)
        outcomes: dict[str, Outcome] = {element: run_check(element, ctx) for element in ELEMENTS}
        origins = {name: "rules" for name in ELEMENTS}
        if self.judge is not None:
            # The model judges what the rules could not settle (hybrid) or every element (model):
            # it amends the reading, the checks run again on it, and it says where each came from.
            judgement = self.judge.apply(ctx, outcomes, self.mode, run_check)
            outcomes, origins, ctx = judgement.outcomes, judgement.origins, judgement.context
        findings: list[Finding] = [f for o in outcomes.values() for f in o.findings]
        findings += self._mue_findings(ctx)
        findings = [f for f in findings if self._keep(f.rule_id)]
        elements = {
            name: ElementResult(
                element=name,  # type: ignore[arg-type]
                status=o.status,
                summary=o.summary,
                evidence=o.evidence,
                requirement=_requirement(ctx, name),
                origin=origins.get(name, "rules"),  # type: ignore[arg-type]
                confident=o.confident,
            )
            for name, o in outcomes.items()
        }
        ok = all(e.status in (Status.documented, Status.not_applicable) for e in elements.values())
        admin = ctx.administration
        units = facts.documented_units(admin.dose_base, len(admin.counted))
        computed = float(units) if units is not None else None
        review = Review(
            docreview_version=__version__,
            mode=self.mode,  # type: ignore[arg-type]
            claim=claim,
            code=CodeSummary(code=facts.code, descriptor=facts.descriptor, drug=facts.drug,
                             unit_amount=facts.unit_amount, unit=facts.unit, up_to=facts.up_to),
            verdict=Verdict.passed if ok else Verdict.failed,
            elements=elements,  # type: ignore[arg-type]
            findings=findings,
            computed_units=computed,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        if note is not original:
            _quote_original(review, original)
        return review

    def _mue_findings(self, ctx: CheckContext) -> list[Finding]:
        from docreview.checks.base import make_finding

        if ctx.mue is None or ctx.claim.units is None:
            return []
        total = ctx.claim.units + (ctx.claim.waste_units or 0)
        if total <= ctx.mue:
            return []
        return [make_finding(ctx, "DOS011", f"{ctx.claim.code} billed {total:g} units; the MUE is {ctx.mue}.")]


def _quote_original(review: Review, original: str) -> None:
    """Evidence was found in the folded note; quote the note as the user wrote it."""
    for item in [*review.elements.values(), *review.findings]:
        for ev in item.evidence:
            ev.quote = original[ev.start : ev.end]


def _requirement(ctx: CheckContext, element: str):
    from docreview.checks.base import requirement

    return requirement(ctx, element)


@lru_cache(maxsize=8)
def _default(corpus: str | None, hcpcs: str | None, mode: str, select: tuple, ignore: tuple, mue: str | None,
             model: ModelConfig | None) -> Reviewer:
    kb = knowledge_base(Path(corpus) if corpus else None, hcpcs)
    table = MueTable.load(Path(mue)) if mue else None
    return Reviewer(kb, mode=mode, select=select, ignore=ignore, mue=table, model=model)


def default_reviewer(
    corpus: str | Path | None = None,
    hcpcs: str | Path | None = None,
    mode: str = "rules",
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    mue: str | Path | None = None,
    model: ModelConfig | None = None,
) -> Reviewer:
    """A reviewer per configuration, built once; `model` configures modes model and hybrid."""
    return _default(
        str(corpus) if corpus else None, str(hcpcs) if hcpcs else None, mode, tuple(select), tuple(ignore), str(mue) if mue else None,
        model,
    )
