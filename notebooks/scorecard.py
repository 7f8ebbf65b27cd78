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
# # Resolution 57 scorecard
#
# Report notebook of **nq57** (Resolution 57-NQ/TW): every registered target of a geography, with
# the latest value, the pace it requires and an assessment, the national targets beside them, and
# cross-province panels. All computation is in `nq57lib.scorecard`.

# %% tags=["parameters"]
geo: str = "vinh-phuc"  # geography id or name (list: nq57 data --geos)
lang: str = "en"  # language of labels and narrative: en or vi
output_dir: str = ""  # folder for machine-readable results (empty: reports/scratch/...)

# %%
from nq57lib.params import validate_parameters

P = validate_parameters("scorecard", globals())

# %%
from IPython.display import Markdown, display

from nq57lib import scorecard
from nq57lib.report_view import heading, show, table_view
from nq57lib.report import save_results

R = scorecard.build(P)
display(Markdown(f"## {R.title}"))
display(Markdown(R.narrative_markdown()))

# %%
display(heading(R, "targets"))
display(table_view(R, "targets"))
if "national_targets" in R.tables:
    display(table_view(R, "national_targets"))

# %%
display(heading(R, "panels"))
for name in R.figures:
    show(R.figure(name))
    display(table_view(R, name))

# %%
display(heading(R, "data"))
display(table_view(R, "sources"))

# %%
save_results(P, *R.results())
