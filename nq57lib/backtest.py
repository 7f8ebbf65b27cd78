"""Back-test of the share projection methods: fit on the data up to year t, predict the later years.

Why: a scenario is only as good as the method behind it. For a series with at least 4 observations of
one definition (the nation has them on both), a rolling origin fits every method on the observations up
to each origin year t and predicts each later, held-out observation. Errors are in percentage points
(prediction - observed), per method and horizon (years after the origin).

Methods (each as the report's scenarios fit it, :mod:`nq57lib.share_projection`):

* 'current trend': constant CAGR of the training observations;
* 'linear': constant change in pp a year of the training observations;
* 'damped pace': :func:`share_calibration.fit_damped_pace` (needs >= 3 training observations);
* 'logistic': the current pace bending toward ``ceiling_pct`` (calibrated where the pace was measured);
* 'ets': damped-trend exponential smoothing on the logit (needs >= 6 training observations, so with
  today's series it never applies: the table says so by having no row for it);
* 'monte carlo': the median of the Monte Carlo calibrated on the same training data (needs >= 3 training
  observations for its spread); its 50 % and 90 % bands give the coverage columns.

Band coverage is the share of held-out points inside the 25-75 % (50 %) and 5-95 % (90 %) bands. With
fewer than ``BAND_JUDGE_MIN_POINTS`` held-out points a coverage figure cannot tell a good band from a bad
one (the binomial error of a 50 % coverage over n points is 50 / sqrt(n) %); the ``band_note`` column
says so and nothing is tuned. This back-test uses the data as they are now (latest vintage of each year),
not the vintages available at each origin: it compares the methods. Whether the Monte Carlo earns a probability
is decided on the data as first published, by :mod:`nq57lib.model_validation`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from . import monte_carlo, share_calibration, share_formulas, share_projection
from .errors import ParameterError, check_int, check_number
from .text import catalog, t

BACKTEST_MIN_OBS = 4
BAND_JUDGE_MIN_POINTS = 10
METHOD_ORDER = ("current trend", "linear", "damped pace", "logistic", "ets", "monte carlo")
POINT_COLUMNS = ["method", "origin_year", "year", "horizon_years", "n_train", "predicted_pct", "observed_pct",
                 "error_pp", "band50_lo_pct", "band50_hi_pct", "band90_lo_pct", "band90_hi_pct", "in_band50",
                 "in_band90"]
SUMMARY_COLUMNS = ["method", "horizon_years", "n", "mean_error_pp", "mae_pp", "n_band", "in_band50_pct",
                   "in_band90_pct", "band_note"]


def backtest_points(history: pd.DataFrame, *, concept: str | None = None,
                    ceiling_pct: float = share_projection.DEFAULT_CEILING_PCT, min_train: int = 2,
                    n_paths: int = 2000, seed: int = 57) -> pd.DataFrame:
    """Every (method, origin, held-out year) prediction of the rolling-origin back-test (``POINT_COLUMNS``).

    ``history`` is one geography's history (see :func:`share_formulas.check_history`); ``concept``
    picks the definition when it holds several. Raises ParameterError with fewer than 4 observations.
    """
    series = share_formulas.select_series(history, concept)
    if len(series) < BACKTEST_MIN_OBS:
        raise ParameterError("history", f"a back-test needs >= {BACKTEST_MIN_OBS} observations of one definition, "
                                        f"has {len(series)}")
    ceiling = check_number("ceiling_pct", ceiling_pct, low=0, low_open=True, high=100)
    first = check_int("min_train", min_train, low=2, high=len(series) - 1)
    paths = check_int("n_paths", n_paths, low=monte_carlo.MIN_PATHS, high=monte_carlo.MAX_PATHS)
    years = series["year"].to_numpy(dtype=int)
    values = series["value"].to_numpy(dtype=float)
    rows = []
    for i in range(first - 1, len(series) - 1):
        train = series.iloc[: i + 1]
        origin, base = int(years[i]), float(values[i])
        held = list(zip(years[i + 1:].tolist(), values[i + 1:].tolist()))
        steps = np.array([year - origin for year, _ in held], dtype=float)
        for method, predicted in _predictions(train, base, steps, ceiling).items():
            for (year, observed), value in zip(held, predicted):
                rows.append(_point(method, origin, year, len(train), value, observed))
        rows += _monte_carlo_points(train, origin, held, ceiling, paths, seed)
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def _point(method: str, origin: int, year: int, n_train: int, predicted: float, observed: float, **bands) -> dict:
    row = {"method": method, "origin_year": origin, "year": year, "horizon_years": year - origin,
           "n_train": n_train, "predicted_pct": float(predicted), "observed_pct": observed,
           "error_pp": float(predicted) - observed}
    for key in ("band50_lo_pct", "band50_hi_pct", "band90_lo_pct", "band90_hi_pct"):
        row[key] = bands.get(key, math.nan)
    inside = not math.isnan(row["band50_lo_pct"])
    row["in_band50"] = (row["band50_lo_pct"] <= observed <= row["band50_hi_pct"]) if inside else pd.NA
    row["in_band90"] = (row["band90_lo_pct"] <= observed <= row["band90_hi_pct"]) if inside else pd.NA
    return row


def _predictions(train: pd.DataFrame, base: float, steps: np.ndarray, ceiling: float) -> dict[str, np.ndarray]:
    """Each applicable method's prediction for the given steps after the training data's last year."""
    cal = share_calibration.calibrate(train, label="training data")
    out = {"current trend": np.minimum(ceiling, share_formulas.cagr_path(base, cal.growth_pct, steps)),
           "linear": np.clip(share_formulas.pp_path(base, cal.pp_per_year, steps), 0, ceiling)}
    if len(train) >= share_calibration.DAMPED_MIN_OBS:
        fit = share_calibration.fit_damped_pace(train)
        out["damped pace"] = np.minimum(ceiling, share_formulas.damped_path(base, fit.start_growth_pct,
                                                                              fit.damping, steps))
    if base < ceiling:
        out["logistic"] = share_formulas.logistic_path(base, cal.growth_pct, ceiling, steps, cal.pace_share_pct)
    if len(train) >= share_projection.ETS_MIN_OBS and np.all(np.diff(train["year"]) == 1):
        table, _, _ = share_projection.ets_forecast(train, int(train["year"].iloc[-1] + steps.max()))
        by_year = dict(zip(table["year"], table["share_pct"]))
        out["ets"] = np.array([by_year[int(train["year"].iloc[-1] + s)] for s in steps])
    return out


def _monte_carlo_points(train: pd.DataFrame, origin: int, held: list, ceiling: float, paths: int,
                        seed: int) -> list[dict]:
    """The Monte Carlo median and bands at each held-out year, calibrated on the training data alone."""
    cal = share_calibration.calibrate(train, label="training data")
    if cal.trend_sd_pct is None:  # < 3 training observations: no spread, no band
        return []
    inputs = monte_carlo.simulation_inputs(cal, "backtest", ceiling_pct=max(ceiling, cal.base_share_pct))
    bands = monte_carlo.simulate([inputs], max(year for year, _ in held), n_paths=paths, seed=seed).bands
    bands = bands.set_index("year")
    rows = []
    for year, observed in held:
        b = bands.loc[year]
        rows.append(_point("monte carlo", origin, year, len(train), b["p50_share_pct"], observed,
                           band50_lo_pct=b["p25_share_pct"], band50_hi_pct=b["p75_share_pct"],
                           band90_lo_pct=b["p05_share_pct"], band90_hi_pct=b["p95_share_pct"]))
    return rows


def band_note(n_band: int, lang: str) -> str:
    """Why the band coverage of ``n_band`` held-out points judges nothing, in ``lang`` (the results file's
    ``band_note`` is the English text; a report shows it in its own language)."""
    return t("common.backtest.band_note", lang, n=int(n_band), minimum=BAND_JUDGE_MIN_POINTS)


def method_word(method: str, lang: str) -> str:
    """A back-test method (:data:`METHOD_ORDER`) in ``lang``; an unknown method keeps its id."""
    key = f"common.backtest.method.{method.replace(' ', '_')}"
    return t(key, lang) if key in catalog(lang) else method


def backtest(history: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """Errors per method and horizon, and the Monte Carlo's band coverage (``SUMMARY_COLUMNS``).

    mean_error_pp (bias, prediction - observed), mae_pp (mean absolute error) and n per method and
    horizon; n_band, in_band50_pct and in_band90_pct (share of held-out points inside the bands, %) for
    the Monte Carlo; band_note says when n_band is too small to judge the band widths. Keyword arguments
    go to :func:`backtest_points`.
    """
    points = backtest_points(history, **kwargs)
    rows = []
    for (method, horizon), group in points.groupby(["method", "horizon_years"], sort=False):
        banded = group.dropna(subset=["band50_lo_pct"])
        n_band = len(banded)
        note = ""
        if method == "monte carlo" and n_band < BAND_JUDGE_MIN_POINTS:
            note = band_note(n_band, "en")
        rows.append({"method": method, "horizon_years": int(horizon), "n": len(group),
                     "mean_error_pp": float(group["error_pp"].mean()),
                     "mae_pp": float(group["error_pp"].abs().mean()), "n_band": n_band,
                     "in_band50_pct": float(banded["in_band50"].astype(bool).mean() * 100) if n_band else math.nan,
                     "in_band90_pct": float(banded["in_band90"].astype(bool).mean() * 100) if n_band else math.nan,
                     "band_note": note})
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    order = {m: i for i, m in enumerate(METHOD_ORDER)}
    return out.sort_values(["method", "horizon_years"], key=lambda c: c.map(order) if c.name == "method" else c
                           ).reset_index(drop=True)
