"""Reading a DfE Common Transfer File (CTF) as census rows.

A CTF is the XML file school systems export when a pupil moves school (DfE *Common transfer
file specification*, CTF 15 to CTF 24: ``CTfile`` > ``Header`` + ``CTFpupilData`` >
``Pupil``). pupilstats reads the census items it uses from each ``<Pupil>``:

============================  ==============================================================
census column                 CTF element (under ``Pupil`` unless stated)
============================  ==============================================================
``census_date``               not in a CTF: the run's census date, else the date of
                              ``Header/DateTime``
``upn``                       ``UPN``
``laestab``, ``urn``          ``Header/SourceSchool/LEA`` + ``Estab``; ``.../URN``
``legal_surname``             ``Surname``
``forename``                  ``Forename``
``date_of_birth``             ``DOB``
``sex``                       ``Sex`` (``Gender`` in CTFs before the item was renamed)
``postcode``                  ``Address/PostCode`` (any ``PostCode`` under ``Address``)
``nc_year``                   ``BasicDetails/NCyearActual``
``enrolment_status``          ``BasicDetails/EnrolStatus`` when present, else ``C`` (a CTF
                              lists pupils on the source school's roll)
``ethnicity``                 ``BasicDetails/Ethnicity``
``first_language``            ``BasicDetails/Languages/Type`` with ``LanguageType`` ``F``:
                              ``ENG``/``ENB``/``OTB``/``NOT`` kept, ``REF`` (refused) read as
                              ``NOT``, any other language code summarised as ``OTH``
``fsm_eligible``              ``FSMhistory/FSMinstance`` (``FSMstartDate``, ``FSMendDate``)
                              covering the census date
``fsm6``                      an ``FSMinstance`` overlapping the six years to the census date
``sen_provision``             ``SENhistory/SEN/SENprovision`` of the latest ``StartDate`` on
                              or before the census date; ``N`` when there is none
``ward_code``, ``lsoa_code``  not in a CTF: looked up from the postcode in the council's
``idaci_score``               postcode geography (``postcode, ward_code, lsoa_code,
                              idaci_score``), blank (and so quarantined) without one
============================  ==============================================================

Element names follow the published CTF specifications as closely as could be checked; a
name not found leaves the item blank, and the census suite then quarantines the row, so
nothing is guessed silently. CTF instance documents carry no XML namespace (CTF 10 used
``http://www.dcsf.gov.uk/schemas/cbds``, also accepted); a root in any other namespace, an
undeclared namespace prefix, malformed XML, a DTD or entity declaration (``defusedxml``
refuses them: entity expansion and external references are attacks, not data) or a file
with no ``<Pupil>`` is an ``InputFileError``. Each row's line is the line of its
``<Pupil>`` tag.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from schema.errors import InputFileError
from schema.inputs import CENSUS, LINE

CTF_NAMESPACES: frozenset[str] = frozenset({"", "http://www.dcsf.gov.uk/schemas/cbds"})
"""Namespaces a CTF root may be in: none (current CTFs) or CTF 10's CBDS namespace."""
ROOT = "CTfile"
SUMMARY_LANGUAGES = {"ENG": "ENG", "ENB": "ENB", "OTB": "OTB", "NOT": "NOT", "REF": "NOT"}
"""First-language codes kept as they are; every other (a specific language) becomes OTH."""
GEOGRAPHY_COLUMNS = ("ward_code", "lsoa_code", "idaci_score")
EVER_6_YEARS = 6


class _LineTreeBuilder(TreeBuilder):
    """A tree builder that remembers the source line of each element's start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.current_line: Callable[[], int] = lambda: 0

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.current_line()
        return element


def _parse(path: Path) -> tuple[Element, dict[int, int]]:
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.current_line = lambda: parser.parser.CurrentLineNumber
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                parser.feed(block)
        root = parser.close()
    except ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        if "unbound prefix" in message:
            message = "a namespace prefix is used but never declared (missing xmlns)"
        raise InputFileError(
            path, f"not well-formed XML at line {line}, column {column}: {message}"
        ) from None
    except DefusedXmlException as error:
        raise InputFileError(
            path, f"refused: the XML declares a DTD or entities ({type(error).__name__})"
        ) from None
    return root, builder.lines


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _check_root(path: Path, root: Element) -> str:
    namespace, local = _split(root.tag)
    if local != ROOT:
        raise InputFileError(path, f"not a Common Transfer File: the root element is <{local}>")
    if namespace not in CTF_NAMESPACES:
        raise InputFileError(
            path,
            f"not a Common Transfer File: the root is in namespace {namespace!r} "
            "(a CTF has none, or CTF 10's http://www.dcsf.gov.uk/schemas/cbds)",
        )
    return namespace


class _Reader:
    """Finds elements by local path in the CTF's namespace."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"{{{namespace}}}" if namespace else ""

    def path(self, *names: str) -> str:
        return "/".join(self.prefix + n for n in names)

    def text(self, element: Element | None, *names: str) -> str:
        if element is None:
            return ""
        found = element.find(self.path(*names))
        return (found.text or "").strip() if found is not None else ""

    def all(self, element: Element | None, *names: str) -> list[Element]:
        return [] if element is None else element.findall(self.path(*names))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _first_language(ctf: _Reader, details: Element | None) -> str:
    for entry in ctf.all(details, "Languages", "Type"):
        if ctf.text(entry, "LanguageType").upper() == "F":
            code = ctf.text(entry, "Language").upper()
            return SUMMARY_LANGUAGES.get(code, "OTH") if code else ""
    return ""


