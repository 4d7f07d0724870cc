"""Benchmark the model judge: load time, prompt size, per-call and per-case latency.

Uses the configured model (DOCREVIEW_MODEL / DOCREVIEW_MODEL_PATH; default the bundled Qwen2.5-Coder-1.5B,
which needs its parts installed) with the response cache off, over the first --limit cases
of a split. Prints one table: model load, prompt tokens (p50 / max, as llama.cpp counted them),
per-call latency (p50 / p95), per-case latency in the chosen mode (p50 / p95), and how many
elements were put to the model. Nothing of the notes is printed.

Usage: .venv/bin/python benchmarks/model.py [--mode hybrid|model] [--split dev] [--limit 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[int(q * (len(values) - 1))] if values else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="hybrid", choices=["hybrid", "model"])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--cases", default=str(ROOT / "eval" / "cases.jsonl"))
    args = ap.parse_args()

    from docreview.evaluate import load_cases
    from docreview.knowledge.facts import knowledge_base
    from docreview.model.config import ModelConfig
    from docreview.model.judge import ModelUnavailableError, build_judge
    from docreview.review_engine import Reviewer

    config = ModelConfig.from_env()
    config = ModelConfig(**{**config.__dict__, "cache": False})
    t0 = time.perf_counter()
    try:
        judge = build_judge(config)
    except ModelUnavailableError as exc:
        print(f"model unavailable: {exc}", file=sys.stderr)
        return 2
    load_s = time.perf_counter() - t0
    kb = knowledge_base()
    reviewer = Reviewer(kb, mode=args.mode, judge=judge)
    cases = load_cases(Path(args.cases), split=args.split).cases[: args.limit]
    per_case = []
    for case, note in cases:
        t = time.perf_counter()
        reviewer.review(note, case.claim)
        per_case.append((time.perf_counter() - t) * 1000)
    calls = [s for s in judge.stats]
    tokens = [s.get("input_tokens", 0) for s in calls]
    out_tokens = [s.get("output_tokens", 0) for s in calls]
    call_ms = [s["ms"] for s in calls]
    rows = [
        ("model", judge.backend.model_id),
        ("model load (s)", f"{load_s:.1f}"),
        (f"cases ({args.split}, mode {args.mode})", str(len(cases))),
        ("model calls", str(len(calls))),
        ("prompt tokens p50 / max", f"{pct(tokens, 0.5):.0f} / {max(tokens, default=0)}"),
        ("answer tokens p50 / max", f"{pct(out_tokens, 0.5):.0f} / {max(out_tokens, default=0)}"),
        ("per call ms p50 / p95", f"{pct(call_ms, 0.5):.0f} / {pct(call_ms, 0.95):.0f}"),
        ("per case ms p50 / p95", f"{statistics.median(per_case):.0f} / {pct(per_case, 0.95):.0f}" if per_case else "—"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
