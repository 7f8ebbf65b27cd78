"""The report notebooks, described once: parameters, steps module, data needs, input check.

One entry per notebook in ``NOTEBOOKS``:

- ``params``: the parameter specs (``nq57lib.param_spec.ParamSpec``) in the order of the notebook's
  ``parameters`` cell; ``params.parameters_cell`` prints that cell from them and a test checks
  every notebook against them;
- ``steps_module``: the ``nq57lib`` module holding the notebook's steps (named after the notebook);
- ``data_needs``: the indicators a geography must have (itself or, for a merged unit, an old unit)
  for the notebook to run there (:func:`available_geos`);
- ``input_check``: the function of the steps module that checks a run's inputs cheaply, before any
  kernel starts (:func:`input_error`), or None;
- ``kernel_imports``: what a kept kernel imports before its first notebook (:func:`kernel_imports`).

``SPECS`` (notebook -> parameter specs) is the view the parameter machinery and the runner read.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Iterable

from . import bounds, config
from .errors import Nq57Error, check_choice
from .formatting import LANGS
from .param_spec import CHOICE, GEO, GEO_OR_EMPTY, PATH, ParamSpec


@dataclass(frozen=True)
class Notebook:
    """What the library knows about one report notebook."""

    name: str
    params: tuple[ParamSpec, ...]
    steps_module: str
    data_needs: tuple[str, ...] = ()
    input_check: str | None = None
    kernel_imports: tuple[str, ...] = ()


# What a kept kernel (nq57lib.kernel_pool) imports before its first report, as a report would import it: an import
# that installs process-wide state (statsmodels' and scipy's warning filters) would install it only in the first
# notebook of the kernel, and nq57lib.fresh_namespace puts back the state recorded before the first notebook.
# Each notebook names the libraries its steps may import (a fresh kernel of it has their state): the
# digital-economy report, statsmodels' ETS (a series of six or more years) and scipy.stats (model checks); the
# scorecard, seaborn (its panels; it imports scipy.stats and statsmodels' top package); the budget report, neither.
DIGITAL_ECONOMY_KERNEL_IMPORTS = ("statsmodels.tsa.exponential_smoothing.ets", "scipy.stats")
SCORECARD_KERNEL_IMPORTS = ("seaborn",)


def _common(*middle: ParamSpec, geo: str = config.DEFAULT_GEO) -> tuple[ParamSpec, ...]:
    """Every report notebook takes ``geo`` and ``lang`` first and ``output_dir`` last."""
    return (
        ParamSpec("geo", str, geo, "geography id or name (list: nq57 data --geos)", kind=GEO),
        ParamSpec("lang", str, "en", "language of labels and narrative: en or vi", choices=LANGS, kind=CHOICE),
        *middle,
        ParamSpec("output_dir", str, "", 'folder for machine-readable results (empty: reports/scratch/...)', kind=PATH),
    )


# Defaults shared with the engines and between notebooks (tests check they agree with them): the deflator's is
# ``config.DEFAULT_DEFLATOR_PCT`` (the engines read it there, below this module).
# After the 1 July 2025 merger the budget report's default geography is the new Phu Tho (Vinh Phuc's budget
# report is a labelled counterfactual).
BUDGET_DEFAULT_GEO = "phu-tho-2025"

# Notebook name -> its parameters, in the order of the notebook's parameters cell.
# Defaults marked "scenario" are assumptions a reader can change; every report prints them.
_PARAMS: dict[str, tuple[ParamSpec, ...]] = {
    "digital_economy": _common(
        ParamSpec("concept", str, "both", "definition(s) shown: both, nso (statistics office value added) or "
                  "ministry (the ministry's broader estimate)", choices=("both", "nso", "ministry"), kind=CHOICE),
        ParamSpec("horizon_year", int, 2045, "last year projected", low=2030, high=bounds.LAST_YEAR),
        ParamSpec("n_paths", int, 20_000, "Monte Carlo paths (memory grows with it)", low=bounds.MIN_PATHS,
                  high=bounds.MAX_PATHS),
        ParamSpec("seed", int, 57, "random seed: same seed, same results", low=0, high=2**63 - 1),
        ParamSpec("proxy", str, "", "geography whose series calibrates the pace when the geography has "
                  "< 2 observations (empty: the nation)", kind=GEO_OR_EMPTY),
        ParamSpec("ceiling_pct", float, 0.0, "scenario: ceiling of every path and of the logistic saturation, % of "
                  "GRDP (0: the geography's own sector structure, 100 - agriculture - taxes on products; else its "
                  "old provinces'; else 70, labelled as a fallback)", low=0, high=100),
        ParamSpec("g_grdp_pct", float, 0.0, "scenario: nominal GRDP growth, % a year (0: from data, real growth "
                  "mean and deflator_pct, as the budget report)", low=-100, high=100, low_open=True),
        ParamSpec("deflator_pct", float, config.DEFAULT_DEFLATOR_PCT, "scenario: GRDP deflator, % a year (with "
                  "g_grdp_pct 0)", low=-100, high=100, low_open=True),
        ParamSpec("de_growth_pct", float, 0.0, "scenario: digital-economy value-added growth at current prices, % "
                  "a year (decomposition; 0: the latest observed, the geography's else the nation's; any other "
                  "value is a labelled what-if)", low=-100, high=100, low_open=True),
    ),
    "budget_floor": _common(
        ParamSpec("floor_pct", float, 0.0, "S&T floor, % of budget expenditure (0: the geography's default: 15 "
                  "for Vinh Phuc and, as a scenario, its successor; 3 for the nation; else its own or 3)",
                  low=0, high=100),
        ParamSpec("start_year", int, 2025, "first year the floor applies", low=2020, high=2045),
        ParamSpec("ramp_year", int, 2030, "scenario: year the ramp reaches the floor", low=2020, high=bounds.LAST_YEAR,
                  not_before="start_year"),
        ParamSpec("end_year", int, 2045, "last year computed", low=2030, high=bounds.LAST_YEAR, after="start_year"),
        ParamSpec("base_expenditure_bn_vnd", float, 0.0, "budget expenditure in the start year, bn VND (0: from data)",
                  low=0, high=bounds.MAX_AMOUNT_BN_VND),
        ParamSpec("current_share_pct", float, 0.0, "status-quo S&T share of expenditure, % (0: from data)",
                  low=0, high=100),
        ParamSpec("real_growth_pct", float, 0.0, "scenario: real GRDP growth, % a year (0: mean of the latest "
                  "5 observed years)", low=-100, high=100, low_open=True),
        ParamSpec("deflator_pct", float, config.DEFAULT_DEFLATOR_PCT, "GRDP deflator, % a year (default: the nation's "
                  "recent mean GDP deflator implied by the data, rounded; the report names the years)",
                  low=-100, high=100, low_open=True),
        ParamSpec("budget_growth_pct", float, 0.0, "scenario: nominal budget growth, % a year (0: with nominal GRDP)",
                  low=-100, high=100, low_open=True),
        ParamSpec("capacity_bn_vnd", float, 0.0, "absorption capacity, bn VND a year (0: from data, else no check)",
                  low=0, high=bounds.MAX_AMOUNT_BN_VND),
        geo=BUDGET_DEFAULT_GEO,
    ),
    "scorecard": _common(),
}


NOTEBOOKS: dict[str, Notebook] = {
    "digital_economy": Notebook("digital_economy", _PARAMS["digital_economy"], "nq57lib.digital_economy",
                                data_needs=("de_share_pct",), input_check="share_history_for",
                                kernel_imports=DIGITAL_ECONOMY_KERNEL_IMPORTS),
    "budget_floor": Notebook("budget_floor", _PARAMS["budget_floor"], "nq57lib.budget_floor",
                             data_needs=("grdp_current_bn_vnd",), input_check="budget_inputs"),
    "scorecard": Notebook("scorecard", _PARAMS["scorecard"], "nq57lib.scorecard",
                          kernel_imports=SCORECARD_KERNEL_IMPORTS),
}

# Notebook name -> parameter specs. Test fixtures add their own notebooks here.
SPECS: dict[str, tuple[ParamSpec, ...]] = {name: nb.params for name, nb in NOTEBOOKS.items()}


def notebook(name: str) -> Notebook:
    """The registry entry of notebook ``name``; an unknown name gets a "did you mean"."""
    check_choice("notebook", name, list(NOTEBOOKS))
    return NOTEBOOKS[name]


def notebook_names() -> list[str]:
    """The report notebooks, in their default order (the one lookup every route uses)."""
    return list(SPECS)


def kernel_imports(names: Iterable[str]) -> tuple[str, ...]:
    """What a kept kernel running notebooks ``names`` (any order, repeats) imports before the first of them: each
    registered notebook's ``kernel_imports``, once, in order. A notebook known only by its parameters (``SPECS``:
    the tests' fixtures) adds nothing; ``nq57lib.fresh_namespace`` imports what it needs itself."""
    return tuple(dict.fromkeys(module for name in names if name in NOTEBOOKS
                               for module in NOTEBOOKS[name].kernel_imports))


