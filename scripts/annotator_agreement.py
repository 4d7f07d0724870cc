"""Agreement between two annotators of the same mention spans (roles only).

Usage: python scripts/annotator_agreement.py eval/mentions.jsonl eval/mentions_second_annotator.jsonl
The second file holds, per note id, the roles a second annotator gave the first file's mentions
in order (labelled blind to the first labels). Prints agreement, Cohen's kappa, and the role
macro-F1 of the second annotator scored against the first as if it were a system.
"""

from __future__ import annotations

import json
import sys
from collections import Counter


def main(first: str, second: str) -> None:
    gold = {}
    with open(first, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                note = json.loads(line)
                gold[note["id"]] = [m["role"] for m in note["mentions"]]
    pairs: list[tuple[str, str]] = []
    with open(second, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                note = json.loads(line)
                pairs += list(zip(gold[note["id"]], note["roles"], strict=True))
    n = len(pairs)
    agreement = sum(a == b for a, b in pairs) / n
    first_counts, second_counts = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first_counts[r] * second_counts[r] for r in first_counts) / n / n
    f1s = []
    for role in sorted(first_counts):
        tp = sum(a == b == role for a, b in pairs)
        fp = sum(a != role and b == role for a, b in pairs)
        fn = sum(a == role and b != role for a, b in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    print(f"{n} mentions: agreement {agreement:.3f}, Cohen's kappa {(agreement - chance) / (1 - chance):.3f}, "
          f"macro-F1 of the second against the first {sum(f1s) / len(f1s):.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
