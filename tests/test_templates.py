"""The shared templates: autoescaping, and text contrast of the stylesheet's colour pairs (WCAG AA)."""

from __future__ import annotations

import re

from docreview.templates import environment, render, stylesheet

# (text, background) pairs the page and the report use, as CSS variables or literal colours.
PAIRS = [
    ("--fg", "--card"), ("--fg", "--bg"), ("--muted", "--card"), ("--muted", "--bg"), ("--muted", "#eef2f7"), ("--muted", "#fff8e1"),
    ("--ok", "--ok-bg"), ("--ok", "--card"), ("--miss", "--miss-bg"), ("--bad", "--bad-bg"), ("--bad", "--card"), ("--na", "--na-bg"),
    ("#fff", "--accent"), ("--accent", "#fff8e1"), ("#111", "#f59e0b"), ("--fg", "#fde68a"),
]


def _hex(value: str, variables: dict[str, str]) -> str:
    value = variables.get(value, value).lstrip("#")
    return "".join(c * 2 for c in value) if len(value) == 3 else value


def _luminance(hex_: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_text_contrast_is_at_least_4_5():
    variables = dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{3,6})", stylesheet()))
    for fg, bg in PAIRS:
        a, b = sorted((_luminance(_hex(fg, variables)), _luminance(_hex(bg, variables))), reverse=True)
        assert (a + 0.05) / (b + 0.05) >= 4.5, (fg, bg, round((a + 0.05) / (b + 0.05), 2))


def test_templates_autoescape_everything():
    assert environment().autoescape("page.html") and environment().autoescape("report.html")
    html = render("_macros.html")
    assert html.strip() == ""
    macros = environment().get_template("_macros.html").module
    assert "&lt;b&gt;" in str(macros.fix({"suggestion": "<b>x</b>", "carc": []}))
    assert "&lt;img" in str(macros.quote({"quote": "<img src=x onerror=alert(1)>", "start": 0, "end": 1}))
