"""The school table as HTML: a search box and a phase filter above a sortable table in a
scroll container.

Each school's name links to its page (``school_pages``). The search and filter need the
page's script: they are ``hidden`` in the HTML and shown by it, so without JavaScript the
table simply lists every school. On a narrow screen the table keeps every column and
scrolls sideways inside its container, which says so (a visible cue and a shadow at the
edge that has more columns).
"""

from __future__ import annotations

from html import escape

from pipeline.dashboard.figures_html import cell
from pipeline.dashboard.model import SchoolTable
from pipeline.dashboard.school_pages import school_file


def _filters(table: SchoolTable) -> str:
    phases = sorted({r.phase for r in table.rows if r.phase})
    options = "".join(f'<option value="{escape(p)}">{escape(p)}</option>' for p in phases)
    phase = (
        '<div class="filter"><label for="school-phase">Phase</label>'
        f'<select id="school-phase"><option value="">All phases</option>{options}</select></div>'
        if phases
        else ""
    )
    return (
        '<form class="filters" id="school-filters" role="search" hidden '
        'aria-label="Find a school" onsubmit="return false">'
        '<div class="filter"><label for="school-search">Search by name or code</label>'
        '<input type="search" id="school-search" autocomplete="off" spellcheck="false"></div>'
        f"{phase}"
        '<p id="school-filter-status" class="filter-status" aria-live="polite"></p></form>'
    )


def school_table_html(table: SchoolTable, *, linked: bool = True) -> str:
    """The school table of the main page; ``linked``: names link to the school pages."""
    names = any(r.name for r in table.rows)
    phases = any(r.phase for r in table.rows)
    headers = [("School", "code", "ascending")]
    if names:
        headers.append(("Name", "name", "none"))
    if phases:
        headers.append(("Phase", "phase", "none"))
    headers += [(c.label, "num", "none") for c in table.columns]
    head = "".join(
        f'<th scope="col" class="{css}" aria-sort="{sort}">'
        f'<button type="button">{escape(label)}</button></th>'
        for label, css, sort in headers
    )
    rows = []
    for row in table.rows:
        search = f"{row.code} {row.name}".lower()
        code, name = escape(row.code), escape(row.name or row.code)
        if linked:
            link = f'<a href="{escape(school_file(row.code))}">'
            code, name = (f"{link}{code}</a>", name) if not names else (code, f"{link}{name}</a>")
        cells = [f'<th scope="row" data-kind="code">{code}</th>']
        if names:
            cells.append(f"<td>{name}</td>")
        if phases:
            cells.append(f"<td>{escape(row.phase)}</td>")
        cells += [cell(v) for v in row.values]
        rows.append(
            f'<tr data-search="{escape(search)}" data-phase="{escape(row.phase)}">'
            f"{''.join(cells)}</tr>"
        )
    return (
        f"{_filters(table)}"
        '<p class="scroll-cue" id="school-table-cue">The table scrolls sideways: swipe or '
        "scroll it to see every column.</p>"
        '<div class="table-wrap scroll-shadow" role="region" tabindex="0" '
        'aria-labelledby="school-table-caption" aria-describedby="school-table-cue">'
        '<table class="sortable" id="school-table">'
        f'<caption id="school-table-caption">{escape(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        '<p id="school-table-status" class="visually-hidden" aria-live="polite"></p>'
    )
