"""The shape of the ``disclosure`` package: its modules import each other without a cycle
(every import counted, also those under ``TYPE_CHECKING`` or inside a function), it imports
nothing of the project outside itself, and no module grows past 400 lines without saying why at
its top."""

from __future__ import annotations

import ast
from pathlib import Path

import disclosure

ROOT = Path(disclosure.__file__).parent
PROJECT_PACKAGES = ("pipeline", "flows", "expectations", "bench", "schema", "cli", "tests")
MAX_LINES = 400
REASON_MARK = "over 400 lines"
"""What a longer module's docstring must say (followed by why)."""


def module_name(path: Path, root: Path) -> str:
    """``disclosure.secondary.optimal`` for ``disclosure/secondary/optimal.py``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(
    path: Path, name: str, modules: set[str] | frozenset[str] = frozenset()
) -> set[str]:
    """Every module an import statement anywhere in the file imports. ``from a import b``
    imports ``a.b`` when that is one of ``modules``, else ``a`` (as grimp counts it: importing
    a submodule is not counted as importing its package's ``__init__``)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the package it imports."""
    paths = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    modules = frozenset(paths)
    return {
        name: {m for m in imported_names(path, name, modules) if m in paths and m != name}
        for name, path in paths.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_import_graph_has_no_cycle() -> None:
    graph = import_graph(ROOT)
    assert "disclosure.protected_tables" in graph["disclosure.audit"]
    assert cycles(graph) == []


def test_the_cycle_check_sees_a_cycle_hidden_under_type_checking(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""P."""\n')
    (package / "a.py").write_text('"""A."""\nfrom pkg.b import B\n')
    (package / "b.py").write_text(
        '"""B."""\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n'
    )
    (package / "c.py").write_text('"""C."""\n\ndef f():\n    """F."""\n    from . import a\n')
    graph = import_graph(package)
    assert graph["pkg.b"] == {"pkg.a"} and graph["pkg.c"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_disclosure_imports_nothing_of_the_project_outside_it() -> None:
    outside = sorted(
        f"{module_name(path, ROOT)} imports {imported}"
        for path in ROOT.rglob("*.py")
        for imported in imported_names(path, module_name(path, ROOT))
        if imported.split(".")[0] in PROJECT_PACKAGES
    )
    assert outside == []


def test_no_module_is_over_400_lines_without_a_reason_at_its_top() -> None:
    too_long = []
    for path in sorted(ROOT.rglob("*.py")):
        lines = len(path.read_text().splitlines())
        docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
        if lines > MAX_LINES and REASON_MARK not in docstring:
            too_long.append(f"{path.relative_to(ROOT.parent)}: {lines} lines")
    assert too_long == []
