"""Warm kernels (``nq57lib.kernel_pool``): nothing passes between notebooks, and reports are the same.

The runner's own isolation tests (a notebook that raises, hangs or kills its kernel, in one warm
worker) are in test_runner.py; these check the kernel itself and the real reports.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from conftest import run_once
from nq57lib import cli, kernel_pool, runner

# The notebook run first sets everything a notebook can set; the probe, run next in the same
# kernel, reports what it sees. Each cell's last line is shown, so the probe's output is its answer.
SETTER = [
    "import os, sys, random, warnings\nimport numpy as np, pandas as pd, matplotlib.pyplot as plt",
    "leak = 42\nos.environ['NQ57_LEAK'] = '1'\nsys.path.append('/leak')\nos.chdir('/')",
    "plt.rcParams['lines.linewidth'] = 9.5\nfig = plt.figure()\npd.set_option('display.max_rows', 3)",
    "import warnings\nwarnings.warn('shown once per process unless the record is reset', UserWarning)",
    "np.set_printoptions(precision=2); np.seterr(all='raise'); sys.setrecursionlimit(500)\n"
    "from statsmodels.tsa.exponential_smoothing.ets import ETSModel",
    "random.seed(7); np.random.seed(7)\nwarnings.simplefilter('error')",
    "from nq57lib import data\npkg = data.load_package()\npkg.observations.loc[:, 'value'] = -1.0",
    "os.getpid()",
]
PROBE = [
    "import os, sys, random, warnings, json\nimport numpy as np, pandas as pd, matplotlib.pyplot as plt",
    "from nq57lib import data\nfirst_value = float(data.load_package().observations['value'].iloc[0])\n"
    "from statsmodels.tsa.exponential_smoothing.ets import ETSModel",
    "state = {'leak': 'leak' in globals(), 'env': os.environ.get('NQ57_LEAK'), 'path': '/leak' in sys.path,\n"
    "         'cwd': os.getcwd(), 'linewidth': plt.rcParams['lines.linewidth'], 'figures': plt.get_fignums(),\n"
    "         'max_rows': pd.get_option('display.max_rows'), 'first_value': first_value,\n"
    "         'random_is_seed_7': random.getstate() == random.Random(7).getstate(),\n"
    "         'numpy_is_seed_7': bool((np.random.get_state()[1] == np.random.RandomState(7).get_state()[1]).all()),\n"
    "         'warnings_are_errors': bool(warnings.filters) and warnings.filters[0][0] == 'error',\n"
    "         'numpy_precision': np.get_printoptions()['precision'], 'numpy_divide': np.geterr()['divide'],\n"
    "         'recursion_limit': sys.getrecursionlimit(),\n"
    "         'statsmodels_filters': sum('statsmodels' in repr(f[2]) for f in warnings.filters)}\n"
    "json.dumps(state, sort_keys=True)",
    "import warnings\nwarnings.warn('shown once per process unless the record is reset', UserWarning)",
    "os.getpid()",
]


def write_notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def run(path: Path, out: Path, kernel: kernel_pool.WarmKernel | None) -> nbformat.NotebookNode:
    extra = kernel.engine_kwargs(str(path.parent)) if kernel else {}
    papermill.execute_notebook(str(path), str(out), kernel_name=runner.pick_kernel(None), cwd=str(path.parent),
                               progress_bar=False, **extra)
    return nbformat.read(out, as_version=4)


def shown(nb: nbformat.NotebookNode, cell: int) -> str:
    return nb.cells[cell].outputs[-1]["data"]["text/plain"]


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    """The probe after the setter in one kept kernel, and the probe alone in a fresh kernel; once a test
    run (conftest.run_once)."""
    return run_once(tmp_path_factory, "kernel-pool-probes", _probes)


def _probes(folder: Path):
    setter, probe = write_notebook(folder / "setter.ipynb", SETTER), write_notebook(folder / "probe.ipynb", PROBE)
    kernel = kernel_pool.WarmKernel(runner.pick_kernel(None))
    try:
        set_nb = run(setter, folder / "setter.out.ipynb", kernel)
        warm = run(probe, folder / "probe.warm.ipynb", kernel)
    finally:
        kernel.discard()
    fresh = run(probe, folder / "probe.fresh.ipynb", None)
    return set_nb, warm, fresh, folder


@pytest.mark.slow
def test_the_next_notebook_in_a_kept_kernel_sees_nothing_the_previous_one_set(probes):
    set_nb, warm, fresh, folder = probes
    assert shown(set_nb, 7) == shown(warm, 4)  # the same kernel process ran both (else this test proves nothing)
    state = json.loads(ast.literal_eval(shown(warm, 2)))
    assert state == json.loads(ast.literal_eval(shown(fresh, 2)))
    assert state["leak"] is False and state["env"] is None and state["path"] is False and state["figures"] == []
    assert state["cwd"] == str(folder) and state["first_value"] != -1.0
    assert not state["random_is_seed_7"] and not state["numpy_is_seed_7"] and not state["warnings_are_errors"]
    assert state["linewidth"] != 9.5 and state["max_rows"] != 3
    assert state["numpy_precision"] == 8 and state["numpy_divide"] == "warn" and state["recursion_limit"] != 500
    assert state["statsmodels_filters"] > 0  # installed once, at its first import, and kept for every notebook


@pytest.mark.slow
def test_a_kept_kernel_numbers_cells_and_shows_warnings_as_a_fresh_one(probes):
    set_nb, warm, fresh, _ = probes
    assert [c.execution_count for c in warm.cells] == [c.execution_count for c in fresh.cells] == [1, 2, 3, 4, 5]
    assert [o.get("name") for o in warm.cells[3].outputs] == [o.get("name") for o in fresh.cells[3].outputs] == ["stderr"]
    assert warm.metadata["nq57"]["kernel"] == {"kernel": 1, "notebook_in_kernel": 2, "fresh_namespace": True}
    assert "nq57" not in fresh.metadata  # plain papermill: nothing of the pool


def nq57_run(*args: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return cli.main(["run", *args])


def executed_cells(job_dir: Path) -> list:
    nb = json.loads((job_dir / "notebook.ipynb").read_text(encoding="utf-8"))
    return [(c.get("execution_count"), c.get("outputs")) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.slow
def test_reports_from_one_kept_kernel_are_byte_identical_to_fresh_kernel_reports(tmp_path):
    """Six real reports in one warm kernel, one after another, against each in a kernel of its own."""
    args = ["--notebook", "digital_economy", "--notebook", "budget_floor", "--notebook", "scorecard",
            "--geo", "vinh-phuc", "--geo", "vn", "--jobs", "1", "--force"]
    # The fresh-kernel batch in a process of its own, beside the warm one (independent: two cores, half the wait).
    fresh_process = subprocess.Popen([str(Path(sys.executable).with_name("nq57")), "run", "--reports-dir",
                                      str(tmp_path / "fresh"), "--fresh-kernels", *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert nq57_run("--reports-dir", str(tmp_path / "warm"), *args) == 0
    finally:
        _, fresh_errors = fresh_process.communicate(timeout=1800)
    assert fresh_process.returncode == 0, fresh_errors[-3000:]
    warm_run = next((tmp_path / "warm" / "runs").iterdir())
    fresh_run = next((tmp_path / "fresh" / "runs").iterdir())
    results = sorted(p.relative_to(warm_run) for p in warm_run.rglob("results/*"))
    assert len(results) > 20 and results == sorted(p.relative_to(fresh_run) for p in fresh_run.rglob("results/*"))
    for path in results:
        assert (warm_run / path).read_bytes() == (fresh_run / path).read_bytes(), path
    job_dirs = sorted(p.parent.relative_to(warm_run) for p in warm_run.rglob("notebook.ipynb"))
    assert len(job_dirs) == 6
    for job_dir in job_dirs:
        assert executed_cells(warm_run / job_dir) == executed_cells(fresh_run / job_dir), job_dir
    kernel = json.loads((warm_run / job_dirs[-1] / "notebook.ipynb").read_text(encoding="utf-8"))["metadata"]["nq57"]
    assert kernel["kernel"] == {"kernel": 1, "notebook_in_kernel": 6, "fresh_namespace": True}


def test_each_load_gets_its_own_copy_of_the_cached_tables():
    from nq57lib import data

    first = data.load_package()
    first.observations.loc[:, "value"] = -1.0
    first.sources.loc[:, "publisher"] = "edited"
    again = data.load_package()
    assert (again.observations["value"] != -1.0).any() and (again.sources["publisher"] != "edited").all()


def test_every_cache_kept_between_notebooks_exists_and_is_a_cache():
    import importlib

    from nq57lib import fresh_namespace

    for qualified in fresh_namespace.KEPT_CACHES:
        module, name = qualified.rsplit(".", 1)
        assert callable(getattr(getattr(importlib.import_module(module), name), "cache_clear", None)), qualified
    for qualified in fresh_namespace.CACHE_DICTS:
        module, name = qualified.rsplit(".", 1)
        assert isinstance(getattr(importlib.import_module(module), name), dict), qualified


def test_every_module_level_dict_filled_at_run_time_is_cleared_between_notebooks():
    """A module of nq57lib that starts a dict empty and fills it while notebooks run holds state: it must be in
    fresh_namespace.CACHE_DICTS (the scorecard's weak per-package cache goes with its package instead)."""
    import ast

    from nq57lib import config, fresh_namespace

    found = set()
    for path in sorted((config.PROJ_ROOT / "nq57lib").rglob("*.py")):
        module = ".".join(path.relative_to(config.PROJ_ROOT).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict) and not node.value.keys:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found.update(f"{module}.{t.id}" for t in targets if isinstance(t, ast.Name))
    assert found and found <= set(fresh_namespace.CACHE_DICTS), found - set(fresh_namespace.CACHE_DICTS)


def test_the_scorecard_s_series_cache_goes_with_its_data_package():
    import gc

    from nq57lib import data, scorecard

    pkg = data.load_package()
    scorecard.latest_values(pkg, scorecard.select_targets(pkg, "vinh-phuc"), "en")
    assert len(scorecard._CACHE) >= 1
    del pkg
    gc.collect()
    assert len(scorecard._CACHE) == 0  # nothing of a finished notebook's data stays in the module


def test_the_kept_series_ranking_goes_with_its_data_package():
    import gc

    from nq57lib import data

    pkg = data.load_package()
    data.series(pkg, "vinh-phuc", "grdp_current_bn_vnd")
    assert pkg in data._RANKINGS
    before = len(data._RANKINGS)
    del pkg
    gc.collect()
    assert len(data._RANKINGS) == before - 1  # nothing of a finished notebook's data stays in the module


def test_start_lets_the_last_error_go(tmp_path):
    """After a notebook that showed an error, the next starts without it (as a fresh kernel does), and the
    error and its traceback are freed, not frozen for the kernel's life by gc.freeze."""
    import subprocess
    import sys

    code = """
import gc, sys, weakref
from nq57lib import fresh_namespace
fresh_namespace.start('.')
class Boom(Exception):
    pass
try:
    raise Boom()
except Boom as exc:
    sys.last_type, sys.last_value, sys.last_traceback = Boom, exc, exc.__traceback__
    ref = weakref.ref(exc)
    exc.cycle = exc  # only the cyclic collector can free it
fresh_namespace.start('.')
assert not hasattr(sys, 'last_value'), 'the last error is still visible'
assert ref() is None, 'the last error is kept alive'
print('ok')
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
