"""Whether the Monte Carlo has earned a probability: its back-test on the data as first published, and the gate.

Why: a probability is a claim about how often the model's bands hold. It is printed only where the model was
tried out of sample on points it had not seen, **as they were first published** (a revision is information the
forecaster did not have: the statistics office first published 2023 as 12.33 % and now says 12.87 %), and its
90 % band held about 90 % of the time. Otherwise the report gives the pace-gap table (the pace needed against
the paces observed and the damped pace) and, where the raw simulation exists, P as a range across stated
priors, labelled as such; no fan is drawn.

The real-time back-test (:func:`realtime_points`): for every release date of the series (a *vintage*), the
series as it could be read that day (``data.real_time_series``: the best observation per year among the
releases published by then, latest segment), the Monte Carlo set-up the report uses (:func:`fan_input`:
calibrated pace, its spread, yearly shocks, damping drawn per path, the report's ceiling, seed), and each later
year's value as first published (``data.first_releases``). A vintage whose series equals an earlier one's is
not a new origin. An origin needs 3 observations (the pace's spread needs two growths).

The gate (:func:`coverage`): ``MIN_HELD_OUT_POINTS`` = 5 held-out points at least, and the number inside the
90 % band consistent with 90 % (two-sided exact binomial test at ``COVERAGE_ALPHA`` = 0.05; a rejected coverage
is reported as such whatever the number of points). Why 5: it is the
fewest points at which even a perfect record says something -- a band that holds only half the time would put
all 5 points inside with probability 0.5 ** 5 = 0.03 < 0.05, whereas with 4 points (0.06) a perfect record
cannot tell a 90 % band from a coin. Coverage is reported with its Wilson 95 % interval and the number of points;
points from one origin at several horizons are not independent, so the interval is, if anything, too narrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from . import monte_carlo, share_calibration, share_formulas
from .errors import ParameterError
from .text import phrase

MIN_HELD_OUT_POINTS = 5
COVERAGE_ALPHA = 0.05
BAND_LEVEL = 0.90
REALTIME_MIN_TRAIN = 3  # the pace's spread needs two yearly growths
# Damping prior where the series is not seen to slow: phi uniform on [0.8, 1] (0.8 is the lowest damping
# Hyndman et al.'s damped-trend ETS allows; 1 is a constant pace). Where the fitted damping is lower, the
# prior reaches down to it (never below DAMPING_FLOOR).
DAMPING_PRIOR_LOW = 0.8
DAMPING_FLOOR = 0.5
REALTIME_PATHS = 2000

POINT_COLUMNS = ["concept", "origin_release", "origin_year", "n_train", "train", "year", "horizon_years",
                 "predicted_pct", "band90_lo_pct", "band90_hi_pct", "first_published_pct", "first_release",
                 "current_pct", "in_band90"]


@dataclass(frozen=True)
class Vintages:
    """One series' vintages, read once from the data package (``data.real_time_series`` at each release date,
    ``data.first_releases``): ``origins`` is a list of (release date, series that day); ``first`` the first
    releases per year."""

    concept: str
    origins: tuple[tuple[str, pd.DataFrame], ...]
    first: pd.DataFrame


@dataclass(frozen=True)
class Coverage:
    """The gate's reading of one model: n held-out points, how many inside the 90 % band, the coverage (%) with
    its Wilson 95 % interval, the binomial p-value against 90 %, whether a probability is earned and, if not,
    why (``reason``: 'no_points', 'too_few_points' or 'coverage_off'; '' when earned)."""

    concept: str
    n: int
    inside: int
    coverage_pct: float
    wilson_low_pct: float
    wilson_high_pct: float
    p_value: float
    earned: bool
    reason: str
    extra: dict = field(default_factory=dict)

    def row(self) -> dict:
        return {"concept": self.concept, "n": self.n, "inside": self.inside, "coverage_pct": self.coverage_pct,
                "wilson_low_pct": self.wilson_low_pct, "wilson_high_pct": self.wilson_high_pct,
                "p_value": self.p_value, "earned": self.earned, "reason": self.reason,
                "min_points": MIN_HELD_OUT_POINTS}


def read_vintages(pkg, geo_id: str, indicator_id: str, concept: str) -> Vintages:
    """The vintages of one series (see :class:`Vintages`); a vintage whose series equals the one before is
    dropped (it adds no origin)."""
    from . import series_ranking

    dates = sorted(set(series_ranking.releases(pkg, geo_id, indicator_id, concept)["release_date"]))
    origins, seen = [], set()
    for date in dates:
        frame = series_ranking.real_time_series(pkg, geo_id, indicator_id, concept, date)
        frame = frame[frame["segment"] == frame["segment"].max()] if not frame.empty else frame
        key = tuple(zip(frame["year"].astype(int), frame["value"].round(6)))
        if key and key not in seen:
            seen.add(key)
            origins.append((date, frame.assign(concept=concept).reset_index(drop=True)))
    return Vintages(concept, tuple(origins), series_ranking.first_releases(pkg, geo_id, indicator_id, concept))


def damping_prior(fit: share_calibration.DampedFit | None) -> tuple[float, float]:
    """(low, high) of the damping phi drawn per path: [min(0.8, fitted damping), 1], never below 0.5."""
    low = DAMPING_PRIOR_LOW
    if fit is not None and fit.damping < 1:
        low = min(low, fit.damping)
    return max(DAMPING_FLOOR, low), 1.0


def fan_input(cal: share_calibration.Calibration, fit: share_calibration.DampedFit | None, geo_id: str,
              ceiling_pct: float, **extra) -> dict:
    """The Monte Carlo input the report uses for one definition (and the back-test tries): the calibrated pace
    as each path's starting pace with its parameter sd, yearly shocks, the damping drawn per path
    (:func:`damping_prior`), capped at ``ceiling_pct`` (raised just above the base where the base is higher).
    ``extra`` (fan, n_obs, base_sd_pct) is added to the row."""
    row = monte_carlo.simulation_inputs(cal, geo_id, ceiling_pct=max(float(ceiling_pct),
                                                                     min(100.0, cal.base_share_pct + 1e-6)))
    low, high = damping_prior(fit)
    row.update(damping_low=low, damping_high=high,
               basis=phrase("digital_economy.simulation.damped_prior", note=row["basis"], low=low, high=high))
    row.update({k: v for k, v in extra.items() if v is not None})
    return row


def _history(frame: pd.DataFrame, concept: str) -> pd.DataFrame:
    return pd.DataFrame({"year": frame["year"].astype(int), "value": frame["value"].astype(float),
                         "concept": concept, "segment": 0})


def realtime_points(vintages: Vintages, geo_id: str, ceiling_pct: float, *, n_paths: int = REALTIME_PATHS,
                    seed: int = 57) -> pd.DataFrame:
    """Every held-out point of the real-time back-test (``POINT_COLUMNS``): at each vintage with >= 3
    observations, the report's Monte Carlo set-up fitted on the series of that day, against each later
    year's value as first published."""
    rows = []
    first = vintages.first.set_index("year") if not vintages.first.empty else pd.DataFrame()
    for date, train in vintages.origins:
        if len(train) < REALTIME_MIN_TRAIN or first.empty:
            continue
        last = int(train["year"].max())
        held = first[(first.index > last) & (first["first_release_date"] > date)]
        if held.empty:
            continue
        history = _history(train, vintages.concept)
        cal = share_calibration.calibrate(history, concept=vintages.concept, label="real-time series")
        fit = share_calibration.fit_damped_pace(history, concept=vintages.concept, label="real-time series")
        row = fan_input(cal, fit, geo_id, ceiling_pct)
        bands = monte_carlo.simulate([row], int(held.index.max()), n_paths=n_paths, seed=seed).bands.set_index("year")
        text = "; ".join(f"{int(y)}: {v:.2f}" for y, v in zip(train["year"], train["value"]))
        for year, h in held.iterrows():
            b = bands.loc[int(year)]
            value = float(h["first_value"])
            rows.append({"concept": vintages.concept, "origin_release": date, "origin_year": last,
                         "n_train": len(train), "train": text, "year": int(year), "horizon_years": int(year) - last,
                         "predicted_pct": float(b["p50_share_pct"]), "band90_lo_pct": float(b["p05_share_pct"]),
                         "band90_hi_pct": float(b["p95_share_pct"]), "first_published_pct": value,
                         "first_release": h["first_release_date"], "current_pct": float(h["current_value"]),
                         "in_band90": bool(b["p05_share_pct"] <= value <= b["p95_share_pct"])})
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def coverage(points: pd.DataFrame, concept: str, *, min_points: int = MIN_HELD_OUT_POINTS,
             alpha: float = COVERAGE_ALPHA) -> Coverage:
    """The gate on one model's held-out points (see the module docstring)."""
    if min_points < 1:
        raise ParameterError("min_points", f"must be at least 1, got {min_points}")
    n = int(len(points))
    inside = int(points["in_band90"].astype(bool).sum()) if n else 0
    if n == 0:
        return Coverage(concept, 0, 0, math.nan, math.nan, math.nan, math.nan, False, "no_points")
    test = stats.binomtest(inside, n, BAND_LEVEL)
    ci = test.proportion_ci(confidence_level=0.95, method="wilson")
    # A coverage the binomial test rejects is evidence even on few points (0 of 3 inside: p = 0.001); a coverage
    # it does not reject earns nothing below min_points.
    reason = "coverage_off" if test.pvalue < alpha else "too_few_points" if n < min_points else ""
    return Coverage(concept, n, inside, inside / n * 100, ci.low * 100, ci.high * 100, float(test.pvalue),
                    reason == "", reason)


