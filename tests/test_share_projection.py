"""Unit tests of nq57lib.share_projection: formulas pinned to worked examples, properties, bad input.

Every expected number is computed here, independently of the library, from the public figures the
project uses (national statistics-office and ministry series, Vĩnh Phúc 2022, the Resolution 57 and
Vĩnh Phúc targets).
"""

from __future__ import annotations

import dataclasses
import math
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nq57lib import monte_carlo as mc
from nq57lib import progress_assessment as pa
from nq57lib import share_projection as pj
from nq57lib import share_formulas as sf
from nq57lib import share_calibration as sc
from nq57lib.errors import ParameterError
from nq57lib.provenance import ASSUMED, DERIVED, OBSERVED

NSO = {2020: 12.66, 2021: 12.87, 2022: 12.83, 2023: 12.87, 2024: 13.17, 2025: 14.02}
MINISTRY = {2021: 11.91, 2022: 14.26, 2023: 16.5, 2024: 18.3}


def history(values: dict, concept: str, segment: int = 0, source_id: str = "src-1") -> pd.DataFrame:
    return pd.DataFrame({"year": list(values), "value": list(values.values()), "unit": "% of GRDP",
                         "status": "official", "concept": concept, "source_id": source_id,
                         "publisher": "Publisher", "segment": segment})


NATION = pd.concat([history(NSO, "nso", source_id="gso-1"), history(MINISTRY, "ministry", source_id="mic-1")],
                   ignore_index=True)
VINH_PHUC = history({2022: 22.87}, "ministry", source_id="itpc-1")


def target(target_id, value, year, comparator=">=", geo_id="vinh-phuc", concept=None, value_high=None):
    return {"target_id": target_id, "geo_id": geo_id, "indicator_id": "de_share_pct", "concept": concept,
            "comparator": comparator, "value": value, "value_high": value_high, "year": year,
            "unit": "% of GRDP", "instrument": "plan", "source_id": "src-t"}


VP_TARGETS = [target("vp-2025", 25, 2025, ">"), target("vp-2030", 35, 2030), target("vp-2045", 60, 2045)]
VN_TARGETS = [target("vn-2030", 30, 2030, geo_id="vietnam"), target("vn-2045", 50, 2045, geo_id="vietnam")]


def cagr(first, last, years):
    return ((last / first) ** (1 / years) - 1) * 100


def first_year_at_or_above(start_year, start, growth_pct, level, end_year):
    """Walk year by year (no closed form), as a reader would check a table by hand."""
    share = start
    for year in range(start_year, end_year + 1):
        if share >= level:
            return year
        share = min(100.0, share * (1 + growth_pct / 100))
    return None


# ------------------------------------------------------------------------------ required paths


def test_required_growth_and_pp_from_vinh_phuc_2022_to_60_pct_in_2045():
    assert sf.required_growth_pct(22.87, 2022, 60, 2045) == pytest.approx(((60 / 22.87) ** (1 / 23) - 1) * 100)
    assert sf.required_growth_pct(22.87, 2022, 60, 2045) == pytest.approx(4.2827, abs=1e-4)
    assert sf.required_pp_per_year(22.87, 2022, 60, 2045) == pytest.approx((60 - 22.87) / 23)


def test_implied_de_growth_combines_share_and_grdp_growth():
    share_growth = ((60 / 22.87) ** (1 / 23) - 1) * 100
    expected = ((1 + share_growth / 100) * 1.08 - 1) * 100
    assert sf.implied_de_growth_pct(share_growth, 8.0) == pytest.approx(expected)
    assert sf.implied_de_growth_pct(0.0, 7.0) == pytest.approx(7.0)  # a constant share grows with GRDP


def test_required_paths_table_for_vinh_phuc():
    table = sf.required_paths(VINH_PHUC, VP_TARGETS, grdp_growth_pct=8.0).set_index("target_id")
    row = table.loc["vp-2025"]  # "more than 25 %": aimed 0.01 pp (the data's precision) above 25
    assert sf.STRICT_MARGIN_PP == 0.01 and row["target_pct"] == pytest.approx(25.01)
    assert row["required_growth_pct"] == pytest.approx(cagr(22.87, 25.01, 3))
    assert row["required_pp_per_year"] == pytest.approx((25.01 - 22.87) / 3)
    assert row["implied_de_growth_pct"] == pytest.approx(((1 + cagr(22.87, 25.01, 3) / 100) * 1.08 - 1) * 100)
    assert table.loc["vp-2045", "required_growth_pct"] == pytest.approx(cagr(22.87, 60, 23))
    assert table.loc["vp-2030", "years_left"] == 8
    assert not table["already_met"].any()
    assert set(table["definition_status"]) == {"unstated"}
    assert "ministry" in table.loc["vp-2030", "definition_note"]


def test_required_paths_without_grdp_growth_leaves_implied_growth_empty_and_flags_met_targets():
    table = sf.required_paths(VINH_PHUC, [target("low", 20, 2030)])
    assert math.isnan(table.loc[0, "implied_de_growth_pct"])
    assert bool(table.loc[0, "already_met"])
    assert table.loc[0, "required_growth_pct"] == pytest.approx(cagr(22.87, 20, 8))  # negative: room to fall


