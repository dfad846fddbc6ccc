"""Subject access (UK GDPR Art. 15): everything the store holds on one pupil, as a bundle.

The bundle gathers, for one UPN:

* every row of every table of the store that names the pupil, found from the catalog
  (``pipeline.store.catalog``), so a table added later is covered without a change here:
  the inputs, the quarantine, staging, the consent register and the rights audit log (not
  the release ledger's tables, which hold aggregates only and no column that can name a
  pupil);
* the consent history (each instruction, who gave it, when, from when, when withdrawn);
* which statistical releases could count the pupil and which excluded them because of a
  research opt-out (``release_population``);

and writes it as ``subject-access.json`` (complete, machine-readable) and
``subject-access.md`` (the same, readable) into a new owner-only folder under
``<reports>/shares/sar/`` (``pipeline.rights.share_folder``), both visible together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.rights.audit_log import AuditEntry, log_actions, now_utc
from pipeline.rights.consent_register import register_rows
from pipeline.rights.markdown_text import markdown_text
from pipeline.rights.release_population import release_history
from pipeline.rights.share_folder import write_share
from pipeline.store.catalog import held_on_pupil_sql, stored_tables
from pipeline.store.pupil_keys import pupil_key, store_key
from schema.errors import PupilstatsError

JSON_FILE = "subject-access.json"
SUMMARY_FILE = "subject-access.md"
RELEASE_STATUS_TEXT = {
    "counted": "could count the pupil (on the census at its reference date, no opt-out)",
    "excluded_opt_out": "excluded the pupil (research opt-out in force at its reference date)",
}


@dataclass(frozen=True)
class SarBundle:
    json_path: Path
    summary_path: Path
    rows_held: int
    tables: dict[str, int]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def rows_held(con: duckdb.DuckDBPyConnection, upn: str, key: str) -> dict[str, dict[str, Any]]:
    """Per table with any row held on the pupil: its columns and those rows (as lists)."""
    held: dict[str, dict[str, Any]] = {}
    for table in stored_tables(con):
        where = held_on_pupil_sql(table)
        if where is None:
            continue
        values = {"upn": upn, "pupil_key": key}
        params = {name: value for name, value in values.items() if f"${name}" in where}
        cursor = con.execute(f"SELECT * FROM {table.quoted()} WHERE {where}", params)
        rows = cursor.fetchall()
        if rows:
            held[table.name] = {
                "columns": [d[0] for d in cursor.description],
                "rows": [[_plain(v) for v in row] for row in rows],
            }
    return held


def subject_access_bundle(con: duckdb.DuckDBPyConnection, upn: str) -> dict[str, Any]:
    """Everything held on the pupil ``upn`` (see the module docstring)."""
    key = pupil_key(store_key(con), upn)
    held = rows_held(con, upn, key)
    if not held:
        raise PupilstatsError(f"the store holds nothing on UPN {upn}")
    history = register_rows(con, upn)
    return {
        "upn": upn,
        "generated_at": now_utc().isoformat(timespec="seconds") + "Z",
        "tables_searched": [t.name for t in stored_tables(con) if held_on_pupil_sql(t)],
        "rows_held": sum(len(t["rows"]) for t in held.values()),
        "tables": held,
        "consent_history": [
            {k: _plain(v) for k, v in row.items()} for row in history.iter_rows(named=True)
        ],
        "releases": [
            {name: _plain(v) for name, v in release.items()}
            for release in release_history(con, key)
        ],
    }


def _markdown_table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table; every header and value shown as literal text (``markdown_text``)."""
    lines = ["| " + " | ".join(markdown_text(c) for c in columns) + " |"]
    lines.append("|" + "---|" * len(columns))
    lines += ["| " + " | ".join(markdown_text(v) for v in row) + " |" for row in rows]
    return lines


def summary_markdown(bundle: dict[str, Any]) -> str:
    """The bundle as a document a family can read. Every value from the store is shown as
    literal text (``pipeline.rights.markdown_text``): a name holding ``<script>`` or Markdown
    is not rendered as markup by a viewer."""
    m = markdown_text
    lines = [
        f"# What we hold about pupil {m(bundle['upn'])}",
        "",
        f"Prepared {m(bundle['generated_at'])} in answer to a subject access request. It lists "
        f"every record the statistics store holds on this pupil: {bundle['rows_held']} rows "
        f"in {len(bundle['tables'])} of the {len(bundle['tables_searched'])} tables searched. "
        "The file subject-access.json holds the same in full.",
        "",
        "## Consent and restrictions",
        "",
    ]
    history = bundle["consent_history"]
    if history:
        columns = ["consent_type", "recorded_by", "recorded_on", "effective_from"]
        columns += ["withdrawn_on", "withdrawn_by", "source_ref"]
        lines += _markdown_table(columns, [[row[c] for c in columns] for row in history])
    else:
        lines.append("No opt-out or restriction is recorded.")
    lines += ["", "## Statistical releases", ""]
    releases = bundle["releases"]
    if releases:
        for release in releases:
            status = RELEASE_STATUS_TEXT.get(release["status"], m(release["status"]))
            lines.append(
                f"- {m(release['release_id'])} ({m(release['flow'])}, reference date "
                f"{m(release['reference_date'])}): {status}."
            )
        lines.append("")
        lines.append(
            "A release publishes only protected counts: no figure in it names or singles out "
            "a pupil."
        )
    else:
        lines.append("No statistical release has used this pupil's records.")
    lines += ["", "## Records held, by table", ""]
    for name, table in bundle["tables"].items():
        lines += [f"### {m(name)} ({len(table['rows'])} rows)", ""]
        lines += _markdown_table(table["columns"], table["rows"])
        lines.append("")
    return "\n".join(lines) + "\n"


SAR_FOLDER = "sar"
"""Bundles go in ``<reports>/shares/sar/<name>/`` (``pipeline.rights.share_folder``)."""


def write_sar_bundle(
    con: duckdb.DuckDBPyConnection, upn: str, out: Path, *, shares_dir: Path
) -> SarBundle:
    """Write the bundle into the new folder ``out`` names under ``<shares>/sar/`` and log the
    request. The folder is made (owner-only) only for a pupil the store holds; an unsafe or
    existing destination is refused in one line (``pipeline.rights.share_folder``)."""
    base = shares_dir / SAR_FOLDER
    bundle = subject_access_bundle(con, upn)
    files = {
        JSON_FILE: (json.dumps(bundle, indent=2) + "\n").encode(),
        SUMMARY_FILE: summary_markdown(bundle).encode(),
    }

    def logged() -> None:
        """The request in the rights audit log, once the bundle is complete and before it
        is shown: a bundle is never there without its entry, and a request killed before
        its bundle was complete leaves neither (its rerun's bundle is the same)."""
        log_actions(
            con,
            [
                AuditEntry(
                    action="sar",
                    pupil_key=pupil_key(store_key(con), upn),
                    rows_affected=bundle["rows_held"],
                    reason="subject access request answered",
                )
            ],
        )

    target = write_share(out, base, files, before_shown=logged)
    json_path, summary_path = target / JSON_FILE, target / SUMMARY_FILE
    return SarBundle(
        json_path=json_path,
        summary_path=summary_path,
        rows_held=bundle["rows_held"],
        tables={name: len(t["rows"]) for name, t in bundle["tables"].items()},
    )
