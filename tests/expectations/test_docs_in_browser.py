"""Data Docs open in a browser with the network off: a run's site renders styled offline in
headless Chromium, asks for nothing outside the site, its links lead to the validation
results, and a page's status is the run's verdict (issue 4; issue 18 point 6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from expectations.docs import docs_entry, write_quality_docs
from expectations.docs_offline import external_resources
from expectations.run import validate
from pipeline.settings import PROJECT_ROOT
from tests.expectations.frames import census_row, make_upn, typed_frame

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = PROJECT_ROOT / "reports" / "quality" / "data-docs-offline.png"
NO_NETWORK = ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND", "--no-proxy-server"]
"""Every host name resolves to nothing: a page that needs the network cannot get it."""

pytestmark = pytest.mark.browser


def test_run_docs_render_styled_offline_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    assert CHROMIUM, "Debian's chromium is needed for browser tests (make test installs it)"
    bad_upn = "Q" + make_upn(3)[1:]
    frame = typed_frame("census", [census_row(1), census_row(2), census_row(3, upn=bad_upn)])
    outcome = validate(frame, "census", max_bad_share=1.0, file="/in/census.csv")
    assert not outcome.batch_failures, "one bad row of three, quarantined: the file is accepted"
    site = tmp_path / "quality" / "run-1"
    index = write_quality_docs(site, [docs_entry(outcome)], "run-1")
    for page in site.rglob("*.html"):
        assert not external_resources(page.read_text(encoding="utf-8")), page
    requested: list[str] = []

    def offline(route: Route) -> None:
        requested.append(route.request.url)
        if route.request.url.startswith(site.as_uri()):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=NO_NETWORK)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", offline)
            page.goto(index.as_uri())
            body = page.inner_text("body")
            assert "census.csv" in body and "run-1" in body and "accepted" in body
            assert "newsletter" not in body.lower()
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            results = [href for href in links if "validations" in href]
            assert results, links
            page.goto(results[0])
            shown = page.inner_text("body")
            assert "must be a valid UPN" in shown
            assert "Accepted: 2 of 3 rows of census.csv loaded, 1 quarantined" in shown
            assert "Status: Succeeded" in " ".join(shown.split()) and "Failed" not in shown
            assert bad_upn not in page.content()
            styled = page.evaluate(
                """() => ({
                  font: getComputedStyle(document.body).fontFamily,
                  collapse: getComputedStyle(document.querySelector("table")).borderCollapse,
                  tick: getComputedStyle(document.querySelector(".fa-check-circle"), "::before")
                    .content,
                  hidden: [...document.querySelectorAll(".btn-group-toggle")]
                    .every(e => e.getClientRects().length === 0),
                })"""
            )
            assert styled == {
                "font": "Arial, Helvetica, sans-serif",
                "collapse": "collapse",
                "tick": '"✔"',
                "hidden": True,
            }, styled
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    outside = [url for url in requested if not url.startswith(site.as_uri())]
    assert not outside, f"pages asked for the network: {outside}"
    assert SCREENSHOT.stat().st_size > 0
