"""The Youth Support Services extract (Education Act 1996 s.507B): the one person-level
output of pupilstats.

For every pupil aged 13 to 19 on the extract date (from the latest census on or before it)
the extract holds the fields agreed with the youth support provider
(``pipeline/config/yss_share.toml``); for a pupil with a section 507B restriction in force on
that date (``pipeline.rights.restriction``) it holds only name, address (postcode) and date
of birth, the other fields blank. The research opt-out does not apply: this is a statutory
share, not a statistic.

The file goes only under ``reports/shares/yss/`` (``Settings.shares_dir``), never beside
statistical releases, with a manifest (sha256, number of people, date, fields). Files are
owner-only (``0600``, folders ``0700``) and written atomically (temporary file, fsync,
rename); no cell starts a spreadsheet formula (``pipeline.spreadsheet_cells``).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipeline.atomic_files import remove_stale_partial_files, write_file_atomically
from pipeline.fault_points import fault_point
from pipeline.rights.audit_log import AuditEntry, log_actions, now_utc
from pipeline.rights.consent_register import instruction_in_force
from pipeline.rights.restriction import RESTRICTION, age_on, restriction_counts
from pipeline.rights.share_names import checked_share_name
from pipeline.spreadsheet_cells import safe_csv
from schema.errors import PupilstatsError

SHARE_CONFIG = Path(__file__).resolve().parents[1] / "config" / "yss_share.toml"
NAME_ADDRESS_DOB: frozenset[str] = frozenset(
    {"legal_surname", "forename", "postcode", "date_of_birth"}
)
"""The most a restricted pupil's row may ever hold."""
SHARE_FOLDER = "yss"
OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIR = 0o700
_CENSUS_FIELDS = frozenset(
    {
        "upn",
        "legal_surname",
        "forename",
        "date_of_birth",
        "sex",
        "postcode",
        "laestab",
        "urn",
        "ward_code",
        "lsoa_code",
        "nc_year",
        "enrolment_status",
        "ethnicity",
        "first_language",
        "fsm_eligible",
        "fsm6",
        "sen_provision",
    }
)


@dataclass(frozen=True)
class ShareSpec:
    """The agreed content of the share."""

    min_age: int
    max_age: int
    agreed_fields: tuple[str, ...]
    restricted_fields: tuple[str, ...]


@dataclass(frozen=True)
class YssExtract:
    """A written extract: where it is and what it holds (counts only)."""

    path: Path
    manifest: Path
    extract_date: date
    census_date: date
    people: int
    restricted: int
    sha256: str


def load_share_spec(path: Path = SHARE_CONFIG) -> ShareSpec:
    """Read the share's agreed fields; refuse a restricted field beyond name, address, DOB."""
    with path.open("rb") as handle:
        share = tomllib.load(handle)["share"]
    spec = ShareSpec(
        min_age=int(share["min_age"]),
        max_age=int(share["max_age"]),
        agreed_fields=tuple(share["agreed_fields"]),
        restricted_fields=tuple(share["restricted_fields"]),
    )
    wider = sorted(set(spec.restricted_fields) - NAME_ADDRESS_DOB)
    if wider:
        raise PupilstatsError(
            f"{path}: restricted_fields may hold only name, address and date of birth, "
            f"not {', '.join(wider)}"
        )
    unknown = sorted(set(spec.agreed_fields) - _CENSUS_FIELDS - {"school_name"})
    if unknown:
        raise PupilstatsError(f"{path}: unknown agreed field(s) {', '.join(unknown)}")
    missing = sorted(set(spec.restricted_fields) - set(spec.agreed_fields))
    if missing:
        raise PupilstatsError(f"{path}: restricted field(s) not agreed: {', '.join(missing)}")
    return spec


def census_date_for(con: duckdb.DuckDBPyConnection, on: date) -> date:
    """The latest stored census on or before ``on``."""
    row = con.execute("SELECT max(census_date) FROM census WHERE census_date <= ?", [on]).fetchall()
    if not row or row[0][0] is None:
        raise PupilstatsError(f"no census on or before {on} is stored")
    return row[0][0]


def pupils_on_census(con: duckdb.DuckDBPyConnection, census_date: date) -> pl.DataFrame:
    """One row per pupil on the census (a main registration preferred to a subsidiary one),
    with the school's name."""
    return con.sql(
        """
        SELECT c.*, s.school_name
        FROM census AS c LEFT JOIN schools AS s USING (laestab)
        WHERE c.census_date = ?
        QUALIFY row_number() OVER (
            PARTITION BY c.upn ORDER BY c.enrolment_status = 'S', c.laestab
        ) = 1
        """,
        params=[census_date],
    ).pl()


