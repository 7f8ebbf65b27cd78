"""Unit tests of nq57lib.progress_assessment: the Eurostat and UNSD methods pinned to worked examples and
their thresholds.
"""

from __future__ import annotations

import pytest

from nq57lib import progress_assessment as pa
from nq57lib import target_assessment  # noqa: E402

from test_share_projection import MINISTRY, NSO, cagr  # noqa: E402


def test_eurostat_assessment_worked_examples():
    nso = pa.assess_eurostat(list(NSO), list(NSO.values()), 30, 2030)
    ratio = cagr(12.66, 14.02, 5) / cagr(12.66, 30, 10)
    assert nso.score == pytest.approx(ratio) and nso.category == "insufficient progress"
    assert nso.required_growth_pct == pytest.approx(cagr(12.66, 30, 10))
    ministry = pa.assess_eurostat(list(MINISTRY), list(MINISTRY.values()), 30, 2030)
    assert ministry.score == pytest.approx(cagr(11.91, 18.3, 3) / cagr(11.91, 30, 9))
    assert ministry.category == "significant progress"


@pytest.mark.parametrize("latest, category", [(15.0, "moderate progress"), (10.5, "insufficient progress"),
                                              (9.0, "moving away"), (31.0, "target already met")])
def test_eurostat_categories(latest, category):
    ratio = cagr(10, latest, 5) / cagr(10, 30, 10)
    result = pa.assess_eurostat([2020, 2025], [10, latest], 30, 2030)
    assert result.category == category
    if category != "target already met":
        assert result.score == pytest.approx(ratio)


def test_eurostat_ratio_thresholds_are_inclusive():
    required = cagr(10, 30, 10)
    latest = 10 * (1 + 0.95 * required / 100) ** 5  # actual growth exactly 95 % of the required growth
    assert pa.assess_eurostat([2020, 2025], [10, latest], 30, 2030).category == "significant progress"
    latest = 10 * (1 + 0.60 * required / 100) ** 5
    assert pa.assess_eurostat([2020, 2025], [10, latest], 30, 2030).category == "moderate progress"


@pytest.mark.parametrize("fraction, category", [(0.92, "moderate progress"), (0.58, "insufficient progress"),
                                                (0.97, "significant progress"), (0.62, "moderate progress")])
def test_eurostat_ratio_bands(fraction, category):
    latest = 10 * (1 + fraction * cagr(10, 30, 10) / 100) ** 5  # actual growth = fraction of required growth
    result = pa.assess_eurostat([2020, 2025], [10, latest], 30, 2030)
    assert result.score == pytest.approx(fraction) and result.category == category


def test_eurostat_handles_a_target_below_the_base():
    # a "<=" target: both growth rates are negative and their ratio measures progress downward
    result = pa.assess_eurostat([2020, 2025], [40, 35], 20, 2030, comparator="<=")
    assert result.score == pytest.approx(cagr(40, 35, 5) / cagr(40, 20, 10))
    assert result.category == "insufficient progress"
    assert pa.assess_eurostat([2020, 2025], [40, 45], 20, 2030, comparator="<=").category == "moving away"


def test_eurostat_needs_two_observations_and_notices_a_fall_below_a_met_target():
    assert pa.assess_eurostat([2022], [22.87], 60, 2045).category == "insufficient data"
    fallen = pa.assess_eurostat([2020, 2025], [32, 29], 30, 2030)
    assert fallen.category == "moving away" and fallen.score is None


def test_category_thresholds_are_defined_once_and_shared_with_the_scorecard():
    assert [pa.eurostat_category(r) for r in (0.95, 0.9499999999, 0.6, 0.59, 0.0, -0.01)] == [
        "significant progress", "significant progress", "moderate progress", "insufficient progress",
        "insufficient progress", "moving away"]
    assert target_assessment.eurostat_category is pa.eurostat_category
    assert target_assessment.assess_rank_pace([2020, 2024], [30, 22], 10, 2030).category == pa.eurostat_category(
        (8 / 4) / (20 / 10))


# ------------------------------------------------------------------------------ issue 9: windows and UNSD chart


