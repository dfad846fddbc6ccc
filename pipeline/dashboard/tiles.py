"""The headline tiles: each measure's LA figure in the latest year.

A rate or mean shows its figure of the year before beside it, when there is one. A count
shows its LA total (once, when several count tables publish the same total) and, for each
group dimension with a ``Y`` category, the pupils in it beside all pupils (both published
counts: the page shows no figure the release does not, so no share is computed here).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.dashboard import labels
from pipeline.dashboard.dimensions import (
    group_dimensions,
    latest_year_codes,
    periods,
    time_dimension,
)
from pipeline.dashboard.measures import Measure
from pipeline.dashboard.model import Tile


def headline_tiles(measures: Sequence[Measure]) -> list[Tile]:
    """The LA tiles of ``measures``, in their order."""
    tiles: list[Tile] = []
    seen: set[tuple[str, str]] = set()
    for m in measures:
        table = m.main
        latest = latest_year_codes(table)
        value = m.value(table, latest)
        if m.is_count:
            key = (m.column.column, value.text)
            if key not in seen:
                seen.add(key)
                label = labels.column_label(m.column.column)
                tiles.append(Tile(label=f"{label} in the LA", value=value))
            for dim in group_dimensions(table):
                if "Y" in dim.parents:
                    count = m.value(table, {**latest, dim.column: "Y"})
                    tiles.append(
                        Tile(
                            label=f"{labels.dimension_label(dim.column)}: "
                            f"{labels.code_label(dim.column, 'Y', dim.total, dim.labels)}",
                            value=count,
                            note="pupils in all",
                            detail=value,
                        )
                    )
            continue
        years = periods(table)
        time = time_dimension(table)
        if time is not None and len(years) > 1:
            previous = m.value(table, {time.column: years[-2]})
            tiles.append(Tile(m.title, value, note=f"in {years[-2]}", detail=previous))
        else:
            tiles.append(Tile(m.title, value))
    return tiles
