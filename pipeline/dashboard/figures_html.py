"""One figure as HTML: an element marked with its kind (``data-kind``) and its number
(``data-value``) or symbol (``data-symbol``), so a reader's tools, and the tests, can tell a
count of pupils from a percentage, and a figure from any other number on the page."""

from __future__ import annotations

from html import escape

from pipeline.dashboard.values import Value


def figure_attrs(value: Value) -> str:
    attrs = f'data-kind="{escape(value.kind)}"'
    if value.number is not None:
        return attrs + f' data-value="{value.number:g}"'
    return attrs + f' data-symbol="{escape(value.symbol or "")}"'


def figure(value: Value, tag: str = "span", css: str = "") -> str:
    """One figure in an element marked with its kind."""
    klass = f' class="{css}"' if css else ""
    return f"<{tag}{klass} {figure_attrs(value)}>{escape(value.display)}</{tag}>"


def cell(value: Value) -> str:
    """A figure as a right-aligned table cell."""
    return figure(value, "td", "num")
