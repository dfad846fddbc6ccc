"""Hostile values on the rights commands: a correction that would start a spreadsheet formula
is refused in one line naming the field and the check, and the Youth Support Services share
holds no cell a spreadsheet would evaluate even for a value that reached the store."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.rights.yss import write_yss_extract
from pipeline.spreadsheet_cells import FORMULA_STARTS
from pipeline.store import open_store

runner = CliRunner()
HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("field", "value", "check"),
    [
        ("postcode", HYPERLINK, "not_a_postcode"),
        ("legal_surname", "+cmd|' /C calc'!A0", "not_a_name"),
        ("forename", "@SUM(1+1)", "not_a_name"),
        ("ward_code", "-2+3+cmd|' /C calc'!A0", "not_an_ons_code"),
        ("lsoa_code", "\t=1+1", "not_an_ons_code"),
        ("postcode", "ZZ13-3TR", "not_a_postcode"),
    ],
)
def test_a_correction_without_the_fields_form_is_refused_in_one_line(
    store_path: Path, field: str, value: str, check: str
) -> None:
    pupil = Pupil(make_upn(1), date(2011, 1, 1))
    with open_store(store_path) as con:
        insert_pupils(con, [pupil])
    args = [
        "correct",
        pupil.upn,
        "--field",
        field,
        "--value",
        value,
        "--reason",
        "data_subject_request",
    ]
    result = runner.invoke(app, [*args, "--db", str(store_path)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert f"{field} fails the {check} check" in result.output
    assert "Traceback" not in result.output
    with open_store(store_path) as con:
        held = con.execute(f"SELECT {field} FROM census WHERE upn = ?", [pupil.upn]).fetchall()
        logged = con.execute("SELECT count(*) FROM rights_audit_log").fetchall()
    assert held != [(value,)] and logged == [(0,)]


def test_the_yss_share_quotes_a_value_that_would_start_a_formula(
    store_path: Path, tmp_path: Path
) -> None:
    teen = Pupil(make_upn(2), date(2011, 6, 1), surname="Ashcombe", forename="Ada")
    with open_store(store_path) as con:
        insert_pupils(con, [teen])
        # a value that reached the store without the loader's checks (an older store)
        con.execute("UPDATE schools SET school_name = ?", [HYPERLINK])
        con.execute("UPDATE census SET postcode = ?", ["-2+3+cmd|' /C calc'!A0"])
        extract = write_yss_extract(
            con, on=date(2026, 1, 15), out=Path("yss.csv"), shares_dir=tmp_path / "shares"
        )
    rows = list(csv.DictReader(io.StringIO(extract.path.read_text(), newline="")))
    assert len(rows) == 1
    row = rows[0]
    assert row["school_name"] == "'" + HYPERLINK
    assert row["postcode"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["legal_surname"] == "Ashcombe" and row["date_of_birth"] == "2011-06-01"
    for cell in row.values():
        assert not cell.startswith(FORMULA_STARTS)
