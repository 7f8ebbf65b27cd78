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
import pandas as pd

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


# name -> [(parameters key, snapshot of the package's tables, other package fields, result)], per test process.
_RESULTS: dict[str, list] = {}
# Off in a test that patches something (conftest: one that uses ``monkeypatch``): its report must be its own.
reuse_allowed = True


def unedited_result(P, pkg, name: str):
    """``run_notebook_steps(P, pkg)[name]`` (the notebook's saved report), computed once per test process for
    these parameters and a package of these contents, and handed out as a deep copy: a test may edit what it
    gets. Many tests read the same default report; each built it again (issue 26: the suite's time).
    A package whose tables were edited (``data_package.TableSnapshot``) gets its own, and so does a test that
    patches a module or a locale with ``monkeypatch`` (``reuse_allowed``; a patch made otherwise is not seen:
    build with ``run_notebook_steps`` there). The copy's figures are drawn from the kept report (``deepcopy``
    keeps closures): a test that edits a report and then draws it builds its own."""
    import copy
    import dataclasses

    from nq57lib import data_package, text

    if not reuse_allowed:
        return run_notebook_steps(P, pkg)[name]
    key = (P.notebook, repr(sorted(P.items(), key=lambda item: item[0])), tuple(sorted(P.given)),
           text._LEVEL["level"])  # the report's GDP/GRDP wording is process-wide state
    others = tuple((f.name, getattr(pkg, f.name)) for f in dataclasses.fields(pkg)
                   if not isinstance(getattr(pkg, f.name), pd.DataFrame))
    for kept_key, snapshot, kept_others, result in _RESULTS.setdefault(name, []):
        if kept_key == key and kept_others == others and snapshot.matches(pkg):
            return copy.deepcopy(result)
    snapshot = data_package.TableSnapshot.of(pkg)  # the package the steps start from
    result = run_notebook_steps(P, pkg)[name]
    _RESULTS[name].append((key, snapshot, others, result))
    return copy.deepcopy(result)
