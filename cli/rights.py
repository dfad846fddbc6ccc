"""Individual rights on the command line: consent, the YSS share, subject access,
correction, erasure and retention.

``pupilstats consent record|withdraw|show UPN``, ``pupilstats yss-extract``,
``pupilstats sar UPN``, ``pupilstats correct UPN``, ``pupilstats erase UPN`` and
``pupilstats retention --dry-run|--apply``. Every change is logged in the rights audit log
by keyed hash (``pipeline.rights.audit_log``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import duckdb
import typer
from stdnum.gb import upn as stdnum_upn

from cli.app import DbOption, ReportsOption, app, console, fail, parse_date
from cli.store_lock import hold_store
from pipeline.rights.consent_register import (
    Instruction,
    Withdrawal,
    in_force_on,
    record_instruction,
    register_rows,
    withdraw_instructions,
)
from pipeline.rights.corrections import correct_field, erase_pupil
from pipeline.rights.reasons import checked_case_reference, checked_reason_code, reasons_help
from pipeline.rights.retention import (
    RetentionSchedule,
    apply_retention,
    check_as_of,
    load_schedule,
    share_deleted,
    stored_rows,
)
from pipeline.rights.share_names import checked_share_name
from pipeline.rights.shares_held import identities_of, shares_holding
from pipeline.rights.subject_access import write_sar_bundle
from pipeline.rights.yss import write_yss_extract
from pipeline.settings import Settings
from pipeline.store import open_store
from pipeline.store.errors import STORE_FAILURES, store_failure
from pipeline.store.lock import StoreInUse
from pipeline.store.rewrite import Rewritten, rewrite_store
from pipeline.store.store_file import check_store_file
from schema import codes
from schema.errors import PupilstatsError

consent_app = typer.Typer(
    help="The consent register: research opt-outs and Youth Support Services restrictions.",
    no_args_is_help=True,
    rich_markup_mode="markdown",  # a docstring's lines reflow to the terminal's width
)
app.add_typer(consent_app, name="consent")

T = TypeVar("T")

UpnArgument = Annotated[str, typer.Argument(help="The pupil's UPN (13 characters)")]
TypeOption = Annotated[
    str, typer.Option("--type", help=f"One of: {', '.join(codes.CONSENT_TYPES)}")
]
ByOption = Annotated[str, typer.Option("--by", help=f"One of: {', '.join(codes.RECORDED_BY)}")]
RefOption = Annotated[
    str,
    typer.Option(
        "--ref",
        help="Case reference of the source document, PREFIX-YYYY-N (e.g. DSR-2025-142; "
        "prefixes in pipeline/config/rights_reasons.toml)",
    ),
]
CorrectReasonOption = Annotated[
    str, typer.Option("--reason", help=f"Why (logged as this code). {reasons_help('correct')}")
]
EraseReasonOption = Annotated[
    str, typer.Option("--reason", help=f"Why (logged as this code). {reasons_help('erase')}")
]


def checked_upn(text: str) -> str:
    """The UPN upper-cased, or a clear error if its check letter or shape is wrong."""
    upn = text.strip().upper()
    if not stdnum_upn.is_valid(upn):
        raise fail(PupilstatsError(f"{text!r} is not a valid UPN"))
    return upn


def checked_out(out: str) -> str:
    """An ``--out`` whose last part is a share name (``pipeline.rights.share_names``), checked
    before the store is opened: a NUL byte, a control character or a leading ``-`` or ``=``
    is refused in one line (Click's own path check answered a NUL with a usage box)."""
    checked_share_name(Path(out).name if out else out, "--out")
    return out


def optional_date(option: str, value: str | None, default: date) -> date:
    return default if value is None else parse_date(option, value)


@contextmanager
def store(db: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store ``--db`` names, opened owner-only and held for the command
    (``cli.store_lock``); a file that is not a store (a CSV) is refused in one line before
    it is opened or its permissions touched; a failure of the store itself (disk full, a
    lock another process holds) is one line naming it."""
    path = Settings.from_env(db=db).db_path
    run(lambda: check_store_file(path))
    with hold_store(path):
        try:
            with open_store(path) as con:
                yield con
        except STORE_FAILURES as error:
            raise fail(store_failure(path, error)) from None
        except StoreInUse as error:
            raise fail(error) from None


def run(action: Callable[[], T]) -> T:
    """Run ``action``, turning a pupilstats error into one clear line and exit code 1."""
    try:
        return action()
    except PupilstatsError as error:
        raise fail(error) from None


@consent_app.command("record")
def consent_record(
    upn: UpnArgument,
    consent_type: TypeOption,
    by: ByOption,
    ref: RefOption,
    on: Annotated[str | None, typer.Option(help="Date received (default today)")] = None,
    effective_from: Annotated[
        str | None, typer.Option(help="Date it takes effect (default: the date received)")
    ] = None,
    db: DbOption = None,
) -> None:
    """Record an opt-out or a restriction given by a parent, carer or the young person."""
    run(lambda: checked_case_reference(ref))
    received = optional_date("--on", on, date.today())
    instruction = Instruction(
        upn=checked_upn(upn),
        consent_type=consent_type,
        recorded_by=by,
        recorded_on=received,
        effective_from=optional_date("--effective-from", effective_from, received),
        source_ref=ref,
    )
    with store(db) as con:
        instruction_id = run(lambda: record_instruction(con, instruction))
    console.print(f"recorded {consent_type} ({instruction_id[:12]})", highlight=False)


@consent_app.command("withdraw")
def consent_withdraw(
    upn: UpnArgument,
    consent_type: TypeOption,
    by: ByOption,
    ref: RefOption,
    on: Annotated[str | None, typer.Option(help="Date withdrawn (default today)")] = None,
    db: DbOption = None,
) -> None:
    """Withdraw the pupil's opt-out or restriction (a new entry; history is kept)."""
    run(lambda: checked_case_reference(ref))
    withdrawal = Withdrawal(
        upn=checked_upn(upn),
        consent_type=consent_type,
        withdrawn_by=by,
        withdrawn_on=optional_date("--on", on, date.today()),
        source_ref=ref,
    )
    with store(db) as con:
        ids = run(lambda: withdraw_instructions(con, withdrawal))
    console.print(f"withdrew {len(ids)} {consent_type} instruction(s)", highlight=False)


@consent_app.command("show")
def consent_show(
    upn: UpnArgument,
    on: Annotated[str | None, typer.Option(help="Say what is in force on this date")] = None,
    db: DbOption = None,
) -> None:
    """The pupil's consent history and what is in force on a date."""
    pupil = checked_upn(upn)
    when = optional_date("--on", on, date.today())
    with store(db) as con:
        rows = register_rows(con, pupil)
        in_force = run(lambda: in_force_on(con, pupil, when))
    console.print(f"consent register of {pupil}: {rows.height} instruction(s)", highlight=False)
    for row in rows.iter_rows(named=True):
        ended = (
            f"withdrawn {row['withdrawn_on']} by {row['withdrawn_by'] or '(in file)'}"
            if row["withdrawn_on"]
            else "not withdrawn"
        )
        console.print(
            f"  {row['recorded_on']}  {row['consent_type']} by {row['recorded_by']}, effective "
            f"{row['effective_from']}, {ended}; ref {row['source_ref']} ({row['origin']})",
            highlight=False,
            soft_wrap=True,
        )
    for consent_type, active in in_force.items():
        console.print(f"{consent_type} in force on {when}: {'yes' if active else 'no'}")


@app.command("yss-extract")
def yss_extract(
    on: Annotated[str, typer.Option("--date", help="Extract date: ages are taken on it")],
    out: Annotated[str, typer.Option(help="File name, written under reports/shares/yss/")],
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Write the person-level Youth Support Services extract (s.507B, ages 13-19)."""
    when = parse_date("--date", on)
    out_path = Path(run(lambda: checked_out(out)))
    settings = Settings.from_env(db=db, reports=reports)
    with store(db) as con:
        extract = run(
            lambda: write_yss_extract(con, on=when, out=out_path, shares_dir=settings.shares_dir)
        )
    console.print(
        f"{extract.people} people aged 13-19 on {when} (census {extract.census_date}), "
        f"{extract.restricted} restricted to name, address and date of birth\n"
        f"extract:  {extract.path}\nmanifest: {extract.manifest}",
        highlight=False,
    )


@app.command("sar")
def sar(
    upn: UpnArgument,
    out: Annotated[
        str,
        typer.Option(help="New folder for the bundle, under reports/shares/sar/ (owner-only)"),
    ],
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Subject access: everything held on a pupil, as JSON and a readable summary."""
    pupil = checked_upn(upn)
    out_path = Path(run(lambda: checked_out(out)))
    settings = Settings.from_env(db=db, reports=reports)
    with store(db) as con:
        bundle = run(lambda: write_sar_bundle(con, pupil, out_path, shares_dir=settings.shares_dir))
    console.print(
        f"{bundle.rows_held} rows in {len(bundle.tables)} tables\n"
        f"{bundle.json_path}\n{bundle.summary_path}",
        highlight=False,
    )


@app.command("correct")
def correct(
    upn: UpnArgument,
    field: Annotated[str, typer.Option(help="The field to correct, e.g. postcode")],
    value: Annotated[str, typer.Option(help="The correct value (blank for none)")],
    reason: CorrectReasonOption,
    table: Annotated[str, typer.Option(help="The input table holding the field")] = "census",
    db: DbOption = None,
) -> None:
    """Correct one field of every row the pupil has in a table (logged without values)."""
    pupil = checked_upn(upn)
    run(lambda: checked_reason_code(reason, "correct"))
    with store(db) as con:
        changed = run(lambda: correct_field(con, pupil, table, field, value, reason))
    console.print(f"corrected {table}.{field} in {changed} row(s)", highlight=False)


def rewrite_after(db_path: Path, done: str) -> Rewritten:
    """Rewrite the store after deleting (``pipeline.store.rewrite``); if that cannot be done
    now, say in one line that the deletion stands and how to finish."""
    try:
        return rewrite_store(db_path)
    except (PupilstatsError, *STORE_FAILURES) as error:
        cause = store_failure(db_path, error) if isinstance(error, STORE_FAILURES) else error
        raise fail(
            PupilstatsError(
                f"{done}, but the store could not be rewritten now ({cause}): run the command "
                "again when nothing else has the store open, so no copy stays in its free space"
            )
        ) from None


@app.command("erase")
def erase(
    upn: UpnArgument,
    reason: EraseReasonOption,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Erase every record held on a pupil (irreversible; logged by keyed hash only).

    The store is then rewritten into a fresh file, so no copy of the erased rows stays in
    its free blocks, and the person-level shares made earlier that still hold the pupil
    (YSS extracts, subject access bundles) are listed: erasure cannot recall them."""
    pupil = checked_upn(upn)
    settings = Settings.from_env(db=db, reports=reports)
    run(lambda: checked_reason_code(reason, "erase"))
    if not yes and not typer.confirm(f"Erase every record held on {pupil}? This is final."):
        raise typer.Exit(code=1)
    with hold_store(settings.db_path):  # the erasure and the rewrite, with nothing between
        with store(db) as con:
            identities = identities_of(con, pupil)
            deleted = run(lambda: erase_pupil(con, pupil, reason))
        rewritten = rewrite_after(settings.db_path, "the erasure is done")
    for name, count in sorted(deleted.items()):
        console.print(f"{name:>24}  {count} row(s) deleted", highlight=False)
    if not deleted:
        console.print("nothing held now; later deliveries naming the pupil will be erased too")
    console.print(
        f"store rewritten into a fresh file ({rewritten.bytes_before:,} -> "
        f"{rewritten.bytes_after:,} bytes, {rewritten.seconds:.1f} s): "
        "the erased rows are not left in its free space",
        highlight=False,
        soft_wrap=True,
    )
    held = shares_holding(settings.shares_dir, pupil, identities)
    if held:
        console.print(
            f"{len(held)} share(s) made before this erasure still hold the pupil; ask their "
            "recipients to delete them (erasure cannot recall a copy):",
            highlight=False,
            soft_wrap=True,
        )
        for share in held:
            console.print(f"  {share.kind}: {share.path}", highlight=False, soft_wrap=True)
    else:
        console.print("no YSS extract or subject access bundle under the shares folder holds them")


@app.command("retention")
def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only (the default)")] = False,
    apply: Annotated[bool, typer.Option("--apply", help="Delete what is past its date")] = False,
    as_of: Annotated[str | None, typer.Option(help="Run as if on this date")] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask before deleting a large share of rows")
    ] = False,
    db: DbOption = None,
) -> None:
    """Count (--dry-run) or delete (--apply) the rows past their retention date.

    An --apply that would delete more than the schedule's share of the store's rows
    (pipeline/config/retention.toml, [confirmation]) asks first, or needs --yes. After
    deleting, the store is rewritten into a fresh file so the rows do not stay in it."""
    if dry_run and apply:
        raise fail(PupilstatsError("give --dry-run or --apply, not both"))
    when = run(lambda: check_as_of(optional_date("--as-of", as_of, date.today()), date.today()))
    schedule = run(load_schedule)
    if apply and not yes:
        confirm_large_retention(db, schedule, when)
    db_path = Settings.from_env(db=db).db_path
    with hold_store(db_path):  # the deletion and the rewrite, with nothing between
        with store(db) as con:
            counts = run(lambda: apply_retention(con, schedule, when, apply=apply))
        if apply and any(c.rows for c in counts):
            rewrite_after(db_path, "the rows are deleted")
    verb = "deleted" if apply else "past their date (dry run, nothing deleted)"
    for c in counts:
        console.print(f"{c.table:>24}  {c.rule:<20} {c.rows} row(s) {verb}", highlight=False)
    console.print(f"{sum(c.rows for c in counts)} row(s) {verb} as of {when}", highlight=False)


def interactive() -> bool:
    """Whether there is someone at a terminal to answer a question."""
    return sys.stdin.isatty()


def confirm_large_retention(db: Path | None, schedule: RetentionSchedule, when: date) -> None:
    """Count what an --apply would delete (nothing is written) and, above the schedule's
    share, ask; without a terminal to ask on, stop in one line naming --yes."""
    with store(db) as con:
        plan = run(lambda: apply_retention(con, schedule, when, apply=False))
        total = stored_rows(con)
    share = share_deleted(plan, total)
    if share <= schedule.confirm_above_share:
        return
    rows = sum(c.rows for c in plan)
    what = (
        f"retention as of {when} would delete {rows:,} of {total:,} rows ({share:.0%}), more "
        f"than the {schedule.confirm_above_share:.0%} that needs confirmation"
    )
    if not interactive():
        raise fail(PupilstatsError(f"{what}: nothing deleted; run again with --yes to delete"))
    if not typer.confirm(f"{what}. Delete them?"):
        console.print("nothing deleted")
        raise typer.Exit(code=1)
