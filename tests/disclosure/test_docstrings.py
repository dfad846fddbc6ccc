"""Every module, class, function and method of ``disclosure/`` has a docstring (the issue's
acceptance point: each names the rule or method it implements and its source)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import disclosure

ROOT = Path(disclosure.__file__).parent


def missing_docstrings(root: Path) -> list[str]:
    """``path:line name`` of every module, class, function or method without a docstring."""
    missing: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        where = path.relative_to(root.parent)
        if ast.get_docstring(tree) is None:
            missing.append(f"{where}: module")
        for node in ast.walk(tree):
            definition = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            if definition and ast.get_docstring(node) is None:  # type: ignore[arg-type]
                missing.append(f"{where}:{node.lineno} {node.name}")  # type: ignore[union-attr]
    return missing


SOURCE = re.compile(r"Hundepool|tau-ARGUS|Fischetti|Carvalho|NHS England|de Wolf")
"""What counts as citing a source: the handbook, the tau-ARGUS manual or a named paper."""


def test_every_definition_in_disclosure_has_a_docstring() -> None:
    assert missing_docstrings(ROOT) == []


def test_every_module_cites_its_source() -> None:
    uncited = [
        str(path.relative_to(ROOT.parent))
        for path in sorted(ROOT.rglob("*.py"))
        if not SOURCE.search(ast.get_docstring(ast.parse(path.read_text())) or "")
    ]
    assert uncited == []


def test_every_primary_rule_function_cites_its_source() -> None:
    uncited = []
    for path in sorted((ROOT / "primary").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            public = isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
            if public and not SOURCE.search(ast.get_docstring(node) or ""):  # type: ignore[arg-type]
                uncited.append(f"{path.name}:{node.lineno} {node.name}")  # type: ignore[union-attr]
    assert uncited == []


def uncited_public_definitions(root: Path) -> list[str]:
    """``path:line name`` of every public function, method or class (name not starting with
    ``_``; nested ones included) whose docstring does not match :data:`SOURCE`."""
    uncited: list[str] = []
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root.parent)
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            definition = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            if not definition or node.name.startswith("_"):  # type: ignore[union-attr]
                continue
            if not SOURCE.search(ast.get_docstring(node) or ""):  # type: ignore[arg-type]
                uncited.append(f"{where}:{node.lineno} {node.name}")  # type: ignore[union-attr]
    return uncited


def test_every_public_definition_cites_its_source() -> None:
    assert uncited_public_definitions(ROOT) == []


def test_the_check_sees_an_uncited_public_definition(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    source = (
        '"""A module."""\n\n\nclass A:\n    """A (tau-ARGUS manual)."""\n\n'
        '    def f(self):\n        """F."""\n\n    def _g(self):\n        """G."""\n\n'
        '    def __str__(self):\n        """S."""\n'
    )
    (package / "mod.py").write_text(source)
    assert uncited_public_definitions(package) == ["pkg/mod.py:7 f"]


def test_the_check_sees_a_missing_docstring(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    source = (
        '"""A module."""\n\n\nclass A:\n    def f(self):\n        """F."""\n\n'
        "    def g(self):\n        pass\n"
    )
    (package / "mod.py").write_text(source)
    assert missing_docstrings(package) == ["pkg/mod.py:4 A", "pkg/mod.py:8 g"]
