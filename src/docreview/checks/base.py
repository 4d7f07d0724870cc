"""What every check receives and returns, and the helpers they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from docreview.checks.registry import rule
from docreview.knowledge.facts import CodeFacts, KnowledgeBase
from docreview.note.extract import DoseEvent, NoteFacts
from docreview.note.reading import Administration, Reading
from docreview.schema import Claim, Evidence, Finding, Requirement, Status

# Each element's requirement section in a code document (corpus/FORMAT.md).
REQUIREMENT_SECTIONS = {
    "dosage": "Dosage and units",
    "route": "Route",
    "indication": "Indication",
    "wastage": "Wastage",
}


@dataclass(frozen=True)
class CheckContext:
    """What a check reads; frozen, so checks are pure functions and their order does not matter."""

    claim: Claim
    facts: CodeFacts
    kb: KnowledgeBase
    reading: Reading
    setting: str  # the claim's setting, else inferred (edge case 13)
    mue: int | None = None

    @property
    def note(self) -> str:
        return self.reading.note.text

    @property
    def read(self) -> NoteFacts:
        return self.reading.note

    @property
    def administration(self) -> Administration:
        return self.reading.administration

    @property
    def administrations(self) -> tuple[DoseEvent, ...]:
        """The administrations that carry the dose (edge case 1: judge the line as billed)."""
        return self.reading.administration.counted

    @property
    def administered_base(self) -> float | None:
        """The documented dose in the code's base unit."""
        return self.reading.administration.dose_base


@dataclass
class Outcome:
    status: Status
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    confident: bool = True


def evidence(note: str, start: int, end: int) -> Evidence:
    return Evidence(quote=note[start:end], start=start, end=end)


def line_evidence(note: str, start: int, end: int, limit: int = 160) -> Evidence:
    """The sentence-sized stretch around [start, end), trimmed to `limit` characters."""
    left = max(note.rfind("\n", 0, start) + 1, start - limit // 2)
    right = note.find("\n", end)
    right = min(len(note) if right < 0 else right, end + limit // 2)  # a transcription may be one long line
    while left < start and note[left].isspace():
        left += 1
    while right > end and note[right - 1].isspace():
        right -= 1
    return evidence(note, left, right)


def requirement(ctx: CheckContext, element: str) -> Requirement:
    """The code document's section for this element, else the general document's, else CMS."""
    wanted = REQUIREMENT_SECTIONS[element]
    section = ctx.facts.section(wanted)
    if section is None:
        for doc in ctx.kb.general:
            section = doc.section(wanted)
            if section:
                break
    if section is not None:
        text = section.text if len(section.text) <= 600 else section.text[:597].rsplit(" ", 1)[0] + "..."
        return Requirement(code=ctx.facts.code, section=section.heading, source=section.source, text=text)
    return Requirement(code=ctx.facts.code, section="CMS descriptor", source="CMS HCPCS", text=ctx.facts.descriptor)


def make_finding(
    ctx: CheckContext,
    rule_id: str,
    message: str,
    ev: list[Evidence] | None = None,
    suggestion: str | None = None,
) -> Finding:
    r = rule(rule_id)
    element = r.element
    return Finding(
        rule_id=r.id,
        element=element,  # type: ignore[arg-type]
        severity=r.severity,
        message=message,
        evidence=ev or [],
        requirement=requirement(ctx, element),
        suggestion=suggestion if suggestion is not None else r.fix,
        carc=list(r.carc),
    )


# The seam to the model layer (docreview.model.judge implements it; rules mode has none).
RunCheck = Callable[[str, CheckContext], Outcome]


@dataclass(frozen=True)
class Judgement:
    outcomes: dict[str, Outcome]
    origins: dict[str, str]  # per element: rules, hybrid (model agreed) or model
    context: CheckContext  # the reading the outcomes rest on: the rules' own, or as the model amended it


class ReadingJudge(Protocol):
    def apply(self, ctx: CheckContext, outcomes: dict[str, Outcome], mode: str, run_check: RunCheck) -> Judgement:
        """Outcomes for the mode: the model amends the reading where asked, `run_check` re-checks."""
        ...
