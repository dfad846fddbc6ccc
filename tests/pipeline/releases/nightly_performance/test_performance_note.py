"""The performance release's reader's note has the headings every note has (issue 18)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from pipeline.profiles import load_profile
from pipeline.release.note import HEADINGS, RECONCILIATION
from pipeline.releases.nightly_performance.note import readme


def test_the_note_has_the_shared_headings_codes_rules_and_reference_date() -> None:
    years = [SimpleNamespace(academic_year=y) for y in ("2024/25", "2025/26")]
    text = readme(years, load_profile("dfe-performance"), date(2025, 10, 2))  # type: ignore[arg-type]
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [h for h in HEADINGS if h != RECONCILIATION]
    assert "Reference date: 2025-10-02." in text and "2024/25, 2025/26" in text
    assert "| `c` | suppressed" in text and "| `z` | not applicable" in text
    assert "`ks2_expected_<breakdown>.csv`" in text and "| `sen_provision N, K, E` |" in text
    assert "cohorts under 6" in text and "research opt-out" in text
