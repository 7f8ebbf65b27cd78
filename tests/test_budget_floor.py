"""Tests of nq57lib.budget_floor on the shipped data package: every input is derived with its basis.

Expected values are recomputed here from the package tables (targets, best observations), not copied
from the builder, so a change in a derivation rule or in the data shows up as a failure.
"""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pytest

from nq57lib import data
from nq57lib import budget_floor as B
from nq57lib.formatting import fmt_number
from nq57lib.report_view import source_ids_in
from nq57lib.errors import ParameterError
from nq57lib.params import Parameters
from nq57lib.provenance import ASSUMED, DERIVED, OBSERVED
from nq57lib.report import save_results

DEFAULTS = dict(geo="vinh-phuc", lang="en", floor_pct=15.0, start_year=2025, ramp_year=2030, end_year=2045,
                base_expenditure_bn_vnd=0.0, current_share_pct=0.0, real_growth_pct=0.0, deflator_pct=3.5,
                budget_growth_pct=0.0, capacity_bn_vnd=0.0, output_dir="")
GEOS = ("vinh-phuc", "vn", "phu-tho-2025")
LANGS = ("en", "vi")


def params(**changes) -> Parameters:
    return Parameters("budget_floor", {**DEFAULTS, **changes})


def run_steps(P, pkg):
    """The notebook's steps in order, as its cells call them; returns the saved Report."""
    inputs = B.derive_inputs(pkg, P)
    paths = B.budget_paths(inputs, B.default_floors(inputs))
    rnd = B.rnd_view(pkg, paths)
    text = B.narrative(pkg, paths, rnd, P.lang)
    return B.report(pkg, paths, B.absorption_check(paths), rnd, B.sensitivity(paths), text, P.lang)


@pytest.fixture(scope="module")
def pkg():
    return data.load_package()


@pytest.fixture(scope="module")
def reports(pkg):
    return {(geo, lang): run_steps(params(geo=geo, lang=lang), pkg) for geo in GEOS for lang in LANGS}


def target(pkg, target_id: str):
    return pkg.targets.set_index("target_id").loc[target_id]


def record(report, name: str):
    rows = report.assumptions[report.assumptions["name"] == name]
    assert len(rows) == 1, name
    return rows.iloc[0]


def latest(frame, up_to: int):
    return frame[frame["year"] <= up_to].sort_values("year").iloc[-1]


def vinh_phuc_plan_base(pkg) -> float:
    amount = target(pkg, "vinh-phuc-st-i-dt-budget-2025-2030")["value"]
    share = target(pkg, "vinh-phuc-st-i-dt-share-2025-2030")["value"]
    return amount / (share / 100.0)


# ------------------------------------------------------------------ derivation rules

def test_vinh_phuc_base_is_plan_amount_over_share(pkg, reports):
    expected = vinh_phuc_plan_base(pkg)
    assert expected == pytest.approx(33333.33, rel=1e-6)  # 1,000 / 3 %: the plan as published
    inputs = B.budget_inputs(pkg, params())
    assert inputs.base_expenditure_bn_vnd == pytest.approx(expected, rel=1e-12)
    base = record(reports["vinh-phuc", "en"], "base_expenditure_bn_vnd")
    assert base["kind"] == DERIVED
    assert "1,000 / 0.03 = 33,333 bn VND" in base["basis"]
    for target_id in ("vinh-phuc-st-i-dt-budget-2025-2030", "vinh-phuc-st-i-dt-share-2025-2030"):
        assert target_id in base["basis"] and target(pkg, target_id)["source_id"] in base["basis"]
    # The cross-check names the latest observed local budget expenditure and its source.
    observed = latest(data.series(pkg, "vinh-phuc", "budget_expenditure_bn_vnd", concept="local_excl_carryover"), 2025)
    assert observed["source_id"] in base["basis"] and f"{observed['value']:,.0f}" in base["basis"]
    # Status quo: the plan's own share; capacity: the top of the absorption range.
    assert inputs.current_share_pct == target(pkg, "vinh-phuc-st-i-dt-share-2025-2030")["value"]
    absorption = target(pkg, "vinh-phuc-st-i-dt-absorption-2025-2030")
    assert inputs.capacity_bn_vnd == absorption["value_high"]
    assert f"{absorption['value']:,.0f}–{absorption['value_high']:,.0f}" in record(
        reports["vinh-phuc", "en"], "capacity_bn_vnd")["basis"]


