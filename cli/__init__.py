"""The ``pupilstats`` command line: one module per group of commands.

Importing a command module registers its commands on :data:`app`.
"""

from __future__ import annotations

import sys

from cli import (  # noqa: F401  (register commands)
    data_commands,
    demo,
    ledger,
    quarantine,
    rights,
    run,
    serve,
    validate,
)
from cli.app import app, errors
from schema.errors import PupilstatsError

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover - console entry point
    """The ``pupilstats`` command. A mistake in the command line itself (an unknown option,
    a missing argument, a value of the wrong type, a value starting with ``-`` taken for an
    option) is one line naming it and the help to read, exit 2, as every other refused
    input is one line; pupilstats' own errors are one line, exit 1. Typer would draw a
    usage box of several lines instead. (Typer vendors Click: its usage errors are
    ``typer._click``'s, pinned with Typer in ``uv.lock``.)"""
    from typer import Abort
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        outcome = app(standalone_mode=False)
    except NoArgsIsHelpError as error:  # the help is shown already
        sys.exit(error.exit_code)
    except UsageError as error:
        where = f"; see {error.ctx.command_path} --help" if error.ctx is not None else ""
        message = error.format_message().rstrip(".")
        errors.print(f"error: {message}{where}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except ClickException as error:
        errors.print(f"error: {error.format_message()}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except Abort:
        errors.print("aborted")
        sys.exit(1)
    except PupilstatsError as error:
        errors.print(f"error: {error}")
        sys.exit(1)
    # a command returns None; typer.Exit and --help come back as their exit code
    sys.exit(outcome if isinstance(outcome, int) else 0)
