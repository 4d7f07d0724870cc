"""Benchmark the knowledge layer: index build, no-op re-index, search latency, CLI start-up.

Prints one table (metric, target, measured, PASS/MISS) with:
  - embedding-model load time, and the cold index build of the bundled corpus into a fresh
    temporary DOCREVIEW_HOME (corpus parse + chromadb + model load + embedding);
  - no-op re-index, in-process (second build() on the same RequirementIndex) and as a
    `docreview index` subprocess;
  - RequirementIndex.search p50/p95 over 50 queries (after one warm-up query);
  - `docreview --help` wall time in a subprocess (median of 3);
  - peak RSS of this process (resource.getrusage);
and, above it, the corpus size and the load average (timings are only comparable on an idle machine).

Usage: .venv/bin/python benchmarks/knowledge.py
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="docreview-bench-"))
os.environ["DOCREVIEW_HOME"] = str(HOME)  # before docreview reads it
CLI = str(Path(sys.executable).with_name("docreview"))
QUERY_TEMPLATES = ("{drug} dose and billing units", "{drug} route of administration", "wastage JW modifier for {drug}")


def row(metric: str, target: str, measured: str, ok: bool | None) -> tuple[str, str, str, str]:
    return metric, target, measured, "—" if ok is None else ("PASS" if ok else "MISS")


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    header = ("metric", "target", "measured", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def timed_cli(*args: str, repeat: int = 1) -> tuple[float, str]:
    """Median wall seconds of `docreview ARGS` and the last stdout."""
    times, out = [], ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run([CLI, *args], capture_output=True, text=True, env=os.environ.copy(), check=True)
        times.append(time.perf_counter() - t0)
        out = proc.stdout
    return statistics.median(times), out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def main() -> None:
    from docreview.knowledge.corpus import load_corpus
    from docreview.knowledge.index import RequirementIndex, embedder
    from docreview.resources import bundled_corpus

    t0 = time.perf_counter()
    documents = load_corpus(bundled_corpus()).documents
    t_model = time.perf_counter()
    embedder()
    model_s = time.perf_counter() - t_model
    idx = RequirementIndex()
    first = idx.build(documents)
    cold_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    second = idx.build(documents)
    noop_s = time.perf_counter() - t1
    noop_cli_s, noop_out = timed_cli("index")

    drugs = sorted({(d.front.drug if d.front and d.front.drug else d.code) for d in documents if d.code != "GENERAL"})
    queries = [t.format(drug=d) for t in QUERY_TEMPLATES for d in drugs][:50]
    idx.search("warm-up query")
    latencies = []
    for q in queries:
        tq = time.perf_counter()
        idx.search(q, k=5)
        latencies.append((time.perf_counter() - tq) * 1000)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    help_s, _ = timed_cli("--help", repeat=3)

    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"corpus: {first.documents} documents, {first.chunks} sections; cold build embedded {first.embedded}, "
          f"no-op build embedded {second.embedded}; {len(queries)} queries")
    print(f"`docreview index` said: {' '.join(noop_out.split())}")
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print_table([
        row("embedding model load", "(part of cold build)", f"{model_s:.2f} s", None),
        row("cold index build", "<= 10 s", f"{cold_s:.2f} s", cold_s <= 10),
        row("no-op re-index, in-process", "<= 1 s", f"{noop_s * 1000:.0f} ms", noop_s <= 1 and second.embedded == 0),
        row("no-op re-index, `docreview index`", "<= 1 s", f"{noop_cli_s:.2f} s", noop_cli_s <= 1),
        row("search p50", "<= 20 ms", f"{p50:.1f} ms", p50 <= 20),
        row("search p95", "<= 20 ms", f"{p95:.1f} ms", p95 <= 20),
        row("`docreview --help` (median of 3)", "< 1 s", f"{help_s:.2f} s", help_s < 1),
        row("peak RSS (this process)", "—", f"{rss_mib:.0f} MiB", None),
    ])


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
