"""Jinja2 templates shared by the `docreview serve` page and the batch report.html.

Autoescaping is on for every template: notes are PHI and may hold `<`, `>` and `&`; nothing
from a note, a claim or a message reaches the HTML unescaped. One stylesheet
(`docreview.css`) serves both: the page links it (/static/docreview.css, so the CSP needs no
inline styles) and the report inlines it (a self-contained file).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATE_DIR = Path(__file__).resolve().parent
STATUS_LABEL = {"documented": "documented", "missing": "missing", "inconsistent": "inconsistent", "not_applicable": "n/a"}


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.filters["status_label"] = lambda s: STATUS_LABEL.get(str(s), str(s))
    env.globals["pct"] = pct
    return env


def stylesheet() -> str:
    return (TEMPLATE_DIR / "docreview.css").read_text(encoding="utf-8")


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
