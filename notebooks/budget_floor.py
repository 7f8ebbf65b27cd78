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
# # The S&T budget floor: what it costs, year by year, to 2030 and 2045
#
# Report notebook of **nq57** (Resolution 57-NQ/TW). Change the parameters below, or pass them with
# `papermill ... -p geo vn` or `-p floor_pct 3` or `nq57 run --notebook budget_floor -p floor_pct=3`. Each cell below is
# one step of the analysis, a function of `nq57lib.budget_floor` (the rules it applies are in
# `nq57lib.floor_inputs` and `nq57lib.floor_paths`), and you can edit any of them.

# %% tags=["parameters"]
geo: str = "phu-tho-2025"  # geography id or name (list: nq57 data --geos)
lang: str = "en"  # language of labels and narrative: en or vi
floor_pct: float = 0.0  # S&T floor, % of budget expenditure (0: the geography's default: 15 for Vinh Phuc and, as a scenario, its successor; 3 for the nation; else its own or 3)
start_year: int = 2025  # first year the floor applies
ramp_year: int = 2030  # scenario: year the ramp reaches the floor
end_year: int = 2045  # last year computed
base_expenditure_bn_vnd: float = 0.0  # budget expenditure in the start year, bn VND (0: from data)
current_share_pct: float = 0.0  # status-quo S&T share of expenditure, % (0: from data)
real_growth_pct: float = 0.0  # scenario: real GRDP growth, % a year (0: mean of the latest 5 observed years)
deflator_pct: float = 3.7  # GRDP deflator, % a year (default: the nation's recent mean GDP deflator implied by the data, rounded; the report names the years)
budget_growth_pct: float = 0.0  # scenario: nominal budget growth, % a year (0: with nominal GRDP)
capacity_bn_vnd: float = 0.0  # absorption capacity, bn VND a year (0: from data, else no check)
output_dir: str = ""  # folder for machine-readable results (empty: reports/scratch/...)

# %%
from nq57lib.params import validate_parameters

P = validate_parameters("budget_floor", globals())

# %% tags=["remove_output"]
from IPython.display import display

from nq57lib import budget_floor, data_package
from nq57lib.results_files import save_results
from nq57lib.report_view import heading, show, table_view

pkg = data_package.load_package()

# %% [markdown] tags=["remove_cell"]
# **1. The base-year inputs**, each observed, derived or assumed, with its basis (budget, GRDP, growth,
# status-quo share, capacity).

# %% tags=["remove_output"]
inputs = budget_floor.derive_inputs(pkg, P)
inputs

# %% [markdown] tags=["remove_cell"]
# **2. The floors to compare.** The first is the report's floor (run with the ramp and the status quo);
# every other floor is one more line on the same budget path. Edit the list: add
# `budget_floor.Floor("my_floor", 8.0, "assumed", "why 8 %")`, drop one, or change a value.

# %% tags=["remove_output"]
floors = budget_floor.default_floors(inputs)
floors

# %% [markdown] tags=["remove_cell"]
# **3. The budget paths**: budget expenditure and each floor's spending, year by year (milestones shown).

# %% tags=["remove_output"]
paths = budget_floor.budget_paths(inputs, floors)
paths

# %% tags=["remove_output"]
totals = budget_floor.cumulative_totals(paths)
totals

# %% tags=["remove_output"]
absorption = budget_floor.absorption_check(paths)
absorption

# %% tags=["remove_output"]
rnd = budget_floor.rnd_view(pkg, paths)
rnd

# %% tags=["remove_output"]
sensitivity = budget_floor.sensitivity(paths)
sensitivity.table

# %% tags=["remove_output"]
by_input = budget_floor.sensitivity_by_input(pkg, paths, P.lang)
by_input

# %% tags=["remove_output"]
verdicts = budget_floor.verdicts(pkg, paths, P.lang)
verdicts

# %%
answer = budget_floor.one_minute_answer(pkg, paths, by_input, verdicts, P.lang)
answer

# %% tags=["remove_output"]
narrative = budget_floor.narrative(pkg, paths, rnd, by_input, P.lang)
narrative

# %% tags=["remove_output"]
R = budget_floor.report(pkg, paths, absorption, rnd, sensitivity, by_input, narrative, verdicts, P.lang)
R.scalars

# %%
show(R.figure("spending"))

# %%
budget_floor.why(answer, narrative)

# %%
display(heading(R, "budget"))
show(R.figure("cumulative_gap"))
display(table_view(R, "periods"))
display(table_view(R, "milestones"))
display(table_view(R, "absorption"))
display(table_view(R, "status_quo_shares"))
display(table_view(R, "coming_plan"))
display(table_view(R, "fiscal_space"))
if "rnd" in R.tables:
    display(table_view(R, "rnd"))

# %%
display(heading(R, "sensitivity"))
show(R.figure("sensitivity"))
display(table_view(R, "sensitivity"))
display(table_view(R, "sensitivity_inputs"))

# %%
display(heading(R, "data"))
display(table_view(R, "assumptions"))
display(table_view(R, "sources"))

# %%
save_results(P, *R.results())
