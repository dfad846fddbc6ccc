"""Named release profiles, read from ``pipeline/config/profiles.toml``.

Listing the profiles imports no statistics library (the command line checks a profile's
name before any flow starts); the disclosure library is imported to build one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from schema.errors import PupilstatsError

if TYPE_CHECKING:
    from disclosure import Profile

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
    from disclosure import Profile  # NumPy, HiGHS: imported only to build a profile

    settings = {k: v for k, v in profiles[name].items() if k != "description"}
    return Profile(name=name, **settings)
