"""How many times one review scans the note's text, by scanner (the reader should annotate once).

    python benchmarks/scans.py [--cases eval/cases.jsonl] [--n 40]

Counts calls of the raw-text scanners (route words, amounts, tokenisation, ConText) per review,
over the longest inline notes of the eval set, and prints per-review figures with the number
of sentences, so "scans per sentence" can be compared across changes.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter
from pathlib import Path

import docreview.note.amounts as amounts_mod
import docreview.note.annotate as annotate_mod
import docreview.note.context as context_mod
import docreview.note.extract as extract_mod
import docreview.note.text as text_mod
import docreview.note.vocab as vocab_mod
from docreview.knowledge.facts import knowledge_base
from docreview.review_engine import Reviewer

COUNTS: Counter[str] = Counter()


def _counting(module, name: str, label: str) -> None:
    original = getattr(module, name, None)
    if original is None:  # this module no longer calls it
        return

    def wrapper(*args, **kwargs):
        COUNTS[label] += 1
        return original(*args, **kwargs)

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="eval/cases.jsonl")
    parser.add_argument("--n", type=int, default=40, help="the N longest inline notes")
    args = parser.parse_args()
    cases = [json.loads(line) for line in Path(args.cases).read_text(encoding="utf-8").splitlines()]
    cases = sorted((c for c in cases if "note" in c), key=lambda c: -len(c["note"]))[: args.n]
    kb = knowledge_base()
    reviewer = Reviewer(kb)
    reviewer.review(cases[0]["note"], cases[0]["claim"])  # warm caches
    # Patch where the reader looks the scanners up (module globals), then count.
    route_vocab = vocab_mod.route_vocabulary()
    original_find = route_vocab.find

    def find(text, *a, **k):
        COUNTS["route scans"] += 1
        return original_find(text, *a, **k)

    route_vocab.find = find  # type: ignore[method-assign]
    for module in (extract_mod, amounts_mod, annotate_mod):
        if hasattr(module, "find_amounts"):
            _counting(module, "find_amounts", "amount scans")
    _counting(annotate_mod, "tokens", "tokenise")
    _counting(annotate_mod, "find_modifiers", "ConText passes")
    _counting(extract_mod, "tokens", "tokenise")
    _counting(text_mod, "tokens", "tokenise")
    _counting(extract_mod, "find_modifiers", "ConText passes")
    _counting(context_mod, "find_modifiers", "ConText passes")
    per_review: dict[str, list[int]] = {}
    sentences = []
    for case in cases:
        COUNTS.clear()
        review = reviewer.review(case["note"], case["claim"])
        assert review.elements
        sentences.append(len(text_mod.sentences(case["note"])))
        for label in ("route scans", "amount scans", "tokenise", "ConText passes"):
            per_review.setdefault(label, []).append(COUNTS[label])
    print(f"{len(cases)} longest notes: sentences per note median {statistics.median(sentences):.0f}, max {max(sentences)}")
    for label, values in per_review.items():
        ratio = [v / s for v, s in zip(values, sentences, strict=True)]
        print(f"  {label:15s} per review: median {statistics.median(values):.0f}, max {max(values)}; per sentence median {statistics.median(ratio):.2f}")


if __name__ == "__main__":
    main()
