"""The Makefile's ``USE_CURRENT_ENV=1`` switch for conda users: ``make data``, ``make report`` and
``make test`` run in the active environment, build no ``.venv``, and install the kernel there.

conda itself is not on the test machines; a bare venv that already has every dependency (borrowed
from ours by a ``.pth`` line, as a conda env has them from environment.yml) stands in for it. The
commands run in a copy of the project, so the clone's own git config and .venv are left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from nq57lib import config

ROOT = config.PROJ_ROOT
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("make")]  # one worker: one stand-in environment


def project_copy(target: Path) -> Path:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode == 0:
        for name in listed.stdout.splitlines():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    else:
        shutil.copytree(ROOT, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".venv*", "reports", ".git", "__pycache__", "*.egg-info"))
    return target


@pytest.fixture(scope="module")
def conda_like(tmp_path_factory):
    """(project copy, the stand-in environment's python, environment variables for make).

    The stand-in has our packages (a .pth line) and their Jupyter data files (symlinks), no kernel.
    """
    tmp = tmp_path_factory.mktemp("conda-like")
    env_dir = tmp / "env"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(env_dir)],
                   check=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "environment-yml-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    shared = env_dir / "share" / "jupyter"  # the packages' data files (nbconvert templates), as conda has them
    shared.mkdir(parents=True)
    for item in (Path(sys.prefix) / "share" / "jupyter").iterdir():
        if item.name != "kernels":
            (shared / item.name).symlink_to(item)
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV") and not k.startswith(("JUPYTER", "NQ57_"))}
    env.update(HOME=str(tmp / "home"), PATH=f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}")
    return project_copy(tmp / "nq57"), python, env


def make(project: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args, "USE_CURRENT_ENV=1", "PYTHON=python"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900)


def test_make_data_installs_into_the_active_environment_and_builds_no_venv(conda_like):
    project, python, env = conda_like
    out = make(project, env, "data")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "nq57 data package" in out.stdout
    assert not (project / ".venv").exists()
    prefix = python.parent.parent
    assert (prefix / ".nq57-installed").is_file() and (prefix / "bin" / "nq57").is_file()
    spec = json.loads((prefix / "share" / "jupyter" / "kernels" / "nq57" / "kernel.json").read_text())
    assert spec["argv"][0] == str(python)
    again = make(project, env, "data")  # idempotent: nothing is installed twice
    assert again.returncode == 0 and "pip install" not in again.stdout


def test_make_report_and_make_test_run_in_the_active_environment(conda_like, tmp_path):
    project, python, env = conda_like
    reports = tmp_path / "reports"
    # the lightest report (its kernel imports no statsmodels, scipy or seaborn): the route is under test, not a report
    out = make(project, env, "report", f"RUN_ARGS=--notebook budget_floor --geo vn --reports-dir {reports}")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    manifest = json.loads(next(reports.glob("runs/*/manifest.json")).read_text(encoding="utf-8"))
    assert manifest["counts"]["ok"] == 1 and manifest["kernel"] == "nq57"
    assert (reports / manifest["jobs"][0]["report_html"]).is_file()
    out = make(project, env, "test", "PYTEST_ARGS=tests/test_packaging.py -q -p no:cacheprovider")
    assert out.returncode == 0 and " passed" in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]
    assert not (project / ".venv").exists()
