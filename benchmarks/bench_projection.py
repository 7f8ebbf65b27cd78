"""Benchmark: the vectorised Monte Carlo of nq57lib.share_projection against a straightforward per-path loop.

Run with the project's interpreter:  .venv/bin/python benchmarks/bench_projection.py [--paths N]

What it times: 100,000 simulated paths to 2045 for every geography with a digital-economy share in the
research logs (the nation on the statistics-office series, and the 13 provinces with a published 2022
value on the ministry's definition), all geographies at once, with the yearly 5/25/50/75/95 % bands and
the probability of meeting the Vĩnh Phúc and national targets. The same model is then computed by a
plain Python loop (one path, one geography, one year at a time) on a subset of paths, and its time is
scaled linearly to the full path count (the loop's final sorting grows slightly faster than linearly, so
the scaled time, and the ratio, are if anything understated).

Inputs come from the shipped data package, calibrated exactly as the digital-economy report does
(``nq57lib.digital_economy.calibration_for``): the nation on its own statistics-office series, the
provinces with one 2022 ministry-definition value on the national ministry series as proxy, and the
new Phú Thọ on its labelled assumed base.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time

import numpy as np
import pandas as pd

from nq57lib import monte_carlo as mc
from nq57lib import share_projection as pj
from nq57lib import share_formulas as sf
from nq57lib import share_calibration as sc

END_YEAR = 2045
CEILING_PCT = pj.DEFAULT_CEILING_PCT  # the engine's default ceiling (sector structure)
BUDGET_S = 0.5  # issue 9: 100,000 paths for every geography to 2045 in under 0.5 s on this machine
BASE_SD_PCT = 5.0  # illustrative error of the base value (log points x100) for the timing only


def build_inputs() -> tuple[pd.DataFrame, list[dict]]:
    """Simulation inputs for every geography with a digital-economy share in data/, calibrated as the
    report does (``nq57lib.digital_economy.calibration_for``), and their targets after the base year."""
    from nq57lib import data_package
    from nq57lib import digital_economy, share_inputs, target_assessment

    pkg = data_package.load_package(use_env=False)
    observed = sorted(set(pkg.observations.loc[pkg.observations["indicator_id"] == share_inputs.INDICATOR, "geo_id"]))
    rows, targets = [], []
    for geo_id in observed + ["phu-tho-2025"]:  # the merged unit runs on its labelled assumed base
        _, _, cal, _ = digital_economy.calibration_for(pkg, geo_id)
        if cal.trend_sd_pct is None:
            continue
        rows.append(mc.simulation_inputs(cal, geo_id, ceiling_pct=max(CEILING_PCT, cal.base_share_pct + 1)))
        registered = target_assessment.geo_targets(pkg, geo_id)
        if not registered.empty:
            ahead, _ = sf.split_targets(registered, cal.base_year)
            targets += ahead.to_dict("records")
    return pd.DataFrame(rows), targets


def build_outlook_inputs(inputs: pd.DataFrame) -> pd.DataFrame:
    """The issue-9 outlook for every geography: a fan per definition's national pace, plus the pooled one,
    with an error in the base value and each geography's own observation count (for p_meet)."""
    from nq57lib import data_package, series_ranking
    from nq57lib import share_inputs

    pkg = data_package.load_package(use_env=False)
    paces = {}
    for concept in ("nso", "ministry"):
        national = series_ranking.series(pkg, "vn", share_inputs.INDICATOR, concept=concept)
        paces[concept] = sc.calibrate(national[share_inputs.HISTORY_COLUMNS], concept=concept, label=f"Vietnam ({concept})")
    rows = []
    for row in inputs.to_dict("records"):
        n_obs = int((series_ranking.series(pkg, row["geo_id"], share_inputs.INDICATOR)["concept"] == "ministry").sum()) \
            if row["geo_id"] != "vn" else 6
        fans = []
        for concept, cal in paces.items():
            fans.append({**row, "fan": concept, "growth_pct": cal.growth_pct, "trend_sd_pct": cal.trend_sd_pct,
                         "shock_sd_pct": cal.shock_sd_pct, "base_sd_pct": BASE_SD_PCT, "n_obs": n_obs})
        rows += fans + [mc.pooled_input(fans)]
    return pd.DataFrame(rows)