def restricted_upns(con: duckdb.DuckDBPyConnection, upns: pl.DataFrame, on: date) -> set[str]:
    """The pupils (of ``upns``: columns upn, date_of_birth) with a restriction in force on
    ``on``: effective, not withdrawn, and validly given (a parent's instruction dated on or
    after the 16th birthday has no effect)."""
    rows = con.sql(
        "SELECT upn, recorded_by, recorded_on, effective_from, withdrawn_on "
        "FROM consent_register WHERE consent_type = ?",
        params=[RESTRICTION],
    ).pl()
    dob = dict(upns.select("upn", "date_of_birth").iter_rows())
    restricted: set[str] = set()
    for row in rows.iter_rows(named=True):
        birth = dob.get(row["upn"])
        if birth is None or not instruction_in_force(row, on):
            continue
        if restriction_counts(row["recorded_by"], row["recorded_on"], birth):
            restricted.add(row["upn"])
    return restricted


def extract_rows(
    con: duckdb.DuckDBPyConnection, on: date, spec: ShareSpec
) -> tuple[pl.DataFrame, date, int]:
    """The extract's rows (agreed fields, as text), the census used and the restricted count."""
    census_date = census_date_for(con, on)
    pupils = pupils_on_census(con, census_date).filter(pl.col("date_of_birth").is_not_null())
    ages = [age_on(d, on) for d in pupils["date_of_birth"].to_list()]
    pupils = pupils.with_columns(pl.Series("age", ages, dtype=pl.Int64)).filter(
        pl.col("age").is_between(spec.min_age, spec.max_age)
    )
    restricted = restricted_upns(con, pupils, on)
    is_restricted = pl.col("upn").is_in(sorted(restricted))
    columns = [
        (
            pl.col(f).cast(pl.Utf8)
            if f in spec.restricted_fields
            else pl.when(is_restricted).then(None).otherwise(pl.col(f).cast(pl.Utf8)).alias(f)
        )
        for f in spec.agreed_fields
    ]
    rows = pupils.sort("legal_surname", "forename", "date_of_birth", "upn").select(columns)
    return rows, census_date, len(restricted)


def share_path(out: Path, shares_dir: Path) -> Path:
    """Where ``out`` goes: a bare file name lands in ``<shares>/yss/``; any other path must
    resolve inside it, and the name must be a share name (``pipeline.rights.share_names``),
    or the extract is refused."""
    folder = (shares_dir / SHARE_FOLDER).resolve()
    target = folder / out.name if out.parent == Path(".") else out.resolve()
    if target.parent != folder:
        raise PupilstatsError(
            f"the Youth Support Services extract is written only under {folder}/, "
            f"not to {str(out)!r}: give a file name"
        )
    if target.suffix != ".csv" or target.name.startswith("."):
        raise PupilstatsError(f"the extract's file name must end in .csv, not {target.name!r}")
    checked_share_name(target.name, "--out")
    return target


def _owner_only_dirs(folder: Path, shares_dir: Path) -> None:
    for path in (shares_dir, folder):
        path.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
        path.chmod(OWNER_ONLY_DIR)


def write_yss_extract(
    con: duckdb.DuckDBPyConnection,
    *,
    on: date,
    out: Path,
    shares_dir: Path,
    spec: ShareSpec | None = None,
) -> YssExtract:
    """Write the extract for ``on`` to ``<shares>/yss/<out>`` with its manifest, logged in
    the rights audit log first."""
    spec = spec or load_share_spec()
    target = share_path(out, shares_dir)
    rows, census_date, restricted = extract_rows(con, on, spec)
    data = safe_csv(rows).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    manifest = {
        "share": "Youth Support Services (Education Act 1996 s.507B)",
        "file": target.name,
        "sha256": digest,
        "extract_date": on.isoformat(),
        "census_date": census_date.isoformat(),
        "ages": [spec.min_age, spec.max_age],
        "people": rows.height,
        "restricted": restricted,
        "fields": list(spec.agreed_fields),
        "restricted_fields": list(spec.restricted_fields),
        "created_at": now_utc().isoformat(timespec="seconds") + "Z",
        "note": "Person-level and confidential: for the youth support provider only. "
        "Not a statistical release.",
    }
    _owner_only_dirs(target.parent, shares_dir)
    remove_stale_partial_files(target.parent)
    # logged before it is written: a run killed in between leaves an entry for an extract
    # never made, never an extract of people's records without its entry
    log_actions(
        con,
        [
            AuditEntry(
                action="yss_extract",
                rows_affected=rows.height,
                reason=f"Youth Support Services extract for {on.isoformat()}",
            )
        ],
    )
    manifest_path = target.with_name(target.stem + ".manifest.json")
    # the manifest first: an extract is never there without the manifest describing it
    write_file_atomically(
        manifest_path, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"), OWNER_ONLY_FILE
    )
    fault_point("yss: manifest written")
    write_file_atomically(target, data, OWNER_ONLY_FILE)
    fault_point("yss: extract written")
    return YssExtract(
        path=target,
        manifest=manifest_path,
        extract_date=on,
        census_date=census_date,
        people=rows.height,
        restricted=restricted,
        sha256=digest,
    )
