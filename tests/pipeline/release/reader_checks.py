"""Checks of a written release's reader files against its own CSVs and the published rules.

``check_open_data`` reads every EES file the manifest lists and checks it against the EES
open-data standard's column rules (docs/release-formats.md, from dfe-analytical-services/
analysts-guide ``statistics-production/ud.qmd``) and every figure against the release CSV;
``check_spreadsheet`` reads ``release.xlsx`` back with openpyxl and checks every figure of
every table sheet against the release CSV. Used by the writer's tests and by the flows'
tests on real releases.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
FILE_NAME = re.compile(r"^[a-z0-9_-]+(\.meta)?\.csv$")
MANDATORY = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name")
TIME_IDENTIFIERS = {"Academic year", "Autumn term", "Calendar year", "Financial year"}
LEVEL_COLUMNS = {
    "National": (),
    "Local authority": ("old_la_code", "new_la_code", "la_name"),
    "Ward": ("ward_code", "ward_name"),
    "School": (
        "school_urn",
        "school_laestab",
        "school_name",
        "old_la_code",
        "new_la_code",
        "la_name",
    ),
}
META_HEADER = [
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
]
UNITS = {"", "£", "£m", "%", "pp"}
SYMBOLS = {"c", "x", "z", "low", "u"}
PLACE_NAME_HEADINGS = {"School name", "Ward name"}
"""Columns the spreadsheet adds beside a place's code (not in the release CSV)."""
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def _rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    text = data.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def manifest_of(release: Path) -> dict[str, Any]:
    return json.loads((release / "manifest.json").read_text(encoding="utf-8"))