def test_between_target_aims_at_the_nearer_end():
    table = sf.required_paths(VINH_PHUC, [target("band", 30, 2030, "between", value_high=40)])
    assert table.loc[0, "target_pct"] == 30
    assert table.loc[0, "required_growth_pct"] == pytest.approx(cagr(22.87, 30, 8))


# ------------------------------------------------------------------------------ definitions


def test_definition_check_states_every_mismatch():
    assert sf.check_definition("nso", "nso").status == "same"
    assert sf.check_definition("nso", "nso").note == ""
    unstated = sf.check_definition("ministry", None)
    assert unstated.status == "unstated" and "does not state" in unstated.note and "ministry" in unstated.note
    assert sf.check_definition("ministry", "").status == "unstated"
    different = sf.check_definition("nso", "ministry")
    assert different.status == "different"
    assert "'ministry'" in different.note and "'nso'" in different.note


def test_required_paths_records_a_target_set_on_another_definition():
    table = sf.required_paths(NATION, [target("vn-2030", 30, 2030, geo_id="vietnam", concept="ministry")],
                              concept="nso")
    assert table.loc[0, "definition_status"] == "different"
    assert table.loc[0, "series_concept"] == "nso"


# ------------------------------------------------------------------------------ series and calibration


def test_select_series_keeps_one_concept_and_the_latest_segment():
    broken = pd.concat([history({2015: 5.0, 2016: 6.0}, "nso", segment=0),
                        history({2019: 9.0, 2020: 9.5, 2021: 10.0}, "nso", segment=1)], ignore_index=True)
    series = sf.select_series(broken)
    assert series["year"].tolist() == [2019, 2020, 2021]
    assert sf.select_series(NATION, "ministry")["value"].tolist() == list(MINISTRY.values())
    with pytest.raises(ParameterError) as error:
        sf.select_series(NATION)
    assert error.value.name == "concept"


def test_calibrate_own_national_series():
    cal = sc.calibrate(NATION, concept="nso", label="nation (nso)")
    assert cal.source == "own" and not cal.definition_differs
    assert (cal.base_year, cal.base_share_pct) == (2025, 14.02)
    assert cal.growth_pct == pytest.approx(cagr(12.66, 14.02, 5))
    assert cal.pp_per_year == pytest.approx((14.02 - 12.66) / 5)
    log_growth = [math.log(b / a) for a, b in zip(list(NSO.values()), list(NSO.values())[1:])]
    assert cal.log_growth_sd_pct == pytest.approx(statistics.stdev(log_growth) * 100)
    assert cal.trend_sd_pct == pytest.approx(statistics.stdev(log_growth) * 100 / math.sqrt(5))
    kinds = {a.name: a.kind for a in cal.assumptions}
    assert kinds["base_share_pct"] == OBSERVED and kinds["growth_pct"] == DERIVED


def test_calibrate_sd_with_a_gap_counts_the_gap_as_several_years():
    cal = sc.calibrate(history({2020: 10.0, 2021: 11.0, 2023: 12.0}, "nso"))
    mean = math.log(12 / 10) / 3
    deviations = [(math.log(11 / 10) - mean) ** 2 / 1, (math.log(12 / 11) - 2 * mean) ** 2 / 2]
    assert cal.log_growth_sd_pct == pytest.approx(math.sqrt(sum(deviations) / 1) * 100)


def test_calibrate_vinh_phuc_from_the_named_national_proxy():
    cal = sc.calibrate(VINH_PHUC, label="Vĩnh Phúc", proxy=NATION, proxy_label="nation (ministry)")
    assert cal.source == "proxy" and cal.pace_concept == "ministry" and not cal.definition_differs
    assert (cal.base_year, cal.base_share_pct, cal.base_source_id) == (2022, 22.87, "itpc-1")
    assert cal.growth_pct == pytest.approx(cagr(11.91, 18.3, 3))
    assert "nation (ministry)" in cal.note and "proxy" in cal.note
    assert cal.trend_sd_pct == cal.shock_sd_pct  # a proxy's pace is uncertain by a full yearly sd
    assert {a.name: a.kind for a in cal.assumptions}["growth_pct"] == ASSUMED


def test_calibrate_flags_a_proxy_on_another_definition():
    cal = sc.calibrate(VINH_PHUC, proxy=history(NSO, "nso"), proxy_label="nation (nso)")
    assert cal.definition_differs
    assert cal.growth_pct == pytest.approx(cagr(12.66, 14.02, 5))
    assert "another definition" in cal.note


# ------------------------------------------------------------------------------ projection methods


