"""``pupilstats ledger list|withdraw``: the ledger on the command line, and what a run says
when it wrote nothing new or a revision."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from cli import app
from pipeline.ledger.read import ledger_release
from pipeline.release.summary import RunResult
from pipeline.store import open_store

runner = CliRunner()
FLOW = "funding-round"


def write_release(db: Path, releases: Path, extra: int = 0, revises: str | None = None) -> str:
    """A small audited release of ``FLOW`` with its population record and ledger entry."""
    from disclosure import DFE, Dimension, Table, audit, protect
    from pipeline.ledger.entry import LedgerEntry, LedgerTable, ledger_cells
    from pipeline.ledger.record import LedgerRecord
    from pipeline.release.tables import release_tables
    from pipeline.release.writer import write_release as write
    from pipeline.rights.release_population import PopulationRecord

    school = Dimension.flat("school", ["3592001", "3592002"], total="Total")
    sex = Dimension.flat("sex", ["F", "M"], total="Total")
    pupils = pl.DataFrame(
        {
            "school": ["3592001"] * 9 + ["3592002"] * (9 + extra),
            "sex": ["F", "M"] * 9 + ["M"] * extra,
        }
    )
    table = Table.from_microdata("funding_sex", pupils, (school, sex))
    protection = protect([table], DFE)
    entry = LedgerEntry(
        flow=FLOW,
        period="2025-10-02",
        reference_date=date(2025, 10, 2),
        profile="dfe",
        tables=(
            LedgerTable(
                "funding_sex",
                tuple(table.dimensions),
                frozenset({"sex"}),
                "Pupils of two schools.",
                "tests.SQL",
                ledger_cells(protection.tables["funding_sex"], ["school", "sex"]),
            ),
        ),
        revises=revises,
    )
    statuses = pl.DataFrame(
        {"upn": ["A1"], "status": ["counted"], "reference_date": [date(2025, 10, 2)]}
    )
    with open_store(db) as con:
        folder = write(
            releases_dir=releases,
            flow=FLOW,
            reference_date="2025-10-02",
            profile=DFE,
            tables=release_tables([table], protection, "pupils"),
            inputs=[],
            audit=audit([table], protection, DFE),
            record=LedgerRecord(PopulationRecord(con, FLOW, statuses), entry),
            revises=revises,
        )
    return folder.name


def test_list_shows_every_release_with_its_period_state_and_revision(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    empty = runner.invoke(app, ["ledger", "list", "--db", str(db)])
    assert empty.exit_code == 0 and "the ledger holds no release" in empty.output
    first = write_release(db, tmp_path / "releases")
    second = write_release(db, tmp_path / "releases", extra=4, revises=first)
    listed = runner.invoke(app, ["ledger", "list", "--db", str(db), "--flow", FLOW])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].split() == [
        "release_id",
        "flow",
        "period",
        "reference_date",
        "state",
        "revises",
    ]
    assert lines[1].split() == [first, FLOW, "2025-10-02", "2025-10-02", "published", "-"]
    assert lines[2].split() == [second, FLOW, "2025-10-02", "2025-10-02", "published", first]
    other = runner.invoke(app, ["ledger", "list", "--db", str(db), "--flow", "ccg-health"])
    assert "the ledger holds no release of ccg-health" in other.output
    bad = runner.invoke(app, ["ledger", "list", "--db", str(db), "--flow", "funding"])
    assert bad.exit_code == 1 and "no release called 'funding'" in bad.output


def test_withdraw_says_what_it_does_and_needs_confirmation_or_yes(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    first = write_release(db, tmp_path / "releases")
    second = write_release(db, tmp_path / "releases", extra=4, revises=first)
    command = ["ledger", "withdraw", first, "--reason", "wrong census", "--db", str(db)]
    declined = runner.invoke(app, command, input="n\n")
    assert declined.exit_code == 1
    said = " ".join(declined.output.split())
    assert f"Withdrawing release {first} (funding-round, period 2025-10-02" in said
    assert "Nothing is deleted" in said and f"Withdraw release {first}?" in said
    with open_store(db) as con:
        assert not ledger_release(con, first).withdrawn
    confirmed = runner.invoke(app, command, input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert f"withdrew {first} at " in confirmed.output
    unasked = runner.invoke(
        app, ["ledger", "withdraw", second, "--reason", "superseded", "--yes", "--db", str(db)]
    )
    assert unasked.exit_code == 0 and "Withdraw release" not in unasked.output
    with open_store(db) as con:
        assert ledger_release(con, first).withdrawn_reason == "wrong census"
        assert ledger_release(con, second).withdrawn_reason == "superseded"
        assert con.execute("SELECT count(*) FROM ledger_cells").fetchall()[0][0] == 18
    listed = runner.invoke(app, ["ledger", "list", "--db", str(db)])
    assert [line.split()[4] for line in listed.output.splitlines()[1:]] == ["withdrawn"] * 2
    again = runner.invoke(app, [*command, "--yes"])
    assert again.exit_code == 1 and "was withdrawn on" in again.output
    unknown = runner.invoke(app, ["ledger", "withdraw", "nope", "--reason", "x", "--db", str(db)])
    assert unknown.exit_code == 1 and "no release 'nope' in the ledger" in unknown.output
    no_reason = runner.invoke(app, ["ledger", "withdraw", first, "--db", str(db)])
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output


def test_a_run_says_when_it_wrote_nothing_new_or_a_revision(capsys: object) -> None:
    from cli.run import print_result

    print_result(RunResult(release=Path("r/x"), identical_to="funding-round-x"))
    print_result(RunResult(release=Path("r/y"), revises="funding-round-x"))
    print_result(RunResult(release=Path("r/z")))
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert out.count("identical to release funding-round-x: nothing new written") == 1
    assert out.count("revises release funding-round-x") == 1
    assert out.count("release written:") == 2
