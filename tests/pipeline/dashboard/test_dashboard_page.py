"""The page built from a release: headline tiles, charts, school table, legend, self-contained."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.dashboard import build_dashboard, read_release
from pipeline.dashboard.page import build_page
from pipeline.dashboard.render import render_page

BUILT = datetime(2025, 9, 1, 2, 0, 5, tzinfo=ZoneInfo("Europe/London"))


class Elements(HTMLParser):
    """Every start tag with its attributes and the text directly inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, dict[str, str | None], str]] = []
        self._stack: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        entry = (tag, dict(attrs))
        self.tags.append(entry)
        if tag not in ("meta", "br", "rect", "line", "circle", "polyline", "input"):
            self._stack.append(entry)

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and self._stack:
            tag, attrs = self._stack[-1]
            self.texts.append((tag, attrs, data.strip()))


@pytest.fixture
def page(release_dir: Path):
    return build_page(read_release(release_dir), BUILT)


@pytest.fixture
def html(page) -> str:
    return render_page(page)


def parsed(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def test_headline_tiles_show_the_la_figures_of_the_latest_year(page) -> None:
    tiles = {t.label: t for t in page.tiles}
    assert list(tiles) == [
        "Pupils in the LA",
        "Free school meals: Eligible",
        "KS2: reached the expected standard in reading, writing and maths",
        "KS4: average Attainment 8",
        "KS4: average Progress 8",
        "Absence: overall absence rate",
    ]
    assert tiles["Pupils in the LA"].value.display == "412"
    fsm = tiles["Free school meals: Eligible"]
    assert (fsm.value.display, fsm.detail.display, fsm.note) == ("101", "412", "pupils in all")
    ks2 = tiles["KS2: reached the expected standard in reading, writing and maths"]
    assert ks2.value.kind == "percentage" and ks2.value.display.endswith("%")
    assert ks2.note == "in 2023/24" and ks2.detail is not None
    assert tiles["KS4: average Progress 8"].value.kind == "mean"
    assert tiles["Absence: overall absence rate"].value.display.endswith("%")
    assert page.latest_period == "2024/25"


def test_the_ks2_tile_is_the_la_percentage_met_in_the_latest_year(page, release_dir: Path) -> None:
    import csv

    with (release_dir / "ks2_expected_sex.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    la = next(
        r
        for r in rows
        if (r["academic_year"], r["school"], r["sex"], r["outcome"])
        == ("2024/25", "Total", "Total", "met")
    )
    tile = next(t for t in page.tiles if t.label.startswith("KS2"))
    assert tile.value.text == la["percentage"]


def test_each_measure_has_a_trend_and_a_chart_per_breakdown(page) -> None:
    sections = {s.title: s for s in page.sections}
    assert list(sections) == [
        "Pupils by free school meals",
        "KS2: reached the expected standard in reading, writing and maths",
        "KS4: average Attainment 8",
        "KS4: average Progress 8",
        "Absence: overall absence rate",
    ]
    ks2 = sections["KS2: reached the expected standard in reading, writing and maths"]
    assert [c.kind for c in ks2.charts] == ["lines", "bars", "bars"]
    assert [c.category_label for c in ks2.charts[1:]] == [
        "Sex",
        "English as an additional language",
    ]
    by_sex = ks2.charts[1]
    assert by_sex.categories == ("All pupils", "Girls", "Boys")
    assert by_sex.series == ("2022/23", "2023/24", "2024/25")
    assert all(len(row) == 3 for row in by_sex.values)
    assert all(n is not None and n.kind == "count" for row in by_sex.cohorts for n in row)
    trend = ks2.charts[0]
    assert trend.categories == ("2022/23", "2023/24", "2024/25")
    assert all(ci is not None for row in trend.intervals for ci in row)
    assert "2022/23" in trend.description and "%" in trend.description


def test_school_table_has_one_named_row_per_school_and_marks_kinds(page) -> None:
    table = page.school_table
    assert [r.code for r in table.rows] == ["3592001", "3592002", "3592003", "4592001"]
    assert table.rows[0].name == "Abbey Road Primary"
    assert [r.phase for r in table.rows] == ["Primary", "Primary", "Primary", "Secondary"]
    headings = [c.label for c in table.columns]
    assert headings.count("Pupils") == 1
    assert "KS2: pupils" in headings and "KS4: pupils" in headings
    kinds = [c.kind for c in table.columns]
    assert {"count", "percentage", "mean", "rate"} <= set(kinds)
    fsm_yes = headings.index("Eligible")
    assert [r.values[fsm_yes].display for r in table.rows] == ["0", "c", "c", "c"]


def test_legend_explains_every_symbol_on_the_page(page) -> None:
    legend = dict(page.legend)
    assert page.legend[0][0] == "c"
    assert "confidential" in legend["c"]
    assert "not applicable" in legend["z"]


def test_page_is_self_contained_with_no_external_resource(html: str) -> None:
    elements = parsed(html)
    assert not re.search(r"https?://|//cdn|@import|url\(", html)
    for tag, attrs in elements.tags:
        assert "src" not in attrs, (tag, attrs)
        assert tag != "link", attrs
    assert html.count("<style>") == 1 and html.count("<script>") == 1


def test_page_names_release_and_reference_date_and_explains_threshold(
    html: str, release_dir: Path
) -> None:
    assert release_dir.name in html
    assert '<time datetime="2024-10-03">2024-10-03</time>' in html
    assert "No count of pupils between 1 and 2 is published" in html
    assert 'lang="en"' in html and "Skip to main content" in html


def test_every_chart_has_a_text_alternative_and_a_data_table(html: str) -> None:
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.S)
    assert len(svgs) == 10
    for svg in svgs:
        chart = re.search(r'id="([^"]+)-svg"', svg).group(1)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in svg
        assert re.search(rf'<title id="{chart}-title">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{chart}-desc">[^<]+</desc>', svg)
    assert html.count("<summary>Data table") == 10


