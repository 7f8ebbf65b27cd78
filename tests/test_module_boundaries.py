"""Modules of nq57lib use each other's public names only: a helper another module needs is public, with a
docstring, in the module where it belongs (a private ``_name`` may change without notice)."""

from __future__ import annotations

import ast
from pathlib import Path

import nq57lib
import source_trees

PACKAGE = Path(nq57lib.__file__).resolve().parent


def _private_imports(path: Path) -> list[str]:
    """``from .module import _name`` and ``module._name`` of another nq57lib module, in one file."""
    walked = source_trees.nodes(path)
    modules = {alias.asname or alias.name for node in walked if isinstance(node, ast.ImportFrom)
               and node.level > 0 for alias in node.names if not alias.name.startswith("_")}
    found = []
    for node in walked:
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


# Public functions and classes kept although nothing in the package, the notebooks or the scripts calls them:
# each is a documented way in for a researcher or a check the tests run.
PUBLIC_API_ONLY = {
    "rnd_inputs": "floor_inputs: the national R&D inputs, for a researcher",
    "plot_share_outlook": "digital_economy_charts: one definition's panel, the unit plot_share_outlooks repeats",
    "units": "geography: the units of an indicator system, for a researcher",
    "compare_with_notebook": "params: the notebook-drift check the tests run on every notebook",
    "sector_ceiling_pct": "share_projection: a geography's own ceiling from its sector structure (README)",
    "screen_px": "chart_style: a text's size on a 1280 px screen, the check the chart tests run (MIN_TEXT_PX)",
}


def _names_used(paths) -> set[str]:
    used: set[str] = set()
    for path in paths:
        for node in source_trees.nodes(path):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.alias):
                used.add(node.name)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
                used.add(node.value)  # called by name (the registry's input checks)
    return used


def test_no_dead_public_function():
    """Every public top-level function or class of nq57lib is used by the package, a notebook or a script
    (a function only its own test calls is dead code), or is listed in PUBLIC_API_ONLY with why it stays."""
    root = PACKAGE.parent
    sources = [p for folder in ("nq57lib", "notebooks", "scripts", "dags", "benchmarks", "tools")
               for p in (root / folder).rglob("*.py") if ".ipynb_checkpoints" not in p.parts]
    used = _names_used(sources)
    dead = sorted(f"{p.relative_to(PACKAGE)}:{node.name}" for p in PACKAGE.rglob("*.py")
                  for node in source_trees.tree(p).body
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
                  and node.name not in used and node.name not in PUBLIC_API_ONLY)
    assert dead == []
