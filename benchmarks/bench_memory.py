"""Benchmark: peak memory of one report kernel, with the default parameters and the largest allowed.

Run with the project's interpreter:  .venv/bin/python benchmarks/bench_memory.py

Each case runs one notebook through papermill in a fresh process and prints the peak resident
memory of the kernel (the largest ``ru_maxrss`` of the processes that process waited for, i.e. the
kernel) and of the papermill process itself. The largest allowed Monte Carlo run is the most paths
the pre-kernel memory guard (``nq57lib.bounds``) accepts for the default horizon: paths x years x
fans = ``MAX_SIM_CELLS``. These numbers back ``runner.JOB_MEMORY_BYTES`` (how ``--jobs`` is capped)
and README "Limits". Outputs go to a temporary folder, never to ``reports/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from nq57lib import bounds, config, data_package, share_inputs
from nq57lib.params import validate_parameters
from nq57lib.runner import pick_kernel

CHILD = """
import json, resource, sys, papermill
nb, out, params, kernel = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
papermill.execute_notebook(nb, out, parameters=params, kernel_name=kernel, cwd=str(__import__('pathlib').Path(nb).parent),
                           progress_bar=False)
print(json.dumps({"kernel_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "papermill_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def largest_paths(geo: str) -> int:
    """The most paths the memory guard accepts for ``geo`` at the default horizon."""
    P = validate_parameters("digital_economy", geo=geo)
    inputs = share_inputs.read_inputs(data_package.load_package(), geo, P.proxy, "en", "both")
    years = P.horizon_year - min(int(inputs.histories[c]["year"].iloc[-1]) for c in inputs.concepts) + 1
    fans = len(inputs.concepts) + (1 if len(inputs.concepts) > 1 else 0)
    return min(bounds.MAX_PATHS, bounds.MAX_SIM_CELLS // (years * fans))


def peak(notebook: str, params: dict, kernel: str, folder: Path) -> dict:
    params = dict(params, output_dir=str(folder / f"{notebook}-results"))
    done = subprocess.run([sys.executable, "-c", CHILD, str(config.NOTEBOOKS_DIR / f"{notebook}.ipynb"),
                           str(folder / f"{notebook}.ipynb"), json.dumps(params), kernel],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{notebook} {params} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    kernel = pick_kernel(None)
    geo = config.DEFAULT_GEO
    cases = [("digital_economy", {"geo": geo}), ("budget_floor", {}), ("scorecard", {"geo": geo}),
             ("digital_economy", {"geo": geo, "n_paths": largest_paths(geo)})]
    with tempfile.TemporaryDirectory() as tmp:
        for notebook, params in cases:
            result = peak(notebook, params, kernel, Path(tmp))
            shown = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
            print(f"{notebook:16} {shown:45} kernel peak {result['kernel_mb']:7.0f} MB   "
                  f"papermill {result['papermill_mb']:5.0f} MB")


if __name__ == "__main__":
    main()
