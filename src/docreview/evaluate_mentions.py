"""Score drug-mention roles on a labelled mention set (eval/mentions.jsonl).

One line per note: `id`, `note` or a MTSamples `source`, `split`, and `mentions`: a list of
{"start", "end", "drug", "role", "amount", "route"}. A gold mention is matched to the reader's
mention that overlaps it; unmatched gold mentions count as not found (their role is scored
as missed: recall falls). Reported: per-role precision, recall, F1 and support over gold
mentions, role macro-F1, mention detection recall, and for administered mentions the
amount and route attachment accuracy (amounts compared in the base unit: "1 g" = "1000 mg").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, ValidationError

from docreview.evaluate import EvalInputError, _mtsamples
from docreview.note.roles import ROLES, mention_readings
from docreview.records import Record
from docreview.schema import EvalSource

if TYPE_CHECKING:
    from docreview.model.config import ModelConfig
    from docreview.model.roles import RoleAsker, RoleVerdict

MISSED = "(not found)"
_AMOUNT_RE = re.compile(r"^\s*([\d.,]+)\s*([^\d\s].*?)\s*$")


class GoldMention(Record):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    drug: str
    role: str
    amount: str | None = None
    route: str | None = None


class MentionNote(Record):
    id: str
    note: str | None = None
    source: EvalSource | None = None
    split: str | None = None
    mentions: list[GoldMention]


def is_mention_file(path: Path) -> bool:
    """A mention set, not claim cases: its first record has `mentions` and no `claim`."""
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    first = json.loads(line)
                    return isinstance(first, dict) and "mentions" in first and "claim" not in first
    except (OSError, ValueError):
        return False
    return False


def load_mentions(path: Path, mtsamples: Path | None, split: str | None) -> tuple[list[tuple[MentionNote, str]], list[str]]:
    rows = _mtsamples(mtsamples) if mtsamples else None
    out, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = MentionNote.model_validate(json.loads(line))
        except (ValueError, ValidationError) as exc:
            problems.append(f"line {number}: {str(exc).splitlines()[0]}")
            continue
        if split and item.split and item.split != split:
            continue
        note = item.note
        if note is None and item.source is not None:
            note = rows.get(item.source.row_index) if rows is not None else None
            if not note:
                problems.append(f"line {number}: {item.id} needs --mtsamples (row {item.source.row_index})")
                continue
        if note is None:
            problems.append(f"line {number}: {item.id} has no note")
            continue
        out.append((item, note))
    return out, problems


def _base_amount(text: str | None) -> tuple[str, float] | None:
    from docreview.note.amounts import unit_in_base

    if not text:
        return None
    m = _AMOUNT_RE.match(text)
    if not m:
        return None
    try:
        value = float(m.group(1).replace(",", ""))
    except ValueError:
        return None
    converted = unit_in_base(m.group(2))
    return (converted[0], value * converted[1]) if converted else None


# Route names the labels use that docreview's canonical routes (data/routes.json) name otherwise.
ROUTE_SYNONYMS: dict[str, set[str | None]] = {
    "nerve block": {"perineural"},
    "ophthalmic": {"intraocular", "intravitreal", "topical"},
}


def score_mentions(items: list[tuple[MentionNote, str]], code: str = "J1953", asker: RoleAsker | None = None,
                   progress: Callable[[int, int], None] | None = None) -> dict:
    """Run the reader on each note and compare its mention roles with the labels.

    With `asker` (hybrid mode), the mentions whose role the rules are unsure of are put to the
    model one by one (docreview.model.roles) and its roles replace the rules' where they stand."""
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.extract import read_note
    from docreview.note.normalize import fold

    kb = knowledge_base()
    facts = kb.facts(code)  # the billed code only steers fuzzy spelling; roles do not depend on it
    pairs: list[tuple[str, str]] = []  # (gold role, predicted role)
    amount_hits = amount_total = route_hits = route_total = 0
    errors = []
    verdicts: list[RoleVerdict] = []
    asked: list[tuple[str, str, str]] = []  # (gold, rules, hybrid) for the labelled mentions put to the model
    for n, (item, note) in enumerate(items):
        text = fold(note)
        events = read_note(text, facts, kb).events
        by_event: dict[int, RoleVerdict] = {}
        rules_readings = mention_readings(events)
        if asker is not None:
            from docreview.model.roles import with_roles

            mine = asker.review(text, events)
            verdicts += mine
            by_event = {v.index: v for v in mine}
            events = with_roles(events, mine)
        readings = mention_readings(events)
        for gold in item.mentions:
            reading = next((r for r in readings if r.start < gold.end and gold.start < r.end), None)
            index = next((i for i, e in enumerate(events) if e.mention.start < gold.end and gold.start < e.mention.end), None)
            match = events[index] if index is not None else None
            predicted = reading.role if reading is not None else MISSED
            pairs.append((gold.role, predicted))
            if index in by_event:
                before = next((r.role for r in rules_readings if r.start < gold.end and gold.start < r.end), MISSED)
                asked.append((gold.role, before, predicted))
            if predicted != gold.role and len(errors) < 400:
                errors.append({"id": item.id, "text": note[gold.start : gold.end], "gold": gold.role, "predicted": predicted})
            if gold.role != "administered" or match is None or predicted != "administered":
                continue
            want = _base_amount(gold.amount)
            got = match.stated_dose  # the amount the dose arithmetic reads first
            if gold.amount is not None or got is not None:
                amount_total += 1
                amount_hits += (want is None and got is None) or (
                    want is not None and got is not None and got.kind == want[0] and abs(got.value - want[1]) < 1e-6 * max(1.0, want[1])
                )
            route_total += 1
            got_route = match.routes[0].route if match.routes else None
            route_hits += got_route in ROUTE_SYNONYMS.get(gold.route or "", {gold.route})
        if progress is not None:
            progress(n + 1, len(items))
    roles: dict[str, dict[str, float]] = {}
    for role in ROLES:
        tp = sum(1 for g, p in pairs if g == role and p == role)
        fp = sum(1 for g, p in pairs if g != role and p == role)
        fn = sum(1 for g, p in pairs if g == role and p != role)
        support = tp + fn
        if support == 0 and fp == 0:
            continue
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        roles[role] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "support": support}
    supported = [r for r in roles.values() if r["support"]]
    return {
        "notes": len(items),
        "mentions": len(pairs),
        "found": round(sum(1 for _, p in pairs if p != MISSED) / len(pairs), 3) if pairs else 0.0,
        "role_accuracy": round(sum(1 for g, p in pairs if g == p) / len(pairs), 3) if pairs else 0.0,
        "role_macro_f1": round(sum(r["f1"] for r in supported) / len(supported), 3) if supported else 0.0,
        "roles": roles,
        "amount_attachment": {"accuracy": round(amount_hits / amount_total, 3) if amount_total else None, "support": amount_total},
        "route_attachment": {"accuracy": round(route_hits / route_total, 3) if route_total else None, "support": route_total},
        "errors": errors,
        **({"model": _model_summary(asker, verdicts, asked)} if asker is not None else {}),
    }


