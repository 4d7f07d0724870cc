"""End to end in a real browser: Playwright for Python driving Debian's chromium (never a
downloaded browser) against a real `docreview serve` in a subprocess.

Skips, with the reason, only when chromium or Playwright cannot be had (scripts/ci-system.sh
installs chromium in CI). DOCREVIEW_SCREENSHOTS=docs writes the page's screenshots to docs/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.serving import DOCREVIEW, Server, start_server

NOTE = (ROOT / "examples" / "keppra-note.txt").read_text()
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


def chromium_path() -> str:
    for candidate in (os.environ.get("DOCREVIEW_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium; scripts/ci-system.sh does it in CI)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("browser") / "home", "--user", "coder-e2e")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: Server):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.on("request", lambda r: problems.append(f"off-box request {r.url}") if not r.url.startswith(server.url) else None)
    pg.goto(server.url + "/")
    pg.problems = problems  # type: ignore[attr-defined]
    yield pg
    context.close()


def _shots() -> Path | None:
    folder = os.environ.get("DOCREVIEW_SCREENSHOTS")
    return (ROOT / folder) if folder else None


def _fill_claim_with_the_keyboard(pg, units: str) -> None:
    pg.focus("#note")
    pg.keyboard.insert_text(NOTE)  # what a paste does
    order = []
    for text in ("J1953", units):
        pg.keyboard.press("Tab")
        order.append(pg.evaluate("document.activeElement.id"))
        pg.keyboard.type(text)
    pg.keyboard.press("Tab")
    order.append(pg.evaluate("document.activeElement.id"))
    pg.keyboard.press("Space")  # JZ
    for _ in range(2):
        pg.keyboard.press("Tab")
        order.append(pg.evaluate("document.activeElement.id"))
    pg.keyboard.press("Tab")
    order.append(pg.evaluate("document.activeElement.id"))
    pg.keyboard.type("G40.909")
    pg.keyboard.press("Tab")
    order.append(pg.evaluate("document.activeElement.id"))
    pg.keyboard.type("outpatient")
    assert order == ["code", "units", "mod-jz", "mod-jw", "waste_units", "icd10", "setting"], order


def test_review_highlight_decide_and_log(page, server: Server, tmp_path: Path):
    pg = page
    _fill_claim_with_the_keyboard(pg, "100")
    pg.wait_for_selector("#icd10-msg.ok")  # validated as typed
    assert "billable" in pg.inner_text("#icd10-msg")
    assert "levetiracetam" in pg.inner_text("#code-msg").lower()  # the code's descriptor
    with pg.expect_response("**/v1/page/review") as answer:
        pg.keyboard.press("Control+Enter")
    data = answer.value.json()
    pg.wait_for_selector("#verdict")
    assert "HOLD" in pg.inner_text("#verdict") and data["review"]["verdict"] == "fail"
    assert pg.evaluate("document.activeElement.id") == "verdict"  # focus moves to the answer
    rows = pg.locator("table.el tbody tr")
    assert rows.count() == 4 and "inconsistent" in rows.nth(0).inner_text()
    assert "Fix:" in rows.nth(0).inner_text() and "J1953.md" in rows.nth(0).inner_text()
    findings = data["review"]["findings"]
    assert findings and any(f["evidence"] for f in findings)
    # Every quote is highlighted in the note itself, whole.
    for i, f in enumerate(findings):
        for j, ev in enumerate(f["evidence"]):
            text = pg.eval_on_selector_all(f'mark.ev[data-ev~="f{i}-{j}"]', "ms => ms.map(m => m.textContent).join('')")
            assert text == ev["quote"], (f["rule_id"], text, ev["quote"])
    # Clicking a finding highlights exactly its spans and scrolls them into view.
    i = next(k for k, f in enumerate(findings) if f["evidence"])
    pg.click(f"#finding-{i} .finding-btn")
    active = pg.eval_on_selector_all("mark.ev.active", "ms => ms.map(m => m.dataset.ev)")
    assert active and all(any(x.startswith(f"f{i}-") for x in ids.split()) for ids in active)
    first = findings[i]["evidence"][0]
    text = pg.eval_on_selector_all(f'mark.ev.active[data-ev~="f{i}-0"]', "ms => ms.map(m => m.textContent).join('')")
    assert text == first["quote"]
    pg.wait_for_timeout(400)  # smooth scroll
    assert pg.evaluate("""() => { const m = document.querySelector('mark.ev.active'); const v = document.getElementById('note-view');
        const a = m.getBoundingClientRect(), b = v.getBoundingClientRect(); return a.top >= b.top - 1 && a.bottom <= b.bottom + 1; }""")
    if _shots():
        pg.screenshot(path=str(_shots() / "serve-fail.png"))
    # An override needs a reason; then it is recorded and shown.
    box = pg.locator(f'.decision[data-rule="{findings[i]["rule_id"]}"]')
    box.locator("button.override").click()
    assert "needs a reason" in box.locator(".decided").inner_text()
    box.locator("input.reason").fill("dose confirmed with pharmacy")
    box.locator("button.override").click()
    pg.wait_for_selector(".decision .decided b")  # (no wait_for_function: the page's CSP forbids eval)
    assert "overridden by coder-e2e" in box.locator(".decided").inner_text()
    # ... and `docreview log` shows it.
    env = {**os.environ, "DOCREVIEW_HOME": str(server.home)}
    out = subprocess.run([DOCREVIEW, "log", "--format", "jsonl", "--source", "page"], capture_output=True, text=True, env=env, timeout=60)
    records = {r["id"]: r for r in map(json.loads, out.stdout.splitlines())}
    record = records[data["review_id"]]
    assert record["decisions"][-1]["action"] == "override" and record["decisions"][-1]["reason"] == "dose confirmed with pharmacy"
    assert record["user"] == "coder-e2e"
    # The same claim again: its history lists the first review and its decision.
    pg.fill("#units", "150")
    with pg.expect_response("**/v1/page/review"):
        pg.keyboard.press("Control+Enter")
    pg.wait_for_selector("#verdict")
    assert "PASS" in pg.inner_text("#verdict")
    history = pg.inner_text(".history")
    assert "override" in history and "dose confirmed with pharmacy" in history
    if _shots():
        pg.screenshot(path=str(_shots() / "serve-pass.png"))
    assert not pg.problems, pg.problems  # type: ignore[attr-defined]


def test_every_field_is_labelled_and_errors_are_shown(page):
    pg = page
    unlabeled = pg.evaluate("""() => [...document.querySelectorAll('input, textarea, button, select')]
        .filter(e => e.type !== 'hidden' && !e.closest('[hidden]'))
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
        .map(e => e.id || e.outerHTML)""")
    assert unlabeled == []
    pg.fill("#note", NOTE)
    pg.fill("#code", "J0000")
    assert "not a known code" in pg.inner_text("#code-msg")
    pg.keyboard.press("Control+Enter")
    pg.wait_for_selector("#error:not(:empty)")
    assert "Unknown code J0000" in pg.inner_text("#error")
    pg.fill("#icd10", "Q99.999")
    pg.wait_for_selector("#icd10-msg.bad")
    assert pg.get_attribute("#icd10", "aria-invalid") == "true"
    assert not [p for p in pg.problems if "Content Security Policy" in p]  # type: ignore[attr-defined]
