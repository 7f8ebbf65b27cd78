"""The report notebooks: paired text files in sync, parameters cells match their specs, and every
notebook runs end to end, with its defaults and with other parameters: through plain papermill, or, for the
parameters the shared default batches (conftest.report_run, report_run_vi) already ran, read from there
(tests/test_kernel_pool.py checks that a warm batch's reports are byte-identical to those of fresh kernels, as
plain papermill runs them, for every notebook on Vĩnh Phúc and the nation in English; the Vietnamese and
Phú Thọ 2025 runs read here are not compared with a fresh kernel). Two plain papermill runs have a step edited
as a researcher would (the budget's floors, the digital economy's scenarios): their saved results follow the edit."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Callable, NamedTuple
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


def _execute(name: str, tmp_path: Path, *, edit: str | None = None, **parameters):
    """Plain papermill on the shipped notebook, or on a copy with one step edited (``EDITS[edit]``); returns the
    executed notebook and its results.json (in ``results_folder(tmp_path)``)."""
    source = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    if edit is not None:
        nb = nbformat.read(source, as_version=4)
        EDITS[edit].change(nb)
        source = tmp_path / f"{name}-edited.ipynb"
        nbformat.write(nb, source)
    out = tmp_path / f"{name}.ipynb"
    results = results_folder(tmp_path)
    pm.execute_notebook(str(source), str(out),
                        parameters={**parameters, "output_dir": str(results)}, kernel_name=pick_kernel(None),
                        cwd=str(config.NOTEBOOKS_DIR), progress_bar=False, execution_timeout=300)
    return nbformat.read(out, as_version=4), json.loads((results / "results.json").read_text(encoding="utf-8"))


def results_folder(tmp_path: Path) -> Path:
    return tmp_path / "results"


def _one_code_cell(nb, needle: str):
    cells = [c for c in nb.cells if c.cell_type == "code" and needle in c.source]
    assert len(cells) == 1, f"expected one cell with {needle!r}"
    return cells[0]


def _floors_edited(nb) -> None:
    """The researcher's edit of the floors step: drop the national floor, add an 8 % floor."""
    _one_code_cell(nb, "default_floors(").source = (
        'floors = [budget_floor.default_floors(inputs)[0],\n'
        '          budget_floor.Floor("eight_pct", 8.0, "assumed", "an edited floor")]\nfloors')


def _floors_follow_the_edit(results_dir: Path, parameters: dict) -> None:  # noqa: ARG001
    import pandas as pd

    yearly = pd.read_csv(results_dir / "yearly.csv")
    assert set(yearly["scenario"]) == {"floor", "ramp", "status_quo", "eight_pct"}
    assert (yearly.loc[yearly["scenario"] == "eight_pct", "share_of_budget_pct"] == 8.0).all()
    sensitivity = pd.read_csv(results_dir / "sensitivity.csv")
    assert 8.0 in set(sensitivity["floor_pct"])
    scalars = json.loads((results_dir / "results.json").read_text(encoding="utf-8"))["scalars"]
    assert "eight_pct_pct" in scalars and not any(k.startswith("national_floor") for k in scalars)


def _decomposition_dropped(nb) -> None:
    """The researcher's edit of the scenarios step: drop the decomposition line."""
    cell = _one_code_cell(nb, "scenarios = [")
    kept = [line for line in cell.source.splitlines() if "decomposition(" not in line]
    assert len(kept) == len(cell.source.splitlines()) - 1
    cell.source = "\n".join(kept)


def _scenarios_follow_the_edit(results_dir: Path, parameters: dict) -> None:
    """scenarios.csv loses the decomposition and keeps every other scenario of the unedited steps."""
    import pandas as pd

    from nq57lib import data_package
    from test_digital_economy import build

    edited_ids = set(pd.read_csv(results_dir / "scenarios.csv")["scenario_id"])
    notebook = {spec.name: spec.default for spec in SPECS["digital_economy"] if spec.name not in ("geo", "output_dir")}
    default_ids = set(build(data_package.load_package(use_env=False), parameters["geo"],
                            **{**notebook, **{k: v for k, v in parameters.items() if k != "geo"}})
                      .tables["scenarios"]["scenario_id"])
    assert "decomposition" in default_ids
    assert edited_ids == default_ids - {"decomposition"}


class Edit(NamedTuple):
    change: Callable  # (notebook) -> None: the edit, in place
    check: Callable  # (results folder, parameters) -> None: the saved results follow it


# Steps a researcher edits, each checked in a plain papermill run below: the results follow the edit (the steps
# are live, not a display of results computed elsewhere).
EDITS = {"floors": Edit(_floors_edited, _floors_follow_the_edit),
         "scenarios": Edit(_decomposition_dropped, _scenarios_follow_the_edit)}

# Each run through plain papermill: the notebook, the parameters injected, and the step edited in it (None: as
# shipped). Each run is a kernel of its own (3-5 s of CPU); an edit of a later step is checked in a run made anyway,
# as it changes neither the parameters cell nor papermill's part (issue 26: the suite's time).
RUNS = [
    ("budget_floor", {}, "floors"),  # nothing injected but output_dir: the notebook's own defaults (its own geography)
    ("digital_economy", {"geo": "phu-tho-2025", "lang": "vi", "n_paths": 500}, None),
    ("digital_economy", {"geo": "vn", "horizon_year": 2050, "seed": 1, "n_paths": 500}, "scenarios"),
    ("budget_floor", {"geo": "vn", "floor_pct": 3.0, "lang": "vi"}, None),
    ("budget_floor", {"geo": "phu-tho-2025", "ramp_year": 2028}, None),
]
# Runs the shared default batches (conftest.report_run, report_run_vi) make with exactly these parameters:
# read there, not executed again.
IN_DEFAULT_BATCHES = [
    ("budget_floor", {}),  # its own default geography, unedited (the plain papermill run of its defaults is edited)
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
@pytest.mark.parametrize("name, parameters, edit", RUNS,
                         ids=[f"{n}-{p.get('geo', 'default')}" + (f"-{e}-edited" if e else "") for n, p, e in RUNS])
def test_notebook_runs_through_plain_papermill(name, parameters, edit, tmp_path):
    nb, results = _execute(name, tmp_path, edit=edit, **parameters)
    check_executed(name, parameters, nb, results)
    if edit is not None:
        EDITS[edit].check(results_folder(tmp_path), parameters)


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
