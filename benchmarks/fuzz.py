"""Fuzz docreview: random and mutated notes and claims through the Python API and `docreview check`.

The contract (README "Exit codes", review-spec.md "findings"):
  - API: every input gives a Review or a clear input error (InputError, UnknownCodeError,
    pydantic's ValidationError); any other exception is a crash;
  - CLI: exit 0, 1 or 2 and no traceback on stderr; anything else (exit 3 included) is a crash;
  - every evidence quote is note[start:end] (the API's Review; the CLI's --format json output).
Prints inputs, reviews, input errors, crashes, quote violations and seconds for each, with the
first few crashes (exception type, where, a short repr of the input). Exit 1 on any crash or
quote violation. The generators are tests/fuzzing.py (the property tests use them too).
Runs with a temporary DOCREVIEW_HOME.

Usage: .venv/bin/python benchmarks/fuzz.py [--api 10000] [--cli 200] [--seed 0] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOME = Path(tempfile.mkdtemp(prefix="docreview-fuzz-"))
os.environ["DOCREVIEW_HOME"] = str(HOME)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
CLI = str(Path(sys.executable).with_name("docreview"))

from tests import fuzzing  # noqa: E402  (after sys.path)

SHOW = 5
SLOW_S = 1.0  # a review slower than this is counted (not a failure): long notes should stay linear


@dataclass
class Tally:
    name: str
    inputs: int = 0
    reviews: int = 0
    input_errors: int = 0
    crashes: int = 0
    quote_violations: int = 0
    seconds: float = 0.0
    slow: int = 0
    slowest: tuple[float, str] = (0.0, "")
    examples: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)

    def crash(self, kind: str, text: str) -> None:
        self.crashes += 1
        if kind not in self.kinds:  # one example per distinct crash, the first few of them
            self.kinds[kind] = 0
            if len(self.examples) < SHOW:
                self.examples.append(text)
        self.kinds[kind] += 1

    def violation(self, text: str) -> None:
        self.quote_violations += 1
        if len(self.examples) < SHOW:
            self.examples.append(text)


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "docreview" in f.filename] or traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    f = frames[-1]
    path = f.filename.split("src/", 1)[-1]
    return f"{path}:{f.lineno}"


def run_api(n: int, seed: int) -> Tally:
    from docreview.review_engine import default_reviewer

    tally = Tally("api")
    started = time.perf_counter()
    reviewer = default_reviewer()
    errors = fuzzing.input_error_types()
    rng = random.Random(seed)
    for i in range(n):
        note, claim = fuzzing.random_case(rng)
        tally.inputs += 1
        t0 = time.perf_counter()
        try:
            review = reviewer.review(note, claim)
        except errors:
            tally.input_errors += 1
            continue
        except Exception as exc:  # noqa: BLE001 - the point: anything else is a crash
            kind = f"{type(exc).__name__} at {_where(exc)}"
            tally.crash(kind, f"#{i} {kind}: {str(exc)[:120]!r}\n    note={fuzzing.short_repr(note)}\n    claim={fuzzing.short_repr(claim, 200)}")
            continue
        tally.reviews += 1
        dt = time.perf_counter() - t0
        if dt > SLOW_S:
            tally.slow += 1
        if dt > tally.slowest[0]:
            tally.slowest = (dt, f"#{i} note={fuzzing.short_repr(note)} claim={fuzzing.short_repr(claim, 120)}")
        bad = fuzzing.quote_violations(review, note)
        try:
            review.model_dump_json()
        except Exception as exc:  # noqa: BLE001
            kind = f"model_dump_json {type(exc).__name__} at {_where(exc)}"
            tally.crash(kind, f"#{i} {kind}\n    note={fuzzing.short_repr(note)}\n    claim={fuzzing.short_repr(claim, 200)}")
        if bad:
            tally.violation(f"#{i} quote violation: {bad[0]}\n    note={fuzzing.short_repr(note)}\n    claim={fuzzing.short_repr(claim, 200)}")
    tally.seconds = time.perf_counter() - started
    return tally


def _cli_case(i: int, note: object, claim: object, argv: list[str], fmt_json: bool, workdir: Path) -> tuple[str, str, str]:
    """Run one `docreview check`; returns (outcome, kind, detail) with outcome review|input_error|crash|violation."""
    path = workdir / f"note-{i}.txt"
    if isinstance(note, bytes):
        data = note
    else:
        data = str(note).encode("utf-8", "surrogatepass")  # lone surrogates become invalid UTF-8 bytes
    path.write_bytes(data)
    cmd = [CLI, "check", str(path), *argv, *(["--format", "json"] if fmt_json else [])]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=120, env={**os.environ, "COLUMNS": "100"})
    except subprocess.TimeoutExpired:
        return "crash", "timeout (120 s)", f"#{i} timeout\n    argv={fuzzing.short_repr(argv, 200)}\n    note={fuzzing.short_repr(note)}"
    finally:
        path.unlink(missing_ok=True)
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode not in (0, 1, 2) or "Traceback (most recent call last)" in stderr:
        first = stderr.strip().splitlines()[-1][:160] if stderr.strip() else ""
        kind = f"exit {proc.returncode}: {first.split('(traceback in')[0].strip()}"
        return "crash", kind, f"#{i} {kind}\n    argv={fuzzing.short_repr(argv, 200)}\n    note={fuzzing.short_repr(note)}"
    if proc.returncode == 2:
        return "input_error", "", ""
    if fmt_json:
        text = data.decode("utf-8", "replace")  # what the CLI reads
        try:
            bad = fuzzing.quote_violations_json(json.loads(proc.stdout), text)
        except (ValueError, KeyError, TypeError) as exc:
            return "crash", f"bad JSON output ({type(exc).__name__})", f"#{i} bad JSON output: {exc}\n    argv={fuzzing.short_repr(argv, 200)}"
        if bad:
            return "violation", "", f"#{i} quote violation: {bad[0]}\n    argv={fuzzing.short_repr(argv, 200)}\n    note={fuzzing.short_repr(note)}"
    return "review", "", ""


def run_cli(n: int, seed: int, workers: int) -> Tally:
    tally = Tally("cli")
    rng = random.Random(seed + 1)
    cases = []
    for i in range(n):
        note, claim = fuzzing.random_case(rng)
        if not isinstance(note, str | bytes):
            note = str(note)
        cases.append((i, note, claim, fuzzing.claim_to_argv(claim, rng), rng.random() < 0.6))
    workdir = Path(tempfile.mkdtemp(prefix="notes-", dir=HOME))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda c: _cli_case(*c, workdir), cases))
    tally.seconds = time.perf_counter() - started
    for outcome, kind, detail in results:
        tally.inputs += 1
        if outcome == "review":
            tally.reviews += 1
        elif outcome == "input_error":
            tally.input_errors += 1
        elif outcome == "violation":
            tally.reviews += 1
            tally.violation(detail)
        else:
            tally.crash(kind, detail)
    return tally


def report(t: Tally) -> None:
    rate = f" ({t.inputs / t.seconds:.0f}/s)" if t.seconds else ""
    print(f"{t.name}: inputs {t.inputs}, reviews {t.reviews}, input errors {t.input_errors}, crashes {t.crashes}, "
          f"quote violations {t.quote_violations}, seconds {t.seconds:.1f}{rate}")
    if t.name == "api":
        print(f"  reviews over {SLOW_S:g} s: {t.slow}; slowest {t.slowest[0]:.2f} s: {t.slowest[1]}")
    for kind, count in t.kinds.items():
        print(f"  crash x{count}: {kind}")
    for ex in t.examples:
        print("  " + ex)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", type=int, default=10000, help="inputs through the Python API (default 10000)")
    parser.add_argument("--cli", type=int, default=200, help="inputs through `docreview check` (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--workers", type=int, default=2, help="CLI subprocesses at a time (default 2)")
    args = parser.parse_args()
    try:
        tallies = []
        if args.api:
            tallies.append(run_api(args.api, args.seed))
            report(tallies[-1])
        if args.cli:
            tallies.append(run_cli(args.cli, args.seed, max(1, args.workers)))
            report(tallies[-1])
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
    failed = any(t.crashes or t.quote_violations for t in tallies)
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
