"""GX Data Docs (static HTML) of a validation run: what was checked and how it went.

Each run writes its own site, ``reports/quality/<run>/``: one page per suite (what each
input is checked for) and one per validated file (each expectation, passed or failed, with
the count and share of unexpected rows). The validation results rendered are redacted
(``expectations.redaction``): counts and shares only, never a UPN, name or date of birth;
the rows themselves are in the store's quarantine table.

The site is built by GX's own ``SiteBuilder`` (``build_data_docs``) in a fresh in-memory
context per run, so that a run's index lists that run only. GX's index page fills its
tables with jQuery and bootstrap-table loaded from CDNs, so opened offline it shows empty
tables; the suite and validation pages are static HTML (unstyled offline, but complete).
A plain-HTML list of the run's pages is therefore added at the top of ``index.html``.

Great Expectations (and ``expectations.suites``, which imports it) takes seconds to import,
so it is imported inside the functions that render, not here: the loader and the command
line import this module for ``DocsEntry`` without paying for it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from expectations.engine import GX_LOCK
from schema.inputs import INPUTS

SITE = "pupilstats_quality"
STATIC_INDEX_ID = "pupilstats-static-index"


@dataclass(frozen=True)
class DocsEntry:
    """One validated file: its input, a label (the file name), suite and redacted result."""

    input: str
    label: str
    suite: Any
    result: Any
    statistics: dict[str, Any]
    batch_failures: tuple[str, ...] = ()


def docs_entry(
    outcome: Any,
    label: str | None = None,
    *,
    counts: dict[str, Any] | None = None,
    batch_failures: Sequence[str] | None = None,
) -> DocsEntry:
    """The Data Docs entry of a ``ValidationOutcome``.

    ``counts`` (rows read, accepted, quarantined) and ``batch_failures`` of the whole file
    replace the suite's own, which leave out rows that did not even parse.
    """
    return DocsEntry(
        input=outcome.input,
        label=label or Path(outcome.file or outcome.input).name,
        suite=outcome.suite,
        result=outcome.docs_result,
        statistics=dict(outcome.statistics) | (counts or {}),
        batch_failures=tuple(outcome.batch_failures if batch_failures is None else batch_failures),
    )


def _site_config(directory: Path) -> dict[str, Any]:
    return {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(directory),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def _fresh_context(directory: Path) -> Any:
    from great_expectations.data_context import EphemeralDataContext
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    context = EphemeralDataContext(
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            progress_bars=ProgressBarsConfig(globally=False),
        )
    )
    context.add_data_docs_site(SITE, _site_config(directory))
    return context


def _add_suite(context: Any, suite: Any) -> None:
    import great_expectations as gx

    if suite.name not in {s.name for s in context.suites.all()}:
        copy = gx.ExpectationSuite(
            name=suite.name, expectations=[e.copy() for e in suite.expectations]
        )
        context.suites.add(copy)


def write_quality_docs(directory: Path, entries: Sequence[DocsEntry], run_name: str) -> Path:
    """Render ``entries`` (validated files of one run) as Data Docs in ``directory``.

    Returns the site's ``index.html``.
    """
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    run_time = datetime.now(UTC)
    pages: list[tuple[DocsEntry, str]] = []
    with GX_LOCK:
        context = _fresh_context(directory)
        for entry in entries:
            _add_suite(context, entry.suite)
            key = ValidationResultIdentifier(
                expectation_suite_identifier=ExpectationSuiteIdentifier(name=entry.suite.name),
                run_id=RunIdentifier(run_name=run_name, run_time=run_time),
                batch_identifier=entry.label,
            )
            entry.result.meta["run_id"] = key.run_id
            entry.result.meta["validation_time"] = run_time.isoformat()
            context.validation_results_store.set(key, entry.result)
            pages.append((entry, "validations/" + "/".join(key.to_tuple()) + ".html"))
        context.build_data_docs(site_names=[SITE])
    index = directory / "index.html"
    _add_static_index(index, run_name, pages)
    return index


def build_suite_docs(directory: Path, input_names: Iterable[str] | None = None) -> Path:
    """Render the suites of ``input_names`` (default: every input) into ``directory``."""
    from expectations.suites import build_suite  # Great Expectations: see the docstring

    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    with GX_LOCK:
        context = _fresh_context(directory)
        for name in input_names if input_names is not None else INPUTS:
            _add_suite(context, build_suite(name, check_census=True))
        context.build_data_docs(site_names=[SITE])
    index = directory / "index.html"
    _add_static_index(index, "suites", [])
    return index


def _static_rows(pages: list[tuple[DocsEntry, str]]) -> str:
    rows = []
    for entry, page in pages:
        s = entry.statistics
        status = "rejected" if entry.batch_failures else "accepted"
        rows.append(
            "<tr>"
            f"<td>{html.escape(entry.input)}</td>"
            f'<td><a href="{html.escape(page)}">{html.escape(entry.label)}</a></td>'
            f"<td>{status}</td>"
            f"<td>{s.get('rows_read', '')}</td><td>{s.get('rows_accepted', '')}</td>"
            f"<td>{s.get('rows_quarantined', '')}</td>"
            f'<td><a href="expectations/{html.escape(entry.suite.name)}.html">'
            f"{html.escape(entry.suite.name)}</a></td>"
            "</tr>"
        )
    return "\n".join(rows)


def _add_static_index(index: Path, run_name: str, pages: list[tuple[DocsEntry, str]]) -> None:
    """Insert a plain-HTML list of the run's pages after ``<body>`` (works offline)."""
    suites = sorted({p.stem for p in (index.parent / "expectations").glob("*.html")})
    suite_links = ", ".join(
        f'<a href="expectations/{html.escape(s)}.html">{html.escape(s)}</a>' for s in suites
    )
    table = ""
    if pages:
        table = (
            '<table border="1" cellpadding="4"><tr><th>input</th><th>file</th><th>status</th>'
            "<th>rows read</th><th>accepted</th><th>quarantined</th><th>suite</th></tr>\n"
            f"{_static_rows(pages)}</table>"
        )
    section = (
        f'<section id="{STATIC_INDEX_ID}" style="margin:1em 3em">'
        f"<h2>pupilstats data quality: {html.escape(run_name)}</h2>{table}"
        f"<p>Suites: {suite_links}</p>"
        "<p><small>This list is plain HTML and works offline. The interactive tables below "
        "load jQuery and bootstrap-table from CDNs and stay empty without a network; every "
        "page linked here is static.</small></p></section>"
    )
    text = index.read_text(encoding="utf-8")
    start = text.find("<body")
    end = text.find(">", start) + 1
    if start < 0 or end <= 0:
        raise RuntimeError(f"{index}: no <body> tag to add the static index to")
    index.write_text(text[:end] + section + text[end:], encoding="utf-8")
