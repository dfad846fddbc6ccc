"""``python -m bench [topic [args...]]``: run every benchmark module, or one."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

SHARED_MODULES = {"report"}
"""Modules of the package that hold shared code, not a benchmark."""


def topics() -> list[str]:
    """Every benchmark module of this package (a module with a ``main`` function)."""
    here = Path(__file__).parent
    return sorted(
        m.name
        for m in pkgutil.iter_modules([str(here)])
        if not m.name.startswith("_") and m.name not in SHARED_MODULES
    )


def run(topic: str, args: list[str]) -> None:
    module = importlib.import_module(f"bench.{topic}")
    print(f"== bench {topic}", flush=True)
    module.main(args)


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("topics:", ", ".join(topics()))
        return 0
    if argv:
        if argv[0] not in topics():
            print(f"unknown benchmark {argv[0]!r}; topics: {', '.join(topics())}", file=sys.stderr)
            return 2
        run(argv[0], argv[1:])
        return 0
    for topic in topics():
        run(topic, [])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
