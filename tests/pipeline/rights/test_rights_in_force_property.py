"""When an instruction is in force is defined once, by the store's SQL macro
``instruction_in_force``; the Python ``instruction_in_force_during`` mirrors it. On random
consent registers (several pupils, several instructions each, every consent type, dates
equal, withdrawn before effective, never withdrawn, withdrawn twice, delivered in the file or
recorded on the command line) the two agree on who has a research opt-out in force, on
dates and on windows, through every way the store asks it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rights_store import make_upn

from pipeline.rights.consent_register import (
    in_force_on,
    instruction_in_force,
    instruction_in_force_during,
    opted_out_on,
)
from pipeline.store import create_tables
from pipeline.store.rights_tables import absorb_delivered_register, instruction_id_sql
from schema import codes

OPT_OUT = "research_opt_out"
FIRST_DAY = date(2025, 9, 20)
DAYS = 15
"""A short span, so that equal dates (effective on the day asked, withdrawn on it, withdrawn
the day it takes effect) are frequent."""
PUPILS = 4
BORN = date(2012, 1, 1)


@dataclass(frozen=True)
class Given:
    """One instruction of a random register and how it reached the store."""

    pupil: int
    consent_type: str
    recorded_by: str
    recorded_on: date
    effective_from: date
    in_file: bool
    file_withdrawal: date | None
    """The delivered file's ``withdrawn_on`` (only for an instruction in the file)."""
    withdrawals: tuple[date, ...]
    """Withdrawals recorded with the command (an instruction may be withdrawn twice)."""
    ref: str

    @property
    def upn(self) -> str:
        return make_upn(self.pupil + 1)

    @property
    def withdrawn_on(self) -> date | None:
        """What the register should read: the first withdrawal, if any."""
        ends = [*self.withdrawals, *([self.file_withdrawal] if self.file_withdrawal else [])]
        return min(ends) if ends else None

    def dates(self) -> tuple[date, date | None, date | None]:
        """effective_from, the file's withdrawn_on and the register's withdrawn_on."""
        return self.effective_from, self.file_withdrawal, self.withdrawn_on

    def row(self) -> dict[str, object]:
        return {"effective_from": self.effective_from, "withdrawn_on": self.withdrawn_on}


days = st.integers(0, DAYS - 1).map(lambda n: FIRST_DAY + timedelta(days=n))


@st.composite
def instructions(draw: st.DrawFn, index: int) -> Given:
    in_file = draw(st.booleans())
    return Given(
        pupil=draw(st.integers(0, PUPILS - 1)),
        consent_type=draw(st.sampled_from([*codes.CONSENT_TYPES, OPT_OUT])),
        recorded_by=draw(st.sampled_from(codes.RECORDED_BY)),
        recorded_on=draw(days),
        effective_from=draw(days),
        in_file=in_file,
        file_withdrawal=draw(st.none() | days) if in_file else None,
        withdrawals=tuple(draw(st.lists(days, max_size=2))),
        ref=f"REF-{index}",
    )


@st.composite
def registers(draw: st.DrawFn) -> list[Given]:
    count = draw(st.integers(0, 10))
    return [draw(instructions(i)) for i in range(count)]


windows = st.tuples(days, days).map(lambda pair: (min(pair), max(pair)))


def fresh_store(register: list[Given], census_dates: set[date]) -> duckdb.DuckDBPyConnection:
    """A new in-memory store made by the project's own ``create_tables``, holding the register
    and every pupil (and one without instructions) on a census on each date asked; the given
    instructions are also in ``given_rows`` (with ``n``, their index)."""
    con = duckdb.connect()
    create_tables(con)
    given = pl.DataFrame(
        [
            (n, g.upn, g.consent_type, g.recorded_by, g.recorded_on, *g.dates(), g.ref, g.in_file)
            for n, g in enumerate(register)
        ],
        schema={
            "n": pl.Int64,
            "upn": pl.Utf8,
            "consent_type": pl.Utf8,
            "recorded_by": pl.Utf8,
            "recorded_on": pl.Date,
            "effective_from": pl.Date,
            "file_withdrawal": pl.Date,
            "withdrawn_on": pl.Date,
            "source_ref": pl.Utf8,
            "in_file": pl.Boolean,
        },
        orient="row",
    )
    withdrawals = pl.DataFrame(
        [(g.ref, f"W-{n}", on) for g in register for n, on in enumerate(g.withdrawals)],
        schema={"source_ref": pl.Utf8, "ref": pl.Utf8, "withdrawn_on": pl.Date},
        orient="row",
    )
    census = pl.DataFrame(
        [(d, make_upn(p + 1), BORN) for d in sorted(census_dates) for p in range(PUPILS + 1)],
        schema={"census_date": pl.Date, "upn": pl.Utf8, "date_of_birth": pl.Date},
        orient="row",
    )
    con.register("given_rows", given.to_arrow())
    con.register("given_withdrawals", withdrawals.to_arrow())
    con.register("given_census", census.to_arrow())
    con.execute(
        "INSERT INTO consent SELECT upn, consent_type, recorded_by, recorded_on, effective_from, "
        "file_withdrawal, source_ref FROM given_rows WHERE in_file"
    )
    con.execute(
        f"INSERT INTO consent_instructions SELECT {instruction_id_sql()}, upn, consent_type, "
        "recorded_by, recorded_on, effective_from, source_ref, 'command', now()::TIMESTAMP "
        "FROM given_rows WHERE NOT in_file"
    )
    con.execute(
        "INSERT INTO consent_withdrawals SELECT r.instruction_id, r.upn, w.withdrawn_on, "
        "'parent', w.ref, 'command', now()::TIMESTAMP "
        "FROM given_withdrawals AS w JOIN consent_register AS r USING (source_ref)"
    )
    con.execute(
        "INSERT INTO census (census_date, upn, date_of_birth) "
        "SELECT census_date, upn, date_of_birth FROM given_census"
    )
    return con


