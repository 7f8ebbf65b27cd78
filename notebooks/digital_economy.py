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
# `papermill ... -p geo vn` or `nq57 run --notebook digital_economy --geo vn`. All computation is in
# `nq57lib.digital_economy`; this notebook only arranges the results.

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

# %%
from IPython.display import Markdown, display

from nq57lib import digital_economy
from nq57lib.report_view import heading, show, table_view
from nq57lib.report import save_results

R = digital_economy.build(P)
display(Markdown(f"## {R.title}"))
display(Markdown(R.narrative_markdown()))

# %%
show(R.figure("outlook"))

# %%
display(heading(R, "paths"))
display(table_view(R, "required_paths"))
display(table_view(R, "attainment"))
display(table_view(R, "probabilities"))
display(table_view(R, "assessment"))

# %%
display(heading(R, "data"))
display(table_view(R, "history"))
display(table_view(R, "assumptions"))
display(table_view(R, "sources"))

# %%
save_results(P, *R.results())
