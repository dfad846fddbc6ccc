"""The release ledger on the command line: list it, withdraw a release.

``pupilstats ledger list [--flow F]`` lists every release the ledger holds (id, flow,
period, reference date, state, the release it revises); ``pupilstats ledger withdraw
RELEASE_ID --reason "..."`` says what it will do, asks for confirmation unless ``--yes``,
and marks the release withdrawn (never deleted: ``pipeline.ledger.withdraw``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import DbOption, app, console, fail
from cli.rights import run, store
from pipeline.ledger.read import ledger_release, ledger_releases
from pipeline.ledger.withdraw import withdraw_release
from pipeline.releases.registry import release_spec
from schema.errors import PupilstatsError

ledger_app = typer.Typer(
    help="The release ledger: every release written, kept in the store.",
    no_args_is_help=True,
    rich_markup_mode="markdown",  # a docstring's lines reflow to the terminal's width
)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("list")
def ledger_list(
    flow: Annotated[
        str | None, typer.Option("--flow", help="Only this release's runs, e.g. funding-round")
    ] = None,
    db: DbOption = None,
) -> None:
    """Every release of the ledger, oldest first: id, flow, period, reference date, state
    (published or withdrawn) and the release it revises."""
    if flow is not None:
        run(lambda: release_spec(flow))
    with store(db) as con:
        releases = ledger_releases(con, flow)
    if not releases:
        console.print("the ledger holds no release" + (f" of {flow}" if flow else ""))
        return
    console.print("release_id  flow  period  reference_date  state  revises", highlight=False)
    for r in releases:
        console.print(
            f"{r.release_id}  {r.flow}  {r.period}  {r.reference_date}  {r.shown_state}  "
            f"{r.revises or '-'}",
            highlight=False,
            soft_wrap=True,
        )


@ledger_app.command("withdraw")
def ledger_withdraw(
    release_id: Annotated[str, typer.Argument(help="The release's id (`pupilstats ledger list`)")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn (recorded)")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
    db: DbOption = None,
) -> None:
    """Mark a release withdrawn in the ledger (its rows and folder are kept)."""
    with store(db) as con:
        release = ledger_release(con, release_id)
        if release is None:
            raise fail(
                PupilstatsError(
                    f"no release {release_id!r} in the ledger (`pupilstats ledger list` lists them)"
                )
            )
        console.print(
            f"Withdrawing release {release.release_id} ({release.flow}, period "
            f"{release.period}, reference date {release.reference_date}) marks it withdrawn "
            "in the ledger with your reason. Nothing is deleted: its ledger entry, its "
            f"population record and its folder {release.release_dir} stay. A later run of "
            "the same period no longer compares with it and writes a release of its own.",
            highlight=False,
        )
        if not yes and not typer.confirm(f"Withdraw release {release.release_id}?"):
            raise typer.Exit(code=1)
        withdrawn = run(lambda: withdraw_release(con, release_id, reason))
    console.print(
        f"withdrew {withdrawn.release_id} at {withdrawn.withdrawn_at:%Y-%m-%d %H:%M:%S} UTC",
        highlight=False,
    )
