"""The performance measures against values computed by hand on a tiny handcrafted store.

Two primary schools (P1 with 8 KS2 pupils, one of them opted out; P2 with 4) and a
secondary school (S with 7 KS4 pupils), the 2025/26 census, KS2, KS4 and absence rows, one
KS2 row of a pupil on no census, and one KS2 pupil in 2024/25 so that two years exist.
Every expected figure below is worked out in the comments from the rows listed here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from stdnum.gb import upn as stdnum_upn

from disclosure import Table
from pipeline.profiles import load_profile
from pipeline.releases.nightly_performance import (
    performance_populations,
    protect_populations,
    release_years,
)
from pipeline.releases.nightly_performance.means import published_means
from pipeline.releases.nightly_performance.measures import ABSENCE, BREAKDOWNS, KS2, KS4, Breakdown
from pipeline.releases.nightly_performance.pupils import counted_pupils, exclusions
from pipeline.releases.nightly_performance.requests import requested_cells
from pipeline.releases.nightly_performance.tables import Population
from pipeline.rights.consent_register import Instruction, record_instruction
from pipeline.store import open_store
from schema.errors import PupilstatsError
from schema.inputs import ABSENCE as ABSENCE_INPUT
from schema.inputs import CENSUS, SCHOOLS
from schema.inputs import KS2 as KS2_INPUT
from schema.inputs import KS4 as KS4_INPUT

CENSUS_2025 = date(2025, 10, 2)
CENSUS_2024 = date(2024, 10, 3)
P1, P2, S = "3590001", "3590002", "3590003"
BY = {b.name: b for b in BREAKDOWNS}


def upn(serial: int) -> str:
    body = f"359000110{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


# name: (school, nc_year, sex, fsm6, sen, first_language, ethnicity)
PUPILS: dict[str, tuple[str, str, str, bool, str, str, str]] = {
    "p1": (P1, "6", "F", True, "N", "ENG", "WBRI"),
    "p2": (P1, "6", "F", False, "N", "ENG", "WBRI"),
    "p3": (P1, "6", "M", True, "K", "OTH", "APKN"),
    "p4": (P1, "6", "M", False, "N", "ENG", "WBRI"),
    "p5": (P1, "6", "F", False, "E", "ENG", "BAFR"),
    "p6": (P1, "6", "M", False, "N", "OTB", "CHNE"),
    "p7": (P1, "6", "F", True, "N", "ENG", "MWBC"),
    "p8": (P1, "6", "M", False, "N", "ENG", "WBRI"),  # research opt-out
    "q1": (P2, "6", "F", False, "N", "ENG", "WBRI"),
    "q2": (P2, "6", "M", True, "N", "ENG", "WBRI"),
    "q3": (P2, "6", "F", False, "N", "ENG", "WIRI"),
    "q4": (P2, "6", "M", False, "K", "ENG", "WBRI"),
    **{f"k{i}": (S, "11", "F" if i % 2 else "M", False, "N", "ENG", "WBRI") for i in range(1, 9)},
}
UPNS = {name: upn(i) for i, name in enumerate(PUPILS, start=1)}
STRANGER = upn(99)
LAST_YEAR_PUPIL = upn(98)

# name: (reading, reading code, maths, maths code, writing)
KS2_ROWS: dict[str, tuple[int | None, str | None, int | None, str | None, str]] = {
    "p1": (105, None, 110, None, "EXS"),  # met
    "p2": (100, None, 100, None, "GDS"),  # met (exactly 100 counts)
    "p3": (99, None, 104, None, "EXS"),  # reading below 100
    "p4": (110, None, 95, None, "EXS"),  # maths below 100
    "p5": (None, "B", None, "B", "WTS"),  # working below the test standard
    "p6": (101, None, 102, None, "WTS"),  # writing not at the expected standard
    "p7": (120, None, 118, None, "GDS"),  # met
    "p8": (102, None, 100, None, "EXS"),  # met, but opted out: not counted
    "q1": (100, None, 100, None, "EXS"),  # met
    "q2": (90, None, 92, None, "WTS"),
    "q3": (108, None, 107, None, "EXS"),  # met
    "q4": (103, None, None, "A", "EXS"),  # absent from maths
}
# name: (attainment 8, progress 8, English grade, maths grade)
KS4_ROWS: dict[str, tuple[float, float | None, int, int]] = {
    "k1": (50.5, 0.25, 5, 6),  # met
    "k2": (40.0, -0.5, 4, 5),
    "k3": (62.0, 1.10, 7, 7),  # met
    "k4": (30.5, None, 3, 2),  # no prior attainment: no Progress 8
    "k5": (45.0, 0.05, 5, 5),  # met
    "k6": (55.0, 0.60, 6, 4),
    "k7": (48.0, -0.20, 5, 5),  # met
    "k8": (80.0, 2.00, 9, 9),  # opted out
}
# name: (possible, authorised, unauthorised)
ABSENCE_ROWS: dict[str, tuple[int, int, int]] = {
    "p1": (300, 10, 5),  # 5%
    "p2": (300, 20, 10),  # exactly 10%: persistently absent
    "p3": (200, 0, 0),
    "p4": (310, 40, 2),  # 13.5%: persistently absent
    "p5": (0, 0, 0),  # no possible session: not in the cohort
    "p8": (300, 90, 0),  # opted out
}
OPTED_OUT = ("p8", "k8")


def census_row(name: str, census_date: date = CENSUS_2025) -> dict[str, object]:
    school, nc_year, sex, fsm6, sen, language, ethnicity = PUPILS[name]
    row: dict[str, object] = dict.fromkeys(CENSUS.column_names)
    row.update(
        census_date=census_date,
        upn=UPNS.get(name, name),
        laestab=school,
        urn="100001",
        legal_surname="Testpupil",
        forename="Alex",
        date_of_birth=date(2014, 3, 1) if nc_year == "6" else date(2009, 3, 1),
        sex=sex,
        postcode="WN1 1AA",
        ward_code="E05000001",
        lsoa_code="E01000001",
        nc_year=nc_year,
        enrolment_status="C",
        ethnicity=ethnicity,
        first_language=language,
        fsm_eligible=fsm6,
        fsm6=fsm6,
        sen_provision=sen,
        idaci_score=0.1,
    )
    return row


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    schema = {
        "census": CENSUS,
        "ks2": KS2_INPUT,
        "ks4": KS4_INPUT,
        "absence": ABSENCE_INPUT,
        "schools": SCHOOLS,
    }[table]
    frame = pl.DataFrame(rows, schema=schema.polars_schema())
    con.register("new_rows", frame.to_arrow())
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM new_rows")
    con.unregister("new_rows")


def build_store(path: Path) -> None:
    with open_store(path) as con:
        insert(
            con,
            "schools",
            [
                {
                    "laestab": code,
                    "urn": f"10000{i}",
                    "school_name": f"School {i}",
                    "phase": phase,
                    "ward_code": "E05000001",
                    "ward_name": "Ward",
                }
                for i, (code, phase) in enumerate(
                    [(P1, "primary"), (P2, "primary"), (S, "secondary")], start=1
                )
            ],
        )
        last_year = census_row("q1", CENSUS_2024) | {"upn": LAST_YEAR_PUPIL}
        insert(con, "census", [census_row(n) for n in PUPILS] + [last_year])
        ks2 = [
            {
                "academic_year": "2025/26",
                "upn": UPNS[n],
                "laestab": PUPILS[n][0],
                "reading_score": r,
                "reading_code": rc,
                "maths_score": m,
                "maths_code": mc,
                "writing_ta": w,
            }
            for n, (r, rc, m, mc, w) in KS2_ROWS.items()
        ]
        ks2.append(
            {
                "academic_year": "2025/26",
                "upn": STRANGER,
                "laestab": P1,
                "reading_score": 110,
                "reading_code": None,
                "maths_score": 110,
                "maths_code": None,
                "writing_ta": "EXS",
            }
        )
        ks2.append(
            {
                "academic_year": "2024/25",
                "upn": LAST_YEAR_PUPIL,
                "laestab": P2,
                "reading_score": 95,
                "reading_code": None,
                "maths_score": 96,
                "maths_code": None,
                "writing_ta": "EXS",
            }
        )
        insert(con, "ks2", ks2)
        insert(
            con,
            "ks4",
            [
                {
                    "academic_year": "2025/26",
                    "upn": UPNS[n],
                    "laestab": S,
                    "attainment8": a8,
                    "progress8": p8,
                    "english_grade": e,
                    "maths_grade": m,
                }
                for n, (a8, p8, e, m) in KS4_ROWS.items()
            ],
        )
        insert(
            con,
            "absence",
            [
                {
                    "academic_year": "2025/26",
                    "upn": UPNS[n],
                    "laestab": PUPILS[n][0],
                    "possible_sessions": p,
                    "authorised_absence": a,
                    "unauthorised_absence": u,
                }
                for n, (p, a, u) in ABSENCE_ROWS.items()
            ],
        )
        for name in OPTED_OUT:
            on = date(2025, 9, 1)
            record_instruction(
                con, Instruction(UPNS[name], "research_opt_out", "parent", on, on, f"T-{name}")
            )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("performance") / "store.duckdb"
    build_store(path)
    return path


@pytest.fixture(scope="module")
def populations(store: Path) -> Iterator[dict[str, Population]]:
    with open_store(store) as con:
        found = performance_populations(con, release_years(con))
    yield {p.key: p for p in found}


def cell(table: Table, **codes: str) -> int:
    """The count of the cell at ``codes`` (omitted dimensions at their total)."""
    position = tuple(d.position[codes.get(d.name, d.total)] for d in table.dimensions)
    return int(table.values[position])


def sums_row(population: Population, breakdown: Breakdown, **codes: str) -> dict[str, object]:
    table = population.table_for(breakdown)
    frame = population.sums[table.name]
    for name in ("school", breakdown.name):
        frame = frame.filter(pl.col(name) == codes.get(name, "Total"))
    assert frame.height == 1
    return frame.row(0, named=True)


def test_release_years_are_the_years_with_results_and_a_census(store: Path) -> None:
    with open_store(store) as con:
        assert release_years(con) == ["2024/25", "2025/26"]
        assert release_years(con, "2024/25") == ["2024/25"]
        with pytest.raises(PupilstatsError, match="2023/24"):
            release_years(con, "2023/24")
        with pytest.raises(PupilstatsError, match="2025/26"):
            release_years(con, "2025-26")


def test_ks2_expected_standard_counts(populations: dict[str, Population]) -> None:
    ks2 = populations["ks2_2025-26"]
    sex = ks2.table_for(BY["sex"])
    # counted: p1-p7 at P1 (p8 opted out, the stranger on no census), q1-q4 at P2
    assert cell(sex) == 11
    assert cell(sex, outcome="met") == 5  # p1, p2, p7, q1, q3
    assert cell(sex, school=P1) == 7
    assert cell(sex, school=P1, outcome="met") == 3
    assert cell(sex, school=P2, outcome="met") == 2
    assert cell(sex, sex="M", outcome="met") == 0  # p3, p4, p6, q2, q4 all missed it
    assert cell(sex, sex="F") == 6
    disadvantaged = ks2.table_for(BY["disadvantaged"])
    assert cell(disadvantaged, disadvantaged="Y") == 4  # p1, p3, p7, q2
    assert cell(disadvantaged, disadvantaged="Y", outcome="met") == 2
    ethnic = ks2.table_for(BY["ethnic_group"])
    assert [d.name for d in ethnic.dimensions] == ["school", "ethnic_group", "outcome"]
    assert ethnic.dimensions[0].codes == ("Total",)  # LA level only
    assert cell(ethnic, ethnic_group="White") == 7  # p1, p2, p4, q1, q2, q3 (WIRI), q4
    assert cell(ethnic, ethnic_group="Asian") == 1  # p3
    sen = ks2.table_for(BY["sen_provision"])
    assert cell(sen, sen_provision="K") == 2  # p3, q4
    eal = ks2.table_for(BY["eal"])
    assert cell(eal, eal="Y") == 2  # p3 (OTH), p6 (OTB)


def test_ks2_average_scaled_scores(populations: dict[str, Population]) -> None:
    ks2 = populations["ks2_2025-26"]
    la = sums_row(ks2, BY["sex"])
    # reading: P1 105+100+99+110+101+120 = 635 over 6 (p5 has code B); P2 100+90+108+103 = 401
    assert la["average_reading_score__n"] == 10
    assert la["average_reading_score__sum"] == 1036
    # maths: P1 110+100+104+95+102+118 = 629 over 6; P2 100+92+107 = 299 (q4 absent)
    assert la["average_maths_score__n"] == 9
    assert la["average_maths_score__sum"] == 928
    p2 = sums_row(ks2, BY["sex"], school=P2)
    assert (p2["average_reading_score__n"], p2["average_reading_score__sum"]) == (4, 401)
    cohort = pl.DataFrame(
        {"school": ["Total", P2], "sex": ["Total", "Total"], "pupils": ["11", "4"]}
    )
    shown = published_means(
        cohort,
        ks2.sums[ks2.table_for(BY["sex"]).name],
        ["school", "sex"],
        "pupils",
        KS2.means,
        "c",
        3,
    )
    # 1036 / 10 = 103.6; 928 / 9 = 103.11; P2 reading 401 / 4 = 100.25 -> 100.3 (half up)
    assert shown["average_reading_score"].to_list() == ["103.6", "100.3"]
    assert shown["average_maths_score"].to_list() == ["103.1", "99.7"]


def test_ks4_measures(populations: dict[str, Population]) -> None:
    ks4 = populations["ks4_2025-26"]
    sex = ks4.table_for(BY["sex"])
    assert cell(sex) == 7  # k8 opted out
    assert cell(sex, outcome="met") == 4  # k1, k3, k5, k7
    assert cell(sex, sex="F", outcome="met") == 4
    la = sums_row(ks4, BY["sex"])
    # A8: 50.5 + 40 + 62 + 30.5 + 45 + 55 + 48 = 331 over 7 = 47.29
    assert (la["average_attainment8__n"], la["average_attainment8__sum"]) == (7, 331.0)
    # P8: 0.25 - 0.5 + 1.10 + 0.05 + 0.60 - 0.20 = 1.30 over 6 (k4 has none) = 0.22
    assert la["average_progress8__n"] == 6
    assert la["average_progress8__sum"] == pytest.approx(1.30)
    cohort = pl.DataFrame({"school": ["Total"], "sex": ["Total"], "pupils": ["7"]})
    shown = published_means(
        cohort, ks4.sums[sex.name], ["school", "sex"], "pupils", KS4.means, "c", 3
    )
    assert shown.row(0, named=True) == {
        "school": "Total",
        "sex": "Total",
        "pupils": "7",
        "average_attainment8": "47.3",
        "average_progress8": "0.22",
    }


def test_absence_measures(populations: dict[str, Population]) -> None:
    absence = populations["absence_2025-26"]
    sex = absence.table_for(BY["sex"])
    # p1-p4 (p5 had no possible session, p8 opted out)
    assert cell(sex) == 4
    assert cell(sex, outcome="met") == 2  # p2 (exactly 10%) and p4 (13.5%)
    la = sums_row(absence, BY["sex"])
    # sessions missed 15 + 30 + 0 + 42 = 87 of 300 + 300 + 200 + 310 = 1110: 7.84%
    assert la["overall_absence_rate__sum"] == 87
    assert la["overall_absence_rate__den"] == 1110
    cohort = pl.DataFrame({"school": ["Total"], "sex": ["Total"], "pupils": ["4"]})
    shown = published_means(
        cohort, absence.sums[sex.name], ["school", "sex"], "pupils", ABSENCE.means, "c", 3
    )
    assert shown["overall_absence_rate"].to_list() == ["7.8"]


def test_opt_outs_and_pupils_on_no_census_are_excluded(
    store: Path, populations: dict[str, Population]
) -> None:
    ks2 = populations["ks2_2025-26"].exclusions
    assert (ks2.rows, ks2.counted, ks2.opted_out, ks2.not_on_census) == (13, 11, 1, 1)
    assert ks2.not_on_census_eligible == 1  # the pupil on no census has no opt-out
    ks4 = populations["ks4_2025-26"].exclusions
    assert (ks4.rows, ks4.counted, ks4.opted_out) == (8, 7, 1)
    with open_store(store) as con:
        frame = counted_pupils(con, KS2, "2025/26")
    assert frame.height == 11
    assert "upn" not in frame.columns
    # the opted-out pupil's met result and the stranger's are nowhere in the tables
    assert cell(populations["ks2_2025-26"].table_for(BY["sex"]), school=P1, sex="M") == 3


def test_a_pupil_on_no_census_with_an_opt_out_leaves_the_reconciliation(
    store: Path, tmp_path: Path
) -> None:
    """The reader's reconciliation names rows of pupils not on roll only when they have no
    research opt-out in force at the census: the stranger's opt-out takes their row out."""
    copy = tmp_path / "store.duckdb"
    shutil.copy2(store, copy)
    shutil.copy2(f"{store}.rights-key", f"{copy}.rights-key")
    with open_store(copy) as con:
        # a delivered consent.csv row (the register command wants a census that holds them)
        con.execute(
            "INSERT INTO consent (upn, consent_type, recorded_by, recorded_on, "
            "effective_from, source_ref) VALUES (?, 'research_opt_out', 'parent', "
            "DATE '2025-09-01', DATE '2025-09-01', 'T-stranger')",
            [STRANGER],
        )
        ks2 = exclusions(con, KS2, "2025/26")
    assert (ks2.rows, ks2.counted, ks2.not_on_census) == (13, 11, 1)
    assert ks2.not_on_census_eligible == 0