def steps_module(name: str):
    """The imported module holding the steps of notebook ``name``."""
    return importlib.import_module(notebook(name).steps_module)


def parameter_default(name: str, parameter: str) -> Any:
    """The default of ``parameter`` in notebook ``name`` (None when it has no such parameter)."""
    return next((spec.default for spec in SPECS[name] if spec.name == parameter), None)


def available_geos(name: str, pkg=None) -> dict[str, str | None]:
    """For every geography: None if notebook ``name`` can run for it, else the reason it is skipped.

    A merged 2025 unit counts as having an indicator when any of its old units has it (the
    notebook then builds the boundary-consistent series or a labelled assumption).
    """
    from . import data_package, geography  # lazy: loads pandas

    needs = notebook(name).data_needs
    pkg = pkg or data_package.load_package()
    have = pkg.observations.groupby("indicator_id")["geo_id"].agg(set).to_dict()
    result = {}
    for geo_id in pkg.geography["geo_id"]:
        related = {geo_id, *geography.old_units(pkg, geo_id)}
        missing = [ind for ind in needs if not related & have.get(ind, set())]
        result[geo_id] = None if not missing else f"no observations of {', '.join(missing)}"
    return result


def input_error(params, pkg=None) -> Nq57Error | None:
    """The error the steps of ``params.notebook`` would raise on their inputs, or None.

    Runs the notebook's input check only (no projection, no simulation), so the runner can skip a
    geography without the data a report needs, or reject a bad value, before any kernel starts.
    Notebooks outside the registry (test fixtures) have nothing to check.
    """
    entry = NOTEBOOKS.get(getattr(params, "notebook", ""))
    if entry is None or entry.input_check is None:
        return None
    from . import data_package  # lazy: loads pandas

    try:
        getattr(steps_module(entry.name), entry.input_check)(pkg or data_package.load_package(), params)
    except Nq57Error as exc:
        return exc
    return None
