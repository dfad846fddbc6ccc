"""The page model as one self-contained HTML document (styles, script and charts inline).

Nothing is fetched: no CDN, no external URL, no web font. The page reads in full without
JavaScript (the script only sorts the school table). Every figure carries ``data-kind``
(``count``, ``percentage``, ``mean``, ...) and ``data-value`` when it is a number, or
``data-symbol`` when it is a symbol, so counts can be told from rates by a reader's tools.
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path

from pipeline.dashboard.charts import chart_svg
from pipeline.dashboard.figures_html import cell, figure
from pipeline.dashboard.model import Chart, Page, Section, Tile
from pipeline.dashboard.school_table_html import school_table_html
from pipeline.dashboard.status import banner_fragment, ok_banner

STATIC = Path(__file__).parent / "static"


@cache
def asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _tile(tile: Tile) -> str:
    detail = ""
    if tile.detail is not None:
        detail = f'<p class="tile-note">{figure(tile.detail)} {escape(tile.note)}</p>'
    elif tile.note:
        detail = f'<p class="tile-note">{escape(tile.note)}</p>'
    return (
        f'<li class="tile"><p class="tile-label">{escape(tile.label)}</p>'
        f'<p class="tile-value">{figure(tile.value)}</p>{detail}</li>'
    )


def _chart_table(chart: Chart) -> str:
    """The chart's figures as a table: value, 95% interval and pupils per series."""
    with_ci = any(ci is not None for row in chart.intervals for ci in row)
    with_n = any(n is not None for row in chart.cohorts for n in row)
    head = [f'<th scope="col">{escape(chart.category_label)}</th>']
    for name in chart.series:
        head.append(f'<th scope="col" class="num">{escape(name)}</th>')
        if with_ci:
            head.append(f'<th scope="col" class="num">{escape(name)} 95% interval</th>')
        if with_n:
            head.append(f'<th scope="col" class="num">{escape(name)} pupils</th>')
    rows = []
    for i, (category, row) in enumerate(zip(chart.categories, chart.values, strict=True)):
        cells = [f'<th scope="row">{escape(category)}</th>']
        for j, value in enumerate(row):
            cells.append(cell(value))
            if with_ci:
                ci = chart.intervals[i][j]
                shown = (
                    f"{figure(ci[0])} to {figure(ci[1])}" if ci and ci[0].number is not None else ""
                )
                cells.append(f'<td class="num">{shown}</td>')
            if with_n:
                cohort = chart.cohorts[i][j]
                cells.append(cell(cohort) if cohort is not None else '<td class="num"></td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<details><summary>Data table<span class="visually-hidden">: {escape(chart.title)}'
        f'</span></summary><div class="table-wrap"><table><caption>{escape(chart.title)}'
        f"</caption><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></div></details>"
    )


def _chart(chart: Chart) -> str:
    return (
        f'<figure id="{chart.id}" class="chart-figure" data-chart="{chart.kind}">'
        f'<figcaption id="{chart.id}-caption">{escape(chart.title)}</figcaption>'
        f"{chart_svg(chart)}{_chart_table(chart)}</figure>"
    )


SHOWN_CHARTS = 3
"""Charts of a section shown at once (the trend and the first two breakdowns); the others
open from a "More groups" disclosure, which keeps the page short on a phone."""


def section_html(section: Section) -> str:
    """A measure's section: its first charts, then the rest behind a disclosure."""
    shown = "".join(_chart(c) for c in section.charts[:SHOWN_CHARTS])
    more = section.charts[SHOWN_CHARTS:]
    extra = ""
    if more:
        names = ", ".join(c.category_label for c in more)
        extra = (
            f'<details class="more-charts"><summary>More groups: {escape(names)}</summary>'
            f'<div class="charts">{"".join(_chart(c) for c in more)}</div></details>'
        )
    return (
        f'<section class="measure" id="{escape(section.id)}" '
        f'aria-labelledby="{escape(section.id)}-h">'
        f'<h3 id="{escape(section.id)}-h">{escape(section.title)}</h3>'
        f'<div class="charts">{shown}</div>{extra}</section>'
    )


def legend_html(page: Page) -> str:
    items = "".join(
        f"<dt><code>{escape(symbol)}</code></dt><dd>{escape(meaning)}</dd>"
        for symbol, meaning in page.legend
    )
    rounding = (
        f"<p>Counts are rounded to the nearest {page.rounding_base}.</p>"
        if page.rounding_base
        else ""
    )
    return (
        '<section id="legend" aria-labelledby="legend-h"><h2 id="legend-h">Symbols and how to '
        f'read the figures</h2><dl class="legend">{items}</dl>'
        f"<p>No count of pupils between 1 and {page.threshold - 1} is published: such a count, "
        "and any figure from which it could be worked out, is shown by the symbol above. "
        "Percentages and averages are suppressed with the counts they come from.</p>"
        f"{rounding}<p>Counts of pupils are whole numbers; percentages and rates end in %; "
        "averages (such as scaled scores, Attainment 8 and Progress 8) are shown as "
        "published.</p>"
        "</section>"
    )


