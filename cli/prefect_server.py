"""Prefect's temporary local server, tied to the life of the command that started it.

Without ``PREFECT_API_URL`` a flow run starts Prefect's temporary ("ephemeral") server: a
``python -m uvicorn`` child process (``prefect.server.api.server.SubprocessASGIServer``).
Prefect stops it at exit (``atexit``), but a command killed outright (SIGKILL, the
out-of-memory killer, a container stopped hard) runs no ``atexit``: the server lived on under
PID 1, holding a port and Prefect's database, once per killed run (issue 16: 6 of 6 kills).

So :func:`temporary_prefect_server` starts that server itself, from the command's main
thread, before the flow runs, as a :class:`ServerDyingWithCommand`: on Linux its child asks
the kernel (``prctl(PR_SET_PDEATHSIG, SIGTERM)``, set between ``fork`` and ``exec``) to be
sent SIGTERM when the thread that created it ends. The kernel ties the signal to the creating
*thread*, not the process, which is why the server must be started from the main thread
(Prefect would otherwise start it lazily from whichever thread first needs the API, e.g. the
thread of its event loop, and the server would be stopped when that thread ends). The server
is registered as Prefect's default one, ``SubprocessASGIServer._instances[None]``, exactly as
Prefect's own ``prefect_test_harness`` does, so every ``SubprocessASGIServer()`` Prefect makes
during the run returns it instead of starting a second one. It is stopped when the block
ends; nested blocks share the outer one's server (``pupilstats demo`` runs three flows on one).

With ``PREFECT_API_URL`` set (a real server, ``pupilstats serve``) nothing is started. On a
system without ``prctl`` (not Linux) the server is Prefect's own, stopped at exit as before.

Prefect is imported inside the functions: the command line's startup must not wait for it
(``cli.app``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from types import SimpleNamespace
from typing import Any

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal the calling process gets when its parent thread ends."""


def _parent_death_signal() -> Callable[[], None] | None:
    """A function to run in a new child between ``fork`` and ``exec`` that makes the kernel
    send it SIGTERM when its parent's creating thread ends, or None where ``prctl`` is not
    available. ``libc`` and ``prctl`` are looked up here, in the parent, so the child only
    calls a function already resolved (nothing is imported or allocated after ``fork``)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.restype = ctypes.c_int
    parent = os.getpid()
    signal_number = ctypes.c_ulong(int(signal.SIGTERM))

    def die_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os._exit(1)

    return die_with_parent


def _server_class() -> type[Any]:
    """:class:`ServerDyingWithCommand`, made on first use (it subclasses a Prefect class)."""
    global ServerDyingWithCommand
    if ServerDyingWithCommand is None:
        from prefect.server.api import server as prefect_server

        class _ServerDyingWithCommand(prefect_server.SubprocessASGIServer):  # type: ignore[misc]
            """Prefect's temporary server whose process gets SIGTERM when the thread that
            started it ends (module docstring). Prefect's own command line and environment
            for the server are kept: only ``subprocess.Popen`` as Prefect's module sees it
            is given the ``preexec_fn`` while the server process is made."""

            def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
                preexec = _parent_death_signal()
                if preexec is None:
                    return super()._run_uvicorn_command()
                popen = partial(subprocess.Popen, preexec_fn=preexec)
                prefect_server.subprocess = SimpleNamespace(Popen=popen)  # type: ignore[assignment]
                try:
                    return super()._run_uvicorn_command()
                finally:
                    prefect_server.subprocess = subprocess

        ServerDyingWithCommand = _ServerDyingWithCommand
    return ServerDyingWithCommand


ServerDyingWithCommand: type[Any] | None = None
"""The server class (module docstring); None until :func:`temporary_prefect_server` first
needs it."""


def ephemeral_mode() -> bool:
    """Whether a flow run here would start Prefect's temporary server: no API URL set (in
    the environment or the active Prefect profile)."""
    from prefect.settings import PREFECT_API_URL

    return not (os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value())


@contextmanager
def temporary_prefect_server(on_start: Callable[[], Any] | None = None) -> Iterator[None]:
    """Run the block with Prefect's temporary server started from this (the main) thread and
    stopped when the block ends (module docstring); ``on_start`` (a progress display) is
    entered around the server's start. Nothing is started with ``PREFECT_API_URL`` set or
    when an outer block has started the server already."""
    from prefect.server.api.server import SubprocessASGIServer

    current = SubprocessASGIServer._instances.get(None)
    if not ephemeral_mode() or (current is not None and current.running):
        yield
        return
    server = _server_class()(port=_free_port())
    SubprocessASGIServer._instances[None] = server
    try:
        with on_start() if on_start is not None else _nothing():
            server.start()
        yield
    finally:
        _drain_prefect_workers()
        server.stop()
        SubprocessASGIServer._instances.pop(None, None)


def _free_port() -> int:
    """A loopback port free now (Prefect picks another should it be taken meanwhile)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _drain_prefect_workers() -> None:
    """Send what Prefect's log and event workers still hold before the server stops (as
    ``prefect_test_harness`` does), so they do not fail against a stopped server at exit."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=5)
    EventsWorker.drain_all(timeout=5)
