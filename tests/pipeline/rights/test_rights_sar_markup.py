"""The subject access summary shows values as literal text: markup held in the store (a
quarantined value, a name stored before the form checks) is escaped, never rendered."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.rights.markdown_text import markdown_text
from pipeline.store import open_store

SCRIPT = "<script>alert(1)</script>"
PUPIL = Pupil(make_upn(1), date(2011, 1, 1), surname=SCRIPT, forename="[x](http://evil) **b**")


def test_markup_is_shown_as_literal_text() -> None:
    assert markdown_text(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert markdown_text("[x](http://e) *b* `c` a|b\nc") == r"\[x\](http://e) \*b\* \`c\` a\|b c"
    assert markdown_text("2025-10-02") == "2025-10-02"
    assert markdown_text(None) == ""


def test_the_summary_escapes_what_the_store_holds(tmp_path: Path) -> None:
    db = tmp_path / "store" / "pupilstats.duckdb"
    with open_store(db) as con:
        insert_pupils(con, [PUPIL])
        con.execute(
            "INSERT INTO quarantine VALUES ('l', 'census', 'd', 'census.csv', 3, ?, "
            "'forename', ?, 'not_a_name', ?)",
            [PUPIL.upn, '<img src=x onerror="alert(2)">', datetime(2025, 10, 3)],
        )
    result = CliRunner().invoke(
        app,
        ["sar", PUPIL.upn, "--out", "req", "--db", str(db), "--reports", str(tmp_path / "r")],
    )
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "r" / "shares" / "sar" / "req" / "subject-access.md").read_text()
    assert "<script" not in summary and "<img" not in summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert '&lt;img src=x onerror="alert(2)"&gt;' in summary
    assert r"\[x\](http://evil) \*\*b\*\*" in summary
    table_rows = [line for line in summary.splitlines() if line.startswith("| ")]
    assert all(line.replace(r"\|", "").count("|") > 1 for line in table_rows)
