"""Benchmark: large and repeated batches (issue 16), side by side in one run.

Run with the project's interpreter:  .venv/bin/python benchmarks/bench_batches.py [--repeat N]

What it times, on the same machine and data, every command as a whole process:

1. ``nq57 data`` (import, load and validate the data package, print the coverage), best of N;
2. the all-geographies batch, ``nq57 run --geo all`` (every report notebook, every geography with
   its data), as time per report: with the warm kernel pool (the default) against
   ``--fresh-kernels`` (a kernel per notebook, as before the pool);
3. the no-change rerun: ``nq57 run --geo all`` again into the same reports folder, where every report
   is reused (``nq57lib.reuse``), best of N;
4. the default batch (``nq57 run``) against the naive sequential loop of ``papermill`` and
   ``jupyter nbconvert`` (the functions of ``bench_reports.py``), each in its own empty folder;
5. the same reports as (2), with the warm kernel pool, on a SYNTHETIC panel three times larger
   (issue 26): a copy of the project whose data package gives every province two synthetic twins
   (``synthetic_panel.py``; never the project's data/), so every cross-province panel lists three
   times as many provinces; CPU seconds a report against the shipped data's (aim: <= 1.2x).
   ``--only-panel`` times (2) and (5) alone.

It prints each time, the ratios and the issue's aims. Times are wall-clock: other processes on the
machine slow them, so short commands are timed best of N, and the load average is printed before
and after. Outputs go to a temporary folder, never to ``reports/``. Every command must succeed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_reports import BIN, kernel_name, naive_seconds, timed  # noqa: E402
from synthetic_panel import synthetic_package  # noqa: E402

from nq57lib import config  # noqa: E402
from nq57lib.registry import SPECS  # noqa: E402


ISSUE_TODAY_S = 2.1  # issue 16's "today": `nq57 run --geo all`, 105 reports in 219 s on this machine


def timed_with_cpu(argv: list[str], **kwargs) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the command's whole process tree) of one command.

    CPU time is what two saturated cores share, so it is steadier than wall time when other
    processes run; each process's time reaches it when its parent waits for it.
    """
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(argv, **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def larger_panel_cpu(work: Path, notebooks: list[str], geos: list[str]) -> tuple[float, float, int, dict]:
    """Wall and CPU seconds of the reports of ``geos`` with the warm pool, on a synthetic panel three
    times larger: a copy of the project (the files git tracks) whose data/ is ``synthetic_package``'s,
    imported ahead of the installed nq57lib (PYTHONPATH, inherited by every kernel)."""
    import shutil
    import subprocess

    copy = work / "panel-x3"
    listed = subprocess.run(["git", "ls-files", "-z", "nq57lib", "notebooks"], cwd=config.PROJ_ROOT,
                            capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(config.PROJ_ROOT / name, copy / name)
    counts = synthetic_package(copy / "data", copies=2)
    # the copy is a repository of its own, so its notebooks are the committed, shipped ones (shipped.is_edited):
    # without a commit every report would be a what-if in a fresh kernel, not the warm pool measured beside it
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "synthetic panel x3"]):
        subprocess.run([*git, *step], cwd=copy, check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(copy), os.environ.get("PYTHONPATH")]))}
    reports = work / "all-panel-x3"
    wall, cpu = timed_with_cpu(run_argv(reports, notebooks, geos), cwd=copy, env=env)
    manifest = newest_manifest(reports)
    return wall, cpu, manifest["counts"]["ok"] + manifest["counts"]["failed"], counts


def best_of(argv: list[str], repeat: int) -> float:
    return min(timed(argv) for _ in range(repeat))


def run_argv(reports_dir: Path, notebooks: list[str], geos: list[str], *extra: str) -> list[str]:
    argv = [str(BIN / "nq57"), "run", "--reports-dir", str(reports_dir)]
    argv += [a for nb in notebooks for a in ("--notebook", nb)] + [a for g in geos for a in ("--geo", g)]
    return argv + list(extra)


