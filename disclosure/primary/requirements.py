"""What a primary rule returns for one table: the cells it marks and their protection levels.

A protection level says how far the attacker's interval for a suppressed cell must reach
(Fischetti and Salazar, JASA 95, 2000; Hundepool et al., 2012, section 4.2.2; tau-ARGUS
manual, "protection levels"): above the true value by the upper level, below it by the lower
level, or be at least the sliding level wide. The magnitude rules compute one required level
``L`` per cell; the profile's ``protection`` setting turns it into levels:

- ``"upper"`` (the default): ``UPL = L``, guarding against an attacker who uses the upper
  bound of the cell to estimate its largest contribution (Hundepool et al., 2012, 4.2.2);
- ``"symmetric"``: ``UPL = L`` and ``LPL = min(L, a)`` ("out of symmetry considerations the
  lower protection level is often set identical to the upper", Hundepool et al., 2012, 4.2.2,
  as tau-ARGUS does; the lower level cannot ask for a value below 0);
- ``"sliding"``: an interval at least ``L`` wide, anywhere around the value (tau-ARGUS's
  sliding protection level).

Levels are rounded up to whole units: cell values are whole numbers, so an attacker's interval
only reaches ``a + L`` for fractional ``L`` if it reaches ``a + ceil(L)``.
Method note: ``docs/methods/protection-levels.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from disclosure.profile import PROTECTION_MODES, ProtectionMode


@dataclass(frozen=True)
class RuleCells:
    """The cells one primary rule marks in one table: ``cells`` are flat indices in the
    table's cell order, with one upper, lower and sliding protection level each (0 = none;
    Fischetti and Salazar 2000; Hundepool et al., 2012, 4.2.2)."""

    reason: str
    cells: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    sliding: np.ndarray
    alt_upper: np.ndarray | None = None
    alt_lower: np.ndarray | None = None
    """Alternative levels: reaching either suffices (``disclosure.levels``)."""

    def __post_init__(self) -> None:
        """Normalise the arrays (int cell indices, float levels of the same length)."""
        cells = np.asarray(self.cells, dtype=np.int64)
        object.__setattr__(self, "cells", cells)
        for name in ("alt_upper", "alt_lower"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.zeros(cells.shape, dtype=np.float64))
        for name in ("upper", "lower", "sliding", "alt_upper", "alt_lower"):
            level = np.asarray(getattr(self, name), dtype=np.float64)
            if level.shape != cells.shape:
                raise ValueError(f"{name} levels have shape {level.shape}, need {cells.shape}")
            object.__setattr__(self, name, level)

    @classmethod
    def none(cls, reason: str) -> RuleCells:
        """No cell marked by the rule (Hundepool et al., 2012, 4.2: a safe table)."""
        empty = np.zeros(0)
        return cls(reason, np.zeros(0, dtype=np.int64), empty, empty, empty)

    @classmethod
    def with_levels(
        cls,
        reason: str,
        cells: np.ndarray,
        *,
        upper: np.ndarray | float = 0.0,
        lower: np.ndarray | float = 0.0,
        sliding: np.ndarray | float = 0.0,
        alt_upper: np.ndarray | float = 0.0,
        alt_lower: np.ndarray | float = 0.0,
    ) -> RuleCells:
        """Cells with explicit upper, lower, sliding and alternative levels (scalars
        broadcast), rounded up to whole units (Fischetti and Salazar 2000; Hundepool et al.,
        2012, 4.2.2)."""
        cells = np.asarray(cells, dtype=np.int64)
        levels = [
            whole_units(np.broadcast_to(np.asarray(level, float), cells.shape))
            for level in (upper, lower, sliding, alt_upper, alt_lower)
        ]
        return cls(reason, cells, *levels)

    @classmethod
    def directed(
        cls,
        reason: str,
        cells: np.ndarray,
        required: np.ndarray,
        values: np.ndarray,
        mode: ProtectionMode,
    ) -> RuleCells:
        """Cells whose rule asks for a protection interval of ``required`` units, turned into
        levels by the profile's protection ``mode`` (module docstring; tau-ARGUS manual,
        "protection levels"). ``values`` are the cells' true values."""
        required = whole_units(np.asarray(required, dtype=np.float64))
        values = np.asarray(values, dtype=np.float64)
        zero = np.zeros_like(required)
        if mode == "upper":
            return cls(reason, cells, required, zero, zero)
        if mode == "symmetric":
            return cls(reason, cells, required, np.minimum(required, values), zero)
        if mode == "sliding":
            return cls(reason, cells, zero, zero, required)
        raise ValueError(f"unknown protection mode {mode!r}; use one of {PROTECTION_MODES}")


def whole_units(levels: np.ndarray) -> np.ndarray:
    """Protection levels rounded up to whole units (a tolerance keeps 2.0000000001 at 2): cell
    values are whole, so an attacker's interval reaches ``a + L`` only if it reaches
    ``a + ceil(L)`` (Hundepool et al., 2012, 4.2.2 protection levels)."""
    return np.maximum(np.ceil(np.asarray(levels, dtype=np.float64) - 1e-9), 0.0)
