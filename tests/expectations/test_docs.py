"""Data Docs render the suites, and never any pupil's data."""

from __future__ import annotations

from pathlib import Path

from expectations.docs import build_suite_docs
from expectations.run import validate
from tests.expectations.frames import census_row, make_upn, typed_frame


def test_suite_docs_are_written(tmp_path: Path) -> None:
    index = build_suite_docs(tmp_path / "docs", ["census", "absence"])
    assert index.is_file()
    census_page = (tmp_path / "docs" / "expectations" / "pupilstats_census.html").read_text()
    assert "must be a valid UPN" in census_page
    assert "date_of_birth consistent with nc_year" in census_page
    assert (tmp_path / "docs" / "expectations" / "pupilstats_absence.html").is_file()


def test_validate_can_build_docs_without_pupil_values(tmp_path: Path) -> None:
    bad_upn = "Q" + make_upn(3)[1:]
    frame = typed_frame("census", [census_row(1), census_row(2), census_row(3, upn=bad_upn)])
    outcome = validate(frame, "census", max_bad_share=1.0, data_docs_dir=tmp_path / "dd")
    assert outcome.quarantined["upn"].to_list() == [bad_upn]
    pages = [p.read_text() for p in (tmp_path / "dd").rglob("*.html")]
    assert pages
    assert not any(bad_upn in page or make_upn(1) in page for page in pages)