def test_vinh_phuc_grdp_and_growth_are_the_latest_observations(pkg):
    inputs = B.budget_inputs(pkg, params())
    grdp = latest(data.series(pkg, "vinh-phuc", "grdp_current_bn_vnd"), 2025)
    growth = latest(data.series(pkg, "vinh-phuc", "grdp_growth_pct"), 2025)
    assert (inputs.grdp_base_year, inputs.grdp_base_bn_vnd) == (grdp["year"], grdp["value"])
    assert inputs.real_growth_pct == growth["value"]
    assert inputs.budget_growth_pct is None  # follows nominal GRDP
    assert inputs.bases["real_growth_pct"][0] == ASSUMED and growth["source_id"] in inputs.bases["real_growth_pct"][1]


def test_nation_uses_the_observed_budget(pkg, reports):
    estimates = data.series(pkg, "vn", "budget_expenditure_bn_vnd", concept="state_total",
                         statuses=["official", "preliminary", "estimate"])
    chosen = estimates[estimates["year"] == 2025].iloc[0]
    inputs = B.budget_inputs(pkg, params(geo="vn"))
    assert inputs.base_expenditure_bn_vnd == chosen["value"]
    base = record(reports["vn", "en"], "base_expenditure_bn_vnd")
    assert base["kind"] == OBSERVED and chosen["source_id"] in base["basis"]
    # The National Assembly's plan figure is named beside it, in the basis and in both narratives.
    every = data.observations_for(pkg, "vn", "budget_expenditure_bn_vnd")
    plans = every[(every["year"] == 2025) & (every["status"] == "plan") & (every["concept"] == "state_total")]
    assert len(plans) >= 1
    for _, plan in plans.iterrows():
        assert plan["source_id"] in base["basis"]
        for lang in LANGS:
            assert fmt_number(plan["value"], lang, 0) in reports["vn", lang].narrative[0]
    # Status quo: the latest observed S&T share, with its narrower scope stated.
    share = record(reports["vn", "en"], "current_share_pct")
    assert share["kind"] == OBSERVED and "narrower" in share["basis"]
    assert "overstated" in reports["vn", "en"].narrative_markdown()


def test_merged_unit_uses_the_proxy_ratio(pkg, reports):
    # Recompute: Vĩnh Phúc's plan budget over its GRDP carried to 2025, times the new Phú Thọ's 2025 GRDP.
    vp_grdp = latest(data.series(pkg, "vinh-phuc", "grdp_current_bn_vnd"), 2025)
    vp_growth = latest(data.series(pkg, "vinh-phuc", "grdp_growth_pct"), 2025)["value"]
    vp_grdp_2025 = vp_grdp["value"] * ((1 + vp_growth / 100) * 1.035) ** (2025 - vp_grdp["year"])
    pt_grdp = data.merged_series(pkg, "phu-tho-2025", "grdp_current_bn_vnd").set_index("year").loc[2025, "value"]
    expected = vinh_phuc_plan_base(pkg) / vp_grdp_2025 * pt_grdp
    inputs = B.budget_inputs(pkg, params(geo="phu-tho-2025"))
    assert inputs.base_expenditure_bn_vnd == pytest.approx(expected, rel=1e-9)
    base = record(reports["phu-tho-2025", "en"], "base_expenditure_bn_vnd")
    assert base["kind"] == ASSUMED and "vinh-phuc" in base["basis"] and "ratio" in base["basis"]
    assert record(reports["phu-tho-2025", "en"], "current_share_pct")["kind"] == ASSUMED
    assert reports["phu-tho-2025", "en"].scalars["base_expenditure_rule"] == "proxy"
    assert "Vinh Phuc" in reports["phu-tho-2025", "en"].narrative[0]
    assert "Vĩnh Phúc" in reports["phu-tho-2025", "vi"].narrative[0]


def test_user_values_override_the_data_and_are_labelled_as_such(pkg):
    report = run_steps(params(current_share_pct=2.0, real_growth_pct=6.0, capacity_bn_vnd=900.0,
                            budget_growth_pct=9.0, base_expenditure_bn_vnd=40000.0), pkg)
    for name, value in (("current_share_pct", 2.0), ("real_growth_pct", 6.0), ("capacity_bn_vnd", 900.0),
                        ("budget_growth_pct", 9.0), ("base_expenditure_bn_vnd", 40000.0)):
        row = record(report, name)
        assert (row["value"], row["kind"]) == (value, ASSUMED) and "set by the user" in row["basis"]
    assert report.scalars["required_2025_bn_vnd"] == pytest.approx(0.15 * 40000.0)


def test_province_runs_when_the_user_supplies_its_budget(pkg):
    report = run_steps(params(geo="ha-noi", base_expenditure_bn_vnd=150000.0), pkg)
    assert report.scalars["base_expenditure_kind"] == ASSUMED
    share = record(report, "current_share_pct")
    assert share["kind"] == ASSUMED and "national share is used as a proxy" in share["basis"]
    assert "absorption" in report.narrative_markdown().lower() and report.scalars["capacity_bn_vnd"] is None


# ------------------------------------------------------------------ report contents

