"""The calibration of a share's pace (pure): the base observation and the pace of a history (its own, or a
proxy's on the same definition), with the parameter and shock spreads the Monte Carlo draws from, and the damped
pace fitted where the series' growth is seen to slow. Each calibrated value is an ``Assumption`` saying whether it
was observed, derived or assumed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import ParameterError
from .provenance import ASSUMED, DERIVED, OBSERVED, Assumption
from .share_formulas import check_history, concept_word, select_series
from .text import Phrase, phrase

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words


@dataclass(frozen=True)
class Calibration:
    """The base observation of a geography and the pace (trend and noise) calibrated for it.

    ``source`` is ``'own'`` when the pace comes from the geography's own series (>= 2 observations of
    one concept in its latest segment) and ``'proxy'`` when it comes from the named proxy series;
    ``definition_differs`` is True when that proxy is on another definition than the base observation.
    ``log_growth_sd_pct`` is the standard deviation of one year's log growth (x100), known only with
    >= 3 observations; ``trend_sd_pct`` and ``shock_sd_pct`` are the Monte Carlo inputs derived from it.
    """

    label: str
    concept: str
    base_year: int
    base_share_pct: float
    base_source_id: str
    source: str
    pace_label: str
    pace_concept: str
    pace_first_year: int
    pace_last_year: int
    pace_n_obs: int
    growth_pct: float
    pp_per_year: float
    log_growth_sd_pct: float | None
    trend_sd_pct: float | None
    shock_sd_pct: float | None
    definition_differs: bool
    note: str
    assumptions: tuple[Assumption, ...]
    pace_share_pct: float | None = None  # level of the pace series (geometric mean of its ends)
    note_phrase: Phrase | None = field(default=None, compare=False, repr=False)  # ``note`` in any language


def _pace(series: pd.DataFrame) -> dict:
    """Trend pace of a fitted series: CAGR, pp/yr and the spread of yearly log growth.

    The mean log growth per year telescopes to ln(last / first) / span, i.e. the endpoint CAGR. The
    spread is estimated from each interval's deviation from that mean, scaled by its length (a gap of
    several years counts as several yearly shocks); it needs >= 2 intervals (>= 3 observations).
    """
    years = series["year"].to_numpy(dtype=float)
    values = series["value"].to_numpy(dtype=float)
    if np.any(values <= 0):
        raise ParameterError("history", "a share of 0 % has no relative growth rate; the pace cannot be fitted")
    span = years[-1] - years[0]
    mean_log = math.log(values[-1] / values[0]) / span
    gaps = np.diff(years)
    deviations = np.diff(np.log(values)) - mean_log * gaps
    sd = float(np.sqrt(np.sum(deviations ** 2 / gaps) / (len(gaps) - 1))) if len(gaps) >= 2 else None
    return {"growth_pct": math.expm1(mean_log) * 100.0, "pp_per_year": float((values[-1] - values[0]) / span),
            "log_growth_sd_pct": None if sd is None else sd * 100.0, "span": span,
            "first_year": int(years[0]), "last_year": int(years[-1]), "n_obs": len(values),
            "level": float(math.sqrt(values[0] * values[-1]))}


def calibrate(history: pd.DataFrame, *, concept: str | None = None, label: str = "own series",
              proxy: pd.DataFrame | None = None, proxy_label: str | None = None,
              base_is_assumed: bool = False) -> Calibration:
    """Base observation and pace for one geography, from its own series or else from a named proxy.

    Own series: used when it has >= 2 observations of ``concept`` in its latest segment. Otherwise the
    pace comes from ``proxy`` (e.g. the national series), preferring the proxy's observations of the same
    concept; if the proxy only has another concept, ``definition_differs`` is set and stated in ``note``.

    Monte Carlo inputs: with the own series the trend uncertainty is the standard error of the mean pace
    (sd / sqrt(span)). With a proxy it is one full yearly sd, an explicit assumption: a province's own
    pace is unknown and may differ from the proxy's mean by about as much as one year differs from it.
    """
    own = select_series(history, concept)
    concept = str(own["concept"].iloc[0])
    base = own.iloc[-1]
    base_year, base_share = int(base["year"]), float(base["value"])
    base_source = str(base.get("source_id", "") or "")
    if len(own) >= 2:
        fitted, source, pace_label, differs = own, "own", label, False
    else:
        if proxy is None:
            raise ParameterError("proxy", f"{label} has one '{concept}' observation ({base_year}); pass a proxy "
                                          f"series (e.g. the national one) to calibrate its pace")
        if not isinstance(proxy_label, str) or not proxy_label.strip():
            raise ParameterError("proxy_label", "name the proxy series so the output can say which it is")
        proxy_concepts = set(check_history(proxy, "proxy")["concept"])
        fitted = select_series(proxy, concept if concept in proxy_concepts else None, name="proxy")
        if len(fitted) < 2:
            raise ParameterError("proxy", f"needs >= 2 observations of one definition, has {len(fitted)}")
        source, pace_label = "proxy", proxy_label
        differs = str(fitted["concept"].iloc[0]) != concept
    pace = _pace(fitted)
    pace_concept = str(fitted["concept"].iloc[0])
    sd = pace["log_growth_sd_pct"]
    trend_sd = None if sd is None else (sd / math.sqrt(pace["span"]) if source == "own" else sd)
    period = f"{pace['first_year']}-{pace['last_year']}"
    if source == "own":
        note_phrase = phrase(_B + "note_own", geo=label, concept=concept_word(concept), n=pace["n_obs"], period=period)
    else:
        note_phrase = phrase(_B + ("note_proxy_assumed" if base_is_assumed else "note_proxy"), geo=label, concept=concept_word(concept), year=base_year,
                             proxy=proxy_label, pace_concept=concept_word(pace_concept), n=pace["n_obs"], period=period)
        if differs:
            note_phrase = phrase(_B + "note_differs", note=note_phrase, pace_concept=concept_word(pace_concept),
                                 concept=concept_word(concept))
    note = str(note_phrase)
    pace_kind = DERIVED if source == "own" else ASSUMED
    pace_fmt = {"series": pace_label, "concept": concept_word(pace_concept), "period": period}
    pace_basis, change_basis = phrase(_B + "cagr", **pace_fmt), phrase(_B + "mean_change", **pace_fmt)
    if source != "own":
        pace_basis = phrase(_B + "as_proxy", basis=pace_basis, geo=label)
        change_basis = phrase(_B + "as_proxy", basis=change_basis, geo=label)
    assumptions = [
        Assumption("base_share_pct", base_share, "%", OBSERVED, phrase(_L + "latest_share", year=base_year),
                   phrase(_B + "concept_source", concept=concept_word(concept),
                                                      source=base_source or phrase(_B + "not_given"))),
        Assumption("growth_pct", pace["growth_pct"], "% per year", pace_kind, phrase(_L + "trend_pace"),
                   pace_basis),
        Assumption("pp_per_year", pace["pp_per_year"], "pp per year", pace_kind, phrase(_L + "trend_pp"),
                   change_basis),
    ]
    if sd is not None:
        assumptions.append(Assumption("trend_sd_pct", trend_sd, "% per year (log points)", pace_kind,
                                      phrase(_L + "trend_sd"),
                                      phrase(_B + ("sd_own" if source == "own" else "sd_proxy"), sd=sd,
                                             series=pace_label)))
        assumptions.append(Assumption("shock_sd_pct", sd, "% per year (log points)", pace_kind,
                                      phrase(_L + "shock_sd"), phrase(_B + "sd_period", series=pace_label,
                                                                      period=period)))
    return Calibration(label=label, concept=concept, base_year=base_year, base_share_pct=base_share,
                       base_source_id=base_source, source=source, pace_label=pace_label,
                       pace_concept=pace_concept, pace_first_year=pace["first_year"],
                       pace_last_year=pace["last_year"], pace_n_obs=pace["n_obs"],
                       growth_pct=pace["growth_pct"], pp_per_year=pace["pp_per_year"],
                       log_growth_sd_pct=sd, trend_sd_pct=trend_sd, shock_sd_pct=sd,
                       definition_differs=differs, note=note, assumptions=tuple(assumptions), note_phrase=note_phrase,
                       pace_share_pct=pace["level"])


@dataclass(frozen=True)
class DampedFit:
    """A pace slowing geometrically, fitted to a series' successive yearly log growths.

    ``log_growths`` are the per-year log growths (x100) between successive observations (a gap of g
    years gives the mean per year); ``damping`` phi = sum(r_i r_(i+1)) / sum(r_i^2), the least-squares
    slope through the origin of each growth on the one before, clipped to [0, 1]; ``start_growth_pct``
    is the last observed yearly growth (%), from which the projection decays: year k after the last
    observation grows by ``ln(1 + start) * phi ** k`` in log terms.
    """

    start_growth_pct: float
    damping: float
    log_growths: tuple[float, ...]
    n_obs: int
    first_year: int
    last_year: int
    label: str
    note: str


DAMPED_MIN_OBS = 3  # two successive growths are the fewest that show whether growth slows


def fit_damped_pace(series: pd.DataFrame, *, concept: str | None = None, label: str = "series") -> DampedFit:
    """Fit the damped pace to one definition's series (>= 3 observations of its latest segment).

    Worked example (national ministry series 11.91, 14.26, 16.5, 18.3 in 2021-2024): log growths 0.180,
    0.146, 0.104; phi = (0.180*0.146 + 0.146*0.104) / (0.180^2 + 0.146^2) = 0.770; start 18.3 / 16.5 - 1
    = 10.91 % a year (pinned in tests/test_share_projection.py).
    A fitted phi >= 1 (growth not slowing) is clipped to 1 and the note says so; a negative one to 0.
    """
    rows = select_series(series, concept, name="series")
    if len(rows) < DAMPED_MIN_OBS:
        raise ParameterError("series", f"the damped pace needs >= {DAMPED_MIN_OBS} observations of one definition, "
                                       f"has {len(rows)}")
    years = rows["year"].to_numpy(dtype=float)
    values = rows["value"].to_numpy(dtype=float)
    if np.any(values <= 0):
        raise ParameterError("series", "a share of 0 % has no growth rate")
    growths = np.diff(np.log(values)) / np.diff(years)
    previous, following = growths[:-1], growths[1:]
    denominator = float(np.sum(previous ** 2))
    raw = float(np.sum(previous * following) / denominator) if denominator > 0 else 1.0
    phi = min(1.0, max(0.0, raw))
    period = f"{int(years[0])}-{int(years[-1])}"
    note = phrase(_B + "damped", series=label, period=period, phi=phi, n=len(growths),
                  last=math.expm1(growths[-1]) * 100)
    if raw >= 1:
        note = phrase(_B + "damped_none", note=note, raw=raw)
    return DampedFit(start_growth_pct=math.expm1(growths[-1]) * 100.0, damping=phi,
                     log_growths=tuple(float(g) * 100.0 for g in growths), n_obs=len(values),
                     first_year=int(years[0]), last_year=int(years[-1]), label=label, note=note)
