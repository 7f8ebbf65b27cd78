"""Which observation a series shows for a geography and year: the documented best-observation rule.

- ``series(pkg, geo_id, indicator_id)`` -> the best observation per year, with provenance,
  series-break segments and the step of the best-observation rule that chose it.
- ``audit(pkg, geo_id, indicator_id)`` -> every candidate per year, ranked, with the winner and why.
- ``merged_series(pkg, new_geo_id, indicator_id)`` -> a boundary-consistent series for a unit
  created by the 2025 merger: the computed sum of its old units beside the published aggregate.
- ``releases`` / ``real_time_series`` / ``first_releases``: the vintages of a figure.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import weakref
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from .text import t
from .errors import ParameterError, shorten
from .data_package import DataPackage, TableSnapshot, check_indicator, copied_from, read_only
from .geography import geo_id_of, old_units


# The best-observation rule (data/README.md, ``series``): an outcome over a plan, a later revision
# of the same producer, a point value over a bound, a figure attributed to a producer over an
# unattributed one, then the kind of publication, an unrounded figure over its rounded highlight,
# the newer release, the producer's tier, the firmer status; the source id breaks remaining ties.
KIND_ORDER = ("statistical_publication", "official_portal", "press", "other")
TIER_ORDER = ("statistics_office", "ministry", "government_portal", "major_newspaper", "other")
STATUS_ORDER = ("official", "preliminary", "estimate", "plan")
# Producers of figures (the tiers of ``attributed_to`` that name one): a figure attributed to one
# (or published by one) beats an unattributed figure whatever the outlet.
PRODUCER_TIERS = ("statistics_office", "ministry")
# (sort column, words saying why the winner beat the runner-up at that step)
RULE_STEPS = (
    ("_plan", "outcome over plan"),
    ("_superseded", "later revision by the same producer"),
    ("_bound", "point value over a bound"),
    ("_attributed", "attributed to a producer"),
    ("_kind", "kind of publication"),
    ("_rounded", "unrounded figure over its rounded highlight"),
    ("_release", "newer release"),
    ("_tier", "producer's tier"),
    ("_status", "firmer status"),
    ("source_id", "source id (tie)"),
)
ONLY_CANDIDATE = "only candidate"
MERGER_DATE = pd.Timestamp("2025-07-01")
MERGER_YEAR = 2025  # years before this are pre-merger for annual figures of the new units


def observations_for(pkg: DataPackage, geo_id: str, indicator_id: str) -> pd.DataFrame:
    """Every observation (all vintages and sources) of one geography and indicator, with provenance.

    Adds the source's publisher, title, url, kind and ``producer`` (the source's producer, else
    'statistics_office' for the office's own releases and figures attributed to it, else the publisher),
    ``tier`` (the tier the figure is attributed to, else the publisher's) and ``released`` (the
    observation's ``published``, else its source's).
    """
    check_indicator(pkg, indicator_id)
    obs = pkg.observations
    return with_provenance(pkg, obs[(obs["geo_id"] == geo_id) & (obs["indicator_id"] == indicator_id)])


def with_provenance(pkg: DataPackage, picked: pd.DataFrame) -> pd.DataFrame:
    """Observation rows (any selection of ``pkg.observations``) with the columns the rule needs.

    See ``observations_for``; ``rank_observations`` ranks the result per (geography, year).
    """
    src = pkg.sources[["source_id", "publisher", "title", "url", "tier", "kind", "producer", "published"]].rename(
        columns={"tier": "publisher_tier", "published": "source_published"})
    out = picked.merge(src, on="source_id", how="left")
    out["tier"] = out["attributed_to"].fillna(out["publisher_tier"])
    # One statistical system per geography: the statistics office's own releases and the figures
    # attributed to it are vintages of one producer.
    office = out["tier"].where(out["tier"] == "statistics_office")
    out["producer"] = out["producer"].fillna(office).fillna(out["publisher"])
    out["released"] = out["published"].fillna(out["source_published"])
    return out.drop(columns=["_row"]).reset_index(drop=True)


def rank_observations(frame: pd.DataFrame) -> pd.DataFrame:
    """Order candidate observations best-first per year by the documented rule (see ``series``).

    ``frame`` is ``observations_for`` / ``with_provenance`` output, of one series or of many:
    candidates compete per (geography, indicator, concept, year). Adds ``rank`` (1 = best) and
    ``chosen_by`` on the winner of each year: the first rule step at which it beats the runner-up
    (``"only candidate"`` when alone; empty on the other rows).
    """
    keys = _rule_keys(frame)
    order = [col for col, _ in RULE_STEPS]
    groups = _competition(frame)
    ranked = keys.sort_values([*groups, *order], kind="mergesort")
    ranked["rank"] = ranked.groupby(groups).cumcount() + 1
    ranked["chosen_by"] = _chosen_by(ranked)
    return ranked.drop(columns=order[:-1])


def _competition(frame: pd.DataFrame) -> list[str]:
    """The columns whose values the candidates of one contest share."""
    return [c for c in ("geo_id", "indicator_id", "concept", "year") if c in frame.columns]


def _chosen_by(ranked: pd.DataFrame) -> np.ndarray:
    """Per row of ``ranked`` (sorted best-first within each contest): for a winner, the first rule step
    at which it differs from the runner-up (the next row), ``"only candidate"`` when alone; else ''."""
    rank = ranked["rank"].to_numpy()
    winner = rank == 1
    has_runner_up = winner & np.append(rank[1:] == 2, False)
    why = np.full(len(ranked), "source id (tie)", dtype=object)
    for col, words in reversed(RULE_STEPS):  # the earliest differing step is written last
        values = ranked[col].to_numpy()
        differs = np.append(values[:-1] != values[1:], False) if len(values) else np.zeros(0, dtype=bool)
        why = np.where(differs, words, why)
    return np.where(has_runner_up, why, np.where(winner, ONLY_CANDIDATE, ""))


# The (snapshot, package) pairs found to match within the current ``tables_checked_once`` scope, else None.
_MATCHED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("nq57_tables_matched", default=None)


@contextlib.contextmanager
def tables_checked_once() -> Iterator[None]:
    """Within, each kept result's tables are compared with a package once, not at every lookup: for a library
    step that looks many series up and runs none of the caller's code meanwhile, so no edit can come between
    (a scorecard made ~150 comparisons a report, a cost that grew with the tables; issue 26). Nested scopes
    share the outermost one's record."""
    if _MATCHED.get() is not None:
        yield
        return
    token = _MATCHED.set({})
    try:
        yield
    finally:
        _MATCHED.reset(token)


