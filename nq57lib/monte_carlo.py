"""Monte Carlo of the share indicator: how likely each target is met, given the calibrated pace and noise.

Each geography's share follows a path whose trend growth is drawn once per path (``trend_sd_pct``) and
whose yearly shocks are drawn per year (``shock_sd_pct``), from the base year of its calibration
(:mod:`nq57lib.share_projection`). The result gives quantile bands per year and, per target, the
share of paths that meet it. Inputs are checked first; the memory guard rejects a run too large for
the machine before any array is allocated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import ParameterError, check_growth, check_int, check_number
from .provenance import ASSUMED, Assumption
from .share_projection import (LAST_YEAR, Calibration, _check_end_year, _check_target_after_base,
                               _check_targets, _is_missing, _plain, meets_target, reached_comparator)

# Monte Carlo memory guard. The simulation holds a float32 cube of paths x years x path shapes (at most
# one shape per geography) plus one temporary of the same size, so peak memory is at most about 8 bytes
# per path-year-geography: the cap of 60 million ~ 0.5 GB.
MIN_PATHS = 100  # fewer paths give meaningless 5 % / 95 % quantiles
MAX_PATHS = 1_000_000
MAX_SIM_CELLS = 60_000_000
QUANTILES_PCT = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class SimulationResult:
    """Monte Carlo output.

    ``bands``: geo_id, year, p05_share_pct ... p95_share_pct (one row per geography and year from its
    base year). ``p_meet``: geo_id, target_id, target_year, comparator, target_pct, p_meet (share of
    paths whose value in the target year satisfies the target). ``assumptions``: the inputs, labelled.
    """

    bands: pd.DataFrame
    p_meet: pd.DataFrame
    assumptions: list[Assumption]
    n_paths: int
    seed: int


_SIM_COLUMNS = ("geo_id", "base_year", "base_share_pct", "growth_pct", "trend_sd_pct", "shock_sd_pct")


def simulation_inputs(calibration: Calibration, geo_id: str, *, growth_pct: float | None = None,
                      trend_sd_pct: float | None = None, shock_sd_pct: float | None = None,
                      ceiling_pct: float = 100.0) -> dict:
    """One row of :func:`simulate` inputs from a calibration (each value overridable, e.g. a scenario pace).

    ``basis`` carries the calibration's note into the simulation's assumptions, and says which values
    were overridden.
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
    basis = calibration.note + (f"; set by the caller: {', '.join(overridden)}" if overridden else "")
    return {"geo_id": geo_id, "base_year": calibration.base_year, "base_share_pct": calibration.base_share_pct,
            "growth_pct": calibration.growth_pct if growth_pct is None else growth_pct,
            "trend_sd_pct": trend, "shock_sd_pct": shock, "ceiling_pct": ceiling_pct, "basis": basis}


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
    duplicated = frame["geo_id"].duplicated()
    if duplicated.any():
        raise ParameterError("inputs", f"geography {frame.loc[duplicated, 'geo_id'].iloc[0]!r} appears twice")
    if "ceiling_pct" not in frame.columns:
        frame["ceiling_pct"] = 100.0
    frame["ceiling_pct"] = frame["ceiling_pct"].map(lambda v: 100.0 if _is_missing(v) else v)
    for row in frame.to_dict("records"):
        where = f"inputs ({row['geo_id']})"
        check_int(f"{where}.base_year", _plain(row["base_year"]), low=1900, high=LAST_YEAR)
        check_number(f"{where}.base_share_pct", _plain(row["base_share_pct"]), low=0, low_open=True, high=100)
        check_growth(f"{where}.growth_pct", _plain(row["growth_pct"]))
        check_number(f"{where}.trend_sd_pct", _plain(row["trend_sd_pct"]), low=0, high=100)
        check_number(f"{where}.shock_sd_pct", _plain(row["shock_sd_pct"]), low=0, high=100)
        ceiling = check_number(f"{where}.ceiling_pct", _plain(row["ceiling_pct"]), low=0, high=100)
        if ceiling <= row["base_share_pct"]:
            raise ParameterError(f"{where}.ceiling_pct", f"must be above the base share {row['base_share_pct']:g} %, "
                                                         f"got {ceiling:g}")
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
    100 %: with a fast pace, uncapped constant growth reaches 100 % within two decades).

    Common random numbers: Z and E are drawn once and shared by all geographies (E indexed by calendar
    year). Each geography's distribution is exactly the one it would have alone, and its results are
    identical whether it is run alone or in a batch (same seed, ``n_paths`` and ``end_year``); joint
    statistics across geographies (e.g. "all provinces meet their targets") are therefore not meaningful
    and are not reported.

    Computation: one numpy cube of paths x years x *path shapes*, no Python loop over paths or years.
    With ``scale_g`` = max(tau_g, sigma_g), log(share / s0) = mu_g t + scale_g W, where
    W = (tau_g / scale_g) t Z + (sigma_g / scale_g) (shocks since the base year). Geographies with the
    same base year and the same ratio tau / sigma -- every province calibrated on one proxy -- share one
    W, so they share one slice of the cube; their quantiles are mu_g t + scale_g times the quantiles of W,
    exactly, because that map is increasing. Quantiles (5/25/50/75/95, the 'inverted CDF' order
    statistic) are taken on this log scale and mapped back to shares, also exact (a monotone map).
    Memory guard: ``n_paths`` x years x geographies (the largest possible cube) must not exceed
    ``MAX_SIM_CELLS``. ``p_meet`` is the share of paths whose value *in the target year* meets the target.
    """
    frame = _check_sim_inputs(inputs)
    first_base = int(frame["base_year"].min())
    end = _check_end_year(end_year, int(frame["base_year"].max()))
    paths = check_int("n_paths", n_paths, low=MIN_PATHS, high=MAX_PATHS)
    seed = check_int("seed", seed, low=0)
    years = np.arange(first_base, end + 1)
    cells = paths * len(years) * len(frame)
    if cells > MAX_SIM_CELLS:
        raise ParameterError("n_paths", f"{paths} paths x {len(years)} years x {len(frame)} geographies = "
                                        f"{cells:,} cells exceeds the memory guard of {MAX_SIM_CELLS:,}")
    checked_targets = _check_sim_targets(targets, frame, end)

    base_years = frame["base_year"].to_numpy(dtype=int)
    base_share = frame["base_share_pct"].to_numpy(dtype=float)
    ceiling = frame["ceiling_pct"].to_numpy(dtype=float)
    mu = np.log1p(frame["growth_pct"].to_numpy(dtype=float) / 100.0)
    tau = frame["trend_sd_pct"].to_numpy(dtype=float) / 100.0
    sigma = frame["shock_sd_pct"].to_numpy(dtype=float) / 100.0
    scale = np.maximum(tau, sigma)
    scale[scale == 0] = 1.0  # no uncertainty at all: W is 0 and the path is the constant-growth one
    steps = years[None, :] - base_years[:, None]  # (geos, years); negative before a geography's base year

    shapes = list(zip(base_years.tolist(), (tau / scale).tolist(), (sigma / scale).tolist()))
    distinct = list(dict.fromkeys(shapes))  # one cube slice per distinct path shape, in input order
    shape_of = np.array([distinct.index(shape) for shape in shapes])
    shape_base = np.array([shape[0] for shape in distinct])
    trend_weight = np.array([shape[1] for shape in distinct], dtype=np.float32)
    shock_weight = np.array([shape[2] for shape in distinct], dtype=np.float32)
    shape_steps = (years[None, :] - shape_base[:, None]).astype(np.float32)

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

    def to_share(g: int, year_index: Any, w: np.ndarray) -> np.ndarray:
        """Share of geography g from W values in the given year(s)."""
        log_ratio = mu[g] * steps[g, year_index] + scale[g] * w.astype(float)
        with np.errstate(over="ignore"):  # an overflow to inf is capped like any large share
            return np.minimum(ceiling[g], base_share[g] * np.exp(log_ratio))

    p_meet = []
    for target in checked_targets:
        g, y = target["row"], target["year"] - first_base
        share = to_share(g, y, cube[shape_of[g], y])
        comparator = reached_comparator(target["comparator"], target["value"], base_share[g])
        met = meets_target(share, comparator, target["value"], target["value_high"])
        p_meet.append({"geo_id": target["geo_id"], "target_id": target["target_id"],
                       "target_year": target["year"], "comparator": target["comparator"],
                       "target_pct": target["value"], "p_meet": float(np.mean(met))})

    ranks = [(q * paths + 99) // 100 - 1 for q in QUANTILES_PCT]  # inverted-CDF order statistics
    cube.partition(ranks, axis=-1)
    w_quantiles = cube[:, :, ranks]  # (shapes, years, quantiles)
    del cube
    all_years = np.arange(len(years))[:, None]
    shares = np.stack([to_share(g, all_years, w_quantiles[shape_of[g]]) for g in range(len(frame))])
    geo_index, year_index = np.nonzero(steps >= 0)
    bands = pd.DataFrame({"geo_id": frame["geo_id"].to_numpy()[geo_index], "year": years[year_index]})
    for k, q in enumerate(QUANTILES_PCT):
        bands[f"p{q:02d}_share_pct"] = shares[geo_index, year_index, k]

    assumptions = [Assumption("n_paths", float(paths), "paths", ASSUMED, "Monte Carlo paths", f"seed {seed}")]
    for row in frame.to_dict("records"):
        for key, unit, label in (("base_share_pct", "%", "base share"),
                                 ("growth_pct", "% per year", "mean trend pace"),
                                 ("trend_sd_pct", "% per year (log points)", "sd of the trend pace"),
                                 ("shock_sd_pct", "% per year (log points)", "sd of yearly shocks"),
                                 ("ceiling_pct", "%", "saturation cap")):
            assumptions.append(Assumption(f"{row['geo_id']}: {key}", float(row[key]), unit, ASSUMED, label,
                                          str(row.get("basis", "") or "simulation input")))
    p_meet_columns = ["geo_id", "target_id", "target_year", "comparator", "target_pct", "p_meet"]
    return SimulationResult(bands=bands, p_meet=pd.DataFrame(p_meet, columns=p_meet_columns),
                            assumptions=assumptions, n_paths=paths, seed=seed)


def _check_sim_targets(targets: Any, frame: pd.DataFrame, end_year: int) -> list[dict]:
    if targets is None:
        return []
    checked = _check_targets(targets)
    rows = {geo: i for i, geo in enumerate(frame["geo_id"])}
    out = []
    for target in checked.to_dict("records"):
        if target["geo_id"] not in rows:
            raise ParameterError("targets", f"target '{target['target_id']}' is for geography "
                                            f"'{target['geo_id']}', which has no simulation input")
        g = rows[target["geo_id"]]
        _check_target_after_base(target, int(frame.loc[g, "base_year"]))
        if target["year"] > end_year:
            raise ParameterError("end_year", f"must reach target '{target['target_id']}' year {target['year']}, "
                                             f"got {end_year}")
        out.append({**target, "row": g})
    return out