def test_path_formulas_match_hand_computation():
    steps = np.array([0, 1, 2, 10])
    np.testing.assert_allclose(sf.cagr_path(22.87, 10, steps), [22.87, 25.157, 27.6727, min(100, 22.87 * 1.1 ** 10)])
    assert sf.cagr_path(50, 100, [2])[0] == 100  # capped
    np.testing.assert_allclose(sf.pp_path(22.87, 1.5, steps), [22.87, 24.37, 25.87, 37.87])
    assert sf.pp_path(5, -2, [10])[0] == 0  # clipped
    np.testing.assert_allclose(sf.decomposition_path(20, 12, 7, steps), 20 * (1.12 / 1.07) ** steps)


def test_logistic_path_starts_at_the_base_grows_at_the_given_pace_and_saturates():
    s0, g, ceiling = 22.87, 10.0, 75.0
    rate = math.log(1.1) / (1 - s0 / ceiling)
    midpoint = math.log(ceiling / s0 - 1) / rate  # where an S-curve is at half its ceiling
    path = sf.logistic_path(s0, g, ceiling, np.array([0.0, midpoint, 500.0]))
    np.testing.assert_allclose(path, [s0, ceiling / 2, ceiling])
    h = 1e-6  # relative growth at the base year equals ln(1 + g)
    slope = (math.log(sf.logistic_path(s0, g, ceiling, [h])[0]) - math.log(s0)) / h
    assert slope == pytest.approx(math.log(1.1), rel=1e-4)


def test_target_path_passes_through_every_target():
    points = sf.target_path_points(VP_TARGETS, 2022, 22.87)
    assert points == ((2025, 25.01), (2030, 35.0), (2045, 60.0))  # '> 25' is met at 25.01
    years = np.arange(2022, 2046)
    path = sf.points_path(2022, 22.87, points, years)
    assert path[years == 2027][0] == pytest.approx(25.01 * (35 / 25.01) ** (2 / 5))
    assert path[years == 2045][0] == 60.0


def test_target_path_takes_the_highest_level_of_one_year():
    same_year = VP_TARGETS + [target("vp-2030-plan", 35, 2030, "="), target("vp-2030-high", 40, 2030)]
    assert sf.target_path_points(same_year, 2022, 22.87) == ((2025, 25.01), (2030, 40.0), (2045, 60.0))


def test_split_targets_separates_those_already_due():
    later, due = sf.split_targets(VN_TARGETS + [target("vn-2025", 20, 2025, geo_id="vietnam")], 2025)
    assert later["target_id"].tolist() == ["vn-2030", "vn-2045"] and due["target_id"].tolist() == ["vn-2025"]


def test_project_table_and_assumptions():
    scenarios = [pj.Scenario("fast", "cagr", {"growth_pct": 10}, "test"), pj.Scenario("pp", "pp", {"pp_per_year": 1})]
    result = pj.project(VINH_PHUC, scenarios, 2030)
    table = result.table
    assert list(table.columns) == ["scenario_id", "scenario", "scenario_vi", "method", "year", "share_pct",
                                   "share_lo_pct", "share_hi_pct", "kind"]
    assert list(dict.fromkeys(table["scenario_id"])) == ["fast", "pp"]  # no id given: the scenario's name
    fast = table[table["scenario"] == "fast"].set_index("year")
    assert fast.loc[2022, "kind"] == "observed" and fast.loc[2023, "kind"] == "projected"
    assert fast.loc[2030, "share_pct"] == pytest.approx(22.87 * 1.1 ** 8)
    assert table[table["scenario"] == "pp"].set_index("year").loc[2030, "share_pct"] == pytest.approx(30.87)
    names = [a.name for a in result.assumptions]
    assert names[0] == "base_share_pct" and "fast: growth_pct" in names
    assert result.assumptions[0].kind == OBSERVED


def test_ets_scenario_matches_statsmodels_on_the_logit():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    result = pj.project(NATION, [pj.Scenario("ets", "ets")], 2030, concept="nso")
    shares = np.array(list(NSO.values())) / 100
    fit = ETSModel(pd.Series(np.log(shares / (1 - shares))), error="add", trend="add",
                   damped_trend=True).fit(disp=False)
    expected = 100 / (1 + np.exp(-np.asarray(fit.forecast(5))))
    ets = result.table[result.table["kind"] == "projected"]
    np.testing.assert_allclose(ets["share_pct"], expected, rtol=1e-9)
    assert (ets["share_lo_pct"] < ets["share_pct"]).all() and (ets["share_pct"] < ets["share_hi_pct"]).all()
    assert any("ets_damping_trend" in a.name for a in result.assumptions)
    assert result.notes and "understates" in result.notes[0]


def test_default_scenarios_for_vinh_phuc_and_the_nation():
    vp = sc.calibrate(VINH_PHUC, proxy=NATION, proxy_label="nation (ministry)")
    nso = sc.calibrate(NATION, concept="nso", label="nation (nso)")
    names = [s.name for s in pj.default_scenarios(vp, targets=VP_TARGETS, reference=nso)]
    assert names == ["current trend", "nation (nso) pace", "logistic to 70 % ceiling", "target path",
                     "linear trend"]
    nation = pj.default_scenarios(nso, targets=VN_TARGETS, reference=sc.calibrate(NATION, concept="ministry",
                                                                                  label="nation (ministry)"))
    assert [s.method for s in nation] == ["cagr", "cagr", "logistic", "path", "ets", "pp"]
    assert all(s.basis for s in nation)


