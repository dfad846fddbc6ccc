"""A failed run keeps yesterday's figures and marks the page (banner) and status.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pipeline.dashboard import RunInfo, build_dashboard, mark_dashboard_failure
from pipeline.dashboard.status import BANNER_END, BANNER_START, redacted

FAILED_AT = datetime(2025, 9, 2, 1, 0, 9, tzinfo=UTC)


def _outside_banner(html: str) -> str:
    start, end = html.index(BANNER_START), html.index(BANNER_END)
    return html[:start] + html[end:]


def test_failure_keeps_the_figures_and_replaces_only_the_banner(
    release_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dashboard"
    index = build_dashboard(release_dir, out)
    before = index.read_text()
    dated = next(out.glob("*/index.html"))
    dated_before = dated.read_text()
    info = RunInfo(
        flow="nightly-performance",
        run_name="quiet-otter",
        run_id="0f3c",
        message="census.csv: rejected: 40% of rows bad",
        failed_at=FAILED_AT,
    )
    assert mark_dashboard_failure(out, info) == index
    after = index.read_text()
    assert _outside_banner(after) == _outside_banner(before)
    assert 'data-state="failed"' in after and 'data-state="ok"' not in after
    assert "The latest update failed" in after and "quiet-otter" in after
    assert "census.csv: rejected: 40% of rows bad" in after
    assert release_dir.name in after.split(BANNER_END)[0]
    assert dated.read_text() == dated_before
    status = json.loads((out / "status.json").read_text())
    assert status["state"] == "failed" and status["run_name"] == "quiet-otter"
    assert status["last_success"]["release_id"] == release_dir.name

    # a second failure keeps the last success; the next good build clears the banner
    mark_dashboard_failure(out, {"flow": "nightly-performance", "message": "again"})
    status = json.loads((out / "status.json").read_text())
    assert status["message"] == "again"
    assert status["last_success"]["release_id"] == release_dir.name
    rebuilt = build_dashboard(release_dir, out).read_text()
    assert 'data-state="ok"' in rebuilt and 'data-state="failed"' not in rebuilt
    assert json.loads((out / "status.json").read_text())["state"] == "ok"


def test_failure_before_any_dashboard_writes_a_page_saying_so(tmp_path: Path) -> None:
    out = tmp_path / "dashboard"
    index = mark_dashboard_failure(out, RunInfo(flow="nightly-performance", message="boom"))
    html = index.read_text()
    assert "The latest update failed" in html
    assert "No dashboard has been built successfully yet" in html
    assert json.loads((out / "status.json").read_text())["last_success"] == {}


def test_banner_message_is_redacted_of_record_values() -> None:
    message = (
        "census.csv row 12: upn 'A12345678901B' invalid for A123456789012, dob 2014-03-02, "
        'postcode SW1A 1AA, name "Ann"\nTraceback ...'
    )
    shown = redacted(message)
    for secret in ("A12345678901B", "A123456789012", "2014-03-02", "SW1A 1AA", "Ann", "Traceback"):
        assert secret not in shown
    assert shown.startswith("census.csv row 12: upn")
    assert len(redacted("x" * 1000)) <= 241
