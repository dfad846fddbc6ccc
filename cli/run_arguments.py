"""Checking ``pupilstats run <release>``'s arguments before any flow starts.

Prefect's temporary server takes seconds to start, so a user's mistake is found here, in
well under two seconds, and answered in one line naming what would be valid:

* the period: an academic year as ``2025/26`` or ``2025-26`` (the data folders' spelling),
  a census date as ``YYYY-MM-DD``; and it must have a census to count from: in the
  ``--input`` folders (a census date must be theirs, since each folder's census is checked
  against it) or else in the store (the census dates or academic years it holds are listed);
* every ``--input`` folder (``cli.input_folders``);
* the profile (the profiles of ``pipeline/config/profiles.toml`` are listed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cli.census_dates import (
    academic_year_of,
    check_store_load_finished,
    file_census_dates,
    store_census_dates,
)
from cli.input_folders import check_input_folder
from pipeline.profiles import available_profiles
from pipeline.releases.spec import ReleaseSpec
from pipeline.settings import Settings
from schema.errors import PupilstatsError

_DASHED_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def academic_year_text(text: str) -> str:
    """``2025-26`` (as the data folders are named) as ``2025/26``; anything else unchanged."""
    match = _DASHED_YEAR.match(text.strip())
    return f"{match[1]}/{match[2]}" if match else text.strip()


def check_profile(name: str) -> str:
    """``name`` if it is a profile of ``pipeline/config/profiles.toml``, else a clear error."""
    profiles = available_profiles()
    if name not in profiles:
        raise PupilstatsError(
            f"--profile {name!r} is not a release profile; profiles: {', '.join(profiles)} "
            "(pipeline/config/profiles.toml)"
        )
    return name


@dataclass(frozen=True)
class CensusSources:
    """The census dates a run can count from: the input folders' (``None``: one of them
    could not be read cheaply) and the store's (``None``: the store is busy)."""

    folders: list[Path]
    inputs: list[list[date] | None]
    store: list[date] | None
    db_path: Path

    def known(self) -> list[date] | None:
        """Every census date the run could use, or ``None`` if that cannot be told."""
        if self.store is None or any(d is None for d in self.inputs):
            return None
        return sorted({*self.store, *(d for dates in self.inputs if dates for d in dates)})

    def where(self) -> str:
        return f"the store {self.db_path}" + (" or the --input folders" if self.inputs else "")


def census_sources(input_dirs: list[Path], db_path: Path) -> CensusSources:
    """Check each input folder, then read the census dates of its census and of the store."""
    files = [check_input_folder(folder) for folder in input_dirs]
    return CensusSources(
        folders=list(input_dirs),
        inputs=[file_census_dates(f["census"]) for f in files],
        store=store_census_dates(db_path),
        db_path=db_path,
    )


def _check_census_date(period: str, sources: CensusSources, *, per_folder: bool) -> None:
    """The census of ``period`` is known; with ``per_folder`` (the run checks each folder's
    census against its census date) every input folder's census is of that date."""
    wanted = date.fromisoformat(period)
    for folder_dates, folder in zip(sources.inputs, sources.folders, strict=True):
        if per_folder and folder_dates is not None and wanted not in folder_dates:
            held = ", ".join(d.isoformat() for d in folder_dates) or "no date"
            raise PupilstatsError(
                f"--census-date {period}: the census in {folder} is of {held}; give that "
                f"date, or an --input folder holding the census of {period}"
            )
    known = sources.known()
    if known is not None and wanted not in known:
        held = ", ".join(d.isoformat() for d in known)
        raise PupilstatsError(f"no census of {period} in {sources.where()}; census dates: {held}")


def _check_academic_year(period: str, sources: CensusSources) -> None:
    known = sources.known()
    years = sorted({academic_year_of(d) for d in known or []})
    if known is not None and period not in years:
        raise PupilstatsError(
            f"no census in academic year {period} in {sources.where()}; "
            f"academic years: {', '.join(years)}"
        )


def check_run_arguments(
    spec: ReleaseSpec,
    period: str | None,
    *,
    profile: str,
    input_dirs: list[Path],
    db: Path | None,
) -> str | None:
    """The run's period in its canonical form, after checking every argument (module
    docstring); a ``PupilstatsError`` (one line) names what is wrong and what is valid."""
    if period is not None:
        if spec.period.flag == "--academic-year":
            period = academic_year_text(period)
        period = spec.period.check(period)
    check_profile(profile)
    db_path = Settings.from_env(db=db).db_path
    if not input_dirs:  # a load of the run's own inputs settles an unfinished one
        check_store_load_finished(db_path)
    sources = census_sources(input_dirs, db_path)
    if sources.known() == []:
        raise PupilstatsError(
            f"the store {db_path} holds no census: load a borough first "
            "(pupilstats load FOLDER) or give --input FOLDER"
        )
    if period is None:
        return None
    if spec.period.flag == "--census-date":
        _check_census_date(period, sources, per_folder=spec.census_date_checked)
    else:
        _check_academic_year(period, sources)
    return period