def test_eurostat_windows_short_and_long_term_on_the_nso_series():
    short, long = pa.assess_eurostat_windows(list(NSO), list(NSO.values()), 30, 2030)
    assert (short.method, long.method) == ("eurostat short-term", "eurostat long-term")
    # short-term: 2020-2025 is exactly the latest 5 years
    assert short.score == pytest.approx(cagr(12.66, 14.02, 5) / cagr(12.66, 30, 10))
    # issue 22: the long-term row used to repeat the same 5 years ("all available years"); a series spanning
    # fewer than 10 years has no long-term window, and the row says why
    assert long.category == pa.NO_LONG_TERM_WINDOW and long.score is None and long.required_growth_pct is None
    assert "2020-2025 (5 years)" in long.note and "at least 10" in long.note
    series = {2005 + i: 10 + 0.5 * i for i in range(21)}  # 2005-2025
    short, long = pa.assess_eurostat_windows(list(series), list(series.values()), 30, 2030)
    assert short.base_year == 2020 and long.base_year == 2010
    assert short.score == pytest.approx(cagr(17.5, 20, 5) / cagr(17.5, 30, 10))
    assert long.score == pytest.approx(cagr(12.5, 20, 15) / cagr(12.5, 30, 20))
    # 2014-2025: 11 years inside the 15-year window -> assessed on them
    series = {2014 + i: 10 + 0.5 * i for i in range(12)}
    long = pa.assess_eurostat_windows(list(series), list(series.values()), 30, 2030)[1]
    assert long.base_year == 2014 and long.score == pytest.approx(cagr(10, 15.5, 11) / cagr(10, 30, 16))
    assert "no observation in 2010" in long.note


# ------------------------------------------------------------------- issue 22: Eurostat's own published examples
# Values as Eurostat published them (EU aggregate); each gives the category Eurostat's SDG monitoring report
# published for it.
# - Early leavers from education and training (% of 18-24 year olds), Europe 2020 target "less than 10 %" by
#   2020: 17.0 % in 2002, 12.7 % in 2012, 10.6 % in 2017 (Eurostat news releases STAT/18/3530 of 25 April 2018
#   and of April 2015); long term 2002-2017 and short term 2012-2017 both "significant progress".
# - Employment rate 20-64 (%), target at least 78 % by 2030: 72.4 % in 2018 (EU-27, Eurostat's release of the
#   2019 results), 75.3 % in 2023 (75.4 % in Statistics Explained, "Employment - annual statistics", April 2024;
#   the category is the same); the 2024 monitoring report finds the EU on track over 2018-2023.
# - Share of renewable energy in gross final energy consumption (%), target 20 % by 2020: 8.5 % in 2004,
#   17.0 % in 2016; significant progress over 2004-2016.

@pytest.mark.parametrize("years, values, comparator, target, year", [
    ([2002, 2017], [17.0, 10.6], "<", 10.0, 2020),
    ([2012, 2017], [12.7, 10.6], "<", 10.0, 2020),
    ([2018, 2023], [72.4, 75.3], ">=", 78.0, 2030),
    ([2004, 2016], [8.5, 17.0], ">=", 20.0, 2020),
])
def test_eurostat_published_eu_examples(years, values, comparator, target, year):
    result = pa.assess_eurostat(years, values, target, year, comparator=comparator)
    n = years[1] - years[0]
    # a strict "< 10 %" is aimed at 10 % itself, as Eurostat does (not at 9.99 %)
    assert result.required_growth_pct == pytest.approx(cagr(values[0], target, year - years[0]))
    assert result.score == pytest.approx(cagr(values[0], values[1], n) / cagr(values[0], target, year - years[0]))
    assert result.category == "significant progress"


def test_eurostat_strict_target_is_aimed_at_its_value():
    # "less than 10 % by 2020" from 10.6 % in 2017: required (10 / 10.6)^(1/3) - 1 = -1.924 % a year, not the
    # -1.957 % that aiming at 9.99 % gives
    result = pa.assess_eurostat([2016, 2017], [10.7, 10.6], 10, 2020, comparator="<")
    assert result.required_growth_pct == pytest.approx(((10 / 10.7) ** (1 / 4) - 1) * 100)
    more = pa.assess_eurostat([2020, 2025], [10, 20], 30, 2030, comparator=">")
    assert more.required_growth_pct == pytest.approx(cagr(10, 30, 10))
    assert pa.assess_eurostat([2020, 2025], [10, 30], 30, 2030, comparator=">").category != "target already met"


