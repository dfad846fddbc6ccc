"""A validation result with every pupil value taken out: fit for Data Docs.

GX's COMPLETE result lists the unexpected values (UPNs, dates of birth, names) and the rows
they sit on. Data Docs are meant to be opened and shared, so the copy rendered there keeps
only counts and shares (element count, unexpected count and percent, missing count) and the
expectation's configuration, which holds code sets and limits but no pupil data. The rows
themselves are in the store's quarantine table.
"""

from __future__ import annotations

import copy
from typing import Any

KEPT_RESULT_KEYS: frozenset[str] = frozenset(
    {
        "element_count",
        "missing_count",
        "missing_percent",
        "unexpected_count",
        "unexpected_percent",
        "unexpected_percent_total",
        "unexpected_percent_nonmissing",
    }
)
"""Result entries that are counts or shares, never values."""


def redacted(validation: Any) -> Any:
    """A deep copy of a GX ``ExpectationSuiteValidationResult`` holding counts only.

    Every per-expectation ``result`` keeps only ``KEPT_RESULT_KEYS`` (the unexpected value
    and index lists are emptied, not removed, so GX's renderers find what they look for),
    and exception messages, which may quote a value, are replaced by a fixed sentence.
    """
    originals = [(r.result, r.exception_info) for r in validation.results]
    try:
        for result in validation.results:  # strip first, so the big lists are never copied
            result.result = _counts_only(result.result or {})
            result.exception_info = _without_messages(result.exception_info)
        return copy.deepcopy(validation)
    finally:
        for result, (details, info) in zip(validation.results, originals, strict=True):
            result.result, result.exception_info = details, info


def _counts_only(details: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in details.items() if k in KEPT_RESULT_KEYS}
    if "unexpected_count" in kept:
        kept["partial_unexpected_list"] = []
        kept["partial_unexpected_counts"] = []
    return kept


def _without_messages(info: Any) -> Any:
    """``exception_info`` (flat, or nested per metric) with messages and tracebacks blanked."""
    if not isinstance(info, dict):
        return info
    if "raised_exception" in info:
        return {
            "raised_exception": info["raised_exception"],
            "exception_message": (
                "the expectation could not be evaluated" if info["raised_exception"] else None
            ),
            "exception_traceback": None,
        }
    return {key: _without_messages(value) for key, value in info.items()}
