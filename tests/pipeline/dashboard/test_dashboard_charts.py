"""Charts, school pages and downloads of the dashboard, read from the HTML (no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.dashboard import build_dashboard
from pipeline.dashboard.axes import bar_scale, line_scale
from pipeline.dashboard.charts import bar_chart
from pipeline.dashboard.model import Chart
from pipeline.dashboard.school_pages import school_file
from pipeline.dashboard.values import published
from tests.pipeline.dashboard import synthetic_release
from tests.pipeline.dashboard.synthetic_release import write_synthetic_release


def _chart(values: list[str], kind: str, intervals: bool = False) -> Chart:
    rows = tuple((published(v, kind),) for v in values)
    cis = ()
    if intervals:
        cis = tuple(
            ((published(str(float(v) - 1), "ci_lower"), published(str(float(v) + 1), "ci_upper")),)
            for v in values
        )
    return Chart(
        id="c",
        kind="bars",
        title="t",
        description="d",
        value_label="axis",
        category_label="Group",
        categories=tuple(f"Group {i}" for i in range(len(values))),
        series=("2024/25",),
        values=rows,
        intervals=cis,
    )


def test_bars_of_scaled_scores_start_at_a_stated_baseline_not_zero() -> None:
    scale = bar_scale([98.8, 105.1, 101.2], "mean")
    assert 90 <= scale.baseline < 98.8 and scale.truncated
    svg = bar_chart(_chart(["98.8", "105.1", "101.2"], "mean"))
    assert f"The axis starts at {scale.baseline:g}, not 0." in svg
    widths = [float(w) for w in re.findall(r'class="bar" x="[\d.]+" y="\d+" width="([\d.]+)"', svg)]
    assert max(widths) > 3 * min(widths), "differences between the groups show"


@pytest.mark.parametrize("kind", ["count", "percentage", "rate"])
def test_counts_percentages_and_rates_start_at_zero(kind: str) -> None:
    assert bar_scale([60.0, 80.0], kind).baseline == 0
    assert not bar_scale([-0.3, 0.2], "mean").truncated


def test_negative_labels_clear_the_category_names_and_intervals_are_drawn() -> None:
    svg = bar_chart(_chart(["-0.29", "0.27", "-0.05"], "mean", intervals=True))
    names_end = max(float(x) for x in re.findall(r'class="category" x="([\d.]+)"', svg))
    for x, text in re.findall(
        r'class="value" x="([\d.]+)"[^>]*text-anchor="end"[^>]*>([^<]+)<', svg
    ):
        assert float(x) - 7 * len(text) > names_end, (x, text)
    assert svg.count('<line class="ci"') == 3
    assert 'class="axis-line"' in svg and svg.count('class="tick"') >= 3


def test_a_flat_trend_gets_an_axis_around_it() -> None:
    scale = line_scale([0.0, 0.0, 0.0], "mean")
    assert scale.lo < 0 < scale.hi and len(scale.ticks) >= 3


def test_school_page_names_are_plain_file_names() -> None:
    assert school_file("3592001") == "schools/3592001.html"
    assert school_file("../../etc/x") == "schools/______etc_x.html"


def test_build_writes_school_pages_and_the_release_tables_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(synthetic_release.NAMES, "3592001", '<script>alert("x")</script> & Co')
    release = write_synthetic_release(tmp_path / "releases", ks4_secondary_only=True)
    out = tmp_path / "dashboard"
    index = build_dashboard(release, out)
    pages = sorted(p.name for p in (out / "schools").glob("*.html"))
    assert pages == ["3592001.html", "3592002.html", "3592003.html", "4592001.html"]
    for page in [index, *(out / "schools").glob("*.html")]:
        html = page.read_text()
        assert "<script>alert" not in html, page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in index.read_text()
    primary = (out / "schools" / "3592002.html").read_text()
    assert "Not applicable to this school" in primary and "KS4: average Attainment 8" in primary
    secondary = (out / "schools" / "4592001.html").read_text()
    assert "Dale Academy and the LA" in secondary and "Not applicable" not in secondary
    manifest = json.loads((release / "manifest.json").read_text())
    copied = out / "data" / release.name
    assert sorted(p.name for p in copied.iterdir()) == sorted(t["file"] for t in manifest["tables"])
    for table in manifest["tables"]:
        assert (copied / table["file"]).read_bytes() == (release / table["file"]).read_bytes()
        assert f'href="data/{release.name}/{table["file"]}" download' in index.read_text()
    dated = next(out.glob("*/index.html"))
    first = manifest["tables"][0]["file"]
    assert f'href="../data/{release.name}/{first}" download' in dated.read_text()
    assert not (dated.parent / "schools").exists(), "school pages: the current release's only"
