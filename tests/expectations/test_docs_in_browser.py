"""Data Docs open in a browser: a run's site renders offline in headless Chromium and its
links lead to the validation results (issue 4: "Data Docs open in a browser from
reports/quality/")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from expectations.docs import docs_entry, write_quality_docs
from expectations.run import validate
from tests.expectations.frames import census_row, make_upn, typed_frame

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.browser


def test_run_docs_render_offline_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    assert CHROMIUM, "Debian's chromium is needed for browser tests (.ci/run installs it)"
    bad_upn = "Q" + make_upn(3)[1:]
    frame = typed_frame("census", [census_row(1), census_row(2), census_row(3, upn=bad_upn)])
    outcome = validate(frame, "census", max_bad_share=1.0, file="/in/census.csv")
    index = write_quality_docs(tmp_path / "quality" / "run-1", [docs_entry(outcome)], "run-1")

    def offline(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.route("**/*", offline)
            page.goto(index.as_uri())
            body = page.inner_text("body")
            assert "census.csv" in body and "run-1" in body
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            results = [href for href in links if "validations" in href]
            assert results, links
            page.goto(results[0])
            shown = page.inner_text("body")
            assert "must be a valid UPN" in shown
            assert bad_upn not in page.content()
            page.screenshot(path=str(tmp_path / "data-docs.png"))
        finally:
            browser.close()
    assert (tmp_path / "data-docs.png").stat().st_size > 0
