"""The dashboard's status: a banner on the page and ``status.json`` beside it.

The page holds its banner between two comment markers. A successful build writes an
"updated" banner; a failed run rewrites only that fragment (atomically) into a failure
notice and leaves the figures, i.e. the last good dashboard, exactly as they were.
``status.json`` records the same for machines (state, times, the run, the last success).

A failed run marks ``status.json`` first, and in place when the disk is too full for a new
file, so a monitor never reads "ok" after a failure because the page could not be rewritten.

Error messages can quote input rows, so the banner shows a redacted first line only
(values in quotes, UPN-, postcode- and date-shaped text removed); the full error is in the
Prefect run.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from pipeline.dashboard.publish import read_json, write_atomic, write_json_atomic

BANNER_START = "<!--status-banner:start-->"
BANNER_END = "<!--status-banner:end-->"
STATUS_FILE = "status.json"
INDEX_FILE = "index.html"
MESSAGE_LIMIT = 240

_REDACT = (
    re.compile(r"'[^']*'|\"[^\"]*\""),
    re.compile(r"\b[A-Z][0-9]{11}[0-9A-Z]\b"),
    re.compile(r"\b[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
)


@dataclass(frozen=True)
class RunInfo:
    """The run that failed, as the banner names it."""

    flow: str
    run_name: str = ""
    run_id: str = ""
    message: str = ""
    failed_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RunInfo:
        failed_at = data.get("failed_at")
        if isinstance(failed_at, str):
            failed_at = datetime.fromisoformat(failed_at)
        return cls(
            flow=str(data.get("flow", "")),
            run_name=str(data.get("run_name", "")),
            run_id=str(data.get("run_id", "")),
            message=str(data.get("message", "")),
            failed_at=failed_at or datetime.now(UTC),
        )


def redacted(message: str) -> str:
    """The first line of ``message`` without quoted values or identifier-shaped text."""
    line = next((part for part in message.strip().splitlines() if part.strip()), "")
    for pattern in _REDACT:
        line = pattern.sub("[…]", line)
    return line[:MESSAGE_LIMIT] + ("…" if len(line) > MESSAGE_LIMIT else "")


def ok_banner(built_at: str, release_id: str) -> str:
    return (
        f'<div id="status" class="status status-ok" role="status" data-state="ok">'
        f'Updated <time datetime="{escape(built_at)}">{escape(built_at)}</time> from '
        f"release <code>{escape(release_id)}</code>.</div>"
    )


def failure_banner(info: RunInfo, last_success: Mapping[str, Any]) -> str:
    when = info.failed_at.isoformat(timespec="seconds")
    run = escape(info.run_name or info.run_id or "the latest run")
    reason = redacted(info.message)
    kept = (
        f"The figures below are still those built "
        f'<time datetime="{escape(str(last_success["built_at"]))}">'
        f"{escape(str(last_success['built_at']))}</time> from release "
        f"<code>{escape(str(last_success.get('release_id', '')))}</code>."
        if last_success.get("built_at")
        else "No dashboard has been built successfully yet."
    )
    return (
        f'<div id="status" class="status status-failed" role="alert" data-state="failed">'
        f"<h2>The latest update failed</h2>"
        f"<p>Run {run} of <code>{escape(info.flow)}</code> failed "
        f'<time datetime="{escape(when)}">{escape(when)}</time>'
        + (f": {escape(reason)}" if reason else ".")
        + f"</p><p>{kept} See the run in Prefect for details.</p></div>"
    )


def banner_fragment(banner: str) -> str:
    return f"{BANNER_START}{banner}{BANNER_END}"


def replace_banner(html: str, banner: str) -> str:
    """``html`` with the fragment between the banner markers replaced by ``banner``."""
    start = html.find(BANNER_START)
    end = html.find(BANNER_END, start)
    if start < 0 or end < 0:
        raise ValueError("the page has no status banner markers")
    return html[:start] + banner_fragment(banner) + html[end + len(BANNER_END) :]


def _placeholder_page(banner: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Dashboard: update failed</title></head><body><main>"
        f"{banner_fragment(banner)}</main></body></html>\n"
    )


def mark_dashboard_failure(out_dir: Path, run_info: RunInfo | Mapping[str, Any]) -> Path:
    """Mark the dashboard in ``out_dir`` as failed; leave its figures as they are.

    Rewrites only the banner fragment of ``index.html`` (atomically), or writes a page
    holding only the failure when no dashboard exists yet, and records the failure in
    ``status.json`` with the last successful build. Returns the index path.
    """
    info = run_info if isinstance(run_info, RunInfo) else RunInfo.from_mapping(run_info)
    out = Path(out_dir)
    index = out / INDEX_FILE
    status = read_json(out / STATUS_FILE)
    last_success = status.get("last_success") or {}
    if status.get("state") == "ok":
        last_success = {k: status[k] for k in ("built_at", "release_id") if k in status}
    banner = failure_banner(info, last_success)
    failed = {
        "state": "failed",
        "flow": info.flow,
        "run_name": info.run_name,
        "run_id": info.run_id,
        "failed_at": info.failed_at.isoformat(timespec="seconds"),
        "message": redacted(info.message),
        "last_success": last_success,
    }
    # status.json first, and in place should the disk be too full for a new file: a run
    # that failed must never be left saying "ok" because the page could not be rewritten
    _write_status(out / STATUS_FILE, failed)
    if index.is_file():
        write_atomic(index, replace_banner(index.read_text(encoding="utf-8"), banner))
    else:
        write_atomic(index, _placeholder_page(banner))
    return index


def _write_status(path: Path, status: dict[str, Any]) -> None:
    """Write ``status`` to ``path`` atomically or, when no new file can be made (a full
    disk: the temporary file gets no block), over the old file's own bytes: a few hundred
    bytes, within the block it has already."""
    try:
        write_json_atomic(path, status)
    except OSError:
        if not path.is_file():
            raise
        data = (json.dumps(status, indent=2) + "\n").encode("utf-8")
        with path.open("r+b") as handle:
            handle.write(data)
            handle.truncate(len(data))
            handle.flush()
            os.fsync(handle.fileno())


def record_success(out_dir: Path, *, built_at: str, release_id: str, dated: str) -> None:
    """``status.json`` after a successful build."""
    write_json_atomic(
        Path(out_dir) / STATUS_FILE,
        {"state": "ok", "built_at": built_at, "release_id": release_id, "dated_copy": dated},
    )
