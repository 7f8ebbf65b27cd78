"""What the data package covers: observations per geography and indicator, the unit x indicator x year
matrix of the 34 units, and which units have targets of their own (``nq57 data``, data/README.md)."""

from __future__ import annotations

from typing import Iterable, Sequence

import pandas as pd

from . import config
from .data_package import DataPackage
from .geography import old_units, units


def coverage_summary(pkg: DataPackage) -> pd.DataFrame:
    """Per geography and indicator: observation count, years covered, concepts, number of sources and their ids."""
    obs = pkg.observations
    grouped = obs.groupby(["geo_id", "indicator_id"], sort=True)
    out = grouped.agg(n_obs=("value", "size"), first_year=("year", "min"), last_year=("year", "max"),
                      n_years=("year", "nunique"),
                      concepts=("concept", lambda s: "|".join(sorted(set(s)))),
                      n_sources=("source_id", "nunique"),
                      sources=("source_id", lambda s: ";".join(sorted(set(s)))))
    return out.reset_index()


COVERAGE_YEARS = range(2019, 2026)


def coverage_matrix(pkg: DataPackage, years: Iterable[int] = COVERAGE_YEARS,
                    geos: Sequence[str] | None = None) -> pd.DataFrame:
    """The unit x indicator x year matrix of the 34 units of 1 July 2025 and the nation (or ``geos``).

    One row per (geo_id, indicator_id, year) for every indicator with an observation of these
    units or their old provinces in ``years``: ``n_obs`` the unit's own observations (every
    concept, status and vintage), ``n_points`` how many of them are point values (not bounds),
    ``n_old`` and ``n_old_with_data`` its old provinces (a unit created by the merger) and how many
    of them have a point value that year, and ``basis``: 'own' (a point value of its own), 'own
    bound' (only a "more than ..." bound of its own), 'old units' (none of its own, but every old
    province has a point value, as ``merged_series`` sums them), 'some old units' or '' (nothing).
    """
    years = sorted({int(y) for y in years})
    if geos is None:
        geos = [config.NATION, *units(pkg, "34")]
    olds = {g: old_units(pkg, g) for g in geos}
    obs = pkg.observations[pkg.observations["year"].isin(years)]
    counts = obs.groupby(["geo_id", "indicator_id", "year"]).size()
    points = obs[obs["comparator"].isna()].groupby(["geo_id", "indicator_id", "year"]).size()
    wanted = set(geos) | {o for parts in olds.values() for o in parts}
    indicators = sorted(set(obs.loc[obs["geo_id"].isin(wanted), "indicator_id"]))
    rows = []
    for ind in indicators:
        for geo in geos:
            for year in years:
                own = int(counts.get((geo, ind, year), 0))
                own_points = int(points.get((geo, ind, year), 0))
                parts = olds[geo]
                with_data = sum(points.get((o, ind, year), 0) > 0 for o in parts)
                basis = ("own" if own_points else "own bound" if own
                         else "old units" if parts and with_data == len(parts)
                         else "some old units" if with_data else "")
                rows.append((geo, ind, year, own, own_points, len(parts), with_data, basis))
    return pd.DataFrame(rows, columns=["geo_id", "indicator_id", "year", "n_obs", "n_points", "n_old",
                                       "n_old_with_data", "basis"])


def coverage_counts(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and year of a ``coverage_matrix``: the units with a point value of their own; in
    brackets how many more are covered by every one of their old provinces ("12 (+20)"), and after a
    slash how many more have only a bound of their own ("12 (+20) /3b"), out of the units of the matrix."""
    n_units = matrix["geo_id"].nunique()
    by = [matrix["indicator_id"], matrix["year"]]
    table = pd.DataFrame({"own": (matrix["basis"] == "own").groupby(by).sum(),
                          "old": (matrix["basis"] == "old units").groupby(by).sum(),
                          "bound": (matrix["basis"] == "own bound").groupby(by).sum()}).reset_index()
    table["cell"] = [f"{a}" + (f" (+{b})" if b else "") + (f" /{c}b" if c else "")
                     for a, b, c in zip(table["own"], table["old"], table["bound"])]
    out = table.pivot(index="indicator_id", columns="year", values="cell")
    out.columns = [str(c) for c in out.columns]
    out.index.name = f"indicator (units of {n_units})"
    return out


def target_coverage(pkg: DataPackage, geos: Sequence[str] | None = None) -> dict[str, int]:
    """How many of ``geos`` (default: the nation and the 34 units) have targets of their own: any
    target, and a digital-economy share target (``de_share_pct``)."""
    geos = set(geos if geos is not None else [config.NATION, *units(pkg, "34")])
    tg = pkg.targets[pkg.targets["geo_id"].isin(geos)]
    return {"any": int(tg["geo_id"].nunique()),
            "de_share_pct": int(tg.loc[tg["indicator_id"] == "de_share_pct", "geo_id"].nunique())}
