"""The attacker's LPs: answers survive a solver run that ends without a verdict."""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from disclosure.group_lp import GroupLP


class _StallsOnce:
    """A HiGHS model whose first run reports ``kUnknown`` (as the warm-started primal simplex
    did on 9 of 5,004 cells of a large rounded health problem), then behaves normally."""

    def __init__(self, solver: highspy.Highs) -> None:
        self._solver = solver
        self.runs = 0
        self.options: list[tuple[str, Any]] = []

    def run(self) -> None:
        self.runs += 1
        self._solver.run()

    def getModelStatus(self) -> highspy.HighsModelStatus:
        if self.runs == 1:
            return highspy.HighsModelStatus.kUnknown
        return self._solver.getModelStatus()

    def setOptionValue(self, name: str, value: Any) -> None:
        self.options.append((name, value))
        self._solver.setOptionValue(name, value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._solver, name)


def test_a_run_without_a_verdict_is_solved_again_from_scratch() -> None:
    # x0 + x1 + x2 = 10 and x1 = x2: the attacker's max of x0 is 10 (x1 = x2 = 0)
    relations = sp.csr_matrix(np.array([[1.0, 1.0, 1.0], [0.0, 1.0, -1.0]]))
    model = GroupLP(
        var=np.arange(3),
        row=np.arange(2),
        sub=relations,
        rhs=np.array([10.0, 0.0]),
        low=np.zeros(3),
        high=np.full(3, np.inf),
    )
    stalling = _StallsOnce(model.solver)
    model.solver = stalling  # type: ignore[assignment]
    value, duals, point = model.optimise(0, highspy.ObjSense.kMaximize)
    assert value == 10.0 and duals is not None and point is not None
    assert stalling.runs == 2
    # the retry used HiGHS's own choices, then warm starts were restored
    assert ("simplex_strategy", 0) in stalling.options
    assert stalling.options[-1] == ("simplex_strategy", 4)
    low, _, _ = model.optimise(1, highspy.ObjSense.kMinimize)
    assert low == 0.0 and stalling.runs == 3
