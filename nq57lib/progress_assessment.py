"""Progress toward a quantified target from observed values: the Eurostat and UNSD methods.

Both methods, their categories and their thresholds are defined here once; the digital-economy report
and the scorecard call this module.

- Eurostat SDG method: ratio R of the actual to the required compound growth rate, both from the
  first observation. R >= 0.95 'significant progress', 0.60 <= R < 0.95 'moderate progress',
  0 <= R < 0.60 'insufficient progress', R < 0 'moving away' (:func:`eurostat_category`). A strict target
  ("more than X", "less than X") is aimed at X itself, as Eurostat does; a base that already met the target
  gives no required rate (none was required from it).
- Eurostat's two windows (:func:`assess_eurostat_windows`): as the Eurostat SDG monitoring report does,
  short-term progress over the latest 5 years and long-term progress over the latest 15 years. The long-term
  window is assessed only where the series spans at least 10 of those years
  (``EUROSTAT_LONG_TERM_MIN_YEARS``); otherwise its row says 'no long-term window' and why, never a second
  copy of the short-term window.
- The progress a verdict rests on (:func:`assess_headline`, :data:`STATUS_OF_CATEGORY`): the short-term
  window's category; ``target_verdicts`` turns it into the verdict every report shows.
- The UN Statistics Division (UNSD) SDG progress chart, 2023 edition (:func:`assess_unsd_chart`, the one the
  reports show): the value projected for the target year at the current compound growth rate from the baseline
  year, and r = (projected - baseline value) / (target - baseline value), the share of the required change the
  current trend delivers. r >= 0.95 'on track', 0.10 <= r < 0.95 'fair progress, but acceleration needed',
  r < 0.10 'stagnation or regression'; a latest value that meets the target is 'target met or almost met'
  whatever the trend ('almost': within 1 percentage point of a target of 0 % or 100 %). Baseline: 2015 where
  the series has it, else its first year after 2015, else its first year (the note says which). Source: United
  Nations Statistics Division, *Sustainable Development Goals Progress Chart 2023 -- Technical Note*,
  https://unstats.un.org/sdgs/files/report/2023/Progress_Chart_Technical_Note_2023.pdf (the note itself
  could not be opened from this project's research tools; its method -- projected value from the baseline
  CAGR, the ratio r and the thresholds 0.95 / 0.10, the target counting as met whatever the trend, the
  1-point tolerance at 0 % / 100 %, the baseline year 2015 or the nearest available -- was checked in the
  public restatement of EUSTAT, the Basque statistics office, which follows that note: "Progress Measurement
  for Sustainable Development Goals", https://github.com/EUSTAT-DES/site, page _pages/en/metodologia.md,
  accessed 2026-12-04).
- The same chart's 2022 edition, kept beside it and labelled with its edition (:func:`assess_unsd_chart_2022`):
  the ratio of the actual to the required CAGR with the categories 'target met or almost met', 'substantial
  progress / on track', 'fair progress, but acceleration needed', 'limited or no progress', 'deterioration'
  (*Sustainable Development Goals Progress Chart 2022 -- Technical Note*, section II b, copy seen at
  https://www.scribd.com/document/870374529/Progress-Chart-Technical-Note-2022). Its 0.95 threshold and
  category names are the chart's; the lower thresholds 0.5 and -0.1 (``UNSD_FAIR_RATIO``,
  ``UNSD_DETERIORATION_RATIO``) could NOT be confirmed from a public source (the note's table was not
  readable), and every result's note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .errors import ParameterError, check_choice, check_int, check_number
from .bounds import FIRST_YEAR
from .share_formulas import (
    as_python_scalar, COMPARATORS, FLOAT_TOL, meets_target, reached_comparator, required_growth_pct, years_between,
)
from .bounds import LAST_YEAR

# Eurostat thresholds of the ratio of actual to required growth.
SIGNIFICANT_RATIO = 0.95
MODERATE_RATIO = 0.60
# UNSD progress chart, 2023 edition (module docstring): thresholds of r, the share of the required change.
UNSD_METHOD = "unsd progress chart 2023"
UNSD_ON_TRACK_R = 0.95
UNSD_FAIR_R = 0.10
UNSD_BASELINE_YEAR = 2015
UNSD_BOUND_TOLERANCE_PP = 1.0  # a latest value within 1 pp of a 0 % or 100 % target counts as met
UNSD_CATEGORIES = ("target met or almost met", "on track", "fair progress, but acceleration needed",
                   "stagnation or regression")
# UNSD progress chart, 2022 edition: thresholds of the ratio of actual to required growth (see above).
UNSD_2022_METHOD = "unsd progress chart 2022"
UNSD_SUBSTANTIAL_RATIO = 0.95
UNSD_FAIR_RATIO = 0.5  # not confirmed from a public source
UNSD_DETERIORATION_RATIO = -0.1  # not confirmed from a public source
UNSD_CHART_CATEGORIES = ("target met or almost met", "substantial progress / on track",
                         "fair progress, but acceleration needed", "limited or no progress", "deterioration")
UNSD_UNCONFIRMED_NOTE = ("UNSD progress chart 2022 edition: its thresholds 0.5 and -0.1 are not confirmed from a "
                         "public source; 0.95 and the category names are the chart's")
# Eurostat SDG monitoring report windows (years back from the latest observation).
EUROSTAT_SHORT_TERM_YEARS = 5
EUROSTAT_LONG_TERM_YEARS = 15
EUROSTAT_LONG_TERM_MIN_YEARS = 10  # a long-term window spanning fewer years is not assessed
NO_LONG_TERM_WINDOW = "no long-term window"


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
    checked_years = [check_int("years", as_python_scalar(y), low=FIRST_YEAR, high=LAST_YEAR) for y in years_list]
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


def aimed_level(comparator: str, value: float, value_high: float | None, start: float) -> float:
    """The level a progress method measures the required change to: the target value (a strict "more than X"
    or "less than X" target too: Eurostat and UNSD aim at X, not at X plus the data's precision as the
    required paths do), or the nearer end of a 'between' range."""
    if comparator == "between" and value_high is not None and start > value_high:
        return float(value_high)
    return float(value)


def _cagr_pct(first: float, last: float, years: int) -> float:
    return float(((last / first) ** (1.0 / years) - 1.0) * 100.0)


def assess_eurostat(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                    comparator: str = ">=", value_high: float | None = None) -> ProgressAssessment:
    """Eurostat SDG method for a quantified target: ratio R of actual to required growth.

    Actual growth: CAGR from the first to the latest observation. Required growth: CAGR from the first
    observation (the base year) to the target value in the target year; a strict target ('>' or '<') is
    aimed at its value, as Eurostat does. Categories: 'target already met' (the latest value meets it);
    R >= 0.95 'significant progress'; 0.60 <= R < 0.95 'moderate progress'; 0 <= R < 0.60 'insufficient
    progress'; R < 0 'moving away'. Fewer than 2 observations: 'insufficient data'. A base that already met
    the target has no required rate (``required_growth_pct`` None, never one of the wrong sign): 'target
    already met' when the latest value still meets it, else 'moving away' (no ratio).
    """
    obs_years, obs_values = _check_observations(years, values)
    target, comparator, high = _check_assessment_target(target_pct, comparator, value_high)
    check_int("target_year", target_year, low=FIRST_YEAR, high=LAST_YEAR)
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
    actual = _cagr_pct(base, latest, latest_year - base_year)
    comparator = reached_comparator(comparator, target, base)
    base_met = bool(meets_target(base, comparator, target, high))
    level = aimed_level(comparator, target, high, base)
    required = None if base_met else (required_growth_pct(base, base_year, level, target_year) if level > 0
                                      else -100.0)
    if bool(meets_target(latest, comparator, target, high)):
        return ProgressAssessment("eurostat", "target already met", None, actual, required, None, base_year,
                                  latest_year, "the base year already met the target" if base_met else "")
    if required is None:
        return ProgressAssessment("eurostat", "moving away", None, actual, None, None, base_year, latest_year,
                                  "the base year already met the target (no growth was required from it); "
                                  "the latest value no longer does")
    ratio = float(actual / required)
    return ProgressAssessment("eurostat", eurostat_category(ratio), ratio, actual, required, None, base_year, latest_year)


def unsd_category(r: float) -> str:
    """UNSD progress chart 2023 category of r, the share of the required change (target not yet met)."""
    if r >= UNSD_ON_TRACK_R - FLOAT_TOL:
        return UNSD_CATEGORIES[1]
    if r >= UNSD_FAIR_R - FLOAT_TOL:
        return UNSD_CATEGORIES[2]
    return UNSD_CATEGORIES[3]


def unsd_baseline(years: Sequence[int]) -> tuple[int, str]:
    """The UNSD baseline year of a series (sorted years, the latest last) and why: 2015 where observed, else the
    first observation after 2015, else the first observation (the latest never serves as baseline)."""
    usable = [int(y) for y in years[:-1]]
    if UNSD_BASELINE_YEAR in usable:
        return UNSD_BASELINE_YEAR, f"baseline {UNSD_BASELINE_YEAR}"
    after = [y for y in usable if y > UNSD_BASELINE_YEAR]
    if after:
        return after[0], f"baseline {after[0]}: no {UNSD_BASELINE_YEAR} observation, the first year after it"
    return usable[0], f"baseline {usable[0]}: no observation in or after {UNSD_BASELINE_YEAR} before the latest"


def _almost_met(latest: float, comparator: str, target: float) -> bool:
    """Within ``UNSD_BOUND_TOLERANCE_PP`` of a target of 100 % (from below) or 0 % (from above)."""
    if comparator in (">=", ">") and target >= 100:
        return latest >= target - UNSD_BOUND_TOLERANCE_PP
    if comparator in ("<=", "<") and target <= 0:
        return latest <= target + UNSD_BOUND_TOLERANCE_PP
    return False


def assess_unsd_chart(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                      comparator: str = ">=", value_high: float | None = None) -> ProgressAssessment:
    """UNSD SDG progress chart, 2023 edition (module docstring): projected value and r.

    Baseline b: :func:`unsd_baseline` (2015 where observed; the note says which). CAGR from b to the latest
    year t; projected value in the target year T: v_b x (1 + CAGR)^(T - b) (= v_t x (1 + CAGR)^(T - t));
    r = (projected - v_b) / (target - v_b), the target aimed at its value (a strict one too); the values are shares,
    so a projection past 100 % is capped there (the note says so). Categories:
    'target met or almost met' when the latest value meets the target (or lies within 1 pp of a 0 % / 100 %
    target) whatever the trend; else r >= 0.95 'on track', 0.10 <= r < 0.95 'fair progress, but acceleration
    needed', r < 0.10 'stagnation or regression'. A baseline that already met the target while the latest value
    does not is 'stagnation or regression' (no r: no change was required). Fewer than 2 observations:
    'insufficient data'. ``score`` = r, ``projected_pct`` = the projected value, ``actual_growth_pct`` = the
    CAGR, ``required_growth_pct`` = the CAGR from the baseline that would reach the target in T.

    E.g. the nation on the statistics office's measure (12.66 % in 2020 ... 14.02 % in 2025), ">= 30 % by
    2030": no 2015 value, baseline 2020; CAGR (14.02 / 12.66)^(1/5) - 1 = 2.06 %; projected 2030 =
    14.02^2 / 12.66 = 15.53 %; r = (15.53 - 12.66) / (30 - 12.66) = 0.165: fair progress, but acceleration needed.
    """
    obs_years, obs_values = _check_observations(years, values)
    target, comparator, high = _check_assessment_target(target_pct, comparator, value_high)
    check_int("target_year", target_year, low=FIRST_YEAR, high=LAST_YEAR)
    if len(obs_years) < 2:
        return ProgressAssessment(UNSD_METHOD, "insufficient data", None, None, None, None,
                                  int(obs_years[0]) if len(obs_years) else None,
                                  int(obs_years[-1]) if len(obs_years) else None,
                                  "needs at least two observations of one definition")
    base_year, why = unsd_baseline(obs_years.tolist())
    base = float(obs_values[list(obs_years).index(base_year)])
    latest_year, latest = int(obs_years[-1]), float(obs_values[-1])
    years_between(base_year, target_year)
    if base <= 0:
        return ProgressAssessment(UNSD_METHOD, "insufficient data", None, None, None, None, base_year, latest_year,
                                  f"{why}; a baseline of 0 % has no growth rate")
    cagr = _cagr_pct(base, latest, latest_year - base_year)
    projected = float(base * (1 + cagr / 100) ** (target_year - base_year))
    if projected > 100.0:  # a share: the trend is carried to the target year but never past 100 %
        projected, why = 100.0, f"{why}; the projection is capped at 100 %"
    comparator = reached_comparator(comparator, target, base)
    level = aimed_level(comparator, target, high, base)
    base_met = bool(meets_target(base, comparator, target, high))
    required = None if base_met or level <= 0 else required_growth_pct(base, base_year, level, target_year)
    if bool(meets_target(latest, comparator, target, high)) or _almost_met(latest, comparator, target):
        return ProgressAssessment(UNSD_METHOD, UNSD_CATEGORIES[0], None, cagr, required, projected, base_year,
                                  latest_year, f"{why}; the latest value meets the target (whatever the trend)")
    if base_met:
        return ProgressAssessment(UNSD_METHOD, UNSD_CATEGORIES[3], None, cagr, None, projected, base_year,
                                  latest_year, f"{why}; the baseline already met the target, the latest value no "
                                               "longer does")
    r = float((projected - base) / (level - base))
    return ProgressAssessment(UNSD_METHOD, unsd_category(r), r, cagr, required, projected, base_year, latest_year,
                              why)


def unsd_chart_category(ratio: float) -> str:
    """UNSD progress chart 2022 edition: the category of a ratio of actual to required growth (not yet met)."""
    if ratio >= UNSD_SUBSTANTIAL_RATIO - FLOAT_TOL:
        return UNSD_CHART_CATEGORIES[1]
    if ratio >= UNSD_FAIR_RATIO - FLOAT_TOL:
        return UNSD_CHART_CATEGORIES[2]
    if ratio >= UNSD_DETERIORATION_RATIO - FLOAT_TOL:
        return UNSD_CHART_CATEGORIES[3]
    return UNSD_CHART_CATEGORIES[4]


def assess_unsd_chart_2022(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                           comparator: str = ">=", value_high: float | None = None) -> ProgressAssessment:
    """UNSD progress chart, 2022 edition: the ratio R of the actual CAGR (first to latest observation) to the
    CAGR required from the first observation to the target (aimed at its value).

    'target met or almost met' when the latest value meets the target; otherwise R >= 0.95 'substantial
    progress / on track', 0.5 <= R < 0.95 'fair progress, but acceleration needed', -0.1 <= R < 0.5 'limited
    or no progress', R < -0.1 'deterioration' (0.5 and -0.1 are not confirmed from a public source; the note
    says so). A base that already met the target while the latest value does not: 'deterioration' (no ratio).
    Fewer than 2 observations: 'insufficient data'.
    """
    obs_years, obs_values = _check_observations(years, values)
    target, comparator, high = _check_assessment_target(target_pct, comparator, value_high)
    check_int("target_year", target_year, low=FIRST_YEAR, high=LAST_YEAR)
    first = int(obs_years[0]) if len(obs_years) else None
    last = int(obs_years[-1]) if len(obs_years) else None
    if len(obs_years) < 2 or obs_values[0] <= 0:
        return ProgressAssessment(UNSD_2022_METHOD, "insufficient data", None, None, None, None, first, last,
                                  "needs at least two observations of one definition, the first above 0 %")
    years_between(first, target_year)
    base, latest = float(obs_values[0]), float(obs_values[-1])
    actual = _cagr_pct(base, latest, last - first)
    comparator = reached_comparator(comparator, target, base)
    level = aimed_level(comparator, target, high, base)
    base_met = bool(meets_target(base, comparator, target, high))
    required = None if base_met or level <= 0 else required_growth_pct(base, first, level, target_year)
    if bool(meets_target(latest, comparator, target, high)):
        return ProgressAssessment(UNSD_2022_METHOD, UNSD_CHART_CATEGORIES[0], None, actual, required, None, first,
                                  last, UNSD_UNCONFIRMED_NOTE)
    if required is None:
        return ProgressAssessment(UNSD_2022_METHOD, UNSD_CHART_CATEGORIES[4], None, actual, None, None, first, last,
                                  "the base already met the target, the latest value no longer does; "
                                  + UNSD_UNCONFIRMED_NOTE)
    ratio = float(actual / required)
    return ProgressAssessment(UNSD_2022_METHOD, unsd_chart_category(ratio), ratio, actual, required, None, first,
                              last, UNSD_UNCONFIRMED_NOTE)


def assess_eurostat_windows(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                            comparator: str = ">=", value_high: float | None = None) -> list[ProgressAssessment]:
    """Eurostat's method on its own windows: short-term (latest 5 years) and long-term (latest 15 years).

    Each window keeps the observations from ``latest - 5`` (``latest - 15``) to the latest year and applies
    :func:`assess_eurostat` to them (base = the window's first observation). The long-term window is assessed
    only where its observations span at least ``EUROSTAT_LONG_TERM_MIN_YEARS`` (10) years; otherwise its
    category is 'no long-term window' and its note gives the series' span (it would only repeat the short-term
    window). A window with one observation is 'insufficient data'. Methods: 'eurostat short-term', 'eurostat
    long-term'.
    """
    obs_years, obs_values = _check_observations(years, values)
    if len(obs_years) == 0:
        raise ParameterError("years", "holds no observation")
    latest = int(obs_years[-1])
    out = []
    for method, span in (("eurostat short-term", EUROSTAT_SHORT_TERM_YEARS),
                         ("eurostat long-term", EUROSTAT_LONG_TERM_YEARS)):
        inside = obs_years >= latest - span
        first = int(obs_years[inside][0])
        if method.endswith("long-term") and inside.sum() >= 2 and latest - first < EUROSTAT_LONG_TERM_MIN_YEARS:
            _check_assessment_target(target_pct, comparator, value_high)
            out.append(ProgressAssessment(
                method, NO_LONG_TERM_WINDOW, None, None, None, None, first, latest,
                f"the series spans {first}-{latest} ({latest - first} years); Eurostat's long-term window needs "
                f"at least {EUROSTAT_LONG_TERM_MIN_YEARS} of its {span} years"))
            continue
        result = assess_eurostat(obs_years[inside].tolist(), obs_values[inside].tolist(), target_pct, target_year,
                                 comparator=comparator, value_high=value_high)
        note = f"window {first}-{latest}"
        if latest - first < span and first != latest - span:
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
                      "insufficient data": "insufficient data", NO_LONG_TERM_WINDOW: "insufficient data"}


def assess_headline(years: Sequence[int], values: Sequence[float], target_pct: float, target_year: int, *,
                    comparator: str = ">=", value_high: float | None = None) -> ProgressAssessment:
    """The progress a report shows for a target ahead: Eurostat's short-term window (the latest 5 years,
    :data:`HEADLINE_METHOD`), as the Eurostat SDG monitoring report headlines it. The long-term window and the
    UNSD chart are shown beside it in the digital-economy report; the scorecard shows this one only."""
    return assess_eurostat_windows(years, values, target_pct, target_year, comparator=comparator,
                                   value_high=value_high)[0]

