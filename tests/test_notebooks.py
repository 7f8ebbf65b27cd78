"""The report notebooks: paired text files in sync, parameters cells match their specs, and every
notebook runs end to end, with its defaults and with other parameters: through plain papermill, or, for the
parameters the shared default batches (conftest.report_run, report_run_vi) already ran, read from there
(tests/test_kernel_pool.py checks that a warm batch's reports are byte-identical to those of fresh kernels, as
plain papermill runs them, for every notebook on Vĩnh Phúc and the nation in English; the Vietnamese and
Phú Thọ 2025 runs read here are not compared with a fresh kernel)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from unittest import mock

import jupytext
import nbformat
import papermill as pm
import pytest

from nq57lib import config
from nq57lib.params import compare_with_notebook
from nq57lib.registry import SPECS, parameter_default
from nq57lib.runner import pick_kernel

NOTEBOOKS = sorted(SPECS)


def _code_and_markdown(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_py_and_ipynb_are_in_sync(name):
    py = jupytext.read(config.NOTEBOOKS_DIR / f"{name}.py")
    ipynb = nbformat.read(config.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    assert _code_and_markdown(py) == _code_and_markdown(ipynb), \
        f"run: .venv/bin/jupytext --sync notebooks/{name}.py"


def committed_notebook(name: str):
    """The notebook as git stores it (the index: what a commit takes), else the file (no git)."""
    rel = f"notebooks/{name}.ipynb"
    out = subprocess.run(["git", "show", f":{rel}"], cwd=config.PROJ_ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        return nbformat.read(config.PROJ_ROOT / rel, as_version=4)
    return nbformat.reads(out.stdout, as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs_and_one_parameters_cell(name):
    nb = committed_notebook(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert code.index(tagged[0]) == 0
    assert "validate_parameters" in code[1].source  # validated right after injection


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_cell_matches_spec(name):
    assert compare_with_notebook(name, config.NOTEBOOKS_DIR / f"{name}.ipynb") == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_help_notebook_lists_every_parameter(name):
    """``papermill --help-notebook``: papermill's own command, run in this process (click's test runner; the
    installed ``papermill`` command runs as a process in test_render)."""
    from click.testing import CliRunner
    from papermill.cli import papermill as papermill_command

    with mock.patch.dict(os.environ):  # the command sets a variable for its run
        out = CliRunner().invoke(papermill_command, ["--help-notebook", str(config.NOTEBOOKS_DIR / f"{name}.ipynb")])
    assert out.exit_code == 0, (out.output, out.exception)
    for spec in SPECS[name]:
        assert f"{spec.name}: {spec.type.__name__}" in out.output, spec.name
        assert spec.help.split("(")[0].strip()[:30] in out.output.replace("\n", " "), spec.name


def _execute(name: str, tmp_path: Path, **parameters):
    out = tmp_path / f"{name}.ipynb"
    results = tmp_path / "results"
    pm.execute_notebook(str(config.NOTEBOOKS_DIR / f"{name}.ipynb"), str(out),
                        parameters={**parameters, "output_dir": str(results)}, kernel_name=pick_kernel(None),
                        cwd=str(config.NOTEBOOKS_DIR), progress_bar=False, execution_timeout=300)
    return nbformat.read(out, as_version=4), json.loads((results / "results.json").read_text(encoding="utf-8"))


RUNS = [
    ("budget_floor", {}),  # nothing injected but output_dir: the notebook's own defaults (its own default geography)
    ("digital_economy", {"geo": "phu-tho-2025", "lang": "vi", "n_paths": 500}),
    ("digital_economy", {"geo": "vn", "horizon_year": 2050, "seed": 1, "n_paths": 500}),
    ("budget_floor", {"geo": "vn", "floor_pct": 3.0, "lang": "vi"}),
    ("budget_floor", {"geo": "phu-tho-2025", "ramp_year": 2028}),
]
# Runs the shared default batches (conftest.report_run, report_run_vi) make with exactly these parameters:
# read there, not executed again.
IN_DEFAULT_BATCHES = [
    ("digital_economy", {}),
    ("scorecard", {}),
    ("scorecard", {"geo": "phu-tho-2025", "lang": "vi"}),
    ("scorecard", {"geo": "vn"}),
]


def check_executed(name: str, parameters: dict, nb, results: dict) -> None:
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    expected_geo = parameters.get("geo", parameter_default(name, "geo"))
    assert results["parameters"]["geo"] == expected_geo
    assert results["notebook"] == name
    assert results["tables"]["sources"]["n_rows"] > 0
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "the report shows at least one figure"


@pytest.mark.slow
@pytest.mark.parametrize("name, parameters", RUNS, ids=[f"{n}-{p.get('geo', 'default')}" for n, p in RUNS])
def test_notebook_runs_through_plain_papermill(name, parameters, tmp_path):
    nb, results = _execute(name, tmp_path, **parameters)
    check_executed(name, parameters, nb, results)


@pytest.mark.slow
@pytest.mark.parametrize("name, parameters", IN_DEFAULT_BATCHES,
                         ids=[f"{n}-{p.get('geo', 'default')}" for n, p in IN_DEFAULT_BATCHES])
def test_notebook_runs_end_to_end_in_the_default_batch(name, parameters, request):
    batch = "report_run_vi" if parameters.get("lang") == "vi" else "report_run"
    reports, manifest = request.getfixturevalue(batch)
    geo = parameters.get("geo", parameter_default(name, "geo"))
    job = next(j for j in manifest["jobs"] if (j["notebook"], j["geo"]) == (name, geo))
    defaults = {spec.name: spec.default for spec in SPECS[name] if spec.name != "output_dir"}
    assert job["parameters"] == {**defaults, **parameters}, "the batch ran other parameters"
    nb = nbformat.read(reports / job["executed_notebook"], as_version=4)
    results = json.loads((reports / job["results_dir"] / "results.json").read_text(encoding="utf-8"))
    check_executed(name, parameters, nb, results)


@pytest.mark.slow
def test_bad_parameter_fails_in_the_validation_cell(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        _execute("digital_economy", tmp_path, geo="vinh-phuk")
    assert "did you mean 'vinh-phuc'" in str(info.value)
    nb = nbformat.read(tmp_path / "digital_economy.ipynb", as_version=4)
    failed = [c for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    assert len(failed) == 1 and "validate_parameters" in failed[0].source


@pytest.mark.slow
def test_budget_floor_steps_are_live(tmp_path):
    """Edit the floors cell (drop the national floor, add an 8 % floor): the saved results follow the edit."""
    nb = nbformat.read(config.NOTEBOOKS_DIR / "budget_floor.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "default_floors(" in c.source]
    assert len(cells) == 1
    cells[0].source = ('floors = [budget_floor.default_floors(inputs)[0],\n'
                       '          budget_floor.Floor("eight_pct", 8.0, "assumed", "an edited floor")]\nfloors')
    edited = tmp_path / "edited.ipynb"
    nbformat.write(nb, edited)
    results_dir = tmp_path / "results"
    pm.execute_notebook(str(edited), str(tmp_path / "out.ipynb"), parameters={"output_dir": str(results_dir)},
                        kernel_name=pick_kernel(None), cwd=str(config.NOTEBOOKS_DIR), progress_bar=False,
                        execution_timeout=300)
    import pandas as pd

    yearly = pd.read_csv(results_dir / "yearly.csv")
    assert set(yearly["scenario"]) == {"floor", "ramp", "status_quo", "eight_pct"}
    assert (yearly.loc[yearly["scenario"] == "eight_pct", "share_of_budget_pct"] == 8.0).all()
    sensitivity = pd.read_csv(results_dir / "sensitivity.csv")
    assert 8.0 in set(sensitivity["floor_pct"])
    scalars = json.loads((results_dir / "results.json").read_text(encoding="utf-8"))["scalars"]
    assert "eight_pct_pct" in scalars and not any(k.startswith("national_floor") for k in scalars)