def checks_tables_once(step):
    """Decorator: ``step`` runs in a ``tables_checked_once`` scope."""
    @functools.wraps(step)
    def checked(*args, **kwargs):
        with tables_checked_once():
            return step(*args, **kwargs)
    return checked


def still_matches(snapshot: TableSnapshot, pkg: DataPackage) -> bool:
    """``snapshot.matches(pkg)``, once per ``tables_checked_once`` scope (every time outside one)."""
    matched = _MATCHED.get()
    if matched is not None and (id(snapshot), id(pkg)) in matched:
        return True
    if not snapshot.matches(pkg):
        return False
    if matched is not None:
        matched[id(snapshot), id(pkg)] = (snapshot, pkg)  # kept alive while the scope runs: no id is reused
    return True


SERIES_COLUMNS = ["year", "value", "comparator", "unit", "status", "concept", "published", "source_id", "publisher",
                  "kind", "tier", "url", "note", "derivation", "rank_out_of", "is_rounded", "n_candidates",
                  "chosen_by", "segment"]


@dataclass(frozen=True, eq=False)
class _Ranked:
    """The package's observations of some statuses, ranked, and the best of each contest."""

    candidates: pd.DataFrame  # rank_observations output, whole package
    candidates_of: dict  # (geo_id, indicator_id) -> row positions in candidates
    across_geographies: dict  # (indicator_id, concept) -> row positions in candidates
    best: pd.DataFrame  # the winners, in the columns of ``series``
    best_of: dict  # (geo_id, indicator_id, concept) -> row positions in best


