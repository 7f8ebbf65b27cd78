"""Issue 22, methods round 3, on the shipped data: ceilings per geography with one owner (item 2), the UNSD
reference of the nation (item 3), a tornado centred on the simulation's pace (item 5), imputed starting shares
(item 6), the decomposition from observed digital value-added growth (item 7). Hand-computed references."""

from __future__ import annotations

import math

import pytest

from nq57lib import ceilings, data_package, model_validation
from nq57lib import digital_economy as share
from nq57lib import share_outlook
from nq57lib.params import Parameters

from test_digital_economy import DEFAULTS, build  # noqa: E402


@pytest.fixture(scope="module")
def pkg():
    return data_package.load_package(use_env=False)


# ------------------------------------------------------------------------------------------ item 2: ceilings


def test_each_geography_gets_the_ceiling_of_its_own_sector_structure(pkg):
    # Vĩnh Phúc 2023: 100 - agriculture 5.36 - taxes on products 23.18 = 71.46 %; 2020: 100 - 6.11 - 25.77 = 68.12 %
    vp = ceilings.geography_ceiling(pkg, "vinh-phuc")
    assert (vp.kind, vp.year) == ("own", 2023) and vp.value_pct == pytest.approx(71.46)
    assert (vp.low_pct, vp.high_pct) == (pytest.approx(68.12), pytest.approx(71.46 + 2.5))
    # the nation 2022: 100 - 11.88 - 8.53 = 79.59 %
    vn = ceilings.geography_ceiling(pkg, "vn")
    assert vn.kind == "own" and vn.value_pct == pytest.approx(79.59)
    # old Phú Thọ 2023: agriculture 19.10 % of sector value added -> 19.10 x (1 - 0.0591) = 17.971 % of GRDP;
    # 100 - 17.971 - 5.91 = 76.119 %
    pt = ceilings.geography_ceiling(pkg, "phu-tho")
    assert pt.value_pct == pytest.approx(100 - 19.10 * (1 - 0.0591) - 5.91)
    # the new Phú Thọ: the old provinces' bounds weighted by GRDP 2024 (Hòa Bình 2024: 100 - 20.18 - 4.76)
    merged = ceilings.geography_ceiling(pkg, "phu-tho-2025")
    weights = {"vinh-phuc": 173140, "phu-tho": 107300, "hoa-binh": 72180}  # Phú Thọ: the statistics office's figure
    bounds = {"vinh-phuc": 71.46, "phu-tho": 100 - 19.10 * (1 - 0.0591) - 5.91, "hoa-binh": 100 - 20.18 - 4.76}
    expected = sum(weights[g] * bounds[g] for g in weights) / sum(weights.values())
    assert merged.kind == "merged" and merged.value_pct == pytest.approx(expected)
    assert expected == pytest.approx(73.615, abs=1e-3)
    # no structure in the data: Vĩnh Phúc's 70 % as a labelled fallback
    fallback = ceilings.geography_ceiling(pkg, "bac-ninh")
    assert fallback.kind == "fallback" and fallback.value_pct == 70.0
    assert fallback.basis.startswith("fallback, not derived for this geography")
    assert fallback.assumption().kind == "assumed" and vp.assumption().kind == "derived"


@pytest.mark.parametrize("geo", ["vn", "vinh-phuc", "phu-tho-2025"])
def test_no_fan_median_sits_on_a_ceiling_not_derived_for_its_geography(pkg, geo):
    r = build(pkg, geo)
    assert r.scalars["ceiling_kind"] in ("own", "merged")
    bands = r.tables["bands"]
    assert (bands["p50_share_pct"] <= r.scalars["ceiling_pct"] + 1e-6).all()
    assert not (bands["p50_share_pct"] - 70.0).abs().lt(1e-6).any()  # Vĩnh Phúc's old 70 % bound nowhere


