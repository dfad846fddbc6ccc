"""Which person-level shares made earlier still hold a pupil who is being erased.

Erasure deletes what the store holds; it cannot recall what was already handed out. Two
commands write person-level files, both under ``<reports>/shares/``:

* ``yss-extract`` writes ``yss/<name>.csv`` with its ``<name>.manifest.json`` (no UPN: the
  agreed fields, always including the pupil's legal surname, forename and date of birth);
* ``sar`` writes ``sar/<name>/subject-access.json`` (and ``.md``), naming the pupil's UPN.

Neither is recorded pupil by pupil in the store (the audit log holds one ``yss_extract``
entry per extract, without the people in it), so the shares are read where they are: a YSS
extract holds the pupil when one of its rows has the surname, forename and date of birth the
store held on them before the erasure; a subject access bundle when its UPN is the pupil's.
The erase command lists them so that whoever made the share can ask its recipient to delete
the copy; nothing here deletes or changes a share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

YSS_FOLDER = "yss"
SAR_FOLDER = "sar"
SAR_JSON = "subject-access.json"
IDENTITY_COLUMNS = ("legal_surname", "forename", "date_of_birth")


@dataclass(frozen=True)
class Identity:
    """How a person-level file without UPNs names a pupil."""

    legal_surname: str
    forename: str
    date_of_birth: str

    def key(self) -> tuple[str, str, str]:
        return (_norm(self.legal_surname), _norm(self.forename), self.date_of_birth.strip())


@dataclass(frozen=True)
class HeldShare:
    """A share made earlier that still holds the pupil."""

    kind: str
    path: Path


def _norm(text: str) -> str:
    return " ".join(text.lstrip("'").split()).casefold()


def identities_of(con: duckdb.DuckDBPyConnection, upn: str) -> list[Identity]:
    """Every (surname, forename, date of birth) the census holds on the pupil."""
    rows = con.execute(
        "SELECT DISTINCT legal_surname, forename, date_of_birth FROM census "
        "WHERE upn = ? AND legal_surname IS NOT NULL AND forename IS NOT NULL "
        "AND date_of_birth IS NOT NULL",
        [upn],
    ).fetchall()
    return [
        Identity(str(s), str(f), d.isoformat() if isinstance(d, date) else str(d))
        for s, f, d in rows
    ]


def _yss_holds(path: Path, wanted: set[tuple[str, str, str]]) -> bool:
    try:
        frame = pl.read_csv(path, infer_schema=False, columns=list(IDENTITY_COLUMNS))
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError):
        return False
    return any(
        (_norm(s or ""), _norm(f or ""), (d or "").strip()) in wanted
        for s, f, d in frame.iter_rows()
    )


def _sar_holds(path: Path, upn: str) -> bool:
    try:
        bundle = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(bundle, dict) and str(bundle.get("upn", "")).upper() == upn.upper()


def shares_holding(shares_dir: Path, upn: str, identities: list[Identity]) -> list[HeldShare]:
    """The YSS extracts and subject access bundles under ``shares_dir`` that hold the pupil,
    by path. Files that cannot be read as a share are passed over."""
    held: list[HeldShare] = []
    wanted = {identity.key() for identity in identities}
    yss = shares_dir / YSS_FOLDER
    if wanted and yss.is_dir():
        for path in sorted(yss.glob("*.csv")):
            if path.is_file() and not path.is_symlink() and _yss_holds(path, wanted):
                held.append(HeldShare("Youth Support Services extract", path))
    sar = shares_dir / SAR_FOLDER
    if sar.is_dir():
        for path in sorted(sar.glob(f"*/{SAR_JSON}")):
            if path.is_file() and not path.is_symlink() and _sar_holds(path, upn):
                held.append(HeldShare("subject access bundle", path.parent))
    return held
