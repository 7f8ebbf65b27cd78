"""Warm kernels (``nq57lib.kernel_pool``): nothing passes between notebooks, and reports are the same.

The runner's own isolation tests (a notebook that raises, hangs or kills its kernel, in one warm
worker) are in test_runner.py; these check the kernel itself and the real reports.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import papermill
import pytest

from conftest import run_once
from nq57lib import kernel_pool, registry, runner
from nq57lib import target_assessment  # noqa: E402
import source_trees

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
    "from nq57lib import data_package\npkg = data_package.load_package()\npkg.observations.loc[:, 'value'] = -1.0",
    # issue 24: process-wide switches that outlived the reset (the transformer made the next notebook compute
    # with seed 58 while its manifest said 57)
    "import ast, decimal, gc, logging\nimport nq57lib.params\n"
    "class Seed(ast.NodeTransformer):\n"
    "    def visit_Constant(self, node, ast=ast):  # ast kept: the reset clears the namespace it was defined in\n"
    "        return ast.copy_location(ast.Constant(58), node) if node.value == 57 else node\n"
    "get_ipython().ast_transformers.append(Seed())\n"
    "gc.disable(); decimal.getcontext().prec = 5; logging.getLogger().setLevel(logging.CRITICAL)\n"
    "import nq57lib.text\nnq57lib.text.use_geography_level('nation')  # as the nation's report sets it\n"
    "nq57lib.params.validate_parameters = lambda *a, **k: 'patched'",
    "os.getpid()",
]
PROBE = [
    "import os, sys, random, warnings, json, decimal, gc, logging\nimport numpy as np, pandas as pd, matplotlib.pyplot as plt\n"
    "import nq57lib.params",
    "from nq57lib import data_package\nfirst_value = float(data_package.load_package().observations['value'].iloc[0])\n"
    "from statsmodels.tsa.exponential_smoothing.ets import ETSModel",
    "state = {'leak': 'leak' in globals(), 'env': os.environ.get('NQ57_LEAK'), 'path': '/leak' in sys.path,\n"
    "         'cwd': os.getcwd(), 'linewidth': plt.rcParams['lines.linewidth'], 'figures': plt.get_fignums(),\n"
    "         'max_rows': pd.get_option('display.max_rows'), 'first_value': first_value,\n"
    "         'random_is_seed_7': random.getstate() == random.Random(7).getstate(),\n"
    "         'numpy_is_seed_7': bool((np.random.get_state()[1] == np.random.RandomState(7).get_state()[1]).all()),\n"
    "         'warnings_are_errors': bool(warnings.filters) and warnings.filters[0][0] == 'error',\n"
    "         'numpy_precision': np.get_printoptions()['precision'], 'numpy_divide': np.geterr()['divide'],\n"
    "         'recursion_limit': sys.getrecursionlimit(),\n"
    "         'statsmodels_filters': sum('statsmodels' in repr(f[2]) for f in warnings.filters),\n"
    "         'seed': 57, 'gc': gc.isenabled(), 'decimal_prec': decimal.getcontext().prec,\n"
    "         'log_level': logging.getLogger().level, 'validate': nq57lib.params.validate_parameters.__name__,\n"
    "         'aggregate': __import__('nq57lib.text').text.t('digital_economy.assumption.GRDP_growth', 'en')}\n"
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
    kernel = kernel_pool.WarmKernel(runner.pick_kernel(None), registry.DIGITAL_ECONOMY_KERNEL_IMPORTS)
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
    assert shown(set_nb, 8) == shown(warm, 4)  # the same kernel process ran both (else this test proves nothing)
    state = json.loads(ast.literal_eval(shown(warm, 2)))
    assert state == json.loads(ast.literal_eval(shown(fresh, 2)))
    assert state["leak"] is False and state["env"] is None and state["path"] is False and state["figures"] == []
    assert state["cwd"] == str(folder) and state["first_value"] != -1.0
    assert not state["random_is_seed_7"] and not state["numpy_is_seed_7"] and not state["warnings_are_errors"]
    assert state["linewidth"] != 9.5 and state["max_rows"] != 3
    assert state["numpy_precision"] == 8 and state["numpy_divide"] == "warn" and state["recursion_limit"] != 500
    assert state["statsmodels_filters"] > 0  # installed once, at its first import, and kept for every notebook
    assert state["seed"] == 57 and state["gc"] is True and state["decimal_prec"] == 28
    assert state["log_level"] != 50 and state["validate"] == "validate_parameters"
    assert state["aggregate"] == "GRDP growth"  # the previous report's geography level (the nation's GDP) is gone


@pytest.mark.slow
def test_a_kept_kernel_numbers_cells_and_shows_warnings_as_a_fresh_one(probes):
    set_nb, warm, fresh, _ = probes
    assert [c.execution_count for c in warm.cells] == [c.execution_count for c in fresh.cells] == [1, 2, 3, 4, 5]
    assert [o.get("name") for o in warm.cells[3].outputs] == [o.get("name") for o in fresh.cells[3].outputs] == ["stderr"]
    assert warm.metadata["nq57"]["kernel"] == {"kernel": 1, "notebook_in_kernel": 2, "fresh_namespace": True}
    assert "nq57" not in fresh.metadata  # plain papermill: nothing of the pool


def executed_cells(job_dir: Path) -> list:
    nb = json.loads((job_dir / "notebook.ipynb").read_text(encoding="utf-8"))
    return [(c.get("execution_count"), c.get("outputs")) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.slow
def test_reports_from_kept_kernels_are_byte_identical_to_fresh_kernel_reports(warm_and_fresh_runs):
    """Six reports of the default run (one kept kernel, its nine notebooks one after another) against each made
    in a kernel of its own (conftest.warm_and_fresh_runs)."""
    warm_run, fresh_run = warm_and_fresh_runs
    results = sorted(p.relative_to(fresh_run) for p in fresh_run.rglob("results/*"))
    assert len(results) > 20
    for results_dir in {path.parent for path in results}:  # the same files in each job's results, no more
        assert sorted(p.name for p in (warm_run / results_dir).iterdir()) == \
            sorted(p.name for p in (fresh_run / results_dir).iterdir()), results_dir
    for path in results:
        assert (warm_run / path).read_bytes() == (fresh_run / path).read_bytes(), path
    job_dirs = sorted(p.parent.relative_to(fresh_run) for p in fresh_run.rglob("notebook.ipynb"))
    assert len(job_dirs) == 6
    for job_dir in job_dirs:
        assert executed_cells(warm_run / job_dir) == executed_cells(fresh_run / job_dir), job_dir
    kernels = [json.loads((warm_run / d / "notebook.ipynb").read_text(encoding="utf-8"))["metadata"]["nq57"]["kernel"]
               for d in job_dirs]
    assert all(k["fresh_namespace"] for k in kernels)
    # one kernel ran them all: one of the six ran first, the others after up to eight notebooks in the same kernel
    assert {k["kernel"] for k in kernels} == {1}
    assert sum(k["notebook_in_kernel"] > 1 for k in kernels) == 5 and max(k["notebook_in_kernel"] for k in kernels) == 9


def test_each_load_gets_its_own_copy_of_the_cached_tables():
    from nq57lib import data_package

    first = data_package.load_package()
    first.observations.loc[:, "value"] = -1.0
    first.sources.loc[:, "publisher"] = "edited"
    again = data_package.load_package()
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
        for node in source_trees.tree(path).body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict) and not node.value.keys:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found.update(f"{module}.{t.id}" for t in targets if isinstance(t, ast.Name))
    assert found and found <= set(fresh_namespace.CACHE_DICTS), found - set(fresh_namespace.CACHE_DICTS)


def test_the_scorecard_s_series_cache_goes_with_its_data_package():
    import gc

    from nq57lib import data_package

    gc.collect()
    before = len(target_assessment._CACHE)  # packages other tests of this process still hold
    pkg = data_package.load_package()
    target_assessment.latest_values(pkg, target_assessment.select_targets(pkg, "vinh-phuc"), "en")
    assert len(target_assessment._CACHE) == before + 1
    del pkg
    gc.collect()
    assert len(target_assessment._CACHE) == before  # nothing of a finished notebook's data stays in the module


def test_the_kept_series_ranking_goes_with_its_data_package():
    import gc

    from nq57lib import data_package, series_ranking

    pkg = data_package.load_package()
    series_ranking.series(pkg, "vinh-phuc", "grdp_current_bn_vnd")
    assert pkg in series_ranking._RANKINGS
    before = len(series_ranking._RANKINGS)
    del pkg
    gc.collect()
    assert len(series_ranking._RANKINGS) == before - 1  # nothing of a finished notebook's data stays in the module


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


# Issue 24, case 11: on a loaded machine the new kernel after a failure took longer than the per-cell
# timeout to import the libraries before its first notebook, and the notebook failed with a bare
# AssertionError from nbclient (its timeout handler asserts a cell). The kernel here is made slow at
# exactly that step (importing nq57lib.fresh_namespace takes 3 s, three times the cell timeout), as load makes
# it, without load.
SLOW_PREPARATION = ("import builtins, time; builtins.__import__ = lambda name, *a, _import=builtins.__import__, "
                    "_sleep=time.sleep, **k: (_sleep(3) if name == 'nq57lib.fresh_namespace' else None, "
                    "_import(name, *a, **k))[1]")


@pytest.mark.slow
def test_a_slow_preparation_is_not_a_cell_timeout_and_never_a_bare_assertion_error(tmp_path):
    path = write_notebook(tmp_path / "quick.ipynb", ["1 + 1"])
    kernel = kernel_pool.WarmKernel(runner.pick_kernel(None), registry.DIGITAL_ECONOMY_KERNEL_IMPORTS)
    try:
        extra = kernel.engine_kwargs(str(tmp_path))
        papermill.execute_notebook(str(path), str(tmp_path / "out.ipynb"), kernel_name=kernel.kernel_name,
                                   cwd=str(tmp_path), progress_bar=False, execution_timeout=1,
                                   extra_arguments=[f"--IPKernelApp.exec_lines={SLOW_PREPARATION}"], **extra)
    finally:
        kernel.discard()
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert shown(nb, 0) == "2" and nb.metadata["nq57"]["kernel"]["notebook_in_kernel"] == 1


def test_a_preparation_that_never_answers_fails_with_a_line_saying_so(monkeypatch):
    """The preparation's own timeout gives a message, not nbclient's bare AssertionError."""
    import asyncio
    from queue import Empty

    class Channel:
        async def get_msg(self, timeout):
            raise Empty

    class Client:  # stands in for the notebook client: a kernel alive but silent
        kc = SimpleNamespace(shell_channel=Channel())
        shell_timeout_interval = 0.01

        async def _async_check_alive(self):
            return None

    monkeypatch.setattr(kernel_pool, "FRESH_START_TIMEOUT_S", 0.05)
    with pytest.raises(RuntimeError, match=r"did not prepare a fresh namespace within 0.05 s"):
        asyncio.run(kernel_pool.WarmNotebookClient._wait_for_preparation(Client(), "id"))


# Issue 24, case 1: a notebook that wrote through load_package()'s tables (.array) changed the data
# package the warm kernel keeps, and so the next notebook's results. The kept tables are read-only.
WRITES = {
    "series.array": lambda pkg: pkg.observations["value"].array.__setitem__(0, 999.0),
    "text column array": lambda pkg: pkg.observations["geo_id"].array.__setitem__(0, "vn"),
    "numpy column values": lambda pkg: pkg.observations["_row"].values.__setitem__(0, 5),
    "to_numpy()": lambda pkg: pkg.observations["_row"].to_numpy().__setitem__(0, 5),
    "masked buffer": lambda pkg: pkg.observations["value"].array._data.__setitem__(0, 999.0),
    "sources array": lambda pkg: pkg.sources["publisher"].array.__setitem__(0, "edited"),
}


@pytest.mark.parametrize("how", sorted(WRITES))
def test_a_write_into_the_kept_tables_raises_and_changes_nothing(how):
    from nq57lib import data_package

    before = data_package.load_package()
    expected = {name: getattr(before, name).copy(deep=True) for name in ("observations", "sources")}
    with pytest.raises(ValueError, match="read-only"):
        WRITES[how](data_package.load_package())
    after = data_package.load_package()
    for name, table in expected.items():
        pd.testing.assert_frame_equal(getattr(after, name), table)


def test_pandas_edits_of_a_loaded_table_change_only_that_copy():
    from nq57lib import data_package

    pkg = data_package.load_package()
    pkg.observations.iloc[0, pkg.observations.columns.get_loc("value")] = -5.0
    pkg.observations["note"] = "edited"
    own = pkg.observations.copy()
    own["value"].array[1] = -6.0  # a copy is the notebook's own, writable
    assert own["value"].iloc[:2].tolist() == [-5.0, -6.0] and pkg.observations["value"].iloc[1] != -6.0
    again = data_package.load_package()
    assert (again.observations["value"].iloc[:2] != pd.Series([-5.0, -6.0])).all()
    assert (again.observations["note"] != "edited").all()


@pytest.mark.slow
def test_a_write_into_the_kept_tables_fails_its_cell_with_a_line_saying_to_copy_first(tmp_path):
    path = write_notebook(tmp_path / "write.ipynb", [
        "from nq57lib import data_package\npkg = data_package.load_package()",
        "pkg.observations['value'].array[0] = 36.6"])
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        run(path, tmp_path / "out.ipynb", None)
    assert failure.value.ename == "ValueError"
    assert "read-only" in failure.value.evalue and "copy first" in failure.value.evalue


def test_the_copies_of_one_cached_package_share_one_ranking_and_an_edited_copy_gets_its_own(monkeypatch):
    """A warm kernel ranks the shipped package once, not once a notebook (issue 26: that cost grew with the
    panel); a copy whose observations were edited is ranked on its own, so the edit is seen."""
    from nq57lib import data_package, series_ranking

    calls = []
    real_rank = series_ranking.rank_observations
    monkeypatch.setattr(series_ranking, "rank_observations", lambda frame: calls.append(len(frame)) or real_rank(frame))
    first, second = data_package.load_package(), data_package.load_package()
    before = series_ranking.series(first, "vinh-phuc", "grdp_current_bn_vnd")
    n_after_first = len(calls)
    assert series_ranking.series(second, "vinh-phuc", "grdp_current_bn_vnd").equals(before)
    assert len(calls) == n_after_first  # the second notebook's package did not rank again

    edited = data_package.load_package()
    row = (edited.observations["geo_id"] == "vinh-phuc") & (edited.observations["indicator_id"] == "grdp_current_bn_vnd")
    edited.observations.loc[row, "value"] = edited.observations.loc[row, "value"].astype(float) * 2
    doubled = series_ranking.series(edited, "vinh-phuc", "grdp_current_bn_vnd")
    assert len(calls) > n_after_first
    assert list(doubled["value"]) == [2 * v for v in before["value"]]
    assert series_ranking.series(second, "vinh-phuc", "grdp_current_bn_vnd").equals(before)  # others unchanged
    with pytest.raises(ValueError, match="read-only"):
        series_ranking._ranked(second, None).best["value"].to_numpy()[0] = 0.0


def test_kernel_imports_are_each_notebook_s_once_in_order_and_reach_the_kernel_s_first_line(monkeypatch):
    monkeypatch.setitem(registry.NOTEBOOKS, "a", registry.Notebook("a", (), "m", kernel_imports=("x", "y")))
    monkeypatch.setitem(registry.NOTEBOOKS, "b", registry.Notebook("b", (), "m", kernel_imports=("y", "z")))
    assert registry.kernel_imports(["b", "a", "b", "not-registered"]) == ("y", "z", "x")
    assert registry.kernel_imports(["not-registered"]) == ()  # a fixture known by its parameters alone
    folder = "/a b/'c'\"\U0001F600\udcff"  # quotes, a character outside the BMP, a byte os.fsdecode escaped
    call = ast.parse(kernel_pool.fresh_start_code(folder, ("x.y", "z"))).body[0].value
    assert call.func.attr == "start" and [ast.literal_eval(a) for a in call.args] == [folder, ("x.y", "z")]


def test_every_kernel_import_the_registry_names_can_be_imported():
    import importlib.util

    for entry in registry.NOTEBOOKS.values():
        for name in entry.kernel_imports:
            assert importlib.util.find_spec(name) is not None, (entry.name, name)


def test_a_kernel_import_that_fails_fails_the_preparation_not_silently(monkeypatch, tmp_path):
    from nq57lib import fresh_namespace

    monkeypatch.chdir(tmp_path)  # were the import skipped, the preparation would change this process: contained
    monkeypatch.setattr(fresh_namespace, "_before_first", None)  # as in a new kernel: the first preparation
    with pytest.raises(ModuleNotFoundError, match="nq57_no_such_module"):
        fresh_namespace.start(str(tmp_path), ("nq57_no_such_module",))
    assert fresh_namespace._before_first is None  # nothing recorded (the runner then replaces the kernel)
