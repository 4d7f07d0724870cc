"""Accuracy on labelled cases: the metrics of review-spec.md ("Metrics")."""

from __future__ import annotations

import csv
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from docreview.schema import ELEMENTS, EvalCase, Status

if TYPE_CHECKING:
    from docreview.model.config import ModelConfig

STATUSES = [s.value for s in Status]
DEFICIENT = {"missing", "inconsistent"}


class EvalInputError(ValueError):
    pass


@dataclass
class LoadedCases:
    cases: list[tuple[EvalCase, str]]  # (case, resolved note)
    problems: list[str] = field(default_factory=list)


def _mtsamples(path: Path) -> dict[int, str]:
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        col = header.index("transcription")
        return {int(row[0]): row[col] for row in reader if row and row[0].strip().isdigit()}


def load_cases(path: Path, mtsamples: Path | None = None, split: str | None = None) -> LoadedCases:
    if not path.is_file():
        raise EvalInputError(f"cases file not found: {path}")
    rows = None
    if mtsamples is not None:
        if not mtsamples.is_file():
            raise EvalInputError(f"MTSamples CSV not found: {mtsamples}")
        rows = _mtsamples(mtsamples)
    out = LoadedCases([])
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = EvalCase.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            out.problems.append(f"line {number}: not JSON ({exc.msg})")
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            out.problems.append(f"line {number}: {'.'.join(map(str, first['loc']))}: {first['msg']}")
            continue
        if case.id in seen:
            out.problems.append(f"line {number}: duplicate id {case.id}")
            continue
        seen.add(case.id)
        if split and case.split and case.split != split:
            continue
        note = case.note
        if note is None and case.source is not None:
            if rows is None:
                out.problems.append(f"line {number}: {case.id} needs --mtsamples to resolve its note")
                continue
            note = rows.get(case.source.row_index)
            if not note or not note.strip():
                out.problems.append(f"line {number}: {case.id}: MTSamples row {case.source.row_index} has no transcription")
                continue
        out.cases.append((case, note or ""))
    return out


