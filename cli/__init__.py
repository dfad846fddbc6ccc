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
    try:
        app()
    except PupilstatsError as error:
        errors.print(f"error: {error}")
        sys.exit(1)
