"""How ``pupilstats --help`` shows options, and ``pupilstats --version``.

Typer (0.29) labels every option in the help with its type, flags included, so ``--yes``,
``--by-school/--no-by-school`` and ``--help`` itself show as ``<bool>`` as if they took a
value. :func:`show_flags_as_flags` drops the type label of flags only (an option that takes
no value); every other option keeps its label.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import click
import typer
from typer.core import TyperOption

_display_type_rich = TyperOption.display_type_rich


def _flag_type_label(self: TyperOption, ctx: click.Context) -> str | None:
    """No type label for a flag (it takes no value); Typer's own label otherwise."""
    if self.is_flag:
        return None
    return _display_type_rich(self, ctx)


def show_flags_as_flags() -> None:
    """Make the help show flags as flags (module docstring)."""
    TyperOption.display_type_rich = _flag_type_label  # type: ignore[method-assign]


def package_version() -> str:
    """The installed pupilstats version (package metadata)."""
    try:
        return version("pupilstats")
    except PackageNotFoundError:  # pragma: no cover - running from a tree never installed
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"pupilstats {package_version()}")
        raise typer.Exit()


VersionOption = Annotated[
    bool,
    typer.Option(
        "--version",
        is_eager=True,
        callback=_print_version,
        help="Show the version and exit.",
    ),
]
