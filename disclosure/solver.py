"""One place that creates HiGHS instances: silent, single-threaded, seeded, so the attacker
LPs and the Fischetti-Salazar master MILP (Fischetti and Salazar, JASA 2000; tau-ARGUS manual,
"Optimal") give the same pattern on every run.

HiGHS prints a copyright banner to the process's standard output the first time an instance is
created, before any option can switch output off. A library must not write to a caller's
terminal, so the first instance is created with file descriptor 1 pointed at ``/dev/null``.
"""

from __future__ import annotations

import os
import sys
import threading

import highspy

_banner_lock = threading.Lock()
_banner_shown = False


def _swallow_banner() -> None:
    """Create the first HiGHS instance with standard output pointed at /dev/null."""
    global _banner_shown
    with _banner_lock:
        if _banner_shown:
            return
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True


def new_solver() -> highspy.Highs:
    """A HiGHS instance that prints nothing and gives the same answer every run, for the
    attacker's LPs and the master MILP of Fischetti and Salazar, JASA 2000."""
    _swallow_banner()
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", 1)
    solver.setOptionValue("random_seed", 0)
    return solver
