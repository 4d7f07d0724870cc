"""Coverage of the packaged code knowledge, measured (README "Code knowledge" table).

    python scripts/knowledge_coverage.py [--shared ../shared] [--json]

Of the CMS 2025 J-codes (and all J/Q/C drug codes): how many have ingredients, brands,
packages, a drug class, indications. Name resolution: every distinct (code, drug name) pair
of the CMS ASP crosswalk is put in a note sentence ("<name> 10 mg IV given."); hit@1 when the
drug lexicon reads the name as that code's drug and as no other drug (a strength family counts
as one drug: same descriptor drug), found@any when the code is among the candidates.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from docreview.knowledge.facts import knowledge_base, normalize_name
from docreview.knowledge.packaged import packaged
from docreview.note.drugs import lexicon_for


def coverage() -> dict:
    data = packaged()
    out = {}
    for label, prefix in (("J", ("J",)), ("J/Q/C", ("J", "Q", "C"))):
        codes = {c: e for c, e in data.codes.items() if c.startswith(prefix)}
        n = len(codes)
        out[label] = {
            "codes": n,
            "ingredients": sum(bool(e.ingredients) for e in codes.values()),
            "brands": sum(bool(e.brands) for e in codes.values()),
            "packages": sum(bool(e.packages) for e in codes.values()),
            "drug_class": sum(bool(e.drug_class) for e in codes.values()),
            "indications": sum(bool(e.indications or e.symptom_groups) for e in codes.values()),
        }
    kb = knowledge_base()
    with_corpus = [c for c in kb.codes if c.startswith("J") and kb.facts(c).indications]
    out["J"]["indications_incl_corpus"] = len(with_corpus)
    return out


def name_resolution(shared: Path) -> dict:
    kb = knowledge_base()
    lexicon = lexicon_for(kb)
    path = shared / "data" / "cms_asp_crosswalk" / "asp_ndc_hcpcs_crosswalk_2026q1_level2.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        pairs = sorted({(r["hcpcs"], r["drug_name"]) for r in csv.DictReader(handle) if r["hcpcs"].startswith("J") and r["hcpcs"] in kb.codes})
    hit = found = 0
    misses = []
    for code, name in pairs:
        sentence = f"{name} 10 mg IV given."
        mentions = [m for m in lexicon.find(sentence) if m.codes]
        codes = {c for m in mentions[:1] for c in m.codes}
        drugs = {normalize_name(kb.facts(c).drug) for c in codes}
        if code in codes:
            found += 1
            if len(drugs) == 1:
                hit += 1
                continue
        misses.append(f"{code} {name}")
    return {"pairs": len(pairs), "hit_at_1": round(hit / len(pairs), 3), "found_at_any": round(found / len(pairs), 3), "misses_sample": misses[:25]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = {"version": packaged().version, "coverage": coverage(), "names": name_resolution(args.shared)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("| codes | n | ingredients | brands | packages | class | indications |")
    print("|---|---|---|---|---|---|---|")
    for label, row in result["coverage"].items():
        n = row["codes"]
        cells = [f"{row[k]} ({row[k] / n:.0%})" for k in ("ingredients", "brands", "packages", "drug_class", "indications")]
        print(f"| {label} | {n} | " + " | ".join(cells) + " |")
    names = result["names"]
    print(f"\ncrosswalk drug names -> code from a note sentence: {names['pairs']} pairs, hit@1 {names['hit_at_1']}, found {names['found_at_any']}")
    print("misses (sample): " + "; ".join(names["misses_sample"]))


if __name__ == "__main__":
    main()
