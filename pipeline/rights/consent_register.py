"""The consent register: recording, withdrawing and reading instructions about a pupil.

An instruction is a research/statistics opt-out or a section 507B restriction, recorded by
a parent, a carer or the young person, on a date, taking effect from a date, on a source
document (its reference). The register is append-only (``pipeline.store.rights_tables``):
a withdrawal is a row of its own. The delivered consent file feeds the same register.

A pupil with a research opt-out in force on a release's reference date (effective on or
before it, not withdrawn by then) is excluded from every statistic of that release
(view ``statistics_eligible_census``, macro ``research_opt_outs_on``). When an instruction
is in force is defined once, by the store's SQL macro ``instruction_in_force``
(``pipeline.store.rights_tables``); :func:`instruction_in_force_during` mirrors it in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import polars as pl

from pipeline.rights.audit_log import AuditEntry, log_actions
from pipeline.rights.identifier_guard import REFERENCE_FORM, identifier_in
from pipeline.rights.restriction import (
    RESTRICTION,
    InstructionRefused,
    check_may_record,
    check_may_withdraw,
    restriction_counts,
)
from pipeline.store.pupil_keys import pupil_key, store_key
from pipeline.store.transaction import rollback_quietly
from schema import codes
from schema.errors import PupilstatsError


@dataclass(frozen=True)
class Instruction:
    """One instruction as given: who gave it, when, from when, on which document."""

    upn: str
    consent_type: str
    recorded_by: str
    recorded_on: date
    effective_from: date
    source_ref: str


@dataclass(frozen=True)
class Withdrawal:
    """Ending the instructions of one type in force for a pupil."""

    upn: str
    consent_type: str
    withdrawn_by: str
    withdrawn_on: date
    source_ref: str


def date_of_birth(con: duckdb.DuckDBPyConnection, upn: str) -> date:
    """The pupil's date of birth on their latest census; an error if no census holds them."""
    rows = con.execute(
        "SELECT date_of_birth FROM census WHERE upn = ? AND date_of_birth IS NOT NULL "
        "ORDER BY census_date DESC LIMIT 1",
        [upn],
    ).fetchall()
    if not rows:
        raise PupilstatsError(
            f"no stored census holds UPN {upn}: load the census that lists the pupil first"
        )
    return rows[0][0]


def _check_codes(consent_type: str, person: str) -> None:
    if consent_type not in codes.CONSENT_TYPES:
        raise PupilstatsError(
            f"unknown consent type {consent_type!r}; one of: {', '.join(codes.CONSENT_TYPES)}"
        )
    if person not in codes.RECORDED_BY:
        raise PupilstatsError(f"unknown person {person!r}; one of: {', '.join(codes.RECORDED_BY)}")


def _check_reference(source_ref: str) -> str:
    """The document reference, trimmed; refused in one line unless it has a reference's
    form (``identifier_guard.REFERENCE_FORM``) and holds nothing shaped like a UPN, a
    postcode or a date: it names a document, not the pupil."""
    ref = source_ref.strip()
    if not ref:
        raise PupilstatsError("the source document reference (--ref) is required")
    if not REFERENCE_FORM.fullmatch(ref):
        raise PupilstatsError(
            "--ref must be a document reference: 1-40 letters, digits and _ . / : # -, "
            "no spaces (e.g. LET-000123)"
        )
    found = identifier_in(ref)
    if found is not None:
        raise PupilstatsError(f"--ref must not contain {found}: give the document's reference")
    return ref


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_instruction(con: duckdb.DuckDBPyConnection, instruction: Instruction) -> str:
    """Append ``instruction`` to the register and return its id.

    Refused (with the reason) when the type or person is unknown, the document reference is
    missing, it would take effect before it was received, the pupil is on no census, the
    person may not give it (``pipeline.rights.restriction``) or it is already recorded.
    """
    _check_codes(instruction.consent_type, instruction.recorded_by)
    ref = _check_reference(instruction.source_ref)
    if instruction.effective_from < instruction.recorded_on:
        raise PupilstatsError(
            f"an instruction received on {instruction.recorded_on} cannot take effect before "
            f"it ({instruction.effective_from})"
        )
    dob = date_of_birth(con, instruction.upn)
    check_may_record(
        instruction.consent_type, instruction.recorded_by, instruction.recorded_on, dob
    )
    key = store_key(con)
    con.execute("BEGIN TRANSACTION")
    try:
        row = con.execute(
            "SELECT md5(concat_ws('|', ?, ?, ?::DATE, ?))",
            [instruction.upn, instruction.consent_type, instruction.recorded_on, ref],
        ).fetchall()
        instruction_id = row[0][0]
        exists = con.execute(
            "SELECT count(*) FROM consent_register WHERE instruction_id = ?", [instruction_id]
        ).fetchall()[0][0]
        if exists:
            raise PupilstatsError(
                f"this instruction ({instruction.consent_type}, {instruction.recorded_on}, "
                f"{ref}) is already in the register"
            )
        con.execute(
            "INSERT INTO consent_instructions VALUES (?, ?, ?, ?, ?, ?, ?, 'command', ?)",
            [
                instruction_id,
                instruction.upn,
                instruction.consent_type,
                instruction.recorded_by,
                instruction.recorded_on,
                instruction.effective_from,
                ref,
                _now(),
            ],
        )
        log_actions(
            con,
            [
                AuditEntry(
                    action="consent_record",
                    pupil_key=pupil_key(key, instruction.upn),
                    table_name="consent_instructions",
                    field=instruction.consent_type,
                    rows_affected=1,
                    reason=f"recorded by {instruction.recorded_by}",
                )
            ],
        )
        con.execute("COMMIT")
    except Exception:
        rollback_quietly(con)
        raise
    return instruction_id


