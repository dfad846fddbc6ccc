"""The consent register: append-only history fed by the command line and the delivered file,
and the statistics-eligible view driven by it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from rights_store import CENSUS_DATE, Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.rights.consent_register import (
    Instruction,
    Withdrawal,
    opted_out_on,
    record_instruction,
    withdraw_instructions,
)
from pipeline.rights.restriction import InstructionRefused
from pipeline.store import open_store
from schema.errors import PupilstatsError

OPT_OUT = "research_opt_out"
runner = CliRunner()


def eligible_upns(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT upn FROM statistics_eligible_census WHERE census_date = ?", [CENSUS_DATE]
    ).fetchall()
    return {r[0] for r in rows}


def deliver(con: duckdb.DuckDBPyConnection, rows: list[tuple[object, ...]]) -> None:
    """Stand in for a load of the consent file: the input table is replaced."""
    con.execute("DELETE FROM consent")
    for row in rows:
        con.execute("INSERT INTO consent VALUES (?, ?, ?, ?, ?, ?, ?)", list(row))


def test_an_opt_out_in_force_at_the_census_date_removes_the_pupil_from_statistics(
    con: duckdb.DuckDBPyConnection,
) -> None:
    pupils = [Pupil(make_upn(i), date(2012, 1, 1)) for i in range(1, 5)]
    insert_pupils(con, pupils)
    a, b, c, d = (p.upn for p in pupils)
    record_instruction(
        con, Instruction(a, OPT_OUT, "parent", date(2025, 1, 5), date(2025, 1, 5), "L1")
    )
    # takes effect the day after the census: still counted in it
    record_instruction(
        con, Instruction(b, OPT_OUT, "parent", date(2025, 9, 30), date(2025, 10, 3), "L2")
    )
    # withdrawn on the census date: counted again
    record_instruction(
        con, Instruction(c, OPT_OUT, "carer", date(2024, 2, 1), date(2024, 2, 1), "L3")
    )
    withdraw_instructions(con, Withdrawal(c, OPT_OUT, "carer", CENSUS_DATE, "L4"))
    assert eligible_upns(con) == {b, c, d}
    assert opted_out_on(con, CENSUS_DATE) == [a]
    assert opted_out_on(con, date(2025, 10, 3)) == sorted([a, b])


def test_the_delivered_file_feeds_the_register_and_its_history_is_kept(store_path: Path) -> None:
    upn = make_upn(7)
    with open_store(store_path) as con:
        insert_pupils(con, [Pupil(upn, date(2012, 1, 1))])
        deliver(con, [(upn, OPT_OUT, "parent", date(2025, 1, 1), date(2025, 1, 1), None, "CR-1")])
        # counted at once, before the register has copied it
        assert upn not in eligible_upns(con)
    with open_store(store_path) as con:
        origin = con.execute("SELECT origin FROM consent_instructions").fetchall()
        assert origin == [("file",)]
        # a later file that no longer lists the instruction does not erase history
        deliver(con, [])
        assert upn not in eligible_upns(con)
        # a file that withdraws it ends it, by a withdrawal row of its own
        deliver(
            con,
            [
                (
                    upn,
                    OPT_OUT,
                    "parent",
                    date(2025, 1, 1),
                    date(2025, 1, 1),
                    date(2025, 6, 1),
                    "CR-1",
                )
            ],
        )
        assert upn in eligible_upns(con)
    with open_store(store_path) as con:
        assert con.execute("SELECT count(*) FROM consent_instructions").fetchall() == [(1,)]
        assert con.execute("SELECT withdrawn_on FROM consent_withdrawals").fetchall() == [
            (date(2025, 6, 1),)
        ]
        # opening again copies nothing twice
    with open_store(store_path) as con:
        assert con.execute("SELECT count(*) FROM consent_withdrawals").fetchall() == [(1,)]


def test_instructions_are_checked(con: duckdb.DuckDBPyConnection) -> None:
    upn = make_upn(8)
    insert_pupils(con, [Pupil(upn, date(2008, 1, 1))])
    given = Instruction(upn, OPT_OUT, "young_person", date(2025, 3, 1), date(2025, 3, 1), "Y1")
    record_instruction(con, given)
    with pytest.raises(PupilstatsError, match="already in the register"):
        record_instruction(con, given)
    with pytest.raises(PupilstatsError, match="cannot take effect before"):
        record_instruction(
            con, Instruction(upn, OPT_OUT, "parent", date(2025, 3, 2), date(2025, 3, 1), "Y2")
        )
    with pytest.raises(PupilstatsError, match="no stored census holds"):
        record_instruction(
            con,
            Instruction(make_upn(99), OPT_OUT, "parent", date(2025, 3, 2), date(2025, 3, 2), "Z"),
        )
    with pytest.raises(PupilstatsError, match="unknown person"):
        record_instruction(
            con, Instruction(upn, OPT_OUT, "school", date(2025, 3, 2), date(2025, 3, 2), "Y3")
        )
    with pytest.raises(InstructionRefused, match="only they can withdraw"):
        withdraw_instructions(con, Withdrawal(upn, OPT_OUT, "parent", date(2025, 4, 1), "P1"))
    with pytest.raises(InstructionRefused, match="no parental_restriction"):
        withdraw_instructions(
            con, Withdrawal(upn, "parental_restriction", "young_person", date(2025, 4, 1), "P2")
        )


def test_consent_commands(store_path: Path) -> None:
    upn = make_upn(9)
    with open_store(store_path) as con:
        insert_pupils(con, [Pupil(upn, date(2010, 3, 15))])
    db = ["--db", str(store_path)]
    record = ["consent", "record", upn, "--type", "parental_restriction", "--by", "parent"]
    result = runner.invoke(app, [*record, "--on", "2024-05-01", "--ref", "LET-2024-1", *db])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(app, [*record, "--on", "2026-03-16", "--ref", "LET-2026-2", *db])
    assert refused.exit_code == 1
    assert "turned 16 on 2026-03-15" in refused.output
    withdraw = ["consent", "withdraw", upn, "--type", "parental_restriction"]
    result = runner.invoke(
        app, [*withdraw, "--by", "young_person", "--on", "2026-03-15", "--ref", "YSS-2026-1", *db]
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["consent", "show", upn, "--on", "2025-01-01", *db])
    assert shown.exit_code == 0, shown.output
    assert "LET-2024-1" in shown.output and "young_person" in shown.output
    assert "parental_restriction in force on 2025-01-01: yes" in shown.output
    later = runner.invoke(app, ["consent", "show", upn, "--on", "2026-03-15", *db])
    assert "parental_restriction in force on 2026-03-15: no" in later.output
    bad = runner.invoke(app, ["consent", "show", "B801200005002", *db])
    assert bad.exit_code == 1 and "not a valid UPN" in bad.output
    with open_store(store_path) as con:
        actions = con.execute(
            "SELECT action FROM rights_audit_log ORDER BY performed_at, action"
        ).fetchall()
    assert sorted(a for (a,) in actions) == ["consent_record", "consent_withdraw"]
