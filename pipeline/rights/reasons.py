"""The fixed words the rights commands log: reason codes and case references.

``correct --reason`` and ``erase --reason`` take a code of ``pipeline/config/rights_reasons.toml``
(``data_subject_request``, ``school_correction``, ...), and ``consent record|withdraw --ref``
a case reference ``PREFIX-YYYY-N`` with a prefix listed there (``DSR-2025-142``). The rights
audit log outlives erasure, and free text could name a person no guard recognises (a parent
whose surname is not the pupil's), so what it holds is chosen from this vocabulary; anything
else is refused in one line naming what is valid. The identifier guard
(``pipeline.rights.identifier_guard``) still checks the free text that is left (``ledger
withdraw --reason``, which is about a release, not a pupil).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from schema.errors import PupilstatsError

REASONS_FILE = Path(__file__).resolve().parents[1] / "config" / "rights_reasons.toml"
ACTIONS_WITH_REASONS: tuple[str, ...] = ("correct", "erase")
_CODE = re.compile(r"[a-z][a-z0-9_]*")
_PREFIX = re.compile(r"[A-Z]{2,6}")


@dataclass(frozen=True)
class Vocabulary:
    """The reasons of each action (code -> meaning) and the case-reference prefixes."""

    reasons: dict[str, dict[str, str]]
    prefixes: tuple[str, ...]

    @property
    def case_reference(self) -> re.Pattern[str]:
        """The form of a case reference: a listed prefix, a year and 1-6 digits."""
        return re.compile(rf"(?:{'|'.join(self.prefixes)})-[0-9]{{4}}-[0-9]{{1,6}}")


def _checked(config: dict[str, object], path: Path) -> Vocabulary:
    reasons: dict[str, dict[str, str]] = {}
    for action in ACTIONS_WITH_REASONS:
        table = config.get(action)
        if not isinstance(table, dict) or not table:
            raise PupilstatsError(f"{path}: [{action}] must list at least one reason")
        bad = [code for code in table if not _CODE.fullmatch(code)]
        if bad:
            raise PupilstatsError(f"{path}: [{action}] codes must be lower_snake_case: {bad}")
        reasons[action] = {str(code): str(meaning) for code, meaning in table.items()}
    section = config.get("case_reference")
    prefixes = section.get("prefixes") if isinstance(section, dict) else None
    if not isinstance(prefixes, list) or not prefixes:
        raise PupilstatsError(f"{path}: [case_reference] prefixes must list at least one prefix")
    bad = [p for p in prefixes if not isinstance(p, str) or not _PREFIX.fullmatch(p)]
    if bad:
        raise PupilstatsError(f"{path}: case reference prefixes must be 2-6 capitals: {bad}")
    return Vocabulary(reasons, tuple(prefixes))


@cache
def load_vocabulary(path: Path = REASONS_FILE) -> Vocabulary:
    """The vocabulary of ``path`` (read once per process), checked."""
    with path.open("rb") as handle:
        return _checked(tomllib.load(handle), path)


def reasons_help(action: str) -> str:
    """The codes of ``action`` for a command's ``--help``."""
    return "One of: " + ", ".join(load_vocabulary().reasons[action])


def checked_reason_code(reason: str, action: str, option: str = "--reason") -> str:
    """``reason`` when it is one of ``action``'s codes; otherwise a one-line refusal
    listing them."""
    codes = load_vocabulary().reasons[action]
    if reason in codes:
        return reason
    raise PupilstatsError(
        f"{option} {reason!r} is not a reason {action} takes: one of {', '.join(codes)} "
        f"({REASONS_FILE.name}); the audit log holds no free text"
    )


def checked_case_reference(ref: str, option: str = "--ref") -> str:
    """``ref`` when it has the case-reference form; otherwise a one-line refusal naming
    the form and the prefixes."""
    vocabulary = load_vocabulary()
    if vocabulary.case_reference.fullmatch(ref):
        return ref
    raise PupilstatsError(
        f"{option} {ref!r} is not a case reference: PREFIX-YYYY-N with PREFIX one of "
        f"{', '.join(vocabulary.prefixes)}, the year and 1-6 digits (e.g. DSR-2025-142)"
    )
