"""The rights audit log holds no free text a person can be named in (issue 16, point 8):
``correct --reason`` and ``erase --reason`` take a code of the documented vocabulary
(``pipeline/config/rights_reasons.toml``), ``consent record|withdraw --ref`` a case reference
``PREFIX-YYYY-N``; anything else, "asked by Smith" above all, is refused in one line naming
what is valid, before the store is touched."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.rights.reasons import (
    REASONS_FILE,
    _checked,
    checked_case_reference,
    checked_reason_code,
    load_vocabulary,
)
from pipeline.store import open_store
from schema.errors import PupilstatsError

PUPIL = Pupil(make_upn(1), date(2011, 1, 1), surname="Smith-Jones", forename="Aoife")


def invoke(store_path: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, [*args, "--db", str(store_path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output.strip().splitlines()


def test_the_vocabulary_is_the_documented_file() -> None:
    config = tomllib.loads(REASONS_FILE.read_text())
    vocabulary = load_vocabulary()
    assert vocabulary.reasons == {"correct": config["correct"], "erase": config["erase"]}
    assert "data_subject_request" in vocabulary.reasons["erase"]
    assert vocabulary.prefixes == tuple(config["case_reference"]["prefixes"])


@pytest.mark.parametrize("action", ["correct", "erase"])
def test_every_code_is_accepted_and_a_sentence_is_refused_listing_the_codes(action: str) -> None:
    codes = load_vocabulary().reasons[action]
    assert [c for c in codes if checked_reason_code(c, action) != c] == []
    for sentence in ("asked by Smith", "data_subject_request by Smith", "Data_Subject_Request"):
        with pytest.raises(PupilstatsError) as refused:
            checked_reason_code(sentence, action)
        message = str(refused.value)
        assert message.startswith(f"--reason {sentence!r} is not a reason {action} takes: one of")
        assert all(code in message for code in codes) and "\n" not in message


@pytest.mark.parametrize("ref", ["DSR-2025-142", "LET-2024-1", "CASE-2026-999999"])
def test_a_case_reference_is_accepted(ref: str) -> None:
    assert checked_case_reference(ref) == ref


@pytest.mark.parametrize(
    "ref",
    [
        "letter from Mrs Smith",
        "SMITH-2025-1",  # a name where the prefix goes: not a listed prefix
        "DSR-2025-1234567",
        "DSR-25-1",
        "dsr-2025-142",
        "DSR-2025-142 Smith",
        "ZZ13-3TR",
        "LET-1",
    ],
)
def test_anything_else_as_a_reference_is_refused_naming_the_form(ref: str) -> None:
    with pytest.raises(PupilstatsError) as refused:
        checked_case_reference(ref)
    assert str(refused.value).startswith(f"--ref {ref!r} is not a case reference: PREFIX-YYYY-N")


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"correct": {"x": "y"}, "case_reference": {"prefixes": ["DSR"]}}, "[erase] must list"),
        (
            {
                "correct": {"Asked by": "y"},
                "erase": {"x": "y"},
                "case_reference": {"prefixes": ["A"]},
            },
            "lower_snake_case",
        ),
        (
            {"correct": {"x": "y"}, "erase": {"x": "y"}, "case_reference": {"prefixes": ["d1"]}},
            "2-6 capitals",
        ),
    ],
)
def test_a_vocabulary_file_out_of_form_is_refused(config: dict, problem: str) -> None:
    with pytest.raises(PupilstatsError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        _checked(config, REASONS_FILE)


def test_erase_and_correct_refuse_a_free_text_reason_and_change_nothing(store_path: Path) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, [PUPIL])
    for command in (
        ["erase", PUPIL.upn, "--yes"],
        ["correct", PUPIL.upn, "--field", "sex", "--value", "M"],
    ):
        code, lines = invoke(store_path, *command, "--reason", "asked by Mr Smith")
        assert code == 1 and len(lines) == 1, lines
        assert "--reason 'asked by Mr Smith' is not a reason" in lines[0]
    with open_store(store_path) as con:
        assert con.execute("SELECT legal_surname, sex FROM census").fetchall() == [
            ("Smith-Jones", "F")
        ]
        assert con.execute("SELECT count(*) FROM rights_audit_log").fetchall() == [(0,)]
    code, lines = invoke(
        store_path,
        "correct",
        PUPIL.upn,
        "--field",
        "sex",
        "--value",
        "M",
        "--reason",
        "data_subject_request",
    )
    assert code == 0, lines
    with open_store(store_path) as con:
        logged = con.execute("SELECT action, reason FROM rights_audit_log").fetchall()
    assert logged == [("correct", "data_subject_request")]


def test_consent_commands_refuse_a_reference_out_of_form_in_one_line(store_path: Path) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, [PUPIL])
    record = ["consent", "record", PUPIL.upn, "--type", "research_opt_out", "--by", "parent"]
    code, lines = invoke(store_path, *record, "--on", "2025-01-05", "--ref", "letter from Smith")
    assert code == 1 and len(lines) == 1 and "is not a case reference" in lines[0], lines
    code, lines = invoke(store_path, *record, "--on", "2025-01-05", "--ref", "LET-2025-123")
    assert code == 0, lines
    withdraw = ["consent", "withdraw", PUPIL.upn, "--type", "research_opt_out", "--by", "parent"]
    code, lines = invoke(store_path, *withdraw, "--on", "2025-02-01", "--ref", "Mrs Smith")
    assert code == 1 and len(lines) == 1 and "is not a case reference" in lines[0], lines


def test_the_help_lists_the_reasons() -> None:
    said = CliRunner().invoke(app, ["erase", "--help"], terminal_width=200)
    assert "recorded_in_error" in said.output