@dataclass(eq=False)
class _Ranking:
    """The rankings made of a package's tables, while they are unedited."""

    snapshot: TableSnapshot  # the tables the rankings read: observations, sources, indicators
    by_statuses: dict  # statuses key -> _Ranked


# The ranking each data package object uses (weak keys: it goes with its package). The copies load_package
# hands out share the ranking kept for the cached package they were copied from while their tables equal it,
# so a warm kernel ranks the shipped package once, not once a notebook (the cost grew with the panel: issue 26).
_RANKINGS: "weakref.WeakKeyDictionary[DataPackage, _Ranking]" = weakref.WeakKeyDictionary()
RANKED_TABLES = ("observations", "sources", "indicators")


def _statuses_key(statuses: Sequence[str]) -> tuple[str, ...]:
    """``statuses`` as a sorted tuple of known statuses (ParameterError naming the first unknown one)."""
    if isinstance(statuses, str) or not all(isinstance(st, str) for st in statuses):
        raise ParameterError("statuses", f"expected a list of statuses ({', '.join(STATUS_ORDER)}), "
                                         f"got {shorten(repr(statuses))}")
    for st in statuses:
        if st not in STATUS_ORDER:
            raise ParameterError("statuses", f"unknown status {shorten(st)!r} (expected: {', '.join(STATUS_ORDER)})")
    return tuple(sorted(set(statuses)))


def _ranking_for(pkg: DataPackage) -> _Ranking:
    """The ranking ``pkg`` uses: its own while its tables equal the copies kept with it; for an unedited
    ``load_package`` copy, the one kept for the cached package it was copied from; else a new one."""
    ranking = _RANKINGS.get(pkg)
    if ranking is not None and still_matches(ranking.snapshot, pkg):
        return ranking
    origin = copied_from(pkg)
    if origin is not None:
        kept = _RANKINGS.get(origin)
        if kept is None or not still_matches(kept.snapshot, origin):
            kept = _RANKINGS[origin] = _Ranking(TableSnapshot.of(origin, RANKED_TABLES), {})
        if still_matches(kept.snapshot, pkg):
            _RANKINGS[pkg] = kept
            return kept
    ranking = _RANKINGS[pkg] = _Ranking(TableSnapshot.of(pkg, RANKED_TABLES), {})
    return ranking


def _ranked(pkg: DataPackage, statuses: Sequence[str] | None) -> _Ranked:
    """The whole package ranked once per content and ``statuses``, kept while its tables are unedited.

    Contests (geography, indicator, concept, year) are independent, so a row ranks as it would among
    its own series' candidates alone. The tables are compared with the kept copies on every call,
    so an edit of a package's tables is always seen; the unedited copies of one cached package share
    one ranking (``_ranking_for``).
    """
    key = None if statuses is None else _statuses_key(statuses)
    ranking = _ranking_for(pkg)
    if key not in ranking.by_statuses:
        obs = pkg.observations
        if key is not None:
            obs = obs[obs["status"].isin(list(key))]
        ranked = rank_observations(with_provenance(pkg, obs)).reset_index(drop=True)
        winner = ranked["rank"] == 1
        best = ranked[winner].copy()
        best["n_candidates"] = ranked.groupby(_competition(ranked))["rank"].transform("size")[winner].astype("Int64")
        best["published"] = best["released"]
        brk = best["indicator_id"].map(pkg.indicators.set_index("indicator_id")["series_break_year"]).astype(float)
        best["segment"] = np.where(brk.isna(), 0, best["year"] >= brk).astype(int) + method_break_segments(pkg, best)
        best["value"] = best["value"].astype(float)
        best = best.reset_index(drop=True)
        # Read-only like the cached package: a ranking may be shared by the notebooks of a warm kernel.
        ranking.by_statuses[key] = _Ranked(read_only(ranked),
                                           ranked.groupby(["geo_id", "indicator_id"], sort=False).indices,
                                           ranked.groupby(["indicator_id", "concept"], sort=False).indices,
                                           read_only(best[SERIES_COLUMNS]),
                                           best.groupby(["geo_id", "indicator_id", "concept"], sort=False).indices)
    return ranking.by_statuses[key]


