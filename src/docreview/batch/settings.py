"""Batch settings, constants, the run's counters and the error that stops a batch."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docreview.model.config import ModelConfig

EXIT_OK, EXIT_HELD, EXIT_ERRORS, EXIT_INTERRUPTED = 0, 1, 2, 130
RESULTS, ERRORS, SUMMARY, REPORT, RESULTS_CSV = "results.jsonl", "errors.jsonl", "summary.json", "report.html", "results.csv"
CSV_REQUIRED = ("id", "code", "note_path")
CSV_COLUMNS = ("id", "code", "units", "modifiers", "waste_units", "icd10", "setting", "note_path", "date_of_service", "separately_payable")
MAX_NOTE_BYTES = 1_000_000
_SPLIT = re.compile(r"[;,\s]+")


class BatchError(Exception):
    """The batch cannot run (bad input file, existing results, ...): exit 2 with this message."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class BatchSettings:
    input: Path
    out: Path
    mode: str = "rules"
    model: ModelConfig | None = None  # modes model and hybrid: the same config in every worker
    workers: int = field(default_factory=default_workers)
    resume: bool = False
    overwrite: bool = False
    input_format: str | None = None  # jsonl | csv; None: from the file's extension
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    corpus: Path | None = None
    hcpcs: Path | None = None
    mue: Path | None = None
    mtsamples: Path | None = None
    progress: bool = True
    audit: bool = True  # record every review in the audit trail (docreview.audit)
    user: str | None = None  # who the audit trail names (default: the login name)
    store_notes: bool = False  # keep the note text in the audit trail (PHI)

    def reviewer_options(self) -> dict[str, Any]:
        return {"corpus": self.corpus, "hcpcs": self.hcpcs, "mode": self.mode, "select": tuple(self.select),
                "ignore": tuple(self.ignore), "mue": self.mue, "model": self.model}

    def describe(self, fmt: str) -> dict[str, Any]:
        return {
            "input": str(self.input.resolve()), "input_format": fmt, "out": str(self.out.resolve()), "mode": self.mode,
            "model": self.model.describe() if self.model else None,
            "workers": self.workers, "resume": self.resume, "overwrite": self.overwrite, "select": list(self.select),
            "ignore": list(self.ignore), "corpus": str(self.corpus) if self.corpus else None,
            "hcpcs": str(self.hcpcs) if self.hcpcs else None, "mue": str(self.mue) if self.mue else None,
            "mtsamples": str(self.mtsamples) if self.mtsamples else None, "audit": self.audit, "store_notes": self.store_notes,
        }


@dataclass
class RunStats:
    input_rows: int = 0
    resumed: int = 0
    reviewed: int = 0
    held: int = 0
    errors: int = 0
    dropped_lines: int = 0
    started: str = ""
    finished: str = ""
    elapsed_s: float = 0.0


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

