from __future__ import annotations

import pytest

from disclosure import DFE, Profile


def test_dfe_profile_suppresses_one_and_two() -> None:
    assert DFE.threshold == 3 and DFE.symbol == "c" and DFE.zeros_safe


@pytest.mark.parametrize(
    "settings",
    [
        {"threshold": 0},
        {"threshold": 3, "symbol": ""},
        {"threshold": 3, "rounding_base": 0},
        {"threshold": 3, "forced_published": "everything"},
    ],
)
def test_invalid_profiles_are_rejected(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Profile(name="bad", **settings)  # type: ignore[arg-type]