def ranked_across_geographies(pkg: DataPackage, indicator_id: str, concept: str,
                              statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Every geography's candidates of one indicator and concept (restricted to ``statuses``), ranked
    per (geography, year) by the rule of ``series``: the rows with ``rank`` 1 are what ``series`` returns.
    Kept like the rankings ``series`` reads (``_ranked``)."""
    check_indicator(pkg, indicator_id)
    ranked = _ranked(pkg, statuses)
    return ranked.candidates.iloc[ranked.across_geographies.get((indicator_id, concept), [])]


def _rule_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort keys of the rule, one column per step (smaller is better)."""
    out = frame.copy()
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(KIND_ORDER)}).fillna(len(KIND_ORDER))
    released = out["released"].fillna("").map(_period_start)
    # A release is superseded when its producer released the same kind of figure (plan or outcome)
    # for that year later; an undated release yields to its producer's dated ones.
    is_plan = out["status"] == "plan"
    out["_plan"] = is_plan.astype(int)
    group = [out[c] for c in _competition(out)] + [out["producer"]]
    latest = released.groupby([*group, is_plan]).transform("max")
    out["_superseded"] = (released < latest).astype(int)
    out["_attributed"] = (~out["tier"].isin(PRODUCER_TIERS)).astype(int)
    rounded = out["is_rounded"].fillna(False).astype(bool)
    # A rounded figure yields only to an unrounded one of the same producer and release ("its" highlight).
    has_exact = (~rounded).groupby([*group, released]).transform("any")
    out["_rounded"] = (rounded & has_exact).astype(int)
    out["_bound"] = out["comparator"].notna().astype(int)
    out["_release"] = released.map(_release_key)
    out["_tier"] = out["tier"].map({t: i for i, t in enumerate(TIER_ORDER)}).fillna(len(TIER_ORDER))
    out["_status"] = out["status"].map({st: i for i, st in enumerate(STATUS_ORDER)})
    return out


METHOD_BREAK_NOTE = "Method break:"  # a note starting so flags a figure as (likely) on another method


def method_breaks(pkg: DataPackage) -> pd.DataFrame:
    """The observations flagged as a (likely) method break: geo_id, indicator_id, concept, year, note.

    A figure whose ``note`` starts with ``Method break:`` (then why) is on another method than the later
    figures of its series (one geography, indicator and concept): a new segment starts after its year, so no
    trend is fitted across it (``series``' ``segment``). It stays in the data and in its segment; it is not
    corrected. E.g. the ministry's 2021 national share (11.91 %), below the statistics office's narrower 12.87 %.
    """
    obs = pkg.observations
    flagged = obs[obs["note"].fillna("").astype(str).str.startswith(METHOD_BREAK_NOTE)]
    return flagged[["geo_id", "indicator_id", "concept", "year", "note"]].drop_duplicates(
        ["geo_id", "indicator_id", "concept", "year"]).reset_index(drop=True)


def method_break_segments(pkg: DataPackage, rows: pd.DataFrame) -> np.ndarray:
    """Per row of ``rows`` (geo_id, indicator_id, concept, year): how many flagged method breaks of its series
    lie before its year (:func:`method_breaks`), added to the indicator's series-break segment."""
    out = np.zeros(len(rows), dtype=int)
    for brk in method_breaks(pkg).itertuples():
        out += ((rows["geo_id"] == brk.geo_id) & (rows["indicator_id"] == brk.indicator_id)
                & (rows["concept"] == brk.concept) & (rows["year"] > brk.year)).to_numpy(dtype=int)
    return out


