"""Data Docs render the suites and the run's redacted results, never any pupil's data."""

from __future__ import annotations

import re
from pathlib import Path

from expectations.docs import STATIC_INDEX_ID, build_suite_docs, docs_entry, write_quality_docs
from expectations.run import validate
from tests.expectations.frames import census_row, make_upn, typed_frame


def visible_text(page: Path) -> str:
    """What a browser without network (no scripts, no CDN styles) shows of ``page``."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def test_suite_docs_are_written(tmp_path: Path) -> None:
    index = build_suite_docs(tmp_path / "docs", ["census", "absence"])
    assert index.is_file()
    census_page = (tmp_path / "docs" / "expectations" / "pupilstats_census.html").read_text()
    assert "must be a valid UPN" in census_page
    assert "date_of_birth consistent with nc_year" in census_page
    assert (tmp_path / "docs" / "expectations" / "pupilstats_absence.html").is_file()


def test_run_docs_show_results_without_pupil_values(tmp_path: Path) -> None:
    bad_upn = "Q" + make_upn(3)[1:]
    frame = typed_frame("census", [census_row(1), census_row(2), census_row(3, upn=bad_upn)])
    outcome = validate(frame, "census", max_bad_share=1.0, file="/in/census.csv")
    assert outcome.quarantined["upn"].to_list() == [bad_upn]
    index = write_quality_docs(tmp_path / "dd", [docs_entry(outcome)], run_name="run-7")
    pages = list((tmp_path / "dd").rglob("*.html"))
    result_pages = [p for p in pages if "validations" in p.parts]
    assert len(result_pages) == 1 and result_pages[0].name == "census.csv.html"
    shown = visible_text(result_pages[0])
    assert "Unsuccessful Expectations 1" in shown
    assert "must be a valid UPN" in shown
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert bad_upn not in text and make_upn(1) not in text, page
        assert "2016-03-14" not in text and "Smith" not in text, page
    offline = visible_text(index)
    assert STATIC_INDEX_ID in index.read_text()
    assert "census.csv" in offline and "run-7" in offline
    assert "pupilstats_census" in offline


def test_each_run_has_its_own_site(tmp_path: Path) -> None:
    frame = typed_frame("census", [census_row(1)])
    outcome = validate(frame, "census")
    write_quality_docs(tmp_path / "a", [docs_entry(outcome, "first.csv")], run_name="a")
    write_quality_docs(tmp_path / "b", [docs_entry(outcome, "second.csv")], run_name="b")
    assert "second.csv" not in (tmp_path / "a" / "index.html").read_text()
    assert "first.csv" not in (tmp_path / "b" / "index.html").read_text()
