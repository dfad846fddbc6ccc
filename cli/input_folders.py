"""Checking an input folder named on the command line before anything is read from it.

A folder of a borough's input files (``census.csv``, ``schools.csv``, ...; see
``pipeline.load.inputs``) is what ``pupilstats load`` and ``--input`` take. The common
mistakes get one line saying what to give instead: a folder that does not exist, a file
given as the folder, and the parent of the one-folder-per-year layout ``pupilstats demo``
and ``pupilstats generate`` write (``data/synthetic/2025-26/``).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.load.inputs import LOAD_ORDER, REQUIRED_INPUTS, SUFFIXES, find_input_files
from schema.errors import InputFileError


def _holds_inputs(folder: Path) -> bool:
    return all(
        any((folder / f"{name}{suffix}").is_file() for suffix in SUFFIXES)
        for name in REQUIRED_INPUTS
    )


def input_subfolders(folder: Path) -> list[Path]:
    """The subfolders of ``folder`` that hold a borough's inputs, by name (oldest year first)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and _holds_inputs(p))


def check_input_folder(folder: Path) -> dict[str, Path]:
    """The input files of ``folder`` by input name, or an ``InputFileError`` (one line)
    saying what would be valid."""
    folder = Path(folder)
    if folder.is_file():
        hint = (
            f"give its folder ({folder.parent})"
            if folder.stem in LOAD_ORDER
            else "give the folder that holds census.csv, schools.csv and consent.csv"
        )
        raise InputFileError(folder, f"is a file, not an input folder: {hint}")
    if not folder.exists():
        raise InputFileError(
            folder, "input folder not found (one holding census.csv, schools.csv, consent.csv)"
        )
    years = input_subfolders(folder)
    if years and not _holds_inputs(folder):
        names = ", ".join(p.name for p in years)
        raise InputFileError(
            folder,
            f"holds one folder per year ({names}), not input files: give one of them, "
            f"e.g. {years[-1]}",
        )
    return find_input_files(folder)
