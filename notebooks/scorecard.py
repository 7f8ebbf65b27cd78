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
# cross-province charts. Each cell below is one step of `nq57lib.scorecard`; edit the target
# selection or the themes and re-run the cells after it.

# %% tags=["parameters"]
geo: str = "vinh-phuc"  # geography id or name (list: nq57 data --geos)
lang: str = "en"  # language of labels and narrative: en or vi
output_dir: str = ""  # folder for machine-readable results (empty: reports/scratch/...)

# %%
from nq57lib.params import validate_parameters

P = validate_parameters("scorecard", globals())

# %% tags=["remove_output"]
from nq57lib import data_package, reader_tables, scorecard, target_assessment, target_verdicts
from nq57lib.results_files import save_results

pkg = data_package.load_package()
pkg.targets.shape

# %% tags=["remove_output"]
targets = target_assessment.select_targets(pkg, P.geo)
targets

# %% tags=["remove_output"]
as_of = data_package.as_of_year(pkg)
as_of

# %% tags=["remove_output"]
latest = target_assessment.latest_values(pkg, targets, P.lang)
latest

# %% tags=["remove_output"]
paced = target_assessment.required_paces(pkg, latest, as_of, P.lang)
paced

# %% tags=["remove_output"]
assessed = target_assessment.assess_targets(pkg, paced, as_of, P.lang)
assessed

# %% tags=["remove_output"]
verdicts = target_verdicts.verdict_table(pkg, assessed, as_of, P.lang)
verdicts

# %% tags=["remove_output"]
panels = scorecard.cross_province_panels(pkg, P.geo, P.lang)
panels

# %%
scorecard.summary(pkg, P.geo, verdicts, as_of, P.lang)

# %%
scorecard.panel_charts(pkg, panels, P.lang)

# %%
scorecard.panel_summary(pkg, P.geo, panels, P.lang)

# %% tags=["remove_output"]
themes = scorecard.default_themes()
themes

# %%
scorecard.reader_table(pkg, verdicts, themes, as_of, P.lang)

# %% tags=["remove_output"]
results = scorecard.results(pkg, P.geo, assessed, verdicts, panels, as_of, P.lang)
results

# %%
reader_tables.sources_table(results.tables["sources"], P.lang)

# %% tags=["remove_output"]
save_results(P, results.tables, results.scalars)
