"""Inline SVG charts with text alternatives: grouped horizontal bars and trend lines.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (the
desc lists every figure), every mark has a ``<title>`` tooltip, and every value label carries
``data-kind`` (and ``data-value`` when it is a number) like the page's tables. Both kinds of
chart have a value axis (``g.axis``) with round ticks (``data-kind="axis"``: positions on
the scale, not figures of the release) and a title; a bar chart whose axis does not start
at 0 says so under it (``axes.bar_scale``). A 95% confidence interval, where the release
publishes one, is drawn as a whisker (``line.ci``) across the bar or through the point, and
value labels sit beyond the whisker so that they never overlap it or the category names
(negative bars have room on the left). A suppressed figure draws no bar or point: its
symbol is written where the bar would start. Colours are the Government Analysis
Function's accessible categorical palette (each at least 3:1 on white); text is near-black.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from pipeline.dashboard.axes import Scale, bar_scale, line_scale, tick_text
from pipeline.dashboard.model import Chart
from pipeline.dashboard.values import Value

PALETTE: tuple[str, ...] = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
"""Dark blue, turquoise, dark pink, orange, dark grey, light purple (analysis function)."""
TEXT = "#0b0c0c"
AXIS = "#505a5f"
GRID = "#dcdcdc"
WIDTH = 480
LABEL_ROOM = 56
"""Room for a value label beside a bar's end (or a whisker's)."""


def series_colours(count: int) -> list[str]:
    """Series colours; with several years the latest gets the darkest (dark blue)."""
    if count == 1:
        return [PALETTE[0]]
    return [PALETTE[(count - 1 - i) % len(PALETTE)] for i in range(count)]


def _attrs(value: Value) -> str:
    attrs = f'data-kind="{escape(value.kind)}"'
    if value.number is not None:
        attrs += f' data-value="{value.number:g}"'
    else:
        attrs += f' data-symbol="{escape(value.symbol or "")}"'
    return attrs


def _interval(chart: Chart, i: int, j: int) -> tuple[float, float] | None:
    """The published 95% interval of category ``i``, series ``j``, when both ends are numbers."""
    if not chart.intervals:
        return None
    ci = chart.intervals[i][j]
    if ci is None or ci[0].number is None or ci[1].number is None:
        return None
    return ci[0].number, ci[1].number


def _numbers(chart: Chart) -> list[float]:
    """Every figure of the chart and every end of its intervals."""
    found = [v.number for row in chart.values for v in row if v.number is not None]
    for i, row in enumerate(chart.values):
        for j in range(len(row)):
            ci = _interval(chart, i, j)
            if ci is not None:
                found += list(ci)
    return found


def _kind(chart: Chart) -> str:
    return next((v.kind for row in chart.values for v in row if v.kind), "count")


def _open(chart: Chart, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{escape(chart.id)}-svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart.id)}-title {escape(chart.id)}-desc" '
        f'font-family="Arial, Helvetica, sans-serif">',
        f'<title id="{escape(chart.id)}-title">{escape(chart.title)}</title>',
        f'<desc id="{escape(chart.id)}-desc">{escape(chart.description)}</desc>',
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


def _tick_label(x: float, y: float, anchor: str, value: float, scale: Scale) -> str:
    text = tick_text(value, list(scale.ticks))
    return (
        f'<text class="tick" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="11" '
        f'fill="{AXIS}" data-kind="axis" data-value="{value:g}">{escape(text)}</text>'
    )


def _whisker(x1: float, y1: float, x2: float, y2: float, cap: str, title: str) -> str:
    """A 95% interval: a line with a cap at each end (``cap`` "h" or "v" for its direction)."""
    caps = (
        f"M{x1:.1f},{y1 - 4:.1f}V{y1 + 4:.1f}M{x2:.1f},{y2 - 4:.1f}V{y2 + 4:.1f}"
        if cap == "h"
        else f"M{x1 - 4:.1f},{y1:.1f}H{x1 + 4:.1f}M{x2 - 4:.1f},{y2:.1f}H{x2 + 4:.1f}"
    )
    return (
        f'<g class="ci"><title>{escape(title)}</title>'
        f'<line class="ci" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{TEXT}" stroke-width="1.5"/>'
        f'<path d="{caps}" stroke="{TEXT}" stroke-width="1.5" fill="none"/></g>'
    )


def bar_chart(chart: Chart) -> str:
    """Horizontal bars: one group per category, one bar per series, an axis under them."""
    label_width, bar, gap, group_gap = 150, 14, 2, 12
    n_series = len(chart.series)
    key_height = 22 if n_series > 1 else 0
    group_height = n_series * (bar + gap) - gap
    plot_height = len(chart.categories) * (group_height + group_gap)
    scale = bar_scale(_numbers(chart), _kind(chart))
    left_room = LABEL_ROOM if scale.lo < scale.baseline else 8
    plot_left = label_width + left_room
    plot = WIDTH - plot_left - LABEL_ROOM
    axis_y = key_height + 4 + plot_height
    height = axis_y + 40 + (16 if scale.truncated else 0)

    def x_of(number: float) -> float:
        return plot_left + scale.fraction(number) * plot

    colours = series_colours(n_series)
    out = _open(chart, height)
    out += _series_key(chart, colours, 0)
    out.append('<g class="axis" data-axis="x">')
    for tick in scale.ticks:
        x = x_of(tick)
        out.append(
            f'<line x1="{x:.1f}" y1="{key_height}" x2="{x:.1f}" y2="{axis_y + 4}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_tick_label(x, axis_y + 17, "middle", tick, scale))
    out.append(
        f'<line class="axis-line" x1="{plot_left}" y1="{axis_y}" x2="{plot_left + plot}" '
        f'y2="{axis_y}" stroke="{AXIS}" stroke-width="1"/>'
    )
    out.append(
        f'<text class="axis-title" x="{plot_left + plot / 2:.1f}" y="{axis_y + 33}" '
        f'text-anchor="middle" font-size="12" fill="{TEXT}">{escape(chart.value_label)}</text>'
    )
    if scale.truncated:
        start = escape(tick_text(scale.baseline, list(scale.ticks)))
        out.append(
            f'<text class="axis-note" x="{plot_left}" y="{axis_y + 49}" font-size="12" '
            f'fill="{TEXT}">The axis starts at {start}, not 0.</text>'
        )
    out.append("</g>")
    base = x_of(scale.baseline)
    y = key_height + 4
    for i, (category, row) in enumerate(zip(chart.categories, chart.values, strict=True)):
        middle = y + group_height / 2
        out.append(
            f'<text class="category" x="{label_width - 8}" y="{middle + 4:.1f}" '
            f'text-anchor="end" font-size="13" fill="{TEXT}">{escape(category)}</text>'
        )
        for j, value in enumerate(row):
            top = y + j * (bar + gap)
            name = f"{category}, {chart.series[j]}: {value.display}"
            if value.number is None:
                out.append(
                    f'<text class="value" x="{base + 4:.1f}" y="{top + bar - 3}" '
                    f'font-size="12" fill="{TEXT}" {_attrs(value)}>{escape(value.display)}</text>'
                )
                continue
            x0, x1 = sorted((base, x_of(value.number)))
            out.append(
                f'<rect class="bar" x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 0.5):.1f}" '
                f'height="{bar}" fill="{colours[j]}"><title>{escape(name)}</title></rect>'
            )
            ends = [x0, x1]
            ci = _interval(chart, i, j)
            if ci is not None:
                c0, c1 = x_of(ci[0]), x_of(ci[1])
                ends += [c0, c1]
                out.append(_whisker(c0, top + bar / 2, c1, top + bar / 2, "h", f"{name}, 95% CI"))
            if value.number >= scale.baseline:
                label_x, anchor = max(ends) + 4, "start"
            else:
                label_x, anchor = min(ends) - 4, "end"
            out.append(
                f'<text class="value" x="{label_x:.1f}" y="{top + bar - 3}" '
                f'text-anchor="{anchor}" font-size="12" fill="{TEXT}" {_attrs(value)}>'
                f"{escape(value.display)}</text>"
            )
        y += group_height + group_gap
    out.append(
        f'<line class="baseline" x1="{base:.1f}" y1="{key_height}" x2="{base:.1f}" '
        f'y2="{axis_y}" stroke="{TEXT}" stroke-width="1.5"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def line_chart(chart: Chart) -> str:
    """Lines over the categories (the years), one per series, with labelled points, 95%
    intervals as vertical whiskers, and a value axis on the left."""
    left, right, top, bottom = 56, 24, 28, 36
    n_series = len(chart.series)
    key_height = 22 if n_series > 1 else 0
    height = 250 + key_height
    scale = line_scale(_numbers(chart), _kind(chart))
    plot_w = WIDTH - left - right
    plot_h = height - key_height - top - bottom
    n = len(chart.categories)

    def x_of(i: int, j: int = 0) -> float:
        dodge = (j - (n_series - 1) / 2) * 10
        return left + (plot_w * (i + 0.5) / n) + dodge

    def y_of(number: float) -> float:
        return key_height + top + (1 - scale.fraction(number)) * plot_h

    colours = series_colours(n_series)
    out = _open(chart, height)
    out += _series_key(chart, colours, 0)
    out.append('<g class="axis" data-axis="y">')
    for tick in scale.ticks:
        y = y_of(tick)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_tick_label(left - 6, y + 4, "end", tick, scale))
    out.append(
        f'<line class="axis-line" x1="{left}" y1="{y_of(scale.hi):.1f}" x2="{left}" '
        f'y2="{y_of(scale.lo):.1f}" stroke="{AXIS}" stroke-width="1"/>'
    )
    out.append(
        f'<text class="axis-title" x="{left}" y="{key_height + top - 12}" font-size="12" '
        f'fill="{TEXT}">{escape(chart.value_label)}</text>'
    )
    out.append("</g>")
    base = y_of(scale.lo)
    out.append(
        f'<line class="baseline" x1="{left}" y1="{base:.1f}" x2="{WIDTH - right}" '
        f'y2="{base:.1f}" stroke="{AXIS}" stroke-width="1"/>'
    )
    for i, category in enumerate(chart.categories):
        out.append(
            f'<text class="category" x="{x_of(i, (n_series - 1) / 2):.1f}" y="{height - 12}" '
            f'text-anchor="middle" font-size="13" fill="{TEXT}">{escape(category)}</text>'
        )
    for j in range(n_series):
        runs: list[list[tuple[int, float]]] = []
        for i, row in enumerate(chart.values):
            number = row[j].number
            if number is None:
                continue
            if runs and runs[-1][-1][0] == i - 1:
                runs[-1].append((i, number))
            else:
                runs.append([(i, number)])
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x_of(i, j):.1f},{y_of(v):.1f}" for i, v in run)
                out.append(
                    f'<polyline class="line" points="{path}" fill="none" '
                    f'stroke="{colours[j]}" stroke-width="2.5"/>'
                )
        for i, row in enumerate(chart.values):
            value = row[j]
            name = f"{chart.categories[i]}, {chart.series[j]}: {value.display}"
            cx = x_of(i, j)
            if value.number is None:
                out.append(
                    f'<text class="value" x="{cx:.1f}" y="{base - 6:.1f}" text-anchor="middle" '
                    f'font-size="12" fill="{TEXT}" {_attrs(value)}>{escape(value.display)}</text>'
                )
                continue
            cy = y_of(value.number)
            ci = _interval(chart, i, j)
            if ci is not None:
                out.append(_whisker(cx, y_of(ci[1]), cx, y_of(ci[0]), "v", f"{name}, 95% CI"))
            out.append(
                f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="4" '
                f'fill="{colours[j]}"><title>{escape(name)}</title></circle>'
            )
            first = j < n_series / 2 or n_series == 1
            label_x = cx + 8 if first else cx - 8
            anchor = "start" if first else "end"
            out.append(
                f'<text class="value" x="{label_x:.1f}" y="{cy - 6:.1f}" text-anchor="{anchor}" '
                f'font-size="12" fill="{TEXT}" stroke="#fff" stroke-width="3" '
                f'paint-order="stroke" {_attrs(value)}>{escape(value.display)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def chart_svg(chart: Chart) -> str:
    return line_chart(chart) if chart.kind == "lines" else bar_chart(chart)
