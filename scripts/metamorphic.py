"""Metamorphic check of the reader: rewrite every labelled note in a way that keeps its meaning
(all capitals, double spacing, routes written out ...) and list each element whose status moves.

    python scripts/metamorphic.py blank [--split dev] [--mtsamples ../shared/data/mtsamples/mtsamples.csv]

A flip the rewrite caused is a reading that leans on layout or case, not on what the note says:
"BROKE" where the original status matched the label, "FIXED" where the rewrite reached it.
Runs on the claim eval sets in eval/ (their dev split by default); prints no note text.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from docreview.evaluate import load_cases
from docreview.review_engine import default_reviewer

ROOT = Path(__file__).resolve().parent.parent
ELEMENTS = ("dosage", "route", "indication", "wastage")
_SPELLED_OUT = ((r"\bIV\b", "intravenously"), (r"\bIM\b", "intramuscularly"), (r"\bSQ\b", "subcutaneously"),
                (r"\bSC\b", "subcutaneously"), (r"\bsubcut\b", "subcutaneously"))


def _routes(text: str) -> str:
    for short, long in _SPELLED_OUT:
        text = re.sub(short, long, text)
    return text


REWRITES: dict[str, Callable[[str], str]] = {
    "upper": str.upper,  # a note written all in capitals
    "lower": str.lower,
    "blank": lambda t: t.replace("\n", "\n\n"),  # double spacing
    "oneline": lambda t: re.sub(r"[ \t]*\n\s*", "  ", t),  # one long line
    "mts": lambda t: re.sub(r"[ \t]*\n\s*", ",", t),  # a transcription's comma line breaks
    "nospace": lambda t: re.sub(r"(\d)\s+(mg|mcg|mL|ml|g|units|unit|mEq)\b", r"\1\2", t),
    "tabs": lambda t: re.sub(r"  +", "\t", t),
    "routes": _routes,  # "IV" written "intravenously"
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rewrite", choices=sorted(REWRITES))
    parser.add_argument("--split", default="dev", help="dev, test or all (default dev)")
    parser.add_argument("--mtsamples", type=Path, default=ROOT.parent / "shared/data/mtsamples/mtsamples.csv")
    args = parser.parse_args()
    rewrite = REWRITES[args.rewrite]
    split = None if args.split == "all" else args.split
    mtsamples = args.mtsamples if args.mtsamples.is_file() else None
    reviewer = default_reviewer()
    counts: Counter[tuple[str, str]] = Counter()
    seen = 0
    for path in sorted((ROOT / "eval").glob("firstseen*.jsonl")) + [ROOT / "eval/cases.jsonl"]:
        for case, note in load_cases(path, mtsamples, split).cases:
            changed = rewrite(note)
            if changed == note:
                continue
            before, after = reviewer.review(note, case.claim), reviewer.review(changed, case.claim)
            seen += 1
            for element in ELEMENTS:
                old, new = before.elements[element].status.value, after.elements[element].status.value
                if old == new:
                    continue
                expected = case.expected
                gold = expected.get(element) if isinstance(expected, dict) else getattr(expected, element, None)
                gold = getattr(gold, "value", gold)
                kind = "BROKE" if old == gold else "FIXED" if new == gold else "flip"
                counts[(element, kind)] += 1
                print(f"{kind:5} {case.id:8} {element:10} {old} -> {new} (label {gold})")
    print(f"{seen} notes rewritten ({args.rewrite}); " + ", ".join(f"{e} {k} {n}" for (e, k), n in sorted(counts.items())) if counts
          else f"{seen} notes rewritten ({args.rewrite}); no status moved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
