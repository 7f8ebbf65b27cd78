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
    # short-term: 2020-2025 is exactly the latest 5 years; long-term: only 6 years exist -> all, with a note
    assert short.score == pytest.approx(cagr(12.66, 14.02, 5) / cagr(12.66, 30, 10))
    assert "all available years" in long.note and long.base_year == 2020
    series = {2005 + i: 10 + 0.5 * i for i in range(21)}  # 2005-2025
    short, long = pa.assess_eurostat_windows(list(series), list(series.values()), 30, 2030)
    assert short.base_year == 2020 and long.base_year == 2010
    assert short.score == pytest.approx(cagr(17.5, 20, 5) / cagr(17.5, 30, 10))
    assert long.score == pytest.approx(cagr(12.5, 20, 15) / cagr(12.5, 30, 20))


@pytest.mark.parametrize("fraction, category", [(0.97, "substantial progress / on track"),
                                                (0.7, "fair progress, but acceleration needed"),
                                                (0.2, "limited or no progress"), (-0.3, "deterioration")])
def test_unsd_chart_categories(fraction, category):
    latest = 10 * (1 + fraction * cagr(10, 30, 10) / 100) ** 5
    result = pa.assess_unsd_chart([2020, 2025], [10, latest], 30, 2030)
    assert result.category == category and result.score == pytest.approx(fraction)
    assert "not confirmed" in result.note
    assert result.category in pa.UNSD_CHART_CATEGORIES


def test_unsd_chart_thresholds_live_in_one_place():
    assert (pa.UNSD_SUBSTANTIAL_RATIO, pa.UNSD_FAIR_RATIO, pa.UNSD_DETERIORATION_RATIO) == (0.95, 0.5, -0.1)
    assert pa.unsd_chart_category(0.5) == "fair progress, but acceleration needed"
    assert pa.unsd_chart_category(-0.1) == "limited or no progress"
    assert pa.assess_unsd_chart([2020, 2025], [10, 31], 30, 2030).category == "target met or almost met"
    assert pa.assess_unsd_chart([2022], [22.87], 60, 2045).category == "insufficient data"


def test_the_headline_is_the_short_term_window():
    years, values = [2015, 2018, 2020, 2022, 2024], [5.0, 6.0, 8.0, 12.0, 13.0]
    headline = pa.assess_headline(years, values, 30, 2030)
    short = pa.assess_eurostat_windows(years, values, 30, 2030)[0]
    assert headline == short and headline.method == pa.HEADLINE_METHOD and headline.base_year == 2020
    assert pa.assess_eurostat(years, values, 30, 2030).base_year == 2015  # the full window starts earlier
