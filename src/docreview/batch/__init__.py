"""`docreview batch`: review many claim lines in worker processes, resumably.

One module per concern: settings (options, constants, counters), inputs (JSONL/CSV rows ->
Tasks), worker (the reviewer in each process), store (results.jsonl, recovery, private files,
the lock), summary (summary.json, results.csv), runner (the run itself); report.html comes from
docreview.report_html (the shared templates). Every review is also recorded in the audit trail
(docreview.audit) unless `--no-audit`.

Input (one of):
  - JSON Lines of cases in the spec's format (`id`, `note` or `source`, `claim`); `expected`,
    `tags`, `rationale` and `split` are ignored. Cases whose note is a MTSamples row need
    `--mtsamples PATH`; without it they go to errors.jsonl (kind `needs_mtsamples`).
  - CSV of claim lines with a header: `id, code, units, modifiers, waste_units, icd10, setting,
    note_path` (`id`, `code` and `note_path` required; `date_of_service` and
    `separately_payable` optional). `note_path` is relative to the CSV's folder; modifiers and
    ICD-10 codes are separated by `;`, `,` or spaces.

Output folder:
  results.jsonl  one line per reviewed claim, in completion order:
                 {"id": ..., "row": ..., "review": <Review JSON, see `docreview schema`>}.
                 Each line goes out in a single write() as soon as its review finishes (a killed
                 run loses nothing that finished); a background thread fsyncs after every write
                 (group commit: several lines that finish during one fsync share the next one).
  errors.jsonl   one line per row that could not be reviewed: {"row", "id", "kind", "reason"};
                 rewritten by each run (a resumed run retries the rows that failed before).
  summary.json, report.html, results.csv   written at the end from results.jsonl.

`row` is the line number in a JSONL file, and the spreadsheet row in a CSV (the header is row 1).
Exit codes: 0 every row reviewed and none held; 1 every row reviewed, some held (verdict fail);
2 some rows could not be reviewed (see errors.jsonl), or the batch could not run at all.
"""


from __future__ import annotations

from docreview.batch.inputs import RowError, Task, detect_format, iter_rows, load_mtsamples, plan, read_csv, read_jsonl
from docreview.batch.runner import run_batch
from docreview.batch.settings import (
    CSV_COLUMNS,
    CSV_REQUIRED,
    ERRORS,
    EXIT_ERRORS,
    EXIT_HELD,
    EXIT_INTERRUPTED,
    EXIT_OK,
    MAX_NOTE_BYTES,
    REPORT,
    RESULTS,
    RESULTS_CSV,
    SUMMARY,
    BatchError,
    BatchSettings,
    RunStats,
    default_workers,
)
from docreview.batch.store import Recovered, ResultWriter, recover_results, write_private
from docreview.batch.summary import build_summary
from docreview.batch.worker import init_worker, review_task

__all__ = [
    "CSV_COLUMNS", "CSV_REQUIRED", "ERRORS", "EXIT_ERRORS", "EXIT_HELD", "EXIT_INTERRUPTED", "EXIT_OK", "MAX_NOTE_BYTES", "REPORT",
    "RESULTS", "RESULTS_CSV", "SUMMARY", "BatchError", "BatchSettings", "Recovered", "ResultWriter", "RowError", "RunStats", "Task",
    "build_summary", "default_workers", "detect_format", "init_worker", "iter_rows", "load_mtsamples", "plan", "read_csv", "read_jsonl",
    "recover_results", "review_task", "run_batch", "write_private",
]
