"""Writing a synthetic borough to a folder: one file per input plus ``defects.csv``.

CSV files hold text exactly as an LA system would export it (header row, ISO dates, Y/N,
blank for null, ``\\n`` line ends). Parquet files hold the typed columns, except a file
with defects, which is written as text columns so that a value such as ``2025-02-30``
survives (the loader reads Parquet as text either way). ``defects.csv`` lists each
injected defect with the line it is on in the CSV (header = line 1; a Parquet row is
numbered as in the equivalent CSV).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import polars as pl

from pipeline.synthetic.borough import SyntheticBorough
from schema.inputs import INPUTS

DEFECTS_FILE = "defects.csv"
DEFECT_COLUMNS = ("file", "line", "upn", "kind", "column", "value", "detail")
FORMATS = ("csv", "parquet")


def defects_frame(borough: SyntheticBorough, fmt: str = "csv") -> pl.DataFrame:
    """One row per injected defect, by file (in input order) and line."""
    order = {name: i for i, name in enumerate(INPUTS)}
    ordered = sorted(borough.defects, key=lambda d: (order[d.file], d.row, d.column))
    return pl.DataFrame(
        {
            "file": [f"{d.file}.{fmt}" for d in ordered],
            "line": [d.line for d in ordered],
            "upn": [d.upn for d in ordered],
            "kind": [d.kind for d in ordered],
            "column": [d.column for d in ordered],
            "value": [d.text for d in ordered],
            "detail": [d.detail or None for d in ordered],
        },
        schema={c: (pl.Int64 if c == "line" else pl.Utf8) for c in DEFECT_COLUMNS},
    )


OWNER_ONLY_DIR = 0o700


def make_owner_only_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and any missing parent ``0700`` (pupil-level files go in them, as in
    ``data/``), whatever the umask; return the folders created. Existing folders are left as
    they are."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()][::-1]
    for path in missing:
        path.mkdir(mode=OWNER_ONLY_DIR, exist_ok=True)
        path.chmod(OWNER_ONLY_DIR)
    return missing


def write_borough(
    borough: SyntheticBorough, out_dir: Path, fmt: Literal["csv", "parquet"] = "csv"
) -> dict[str, Path]:
    """Write ``<input>.<fmt>`` for every input (and ``defects.csv`` when there are
    defects) into ``out_dir``; return the paths by input name (``defects`` last).

    Files this function would otherwise leave stale in ``out_dir`` (the same inputs in
    the other format, an old ``defects.csv``) are removed, so the folder always holds
    exactly one borough.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    out = Path(out_dir)
    make_owner_only_folders(out)
    written: dict[str, Path] = {}
    for name in INPUTS:
        for other in FORMATS:
            stale = out / f"{name}.{other}"
            if other != fmt and stale.exists():
                stale.unlink()
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            borough.text_frame(name).write_csv(path, null_value="", line_terminator="\n")
        elif borough.defects_in(name):
            borough.text_frame(name).write_parquet(path, compression="zstd")
        else:
            borough.frames[name].write_parquet(path, compression="zstd")
        written[name] = path
    defects_path = out / DEFECTS_FILE
    if borough.defects:
        defects_frame(borough, fmt).write_csv(defects_path, null_value="", line_terminator="\n")
        written["defects"] = defects_path
    elif defects_path.exists():
        defects_path.unlink()
    return written