@pytest.mark.parametrize("geo", GEOS)
def test_every_source_id_resolves_and_is_listed(pkg, reports, geo):
    report = reports[geo, "en"]
    cited = source_ids_in(*report.assumptions["basis"])
    assert cited and cited <= set(pkg.sources["source_id"])
    assert set(report.sources["source_id"]) == cited
    for _, row in report.assumptions.iterrows():
        if row["kind"] == OBSERVED:
            assert source_ids_in(row["basis"]), row["name"]
        assert row["basis"] and "no basis recorded" not in row["basis"], row["name"]


@pytest.mark.parametrize("geo", GEOS)
def test_national_floor_is_always_shown(pkg, reports, geo):
    national = target(pkg, B.NATIONAL_FLOOR_TARGET_ID)["value"]
    report = reports[geo, "en"]
    rows = report.tables["yearly"][report.tables["yearly"]["scenario"] == "national_floor"]
    assert len(rows) == 2045 - 2025 + 1 and (rows["share_of_budget_pct"] == national).all()
    assert record(report, "national_floor_pct")["kind"] == OBSERVED
    assert {3.0, 5.0, 10.0, 15.0, national} <= set(report.tables["sensitivity"]["floor_pct"])
    assert B.NATIONAL_FLOOR_TARGET_ID in report.narrative_markdown()


@pytest.mark.parametrize("geo", GEOS)
def test_scalars_equal_the_table_values(reports, geo):
    report = reports[geo, "en"]
    yearly, periods, s = report.tables["yearly"], report.tables["periods"], report.scalars

    def cell(scenario, year, column):
        return yearly[(yearly["scenario"] == scenario) & (yearly["year"] == year)][column].iloc[0]

    for year in (2025, 2030, 2045):
        assert s[f"required_{year}_bn_vnd"] == cell("floor", year, "spending_bn_vnd")
        assert s[f"required_{year}_const_bn_vnd"] == cell("floor", year, "spending_const_bn_vnd")
        assert s[f"national_floor_{year}_bn_vnd"] == cell("national_floor", year, "spending_bn_vnd")
    assert s["required_2025_bn_vnd"] == pytest.approx(s["base_expenditure_bn_vnd"] * 0.15, rel=1e-12)
    floor = yearly[yearly["scenario"] == "floor"]
    first = floor[floor["year"] <= 2030]["spending_bn_vnd"].sum()
    assert s["cumulative_2025_2030_bn_vnd"] == pytest.approx(first, rel=1e-12)
    assert s["cumulative_2031_2045_bn_vnd"] == pytest.approx(floor[floor["year"] > 2030]["spending_bn_vnd"].sum())
    gap = periods[(periods["scenario"] == "floor") & (periods["period"] == "2031–2045")]["cumulative_gap_bn_vnd"]
    assert s["gap_2031_2045_bn_vnd"] == gap.iloc[0]
    assert s["years_above_capacity"] == [int(y) for y in floor.loc[floor["is_above_capacity"].fillna(False), "year"]]


def test_absorption_and_rnd_results(pkg, reports):
    vp = reports["vinh-phuc", "en"]
    assert vp.scalars["years_above_capacity"] == list(range(2025, 2046))  # 5,000 bn VND vs 350 from the start
    assert vp.tables["absorption"]["capacity_bn_vnd"].eq(350.0).all()
    assert "rnd" not in vp.tables
    vn = reports["vn", "en"]
    rnd = vn.tables["rnd"].set_index("year")
    gerd_target = target(pkg, B.GERD_TARGET_ID)["value"]
    nonstate = target(pkg, B.NONSTATE_TARGET_ID)["value"]
    assert rnd.loc[2030, "gerd_required_pct_gdp"] == gerd_target
    assert rnd.loc[2030, "public_rnd_max_bn_vnd"] == pytest.approx(
        (1 - nonstate / 100) * gerd_target / 100 * rnd.loc[2030, "gdp_bn_vnd"])
    assert vn.scalars["public_rnd_max_2030_bn_vnd"] == rnd.loc[2030, "public_rnd_max_bn_vnd"]
    assert vn.scalars["public_rnd_share_of_national_floor_2030_pct"] == pytest.approx(
        rnd.loc[2030, "public_rnd_max_bn_vnd"] / vn.scalars["national_floor_2030_bn_vnd"] * 100)
    gerd = latest(data.series(pkg, "vn", "gerd_pct_gdp"), 2025)
    assert record(vn, "gerd_base_pct_gdp")["value"] == gerd["value"] and gerd["concept"] == "most_survey"
    assert "UIS" in record(vn, "gerd_base_pct_gdp")["basis"]


