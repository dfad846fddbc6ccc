"""The dashboard in headless Chromium (Debian's ``chromium``; ``make test`` installs it).

It renders offline (every request that is not the page itself is refused and recorded),
its charts show, the school table sorts from the keyboard, it reads without JavaScript,
and no figure on the page is a count of pupils in 1..threshold-1: every element whose own
text is a number must carry ``data-kind``, and those marked ``count`` are checked. A
screenshot goes to ``reports/dashboard/screenshot.png``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.dashboard import build_dashboard
from pipeline.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = PROJECT_ROOT / "reports" / "dashboard" / "screenshot.png"
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")

OWN_TEXTS = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("script, style, title, desc")) continue;
    let text = "";
    for (const node of el.childNodes) if (node.nodeType === 3) text += node.textContent;
    text = text.trim();
    if (!text) continue;
    const marked = el.closest("[data-kind]");
    out.push({
      text,
      tag: el.tagName.toLowerCase(),
      kind: marked ? marked.getAttribute("data-kind") : null,
      visible: el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden",
    });
  }
  return out;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM:
        pytest.fail(
            "headless Chromium is missing: install Debian's package (apt-get install -y "
            "chromium); make test installs it before the tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def dashboard(release_dir: Path, tmp_path: Path) -> Path:
    return build_dashboard(release_dir, tmp_path / "dashboard")


def open_offline(browser: Any, index: Path, javascript: bool = True) -> tuple[Any, list[str]]:
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    blocked: list[str] = []
    errors: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url == index.as_uri():
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(index.as_uri())
    return page, blocked + errors


def column_values(page: Any, column: int) -> list[float | None]:
    cells = page.eval_on_selector_all(
        "#school-table tbody tr",
        f"rows => rows.map(r => r.cells[{column}].getAttribute('data-value'))",
    )
    return [float(v) if v is not None else None for v in cells]


def test_page_renders_offline_with_visible_charts(browser: Any, dashboard: Path) -> None:
    page, problems = open_offline(browser, dashboard)
    try:
        assert page.inner_text("h1") == "School performance"
        assert page.locator("#headlines .tile").count() == 6
        charts = page.locator("svg.chart")
        assert charts.count() == 10
        for i in range(charts.count()):
            chart = charts.nth(i)
            chart.scroll_into_view_if_needed()
            assert chart.is_visible()
            box = chart.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 60
            assert chart.get_attribute("aria-labelledby")
        assert page.locator("svg.chart rect.bar").count() > 40
        assert page.locator("svg.chart circle.point").count() == 12
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        page.context.close()
    assert SCREENSHOT.stat().st_size > 10_000
    assert not problems, problems


def test_no_figure_on_the_page_is_a_count_below_the_threshold(
    browser: Any, dashboard: Path, release_dir: Path
) -> None:
    threshold = json.loads((release_dir / "manifest.json").read_text())["profile"]["threshold"]
    assert threshold == 3
    page, problems = open_offline(browser, dashboard)
    try:
        page.eval_on_selector_all("details", "els => els.forEach(d => d.open = true)")
        texts = page.evaluate(OWN_TEXTS)
    finally:
        page.context.close()
    numbers = [t for t in texts if NUMBER.match(t["text"])]
    assert len(numbers) > 80
    hidden = [t for t in numbers if not t["visible"]]
    assert not hidden, f"with the data tables open every figure shows: {hidden[:5]}"
    unmarked = [t for t in numbers if t["kind"] is None]
    assert not unmarked, f"figures with no data-kind: {unmarked[:5]}"
    counts = [float(t["text"].replace(",", "")) for t in numbers if t["kind"] == "count"]
    assert len(counts) > 15
    small = [c for c in counts if 1 <= c <= threshold - 1]
    assert not small, f"counts in 1..{threshold - 1} on the page: {small}"
    assert {t["kind"] for t in numbers} >= {"count", "percentage", "mean"}
    assert not problems, problems


def test_school_table_sorts_from_the_keyboard(browser: Any, dashboard: Path) -> None:
    page, problems = open_offline(browser, dashboard)
    try:
        headers = page.locator("#school-table thead th")
        labels = [headers.nth(i).inner_text().strip() for i in range(headers.count())]
        column = labels.index("KS4: average Progress 8")
        page.locator("#school-table thead th button").nth(column - 1).focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == labels[column]
        page.keyboard.press("Enter")
        header = headers.nth(column)
        assert header.get_attribute("aria-sort") == "ascending"
        values = column_values(page, column)
        assert values == sorted(values)
        page.keyboard.press("Space")
        assert header.get_attribute("aria-sort") == "descending"
        assert column_values(page, column) == sorted(values, reverse=True)
        assert headers.nth(0).get_attribute("aria-sort") == "none"
        status = page.inner_text("#school-table-status")
        assert status == "Sorted by KS4: average Progress 8, descending."
        suppressed = labels.index("Eligible")
        page.locator("#school-table thead th button").nth(suppressed).focus()
        page.keyboard.press("Enter")
        shown = column_values(page, suppressed)
        assert shown[0] == 0.0 and shown[1:] == [None, None, None], "symbols sort last"
    finally:
        page.context.close()
    assert not problems, problems


def test_page_reads_without_javascript(browser: Any, dashboard: Path) -> None:
    page, problems = open_offline(browser, dashboard, javascript=False)
    try:
        assert page.locator("#school-table tbody tr").count() == 4
        assert page.locator("svg.chart").first.is_visible()
        assert "Symbols and how to read the figures" in page.inner_text("#legend")
    finally:
        page.context.close()
    assert not problems, problems
