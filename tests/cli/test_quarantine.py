"""Finding the rows to fix: ``pupilstats quarantine`` lists the quarantined rows by file,
line, field, check and value with identifiers masked, and ``pupilstats validate`` says per
check which column failed, how often and on which lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from cli.quarantine import shown_value

runner = CliRunner()
IDACI_LINES = (4, 9, 17)
UPN_LINE, DOB_LINE, MALFORMED_LINE = 6, 8, 20


def _columns(header: str) -> dict[str, int]:
    return {name: i for i, name in enumerate(header.split(","))}


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A 500-pupil borough whose census has known bad lines (the header is line 1)."""
    from pipeline.synthetic import generate_borough, write_borough

    folder = tmp_path_factory.mktemp("borough")
    written = write_borough(generate_borough(pupils=500, seed=5, defects=0.0), folder)
    for name in ("ks2", "ks4", "absence", "ncmp"):
        written[name].unlink()
    consent = written["consent"]  # header only: no instruction names a pupil made bad below
    consent.write_text(consent.read_text().splitlines()[0] + "\n")
    census = written["census"]
    lines = census.read_text().splitlines()
    col = _columns(lines[0])
    secrets = {}
    for number in range(2, len(lines) + 1):
        fields = lines[number - 1].split(",")
        if number in IDACI_LINES:
            fields[col["idaci_score"]] = "abc"
        elif number == UPN_LINE:
            upn = fields[col["upn"]]
            fields[col["upn"]] = upn[:-1] + ("A" if upn[-1] != "A" else "B")
            secrets["upn"] = fields[col["upn"]]
        elif number == DOB_LINE:
            secrets["dob"] = fields[col["date_of_birth"]] = "2019-02-30"
        elif number == MALFORMED_LINE:
            secrets["surname"] = fields[col["legal_surname"]]
            fields.append("one field too many")
        lines[number - 1] = ",".join(fields)
    census.write_text("\n".join(lines) + "\n")
    db = folder.parent / f"{folder.name}.duckdb"
    loaded = runner.invoke(app, ["load", str(folder), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    return {"folder": folder, "census": census, "db": db, "secrets": secrets}


def listed(output: str) -> dict[int, list[str]]:
    """The listing's rows by line number: [field, check, value] (columns are separated by
    two spaces or more)."""
    rows = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip(), maxsplit=3)
        if cells[0].isdigit():
            rows[int(cells[0])] = [*cells[1:], ""][:3]
    return rows


def test_quarantine_lists_rows_by_file_line_field_check_with_identifiers_masked(
    borough: dict[str, object],
) -> None:
    db, census = str(borough["db"]), borough["census"]
    result = runner.invoke(app, ["quarantine", "--db", db])
    assert result.exit_code == 0, result.output
    assert f"{census}  (census, run " in result.output
    rows = listed(result.output)
    for line in IDACI_LINES:
        assert rows[line] == ["idaci_score", "not_a_number", "abc"]
    assert rows[UPN_LINE][:2] == ["upn", "upn_check_letter"]
    assert rows[DOB_LINE][0] == "date_of_birth" and rows[DOB_LINE][1].startswith("not_a_date")
    assert rows[UPN_LINE][2] == rows[DOB_LINE][2] == "<masked>"
    malformed = ["(row)", "wrong_field_count: 20 fields, header has 19", "<masked>"]
    assert rows[MALFORMED_LINE] == malformed
    for secret in borough["secrets"].values():  # type: ignore[attr-defined]
        assert secret not in result.output


def test_quarantine_filters_by_file_and_run_and_names_what_exists(
    borough: dict[str, object],
) -> None:
    db, census = str(borough["db"]), borough["census"]
    by_name = runner.invoke(app, ["quarantine", "--db", db, "--file", "census.csv"])
    by_path = runner.invoke(app, ["quarantine", "--db", db, "--file", str(census)])
    assert by_name.exit_code == by_path.exit_code == 0
    assert by_name.output == by_path.output and set(listed(by_name.output)) >= {4, 6, 8, 9}
    run = re.search(r"\(census, run (\w+),", by_name.output)
    assert run is not None
    by_run = runner.invoke(app, ["quarantine", "--db", db, "--run", run[1][:4]])
    assert by_run.exit_code == 0 and listed(by_run.output) == listed(by_name.output)
    other = runner.invoke(app, ["quarantine", "--db", db, "--file", "ks2.csv"])
    assert other.exit_code == 1 and "files with quarantined rows:" in other.output
    assert str(census) in other.output.replace("\n", "")
    unknown = runner.invoke(app, ["quarantine", "--db", db, "--run", "zzzz"])
    assert unknown.exit_code == 1 and f"runs: {run[1][:8]}" in unknown.output


def test_validate_prints_per_check_the_column_count_and_first_lines(
    borough: dict[str, object], tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            str(borough["census"]),
            "--kind",
            "census",
            "--census-date",
            "2025-10-02",
            "--reports",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    said = [" ".join(line.split()) for line in result.output.splitlines()]
    assert "not_a_number idaci_score 3 line(s) 4, 9, 17" in said
    assert f"upn_check_letter upn 1 line(s) {UPN_LINE}" in said
    assert f"not_a_date date_of_birth 1 line(s) {DOB_LINE}" in said
    assert any(re.match(rf"\S+ \(row\) 1 line\(s\) {MALFORMED_LINE}$", s) for s in said)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("Oak\nFake line 2", "'Oak\\nFake line 2'"),
        ("\r=1+1", "'\\r=1+1'"),
        ("\x1b[31mpwn\x1b[0m", "'\\x1b[31mpwn\\x1b[0m'"),
        ("Oak\u202eloohcS", "'Oak\\u202eloohcS'"),
        ("Sm\u200bith", "'Sm\\u200bith'"),
        ("Ysgol Gymraeg Ffôr-Cŵn", "Ysgol Gymraeg Ffôr-Cŵn"),
        ("=HYPERLINK(1)", "=HYPERLINK(1)"),
    ],
)
def test_a_value_a_terminal_would_act_on_is_listed_escaped_on_one_line(
    value: str, shown: str
) -> None:
    assert shown_value("school_name", value) == shown
    assert shown_value("legal_surname", value) == "<masked>"


def test_validate_keeps_its_columns_aligned_when_a_check_names_several_fields() -> None:
    from cli.validate import check_lines
    from pipeline.load.check import CheckLines, FileCheck

    check = FileCheck(
        "census",
        "census.csv",
        rows_read=10,
        rows_accepted=8,
        rows_quarantined=2,
        by_check=(
            CheckLines("dob_nc_year_mismatch", "date_of_birth, nc_year, census_date", 1, (4,)),
            CheckLines("not_a_number", "idaci_score", 1, (9,)),
        ),
    )
    lines = check_lines(check)
    assert len({line.index("line(s)") for line in lines}) == 1, lines
    assert lines[1].split() == ["not_a_number", "idaci_score", "1", "line(s)", "9"]
