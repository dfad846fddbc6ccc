"""The legend of symbols: the release's suppression symbol first, then every other symbol
a published cell of the release uses, each with its meaning."""

from __future__ import annotations

from pipeline.dashboard.release import Release
from pipeline.dashboard.values import SYMBOL_MEANINGS, published


def symbol_legend(release: Release) -> list[tuple[str, str]]:
    symbol = release.symbol
    found: set[str] = set()
    for table in release.tables:
        for row in table.rows:
            for column in table.columns:
                value = published(row.get(column.column), column.kind)
                if value.symbol:
                    found.add(value.symbol)
    legend = [(symbol, SYMBOL_MEANINGS.get(symbol, "suppressed to protect pupils"))]
    for other in sorted(found - {symbol}):
        legend.append((other, SYMBOL_MEANINGS.get(other, "see the release's notes")))
    return legend
