"""summary.json and results.csv, from results.jsonl (report.html is rendered from the summary)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from dataclasses import asdict
from typing import Any

from docreview import __version__
from docreview.batch.settings import ERRORS, EXIT_ERRORS, EXIT_HELD, EXIT_OK, RESULTS, BatchSettings, RunStats, now
from docreview.schema import ELEMENTS, Status

_CSV_FIELDS = ("id", "row", "code", "drug", "units", "modifiers", "waste_units", "icd10", "setting", "verdict",
               *ELEMENTS, "computed_units", "rule_ids")


def _cell(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet (CSV injection): quote it.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _fmt_number(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def build_summary(settings: BatchSettings, fmt: str, stats: RunStats, input_rows: dict[str, int] | None = None) -> tuple[dict[str, Any], str]:
    """summary.json (a dict) and results.csv (text), from the lines of results.jsonl whose id is in
    the input (`input_rows`: id -> row; None: every line)."""
    from docreview.checks.registry import RULES

    verdicts: Counter[str] = Counter()
    elements = {name: Counter({s.value: 0 for s in Status}) for name in ELEMENTS}
    codes: dict[str, dict[str, Any]] = {}
    rules: dict[str, dict[str, Any]] = {}
    held: list[dict[str, Any]] = []
    csv_rows: list[tuple[int, dict[str, Any]]] = []
    stale = 0
    with (settings.out / RESULTS).open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            obj = json.loads(line)
            rid, review = obj["id"], obj["review"]
            if input_rows is not None and rid not in input_rows:
                stale += 1
                continue
            row = input_rows[rid] if input_rows is not None else obj.get("row") or 0
            verdict = review["verdict"]
            verdicts[verdict] += 1
            statuses = {name: review["elements"][name]["status"] for name in ELEMENTS}
            for name, status in statuses.items():
                elements[name][status] += 1
            claim, code = review["claim"], review["code"]
            entry = codes.setdefault(code["code"], {"drug": code["drug"], "reviewed": 0, "pass": 0, "fail": 0})
            entry["reviewed"] += 1
            entry[verdict] += 1
            rule_ids = list(dict.fromkeys(f["rule_id"] for f in review["findings"]))
            for finding in review["findings"]:
                rule = RULES.get(finding["rule_id"])
                r = rules.setdefault(finding["rule_id"], {
                    "element": finding["element"], "severity": finding["severity"], "title": rule.title if rule else "",
                    "findings": 0, "claims": 0, "held_claims": 0})
                r["findings"] += 1
            for rule_id in rule_ids:
                rules[rule_id]["claims"] += 1
                rules[rule_id]["held_claims"] += verdict == "fail"
            if verdict == "fail":
                held.append({
                    "id": rid, "row": row, "code": code["code"], "drug": code["drug"], "descriptor": code["descriptor"],
                    "claim": claim, "computed_units": review.get("computed_units"), "statuses": statuses,
                    "summaries": {name: review["elements"][name]["summary"] for name in ELEMENTS},
                    "findings": [{
                        "rule_id": f["rule_id"], "element": f["element"], "severity": f["severity"], "message": f["message"],
                        "suggestion": f.get("suggestion", ""), "carc": f.get("carc", []),
                        "evidence": [{"quote": e["quote"], "start": e["start"], "end": e["end"]} for e in f.get("evidence", [])],
                        "requirement": ({"section": f["requirement"]["section"], "source": f["requirement"]["source"]}
                                        if f.get("requirement") else None),
                    } for f in review["findings"]],
                })
            csv_rows.append((row, {
                "id": _cell(rid), "row": row, "code": code["code"], "drug": code["drug"], "units": _fmt_number(claim.get("units")),
                "modifiers": " ".join(claim.get("modifiers") or []), "waste_units": _fmt_number(claim.get("waste_units")),
                "icd10": " ".join(claim.get("icd10") or []), "setting": claim.get("setting") or "", "verdict": verdict,
                **statuses, "computed_units": _fmt_number(review.get("computed_units")), "rule_ids": " ".join(rule_ids),
            }))
    errors: list[dict[str, Any]] = []
    errors_path = settings.out / ERRORS
    if errors_path.exists():
        with errors_path.open(encoding="utf-8") as handle:
            errors = [json.loads(line) for line in handle if line.strip()]
        errors.sort(key=lambda x: (x.get("row") or 0))
    held.sort(key=lambda h: (h["row"], h["id"]))
    csv_rows.sort(key=lambda item: item[0])
    reviewed = sum(verdicts.values())
    exit_code = EXIT_ERRORS if errors else (EXIT_HELD if verdicts["fail"] else EXIT_OK)
    summary = {
        "docreview_version": __version__,
        "generated_at": stats.finished or now(),
        "settings": settings.describe(fmt),
        "run": {**asdict(stats), "notes_per_s": round(stats.reviewed / stats.elapsed_s, 1) if stats.elapsed_s else None,
                "python": sys.version.split()[0]},
        "totals": {"input_rows": stats.input_rows, "reviewed": reviewed, "pass": verdicts["pass"], "held": verdicts["fail"],
                   "errors": len(errors), "results_not_in_input": stale},
        "exit_code": exit_code,
        "verdicts": {"pass": verdicts["pass"], "fail": verdicts["fail"]},
        "elements": {name: dict(c) for name, c in elements.items()},
        "codes": dict(sorted(codes.items())),
        "rules": dict(sorted(rules.items(), key=lambda kv: (-kv[1]["claims"], kv[0]))),
        "errors_by_kind": dict(Counter(e.get("kind", "?") for e in errors).most_common()),
        "errors": errors,
        "held": held,
    }
    buffer = io.StringIO()
    w = csv.DictWriter(buffer, fieldnames=_CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(r for _, r in csv_rows)
    return summary, buffer.getvalue()
