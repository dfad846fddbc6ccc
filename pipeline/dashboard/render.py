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
from pipeline.dashboard.model import Chart, Page, SchoolTable, Section, Tile
from pipeline.dashboard.status import banner_fragment, ok_banner
from pipeline.dashboard.values import Value

STATIC = Path(__file__).parent / "static"


@cache
def _asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _attrs(value: Value) -> str:
    attrs = f'data-kind="{escape(value.kind)}"'
    if value.number is not None:
        return attrs + f' data-value="{value.number:g}"'
    return attrs + f' data-symbol="{escape(value.symbol or "")}"'


def figure(value: Value, tag: str = "span", css: str = "") -> str:
    """One figure in an element marked with its kind."""
    klass = f' class="{css}"' if css else ""
    return f"<{tag}{klass} {_attrs(value)}>{escape(value.display)}</{tag}>"


def _cell(value: Value) -> str:
    return figure(value, "td", "num")


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
            cells.append(_cell(value))
            if with_ci:
                ci = chart.intervals[i][j]
                shown = (
                    f"{figure(ci[0])} to {figure(ci[1])}" if ci and ci[0].number is not None else ""
                )
                cells.append(f'<td class="num">{shown}</td>')
            if with_n:
                cohort = chart.cohorts[i][j]
                cells.append(_cell(cohort) if cohort is not None else '<td class="num"></td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<details><summary>Data table<span class="visually-hidden">: {escape(chart.title)}'
        f"</span></summary><table><caption>{escape(chart.title)}</caption>"
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
    )


def _chart(chart: Chart) -> str:
    return (
        f'<figure id="{chart.id}" class="chart-figure" data-chart="{chart.kind}">'
        f'<figcaption id="{chart.id}-caption">{escape(chart.title)}</figcaption>'
        f"{chart_svg(chart)}{_chart_table(chart)}</figure>"
    )


def _section(section: Section) -> str:
    charts = "".join(_chart(c) for c in section.charts)
    return (
        f'<section class="measure" id="{section.id}" aria-labelledby="{section.id}-h">'
        f'<h3 id="{section.id}-h">{escape(section.title)}</h3>'
        f'<div class="charts">{charts}</div></section>'
    )


def _school_table(table: SchoolTable) -> str:
    names = any(r.name for r in table.rows)
    phases = any(r.phase for r in table.rows)
    headers = [("School", "", "ascending")]
    if names:
        headers.append(("Name", "", "none"))
    if phases:
        headers.append(("Phase", "", "none"))
    headers += [(c.label, "num", "none") for c in table.columns]
    head = "".join(
        f'<th scope="col" class="{css}" aria-sort="{sort}">'
        f'<button type="button">{escape(label)}</button></th>'
        for label, css, sort in headers
    )
    rows = []
    for row in table.rows:
        cells = [f'<th scope="row" data-kind="code">{escape(row.code)}</th>']
        if names:
            cells.append(f"<td>{escape(row.name)}</td>")
        if phases:
            cells.append(f"<td>{escape(row.phase)}</td>")
        cells += [_cell(v) for v in row.values]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<div class="table-wrap" role="region" tabindex="0" aria-labelledby="school-table-caption">'
        '<table class="sortable" id="school-table">'
        f'<caption id="school-table-caption">{escape(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        '<p id="school-table-status" class="visually-hidden" aria-live="polite"></p>'
    )


def _legend(page: Page) -> str:
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


def _about(page: Page) -> str:
    tables = "".join(f"<li><code>{escape(n)}</code>: {escape(t)}</li>" for n, t in page.tables)
    return (
        '<section id="about" aria-labelledby="about-h"><h2 id="about-h">About this page</h2>'
        f"<p>Built from the protected statistical release <code>{escape(page.release_id)}</code> "
        f"(flow <code>{escape(page.flow)}</code>, disclosure profile "
        f"<code>{escape(page.profile)}</code>; the release's audit "
        f"{'passed' if page.audit_passed else 'did not pass'}). It reads only that release, "
        "never pupil-level records.</p>"
        f"<p>Tables in the release:</p><ul>{tables}</ul></section>"
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
    links.append('<li><a href="#about">About</a></li>')
    return f'<nav aria-label="Contents"><ul>{"".join(links)}</ul></nav>'


def render_page(page: Page) -> str:
    """The whole HTML document of ``page``."""
    tiles = "".join(_tile(t) for t in page.tiles)
    sections = "".join(_section(s) for s in page.sections)
    schools = ""
    if page.school_table is not None:
        schools = (
            '<section id="schools" aria-labelledby="schools-h"><h2 id="schools-h">Schools</h2>'
            "<p>Select a column heading to sort the table by it; select it again to reverse. "
            "Suppressed figures sort last.</p>"
            f"{_school_table(page.school_table)}</section>"
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="pupilstats-release" content="{escape(page.release_id)}">'
        f"<title>{escape(page.title)} – {escape(page.reference_date)}</title>"
        f"<style>{_asset('dashboard.css')}</style></head>"
        f'<body data-release-id="{escape(page.release_id)}" data-threshold="{page.threshold}">'
        '<a class="skip" href="#main">Skip to main content</a>'
        f"{_header(page)}"
        f'<div class="status-area">{banner_fragment(ok_banner(page.built_at, page.release_id))}'
        f"</div>"
        f'<main id="main">{_nav(page)}'
        '<section id="headlines" aria-labelledby="headlines-h">'
        '<h2 id="headlines-h">Headlines for the local authority</h2>'
        f'<ul class="tiles">{tiles}</ul></section>'
        f"{_legend(page)}"
        '<section id="measures" aria-labelledby="measures-h">'
        f'<h2 id="measures-h">Measures by group and over time</h2>{sections}</section>'
        f"{schools}{_about(page)}</main>"
        "<footer><p>pupilstats: disclosure-controlled statistics. Figures are from the release "
        "named above.</p></footer>"
        f"<script>{_asset('dashboard.js')}</script></body></html>\n"
    )
