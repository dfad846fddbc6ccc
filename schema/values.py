"""A field's value as typed on the command line, checked like an input value.

Used by corrections (``pipeline.rights.corrections``, ``pupilstats correct``) when they are
made and by the store when it re-applies them after a reload (``pipeline.store.upkeep``):
the same type, code-set, range and form checks as the input schema (``schema.inputs``,
``schema.forms``). It needs
nothing but a column's definition, so it lives here, below both of its users.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from schema.errors import PupilstatsError
from schema.inputs import Column


def parsed_value(column: Column, text: str) -> object:
    """``text`` as a value of ``column``, checked like an input value (blank = none).

    A text value loses only surrounding spaces and must then have the column's form
    (``schema.forms``), so ``=HYPERLINK(...)`` or a leading tab is refused, naming the field
    and the check it fails.
    """
    dtype = column.dtype if isinstance(column.dtype, type) else type(column.dtype)
    text = text.strip(" ") if dtype is pl.Utf8 else text.strip()
    if not text:
        if column.required:
            raise PupilstatsError(f"{column.name} is required: it cannot be blank")
        return None
    if column.form is not None and not column.form.matches(text):
        raise PupilstatsError(
            f"{column.name} fails the {column.form.reason} check: it must be "
            f"{column.form.description}"
        )
    try:
        if dtype is pl.Date:
            value: object = date.fromisoformat(text)
        elif dtype is pl.Boolean:
            if text.upper() not in ("Y", "N"):
                raise ValueError
            value = text.upper() == "Y"
        elif dtype is pl.Int64:
            value = int(text)
        elif dtype is pl.Float64:
            value = float(text)
        else:
            value = text
    except ValueError:
        raise PupilstatsError(f"{text!r} is not a valid {column.name}") from None
    if column.codes is not None and value not in column.codes:
        raise PupilstatsError(f"{text!r} is not a code of {column.name}: {', '.join(column.codes)}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if column.minimum is not None and value < column.minimum:
            raise PupilstatsError(f"{column.name} must be at least {column.minimum}")
        if column.maximum is not None and value > column.maximum:
            raise PupilstatsError(f"{column.name} must be at most {column.maximum}")
    return value
