"""What every file pupilstats writes must not hold, whatever reached it: the checks of the
hostile-input sweep, by kind of file.

* CSV (release tables, open-data files and their ``.meta.csv``, shares): every row as wide
  as its header (no quoting broken) and no cell a spreadsheet would evaluate
  (``pipeline.spreadsheet_cells``: a number or the nil dash may start with ``-``).
* Excel workbooks: no formula cell (text such as ``=1+1`` must be stored as text, which no
  spreadsheet evaluates).
* Markdown: no raw HTML tag or comment, no link or image of a payload, and every table row
  with as many cells as its header.
* HTML: no event-handler attribute, no ``javascript:`` link, no payload's script running.
* JSON: parses.

Each check returns the problems it found as ``"<file>: <what>"`` lines (none: the file is
clean), so one assertion can list every leak of a run.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from openpyxl import load_workbook

from pipeline.spreadsheet_cells import FORMULA_STARTS, SYMBOLS

NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
PAYLOAD_SCRIPT = 'alert("pwn")'
"""What the markup payloads run if they escape (``tests/data/hostile/payloads.toml``)."""


def evaluated_cell(cell: str) -> bool:
    """Whether a spreadsheet opening the CSV would evaluate ``cell`` as a formula."""
    return cell.startswith(FORMULA_STARTS) and cell not in SYMBOLS and not NUMBER.fullmatch(cell)


def csv_problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return []
    problems = []
    width = len(rows[0])
    for number, row in enumerate(rows, start=1):
        if row and len(row) != width:
            problems.append(f"{path}: record {number} has {len(row)} cells, its header {width}")
        problems += [
            f"{path}: record {number} cell {c!r} is a formula" for c in row if evaluated_cell(c)
        ]
    return problems


def workbook_problems(path: Path) -> list[str]:
    problems = []
    book = load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{path}: {sheet.title}!{cell.coordinate} {cell.value!r}")
    book.close()
    return problems


_RAW_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
_PAYLOAD_LINK = re.compile(r"(?<!\\)\]\(\s*(?:javascript:|http://x\.example)", re.IGNORECASE)
"""A link or image of a payload: ``](javascript:`` with the bracket not escaped."""
_UNESCAPED_BAR = re.compile(r"(?<!\\)\|")


def _code_spans_removed(line: str) -> str:
    return re.sub(r"`[^`]*`", "``", line)


def markdown_problems(path: Path) -> list[str]:
    problems = []
    header_cells: int | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = _code_spans_removed(line)
        if _RAW_TAG.search(text):
            problems.append(f"{path}:{number}: raw markup {line[:80]!r}")
        if _PAYLOAD_LINK.search(text):
            problems.append(f"{path}:{number}: a payload's link {line[:80]!r}")
        if text.lstrip().startswith("|"):
            cells = len(_UNESCAPED_BAR.findall(text))
            header_cells = cells if header_cells is None else header_cells
            if cells != header_cells:
                problems.append(f"{path}:{number}: {cells} table bars, its header {header_cells}")
        else:
            header_cells = None
    return problems


class _Elements(HTMLParser):
    """Start tags with their attributes, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def html_problems(path: Path) -> list[str]:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    problems = []
    for tag, attrs in parser.tags:
        for name, value in attrs:
            if name.startswith("on") and PAYLOAD_SCRIPT in (value or ""):
                problems.append(f"{path}: <{tag} {name}=...> runs a payload")
            if (value or "").strip().lower().startswith("javascript:"):
                problems.append(f"{path}: <{tag} {name}={value!r}>")
        if tag in ("img", "svg") and any(n.startswith("on") for n, _ in attrs):
            problems.append(f"{path}: <{tag}> with an event handler")
    problems += [f"{path}: a script runs a payload" for s in parser.scripts if PAYLOAD_SCRIPT in s]
    return problems


def json_problems(path: Path) -> list[str]:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        return [f"{path}: not JSON ({error})"]
    return []


CHECKS: dict[str, Callable[[Path], list[str]]] = {
    ".csv": csv_problems,
    ".xlsx": workbook_problems,
    ".md": markdown_problems,
    ".html": html_problems,
    ".json": json_problems,
}
"""The check of each kind of file written."""
UNCHECKED = frozenset({".lock", ".css", ".js", ".png", ".svg", ".ico", ".woff", ".woff2"})
"""Files no input value reaches: locks, and the styles and scripts of pages."""


def output_problems(root: Path) -> tuple[dict[str, int], list[str]]:
    """Every file under ``root`` checked by its kind: how many of each kind, and every
    problem found (a file of a kind neither checked nor known is itself a problem)."""
    counted: dict[str, int] = {}
    problems: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        suffix = (path.suffix or path.name).lower()  # ".lock" has no suffix
        counted[suffix] = counted.get(suffix, 0) + 1
        if suffix in CHECKS:
            problems += CHECKS[suffix](path)
        elif suffix not in UNCHECKED:
            problems.append(f"{path}: a {suffix or 'suffix-less'} file no check reads")
    return counted, problems
