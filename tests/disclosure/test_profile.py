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


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"dominance_n": 2}, "both dominance_n and dominance_k"),
        ({"dominance_n": 0, "dominance_k": 80}, "dominance_n"),
        ({"dominance_n": 2, "dominance_k": 100}, "between 0 and 100"),
        ({"dominance_n": True, "dominance_k": 80}, "dominance_n"),
        ({"p_percent": 0}, "p_percent"),
        ({"frequency_range": -5}, "frequency_range"),
        ({"min_denominator": 1}, "min_denominator"),
        ({"group_attribute_max_total": 0}, "group_attribute_max_total"),
        ({"group_attribute_k": 1}, "needs group_attribute_max_total"),
        ({"group_attribute_max_total": 3, "group_attribute_k": 3}, "must be below"),
        ({"group_attribute_max_total": 3, "group_attribute_k": -1}, "group_attribute_k"),
        ({"protection": "both"}, "protection must be one of"),
    ],
)
def test_invalid_primary_rule_settings_name_the_setting(
    settings: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Profile(name="bad", threshold=3, **settings)  # type: ignore[arg-type]


def test_primary_rules_default_off() -> None:
    profile = Profile(name="p", threshold=3)
    assert profile.dominance_n is profile.dominance_k is profile.p_percent is None
    assert profile.min_denominator is profile.group_attribute_max_total is None
    assert profile.group_attribute_k == 0 and profile.protection == "upper"
    full = Profile(
        name="f",
        threshold=3,
        dominance_n=2,
        dominance_k=85.5,
        p_percent=10,
        frequency_range=20,
        min_denominator=6,
        group_attribute_max_total=10,
        group_attribute_k=1,
        protection="symmetric",
    )
    assert full.dominance_k == 85.5 and full.group_attribute_k == 1
