"""The committed ward lookup names the wards the synthetic borough's generator draws."""

from __future__ import annotations

from pipeline.releases.ccg_health.wards import WARD_LOOKUP, ward_names
from pipeline.synthetic.borough import _streams
from pipeline.synthetic.geography import make_geography

DEMO_SEED = 7
"""``pupilstats generate`` and ``pupilstats demo``'s default seed."""


def test_the_lookup_is_the_generators_wards_for_the_default_seed() -> None:
    geography = make_geography(_streams(DEMO_SEED)["geography"])
    drawn = dict(zip(geography.ward_code.tolist(), geography.ward_name.tolist(), strict=True))
    assert ward_names() == drawn
    assert WARD_LOOKUP.read_text().splitlines()[0] == "ward_code,ward_name"
    assert list(ward_names()) == sorted(drawn)  # one row per ward, in code order
