"""The one Great Expectations context of the process and how a frame is validated in it.

GX Core 1.24 has no polars engine and its DuckDB (SQLAlchemy) path is broken, so a typed
polars frame is converted to pandas and validated through an in-memory pandas data source:
one data source, one data-frame asset per input, one whole-frame batch definition each.
Importing GX takes seconds, so it happens here, on first use, never at module import.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

import polars as pl

from schema.inputs import LINE

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.data_context import AbstractDataContext

DATA_SOURCE = "pupilstats_frames"
BATCH_DEFINITION = "whole_frame"

GX_LOCK = threading.RLock()
"""GX contexts and execution engines are not made for concurrent use: a Prefect thread pool
may validate several inputs at once, so GX work is serialised here."""

RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": [LINE],
    "return_unexpected_index_query": False,
}
"""COMPLETE results list every unexpected row, identified by its source line."""


def gx_context() -> AbstractDataContext:
    """The process's ephemeral GX context (analytics and progress bars off)."""
    with GX_LOCK:
        return _create_context()


@cache
def _create_context() -> AbstractDataContext:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX sets this module's logger to INFO on import, so every run would print where its
    # ephemeral docs site went (a temporary folder nobody needs); the Data Docs pupilstats
    # writes are named by the command that runs them
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.data_sources.add_pandas(DATA_SOURCE)
    return context


@cache
def _batch_definition(input_name: str) -> Any:
    source = gx_context().data_sources.get(DATA_SOURCE)
    asset = source.add_dataframe_asset(input_name)
    return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)


def validate_frame(
    frame: pl.DataFrame, input_name: str, suite: ExpectationSuite
) -> ExpectationSuiteValidationResult:
    """Run ``suite`` on ``frame`` (converted to pandas) and return GX's COMPLETE result."""
    data = frame.to_pandas()
    with GX_LOCK:
        batch = _batch_definition(input_name).get_batch(batch_parameters={"dataframe": data})
        return batch.validate(suite, result_format=RESULT_FORMAT)