def newest_manifest(reports_dir: Path) -> dict:
    path = sorted((reports_dir / "runs").glob("*/manifest.json"))[-1]
    return json.loads(path.read_text(encoding="utf-8"))


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each short command (best of N)")
    parser.add_argument("--only-panel", action="store_true",
                        help="time only the all-geographies batch on the shipped data and on the 3x synthetic panel")
    parser.add_argument("--notebook", action="append", choices=list(SPECS),
                        help="only these notebooks (repeatable; default: every report notebook)")
    args = parser.parse_args()
    notebooks = args.notebook or list(SPECS)
    kernel = kernel_name()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load_before = load_average()

    with tempfile.TemporaryDirectory(prefix="nq57-bench-") as tmp:
        work = Path(tmp)
        data_s = None if args.only_panel else best_of([str(BIN / "nq57"), "data"], args.repeat)

        all_dir = work / "all"
        load_all = load_average()
        all_s, all_cpu = timed_with_cpu(run_argv(all_dir, notebooks, ["all"]))
        manifest = newest_manifest(all_dir)
        n_all = manifest["counts"]["ok"] + manifest["counts"]["failed"]
        shipped_geos = sorted({j["geo"] for j in manifest["jobs"]})
        load_x3 = load_average()
        x3_s, x3_cpu, n_x3, x3_counts = larger_panel_cpu(work, notebooks, shipped_geos)
        load_x3_after = load_average()
        if not args.only_panel:
            fresh_s, fresh_cpu = timed_with_cpu(run_argv(work / "all-fresh", notebooks, ["all"], "--fresh-kernels"))
            rerun_s = best_of(run_argv(all_dir, notebooks, ["all"]), args.repeat)
            rerun = newest_manifest(all_dir)
            n_reused = rerun.get("reused", 0)

            geos = list(config.DEFAULT_REPORT_GEOS)
            batch_s = timed(run_argv(work / "batch", notebooks, geos))
            naive_s = naive_seconds(work / "naive", notebooks, geos, kernel)
    print(f"nq57 batch benchmark: {cores} cores, kernel {kernel!r}, best of {args.repeat} for short commands; "
          f"load average before {load_before}, after {load_average()} (other processes may slow every time)")
    n = max(n_all, 1)
    if data_s is not None:
        print(f"  nq57 data, whole process                 {data_s:7.2f} s   (aim: <= 0.6 s)")
    print(f"  all geographies, warm kernel pool        {all_s:7.2f} s   {n_all} reports, "
          f"{all_s / n:.2f} s a report (aim: <= 0.7 s a report); CPU {all_cpu / n:.2f} s a report "
          f"(load average {load_all})")
    print(f"  the same reports, 3x synthetic panel     {x3_s:7.2f} s   {n_x3} reports, {x3_s / max(n_x3, 1):.2f} s a "
          f"report; CPU {x3_cpu / max(n_x3, 1):.2f} s a report (load average {load_x3} -> {load_x3_after}); "
          f"{x3_counts['provinces']} -> {x3_counts['provinces_after']} provinces, "
          f"{x3_counts['observations']} -> {x3_counts['observations_after']} observations")
    print(f"  CPU a report, 3x panel / shipped         {(x3_cpu / max(n_x3, 1)) / (all_cpu / n):7.2f}x   (aim: <= 1.2x)")
    if args.only_panel:
        return
    n_default = len(notebooks) * len(geos)
    print(f"  all geographies, fresh kernels           {fresh_s:7.2f} s   {n_all} reports, "
          f"{fresh_s / n:.2f} s a report; CPU {fresh_cpu / n:.2f} s a report; the pool is {fresh_s / all_s:.2f}x faster")
    print(f"  against the issue's {ISSUE_TODAY_S} s a report           {ISSUE_TODAY_S / (all_s / n):7.2f}x   "
          f"(aim: >= 3x)")
    print(f"  no-change rerun, whole process           {rerun_s:7.2f} s   {n_reused} of {n_all} reports reused, "
          f"{all_s / rerun_s:.0f}x faster than executing them (aim: < 2 s)")
    print(f"  default batch, nq57 run                  {batch_s:7.2f} s   ({batch_s / n_default:.2f} s a report)")
    print(f"  naive papermill + nbconvert loop         {naive_s:7.2f} s   ({naive_s / n_default:.2f} s a report)")
    print(f"  speed-up of nq57 run over the loop       {naive_s / batch_s:7.2f}x   (aim: >= 2.5x on 2 cores)")


if __name__ == "__main__":
    main()
