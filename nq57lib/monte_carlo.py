"""Monte Carlo of the share indicator: how likely each target is met, given the calibrated pace and noise.

Each geography's share follows a path whose trend growth is drawn once per path (``trend_sd_pct``), may slow
by a damping factor drawn per path (``damping_low`` to ``damping_high``: the pace of year k after the base is the
path's pace times phi ** (k - 1)), and whose yearly shocks are drawn per year (``shock_sd_pct``), from the base
year of its calibration
(:mod:`nq57lib.share_projection`). The result gives quantile bands per year and, per target, the
share of paths that meet it. Inputs are checked first; the memory guard rejects a run too large for
the machine before any array is allocated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import ParameterError, check_growth, check_int, check_number
# The bounds (paths, memory guard, horizon, ceiling) are defined once in nq57lib.bounds: the runner
# checks the same ones before any kernel starts.
from .bounds import FIRST_YEAR, MAX_PATHS, MAX_SIM_CELLS, MIN_PATHS, check_ceiling, check_horizon, check_paths, check_sim_size  # noqa: F401
from .provenance import ASSUMED, Assumption
from .text import Joined, Phrase, phrase
from .share_calibration import Calibration
from .share_formulas import (
    as_python_scalar, check_end_year, check_target_after_base, check_targets, concept_word, is_missing, meets_target, reached_comparator,
)
from .bounds import LAST_YEAR

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words

QUANTILES_PCT = (5, 25, 50, 75, 95)
# A probability needs a pace whose spread is estimated from the geography's own series: two yearly
# growths at least, i.e. three observations of one definition (issue 9). With fewer, p_meet stays empty.
MIN_OBS_FOR_PROBABILITY = 3
DEFAULT_FAN = "main"


@dataclass(frozen=True)
class SimulationResult:
    """Monte Carlo output.

    ``bands``: geo_id, year, p05_share_pct ... p95_share_pct, fan, at_cap_pct (share of paths sitting at
    the ceiling that year, %); one row per input row (geography and fan) and year from its base year.
    ``p_meet``: geo_id, target_id, target_year, comparator, target_pct, p_meet (share of paths whose value
    in the target year satisfies the target; NaN when the input's ``n_obs`` < 3), fan, p_meet_text
    (:func:`format_probability`), reason ('' or why there is no probability). ``assumptions``: the
    inputs, labelled.
    """

    bands: pd.DataFrame
    p_meet: pd.DataFrame
    assumptions: list[Assumption]
    n_paths: int
    seed: int


_SIM_COLUMNS = ("geo_id", "base_year", "base_share_pct", "growth_pct", "trend_sd_pct", "shock_sd_pct")


def _note(calibration: Calibration):
    """A calibration's note as a phrase (any language) where it has one, else its text."""
    return calibration.note_phrase if calibration.note_phrase is not None else calibration.note


def simulation_inputs(calibration: Calibration, geo_id: str, *, growth_pct: float | None = None,
                      trend_sd_pct: float | None = None, shock_sd_pct: float | None = None,
                      ceiling_pct: float = 100.0, fan: str | None = None, n_obs: int | None = None,
                      base_sd_pct: float | None = None) -> dict:
    """One row of :func:`simulate` inputs from a calibration (each value overridable, e.g. a scenario pace).

    ``basis`` carries the calibration's note into the simulation's assumptions, and says which values
    were overridden. ``fan``, ``n_obs`` and ``base_sd_pct`` are added to the row when given (see
    :func:`simulate`).
    """
    if not isinstance(calibration, Calibration):
        raise ParameterError("calibration", f"expected a Calibration, got {type(calibration).__name__}")
    trend = calibration.trend_sd_pct if trend_sd_pct is None else trend_sd_pct
    shock = calibration.shock_sd_pct if shock_sd_pct is None else shock_sd_pct
    if trend is None or shock is None:
        raise ParameterError("calibration", f"the pace of {calibration.pace_label} rests on 2 observations, too "
                                            "few for its spread; pass trend_sd_pct and shock_sd_pct")
    overridden = [name for name, value in (("growth_pct", growth_pct), ("trend_sd_pct", trend_sd_pct),
                                           ("shock_sd_pct", shock_sd_pct)) if value is not None]
    basis = _note(calibration)
    if overridden:
        basis = phrase(_B + "set_by_caller", basis=basis, names=", ".join(overridden))
    row = {"geo_id": geo_id, "base_year": calibration.base_year, "base_share_pct": calibration.base_share_pct,
           "growth_pct": calibration.growth_pct if growth_pct is None else growth_pct,
           "trend_sd_pct": trend, "shock_sd_pct": shock, "ceiling_pct": ceiling_pct, "basis": basis}
    for key, value in (("fan", fan), ("n_obs", n_obs), ("base_sd_pct", base_sd_pct)):
        if value is not None:
            row[key] = value
    return row


def format_probability(p: float | None, n_paths: int, n_obs: int | None) -> str:
    """A probability written with no more precision than the data support ("> 0.9", never "100 %").

    Rule: no text ('') without a probability or with ``n_obs`` < 3 (``MIN_OBS_FOR_PROBABILITY``). The
    resolution r is 0.1 with fewer than 10 own observations, 0.05 with fewer than 30, else 0.01, and never
    finer than three Monte Carlo standard errors at p = 0.5 (3 * 0.5 / sqrt(n_paths)). A probability
    above 1 - r is written "> 1 - r", one below r "< r" (so never 1 or 0), any other is rounded to r's
    decimals: e.g. 0.995 with 4 observations -> "> 0.9"; 0.43 -> "0.4"; 0.02 -> "< 0.1". ``n_obs`` None
    (unknown) counts as the minimum, 3.
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    p = check_number("p", as_python_scalar(p), low=0, high=1)
    paths = check_int("n_paths", as_python_scalar(n_paths), low=1)
    obs = MIN_OBS_FOR_PROBABILITY if n_obs is None else check_int("n_obs", as_python_scalar(n_obs), low=0)
    if obs < MIN_OBS_FOR_PROBABILITY:
        return ""
    resolution = 0.1 if obs < 10 else 0.05 if obs < 30 else 0.01
    resolution = max(resolution, 1.5 / math.sqrt(paths))
    decimals = max(1, math.ceil(-math.log10(resolution) - 1e-9))
    if p > 1 - resolution:
        return f"> {1 - resolution:.{decimals}f}"
    if p < resolution:
        return f"< {resolution:.{decimals}f}"
    return f"{round(p / resolution) * resolution:.{decimals}f}"


def pooled_input(rows: Any, *, fan: str = "pooled") -> dict:
    """The pooled fan's input from one geography's rows on each definition's pace (definition uncertainty).

    A documented prior spanning the definitions' paces: the pace's log mean is the mean of their log paces,
    and its sd adds, in quadrature, the mean parameter variance (trend sd^2) and half the range between the
    paces, so that +-1 sd reaches both definitions' paces. Shocks: the largest sd; base error: the largest.
    E.g. paces 2.0 % and 15.4 % with trend sd 1 and 5 points: log mean (ln 1.02 + ln 1.154) / 2 = 8.15 points,
    sd sqrt((1 + 25) / 2 + ((ln 1.154 - ln 1.02) / 2)^2) = 7.2 points.
    """
    frame = pd.DataFrame([dict(r) for r in rows]) if not isinstance(rows, pd.DataFrame) else rows.copy()
    if frame.empty or frame["geo_id"].nunique() != 1:
        raise ParameterError("rows", "expected the rows of one geography")
    logs = np.log1p(frame["growth_pct"].to_numpy(dtype=float) / 100.0)
    tau = frame["trend_sd_pct"].to_numpy(dtype=float) / 100.0
    half_range = (logs.max() - logs.min()) / 2.0
    first = frame.iloc[0].to_dict()
    out = {**first, "fan": fan, "growth_pct": float(np.expm1(logs.mean()) * 100.0),
           "trend_sd_pct": float(math.sqrt(np.mean(tau ** 2) + half_range ** 2) * 100.0),
           "shock_sd_pct": float(frame["shock_sd_pct"].max())}
    if "base_sd_pct" in frame:
        out["base_sd_pct"] = float(frame["base_sd_pct"].fillna(0).max())
    if "n_obs" in frame:
        out["n_obs"] = frame["n_obs"].min()
    fans = Joined(", ", tuple(concept_word(str(f)) for f in frame.get("fan", pd.Series(["?"] * len(frame)))))
    out["basis"] = phrase(_B + "pooled", fans=fans)
    return out


def _check_sim_inputs(inputs: Any) -> pd.DataFrame:
    """Validate simulation inputs; an absent or empty ``ceiling_pct`` becomes 100 (no saturation)."""
    frame = inputs.copy() if isinstance(inputs, pd.DataFrame) else None
    if frame is None:
        if isinstance(inputs, Mapping):
            inputs = [inputs]
        if not isinstance(inputs, Iterable) or isinstance(inputs, (str, bytes)):
            raise ParameterError("inputs", f"expected a DataFrame or mappings, got {type(inputs).__name__}")
        frame = pd.DataFrame([dict(row) for row in inputs])
    if frame.empty:
        raise ParameterError("inputs", "holds no geography")
    missing = [c for c in _SIM_COLUMNS if c not in frame.columns]
    if missing:
        raise ParameterError("inputs", f"missing column(s) {', '.join(missing)}")
    if "fan" not in frame.columns:
        frame["fan"] = DEFAULT_FAN
    frame["fan"] = frame["fan"].map(lambda v: DEFAULT_FAN if is_missing(v) else str(v))
    duplicated = frame.duplicated(["geo_id", "fan"])
    if duplicated.any():
        raise ParameterError("inputs", f"geography {frame.loc[duplicated, 'geo_id'].iloc[0]!r} appears twice "
                                       f"(fan {frame.loc[duplicated, 'fan'].iloc[0]!r})")
    if "base_sd_pct" not in frame.columns:
        frame["base_sd_pct"] = 0.0
    frame["base_sd_pct"] = frame["base_sd_pct"].map(lambda v: 0.0 if is_missing(v) else v)
    if "n_obs" not in frame.columns:
        frame["n_obs"] = None
    for column in ("damping_low", "damping_high"):
        if column not in frame.columns:
            frame[column] = 1.0
        frame[column] = frame[column].map(lambda v: 1.0 if is_missing(v) else v)
    if "ceiling_pct" not in frame.columns:
        frame["ceiling_pct"] = 100.0
    frame["ceiling_pct"] = frame["ceiling_pct"].map(lambda v: 100.0 if is_missing(v) else v)
    for row in frame.to_dict("records"):
        where = f"inputs ({row['geo_id']})"
        check_int(f"{where}.base_year", as_python_scalar(row["base_year"]), low=FIRST_YEAR, high=LAST_YEAR)
        check_number(f"{where}.base_share_pct", as_python_scalar(row["base_share_pct"]), low=0, low_open=True, high=100)
        check_growth(f"{where}.growth_pct", as_python_scalar(row["growth_pct"]))
        check_number(f"{where}.trend_sd_pct", as_python_scalar(row["trend_sd_pct"]), low=0, high=100)
        check_number(f"{where}.shock_sd_pct", as_python_scalar(row["shock_sd_pct"]), low=0, high=100)
        check_number(f"{where}.base_sd_pct", as_python_scalar(row["base_sd_pct"]), low=0, high=100)
        low = check_number(f"{where}.damping_low", as_python_scalar(row["damping_low"]), low=0, high=1)
        check_number(f"{where}.damping_high", as_python_scalar(row["damping_high"]), low=low, high=1)
        if not is_missing(row["n_obs"]):
            check_int(f"{where}.n_obs", as_python_scalar(row["n_obs"]), low=0)
        ceiling = check_number(f"{where}.ceiling_pct", as_python_scalar(row["ceiling_pct"]), low=0, high=100)
        check_ceiling(f"{where}.ceiling_pct", ceiling, row["base_share_pct"])
    frame["geo_id"] = frame["geo_id"].astype(str)
    return frame.reset_index(drop=True)


def simulate(inputs: Any, end_year: int, *, n_paths: int = 10_000, seed: int = 57,
             targets: Any = None) -> SimulationResult:
    """Monte Carlo of the share for several geographies at once: yearly quantile bands and P(meet target).

    Model (per geography g, on the log of the share): each path p draws its own trend pace
    ``mu_g + tau_g * Z_p`` and, every year, a shock ``sigma_g * E_{y,p}``; the share is
    ``min(ceiling_g, s0_g * exp(pace * t + sigma_g * sum of shocks since the base year))``. mu is
    ln(1 + growth), tau and sigma are ``trend_sd_pct`` and ``shock_sd_pct`` / 100. The median path
    equals the constant-growth path (capped).

    ``inputs``: one row per geography with geo_id, base_year, base_share_pct, growth_pct, trend_sd_pct,
    shock_sd_pct (see :func:`simulation_inputs`) and optionally ceiling_pct (a saturation cap, default
    100 %: with a fast pace, uncapped constant growth reaches 100 % within two decades), base_sd_pct
    (error of the base value in log points x100, one draw B per path, shared by all years: an uncertain
    starting level), fan (rows are keyed by geo_id and fan: one fan per definition's pace, plus the
    pooled one of :func:`pooled_input`, so parameter and definition uncertainty stay apart; default
    'main'), n_obs (own observations on the definition; with fewer than 3, p_meet is NaN and
    ``reason`` says why) and damping_low / damping_high (default 1: a constant pace). Four sources of
    uncertainty, each labelled: the pace (tau, per path), its slowing (phi, per path, uniform between
    damping_low and damping_high: year k after the base grows by ``pace * phi ** (k - 1)`` in log terms, so
    the log share after t years moves by ``pace * (1 - phi ** t) / (1 - phi)``; each horizon gets its own
    spread from the same draws), the base value (beta, per path) and yearly shocks (sigma, per year).

    Common random numbers: Z and E are drawn once and shared by all geographies (E indexed by calendar
    year). Each geography's distribution is exactly the one it would have alone, and its results are
    identical whether it is run alone or in a batch (same seed, ``n_paths`` and ``end_year``); joint
    statistics across geographies (e.g. "all provinces meet their targets") are therefore not meaningful
    and are not reported.

    Computation: one numpy cube of paths x years x *path shapes*, no Python loop over paths or years.
    With ``scale_g`` = max(tau_g, sigma_g, beta_g), log(share / s0) = mu_g t + scale_g W, where
    W = (tau_g / scale_g) t Z + (sigma_g / scale_g) (shocks since the base year) + (beta_g / scale_g) B. Geographies with the
    same base year and the same ratios tau : sigma : beta -- every province calibrated on one proxy -- share one
    W, so they share one slice of the cube; their quantiles are mu_g t + scale_g times the quantiles of W,
    exactly, because that map is increasing. Quantiles (5/25/50/75/95, the 'inverted CDF' order
    statistic) are taken on this log scale and mapped back to shares, also exact (a monotone map).
    Memory guard: ``n_paths`` x years x distinct path shapes (the cube) must not exceed ``MAX_SIM_CELLS``;
    it is checked from the inputs before any array is allocated. ``p_meet`` is the share of paths whose value *in the target year* meets the target.
    """
    frame = _check_sim_inputs(inputs)
    first_base = int(frame["base_year"].min())
    end = check_end_year(end_year, int(frame["base_year"].max()))
    paths = check_paths("n_paths", n_paths)
    seed = check_int("seed", seed, low=0)
    years = np.arange(first_base, end + 1)
    checked_targets = _check_sim_targets(targets, frame, end)

    base_years = frame["base_year"].to_numpy(dtype=int)
    base_share = frame["base_share_pct"].to_numpy(dtype=float)
    ceiling = frame["ceiling_pct"].to_numpy(dtype=float)
    mu = np.log1p(frame["growth_pct"].to_numpy(dtype=float) / 100.0)
    tau = frame["trend_sd_pct"].to_numpy(dtype=float) / 100.0
    sigma = frame["shock_sd_pct"].to_numpy(dtype=float) / 100.0
    beta = frame["base_sd_pct"].to_numpy(dtype=float) / 100.0
    scale = np.maximum(np.maximum(tau, sigma), beta)
    scale[scale == 0] = 1.0  # no uncertainty at all: W is 0 and the path is the constant-growth one
    steps = years[None, :] - base_years[:, None]  # (geos, years); negative before a geography's base year

    damp_low = frame["damping_low"].to_numpy(dtype=float)
    damp_high = frame["damping_high"].to_numpy(dtype=float)
    damped = damp_low < 1.0
    # A geography whose paths may slow has a path shape of its own (its W depends on its pace and damping).
    shapes = [(*shape, ("damped", g) if damped[g] else None) for g, shape in enumerate(
        zip(base_years.tolist(), (tau / scale).tolist(), (sigma / scale).tolist(), (beta / scale).tolist()))]
    distinct = list(dict.fromkeys(shapes))  # one cube slice per distinct path shape, in input order
    shape_of = np.array([distinct.index(shape) for shape in shapes])
    shape_base = np.array([shape[0] for shape in distinct])
    trend_weight = np.array([shape[1] for shape in distinct], dtype=np.float32)
    shock_weight = np.array([shape[2] for shape in distinct], dtype=np.float32)
    base_weight = np.array([shape[3] for shape in distinct], dtype=np.float32)
    shape_steps = (years[None, :] - shape_base[:, None]).astype(np.float32)
    check_sim_size("n_paths", paths, len(years), len(distinct))  # known before any array is allocated

    rng = np.random.default_rng(seed)
    pace_draw = rng.standard_normal(paths, dtype=np.float32)  # Z
    # Yearly shocks E: row k is the shock of year end - k, drawn from the last year backward and summed
    # from the end, so an earlier base year in the batch only appends draws and sums. The shocks between
    # a base year b and a year y are after[b] - after[y]; they come from the same draws and the same float
    # operations whatever else is in the batch, so a geography's results are bit-identical alone or not.
    shocks = rng.standard_normal((len(years) - 1, paths), dtype=np.float32)
    after = np.zeros((len(years), paths), dtype=np.float32)
    np.cumsum(shocks, axis=0, out=after[1:])
    after = after[::-1]  # after[i]: sum of the shocks of the years after years[i]

    # W for every path shape, year and path: (shapes, years, paths), float32.
    cube = after[shape_base - first_base][:, None, :] - after[None, :, :]
    cube *= shock_weight[:, None, None]
    cube += (trend_weight[:, None] * shape_steps)[:, :, None] * pace_draw[None, None, :]
    if np.any(base_weight > 0):  # error of the base value: one draw per path, drawn after the others so
        base_draw = rng.standard_normal(paths, dtype=np.float32)  # runs without it keep their streams
        cube += base_weight[:, None, None] * base_draw[None, None, :]
    if np.any(damped):  # slowing: one uniform draw per path, after the others, shared by the geographies
        uniform = rng.random(paths, dtype=np.float32)
        for g in np.nonzero(damped)[0]:  # float32 throughout, like the cube (memory guard)
            s = shape_of[g]
            phi = np.float32(damp_low[g]) + np.float32(damp_high[g] - damp_low[g]) * uniform
            t_years = np.maximum(shape_steps[s], np.float32(0))[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(phi[None, :] < 1, (1 - phi[None, :] ** t_years) / (1 - phi[None, :]),
                                  t_years)  # sum of phi ** (k - 1) over the years since the base
            factor -= t_years
            factor *= (np.float32(mu[g]) + np.float32(tau[g]) * pace_draw)[None, :] / np.float32(scale[g])
            cube[s] += factor
            del factor

    def to_share(g: int, year_index: Any, w: np.ndarray) -> np.ndarray:
        """Share of geography g from W values in the given year(s)."""
        log_ratio = mu[g] * steps[g, year_index] + scale[g] * w.astype(float)
        with np.errstate(over="ignore"):  # an overflow to inf is capped like any large share
            return np.minimum(ceiling[g], base_share[g] * np.exp(log_ratio))

    fans = frame["fan"].to_numpy()
    n_obs = [None if is_missing(v) else int(v) for v in frame["n_obs"]]
    p_meet = []
    for target in checked_targets:
        g, y = target["row"], target["year"] - first_base
        reason = ""
        if n_obs[g] is not None and n_obs[g] < MIN_OBS_FOR_PROBABILITY:
            probability = math.nan
            reason = (f"{n_obs[g]} own observation(s) on this definition, fewer than {MIN_OBS_FOR_PROBABILITY}: "
                      "the data cannot support a probability")
        else:
            share = to_share(g, y, cube[shape_of[g], y])
            comparator = reached_comparator(target["comparator"], target["value"], base_share[g])
            probability = float(np.mean(meets_target(share, comparator, target["value"], target["value_high"])))
        p_meet.append({"geo_id": target["geo_id"], "target_id": target["target_id"],
                       "target_year": target["year"], "comparator": target["comparator"],
                       "target_pct": target["value"], "p_meet": probability, "fan": fans[g],
                       "p_meet_text": format_probability(probability, paths, n_obs[g]), "reason": reason})

    ranks = [(q * paths + 99) // 100 - 1 for q in QUANTILES_PCT]  # inverted-CDF order statistics
    _select_ranks(cube, ranks)
    w_quantiles = cube[:, :, ranks]  # (shapes, years, quantiles)

    # Share of paths at the cap: share >= ceiling  <=>  W >= (ln(ceiling / s0) - mu t) / scale. After the
    # selection, values at positions >= rank k are >= the k-th quantile and values before rank k are <= it,
    # so only the positions between the two quantiles that bracket the threshold need comparing.
    at_cap = np.zeros((len(frame), len(years)))
    bounds = [0, *ranks, paths]
    for g in range(len(frame)):
        with np.errstate(divide="ignore", over="ignore"):  # a tiny spread gives +-inf: never / always at the cap
            threshold = ((math.log(ceiling[g] / base_share[g]) - mu[g] * steps[g]) / scale[g]).astype(np.float32)
        for y in range(len(years)):
            quantiles = w_quantiles[shape_of[g], y]
            i = int(np.searchsorted(quantiles, threshold[y], side="left"))  # quantiles below the threshold
            lo, hi = (bounds[i] + 1 if i else 0), bounds[i + 1]
            count = paths - hi + np.count_nonzero(cube[shape_of[g], y, lo:hi] >= threshold[y])
            at_cap[g, y] = count / paths * 100.0
    del cube
    all_years = np.arange(len(years))[:, None]
    shares = np.stack([to_share(g, all_years, w_quantiles[shape_of[g]]) for g in range(len(frame))])
    geo_index, year_index = np.nonzero(steps >= 0)
    bands = pd.DataFrame({"geo_id": frame["geo_id"].to_numpy()[geo_index], "year": years[year_index]})
    for k, q in enumerate(QUANTILES_PCT):
        bands[f"p{q:02d}_share_pct"] = shares[geo_index, year_index, k]
    bands["fan"] = fans[geo_index]
    bands["at_cap_pct"] = at_cap[geo_index, year_index]

    assumptions = [Assumption("n_paths", float(paths), "paths", ASSUMED, phrase(_L + "n_paths"),
                              phrase(_B + "seed", seed=seed))]
    for row in frame.to_dict("records"):
        prefix = row["geo_id"] if row["fan"] == DEFAULT_FAN else f"{row['geo_id']} ({row['fan']})"
        basis = row.get("basis", "")
        basis = basis if isinstance(basis, Phrase) else str(basis or "") or phrase(_B + "simulation_input")
        for key, unit, label in (("base_share_pct", "%", "mc_base_share"),
                                 ("base_sd_pct", "% (log points)", "mc_base_sd"),
                                 ("growth_pct", "% per year", "mc_growth"),
                                 ("trend_sd_pct", "% per year (log points)", "mc_trend_sd"),
                                 ("shock_sd_pct", "% per year (log points)", "mc_shock_sd"),
                                 ("damping_low", "phi", "mc_damping_low"),
                                 ("damping_high", "phi", "mc_damping_high"),
                                 ("ceiling_pct", "%", "mc_ceiling")):
            if (key == "base_sd_pct" and not row[key]) or (key.startswith("damping") and row["damping_low"] >= 1):
                continue
            assumptions.append(Assumption(f"{prefix}: {key}", float(row[key]), unit, ASSUMED,
                                          phrase(_L + label), basis))
    p_meet_columns = ["geo_id", "target_id", "target_year", "comparator", "target_pct", "p_meet", "fan",
                      "p_meet_text", "reason"]
    return SimulationResult(bands=bands, p_meet=pd.DataFrame(p_meet, columns=p_meet_columns),
                            assumptions=assumptions, n_paths=paths, seed=seed)


def _select_ranks(cube: np.ndarray, ranks: list[int]) -> None:
    """Put the order statistics of the given ranks in place along the last axis (like ``partition``).

    Bisection: partition the whole axis at the middle rank, then each side only at the ranks inside it.
    Each element is visited about (1 + log2 of the number of ranks) times; numpy's partition with a list
    of ranks is about ten times slower on a cube of 100,000 paths (measured, benchmarks/bench_projection.py).
    """
    def select(lo: int, hi: int, wanted: list[int]) -> None:
        if not wanted:
            return
        mid = len(wanted) // 2
        rank = wanted[mid]
        cube[..., lo:hi].partition(rank - lo, axis=-1)
        select(lo, rank, wanted[:mid])
        select(rank + 1, hi, wanted[mid + 1:])

    select(0, cube.shape[-1], sorted(set(ranks)))


def _check_sim_targets(targets: Any, frame: pd.DataFrame, end_year: int) -> list[dict]:
    if targets is None:
        return []
    checked = check_targets(targets)
    rows: dict[str, list[int]] = {}
    for i, geo in enumerate(frame["geo_id"]):
        rows.setdefault(geo, []).append(i)
    out = []
    for target in checked.to_dict("records"):
        if target["geo_id"] not in rows:
            raise ParameterError("targets", f"target '{target['target_id']}' is for geography "
                                            f"'{target['geo_id']}', which has no simulation input")
        check_horizon("end_year", end_year, [(target["target_id"], target["year"])])
        for g in rows[target["geo_id"]]:  # one probability per fan of the geography
            check_target_after_base(target, int(frame.loc[g, "base_year"]))
            out.append({**target, "row": g})
    return out
