"""Every command line the README shows works as written (issue 17).

The test reads the README's code blocks, takes every line that starts with ``pupilstats``
and runs it through the command-line application, in the README's order, on a small
synthetic borough in a fresh folder (the store and reports under it, as ``PUPILSTATS_DB``
and ``PUPILSTATS_REPORTS`` place them). Each line is run in its written form with the
optional ``[...]`` parts left out; a line offering ``A | B`` runs once with each.

What a reader must fill in is filled in the same way every time (``FILLED``): the pupil's
``UPN`` (one from the generated census), ``RELEASE_ID`` (the funding round the run before
released), ``NAME``, the ``...`` of a reason or of the consent options. The one change to a
written value is ``--pupils 48000``, run with a small borough (``SMALL_BOROUGH``) so the
suite stays fast; ``make demo`` generates the full 48,000.

Four lines run elsewhere, named in ``RUN_ELSEWHERE`` with the file that runs them (``make
demo`` and ``pupilstats demo``, the whole 48,000-pupil borough, take minutes: CI's ``.ci/run``
runs ``make test`` on a fresh clone, then ``make demo``); any other line the README gains must
run here, so a README command that stops working, or a new one nobody runs, fails this test.
"""

from __future__ import annotations

import io
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import polars as pl
import pytest
from typer.main import get_command

from cli import app
from pipeline.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow  # three flow runs and a load

README = PROJECT_ROOT / "README.md"
SMALL_BOROUGH = ("--pupils 48000", "--pupils 3000")
"""The written borough size and the one run here."""

RUN_ELSEWHERE = {
    "make demo": ".ci/run",  # the whole 48,000-pupil borough: minutes, run by CI after make test
    "make test": ".ci/run",  # first, on the clean clone
    "pupilstats demo": "Makefile",  # `make demo` runs exactly this line
    "pupilstats serve": "tests/cli/test_serve_stop.py",  # needs a real Prefect server
}
"""README lines run by something other than this test: the line (up to its first option)
and the file that runs it."""


def readme_command_lines(text: str) -> list[str]:
    """The README's command lines, in order: lines of its code blocks that start with
    ``pupilstats`` or ``make``, without their trailing ``# comment``."""
    lines = []
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.splitlines():
            command = re.split(r"\s+#", line.strip())[0].strip()
            if command.startswith(("pupilstats", "make ")):
                lines.append(command)
    return lines


def written_forms(line: str) -> list[str]:
    """The forms a README line is run in: optional ``[...]`` parts left out, and one form
    per alternative of ``A | B``."""
    required = re.sub(r"\s*\[[^\]]*\]", "", line).strip()
    head, _, tail = required.partition(" | ")
    if not tail:
        return [required]
    options = head.split()
    return [" ".join([*options[:-1], options[-1]]), " ".join([*options[:-1], tail])]


def run_elsewhere(form: str) -> str | None:
    return next((f for cmd, f in RUN_ELSEWHERE.items() if form.split(" --")[0] == cmd), None)


def filled(form: str, values: dict[str, str]) -> str:
    """The form with what a reader fills in filled in (module docstring)."""
    form = form.replace(*SMALL_BOROUGH)
    form = form.replace('--reason "..."', '--reason "ticket SR-104"')
    if form.startswith(("pupilstats consent record", "pupilstats consent withdraw")):
        form = form.replace("...", "--type research_opt_out --by parent --ref LET-2025-1")
    for placeholder in ("RELEASE_ID", "UPN", "NAME"):
        form = re.sub(rf"\b{placeholder}\b", values.get(placeholder, placeholder), form)
    assert "..." not in form and "DIR" not in form, f"nothing fills in {form!r}"
    return form


@pytest.fixture(scope="module")
def borough_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh working folder with the store and reports under it, Prefect's test API on.
    Afterwards Prefect's log handlers are set up again: a run invoked here sets them up on
    the runner's output, which is closed once the invocation ends, and a later test of the
    same process would log into a closed file."""
    from prefect.logging.configuration import setup_logging
    from prefect.testing.utilities import prefect_test_harness

    work = tmp_path_factory.mktemp("readme")
    try:
        with (
            pytest.MonkeyPatch.context() as patch,
            prefect_test_harness(server_startup_timeout=120),
        ):
            patch.chdir(work)
            patch.setenv("PUPILSTATS_DB", str(work / "data" / "pupilstats.duckdb"))
            patch.setenv("PUPILSTATS_REPORTS", str(work / "reports"))
            patch.setenv("COLUMNS", "200")
            yield work
    finally:
        setup_logging(incremental=False)


def test_the_readme_lists_its_commands() -> None:
    lines = readme_command_lines(README.read_text(encoding="utf-8"))
    assert lines[:2] == ["make demo", "make test"]
    assert any(line.startswith("pupilstats run funding-round") for line in lines)
    for line, runner in RUN_ELSEWHERE.items():
        assert any(form.startswith(line) for form in lines), f"{line!r} is not in the README"
        assert (PROJECT_ROOT / runner).is_file(), runner
    assert written_forms("pupilstats retention --dry-run | --apply") == [
        "pupilstats retention --dry-run",
        "pupilstats retention --apply",
    ]


def invoke(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """Run ``command`` as ``pupilstats`` runs it (answering "y" to a confirmation) and return
    its exit code and output. In the test's own process, with pytest's capture kept open
    across commands: Prefect's log handler keeps the stream it first saw."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    try:
        get_command(app).main(shlex.split(command)[1:], "pupilstats", standalone_mode=False)
        code = 0
    except click.exceptions.Exit as stop:
        code = stop.exit_code
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except click.exceptions.Abort:
        code = 1
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_every_readme_command_works_as_written(
    borough_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    values = {"NAME": "request-1"}
    forms = []
    for line in readme_command_lines(README.read_text(encoding="utf-8")):
        for form in written_forms(line):
            if not run_elsewhere(form) and form not in forms:
                forms.append(form)
    ran = []
    for form in forms:
        command = filled(form, values)
        code, output = invoke(command, capsys, monkeypatch)
        assert code == 0, f"{command}\n{output}"
        ran.append(command)
        if form.startswith("pupilstats generate"):
            census = pl.read_csv(borough_folder / "data/synthetic/2025-26/census.csv")
            values["UPN"] = census["upn"][0]
        if form.startswith("pupilstats run"):
            assert "done protect and audit" in output, "the run's steps are shown"
            if "funding-round" in form:
                latest = borough_folder / "reports/releases/latest/funding-round"
                values["RELEASE_ID"] = latest.resolve().name
    assert len(ran) == len(forms) >= 19, ran
    assert {"pupilstats retention --dry-run", "pupilstats retention --apply"} <= set(ran)
    assert (borough_folder / "reports/shares/sar/request-1").is_dir()