def test_every_figure_is_marked_with_its_kind(html: str) -> None:
    number = re.compile(r"^-?[\d,]+(\.\d+)?%?$")
    elements = parsed(html)
    numeric = [(tag, attrs, text) for tag, attrs, text in elements.texts if number.match(text)]
    assert len(numeric) > 80
    unmarked = [(tag, text) for tag, attrs, text in numeric if "data-kind" not in attrs]
    assert not unmarked
    counts = [
        float(text.replace(",", ""))
        for _, attrs, text in numeric
        if attrs.get("data-kind") == "count"
    ]
    assert counts and not [c for c in counts if 1 <= c <= 2]
    for _, attrs, text in numeric:
        if attrs.get("data-kind") == "percentage":
            assert text.endswith("%")


def test_school_table_headers_are_sort_buttons_with_aria_sort(html: str) -> None:
    table = re.search(r'<table class="sortable".*?</thead>', html, flags=re.S).group(0)
    headers = re.findall(r"<th [^>]*>", table)
    assert len(headers) >= 8
    assert all('aria-sort="' in h for h in headers)
    assert 'aria-sort="ascending"' in headers[0]
    assert table.count('<button type="button">') == len(headers)


def test_build_writes_index_and_a_dated_copy_and_status(release_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "dashboard"
    index = build_dashboard(release_dir, out, now=BUILT)
    assert index == out / "index.html"
    dated = out / "2025-09-01" / "index.html"
    links = re.compile(r"</?a\b[^>]*>")
    assert links.sub("", dated.read_text()) == links.sub("", index.read_text())
    assert 'href="../data/' in dated.read_text() and 'href="schools/' not in dated.read_text()
    status = (out / "status.json").read_text()
    assert '"state": "ok"' in status and release_dir.name in status
    assert not [p for p in out.rglob(".*tmp-*")]
    later = build_dashboard(release_dir, out, now=BUILT.replace(day=2))
    assert (out / "2025-09-02" / "index.html").exists() and dated.exists()
    assert "2025-09-02T02:00:05+01:00" in later.read_text()