def simulate_with_a_loop(inputs: pd.DataFrame, targets: list[dict], n_paths: int, seed: int) -> dict:
    """The same model, written the straightforward way: one path, one geography, one year at a time."""
    rng = random.Random(seed)
    first_year = int(inputs["base_year"].min())
    years = list(range(first_year, END_YEAR + 1))
    geos = inputs.to_dict("records")
    base = {g["geo_id"]: g["base_share_pct"] for g in geos}
    values = {(g["geo_id"], year): [] for g in geos for year in years if year >= g["base_year"]}
    for _ in range(n_paths):
        pace_draw = rng.gauss(0.0, 1.0)
        shocks = {year: rng.gauss(0.0, 1.0) for year in years[1:]}
        for g in geos:
            pace = math.log1p(g["growth_pct"] / 100) + g["trend_sd_pct"] / 100 * pace_draw
            log_ratio = 0.0
            values[(g["geo_id"], g["base_year"])].append(g["base_share_pct"])
            for year in range(g["base_year"] + 1, END_YEAR + 1):
                log_ratio += pace + g["shock_sd_pct"] / 100 * shocks[year]
                values[(g["geo_id"], year)].append(min(g["ceiling_pct"], g["base_share_pct"] * math.exp(log_ratio)))
    bands = {}
    for key, shares in values.items():
        shares.sort()
        bands[key] = [shares[(q * n_paths + 99) // 100 - 1] for q in mc.QUANTILES_PCT]
    p_meet = {t["target_id"]: sum(bool(sf.meets_target(s, sf.reached_comparator(t["comparator"], t["value"], base[t["geo_id"]]),
                                                         t["value"], t["value_high"]))
                                  for s in values[(t["geo_id"], t["year"])]) / n_paths
              for t in targets}
    return {"bands": bands, "p_meet": p_meet}


def time_simulation(inputs: pd.DataFrame, targets: list[dict], n_paths: int, repeat: int):
    """Run the vectorised simulation ``repeat`` times; return the last result and the median time."""
    times = []
    for run in range(repeat):
        start = time.perf_counter()
        result = mc.simulate(inputs, END_YEAR, n_paths=n_paths, seed=57 + run, targets=targets)
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=100_000, help="simulated paths (default 100,000)")
    parser.add_argument("--loop-paths", type=int, default=5_000, help="paths run by the Python loop")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the vectorised simulation")
    args = parser.parse_args()

    inputs, targets = build_inputs()
    years = END_YEAR - int(inputs["base_year"].min()) + 1
    print(f"geographies: {len(inputs)} with a share in data/ ({', '.join(inputs['geo_id'])}), years "
          f"{int(inputs['base_year'].min())}-{END_YEAR} ({years}), paths {args.paths:,}: "
          f"{args.paths * years * len(inputs):,} path-years")

    ratio = inputs["trend_sd_pct"] / inputs["shock_sd_pct"]  # what, with the base year, makes a path shape
    shapes = len(inputs.assign(ratio=ratio)[["base_year", "ratio"]].drop_duplicates())
    result, vectorised = time_simulation(inputs, targets, args.paths, args.repeat)
    print(f"vectorised: median {vectorised:.3f} s over {args.repeat} runs ({shapes} path shapes: geographies "
          f"calibrated on one series share one)")
    # Worst case: nudge every province's shock sd so that no two geographies share a path shape and the
    # cube holds every geography (the timing a user with heterogeneous inputs would see).
    distinct = inputs.assign(shock_sd_pct=inputs["shock_sd_pct"] * (1 + 1e-3 * np.arange(len(inputs))))
    _, worst_case = time_simulation(distinct, targets, args.paths, args.repeat)
    print(f"vectorised, every geography its own path shape ({len(inputs)} shapes): median {worst_case:.3f} s")

    outlook = build_outlook_inputs(inputs)
    outlook_result, outlook_time = time_simulation(outlook, targets, args.paths, args.repeat)
    print(f"issue-9 outlook: {len(outlook)} fans ({len(inputs)} geographies x (nso, ministry, pooled)), base error, "
          f"share at cap, p_meet gated on n_obs: median {outlook_time:.3f} s; budget {BUDGET_S} s -> "
          f"ratio budget / measured {BUDGET_S / outlook_time:.2f} ({'within' if outlook_time < BUDGET_S else 'OVER'}"
          " budget)")
    vp = outlook_result.bands[(outlook_result.bands["geo_id"] == "vinh-phuc") & (outlook_result.bands["year"] == END_YEAR)]
    for r in vp.itertuples():
        print(f"  vinh-phuc {END_YEAR} fan {r.fan}: median {r.p50_share_pct:.1f} %, 5-95 % {r.p05_share_pct:.1f}-"
              f"{r.p95_share_pct:.1f} %, paths at the {CEILING_PCT:g} % cap {r.at_cap_pct:.0f} %")

    start = time.perf_counter()
    loop = simulate_with_a_loop(inputs, targets, args.loop_paths, seed=57)
    loop_time = time.perf_counter() - start
    scaled = loop_time * args.paths / args.loop_paths
    print(f"per-path Python loop: {loop_time:.2f} s for {args.loop_paths:,} paths -> "
          f"{scaled:.1f} s scaled to {args.paths:,}")
    print(f"ratio (loop / vectorised): {scaled / vectorised:.0f}x; against the worst case: "
          f"{scaled / worst_case:.0f}x")

    # Same model, different random streams: the results must agree within Monte Carlo error.
    bands = result.bands.set_index(["geo_id", "year"])
    worst = 0.0
    for geo_id in ("vn", "vinh-phuc", "bac-ninh", "quang-ngai"):
        for year in (2030, END_YEAR):
            median = bands.loc[(geo_id, year), "p50_share_pct"]
            worst = max(worst, abs(loop["bands"][(geo_id, year)][2] - median) / median)
    print(f"agreement: largest relative gap of the loop's medians (2030, 2045; 4 geographies) "
          f"to the vectorised ones: {worst:.1%}")
    for row in result.p_meet.itertuples():
        if row.geo_id in ("vn", "vinh-phuc", "phu-tho-2025"):
            print(f"  P(meet {row.target_id}): vectorised {row.p_meet:.3f}, loop {loop['p_meet'][row.target_id]:.3f}")


if __name__ == "__main__":
    main()
