"""Unit tests of nq57lib.monte_carlo: the simulation against the closed form of its model, properties, bad input.

Fixtures (the national series, targets, one-geography inputs) are shared with test_share_projection.py.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nq57lib import monte_carlo as mc
from nq57lib import share_projection as pj
from nq57lib import share_calibration as sc
from nq57lib.errors import ParameterError

from test_share_projection import NATION, history, one_geo, shares, target  # noqa: E402


def test_simulation_matches_the_closed_form_of_its_model():
    # log share after t years ~ Normal(t ln(1+g), (tau t)^2 + sigma^2 t): quantiles and P(meet) in closed form
    result = mc.simulate([one_geo()], 2035, n_paths=100_000, seed=1,
                         targets=[target("t", 30, 2035, geo_id="g")])
    t, mean = 10, 10 * math.log(1.03)
    sd = math.sqrt((0.01 * t) ** 2 + 0.02 ** 2 * t)
    last = result.bands.iloc[-1]
    for q in mc.QUANTILES_PCT:
        expected = 20 * math.exp(mean + NormalDist().inv_cdf(q / 100) * sd)
        assert last[f"p{q:02d}_share_pct"] == pytest.approx(expected, rel=0.01)
    p_expected = 1 - NormalDist(mean, sd).cdf(math.log(30 / 20))
    assert result.p_meet.loc[0, "p_meet"] == pytest.approx(p_expected, abs=0.01)
    first = result.bands.iloc[0]
    assert first["year"] == 2025 and first["p05_share_pct"] == pytest.approx(20.0)


def test_simulated_quantiles_are_inverted_cdf_order_statistics():
    # Trend uncertainty only: after one year each path's share is s0 (1 + g) exp(tau Z). simulate() draws
    # Z first from numpy's default generator, so the 5 % quantile is the 5th smallest Z of 100 paths.
    z = np.sort(np.random.default_rng(3).standard_normal(100, dtype=np.float32).astype(float))
    bands = mc.simulate([one_geo(growth=3, trend_sd=10, shock_sd=0)], 2026, n_paths=100, seed=3).bands
    expected = [20 * 1.03 * math.exp(0.10 * z[rank]) for rank in (4, 24, 49, 74, 94)]
    quantile_columns = [f"p{q:02d}_share_pct" for q in mc.QUANTILES_PCT]
    np.testing.assert_allclose(bands.loc[1, quantile_columns].astype(float), expected, rtol=1e-6)


def test_simulation_without_uncertainty_is_the_cagr_path():
    result = mc.simulate([one_geo(trend_sd=0, shock_sd=0)], 2030, n_paths=100)
    np.testing.assert_allclose(result.bands["p50_share_pct"], 20 * 1.03 ** np.arange(6), rtol=1e-5)
    np.testing.assert_allclose(result.bands["p05_share_pct"], result.bands["p95_share_pct"])


def test_simulation_ceiling_caps_every_band():
    capped = mc.simulate([{**one_geo(growth=15, share=40), "ceiling_pct": 75.0}], 2045, n_paths=1000).bands
    free = mc.simulate([one_geo(growth=15, share=40)], 2045, n_paths=1000).bands
    assert capped["p95_share_pct"].max() == 75.0 and free["p95_share_pct"].max() == 100.0
    expected = free["p50_share_pct"].clip(upper=75.0)  # a cap is a monotone map: it commutes with quantiles
    np.testing.assert_allclose(capped["p50_share_pct"], expected)


def test_simulation_is_reproducible_and_independent_of_the_rest_of_the_batch():
    a = one_geo(geo="a")
    other = one_geo(geo="b", base_year=2020, growth=15, share=40)
    same_shape = one_geo(geo="c", growth=12, trend_sd=2.0, shock_sd=4.0, share=30)  # a's sd ratio: shares a slice
    alone = mc.simulate([a], 2045, n_paths=500, seed=7)
    again = mc.simulate([a], 2045, n_paths=500, seed=7)
    batch = mc.simulate([other, a, same_shape], 2045, n_paths=500, seed=7)
    pd.testing.assert_frame_equal(alone.bands, again.bands)
    for geo in (a, same_shape):
        single = mc.simulate([geo], 2045, n_paths=500, seed=7).bands
        in_batch = batch.bands[batch.bands["geo_id"] == geo["geo_id"]].reset_index(drop=True)
        pd.testing.assert_frame_equal(single, in_batch)
    assert not mc.simulate([a], 2045, n_paths=500, seed=8).bands.equals(alone.bands)
    assert batch.bands.groupby("geo_id")["year"].min().to_dict() == {"a": 2025, "b": 2020, "c": 2025}


def test_simulation_assumptions_name_every_input():
    result = mc.simulate([one_geo(geo="vinh-phuc")], 2030, n_paths=200)
    names = {a.name for a in result.assumptions}
    assert {"n_paths", "vinh-phuc: growth_pct", "vinh-phuc: trend_sd_pct", "vinh-phuc: shock_sd_pct"} <= names


def test_simulation_inputs_from_a_calibration():
    cal = sc.calibrate(NATION, concept="nso")
    row = mc.simulation_inputs(cal, "vietnam", growth_pct=5.0)
    basis = row.pop("basis")
    assert row == {"geo_id": "vietnam", "base_year": 2025, "base_share_pct": 14.02, "growth_pct": 5.0,
                   "trend_sd_pct": cal.trend_sd_pct, "shock_sd_pct": cal.shock_sd_pct, "ceiling_pct": 100.0}
    assert cal.note in basis and "growth_pct" in basis
    two_points = sc.calibrate(history({2020: 10.0, 2021: 11.0}, "nso"))
    with pytest.raises(ParameterError) as error:
        mc.simulation_inputs(two_points, "x")
    assert error.value.name == "calibration"


@settings(max_examples=25, deadline=None)
@given(share=shares, growth=st.floats(-99, 500), trend_sd=st.floats(0, 100), shock_sd=st.floats(0, 100),
       end_year=st.sampled_from([2026, 2045, 2100]))
def test_simulated_bands_stay_within_0_and_100_and_are_ordered(share, growth, trend_sd, shock_sd, end_year):
    bands = mc.simulate([one_geo(growth, trend_sd, shock_sd, share=share)], end_year, n_paths=200).bands
    columns = [f"p{q:02d}_share_pct" for q in mc.QUANTILES_PCT]
    values = bands[columns].to_numpy()
    assert ((values >= 0) & (values <= 100)).all()
    assert (np.diff(values, axis=1) >= 0).all()


@settings(max_examples=20, deadline=None)
@given(growth=st.floats(-20, 40), extra=st.floats(0.1, 30), seed=st.integers(0, 2**32 - 1))
def test_faster_growth_never_lowers_the_simulated_probability_and_seeds_repeat(growth, extra, seed):
    targets = [target("t", 35, 2040, geo_id="slow"), target("u", 35, 2040, geo_id="fast")]
    inputs = [one_geo(growth, geo="slow"), one_geo(growth + extra, geo="fast")]
    first = mc.simulate(inputs, 2040, n_paths=300, seed=seed, targets=targets)
    second = mc.simulate(inputs, 2040, n_paths=300, seed=seed, targets=targets)
    pd.testing.assert_frame_equal(first.p_meet, second.p_meet)
    pd.testing.assert_frame_equal(first.bands, second.bands)
    p = first.p_meet.set_index("geo_id")["p_meet"]
    assert p["fast"] >= p["slow"]


def test_bad_simulation_input_is_rejected_before_any_random_draw(monkeypatch):
    def no_simulation(*args, **kwargs):
        raise AssertionError("the simulation started before the arguments were checked")

    monkeypatch.setattr(pj.np.random, "default_rng", no_simulation)
    with pytest.raises(ParameterError):
        mc.simulate([one_geo()], 2035, targets=[target("x", 30, 2045, geo_id="g")])
    with pytest.raises(ParameterError):
        mc.simulate([one_geo()], 2045, n_paths=10**9)


# ------------------------------------------------------------------------------ issue 9: where uncertainty comes from


def test_no_probability_with_fewer_than_three_own_observations():
    result = mc.simulate([{**one_geo(), "n_obs": 1}], 2035, n_paths=1000, targets=[target("t", 30, 2035, geo_id="g")])
    row = result.p_meet.iloc[0]
    assert math.isnan(row["p_meet"]) and row["p_meet_text"] == "" and "fewer than 3" in row["reason"]
    enough = mc.simulate([{**one_geo(), "n_obs": 6}], 2035, n_paths=1000, targets=[target("t", 30, 2035, geo_id="g")])
    assert 0 < enough.p_meet.loc[0, "p_meet"] < 1 and enough.p_meet.loc[0, "reason"] == ""


def test_format_probability_never_says_certain():
    assert mc.format_probability(0.995, 100_000, 4) == "> 0.9"
    assert mc.format_probability(1.0, 100_000, 4) == "> 0.9"
    assert mc.format_probability(0.0, 100_000, 4) == "< 0.1"
    assert mc.format_probability(0.43, 100_000, 4) == "0.4"
    assert mc.format_probability(0.43, 100_000, 12) == "0.45"  # 10-29 observations: steps of 0.05
    assert mc.format_probability(0.999, 100_000, 40) == "> 0.99"
    assert mc.format_probability(0.999, 1_000, 40) == "> 0.95"  # 1.5 / sqrt(1000) = 0.047 -> two decimals
    assert mc.format_probability(0.5, 100_000, 2) == "" and mc.format_probability(float("nan"), 100, 5) == ""


def test_base_error_widens_the_base_year_and_leaves_the_median():
    with_error = mc.simulate([{**one_geo(trend_sd=0, shock_sd=0), "base_sd_pct": 10}], 2030, n_paths=100_000).bands
    first = with_error.iloc[0]
    # log base ~ Normal(ln 20, 0.1): 5 % quantile 20 exp(-1.645 * 0.1)
    assert first["p05_share_pct"] == pytest.approx(20 * math.exp(NormalDist().inv_cdf(0.05) * 0.1), rel=0.01)
    np.testing.assert_allclose(with_error["p50_share_pct"], 20 * 1.03 ** np.arange(6), rtol=0.01)


def test_share_of_paths_at_the_cap_per_year():
    # no uncertainty, 40 % growing 15 % a year: 40 * 1.15^4 = 69.96 < 70, 40 * 1.15^5 = 80.5 -> at the cap from 2030
    bands = mc.simulate([{**one_geo(growth=15, share=40, trend_sd=0, shock_sd=0), "ceiling_pct": 70}], 2033,
                        n_paths=100).bands.set_index("year")
    assert bands.loc[2029, "at_cap_pct"] == 0 and bands.loc[2030, "at_cap_pct"] == 100
    spread = mc.simulate([{**one_geo(growth=3, share=60), "ceiling_pct": 70}], 2045, n_paths=20_000).bands
    median_at_cap = spread["p50_share_pct"] >= 70 - 1e-9
    assert (spread.loc[median_at_cap, "at_cap_pct"] >= 50).all() and (spread.loc[~median_at_cap, "at_cap_pct"] < 50).all()
    assert spread["at_cap_pct"].is_monotonic_increasing


def test_fans_per_definition_and_pooled_keep_definition_uncertainty_apart():
    nso = {**one_geo(growth=2.0, trend_sd=1, shock_sd=1), "fan": "nso", "n_obs": 6}
    ministry = {**one_geo(growth=15.4, trend_sd=5, shock_sd=2), "fan": "ministry", "n_obs": 4}
    pooled = mc.pooled_input([nso, ministry])
    log_mean = (math.log(1.02) + math.log(1.154)) / 2
    assert pooled["growth_pct"] == pytest.approx(math.expm1(log_mean) * 100)
    half = (math.log(1.154) - math.log(1.02)) / 2
    assert pooled["trend_sd_pct"] == pytest.approx(math.sqrt((0.01 ** 2 + 0.05 ** 2) / 2 + half ** 2) * 100)
    result = mc.simulate([nso, ministry, pooled], 2045, n_paths=10_000, targets=[target("t", 30, 2045, geo_id="g")])
    assert set(result.bands["fan"]) == {"nso", "ministry", "pooled"}
    p = result.p_meet.set_index("fan")["p_meet"]
    assert p["nso"] < p["pooled"] < p["ministry"]
    assert result.p_meet.set_index("fan").loc["pooled", "p_meet_text"] != ""
    alone = mc.simulate([nso], 2045, n_paths=10_000, targets=[target("t", 30, 2045, geo_id="g")])
    assert alone.p_meet.loc[0, "p_meet"] == p["nso"]  # one fan's results do not depend on the others
    with pytest.raises(ParameterError, match="appears twice"):
        mc.simulate([nso, nso], 2045, n_paths=1000)


def test_geographies_sharing_a_path_shape_share_one_slice_of_the_memory_guard():
    # 40 provinces calibrated on one proxy: one path shape, so 100,000 paths fit under the guard
    result = mc.simulate([one_geo(geo=str(i), share=10 + i) for i in range(40)], 2045, n_paths=100_000)
    assert result.bands["geo_id"].nunique() == 40


def test_simulation_inputs_carry_fan_observations_and_base_error():
    cal = sc.calibrate(NATION, concept="ministry", label="nation (ministry)")
    row = mc.simulation_inputs(cal, "vn", fan="ministry", n_obs=4, base_sd_pct=2.0)
    assert (row["fan"], row["n_obs"], row["base_sd_pct"]) == ("ministry", 4, 2.0)
    assert "fan" not in mc.simulation_inputs(cal, "vn")


@settings(max_examples=15, deadline=None)
@given(growth=st.floats(0, 15), share=st.floats(20, 60), year=st.integers(2026, 2045))
def test_share_at_cap_counts_the_same_paths_as_a_target_at_the_ceiling(growth, share, year):
    # P(share >= ceiling) in a year, computed path by path by p_meet, equals the at-cap share of the bands
    row = {**one_geo(growth=growth, share=share, trend_sd=3, shock_sd=2), "ceiling_pct": 70.0}
    result = mc.simulate([row], 2045, n_paths=5000, seed=7, targets=[target("cap", 70.0, year, geo_id="g")])
    at_cap = result.bands.set_index("year").loc[year, "at_cap_pct"]
    assert at_cap == pytest.approx(result.p_meet.loc[0, "p_meet"] * 100, abs=0.05)
