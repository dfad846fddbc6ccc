"""The page model of a release, worked out from the release and nothing else: its title
and facts, the headline tiles, the chart sections, the school table and the legend."""

from __future__ import annotations

from datetime import datetime

from pipeline.dashboard import labels
from pipeline.dashboard.dimensions import periods
from pipeline.dashboard.downloads import release_downloads
from pipeline.dashboard.legend import symbol_legend
from pipeline.dashboard.measures import release_measures
from pipeline.dashboard.model import Page
from pipeline.dashboard.release import Release
from pipeline.dashboard.school_table import NOT_APPLICABLE, school_table
from pipeline.dashboard.sections import measure_sections
from pipeline.dashboard.tiles import headline_tiles
from pipeline.dashboard.values import SYMBOL_MEANINGS


def page_title(release: Release) -> str:
    return {
        "nightly-performance": "School performance",
        "funding-round": "Funding round: pupils by funding factor",
    }.get(release.flow, labels.humanise(release.flow or "Statistics"))


def build_page(release: Release, built_at: datetime) -> Page:
    """The page model of ``release``; ``built_at`` is when the page was made."""
    measures = release_measures(release)
    schools = school_table(release, measures)
    legend = symbol_legend(release)
    uses_z = schools is not None and any(
        v.symbol == NOT_APPLICABLE for row in schools.rows for v in row.values
    )
    if uses_z and NOT_APPLICABLE not in {symbol for symbol, _ in legend}:
        legend.append((NOT_APPLICABLE, SYMBOL_MEANINGS[NOT_APPLICABLE]))
    all_periods = sorted({p for t in release.tables for p in periods(t)})
    return Page(
        title=page_title(release),
        release_id=release.release_id,
        flow=release.flow,
        reference_date=release.reference_date,
        created_at=release.created_at,
        built_at=built_at.isoformat(timespec="seconds"),
        profile=str(release.profile.get("name", "")),
        threshold=release.threshold,
        rounding_base=release.profile.get("rounding_base"),
        audit_passed=release.audit_passed,
        latest_period=all_periods[-1] if all_periods else None,
        tiles=tuple(headline_tiles(measures)),
        sections=tuple(measure_sections(measures)),
        school_table=schools,
        legend=tuple(legend),
        tables=tuple((t.name, labels.table_title(t.name, t.entry)) for t in release.tables),
        downloads=tuple(release_downloads(release)),
    )
