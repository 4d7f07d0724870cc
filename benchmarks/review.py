"""Benchmark the rules-mode review: in-process latency, cold CLI `check`, and no torch import.

Prints one table (metric, target, measured, PASS/MISS) with:
  - reviewer set-up time (knowledge base from the bundled corpus), not a target;
  - in-process review() p50/p95 over every case of eval/cases.jsonl (rules mode, one pass);
  - cold `docreview check examples/keppra-note.txt --code J1953 --units 150 -m JZ --icd10 G40.909`
    wall time in a subprocess (median of 5; each run is a fresh interpreter, with the derived
    indexes of DOCREVIEW_HOME/cache/ in place), and the first run after an install or upgrade
    (an empty cache: the indexes are built and written);
  - whether `torch` is in sys.modules after the rules-mode reviews (yes/no; target: no).
Runs with a temporary DOCREVIEW_HOME. Usage: .venv/bin/python benchmarks/review.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOME = Path(tempfile.mkdtemp(prefix="docreview-bench-"))
os.environ["DOCREVIEW_HOME"] = str(HOME)
# An installed tool keeps its bytecode in __pycache__ after the first run; a shell that sets
# PYTHONDONTWRITEBYTECODE (CI images, some sandboxes) would make every "cold" run recompile the
# changed modules from source and measure the compiler, not the tool.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
CLI = str(Path(sys.executable).with_name("docreview"))
CHECK_ARGS = ["check", str(ROOT / "examples" / "keppra-note.txt"), "--code", "J1953", "--units", "150", "-m", "JZ", "--icd10", "G40.909"]


def row(metric: str, target: str, measured: str, ok: bool | None) -> tuple[str, str, str, str]:
    return metric, target, measured, "—" if ok is None else ("PASS" if ok else "MISS")


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    header = ("metric", "target", "measured", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def main() -> None:
    from docreview.evaluate import load_cases
    from docreview.review_engine import default_reviewer

    cases = load_cases(ROOT / "eval" / "cases.jsonl").cases
    t0 = time.perf_counter()
    reviewer = default_reviewer(mode="rules")
    setup_s = time.perf_counter() - t0
    latencies, errors = [], 0
    for case, note in cases:
        t = time.perf_counter()
        try:
            reviewer.review(note, case.claim)
        except Exception:  # a case that raises is counted, not timed
            errors += 1
            continue
        latencies.append((time.perf_counter() - t) * 1000)
    torch_loaded = "torch" in sys.modules
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)

    first_home = Path(tempfile.mkdtemp(prefix="docreview-bench-first-"))
    t = time.perf_counter()
    subprocess.run([CLI, *CHECK_ARGS], capture_output=True, text=True, env={**os.environ, "DOCREVIEW_HOME": str(first_home)})
    first_s = time.perf_counter() - t
    shutil.rmtree(first_home, ignore_errors=True)

    runs, codes = [], set()
    for _ in range(5):
        t = time.perf_counter()
        proc = subprocess.run([CLI, *CHECK_ARGS], capture_output=True, text=True, env=os.environ.copy())
        runs.append(time.perf_counter() - t)
        codes.add(proc.returncode)
    check_s = statistics.median(runs)

    print(f"{len(latencies)} cases reviewed, {errors} raised; `docreview check` exit code(s) {sorted(codes)}; "
          f"runs {' '.join(f'{r:.2f}' for r in runs)} s")
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print_table([
        row("reviewer set-up (knowledge base)", "—", f"{setup_s * 1000:.0f} ms", None),
        row("review() p50, rules", "<= 10 ms", f"{p50:.1f} ms", p50 <= 10),
        row("review() p95, rules", "—", f"{p95:.1f} ms", None),
        row("cold `docreview check` (median of 5)", "<= 0.6 s", f"{check_s:.2f} s", check_s <= 0.6 and codes <= {0, 1}),
        row("first `docreview check` (empty cache)", "—", f"{first_s:.2f} s", None),
        row("torch in sys.modules after rules review", "no", "yes" if torch_loaded else "no", not torch_loaded),
    ])


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