def yearly_growths(history: pd.DataFrame) -> list[tuple[int, int, float]]:
    """(from year, to year, compound % a year) between successive observations of one series."""
    years = history["year"].astype(int).tolist()
    values = history["value"].astype(float).tolist()
    return [(a, b, ((v1 / v0) ** (1 / (b - a)) - 1) * 100) for a, b, v0, v1 in zip(years, years[1:], values, values[1:])
            if v0 > 0 and b > a]


def damped_mean_pace(fit: share_calibration.DampedFit | None, base_year: int, target_year: int) -> float:
    """The fitted damped path's mean yearly pace (%) from the base year to ``target_year`` (NaN without a fit)."""
    if fit is None or target_year <= base_year:
        return math.nan
    k = target_year - base_year
    level = share_formulas.damped_path(1.0, fit.start_growth_pct, fit.damping, np.array([k], dtype=float))[0]
    return (level ** (1 / k) - 1) * 100


def probability_range(rows: list[dict], fits: dict, end_year: int, targets: pd.DataFrame, *, n_paths: int,
                      seed: int) -> pd.DataFrame:
    """P(meet) of each target under each stated prior of the pace, per fan: 'constant pace' (no slowing),
    'slowing drawn per path' (the report's set-up) and 'fitted damped pace' (phi fixed at the fitted damping,
    where the series is seen to slow). Columns: target_id, fan, p_low, p_high, p_low_text, p_high_text (with no
    more precision than the data support, ``monte_carlo.format_probability``), n_priors, priors. Not a validated
    probability: the spread says how much the prior, not the data, decides."""
    priors = {"constant pace": lambda r, f: {"damping_low": 1.0, "damping_high": 1.0},
              "slowing drawn per path": lambda r, f: {},
              "fitted damped pace": lambda r, f: ({"damping_low": f.damping, "damping_high": f.damping}
                                                   if f is not None and f.damping < 1 else None)}
    found = []
    for name, change in priors.items():
        batch = []
        for row in rows:
            update = change(row, fits.get(row.get("fan")))
            if update is not None:
                batch.append({**row, **update})
        if not batch or targets.empty:
            continue
        sim = monte_carlo.simulate(batch, end_year, n_paths=n_paths, seed=seed, targets=targets)
        found.append(sim.p_meet.assign(prior=name))
    columns = ["target_id", "fan", "p_low", "p_high", "p_low_text", "p_high_text", "n_priors", "priors"]
    if not found:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(found, ignore_index=True).dropna(subset=["p_meet"])
    out = frame.groupby(["target_id", "fan"], sort=False).agg(
        p_low=("p_meet", "min"), p_high=("p_meet", "max"), n_priors=("prior", "nunique"),
        priors=("prior", lambda s: ", ".join(s))).reset_index()
    n_obs = {r.get("fan"): r.get("n_obs") for r in rows}
    for end in ("low", "high"):
        out[f"p_{end}_text"] = [monte_carlo.format_probability(p, n_paths, n_obs.get(f))
                                for p, f in zip(out[f"p_{end}"], out["fan"])]
    return out[columns]
