"""Issue 24 item 12, the set-up edges: the notebook filter fails closed, strips papermill's metadata and
injected cell and does not depend on which environment was built last; ``make lab LAB_ARGS=...``;
``USE_CURRENT_ENV=1`` without ``packaging`` lists what is missing; the build requirement builds;
every library nq57lib imports is declared; the README says nq57 runs from a clone.
Each test failed on the code before the fix."""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from nq57lib import config
import source_trees

ROOT = config.PROJ_ROOT
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
needs_git = pytest.mark.skipif(shutil.which("git") is None or shutil.which("make") is None,
                               reason="git or make not installed")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV")}


@pytest.fixture
def repo(tmp_path):
    """A fresh clone-like repository with the filter configured by ``make git-filter``, and no .venv at all."""
    repo = tmp_path / "clone"
    (repo / "tools").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    shutil.copy(ROOT / ".gitattributes", repo)
    if (ROOT / "tools" / "strip_notebook.py").exists():  # (absent before issue 24: the test then fails, not errs)
        shutil.copy(ROOT / "tools" / "strip_notebook.py", repo / "tools")
    out = subprocess.run(["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(repo), "git-filter"],
                         capture_output=True, text=True, timeout=60, env=clean_env())
    assert out.returncode == 0 and "stripped on git add" in out.stdout, out.stdout + out.stderr
    (repo / "notebooks").mkdir()
    return repo


def git(repo: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, **kw)


def as_papermill_left_it(name: str):
    """The committed notebook ``name`` as papermill leaves it: outputs, timings, its metadata, the injected cell."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    executed = copy.deepcopy(nb)
    executed.metadata["papermill"] = {"input_path": f"{name}.ipynb", "parameters": {"geo": "vn"},
                                      "start_time": "2026-01-01T00:00:00", "duration": 5.0, "exception": None}
    executed.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    for i, cell in enumerate(executed.cells):
        cell.metadata["papermill"] = {"status": "completed", "duration": 0.5, "exception": False}
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00.1Z"}
        cell.metadata.setdefault("tags", [])
        if cell.cell_type == "code":
            cell.execution_count = i
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a result\n")]
    at = next(i for i, c in enumerate(executed.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    injected = nbformat.v4.new_code_cell('# Parameters\ngeo = "vn"\n', execution_count=99)
    injected.metadata["tags"] = ["injected-parameters"]
    executed.cells.insert(at, injected)
    return executed


@needs_git
def test_the_filter_strips_papermill_metadata_and_its_injected_cell(repo):
    nbformat.write(as_papermill_left_it("budget_floor"), repo / "notebooks" / "budget_floor.ipynb")
    add = git(repo, "add", "notebooks/budget_floor.ipynb")
    assert add.returncode == 0, add.stderr
    staged = git(repo, "show", ":notebooks/budget_floor.ipynb", check=True).stdout
    for left in ("papermill", "injected-parameters", "a result", "iopub", "language_info", '"execution_count": 9'):
        assert left not in staged.replace("`papermill ...", ""), left
    assert staged == (ROOT / "notebooks" / "budget_floor.ipynb").read_text(encoding="utf-8")  # back to the commit


@needs_git
def test_the_filter_fails_closed(repo):
    assert git(repo, "config", "filter.nbstripout.required").stdout.strip() == "true"
    (repo / "notebooks" / "broken.ipynb").write_text("{ not a notebook", encoding="utf-8")
    add = git(repo, "add", "notebooks/broken.ipynb")
    assert add.returncode != 0 and "strip_notebook" in add.stderr
    assert git(repo, "ls-files", "--stage").stdout == ""  # nothing was stored


@needs_git
def test_the_filter_needs_no_project_environment(repo):
    """No .venv in the clone (none was built, or another one was built last): the filter still runs."""
    command = git(repo, "config", "filter.nbstripout.clean").stdout.strip()
    interpreter = re.match(r'"([^"]+)"', command).group(1)
    assert Path(interpreter).is_absolute() and ".venv" not in command and "tools/strip_notebook.py" in command
    assert not (repo / ".venv").exists()
    nbformat.write(as_papermill_left_it("scorecard"), repo / "notebooks" / "scorecard.ipynb")
    assert git(repo, "add", "notebooks/scorecard.ipynb").returncode == 0
    assert git(repo, "show", ":notebooks/scorecard.ipynb").stdout == \
        (ROOT / "notebooks" / "scorecard.ipynb").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_lab_passes_lab_args():
    out = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.nq57-installed", "lab",
                          "LAB_ARGS=--allow-root --port 8899"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env=clean_env())
    assert out.returncode == 0, out.stderr
    assert "jupyter lab --notebook-dir=notebooks --allow-root --port 8899" in out.stdout


def test_check_env_lists_what_is_missing_without_packaging():
    """``USE_CURRENT_ENV=1`` in an environment without ``packaging`` (and without tqdm): a list, no traceback."""
    code = ("import sys, importlib.metadata as md\n"
            "sys.modules['packaging'] = sys.modules['packaging.requirements'] = None\n"
            "real = md.version\n"
            "def version(name):\n"
            "    if name in ('packaging', 'tqdm'): raise md.PackageNotFoundError(name)\n"
            "    return real(name)\n"
            "md.version = version\n"
            "import runpy; runpy.run_path(sys.argv[1], run_name='__main__')\n")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "tools" / "check_env.py")], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert any("missing packaging" in line for line in lines) and any("missing tqdm" in line for line in lines)
    assert len(lines) == 2


def test_the_build_requirement_reads_the_licence_expression():
    """``license = "MIT"`` (PEP 639) needs setuptools >= 77; 75.8 (allowed by the old '>=69') fails to build."""
    from packaging.requirements import Requirement

    assert PROJECT["project"]["license"] == "MIT"
    (setuptools,) = [Requirement(r) for r in PROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    assert not setuptools.specifier.contains("75.8.0") and setuptools.specifier.contains("77.0.3")


def imported_distributions() -> dict[str, str]:
    """Module -> distribution of every third-party import in nq57lib and the notebooks."""
    from importlib.metadata import packages_distributions

    found = set()
    for path in [*(ROOT / "nq57lib").rglob("*.py"), *(ROOT / "notebooks").glob("*.py")]:
        for node in source_trees.nodes(path):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    found -= set(sys.stdlib_module_names) | {"nq57lib", "__future__"}
    owners = packages_distributions()
    return {module: owners[module][0] for module in sorted(found)}


def test_every_imported_library_is_declared():
    declared = {re.match(r"[A-Za-z0-9._-]+", r).group(0).lower().replace("_", "-")
                for r in PROJECT["project"]["dependencies"]}
    imported = imported_distributions()
    assert {"tqdm", "jinja2", "jupyter_client", "nbclient", "traitlets", "IPython"} <= set(imported)
    undeclared = {m: d for m, d in imported.items() if d.lower().replace("_", "-") not in declared}
    assert undeclared == {}


def test_the_readme_says_nq57_runs_from_a_clone():
    """The wheel carries nq57lib only; data/, notebooks/ and reports/ are found beside it in the clone."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "nq57 runs from a clone" in readme
    assert PROJECT["tool"]["setuptools"]["packages"]["find"]["include"] == ["nq57lib*"]
    assert config.DATA_DIR == config.PROJ_ROOT / "data" and config.NOTEBOOKS_DIR == config.PROJ_ROOT / "notebooks"