def _listed(release: Path, manifest: dict[str, Any]) -> dict[str, str]:
    outputs = {o["file"]: o["format"] for o in manifest.get("outputs", [])}
    for entry in manifest.get("outputs", []):
        data = (release / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
    return outputs


def _academic_year(time_period: str) -> str:
    return f"{time_period[:4]}/{time_period[4:]}"


def _check_meta(meta: bytes, header: list[str], rows: list[dict[str, str]]) -> dict[str, str]:
    """The standard's rules for a .meta.csv; returns col_name -> col_type."""
    meta_header, meta_rows = _rows(meta)
    assert meta_header == META_HEADER
    types = {}
    for row in meta_rows:
        name = row["col_name"]
        assert name in header and name not in MANDATORY, name
        assert row["col_type"] in {"Filter", "Indicator"}, row
        assert row["label"].strip(), f"{name}: blank label"
        assert row["indicator_unit"] in UNITS, row
        if row["col_type"] == "Indicator":
            assert row["indicator_dp"].isdigit(), row
        else:
            assert row["indicator_unit"] == "" and row["indicator_dp"] == ""
            assert len({r[name] for r in rows}) >= 2, f"{name}: a one-level filter in meta"
        types[name] = row["col_type"]
    return types


def _check_data(header: list[str], rows: list[dict[str, str]]) -> None:
    """The standard's rules for a data file's columns and time and geography values."""
    assert len(set(header)) == len(header)
    for name in header:
        assert SNAKE.match(name), f"column {name!r} is not snake_case"
    assert header[: len(MANDATORY)] == list(MANDATORY)
    assert rows, "an empty data file"
    levels = {r["geographic_level"] for r in rows}
    assert not ("School" in levels and len(levels) > 1), "school rows mixed with other levels"
    identifiers = {r["time_identifier"] for r in rows}
    assert len(identifiers) == 1 and identifiers <= TIME_IDENTIFIERS
    for row in rows:
        period = row["time_period"]
        assert re.fullmatch(r"[0-9]{6}", period), period
        assert (int(period[:4]) + 1) % 100 == int(period[4:]), period
        assert (row["country_code"], row["country_name"]) == ("E92000001", "England")
        for column in LEVEL_COLUMNS[row["geographic_level"]]:
            assert column in header and row[column].strip(), (column, row)
        if row["geographic_level"] == "Local authority":
            for column in ("ward_code", "ward_name", "school_urn", "school_laestab"):
                assert not row.get(column), (column, row)


def check_open_data(
    release: Path, measures: dict[str, dict[tuple[str, ...], str]] | None = None
) -> int:
    """Check every EES file of ``release`` (module docstring); return how many figures.
    ``measures``, if given, receives per table the measure of every EES row by the row's
    dimension codes, as the release CSV writes it (``c`` back to the profile's symbol)."""
    manifest = manifest_of(release)
    outputs = _listed(release, manifest)
    symbol = manifest["profile"]["symbol"]
    checked = 0
    data_files = [f for f, kind in outputs.items() if kind == "ees-data"]
    assert data_files, "no EES data file"
    for table in manifest["tables"]:
        _, published = _rows((release / table["file"]).read_bytes())
        dims = [d["column"] for d in table["dimensions"]]
        indicators = [table["measure"]["column"], *(d["column"] for d in table["derived"])]
        by_key = {tuple(r[d] for d in dims): r for r in published}
        seen: set[tuple[str, ...]] = set()
        stem = table["name"]
        mine = [
            f for f in data_files if f in (f"open-data/{stem}.csv", f"open-data/{stem}_school.csv")
        ]
        assert mine, f"no EES file for {stem}"
        for file in mine:
            name = file.removeprefix("open-data/")
            assert FILE_NAME.match(name), name
            meta_file = file.removesuffix(".csv") + ".meta.csv"
            assert outputs.get(meta_file) == "ees-metadata", meta_file
            header, rows = _rows((release / file).read_bytes())
            _check_data(header, rows)
            types = _check_meta((release / meta_file).read_bytes(), header, rows)
            assert {c for c, t in types.items() if t == "Indicator"} == set(indicators)
            geography = [d for d in dims if d not in header and d != "academic_year"]
            assert len(geography) <= 1
            standard = set(MANDATORY) | {c for cs in LEVEL_COLUMNS.values() for c in cs}
            extra = [c for c in header if c not in standard | set(dims) | set(indicators)]
            assert len(extra) <= 1, extra
            for row in rows:
                key = []
                for d in dims:
                    if d == "academic_year" and d not in header:
                        key.append(_academic_year(row["time_period"]))
                    elif d in header:
                        key.append(row[d])
                    elif row["geographic_level"] == "School":
                        key.append(row["school_laestab"])
                    elif row["geographic_level"] == "Ward":
                        key.append(row["ward_code"])
                    elif extra:
                        key.append(row[extra[0]])
                    else:
                        key.append("Total")
                source = by_key[tuple(key)]
                assert tuple(key) not in seen
                seen.add(tuple(key))
                if measures is not None:
                    shown = row[indicators[0]]
                    mine = measures.setdefault(table["name"], {})
                    mine[tuple(key)] = symbol if shown == "c" else shown
                for indicator in indicators:
                    value, text = row[indicator], source[indicator]
                    assert value in SYMBOLS or NUMBER.match(value), (file, indicator, value)
                    assert value == ("c" if text == symbol else text), (file, key, indicator)
                    checked += 1
        assert seen == set(by_key), f"{stem}: EES rows are not the CSV's rows"
    return checked


def check_spreadsheet(release: Path) -> int:
    """Read ``release.xlsx`` back (module docstring); return how many figures it checked."""
    manifest = manifest_of(release)
    outputs = _listed(release, manifest)
    assert outputs.get("release.xlsx") == "spreadsheet"
    symbol = manifest["profile"]["symbol"]
    book = openpyxl.load_workbook(release / "release.xlsx")
    names = book.sheetnames
    assert names[:3] == ["Cover", "Contents", "Notes"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
    checked = 0
    for number, table in enumerate(manifest["tables"], start=1):
        sheet = book[f"Table_{number}"]
        header_csv, published = _rows((release / table["file"]).read_bytes())
        title = sheet["A1"].value
        assert isinstance(title, str) and title.strip()
        assert title == table.get("title", title)
        rows = list(sheet.iter_rows(values_only=True))
        width = len(header_csv)
        start = next(i for i, r in enumerate(rows) if sum(v is not None for v in r) >= width)
        headings = [v for v in rows[start] if v is not None]
        keep = [i for i, h in enumerate(headings) if h not in PLACE_NAME_HEADINGS]
        if len(headings) == width:
            keep = list(range(width))
        assert len(keep) == width, headings
        body = [[r[i] for i in keep] for r in rows[start + 1 :] if any(v is not None for v in r)]
        assert len(body) == len(published), table["name"]
        figures = {table["measure"]["column"], *(d["column"] for d in table["derived"])}
        for values, source in zip(body, published, strict=True):
            for column, value in zip(header_csv, values, strict=True):
                text = source[column]
                if column not in figures:
                    assert isinstance(value, str) and value == text.removeprefix("'"), (
                        column,
                        value,
                    )
                    continue
                if text == symbol:
                    assert value == "[c]", (table["name"], column, value)
                elif text == "z":
                    assert value == "[z]", (table["name"], column, value)
                else:
                    assert isinstance(value, int | float) and not isinstance(value, bool)
                    assert value == (
                        int(text) if NUMBER.match(text) and "." not in text else float(text)
                    )
                checked += 1
    return checked
