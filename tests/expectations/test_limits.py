"""Quality limits: read from quality.toml, overridden per release profile and by PUPILSTATS_LA."""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations.limits import LA_ENV, QUALITY_FILE, load_limits
from schema.errors import PupilstatsError


def test_default_limits_from_the_project_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LA_ENV, raising=False)
    limits = load_limits(path=QUALITY_FILE)
    assert limits.la_number == 359
    assert limits.max_bad_share == 0.05
    thresholds = limits.thresholds("ks4")
    assert thresholds["progress8"] == 0.85
    assert thresholds["attainment8"] == limits.required_completeness == 0.95
    assert "withdrawn_on" not in limits.thresholds("consent")


def test_a_release_profile_overrides_the_default(tmp_path: Path) -> None:
    path = tmp_path / "quality.toml"
    path.write_text(
        "[default]\nla_number = 359\nmax_bad_share = 0.05\n"
        "[default.completeness.ks4]\nprogress8 = 0.85\n"
        "[nhs]\nmax_bad_share = 0.01\n[nhs.completeness.ks4]\nprogress8 = 0.9\n"
    )
    assert load_limits("nhs", path).max_bad_share == 0.01
    assert load_limits("nhs", path).thresholds("ks4")["progress8"] == 0.9
    assert load_limits("nhs", path).la_number == 359
    assert load_limits("dfe", path).max_bad_share == 0.05


def test_la_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LA_ENV, "350")
    assert load_limits().la_number == 350
    monkeypatch.setenv(LA_ENV, "Wigan")
    with pytest.raises(PupilstatsError, match="3-digit LA number"):
        load_limits()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[default]\nmax_bad_share = 2\n", "is not a share"),
        ("[default]\nmax_bad_shares = 0.1\n", "unknown key"),
        ("[default.completeness.pupils]\nupn = 0.9\n", "unknown input"),
    ],
)
def test_bad_limits_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "quality.toml"
    path.write_text(text)
    with pytest.raises(PupilstatsError, match=message):
        load_limits(path=path)
