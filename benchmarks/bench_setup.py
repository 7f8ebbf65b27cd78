"""Benchmark: set-up from a fresh copy of the project, uv against pip, side by side in one run (issue 26).

Run with any Python >= 3.11:  .venv/bin/python benchmarks/bench_setup.py [--routes uv,bootstrap,pip]

For each route, in its own fresh copy of the project (the files git tracks, as they are in this
working tree) in a temporary folder, it times as whole processes:

1. ``make report``'s environment build (``.venv`` from constraints.txt, the ``nq57`` command and
   kernel), then ``make report`` itself (the default batch, the environment already built); their
   sum is what ``make report`` costs on a fresh clone;
2. ``make airflow-env`` (``.venv-airflow`` from constraints-airflow.txt).

Routes: ``uv`` (the uv on PATH), ``bootstrap`` (PATH without uv: the Makefile installs uv into
``.tools/uv`` from the package registry first) and ``pip`` (``NQ57_INSTALLER=pip``: the stdlib venv
and pip). uv and pip keep their own download caches (uv's is reused across copies, as on any
machine that has built an environment before; ``--cold-uv-cache`` gives uv an empty one). It then
checks that the uv and pip environments hold the same packages at the same versions.

Times are wall-clock with the CPU seconds (user + system of the whole process tree) beside them,
and the load average before and after each route: other processes on the machine slow wall times.
Every command must succeed, or the benchmark stops with its output.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUTES = ("uv", "bootstrap", "pip")
AIMS = {"report": 35.0, "airflow": 45.0}  # issue 26, seconds on a fresh clone, 2 cores
NOT_COMPARED = {"pip", "setuptools", "wheel"}  # the pip route's venv brings pip itself


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def project_copy(target: Path) -> Path:
    """The tracked files of this clone, as they are in the working tree (a fresh clone without .git)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def base_python() -> str:
    """The interpreter the project's environments are built on (this one's base, as a path)."""
    return str(Path(getattr(sys, "_base_executable", sys.executable)).resolve())


def path_without_uv() -> str:
    """PATH without any folder that holds a ``uv`` (the machine of a user who never installed it)."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not (Path(f) / "uv").exists())


def make_env(route: str, cache: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV") and not k.startswith(("JUPYTER", "NQ57_"))}
    env["NQ57_INSTALLER"] = "pip" if route == "pip" else "uv"
    if route == "bootstrap":
        env["PATH"] = path_without_uv()
    if cache is not None:
        env["UV_CACHE_DIR"] = str(cache)
    return env


def timed_make(project: Path, env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall and CPU seconds of one ``make`` (CPU: user + system of its whole process tree)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(["make", "--no-print-directory", f"PYTHON={base_python()}", *args], cwd=project, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"benchmark command failed ({done.returncode}): make {' '.join(args)} in {project}\n"
                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def installed(python: Path) -> dict[str, str]:
    code = ("import importlib.metadata as m, json; "
            "print(json.dumps({d.metadata['Name'].lower().replace('_', '-'): d.version for d in m.distributions()}))")
    import json

    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout
    return {k: v for k, v in json.loads(out).items() if k not in NOT_COMPARED}


def differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return [f"{name} {a.get(name, '-')} / {b.get(name, '-')}" for name in sorted(set(a) | set(b))
            if a.get(name) != b.get(name)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", default=",".join(ROUTES),
                        help=f"comma-separated routes to time, of {', '.join(ROUTES)} (default: all)")
    parser.add_argument("--cold-uv-cache", action="store_true", help="give uv an empty cache (it downloads everything)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies (their paths are printed)")
    args = parser.parse_args()
    routes = [r.strip() for r in args.routes.split(",") if r.strip()]
    bad = [r for r in routes if r not in ROUTES]
    if bad or not routes:
        parser.error(f"--routes: unknown route {', '.join(bad) or '(none)'}; choose from {', '.join(ROUTES)}")
    if "uv" in routes and shutil.which("uv") is None:
        parser.error("--routes: uv is not on PATH here; time the 'bootstrap' route instead")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    tmp = Path(tempfile.mkdtemp(prefix="nq57-bench-setup-"))
    rows: dict[str, dict] = {}
    try:
        for route in routes:
            project = project_copy(tmp / route)
            cache = tmp / f"uv-cache-{route}" if args.cold_uv_cache and route != "pip" else None
            env = make_env(route, cache)
            row = {"load_before": load_average()}
            row["env"] = timed_make(project, env, ".venv/.nq57-installed")
            row["report"] = timed_make(project, env, "report")
            row["airflow"] = timed_make(project, env, "airflow-env")
            row["load_after"] = load_average()
            row["packages"] = installed(project / ".venv" / "bin" / "python")
            row["airflow_packages"] = installed(project / ".venv-airflow" / "bin" / "python")
            row["bootstrapped_uv"] = (project / ".tools" / "uv" / "bin" / "uv").exists()
            rows[route] = row
            print(f"  ... {route} done ({row['env'][0] + row['report'][0]:.0f} s + {row['airflow'][0]:.0f} s)",
                  file=sys.stderr, flush=True)
    finally:
        if args.keep:
            print(f"copies kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"nq57 set-up benchmark: fresh copies of the project, {cores} cores, Python {base_python()}; "
          f"uv cache {'empty (cold)' if args.cold_uv_cache else 'as on this machine'}; wall s (CPU s)")
    print(f"  {'route':<34}{'environment':>16}{'report':>16}{'make report':>16}{'airflow-env':>16}   load average")
    label = {"uv": "uv on PATH", "bootstrap": "uv installed into .tools/uv", "pip": "pip (NQ57_INSTALLER=pip)"}
    for route, row in rows.items():
        total = (row["env"][0] + row["report"][0], row["env"][1] + row["report"][1])
        cells = [row["env"], row["report"], total, row["airflow"]]
        print(f"  {label[route]:<34}" + "".join(f"{w:8.1f} ({c:5.1f})" for w, c in cells)
              + f"   {row['load_before']} -> {row['load_after']}")
    for route, row in rows.items():
        if route != "pip":
            total = row["env"][0] + row["report"][0]
            print(f"  {label[route]}: make report {total:.1f} s (aim <= {AIMS['report']:.0f} s), "
                  f"make airflow-env {row['airflow'][0]:.1f} s (aim <= {AIMS['airflow']:.0f} s)"
                  + ("; uv bootstrapped into .tools/uv" if row["bootstrapped_uv"] else ""))
    if "pip" in rows:
        pip = rows["pip"]
        for route in (r for r in rows if r != "pip"):
            row = rows[route]
            print(f"  pip / {label[route]}: environment {pip['env'][0] / row['env'][0]:.1f}x, "
                  f"make report {(pip['env'][0] + pip['report'][0]) / (row['env'][0] + row['report'][0]):.1f}x, "
                  f"airflow-env {pip['airflow'][0] / row['airflow'][0]:.1f}x")
            for name in ("packages", "airflow_packages"):
                diff = differences(row[name], pip[name])
                which = ".venv" if name == "packages" else ".venv-airflow"
                print(f"  {which}: {label[route]} and pip install "
                      + (f"the same {len(row[name])} packages at the same versions" if not diff
                         else f"different packages ({label[route]} / pip): {'; '.join(diff)}"))


if __name__ == "__main__":
    main()
