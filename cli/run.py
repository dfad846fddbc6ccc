"""``pupilstats run <release>``: one command per registered release, made from the registry.

Each command takes the release's period option (``--census-date`` or ``--academic-year``,
checked before any flow starts), ``--input`` (repeat for several folders, oldest first),
``--profile``, ``--db``, ``--reports`` and the release's own options, runs the release's
flow once (Prefect's temporary local server) and prints what it loaded, left out, suppressed
and released.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import DbOption, ReportsOption, console, fail, prefect_defaults, run_app
from cli.data_commands import print_loads
from cli.expected_failures import log_expected_failures_on_one_line
from cli.prefect_server import temporary_prefect_server
from cli.progress import flow_steps, step
from cli.quality_runs import QualityRuns
from cli.run_arguments import check_run_arguments
from cli.store_lock import hold_store
from pipeline.release.latest import LATEST_DIR
from pipeline.releases.registry import RELEASES
from pipeline.releases.spec import ReleaseSpec
from pipeline.settings import Settings
from pipeline.store.errors import STORE_FAILURES, store_failure
from schema.errors import PupilstatsError

if TYPE_CHECKING:
    from pipeline.release.summary import RunResult


def print_result(
    result: RunResult, data_docs: list[Path] | None = None, flow: str | None = None
) -> None:
    """Loads, the release's figures, suppression counts per table, then where everything is:
    the release folder (and its reader's note), ``releases/latest/<flow>`` naming it, and the
    Data Docs of the inputs the run loaded. Paths are printed whole, never wrapped, so they
    can be copied."""
    print_loads(result.loads)
    for label, figure in result.facts.items():
        console.print(f"{label}: {figure}", highlight=False, soft_wrap=True)
    for t in result.tables:
        console.print(
            f"{t['table']:>20}  cells {t.get('cells')}  primary {t.get('primary')}  "
            f"secondary {t.get('secondary')}",
            highlight=False,
        )
    console.print(f"protection: {result.method}", highlight=False)
    if result.identical_to:
        console.print(
            f"\n[bold]identical to release {result.identical_to}: nothing new written[/]",
            highlight=False,
            soft_wrap=True,
        )
    elif result.revises:
        console.print(f"revises release {result.revises}", highlight=False, soft_wrap=True)
    label = "release:" if result.identical_to else "\n[bold green]release written:[/]"
    console.print(f"{label} {result.release}", highlight=False, soft_wrap=True)
    note = result.release / "README.md"
    if note.is_file():
        console.print(f"reader's note: {note}", highlight=False, soft_wrap=True)
    latest = result.release.parent / LATEST_DIR / (flow or "")
    if flow and latest.is_symlink():
        console.print(f"latest: {latest}", highlight=False, soft_wrap=True)
    for index in data_docs or []:
        console.print(f"Data Docs: {index}", highlight=False, soft_wrap=True)


def run_release_flow(
    spec: ReleaseSpec,
    period: str | None,
    *,
    profile: str | None = None,
    input_dirs: list[Path] | None = None,
    db: Path | None = None,
    reports: Path | None = None,
    options: dict[str, Any] | None = None,
) -> RunResult:
    """Check every argument (``cli.run_arguments``: no flow starts on a user's mistake), then
    hold the store (``cli.store_lock``: a run or load already using it is waited for before
    Prefect starts) and run ``spec``'s flow on Prefect's temporary server tied to this
    command (``cli.prefect_server``: no server outlives a killed run), turning a pipeline
    error into one clear CLI error."""
    profile = profile or spec.default_profile
    try:
        checked = check_run_arguments(
            spec, period, profile=profile, input_dirs=list(input_dirs or []), db=db
        )
    except PupilstatsError as error:
        raise fail(error) from None
    with hold_store(Settings.from_env(db=db).db_path):
        prefect_defaults(quiet=True)
        from flows.releases import RELEASE_FLOWS  # Prefect: slow to import (see cli.app)

        log_expected_failures_on_one_line()

        try:
            with temporary_prefect_server(on_start=starting_prefect), flow_steps(console):
                return RELEASE_FLOWS[spec.name](
                    period=checked,
                    profile=profile,
                    input_dirs=input_dirs or None,
                    db=db,
                    reports=reports,
                    options=options or {},
                )
        except PupilstatsError as error:
            raise fail(error) from None
        except STORE_FAILURES as error:  # a full disk, a file that cannot be written
            raise fail(run_failure(Settings.from_env(db=db).db_path, error)) from None


def run_failure(db_path: Path, error: BaseException) -> PupilstatsError:
    """One line for a failure of the file system or the store during a run: the file and
    the reason for an ``OSError`` naming its file (a release file on a full disk), else the
    store and the cause (``pipeline.store.errors``)."""
    if isinstance(error, OSError) and error.filename:
        return PupilstatsError(f"{error.filename}: {error.strerror or error}")
    return store_failure(db_path, error)


def starting_prefect() -> AbstractContextManager[None]:
    """The progress line of starting Prefect's temporary server."""
    return step(console, "starting Prefect's temporary server")


def _option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _command(spec: ReleaseSpec) -> Callable[..., None]:
    """The Typer command of ``spec``: its parameters come from the spec."""
    own = [o.name for o in spec.options]

    def command(**given: Any) -> None:
        options = {name: given.pop(name) for name in own}
        quality = QualityRuns(Settings.from_env(reports=given["reports"]).reports_dir)
        result = run_release_flow(
            spec,
            given["period"],
            profile=given["profile"],
            input_dirs=given["input_dirs"],
            db=given["db"],
            reports=given["reports"],
            options=options,
        )
        print_result(result, quality.new_indexes(), spec.name)

    period_flag = spec.period.flag
    parameters = [
        _option(
            "period",
            Annotated[str | None, typer.Option(period_flag, help=spec.period.help)],
            spec.period.default,
        ),
        _option(
            "input_dirs",
            Annotated[
                list[Path] | None,
                typer.Option(
                    "--input", help="Load this folder first (repeat for several, oldest first)"
                ),
            ],
            None,
        ),
        _option(
            "profile",
            Annotated[str, typer.Option(help="Release profile (pipeline/config/profiles.toml)")],
            spec.default_profile,
        ),
        _option("db", DbOption, None),
        _option("reports", ReportsOption, None),
        *[
            _option(
                o.name,
                Annotated[o.kind | None, typer.Option(o.flag, help=o.help)],
                o.default,
            )
            for o in spec.options
        ],
    ]
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__name__ = spec.name.replace("-", "_")
    command.__doc__ = f"{spec.title}: protect, audit and release. {spec.population}"
    return command


for _spec in RELEASES:
    run_app.command(_spec.name, short_help=_spec.title)(_command(_spec))
