"""One owner per value (issue 25): a value edited where a researcher edits it (a notebook cell, the parameters, the
locale) changes the numbers, the words, the results and the index together, and nothing else.

Each test runs the notebook's own step cells (``notebook_steps``), edits one thing, and compares.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from nq57lib import data_package, results_files, run_record, share_projection, text
from nq57lib.config import DEFAULT_DEFLATOR_PCT
from nq57lib.params import Parameters, validate_parameters
from nq57lib.provenance import ASSUMED

from test_budget_floor import params as budget_params
from test_budget_floor import run_steps
from test_digital_economy import DEFAULTS, build
from notebook_steps import run_notebook_steps

WORD_COLUMNS = ("scenario", "scenario_vi", "name", "label", "basis")  # where a scenario's display text may appear


@pytest.fixture(scope="module")
def pkg():
    return data_package.load_package(use_env=False)


def _published(tmp_path, notebook: str, geo: str, P, saved) -> tuple[dict, list[str]]:
    """(results.json, the index's headline numbers) of a report saved into a reports folder."""
    out = tmp_path / "results"
    results_files.save_results(Parameters(notebook, {**P, "output_dir": str(out)}), *saved)
    results = json.loads((out / results_files.RESULTS_JSON).read_text(encoding="utf-8"))
    row = {"notebook": notebook, "geo": geo, "results_dir": "results"}
    return results, run_record.headline_numbers(tmp_path, row)


def _without_words(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in WORD_COLUMNS if c in frame]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Scenarios are identified by ids; the locale only renders them
# --------------------------------------------------------------------------------------------

def test_a_scenario_s_display_text_changes_only_the_words(pkg, monkeypatch, tmp_path):
    """Edit the target path's wording in the locale: the numbers, the scenario ids, the results and the index are
    the same; the narrative differs only by those words (the target path stays out of the reach counts)."""
    old = text.t("common.scenario.target_path", "en")
    before = build(pkg, "vn")
    monkeypatch.setitem(text.catalog("en"), "common.scenario.target_path", "path through every plan's levels")
    after = build(pkg, "vn")
    assert share_projection.TARGET_PATH in set(after.tables["scenarios"]["scenario_id"])
    assert "path through every plan's levels" in set(after.tables["scenarios"]["scenario"])
    assert after.scalars == before.scalars
    for name, frame in before.tables.items():
        pd.testing.assert_frame_equal(_without_words(after.tables[name]), _without_words(frame), obj=name)
    assert list(after.tables["scenarios"]["scenario_id"]) == list(before.tables["scenarios"]["scenario_id"])
    words = after.narrative_markdown().replace("path through every plan's levels", old)
    assert words == before.narrative_markdown() and "the target path aside" in words
    P = Parameters("digital_economy", {**DEFAULTS, "geo": "vn"})
    res_before, index_before = _published(tmp_path / "a", "digital_economy", "vn", P, before.results())
    res_after, index_after = _published(tmp_path / "b", "digital_economy", "vn", P, after.results())
    assert res_after["scalars"] == res_before["scalars"] and index_after == index_before and index_before


def test_a_scenario_of_the_researcher_named_like_the_target_path_is_counted_as_evidence(pkg):
    """Only the target path (by its id) is left out of the reach counts: a scenario the researcher adds under the
    same words is a scenario like any other (matching on the English wording left it out)."""
    words = text.t("common.scenario.target_path", "en")

    def mine(ns):
        kept = [s for s in ns["scenarios"] if s.scenario.id != share_projection.TARGET_PATH]
        return kept + [share_projection.Scenario(words, "cagr", {"growth_pct": 40.0}, "what-if")]

    r = build(pkg, "vn", edits={"scenarios": mine})
    attained = r.tables["attainment"]
    assert words in set(attained["scenario"]) and share_projection.TARGET_PATH not in set(attained["scenario_id"])
    first = attained[attained["concept"] == attained["concept"].iloc[0]]
    target = first["target_id"].iloc[0]
    n_scenarios = len(first[first["target_id"] == target])
    assert f"of {n_scenarios} scenarios, the target path aside" in r.narrative_markdown()


# --------------------------------------------------------------------------------------------
# The ceiling: the notebook's ceiling cell is the one owner (every path, the words, results.json)
# --------------------------------------------------------------------------------------------

def test_the_ceiling_edited_in_its_cell_reaches_the_paths_the_words_the_results_and_the_index(pkg, tmp_path):
    P = Parameters("digital_economy", {**DEFAULTS, "geo": "vn"})
    own = build(pkg, "vn")
    edited = build(pkg, "vn", edits={"ceiling": 60.0})
    assert own.scalars["ceiling_pct"] != 60.0
    assert edited.scalars["ceiling_pct"] == 60.0
    caps = edited.tables["caps"]
    assert set(caps["cap_pct"]) == {60.0} and edited.tables["scenarios"]["share_pct"].max() <= 60.0 + 1e-9
    assert "logistic to 60 % ceiling" in set(edited.tables["scenarios"]["scenario"])
    # the fan is withheld without a validated probability (issue 22): the ceiling still caps every simulated path
    simulated = run_notebook_steps(P, pkg, edits={"ceiling": 60.0})["simulation"].result.bands
    assert not simulated.empty and simulated["p95_share_pct"].max() <= 60.0 + 1e-6
    assert edited.tables["sensitivity"].set_index("assumption").loc["ceiling", "low_label"] != ""
    text_ = edited.narrative_markdown()
    assert "60.0 % ceiling" in text_ and f"{own.scalars['ceiling_pct']:.1f} % ceiling" not in text_
    assert edited.assumptions.set_index("name").loc["ceiling_pct", "value"] == 60.0
    results, index = _published(tmp_path, "digital_economy", "vn", P, edited.results())
    assert results["scalars"]["ceiling_pct"] == 60.0 and index


# --------------------------------------------------------------------------------------------
# The budget report: a value and its words from the same value
# --------------------------------------------------------------------------------------------

def _deflator_words(r) -> tuple[str, str]:
    """(the narrative, the deflator's row of the inputs table) of a budget report."""
    row = r.assumptions.set_index("name").loc["deflator_pct"]
    return r.narrative_markdown(), f"{row['value']} {row['kind']} {row['basis']}"


def test_the_deflator_edited_in_the_inputs_changes_the_number_and_every_sentence_about_it(pkg, tmp_path):
    """A deflator of 5.0 % edited into step 1's result: the paths, the inputs table, the narrative and the results
    all say 5.0 % set by the user; none still says the nation's 3.7 % mean."""
    P = budget_params(geo="vn")
    default = run_steps(P, pkg)
    narrative, row = _deflator_words(default)
    assert "the nation's mean GDP deflator" in narrative and "3.7 % a year" in narrative

    def deflator_5(ns):
        d = ns["inputs"]
        return dataclasses.replace(d, inputs=dataclasses.replace(d.inputs, deflator_pct=5.0))

    edited = run_steps(P, pkg, edits={"inputs": deflator_5})
    narrative, row = _deflator_words(edited)
    assert edited.scalars["deflator_pct"] == 5.0 and edited.scalars["deflator_kind"] == ASSUMED
    assert row.startswith("5.0 assumed") and "set by the user" in row and "3.7" not in row
    assert "The deflator (5.0 % a year) is set by the run." in narrative
    assert "nation's mean GDP deflator" not in narrative and "The deflator (3.7 %" not in narrative
    assert edited.scalars["required_at_end_bn_vnd"] > default.scalars["required_at_end_bn_vnd"]
    results, index = _published(tmp_path, "budget_floor", "vn", P, edited.results())
    assert results["scalars"]["deflator_pct"] == 5.0 and results["scalars"]["deflator_kind"] == ASSUMED and index


def test_the_deflator_set_in_the_parameters_and_the_edit_in_the_inputs_say_the_same(pkg):
    by_parameter = run_steps(budget_params(geo="vn", deflator_pct=5.0), pkg)

    def deflator_5(ns):
        d = ns["inputs"]
        return dataclasses.replace(d, inputs=dataclasses.replace(d.inputs, deflator_pct=5.0))

    by_edit = run_steps(budget_params(geo="vn"), pkg, edits={"inputs": deflator_5})
    assert by_edit.narrative_markdown() == by_parameter.narrative_markdown()
    assert by_edit.scalars == by_parameter.scalars


def test_a_default_passed_explicitly_is_the_user_s_value(pkg):
    """A user-set value is recognised from what the user gave, not by differing from the default: passing the
    default deflator explicitly (papermill -p, nq57 run -p) labels it set by the user."""
    implicit = validate_parameters("budget_floor", geo="vn")
    explicit = validate_parameters("budget_floor", geo="vn", deflator_pct=DEFAULT_DEFLATOR_PCT)
    assert "deflator_pct" not in implicit.given and "deflator_pct" in explicit.given
    assert dict(implicit) == dict(explicit)
    assert run_steps(implicit, pkg).scalars["deflator_kind"] != ASSUMED
    assert run_steps(explicit, pkg).scalars["deflator_kind"] == ASSUMED
    namespace = {**{k: v for k, v in implicit.items()}, "_ih": ["", "# Parameters\ndeflator_pct = 3.7\n"]}
    assert "deflator_pct" in validate_parameters("budget_floor", namespace).given  # papermill injected it
    namespace["_ih"] = []
    assert "deflator_pct" not in validate_parameters("budget_floor", namespace).given  # the cell's own default


# --------------------------------------------------------------------------------------------
# Stable result and index names
# --------------------------------------------------------------------------------------------

def test_a_ramp_year_other_than_2030_keeps_the_index_s_headline_numbers(pkg, tmp_path):
    default = run_steps(budget_params(geo="vn"), pkg)
    ramp = run_steps(budget_params(geo="vn", ramp_year=2028), pkg)
    _, index_default = _published(tmp_path / "a", "budget_floor", "vn", budget_params(geo="vn"),
                                     default.results())
    results, index = _published(tmp_path / "b", "budget_floor", "vn", budget_params(geo="vn", ramp_year=2028),
                                   ramp.results())
    assert len(index) == len(index_default) == 3
    assert index_default[1].startswith("floor spending 2030") and index_default[2].startswith("cumulative 2025-2030")
    assert index[1].startswith("floor spending 2028") and index[2].startswith("cumulative 2025-2028")
    s = results["scalars"]
    assert (s["ramp_year"], s["periods"]) == (2028, {"to_ramp": [2025, 2028], "after_ramp": [2029, 2045]})
    yearly = ramp.tables["yearly"]
    floor_2028 = yearly[(yearly["scenario"] == "floor") & (yearly["year"] == 2028)]["spending_bn_vnd"].iloc[0]
    assert s["required_at_ramp_bn_vnd"] == pytest.approx(floor_2028)
    assert not [k for k in s if any(str(y) in k for y in range(2020, 2101))]  # no name embeds a year


def test_nq57_run_injects_only_what_the_user_gave_so_the_kernel_knows_it(tmp_path):
    """The runner (and the Airflow DAG, from the same plan) injects the geography, the -p values and any registry
    value the notebook's parameters cell does not hold; the kernel's ``P.given`` is then what the user gave."""
    from nq57lib import runner

    explicit = runner.plan_run(["budget_floor"], ["vn"], {"deflator_pct": DEFAULT_DEFLATOR_PCT}, tmp_path / "a")
    implicit = runner.plan_run(["budget_floor"], ["vn"], {}, tmp_path / "b")
    assert explicit["jobs"][0]["given"] == {"geo": "vn", "deflator_pct": DEFAULT_DEFLATOR_PCT}
    assert implicit["jobs"][0]["given"] == {"geo": "vn"}
    assert explicit["jobs"][0]["parameters"] == implicit["jobs"][0]["parameters"]  # the same values either way