def releases(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str) -> pd.DataFrame:
    """Every dated release of one series (a geography, indicator and concept; outcomes, not plans; point
    values, not bounds), with provenance and ``release_date`` (the observation's ``published``, else its
    source's, a date of lower precision at the start of its period). An undated figure cannot be placed in
    time and is left out. The vintages the back-test reads (:func:`real_time_series`, :func:`first_releases`);
    :func:`series` keeps choosing the best observation of today."""
    geo_id = geo_id_of(pkg, geo_id)
    frame = observations_for(pkg, geo_id, indicator_id)
    frame = frame[(frame["concept"] == concept) & (frame["status"] != "plan")
                  & frame["comparator"].fillna("").astype(str).eq("")]
    frame = frame.assign(release_date=frame["released"].fillna("").astype(str).map(_period_start))
    return frame[frame["release_date"] != ""].reset_index(drop=True)


def real_time_series(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str, as_of: str) -> pd.DataFrame:
    """The series as it could be read on the date ``as_of`` ('YYYY-MM-DD'): the best observation per year
    (the rule of :func:`series`) among the releases published on or before that date. Columns: year, value,
    status, source_id, release_date, segment (method breaks flagged in the data, indicator breaks)."""
    frame = releases(pkg, geo_id, indicator_id, concept)
    frame = frame[frame["release_date"] <= str(as_of)]
    columns = ["year", "value", "status", "source_id", "release_date", "segment"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    ranked = rank_observations(frame.assign(_order=np.arange(len(frame))))
    best = frame.iloc[ranked.loc[ranked["rank"] == 1, "_order"].to_numpy()].sort_values("year")
    brk = pkg.indicator(indicator_id)["series_break_year"]
    best = best.assign(segment=(0 if pd.isna(brk) else (best["year"] >= int(brk)).astype(int))
                       + method_break_segments(pkg, best), value=best["value"].astype(float))
    return best[columns].reset_index(drop=True)


def first_releases(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str) -> pd.DataFrame:
    """Per year, the value as first published and the value today: year, first_value, first_release_date,
    first_status, first_source_id, current_value, current_source_id, revision (current - first, in the
    indicator's unit), n_releases (distinct release dates). "First published" is the earliest dated release
    (the best of that date's releases by the rule); "today" is :func:`series`."""
    frame = releases(pkg, geo_id, indicator_id, concept)
    columns = ["year", "first_value", "first_release_date", "first_status", "first_source_id", "current_value",
               "current_source_id", "revision", "n_releases"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    current = series(pkg, geo_id, indicator_id, concept=concept).set_index("year")
    rows = []
    for year, group in frame.groupby("year", sort=True):
        first_date = group["release_date"].min()
        first = real_time_series(pkg, geo_id, indicator_id, concept, first_date)
        first = first[first["year"] == year].iloc[0]
        now = current.loc[year] if year in current.index else None
        rows.append({"year": int(year), "first_value": float(first["value"]), "first_release_date": first_date,
                     "first_status": first["status"], "first_source_id": first["source_id"],
                     "current_value": math.nan if now is None else float(now["value"]),
                     "current_source_id": "" if now is None else now["source_id"],
                     "revision": math.nan if now is None else float(now["value"]) - float(first["value"]),
                     "n_releases": int(group["release_date"].nunique())})
    return pd.DataFrame(rows, columns=columns)


def _period_start(date: str) -> str:
    """'2021' -> '2021-01-01', '2021-12' -> '2021-12-01': a date of lower precision is the start of its period."""
    if not date:
        return ""
    parts = date.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _release_key(date: str) -> str:
    """Sort key making newer releases smaller; unknown dates sort last."""
    if not date:
        return "~"
    return "".join(chr(ord("9") - int(ch) + ord("0")) if ch.isdigit() else ch for ch in date)


def default_concept(pkg: DataPackage, indicator_id: str, available: Iterable[str]) -> str | None:
    """The first of the indicator's declared concepts that has data."""
    present = set(available)
    for concept in pkg.indicator(indicator_id)["concepts"].split("|"):
        if concept in present:
            return concept
    return None


def series(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str | None = None,
           statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """One geography's indicator by year: the best observation per year, provenance kept.

    ``concept`` defaults to the first of the indicator's concepts that has data (definitions are
    never mixed in one series). ``statuses`` restricts the candidates (e.g. exclude 'plan').

    The best-observation rule (data/README.md) compares the candidates of a year step by step;
    the first step that separates them decides:

    0. an outcome (official, preliminary, estimate) beats a plan (a budget estimate is an intention;
       pass ``statuses=["plan"]`` for the plan series);
    1. a later revision by the same producer supersedes its earlier (and undated) releases of the
       same kind of figure (plan or outcome), whoever reposts it. The producer is
       ``sources.producer``, else the statistics office for its own releases and for figures
       ``attributed_to`` it (a paper quoting the office reports the office's figure), else the
       publisher;
    2. a point value beats a bound (``comparator`` set: "more than ..."), whatever its source: a
       bound is never used as a value;
    3. attribution: a figure attributed to a producer (``attributed_to`` the statistics office or a
       ministry) or published by one (the publisher's tier) beats an unattributed one, whatever the
       outlet;
    4. kind of publication, between figures of the same attribution: the producer's own statistical
       publication (yearbook, statistics-office release, an index's own results) > official portal >
       press > other sites;
    5. an unrounded figure beats its rounded highlight (same producer and release, ``is_rounded``);
    6. the newer release (``published`` of the observation, else of its source; unknown last);
    7. the producer's tier (``attributed_to``, else the publisher's tier);
    8. the firmer status (official > preliminary > estimate > plan);
    9. the source id, so the choice is deterministic.

    Columns: year, value, comparator, unit, status, concept, published (the release used by the
    rule), source_id, publisher, kind, tier, url, note, derivation, rank_out_of, is_rounded,
    n_candidates, chosen_by (the step that chose the row, or "only candidate"), segment.
    ``comparator`` is empty for a point value and '>', '>=', '<' or '<=' when the only figure is a
    bound: never treat such a row as a point value. ``segment`` increases at each known series
    break (indicator ``series_break_year``, or after a figure flagged as a likely method break of its series,
    :func:`method_breaks`): fit no trend across segments.
    """
    geo_id = geo_id_of(pkg, geo_id)
    check_indicator(pkg, indicator_id)
    ranked = _ranked(pkg, statuses)
    if concept is None:
        concept = default_concept(pkg, indicator_id, ranked.candidates["concept"].iloc[
            ranked.candidates_of.get((geo_id, indicator_id), [])])
    elif concept not in pkg.indicator(indicator_id)["concepts"].split("|"):
        raise ParameterError("concept", f"{concept!r} is not a concept of {indicator_id} "
                                        f"({pkg.indicator(indicator_id)['concepts']})")
    rows = ranked.best_of.get((geo_id, indicator_id, concept))
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SERIES_COLUMNS})
    return ranked.best.iloc[rows].reset_index(drop=True)


def audit(pkg: DataPackage, geo_id: str, indicator_id: str, concept: str | None = None) -> pd.DataFrame:
    """Every candidate observation per (concept, year), ranked by the rule of ``series``, with why.

    One row per observation: concept, year, rank (1 = the one ``series`` returns), value,
    comparator, status, released, source_id, kind, attributed_to (the producer the source attributes
    the figure to, if any), producer, tier, is_rounded, chosen (bool) and
    ``why``: for the winner the step that chose it, for the others the step at which they lost to
    the winner. ``concept`` restricts to one definition (default: all, each ranked separately).
    """
    geo_id = geo_id_of(pkg, geo_id)
    cands = observations_for(pkg, geo_id, indicator_id)
    if concept is not None:
        cands = cands[cands["concept"] == concept]
    columns = ["concept", "year", "rank", "value", "comparator", "status", "released", "source_id", "kind",
               "attributed_to", "producer", "tier", "is_rounded", "chosen", "why"]
    frames = []
    for _, group in cands.groupby("concept", sort=True):
        keyed = _rule_keys(group)
        ranked = rank_observations(group)
        ranked["chosen"] = ranked["rank"] == 1
        why = []
        for index, row in ranked.iterrows():
            if row["chosen"]:
                why.append(row["chosen_by"])
                continue
            winner = ranked[(ranked["year"] == row["year"]) & ranked["chosen"]].index[0]
            step = next((words for col, words in RULE_STEPS if keyed.loc[index, col] != keyed.loc[winner, col]),
                        "source id (tie)")
            why.append(f"lost on: {step}")
        ranked["why"] = why
        frames.append(ranked)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = pd.concat(frames).sort_values(["concept", "year", "rank"], kind="mergesort")
    out["value"] = out["value"].astype(float)
    return out[columns].reset_index(drop=True)


_STATUS_WEAKEST = {s: i for i, s in enumerate(STATUS_ORDER)}


def merged_series(pkg: DataPackage, new_geo_id: str, indicator_id: str, concept: str | None = None,
                  statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Boundary-consistent series for a unit created by the 2025 merger.

    For each year, ``value_sum`` is the sum of the old units' best observations when the
    indicator is additive and every old unit reports that year on the same concept; a ratio
    (e.g. a share) is recomputed from its additive numerator and denominator, never averaged.
    Otherwise ``value_sum`` is missing and ``reason`` says why. ``value_published`` is the new
    unit's own best observation (e.g. a published 2024 aggregate). ``value`` is the computed sum
    for years before the merger when available (boundary-consistent with the old units' series),
    else the published value; ``basis`` says which. ``growth_pct`` is the change of ``value`` on the
    previous listed year (% a year) only when both years are consecutive and on the same basis: across a
    change of basis it is missing and ``reason`` says so (the sum of the old units and the new
    unit's published aggregate are different measurements).
    """
    new_geo_id = geo_id_of(pkg, new_geo_id)
    parts = old_units(pkg, new_geo_id)
    meta = pkg.indicator(indicator_id)
    own = series(pkg, new_geo_id, indicator_id, concept, statuses)
    if concept is None and not own.empty:
        concept = own["concept"].iloc[0]
    rows = {}
    if parts:
        if meta["is_additive"]:
            rows = _sum_parts(pkg, parts, indicator_id, concept, statuses)
        elif pd.notna(meta["numerator_id"]) and pd.notna(meta["denominator_id"]):
            num = _sum_parts(pkg, parts, meta["numerator_id"], concept, statuses)
            den = _sum_parts(pkg, parts, meta["denominator_id"], None, statuses)
            for year in sorted(set(num) | set(den)):
                n, d = num.get(year), den.get(year)
                if n and d and n["value"] is not None and d["value"] not in (None, 0):
                    rows[year] = {"value": 100.0 * n["value"] / d["value"], "status": _weaker(n["status"], d["status"]),
                                  "sources": n["sources"] + ";" + d["sources"], "reason": ""}
                else:
                    missing = (n or {}).get("reason") or (d or {}).get("reason") or "parts missing"
                    rows[year] = {"value": None, "status": None, "sources": "",
                                  "reason": f"share combined only through its parts "
                                            f"({meta['numerator_id']} / {meta['denominator_id']}): {missing}"}
            if not rows:
                rows = {None: {"reason": f"share combined only through its parts ({meta['numerator_id']} / "
                                         f"{meta['denominator_id']}), which the old units do not report"}}
        else:
            rows = {None: {"reason": f"{indicator_id} is not additive and has no additive parts: "
                                     "it cannot be combined across the merged provinces"}}
    years = sorted({y for y in rows if y is not None} | set(own["year"].astype(int)))
    general_reason = rows.get(None, {}).get("reason", "")
    out = []
    for year in years:
        computed = rows.get(year, {})
        published = own[own["year"] == year]
        value_sum = computed.get("value")
        value_pub = float(published["value"].iloc[0]) if not published.empty else None
        use_sum = value_sum is not None and (year < MERGER_YEAR or value_pub is None)
        out.append({
            "year": year,
            "value": value_sum if use_sum else value_pub,
            "basis": "sum of old units" if use_sum else ("published for the new unit" if value_pub is not None else ""),
            "value_sum": value_sum,
            "value_published": value_pub,
            "status": computed.get("status") if use_sum else (published["status"].iloc[0] if not published.empty else None),
            "sources": computed.get("sources", "") if use_sum else (published["source_id"].iloc[0] if not published.empty else ""),
            "reason": computed.get("reason") or ("" if year in rows else general_reason),
        })
    frame = pd.DataFrame(out, columns=["year", "value", "basis", "value_sum", "value_published", "status",
                                       "sources", "reason"])
    for col in ("value", "value_sum", "value_published"):
        frame[col] = frame[col].astype(float)
    _growth_on_one_basis(frame)
    frame.attrs["components"] = parts
    frame.attrs["reason"] = general_reason
    return frame


def _growth_on_one_basis(frame: pd.DataFrame) -> None:
    """Add ``growth_pct`` between consecutive years of one basis; name a change of basis in ``reason``."""
    growth = [np.nan] * len(frame)
    for i in range(1, len(frame)):
        prev, cur = frame.iloc[i - 1], frame.iloc[i]
        if cur["year"] != prev["year"] + 1 or pd.isna(cur["value"]) or pd.isna(prev["value"]) or not prev["value"]:
            continue
        if cur["basis"] != prev["basis"]:
            note = (f"basis changes from {prev['basis']} ({int(prev['year'])}) to {cur['basis']} ({int(cur['year'])}): "
                    "growth across the change is not computed")
            frame.iloc[i, frame.columns.get_loc("reason")] = "; ".join(x for x in (cur["reason"], note) if x)
            continue
        growth[i] = 100.0 * (cur["value"] / prev["value"] - 1.0)
    frame.insert(frame.columns.get_loc("basis") + 1, "growth_pct", pd.Series(growth, index=frame.index, dtype=float))


def _weaker(a: str, b: str) -> str:
    return a if _STATUS_WEAKEST[a] >= _STATUS_WEAKEST[b] else b


def _sum_parts(pkg: DataPackage, parts: list[str], indicator_id: str, concept: str | None,
               statuses) -> dict[int, dict]:
    per_part = {p: series(pkg, p, indicator_id, concept, statuses) for p in parts}
    concepts = {s["concept"].iloc[0] for s in per_part.values() if not s.empty}
    years = sorted({int(y) for s in per_part.values() for y in s["year"]})
    result = {}
    for year in years:
        values, statuses_seen, sources, missing = [], [], [], []
        for part, s in per_part.items():
            hit = s[s["year"] == year]
            if hit.empty:
                missing.append(part)
            else:
                values.append(float(hit["value"].iloc[0]))
                statuses_seen.append(hit["status"].iloc[0])
                sources.append(hit["source_id"].iloc[0])
        if missing:
            result[year] = {"value": None, "status": None, "sources": "",
                            "reason": f"{indicator_id} {year} missing for {', '.join(missing)}"}
        elif len(concepts) > 1:
            result[year] = {"value": None, "status": None, "sources": "",
                            "reason": f"old units report different concepts ({', '.join(sorted(concepts))})"}
        else:
            weakest = max(statuses_seen, key=_STATUS_WEAKEST.get)
            result[year] = {"value": float(np.sum(values)), "status": weakest, "sources": ";".join(sources),
                            "reason": ""}
    return result
