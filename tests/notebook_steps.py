"""Run a report notebook's own step sequence in-process (tests only): one helper instead of copies of it.

The steps are the notebook's code cells tagged ``remove_output`` (each one public library call whose
result a later cell uses), read from ``notebooks/<name>.py`` with jupytext, in order; the parameters cell
and ``validate_parameters`` are replaced by the ``Parameters`` given, the package by the one given, and
``save_results`` is not called (a test saves where it wants). ``edits`` replace a step's result, as a
researcher editing that cell would: ``edits={"ceiling": 60.0}`` sets ``ceiling`` right after the cell that
assigns it (a callable gets the namespace and returns the new value).
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Mapping

import jupytext

from nq57lib import config

STEP_TAG = "remove_output"


def step_cells(notebook: str) -> list[str]:
    """The sources of the notebook's step cells, in order (``save_results`` left out)."""
    nb = jupytext.read(config.NOTEBOOKS_DIR / f"{notebook}.py")
    return [cell.source for cell in nb.cells if cell.cell_type == "code" and STEP_TAG in cell.metadata.get("tags", [])
            and "save_results(" not in cell.source]


def _assigned(source: str) -> set[str]:
    return {target.id for node in ast.parse(source).body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}


def run_notebook_steps(P, pkg, *, edits: Mapping[str, Any | Callable[[dict], Any]] | None = None) -> dict[str, Any]:
    """The namespace after the step cells of notebook ``P.notebook`` ran with parameters ``P`` on ``pkg``."""
    namespace: dict[str, Any] = {"P": P, "pkg": pkg}
    edits = dict(edits or {})
    for source in step_cells(P.notebook):
        code = "\n".join(line for line in source.splitlines() if not line.startswith("pkg = "))
        exec(compile(code, f"<{P.notebook} step>", "exec"), namespace)  # noqa: S102 (the notebook's own cells)
        for name in _assigned(source) & set(edits):
            edit = edits.pop(name)
            namespace[name] = edit(namespace) if callable(edit) else edit
    if edits:
        raise KeyError(f"no step of {P.notebook} assigns {sorted(edits)}")
    return namespace