# ------------------------------------------------------------------------------ attainment


def test_attainment_years_per_scenario():
    vp = sc.calibrate(VINH_PHUC, proxy=NATION, proxy_label="nation (ministry)")
    nso_pace = cagr(12.66, 14.02, 5)
    scenarios = [pj.Scenario("ministry pace", "cagr", {"growth_pct": vp.growth_pct}),
                 pj.Scenario("nso pace", "cagr", {"growth_pct": nso_pace}),
                 pj.Scenario("target path", "path", {"points": sf.target_path_points(VP_TARGETS, 2022, 22.87)})]
    table = pj.attainment_years(pj.project(VINH_PHUC, scenarios, 2045), VP_TARGETS)
    got = table.set_index(["scenario", "target_id"])
    assert got.loc[("ministry pace", "vp-2030"), "attained_year"] == first_year_at_or_above(
        2022, 22.87, vp.growth_pct, 35, 2045)
    assert got.loc[("nso pace", "vp-2030"), "attained_year"] == first_year_at_or_above(2022, 22.87, nso_pace, 35, 2045)
    assert not got.loc[("nso pace", "vp-2030"), "on_time"]
    assert got.loc[("nso pace", "vp-2045"), "status"] == "not within horizon"
    assert pd.isna(got.loc[("nso pace", "vp-2045"), "attained_year"])
    # the target path reaches 25.01 % in 2025, which meets "more than 25 %" on time (issue 9, item 7)
    assert got.loc[("target path", "vp-2025"), "attained_year"] == 2025
    assert got.loc[("target path", "vp-2025"), "on_time"]
    assert got.loc[("target path", "vp-2030"), "attained_year"] == 2030
    assert got.loc[("target path", "vp-2045"), "attained_year"] == 2045


def test_an_about_target_counts_as_reached_from_the_base_side():
    assert sf.reached_comparator("=", 35, 22.87) == ">="
    assert sf.reached_comparator("=", 20, 22.87) == "<="
    assert sf.reached_comparator(">", 25, 22.87) == ">"
    result = pj.project(VINH_PHUC, [pj.Scenario("fast", "cagr", {"growth_pct": 10})], 2035)
    row = pj.attainment_years(result, [target("about", 35, 2030, "=")]).iloc[0]
    assert row["attained_year"] == first_year_at_or_above(2022, 22.87, 10, 35, 2035)
    about = mc.simulate([one_geo()], 2035, n_paths=1000, targets=[target("a", 30, 2035, "=", geo_id="g")])
    floor = mc.simulate([one_geo()], 2035, n_paths=1000, targets=[target("a", 30, 2035, ">=", geo_id="g")])
    assert about.p_meet.loc[0, "p_meet"] == floor.p_meet.loc[0, "p_meet"] > 0


def test_attainment_reports_a_target_already_met_at_the_base_year():
    result = pj.project(VINH_PHUC, [pj.Scenario("flat", "pp", {"pp_per_year": 0})], 2030)
    row = pj.attainment_years(result, [target("low", 20, 2030)]).iloc[0]
    assert (row["status"], row["attained_year"], bool(row["on_time"])) == ("already met", 2022, True)


# ------------------------------------------------------------------------------ Monte Carlo


def one_geo(growth=3.0, trend_sd=1.0, shock_sd=2.0, geo="g", base_year=2025, share=20.0):
    return {"geo_id": geo, "base_year": base_year, "base_share_pct": share, "growth_pct": growth,
            "trend_sd_pct": trend_sd, "shock_sd_pct": shock_sd}


# ------------------------------------------------------------------------------ progress assessment


# ------------------------------------------------------------------------------ properties

shares = st.floats(0.5, 99.0)
growths = st.floats(-60, 150)


@settings(max_examples=60, deadline=None)
@given(share=shares, growth=growths, pp=st.floats(-20, 20), ceiling_gap=st.floats(0.01, 1.0),
       de=st.floats(-50, 100), grdp=st.floats(-50, 100))
def test_every_method_keeps_the_share_within_0_and_100(share, growth, pp, ceiling_gap, de, grdp):
    ceiling = share + (100 - share) * ceiling_gap
    scenarios = [pj.Scenario("cagr", "cagr", {"growth_pct": growth}), pj.Scenario("pp", "pp", {"pp_per_year": pp}),
                 pj.Scenario("logistic", "logistic", {"growth_pct": growth, "ceiling_pct": ceiling}),
                 pj.Scenario("dec", "decomposition", {"de_growth_pct": de, "grdp_growth_pct": grdp})]
    values = pj.project(history({2024: share}, "nso"), scenarios, 2100).table["share_pct"]
    assert values.between(0, 100).all() and np.isfinite(values).all()


@settings(max_examples=40, deadline=None)
@given(share=shares, slow=growths, extra=st.floats(0, 100), level=st.floats(1, 100),
       method=st.sampled_from(["cagr", "logistic", "decomposition", "pp"]))
