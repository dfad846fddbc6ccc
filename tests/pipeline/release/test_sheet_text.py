"""The release spreadsheet holds codes and place names as text: one gptables would read as
its own markup (a ``[shown](address)`` link, a ``$$note$$`` marker, a cell of symbols only)
is refused in one line naming the table, column and value, instead of becoming a live
hyperlink in release.xlsx or a ``ValueError`` traceback from gptables."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.release.places import School
from pipeline.release.sheet_text import sheet_refusal
from pipeline.release.spreadsheet import spreadsheet_bytes
from schema.errors import PupilstatsError
from tests.pipeline.release.test_reader_files import CONTEXT, PLACES, funding_like


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[click](javascript:alert(1))", "hyperlink"),
        ("Oak ![x](http://x.example/t.png)", "hyperlink"),
        ("Oak $$population$$", "note marker"),
        ('","', "no letter or digit"),
        ("-", "no letter or digit"),
        ("", "no letter or digit"),
    ],
)
def test_text_gptables_reads_as_markup_is_refused(text: str, why: str) -> None:
    assert why in str(sheet_refusal(text))


@pytest.mark.parametrize(
    "text",
    ["St Mary's C of E (Aided) Primary", "=1+1", "<script>alert(1)</script>", "R-6", "Zoë [c]"],
)
def test_other_text_is_held_as_text(text: str) -> None:
    assert sheet_refusal(text) is None


@pytest.mark.parametrize("name", ["[click](http://x.example)", '","'])
def test_a_school_name_the_sheet_cannot_hold_refuses_the_workbook_in_one_line(name: str) -> None:
    places = replace(PLACES, schools={**PLACES.schools, "3592002": School("100002", name)})
    with pytest.raises(PupilstatsError) as refused:
        spreadsheet_bytes([funding_like()], replace(CONTEXT, places=places))
    message = str(refused.value)
    assert message.startswith(f"funding_fsm: School name {name!r} cannot be written")
    assert "\n" not in message


def test_a_code_the_sheet_cannot_hold_refuses_the_workbook_in_one_line() -> None:
    table = funding_like()
    hostile = replace(table, cells=table.cells.with_columns(table.cells["fsm"].replace("Y", "-")))
    with pytest.raises(PupilstatsError, match=r"^funding_fsm: fsm '-' cannot be written"):
        spreadsheet_bytes([hostile], CONTEXT)