def downloads_html(page: Page, root: str = "") -> str:
    """Links to each table of the release as published (a copy of its CSV); ``root`` leads
    from the page's folder to the dashboard's."""
    items = "".join(
        f'<li><a href="{escape(root + d.href)}" download>{escape(d.title)}</a> '
        f'<span class="file">(CSV, <code>{escape(d.href.rsplit("/", 1)[-1])}</code>)</span></li>'
        for d in page.downloads
    )
    return (
        '<section id="downloads" aria-labelledby="downloads-h"><h2 id="downloads-h">'
        "Download the tables</h2><p>Each table exactly as the release publishes it: its "
        "published cells only, with the same symbols.</p>"
        f'<ul class="downloads">{items}</ul></section>'
    )


def _about(page: Page) -> str:
    return (
        '<section id="about" aria-labelledby="about-h"><h2 id="about-h">About this page</h2>'
        f"<p>Built from the protected statistical release <code>{escape(page.release_id)}</code> "
        f"(flow <code>{escape(page.flow)}</code>, disclosure profile "
        f"<code>{escape(page.profile)}</code>; the release's audit "
        f"{'passed' if page.audit_passed else 'did not pass'}). It reads only that release, "
        "never pupil-level records.</p></section>"
    )


def _header(page: Page) -> str:
    period = (
        f'<dt>Latest year:</dt><dd data-kind="period">{escape(page.latest_period)}</dd>'
        if page.latest_period
        else ""
    )
    return (
        f'<header><h1>{escape(page.title)}</h1><dl class="meta">'
        f'<dt>Reference date:</dt><dd><time datetime="{escape(page.reference_date)}">'
        f"{escape(page.reference_date)}</time></dd>{period}"
        f"<dt>Release:</dt><dd><code>{escape(page.release_id)}</code></dd>"
        f'<dt>Page built:</dt><dd><time datetime="{escape(page.built_at)}">'
        f"{escape(page.built_at)}</time></dd></dl></header>"
    )


def _nav(page: Page) -> str:
    links = [
        '<li><a href="#headlines">Headlines</a></li>',
        '<li><a href="#legend">Symbols</a></li>',
    ]
    links += [f'<li><a href="#{s.id}">{escape(s.title)}</a></li>' for s in page.sections]
    if page.school_table:
        links.append('<li><a href="#schools">Schools</a></li>')
    if page.downloads:
        links.append('<li><a href="#downloads">Download the tables</a></li>')
    links.append('<li><a href="#about">About</a></li>')
    return f'<nav aria-label="Contents"><ul>{"".join(links)}</ul></nav>'


def render_page(page: Page, *, dated: bool = False) -> str:
    """The whole HTML document of ``page``.

    ``dated``: the dated copy, one folder below the dashboard: its downloads lead to the
    tables one folder up (``data/<release id>/`` is kept per release) and its school names
    are not links (school pages are kept for the current release only).
    """
    tiles = "".join(_tile(t) for t in page.tiles)
    sections = "".join(section_html(s) for s in page.sections)
    schools = ""
    if page.school_table is not None:
        schools = (
            '<section id="schools" aria-labelledby="schools-h"><h2 id="schools-h">Schools</h2>'
            "<p>Select a school's name for its page (three-year trends and groups). Select a "
            "column heading to sort the table by it; select it again to reverse. Suppressed "
            "and not applicable figures sort last.</p>"
            f"{school_table_html(page.school_table, linked=not dated)}</section>"
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="pupilstats-release" content="{escape(page.release_id)}">'
        f"<title>{escape(page.title)} – {escape(page.reference_date)}</title>"
        f"<style>{asset('dashboard.css')}</style></head>"
        f'<body data-release-id="{escape(page.release_id)}" data-threshold="{page.threshold}">'
        '<a class="skip" href="#main">Skip to main content</a>'
        f"{_header(page)}"
        f'<div class="status-area">{banner_fragment(ok_banner(page.built_at, page.release_id))}'
        f"</div>"
        f'<main id="main">{_nav(page)}'
        '<section id="headlines" aria-labelledby="headlines-h">'
        '<h2 id="headlines-h">Headlines for the local authority</h2>'
        f'<ul class="tiles">{tiles}</ul></section>'
        f"{legend_html(page)}"
        '<section id="measures" aria-labelledby="measures-h">'
        f'<h2 id="measures-h">Measures by group and over time</h2>{sections}</section>'
        f"{schools}{downloads_html(page, '../' if dated else '') if page.downloads else ''}"
        f"{_about(page)}</main>"
        "<footer><p>pupilstats: disclosure-controlled statistics. Figures are from the release "
        "named above.</p></footer>"
        f"<script>{asset('dashboard.js')}</script></body></html>\n"
    )
