"""`docreview log` and `docreview purge`, registered on the CLI app by docreview.cli."""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from typing import Annotated

import typer


class LogFmt(str, Enum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"


def default_user() -> str:
    """Who is reviewing when no token or --user says: the login name."""
    for name in ("DOCREVIEW_USER", "USER", "LOGNAME"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no login name (a container without passwd entry)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def record_check(review, note: str, *, user: str | None, store_note: bool, corpus=None, hcpcs=None) -> str | None:
    """Record a `docreview check` review; a trail that cannot be written is a warning on stderr,
    never a change of the check's exit code."""
    from docreview.audit.db import AuditDatabaseError
    from docreview.audit.store import AuditLog
    from docreview.audit.versions import versions

    try:
        with AuditLog() as audit:
            return audit.record(review, note, user=user or default_user(), source="check", store_note=store_note,
                                versions=versions(review.mode, corpus, hcpcs))
    except (AuditDatabaseError, OSError) as exc:
        print(f"warning: the review was not recorded in the audit trail: {exc} (--no-audit skips it)", file=sys.stderr)
        return None


def _console():
    from rich.console import Console

    # A table wide enough for every column when piped (a terminal keeps its own width).
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 180)


def _fail(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {message}")
    raise typer.Exit(2)


def log(
    since: Annotated[str | None, typer.Option("--since", help="Reviews on or after this date (YYYY-MM-DD or ISO time, UTC).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Reviews on or before this date (YYYY-MM-DD: the whole day).")] = None,
    code: Annotated[str | None, typer.Option("--code", help="Only this HCPCS code.")] = None,
    verdict: Annotated[str | None, typer.Option("--verdict", help="pass or fail.")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Reviews with a finding of this rule id or prefix (DOS001, WST).")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only reviews by this user.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="page, api, check or batch.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N reviews, newest first (default: 50 for the table, all for csv/jsonl).")] = None,
    fmt: Annotated[LogFmt, typer.Option("--format", help="table | csv | jsonl (one review per row or line).")] = LogFmt.table,
    stats: Annotated[bool, typer.Option("--stats", help="Acceptance rate per rule (accepted / decided) instead of the reviews.")] = False,
) -> None:
    """List, filter and export the audit trail of reviews (and the coders' decisions)."""
    from pydantic import ValidationError

    from docreview.audit.db import AuditDatabaseError
    from docreview.audit.export import csv_row, decisions_text, iter_csv, iter_jsonl
    from docreview.audit.store import AuditLog, ReviewQuery, audit_path, parse_bound

    if verdict is not None and verdict not in ("pass", "fail"):
        _fail("--verdict must be pass or fail")
    for value in (since, until):
        if value:
            try:
                parse_bound(value)
            except ValueError as exc:
                _fail(str(exc))
    if not audit_path().exists():
        _fail(f"no audit trail yet ({audit_path()}): reviews are recorded by check, batch and serve")
    try:
        q = ReviewQuery(since=since, until=until, code=code, verdict=verdict, rule=rule, user=user, source=source,  # type: ignore[arg-type]
                        limit=limit or (50 if fmt == LogFmt.table and not stats else 100_000))
    except ValidationError as exc:
        _fail(str(exc))
    try:
        audit = AuditLog()
    except AuditDatabaseError as exc:
        _fail(str(exc))
    with audit:
        if stats:
            rows = audit.stats(q)
            if fmt == LogFmt.jsonl:
                for r in rows:
                    print(json.dumps(r))
                return
            if fmt == LogFmt.csv:
                import csv

                w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["rule_id"], lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
                return
            from rich.table import Table

            table = Table(title="acceptance rate per rule (latest decision per review)")
            for col in ("rule", "element", "reviews", "decided", "accepted", "overridden", "acceptance"):
                table.add_column(col, justify="right" if col not in ("rule", "element") else "left")
            for r in rows:
                rate = f"{r['acceptance_rate'] * 100:.1f}%" if r["acceptance_rate"] is not None else "—"
                table.add_row(r["rule_id"], r["element"], str(r["reviews"]), str(r["decided"]), str(r["accepted"]), str(r["overridden"]), rate)
            _console().print(table)
            return
        if fmt == LogFmt.csv:
            for chunk in iter_csv(audit.iter_all(q) if q.limit > 500 else audit.query(q)[1]):
                sys.stdout.write(chunk)
            return
        if fmt == LogFmt.jsonl:
            for line in iter_jsonl(audit.iter_all(q) if q.limit > 500 else audit.query(q)[1]):
                sys.stdout.write(line)
            return
        total, records = audit.query(q)
        from rich.table import Table

        table = Table(title=f"{len(records)} of {total} review(s), newest first")
        for col in ("created", "user", "source", "code", "units", "mods", "verdict", "dos", "rte", "ind", "wst", "rules", "decisions", "id"):
            table.add_column(col)
        short = {"documented": "ok", "missing": "miss", "inconsistent": "INCON", "not_applicable": "n/a"}
        for r in records:
            row = csv_row(r)
            table.add_row(r.created[:19].replace("T", " "), r.user, r.source, r.code, row["units"], row["modifiers"], r.verdict,
                          *(short.get(r.statuses[n], r.statuses[n]) for n in ("dosage", "route", "indication", "wastage")),
                          " ".join(r.rule_ids), decisions_text(r), r.id[:12])
        _console().print(table)


def purge(
    cache: Annotated[bool, typer.Option("--cache", help="Delete the model cache (its answers quote notes).")] = False,
    audit: Annotated[bool, typer.Option("--audit", help="Delete audit reviews (with --before: only older ones).")] = False,
    before: Annotated[str | None, typer.Option("--before", help="With --audit: only reviews created before this date (YYYY-MM-DD).")] = None,
    logs: Annotated[bool, typer.Option("--logs", help="Delete the server log.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete stored PHI from DOCREVIEW_HOME: the model cache, audit reviews, the server log."""
    from docreview.audit.db import AuditDatabaseError
    from docreview.audit.store import AuditLog, audit_path, parse_bound
    from docreview.model.cache import CACHE_FILE
    from docreview.resources import home

    if not (cache or audit or logs):
        _fail("say what to delete: --cache, --audit [--before DATE], --logs")
    if before and not audit:
        _fail("--before applies to --audit")
    if before:
        try:
            parse_bound(before)
        except ValueError as exc:
            _fail(str(exc))
    what = [w for w, on in (("the model cache", cache), (f"audit reviews{' before ' + before if before else ' (all)'}", audit),
                            ("the server log", logs)) if on]
    if not yes and not typer.confirm(f"Delete {', '.join(what)} in {home()}?"):
        raise typer.Exit(1)
    if cache:
        path = home() / "cache" / CACHE_FILE
        removed = 0
        for p in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if p.exists():
                p.unlink()
                removed += 1
        print(f"model cache: {'deleted ' + str(path) if removed else 'none'}")
    if audit:
        if not audit_path().exists():
            print("audit: no audit trail")
        else:
            try:
                with AuditLog() as log_:
                    count = log_.purge(before)
            except AuditDatabaseError as exc:
                _fail(str(exc))
            print(f"audit: deleted {count} review(s){' created before ' + before if before else ''}")
    if logs:
        from docreview.server.logs import log_path

        path = log_path()
        removed = 0
        for p in sorted(path.parent.glob(path.name + "*")) if path.parent.exists() else []:
            p.unlink()
            removed += 1
        print(f"server log: deleted {removed} file(s)")


def register(app: typer.Typer) -> None:
    app.command(name="log")(log)
    app.command(name="purge")(purge)
