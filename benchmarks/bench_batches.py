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
   ``jupyter nbconvert`` (the functions of ``bench_reports.py``), each in its own empty folder.

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

from nq57lib import config  # noqa: E402
from nq57lib.registry import SPECS  # noqa: E402


ISSUE_TODAY_S = 2.1  # issue 16's "today": `nq57 run --geo all`, 105 reports in 219 s on this machine


def timed_with_cpu(argv: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the command's whole process tree) of one command.

    CPU time is what two saturated cores share, so it is steadier than wall time when other
    processes run; each process's time reaches it when its parent waits for it.
    """
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(argv)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
    parser.add_argument("--notebook", action="append", choices=list(SPECS),
                        help="only these notebooks (repeatable; default: every report notebook)")
    args = parser.parse_args()
    notebooks = args.notebook or list(SPECS)
    kernel = kernel_name()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load_before = load_average()

    with tempfile.TemporaryDirectory(prefix="nq57-bench-") as tmp:
        work = Path(tmp)
        data_s = best_of([str(BIN / "nq57"), "data"], args.repeat)

        all_dir = work / "all"
        all_s, all_cpu = timed_with_cpu(run_argv(all_dir, notebooks, ["all"]))
        manifest = newest_manifest(all_dir)
        n_all = manifest["counts"]["ok"] + manifest["counts"]["failed"]
        fresh_s, fresh_cpu = timed_with_cpu(run_argv(work / "all-fresh", notebooks, ["all"], "--fresh-kernels"))
        rerun_s = best_of(run_argv(all_dir, notebooks, ["all"]), args.repeat)
        rerun = newest_manifest(all_dir)
        n_reused = rerun.get("reused", 0)

        geos = list(config.DEFAULT_REPORT_GEOS)
        batch_s = timed(run_argv(work / "batch", notebooks, geos))
        naive_s = naive_seconds(work / "naive", notebooks, geos, kernel)
    n_default = len(notebooks) * len(geos)

    print(f"nq57 batch benchmark: {cores} cores, kernel {kernel!r}, best of {args.repeat} for short commands; "
          f"load average before {load_before}, after {load_average()} (other processes may slow every time)")
    print(f"  nq57 data, whole process                 {data_s:7.2f} s   (aim: <= 0.6 s)")
    n = max(n_all, 1)
    print(f"  all geographies, warm kernel pool        {all_s:7.2f} s   {n_all} reports, "
          f"{all_s / n:.2f} s a report (aim: <= 0.7 s a report); CPU {all_cpu / n:.2f} s a report")
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