def _fsm(ctf: _Reader, pupil: Element, census_date: date) -> tuple[str, str]:
    """(``fsm_eligible``, ``fsm6``) as Y/N; blank when an instance's dates are unreadable."""
    six_years_before = census_date.replace(year=census_date.year - EVER_6_YEARS)
    eligible = ever_6 = False
    for instance in ctf.all(pupil, "FSMhistory", "FSMinstance"):
        start = _date(ctf.text(instance, "FSMstartDate"))
        end_text = ctf.text(instance, "FSMendDate")
        end = _date(end_text)
        if start is None or (end_text and end is None):
            return "", ""
        if start <= census_date and (end is None or end >= census_date):
            eligible = True
        if start <= census_date and (end is None or end >= six_years_before):
            ever_6 = True
    return ("Y" if eligible else "N"), ("Y" if ever_6 or eligible else "N")


def _sen_provision(ctf: _Reader, pupil: Element, census_date: date) -> str:
    current: tuple[date, str] | None = None
    for record in ctf.all(pupil, "SENhistory", "SEN"):
        start = _date(ctf.text(record, "StartDate")) or date.min
        provision = ctf.text(record, "SENprovision")
        if start <= census_date and (current is None or start >= current[0]):
            current = (start, provision)
    return current[1] if current else "N"


def _postcode(ctf: _Reader, pupil: Element) -> str:
    for address in ctf.all(pupil, "Address"):
        found = address.find(f".//{ctf.prefix}PostCode")
        if found is not None and (found.text or "").strip():
            return found.text.strip()
    return ""


def _pupil_row(
    ctf: _Reader, pupil: Element, school: dict[str, str], census_date: date
) -> dict[str, Any]:
    details = pupil.find(ctf.path("BasicDetails"))
    fsm, fsm6 = _fsm(ctf, pupil, census_date)
    return {
        "census_date": census_date.isoformat(),
        "upn": ctf.text(pupil, "UPN"),
        "laestab": school["laestab"],
        "urn": school["urn"],
        "legal_surname": ctf.text(pupil, "Surname"),
        "forename": ctf.text(pupil, "Forename"),
        "date_of_birth": ctf.text(pupil, "DOB"),
        "sex": ctf.text(pupil, "Sex") or ctf.text(pupil, "Gender"),
        "postcode": _postcode(ctf, pupil),
        "ward_code": "",
        "lsoa_code": "",
        "nc_year": ctf.text(details, "NCyearActual"),
        "enrolment_status": ctf.text(details, "EnrolStatus") or "C",
        "ethnicity": ctf.text(details, "Ethnicity"),
        "first_language": _first_language(ctf, details),
        "fsm_eligible": fsm,
        "fsm6": fsm6,
        "sen_provision": _sen_provision(ctf, pupil, census_date),
        "idaci_score": "",
    }


def _with_geography(rows: pl.DataFrame, geography: pl.DataFrame | None) -> pl.DataFrame:
    """Fill ward, LSOA and IDACI score from the postcode (spaces and case ignored)."""
    if geography is None or rows.is_empty():
        return rows
    key = pl.col("postcode").str.replace_all(" ", "").str.to_uppercase().alias("_postcode_key")
    lookup = geography.select(key, *[pl.col(c).cast(pl.Utf8) for c in GEOGRAPHY_COLUMNS]).unique(
        "_postcode_key", keep="first"
    )
    joined = (
        rows.drop(*GEOGRAPHY_COLUMNS).with_columns(key).join(lookup, on="_postcode_key", how="left")
    )
    return joined.drop("_postcode_key").with_columns(
        pl.col(c).fill_null("") for c in GEOGRAPHY_COLUMNS
    )


def read_ctf(
    path: Path, *, census_date: date | None = None, geography: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The census rows of a CTF as text (one per ``<Pupil>``) with the line of each.

    ``census_date`` is the run's census date (a CTF has none: the date of its
    ``Header/DateTime`` otherwise). ``geography`` (``postcode, ward_code, lsoa_code,
    idaci_score``) fills the items a CTF does not carry.
    """
    path = Path(path)
    root, lines = _parse(path)
    ctf = _Reader(_check_root(path, root))
    header = root.find(ctf.path("Header"))
    if census_date is None:
        census_date = _date(ctf.text(header, "DateTime"))
        if census_date is None:
            raise InputFileError(
                path, "the CTF header has no readable DateTime: give the census date"
            )
    source = header.find(ctf.path("SourceSchool")) if header is not None else None
    school = {
        "laestab": ctf.text(source, "LEA") + ctf.text(source, "Estab"),
        "urn": ctf.text(source, "URN"),
    }
    pupils = ctf.all(root, "CTFpupilData", "Pupil")
    if not pupils:
        raise InputFileError(path, "the CTF holds no <CTFpupilData>/<Pupil> elements")
    rows = [_pupil_row(ctf, p, school, census_date) for p in pupils]
    frame = pl.DataFrame(rows, schema={c: pl.Utf8 for c in CENSUS.column_names})
    frame = frame.with_columns(
        pl.Series(LINE, [lines.get(id(p), 0) for p in pupils], dtype=pl.Int64)
    )
    return _with_geography(frame, geography).select(*CENSUS.column_names, LINE)
