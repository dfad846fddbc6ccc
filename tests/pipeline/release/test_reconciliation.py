"""A reconciliation's figures are shown under the release's rules: small figures and
whatever would recover them hidden, the release's own total never (issue 18)."""

from __future__ import annotations

import numpy as np
import pytest

from disclosure import audit
from pipeline.profiles import load_profile
from pipeline.release.reconciliation import Line, _table, protected_lines

TOTAL = 45_000


def chain(subsidiary: int, ks5: int) -> list[Line]:
    return [
        Line("registrations", "registrations", None, TOTAL + subsidiary + ks5),
        Line("subsidiary", "less subsidiary", "registrations", subsidiary),
        Line("pupils", "pupils on roll", "registrations", TOTAL + ks5),
        Line("ks5", "less KS5", "pupils", ks5),
        Line("counted", "counted", "pupils", TOTAL, fixed=True),
    ]


@pytest.mark.parametrize("profile_name", ["dfe", "nhs"])
@pytest.mark.parametrize(
    ("subsidiary", "ks5"), [(120, 300), (2, 300), (120, 1), (0, 2), (1, 1), (0, 0)]
)
def test_small_figures_are_hidden_with_whatever_recovers_them(
    profile_name: str, subsidiary: int, ks5: int
) -> None:
    profile = load_profile(profile_name)
    lines = chain(subsidiary, ks5)
    shown = dict(protected_lines(lines, profile))
    assert shown["counted"] == (str(TOTAL))  # the tables' own total, always shown
    small = range(1, profile.threshold)
    for line in lines:
        if line.value in small:
            assert shown[line.words] == profile.symbol
    hidden = [shown[line.words] == profile.symbol for line in lines]
    # no relation with exactly one hidden figure, and the attacker's audit passes
    assert hidden[0] + hidden[1] + hidden[2] != 1 and hidden[2] + hidden[3] != 1
    table = _table(lines)
    codes = table.dimensions[0].codes
    mask = np.array(
        [shown[next(x.words for x in lines if x.code == c)] == profile.symbol for c in codes]
    )
    assert audit([table], {table.name: mask}, profile).passed
    if subsidiary >= profile.threshold and ks5 >= profile.threshold:
        assert not any(hidden)