def test_faster_growth_never_delays_attainment(share, slow, extra, level, method):
    def scenario(name, rate):
        params = {"cagr": {"growth_pct": rate}, "pp": {"pp_per_year": rate / 10},
                  "logistic": {"growth_pct": rate, "ceiling_pct": 100.0},
                  "decomposition": {"de_growth_pct": rate, "grdp_growth_pct": 6.0}}[method]
        return pj.Scenario(name, method, params)

    result = pj.project(history({2024: share}, "nso"), [scenario("slow", slow), scenario("fast", slow + extra)], 2060)
    years = pj.attainment_years(result, [target("t", level, 2050)]).set_index("scenario")["attained_year"]
    slow_year = math.inf if pd.isna(years["slow"]) else years["slow"]
    fast_year = math.inf if pd.isna(years["fast"]) else years["fast"]
    assert fast_year <= slow_year


# ------------------------------------------------------------------------------ bad input


def bad_history(value):
    return history({2022: value}, "ministry")


def scenario(**params):
    method = params.pop("method", "cagr")
    return [pj.Scenario("s", method, params)]


BAD_INPUT = [
    ("target year equals base year", lambda: sf.required_growth_pct(22.87, 2022, 60, 2022), "target_year"),
    ("target year before base year", lambda: sf.required_pp_per_year(22.87, 2022, 60, 2020), "target_year"),
    ("target share above 100", lambda: sf.required_growth_pct(22.87, 2022, 120, 2045), "target_pct"),
    ("base share negative", lambda: sf.required_pp_per_year(-1, 2022, 60, 2045), "base_share_pct"),
    ("base share NaN", lambda: sf.required_growth_pct(float("nan"), 2022, 60, 2045), "base_share_pct"),
    ("base share a string", lambda: sf.required_growth_pct("22.87", 2022, 60, 2045), "base_share_pct"),
    ("year a float", lambda: sf.required_growth_pct(22.87, 2022.0, 60, 2045), "base_year"),
    ("year a bool", lambda: sf.required_growth_pct(22.87, 2022, 60, True), "target_year"),
    ("share growth -100 %", lambda: sf.implied_de_growth_pct(-100, 7), "share_growth_pct"),
    ("grdp growth below -100 %", lambda: sf.implied_de_growth_pct(5, -150), "grdp_growth_pct"),
    ("grdp growth infinite", lambda: sf.required_paths(VINH_PHUC, VP_TARGETS, grdp_growth_pct=math.inf),
     "grdp_growth_pct"),
    ("history share above 100", lambda: sc.calibrate(bad_history(120.0)), "history"),
    ("history share NaN", lambda: sf.select_series(bad_history(float("nan"))), "history"),
    ("history share not numeric", lambda: sf.select_series(bad_history("abc")), "history"),
    ("history infinite", lambda: sf.select_series(bad_history(math.inf)), "history"),
    ("history not a DataFrame", lambda: sf.select_series([22.87]), "history"),
    ("history without concept", lambda: sf.select_series(pd.DataFrame({"year": [2022], "value": [1.0]})),
     "history"),
    ("history duplicate year", lambda: sf.select_series(pd.concat([VINH_PHUC, VINH_PHUC])), "history"),
    ("unknown concept", lambda: sf.select_series(NATION, "gso"), "concept"),
    ("proxy missing", lambda: sc.calibrate(VINH_PHUC), "proxy"),
    ("proxy unnamed", lambda: sc.calibrate(VINH_PHUC, proxy=NATION), "proxy_label"),
    ("proxy with one observation", lambda: sc.calibrate(VINH_PHUC, proxy=VINH_PHUC, proxy_label="p"), "proxy"),
    ("growth -100 %", lambda: pj.project(VINH_PHUC, scenario(growth_pct=-100), 2030),
     "scenarios[0].params.growth_pct"),
    ("growth infinite", lambda: pj.project(VINH_PHUC, scenario(growth_pct=math.inf), 2030),
     "scenarios[0].params.growth_pct"),
    ("growth a string", lambda: pj.project(VINH_PHUC, scenario(growth_pct="5"), 2030),
     "scenarios[0].params.growth_pct"),
    ("unknown method", lambda: pj.project(VINH_PHUC, scenario(method="linear", growth_pct=5), 2030),
     "scenarios[0].method"),
    ("missing parameter", lambda: pj.project(VINH_PHUC, scenario(method="logistic", growth_pct=5), 2030),
     "scenarios[0].params"),
    ("ceiling below base", lambda: pj.project(VINH_PHUC, scenario(method="logistic", growth_pct=5, ceiling_pct=20),
                                              2030), "scenarios[0].params.ceiling_pct"),
    ("ceiling above 100", lambda: pj.project(VINH_PHUC, scenario(method="logistic", growth_pct=5, ceiling_pct=120),
                                             2030), "scenarios[0].params.ceiling_pct"),
    ("ets on one observation", lambda: pj.project(VINH_PHUC, scenario(method="ets"), 2030), "scenarios[0]"),
    ("path point before base", lambda: pj.project(VINH_PHUC, scenario(method="path", points=((2020, 30),)), 2030),
     "scenarios[0].params.points"),
    ("no scenarios", lambda: pj.project(VINH_PHUC, [], 2030), "scenarios"),
    ("duplicate scenario names", lambda: pj.project(VINH_PHUC, scenario(growth_pct=1) * 2, 2030), "scenarios"),
    ("end year equals base", lambda: pj.project(VINH_PHUC, scenario(growth_pct=1), 2022), "end_year"),
    ("end year absurd", lambda: pj.project(VINH_PHUC, scenario(growth_pct=1), 3000), "end_year"),
    ("end year a string", lambda: pj.project(VINH_PHUC, scenario(growth_pct=1), "2030"), "end_year"),
    ("target year not after base", lambda: sf.required_paths(VINH_PHUC, [target("old", 20, 2022)]), "targets"),
    ("target share above 100", lambda: sf.required_paths(VINH_PHUC, [target("x", 150, 2030)]), "targets (x).value"),
    ("target comparator unknown", lambda: sf.required_paths(VINH_PHUC, [target("x", 30, 2030, "=>")]),
     "targets (x).comparator"),
    ("target indicator unknown", lambda: sf.required_paths(VINH_PHUC, [{**target("x", 30, 2030),
                                                                        "indicator_id": "gdp_share"}]),
     "targets (x).indicator_id"),
    ("target between without high", lambda: sf.required_paths(VINH_PHUC, [target("x", 30, 2030, "between")]),
     "targets (x).value_high"),
    ("targets of two geographies", lambda: sf.required_paths(VINH_PHUC, VP_TARGETS + VN_TARGETS), "targets"),
    ("zero paths", lambda: mc.simulate([one_geo()], 2045, n_paths=0), "n_paths"),
    ("paths a float", lambda: mc.simulate([one_geo()], 2045, n_paths=1e5), "n_paths"),
    ("absurd paths", lambda: mc.simulate([one_geo()], 2045, n_paths=10**9), "n_paths"),
    ("cube over the memory guard", lambda: mc.simulate([one_geo(geo=str(i), shock_sd=1 + i / 10) for i in range(40)],
                                                       2045, n_paths=100_000), "n_paths"),
    ("negative seed", lambda: mc.simulate([one_geo()], 2045, seed=-1), "seed"),
    ("simulation growth -100 %", lambda: mc.simulate([one_geo(growth=-100)], 2045), "inputs (g).growth_pct"),
    ("simulation share 0", lambda: mc.simulate([one_geo(share=0)], 2045), "inputs (g).base_share_pct"),
    ("simulation sd negative", lambda: mc.simulate([one_geo(trend_sd=-1)], 2045), "inputs (g).trend_sd_pct"),
    ("simulation duplicate geography", lambda: mc.simulate([one_geo(), one_geo()], 2045), "inputs"),
    ("simulation ceiling below base", lambda: mc.simulate([{**one_geo(), "ceiling_pct": 10}], 2045),
     "inputs (g).ceiling_pct"),
    ("simulation target for unknown geography", lambda: mc.simulate([one_geo()], 2045,
                                                                    targets=[target("x", 30, 2030, geo_id="nowhere")]),
     "targets"),
    ("simulation target after horizon", lambda: mc.simulate([one_geo()], 2035,
                                                            targets=[target("x", 30, 2045, geo_id="g")]), "end_year"),
    ("eurostat target year before base", lambda: pa.assess_eurostat([2020, 2025], [10, 12], 30, 2019),
     "target_year"),
    ("eurostat share above 100", lambda: pa.assess_eurostat([2020, 2025], [10, 120], 30, 2030), "values"),
]


