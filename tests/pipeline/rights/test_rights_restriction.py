"""The section 507B restriction and its transfer to the young person on their 16th birthday."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest
from rights_store import Pupil, insert_pupils, make_upn

from pipeline.rights.consent_register import (
    Instruction,
    Withdrawal,
    in_force_on,
    record_instruction,
    withdraw_instructions,
)
from pipeline.rights.restriction import InstructionRefused, age_on, birthday, transfer_date

RESTRICTION = "parental_restriction"
BORN = date(2010, 3, 15)
SIXTEENTH = date(2026, 3, 15)


def restrict(con: duckdb.DuckDBPyConnection, upn: str, by: str, on: date, ref: str) -> str:
    return record_instruction(con, Instruction(upn, RESTRICTION, by, on, on, ref))


def lift(con: duckdb.DuckDBPyConnection, upn: str, by: str, on: date, ref: str) -> list[str]:
    return withdraw_instructions(con, Withdrawal(upn, RESTRICTION, by, on, ref))


def restricted(con: duckdb.DuckDBPyConnection, upn: str, on: date) -> bool:
    return in_force_on(con, upn, on)[RESTRICTION]


def test_birthdays_and_ages() -> None:
    assert transfer_date(BORN) == SIXTEENTH
    assert age_on(BORN, SIXTEENTH - timedelta(days=1)) == 15
    assert age_on(BORN, SIXTEENTH) == 16
    # born on 29 February: the birthday is 1 March in a year that is not a leap year
    assert birthday(date(2008, 2, 29), 17) == date(2025, 3, 1)
    assert birthday(date(2008, 2, 29), 16) == date(2024, 2, 29)
    assert age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16


def test_parent_restricts_at_14_and_the_young_person_lifts_it_at_16(
    con: duckdb.DuckDBPyConnection,
) -> None:
    upn = make_upn(1)
    insert_pupils(con, [Pupil(upn, BORN)])
    restrict(con, upn, "parent", date(2024, 5, 1), "LET-1")  # aged 14
    assert restricted(con, upn, date(2024, 5, 1))
    assert not restricted(con, upn, date(2024, 4, 30))
    # before 16 the choice is not yet the young person's
    with pytest.raises(InstructionRefused, match="parent or carer"):
        lift(con, upn, "young_person", SIXTEENTH - timedelta(days=1), "YP-0")
    assert restricted(con, upn, SIXTEENTH - timedelta(days=1))
    lift(con, upn, "young_person", SIXTEENTH, "YP-1")
    assert not restricted(con, upn, SIXTEENTH)
    assert not restricted(con, upn, date(2027, 1, 1))
    # the parent's instruction is still in the history, ended by the young person's
    history = con.execute(
        "SELECT recorded_by, withdrawn_on, withdrawn_by FROM consent_register WHERE upn = ?",
        [upn],
    ).fetchall()
    assert history == [("parent", SIXTEENTH, "young_person")]


def test_a_parent_is_refused_at_16_and_a_day(con: duckdb.DuckDBPyConnection) -> None:
    upn = make_upn(2)
    insert_pupils(con, [Pupil(upn, BORN)])
    with pytest.raises(InstructionRefused, match="turned 16 on 2026-03-15") as refused:
        restrict(con, upn, "parent", SIXTEENTH + timedelta(days=1), "LET-2")
    assert "young person's own choice" in str(refused.value)
    with pytest.raises(InstructionRefused, match="turned 16"):
        restrict(con, upn, "carer", SIXTEENTH, "LET-3")
    assert not restricted(con, upn, SIXTEENTH + timedelta(days=2))
    assert con.execute("SELECT count(*) FROM consent_register").fetchall() == [(0,)]
    # the young person's own choice stands
    restrict(con, upn, "young_person", SIXTEENTH + timedelta(days=1), "YP-2")
    assert restricted(con, upn, SIXTEENTH + timedelta(days=1))


def test_a_restriction_made_at_15_holds_at_17_until_the_young_person_acts(
    con: duckdb.DuckDBPyConnection,
) -> None:
    upn = make_upn(3)
    insert_pupils(con, [Pupil(upn, BORN)])
    restrict(con, upn, "parent", date(2025, 6, 1), "LET-4")  # aged 15
    at_17 = date(2027, 6, 1)
    assert age_on(BORN, at_17) == 17
    assert restricted(con, upn, at_17)
    # the parent can no longer lift it either: only the young person can
    with pytest.raises(InstructionRefused, match="turned 16"):
        lift(con, upn, "parent", at_17, "LET-5")
    assert restricted(con, upn, at_17)
    lift(con, upn, "young_person", at_17 + timedelta(days=1), "YP-3")
    assert restricted(con, upn, at_17)
    assert not restricted(con, upn, at_17 + timedelta(days=1))


def test_a_parents_restriction_dated_after_16_in_a_delivered_file_has_no_effect(
    con: duckdb.DuckDBPyConnection,
) -> None:
    upn = make_upn(4)
    insert_pupils(con, [Pupil(upn, BORN)])
    con.execute(
        "INSERT INTO consent VALUES (?, ?, 'parent', ?, ?, NULL, 'CR-9')",
        [upn, RESTRICTION, SIXTEENTH + timedelta(days=3), SIXTEENTH + timedelta(days=3)],
    )
    assert not restricted(con, upn, date(2027, 1, 1))