def test_the_ceiling_set_in_the_notebook_reaches_every_cap_the_results_and_the_words(pkg):
    r = build(pkg, "vinh-phuc", ceiling_pct=60.0)
    assert r.scalars["ceiling_pct"] == 60.0 and r.scalars["ceiling_kind"] == "set"
    assert set(r.tables["caps"]["cap_pct"]) == {60.0}
    assert r.tables["scenarios"]["share_pct"].max() <= 60.0 + 1e-9
    assert "logistic to 60 % ceiling" in set(r.tables["scenarios"]["scenario"])
    assert r.tables["bands"].empty  # one data point: no probability, so no fan is kept (issue 21)
    nation = build(pkg, "vn", ceiling_pct=60.0)
    assert nation.tables["bands"].empty  # no model earned a probability: no fan is kept (issue 22)
    P_vn = Parameters("digital_economy", {**DEFAULTS, "geo": "vn", "ceiling_pct": 60.0})
    vn_inputs = share.load_inputs(pkg, P_vn)
    simulated = share.simulate(vn_inputs, share.calibrate(pkg, vn_inputs), P_vn, 60.0).bands  # the raw fans
    assert not simulated.empty and simulated["p95_share_pct"].max() <= 60.0 + 1e-6
    text = r.narrative_markdown()
    assert "60.0 % ceiling" in text and "70 %" not in text
    inputs = r.assumptions.set_index("name")
    assert inputs.loc["ceiling_pct", "value"] == 60.0 and "set by the user" in inputs.loc["ceiling_pct", "basis"]
    assert not any(name.startswith("ceiling_pct (") for name in inputs.index)  # one ceiling row, not one per definition
    # a plain number edited into the notebook's ceiling cell flows the same way
    P = Parameters("digital_economy", {**DEFAULTS, "geo": "vinh-phuc"})
    inputs_ = share.load_inputs(pkg, P)
    calibrations = share.calibrate(pkg, inputs_)
    projection = share.project(inputs_, calibrations, share.current_trend(calibrations), P, 55.0)
    assert set(projection.caps["cap_pct"]) == {55.0}


def test_the_ceiling_appears_in_the_tornado_with_its_own_range_and_swing(pkg):
    r = build(pkg, "vinh-phuc")
    row = r.tables["sensitivity"].set_index("assumption").loc["ceiling"]
    assert row["share_2045_low_pct"] == pytest.approx(68.12) and row["share_2045_high_pct"] == pytest.approx(73.96)
    assert row["swing_2045_pp"] == pytest.approx(73.96 - 68.12)  # the centre reaches the cap by 2045


# ------------------------------------------------------------------------------------- item 3: UNSD reference


def test_the_nation_reproduces_the_unsd_2023_reference(pkg):
    # ">= 30 % by 2030", read on the statistics office's measure: baseline 2020 (no 2015 value) 12.66 %,
    # latest 2025 14.02 %: projected 2030 = 14.02^2 / 12.66 = 15.5261 %, r = (15.5261 - 12.66) / 17.34 = 0.1653
    assess = build(pkg, "vn").tables["assessment"]
    row = assess[(assess["target_id"] == "vn-de-share-2030") & (assess["concept"] == "nso")
                 & (assess["method"] == "unsd progress chart 2023")].iloc[0]
    assert row["projected_pct"] == pytest.approx(15.5261, abs=1e-4) and row["score"] == pytest.approx(0.1653, abs=1e-4)
    assert row["category"] == "fair progress, but acceleration needed" and row["base_year"] == 2020
    long = assess[(assess["target_id"] == "vn-de-share-2030") & (assess["method"] == "eurostat long-term")]
    assert set(long["category"]) == {"no long-term window"}
    assert "unsd progress chart 2022" in set(assess["method"])
    html = share.view(build(pkg, "vn"), "assessment").html
    assert "Projected in the target year (UNSD 2023), %" in html and "UNSD progress chart (2023 note" in html


# ------------------------------------------------------------------------------------------ item 5: tornado


def test_the_tornado_centre_and_pace_spread_are_the_simulations(pkg):
    P = Parameters("digital_economy", {**DEFAULTS, "geo": "vn"})
    inputs = share.load_inputs(pkg, P)
    calibrations = share.calibrate(pkg, inputs)
    grdp = share.grdp_growth_assumption(pkg, inputs, P)
    ceiling = share.ceiling(pkg, inputs, P)
    tornado = share.sensitivity(inputs, calibrations, grdp, P, ceiling)
    # the nation's ministry series (2022-2024, after the likely 2021 method break) slows: log growths r1 =
    # ln(16.5 / 14.26), r2 = ln(18.3 / 16.5), fitted damping r2 / r1 = 0.709. The simulation starts each path at the
    # calibrated 13.28 % and draws its damping uniform on [0.709, 1]; the tornado's neutral centre is the path at
    # the middle damping, averaged from 2024 to the first target (2030), and its pace spread is the simulation's sd
    r1, r2 = math.log(16.5 / 14.26), math.log(18.3 / 16.5)
    phi_fit = r2 / r1
    phi = (phi_fit + 1) / 2
    mu = math.log(18.3 / 14.26) / 2
    centre_by_hand = math.expm1(mu * (1 - phi ** 6) / (1 - phi) / 6) * 100
    centre = tornado["centre_growth_pct"].iloc[0]
    assert centre == pytest.approx(centre_by_hand, rel=1e-9)
    pace = tornado.set_index("assumption").loc["pace"]
    sd = share_outlook.simulation_pace(inputs, calibrations, "ministry", 2045)[1] / 100
    cal = calibrations.by_concept["ministry"]
    fan = model_validation.fan_input(cal, calibrations.damped["ministry"], "vn", 79.59)
    assert sd * 100 == pytest.approx(fan["trend_sd_pct"]) and (fan["damping_low"], fan["damping_high"]) == (
        pytest.approx(phi_fit), 1.0)
    mu_c = math.log1p(centre / 100)
    low, high = math.expm1(mu_c - 1.645 * sd), math.expm1(mu_c + 1.645 * sd)
    assert pace["share_2030_low_pct"] == pytest.approx(18.30 * (1 + low) ** 6)
    assert pace["share_2030_high_pct"] == pytest.approx(18.30 * (1 + high) ** 6)
    assert tornado["share_2030_base_pct"].iloc[0] == pytest.approx(18.30 * (1 + centre / 100) ** 6)
    # constant vs damped pace is an input of its own: damped (fitted 0.709 from 10.91 %) vs constant 13.28 %
    form = tornado.set_index("assumption").loc["pace form"]
    steps = 6
    damped = 18.30 * math.exp(r2 * phi_fit * (1 - phi_fit ** steps) / (1 - phi_fit))
    assert form["share_2030_low_pct"] == pytest.approx(damped, rel=2e-3)
    assert form["share_2030_high_pct"] == pytest.approx(18.30 * ((18.3 / 14.26) ** (1 / 2)) ** 6)


