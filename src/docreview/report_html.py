"""report.html of a batch: one self-contained file (inline CSS, no scripts, no network assets).

Rendered from the shared Jinja2 templates (docreview/templates/report.html, autoescaped: every
value from the input, notes and quotes included, is HTML-escaped; notes are PHI and may hold
`<`, `>` and `&`). The `docreview serve` page uses the same templates and stylesheet.
"""

from __future__ import annotations

from typing import Any

from docreview.schema import ELEMENTS, Status
from docreview.templates import render, stylesheet

MAX_HELD = 2000  # held claims listed in full; the rest are in summary.json and results.csv
MAX_ERRORS = 500
STATUSES = [s.value for s in Status]
_EXIT_WORD = {0: "all rows reviewed, none held", 1: "some claims held", 2: "some rows could not be reviewed"}


def _settings_rows(s: dict[str, Any]) -> list[tuple[str, Any]]:
    st, run = s["settings"], s["run"]
    return [
        ("docreview version", s["docreview_version"]), ("mode", st["mode"]), ("input", st["input"]), ("input format", st["input_format"]),
        ("output folder", st["out"]), ("workers", st["workers"]),
        ("resumed", f"{run['resumed']:,} row(s) from an earlier run" if st["resume"] else "no"),
        ("rule filter", f"select {', '.join(st['select']) or 'all'}; ignore {', '.join(st['ignore']) or 'none'}"),
        ("corpus", st["corpus"] or "bundled"), ("CMS HCPCS file", st["hcpcs"] or "none (bundled corpus codes)"), ("MUE table", st["mue"] or "none"),
        ("MTSamples CSV", st["mtsamples"] or "none"), ("started", run["started"]), ("finished", run["finished"]),
        ("this run", f"{run['reviewed']:,} reviewed, {run['errors']:,} not reviewed in {run['elapsed_s']:.1f} s"
                     + (f" ({run['notes_per_s']:,} notes/s)" if run.get("notes_per_s") else "")),
        ("Python", run.get("python")),
    ]


def render_report(s: dict[str, Any]) -> str:
    held = s["held"][:MAX_HELD]
    return render(
        "report.html",
        s=s,
        inline_css=True,
        stylesheet=stylesheet(),
        statuses=STATUSES,
        elements=ELEMENTS,
        codes=sorted(s["codes"].items(), key=lambda kv: (-kv[1]["fail"], kv[0])),
        held=held,
        open_all=len(held) <= 10,
        max_held=MAX_HELD,
        max_errors=MAX_ERRORS,
        exit_word=_EXIT_WORD.get(s["exit_code"], ""),
        settings_rows=_settings_rows(s),
    )