def test_eurostat_base_that_already_met_the_target_has_no_wrong_signed_rate():
    fallen = pa.assess_eurostat([2020, 2025], [32, 29], 30, 2030)
    assert fallen.category == "moving away" and fallen.required_growth_pct is None and fallen.score is None
    assert "base year already met" in fallen.note
    kept = pa.assess_eurostat([2020, 2025], [32, 31], 30, 2030)
    assert kept.category == "target already met" and kept.required_growth_pct is None
    below = pa.assess_eurostat([2020, 2025], [18, 22], 20, 2030, comparator="<=")
    assert below.category == "moving away" and below.required_growth_pct is None


# ------------------------------------------------------------------ issue 22: UNSD progress chart, 2023 edition


def test_unsd_2023_reproduces_the_nation_reference():
    # the nation's ">= 30 % by 2030" read on the statistics office's measure (12.66 % in 2020 ... 14.02 % in 2025):
    # no 2015 value -> baseline 2020; projected 2030 = 12.66 x (14.02 / 12.66)^(10/5) = 14.02^2 / 12.66
    # = 196.5604 / 12.66 = 15.5261 %; r = (15.5261 - 12.66) / (30 - 12.66) = 2.8661 / 17.34 = 0.1653
    result = pa.assess_unsd_chart(list(NSO), list(NSO.values()), 30, 2030)
    assert result.method == "unsd progress chart 2023"
    assert result.projected_pct == pytest.approx(15.5261, abs=1e-4)
    assert result.score == pytest.approx(0.1653, abs=1e-4)
    assert result.category == "fair progress, but acceleration needed"
    assert result.base_year == 2020 and "no 2015 observation" in result.note
    assert result.actual_growth_pct == pytest.approx(cagr(12.66, 14.02, 5))


def test_unsd_2023_does_not_call_eurostat(monkeypatch):
    monkeypatch.setattr(pa, "assess_eurostat", lambda *a, **k: pytest.fail("UNSD must not call assess_eurostat"))
    assert pa.assess_unsd_chart([2020, 2025], [10, 12], 30, 2030).category in pa.UNSD_CATEGORIES


def test_unsd_2023_baseline_is_2015_where_the_series_has_it():
    years, values = [2012, 2015, 2020, 2024], [5.0, 8.0, 10.0, 16.0]
    result = pa.assess_unsd_chart(years, values, 30, 2030)
    growth = (16 / 8) ** (1 / 9)
    projected = 8 * growth ** 15
    assert result.base_year == 2015 and result.note == "baseline 2015"
    assert result.projected_pct == pytest.approx(projected)
    assert result.score == pytest.approx((projected - 8) / (30 - 8))
    assert pa.unsd_baseline([2010, 2012, 2014, 2016]) == (2010, "baseline 2010: no observation in or after 2015 "
                                                                "before the latest")


@pytest.mark.parametrize("r, category", [(0.97, "on track"), (0.95, "on track"),
                                         (0.5, "fair progress, but acceleration needed"),
                                         (0.10, "fair progress, but acceleration needed"),
                                         (0.09, "stagnation or regression"), (-0.4, "stagnation or regression")])
def test_unsd_2023_thresholds(r, category):
    # pick the latest value so that the projection delivers exactly r of the required change from 10 % to 30 %
    projected = 10 + r * 20  # by 2030, from 2020: growth g with 10 (1 + g)^10 = projected; latest in 2025 = 10 (1 + g)^5
    latest = 10 * (projected / 10) ** 0.5
    result = pa.assess_unsd_chart([2020, 2025], [10, latest], 30, 2030)
    assert result.score == pytest.approx(r) and result.category == category
    assert pa.unsd_category(r) == category