@pytest.mark.parametrize("geo", GEOS)
@pytest.mark.parametrize("lang", LANGS)
def test_narrative_states_the_key_numbers(reports, geo, lang):
    report = reports[geo, lang]
    text = report.narrative_markdown()
    s = report.scalars
    for key in ("base_expenditure_bn_vnd", "required_2025_bn_vnd", "required_2030_bn_vnd", "required_2045_bn_vnd",
                "required_2030_const_bn_vnd", "cumulative_2025_2030_bn_vnd", "cumulative_2031_2045_bn_vnd",
                "gap_2025_2030_bn_vnd", "national_floor_2030_bn_vnd"):
        assert fmt_number(s[key], lang, 0) in text, key
    assert ("bn VND" if lang == "en" else "tỷ đồng") in text
    # One paragraph says what is observed, derived and assumed, including the unsourced 15 % default.
    last = report.narrative[-1]
    assert ("Assumptions:" if lang == "en" else "Giả định:") in last
    assert ("no public source" if lang == "en" else "chưa có nguồn công khai") in last
    if geo == "vn":
        assert fmt_number(s["public_rnd_max_2030_bn_vnd"], lang, 0) in text
    assert report.title.endswith(data.geo_name(data.load_package(), geo, lang))


def test_figures_carry_source_footnotes(pkg, reports):
    report = reports["vinh-phuc", "vi"]
    plan_source = target(pkg, "vinh-phuc-st-i-dt-budget-2025-2030")["source_id"]
    national_source = target(pkg, B.NATIONAL_FLOOR_TARGET_ID)["source_id"]
    try:
        for name in ("spending", "cumulative_gap", "sensitivity"):
            fig = report.figure(name)
            text = "\n".join(t.get_text() for t in fig.texts)
            assert plan_source in text, name
            assert "Vĩnh Phúc" in fig.axes[0].get_title()
        spending = report.figure("spending")
        assert national_source in "\n".join(t.get_text() for t in spending.texts)
    finally:
        plt.close("all")


def test_results_are_saved(reports, tmp_path):
    report = reports["vn", "en"]
    save_results(params(geo="vn", output_dir=str(tmp_path)), *report.results())
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert saved["scalars"]["base_expenditure_kind"] == OBSERVED
    assert {"yearly", "periods", "sensitivity", "absorption", "rnd", "assumptions", "sources"} <= set(saved["tables"])


# ------------------------------------------------------------------ bad parameters

@pytest.mark.parametrize("changes, name, fragment", [
    ({"geo": "ha-noi"}, "base_expenditure_bn_vnd", "set base_expenditure_bn_vnd"),
    ({"geo": "hoa-binh"}, "base_expenditure_bn_vnd", "no budget expenditure for hoa-binh"),
    ({"geo": "an-giang"}, "geo", "no GRDP"),
    ({"geo": "vinh-phuk"}, "geo", "did you mean"),
    ({"floor_pct": 0.15}, "floor_pct", "fraction"),
    ({"end_year": 2025}, "end_year", "after start_year"),
    ({"ramp_year": 2024}, "ramp_year", "within start_year–end_year"),
    ({"ramp_year": 2050}, "ramp_year", "within start_year–end_year"),
    ({"deflator_pct": -100.0}, "deflator_pct", "> -100"),
])
def test_bad_parameters_name_the_parameter(pkg, changes, name, fragment):
    with pytest.raises(ParameterError) as caught:
        run_steps(params(**changes), pkg)
    assert caught.value.name == name
    assert fragment in str(caught.value)


def test_rnd_view_is_national_only(pkg):
    with pytest.raises(ParameterError) as caught:
        B.rnd_inputs(pkg, params(geo="vinh-phuc"))
    assert caught.value.name == "geo"
    assert B.rnd_inputs(pkg, params(geo="vn")).target_year == target(pkg, B.GERD_TARGET_ID)["year"]


def test_the_notebook_is_the_analysis_no_god_function():
    assert not hasattr(B, "build")
    from nq57lib import config

    source = (config.NOTEBOOKS_DIR / "budget_floor.py").read_text(encoding="utf-8")
    assert "build(" not in source and "budget_floor._" not in source
    steps = ("derive_inputs", "default_floors", "budget_paths", "cumulative_totals", "absorption_check",
             "rnd_view", "sensitivity", "narrative", "report")
    for step in steps:
        assert f"budget_floor.{step}(" in source and getattr(B, step).__doc__, step


def test_floors_list_is_checked(pkg):
    inputs = B.derive_inputs(pkg, params())
    with pytest.raises(ParameterError, match="fraction"):
        B.Floor("half", 0.5, ASSUMED, "x")
    with pytest.raises(ParameterError) as caught:
        B.budget_paths(inputs, [B.default_floors(inputs)[0], B.Floor("ramp", 5.0, ASSUMED, "x")])
    assert caught.value.name == "floors"