def sample_cases(cases: list[tuple[EvalCase, str]], n: int) -> list[tuple[EvalCase, str]]:
    """The n cases whose sha256(id) is smallest, in file order: the same cases every run and for
    every mode, and independent of the file's order (the model modes are too slow for a whole split)."""
    keep = set(sorted((hashlib.sha256(c.id.encode()).hexdigest() for c, _ in cases))[:n])
    return [(c, note) for c, note in cases if hashlib.sha256(c.id.encode()).hexdigest() in keep]


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def element_metrics(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    n = len(pairs)
    correct = sum(e == p for e, p in pairs)
    by_status = {}
    present = sorted({e for e, _ in pairs}, key=STATUSES.index)
    for status in present:
        tp = sum(e == status and p == status for e, p in pairs)
        fp = sum(e != status and p == status for e, p in pairs)
        fn = sum(e == status and p != status for e, p in pairs)
        by_status[status] = {**_prf(tp, fp, fn), "support": sum(e == status for e, _ in pairs)}
    tp = sum(e in DEFICIENT and p in DEFICIENT for e, p in pairs)
    fp = sum(e not in DEFICIENT and p in DEFICIENT for e, p in pairs)
    fn = sum(e in DEFICIENT and p not in DEFICIENT for e, p in pairs)
    confusion = {e: {p: sum(x == e and y == p for x, y in pairs) for p in STATUSES} for e in STATUSES}
    return {
        "cases": n,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "macro_f1": round(statistics.fmean(v["f1"] for v in by_status.values()), 4) if by_status else 0.0,
        "by_status": by_status,
        "deficiency": _prf(tp, fp, fn),
        "confusion": confusion,
    }


def _retrieval(cases: list[tuple[EvalCase, str]], corpus: Path | None, hcpcs: Path | None) -> dict[str, Any]:
    """hit@k of the billed code's document among sections retrieved for the note's drug sentences."""
    from docreview.knowledge.facts import knowledge_base
    from docreview.knowledge.index import IndexUnavailableError, RequirementIndex
    from docreview.note.extract import read_note

    kb = knowledge_base(corpus, hcpcs)
    idx = RequirementIndex()
    hit1 = hit3 = n = 0
    try:
        for case, note in cases:
            code = case.claim.code
            if code not in kb.documents:
                continue
            facts = kb.facts(code)
            read = read_note(note, facts, kb)
            sentences = {note[e.sentence.start : e.sentence.end] for e in read.events[:4]}
            query = " ".join(sentences) or note[:500]
            hits = idx.search(query, k=10)
            ranked = list(dict.fromkeys(h.code for h in hits if h.code != "GENERAL"))
            n += 1
            hit1 += ranked[:1] == [code]
            hit3 += code in ranked[:3]
    except IndexUnavailableError as exc:
        return {"hit_at_1": None, "hit_at_3": None, "cases": 0, "note": str(exc)}
    return {"hit_at_1": round(hit1 / n, 4) if n else None, "hit_at_3": round(hit3 / n, 4) if n else None, "cases": n}


def run_eval(
    cases: list[tuple[EvalCase, str]],
    mode: str = "rules",
    corpus: Path | None = None,
    hcpcs: Path | None = None,
    retrieval: bool = True,
    progress: Callable[[int, int], None] | None = None,
    model: ModelConfig | None = None,
) -> dict[str, Any]:
    from docreview.review_engine import default_reviewer

    reviewer = default_reviewer(corpus=corpus, hcpcs=hcpcs, mode=mode, model=model)
    per_case, latencies, failures = [], [], []
    started = time.perf_counter()
    for number, (case, note) in enumerate(cases, start=1):
        t0 = time.perf_counter()
        try:
            review = reviewer.review(note, case.claim)
        except Exception as exc:  # one bad case never stops the run
            failures.append({"id": case.id, "error": f"{type(exc).__name__}: {exc}"})
            continue
        finally:
            if progress is not None:
                progress(number, len(cases))
        latencies.append((time.perf_counter() - t0) * 1000)
        per_case.append(
            {
                "id": case.id,
                "expected": case.expected,
                "predicted": review.predicted(),
                "tags": case.tags,
                "findings": [
                    {"rule_id": f.rule_id, "message": f.message, "evidence": [e.quote for e in f.evidence]} for f in review.findings
                ],
                "summaries": {k: v.summary for k, v in review.elements.items()},
                "origins": {k: v.origin for k, v in review.elements.items()},
                "ms": round(latencies[-1], 1),
            }
        )
    wall = time.perf_counter() - started
    elements = {}
    for name in ELEMENTS:
        pairs = [(c["expected"][name], c["predicted"][name]) for c in per_case if name in c["expected"]]
        elements[name] = element_metrics(pairs)
    verdict_pairs = [(c["expected"]["verdict"], c["predicted"]["verdict"]) for c in per_case if "verdict" in c["expected"]]
    fails = [p for e, p in verdict_pairs if e == "fail"]
    report = {
        "cases": len(per_case),
        "mode": mode,
        "elements": elements,
        "verdict": {
            "accuracy": round(sum(e == p for e, p in verdict_pairs) / len(verdict_pairs), 4) if verdict_pairs else None,
            "fail_recall": round(sum(p == "fail" for p in fails) / len(fails), 4) if fails else None,
        },
        "retrieval": _retrieval(cases, corpus, hcpcs) if retrieval else {"hit_at_1": None, "hit_at_3": None},
        "latency_ms": {
            "p50": round(statistics.median(latencies), 2) if latencies else None,
            "p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 2) if latencies else None,
        },
        "cases_per_second": round(len(per_case) / wall, 1) if wall else None,
        "model": _model_stats(reviewer.judge, per_case),
        "failed_cases": failures,
        "per_case": per_case,
    }
    return report


def _model_stats(judge: Any, per_case: list[dict[str, Any]]) -> dict[str, Any] | None:
    """How often the model was asked and how long its calls took (no note text)."""
    if judge is None:
        return None
    ms = [s["ms"] for s in judge.stats]
    changed = sum(o != "rules" for c in per_case for o in c["origins"].values())
    return {
        "model_id": getattr(judge.backend, "model_id", None),
        "calls": judge.calls,
        "call_ms_p50": round(statistics.median(ms), 1) if ms else None,
        "cases_waiting": sum(any(o != "rules" for o in c["origins"].values()) for c in per_case),
        "elements_not_from_rules_alone": changed,
    }


def print_comparison(reports: list[dict[str, Any]], console: Any) -> None:
    """One table: accuracy per element, verdict and latency, one column per mode."""
    from rich.table import Table

    table = Table(title=f"docreview eval --compare, {reports[0]['cases']} cases")
    table.add_column("")
    for r in reports:
        table.add_column(r["mode"], justify="right")
    for name in ELEMENTS:
        table.add_row(f"{name} accuracy", *(f"{r['elements'][name]['accuracy']:.3f}" for r in reports))
    table.add_row(
        "verdict accuracy", *(f"{r['verdict']['accuracy']:.3f}" if r["verdict"]["accuracy"] is not None else "-" for r in reports)
    )
    table.add_row("latency p50 (ms/case)", *(f"{r['latency_ms']['p50']:,.0f}" for r in reports))
    table.add_row("latency p95 (ms/case)", *(f"{r['latency_ms']['p95']:,.0f}" for r in reports))
    table.add_row("model calls", *(str(r["model"]["calls"]) if r.get("model") else "-" for r in reports))
    console.print(table)


def print_report(report: dict[str, Any], console: Any, show_errors: bool = False) -> None:
    from rich.table import Table

    table = Table(title=f"docreview eval — mode {report['mode']}, {report['cases']} cases")
    for col in ("element", "accuracy", "macro-F1", "deficiency P/R/F1", "per status (P/R/F1, n)"):
        table.add_column(col)
    for name, m in report["elements"].items():
        d = m["deficiency"]
        per = "\n".join(f"{s}: {v['precision']:.2f}/{v['recall']:.2f}/{v['f1']:.2f} n={v['support']}" for s, v in m["by_status"].items())
        table.add_row(name, f"{m['accuracy']:.3f}", f"{m['macro_f1']:.3f}", f"{d['precision']:.2f}/{d['recall']:.2f}/{d['f1']:.2f}", per)
    console.print(table)
    v, r, lat = report["verdict"], report["retrieval"], report["latency_ms"]
    console.print(
        f"verdict accuracy {v['accuracy']} · fail-recall {v['fail_recall']} · retrieval hit@1 {r.get('hit_at_1')} hit@3 {r.get('hit_at_3')}"
        f" · latency p50 {lat['p50']} ms p95 {lat['p95']} ms · {report['cases_per_second']} cases/s"
    )
    for name, m in report["elements"].items():
        rows = [s for s in STATUSES if any(m["confusion"][s].values())]
        cols = [s for s in STATUSES if any(m["confusion"][x][s] for x in STATUSES)]
        if not rows:
            continue
        t = Table(title=f"{name}: expected (rows) × predicted (columns)", title_justify="left")
        t.add_column("")
        for c in cols:
            t.add_column(c)
        for s in rows:
            t.add_row(s, *(str(m["confusion"][s][c]) for c in cols))
        console.print(t)
    if report["failed_cases"]:
        console.print(f"[red]{len(report['failed_cases'])} case(s) raised an error:[/]")
        for f in report["failed_cases"]:
            console.print(f"  {f['id']}: {f['error']}")
    if show_errors:
        for c in report["per_case"]:
            wrong = [k for k, v in c["expected"].items() if c["predicted"].get(k) != v]
            if not wrong:
                continue
            console.print(f"[bold]{c['id']}[/] " + "; ".join(f"{k}: expected {c['expected'][k]}, got {c['predicted'][k]}" for k in wrong))
            for k in wrong:
                if k in c["summaries"]:
                    console.print(f"   {k}: {c['summaries'][k]}")
            for f in c["findings"]:
                ev = f" «{f['evidence'][0][:80]}»" if f["evidence"] else ""
                console.print(f"   [dim]{f['rule_id']} {f['message']}{ev}[/]")
