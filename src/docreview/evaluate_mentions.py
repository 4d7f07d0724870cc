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
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from docreview.evaluate import EvalInputError, _mtsamples
from docreview.note.roles import ROLES, mention_readings
from docreview.schema import EvalSource

MISSED = "(not found)"
_AMOUNT_RE = re.compile(r"^\s*([\d.,]+)\s*([^\d\s].*?)\s*$")


class GoldMention(BaseModel):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    drug: str
    role: str
    amount: str | None = None
    route: str | None = None


class MentionNote(BaseModel):
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


def score_mentions(items: list[tuple[MentionNote, str]], code: str = "J1953") -> dict:
    """Run the reader on each note and compare its mention roles with the labels."""
    from docreview.knowledge.facts import knowledge_base
    from docreview.note.extract import read_note
    from docreview.note.normalize import fold

    kb = knowledge_base()
    facts = kb.facts(code)  # the billed code only steers fuzzy spelling; roles do not depend on it
    pairs: list[tuple[str, str]] = []  # (gold role, predicted role)
    amount_hits = amount_total = route_hits = route_total = 0
    errors = []
    for item, note in items:
        events = read_note(fold(note), facts, kb).events
        readings = mention_readings(events)
        for gold in item.mentions:
            reading = next((r for r in readings if r.start < gold.end and gold.start < r.end), None)
            match = next((e for e in events if e.mention.start < gold.end and gold.start < e.mention.end), None)
            predicted = reading.role if reading is not None else MISSED
            pairs.append((gold.role, predicted))
            if predicted != gold.role and len(errors) < 400:
                errors.append({"id": item.id, "text": note[gold.start : gold.end], "gold": gold.role, "predicted": predicted})
            if gold.role != "administered" or match is None or predicted != "administered":
                continue
            want = _base_amount(gold.amount)
            if gold.amount is not None or match.dose_amounts:
                amount_total += 1
                got = match.dose_amounts[0] if match.dose_amounts else None
                amount_hits += (want is None and got is None) or (
                    want is not None and got is not None and got.kind == want[0] and abs(got.value - want[1]) < 1e-6 * max(1.0, want[1])
                )
            route_total += 1
            got_route = match.routes[0].route if match.routes else None
            route_hits += got_route in ROUTE_SYNONYMS.get(gold.route or "", {gold.route})
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
    }


def run_mention_eval(path: Path, mtsamples: Path | None, split: str | None) -> tuple[dict, list[str]]:
    items, problems = load_mentions(path, mtsamples, split)
    if not items:
        raise EvalInputError("no labelled notes to score" + (f" ({'; '.join(problems[:3])})" if problems else ""))
    return score_mentions(items), problems
