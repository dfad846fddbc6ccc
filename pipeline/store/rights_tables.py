"""The store's tables for individual rights: the consent register, the rights audit log and
the population record of each release.

* ``consent_instructions`` and ``consent_withdrawals``: the consent register, append-only.
  An instruction (a research opt-out or a section 507B restriction) is never updated: it is
  ended by a withdrawal row of its own, which says who withdrew it, when and on what document.
  Rows leave the register only by erasure or retention, and each such deletion is in the
  audit log.
* ``consent_register``: the register as users read it, one row per instruction with the
  date it was withdrawn, if it was. It unites the instructions recorded with ``pupilstats
  consent`` and those of the delivered consent file (table ``consent``), so a freshly
  loaded file counts at once, before it is copied into the register.
* ``instruction_in_force``: the one SQL definition of when an instruction is in force (on a
  date, or on some day of a window), used by ``research_opt_outs_on``,
  ``research_opt_outs_during`` and the view ``statistics_eligible_census``.
* ``rights_audit_log``: one row per corrected field, erasure, subject access request,
  extract or retention deletion. It names the pupil only by a keyed hash (HMAC-SHA256 of
  the UPN, ``pipeline.store.pupil_keys``) and never holds an old or new value.
* ``release_population``: for each statistical release, the keyed hash of every pupil on
  the census at its reference date and whether the release could count them or excluded
  them by a research opt-out, so a subject access request can say which releases used a
  pupil's data.
* ``release_records``: one row per such release: its folder and whether it is published
  (the population and the folder become visible together). The release ledger adds its
  columns (period, reference date, profile, revises, withdrawn) and tables
  (``pipeline.store.ledger_tables``).
* ``retention_runs``: the rows each retention run deleted (or would delete) per table.
* ``pupil_corrections``: each correction's new value (as entered) and the delivery it was
  made on (e.g. ``{"census_date": "2025-10-02"}``), so a reload of that delivery is
  corrected again (``pipeline.store.upkeep``). It holds personal data like the input tables
  and is reached by subject access, erasure and retention through its ``upn`` column.
"""

from __future__ import annotations

import duckdb

from pipeline.store.transaction import rollback_quietly

_INSTRUCTION_KEY = "md5(concat_ws('|', {p}upn, {p}consent_type, {p}recorded_on, {p}source_ref))"


def instruction_id_sql(prefix: str = "") -> str:
    """SQL for an instruction's id: an md5 over its natural key (the consent schema's key:
    UPN, type, date recorded and source document), so the same instruction delivered twice,
    or recorded on the command line and in a file, is one instruction."""
    return _INSTRUCTION_KEY.format(p=prefix)


CONSENT_INSTRUCTIONS_DDL = """
CREATE TABLE IF NOT EXISTS consent_instructions (
    instruction_id VARCHAR PRIMARY KEY,
    upn VARCHAR NOT NULL,
    consent_type VARCHAR NOT NULL,
    recorded_by VARCHAR NOT NULL,
    recorded_on DATE NOT NULL,
    effective_from DATE NOT NULL,
    source_ref VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    entered_at TIMESTAMP NOT NULL
)
"""

CONSENT_WITHDRAWALS_DDL = """
CREATE TABLE IF NOT EXISTS consent_withdrawals (
    instruction_id VARCHAR NOT NULL,
    upn VARCHAR NOT NULL,
    withdrawn_on DATE NOT NULL,
    recorded_by VARCHAR NOT NULL,
    source_ref VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    entered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (instruction_id, withdrawn_on, source_ref)
)
"""

