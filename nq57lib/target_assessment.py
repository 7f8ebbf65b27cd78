"""Each registered target of a geography: the series it is compared with, the pace it needs and its
progress category -- the steps the scorecard shows one per cell, and what the target verdicts
(:mod:`nq57lib.target_verdicts`) of every report are decided from.

Rules (they are the only "assumptions" of reading a target; each is a documented reading of the data, not
a number chosen by us):

1. **Series.** A target is compared with the geography's best observation per year
   (:func:`nq57lib.series_ranking.series`) on the target's concept; when the target does not state one, on
   the indicator's first concept with data, and the row says so (``definition_status`` 'unstated').
   When the target states a concept that has no data while another one has, the latest value on
   the other concept is shown for context and the target is *not* assessed ('different').
   A merged 2025 unit without its own data uses :func:`nq57lib.series_ranking.merged_series` (the sum of its
   old provinces, for additive indicators or shares with additive parts); otherwise it has no data.
   'plan' figures (budget estimates) are intentions, not outcomes, and are left out.
   A rank target set within a region (e.g. "top 3 in Southeast Asia") is not compared with world
   ranks.
2. **As-of year.** A target year has passed when it is before the year of the newest publication
   date among the observations (the data vintage), so a report is reproducible from its data
   (``share_formulas.target_has_passed``, the digital-economy report's rule too).
3. **Assessment.**
   - a value for the target year exists: 'met' / 'not met' (``share_formulas.meets_target``);
   - the target year has passed without a value for it: 'no value for the target year';
   - a target over a period (``from_year``, e.g. "3 % every year 2025-2030" or "1,000 bn VND a
     year on average") is not judged on a single year: 'not assessed (period target)';
   - a growth-rate target (unit '% y/y' or '% per year') is judged only in its year: a rate does not
     grow at a rate, so no pace or progress method applies: 'not assessed (growth-rate target)';
   - otherwise the Eurostat progress method on the latest segment of one concept, over its short-term
     window (the latest 5 years: ``progress_assessment.assess_headline``, the status the digital-economy
     report shows too): with >= 2 observations, else 'insufficient data' (one observation) or 'no data'
     (none). Per kind: *shares* (bounded 0-100) use ``progress_assessment.assess_headline`` directly; *counts and other
     levels* use it on values rescaled into its 0-100 range, which changes nothing because the
     method compares compound growth rates, which do not depend on the unit (values must be > 0);
     *ranks* (lower is better) use :func:`assess_rank_pace`, the same ratio and thresholds on places
     gained per year, because a relative change of a rank means nothing (2nd to 1st is -50 %,
     40th to 39th -2.5 %).
   - a digital-economy share target that states no definition is read on the one in use when it was set
     (:func:`target_definitions`); it is assessed on that definition only. The other definition is shown
     beside it by ``target_verdicts``, never instead of it, so one target never reads two ways.
   An '=' target ("about X") is read as a level to reach in the indicator's good direction ('>='
   when higher is better, '<=' for ranks), or, for a neutral indicator, from the side of the first
   observation (``share_formulas.reached_comparator``).
4. **Required pace** from the latest value to the target level (the target value, or the nearer end
   of a range): for shares and levels the constant relative growth (% a year) and the absolute
   change per year (``share_formulas.required_growth_pct`` / ``required_pp_per_year`` for shares, the
   same formulas in :func:`required_pace` for unbounded levels); for ranks the places to gain per
   year. None when the latest value already meets the target or the target year is not after it.

Every word a reader sees comes from the ``[scorecard]`` section of the locale files.

Steps: :func:`select_targets` (1), :func:`latest_values` (3), :func:`required_paces` (4), :func:`assess_targets`
(5); the as-of year (2) is ``data.as_of_year``. Words come from the ``[scorecard]`` section of the locale files.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import pandas as pd

from . import data_package, data_texts, geography, series_ranking
from .bounds import FIRST_YEAR, LAST_YEAR
from .config import NATION
from .errors import ParameterError, check_choice, check_int, check_number
from .formatting import comparator_text, fmt_number, percent_text
from .progress_assessment import (EUROSTAT_SHORT_TERM_YEARS, STATUS_OF_CATEGORY, ProgressAssessment, assess_headline, eurostat_category)
from .share_formulas import (
    meets_target, reached_comparator, required_growth_pct, required_pp_per_year, target_has_passed, target_level,
)
from .text import section, t

SHARE_INDICATOR = "de_share_pct"  # read on both definitions, as the digital-economy report reads it
# The definition a share target that does not state its own is compared on when the rule cannot place it after
# the statistics office's first publication (:func:`compared_on_definition`).
UNSTATED_TARGET_CONCEPT = "ministry"
PROVINCIAL_TARGET_CONCEPT = "ministry"  # the only definition published for provinces
REGIONAL_SCOPES = ("southeast asia", "asean")
RATE_UNITS = ("% y/y", "% per year")
OUTCOME_STATUSES = ("official", "preliminary", "estimate")  # 'plan' is an intention, not an outcome
# Assessment category -> status badge of the reader table. The progress categories' statuses are
# ``progress_assessment.STATUS_OF_CATEGORY``, the statuses the digital-economy report shows.
BADGES = {
    **STATUS_OF_CATEGORY, "met": "met", "not met": "not met", "no data": "no data",
    "no data on the target's definition": "other definition", "no value for the target year": "target year passed",
    "not assessed (period target)": "not assessed", "not assessed (growth-rate target)": "not assessed",
}
UNVERIFIED = "unverified"  # the badge of a target the data mark unverified, whatever its assessment

TARGET_COLUMNS = [
    "target_id", "relation", "relation_note", "set_by_geo_id", "set_by", "indicator_id", "indicator", "target",
    "comparator", "target_value", "target_value_high", "target_year", "from_year", "unit", "scope", "instrument",
    "target_source_id", "target_unverified_reason", "series_concept", "data_basis", "latest_year", "latest_value", "latest_status",
    "latest_source_id", "target_year_value", "n_obs", "definition_status", "definition_note", "data_reason",
    "required_growth_pct_per_year", "required_change_per_year", "required_places_per_year", "pace_note",
    "assessment", "assessment_group", "assessment_text", "assessment_ratio", "assessment_method",
    "assessment_note",
]
# Carried between the steps, not saved: the concept the target states.
STEP_COLUMNS = ["target_concept"]
FLOAT_COLUMNS = ("target_value", "target_value_high", "latest_value", "target_year_value",
                 "required_growth_pct_per_year", "required_change_per_year", "required_places_per_year",
                 "assessment_ratio")


def _say(key: str, lang: str, **fmt: Any) -> str:
    """A text of the ``[scorecard]`` section of the locale files."""
    return t(f"scorecard.{key}", lang, **fmt)


# ------------------------------------------------------------------------------------------------
# Pure rules
# ------------------------------------------------------------------------------------------------


def indicator_kind(unit: str, direction: str, lower_bound: Any, upper_bound: Any) -> str:
    """How an indicator is assessed: 'rank', 'rate' (a growth rate), 'share' (0-100) or 'level'.

    Ranks need places, not percentages; a growth rate cannot be projected at a growth rate; shares
    fit ``projection``'s functions as they are; every other quantity (counts, money, indices) is a
    'level' assessed on its compound growth.
    """
    if unit == "rank" or (direction == "lower_is_better" and "rank" in str(unit)):
        return "rank"
    if unit in RATE_UNITS:
        return "rate"
    bounded = not pd.isna(lower_bound) and not pd.isna(upper_bound)
    if bounded and float(lower_bound) == 0.0 and float(upper_bound) == 100.0:
        return "share"
    return "level"


def effective_comparator(comparator: str, target_value: float, direction: str, base_value: float) -> str:
    """The comparator an '=' ("about X") target is judged with; others are returned unchanged.

    '>=' when higher is better, '<=' when lower is better, and for a neutral indicator the side of
    ``base_value`` (the first observation), as ``share_formulas.reached_comparator`` reads it.
    """
    if comparator != "=":
        return comparator
    if direction == "higher_is_better":
        return ">="
    if direction == "lower_is_better":
        return "<="
    return reached_comparator(comparator, target_value, base_value)


def required_pace(kind: str, latest: float, latest_year: int, level: float, target_year: int) -> dict:
    """Pace needed from the latest value to ``level`` in ``target_year``.

    Returns ``growth_pct`` (constant relative growth, % a year; None when a value is <= 0 or for
    ranks), ``change_per_year`` (absolute change in the indicator's unit; percentage points for a
    share) and ``places_per_year`` (ranks only: places to gain a year, positive = move up).
    Shares use ``share_formulas.required_growth_pct`` and ``required_pp_per_year``; unbounded levels the
    same formulas here, because the projection functions check that values lie within 0-100.
    """
    check_choice("kind", kind, ("rank", "share", "level"))
    latest = check_number("latest", latest)
    level = check_number("level", level)
    latest_year = check_int("latest_year", latest_year, low=FIRST_YEAR, high=LAST_YEAR)
    target_year = check_int("target_year", target_year, low=FIRST_YEAR, high=LAST_YEAR)
    if target_year <= latest_year:
        raise ParameterError("target_year", f"must be after the latest year {latest_year}, got {target_year}")
    years = target_year - latest_year
    if kind == "rank":
        return {"growth_pct": None, "change_per_year": None, "places_per_year": (latest - level) / years}
    if kind == "share":
        growth = required_growth_pct(latest, latest_year, level, target_year) if latest > 0 and level > 0 else None
        return {"growth_pct": growth, "change_per_year": required_pp_per_year(latest, latest_year, level, target_year),
                "places_per_year": None}
    growth = ((level / latest) ** (1.0 / years) - 1.0) * 100.0 if latest > 0 and level > 0 else None
    return {"growth_pct": growth, "change_per_year": (level - latest) / years, "places_per_year": None}


def assess_rank_pace(years: Sequence[int], ranks: Sequence[float], target_rank: float, target_year: int, *,
                     comparator: str = "<=") -> ProgressAssessment:
    """Eurostat-style progress for a rank (1 = best): actual vs required places gained per year.

    Base = first observation. Required = (base - target) / (target year - base year); actual =
    (base - latest) / (latest year - base year); R = actual / required with the Eurostat thresholds
    (>= 0.95 significant, >= 0.60 moderate, >= 0 insufficient progress, < 0 moving away). 'target
    already met' when the latest rank meets the target; 'moving away' without a ratio when the base
    met it and the latest does not. In the result, ``actual_growth_pct`` and ``required_growth_pct``
    hold places per year (positive = moving up), not percentages. Fewer than 2 ranks: 'insufficient data'.
    """
    comparator = check_choice("comparator", comparator, ("<=", "<", "="))
    comparator = "<=" if comparator == "=" else comparator
    target_rank = check_number("target_rank", target_rank, low=1)
    target_year = check_int("target_year", target_year, low=FIRST_YEAR, high=LAST_YEAR)
    pairs = sorted(zip((check_int("years", int(y), low=FIRST_YEAR, high=LAST_YEAR) for y in years),
                       (check_number("ranks", float(r), low=1) for r in ranks)))
    if len({y for y, _ in pairs}) != len(pairs):
        raise ParameterError("years", "must not repeat a year")
    if len(pairs) < 2:
        first = pairs[0][0] if pairs else None
        return ProgressAssessment("eurostat_rank_places", "insufficient data", None, None, None, None, first, first,
                                  "needs at least two ranks on one basis")
    (base_year, base), (latest_year, latest) = pairs[0], pairs[-1]
    if target_year <= base_year:
        raise ParameterError("target_year", f"must be after the first observation {base_year}, got {target_year}")
    actual = (base - latest) / (latest_year - base_year)
    required = (base - target_rank) / (target_year - base_year)
    if bool(meets_target(latest, comparator, target_rank)):
        return ProgressAssessment("eurostat_rank_places", "target already met", None, actual, required, None,
                                  base_year, latest_year)
    if required <= 0:
        return ProgressAssessment("eurostat_rank_places", "moving away", None, actual, required, None, base_year,
                                  latest_year, "the first rank met the target; the latest no longer does")
    ratio = actual / required
    return ProgressAssessment("eurostat_rank_places", eurostat_category(ratio), ratio, actual, required, None,
                              base_year, latest_year)


def assess_progress(kind: str, years: Sequence[int], values: Sequence[float], comparator: str, target_value: float,
                    value_high: float | None, target_year: int) -> ProgressAssessment:
    """The Eurostat progress assessment for one indicator kind over the short-term window (the latest 5 years,
    as the digital-economy report's status: see the module docstring, rule 3)."""
    check_choice("kind", kind, ("rank", "share", "level"))
    if kind == "rank":  # the same short-term window as the other kinds
        kept = [(y, v) for y, v in zip(years, values) if y >= max(years) - EUROSTAT_SHORT_TERM_YEARS] if years else []
        return assess_rank_pace([y for y, _ in kept], [v for _, v in kept], target_value, target_year,
                                comparator=comparator)
    if kind == "share":
        return assess_headline(years, values, target_value, target_year, comparator=comparator,
                               value_high=value_high)
    values = [float(v) for v in values]
    if len(values) >= 2 and min(values) <= 0:
        return ProgressAssessment("eurostat", "insufficient data", None, None, None, None, int(min(years)),
                                  int(max(years)), "relative growth is undefined for values <= 0")
    # The Eurostat ratio compares compound growth rates, which do not depend on the unit: rescale into
    # the 0-100 range assess_headline checks (largest value at 50, clear of the bound) and nothing changes.
    top = max([abs(v) for v in values] + [abs(float(target_value))]
              + ([abs(float(value_high))] if value_high is not None else []))
    scale = 50.0 / top if top > 0 else 1.0
    high = None if value_high is None else float(value_high) * scale
    result = assess_headline(years, [v * scale for v in values], float(target_value) * scale, target_year,
                             comparator=comparator, value_high=high)
    note = "assessed on compound growth of the level (unit-free)"
    return ProgressAssessment(result.method, result.category, result.score, result.actual_growth_pct,
                              result.required_growth_pct, None, result.base_year, result.latest_year,
                              "; ".join(n for n in (result.note, note) if n))


# ------------------------------------------------------------------------------------------------
# Data for one target
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetData:
    """The observations a target is compared with, and how they were chosen."""

    history: pd.DataFrame  # year, value, status, source_id, concept, segment, basis (one concept, by year)
    concept: str | None
    basis: str  # 'own series', 'merged series' or ''
    definition_status: str  # 'same', 'unstated', 'different' (shown, not assessed) or 'none' (no data)
    reason: str  # why there is no data, when known


class SeriesCache:
    """Series looked up once for the steps of a notebook: many targets share a geography, indicator
    and concept. Valid while the package's tables are unedited (``data_package.TableSnapshot``)."""

    def __init__(self, pkg):
        self._pkg = weakref.ref(pkg)  # not a strong reference: the cache must not keep its package alive
        self.snapshot = data_package.TableSnapshot.of(pkg)
        self._own: dict = {}
        self._merged: dict = {}
        self.targets: dict = {}  # (geo_id, indicator_id, stated concept, lang) -> TargetData

    def own(self, geo_id: str, indicator_id: str, concept: str | None) -> pd.DataFrame:
        key = (geo_id, indicator_id, concept)
        if key not in self._own:
            frame = series_ranking.series(self.pkg, geo_id, indicator_id, concept, statuses=OUTCOME_STATUSES)
            self._own[key] = frame.assign(basis="own series")
        return self._own[key]

    @property
    def pkg(self):
        return self._pkg()

    def merged(self, geo_id: str, indicator_id: str, concept: str | None) -> pd.DataFrame:
        key = (geo_id, indicator_id, concept)
        if key not in self._merged:
            self._merged[key] = series_ranking.merged_series(self.pkg, geo_id, indicator_id, concept,
                                                   statuses=OUTCOME_STATUSES)
        return self._merged[key]


# One series cache per data package object, shared by the steps of a notebook; it goes with the package
# (weak keys), so nothing of one notebook's data outlives it (a warm kernel's next notebook loads its own).
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def series_cache(pkg) -> SeriesCache:
    """The series cache of this data package (created on first use, and again after its tables were edited)."""
    cache = _CACHE.get(pkg)
    if cache is None or not series_ranking.still_matches(cache.snapshot, pkg):
        cache = _CACHE[pkg] = SeriesCache(pkg)
    return cache


def _merged_history(pkg, merged: pd.DataFrame, indicator_id: str, concept: str | None) -> pd.DataFrame:
    """Rows of a merged series with a value, in the shape of ``series_ranking.series`` (segment from the break year)."""
    rows = merged[merged["value"].notna()]
    brk = pkg.indicator(indicator_id)["series_break_year"]
    return pd.DataFrame({
        "year": rows["year"].astype(int), "value": rows["value"].astype(float), "status": rows["status"],
        "source_id": [";".join(dict.fromkeys(str(s).split(";"))) for s in rows["sources"]], "concept": concept,
        "segment": 0 if pd.isna(brk) else (rows["year"] >= int(brk)).astype(int),
        "basis": rows["basis"]})


def target_data(pkg, geo_id: str, target: Mapping[str, Any], cache: SeriesCache, lang: str = "en") -> TargetData:
    """The history a target (``indicator_id`` and stated ``concept``) is compared with (rule 1).

    Looked up once per ``cache``: treat the result as read-only."""
    indicator_id = target["indicator_id"]
    stated = None if is_missing(target["concept"]) else str(target["concept"])
    key = (geo_id, indicator_id, stated, lang)
    if key not in cache.targets:
        cache.targets[key] = _target_data(pkg, geo_id, indicator_id, stated, cache, lang)
    return cache.targets[key]


def _target_data(pkg, geo_id: str, indicator_id: str, stated: str | None, cache: SeriesCache, lang: str) -> TargetData:
    frame, basis, reason = cache.own(geo_id, indicator_id, stated), "own series", ""
    if frame.empty and geography.old_units(pkg, geo_id):
        merged = cache.merged(geo_id, indicator_id, stated)
        parts = [cache.own(old, indicator_id, stated) for old in geography.old_units(pkg, geo_id)]
        concept = stated or next((str(f["concept"].iloc[0]) for f in parts if not f.empty), None)
        frame = _merged_history(pkg, merged, indicator_id, concept)
        basis = "merged series"
        reason = merged.attrs.get("reason") or _merge_failure(merged, indicator_id, lang)
    if not frame.empty:
        concept = str(frame["concept"].iloc[0]) if frame["concept"].notna().any() else stated
        # An unstated concept is ambiguous only when the indicator has several definitions.
        single = len(str(pkg.indicator(indicator_id)["concepts"]).split("|")) == 1
        status = "same" if stated is not None or single else "unstated"
        return TargetData(_by_year(frame), concept, basis, status, "")
    if stated is not None:
        other = cache.own(geo_id, indicator_id, None)
        if not other.empty:
            return TargetData(_by_year(other), str(other["concept"].iloc[0]), "own series", "different", "")
    if not reason:
        reason = (_say("reason_none_concept", lang, indicator=indicator_id, concept=stated) if stated
                  else _say("reason_none", lang, indicator=indicator_id))
    return TargetData(pd.DataFrame(columns=["year", "value", "status", "source_id", "concept", "segment", "basis"]),
                      stated, "", "none", reason)


def _merge_failure(merged: pd.DataFrame, indicator_id: str, lang: str) -> str:
    """Why no year of a merged series has a value, in one line: the reason given for its last year."""
    parts = ", ".join(merged.attrs.get("components", []))
    reasons = [r for r in merged["reason"] if r]
    if not reasons:
        return _say("reason_merge_none", lang, indicator=indicator_id, parts=parts)
    return _say("reason_merge_failed", lang, parts=parts, reason=reasons[-1])


def _by_year(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["year", "value", "status", "source_id", "concept", "segment", "basis"]].copy()
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out.sort_values("year").reset_index(drop=True)


def is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _is_regional_rank(kind: str, scope: Any) -> bool:
    return kind == "rank" and isinstance(scope, str) and any(s in scope.lower() for s in REGIONAL_SCOPES)


def latest_segment(history: pd.DataFrame) -> pd.DataFrame:
    """The observations after the last series break (all of them when there is none)."""
    if history.empty:
        return history
    return history[history["segment"] == history["segment"].max()].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Words for one row
# ------------------------------------------------------------------------------------------------


def decimals_of(*values: Any) -> int:
    """Fewest decimals (0-3) that print every value exactly, so '35' stays '35' and '0.8' '0.8'."""
    for decimals in range(4):
        if all(v is None or pd.isna(v) or abs(round(float(v), decimals) - float(v)) < 1e-9 for v in values):
            return decimals
    return 3


def unit_text(unit: str, lang: str) -> str:
    """The unit in ``lang`` (Vietnamese from ``labels.csv`` of the data package; the stored unit otherwise)."""
    if lang == "vi":
        return data_texts.label("unit", unit, "vi", default=unit)
    return _say("unit_index", lang) if unit == "index 0-1" else unit


def target_text(comparator: str, value: float, value_high: Any, unit: str, lang: str, nation: bool = False) -> str:
    """A target in words: '≥ 35 % of GRDP', 'rank ≤ 15', '40–50 organisations'; a ``nation``'s share of
    GRDP is a share of GDP."""
    if nation and unit == "% of GRDP":
        unit = "% of GDP"
    high = None if is_missing(value_high) else float(value_high)
    condition = comparator_text(comparator, float(value), high, lang, decimals_of(value, high))
    if unit == "rank":
        return _say("rank_prefix", lang) + condition
    words = unit_text(unit, lang)
    if lang == "vi" and words.startswith("%"):  # '≥ 35% GRDP', as Vietnamese documents write it
        return percent_text(condition, lang) + words[1:]
    return f"{condition} {words}"


def category_text(category: str, lang: str) -> str:
    """An assessment category in words (``[scorecard.category]``)."""
    return section("scorecard.category", lang)[category]


def concept_text(concept: str | None, lang: str) -> str:
    """A concept code in the scorecard's words (``[scorecard.concept]``; the code itself when unknown)."""
    if concept is None:
        return ""
    return section("scorecard.concept", lang).get(concept, concept)


def _definition_note(found: TargetData, stated: str | None, scope_mismatch: bool, lang: str) -> str:
    if scope_mismatch:
        return _say("note_regional", lang)
    concept = concept_text(found.concept, lang)
    if found.definition_status == "unstated":
        return _say("note_unstated", lang, concept_id=found.concept, concept=concept)
    if found.definition_status == "different":
        return _say("note_different", lang, stated=stated, concept_id=found.concept, concept=concept)
    return ""


def _relation_note(relation: str, name: str, lang: str) -> str:
    return "" if relation == "own" else section("scorecard.relation", lang)[relation].format(name=name)


# ------------------------------------------------------------------------------------------------
# Steps 1-5: targets, data, pace, assessment
# ------------------------------------------------------------------------------------------------


def related_geos(pkg, geo_id: str) -> dict[str, str]:
    """The geography itself ('own') and the units whose targets are listed beside it, with their relation."""
    relations = {geo_id: "own"}
    relations.update({old: "old unit" for old in geography.old_units(pkg, geo_id)})
    after = geography.successor(pkg, geo_id)
    if after:
        relations[after] = "successor"
    return relations


def select_targets(pkg, geo_id: str) -> pd.DataFrame:
    """Step 1: the registered targets the scorecard scores for ``geo_id``, one row each (``pkg.targets``
    columns plus ``relation``): its own, its old provinces' or successor's, then the national ones
    ('national'; none when the geography is the nation). Edit the table to score fewer or other targets.
    """
    geo_id = geography.geo_id_of(pkg, geo_id)
    relations = related_geos(pkg, geo_id)
    targets = pkg.targets
    order = {g: i for i, g in enumerate(relations)}
    mine = targets[targets["geo_id"].isin(relations)].assign(relation=lambda f: f["geo_id"].map(relations))
    mine = mine.assign(_order=mine["geo_id"].map(order)).sort_values(
        ["_order", "indicator_id", "year", "target_id"], kind="mergesort").drop(columns="_order")
    if geo_id != NATION:
        national = targets[targets["geo_id"] == NATION].sort_values(["indicator_id", "year", "target_id"],
                                                                     kind="mergesort")
        mine = pd.concat([mine, national.assign(relation="national")])
    return mine.reset_index(drop=True)


def _typed(rows: list[dict], extra: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS + [c for c in extra if c not in TARGET_COLUMNS])
    for column in FLOAT_COLUMNS:
        frame[column] = frame[column].astype(float)
    for column in ("from_year", "latest_year"):
        frame[column] = frame[column].astype("Int64")
    return frame


def records(table: pd.DataFrame) -> list[dict]:
    return [{k: (None if v is pd.NA else v) for k, v in row.items()} for row in table.to_dict("records")]


def share_definitions(pkg, selection: pd.DataFrame) -> dict[str, str]:
    """target_id -> the definition the digital-economy report compares each selected share target on
    (``target_definitions``), for the targets that state none."""
    shares = selection[selection["indicator_id"] == SHARE_INDICATOR]
    first = nso_first_published(pkg) if not shares.empty else ""
    out: dict[str, str] = {}
    for geo_id in dict.fromkeys(shares["geo_id"]):
        placed = target_definitions(pkg, geo_id, first)
        out.update(zip(placed["target_id"], placed["compared_concept"]))
    return out


@series_ranking.checks_tables_once
def latest_values(pkg, selection: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Step 3: for every selected target, the series it is compared with (rule 1) and its latest value.

    One row per target with the scorecard columns (pace and assessment still empty) and the
    target's stated concept (``target_concept``), which the next steps read. ``lang`` is the validated
    parameters' (``P.lang``), decided once there; every word goes through ``text.t``.
    """
    cache = series_cache(pkg)
    definitions = share_definitions(pkg, selection)
    rows = []
    for target in records(selection):
        geo_id = target["geo_id"]
        meta = pkg.indicator(target["indicator_id"])
        kind = indicator_kind(meta["unit"], meta["direction"], meta["lower_bound"], meta["upper_bound"])
        stated = None if is_missing(target["concept"]) else str(target["concept"])
        rule = definitions.get(target["target_id"]) if stated is None else None
        found = target_data(pkg, geo_id, {**target, "concept": rule} if rule else target, cache, lang)
        if rule and found.definition_status == "same":  # still a definition the target does not state
            found = replace(found, definition_status="unstated")
        elif rule:  # no data on the report's definition: as any target that states none
            rule, found = None, target_data(pkg, geo_id, target, cache, lang)
        scope = None if is_missing(target["scope"]) else target["scope"]
        scope_mismatch = _is_regional_rank(kind, scope) and found.definition_status != "none"
        history = found.history
        latest = history.iloc[-1] if not history.empty else None
        high = None if is_missing(target["value_high"]) else float(target["value_high"])
        name = geography.geo_name(pkg, geo_id, lang)
        unverified = target.get("unverified_reason")
        rows.append({
            "target_id": target["target_id"], "relation": target["relation"],
            "relation_note": _relation_note(target["relation"], name, lang),
            "set_by_geo_id": geo_id, "set_by": name,
            "indicator_id": target["indicator_id"], "indicator": meta["name_vi"] if lang == "vi" else meta["name_en"],
            "target": target_text(target["comparator"], float(target["value"]), high, target["unit"], lang,
                                  nation=geography.geo_row(pkg, geo_id)["level"] == "nation"),
            "comparator": target["comparator"], "target_value": float(target["value"]), "target_value_high": high,
            "target_year": int(target["year"]),
            "from_year": None if is_missing(target["from_year"]) else int(target["from_year"]),
            "unit": target["unit"], "scope": scope,
            "instrument": data_texts.text_in(pkg, "instrument", target["instrument"], lang),  # data text in the language
            "target_source_id": target["source_id"], "series_concept": found.concept, "data_basis": found.basis,
            "latest_year": None if latest is None else int(latest["year"]),
            "latest_value": None if latest is None else float(latest["value"]),
            "latest_status": None if latest is None else latest["status"],
            "latest_source_id": None if latest is None else latest["source_id"],
            "target_year_value": None, "n_obs": int(len(latest_segment(history))),
            "definition_status": found.definition_status,
            "definition_note": _definition_note(found, stated, scope_mismatch, lang),
            "data_reason": found.reason,
            "required_growth_pct_per_year": None, "required_change_per_year": None,
            "required_places_per_year": None, "pace_note": "", "assessment": "", "assessment_group": "",
            "assessment_text": "", "assessment_ratio": None, "assessment_method": "", "assessment_note": "",
            "target_concept": stated or rule,
            "target_unverified_reason": None if is_missing(unverified) or not str(unverified).strip()
            else data_texts.text_in(pkg, "unverified_reason", unverified, lang),
        })
    return _typed(rows, STEP_COLUMNS)


@dataclass(frozen=True)
class _Route:
    """How one row is assessed (rule 3): a rule's category, or None for the progress method."""

    category: str | None
    kind: str
    history: pd.DataFrame | None  # the comparable history (None when not comparable)
    comparator: str


def _route(pkg, row: dict, as_of: int, cache: SeriesCache, lang: str) -> _Route:
    meta = pkg.indicator(row["indicator_id"])
    kind = indicator_kind(meta["unit"], meta["direction"], meta["lower_bound"], meta["upper_bound"])
    target = {"indicator_id": row["indicator_id"], "concept": row["target_concept"]}
    found = target_data(pkg, row["set_by_geo_id"], target, cache, lang)
    scope_mismatch = _is_regional_rank(kind, row["scope"]) and found.definition_status != "none"
    comparable = row["definition_status"] in ("same", "unstated") and not scope_mismatch
    comparator = row["comparator"]
    if not comparable:
        category = "no data on the target's definition" if row["definition_status"] != "none" else "no data"
        return _Route(category, kind, None, comparator)
    history = found.history
    if history.empty:
        return _Route("no data", kind, history, comparator)
    fit = latest_segment(history)  # progress is measured within one segment, never across a series break
    comparator = effective_comparator(comparator, row["target_value"], meta["direction"], float(fit["value"].iloc[0]))
    years = history["year"].tolist()
    target_year = int(row["target_year"])
    if not is_missing(row["from_year"]):
        return _Route("not assessed (period target)", kind, history, comparator)
    if target_year in years:
        return _Route("target year", kind, history, comparator)
    if target_has_passed(target_year, as_of):  # one rule with the digital-economy report
        return _Route("no value for the target year", kind, history, comparator)
    if kind == "rate":
        return _Route("not assessed (growth-rate target)", kind, history, comparator)
    return _Route(None, kind, history, comparator)


def _high(row: dict) -> float | None:
    return None if is_missing(row["target_value_high"]) else float(row["target_value_high"])


@series_ranking.checks_tables_once
def required_paces(pkg, table: pd.DataFrame, as_of: int, lang: str) -> pd.DataFrame:
    """Step 4: the pace each target needs from its latest value (rule 4), for the targets the
    progress method assesses; the others (passed, period, growth-rate, no data) get none."""
    cache = series_cache(pkg)
    rows = records(table)
    for row in rows:
        route = _route(pkg, row, as_of, cache, lang)
        if route.category is not None:
            continue
        history, value, high = route.history, row["target_value"], _high(row)
        latest_year, latest = int(history["year"].iloc[-1]), float(history["value"].iloc[-1])
        if bool(meets_target(latest, route.comparator, value, high)):
            row["pace_note"] = _say("pace_already_met", lang)
            continue
        level = target_level(route.comparator, value, high, latest)
        pace = required_pace(route.kind, latest, latest_year, level, int(row["target_year"]))
        row["required_growth_pct_per_year"] = pace["growth_pct"]
        row["required_change_per_year"] = pace["change_per_year"]
        row["required_places_per_year"] = pace["places_per_year"]
        rank = _say("rank_value", lang, number="{}") if route.kind == "rank" else "{}"
        start, end = (rank.format(fmt_number(v, lang, decimals_of(v))) for v in (latest, level))
        row["pace_note"] = _say("pace_note", lang, start=start, start_year=latest_year, end=end,
                                end_year=int(row["target_year"]))
    return _typed(rows, table.columns)


@series_ranking.checks_tables_once
def assess_targets(pkg, table: pd.DataFrame, as_of: int, lang: str) -> pd.DataFrame:
    """Step 5: the assessment of each target (rule 3): met / not met in the target year, a rule's
    category, or the Eurostat progress method (``progress_assessment``) on the latest segment."""
    cache = series_cache(pkg)
    rows = records(table)
    for row in rows:
        route = _route(pkg, row, as_of, cache, lang)
        category = route.category
        history = route.history
        target_year = int(row["target_year"])
        if category == "not assessed (period target)":
            from_year = int(row["from_year"])
            observed = [y for y in history["year"] if from_year <= y <= target_year]
            row["assessment_note"] = _say("period_note", lang, from_year=from_year, target_year=target_year,
                                          n=len(observed))
        elif category == "target year":
            reached = float(history.loc[history["year"] == target_year, "value"].iloc[0])
            row["target_year_value"] = reached
            category = "met" if bool(meets_target(reached, route.comparator, row["target_value"], _high(row))) \
                else "not met"
        elif category is None:
            fit = latest_segment(history)
            result = assess_progress(route.kind, fit["year"].tolist(), fit["value"].tolist(), route.comparator,
                                     row["target_value"], _high(row), target_year)
            row["assessment_ratio"] = result.score
            row["assessment_method"] = result.method
            row["assessment_note"] = result.note
            category = result.category
        row["assessment"] = category
        row["assessment_group"] = badge_of(category, row.get("target_unverified_reason"))
        row["assessment_text"] = category_text(category, lang)
    return _typed(rows, table.columns)


def badge_of(assessment: str, unverified: Any = None) -> str:
    """The status badge of a row: 'unverified' when the target itself is marked unverified in the
    data, else the badge of its assessment category (:data:`BADGES`)."""
    if not is_missing(unverified) and str(unverified).strip():
        return UNVERIFIED
    return BADGES[assessment]


# Share targets: the definition each is compared on


def geo_targets(pkg: data_package.DataPackage, geo_id: str) -> pd.DataFrame:
    """The digital-economy share targets registered for ``geo_id``."""
    t = pkg.targets
    picked = t[(t["geo_id"] == geo_id) & (t["indicator_id"] == SHARE_INDICATOR)]
    cols = ["target_id", "geo_id", "indicator_id", "concept", "comparator", "value", "value_high", "year", "unit",
            "instrument", "source_id"]
    out = picked[cols].copy()
    out["concept"] = out["concept"].astype(object).where(out["concept"].notna(), None)
    for col in ("value", "value_high"):
        out[col] = out[col].astype(float)
    out["year"] = out["year"].astype(int)
    return out.sort_values(["year", "target_id"]).reset_index(drop=True)


def nso_first_published(pkg: data_package.DataPackage) -> str:
    """The first publication date of the statistics office's value-added measure: the earliest release
    (the observation's ``published``, else its source's) of ANY ``nso`` observation of the share, every
    geography and vintage (not only the best row per year). '' when there is none."""
    obs = pkg.observations
    nso = obs[(obs["indicator_id"] == SHARE_INDICATOR) & (obs["concept"].astype(object) == "nso")]
    sources = pkg.sources.drop_duplicates("source_id").set_index("source_id")["published"]
    released = nso["published"].astype(object).where(nso["published"].notna(), nso["source_id"].map(sources))
    dates = sorted(str(d) for d in released.dropna() if str(d).strip())
    return dates[0] if dates else ""


def _date_bounds(text: str) -> tuple[str, str]:
    """The earliest and latest ISO day a partial date ('2024', '2024-12', '2024-12-05') can stand for."""
    text = str(text)
    return (text + "-01-01")[:10], (text + ("-12-31" if len(text) == 4 else "-31" if len(text) == 7 else ""))[:10]


def compared_on_definition(targets: pd.DataFrame, geo_id: str, first_nso: str,
                           source_dates: dict[str, str]) -> pd.DataFrame:
    """``targets`` with ``set_published`` (the target's source publication date, or that of a dated source
    of the same instrument), ``compared_concept`` (the definition it is compared on) and ``compared_rule``
    (why): 'stated' (its own), 'provincial' (ministry: the only measure published for provinces), 'set after
    nso' / 'set before nso' (its date vs the statistics office's first publication ``first_nso``), 'date
    unknown' (ministry, the rule cannot place it)."""
    out = targets.copy()
    dates = out["source_id"].map(lambda s: str(source_dates.get(s) or ""))
    by_instrument = {}
    for instrument, date in zip(out["instrument"], dates):
        if date and (instrument not in by_instrument or date < by_instrument[instrument]):
            by_instrument[instrument] = date
    dates = [d or by_instrument.get(i, "") for d, i in zip(dates, out["instrument"])]
    placed = []
    first = _date_bounds(first_nso)[0] if first_nso else ""
    for stated, date in zip(out["concept"], dates):
        if stated is not None and not (isinstance(stated, float) and math.isnan(stated)):
            placed.append((str(stated), "stated"))
        elif geo_id != NATION:
            placed.append((PROVINCIAL_TARGET_CONCEPT, "provincial"))
        elif date and first and _date_bounds(date)[0] >= first:
            placed.append(("nso", "set after nso"))
        elif date and first and _date_bounds(date)[1] < first:
            placed.append((UNSTATED_TARGET_CONCEPT, "set before nso"))
        else:
            placed.append((UNSTATED_TARGET_CONCEPT, "date unknown"))
    concepts, rules = [c for c, _ in placed], [r for _, r in placed]
    return out.assign(set_published=dates, compared_concept=concepts, compared_rule=rules)


def target_definitions(pkg: data_package.DataPackage, geo_id: str, first_nso: str | None = None) -> pd.DataFrame:
    """The share targets of ``geo_id`` with the definition each is compared on (:func:`compared_on_definition`
    with the package's source dates and ``first_nso``, by default :func:`nso_first_published`). The scorecard
    reads a share target on the same definition, so one target never reads two ways."""
    first = nso_first_published(pkg) if first_nso is None else first_nso
    source_dates = pkg.sources.drop_duplicates("source_id").set_index("source_id")["published"].dropna().to_dict()
    return compared_on_definition(geo_targets(pkg, geo_id), geo_id, first, source_dates)


