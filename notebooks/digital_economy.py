# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (nq57)
#     language: python
#     name: nq57
# ---

# %% [markdown] tags=["remove_cell"]
# # Digital-economy share: where it stands, what the targets require, how likely they are
#
# Report notebook of **nq57** (Resolution 57-NQ/TW). Change the parameters below, or pass them with
# `papermill ... -p geo vn` or `nq57 run --notebook digital_economy --geo vn`. Each cell below is one
# step of the analysis: one function of `nq57lib.digital_economy` whose result is shown. Edit a step (the
# scenarios list is yours to change) and run the cells below it. Cells tagged `remove_output` keep their
# results in the executed notebook (the audit record) but not in the HTML report.

# %% tags=["parameters"]
geo: str = "vinh-phuc"  # geography id or name (list: nq57 data --geos)
lang: str = "en"  # language of labels and narrative: en or vi
concept: str = "both"  # definition(s) shown: both, nso (statistics office value added) or ministry (the ministry's broader estimate)
horizon_year: int = 2045  # last year projected
n_paths: int = 20000  # Monte Carlo paths (memory grows with it)
seed: int = 57  # random seed: same seed, same results
proxy: str = ""  # geography whose series calibrates the pace when the geography has < 2 observations (empty: the nation)
ceiling_pct: float = 0.0  # scenario: ceiling of every path and of the logistic saturation, % of GRDP (0: the geography's own sector structure, 100 - agriculture - taxes on products; else its old provinces'; else 70, labelled as a fallback)
g_grdp_pct: float = 0.0  # scenario: nominal GRDP growth, % a year (0: from data, real growth mean and deflator_pct, as the budget report)
deflator_pct: float = 3.7  # scenario: GRDP deflator, % a year (with g_grdp_pct 0)
de_growth_pct: float = 0.0  # scenario: digital-economy value-added growth at current prices, % a year (decomposition; 0: the latest observed, the geography's else the nation's; any other value is a labelled what-if)
output_dir: str = ""  # folder for machine-readable results (empty: reports/scratch/...)

# %%
from nq57lib.params import validate_parameters

P = validate_parameters("digital_economy", globals())

# %% tags=["remove_output"]
from IPython.display import display

from nq57lib import data_package, digital_economy, share_projection
from nq57lib.results_files import save_results
from nq57lib.report_view import heading, show, table_view

pkg = data_package.load_package()

# %% [markdown] tags=["remove_cell"]
# ## The data: history on each definition, targets, proxy, as-of year

# %% tags=["remove_output"]
inputs = digital_economy.load_inputs(pkg, P)
inputs

# %% tags=["remove_output"]
digital_economy.history_by_definition(inputs)

# %% [markdown] tags=["remove_cell"]
# ## Calibration: the base and the pace on each definition; the GRDP growth assumption

# %% tags=["remove_output"]
calibrations = digital_economy.calibrate(pkg, inputs)
calibrations

# %% tags=["remove_output"]
grdp = digital_economy.grdp_growth_assumption(pkg, inputs, P)
grdp

# %% [markdown] tags=["remove_cell"]
# ## The ceiling of every path and the digital-economy growth of the decomposition
#
# One ceiling for the whole report: every cap, the logistic saturation, the simulation, the back-test, the
# tornado and the words use the value set here (e.g. `ceiling = 60.0` for a what-if).

# %% tags=["remove_output"]
ceiling = digital_economy.ceiling(pkg, inputs, P)
ceiling

# %% tags=["remove_output"]
de_growth = digital_economy.digital_growth(pkg, inputs, P)
de_growth

# %% [markdown] tags=["remove_cell"]
# ## Scenarios: edit this list (add, remove or change one)
#
# Each entry builds the scenario on every definition shown (where it applies). A plain
# `share_projection.Scenario(name, method, params, basis)` applies to every definition too, e.g.
# `share_projection.Scenario("8 % a year", "cagr", {"growth_pct": 8.0}, "what-if")`.

# %% tags=["remove_output"]
scenarios = [
    *digital_economy.current_trend(calibrations),
    *digital_economy.linear_trend(calibrations),
    *digital_economy.damped_pace(calibrations),
    *digital_economy.relative_level(calibrations, inputs),
    *digital_economy.logistic(calibrations, ceiling_pct=ceiling),
    *digital_economy.target_path(calibrations, inputs),
    *digital_economy.damped_trend_ets(calibrations),
    *digital_economy.decomposition(calibrations, de_growth_pct=de_growth, grdp=grdp),
]
scenarios

# %% [markdown] tags=["remove_cell"]
# ## Projection, required paths and attainment

# %% tags=["remove_output"]
projection = digital_economy.project(inputs, calibrations, scenarios, P, ceiling)
projection

# %% tags=["remove_output"]
required = digital_economy.required_paths(inputs, calibrations, grdp)
required

# %% tags=["remove_output"]
attained = digital_economy.attainment(inputs, projection)
attained

# %% [markdown] tags=["remove_cell"]
# ## Simulation, assessments, back-test, sensitivity

# %% tags=["remove_output"]
simulation = digital_economy.simulate(inputs, calibrations, P, ceiling)
simulation

# %% tags=["remove_output"]
assessment = digital_economy.assess_progress(inputs)
assessment

# %% tags=["remove_output"]
passed = digital_economy.targets_passed(inputs)
passed

# %% tags=["remove_output"]
backtested = digital_economy.backtest_table(inputs, P, ceiling)
backtested

# %% tags=["remove_output"]
tornado = digital_economy.sensitivity(inputs, calibrations, grdp, P, ceiling)
tornado

# %% [markdown] tags=["remove_cell"]
# ## The report: narrative, figures, tables

# %% tags=["remove_output"]
verdicts = digital_economy.verdicts(pkg, inputs)
verdicts

# %% tags=["remove_output"]
report = digital_economy.collect_report(pkg, P, inputs, calibrations, grdp, projection, required, attained,
                                        simulation, assessment, passed, backtested, tornado, ceiling,
                                        verdicts)

# %%
digital_economy.one_minute_answer(report)

# %%
show(report.figure("outlook"))

# %%
digital_economy.narrative(report)

# %%
display(heading(report, "paths"))
display(digital_economy.view(report, "required_paths"))
display(digital_economy.view(report, "attainment"))
display(digital_economy.view(report, "probabilities"))
display(digital_economy.view(report, "pace_gap"))
display(digital_economy.view(report, "probability_range"))
display(digital_economy.view(report, "targets_due"))
display(digital_economy.view(report, "assessment"))

# %%
show(report.figure("tornado"))
display(digital_economy.view(report, "sensitivity"))
display(digital_economy.view(report, "backtest"))
display(digital_economy.view(report, "coverage"))
display(digital_economy.view(report, "validation"))

# %%
display(heading(report, "data"))
display(digital_economy.view(report, "history"))
display(table_view(report, "assumptions"))
display(table_view(report, "sources"))

# %%
save_results(P, *report.results())
