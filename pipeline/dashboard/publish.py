"""Writing the dashboard's files atomically: a reader sees the old file or the new, never half.

Each file is written by ``pipeline.atomic_files`` (a hidden temporary file in the same
folder, flushed to disk and renamed over the old one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.atomic_files import write_file_atomically


def write_atomic(path: Path, text: str) -> Path:
    """Replace ``path`` with ``text`` (UTF-8) in one rename; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_file_atomically(path, text.encode("utf-8"))


def write_json_atomic(path: Path, data: dict[str, Any]) -> Path:
    return write_atomic(path, json.dumps(data, indent=2) + "\n")


def read_json(path: Path) -> dict[str, Any]:
    """``path`` as a JSON object, or ``{}`` when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
