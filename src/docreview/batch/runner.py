"""The run: plan the rows, feed the worker pool, stream results, then write the summary and report."""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import time
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict

from docreview.batch.inputs import RowError, Task, detect_format, iter_rows, load_mtsamples, plan
from docreview.batch.settings import (
    ERRORS,
    EXIT_INTERRUPTED,
    REPORT,
    RESULTS,
    RESULTS_CSV,
    SUMMARY,
    BatchError,
    BatchSettings,
    RunStats,
    now,
)
from docreview.batch.store import Recovered, ResultWriter, _lock, recover_results, write_private
from docreview.batch.summary import build_summary
from docreview.batch.worker import init_worker, review_task


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
    stats = RunStats(started=now())
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

    audit = _open_audit(settings)
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
                    if audit is not None and result[5] is not None:
                        audit.record(result[5], result[2])
                    stats.reviewed += 1
                    stats.held += result[3] == "fail"
                else:
                    record_error(RowError(result[1], result[2], result[3], result[4]))
                progress.update(bar, advance=1, status=status())

            if counts["task"]:
                pool = cf.ProcessPoolExecutor(
                    max_workers=settings.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=init_worker, initargs=(settings.reviewer_options(), os.getpid(), _audit_mode(settings, audit)),
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
        if audit is not None:
            audit.close()
        errors_handle.close()
    stats.elapsed_s = round(time.perf_counter() - started, 3)
    stats.finished = now()
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


class _BatchAudit:
    """The audit trail for a batch: one row per reviewed claim, committed as it finishes."""

    def __init__(self, settings: BatchSettings) -> None:
        from docreview.audit.commands import default_user
        from docreview.audit.store import AuditLog
        from docreview.audit.versions import versions

        self.log = AuditLog()
        self.user = settings.user or default_user()
        self.versions = versions(settings.mode, settings.corpus, settings.hcpcs)
        self.ref = str(settings.out.resolve())

    def record(self, entry: dict, row_id: str) -> None:
        self.log.record_entry(entry, user=self.user, source="batch", versions=self.versions, batch_ref=f"{self.ref}#{row_id}")

    def close(self) -> None:
        self.log.close()


def _open_audit(settings: BatchSettings) -> _BatchAudit | None:
    if not settings.audit:
        return None
    from docreview.audit.db import AuditDatabaseError

    try:
        return _BatchAudit(settings)
    except (AuditDatabaseError, OSError) as exc:
        raise BatchError(f"{exc} (run with --no-audit to review without the audit trail)") from None


def _audit_mode(settings: BatchSettings, audit: _BatchAudit | None) -> str | None:
    if audit is None:
        return None
    return "note" if settings.store_notes else "hash"
