"""Inline SVG charts with text alternatives: grouped horizontal bars and trend lines.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (the
desc lists every figure), every mark has a ``<title>`` tooltip, and every value label carries
``data-kind`` (and ``data-value`` when it is a number) like the page's tables. A suppressed
figure draws no bar or point: its symbol is written where the bar would start. Colours are
the Government Analysis Function's accessible categorical palette (each at least 3:1 on
white); text is near-black on white.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from pipeline.dashboard.model import Chart
from pipeline.dashboard.values import Value

PALETTE: tuple[str, ...] = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
"""Dark blue, turquoise, dark pink, orange, dark grey, light purple (analysis function)."""
TEXT = "#0b0c0c"
AXIS = "#505a5f"
WIDTH = 560


def series_colours(count: int) -> list[str]:
    """Series colours; with several years the latest gets the darkest (dark blue)."""
    if count == 1:
        return [PALETTE[0]]
    return [PALETTE[(count - 1 - i) % len(PALETTE)] for i in range(count)]


def _domain(values: Sequence[Sequence[Value]]) -> tuple[float, float]:
    numbers = [v.number for row in values for v in row if v.number is not None]
    lo = min([0.0, *numbers])
    hi = max([0.0, *numbers])
    if hi == lo:
        hi = lo + 1.0
    return lo, hi


def _attrs(value: Value) -> str:
    attrs = f'data-kind="{escape(value.kind)}"'
    if value.number is not None:
        attrs += f' data-value="{value.number:g}"'
    else:
        attrs += f' data-symbol="{escape(value.symbol or "")}"'
    return attrs


def _open(chart: Chart, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{chart.id}-svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart.id}-title {chart.id}-desc" '
        f'font-family="Arial, Helvetica, sans-serif">',
        f'<title id="{chart.id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart.id}-desc">{escape(chart.description)}</desc>',
    ]


def _series_key(chart: Chart, colours: Sequence[str], y: int) -> list[str]:
    if len(chart.series) < 2:
        return []
    out, x = [], 0
    for name, colour in zip(chart.series, colours, strict=True):
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        out.append(
            f'<text x="{x + 16}" y="{y + 10}" font-size="12" fill="{TEXT}">{escape(name)}</text>'
        )
        x += 24 + 8 * len(name)
    return out


def bar_chart(chart: Chart) -> str:
    """Horizontal bars: one group per category, one bar per series."""
    label_width, value_room, bar, gap, group_gap = 170, 60, 14, 2, 12
    n_series = len(chart.series)
    key_height = 22 if n_series > 1 else 0
    group_height = n_series * (bar + gap) - gap
    height = key_height + len(chart.categories) * (group_height + group_gap) + 8
    lo, hi = _domain(chart.values)
    plot = WIDTH - label_width - value_room

    def x_of(number: float) -> float:
        return label_width + (number - lo) / (hi - lo) * plot

    colours = series_colours(n_series)
    out = _open(chart, height)
    out += _series_key(chart, colours, 0)
    zero = x_of(0.0)
    y = key_height + 4
    for category, row in zip(chart.categories, chart.values, strict=True):
        middle = y + group_height / 2
        out.append(
            f'<text x="{label_width - 8}" y="{middle + 4:.1f}" text-anchor="end" '
            f'font-size="13" fill="{TEXT}">{escape(category)}</text>'
        )
        for j, value in enumerate(row):
            top = y + j * (bar + gap)
            name = f"{category}, {chart.series[j]}: {value.display}"
            if value.number is not None:
                x0, x1 = sorted((zero, x_of(value.number)))
                out.append(
                    f'<rect class="bar" x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 0.5):.1f}" '
                    f'height="{bar}" fill="{colours[j]}"><title>{escape(name)}</title></rect>'
                )
                label_x = x1 + 4 if value.number >= 0 else x0 - 4
                anchor = "start" if value.number >= 0 else "end"
            else:
                label_x, anchor = zero + 4, "start"
            out.append(
                f'<text class="value" x="{label_x:.1f}" y="{top + bar - 3}" '
                f'text-anchor="{anchor}" font-size="12" fill="{TEXT}" {_attrs(value)}>'
                f"{escape(value.display)}</text>"
            )
        y += group_height + group_gap
    out.append(
        f'<line x1="{zero:.1f}" y1="{key_height}" x2="{zero:.1f}" y2="{y - group_gap + 4}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def line_chart(chart: Chart) -> str:
    """Lines over the categories (the years), one per series, with labelled points."""
    left, right, top, bottom = 48, 24, 16, 36
    n_series = len(chart.series)
    key_height = 22 if n_series > 1 else 0
    height = 240 + key_height
    lo, hi = _domain(chart.values)
    span = hi - lo
    lo, hi = lo - 0.05 * span if lo < 0 else lo, hi + 0.1 * span
    plot_w = WIDTH - left - right
    plot_h = height - key_height - top - bottom
    n = len(chart.categories)

    def x_of(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y_of(number: float) -> float:
        return key_height + top + (hi - number) / (hi - lo) * plot_h

    colours = series_colours(n_series)
    out = _open(chart, height)
    out += _series_key(chart, colours, 0)
    base = y_of(max(lo, 0.0)) if lo <= 0 <= hi else y_of(lo)
    out.append(
        f'<line x1="{left}" y1="{base:.1f}" x2="{WIDTH - right}" y2="{base:.1f}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    for i, category in enumerate(chart.categories):
        out.append(
            f'<text x="{x_of(i):.1f}" y="{height - 12}" text-anchor="middle" font-size="13" '
            f'fill="{TEXT}">{escape(category)}</text>'
        )
    for j in range(n_series):
        points = [(i, row[j]) for i, row in enumerate(chart.values) if row[j].number is not None]
        runs: list[list[tuple[int, Value]]] = []
        for i, value in points:
            if runs and runs[-1][-1][0] == i - 1:
                runs[-1].append((i, value))
            else:
                runs.append([(i, value)])
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x_of(i):.1f},{y_of(v.number or 0):.1f}" for i, v in run)
                out.append(
                    f'<polyline class="line" points="{path}" fill="none" '
                    f'stroke="{colours[j]}" stroke-width="2.5"/>'
                )
        for i, row in enumerate(chart.values):
            value = row[j]
            name = f"{chart.categories[i]}, {chart.series[j]}: {value.display}"
            if value.number is not None:
                cx, cy = x_of(i), y_of(value.number)
                out.append(
                    f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="4" '
                    f'fill="{colours[j]}"><title>{escape(name)}</title></circle>'
                )
                label_y = cy - 8
            else:
                cx, label_y = x_of(i), base - 6
            out.append(
                f'<text class="value" x="{cx:.1f}" y="{label_y:.1f}" text-anchor="middle" '
                f'font-size="12" fill="{TEXT}" {_attrs(value)}>{escape(value.display)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def chart_svg(chart: Chart) -> str:
    return line_chart(chart) if chart.kind == "lines" else bar_chart(chart)
