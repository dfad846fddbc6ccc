"""What validating one input frame produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass(frozen=True)
class ValidationOutcome:
    """The rows accepted, the rows quarantined and whether the batch as a whole failed.

    Every input row is either in ``accepted`` or (once per failed expectation) in
    ``quarantined``, never both: ``len(accepted) + quarantined["_line"].n_unique()`` is the
    number of rows validated.
    """

    input: str
    file: str | None
    accepted: pl.DataFrame
    """Rows that passed every row-level expectation: the input's columns and ``_line``."""
    quarantined: pl.DataFrame
    """One row per (input row, failed expectation): ``_line, upn, field, value, expectation``."""
    batch_failures: list[str] = field(default_factory=list)
    """Why the whole file must be rejected (empty when it may be committed)."""
    statistics: dict[str, Any] = field(default_factory=dict)
    """Rows read, accepted and quarantined, quarantined rows by reason, temporary UPNs
    accepted, expectations run, failed, and the seconds taken."""
    suite: Any = None
    """The GX ``ExpectationSuite`` the rows were validated with."""
    docs_result: Any = None
    """The GX validation result with every pupil value removed (``expectations.redaction``):
    what Data Docs render."""

    @property
    def ok(self) -> bool:
        """True when no batch-level expectation failed."""
        return not self.batch_failures
