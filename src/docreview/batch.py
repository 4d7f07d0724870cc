"""`docreview batch`: review many claim lines in worker processes, resumably.

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

import concurrent.futures as cf
import contextlib
import csv
import io
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docreview import __version__
from docreview.schema import ELEMENTS, Claim, EvalCase, Status

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

    def reviewer_options(self) -> dict[str, Any]:
        return {"corpus": self.corpus, "hcpcs": self.hcpcs, "mode": self.mode, "select": tuple(self.select),
                "ignore": tuple(self.ignore), "mue": self.mue}

    def describe(self, fmt: str) -> dict[str, Any]:
        return {
            "input": str(self.input.resolve()), "input_format": fmt, "out": str(self.out.resolve()), "mode": self.mode,
            "workers": self.workers, "resume": self.resume, "overwrite": self.overwrite, "select": list(self.select),
            "ignore": list(self.ignore), "corpus": str(self.corpus) if self.corpus else None,
            "hcpcs": str(self.hcpcs) if self.hcpcs else None, "mue": str(self.mue) if self.mue else None,
            "mtsamples": str(self.mtsamples) if self.mtsamples else None,
        }


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


# --------------------------------------------------------------------------- input


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


# --------------------------------------------------------------------------- worker side

_REVIEWER: Any = None
_SETUP_ERROR: str | None = None


def _watch_parent(parent: int) -> None:
    """Exit when the batch process dies (even by SIGKILL), instead of idling as an orphan."""

    def loop() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=loop, name="docreview-parent-watch", daemon=True).start()


def init_worker(options: dict[str, Any], parent: int) -> None:
    """Per worker process: the knowledge base (and any model) load once here, not per note."""
    global _REVIEWER, _SETUP_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch process handles Ctrl-C
    _watch_parent(parent)
    try:
        from docreview.review_engine import default_reviewer

        _REVIEWER = default_reviewer(**options)
    except Exception as exc:  # reported by the first task, then the batch stops with exit 2
        _SETUP_ERROR = str(exc) or type(exc).__name__


class _NoteError(Exception):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


def _read_note_file(path: str, ref: str) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_NOTE_BYTES + 1)
    except FileNotFoundError:
        raise _NoteError("unreadable_note", f"note file not found: {ref}") from None
    except IsADirectoryError:
        raise _NoteError("unreadable_note", f"note path is a folder, not a file: {ref}") from None
    except OSError as exc:
        raise _NoteError("unreadable_note", f"cannot read note file {ref}: {exc.strerror or exc}") from None
    if len(data) > MAX_NOTE_BYTES:
        raise _NoteError("bad_note", f"{ref} is larger than 1 MB; split it by encounter")
    if b"\x00" in data[:8192]:
        raise _NoteError("bad_note", f"{ref} looks like a binary file, not a note")
    return data.decode("utf-8", errors="replace")


def review_task(task: Task) -> tuple:
    """('ok', row, id, verdict, line) | ('error', row, id, kind, reason) | ('setup', row, id, message)."""
    if _SETUP_ERROR is not None or _REVIEWER is None:
        return ("setup", task.row, task.id, _SETUP_ERROR or "the reviewer did not start")
    from docreview.knowledge.facts import UnknownCodeError
    from docreview.review_engine import InputError

    try:
        note = task.note if task.note is not None else _read_note_file(task.note_path or "", task.note_ref or "")
        review = _REVIEWER.review(note, task.claim)
    except _NoteError as exc:
        return ("error", task.row, task.id, exc.kind, str(exc))
    except UnknownCodeError as exc:
        return ("error", task.row, task.id, "unknown_code", str(exc))
    except InputError as exc:
        kind = "bad_claim" if str(exc).startswith("invalid claim") else "bad_note"
        return ("error", task.row, task.id, kind, str(exc))
    except Exception as exc:  # a bug on one note never stops the batch
        return ("error", task.row, task.id, "review_error", f"{type(exc).__name__}: {exc}")
    line = f'{{"id": {json.dumps(task.id)}, "row": {task.row}, "review": {review.model_dump_json()}}}'
    return ("ok", task.row, task.id, review.verdict.value, line)


# --------------------------------------------------------------------------- results file


class ResultWriter:
    """Appends one line per write() to results.jsonl; a syncer thread fsyncs behind the writes."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._dirty = threading.Event()
        self._closing = False
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._sync_loop, name="docreview-fsync", daemon=True)
        self._thread.start()

    def write(self, line: str) -> None:
        if self._error:
            raise self._error
        view = memoryview((line + "\n").encode("utf-8"))
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        self._dirty.set()

    def _sync_loop(self) -> None:
        while True:
            self._dirty.wait()
            self._dirty.clear()
            try:
                os.fsync(self.fd)
            except OSError as exc:
                self._error = exc
            if self._closing and not self._dirty.is_set():
                return

    def close(self) -> None:
        self._closing = True
        self._dirty.set()
        self._thread.join()
        os.fsync(self.fd)
        os.close(self.fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_private(path: Path, text: str) -> None:
    """Atomic write (temp file + rename), readable by the owner only: the outputs hold PHI."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


@dataclass
class Recovered:
    ids: set[str]
    modes: set[str]
    dropped: int
    lines: int


def recover_results(path: Path) -> Recovered:
    """Ids already reviewed. Drops a truncated last line (a crash mid-write), unreadable or
    duplicate lines, and rewrites the file without them before anything is appended."""
    raw = path.read_bytes()
    kept: list[bytes] = []
    ids: set[str] = set()
    modes: set[str] = set()
    dropped = 0
    for chunk in raw.split(b"\n"):
        if not chunk.strip():
            continue
        try:
            obj = json.loads(chunk)
            rid, review = obj["id"], obj["review"]
            if not isinstance(rid, str) or not isinstance(review, dict) or "verdict" not in review:
                raise ValueError("not a result line")
        except (ValueError, KeyError, TypeError):
            dropped += 1
            continue
        if rid in ids:
            dropped += 1
            continue
        ids.add(rid)
        modes.add(str(review.get("mode")))
        kept.append(chunk)
    if dropped or (raw and not raw.endswith(b"\n")):
        write_private(path, (b"\n".join(kept) + b"\n").decode("utf-8") if kept else "")
    return Recovered(ids, modes, dropped, len(kept))


def _lock(out: Path):
    """An exclusive lock on DIR/.lock: two batches writing one folder would mix their results."""
    handle = (out / ".lock").open("a")
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # not POSIX: no lock
        pass
    except OSError:
        handle.close()
        raise BatchError(f"another docreview batch is writing to {out}; wait for it or choose another --out") from None
    return handle


# --------------------------------------------------------------------------- progress


def _progress(enabled: bool):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.text import Text

    console = Console(stderr=True)

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} notes/s" if speed else "— notes/s", style="progress.data.speed")

    return Progress(
        TextColumn("[bold]reviewing[/]"), BarColumn(), MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(),
        TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[status]}"),
        console=console, disable=not enabled or not console.is_terminal, transient=False, refresh_per_second=5,
    )


# --------------------------------------------------------------------------- the run


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _prepare_out(settings: BatchSettings) -> Recovered:
    out = settings.out
    results = out / RESULTS
    if results.exists() and results.stat().st_size > 0:
        if settings.overwrite:
            for name in (RESULTS, ERRORS, SUMMARY, REPORT, RESULTS_CSV):
                (out / name).unlink(missing_ok=True)
        elif not settings.resume:
            with results.open("rb") as handle:
                count = sum(1 for line in handle if line.strip())
            raise BatchError(f"{results} already holds {count} result(s). Pass --resume to continue that run, "
                             "or --overwrite to delete them and start over.")
        else:
            return recover_results(results)
    return Recovered(set(), set(), 0, 0)


def run_batch(settings: BatchSettings, echo=print) -> int:
    """Run the batch; returns the exit code. Raises BatchError when it cannot run."""
    source = settings.input
    if not source.is_file():
        raise BatchError(f"input file not found: {source}")
    if settings.workers < 1:
        raise BatchError("--workers must be at least 1")
    if settings.mode not in ("rules", "model", "hybrid"):
        raise BatchError(f"unknown mode '{settings.mode}' (rules, model or hybrid)")
    fmt = detect_format(source, settings.input_format)
    out = settings.out
    if out.exists() and not out.is_dir():
        raise BatchError(f"--out {out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = _lock(out)
    try:
        return _run(settings, fmt, echo)
    finally:
        lock.close()


def _run(settings: BatchSettings, fmt: str, echo) -> int:
    out = settings.out
    stats = RunStats(started=_now())
    recovered = _prepare_out(settings)
    stats.dropped_lines = recovered.dropped
    other = recovered.modes - {settings.mode}
    if other:
        raise BatchError(f"{out / RESULTS} holds reviews made in mode {', '.join(sorted(other))}; resume with "
                         f"--mode {sorted(other)[0]} or start over with --overwrite")
    mtsamples = load_mtsamples(settings.mtsamples) if settings.mtsamples else None
    done = recovered.ids

    counts: Counter[str] = Counter()
    input_rows: dict[str, int] = {}  # id -> row, for the summary (results of ids no longer in the input are left out)
    for action, item in plan(iter_rows(settings.input, fmt, mtsamples), done):
        counts[action] += 1
        if action != "error":
            input_rows[item.id] = item.row  # type: ignore[union-attr]
    stats.input_rows = sum(counts.values())
    stats.resumed = counts["skip"]
    if recovered.dropped:
        echo(f"dropped {recovered.dropped} incomplete or duplicate line(s) from {out / RESULTS}; those rows are reviewed again")
    if stats.resumed:
        echo(f"resuming: {stats.resumed} of {stats.input_rows} rows already in {out / RESULTS}")
    todo = counts["task"] + counts["error"]

    errors_handle = (out / ERRORS).open("w", encoding="utf-8")
    os.chmod(out / ERRORS, 0o600)
    writer = ResultWriter(out / RESULTS)
    pool = None
    started = time.perf_counter()
    interrupted = False
    progress = _progress(settings.progress)

    def record_error(err: RowError) -> None:
        errors_handle.write(json.dumps(asdict(err), ensure_ascii=False) + "\n")
        errors_handle.flush()
        stats.errors += 1

    try:
        with progress:
            bar = progress.add_task("review", total=todo, status="")

            def status() -> str:
                return f"held {stats.held:,} · errors {stats.errors:,}"

            def handle(result: tuple) -> None:
                kind = result[0]
                if kind == "setup":
                    raise BatchError(f"the {settings.mode} reviewer could not start: {result[3]}")
                if kind == "ok":
                    writer.write(result[4])
                    stats.reviewed += 1
                    stats.held += result[3] == "fail"
                else:
                    record_error(RowError(result[1], result[2], result[3], result[4]))
                progress.update(bar, advance=1, status=status())

            if counts["task"]:
                pool = cf.ProcessPoolExecutor(
                    max_workers=settings.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=init_worker, initargs=(settings.reviewer_options(), os.getpid()),
                )
            window = max(4, settings.workers * 4)
            pending: set[cf.Future] = set()
            for action, item in plan(iter_rows(settings.input, fmt, mtsamples), done):
                if action == "skip":
                    continue
                if action == "error":
                    assert isinstance(item, RowError)
                    record_error(item)
                    progress.update(bar, advance=1, status=status())
                    continue
                assert pool is not None and isinstance(item, Task)
                pending.add(pool.submit(review_task, item))
                if len(pending) >= window:
                    finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                    for future in finished:
                        handle(future.result())
            for future in cf.as_completed(pending):
                handle(future.result())
            pending = set()
    except KeyboardInterrupt:
        interrupted = True
    except BrokenProcessPool as exc:
        raise BatchError(f"a worker process died ({exc}); {stats.reviewed} result(s) of this run are saved in "
                         f"{out / RESULTS}. Run again with --resume to continue.") from None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        writer.close()
        errors_handle.close()
    stats.elapsed_s = round(time.perf_counter() - started, 3)
    stats.finished = _now()
    if interrupted:
        echo(f"interrupted: {stats.reviewed} result(s) of this run are saved in {out / RESULTS}; "
             "run the same command with --resume to finish.")
        return EXIT_INTERRUPTED

    from docreview.report_html import render_report

    summary, csv_text = build_summary(settings, fmt, stats, input_rows)
    write_private(out / ERRORS, "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in summary["errors"]))  # in row order
    write_private(out / SUMMARY, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    write_private(out / RESULTS_CSV, csv_text)
    write_private(out / REPORT, render_report(summary))
    t = summary["totals"]
    rate = f", {stats.reviewed / stats.elapsed_s:,.0f} notes/s" if stats.elapsed_s and stats.reviewed else ""
    echo(f"{t['reviewed']:,} of {t['input_rows']:,} rows reviewed: {t['pass']:,} pass, {t['held']:,} held (verdict fail); "
         f"{t['errors']:,} could not be reviewed{f' (see {out / ERRORS})' if t['errors'] else ''}.")
    echo(f"this run: {stats.reviewed:,} reviewed in {stats.elapsed_s:.1f} s{rate}; wrote {RESULTS}, {RESULTS_CSV}, "
         f"{SUMMARY} and {REPORT} in {out}")
    return summary["exit_code"]


# --------------------------------------------------------------------------- summary


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
        "generated_at": stats.finished or _now(),
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
