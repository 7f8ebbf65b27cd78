#!/usr/bin/env python3
"""Git's clean filter for notebooks (``.gitattributes``: ``*.ipynb filter=nbstripout``): what git stores.

Reads a notebook (JSON) on standard input and writes it without what a run leaves in it: every output
and execution count, papermill's metadata (the notebook's ``metadata.papermill`` and each cell's) and
the ``injected-parameters`` cell papermill adds (and its empty ``tags`` lists), execution timings
(``metadata.execution``, ``ExecuteTime``), the kernel's ``language_info``, the runner's ``metadata.nq57``
and the view state ``collapsed`` / ``scrolled``. Cell ids are kept. The file in the
working tree keeps its outputs; only what is committed is stripped.

Only the standard library, run by ``python3`` (any Python >= 3.8), so the filter works whichever
environment was built last, or none: ``make git-filter`` configures it with ``required = true``, so
git refuses to add a notebook when the filter cannot run (fail closed) or the input is not a notebook.
"""

from __future__ import annotations

import json
import sys

CELL_KEYS = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")
NOTEBOOK_KEYS = ("papermill", "widgets", "signature", "language_info", "nq57")  # nq57: the runner's record


def strip(nb: dict) -> dict:
    """``nb`` without outputs, run metadata and papermill's injected cell."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("not a Jupyter notebook (no list of cells)")
    for key in NOTEBOOK_KEYS:
        nb.get("metadata", {}).pop(key, None)
    cells = []
    for cell in nb["cells"]:
        metadata = cell.get("metadata", {})
        if "injected-parameters" in (metadata.get("tags") or []):
            continue  # papermill's cell of the values it was given: a run's, not the notebook's
        for key in CELL_KEYS:
            metadata.pop(key, None)
        if metadata.get("tags") == []:  # papermill adds an empty list to every cell
            del metadata["tags"]
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cells.append(cell)
    nb["cells"] = cells
    return nb


def main() -> int:
    text = sys.stdin.buffer.read().decode("utf-8")
    try:
        nb = strip(json.loads(text))
    except ValueError as error:
        print(f"strip_notebook: refusing to store this notebook: {error}", file=sys.stderr)
        return 1
    out = json.dumps(nb, sort_keys=True, indent=1, separators=(",", ": "), ensure_ascii=False) + "\n"
    sys.stdout.buffer.write(out.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