def register_rows(con: duckdb.DuckDBPyConnection, upn: str) -> pl.DataFrame:
    """The pupil's instructions with their withdrawal dates, in the order they were given."""
    return con.sql(
        "SELECT instruction_id, consent_type, recorded_by, recorded_on, effective_from, "
        "source_ref, origin, withdrawn_on, withdrawn_by FROM consent_register WHERE upn = ? "
        "ORDER BY recorded_on, consent_type, source_ref",
        params=[upn],
    ).pl()


def withdraw_instructions(con: duckdb.DuckDBPyConnection, withdrawal: Withdrawal) -> list[str]:
    """End every instruction of the type not yet withdrawn for the pupil; return their ids.

    Refused when there is none to withdraw or the person may not withdraw one of them.
    """
    _check_codes(withdrawal.consent_type, withdrawal.withdrawn_by)
    ref = _check_reference(withdrawal.source_ref)
    dob = date_of_birth(con, withdrawal.upn)
    open_ = register_rows(con, withdrawal.upn).filter(
        (pl.col("consent_type") == withdrawal.consent_type)
        & (pl.col("withdrawn_on").is_null() | (pl.col("withdrawn_on") > withdrawal.withdrawn_on))
        & (pl.col("recorded_on") <= withdrawal.withdrawn_on)
    )
    if withdrawal.consent_type == RESTRICTION:
        open_ = open_.filter(
            pl.struct("recorded_by", "recorded_on").map_elements(
                lambda r: restriction_counts(r["recorded_by"], r["recorded_on"], dob),
                return_dtype=pl.Boolean,
            )
        )
    if open_.is_empty():
        raise InstructionRefused(
            f"there is no {withdrawal.consent_type} in the register to withdraw on "
            f"{withdrawal.withdrawn_on}"
        )
    for row in open_.iter_rows(named=True):
        check_may_withdraw(
            withdrawal.consent_type,
            row["recorded_by"],
            withdrawal.withdrawn_by,
            withdrawal.withdrawn_on,
            dob,
        )
    key = store_key(con)
    ids = open_["instruction_id"].to_list()
    con.execute("BEGIN TRANSACTION")
    try:
        for instruction_id in ids:
            con.execute(
                "INSERT INTO consent_withdrawals VALUES (?, ?, ?, ?, ?, 'command', ?)",
                [
                    instruction_id,
                    withdrawal.upn,
                    withdrawal.withdrawn_on,
                    withdrawal.withdrawn_by,
                    ref,
                    _now(),
                ],
            )
        log_actions(
            con,
            [
                AuditEntry(
                    action="consent_withdraw",
                    pupil_key=pupil_key(key, withdrawal.upn),
                    table_name="consent_withdrawals",
                    field=withdrawal.consent_type,
                    rows_affected=len(ids),
                    reason=f"withdrawn by {withdrawal.withdrawn_by}",
                )
            ],
        )
        con.execute("COMMIT")
    except Exception:
        rollback_quietly(con)
        raise
    return ids


def instruction_in_force_during(row: dict[str, object], first: date, last: date) -> bool:
    """Whether a register row is in force on some day from ``first`` to ``last``: effective
    by ``last`` and not withdrawn by ``first``.

    The definition is the store's SQL macro ``instruction_in_force(effective_from,
    withdrawn_on, first_date, last_date)`` (``pipeline.store.rights_tables``, where its
    semantics are spelled out); this mirrors it for use without a store, and a property test
    (``tests/pipeline/rights/test_rights_in_force_property.py``) checks that the two agree.
    """
    effective = row["effective_from"]
    withdrawn = row["withdrawn_on"]
    return effective <= last and (withdrawn is None or withdrawn > first)  # type: ignore[operator]


def instruction_in_force(row: dict[str, object], on: date) -> bool:
    """Whether a register row is in force on ``on``: effective, not yet withdrawn (the window
    ``on, on`` of :func:`instruction_in_force_during`, which mirrors the store's SQL macro
    ``instruction_in_force``)."""
    return instruction_in_force_during(row, on, on)


def in_force_on(con: duckdb.DuckDBPyConnection, upn: str, on: date) -> dict[str, bool]:
    """For each consent type, whether an instruction of it is in force for the pupil on ``on``.

    A restriction a parent dated on or after the 16th birthday (possible only in a delivered
    file: the command refuses it) does not count.
    """
    rows = register_rows(con, upn)
    dob = date_of_birth(con, upn)
    result = {t: False for t in codes.CONSENT_TYPES}
    for row in rows.iter_rows(named=True):
        if not instruction_in_force(row, on):
            continue
        if row["consent_type"] == RESTRICTION and not restriction_counts(
            row["recorded_by"], row["recorded_on"], dob
        ):
            continue
        result[row["consent_type"]] = True
    return result


def opted_out_on(con: duckdb.DuckDBPyConnection, reference_date: date) -> list[str]:
    """The UPNs with a research opt-out in force on ``reference_date``, sorted."""
    rows = con.execute(
        "SELECT upn FROM research_opt_outs_on(?::DATE) ORDER BY upn", [reference_date]
    ).fetchall()
    return [r[0] for r in rows]
