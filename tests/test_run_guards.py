"""Issue 24, the guards of a run: where reports may go (6), run records as validated data (8), the bounds
of user data (9) and the report's offline check (10). The numbers in the section titles are the issue's;
each test failed on the code before the fix.

Planning tests run the real registry and data but never start a kernel (``run_jobs`` fails the test if
called).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import shutil
from pathlib import Path

import pytest

from nq57lib import cli, config, render, report, runner
from nq57lib.errors import ParameterError
from nq57lib.params import validate_parameters


def nq57(*args: str) -> tuple[int, str, str]:
    """The ``nq57`` command in this process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def one_line_naming(code: int, err: str, name: str) -> str:
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and f"parameter '{name}'" in lines[0], err
    return lines[0]


# ---------------------------------------------------------------------------------------------
# 6. Reports only under a reports folder: never data/, notebooks/, nq57lib/ or the clone's root

ROOT = config.PROJ_ROOT
TOKEN = secrets.token_hex(4)
PROTECTED = {  # as given on the command line (relative to the clone) -> the folder the test watches
    "data": ROOT / "data",
    f"data/nq57-test-{TOKEN}": ROOT / "data",
    "notebooks": ROOT / "notebooks",
    f"nq57lib/nq57-test-{TOKEN}": ROOT / "nq57lib",
    ".": ROOT,
}


def snapshot(folder: Path) -> dict[str, float]:
    """Every name directly in ``folder`` and below its subfolders created by runs (what a run would add)."""
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.iterdir()}


@pytest.fixture
def watched(request):
    """The protected folder of the case; whatever a failing (pre-fix) run put there is removed afterwards."""
    folder = PROTECTED[request.param]
    before = set(snapshot(folder))
    yield request.param, folder
    for name in set(snapshot(folder)) - before:  # only what this test created
        path = folder / name
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def _added(folder: Path, before: set[str]) -> set[str]:
    return set(snapshot(folder)) - before


@pytest.mark.parametrize("watched", list(PROTECTED), indirect=True)
def test_run_refuses_a_project_folder_as_reports_dir(monkeypatch, watched):
    given, folder = watched
    before = set(snapshot(folder))
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    code, _, err = nq57("run", "--notebook", "budget_floor", "--geo", "vn", "--reports-dir", given)
    line = one_line_naming(code, err, "reports-dir")
    assert "reports folder" in line
    assert _added(folder, before) == set()


@pytest.mark.parametrize("watched", ["data", f"data/nq57-test-{TOKEN}", "."], indirect=True)
def test_render_refuses_a_project_folder_before_reading_anything(monkeypatch, tmp_path, watched):
    given, folder = watched
    before = set(snapshot(folder))
    monkeypatch.chdir(ROOT)
    executed = tmp_path / "out.ipynb"  # never read: the folder is refused first
    code, _, err = nq57("render", str(executed), "--reports-dir", given)
    one_line_naming(code, err, "reports-dir")
    assert _added(folder, before) == set()


@pytest.mark.parametrize("watched", ["data", "notebooks"], indirect=True)
def test_prune_refuses_a_project_folder(monkeypatch, watched):
    given, folder = watched
    before = set(snapshot(folder))
    monkeypatch.chdir(ROOT)
    code, _, err = nq57("prune", "--keep", "1", "--reports-dir", given)
    one_line_naming(code, err, "reports-dir")
    assert _added(folder, before) == set()


@pytest.mark.parametrize("watched", ["data", f"nq57lib/nq57-test-{TOKEN}"], indirect=True)
def test_environment_reports_dir_is_refused_on_every_route(monkeypatch, tmp_path, watched):
    """``NQ57_REPORTS_DIR`` into data/: nq57 run without --reports-dir, the DAG's plan and plain papermill's
    validation cell (whose results would go to NQ57_REPORTS_DIR/scratch/) all refuse it before any work."""
    given, folder = watched
    before = set(snapshot(folder))
    monkeypatch.setattr(config, "REPORTS_DIR", ROOT / given)
    monkeypatch.setattr(runner, "run_jobs", lambda *a, **k: pytest.fail("a kernel would have started"))
    code, _, err = nq57("run", "--notebook", "budget_floor", "--geo", "vn")
    one_line_naming(code, err, "NQ57_REPORTS_DIR")
    with pytest.raises(ParameterError, match="NQ57_REPORTS_DIR"):
        runner.plan_run(["budget_floor"], ["vn"], {}, None)  # the Airflow DAG's plan with no reports_dir
    namespace = {"geo": "vn", "output_dir": "", "_ih": [""]}
    with pytest.raises(ParameterError, match="NQ57_REPORTS_DIR"):
        validate_parameters("scorecard", {**namespace, **{s: v for s, v in _defaults("scorecard").items()
                                                          if s not in namespace}})
    assert _added(folder, before) == set()


def _defaults(notebook: str) -> dict:
    from nq57lib.registry import SPECS

    return {spec.name: spec.default for spec in SPECS[notebook]}


@pytest.mark.parametrize("watched", ["data", "."], indirect=True)
def test_airflow_plan_refuses_a_project_folder(watched):
    given, folder = watched
    before = set(snapshot(folder))
    with pytest.raises(ParameterError, match="reports"):
        runner.plan_run(["budget_floor"], ["vn"], {}, str(ROOT / given))
    assert _added(folder, before) == set()


def test_output_dir_may_not_be_the_clone_root():
    with pytest.raises(ParameterError, match="root"):
        validate_parameters("budget_floor", geo="vn", output_dir=str(ROOT))


def test_a_reports_folder_inside_the_clone_is_fine(tmp_path):
    plan = runner.plan_run(["budget_floor"], ["vn"], {}, tmp_path / "reports")
    assert Path(plan["reports_dir"]) == (tmp_path / "reports").resolve()