@pytest.mark.parametrize("case, call, name", BAD_INPUT, ids=[case for case, _, _ in BAD_INPUT])
def test_bad_input_is_rejected_naming_the_argument(case, call, name):
    with pytest.raises(ParameterError) as error:
        call()
    assert error.value.name == name
    assert name in str(error.value)




# ------------------------------------------------------------------------------ issue 9: scenarios a referee accepts


def test_worked_examples_of_the_required_path_still_hold():
    assert sf.required_growth_pct(22.87, 2022, 60, 2045) == pytest.approx(4.2827, abs=5e-5)
    assert sf.required_pp_per_year(22.87, 2022, 60, 2045) == pytest.approx(1.6143, abs=5e-5)


def test_strict_target_path_meets_its_targets_including_the_new_phu_tho():
    # new Phú Thọ: "> 30 % by 2030" from an assumed 2022 base; its own target path must meet it
    base = history({2022: 17.5}, "ministry")
    goal = [target("pt-2030", 30, 2030, ">", geo_id="phu-tho-2025")]
    points = sf.target_path_points(goal, 2022, 17.5)
    assert points == ((2030, 30.01),)
    result = pj.project(base, [pj.Scenario("target path", "path", {"points": points})], 2045)
    row = pj.attainment_years(result, goal).iloc[0]
    assert (row["attained_year"], bool(row["on_time"])) == (2030, True)
    assert sf.target_level("<", 10, None, 20) == pytest.approx(9.99)


