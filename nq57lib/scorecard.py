"""The Resolution 57 scorecard, step by step: every registered target of a geography, where it
stands, what it needs, and where the geography stands among the provinces.

The ``scorecard`` notebook calls these steps in order, one per cell:

1. :func:`select_targets` — the targets of the geography (for a merged 2025 unit also its old
   provinces' targets, for an old province also its successor's, marked in ``relation``) and,
   unless the geography is the nation, the national targets (``relation`` 'national'): a table the
   researcher can edit (drop or add rows) before the next step;
2. ``data.as_of_year`` — the year the scorecard is assessed at;
3. :func:`latest_values` — the series each target is compared with and its latest value;
4. :func:`required_paces` — the pace each target needs from the latest value;
5. :func:`assess_targets` — the assessment of each target (``progress_assessment``);
6. :func:`cross_province_panels` and :func:`panel_charts` — cross-province tables and charts;
7. :func:`summary` and :func:`reader_table` — what a reader sees: a short summary and one table;
8. :func:`results` — the machine-readable tables and scalars the notebook saves.

Rules (they are the scorecard's only "assumptions"; each is a documented reading of the data, not
a number chosen by us):

1. **Series.** A target is compared with the geography's best observation per year
   (:func:`nq57lib.data.series`) on the target's concept; when the target does not state one, on
   the indicator's first concept with data, and the row says so (``definition_status`` 'unstated').
   When the target states a concept that has no data while another one has, the latest value on
   the other concept is shown for context and the target is *not* assessed ('different').
   A merged 2025 unit without its own data uses :func:`nq57lib.data.merged_series` (the sum of its
   old provinces, for additive indicators or shares with additive parts); otherwise it has no data.
   'plan' figures (budget estimates) are intentions, not outcomes, and are left out.
   A rank target set within a region (e.g. "top 3 in Southeast Asia") is not compared with world
   ranks.
2. **As-of year.** A target year has passed when it is before the year of the newest publication
   date among the observations (the data vintage), so a report is reproducible from its data.
3. **Assessment.**
   - a value for the target year exists: 'met' / 'not met' (``share_projection.meets_target``);
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
   - a digital-economy share target is read as the digital-economy report reads it: on the definition that
     report compares it on (``digital_economy.target_definitions``: the one in use when the target was set),
     with the other definition beside it: 'depends on the definition' when the two disagree
     (``progress_assessment.status_across_definitions``), and a passed target without a value for its year on
     its definition judged on the other one when that has it. So one target never reads two ways.
   An '=' target ("about X") is read as a level to reach in the indicator's good direction ('>='
   when higher is better, '<=' for ranks), or, for a neutral indicator, from the side of the first
   observation (``share_projection.reached_comparator``).
4. **Required pace** from the latest value to the target level (the target value, or the nearer end
   of a range): for shares and levels the constant relative growth (% a year) and the absolute
   change per year (``share_projection.required_growth_pct`` / ``required_pp_per_year`` for shares, the
   same formulas in :func:`required_pace` for unbounded levels); for ranks the places to gain per
   year. None when the latest value already meets the target or the target year is not after it.

Every word a reader sees comes from the ``[scorecard]`` section of the locale files.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import data
from .errors import ParameterError, check_choice, check_int, check_number
from .formatting import comparator_text, fmt_number
from .progress_assessment import (DEPENDS_ON_DEFINITION, EUROSTAT_SHORT_TERM_YEARS, NOT_ASSESSED_STATUSES,
                                  STATUS_OF_CATEGORY, ProgressAssessment, assess_headline, eurostat_category,
                                  status_across_definitions)
from .provenance import DERIVED, Assumption
from .report_view import assumptions_frame, source_ids_in, sources_frame
from .share_projection import (meets_target, reached_comparator, required_growth_pct, required_pp_per_year,
                               target_level)
from .text import plain, section, t

NOTEBOOK = "scorecard"
NATION = "vn"
OUTCOME_STATUSES = ("official", "preliminary", "estimate")  # 'plan' is an intention, not an outcome
RATE_UNITS = ("% y/y", "% per year")
REGIONAL_SCOPES = ("southeast asia", "asean")

DEPENDS_CATEGORY = "depends on the definition"  # a share target whose two definitions give different statuses
OTHER_DEFINITION_METHOD = "target year on the other definition"  # a passed share target judged on the other one
# Assessment category -> status badge of the reader table. The progress categories' statuses are
# ``progress_assessment.STATUS_OF_CATEGORY``, the statuses the digital-economy report shows.
BADGES = {
    **STATUS_OF_CATEGORY, "met": "met", "not met": "not met", "no data": "no data",
    DEPENDS_CATEGORY: DEPENDS_ON_DEFINITION,
    "no data on the target's definition": "other definition", "no value for the target year": "target year passed",
    "not assessed (period target)": "not assessed", "not assessed (growth-rate target)": "not assessed",
}
UNVERIFIED = "unverified"  # the badge of a target the data mark unverified, whatever its assessment
# The groups the summary counts are the badges (``assessment_group`` is the row's badge), so the summary's
# counts always match the badges in the table; in the order the summary lists them.
GROUP_ORDER = ("met", "not met", "on track", "at risk", "off track", DEPENDS_ON_DEFINITION, "insufficient data",
               "no data", "other definition", "target year passed", "not assessed", UNVERIFIED)
NO_DATA_CATEGORIES = ("no data", "no data on the target's definition")  # not compared with data

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
PANEL_COLUMNS = ["geo_id", "name", "level", "value", "unit", "rank_out_of", "year", "concept", "status",
                 "source_id", "place", "n_listed", "highlight"]


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
    ``base_value`` (the first observation), as ``share_projection.reached_comparator`` reads it.
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
    Shares use ``share_projection.required_growth_pct`` and ``required_pp_per_year``; unbounded levels the
    same formulas here, because the projection functions check that values lie within 0-100.
    """
    check_choice("kind", kind, ("rank", "share", "level"))
    latest = check_number("latest", latest)
    level = check_number("level", level)
    latest_year = check_int("latest_year", latest_year, low=1900, high=2100)
    target_year = check_int("target_year", target_year, low=1900, high=2100)
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
    target_year = check_int("target_year", target_year, low=1900, high=2100)
    pairs = sorted(zip((check_int("years", int(y), low=1900, high=2100) for y in years),
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


def count_assessments(rows: pd.DataFrame) -> dict[str, int]:
    """Counts per assessment group (the rows' badges: :data:`GROUP_ORDER`), plus ``n_targets`` and
    ``n_with_data`` (the targets compared with data on their definition, whatever their badge)."""
    groups = rows["assessment_group"] if not rows.empty else pd.Series(dtype=object)
    counts = {"n_targets": int(len(rows))}
    for group in GROUP_ORDER:
        counts["n_" + group.replace(" ", "_")] = int((groups == group).sum())
    assessments = rows["assessment"] if not rows.empty else pd.Series(dtype=object)
    counts["n_with_data"] = counts["n_targets"] - int(assessments.isin(NO_DATA_CATEGORIES).sum())
    return counts


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
    and concept. Valid while the package's tables are unedited (``data.TableSnapshot``)."""

    def __init__(self, pkg):
        self._pkg = weakref.ref(pkg)  # not a strong reference: the cache must not keep its package alive
        self.snapshot = data.TableSnapshot.of(pkg)
        self._own: dict = {}
        self._merged: dict = {}
        self.targets: dict = {}  # (geo_id, indicator_id, stated concept, lang) -> TargetData

    def own(self, geo_id: str, indicator_id: str, concept: str | None) -> pd.DataFrame:
        key = (geo_id, indicator_id, concept)
        if key not in self._own:
            frame = data.series(self.pkg, geo_id, indicator_id, concept, statuses=OUTCOME_STATUSES)
            self._own[key] = frame.assign(basis="own series")
        return self._own[key]

    @property
    def pkg(self):
        return self._pkg()

    def merged(self, geo_id: str, indicator_id: str, concept: str | None) -> pd.DataFrame:
        key = (geo_id, indicator_id, concept)
        if key not in self._merged:
            self._merged[key] = data.merged_series(self.pkg, geo_id, indicator_id, concept,
                                                   statuses=OUTCOME_STATUSES)
        return self._merged[key]


# One series cache per data package object, shared by the steps of a notebook; it goes with the package
# (weak keys), so nothing of one notebook's data outlives it (a warm kernel's next notebook loads its own).
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cache_for(pkg) -> SeriesCache:
    """The series cache of this data package (created on first use, and again after its tables were edited)."""
    cache = _CACHE.get(pkg)
    if cache is None or not cache.snapshot.matches(pkg):
        cache = _CACHE[pkg] = SeriesCache(pkg)
    return cache


def _merged_history(pkg, merged: pd.DataFrame, indicator_id: str, concept: str | None) -> pd.DataFrame:
    """Rows of a merged series with a value, in the shape of ``data.series`` (segment from the break year)."""
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
    stated = None if _missing(target["concept"]) else str(target["concept"])
    key = (geo_id, indicator_id, stated, lang)
    if key not in cache.targets:
        cache.targets[key] = _target_data(pkg, geo_id, indicator_id, stated, cache, lang)
    return cache.targets[key]


def _target_data(pkg, geo_id: str, indicator_id: str, stated: str | None, cache: SeriesCache, lang: str) -> TargetData:
    frame, basis, reason = cache.own(geo_id, indicator_id, stated), "own series", ""
    if frame.empty and data.old_units(pkg, geo_id):
        merged = cache.merged(geo_id, indicator_id, stated)
        parts = [cache.own(old, indicator_id, stated) for old in data.old_units(pkg, geo_id)]
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


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _is_regional_rank(kind: str, scope: Any) -> bool:
    return kind == "rank" and isinstance(scope, str) and any(s in scope.lower() for s in REGIONAL_SCOPES)


def _latest_segment(history: pd.DataFrame) -> pd.DataFrame:
    """The observations after the last series break (all of them when there is none)."""
    if history.empty:
        return history
    return history[history["segment"] == history["segment"].max()].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Words for one row
# ------------------------------------------------------------------------------------------------


def _decimals_of(*values: Any) -> int:
    """Fewest decimals (0-3) that print every value exactly, so '35' stays '35' and '0.8' '0.8'."""
    for decimals in range(4):
        if all(v is None or pd.isna(v) or abs(round(float(v), decimals) - float(v)) < 1e-9 for v in values):
            return decimals
    return 3


def unit_text(unit: str, lang: str) -> str:
    """The unit in ``lang`` (Vietnamese from ``labels.csv`` of the data package; the stored unit otherwise)."""
    if lang == "vi":
        return data.label("unit", unit, "vi", default=unit)
    return _say("unit_index", lang) if unit == "index 0-1" else unit


def target_text(comparator: str, value: float, value_high: Any, unit: str, lang: str) -> str:
    """A target in words: '≥ 35 % of GRDP', 'rank ≤ 15', '40–50 organisations'."""
    high = None if _missing(value_high) else float(value_high)
    condition = comparator_text(comparator, float(value), high, lang, _decimals_of(value, high))
    if unit == "rank":
        return _say("rank_prefix", lang) + condition
    return f"{condition} {unit_text(unit, lang)}"


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
    relations.update({old: "old unit" for old in data.old_units(pkg, geo_id)})
    after = data.successor(pkg, geo_id)
    if after:
        relations[after] = "successor"
    return relations


def select_targets(pkg, geo_id: str) -> pd.DataFrame:
    """Step 1: the registered targets the scorecard scores for ``geo_id``, one row each (``pkg.targets``
    columns plus ``relation``): its own, its old provinces' or successor's, then the national ones
    ('national'; none when the geography is the nation). Edit the table to score fewer or other targets.
    """
    geo_id = data.resolve_geo(geo_id, pkg, name="geo")
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


def _records(table: pd.DataFrame) -> list[dict]:
    return [{k: (None if v is pd.NA else v) for k, v in row.items()} for row in table.to_dict("records")]


def share_definitions(pkg, selection: pd.DataFrame) -> dict[str, str]:
    """target_id -> the definition the digital-economy report compares each selected share target on
    (``digital_economy.target_definitions``), for the targets that state none."""
    from . import digital_economy

    shares = selection[selection["indicator_id"] == digital_economy.INDICATOR]
    first = digital_economy.nso_first_published(pkg) if not shares.empty else ""
    out: dict[str, str] = {}
    for geo_id in dict.fromkeys(shares["geo_id"]):
        placed = digital_economy.target_definitions(pkg, geo_id, first)
        out.update(zip(placed["target_id"], placed["compared_concept"]))
    return out


def latest_values(pkg, selection: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Step 3: for every selected target, the series it is compared with (rule 1) and its latest value.

    One row per target with the scorecard columns (pace and assessment still empty) and the
    target's stated concept (``target_concept``), which the next steps read.
    """
    check_choice("lang", lang, ("en", "vi"))
    cache = _cache_for(pkg)
    definitions = share_definitions(pkg, selection)
    rows = []
    for target in _records(selection):
        geo_id = target["geo_id"]
        meta = pkg.indicator(target["indicator_id"])
        kind = indicator_kind(meta["unit"], meta["direction"], meta["lower_bound"], meta["upper_bound"])
        stated = None if _missing(target["concept"]) else str(target["concept"])
        rule = definitions.get(target["target_id"]) if stated is None else None
        found = target_data(pkg, geo_id, {**target, "concept": rule} if rule else target, cache, lang)
        if rule and found.definition_status == "same":  # still a definition the target does not state
            found = replace(found, definition_status="unstated")
        elif rule:  # no data on the report's definition: as any target that states none
            rule, found = None, target_data(pkg, geo_id, target, cache, lang)
        scope = None if _missing(target["scope"]) else target["scope"]
        scope_mismatch = _is_regional_rank(kind, scope) and found.definition_status != "none"
        history = found.history
        latest = history.iloc[-1] if not history.empty else None
        high = None if _missing(target["value_high"]) else float(target["value_high"])
        name = data.geo_name(pkg, geo_id, lang)
        unverified = target.get("unverified_reason")
        rows.append({
            "target_id": target["target_id"], "relation": target["relation"],
            "relation_note": _relation_note(target["relation"], name, lang),
            "set_by_geo_id": geo_id, "set_by": name,
            "indicator_id": target["indicator_id"], "indicator": meta["name_vi"] if lang == "vi" else meta["name_en"],
            "target": target_text(target["comparator"], float(target["value"]), high, target["unit"], lang),
            "comparator": target["comparator"], "target_value": float(target["value"]), "target_value_high": high,
            "target_year": int(target["year"]),
            "from_year": None if _missing(target["from_year"]) else int(target["from_year"]),
            "unit": target["unit"], "scope": scope, "instrument": target["instrument"],
            "target_source_id": target["source_id"], "series_concept": found.concept, "data_basis": found.basis,
            "latest_year": None if latest is None else int(latest["year"]),
            "latest_value": None if latest is None else float(latest["value"]),
            "latest_status": None if latest is None else latest["status"],
            "latest_source_id": None if latest is None else latest["source_id"],
            "target_year_value": None, "n_obs": int(len(_latest_segment(history))),
            "definition_status": found.definition_status,
            "definition_note": _definition_note(found, stated, scope_mismatch, lang),
            "data_reason": found.reason,
            "required_growth_pct_per_year": None, "required_change_per_year": None,
            "required_places_per_year": None, "pace_note": "", "assessment": "", "assessment_group": "",
            "assessment_text": "", "assessment_ratio": None, "assessment_method": "", "assessment_note": "",
            "target_concept": stated or rule,
            "target_unverified_reason": None if _missing(unverified) or not str(unverified).strip() else unverified,
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
    fit = _latest_segment(history)  # progress is measured within one segment, never across a series break
    comparator = effective_comparator(comparator, row["target_value"], meta["direction"], float(fit["value"].iloc[0]))
    years = history["year"].tolist()
    target_year = int(row["target_year"])
    if not _missing(row["from_year"]):
        return _Route("not assessed (period target)", kind, history, comparator)
    if target_year in years:
        return _Route("target year", kind, history, comparator)
    if target_year < as_of:
        return _Route("no value for the target year", kind, history, comparator)
    if kind == "rate":
        return _Route("not assessed (growth-rate target)", kind, history, comparator)
    return _Route(None, kind, history, comparator)


def _high(row: dict) -> float | None:
    return None if _missing(row["target_value_high"]) else float(row["target_value_high"])


def required_paces(pkg, table: pd.DataFrame, as_of: int, lang: str) -> pd.DataFrame:
    """Step 4: the pace each target needs from its latest value (rule 4), for the targets the
    progress method assesses; the others (passed, period, growth-rate, no data) get none."""
    cache = _cache_for(pkg)
    rows = _records(table)
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
        start, end = (rank.format(fmt_number(v, lang, _decimals_of(v))) for v in (latest, level))
        row["pace_note"] = _say("pace_note", lang, start=start, start_year=latest_year, end=end,
                                end_year=int(row["target_year"]))
    return _typed(rows, table.columns)


def assess_targets(pkg, table: pd.DataFrame, as_of: int, lang: str) -> pd.DataFrame:
    """Step 5: the assessment of each target (rule 3): met / not met in the target year, a rule's
    category, or the Eurostat progress method (``progress_assessment``) on the latest segment."""
    cache = _cache_for(pkg)
    rows = _records(table)
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
            fit = _latest_segment(history)
            result = assess_progress(route.kind, fit["year"].tolist(), fit["value"].tolist(), route.comparator,
                                     row["target_value"], _high(row), target_year)
            row["assessment_ratio"] = result.score
            row["assessment_method"] = result.method
            row["assessment_note"] = result.note
            category = result.category
        if row["indicator_id"] == SHARE_INDICATOR and route.history is not None and category in BESIDE_CATEGORIES:
            category = _beside_other_definitions(pkg, row, route, category, cache, lang)
        row["assessment"] = category
        row["assessment_group"] = badge_of(category, row.get("target_unverified_reason"))
        row["assessment_text"] = category_text(category, lang)
    return _typed(rows, table.columns)


SHARE_INDICATOR = "de_share_pct"  # read on both definitions, as the digital-economy report reads it
# Categories a share target's other definition can change: a verdict in the target year or a progress category.
BESIDE_CATEGORIES = ("met", "not met", "no value for the target year", *STATUS_OF_CATEGORY)


def _beside_other_definitions(pkg, row: dict, route: _Route, category: str, cache: SeriesCache, lang: str) -> str:
    """A share target's category with its other definitions beside it (rule 3, as the digital-economy report's
    one-minute answer reads it): 'depends on the definition' when they disagree, or a passed target judged on
    the other definition when only that one has a value for the target year. Sets the row's note."""
    compared = str(route.history["concept"].iloc[0]) if not route.history.empty else row["target_concept"]
    others = {}
    for concept in str(pkg.indicator(row["indicator_id"])["concepts"]).split("|"):
        found = target_data(pkg, row["set_by_geo_id"], {"indicator_id": row["indicator_id"], "concept": concept},
                            cache, lang)
        if concept != compared and found.definition_status == "same":
            others[concept] = _latest_segment(found.history)
    target_year, value, high = int(row["target_year"]), row["target_value"], _high(row)
    if category in STATUS_OF_CATEGORY:  # a target ahead: each definition's progress status
        statuses = {compared: STATUS_OF_CATEGORY[category]}
        for concept, history in others.items():
            result = assess_progress("share", history["year"].tolist(), history["value"].tolist(), route.comparator,
                                     value, high, target_year)
            statuses[concept] = STATUS_OF_CATEGORY[result.category]
        status = status_across_definitions(statuses, compared, default="insufficient data")
    else:  # a passed target: met / not met on each definition with a value for its year
        statuses = {compared: category} if category in ("met", "not met") else {}
        values = {}
        for concept, history in others.items():
            hit = history[history["year"] == target_year]
            if not hit.empty:
                values[concept] = float(hit["value"].iloc[0])
                ok = meets_target(values[concept], route.comparator, value, high)
                statuses[concept] = "met" if bool(ok) else "not met"
        status = status_across_definitions(statuses, compared, default=category)
        if status in ("met", "not met") and compared not in statuses:
            other = next(iter(values))
            row["target_year_value"], row["assessment_method"] = values[other], OTHER_DEFINITION_METHOD
            row["assessment_note"] = _say("table.footnote_other_definition", lang, concept=concept_text(compared, lang),
                                          other=concept_text(other, lang))
            return status
    if status != DEPENDS_ON_DEFINITION:
        return category
    words = section("scorecard.badge", lang)
    row["assessment_note"] = _say("table.footnote_depends", lang, parts=", ".join(
        _say("depends_part", lang, status=words[s], concept=concept_text(c, lang))
        for c, s in statuses.items() if s not in NOT_ASSESSED_STATUSES))
    return DEPENDS_CATEGORY


# ------------------------------------------------------------------------------------------------
# Step 6: cross-province panels
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelSpec:
    """One cross-province table: an indicator on one concept, in its most complete year."""

    key: str
    indicator_id: str
    concept: str
    include_nation: bool = False


PANELS = (
    PanelSpec("de_share_ministry", "de_share_pct", "ministry", include_nation=True),
    PanelSpec("dti_rank_basis_63", "dti_rank", "basis_63"),
    PanelSpec("dti_rank_basis_34", "dti_rank", "basis_34"),
    PanelSpec("pii_rank_basis_63", "pii_rank", "basis_63"),
    PanelSpec("pii_rank_basis_34", "pii_rank", "basis_34"),
    PanelSpec("grdp_growth", "grdp_growth_pct", "standard", include_nation=True),
)
# From this year the panels list the 34 units of 1 July 2025 (issue 23); before it the 63 provinces.
# A concept that names its basis (basis_63, basis_34) keeps that basis whatever the year.
PANEL_34_FROM = 2024


def _panel_units(pkg, candidates: pd.DataFrame, concept: str) -> pd.DataFrame:
    """The candidates of the unit system each row's year (or the concept's basis) calls for, and the nation."""
    in_34 = set(data.units(pkg, "34")) | {NATION}
    in_63 = set(data.units(pkg, "63")) | {NATION}
    if concept == "basis_63":
        keep = candidates["geo_id"].isin(in_63)
    elif concept == "basis_34":
        keep = candidates["geo_id"].isin(in_34)
    else:
        late = candidates["year"] >= PANEL_34_FROM
        keep = (late & candidates["geo_id"].isin(in_34)) | (~late & candidates["geo_id"].isin(in_63))
    return candidates[keep.to_numpy(dtype=bool)]


def panel_candidates(pkg, indicator_id: str, concept: str) -> pd.DataFrame:
    """Every outcome observation of one indicator and concept, with the producer's tier, ranked per
    (geography, year) as ``data.series`` ranks them (``data.ranked_across_geographies``): ``rank`` 1 is
    the observation ``data.series`` picks for that geography and year. From ``PANEL_34_FROM`` only the
    34 units (and the nation) are listed, before it only the 63 provinces; a basis_63 or basis_34
    concept keeps its own basis.
    """
    return _panel_units(pkg, data.ranked_across_geographies(pkg, indicator_id, concept, OUTCOME_STATUSES), concept)


def panel_year(candidates: pd.DataFrame) -> int | None:
    """The most complete year (most units observed; the later one on a tie).

    Newer tables are often partial press lists (a top 10); the most complete one places the most
    provinces. Returns None when there is nothing.
    """
    if candidates.empty:
        return None
    counts = candidates.groupby("year")["geo_id"].nunique()
    best = counts.max()
    return int(max(counts[counts == best].index))


def highlight_roles(pkg, geo_id: str) -> dict[str, str]:
    """geo_id -> role for the panels: the same units as :func:`related_geos`, the geography itself
    named 'geography' (the panels' legend word) instead of 'own'."""
    return {geo: "geography" if relation == "own" else relation for geo, relation in related_geos(pkg, geo_id).items()}


def panel_table(pkg, spec: PanelSpec, roles: dict[str, str], lang: str) -> pd.DataFrame:
    """The best observation per unit in the panel's most complete year, sorted best first.

    ``place`` is the unit's position among the provinces listed (the nation excluded): for a share,
    by value, highest first (derived: the listing is not an official ranking unless every province
    is in it); for a rank, by rank. ``rank_out_of`` is the published number of units ranked.
    """
    candidates = panel_candidates(pkg, spec.indicator_id, spec.concept)
    year = panel_year(candidates)
    if year is None:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    best = candidates[(candidates["year"] == year) & (candidates["rank"] == 1)].copy()
    best = best[best["comparator"].isna()]  # a bound ("32nd or lower") is never placed as a value
    geo = pkg.geography.set_index("geo_id")
    best["level"] = best["geo_id"].map(geo["level"])
    if not spec.include_nation:
        best = best[best["level"] != "nation"]
    kind = "rank" if pkg.indicator(spec.indicator_id)["unit"] == "rank" else "value"
    best["value"] = best["value"].astype(float)
    best = best.sort_values(["value", "geo_id"], ascending=[kind == "rank", True], kind="mergesort")
    provinces = best["level"] != "nation"
    best["place"] = pd.Series(pd.NA, index=best.index, dtype="Int64")
    best.loc[provinces, "place"] = np.arange(1, int(provinces.sum()) + 1)
    best["n_listed"] = int(provinces.sum())
    # Plain names: within one unit system (63 or 34) they are unambiguous, and shorter on a chart.
    best["name"] = best["geo_id"].map(geo["name_vi" if lang == "vi" else "name_en"])
    best["highlight"] = best["geo_id"].map(roles).fillna("")
    best["rank_out_of"] = best["rank_out_of"].astype("Int64")
    return best[PANEL_COLUMNS].reset_index(drop=True)


def cross_province_panels(pkg, geo_id: str, lang: str, specs: Sequence[PanelSpec] = PANELS) -> dict[str, pd.DataFrame]:
    """Step 6: one cross-province table per panel spec (key -> table; empty when there are no data),
    the geography and its old units or successor marked in ``highlight``."""
    geo_id = data.resolve_geo(geo_id, pkg, name="geo")
    roles = highlight_roles(pkg, geo_id)
    return {spec.key: panel_table(pkg, spec, roles, lang) for spec in specs}


def newer_partial_years(pkg, spec: PanelSpec, year: int) -> list[int]:
    """Years after the panel's year that have some observations on the same concept (partial lists)."""
    candidates = panel_candidates(pkg, spec.indicator_id, spec.concept)
    return sorted(int(y) for y in candidates["year"].unique() if y > year)


def panel_scalars(spec: PanelSpec, table: pd.DataFrame, geo_id: str) -> dict[str, Any]:
    """The geography's value and place in one panel, and every highlighted row."""
    key = spec.key
    if table.empty:
        return {f"{key}_year": None, f"{key}_value": None, f"{key}_place": None, f"{key}_n_listed": 0,
                f"{key}_highlighted": []}
    own = table[table["geo_id"] == geo_id]
    highlighted = [{"geo_id": r.geo_id, "role": r.highlight, "value": float(r.value),
                    "place": None if pd.isna(r.place) else int(r.place)}
                   for r in table[table["highlight"] != ""].itertuples()]
    return {
        f"{key}_year": int(table["year"].iloc[0]),
        f"{key}_value": None if own.empty else float(own["value"].iloc[0]),
        f"{key}_place": None if own.empty or pd.isna(own["place"].iloc[0]) else int(own["place"].iloc[0]),
        f"{key}_n_listed": int(table["n_listed"].iloc[0]),
        f"{key}_rank_out_of": None if table["rank_out_of"].isna().all() else int(table["rank_out_of"].max()),
        f"{key}_highlighted": highlighted,
    }


def panel_title(pkg, spec: PanelSpec, year: int, lang: str) -> str:
    meta = pkg.indicator(spec.indicator_id)
    name = meta["name_vi"] if lang == "vi" else meta["name_en"]
    return _say("panel_title", lang, indicator=name, year=year, concept=concept_text(spec.concept, lang))


def _spec(key: str) -> PanelSpec:
    return next(s for s in PANELS if s.key == key)


class PanelCharts(list):
    """The panel figures; displayed one after the other (and freed) when shown in a notebook."""

    def _ipython_display_(self):
        from .report_view import show

        for fig in self:
            show(fig)


def panel_charts(pkg, panels: Mapping[str, pd.DataFrame], lang: str) -> PanelCharts:
    """Step 6b: one sorted bar chart per non-empty panel (``charts.scorecard_charts.plot_panel``)."""
    from .charts.scorecard_charts import plot_panel

    publishers = pkg.sources.set_index("source_id")["publisher"]
    figures = PanelCharts()
    for key, table in panels.items():
        if table.empty:
            continue
        spec = _spec(key)
        unit = pkg.indicator(spec.indicator_id)["unit"]
        sources = list(dict.fromkeys(publishers.get(s, s) for s in table["source_id"]))  # names, not ids
        notes = [_say("ministry_note", lang)] if spec.concept == "ministry" else []
        n_listed, out_of = int(table["n_listed"].iloc[0]), table["rank_out_of"].max()
        if pd.notna(out_of) and n_listed < int(out_of):
            notes.append(_say("partial_list_note", lang, n=n_listed, out_of=int(out_of)))
        figures.append(plot_panel(table, kind="rank" if unit == "rank" else "value",
                                  title=panel_title(pkg, spec, int(table["year"].iloc[0]), lang),
                                  unit=unit_text(unit, lang), lang=lang, sources=sources, footnotes=notes))
    return figures


# ------------------------------------------------------------------------------------------------
# Step 7: what a reader sees — the summary and the table
# ------------------------------------------------------------------------------------------------


def _counts_sentence(counts: dict[str, int], lang: str) -> str:
    words = section("scorecard.group", lang)
    return ", ".join(f"{counts['n_' + g.replace(' ', '_')]} {words[g]}" for g in GROUP_ORDER
                     if counts["n_" + g.replace(" ", "_")])


def _ordinal(n: int, lang: str) -> str:
    if lang == "vi":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _own_paragraph(pkg, geo_id: str, own: pd.DataFrame, as_of: int, lang: str) -> str:
    name = data.geo_name(pkg, geo_id, lang)
    if own.empty:
        return _say("no_targets", lang, name=name)
    counts = count_assessments(own)
    key = "own_targets_one" if counts["n_targets"] == 1 else "own_targets_many"
    return _say(key, lang, name=name, n=counts["n_targets"], n_with_data=counts["n_with_data"], as_of=as_of,
                counts=_counts_sentence(counts, lang))


def _related_paragraph(pkg, geo_id: str, related: pd.DataFrame, lang: str) -> str:
    name = data.geo_name(pkg, geo_id, lang)
    olds, after = data.old_units(pkg, geo_id), data.successor(pkg, geo_id)
    out = []
    if olds:
        out.append(_say("formed_from", lang, name=name, names=", ".join(data.geo_name(pkg, g, lang) for g in olds)))
    if after:
        out.append(_say("merged_into", lang, name=name, successor=data.geo_name(pkg, after, lang)))
    if not out:
        return ""
    if related.empty:
        return " ".join(out) + _say("related_none", lang)
    counts = count_assessments(related)
    if olds:
        per_unit = related.groupby("set_by_geo_id", sort=False).size()
        by_unit = ", ".join(f"{data.geo_name(pkg, g, lang)}: {n}" for g, n in per_unit.items())
        out.append(_say("related_olds", lang, n=counts["n_targets"], by_unit=by_unit,
                        counts=_counts_sentence(counts, lang)))
    else:
        out.append(_say("related_successor", lang, n=counts["n_targets"], counts=_counts_sentence(counts, lang)))
    return " ".join(out)


def _de_share_sentence(pkg, geo_id: str, lang: str) -> str:
    name = data.geo_name(pkg, geo_id, lang)
    latest = latest_de_share(pkg, geo_id)
    if latest is None:
        return _say("de_share_none", lang, name=name)
    return _say("de_share", lang, name=name, value=fmt_number(latest["value"], lang, 2), year=int(latest["year"]),
                concept=concept_text(latest["concept"], lang), status=data.label("status", latest["status"], lang))


def _panel_sentence(pkg, spec: PanelSpec, table: pd.DataFrame, geo_id: str, lang: str) -> str:
    """Where the geography (and its old units or successor) stands in one cross-province table."""
    meta = pkg.indicator(spec.indicator_id)
    if table.empty:
        return _say("panel_missing", lang, indicator=meta["name_vi" if lang == "vi" else "name_en"],
                    concept=concept_text(spec.concept, lang))
    year = int(table["year"].iloc[0])
    n = int(table["n_listed"].iloc[0])
    out_of = None if table["rank_out_of"].isna().all() else int(table["rank_out_of"].max())
    listed = (_say("panel_listed_of", lang, n=n, out_of=out_of) if out_of is not None and out_of != n
              else _say("panel_listed", lang, n=n))
    sentences = [f"*{panel_title(pkg, spec, year, lang)}* ({listed})."]
    prefixes = {"geography": "", "old unit": _say("prefix_old_unit", lang), "successor": _say("prefix_successor", lang)}
    for role in ("geography", "old unit", "successor"):
        for r in table[table["highlight"] == role].itertuples():
            prefix, value = prefixes[role], fmt_number(r.value, lang, 2)
            if r.level == "nation":
                sentences.append(_say("position_nation", lang, prefix=prefix, name=r.name, value=value))
            elif meta["unit"] == "rank":
                total = r.rank_out_of if not pd.isna(r.rank_out_of) else out_of
                sentences.append(_say("position_rank", lang, prefix=prefix, name=r.name,
                                      ordinal=_ordinal(int(r.value), lang), total=total))
            else:
                sentences.append(_say("position_value", lang, prefix=prefix, name=r.name, value=value,
                                      ordinal=_ordinal(int(r.place), lang), n=int(r.n_listed)))
    if geo_id not in set(table["geo_id"]) and geo_id != NATION:
        sentences.append(_absence(pkg, spec, geo_id, year, lang))
    newer = newer_partial_years(pkg, spec, year)
    if newer:
        sentences.append(_say("panel_newer", lang, years=", ".join(str(y) for y in newer), year=year))
    return " ".join(sentences)


def _absence(pkg, spec: PanelSpec, geo_id: str, year: int, lang: str) -> str:
    """Why the geography is not in a panel: it did not exist in that unit system, or it is not in the data."""
    name = data.geo_name(pkg, geo_id, lang)
    row = data.geo_row(pkg, geo_id)
    if pd.notna(row["valid_from"]) and spec.concept != "basis_34" and year < data.MERGER_YEAR:
        return _say("absent_formed_later", lang, name=name)
    if pd.notna(row["valid_to"]) and spec.concept == "basis_34":
        return _say("absent_merged", lang, name=name)
    return _say("absent", lang, name=name)


@dataclass(frozen=True)
class Summary:
    """The report's title and its short answer, as Markdown (shown as such in a notebook)."""

    title: str
    paragraphs: tuple[str, ...]

    def markdown(self) -> str:
        return "\n\n".join((f"## {self.title}", *self.paragraphs))

    def _repr_markdown_(self) -> str:
        return self.markdown()


def summary(pkg, geo_id: str, assessed: pd.DataFrame, panels: Mapping[str, pd.DataFrame], as_of: int,
            lang: str) -> Summary:
    """Step 7: the title and a short summary: counts by status of the geography's own targets, its
    old units' or successor's, the national ones; the latest digital-economy share; where it stands
    among the provinces; the scorecard's rules. Target by target, the table says the rest."""
    geo_id = data.resolve_geo(geo_id, pkg, name="geo")
    own = assessed[assessed["relation"] == "own"]
    related = assessed[assessed["relation"].isin(["old unit", "successor"])]
    national = assessed[assessed["relation"] == "national"]
    paragraphs = [_own_paragraph(pkg, geo_id, own, as_of, lang), _related_paragraph(pkg, geo_id, related, lang)]
    if geo_id != NATION:
        counts = count_assessments(national)
        paragraphs.append(_say("national", lang, n=counts["n_targets"], n_with_data=counts["n_with_data"],
                               counts=_counts_sentence(counts, lang)))
    paragraphs.append(_de_share_sentence(pkg, geo_id, lang))
    panel_text = [_panel_sentence(pkg, _spec(key), table, geo_id, lang) for key, table in panels.items()]
    paragraphs.append(_say("panels_lead", lang) + " ".join(panel_text))
    paragraphs.append(_say("rules", lang, as_of=as_of))
    title = _say("title", lang, geo=plain(data.geo_name(pkg, geo_id, lang)))  # data text in Markdown
    return Summary(title, tuple(p for p in paragraphs if p))


# Theme key -> indicators, in the order the table shows them; an indicator in none goes to 'other'.
THEMES: dict[str, tuple[str, ...]] = {
    "digital": ("de_share_pct", "dti_rank", "dti_score", "egdi_rank", "digital_competitiveness_rank",
                "online_service_usage_pct", "digital_tech_enterprises_count", "digital_tech_enterprises_advanced_count", "ai_rnd_rank"),
    "spending": ("st_expenditure_share_pct", "st_expenditure_bn_vnd", "gerd_pct_gdp", "st_investment_pct_gdp",
                 "rnd_nonstate_share_pct", "social_investment_cumulative_5y_bn_vnd"),
    "innovation": ("gii_rank", "pii_rank", "innovation_dt_rank", "st_enterprises_count", "hightech_enterprises_count",
                   "innovative_enterprises_pct", "st_organisations_count", "st_orgs_ranked_count",
                   "st_market_intermediaries_count", "researchers_per_10k", "publications_growth_pct",
                   "patent_growth_pct", "patent_commercialisation_pct", "hightech_export_share_pct",
                   "industrial_parks_hightech_30pct_count", "innovation_growth_contribution_pct",
                   "tfp_growth_contribution_pct"),
    "growth": ("grdp_growth_pct", "grdp_current_bn_vnd", "grdp_per_capita_mn_vnd", "grdp_multiple_x",
               "budget_revenue_bn_vnd", "population_persons", "hdi_index"),
}


def default_themes() -> dict[str, tuple[str, ...]]:
    """The themes the table groups targets by (theme key -> indicator ids): a copy to edit."""
    return {key: tuple(ids) for key, ids in THEMES.items()}


def badge_of(assessment: str, unverified: Any = None) -> str:
    """The status badge of a row: 'unverified' when the target itself is marked unverified in the
    data, else the badge of its assessment category (:data:`BADGES`)."""
    if not _missing(unverified) and str(unverified).strip():
        return UNVERIFIED
    return BADGES[assessment]


def _latest_cell(row: dict, pkg, lang: str) -> str:
    """The value the verdict uses, with its year: the target year's value for a target whose year has
    passed (met / not met), else the latest value."""
    at_target = row["assessment"] in ("met", "not met") and not _missing(row.get("target_year_value"))
    if _missing(row["latest_value"]) and not at_target:
        return ""
    decimals = int(pkg.indicator(row["indicator_id"])["decimals"])
    value = float(row["target_year_value"] if at_target else row["latest_value"])
    year = int(row["target_year"] if at_target else row["latest_year"])
    number = fmt_number(value, lang, max(decimals, _decimals_of(value) if decimals else 0))
    if row["unit"] == "rank":
        number = _say("rank_value", lang, number=number)
    return f"{number} ({year})"


def _needed_cell(row: dict, lang: str) -> str:
    if not _missing(row["required_places_per_year"]):
        return _say("table.places", lang, n=fmt_number(row["required_places_per_year"], lang, 1))
    if not _missing(row["required_growth_pct_per_year"]):
        return _say("table.pct_year", lang, n=fmt_number(row["required_growth_pct_per_year"], lang, 1))
    if row["pace_note"] and _missing(row["required_change_per_year"]):
        return _say("table.already", lang)
    return ""


def _row_note(row: dict, as_of: int, lang: str) -> str:
    """The one footnote a row carries (the most important when several apply)."""
    if not _missing(row.get("target_unverified_reason")):
        return _say("table.footnote_unverified", lang, reason=row["target_unverified_reason"])
    if row["assessment"] == DEPENDS_CATEGORY or row["assessment_method"] == OTHER_DEFINITION_METHOD:
        return row["assessment_note"]
    if row["definition_status"] == "unstated":
        concept = row["series_concept"]
        words = section("scorecard.concept", lang).get(concept) or data.label("concept", concept, lang,
                                                                              default=concept)
        return _say("table.footnote_unstated", lang, concept=words)
    if row["assessment"] == "no data on the target's definition":
        return _say("table.footnote_different", lang)
    if row["assessment"] == "not assessed (period target)":
        return _say("table.footnote_period", lang)
    if row["assessment"] == "not assessed (growth-rate target)":
        return _say("table.footnote_rate", lang)
    return ""


def reader_table(pkg, assessed: pd.DataFrame, themes: Mapping[str, Sequence[str]], as_of: int, lang: str):
    """Step 7b: every target in one table, grouped by theme (the national targets in their own
    groups after the geography's), with a status badge, human headers and no ids (``reader_tables``)."""
    from . import reader_tables as rt

    theme_of = {ind: key for key, ids in themes.items() for ind in ids}
    theme_order = {key: i for i, key in enumerate([*themes, "other"])}
    names = section("scorecard.theme", lang)
    badge_words = section("scorecard.badge", lang)
    sources = pkg.sources.set_index("source_id")
    rows = []
    for row in _records(assessed):
        theme = theme_of.get(row["indicator_id"], "other")
        national = row["relation"] == "national"
        group = names.get(theme, theme)
        badge = badge_of(row["assessment"], row.get("target_unverified_reason"))

        def link(source: Any):
            first = "" if _missing(source) else str(source).split(";")[0]
            return (sources.at[first, "publisher"], sources.at[first, "url"]) if first in sources.index else None

        rows.append({
            "order": (national, theme_order.get(theme, len(theme_order))),
            "group": _say("table.national_group", lang, theme=group) if national else group,
            "target": f"{row['indicator']}: {row['target']}", "by": row["target_year"],
            "latest": _latest_cell(row, pkg, lang), "needed": _needed_cell(row, lang),
            "status": (badge, badge_words[badge]),
            "set_by": "" if row["relation"] in ("own", "national") else row["set_by"],
            "target_source": link(row["target_source_id"]), "data_source": link(row["latest_source_id"]),
            "note": _row_note(row, as_of, lang),
        })
    frame = pd.DataFrame(rows, columns=["order", "group", "target", "by", "latest", "needed", "status", "set_by",
                                        "target_source", "data_source", "note"])
    frame = frame.sort_values("order", kind="mergesort").reset_index(drop=True)
    frame["mark"], notes = rt.footnote_marks(frame["note"].tolist())
    notes.append(_say("table.footnote_method", lang, as_of=as_of))
    words = section("scorecard.table", lang)
    columns = [rt.Column("target", words["target"]), rt.Column("by", words["by"], "year"),
               rt.Column("latest", words["latest"], "number_text"), rt.Column("needed", words["needed"], "number_text"),
               rt.Column("status", words["status"], "badge")]
    if frame["set_by"].ne("").any():
        columns.append(rt.Column("set_by", words["set_by"], min_width="8.5rem"))
    columns += [rt.Column("target_source", words["target_source"], "link"),
                rt.Column("data_source", words["data_source"], "link")]
    return rt.reader_table(frame, columns, lang, group="group", marks="mark", footnotes=notes,
                           caption=_say("table_heading", lang))


# ------------------------------------------------------------------------------------------------
# Step 8: results
# ------------------------------------------------------------------------------------------------


def latest_de_share(pkg, geo_id: str) -> pd.Series | None:
    """The geography's latest digital-economy share (best observation, any definition), or None."""
    frame = _cache_for(pkg).own(geo_id, "de_share_pct", None)
    return frame.iloc[-1] if not frame.empty else None


def _split_sources(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for value in values:
        if isinstance(value, str) and value:
            out.update(s.strip() for s in value.split(";") if s.strip())
    return out


@dataclass
class Results:
    """The machine-readable results of one scorecard: ``tables`` and ``scalars`` (``report.save_results``)."""

    tables: dict[str, pd.DataFrame]
    scalars: dict[str, Any]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name} ({len(frame)} rows)" for name, frame in self.tables.items())
        return f"Results: {sizes}; {len(self.scalars)} scalars"


def results(pkg, geo_id: str, assessed: pd.DataFrame, panels: Mapping[str, pd.DataFrame], as_of: int,
            lang: str) -> Results:
    """Step 8: the results tables (targets, national targets, non-empty panels, assumptions,
    sources) and scalars (counts per group, latest digital-economy share, panel positions)."""
    geo_id = data.resolve_geo(geo_id, pkg, name="geo")
    columns = TARGET_COLUMNS
    table = assessed[assessed["relation"] != "national"][columns].reset_index(drop=True)
    national = assessed[assessed["relation"] == "national"][columns].reset_index(drop=True)
    own, related = table[table["relation"] == "own"], table[table["relation"] != "own"]
    tables: dict[str, pd.DataFrame] = {"targets": table}
    scalars: dict[str, Any] = {"as_of_year": as_of, **count_assessments(own),
                               "related_counts": count_assessments(related)}
    if geo_id != NATION:
        tables["national_targets"] = national
        scalars["national_counts"] = count_assessments(national)
    latest = latest_de_share(pkg, geo_id)
    scalars.update({"de_share_latest_pct": None if latest is None else float(latest["value"]),
                    "de_share_latest_year": None if latest is None else int(latest["year"]),
                    "de_share_latest_concept": None if latest is None else latest["concept"],
                    "de_share_latest_source_id": None if latest is None else latest["source_id"]})
    source_ids = set(table["target_source_id"]) | _split_sources(table["latest_source_id"])
    source_ids |= set(national["target_source_id"]) | _split_sources(national["latest_source_id"])
    for key, panel in panels.items():
        scalars.update(panel_scalars(_spec(key), panel, geo_id))
        if not panel.empty:
            tables[f"panel_{key}"] = panel
            source_ids |= set(panel["source_id"])
    if latest is not None:
        source_ids.add(latest["source_id"])
    source_ids |= source_ids_in(*table["definition_note"], *table["data_reason"])
    newest = max(str(p) for p in pkg.observations["published"].dropna())
    tables["assumptions"] = assumptions_frame([Assumption(
        "as_of_year", float(as_of), "year", DERIVED, _say("as_of_label", lang), _say("as_of_basis", lang,
                                                                                   newest=newest))])
    tables["sources"] = sources_frame(pkg, source_ids)
    return Results(tables, scalars)