def test_the_tornado_does_not_depend_on_the_scenario_list(pkg):
    r = build(pkg, "vinh-phuc")
    P = Parameters("digital_economy", {**DEFAULTS, "geo": "vinh-phuc"})
    inputs = share.load_inputs(pkg, P)
    calibrations = share.calibrate(pkg, inputs)
    grdp = share.grdp_growth_assumption(pkg, inputs, P)
    alone = share.sensitivity(inputs, calibrations, grdp, P, share.ceiling(pkg, inputs, P))
    assert alone.equals(r.tables["sensitivity"])  # the report's list of eight scenarios changes nothing


# ------------------------------------------------------------------------------ item 6: imputed starting shares


def test_an_imputed_start_is_never_observed_and_its_range_is_in_the_tornado(pkg):
    r = build(pkg, "phu-tho-2025")
    history = r.tables["history"]
    assert set(history["status"]) <= {"imputed", "assumed"}
    assert "imputed (not observed)" in share.view(r, "history").html
    # the range: the imputed parts at the comparable provinces' lowest (4.21 %) and at the nation's 14.26 %
    weights = {"vinh-phuc": 173140, "phu-tho": 107300, "hoa-binh": 72180}  # Phú Thọ: the statistics office's figure
    total = sum(weights.values())
    low = (173140 * 22.87 + (107300 + 72180) * 4.21) / total
    high = (173140 * 22.87 + (107300 + 72180) * 14.26) / total
    row = r.tables["sensitivity"].set_index("assumption").loc["base value"]
    assert (row["low_label"], row["high_label"]) == (f"{low:.1f} %", f"{high:.1f} %")
    assert high == pytest.approx(18.488, abs=1e-3)  # the former assumption is the high end


def test_the_chart_legend_never_calls_an_imputed_start_observed(pkg):
    import matplotlib.pyplot as plt

    fig = build(pkg, "phu-tho-2025").figure("outlook")
    labels = [text.get_text() for ax in fig.axes if ax.get_legend() for text in ax.get_legend().get_texts()]
    labels += [h.get_label() for ax in fig.axes for h in ax.get_lines()]
    assert "Starting share assumed or imputed (not observed)" in labels
    assert not any(label.startswith("Observed") for label in labels)
    plt.close(fig)


# ------------------------------------------------------------------------------------- item 7: decomposition


def test_the_decomposition_uses_the_observed_digital_value_added_growth(pkg):
    r = build(pkg, "vn")
    scenarios = r.tables["scenarios"]
    path = scenarios[(scenarios["scenario_id"] == "decomposition") & (scenarios["concept"] == "nso")].set_index("year")
    nominal = r.scalars["nominal_grdp_growth_pct"]
    # 14.02 % (2025) x (1.146 / (1 + nominal))^5 in 2030: the statistics office's observed 14.6 % (2025)
    assert path.loc[2030, "share_pct"] == pytest.approx(14.02 * (1.146 / (1 + nominal / 100)) ** 5)
    basis = r.assumptions[r.assumptions["name"].str.startswith("decomposition")]
    assert basis["basis"].str.contains("observed growth at current prices, 14.6 % in 2025").any()
    # a province without its own: the nation's, named as borrowed
    vp = build(pkg, "vinh-phuc").assumptions
    assert vp[vp["name"].str.startswith("decomposition")]["basis"].str.contains("the nation's observed growth").any()
    # 12 % only as a labelled what-if
    what_if = build(pkg, "vn", de_growth_pct=12.0).assumptions
    assert what_if[what_if["name"].str.startswith("decomposition")]["basis"].str.contains(
        "12 % a year, a what-if set by the user").any()
