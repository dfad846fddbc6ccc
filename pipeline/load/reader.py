"""Reading an input file into an all-text frame with the source line of every row.

Every value is kept as text here, so that a value which does not parse is reported with
its file, line and field instead of failing the whole file (see ``pipeline.load.parse``).
Problems with the file as a whole raise ``InputFileError`` with one clear message: a file
that is missing, empty, binary, not UTF-8 or Windows-1252, delimited by something other
than commas, or without the columns its input needs.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.errors import InputFileError
from pipeline.schema import InputSchema

LINE = "_line"
"""Column holding the line of the source file a row starts on (header = line 1)."""

_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}


@dataclass(frozen=True)
class RawRows:
    """An input file's rows as text, plus rows too malformed to keep as a record."""

    file: Path
    sha256: str
    rows: pl.DataFrame
    """One Utf8 column per schema column, plus ``_line``."""
    malformed: pl.DataFrame
    """Rows with the wrong number of fields: ``_line``, ``value`` (the raw row), ``reason``."""

    @property
    def rows_read(self) -> int:
        return self.rows.height + self.malformed.height


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_rows(path: Path, schema: InputSchema) -> RawRows:
    """Read a CSV or Parquet input file as text rows with their line numbers."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "file not found")
    if not path.is_file():
        raise InputFileError(path, "not a file")
    if path.suffix.lower() == ".parquet":
        rows, malformed = _read_parquet(path, schema), _no_malformed()
    else:
        rows, malformed = _read_csv(path, schema)
    return RawRows(file=path, sha256=file_sha256(path), rows=rows, malformed=malformed)


def _no_malformed() -> pl.DataFrame:
    return pl.DataFrame(schema={LINE: pl.Int64, "value": pl.Utf8, "reason": pl.Utf8})


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if not data:
        raise InputFileError(path, "the file is empty (0 bytes): expected a header row")
    if b"\x00" in data[:65536]:
        raise InputFileError(path, "the file is binary, not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise InputFileError(
                path, f"not UTF-8 or Windows-1252 text (bad byte at offset {error.start})"
            ) from error


def _check_header(path: Path, header: list[str], schema: InputSchema) -> None:
    names = [h.strip() for h in header]
    if len(names) == 1:
        for delimiter, label in _OTHER_DELIMITERS.items():
            if delimiter in names[0]:
                raise InputFileError(
                    path, f"the header is separated by {label}, not commas: save the file as CSV"
                )
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InputFileError(path, f"duplicated column(s) in the header: {', '.join(duplicated)}")
    missing = [c for c in schema.column_names if c not in names]
    if missing:
        raise InputFileError(
            path,
            f"missing column(s) for the {schema.name} input: {', '.join(missing)}",
        )


def _read_csv(path: Path, schema: InputSchema) -> tuple[pl.DataFrame, pl.DataFrame]:
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(path, "the file has no header row") from None
    except csv.Error as error:
        raise InputFileError(path, f"the header cannot be read as CSV: {error}") from error
    _check_header(path, header, schema)
    position = {name.strip(): i for i, name in enumerate(header)}
    wanted = [position[c] for c in schema.column_names]
    columns: list[list[str]] = [[] for _ in wanted]
    lines: list[int] = []
    bad_lines: list[int] = []
    bad_values: list[str] = []
    bad_reasons: list[str] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not record or all(not v.strip() for v in record):
                continue  # a blank line is not a record
            if len(record) != len(header):
                bad_lines.append(line)
                bad_values.append(",".join(record))
                bad_reasons.append(
                    f"wrong_field_count: {len(record)} fields, header has {len(header)}"
                )
                continue
            lines.append(line)
            for out, index in zip(columns, wanted, strict=True):
                out.append(record[index])
    except csv.Error as error:
        raise InputFileError(
            path, f"line {reader.line_num}: cannot be read as CSV: {error}"
        ) from error
    rows = pl.DataFrame(
        {name: values for name, values in zip(schema.column_names, columns, strict=True)}
        | {LINE: lines},
        schema={**{c: pl.Utf8 for c in schema.column_names}, LINE: pl.Int64},
    )
    malformed = pl.DataFrame(
        {LINE: bad_lines, "value": bad_values, "reason": bad_reasons},
        schema={LINE: pl.Int64, "value": pl.Utf8, "reason": pl.Utf8},
    )
    return rows, malformed


def _as_text(series: pl.Series) -> pl.Series:
    if series.dtype == pl.Boolean:
        return pl.select(
            pl.when(series).then(pl.lit("Y")).when(~series).then(pl.lit("N"))
        ).to_series()
    if series.dtype == pl.Date:
        return series.dt.strftime("%Y-%m-%d")
    return series.cast(pl.Utf8)


def _read_parquet(path: Path, schema: InputSchema) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as error:  # polars raises several types for a corrupt file
        raise InputFileError(path, f"cannot be read as Parquet: {error}") from error
    _check_header(path, frame.columns, schema)
    text = pl.DataFrame([_as_text(frame[c]).alias(c) for c in schema.column_names])
    # Parquet has no lines: rows are numbered as they would be in the equivalent CSV
    return text.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE))
