"""Print Markdown tables describing what the eval sets cover.

Reads eval/cases.jsonl and eval/mtsamples.jsonl (or the JSONL files given as arguments) and
prints: cases per file and split; per billed code, the case count and expected pass/fail;
per element x expected status, counts for each split and in total; the 40 most frequent tags.
A case without a `split` (the MTSamples cases) is grouped under its file's stem. Output is
deterministic (fixed orders, ties broken alphabetically).

Usage: python scripts/eval_coverage.py [CASES.jsonl ...]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = [ROOT / "eval" / "cases.jsonl", ROOT / "eval" / "mtsamples.jsonl"]
ELEMENTS = ["dosage", "route", "indication", "wastage", "verdict"]
STATUS_ORDER = ["documented", "missing", "inconsistent", "not_applicable", "pass", "fail"]


def table(header: list[str], rows: list[list[Any]]) -> str:
    numeric = [all(isinstance(r[i], int) for r in rows if r[i] != "") for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def load(paths: list[Path]) -> list[tuple[str, str, dict[str, Any]]]:
    """(file name, group, case) for every non-blank line."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                out.append((path.name, case.get("split") or path.stem, case))
    return out


def main(paths: list[Path]) -> None:
    cases = load(paths)
    groups = list(dict.fromkeys(g for _, g, _ in sorted(cases, key=lambda c: (c[0], c[1]))))

    print("### Cases per split\n")
    per_split = Counter((f, g) for f, g, _ in cases)
    print(table(["file", "split", "cases"], [[f, g, n] for (f, g), n in sorted(per_split.items())] + [["**total**", "", len(cases)]]))

    print("\n### Cases per code (expected verdict)\n")
    codes: dict[str, Counter[str]] = {}
    for _, _, c in cases:
        codes.setdefault(c["claim"]["code"], Counter())[c["expected"].get("verdict", "unlabelled")] += 1
    rows = [[code, sum(v.values()), v["pass"], v["fail"]] for code, v in sorted(codes.items())]
    print(table(["code", "cases", "pass", "fail"], rows))

    print("\n### Element × expected status\n")
    counts = Counter((e, c["expected"][e], g) for _, g, c in cases for e in ELEMENTS if e in c["expected"])
    statuses = sorted({s for _, s, _ in counts}, key=lambda s: (STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER), s))
    rows = []
    for element in ELEMENTS:
        for status in statuses:
            per = [counts[(element, status, g)] for g in groups]
            if sum(per):
                rows.append([element, status, *per, sum(per)])
    print(table(["element", "status", *groups, "total"], rows))

    tags = Counter(t for _, _, c in cases for t in c.get("tags", []))
    print(f"\n### Tags (top 40 of {len(tags)})\n")
    print(table(["tag", "cases"], [[t, n] for t, n in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:40]]))


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT_FILES)