def test_ceiling_default_is_the_sector_structure_bound_not_a_target():
    assert sf.sector_ceiling_pct(5.36, 23.18) == pytest.approx(71.46)  # Vĩnh Phúc 2023
    assert sf.sector_ceiling_pct(6.11, 25.77) == pytest.approx(68.12)  # Vĩnh Phúc 2020
    assert 68.12 <= pj.DEFAULT_CEILING_PCT <= 71.46 and "not the targets" in pj.CEILING_BASIS
    with pytest.raises(ParameterError, match="product_taxes_share_pct"):
        sf.sector_ceiling_pct(60, 40)


def test_project_caps_constant_growth_at_the_ceiling_and_states_the_year():
    scenarios = [pj.Scenario("fast", "cagr", {"growth_pct": 10}), pj.Scenario("slow", "pp", {"pp_per_year": 0.5})]
    result = pj.project(VINH_PHUC, scenarios, 2045, ceiling_pct=70)
    fast = result.table[result.table["scenario"] == "fast"].set_index("year")["share_pct"]
    # 22.87 * 1.1^t >= 70  <=>  t >= ln(70 / 22.87) / ln(1.1) = 11.73 -> 12 years -> 2034
    assert fast.max() == 70 and fast.loc[2033] == pytest.approx(22.87 * 1.1 ** 11) and fast.loc[2034] == 70
    caps = result.caps.set_index("scenario")
    assert caps.loc["fast", "cap_year"] == 2034 and caps.loc["fast", "cap_pct"] == 70
    assert pd.isna(caps.loc["slow", "cap_year"])  # 22.87 + 0.5 * 23 = 34.37 never reaches 70
    assert "ceiling_pct" in [a.name for a in result.assumptions]
    # without a ceiling, the cap is 100 % (as before)
    assert pj.project(VINH_PHUC, scenarios, 2045).caps.set_index("scenario").loc["fast", "cap_year"] == 2038


def test_damped_pace_fit_on_the_national_ministry_series_by_hand():
    r = [math.log(14.26 / 11.91), math.log(16.5 / 14.26), math.log(18.3 / 16.5)]  # 0.180, 0.146, 0.104
    phi = (r[0] * r[1] + r[1] * r[2]) / (r[0] ** 2 + r[1] ** 2)
    fit = sc.fit_damped_pace(NATION, concept="ministry", label="nation (ministry)")
    assert fit.damping == pytest.approx(phi) and fit.damping == pytest.approx(0.7704, abs=1e-4)
    assert fit.start_growth_pct == pytest.approx((18.3 / 16.5 - 1) * 100)
    assert fit.n_obs == 4 and "0.770" in fit.note
    path = sf.damped_path(22.87, fit.start_growth_pct, fit.damping, np.array([0, 1, 2]))
    np.testing.assert_allclose(path, [22.87, 22.87 * math.exp(r[2] * phi), 22.87 * math.exp(r[2] * (phi + phi ** 2))])
    limit = 22.87 * math.exp(r[2] * phi / (1 - phi))  # the share the slowing pace approaches: 32.4 %
    assert sf.damped_path(22.87, fit.start_growth_pct, fit.damping, [500])[0] == pytest.approx(limit)
    # the statistics-office series does not slow (fitted ratio 1.77): phi held at 1 and said so
    nso = sc.fit_damped_pace(NATION, concept="nso")
    assert nso.damping == 1.0 and "no slowing" in nso.note
    with pytest.raises(ParameterError, match=">= 3"):
        sc.fit_damped_pace(VINH_PHUC)


def test_default_scenarios_add_the_damped_pace_only_when_growth_slows():
    vp = sc.calibrate(VINH_PHUC, proxy=NATION, proxy_label="nation (ministry)")
    slowing = sc.fit_damped_pace(NATION, concept="ministry")
    names = [s.name for s in pj.default_scenarios(vp, damped=slowing)]
    assert names[-2:] == ["linear trend", "damped pace"]
    assert "damped pace" not in [s.name for s in pj.default_scenarios(vp, damped=sc.fit_damped_pace(NATION,
                                                                                                   concept="nso"))]


def test_relative_level_proxy_scales_the_proxy_path():
    proxy = pd.DataFrame({"year": [2022, 2030], "share_pct": [14.26, 20.0]})
    scenario = pj.relative_level_scenario("relative", 2022, 22.87, proxy, "nation (ministry)")
    assert "22.87 / 14.26" in scenario.basis and "nation (ministry)" in scenario.basis
    table = pj.project(VINH_PHUC, [scenario], 2030).table.set_index("year")["share_pct"]
    assert table.loc[2022] == pytest.approx(22.87) and table.loc[2030] == pytest.approx(20 * 22.87 / 14.26)
    assert 2025 not in table.index  # the proxy path does not cover 2025: no invented value
    with pytest.raises(ParameterError, match="base year 2021"):
        pj.relative_level_scenario("r", 2021, 22.87, proxy, "nation")


