"""Named release profiles, read from ``pipeline/config/profiles.toml``."""

from __future__ import annotations

import tomllib
from pathlib import Path

from disclosure import Profile
from schema.errors import PupilstatsError

PROFILES_FILE = Path(__file__).with_name("config") / "profiles.toml"


def available_profiles(path: Path = PROFILES_FILE) -> dict[str, dict[str, object]]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def load_profile(name: str, path: Path = PROFILES_FILE) -> Profile:
    """Return the profile called ``name``; a clear error lists the known names."""
    profiles = available_profiles(path)
    if name not in profiles:
        raise PupilstatsError(
            f"unknown release profile {name!r}; known profiles: {', '.join(sorted(profiles))}"
        )
    settings = {k: v for k, v in profiles[name].items() if k != "description"}
    return Profile(name=name, **settings)
