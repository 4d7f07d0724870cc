"""Score the code knowledge's indication sets against hand-labelled code x ICD-10-CM pairs.

    python scripts/score_indications.py [eval/indication_pairs.jsonl] [--json]

Each line: {"code", "icd10", "supports": true|false, "what"}; labelled from the drugs' labelled
uses, independently of docreview's output. A pair is predicted as supporting when the ICD-10-CM
code falls under one of the code's indication prefixes (corpus, DrugCentral, LabeledIn,
ICD-10-CM symptom sets), exactly as the indication check decides it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from docreview.knowledge import icd10
from docreview.knowledge.facts import knowledge_base
from docreview.note.reasons import supports_prefixes


class Pair(BaseModel):
    code: str
    icd10: str
    supports: bool
    what: str = ""


def score(path: Path) -> dict:
    kb = knowledge_base()
    pairs = [Pair.model_validate_json(line) for line in path.read_text().splitlines() if line.strip()]
    invalid = [p.icd10 for p in pairs if not icd10.is_valid(p.icd10)]
    tp = fp = fn = tn = 0
    misses, false_alarms, no_list = [], [], set()
    for p in pairs:
        facts = kb.facts(p.code)
        prefixes = facts.indication_prefixes
        if not prefixes:
            no_list.add(p.code)
        predicted = supports_prefixes((p.icd10,), prefixes)
        if predicted and p.supports:
            tp += 1
        elif predicted:
            fp += 1
            false_alarms.append(f"{p.code} {p.icd10} ({p.what})")
        elif p.supports:
            fn += 1
            misses.append(f"{p.code} {p.icd10} ({p.what})")
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "pairs": len(pairs), "supporting": sum(p.supports for p in pairs), "invalid_icd10": invalid,
        "precision": round(precision, 3), "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "codes_without_indications": sorted(no_list), "false_alarms": false_alarms, "misses": misses,
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "eval" / "indication_pairs.jsonl"
    out = score(path)
    if "--json" in sys.argv:
        print(json.dumps(out, indent=2))
        return
    print(f"{out['pairs']} pairs ({out['supporting']} supporting): precision {out['precision']}, recall {out['recall']}, F1 {out['f1']}")
    print(f"codes without any indication: {', '.join(out['codes_without_indications']) or 'none'}")
    for label in ("false_alarms", "misses"):
        if out[label]:
            print(f"{label}: " + "; ".join(out[label]))


if __name__ == "__main__":
    main()