CONSENT_REGISTER_VIEW = f"""
CREATE OR REPLACE VIEW consent_register AS
WITH delivered AS (
    SELECT {instruction_id_sql()} AS instruction_id, *
    FROM consent
    WHERE upn IS NOT NULL AND consent_type IS NOT NULL AND recorded_on IS NOT NULL
      AND effective_from IS NOT NULL
),
instructions AS (
    SELECT instruction_id, upn, consent_type, recorded_by, recorded_on, effective_from,
           source_ref, origin
    FROM consent_instructions
    UNION ALL
    SELECT d.instruction_id, d.upn, d.consent_type, d.recorded_by, d.recorded_on,
           d.effective_from, coalesce(d.source_ref, ''), 'file'
    FROM delivered AS d
    WHERE d.instruction_id NOT IN (SELECT instruction_id FROM consent_instructions)
),
withdrawals AS (
    SELECT instruction_id, withdrawn_on, recorded_by AS withdrawn_by FROM consent_withdrawals
    UNION ALL
    SELECT instruction_id, withdrawn_on, NULL FROM delivered WHERE withdrawn_on IS NOT NULL
),
first_withdrawal AS (
    SELECT instruction_id, min(withdrawn_on) AS withdrawn_on,
           arg_min(withdrawn_by, withdrawn_on) AS withdrawn_by
    FROM withdrawals
    GROUP BY instruction_id
)
SELECT i.*, w.withdrawn_on, w.withdrawn_by
FROM instructions AS i
LEFT JOIN first_withdrawal AS w USING (instruction_id)
"""

INSTRUCTION_IN_FORCE_MACRO = """
CREATE OR REPLACE MACRO instruction_in_force(effective_from, withdrawn_on, first_date, last_date)
AS effective_from <= last_date AND (withdrawn_on IS NULL OR withdrawn_on > first_date)
"""
"""The one definition of when an instruction of the register (a research opt-out, or a
section 507B restriction) is in force: the store's view ``statistics_eligible_census``, the
table macros below and every query of the register that asks it call this macro, and the
Python ``instruction_in_force_during`` and ``instruction_in_force`` of
``pipeline.rights.consent_register`` (for use without a store) mirror it.

``instruction_in_force(effective_from, withdrawn_on, first_date, last_date)`` is true when the
instruction is in force on some day from ``first_date`` to ``last_date``: it took effect by
the last day and was not withdrawn by the first. A single date ``d`` is the window ``d, d``:
in force on ``d`` when effective on or before ``d`` and not withdrawn on or before ``d``
(withdrawn on ``d`` means no longer in force on ``d``). On a longer window an instruction
withdrawn on or before the day it was to take effect, and so never in force on any single
day, counts as in force when the window starts before the withdrawal and ends on or after
that day."""

RESEARCH_OPT_OUTS_MACRO = """
CREATE OR REPLACE MACRO research_opt_outs_on(reference_date) AS TABLE
SELECT DISTINCT upn
FROM consent_register
WHERE consent_type = 'research_opt_out'
  AND instruction_in_force(effective_from, withdrawn_on, reference_date, reference_date)
"""
"""The pupils whose research opt-out is in force on a release's reference date (macro
``instruction_in_force`` on the window of that one day): effective on or before it and not
withdrawn by then. Aggregates of any input exclude them."""

RESEARCH_OPT_OUTS_DURING_MACRO = """
CREATE OR REPLACE MACRO research_opt_outs_during(first_date, last_date) AS TABLE
SELECT DISTINCT upn
FROM consent_register
WHERE consent_type = 'research_opt_out'
  AND instruction_in_force(effective_from, withdrawn_on, first_date, last_date)
"""
"""The pupils whose research opt-out is in force on any day from ``first_date`` to
``last_date`` (macro ``instruction_in_force``): for releases whose data are collected over a
period (a year's child measurements), so that who is left out does not depend on any pupil's
own dates."""

RIGHTS_AUDIT_LOG_DDL = """
CREATE TABLE IF NOT EXISTS rights_audit_log (
    entry_id VARCHAR PRIMARY KEY,
    action VARCHAR NOT NULL,
    pupil_key VARCHAR,
    table_name VARCHAR,
    field VARCHAR,
    rows_affected BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    performed_at TIMESTAMP NOT NULL
)
"""