def test_unsd_2023_met_whatever_the_trend_with_the_notes_tolerance():
    # the latest value meets the target: met, even with a falling trend
    met = pa.assess_unsd_chart([2020, 2025], [40, 31], 30, 2030)
    assert met.category == "target met or almost met" and met.score is None
    # 29.99 against 30 is not met: it is judged on its trend (here on track), never "met"
    close = pa.assess_unsd_chart([2020, 2025], [20, 29.99], 30, 2030)
    assert close.category == "on track"
    # a strict "more than 30 %" is aimed at 30 and met only above it
    assert pa.assess_unsd_chart([2020, 2025], [20, 30], 30, 2030, comparator=">").category == "on track"
    # within 1 pp of a 100 % target counts as met (the note's tolerance at 0 % / 100 %)
    assert pa.assess_unsd_chart([2020, 2025], [90, 99.2], 100, 2030).category == "target met or almost met"
    assert pa.assess_unsd_chart([2020, 2025], [90, 98.9], 100, 2030).category != "target met or almost met"
    assert pa.assess_unsd_chart([2020, 2025], [5, 0.8], 0, 2030, comparator="<=").category == \
        "target met or almost met"
    # a baseline that met the target while the latest value does not: regression, no r
    fallen = pa.assess_unsd_chart([2020, 2025], [32, 29], 30, 2030)
    assert fallen.category == "stagnation or regression" and fallen.score is None
    assert fallen.required_growth_pct is None
    assert pa.assess_unsd_chart([2022], [22.87], 60, 2045).category == "insufficient data"


def test_unsd_2023_projection_of_a_share_stops_at_100():
    # the ministry series 11.91 (2021) -> 18.30 (2024) carried to 2045 would be 370 %: capped at 100 %
    result = pa.assess_unsd_chart([2021, 2024], [11.91, 18.30], 50, 2045)
    assert result.projected_pct == 100.0 and "capped at 100 %" in result.note
    assert result.score == pytest.approx((100 - 11.91) / (50 - 11.91)) and result.category == "on track"


def test_unsd_2023_downward_target():
    # "<= 20 % by 2030" from 40 % (2020) to 35 % (2025): projected 40 (35/40)^2 = 30.625; r = (30.625 - 40) / (20 - 40)
    result = pa.assess_unsd_chart([2020, 2025], [40, 35], 20, 2030, comparator="<=")
    assert result.projected_pct == pytest.approx(30.625)
    assert result.score == pytest.approx(9.375 / 20) and result.category == "fair progress, but acceleration needed"


# -------------------------------------------------------------- UNSD progress chart, 2022 edition (kept, labelled)


@pytest.mark.parametrize("fraction, category", [(0.97, "substantial progress / on track"),
                                                (0.7, "fair progress, but acceleration needed"),
                                                (0.2, "limited or no progress"), (-0.3, "deterioration")])
def test_unsd_chart_2022_categories(fraction, category):
    latest = 10 * (1 + fraction * cagr(10, 30, 10) / 100) ** 5
    result = pa.assess_unsd_chart_2022([2020, 2025], [10, latest], 30, 2030)
    assert result.category == category and result.score == pytest.approx(fraction)
    assert result.method == "unsd progress chart 2022" and "not confirmed" in result.note
    assert result.category in pa.UNSD_CHART_CATEGORIES


def test_unsd_chart_2022_thresholds_live_in_one_place():
    assert (pa.UNSD_SUBSTANTIAL_RATIO, pa.UNSD_FAIR_RATIO, pa.UNSD_DETERIORATION_RATIO) == (0.95, 0.5, -0.1)
    assert (pa.UNSD_ON_TRACK_R, pa.UNSD_FAIR_R) == (0.95, 0.10)
    assert pa.unsd_chart_category(0.5) == "fair progress, but acceleration needed"
    assert pa.unsd_chart_category(-0.1) == "limited or no progress"
    assert pa.assess_unsd_chart_2022([2020, 2025], [10, 31], 30, 2030).category == "target met or almost met"
    assert pa.assess_unsd_chart_2022([2022], [22.87], 60, 2045).category == "insufficient data"
    assert pa.assess_unsd_chart_2022([2020, 2025], [32, 29], 30, 2030).category == "deterioration"


def test_the_headline_is_the_short_term_window():
    years, values = [2015, 2018, 2020, 2022, 2024], [5.0, 6.0, 8.0, 12.0, 13.0]
    headline = pa.assess_headline(years, values, 30, 2030)
    short = pa.assess_eurostat_windows(years, values, 30, 2030)[0]
    assert headline == short and headline.method == pa.HEADLINE_METHOD and headline.base_year == 2020
    assert pa.assess_eurostat(years, values, 30, 2030).base_year == 2015  # the full window starts earlier
