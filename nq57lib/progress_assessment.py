"""Progress toward a quantified target from observed values: the Eurostat and UNSD methods.

Both methods, their categories and their thresholds are defined here once; the digital-economy report
and the scorecard call this module.

- Eurostat SDG method: ratio R of the actual to the required compound growth rate, both from the
  first observation. R >= 0.95 'significant progress', 0.60 <= R < 0.95 'moderate progress',
  0 <= R < 0.60 'insufficient progress', R < 0 'moving away' (:func:`eurostat_category`).
- Eurostat's two windows (:func:`assess_eurostat_windows`): as the Eurostat SDG monitoring report does,
  short-term progress over the latest 5 years and long-term progress over the latest 15 years (all
  available years, with a note, when the series is shorter).
- The progress a verdict rests on (:func:`assess_headline`, :data:`STATUS_OF_CATEGORY`): the short-term
  window's category; ``target_verdicts`` turns it into the verdict every report shows.
- The UN Statistics Division progress chart's full set of trend categories for an indicator with a
  numerical target (:func:`assess_unsd_chart`, :func:`unsd_chart_category`), on the ratio of the actual to
  the required growth rate: 'target met or almost met', 'substantial progress / on track', 'fair
  progress, but acceleration needed', 'limited or no progress', 'deterioration'. Source: United Nations
  Statistics Division, *Sustainable Development Goals Progress Chart 2022 -- Technical Note*, section
  II b "Measuring the trend for indicators with an explicit numerical target" (copy seen at
  https://www.scribd.com/document/870374529/Progress-Chart-Technical-Note-2022). The category names and
  the 0.95 threshold are those of the chart; the lower thresholds 0.5 and -0.1 (``UNSD_FAIR_RATIO``,
  ``UNSD_DETERIORATION_RATIO``) could NOT be confirmed from a public source in this project's research
  (the technical note's table was not readable); they are flagged in every result's note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .errors import ParameterError, check_choice, check_int, check_number
from .share_projection import (COMPARATORS, FLOAT_TOL, LAST_YEAR, as_python_scalar, meets_target, reached_comparator,
                               required_growth_pct, target_level, years_between)

# Eurostat thresholds of the ratio of actual to required growth.
SIGNIFICANT_RATIO = 0.95
MODERATE_RATIO = 0.60
# UNSD progress chart thresholds of the ratio of actual to required growth (technical note, see above).
UNSD_SUBSTANTIAL_RATIO = 0.95
UNSD_FAIR_RATIO = 0.5  # not confirmed from a public source
UNSD_DETERIORATION_RATIO = -0.1  # not confirmed from a public source
UNSD_CHART_CATEGORIES = ("target met or almost met", "substantial progress / on track",
                         "fair progress, but acceleration needed", "limited or no progress", "deterioration")
UNSD_UNCONFIRMED_NOTE = ("UNSD progress chart thresholds 0.5 and -0.1 are not confirmed from a public source; "
                         "0.95 and the category names are the chart's")
# Eurostat SDG monitoring report windows (years back from the latest observation).
EUROSTAT_SHORT_TERM_YEARS = 5
EUROSTAT_LONG_TERM_YEARS = 15


def eurostat_category(ratio: float) -> str:
    """Eurostat category of a ratio of actual to required pace (growth rates or places a year)."""
    if ratio >= SIGNIFICANT_RATIO - FLOAT_TOL:
        return "significant progress"
    if ratio >= MODERATE_RATIO - FLOAT_TOL:
        return "moderate progress"
    return "insufficient progress" if ratio >= 0 else "moving away"


@dataclass(frozen=True)
class ProgressAssessment:
    """Result of one progress-assessment method; ``category`` is 'insufficient data' when < 2 obs."""

    method: str
    category: str
    score: float | None  # Eurostat: ratio of actual to required growth; UNSD: share of required change
    actual_growth_pct: float | None
    required_growth_pct: float | None
    projected_pct: float | None
    base_year: int | None
    latest_year: int | None
    note: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)



def _check_observations(years: Any, values: Any) -> tuple[np.ndarray, np.ndarray]:
    years_list, values_list = list(years), list(values)
    if len(years_list) != len(values_list):
        raise ParameterError("values", f"has {len(values_list)} items for {len(years_list)} years")
    checked_years = [check_int("years", as_python_scalar(y), low=1900, high=LAST_YEAR) for y in years_list]
    checked_values = [check_number("values", as_python_scalar(v), low=0, high=100) for v in values_list]
    if len(set(checked_years)) != len(checked_years):
        raise ParameterError("years", "must not repeat a year")
    order = np.argsort(checked_years)
    return np.asarray(checked_years)[order], np.asarray(checked_values, dtype=float)[order]


def _check_assessment_target(target_pct: Any, comparator: Any, value_high: Any) -> tuple[float, str, float | None]:
    target = check_number("target_pct", target_pct, low=0, high=100)
    comparator = check_choice("comparator", comparator, COMPARATORS)
    high = check_number("value_high", value_high, low=target, high=100) if comparator == "between" else None
    return target, comparator, high


def assess_eurostat(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                    comparator: str = ">=", value_high: float | None = None) -> ProgressAssessment:
    """Eurostat SDG method for a quantified target: ratio R of actual to required growth.

    Actual growth: CAGR from the first to the latest observation. Required growth: CAGR from the first
    observation (the base year) to the target value in the target year. Categories: 'target already
    met' (the latest value meets it); R >= 0.95 'significant progress'; 0.60 <= R < 0.95 'moderate
    progress'; 0 <= R < 0.60 'insufficient progress'; R < 0 'moving away'. Fewer than 2 observations:
    'insufficient data'. When the base already met the target but the latest value does not, the
    required growth points the other way and the category is 'moving away' (no ratio).
    """
    obs_years, obs_values = _check_observations(years, values)
    target, comparator, high = _check_assessment_target(target_pct, comparator, value_high)
    check_int("target_year", target_year, low=1900, high=LAST_YEAR)
    if len(obs_years) < 2:
        return ProgressAssessment("eurostat", "insufficient data", None, None, None, None,
                                  int(obs_years[0]) if len(obs_years) else None,
                                  int(obs_years[-1]) if len(obs_years) else None,
                                  "needs at least two observations of one definition")
    base_year, latest_year = int(obs_years[0]), int(obs_years[-1])
    base, latest = obs_values[0], obs_values[-1]
    years_between(base_year, target_year)
    if base <= 0:
        return ProgressAssessment("eurostat", "insufficient data", None, None, None, None, base_year, latest_year,
                                  "a base share of 0 % has no growth rate")
    actual = float(((latest / base) ** (1.0 / (latest_year - base_year)) - 1.0) * 100.0)
    comparator = reached_comparator(comparator, target, base)
    level = target_level(comparator, target, high, base)
    required = required_growth_pct(base, base_year, level, target_year) if level > 0 else -100.0
    if bool(meets_target(latest, comparator, target, high)):
        return ProgressAssessment("eurostat", "target already met", None, actual, required, None, base_year,
                                  latest_year)
    direction = 1.0 if level > latest else -1.0
    if required * direction <= 0:
        return ProgressAssessment("eurostat", "moving away", None, actual, required, None, base_year, latest_year,
                                  "the base year already met the target; the latest value no longer does")
    ratio = float(actual / required)
    return ProgressAssessment("eurostat", eurostat_category(ratio), ratio, actual, required, None, base_year, latest_year)


def unsd_chart_category(ratio: float) -> str:
    """UNSD progress-chart trend category of a ratio of actual to required growth (target not yet met)."""
    if ratio >= UNSD_SUBSTANTIAL_RATIO - FLOAT_TOL:
        return UNSD_CHART_CATEGORIES[1]
    if ratio >= UNSD_FAIR_RATIO - FLOAT_TOL:
        return UNSD_CHART_CATEGORIES[2]
    if ratio >= UNSD_DETERIORATION_RATIO - FLOAT_TOL:
        return UNSD_CHART_CATEGORIES[3]
    return UNSD_CHART_CATEGORIES[4]


def assess_unsd_chart(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                      comparator: str = ">=", value_high: float | None = None) -> ProgressAssessment:
    """UNSD progress chart, full categories: the Eurostat-style ratio R of actual to required CAGR.

    'target met or almost met' when the latest value meets the target; otherwise R >= 0.95 'substantial
    progress / on track', 0.5 <= R < 0.95 'fair progress, but acceleration needed', -0.1 <= R < 0.5
    'limited or no progress', R < -0.1 'deterioration' (see the module docstring: 0.5 and -0.1 are not
    confirmed from a public source, and the note says so). Fewer than 2 observations: 'insufficient data'.
    """
    base = assess_eurostat(years, values, target_pct, target_year, comparator=comparator, value_high=value_high)
    if base.category == "insufficient data":
        return ProgressAssessment("unsd progress chart", base.category, None, None, None, None, base.base_year,
                                  base.latest_year, base.note)
    if base.category == "target already met":
        category = UNSD_CHART_CATEGORIES[0]
    elif base.score is None:  # the base met the target, the latest value no longer does
        category = UNSD_CHART_CATEGORIES[4]
    else:
        category = unsd_chart_category(base.score)
    note = "; ".join(n for n in (base.note, UNSD_UNCONFIRMED_NOTE) if n)
    return ProgressAssessment("unsd progress chart", category, base.score, base.actual_growth_pct,
                              base.required_growth_pct, None, base.base_year, base.latest_year, note)


def assess_eurostat_windows(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                            comparator: str = ">=", value_high: float | None = None) -> list[ProgressAssessment]:
    """Eurostat's method on its own windows: short-term (latest 5 years) and long-term (latest 15 years).

    Each window keeps the observations from ``latest - 5`` (``latest - 15``) to the latest year and applies
    :func:`assess_eurostat` to them (base = the window's first observation). A long-term window with fewer
    than 15 years of data uses all available years and says so in its note; a window with one observation
    is 'insufficient data'. Methods: 'eurostat short-term', 'eurostat long-term'.
    """
    obs_years, obs_values = _check_observations(years, values)
    if len(obs_years) == 0:
        raise ParameterError("years", "holds no observation")
    latest = int(obs_years[-1])
    out = []
    for method, span in (("eurostat short-term", EUROSTAT_SHORT_TERM_YEARS),
                         ("eurostat long-term", EUROSTAT_LONG_TERM_YEARS)):
        inside = obs_years >= latest - span
        result = assess_eurostat(obs_years[inside].tolist(), obs_values[inside].tolist(), target_pct, target_year,
                                 comparator=comparator, value_high=value_high)
        first = int(obs_years[inside][0])
        note = f"window {first}-{latest}"
        if latest - int(obs_years[0]) < span and method.endswith("long-term"):
            note += f" (all available years: the series covers fewer than {span} years)"
        elif latest - first < span and method.endswith("short-term") and first != latest - span:
            note += f" (no observation in {latest - span}; from the first one after it)"
        note = "; ".join(n for n in (note, result.note) if n)
        out.append(ProgressAssessment(method, result.category, result.score, result.actual_growth_pct,
                                      result.required_growth_pct, result.projected_pct, result.base_year,
                                      result.latest_year, note))
    return out


# ------------------------------------------------------------------------------------------------
# The status a reader sees: one per target, in both reports
# ------------------------------------------------------------------------------------------------

HEADLINE_METHOD = "eurostat short-term"
# Progress category -> the status a reader sees (the badges of both reports).
STATUS_OF_CATEGORY = {"target already met": "on track", "significant progress": "on track",
                      "moderate progress": "at risk", "insufficient progress": "off track", "moving away": "off track",
                      "insufficient data": "insufficient data"}


def assess_headline(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                    comparator: str = ">=", value_high: float | None = None) -> ProgressAssessment:
    """The progress a report shows for a target ahead: Eurostat's short-term window (the latest 5 years,
    :data:`HEADLINE_METHOD`), as the Eurostat SDG monitoring report headlines it. The long-term window and the
    UNSD chart are shown beside it in the digital-economy report; the scorecard shows this one only."""
    return assess_eurostat_windows(years, values, target_pct, target_year, comparator=comparator,
                                   value_high=value_high)[0]

