"""report.html of a batch: one self-contained file (inline CSS, no scripts, no network assets).

Every value from the input (ids, notes, quotes, messages) is HTML-escaped: notes are PHI and
may hold `<`, `>` and `&`.
"""

from __future__ import annotations

from html import escape
from typing import Any

from docreview.schema import ELEMENTS, Status

MAX_HELD = 2000  # held claims listed in full; the rest are in summary.json and results.csv
MAX_ERRORS = 500
STATUSES = [s.value for s in Status]
_LABEL = {"documented": "documented", "missing": "missing", "inconsistent": "inconsistent", "not_applicable": "n/a"}

CSS = """
:root { --fg:#1f2933; --muted:#616e7c; --line:#d9e2ec; --bg:#f5f7fa; --card:#fff;
  --ok:#1b7f3b; --ok-bg:#e3f4e8; --na:#3e5a75; --na-bg:#e6eef6; --miss:#8a5a00; --miss-bg:#fff3d6;
  --bad:#b42318; --bad-bg:#fde8e6; --accent:#1d4ed8; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:14px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width:1180px; margin:0 auto; padding:24px 28px 48px; }
h1 { font-size:24px; margin:0 0 4px; }
h2 { font-size:18px; margin:32px 0 10px; padding-bottom:4px; border-bottom:2px solid var(--line); }
h3 { font-size:15px; margin:0; }
.sub { color:var(--muted); margin:0 0 18px; }
.phi { background:#fff8e1; border:1px solid #f0d48a; border-radius:6px; padding:8px 12px; margin:0 0 18px; color:#5c4400; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(160px, 1fr)); gap:12px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 16px; }
.card .n { font-size:28px; font-weight:700; line-height:1.2; }
.card .l { color:var(--muted); font-size:13px; }
.card.pass .n { color:var(--ok); } .card.held .n { color:var(--bad); } .card.err .n { color:var(--miss); }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef2f7; font-weight:600; font-size:13px; }
tr:last-child td { border-bottom:0; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:16px; }
@media (max-width:900px) { .grid2 { grid-template-columns:1fr; } }
.badge { display:inline-block; padding:1px 7px; border-radius:10px; font-size:12px; font-weight:600; white-space:nowrap; }
.s-documented { color:var(--ok); background:var(--ok-bg); }
.s-not_applicable { color:var(--na); background:var(--na-bg); }
.s-missing { color:var(--miss); background:var(--miss-bg); }
.s-inconsistent, .sev-error { color:var(--bad); background:var(--bad-bg); }
.sev-warning { color:var(--miss); background:var(--miss-bg); }
.sev-info { color:var(--na); background:var(--na-bg); }
.v-pass { color:var(--ok); background:var(--ok-bg); } .v-fail { color:var(--bad); background:var(--bad-bg); }
.bar { background:#e4e7eb; border-radius:4px; height:8px; min-width:80px; }
.bar span { display:block; height:8px; border-radius:4px; background:var(--bad); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12.5px; }
details.claim { background:var(--card); border:1px solid var(--line); border-left:4px solid var(--bad); border-radius:6px; margin:8px 0; }
details.claim > summary { cursor:pointer; padding:8px 12px 8px 30px; list-style:none; position:relative; }
details.claim > summary::-webkit-details-marker { display:none; }
details.claim > summary::before { content:"\\25B8"; position:absolute; left:11px; top:8px; color:var(--muted); }
details.claim[open] > summary::before { content:"\\25BE"; }
details.claim > summary .meta { color:var(--muted); font-size:13px; }
details.claim[open] > summary { border-bottom:1px solid var(--line); }
.claim-body { padding:10px 14px 12px; }
.elements { display:grid; grid-template-columns:110px 1fr; gap:3px 12px; margin:0 0 10px; font-size:13px; }
.finding { border-top:1px dashed var(--line); padding:8px 0 4px; }
.finding:first-of-type { border-top:0; }
.fix { margin:4px 0; }
.fix b { color:var(--accent); }
blockquote { margin:4px 0 4px 2px; padding:4px 10px; border-left:3px solid #9fb3c8; background:#f8fafc; white-space:pre-wrap; word-break:break-word; }
blockquote .span { color:var(--muted); font-size:11px; margin-left:6px; }
.req { color:var(--muted); font-size:12.5px; }
.muted { color:var(--muted); }
.note { color:var(--muted); font-size:13px; margin:6px 0; }
.rules-list code { margin-right:4px; }
footer { margin-top:36px; color:var(--muted); font-size:12px; }
@media print { body { background:#fff; } main { max-width:none; padding:0; } details.claim { break-inside:avoid; } }
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _n(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,g}"
    if isinstance(value, int):
        return f"{value:,}"
    return e(value)


def _badge(status: str) -> str:
    return f'<span class="badge s-{e(status)}">{e(_LABEL.get(status, status))}</span>'


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _cards(s: dict[str, Any]) -> str:
    t = s["totals"]
    cards = [("", t["input_rows"], "input rows"), ("", t["reviewed"], "reviewed"), ("pass", t["pass"], "pass"),
             ("held", t["held"], f"held (verdict fail) · {_pct(t['held'], t['reviewed'])}"), ("err", t["errors"], "could not be reviewed")]
    stale = t.get("results_not_in_input") or 0
    note = (f'<p class="note">{_n(stale)} earlier result(s) in results.jsonl belong to ids no longer in the input; '
            "they are left out of this report.</p>") if stale else ""
    return '<div class="cards">' + "".join(
        f'<div class="card {cls}"><div class="n">{_n(n)}</div><div class="l">{e(label)}</div></div>' for cls, n, label in cards
    ) + "</div>" + note


def _elements_table(s: dict[str, Any]) -> str:
    reviewed = s["totals"]["reviewed"]
    head = "".join(f'<th class="num">{_badge(st)}</th>' for st in STATUSES)
    rows = []
    for name in ELEMENTS:
        counts = s["elements"].get(name, {})
        cells = "".join(
            f'<td class="num">{_n(counts[st])} <span class="muted">{_pct(counts[st], reviewed)}</span></td>' if counts.get(st)
            else '<td class="num muted">—</td>'
            for st in STATUSES
        )
        rows.append(f"<tr><td><b>{e(name)}</b></td>{cells}</tr>")
    return f"<table><thead><tr><th>element</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _verdict_table(s: dict[str, Any]) -> str:
    reviewed = s["totals"]["reviewed"]
    rows = "".join(
        f'<tr><td><span class="badge v-{v}">{label}</span></td><td class="num">{_n(s["verdicts"].get(v, 0))}</td>'
        f'<td class="num">{_pct(s["verdicts"].get(v, 0), reviewed)}</td></tr>'
        for v, label in (("pass", "pass"), ("fail", "held (fail)"))
    )
    kinds = s.get("errors_by_kind") or {}
    if kinds:
        rows += f'<tr><td><span class="badge s-missing">not reviewed</span></td><td class="num">{_n(sum(kinds.values()))}</td><td></td></tr>'
    return f'<table><thead><tr><th>verdict</th><th class="num">claims</th><th class="num">share</th></tr></thead><tbody>{rows}</tbody></table>'


def _codes_table(s: dict[str, Any]) -> str:
    rows = []
    for code, c in sorted(s["codes"].items(), key=lambda kv: (-kv[1]["fail"], kv[0])):
        share = c["fail"] / c["reviewed"] if c["reviewed"] else 0
        rows.append(
            f'<tr><td class="mono">{e(code)}</td><td>{e(c["drug"])}</td><td class="num">{_n(c["reviewed"])}</td>'
            f'<td class="num">{_n(c["pass"])}</td><td class="num">{_n(c["fail"])}</td>'
            f'<td class="num">{share * 100:.0f}%</td><td><div class="bar"><span style="width:{share * 100:.1f}%"></span></div></td></tr>'
        )
    if not rows:
        return '<p class="note">No claims reviewed.</p>'
    return ('<table><thead><tr><th>code</th><th>drug</th><th class="num">reviewed</th><th class="num">pass</th>'
            f'<th class="num">held</th><th class="num">hold rate</th><th style="width:18%"></th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _rules_table(s: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr><td class="mono">{e(rid)}</td><td>{e(r["element"])}</td>'
        f'<td><span class="badge sev-{e(r["severity"])}">{e(r["severity"])}</span></td><td>{e(r["title"])}</td>'
        f'<td class="num">{_n(r["claims"])}</td><td class="num">{_n(r["held_claims"])}</td><td class="num">{_n(r["findings"])}</td></tr>'
        for rid, r in s["rules"].items()
    )
    if not rows:
        return '<p class="note">No findings.</p>'
    return ('<table><thead><tr><th>rule</th><th>element</th><th>severity</th><th>what</th><th class="num">claims</th>'
            f'<th class="num">held claims</th><th class="num">findings</th></tr></thead><tbody>{rows}</tbody></table>')


def _claim_line(claim: dict[str, Any], computed: Any) -> str:
    parts = [f"units {_n(claim.get('units'))}"]
    if computed is not None:
        parts.append(f"documented dose = <b>{_n(computed)}</b> unit(s)")
    parts.append(f"modifiers {e(' '.join(claim.get('modifiers') or [])) or '—'}")
    if claim.get("waste_units") is not None:
        parts.append(f"JW units {_n(claim.get('waste_units'))}")
    parts.append(f"ICD-10 {e(' '.join(claim.get('icd10') or [])) or '—'}")
    parts.append(f"setting {e(claim.get('setting') or 'not given')}")
    return " · ".join(parts)


def _held_claim(h: dict[str, Any], open_: bool) -> str:
    badges = " ".join(f'<span class="muted">{e(name)}</span> {_badge(h["statuses"][name])}' for name in ELEMENTS
                      if h["statuses"][name] not in ("documented", "not_applicable"))
    rule_ids = list(dict.fromkeys(f["rule_id"] for f in h["findings"] if f["severity"] != "info"))
    summary = (
        f'<summary><h3 style="display:inline">{e(h["id"])}</h3> <span class="mono">{e(h["code"])}</span> '
        f'<span class="meta">{e(h["drug"])} · row {_n(h["row"])}</span><br>{badges}'
        f' <span class="meta rules-list">{" ".join(f"<code>{e(r)}</code>" for r in rule_ids)}</span></summary>'
    )
    elements = "".join(
        f'<div>{_badge(h["statuses"][name])}</div><div><b>{e(name)}</b>: {e(h["summaries"][name])}</div>' for name in ELEMENTS
    )
    findings = []
    for f in h["findings"]:
        quotes = "".join(
            f'<blockquote>{e(q["quote"])}<span class="span">[{_n(q["start"])}, {_n(q["end"])})</span></blockquote>' for q in f["evidence"][:3]
        )
        more = f'<div class="note">+ {len(f["evidence"]) - 3} more quote(s) in results.jsonl</div>' if len(f["evidence"]) > 3 else ""
        req = f["requirement"]
        req_html = f'<div class="req">Requirement: {e(req["section"])} — {e(req["source"])}</div>' if req else ""
        carc = f' <span class="muted">(prevents {e(", ".join(f["carc"]))})</span>' if f.get("carc") else ""
        fix = f'<div class="fix"><b>Fix:</b> {e(f["suggestion"])}{carc}</div>' if f.get("suggestion") else ""
        findings.append(
            f'<div class="finding"><span class="badge sev-{e(f["severity"])}">{e(f["severity"])}</span> '
            f'<code>{e(f["rule_id"])}</code> <span class="muted">{e(f["element"])}</span> — {e(f["message"])}{fix}{quotes}{more}{req_html}</div>'
        )
    body = (
        f'<div class="claim-body"><p class="note">{e(h["descriptor"])}<br>{_claim_line(h["claim"], h["computed_units"])}</p>'
        f'<div class="elements">{elements}</div>{"".join(findings) or "<p class=note>No findings.</p>"}</div>'
    )
    return f'<details class="claim"{" open" if open_ else ""}>{summary}{body}</details>'


def _held(s: dict[str, Any]) -> str:
    held = s["held"]
    if not held:
        return '<p class="note">No claim was held.</p>'
    shown = held[:MAX_HELD]
    open_all = len(shown) <= 10
    intro = (f'<p class="note">{_n(len(held))} claim(s), in input order. Click a claim to see its elements, findings, the '
             "evidence quoted from the note and the requirement checked.</p>")
    rest = (f'<p class="note">Showing the first {_n(MAX_HELD)}; the other {_n(len(held) - MAX_HELD)} are in summary.json and results.csv.</p>'
            if len(held) > MAX_HELD else "")
    return intro + "".join(_held_claim(h, open_all) for h in shown) + rest


def _errors(s: dict[str, Any]) -> str:
    errors = s["errors"]
    if not errors:
        return '<p class="note">Every input row was reviewed.</p>'
    rows = "".join(
        f'<tr><td class="num">{_n(x.get("row"))}</td><td class="mono">{e(x.get("id") or "—")}</td><td>{e(x.get("kind"))}</td>'
        f'<td>{e(x.get("reason"))}</td></tr>'
        for x in errors[:MAX_ERRORS]
    )
    rest = f'<p class="note">Showing {MAX_ERRORS} of {_n(len(errors))}; all are in errors.jsonl.</p>' if len(errors) > MAX_ERRORS else ""
    return ('<p class="note">These rows were not reviewed; fix them and run the batch again with --resume.</p>'
            f'<table><thead><tr><th class="num">row</th><th>id</th><th>kind</th><th>reason</th></tr></thead><tbody>{rows}</tbody></table>{rest}')


def _settings(s: dict[str, Any]) -> str:
    st, run = s["settings"], s["run"]
    items = [
        ("docreview version", s["docreview_version"]), ("mode", st["mode"]), ("input", st["input"]), ("input format", st["input_format"]),
        ("output folder", st["out"]), ("workers", st["workers"]), ("resumed", f"{run['resumed']:,} row(s) from an earlier run" if st["resume"] else "no"),
        ("rule filter", f"select {', '.join(st['select']) or 'all'}; ignore {', '.join(st['ignore']) or 'none'}"),
        ("corpus", st["corpus"] or "bundled"), ("CMS HCPCS file", st["hcpcs"] or "none (bundled corpus codes)"), ("MUE table", st["mue"] or "none"),
        ("MTSamples CSV", st["mtsamples"] or "none"), ("started", run["started"]), ("finished", run["finished"]),
        ("this run", f"{run['reviewed']:,} reviewed, {run['errors']:,} not reviewed in {run['elapsed_s']:.1f} s"
                     + (f" ({run['notes_per_s']:,} notes/s)" if run.get("notes_per_s") else "")),
        ("Python", run.get("python")),
    ]
    rows = "".join(f"<tr><th style='width:200px'>{e(k)}</th><td class='mono'>{e(v)}</td></tr>" for k, v in items)
    return f"<table><tbody>{rows}</tbody></table>"


def render_report(s: dict[str, Any]) -> str:
    t = s["totals"]
    title = f"docreview batch — {t['reviewed']:,} claims reviewed, {t['held']:,} held"
    exit_word = {0: "all rows reviewed, none held", 1: "some claims held", 2: "some rows could not be reviewed"}.get(s["exit_code"], "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>docreview batch report</h1>
<p class="sub">{e(s['settings']['input'])} · mode <b>{e(s['settings']['mode'])}</b> · docreview {e(s['docreview_version'])} ·
generated {e(s['generated_at'])} · exit code {e(s['exit_code'])} ({e(exit_word)})</p>
<p class="phi"><b>Contains PHI.</b> Evidence below is quoted from clinical notes; share this file only under your privacy rules.</p>
{_cards(s)}
<h2>Verdicts and elements</h2>
<div class="grid2"><div>{_verdict_table(s)}</div><div>{_elements_table(s)}</div></div>
<h2>By code</h2>
{_codes_table(s)}
<h2>By rule</h2>
{_rules_table(s)}
<h2>Held claims</h2>
{_held(s)}
<h2>Rows not reviewed</h2>
{_errors(s)}
<h2>Run settings</h2>
{_settings(s)}
<footer>Generated by docreview {e(s['docreview_version'])}. Results per claim: results.jsonl (Review JSON) and results.csv; totals: summary.json.</footer>
</main>
</body>
</html>
"""
