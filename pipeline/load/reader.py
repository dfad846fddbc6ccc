"""Reading an input file into an all-text frame with the source line of every row.

Every value is kept as text here, so that a value which does not parse is reported with
its file, line and field instead of failing the whole file (see ``pipeline.load.parse``).
Files are CSV (UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252 as older MIS
export it), Parquet, or for the census a DfE Common Transfer File (``.xml``, see
``pipeline.load.ctf``). Header names are matched without regard to case or surrounding
spaces; columns the input does not use are ignored and listed.

Problems with the file as a whole raise ``InputFileError`` with one clear message: a file
that is missing, empty (0 bytes, or a header with no rows), binary or compressed, in mixed
or unknown text encodings, delimited by something other than commas, with duplicated
header names or without the columns its input needs. A row with the wrong number of fields
is not a record: it is kept as ``malformed`` and quarantined, never silently dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.load.ctf import read_ctf
from schema.errors import InputFileError
from schema.inputs import LINE, InputSchema

_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}
_COMPRESSED = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook?)"),
    (b"\x1f\x8b", "gzip-compressed"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
)


@dataclass(frozen=True)
class RawRows:
    """An input file's rows as text, plus rows too malformed to keep as a record."""

    file: Path
    sha256: str
    rows: pl.DataFrame
    """One Utf8 column per schema column, plus ``_line``."""
    malformed: pl.DataFrame
    """Rows with the wrong number of fields: ``_line``, ``value`` (the raw row), ``reason``."""
    ignored_columns: tuple[str, ...] = ()
    """Columns of the file that the input does not use."""

    @property
    def rows_read(self) -> int:
        return self.rows.height + self.malformed.height


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_rows(
    path: Path,
    schema: InputSchema,
    *,
    census_date: date | None = None,
    geography: pl.DataFrame | None = None,
) -> RawRows:
    """Read a CSV, Parquet or (census only) CTF input file as text rows with line numbers.

    ``census_date`` and ``geography`` are used by CTF files only (``pipeline.load.ctf``).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "file not found")
    if not path.is_file():
        raise InputFileError(path, "not a file")
    suffix = path.suffix.lower()
    ignored: tuple[str, ...] = ()
    if suffix == ".parquet":
        rows, ignored = _read_parquet(path, schema)
        malformed = _no_malformed()
    elif suffix == ".xml":
        rows, malformed = _read_ctf(path, schema, census_date, geography), _no_malformed()
    else:
        rows, malformed, ignored = _read_csv(path, schema)
    if rows.is_empty() and malformed.is_empty() and not schema.may_be_empty:
        raise InputFileError(path, "the file has a header but no data rows")
    return RawRows(
        file=path,
        sha256=file_sha256(path),
        rows=rows,
        malformed=malformed,
        ignored_columns=ignored,
    )


def _read_ctf(
    path: Path, schema: InputSchema, census_date: date | None, geography: pl.DataFrame | None
) -> pl.DataFrame:
    if schema.name != "census":
        raise InputFileError(
            path, f"a Common Transfer File (.xml) holds census items, not {schema.name}"
        )
    return read_ctf(path, census_date=census_date, geography=geography)


def _no_malformed() -> pl.DataFrame:
    return pl.DataFrame(schema={LINE: pl.Int64, "value": pl.Utf8, "reason": pl.Utf8})


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if not data:
        raise InputFileError(path, "the file is empty (0 bytes): expected a header row")
    for magic, label in _COMPRESSED:
        if data.startswith(magic):
            raise InputFileError(path, f"the file is {label}, not CSV text: save it as CSV")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputFileError(path, f"not valid UTF-16 text: {error.reason}") from error
    if b"\x00" in data[:65536]:
        raise InputFileError(path, "the file is binary, not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    _refuse_mixed_encodings(path, data)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise InputFileError(
            path, f"not UTF-8 or Windows-1252 text (bad byte at offset {error.start})"
        ) from error


def _refuse_mixed_encodings(path: Path, data: bytes) -> None:
    """Raise when some lines are UTF-8 with non-ASCII text and others are not UTF-8.

    Decoding such a file as Windows-1252 would silently turn every UTF-8 accent into two
    wrong characters (``é`` into ``Ã©``), so it is refused, naming a line of each.
    """
    utf8_line = other_line = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            other_line = other_line or number
        if utf8_line and other_line:
            raise InputFileError(
                path,
                f"mixed text encodings: line {utf8_line} is UTF-8 but line {other_line} is "
                "not (Windows-1252?): save the whole file as UTF-8",
            )


def header_names(header: list[str]) -> list[str]:
    """Header names as matched against the schema: spaces stripped, lower case."""
    return [h.strip().lower() for h in header]


def _check_header(path: Path, header: list[str], schema: InputSchema) -> tuple[str, ...]:
    """Raise on an unusable header; return the columns the input does not use."""
    names = header_names(header)
    if len(names) == 1:
        for delimiter, label in _OTHER_DELIMITERS.items():
            if delimiter in names[0]:
                raise InputFileError(
                    path, f"the header is separated by {label}, not commas: save the file as CSV"
                )
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise InputFileError(path, f"duplicated column(s) in the header: {', '.join(duplicated)}")
    missing = [c for c in schema.column_names if c not in names]
    if missing:
        raise InputFileError(
            path,
            f"missing column(s) for the {schema.name} input: {', '.join(missing)}",
        )
    return tuple(
        h.strip() for h, n in zip(header, names, strict=True) if n not in schema.column_names
    )


def _read_csv(
    path: Path, schema: InputSchema
) -> tuple[pl.DataFrame, pl.DataFrame, tuple[str, ...]]:
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(path, "the file has no header row") from None
    except csv.Error as error:
        raise InputFileError(path, f"the header cannot be read as CSV: {error}") from error
    ignored = _check_header(path, header, schema)
    position = {name: i for i, name in enumerate(header_names(header))}
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
                if reader.line_num > line:
                    raise InputFileError(
                        path,
                        f"line {line}: a quoted value opened here is not closed where the "
                        f"record ends (it runs on to line {reader.line_num}): check the quotes",
                    )
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
    return rows, malformed, ignored


def _as_text(series: pl.Series) -> pl.Series:
    if series.dtype == pl.Boolean:
        return pl.select(
            pl.when(series).then(pl.lit("Y")).when(~series).then(pl.lit("N"))
        ).to_series()
    if series.dtype == pl.Date:
        return series.dt.strftime("%Y-%m-%d")
    return series.cast(pl.Utf8)


def _read_parquet(path: Path, schema: InputSchema) -> tuple[pl.DataFrame, tuple[str, ...]]:
    try:
        frame = pl.read_parquet(path)
    except Exception as error:  # polars raises several types for a corrupt file
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise InputFileError(path, f"cannot be read as Parquet: {first_line}") from None
    ignored = _check_header(path, frame.columns, schema)
    by_name = dict(zip(header_names(frame.columns), frame.columns, strict=True))
    columns = []
    for name in schema.column_names:
        try:
            columns.append(_as_text(frame[by_name[name]]).alias(name))
        except Exception:  # nested or binary types have no text form
            raise InputFileError(
                path, f"column {name!r} has type {frame.schema[by_name[name]]}, not a plain value"
            ) from None
    text = pl.DataFrame(columns, schema={c: pl.Utf8 for c in schema.column_names})
    # Parquet has no lines: rows are numbered as they would be in the equivalent CSV
    rows = text.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE))
    return rows, ignored