RELEASE_POPULATION_DDL = """
CREATE TABLE IF NOT EXISTS release_population (
    release_id VARCHAR NOT NULL,
    flow VARCHAR NOT NULL,
    reference_date DATE NOT NULL,
    pupil_key VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (release_id, pupil_key)
)
"""

RELEASE_RECORDS_DDL = """
CREATE TABLE IF NOT EXISTS release_records (
    release_id VARCHAR PRIMARY KEY,
    flow VARCHAR NOT NULL,
    release_dir VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
)
"""
"""One row per release whose population is recorded: where its folder is and whether it is
``published`` or still ``pending`` (``pipeline.rights.release_population``)."""

RETENTION_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS retention_runs (
    run_id VARCHAR NOT NULL,
    run_at TIMESTAMP NOT NULL,
    as_of DATE NOT NULL,
    applied BOOLEAN NOT NULL,
    table_name VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    rows_past_date BIGINT NOT NULL
)
"""

ABSORB_DELIVERED_INSTRUCTIONS = f"""
INSERT INTO consent_instructions
SELECT instruction_id, upn, consent_type, coalesce(recorded_by, ''), recorded_on,
       effective_from, coalesce(source_ref, ''), 'file', now()::TIMESTAMP
FROM (
    SELECT DISTINCT ON (instruction_id) {instruction_id_sql()} AS instruction_id, *
    FROM consent
    WHERE upn IS NOT NULL AND consent_type IS NOT NULL AND recorded_on IS NOT NULL
      AND effective_from IS NOT NULL
) AS d
WHERE d.instruction_id NOT IN (SELECT instruction_id FROM consent_instructions)
"""

ABSORB_DELIVERED_WITHDRAWALS = f"""
INSERT INTO consent_withdrawals
SELECT DISTINCT d.instruction_id, d.upn, d.withdrawn_on, coalesce(d.recorded_by, ''),
       coalesce(d.source_ref, ''), 'file', now()::TIMESTAMP
FROM (SELECT {instruction_id_sql()} AS instruction_id, * FROM consent) AS d
WHERE d.withdrawn_on IS NOT NULL
  AND d.instruction_id IN (SELECT instruction_id FROM consent_instructions)
  AND NOT EXISTS (
      SELECT 1 FROM consent_withdrawals AS w
      WHERE w.instruction_id = d.instruction_id AND w.withdrawn_on = d.withdrawn_on
        AND w.source_ref = coalesce(d.source_ref, '')
  )
"""


PUPIL_CORRECTIONS_DDL = """
CREATE TABLE IF NOT EXISTS pupil_corrections (
    upn VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    delivery VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
)
"""


def create_rights_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the register, the audit log and the release population tables and views."""
    for ddl in (
        CONSENT_INSTRUCTIONS_DDL,
        CONSENT_WITHDRAWALS_DDL,
        RIGHTS_AUDIT_LOG_DDL,
        RELEASE_POPULATION_DDL,
        RELEASE_RECORDS_DDL,
        RETENTION_RUNS_DDL,
        PUPIL_CORRECTIONS_DDL,
        CONSENT_REGISTER_VIEW,
        INSTRUCTION_IN_FORCE_MACRO,
        RESEARCH_OPT_OUTS_MACRO,
        RESEARCH_OPT_OUTS_DURING_MACRO,
    ):
        con.execute(ddl)


def absorb_delivered_register(con: duckdb.DuckDBPyConnection) -> int:
    """Copy the instructions and withdrawals of the delivered consent file into the register.

    Idempotent: an instruction or withdrawal already in the register is not copied again. A
    later file that no longer lists an instruction does not remove it: the register keeps its
    history, and an instruction ends only by a withdrawal. Returns the instructions added.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        added = con.execute(ABSORB_DELIVERED_INSTRUCTIONS).fetchall()[0][0]
        con.execute(ABSORB_DELIVERED_WITHDRAWALS)
        con.execute("COMMIT")
    except Exception:
        rollback_quietly(con)
        raise
    return int(added)
