"""The suites are built from the schema: every rule of every column is an expectation."""

from __future__ import annotations

import pytest

from expectations import reasons
from expectations.suites import build_suite
from schema.inputs import INPUTS


def rules(input_name: str, *, check_census: bool = True) -> set[tuple[str, str, tuple[str, ...]]]:
    """(expectation type, reason or batch code, fields) of every expectation of a suite."""
    found = set()
    for expectation in build_suite(input_name, check_census=check_census).expectations:
        meta = expectation.meta or {}
        code = meta.get("reason") or meta["batch"]
        found.add((expectation.expectation_type, code, tuple(meta["fields"])))
    return found


@pytest.mark.parametrize("input_name", list(INPUTS))
def test_every_schema_rule_has_an_expectation(input_name: str) -> None:
    schema = INPUTS[input_name]
    suite_rules = rules(input_name)
    for column in schema.columns:
        name = column.name
        if column.required:
            assert ("expect_column_to_exist", "missing_column", (name,)) in suite_rules
            assert (
                "expect_column_values_to_not_be_null",
                "missing_required",
                (name,),
            ) in suite_rules
        if column.codes:
            assert (
                "expect_column_values_to_be_in_set",
                "code_not_in_set",
                (name,),
            ) in suite_rules
        if column.minimum is not None or column.maximum is not None:
            assert ("expect_column_values_to_be_between", "out_of_range", (name,)) in suite_rules
    assert any(code == "duplicate_key" and fields == schema.key for _, code, fields in suite_rules)


@pytest.mark.parametrize("input_name", list(INPUTS))
def test_every_expectation_names_a_known_reason(input_name: str) -> None:
    for expectation in build_suite(input_name).expectations:
        meta = expectation.meta or {}
        assert meta.get("reason") in reasons.ROW_REASONS or meta.get("batch") == "missing_column"


def test_upn_rules_apply_to_every_input_with_a_upn() -> None:
    for name, schema in INPUTS.items():
        upn_reasons = {code for _, code, f in rules(name) if f == ("upn",)}
        if "upn" in schema.column_names:
            assert {"upn_malformed", "upn_check_letter"} <= upn_reasons
        else:
            assert not upn_reasons


def test_input_specific_rules() -> None:
    census = {code for _, code, _ in rules("census")}
    assert {"duplicate_upn", "dob_nc_year_mismatch"} <= census
    assert "absence_exceeds_possible" in {code for _, code, _ in rules("absence")}
    for name in ("ks2", "ks4", "absence", "ncmp", "consent"):
        assert "unknown_pupil" in {code for _, code, _ in rules(name)}
        assert "unknown_pupil" not in {code for _, code, _ in rules(name, check_census=False)}
    assert "unknown_pupil" not in {code for _, code, _ in rules("census")}


def test_suites_are_built_once_per_process() -> None:
    assert build_suite("census") is build_suite("census")
