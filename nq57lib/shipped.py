"""Is a notebook the one the repository ships? Its jupytext pair in sync, its cells as committed.

Three questions every route asks before it trusts a notebook (issue 24):

- ``check_pair``: ``notebooks/X.ipynb`` (what papermill runs) and its jupytext pair ``X.py`` (what
  people edit) hold the same cells; otherwise an edit would be silently ignored, or run unseen. A
  mismatch stops ``nq57 run`` before any kernel starts, with the command that syncs them.
- ``is_edited``: the notebook's cells (type, source and tags, in order) differ from the ones
  committed at ``HEAD`` in its git repository. Outputs, execution counts and metadata do not count
  (papermill replaces them); a cell papermill injected (``injected-parameters``) is left out. A
  notebook git does not know (no repository, an untracked file) counts as edited: nothing says it
  is the shipped one.
- An edited notebook is a what-if: its report never becomes the latest default report
  (``report.is_what_if``), and ``nq57 run`` gives it a kernel of its own instead of a warm one
  (a notebook nobody reviewed may change process-wide state that a fresh namespace does not put back).
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path
from typing import Any

from .errors import ParameterError

INJECTED_TAG = "injected-parameters"


def cells(nb: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    """The cells that decide what a notebook computes: (type, source, tags), papermill's injected cell left out."""
    return [(cell.cell_type, cell.source, tuple(cell.get("metadata", {}).get("tags", [])))
            for cell in nb.cells if INJECTED_TAG not in cell.get("metadata", {}).get("tags", [])]


def read_cells(path: str | Path) -> list[tuple[str, str, tuple[str, ...]]]:
    import nbformat

    return cells(nbformat.read(str(path), as_version=4))


def committed_cells(path: str | Path) -> list[tuple[str, str, tuple[str, ...]]] | None:
    """The cells of ``path`` as committed at ``HEAD`` of its git repository; None if git does not have it."""
    return _committed_cells(str(Path(path).resolve()))


@functools.lru_cache(maxsize=32)
def _committed_cells(path: str) -> list[tuple[str, str, tuple[str, ...]]] | None:
    import nbformat

    folder, name = Path(path).parent, Path(path).name
    try:
        done = subprocess.run(["git", "-C", str(folder), "show", f"HEAD:./{name}"], capture_output=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    try:
        return cells(nbformat.reads(done.stdout.decode("utf-8"), as_version=4))
    except Exception:  # noqa: BLE001 - a committed file that is not a notebook: nothing to compare with
        return None


def is_edited(path: str | Path, nb: Any = None) -> bool:
    """Whether the notebook at ``path`` (or the executed notebook ``nb`` run from it) differs from the committed one."""
    committed = committed_cells(path)
    current = cells(nb) if nb is not None else read_cells(path)
    return committed is None or current != committed


def pair_of(path: str | Path) -> Path:
    return Path(path).with_suffix(".py")


def check_pair(path: str | Path) -> None:
    """Raise ``ParameterError`` if ``path`` (an ``.ipynb``) and its jupytext ``.py`` hold different cells.

    A notebook without a ``.py`` beside it (a user's own) has nothing to agree with.
    """
    path = Path(path)
    pair = pair_of(path)
    if not pair.is_file():
        return
    import jupytext

    try:
        paired = cells(jupytext.read(pair))
    except Exception as exc:  # noqa: BLE001 - an unreadable pair is a mismatch too
        raise ParameterError("notebook", f"{pair}: not readable by jupytext ({type(exc).__name__}); fix it, then "
                                         f"run: {sync_command(pair)}") from None
    if paired != read_cells(path):
        raise ParameterError("notebook", f"{path.name} and {pair.name} differ (one was edited without syncing); "
                                         f"run: {sync_command(pair)}")


def sync_command(pair: Path) -> str:
    """The command that syncs a jupytext pair, with paths as short as the current folder allows."""
    import shlex
    import sys

    def short(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    tool = Path(sys.executable).parent / "jupytext"
    return f"{shlex.quote(short(tool) if tool.is_file() else 'jupytext')} --sync {shlex.quote(short(pair))}"
