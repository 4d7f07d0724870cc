"""`docreview log` output: a table, CSV or JSON Lines, one review per row or line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from docreview.audit.store import AuditRecord
from docreview.schema import ELEMENTS

CSV_FIELDS = (
    "id", "created", "user", "source", "code", "units", "modifiers", "waste_units", "icd10", "setting", "verdict", *ELEMENTS,
    "rule_ids", "decisions", "mode", "docreview_version", "corpus_version", "code_table_version", "model_version", "note_sha256",
)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _cell(value: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet (CSV injection): quote it.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def decisions_text(record: AuditRecord) -> str:
    """The latest decision per rule: 'DOS001=accept WST003=override'."""
    latest = {d.rule_id: d.action for d in record.decisions}
    return " ".join(f"{rule}={action}" for rule, action in latest.items())


def csv_row(record: AuditRecord) -> dict[str, str]:
    return {
        "id": record.id, "created": record.created, "user": _cell(record.user), "source": record.source, "code": record.code,
        "units": _num(record.units), "modifiers": " ".join(record.modifiers), "waste_units": _num(record.waste_units),
        "icd10": _cell(" ".join(record.icd10)), "setting": _cell(record.setting or ""), "verdict": record.verdict,
        **{name: record.statuses[name] for name in ELEMENTS}, "rule_ids": " ".join(record.rule_ids), "decisions": decisions_text(record),
        "mode": record.mode, "docreview_version": record.versions.docreview, "corpus_version": record.versions.corpus,
        "code_table_version": record.versions.code_table, "model_version": record.versions.model, "note_sha256": record.note_sha256,
    }


def iter_csv(records: Iterable[AuditRecord]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(csv_row(record))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def iter_jsonl(records: Iterable[AuditRecord]) -> Iterator[str]:
    for record in records:
        yield record.model_dump_json(exclude_none=False) + "\n"
