"""The dashboard at a desktop width (1400 px) and a phone's (390 px), in headless Chromium.

One build of a synthetic release shaped like the nightly one (KS4 tables with rows for the
secondary school only) and one browser for the module; at each width the main page and a
school page are loaded once each and checked for: no sideways scroll (the school table
scrolls inside its own container, which says so), a visible value axis with ticks on every
chart shown, and every figure on the page one of the release's published cells (numbers
only in elements marked with their kind; axis ticks are marked ``axis``). Full-page
screenshots go to ``reports/dashboard/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.dashboard import build_dashboard
from pipeline.settings import PROJECT_ROOT
from tests.pipeline.dashboard.synthetic_release import write_synthetic_release

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = PROJECT_ROOT / "reports" / "dashboard"
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")
NOT_FIGURES = frozenset({"axis", "code", "period"})
"""Kinds of number that are not figures of the release: axis ticks, school codes, years."""

PAGE_FACTS = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = el => el.closest(".table-wrap");
  const overflowing = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (inScroller(el) || el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1) overflowing.push(el.tagName + "#" + el.id);
  }
  const charts = [...document.querySelectorAll("svg.chart")]
    .filter(svg => svg.getClientRects().length > 0)
    .map(svg => {
      const box = svg.getBoundingClientRect();
      const ticks = [...svg.querySelectorAll("g.axis text.tick")].filter(t => {
        const r = t.getBoundingClientRect();
        return r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1;
      });
      const line = svg.querySelector("g.axis .axis-line");
      return { id: svg.id, ticks: ticks.length, width: box.width,
               line: !!line && line.getBoundingClientRect().width +
                              line.getBoundingClientRect().height > 20,
               title: !!svg.querySelector("g.axis .axis-title") };
    });
  const texts = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("script, style, title, desc")) continue;
    let text = "";
    for (const node of el.childNodes) if (node.nodeType === 3) text += node.textContent;
    text = text.trim();
    if (!text) continue;
    const marked = el.closest("[data-kind]");
    texts.push({ text, kind: marked ? marked.getAttribute("data-kind") : null });
  }
  const wrap = document.querySelector("#schools .table-wrap");
  const cue = document.getElementById("school-table-cue");
  return {
    scrollWidth: document.documentElement.scrollWidth, width, overflowing, charts, texts,
    height: document.documentElement.scrollHeight,
    table: wrap && { scrolls: wrap.scrollWidth > wrap.clientWidth,
                     overflowX: getComputedStyle(wrap).overflowX,
                     cue: cue.getClientRects().length > 0 },
  };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The release folder and the built dashboard's ``index.html``."""
    root = tmp_path_factory.mktemp("layout")
    release = write_synthetic_release(root / "releases", ks4_secondary_only=True)
    return release, build_dashboard(release, root / "dashboard")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert CHROMIUM, "headless Chromium is missing: apt-get install -y chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def published_numbers(release: Path) -> set[float]:
    """Every number among the release's published cells (measure and derived columns)."""
    manifest = json.loads((release / "manifest.json").read_text())
    found: set[float] = set()
    for table in manifest["tables"]:
        columns = [table["measure"]["column"], *(d["column"] for d in table.get("derived", []))]
        with (release / table["file"]).open(newline="") as handle:
            for row in csv.DictReader(handle):
                for column in columns:
                    with contextlib.suppress(ValueError):
                        found.add(float(row[column]))
    return found


def load(browser: Any, page_file: Path, width: int) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems: list[str] = []

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            problems.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(page_file.as_uri())
    return page, problems


def check_page(page: Any, numbers: set[float], shot: Path) -> dict[str, Any]:
    """Overflow, axes and figures of the loaded ``page``; a full-page screenshot."""
    page.screenshot(path=str(shot), full_page=True)
    page.eval_on_selector_all("details", "els => els.forEach(d => d.open = true)")
    facts = page.evaluate(PAGE_FACTS)
    assert facts["scrollWidth"] <= facts["width"], f"sideways scroll: {facts['scrollWidth']}"
    assert not facts["overflowing"], facts["overflowing"][:5]
    assert facts["charts"], "no chart shown"
    for chart in facts["charts"]:
        assert chart["ticks"] >= 3 and chart["line"] and chart["title"], chart
    figures = [t for t in facts["texts"] if NUMBER.match(t["text"])]
    unmarked = [t for t in figures if t["kind"] is None]
    assert not unmarked, f"numbers not marked with their kind: {unmarked[:5]}"
    shown = [t for t in figures if t["kind"] not in NOT_FIGURES]
    assert shown
    foreign = [t for t in shown if float(t["text"].replace(",", "").rstrip("%")) not in numbers]
    assert not foreign, f"figures not among the release's published cells: {foreign[:5]}"
    return facts


@pytest.mark.parametrize("width", [1400, 390])
def test_pages_fit_show_axes_and_only_published_figures(
    browser: Any, site: tuple[Path, Path], width: int
) -> None:
    release, index = site
    numbers = published_numbers(release)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, problems = load(browser, index, width)
    try:
        facts = check_page(page, numbers, SCREENSHOTS / f"dashboard-{width}.png")
        table = facts["table"]
        assert table["overflowX"] == "auto"
        assert table["cue"] == table["scrolls"], "the cue shows exactly when the table scrolls"
        if width == 390:
            assert table["scrolls"]
        ks4 = page.eval_on_selector_all(
            "#school-table tbody tr",
            "rows => rows.map(r => [r.dataset.phase, r.cells[r.cells.length - 3].textContent])",
        )
        assert [v for phase, v in ks4 if phase == "Primary"] == ["z", "z", "z"]
        link = page.get_attribute("#downloads a[download]", "href")
        copied = index.parent / link
        assert copied.read_bytes() == (release / copied.name).read_bytes()
        if width == 1400:
            page.fill("#school-search", "castle")
            names = page.eval_on_selector_all(
                "#school-table tbody tr:not([hidden]) td a", "as => as.map(a => a.textContent)"
            )
            assert names == ["Castle Hill Primary"]
            page.fill("#school-search", "")
            page.select_option("#school-phase", "Secondary")
            visible = page.locator("#school-table tbody tr:not([hidden])")
            assert visible.count() == 1
        school = index.parent / page.get_attribute("#school-table tbody tr td a", "href")
    finally:
        page.context.close()
    assert not problems, problems
    page, problems = load(browser, school, width)
    try:
        facts = check_page(page, numbers, SCREENSHOTS / f"school-{width}.png")
        assert page.inner_text("h1") == "Abbey Road Primary"
        assert "Not applicable to this school" in page.inner_text("#not-applicable")
        lines = [c for c in facts["charts"] if c["id"].endswith("-trend-svg")]
        assert lines, "the school's trends"
    finally:
        page.context.close()
    assert not problems, problems