def test_logistic_slows_as_it_fills_and_bends_down_near_the_ceiling():
    # Bắc Ninh 56.83 % borrowing the national ministry pace measured around sqrt(11.91 * 18.3) = 14.76 %
    level = math.sqrt(11.91 * 18.3)
    k = math.log(1.154) / (1 - level / 70)
    h = 1e-6
    slope = (math.log(sf.logistic_path(56.83, 15.4, 70, [h], level)[0]) - math.log(56.83)) / h
    assert slope == pytest.approx(k * (1 - 56.83 / 70), rel=1e-4)  # 3.4 % a year, not 15.4 %
    path = sf.logistic_path(22.87, 15.4, 70, np.arange(0, 40), level)
    growth, change = np.diff(np.log(path)), np.diff(path)
    assert np.all(np.diff(growth) < 0) and path.max() < 70
    assert np.all(np.diff(change[path[:-1] >= 35]) < 0)  # pp a year fall once past half the ceiling
    assert np.all(path <= sf.cagr_path(22.87, 15.4, np.arange(0, 40)) + 1e-9)
    vp = sc.calibrate(VINH_PHUC, proxy=NATION, proxy_label="nation (ministry)")
    assert vp.pace_share_pct == pytest.approx(level)
    logistic = [s for s in pj.default_scenarios(vp) if s.method == "logistic"][0]
    assert logistic.params["pace_share_pct"] == pytest.approx(level)


@settings(max_examples=60, deadline=None)
@given(share=st.floats(1, 69), growth=st.floats(-20, 40), ceiling=st.floats(70, 100), phi=st.floats(0, 1),
       pp=st.floats(-5, 10))
def test_no_projected_path_exceeds_the_ceiling(share, growth, ceiling, phi, pp):
    scenarios = [pj.Scenario("c", "cagr", {"growth_pct": growth}), pj.Scenario("p", "pp", {"pp_per_year": pp}),
                 pj.Scenario("d", "damped", {"start_growth_pct": growth, "damping": phi}),
                 pj.Scenario("l", "logistic", {"growth_pct": growth, "ceiling_pct": ceiling})]
    result = pj.project(history({2022: share}, "ministry"), scenarios, 2060, ceiling_pct=ceiling)
    assert result.table["share_pct"].max() <= ceiling + 1e-9 and result.table["share_pct"].min() >= 0


@settings(max_examples=40, deadline=None)
@given(share=st.floats(1, 60), growth=st.floats(0, 30), extra=st.floats(0.1, 10), phi=st.floats(0, 1))
def test_damped_path_is_monotone_in_the_pace(share, growth, extra, phi):
    steps = np.arange(0, 25)
    slow = sf.damped_path(share, growth, phi, steps)
    fast = sf.damped_path(share, growth + extra, phi, steps)
    assert np.all(fast >= slow - 1e-9)


def test_split_targets_as_of_the_data():
    # Issue 22, item 9: a target due in the as-of year is still open (it used to count as passed here and
    # not in the scorecard); one due before it has passed (share_formulas.target_has_passed).
    ahead, passed = sf.split_targets_as_of(VP_TARGETS, 2026)
    assert passed["target_id"].tolist() == ["vp-2025"] and ahead["target_id"].tolist() == ["vp-2030", "vp-2045"]
    ahead, passed = sf.split_targets_as_of(VP_TARGETS, 2025)
    assert passed.empty and ahead["target_id"].tolist() == ["vp-2025", "vp-2030", "vp-2045"]
    with pytest.raises(ParameterError, match="as_of_year"):
        sf.split_targets_as_of(VP_TARGETS, "2025")


@pytest.mark.parametrize("points, match", [("2022:14", "proxy_points"), (((2022, 14.26, 1),), "proxy_points"),
                                           (((2023, 15.0),), "base year 2022"), (((2022, 0.0),), "0 %"),
                                           (((2022, 140.0),), "share_pct")])
def test_bad_relative_scenario_is_rejected_before_projecting(points, match):
    scenario = pj.Scenario("r", "relative", {"proxy_points": points, "proxy_label": "nation"})
    with pytest.raises(ParameterError, match=match):
        pj.project(VINH_PHUC, [scenario], 2030)


def test_a_scenario_is_identified_by_its_id_and_a_copy_needs_its_own():
    """Ids, not words, identify scenarios (issue 25): a copy under another name keeps the id until given its own."""
    s = pj.Scenario("fast", "cagr", {"growth_pct": 10}, "test", id="x")
    copy = dataclasses.replace(s, name="faster")
    with pytest.raises(ParameterError, match="two scenarios have the id 'x'"):
        pj.project(VINH_PHUC, [s, copy], 2030)
    table = pj.project(VINH_PHUC, [s, dataclasses.replace(copy, id="y")], 2030).table
    assert list(dict.fromkeys(zip(table["scenario_id"], table["scenario"]))) == [("x", "fast"), ("y", "faster")]
