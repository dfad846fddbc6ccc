"""A school's page as one self-contained HTML document (``school_pages`` builds its model).

It has the main page's styles and script inlined, a link back to the LA page, the school's
sections (trend beside the LA's, figures by group), the measures that do not apply to it
(``z``), the symbols legend, and a link to the release's tables.
"""

from __future__ import annotations

from html import escape

from pipeline.dashboard.model import Page
from pipeline.dashboard.render import asset, legend_html, section_html
from pipeline.dashboard.school_pages import SchoolPage


def _not_applicable(school: SchoolPage) -> str:
    if not school.not_applicable:
        return ""
    items = "".join(
        f'<li>{escape(t)}: <span data-kind="symbol" data-symbol="z">z</span></li>'
        for t in school.not_applicable
    )
    return (
        '<section id="not-applicable" aria-labelledby="na-h"><h2 id="na-h">Not applicable to '
        f"this school</h2><p>The release has no figures of {escape(school.name)} for these "
        "measures (shown as <code>z</code>, not applicable):</p>"
        f"<ul>{items}</ul></section>"
    )


def render_school_page(page: Page, school: SchoolPage) -> str:
    """The HTML of ``school``'s page, from the release of ``page`` (one folder below it)."""
    sections = "".join(section_html(s) for s in school.sections)
    phase = f"<dt>Phase:</dt><dd>{escape(school.phase)}</dd>" if school.phase else ""
    links = "".join(
        f'<li><a href="#{escape(s.id)}">{escape(s.title)}</a></li>' for s in school.sections
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="pupilstats-release" content="{escape(page.release_id)}">'
        f"<title>{escape(school.name)} – {escape(page.title)}</title>"
        f"<style>{asset('dashboard.css')}</style></head>"
        f'<body data-release-id="{escape(page.release_id)}" data-threshold="{page.threshold}" '
        f'data-school="{escape(school.code)}">'
        '<a class="skip" href="#main">Skip to main content</a>'
        f'<header><p class="back"><a href="../index.html">{escape(page.title)}: all schools '
        f'and the LA</a></p><h1>{escape(school.name)}</h1><dl class="meta">'
        f'<dt>School:</dt><dd data-kind="code">{escape(school.code)}</dd>{phase}'
        f"<dt>Release:</dt><dd><code>{escape(page.release_id)}</code></dd></dl></header>"
        f'<main id="main"><nav aria-label="Contents"><ul>{links}'
        '<li><a href="#legend">Symbols</a></li></ul></nav>'
        "<p>Each chart shows the school beside the local authority over three years, then the "
        "school's pupils by group. Figures are the release's published cells; the status of "
        'the latest update is on the <a href="../index.html#status">main page</a>.</p>'
        f'<section id="measures" aria-labelledby="measures-h"><h2 id="measures-h">'
        f"Measures over time and by group</h2>{sections}</section>"
        f"{_not_applicable(school)}{legend_html(page)}"
        '<p><a href="../index.html#downloads">Download the tables of the release</a></p></main>'
        "<footer><p>pupilstats: disclosure-controlled statistics. Figures are from the release "
        "named above.</p></footer>"
        f"<script>{asset('dashboard.js')}</script></body></html>\n"
    )
