"""Reading the input: JSON Lines of cases or a CSV of claim lines, one Task (or RowError) per row."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docreview.batch.settings import _SPLIT, CSV_COLUMNS, CSV_REQUIRED, BatchError
from docreview.schema import Claim, EvalCase


@dataclass
class Task:
    """One claim line to review. The note is inline (JSONL) or a file the worker reads (CSV)."""

    row: int
    id: str
    claim: dict[str, Any]
    note: str | None = None
    note_path: str | None = None  # resolved path
    note_ref: str | None = None  # the path as written in the CSV, for messages


@dataclass
class RowError:
    row: int
    id: str | None
    kind: str
    reason: str



def detect_format(path: Path, given: str | None) -> str:
    if given:
        if given not in ("jsonl", "csv"):
            raise BatchError(f"--format must be jsonl or csv, not '{given}'")
        return given
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip()
    return "jsonl" if head.startswith(b"{") else "csv"


def _clean_id(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        text = str(value).strip()
        return text or None
    return None


def _validation_reason(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors()[:3])


def load_mtsamples(path: Path) -> dict[int, str]:
    from docreview.evaluate import _mtsamples

    if not path.is_file():
        raise BatchError(f"MTSamples CSV not found: {path}")
    try:
        return _mtsamples(path)
    except (OSError, ValueError, StopIteration) as exc:
        raise BatchError(f"cannot read MTSamples CSV {path}: {exc}") from exc


def read_jsonl(path: Path, mtsamples: dict[int, str] | None) -> Iterator[Task | RowError]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RowError(number, None, "bad_json", f"not JSON ({exc.msg} at character {exc.pos + 1})")
                continue
            if not isinstance(data, dict):
                yield RowError(number, None, "bad_json", "a case must be a JSON object")
                continue
            case_id = _clean_id(data.get("id"))
            if case_id is None:
                yield RowError(number, None, "missing_id", "the case has no 'id' (a non-empty string)")
                continue
            try:
                case = EvalCase.model_validate({"id": case_id, **{k: data[k] for k in ("note", "source", "claim") if k in data}})
            except ValidationError as exc:
                kind = "bad_claim" if any(e["loc"][:1] == ("claim",) for e in exc.errors()) else "bad_case"
                yield RowError(number, case_id, kind, _validation_reason(exc))
                continue
            note = case.note
            if note is None and case.source is not None:
                if mtsamples is None:
                    yield RowError(number, case_id, "needs_mtsamples",
                                   f"the note is MTSamples row {case.source.row_index}; pass --mtsamples PATH to review it")
                    continue
                note = mtsamples.get(case.source.row_index)
                if not note or not note.strip():
                    yield RowError(number, case_id, "unreadable_note", f"MTSamples row {case.source.row_index} has no transcription")
                    continue
            yield Task(number, case_id, case.claim.model_dump(mode="json"), note=note)


def _number(value: str, name: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name}: '{value}' is not a number") from None


def _flag(value: str) -> bool:
    value = value.strip().lower()
    if value in ("", "true", "yes", "y", "1"):
        return True
    if value in ("false", "no", "n", "0"):
        return False
    raise ValueError(f"separately_payable: '{value}' is not true or false")


def read_csv(path: Path) -> Iterator[Task | RowError]:
    folder = path.resolve().parent
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = "\t" if path.suffix.lower() == ".tsv" or ("\t" in sample.splitlines()[0] if sample else False) else ","
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise BatchError(f"{path} is empty (a CSV needs a header: {', '.join(CSV_COLUMNS[:8])})")
        columns = [h.strip().lower() for h in header]
        missing = [c for c in CSV_REQUIRED if c not in columns]
        if missing:
            raise BatchError(f"{path}: the CSV lacks the column(s) {', '.join(missing)}; "
                             f"expected a header like: {','.join(CSV_COLUMNS[:8])}")
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns):]):
                yield RowError(number, _clean_id(record[columns.index("id")]), "malformed_row",
                               f"{len(record)} fields but the header has {len(columns)} (a comma inside an unquoted field?)")
                continue
            values = dict(zip(columns, [*record, *[""] * (len(columns) - len(record))], strict=False))
            row_id = _clean_id(values["id"])
            if row_id is None:
                yield RowError(number, None, "missing_id", "the row has no id")
                continue
            try:
                claim = {
                    "code": values["code"],
                    "units": _number(values.get("units", ""), "units"),
                    "waste_units": _number(values.get("waste_units", ""), "waste_units"),
                    "modifiers": [m for m in _SPLIT.split(values.get("modifiers", "")) if m],
                    "icd10": [c for c in _SPLIT.split(values.get("icd10", "")) if c],
                    "setting": values.get("setting", "").strip().lower() or None,
                    "date_of_service": values.get("date_of_service", "").strip() or None,
                    "separately_payable": _flag(values.get("separately_payable", "")),
                }
                claim = Claim.model_validate(claim).model_dump(mode="json")
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                reason = _validation_reason(exc) if isinstance(exc, ValidationError) else str(exc)
                yield RowError(number, row_id, "bad_claim", reason)
                continue
            ref = values["note_path"].strip()
            if not ref:
                yield RowError(number, row_id, "unreadable_note", "the row has no note_path")
                continue
            resolved = Path(ref).expanduser()
            if not resolved.is_absolute():
                resolved = folder / resolved
            yield Task(number, row_id, claim, note_path=str(resolved), note_ref=ref)


def iter_rows(path: Path, fmt: str, mtsamples: dict[int, str] | None) -> Iterator[Task | RowError]:
    return read_jsonl(path, mtsamples) if fmt == "jsonl" else read_csv(path)


def plan(rows: Iterator[Task | RowError], done: set[str]) -> Iterator[tuple[str, Task | RowError]]:
    """('task' | 'skip' | 'error', item) for each row: duplicates are errors, done ids are skipped."""
    seen: set[str] = set()
    for item in rows:
        if isinstance(item, RowError):
            yield "error", item
        elif item.id in seen:
            yield "error", RowError(item.row, item.id, "duplicate_id", f"id '{item.id}' appears earlier in the input; ids must be unique")
        else:
            seen.add(item.id)
            yield ("skip" if item.id in done else "task"), item
