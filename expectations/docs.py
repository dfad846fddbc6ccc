"""GX Data Docs (static HTML) of a validation run: what was checked and how it went.

Each run writes its own site, ``reports/quality/<run>/``: one page per suite (what each
input is checked for) and one per validated file (each expectation, passed or failed, with
the count and share of unexpected rows). The validation results rendered are redacted
(``expectations.redaction``): counts and shares only, never a UPN, name or date of birth;
the rows themselves are in the store's quarantine table.

The site is built by GX's own ``SiteBuilder`` (``build_data_docs``) in a fresh in-memory
context per run, so that a run's index lists that run only. GX's templates load their
styles and scripts from CDNs; ``expectations.docs_offline`` removes those and links a local
stylesheet, so every page reads styled without a network. GX's index fills its tables with
those scripts, so a plain-HTML list of the run's pages is added at the top of ``index.html``
instead.

A page's status is the run's verdict: GX marks a validation failed when any row failed an
expectation, but pupilstats quarantines such rows and accepts the file unless a batch-level
check fails (``expectations.run``). The rendered copy of the result therefore carries the
file's verdict as its ``success`` (accepted: "Succeeded"; rejected: "Failed"), the failed
row-level expectations still show as failed with their counts, and each validation page
opens with a line saying the verdict and how many rows were quarantined, as the run summary
(``summary.md``) does.

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

from expectations.docs_offline import make_site_offline
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
    failures = tuple(outcome.batch_failures if batch_failures is None else batch_failures)
    result = outcome.docs_result
    result.success = not failures  # the file's verdict (module docstring), not GX's
    return DocsEntry(
        input=outcome.input,
        label=label or Path(outcome.file or outcome.input).name,
        suite=outcome.suite,
        result=result,
        statistics=dict(outcome.statistics) | (counts or {}),
        batch_failures=failures,
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
    make_site_offline(directory)
    for entry, page in pages:
        _add_verdict(directory / page, entry)
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
    make_site_offline(directory)
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
        "<p><small>Every page here is static HTML with a local stylesheet: it reads the same "
        "without a network. A file's status is its verdict in the run: accepted (rows that "
        "failed a row-level check are quarantined and counted) or rejected.</small></p>"
        "</section>"
    )
    _insert_after_body(index, section)


def _verdict(entry: DocsEntry) -> str:
    """The file's verdict as the run summary gives it, for the top of its page."""
    s = entry.statistics
    if entry.batch_failures:
        reasons = "; ".join(entry.batch_failures)
        return (
            '<p class="pupilstats-verdict rejected" id="pupilstats-verdict">'
            f"<strong>Rejected</strong>: {html.escape(reasons)}. Nothing from "
            f"{html.escape(entry.label)} was loaded.</p>"
        )
    return (
        '<p class="pupilstats-verdict" id="pupilstats-verdict"><strong>Accepted</strong>: '
        f"{s.get('rows_accepted', '')} of {s.get('rows_read', '')} rows of "
        f"{html.escape(entry.label)} loaded, {s.get('rows_quarantined', 0)} quarantined. "
        "Expectations marked failed below are row-level checks: the rows that failed them "
        "were quarantined, not loaded.</p>"
    )


def _add_verdict(page: Path, entry: DocsEntry) -> None:
    _insert_after_body(page, _verdict(entry))


def _insert_after_body(page: Path, fragment: str) -> None:
    """Insert ``fragment`` just after the ``<body>`` tag of ``page``."""
    text = page.read_text(encoding="utf-8")
    start = text.find("<body")
    end = text.find(">", start) + 1
    if start < 0 or end <= 0:
        raise RuntimeError(f"{page}: no <body> tag to add to")
    page.write_text(text[:end] + fragment + text[end:], encoding="utf-8")
