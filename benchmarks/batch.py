"""Benchmark `docreview batch` in rules mode: notes/s and peak memory with 1 and 2 workers.

Generates N synthetic cases (default 2,000) from note templates varied across the bundled
corpus codes (drug names and brands, doses in whole and wrong units, routes, wastage with JZ/JW,
plans that were never given, filler history), writes them as JSONL, then runs the real CLI in a
subprocess once per worker count and prints one table:

  - wall: seconds for the whole command (interpreter start, worker start-up, reviews, report);
  - notes/s: N / wall (end to end), and the batch's own rate from summary.json (from the pool's
    start to the last result);
  - peak RSS: the largest sum of RSS over the batch process and all its workers, sampled every
    50 ms from /proc; and the largest single process (ru_maxrss of the children).

Target: >= 100 notes/s in rules mode on a 2-core machine. Runs with a temporary DOCREVIEW_HOME.
Usage: .venv/bin/python benchmarks/batch.py [-n 2000] [--workers 1 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SCRIPT = Path(sys.executable).with_name("docreview")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "docreview.cli"]
TARGET = 100.0

ROUTE_PHRASES = {
    "intravenous": ["IVPB over 30 min via R AC PIV", "IV push over 2 min", "in NS 100 mL IV infusion via port", "IV over 15 min via L forearm PIV"],
    "intramuscular": ["IM in L deltoid", "IM to R ventrogluteal", "intramuscular injection, R gluteus"],
    "subcutaneous": ["subcut in abdomen", "SC injection L upper arm"],
    "intravitreal": ["intravitreal injection OD"],
    "intra-articular": ["intra-articular injection R knee"],
    "inhalation": ["via nebulizer"],
}
FILLER = [
    "VS: BP {bp}/{dbp} HR {hr} T 37.{t} SpO2 {spo2}% RA.",
    "NKDA. PMH: HTN, HLD, GERD.",
    "Home meds reviewed: lisinopril 10 mg PO daily, atorvastatin 40 mg PO qHS.",
    "Pt A&O x3, NAD. Lungs CTA bilaterally, RRR, abdomen soft NT/ND.",
    "Labs: WBC {wbc}, Hgb 13.{t}, Cr 0.{t}, K 4.{t}.",
    "Discussed risks/benefits; patient agrees with plan.",
    "Social: lives with spouse, no tobacco, occasional EtOH.",
]
HEADERS = ["ED PROVIDER NOTE", "INFUSION CENTER NOTE", "CLINIC VISIT", "PROGRESS NOTE", "PROCEDURE NOTE"]


def _icd10_by_code() -> dict[str, list[str]]:
    """A claim diagnosis per code, taken from labelled cases whose indication is documented."""
    out: dict[str, list[str]] = {}
    with (ROOT / "eval" / "cases.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            case = json.loads(line)
            if case.get("expected", {}).get("indication") == "documented" and case["claim"].get("icd10"):
                out.setdefault(case["claim"]["code"], case["claim"]["icd10"])
    return out


def generate(n: int, seed: int = 7) -> list[dict]:
    from docreview.knowledge.facts import knowledge_base

    rng = random.Random(seed)
    kb = knowledge_base()
    icd = _icd10_by_code()
    facts = [f for f in kb.all_facts() if f.unit_amount and f.unit and not f.per_dose]
    cases = []
    for i in range(n):
        f = facts[i % len(facts)]
        name = rng.choice([f.drug, *f.brands] if f.brands else [f.drug])
        units = rng.choice([1, 1, 2, 3, 4])
        dose = units * f.unit_amount
        route = next((r for r in f.routes if r in ROUTE_PHRASES), "intravenous")
        indication = f.indications[0] if f.indications else None
        reason = rng.choice(indication.terms) if indication and indication.terms else "acute illness"
        variant = rng.random()
        billed, modifiers, waste_units = units, ["JZ"], None
        admin = f"{rng.randint(7, 22):02d}{rng.choice(['00', '15', '30', '45'])} {name} {dose:g} {f.unit} {rng.choice(ROUTE_PHRASES[route])}, given by RN."
        waste = "Single-dose vial, entire contents given, no waste." if f.containers == "single-dose" else ""
        if variant < 0.10:  # wrong units
            billed = units + rng.choice([1, 2, 5])
        elif variant < 0.18:  # route missing
            admin = f"{name} {dose:g} {f.unit} given at 1100."
        elif variant < 0.25:  # only planned
            admin = f"Plan: {name} {dose:g} {f.unit} {rng.choice(ROUTE_PHRASES[route])} PRN if symptoms recur; not given this visit."
        elif variant < 0.32 and f.containers == "single-dose":  # waste billed with JW
            modifiers, waste_units = ["JW"], 1.0
            waste = f"Discarded {f.unit_amount:g} {f.unit} from the vial."
        filler = rng.sample(FILLER, k=rng.randint(2, len(FILLER)))
        fill = {"bp": rng.randint(105, 160), "dbp": rng.randint(60, 95), "hr": rng.randint(58, 110), "t": rng.randint(0, 9),
                "spo2": rng.randint(92, 100), "wbc": rng.randint(4, 15)}
        note = "\n".join([
            f"{rng.choice(HEADERS)} 0{rng.randint(1, 9)}/{rng.randint(10, 28)}/2025",
            f"{rng.randint(19, 88)} y/o {rng.choice(['M', 'F'])} presenting with {reason}. Wt {rng.randint(50, 110)} kg.",
            *(line.format(**fill) for line in filler[: len(filler) // 2]),
            admin,
            waste,
            *(line.format(**fill) for line in filler[len(filler) // 2 :]),
            f"A/P: {reason}.",
        ])
        claim = {"code": f.code, "units": billed, "modifiers": modifiers, "icd10": icd.get(f.code, []), "setting": "outpatient"}
        if waste_units:
            claim["waste_units"] = waste_units
        cases.append({"id": f"bench-{i:06d}", "note": note, "claim": claim})
    return cases


def _tree_rss(root: int) -> int:
    """Sum of RSS (bytes) of `root` and its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
            with open(f"/proc/{entry}/statm") as handle:
                resident = int(handle.read().split()[1])
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = resident * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def run(cases_path: Path, out: Path, workers: int, env: dict[str, str]) -> dict:
    cmd = [*CLI, "batch", str(cases_path), "--out", str(out), "--workers", str(workers), "--no-progress", "--overwrite"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stdout, stderr = proc.communicate()
    if proc.returncode not in (0, 1, 2):
        raise SystemExit(f"batch failed ({proc.returncode}):\n{stdout}\n{stderr}")
    summary = json.loads((out / "summary.json").read_text())
    return {"workers": workers, "wall": wall, "rc": proc.returncode, "peak_tree": peak, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="synthetic cases (default 2000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep", type=Path, help="keep the cases and outputs in this folder")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="docreview-bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="docreview-home-"))
    env = {**os.environ, "DOCREVIEW_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    os.environ["DOCREVIEW_HOME"] = str(home)
    try:
        cases = generate(args.n)
        cases_path = work / "cases.jsonl"
        with cases_path.open("w", encoding="utf-8") as handle:
            for case in cases:
                handle.write(json.dumps(case) + "\n")
        lengths = [len(c["note"]) for c in cases]
        codes = {c["claim"]["code"] for c in cases}
        print(f"{len(cases)} synthetic cases over {len(codes)} codes; note length mean {statistics.fmean(lengths):.0f} "
              f"chars (min {min(lengths)}, max {max(lengths)})")
        print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
        results = [run(cases_path, work / f"out-w{w}", w, env) for w in args.workers]
        child_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        header = ("workers", "wall s", "notes/s (wall)", "notes/s (batch)", "peak RSS, all procs", "verdicts pass/held/errors", "exit", "target")
        rows = []
        for r in results:
            s = r["summary"]
            t = s["totals"]
            rate = len(cases) / r["wall"]
            rows.append((str(r["workers"]), f"{r['wall']:.1f}", f"{rate:.0f}", f"{s['run']['notes_per_s']:.0f}",
                         f"{r['peak_tree'] / 2**20:.0f} MiB", f"{t['pass']}/{t['held']}/{t['errors']}", str(r["rc"]),
                         ("PASS" if rate >= TARGET else "MISS") + f" (>= {TARGET:.0f}/s)"))
        widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]
        for line in [header, tuple("-" * w for w in widths), *rows]:
            print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        print(f"\nlargest single process (ru_maxrss of children): {child_max / 2**20:.0f} MiB")
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
