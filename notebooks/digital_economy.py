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
horizon_year: int = 2045  # last year projected
n_paths: int = 20000  # Monte Carlo paths (memory grows with it)
seed: int = 57  # random seed: same seed, same results
proxy: str = ""  # geography whose series calibrates the pace when the geography has < 2 observations (empty: the nation)
ceiling_pct: float = 75.0  # scenario: saturation ceiling of the logistic path and the simulated paths, % of GRDP
g_grdp_pct: float = 7.0  # scenario: GRDP growth, % a year (decomposition and implied digital-economy growth)
de_growth_pct: float = 12.0  # scenario: digital-economy value-added growth, % a year (decomposition)
output_dir: str = ""  # folder for machine-readable results (empty: reports/scratch/...)

# %%
from nq57lib.params import validate_parameters

P = validate_parameters("digital_economy", globals())

# %% tags=["remove_output"]
from IPython.display import display

from nq57lib import data, digital_economy, share_projection
from nq57lib.report import save_results
from nq57lib.report_view import heading, show, table_view

pkg = data.load_package()

# %% [markdown] tags=["remove_cell"]
# ## The data: history, targets, proxy and the nation's position

# %% tags=["remove_output"]
inputs = digital_economy.load_inputs(pkg, P)
inputs

# %% tags=["remove_output"]
digital_economy.history_by_definition(pkg, inputs)

# %% [markdown] tags=["remove_cell"]
# ## Calibration: the base observation and the pace of each definition

# %% tags=["remove_output"]
calibrations = digital_economy.calibrate(pkg, inputs)
calibrations

# %% [markdown] tags=["remove_cell"]
# ## Scenarios: edit this list (add, remove or change one)
#
# Each entry builds the scenario on every projected definition. A plain
# `share_projection.Scenario(name, method, params, basis)` applies to every definition too, e.g.
# `share_projection.Scenario("8 % a year", "cagr", {"growth_pct": 8.0}, "what-if")`.

# %% tags=["remove_output"]
scenarios = [
    *digital_economy.current_trend(calibrations),
    *digital_economy.reference_pace(calibrations),
    *digital_economy.logistic(calibrations, ceiling_pct=P.ceiling_pct),
    *digital_economy.target_path(calibrations, inputs),
    *digital_economy.damped_trend_ets(calibrations),
    *digital_economy.decomposition(calibrations, de_growth_pct=P.de_growth_pct, g_grdp_pct=P.g_grdp_pct),
]
scenarios

# %% [markdown] tags=["remove_cell"]
# ## Projection, required paths and attainment

# %% tags=["remove_output"]
projection = digital_economy.project(inputs, calibrations, scenarios, P)
projection

# %% tags=["remove_output"]
required = digital_economy.required_paths(inputs, calibrations, P)
required

# %% tags=["remove_output"]
attained = digital_economy.attainment(inputs, calibrations, projection)
attained

# %% [markdown] tags=["remove_cell"]
# ## Simulation and progress assessments

# %% tags=["remove_output"]
simulation = digital_economy.simulate(inputs, calibrations, P)
simulation

# %% tags=["remove_output"]
assessment = digital_economy.assess_progress(inputs, calibrations)
assessment

# %% tags=["remove_output"]
due = digital_economy.targets_due(inputs, calibrations)
due

# %% [markdown] tags=["remove_cell"]
# ## The report: narrative, figure, tables

# %% tags=["remove_output"]
report = digital_economy.collect_report(pkg, P, inputs, calibrations, projection, required, attained, simulation,
                                        assessment, due)

# %%
digital_economy.narrative(report)

# %%
show(report.figure("outlook"))

# %%
display(heading(report, "paths"))
display(table_view(report, "required_paths"))
display(table_view(report, "attainment"))
display(table_view(report, "probabilities"))
display(table_view(report, "assessment"))

# %%
display(heading(report, "data"))
display(table_view(report, "history"))
display(table_view(report, "assumptions"))
display(table_view(report, "sources"))

# %%
save_results(P, *report.results())