def expected_opted_out(register: list[Given], first: date, last: date) -> set[str]:
    return {
        g.upn
        for g in register
        if g.consent_type == OPT_OUT and instruction_in_force_during(g.row(), first, last)
    }


def upns(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> set[str]:
    return {r[0] for r in con.execute(sql, params).fetchall()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    register=registers(),
    on_dates=st.lists(days, min_size=1, max_size=2, unique=True),
    spans=st.lists(windows, min_size=1, max_size=2),
    absorb=st.booleans(),
    shown=st.integers(0, PUPILS),
)
def test_python_and_the_sql_macro_agree_on_who_has_an_opt_out_in_force(
    register: list[Given],
    on_dates: list[date],
    spans: list[tuple[date, date]],
    absorb: bool,
    shown: int,
) -> None:
    con = fresh_store(register, set(on_dates))
    try:
        if absorb:
            # the store's upkeep copying the delivered file into the register changes nothing
            absorb_delivered_register(con)
        read = con.execute(
            "SELECT upn, source_ref, effective_from, withdrawn_on FROM consent_register"
        ).fetchall()
        assert sorted(read) == sorted(
            (g.upn, g.ref, g.effective_from, g.withdrawn_on) for g in register
        )
        for first, last in [*spans, *((d, d) for d in on_dates)]:
            expected = expected_opted_out(register, first, last)
            during = upns(
                con, "SELECT upn FROM research_opt_outs_during(?::DATE, ?::DATE)", [first, last]
            )
            assert during == expected, (first, last)
            macro = con.execute(
                "SELECT instruction_in_force(effective_from, withdrawn_on, ?::DATE, ?::DATE) "
                "FROM given_rows ORDER BY n",
                [first, last],
            ).fetchall()
            python = [(instruction_in_force_during(g.row(), first, last),) for g in register]
            assert macro == python, (first, last)
        for on in on_dates:
            expected = expected_opted_out(register, on, on)
            assert expected == {
                g.upn
                for g in register
                if g.consent_type == OPT_OUT and instruction_in_force(g.row(), on)
            }
            assert upns(con, "SELECT upn FROM research_opt_outs_on(?::DATE)", [on]) == expected
            assert opted_out_on(con, on) == sorted(expected)
            everyone = {make_upn(p + 1) for p in range(PUPILS + 1)}
            eligible = upns(
                con, "SELECT upn FROM statistics_eligible_census WHERE census_date = ?", [on]
            )
            assert eligible == everyone - expected, on
        # the command's reading (``pupilstats consent show``): register rows, Python rule
        on, upn = on_dates[0], make_upn(shown + 1)
        expected = expected_opted_out(register, on, on)
        assert in_force_on(con, upn, on)[OPT_OUT] == (upn in expected), (upn, on)
    finally:
        con.close()


def test_an_instruction_withdrawn_before_it_took_effect_counts_only_over_a_window() -> None:
    """The exact current rule, pinned: never in force on a single day, but in force over a
    window that starts before its withdrawal and ends on or after the day it was to take
    effect."""
    withdrawn, effective = FIRST_DAY + timedelta(days=1), FIRST_DAY + timedelta(days=5)
    g = Given(0, OPT_OUT, "parent", FIRST_DAY, effective, False, None, (withdrawn,), "REF")
    con = fresh_store([g], set())
    try:
        for n in range(DAYS):
            on = FIRST_DAY + timedelta(days=n)
            assert not instruction_in_force(g.row(), on)
            assert opted_out_on(con, on) == []
        for first, last, counted in [
            (FIRST_DAY, effective, True),
            (FIRST_DAY, effective - timedelta(days=1), False),
            (withdrawn, effective, False),
        ]:
            assert instruction_in_force_during(g.row(), first, last) is counted
            sql = "SELECT upn FROM research_opt_outs_during(?::DATE, ?::DATE)"
            assert upns(con, sql, [first, last]) == ({g.upn} if counted else set())
    finally:
        con.close()
