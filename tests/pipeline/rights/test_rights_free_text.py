"""Free text typed on the command line names no pupil: ``--reason`` is refused (one line,
naming the option) when it holds the pupil's own name or anything shaped like a UPN, a
postcode or a date; ``--ref`` must have a document reference's form."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.rights.audit_log import checked_reason
from pipeline.store import open_store
from schema.errors import PupilstatsError

PUPIL = Pupil(make_upn(1), date(2011, 1, 1), surname="Smith-Jones", forename="Aoife")


def invoke(store_path: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, [*args, "--db", str(store_path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output.strip().splitlines()


@pytest.mark.parametrize(
    ("reason", "found"),
    [
        (f"asked by {make_upn(2).lower()}", "a UPN"),
        ("moved to zz13-3tr", "a postcode"),
        ("moved to ZZ13 3TR", "a postcode"),
        ("asked 11.01.2021", "a date"),
        ("asked by Smith DOB 2012-02-14", "a date"),
        ("born 14/02/2012", "a date"),
    ],
)
def test_identifiers_in_any_form_are_refused_naming_the_option(reason: str, found: str) -> None:
    with pytest.raises(PupilstatsError) as raised:
        checked_reason(reason)
    assert str(raised.value).startswith(f"--reason must not contain {found}")


@pytest.mark.parametrize("reason", ["asked by Mrs SMITH", "aoife's own request", "per jones"])
def test_the_pupils_own_name_is_refused_in_any_case(reason: str) -> None:
    with pytest.raises(PupilstatsError, match="--reason must not contain the pupil's name"):
        checked_reason(reason, names=[PUPIL.surname, PUPIL.forename])
    assert checked_reason("parent's request ER-12", names=[PUPIL.surname]) == (
        "parent's request ER-12"
    )


def test_erase_and_correct_refuse_a_reason_naming_the_pupil(store_path: Path) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, [PUPIL])
    for command in (
        ["erase", PUPIL.upn, "--yes"],
        ["correct", PUPIL.upn, "--field", "sex", "--value", "M"],
    ):
        code, lines = invoke(store_path, *command, "--reason", "asked by Mr Smith")
        assert code == 1 and len(lines) == 1, lines
        assert "--reason must not contain the pupil's name" in lines[0]
    with open_store(store_path) as con:
        assert con.execute("SELECT legal_surname, sex FROM census").fetchall() == [
            ("Smith-Jones", "F")
        ]
        assert con.execute("SELECT count(*) FROM rights_audit_log").fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("letter from Mrs Smith", "--ref must be a document reference"),
        ("ZZ13-3TR", "--ref must not contain a postcode"),
        ("DOB-14/02/2012", "--ref must not contain a date"),
        ("x" * 41, "--ref must be a document reference"),
    ],
)
def test_a_ref_without_a_references_form_is_refused(
    store_path: Path, ref: str, message: str
) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, [PUPIL])
    record = ["consent", "record", PUPIL.upn, "--type", "research_opt_out", "--by", "parent"]
    code, lines = invoke(store_path, *record, "--on", "2025-01-05", "--ref", ref)
    assert code == 1 and len(lines) == 1 and message in lines[0], lines
    code, lines = invoke(store_path, *record, "--on", "2025-01-05", "--ref", "LET-000123")
    assert code == 0, lines
