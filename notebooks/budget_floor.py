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
# `papermill ... -p floor_pct 3` or `nq57 run --notebook budget_floor -p floor_pct=3`. All computation is
# in `nq57lib.budget_floor`; this notebook only arranges the results.

# %% tags=["parameters"]
geo: str = "vinh-phuc"  # geography id or name (list: nq57 data --geos)
lang: str = "en"  # language of labels and narrative: en or vi
floor_pct: float = 15.0  # S&T floor, % of budget expenditure (15: provincial, 3: national)
start_year: int = 2025  # first year the floor applies
ramp_year: int = 2030  # scenario: year the ramp reaches the floor
end_year: int = 2045  # last year computed
base_expenditure_bn_vnd: float = 0.0  # budget expenditure in the start year, bn VND (0: from data)
current_share_pct: float = 0.0  # status-quo S&T share of expenditure, % (0: from data)
real_growth_pct: float = 0.0  # scenario: real GRDP growth, % a year (0: latest observed)
deflator_pct: float = 3.5  # scenario: GRDP deflator, % a year
budget_growth_pct: float = 0.0  # scenario: nominal budget growth, % a year (0: with nominal GRDP)
capacity_bn_vnd: float = 0.0  # absorption capacity, bn VND a year (0: from data, else no check)
output_dir: str = ""  # folder for machine-readable results (empty: reports/scratch/...)

# %%
from nq57lib.params import validate_parameters

P = validate_parameters("budget_floor", globals())

# %%
from IPython.display import Markdown, display

from nq57lib import budget_floor
from nq57lib.report_view import heading, show, table_view
from nq57lib.report import save_results

R = budget_floor.build(P)
display(Markdown(f"## {R.title}"))
display(Markdown(R.narrative_markdown()))

# %%
display(heading(R, "budget"))
show(R.figure("spending"))
show(R.figure("cumulative_gap"))
display(table_view(R, "periods"))
display(table_view(R, "milestones"))
display(table_view(R, "absorption"))
if "rnd" in R.tables:
    display(table_view(R, "rnd"))

# %%
display(heading(R, "sensitivity"))
show(R.figure("sensitivity"))
display(table_view(R, "sensitivity"))

# %%
display(heading(R, "data"))
display(table_view(R, "assumptions"))
display(table_view(R, "sources"))

# %%
save_results(P, *R.results())
