"""The one verdict rule (``target_verdicts.decide``) on hand-built rows: every verdict and reason, with the
value and year it rests on."""

from __future__ import annotations

import pandas as pd
import pytest

from nq57lib import target_verdicts as tv


def _row(**changes) -> dict:
    row = {"assessment": "significant progress", "comparator": ">=", "target_value": 30.0, "target_value_high": None,
           "target_year": 2030, "unit": "% of GRDP", "latest_value": 20.0, "latest_year": 2025, "n_obs": 5,
           "target_year_value": None, "required_growth_pct_per_year": 8.4, "required_places_per_year": None}
    return {**row, **changes}


def _history(*pairs) -> pd.DataFrame:
    return pd.DataFrame({"year": [y for y, _ in pairs], "value": [v for _, v in pairs]})


@pytest.mark.parametrize("category, verdict", [("significant progress", "on track"), ("target already met", "on track"),
                                               ("moderate progress", "at risk"), ("insufficient progress", "off track"),
                                               ("moving away", "off track")])
def test_a_target_ahead_with_enough_recent_data_gets_a_trend_verdict(category, verdict):
    v = tv.decide(_row(assessment=category), _history(), as_of=2026)
    assert (v.verdict, v.rule, v.value, v.value_year, v.needed_per_year) == (verdict, "eurostat", 20.0, 2025, 8.4)


@pytest.mark.parametrize("n_obs, reason", [(1, "one_point"), (2, "few_points")])
def test_fewer_than_three_observations_cannot_tell(n_obs, reason):
    v = tv.decide(_row(n_obs=n_obs), _history(), as_of=2026)
    assert (v.verdict, v.reason, v.rule, v.needed_per_year) == ("cannot tell", reason, "thin", 8.4)
    assert tv.decide(_row(assessment="insufficient data", n_obs=1), _history(), 2026).reason == "one_point"


def test_data_older_than_three_years_cannot_tell():
    assert tv.decide(_row(latest_year=2022), _history(), as_of=2026).reason == "stale"
    assert tv.decide(_row(latest_year=2023), _history(), as_of=2026).verdict == "on track"


def test_a_passed_target_is_met_or_not_on_the_data():
    met = tv.decide(_row(assessment="met", target_year=2025, target_year_value=31.0), _history(), 2026)
    assert (met.verdict, met.rule, met.value, met.value_year) == ("met", "target_year", 31.0, 2025)
    row = _row(assessment="no value for the target year", target_year=2025)
    # no value for 2025: the 2024 value (a year before) misses it -> not met
    v = tv.decide(row, _history((2022, 20.0), (2024, 27.0)), 2026)
    assert (v.verdict, v.rule, v.value, v.value_year) == ("not met", "before_target_year", 27.0, 2024)
    # reached earlier: met (a target "by" a year is met once reached)
    v = tv.decide(row, _history((2023, 30.5), (2024, 29.0)), 2026)
    assert (v.verdict, v.value, v.value_year) == ("met", 30.5, 2023)
    # only older data: cannot tell
    v = tv.decide(row, _history((2022, 22.87)), 2026)
    assert (v.verdict, v.reason) == ("cannot tell", "no_value_for_year")


def test_a_growth_rate_is_judged_on_its_own_year_only():
    row = _row(assessment="no value for the target year", target_year=2025, comparator="between",
               target_value=8.0, target_value_high=9.0, unit="% y/y")
    v = tv.decide(row, _history((2021, 8.29), (2024, 7.52)), 2026, kind="rate")
    assert (v.verdict, v.reason) == ("cannot tell", "no_value_for_rate_year")
    assert tv.decide(row, _history((2021, 8.29), (2024, 7.52)), 2026).verdict == "met"  # a level: reached in 2021


@pytest.mark.parametrize("category, verdict, reason", [
    ("no data", "cannot tell", "no_data"), ("no data on the target's definition", "cannot tell", "other_definition"),
    ("not assessed (period target)", "not assessed", "period"),
    ("not assessed (growth-rate target)", "not assessed", "rate")])
def test_no_verdict_without_comparable_data_and_why(category, verdict, reason):
    v = tv.decide(_row(assessment=category), _history(), 2026)
    assert (v.verdict, v.reason) == (verdict, reason)


def test_observed_pace_is_the_compound_pace_of_the_latest_segment():
    frame = pd.DataFrame({"year": [2018, 2020, 2024], "value": [5.0, 10.0, 14.641], "segment": [0, 1, 1],
                          "concept": ["nso"] * 3})
    pace = tv.observed_pace(frame, "share", "vn")
    assert (pace.from_year, pace.to_year, pace.concept) == (2020, 2024, "nso")
    assert pace.per_year == pytest.approx(10.0, rel=1e-4)
    ranks = pd.DataFrame({"year": [2020, 2022], "value": [30.0, 18.0], "segment": [0, 0], "concept": ["x"] * 2})
    assert tv.observed_pace(ranks, "rank", "vn").per_year == pytest.approx(6.0)
    assert tv.observed_pace(frame.iloc[:1], "share", "vn") is None