def test_trend_year_is_its_own_population(populations: dict[str, Population]) -> None:
    last = populations["ks2_2024-25"]
    assert last.census_date == CENSUS_2024
    assert cell(last.table_for(BY["sex"])) == 1
    assert "ks4_2024-25" not in populations  # no KS4 rows that year


def test_school_cohorts_under_six_and_thin_means_are_requested(
    populations: dict[str, Population],
) -> None:
    ks2 = populations["ks2_2025-26"]
    table = ks2.table_for(BY["sex"])
    mask = requested_cells(table, ks2.sums[table.name], KS2, threshold=3)
    asked = table.cells.filter(pl.Series(mask))

    def asked_at(**codes: str) -> set[str]:
        rows = asked
        for name, code in codes.items():
            rows = rows.filter(pl.col(name) == code)
        return set(rows["outcome"].to_list())

    # P2's whole cohort is 4 (< 6): its cohort and both outcomes; likewise each sex group
    assert asked_at(school=P2, sex="Total") == {"Total", "met", "not_met"}
    assert asked_at(school=P2, sex="F") == {"Total", "met", "not_met"}
    # P1 (7 pupils) is not under the limit, its sex groups (4 F, 3 M) are
    assert asked_at(school=P1, sex="Total") == set()
    assert asked_at(school=P1, sex="M") == {"Total", "met", "not_met"}
    # the LA is never subject to the accountability limit
    assert asked_at(school="Total") == set()
    # KS2 LA-level SEN: E has 1 pupil (p5) with no scaled score, K 2 pupils of whom 1 has a
    # maths score (q4 was absent): both cohorts are requested, N's (8 pupils, 7 with scores) is not
    sen = ks2.table_for(BY["sen_provision"])
    sen_mask = requested_cells(sen, ks2.sums[sen.name], KS2, threshold=3)
    sen_asked = sen.cells.filter(pl.Series(sen_mask))
    assert sen_asked.select("sen_provision", "outcome").rows() == [("E", "Total"), ("K", "Total")]
    assert np.count_nonzero(sen_mask) == 2


