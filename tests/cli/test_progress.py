"""The progress display: each step of a run shown while it runs and one line when it ends,
wired to every pupilstats task through Prefect's state hooks."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from cli.progress import StepDisplay, flow_steps, step
from flows.progress import StepEvent, step_completed, step_failed, step_started, watching_steps


def recording_console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=100, color_system=None), out


def test_every_pupilstats_task_tells_its_start_and_end() -> None:
    from flows.tasks import count_release, protect_release, publish_release, validate_inputs

    for task in (count_release, protect_release, publish_release, validate_inputs):
        assert step_started in task.on_running_hooks, task.name
        assert step_completed in task.on_completion_hooks, task.name
        assert step_failed in task.on_failure_hooks, task.name


class _Task:
    name = "protect and audit"


class _Run:
    id = "run-1"


@pytest.mark.parametrize("terminal", [True, False])
def test_a_flow_run_shows_prefect_starting_then_each_step_with_its_time(terminal: bool) -> None:
    console, out = recording_console(terminal)
    with flow_steps(console):
        step_started(_Task(), _Run(), None)
        step_completed(_Task(), _Run(), None)
    # on a terminal the spinner line is redrawn in place; the end lines are what stays
    lines = re.findall(r"done [^\r\n\x1b]*", out.getvalue())
    assert lines[0].startswith("done starting the flow run (Prefect) (")
    assert lines[1].startswith("done protect and audit (") and lines[1].endswith(" s)")
    if not terminal:  # to a file: only the end lines, no spinner frames
        assert out.getvalue().splitlines() == [f"  {line}" for line in lines]


def test_a_failed_step_says_so_and_a_broken_listener_does_not_fail_the_run() -> None:
    console, out = recording_console(False)
    display = StepDisplay(console)
    with display, watching_steps(display.on_step):
        step_started(_Task(), _Run(), None)
        step_failed(_Task(), _Run(), None)

    def broken(event: StepEvent) -> None:
        raise RuntimeError("display gone")

    with watching_steps(broken):
        step_started(_Task(), _Run(), None)  # no exception reaches the task
    assert "failed protect and audit (" in out.getvalue()


def test_a_step_the_command_runs_itself_leaves_no_line_when_it_raises() -> None:
    """The command's one error line is all a failed step shows (no second line)."""
    console, out = recording_console(False)
    with step(console, "generating a borough"):
        pass
    with pytest.raises(ValueError), step(console, "loading a folder"):
        raise ValueError("bad")
    (line,) = out.getvalue().splitlines()
    assert re.fullmatch(r"  done generating a borough \(\d+\.\d s\)", line), line


def test_a_step_run_once_per_folder_is_named_by_its_folder() -> None:
    """``load inputs`` and ``validate inputs`` run once per input folder: their lines name
    the folder (``done load inputs 2024-25``), so a demo's three years can be told apart;
    a task that does not name its runs keeps the task's name."""
    from pathlib import Path

    from flows.tasks.inputs import load_inputs, validate_inputs

    template = load_inputs.task_run_name
    assert isinstance(template, str)
    assert template.format(input_dir=Path("data/synthetic/2024-25")) == "load inputs 2024-25"
    assert callable(validate_inputs.task_run_name)

    class _NamedRun(_Run):
        name = "load inputs 2024-25"

    events: list[StepEvent] = []
    with watching_steps(events.append):
        step_started(load_inputs, _NamedRun(), None)
        step_started(_Task(), _NamedRun(), None)  # a task without run names: its own name
    assert [e.step for e in events] == ["load inputs 2024-25", "protect and audit"]
