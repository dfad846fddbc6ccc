"""GX Data Docs (static HTML) of the suites: what each input is checked for.

Only the suites are rendered, never validation results: a result lists unexpected values
(UPNs, dates of birth), and Data Docs are meant to be shared. Rows that fail are in the
store's quarantine table instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from pipeline.schema import INPUTS


def _site_config(directory: Path) -> dict[str, object]:
    return {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(directory),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def build_suite_docs(directory: Path, input_names: Iterable[str] | None = None) -> Path:
    """Render the suites of ``input_names`` (default: every input) into ``directory``.

    Returns the path of the site's ``index.html``.
    """
    from expectations.engine import GX_LOCK, gx_context
    from expectations.suites import build_suite

    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    context = gx_context()
    site = "pupilstats_" + hashlib.sha256(str(directory).encode()).hexdigest()[:12]
    with GX_LOCK:
        if site in context.list_data_docs_sites():
            context.update_data_docs_site(site, _site_config(directory))
        else:
            context.add_data_docs_site(site, _site_config(directory))
        for name in input_names if input_names is not None else INPUTS:
            suite = build_suite.__wrapped__(name, check_census=True)
            if suite.name in {s.name for s in context.suites.all()}:
                context.suites.delete(suite.name)
            context.suites.add(suite)
        context.build_data_docs(site_names=[site])
    return directory / "index.html"