def _model_summary(asker: RoleAsker, verdicts: list[RoleVerdict], asked: list[tuple[str, str, str]]) -> dict:
    """What the role question did: calls, latency, and on labelled mentions whether it helped."""
    timed = [v.ms for v in verdicts if not v.cached and v.ms > 0]
    problems: dict[str, int] = {}
    for v in verdicts:
        if v.problem:
            problems[v.problem] = problems.get(v.problem, 0) + 1
    return {
        "model_id": asker.backend.model_id,
        "asked": len(verdicts),
        "calls": asker.calls,
        "cached": sum(1 for v in verdicts if v.cached),
        "changed": sum(1 for v in verdicts if v.role is not None and v.role != v.rules_role),
        "abstained": sum(1 for v in verdicts if v.role is None),
        "problems": problems,
        "seconds_per_call": round(sum(timed) / len(timed) / 1000, 2) if timed else None,
        "labelled_asked": len(asked),
        "rules_right_on_asked": sum(1 for g, r, _ in asked if g == r),
        "hybrid_right_on_asked": sum(1 for g, _, h in asked if g == h),
        "fixed": sum(1 for g, r, h in asked if g != r and g == h),
        "broken": sum(1 for g, r, h in asked if g == r and g != h),
        "by_reason": _by_reason(verdicts),
    }


def _by_reason(verdicts: list[RoleVerdict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for v in verdicts:
        row = out.setdefault(v.reason, {"asked": 0, "changed": 0})
        row["asked"] += 1
        row["changed"] += v.role is not None and v.role != v.rules_role
    return out


def run_mention_eval(path: Path, mtsamples: Path | None, split: str | None, mode: str = "rules", config: ModelConfig | None = None,
                     asker: RoleAsker | None = None, progress: Callable[[int, int], None] | None = None) -> tuple[dict, list[str]]:
    """Score the mention roles. mode `hybrid` asks the model about the mentions the rules are
    unsure of (`asker`, or one built from `config`: the bundled local model when None)."""
    if mode not in ("rules", "hybrid"):
        raise EvalInputError(f"mention roles are scored in rules or hybrid mode, not {mode}")
    items, problems = load_mentions(path, mtsamples, split)
    if not items:
        raise EvalInputError("no labelled notes to score" + (f" ({'; '.join(problems[:3])})" if problems else ""))
    if mode == "hybrid" and asker is None:
        from docreview.model.config import ModelConfig
        from docreview.model.roles import build_role_asker

        asker = build_role_asker(config or ModelConfig())
    report = score_mentions(items, asker=asker if mode == "hybrid" else None, progress=progress)
    return {"mode": mode, **report}, problems
