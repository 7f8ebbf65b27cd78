"""Benchmark: the default report batch through ``nq57 run`` against a naive loop of the CLI tools.

Run with the project's interpreter:  .venv/bin/python benchmarks/bench_reports.py [--jobs N]

What it times, in one run, on the same machine and data:

1. the floor: ``papermill`` on an empty notebook (kernel start-up plus papermill's own imports),
   the least any one report can cost when run the usual way;
2. one report (``digital_economy`` for Vĩnh Phúc) through ``nq57 run``;
3. the batch (every report notebook for every default geography) through ``nq57 run``, which
   validates everything first, runs kernels in parallel worker processes and exports HTML
   in-process;
4. the same batch as a naive sequential loop: for each (notebook, geography) one ``papermill``
   command, then one ``jupyter nbconvert --to html --no-input`` command.

It prints each time and the ratio of (4) to (3) (aim: >= 2.5x on 2 cores). Outputs go to a
temporary folder, never to ``reports/``. Every command must succeed, or the benchmark stops
with its error output (a timing of a failed batch means nothing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nq57lib import config
from nq57lib.registry import SPECS

PROJ_ROOT = config.PROJ_ROOT
BIN = Path(sys.executable).parent


def timed(argv: list[str], cwd: Path = PROJ_ROOT, env: dict[str, str] | None = None) -> float:
    """Wall time of one command; stop the benchmark if it fails."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"benchmark command failed ({done.returncode}): {' '.join(argv)}\n{done.stdout}\n{done.stderr}")
    return elapsed


def kernel_name() -> str:
    from nq57lib.runner import pick_kernel

    return pick_kernel(None)


def floor_seconds(work: Path, kernel: str, repeat: int) -> float:
    """Median time of ``papermill`` on a notebook with one empty cell."""
    import nbformat

    empty = work / "empty.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nbformat.write(nb, empty)
    return statistics.median(timed([str(BIN / "papermill"), "-k", kernel, "--no-progress-bar", str(empty),
                                    str(work / "empty.out.ipynb")]) for _ in range(repeat))


def nq57_seconds(reports_dir: Path, notebooks: list[str], geos: list[str], jobs: int | None) -> float:
    argv = [sys.executable, "-m", "nq57lib.cli", "run", "--reports-dir", str(reports_dir)]
    argv += [a for nb in notebooks for a in ("--notebook", nb)] + [a for g in geos for a in ("--geo", g)]
    argv += ["--jobs", str(jobs)] if jobs else []
    return timed(argv)


def naive_seconds(out_dir: Path, notebooks: list[str], geos: list[str], kernel: str) -> float:
    """The batch as a scheduler script would do it without nq57: one CLI call after another."""
    start = time.perf_counter()
    for notebook in notebooks:
        for geo in geos:
            folder = out_dir / notebook / geo
            folder.mkdir(parents=True)
            executed = folder / "notebook.ipynb"
            timed([str(BIN / "papermill"), "-k", kernel, "--no-progress-bar",
                   str(config.NOTEBOOKS_DIR / f"{notebook}.ipynb"), str(executed),
                   "-p", "geo", geo, "-p", "output_dir", str(folder / "results")],
                  cwd=config.NOTEBOOKS_DIR)
            timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, help="nq57 run --jobs (default: its own, the number of cores)")
    parser.add_argument("--floor-repeat", type=int, default=3, help="runs of the empty notebook (median)")
    parser.add_argument("--notebook", action="append", choices=list(SPECS),
                        help="only these notebooks (repeatable; default: every report notebook)")
    args = parser.parse_args()

    notebooks, geos = args.notebook or list(SPECS), list(config.DEFAULT_REPORT_GEOS)
    kernel = kernel_name()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="nq57-bench-") as tmp:
        work = Path(tmp)
        floor = floor_seconds(work, kernel, args.floor_repeat)
        single = nq57_seconds(work / "single", ["digital_economy"], [config.DEFAULT_GEO], args.jobs)
        batch = nq57_seconds(work / "batch", notebooks, geos, args.jobs)
        naive = naive_seconds(work / "naive", notebooks, geos, kernel)

    n = len(notebooks) * len(geos)
    print(f"nq57 report benchmark: {n} reports ({', '.join(notebooks)} x {', '.join(geos)}), "
          f"{cores} cores, kernel {kernel!r}")
    print(f"  papermill, empty notebook (floor)       {floor:7.2f} s")
    print(f"  nq57 run, one report                    {single:7.2f} s   ({single / floor:.2f}x the floor)")
    print(f"  nq57 run, batch                         {batch:7.2f} s   ({batch / n:.2f} s a report)")
    print(f"  naive papermill + nbconvert loop        {naive:7.2f} s   ({naive / n:.2f} s a report)")
    print(f"  speed-up of nq57 run over the loop      {naive / batch:7.2f}x   (aim: >= 2.5x on 2 cores)")


if __name__ == "__main__":
    main()
