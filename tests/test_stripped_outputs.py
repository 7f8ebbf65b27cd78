"""Notebook outputs never reach git: the committed notebooks are stripped, and the git filter that
``make`` configures (``tools/strip_notebook.py``, named ``nbstripout`` in .gitattributes) strips a
notebook saved with outputs when it is added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nq57lib import config

ROOT = config.PROJ_ROOT
BIN = Path(sys.executable).parent
STRIP = [sys.executable, str(ROOT / "tools" / "strip_notebook.py")]  # the filter `make git-filter` configures

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def committed_notebooks() -> dict[str, str]:
    """Every tracked .ipynb as git stores it (the index), by path."""
    names = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    if names.returncode != 0:  # not a git clone: the files are what would be committed
        return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in ROOT.glob("notebooks/*.ipynb")}
    return {name: subprocess.run(["git", "show", f":{name}"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout for name in names.stdout.split()}


def test_committed_notebooks_are_exactly_what_the_filter_leaves():
    committed = committed_notebooks()
    assert len(committed) >= 3
    for name, text in committed.items():
        nb = nbformat.reads(text, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code), name
        stripped = subprocess.run(STRIP, input=text, capture_output=True, text=True, check=True).stdout
        assert stripped == text, f"{name} changes under the output filter: run {' '.join(STRIP)} on it"


def test_git_filter_strips_outputs_when_a_notebook_is_added(tmp_path):
    repo = tmp_path / "clone"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    shutil.copy(ROOT / ".gitattributes", repo)
    (repo / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "strip_notebook.py", repo / "tools")  # the filter, as in every clone
    (repo / ".venv").symlink_to(BIN.parent, target_is_directory=True)  # the clone's own environment
    out = subprocess.run(["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(repo), "git-filter"],
                         capture_output=True, text=True, timeout=60,
                         env={k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")})
    assert out.returncode == 0 and "stripped on git add" in out.stdout, out.stdout + out.stderr
    nb = nbformat.read(ROOT / "notebooks" / "scorecard.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.execution_count = 3
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="saved in JupyterLab\n")]
    (repo / "notebooks").mkdir()
    nbformat.write(nb, repo / "notebooks" / "scorecard.ipynb")
    subprocess.run(["git", "add", "scorecard.ipynb"], cwd=repo / "notebooks", check=True)  # git filters from the top
    staged = subprocess.run(["git", "show", ":notebooks/scorecard.ipynb"], cwd=repo, capture_output=True, text=True,
                            check=True).stdout
    assert "saved in JupyterLab" not in staged and '"execution_count": 3' not in staged
    assert staged == (ROOT / "notebooks" / "scorecard.ipynb").read_text(encoding="utf-8")  # back to the commit
    assert "saved in JupyterLab" in (repo / "notebooks" / "scorecard.ipynb").read_text()  # the file keeps them
