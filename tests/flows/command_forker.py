"""Run ``pupilstats`` commands as processes of their own, each forked from one that has
imported the command line, the flows (Prefect) and Great Expectations already.

A kill test runs dozens of commands, each to be killed outright. Started with ``python -m``,
each would spend 10 to 20 seconds importing Prefect, Great Expectations and SciPy before it
did anything; forked from a process that imported them once (and started nothing: no thread,
no server, no store open), each starts at once and is a process of its own, with its own
pid, files, locks and children, killed like any other. The child sets the request's
environment and working folder, then runs the Typer application as ``pupilstats`` does and
exits through ``sys.exit`` (so ``atexit`` runs, as after a real command).

Prefect reads its settings when imported, so ``PREFECT_API_URL`` in a request's environment
is also applied as a Prefect setting in the child (as ``prefect_test_harness`` does); without
it the child runs in Prefect's ephemeral mode.

Run as a script, it reads one JSON request a line on stdin (``args``, ``env``, ``cwd``,
``stdout``, ``stderr``: files for the child's output) and answers two JSON lines on stdout:
``{"pid": ...}`` when the child is forked, then ``{"pid": ..., "exit": ...}`` when it has
ended (the exit code, or minus the signal that ended it). :class:`CommandForker` is its
client.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True)
class Finished:
    """A forked command that has ended: its pid, exit code (minus the signal that killed
    it) and what it wrote."""

    pid: int
    exit: int
    stdout: str
    stderr: str


class CommandForker:
    """The client: start the forking process once, then run commands through it."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.count = 0
        self.process = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )

    def start(self, args: list[str], env: Mapping[str, str], cwd: Path) -> int:
        """Fork ``pupilstats <args>``; return its pid (call :meth:`wait` next)."""
        self.count += 1
        out = self.work / f"command-{self.count}"
        request = {
            "args": args,
            "env": dict(env),
            "cwd": str(cwd),
            "stdout": f"{out}.out",
            "stderr": f"{out}.err",
        }
        self._stdin().write(json.dumps(request) + "\n")
        self._stdin().flush()
        self._last = out
        return int(self._answer()["pid"])

    def wait(self) -> Finished:
        """Wait for the command started last to end."""
        answer = self._answer()
        out = self._last
        return Finished(
            pid=int(answer["pid"]),
            exit=int(answer["exit"]),
            stdout=Path(f"{out}.out").read_text(),
            stderr=Path(f"{out}.err").read_text(),
        )

    def run(self, args: list[str], env: Mapping[str, str], cwd: Path) -> Finished:
        """Run ``pupilstats <args>`` to its end (or its kill)."""
        self.start(args, env, cwd)
        return self.wait()

    def close(self) -> None:
        self._stdin().close()
        self.process.wait(timeout=30)

    def _stdin(self) -> IO[str]:
        assert self.process.stdin is not None
        return self.process.stdin

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the forking process ended")
        return dict(json.loads(line))


def _child(request: dict[str, Any]) -> None:
    """In the forked child: become the command and exit with its code."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from cli import app

    url = os.environ.get("PREFECT_API_URL")
    code: Any = 0
    with temporary_settings(updates={PREFECT_API_URL: url} if url else {}):
        try:
            app(args=request["args"], prog_name="pupilstats")
        except SystemExit as done:
            code = done.code
    sys.stdout.flush()
    sys.exit(code)


def serve() -> None:
    """The forking process: import once, then fork a child per request (module docstring)."""
    import great_expectations  # noqa: F401  (imported on first validation: slow)

    from cli.app import prefect_defaults

    prefect_defaults(quiet=True)  # before Prefect is imported, as ``pupilstats run`` does
    import flows.releases  # noqa: F401  (Prefect)

    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"pid": pid, "exit": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    serve()
