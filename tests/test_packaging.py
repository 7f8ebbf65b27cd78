"""Packaging and set-up: dependency lists agree, the package imports light, the layout holds."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from nq57lib import config

ROOT = config.PROJ_ROOT


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    import yaml  # installed with papermill

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_name_and_spec(r) for r in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted.update(_name_and_spec(r) for r in extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(_name_and_spec(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("python"), conda.pop("pip")
    assert conda == wanted


def test_constraints_pin_every_dependency():
    pins = dict(_name_and_spec(line) for line in (ROOT / "constraints.txt").read_text().splitlines()
                if line and not line.startswith("#"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [_name_and_spec(r)[0] for r in project["dependencies"]]
    names += [_name_and_spec(r)[0] for extra in project["optional-dependencies"].values() for r in extra]
    unpinned = [n for n in names if not pins.get(n, "").startswith("==")]
    assert unpinned == []


def test_pytest_keeps_its_rewritten_test_modules():
    """conftest lets pytest keep the test modules it rewrote, also where PYTHONDONTWRITEBYTECODE is set (each
    worker rewrote all of them at every run)."""
    assert sys.dont_write_bytecode is False
    assert list((Path(__file__).parent / "__pycache__").glob(f"{Path(__file__).stem}.*-pytest-*.pyc"))


def test_import_is_light():
    code = "import sys, nq57lib; heavy = {'pandas', 'numpy', 'matplotlib', 'statsmodels'} & set(sys.modules); print(sorted(heavy))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_layout_and_ignored_reports():
    for path in ("notebooks", "nq57lib", "data/datapackage.json", "reports/.gitkeep", "environment.yml",
                 "README.md", "pyproject.toml", "benchmarks", ".ci/run", "Makefile", "constraints.txt"):
        assert (ROOT / path).exists(), path
    ignored = (ROOT / ".gitignore").read_text()
    assert "reports/*" in ignored and "!reports/README.md" in ignored


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make test" in ci
    assert "make report" in readme


def _make_dry_run(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    """``make -n`` (print the commands, run none) of the environment build, in a clean make environment."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "NQ57_INSTALLER")}
    if path is not None:
        env["PATH"] = path
    # A make above this one (test_make's USE_CURRENT_ENV=1 run) exports its command-line variables: reset them.
    return subprocess.run(["make", "--no-print-directory", "-n", "-B", ".venv/.nq57-installed", "USE_CURRENT_ENV=",
                           "VENV=.venv", "UV_HOME=.tools/uv", "PYTHON=python3", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_make_builds_with_a_working_uv_and_falls_back_to_pip_on_request(tmp_path):
    """A uv on PATH that does not run (a pyenv shim without uv) is passed over for the tool folder's uv;
    NQ57_INSTALLER=pip builds with venv and pip; another value is refused in one line."""
    import os

    broken = tmp_path / "path"
    broken.mkdir()
    (broken / "uv").write_text("#!/bin/sh\necho 'pyenv: uv: command not found' >&2\nexit 127\n")
    tools = tmp_path / "tools"
    (tools / "bin").mkdir(parents=True)
    (tools / "bin" / "uv").write_text("#!/bin/sh\necho uv 0.0.0\n")
    for script in (broken / "uv", tools / "bin" / "uv"):
        script.chmod(0o755)
    path = f"{broken}{os.pathsep}{os.environ['PATH']}"
    out = _make_dry_run(f"UV_HOME={tools}", f"PYTHON={sys.executable}", path=path)
    assert out.returncode == 0, out.stderr
    assert f"{tools}/bin/uv venv" in out.stdout and f"{tools}/bin/uv pip install" in out.stdout
    assert "-c constraints.txt" in out.stdout and "pip install --quiet --disable-pip-version-check" not in out.stdout

    out = _make_dry_run("NQ57_INSTALLER=pip", f"PYTHON={sys.executable}")
    assert out.returncode == 0, out.stderr
    assert f"{sys.executable} -m venv .venv" in out.stdout and "uv venv" not in out.stdout
    assert ".venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt" in out.stdout

    out = _make_dry_run("NQ57_INSTALLER=conda")
    assert out.returncode == 2 and out.stderr.strip().endswith("NQ57_INSTALLER must be uv or pip, not 'conda'.  Stop.")
    assert len(out.stderr.strip().splitlines()) == 1


def test_make_report_installs_the_reports_packages_and_make_test_adds_the_extras(tmp_path):
    """A fresh clone's ``make report`` builds .venv with the reports' packages only; ``make test`` and ``make lab``
    add the test and lab extras to the same environment (issue 26: `make report` in seconds). On the uv route,
    compileall compiles what each step installed, the libraries' test suites aside."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "NQ57_INSTALLER")}
    tools = tmp_path / "tools"
    (tools / "bin").mkdir(parents=True)
    (tools / "bin" / "uv").write_text("#!/bin/sh\necho uv 0.0.0\n")
    (tools / "bin" / "uv").chmod(0o755)

    def dry(target: str, installer: str = "pip") -> str:
        out = subprocess.run(["make", "--no-print-directory", "-n", "-B", target, "USE_CURRENT_ENV=", "VENV=.venv",
                              f"NQ57_INSTALLER={installer}", f"UV_HOME={tools}", f"PYTHON={sys.executable}"],
                             cwd=ROOT, env={**env, "PATH": f"{tmp_path}{os.pathsep}{env['PATH']}"},
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout

    compile_all = r"-m compileall -q -j 0 -x '[/\\]site-packages[/\\].*[/\\]tests?[/\\]'"
    uv_test = dry("test", "uv")
    if shutil.which("uv") is None:  # (a working uv on PATH is used before the tool folder's)
        assert f"{tools}/bin/uv pip install --quiet --python .venv/bin/python -c constraints.txt -e ." in uv_test
    assert uv_test.count(compile_all) == 2 and "--compile-bytecode" not in uv_test
    assert uv_test.index("-e .") < uv_test.index('-e ".[test,lab]"') < uv_test.rindex(compile_all)
    # then nq57lib and the tests' helpers, which every kernel and command of the suite imports, before the suite
    own_code = uv_test.index("-m compileall -q -j 0 nq57lib tests")
    assert uv_test.rindex(compile_all) < own_code < uv_test.index("-m pytest")

    report = dry("report")
    assert "-c constraints.txt -e ." in report and "[test" not in report and "nq57 run" in report
    for target in ("test", "lab"):
        commands = dry(target).splitlines()
        base = next(i for i, c in enumerate(commands) if "-c constraints.txt -e ." in c and "[test" not in c)
        extras = next(i for i, c in enumerate(commands) if '-c constraints.txt -e ".[test,lab]"' in c)
        assert base < extras and ".venv/bin/python -m pip install" in commands[extras], target
        assert "touch .venv/.nq57-dev-installed" in commands[extras + 1], target
