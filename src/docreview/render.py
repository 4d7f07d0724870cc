"""Output formats for a Review: a terminal report, JSON, Markdown."""

from __future__ import annotations

from docreview.schema import ELEMENTS, Review, Status

_STYLE = {
    Status.documented: ("green", "OK"),
    Status.not_applicable: ("cyan", "N/A"),
    Status.missing: ("yellow", "MISSING"),
    Status.inconsistent: ("red", "INCONSISTENT"),
}


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def to_json(review: Review) -> str:
    return review.model_dump_json(indent=2)


def to_markdown(review: Review) -> str:
    c = review.claim
    lines = [
        f"### docreview: {review.verdict.value.upper()} — {c.code} ({review.code.descriptor})",
        "",
        f"Claim: units {c.units if c.units is not None else '—'}; modifiers {', '.join(c.modifiers) or '—'}; "
        f"ICD-10 {', '.join(c.icd10) or '—'}; setting {c.setting or 'not given'}"
        + (f"; documented dose bills as **{review.computed_units:g}** unit(s)" if review.computed_units is not None else ""),
        "",
        "| element | status | evidence | requirement |",
        "|---|---|---|---|",
    ]
    for name in ELEMENTS:
        e = review.elements[name]  # type: ignore[index]
        ev = "; ".join(f"“{_quote(x.quote, 60)}”" for x in e.evidence[:2]) or "—"
        req = f"{e.requirement.section} ({e.requirement.source})" if e.requirement else "—"
        lines.append(f"| {name} | **{e.status.value}** — {e.summary} | {ev} | {req} |")
    if review.findings:
        lines += ["", "**Findings**", ""]
        for f in review.findings:
            carc = f" ({', '.join(f.carc)})" if f.carc else ""
            lines.append(f"- `{f.rule_id}` {f.severity.value}: {f.message} **Fix:** {f.suggestion}{carc}")
    return "\n".join(lines) + "\n"


def print_text(review: Review, console) -> None:
    """The ten-second report: verdict, one row per element, then what to fix."""
    from rich.panel import Panel
    from rich.table import Table

    c = review.claim
    colour = "green" if review.verdict.value == "pass" else "red"
    head = (
        f"[bold {colour}]{review.verdict.value.upper()}[/]  {c.code} — {review.code.descriptor}\n"
        f"units {c.units if c.units is not None else '—'} · modifiers {', '.join(c.modifiers) or '—'} · "
        f"ICD-10 {', '.join(c.icd10) or '—'} · setting {c.setting or 'not given'}"
    )
    if review.computed_units is not None:
        head += f" · documented dose = [bold]{review.computed_units:g}[/] unit(s)"
    console.print(Panel(head, expand=False))
    table = Table(show_lines=True, expand=True)
    table.add_column("element", style="bold", no_wrap=True)
    table.add_column("status", ratio=2)
    table.add_column("evidence from the note", ratio=3)
    table.add_column("requirement", ratio=2)
    for name in ELEMENTS:
        e = review.elements[name]  # type: ignore[index]
        style, label = _STYLE[e.status]
        ev = "\n".join(f"“{_quote(x.quote)}”" for x in e.evidence[:2]) or "—"
        req = f"{e.requirement.section}\n[dim]{e.requirement.source}[/]" if e.requirement else "—"
        table.add_row(name, f"[{style}]{label}[/]\n[dim]{e.summary}[/]", ev, req)
    console.print(table)
    actionable = [f for f in review.findings if f.severity.value != "info"]
    notes = [f for f in review.findings if f.severity.value == "info"]
    if actionable:
        console.print("[bold]Fix before billing[/]")
        for f in actionable:
            sev = "red" if f.severity.value == "error" else "yellow"
            carc = f" [dim](prevents {', '.join(f.carc)})[/]" if f.carc else ""
            console.print(f" [{sev}]{f.rule_id}[/] {f.message}\n     → {f.suggestion}{carc}")
    for f in notes:
        console.print(f" [cyan]{f.rule_id}[/] {f.message} [dim]{f.suggestion}[/]")