def test_profile_catches_a_group_where_nobody_reaches_the_standard(
    populations: dict[str, Population],
) -> None:
    """None of the LA's 5 KS2 boys reached the expected standard: under the performance
    profile (group attribute rule, groups up to 10) that 0 is a primary suppression; under
    plain DfE rules (counts 1-2 only) it is no primary cell (in this tiny store it is hidden
    anyway, as a secondary). P2's whole cohort of 4 is suppressed either way."""
    ks2 = [populations["ks2_2025-26"]]
    name = "ks2_expected_sex_2025-26"

    def boys_met(profile_name: str) -> dict[str, object]:
        protection = protect_populations(ks2, load_profile(profile_name))
        assert protection.audit.passed
        frame = protection.tables[name]
        p2 = frame.filter((pl.col("school") == P2) & (pl.col("sex") == "Total"))
        assert set(p2["published"].to_list()) == {"c"}
        return frame.filter(
            (pl.col("school") == "Total") & (pl.col("sex") == "M") & (pl.col("outcome") == "met")
        ).row(0, named=True)

    strict = boys_met("dfe-performance")
    assert (strict["value"], strict["published"], strict["reason"]) == (0, "c", "group")
    plain = boys_met("dfe")
    assert plain["reason"] is None and plain["status"] != "primary"
