"""The dashboard builder cannot read the pupil-level store: it is given only the release folder.

Three proofs: its signature takes a release folder and an output folder and nothing else;
no module of ``pipeline/dashboard`` imports anything that can open the store (DuckDB,
``pipeline.store``, the loaders, polars, Prefect); and a build in a fresh interpreter, where
importing DuckDB or the store is made impossible and every file open is recorded by an audit
hook, succeeds while a real store sits next to the release and ``PUPILSTATS_DB`` names it,
and opens nothing outside the release folder, the output folder and its own stylesheet and
script.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

import pipeline.dashboard
from pipeline.dashboard import build_dashboard

PACKAGE = Path(pipeline.dashboard.__file__).parent
FORBIDDEN = (
    "duckdb",
    "polars",
    "pandas",
    "pyarrow",
    "prefect",
    "flows",
    "pipeline.store",
    "pipeline.load",
    "pipeline.releases",
    "pipeline.rights",
    "pipeline.synthetic",
    "pipeline.health",
    "pipeline.settings",
    "pipeline.consent",
)

BUILD_SCRIPT = """
import json, os, sys
from pathlib import Path
for name in ("duckdb", "polars", "pipeline.store", "pipeline.settings"):
    sys.modules[name] = None  # any import of these now raises ImportError
release, out = Path(sys.argv[1]), Path(sys.argv[2])
from pipeline.dashboard import build_dashboard
events = []
def record(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        mode = args[1]
        if mode is None:  # os.open: flags instead of a mode string
            mode = "w" if args[2] & (os.O_WRONLY | os.O_RDWR) else "r"
        events.append(("open", os.fsdecode(args[0]), str(mode)))
    elif event in ("os.rename", "os.remove", "os.mkdir", "os.unlink"):
        events.append((event, str(args[0]), ""))
sys.addaudithook(record)
index = build_dashboard(release, out)
print(json.dumps({"index": str(index), "events": events}))
"""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_builder_takes_a_release_folder_and_an_output_folder_only() -> None:
    assert list(inspect.signature(build_dashboard).parameters) == ["release_dir", "out_dir", "now"]


def test_no_dashboard_module_imports_anything_that_opens_the_store() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 8
    for module in modules:
        for name in _imports(module):
            assert not name.startswith(FORBIDDEN), f"{module.name} imports {name}"
            assert not name.startswith("pipeline.") or name.startswith(
                ("pipeline.dashboard", "schema.errors", "pipeline.atomic_files")
            ), f"{module.name} imports {name}"


def test_a_build_opens_only_the_release_and_its_output_with_the_store_next_to_it(
    release_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "data" / "pupilstats.duckdb"
    store.parent.mkdir()
    with duckdb.connect(str(store)) as con:
        con.execute("CREATE TABLE census AS SELECT 'A123456789012' AS upn, 'M' AS sex")
    out = tmp_path / "reports" / "dashboard"
    env = {**os.environ, "PUPILSTATS_DB": str(store)}
    done = subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, str(release_dir), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(result["index"]) == out / "index.html"
    paths = [Path(p).resolve() for _, p, _ in result["events"]]
    assert paths, "the audit hook recorded nothing"
    allowed = (release_dir.resolve(), out.resolve(), (PACKAGE / "static").resolve())
    outside = [p for p in paths if not any(p.is_relative_to(a) for a in allowed)]
    assert not [p for p in outside if "zoneinfo" not in str(p)], outside
    assert store.resolve() not in paths
    read = {Path(p).name for e, p, mode in result["events"] if e == "open" and "r" in mode}
    assert {"manifest.json", "pupils_fsm.csv", "ks2_expected_sex.csv", "schools.csv"} <= read
    written = [Path(p) for e, p, mode in result["events"] if e == "open" and "w" in mode]
    assert written and all(p.resolve().is_relative_to(out.resolve()) for p in written)
