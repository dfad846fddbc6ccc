"""Writing a benchmark's figures: a Markdown table for people and JSON for machines."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(os.environ.get("PUPILSTATS_REPORTS", "reports")) / "bench"


def measure_each_size(
    pupils: str, measure: Callable[[int, Path], dict[str, Any]]
) -> list[dict[str, Any]]:
    """``measure(pupils, work)`` for each comma-separated borough size in ``pupils``, each in a
    fresh temporary folder; every row is printed as it comes."""
    import tempfile

    rows = []
    for size in [int(p) for p in pupils.split(",")]:
        with tempfile.TemporaryDirectory() as work:
            rows.append(measure(size, Path(work)))
            print(rows[-1], flush=True)
    return rows


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def markdown_table(rows: Sequence[dict[str, Any]]) -> str:
    """``rows`` (dicts with the same keys) as a GitHub Markdown table."""
    if not rows:
        return "(no rows)\n"
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(k)) for k in keys) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else str(value)


def write_report(topic: str, title: str, rows: Sequence[dict[str, Any]], notes: str = "") -> Path:
    """Print and write ``reports/bench/<topic>.md`` and ``.json``; return the Markdown path."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    table = markdown_table(rows)
    text = f"# {title}\n\n{table}\n{notes}\n\nMachine: {machine()}\n"
    print(table, flush=True)
    path = BENCH_DIR / f"{topic}.md"
    path.write_text(text)
    (BENCH_DIR / f"{topic}.json").write_text(
        json.dumps({"title": title, "machine": machine(), "rows": list(rows)}, indent=2) + "\n"
    )
    return path
