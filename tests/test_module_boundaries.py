"""Modules of nq57lib use each other's public names only: a helper another module needs is public, with a
docstring, in the module where it belongs (a private ``_name`` may change without notice)."""

from __future__ import annotations

import ast
from pathlib import Path

import nq57lib

PACKAGE = Path(nq57lib.__file__).resolve().parent


def _private_imports(path: Path) -> list[str]:
    """``from .module import _name`` and ``module._name`` of another nq57lib module, in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and node.level > 0 for alias in node.names if not alias.name.startswith("_")}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            found += [f"from {'.' * node.level}{node.module or ''} import {a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
              and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_imports_a_private_helper_of_another():
    found = {str(p.relative_to(PACKAGE)): hits for p in sorted(PACKAGE.rglob("*.py")) if (hits := _private_imports(p))}
    assert found == {}


def test_the_check_finds_a_private_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from .share_projection import _plain, meets_target\nfrom . import data\nx = data._cache\n")
    assert _private_imports(sample) == ["from .share_projection import _plain", "data._cache"]
