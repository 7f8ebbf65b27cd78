"""Benchmark: the vectorised Monte Carlo of nq57lib.projection against a straightforward per-path loop.

Run with the project's interpreter:  .venv/bin/python benchmarks/bench_projection.py [--paths N]

What it times: 100,000 simulated paths to 2045 for every geography with a digital-economy share in the
research logs (the nation on the statistics-office series, and the 13 provinces with a published 2022
value on the ministry's definition), all geographies at once, with the yearly 5/25/50/75/95 % bands and
the probability of meeting the Vĩnh Phúc and national targets. The same model is then computed by a
plain Python loop (one path, one geography, one year at a time) on a subset of paths, and its time is
scaled linearly to the full path count (the loop's final sorting grows slightly faster than linearly, so
the scaled time, and the ratio, are if anything understated).

The data module (nq57lib.data) is not ready yet, so the inputs are built inline below from the figures
transcribed in /work/shared/sources/national_and_provinces.md (section 2b/2c: national series; section
3a: provincial 2022 shares, ministry definition, MIC report cited by ITPC). They are benchmark inputs;
the reports read the same figures from data/ with their sources.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time

import numpy as np
import pandas as pd

from nq57lib import projection as pj

END_YEAR = 2045
NATION_NSO = {2020: 12.66, 2021: 12.87, 2022: 12.83, 2023: 12.87, 2024: 13.17, 2025: 14.02}
NATION_MINISTRY = {2021: 11.91, 2022: 14.26, 2023: 16.5, 2024: 18.3}
PROVINCES_2022 = {  # ministry definition, data year 2022
    "bac-ninh": 56.83, "thai-nguyen": 42.92, "bac-giang": 42.13, "hai-phong": 29.48, "vinh-phuc": 22.87,
    "da-nang": 19.76, "ho-chi-minh": 18.66, "ha-noi": 17.15, "tay-ninh": 5.78, "tien-giang": 5.73,
    "binh-thuan": 5.16, "bac-lieu": 4.87, "quang-ngai": 4.21,
}


def series(values: dict, concept: str) -> pd.DataFrame:
    return pd.DataFrame({"year": list(values), "value": list(values.values()), "concept": concept, "segment": 0})


def build_inputs() -> tuple[pd.DataFrame, list[dict]]:
    """Simulation inputs for the nation and the provinces, calibrated as the reports do."""
    nation = pd.concat([series(NATION_NSO, "nso"), series(NATION_MINISTRY, "ministry")], ignore_index=True)
    rows = [pj.simulation_inputs(pj.calibrate(nation, concept="nso", label="nation (nso)"), "vietnam")]
    for geo_id, share in PROVINCES_2022.items():
        cal = pj.calibrate(series({2022: share}, "ministry"), label=geo_id, proxy=nation,
                           proxy_label="nation (ministry definition)")
        rows.append(pj.simulation_inputs(cal, geo_id))
    targets = [
        {"target_id": "vp-2030", "geo_id": "vinh-phuc", "indicator_id": "de_share_pct", "comparator": ">=",
         "value": 35.0, "year": 2030},
        {"target_id": "vp-2045", "geo_id": "vinh-phuc", "indicator_id": "de_share_pct", "comparator": ">=",
         "value": 60.0, "year": 2045},
        {"target_id": "vn-2030", "geo_id": "vietnam", "indicator_id": "de_share_pct", "comparator": ">=",
         "value": 30.0, "year": 2030},
        {"target_id": "vn-2045", "geo_id": "vietnam", "indicator_id": "de_share_pct", "comparator": ">=",
         "value": 50.0, "year": 2045},
    ]
    return pd.DataFrame(rows), targets


def simulate_with_a_loop(inputs: pd.DataFrame, targets: list[dict], n_paths: int, seed: int) -> dict:
    """The same model, written the straightforward way: one path, one geography, one year at a time."""
    rng = random.Random(seed)
    first_year = int(inputs["base_year"].min())
    years = list(range(first_year, END_YEAR + 1))
    geos = inputs.to_dict("records")
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
        bands[key] = [shares[(q * n_paths + 99) // 100 - 1] for q in pj.QUANTILES_PCT]
    p_meet = {t["target_id"]: sum(s >= t["value"] for s in values[(t["geo_id"], t["year"])]) / n_paths
              for t in targets}
    return {"bands": bands, "p_meet": p_meet}


def time_simulation(inputs: pd.DataFrame, targets: list[dict], n_paths: int, repeat: int):
    """Run the vectorised simulation ``repeat`` times; return the last result and the median time."""
    times = []
    for run in range(repeat):
        start = time.perf_counter()
        result = pj.simulate(inputs, END_YEAR, n_paths=n_paths, seed=57 + run, targets=targets)
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
    print(f"geographies: {len(inputs)} (nation + {len(inputs) - 1} provinces), years "
          f"{int(inputs['base_year'].min())}-{END_YEAR} ({years}), paths {args.paths:,}: "
          f"{args.paths * years * len(inputs):,} path-years")

    ratio = inputs["trend_sd_pct"] / inputs["shock_sd_pct"]  # what, with the base year, makes a path shape
    shapes = len(inputs.assign(ratio=ratio)[["base_year", "ratio"]].drop_duplicates())
    result, vectorised = time_simulation(inputs, targets, args.paths, args.repeat)
    print(f"vectorised: median {vectorised:.3f} s over {args.repeat} runs ({shapes} path shapes: the nation, "
          f"and the provinces calibrated on one proxy)")
    # Worst case: nudge every province's shock sd so that no two geographies share a path shape and the
    # cube holds every geography (the timing a user with heterogeneous inputs would see).
    distinct = inputs.assign(shock_sd_pct=inputs["shock_sd_pct"] * (1 + 1e-3 * np.arange(len(inputs))))
    _, worst_case = time_simulation(distinct, targets, args.paths, args.repeat)
    print(f"vectorised, every geography its own path shape ({len(inputs)} shapes): median {worst_case:.3f} s")

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
    for geo_id in ("vietnam", "vinh-phuc", "bac-ninh", "quang-ngai"):
        for year in (2030, END_YEAR):
            median = bands.loc[(geo_id, year), "p50_share_pct"]
            worst = max(worst, abs(loop["bands"][(geo_id, year)][2] - median) / median)
    print(f"agreement: largest relative gap of the loop's medians (2030, 2045; 4 geographies) "
          f"to the vectorised ones: {worst:.1%}")
    for row in result.p_meet.itertuples():
        print(f"  P(meet {row.target_id}): vectorised {row.p_meet:.3f}, loop {loop['p_meet'][row.target_id]:.3f}")


if __name__ == "__main__":
    main()
