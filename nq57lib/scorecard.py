"""The Resolution 57 scorecard: every registered target of a geography, where it stands, and what it needs.

``build(P)`` returns a :class:`~nq57lib.report_view.Report` with

- ``targets``: one row per target of the geography (for a merged 2025 unit also its old provinces'
  targets, for an old province also its successor's, marked in ``relation``), and, unless the
  geography is the nation, ``national_targets``: the national targets (geo ``vn``) beside them;
- ``panel_*``: cross-province tables (digital-economy share, DTI and PII ranks) with the geography
  and its old units or successor highlighted, and one figure each.

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
   - otherwise the Eurostat progress method on the latest segment of one concept: with >= 2
     observations, else 'insufficient data' (one observation) or 'no data' (none). Per kind:
     *shares* (bounded 0-100) use ``progress_assessment.assess_eurostat`` directly; *counts and other
     levels* use it on values rescaled into its 0-100 range, which changes nothing because the
     method compares compound growth rates, which do not depend on the unit (values must be > 0);
     *ranks* (lower is better) use :func:`assess_rank_pace`, the same ratio and thresholds on places
     gained per year, because a relative change of a rank means nothing (2nd to 1st is -50 %,
     40th to 39th -2.5 %).
   An '=' target ("about X") is read as a level to reach in the indicator's good direction ('>='
   when higher is better, '<=' for ranks), or, for a neutral indicator, from the side of the first
   observation (``share_projection.reached_comparator``).
4. **Required pace** from the latest value to the target level (the target value, or the nearer end
   of a range): for shares and levels the constant relative growth (% a year) and the absolute
   change per year (``share_projection.required_growth_pct`` / ``required_pp_per_year`` for shares, the
   same formulas in :func:`required_pace` for unbounded levels); for ranks the places to gain per
   year. None when the latest value already meets the target or the target year is not after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import data
from .formatting import comparator_text, fmt_number
from .errors import ParameterError, check_choice, check_int, check_number
from .progress_assessment import ProgressAssessment, assess_eurostat, eurostat_category
from .provenance import DERIVED, Assumption
from .share_projection import (meets_target, reached_comparator, required_growth_pct, required_pp_per_year,
                               target_level)
from .report_view import Report, assumptions_frame, source_ids_in, sources_frame
from .text import pick

NOTEBOOK = "scorecard"
NATION = "vn"
OUTCOME_STATUSES = ("official", "preliminary", "estimate")  # 'plan' is an intention, not an outcome
RATE_UNITS = ("% y/y", "% per year")
REGIONAL_SCOPES = ("southeast asia", "asean")

# Assessment category -> group counted in the scalars.
GROUPS = {
    "met": "met",
    "not met": "not met",
    "target already met": "on track",
    "significant progress": "on track",
    "moderate progress": "at risk",
    "insufficient progress": "at risk",
    "moving away": "at risk",
    "insufficient data": "insufficient data",
    "no data": "no data",
    "no data on the target's definition": "no data",
    "no value for the target year": "no value for the target year",
    "not assessed (period target)": "not assessed",
    "not assessed (growth-rate target)": "not assessed",
}
GROUP_ORDER = ("met", "not met", "on track", "at risk", "insufficient data", "no data",
               "no value for the target year", "not assessed")

_CATEGORY_TEXT = {
    "met": ("met", "đã đạt"),
    "not met": ("not met", "không đạt"),
    "target already met": ("already met by the latest value", "đã đạt theo số liệu mới nhất"),
    "significant progress": ("significant progress", "tiến bộ đáng kể"),
    "moderate progress": ("moderate progress", "tiến bộ vừa phải"),
    "insufficient progress": ("insufficient progress", "tiến bộ chưa đủ"),
    "moving away": ("moving away from the target", "đi ngược mục tiêu"),
    "insufficient data": ("insufficient data", "chưa đủ số liệu"),
    "no data": ("no data", "không có số liệu"),
    "no data on the target's definition": ("no data on the target's definition",
                                           "không có số liệu theo định nghĩa của mục tiêu"),
    "no value for the target year": ("target year passed, no value for it",
                                     "đã qua năm mục tiêu nhưng chưa có số liệu của năm đó"),
    "not assessed (period target)": ("not assessed (target over a period)",
                                     "không đánh giá (mục tiêu cho cả giai đoạn)"),
    "not assessed (growth-rate target)": ("not assessed (growth-rate target, judged in its year)",
                                          "không đánh giá (mục tiêu tốc độ tăng, chỉ xét trong năm mục tiêu)"),
}
_GROUP_TEXT = {
    "met": ("met", "đã đạt"), "not met": ("not met", "không đạt"), "on track": ("on track", "đúng hướng"),
    "at risk": ("at risk", "có nguy cơ không đạt"), "insufficient data": ("insufficient data", "chưa đủ số liệu"),
    "no data": ("no data", "không có số liệu"),
    "no value for the target year": ("no value for the target year", "chưa có số liệu của năm mục tiêu"),
    "not assessed": ("not assessed", "không đánh giá"),
}
_RELATION_TEXT = {
    "own": ("", ""),
    "old unit": ("set by the old province {name}", "do tỉnh cũ {name} đặt ra"),
    "successor": ("set by the successor {name}", "do tỉnh kế thừa {name} đặt ra"),
    "national": ("national", "cấp quốc gia"),
}
_STATUS_TEXT = {"official": ("official", "chính thức"), "preliminary": ("preliminary", "sơ bộ"),
                "estimate": ("estimate", "ước tính")}
_CONCEPT_TEXT = {
    "nso": ("statistics office measure", "số liệu của cơ quan thống kê"),
    "ministry": ("ministry estimate, broader definition", "ước tính của Bộ, định nghĩa rộng"),
    "basis_63": ("63-province basis", "xếp hạng trong 63 tỉnh, thành phố"),
    "basis_34": ("34-unit basis", "xếp hạng trong 34 tỉnh, thành phố"),
}

TARGET_COLUMNS = [
    "target_id", "relation", "relation_note", "set_by_geo_id", "set_by", "indicator_id", "indicator", "target",
    "comparator", "target_value", "target_value_high", "target_year", "from_year", "unit", "scope", "instrument",
    "target_source_id", "target_unverified_reason", "series_concept", "data_basis", "latest_year", "latest_value", "latest_status",
    "latest_source_id", "target_year_value", "n_obs", "definition_status", "definition_note", "data_reason",
    "required_growth_pct_per_year", "required_change_per_year", "required_places_per_year", "pace_note",
    "assessment", "assessment_group", "assessment_text", "assessment_ratio", "assessment_method",
    "assessment_note",
]
PANEL_COLUMNS = ["geo_id", "name", "level", "value", "unit", "rank_out_of", "year", "concept", "status",
                 "source_id", "place", "n_listed", "highlight"]


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
    """The Eurostat progress assessment for one indicator kind (see the module docstring, rule 3)."""
    check_choice("kind", kind, ("rank", "share", "level"))
    if kind == "rank":
        return assess_rank_pace(years, values, target_value, target_year, comparator=comparator)
    if kind == "share":
        return assess_eurostat(years, values, target_value, target_year, comparator=comparator,
                               value_high=value_high)
    values = [float(v) for v in values]
    if len(values) >= 2 and min(values) <= 0:
        return ProgressAssessment("eurostat", "insufficient data", None, None, None, None, int(min(years)),
                                  int(max(years)), "relative growth is undefined for values <= 0")
    # The Eurostat ratio compares compound growth rates, which do not depend on the unit: rescale into
    # the 0-100 range assess_eurostat checks (largest value at 50, clear of the bound) and nothing changes.
    top = max([abs(v) for v in values] + [abs(float(target_value))]
              + ([abs(float(value_high))] if value_high is not None else []))
    scale = 50.0 / top if top > 0 else 1.0
    high = None if value_high is None else float(value_high) * scale
    result = assess_eurostat(years, [v * scale for v in values], float(target_value) * scale, target_year,
                             comparator=comparator, value_high=high)
    note = "assessed on compound growth of the level (unit-free)"
    return ProgressAssessment(result.method, result.category, result.score, result.actual_growth_pct,
                              result.required_growth_pct, None, result.base_year, result.latest_year,
                              "; ".join(n for n in (result.note, note) if n))


def as_of_year(pkg) -> int:
    """Year the scorecard is assessed at: that of the newest publication date among the observations."""
    published = pkg.observations["published"].dropna().astype(str)
    return int(max(p[:4] for p in published))


def count_assessments(rows: pd.DataFrame) -> dict[str, int]:
    """Counts per assessment group, plus ``n_targets`` and ``n_with_data`` (not 'no data')."""
    groups = rows["assessment_group"] if not rows.empty else pd.Series(dtype=object)
    counts = {"n_targets": int(len(rows))}
    for group in GROUP_ORDER:
        counts["n_" + group.replace(" ", "_")] = int((groups == group).sum())
    counts["n_with_data"] = counts["n_targets"] - counts["n_no_data"]
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


class _SeriesCache:
    """Series looked up once per build: many targets share a geography, indicator and concept."""

    def __init__(self, pkg):
        self.pkg = pkg
        self._own: dict = {}
        self._merged: dict = {}

    def own(self, geo_id: str, indicator_id: str, concept: str | None) -> pd.DataFrame:
        key = (geo_id, indicator_id, concept)
        if key not in self._own:
            frame = data.series(self.pkg, geo_id, indicator_id, concept, statuses=OUTCOME_STATUSES)
            self._own[key] = frame.assign(basis="own series")
        return self._own[key]

    def merged(self, geo_id: str, indicator_id: str, concept: str | None) -> pd.DataFrame:
        key = (geo_id, indicator_id, concept)
        if key not in self._merged:
            self._merged[key] = data.merged_series(self.pkg, geo_id, indicator_id, concept,
                                                     statuses=OUTCOME_STATUSES)
        return self._merged[key]


def _merged_history(pkg, merged: pd.DataFrame, indicator_id: str, concept: str | None) -> pd.DataFrame:
    """Rows of a merged series with a value, in the shape of ``data.series`` (segment from the break year)."""
    rows = merged[merged["value"].notna()]
    brk = pkg.indicator(indicator_id)["series_break_year"]
    return pd.DataFrame({
        "year": rows["year"].astype(int), "value": rows["value"].astype(float), "status": rows["status"],
        "source_id": [";".join(dict.fromkeys(str(s).split(";"))) for s in rows["sources"]], "concept": concept,
        "segment": 0 if pd.isna(brk) else (rows["year"] >= int(brk)).astype(int),
        "basis": rows["basis"]})


def target_data(pkg, geo_id: str, target: pd.Series, cache: _SeriesCache) -> TargetData:
    """The history a target is compared with (module docstring, rule 1)."""
    indicator_id = target["indicator_id"]
    stated = None if pd.isna(target["concept"]) else str(target["concept"])
    frame, basis, reason = cache.own(geo_id, indicator_id, stated), "own series", ""
    if frame.empty and data.old_units(pkg, geo_id):
        merged = cache.merged(geo_id, indicator_id, stated)
        parts = [cache.own(old, indicator_id, stated) for old in data.old_units(pkg, geo_id)]
        concept = stated or next((str(f["concept"].iloc[0]) for f in parts if not f.empty), None)
        frame = _merged_history(pkg, merged, indicator_id, concept)
        basis = "merged series"
        reason = merged.attrs.get("reason") or _merge_failure(merged, indicator_id)
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
        reason = f"no observations of {indicator_id}" + (f" on concept '{stated}'" if stated else "")
    return TargetData(pd.DataFrame(columns=["year", "value", "status", "source_id", "concept", "segment", "basis"]),
                      stated, "", "none", reason)


def _merge_failure(merged: pd.DataFrame, indicator_id: str) -> str:
    """Why no year of a merged series has a value, in one line: the reason given for its last year."""
    parts = ", ".join(merged.attrs.get("components", []))
    reasons = [r for r in merged["reason"] if r]
    if not reasons:
        return f"no observations of {indicator_id} for the unit or its old provinces ({parts})"
    return f"no year can be combined from the old provinces ({parts}); last year tried: {reasons[-1]}"


def _by_year(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["year", "value", "status", "source_id", "concept", "segment", "basis"]].copy()
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out.sort_values("year").reset_index(drop=True)


def _is_regional_rank(kind: str, scope: Any) -> bool:
    return kind == "rank" and isinstance(scope, str) and any(s in scope.lower() for s in REGIONAL_SCOPES)


# ------------------------------------------------------------------------------------------------
# One scorecard row
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
    return "(index 0–1)" if unit == "index 0-1" else unit


def target_text(comparator: str, value: float, value_high: Any, unit: str, lang: str) -> str:
    """A target in words: '≥ 35 % of GRDP', 'rank ≤ 15', '40–50 organisations'."""
    high = None if value_high is None or pd.isna(value_high) else float(value_high)
    condition = comparator_text(comparator, float(value), high, lang, _decimals_of(value, high))
    if unit == "rank":
        return pick(lang, "rank ", "thứ hạng ") + condition
    return f"{condition} {unit_text(unit, lang)}"


def category_text(category: str, lang: str) -> str:
    en, vi = _CATEGORY_TEXT[category]
    return pick(lang, en, vi)


def _definition_note(found: TargetData, stated: str | None, scope_mismatch: bool, lang: str) -> str:
    if scope_mismatch:
        return pick(lang, "the target is a rank within a region; the observations are world ranks, so they are "
                          "shown for context and not compared",
                    "mục tiêu là thứ hạng trong khu vực; số liệu là thứ hạng thế giới nên chỉ để tham khảo, "
                    "không so sánh")
    concept = _concept_text(found.concept, lang)
    if found.definition_status == "unstated":
        return pick(lang, f"unstated definition: the target does not say which measure it uses; compared with the "
                          f"'{found.concept}' series ({concept})",
                    f"định nghĩa không được nêu: mục tiêu không nói dùng thước đo nào; được so sánh với chuỗi "
                    f"'{found.concept}' ({concept})")
    if found.definition_status == "different":
        return pick(lang, f"different definition: the target is set on '{stated}' but data exist only on "
                          f"'{found.concept}' ({concept}); shown for context, not compared",
                    f"khác định nghĩa: mục tiêu đặt theo '{stated}' nhưng chỉ có số liệu theo '{found.concept}' "
                    f"({concept}); chỉ để tham khảo, không so sánh")
    return ""


def _concept_text(concept: str | None, lang: str) -> str:
    if concept is None:
        return ""
    en, vi = _CONCEPT_TEXT.get(concept, (concept, concept))
    return pick(lang, en, vi)


def score_target(pkg, target: pd.Series, relation: str, as_of: int, lang: str, cache: _SeriesCache) -> dict:
    """One scorecard row: the target, its latest value, definition note, required pace and assessment."""
    geo_id = target["geo_id"]
    meta = pkg.indicator(target["indicator_id"])
    kind = indicator_kind(meta["unit"], meta["direction"], meta["lower_bound"], meta["upper_bound"])
    stated = None if pd.isna(target["concept"]) else str(target["concept"])
    found = target_data(pkg, geo_id, target, cache)
    scope_mismatch = _is_regional_rank(kind, target["scope"]) and found.definition_status != "none"
    history = found.history
    latest = history.iloc[-1] if not history.empty else None
    value = float(target["value"])
    high = None if pd.isna(target["value_high"]) else float(target["value_high"])
    target_year = int(target["year"])
    row = {
        "target_id": target["target_id"], "relation": relation,
        "relation_note": pick(lang, *_RELATION_TEXT[relation]).format(name=data.geo_name(pkg, geo_id, lang)),
        "set_by_geo_id": geo_id, "set_by": data.geo_name(pkg, geo_id, lang),
        "indicator_id": target["indicator_id"], "indicator": meta["name_vi"] if lang == "vi" else meta["name_en"],
        "target": target_text(target["comparator"], value, high, target["unit"], lang),
        "comparator": target["comparator"], "target_value": value, "target_value_high": high,
        "target_year": target_year, "from_year": None if pd.isna(target["from_year"]) else int(target["from_year"]),
        "unit": target["unit"], "scope": None if pd.isna(target["scope"]) else target["scope"],
        "instrument": target["instrument"], "target_source_id": target["source_id"],
        "target_unverified_reason": target.get("unverified_reason") if pd.notna(target.get("unverified_reason")) else "",
        "series_concept": found.concept, "data_basis": found.basis,
        "latest_year": None if latest is None else int(latest["year"]),
        "latest_value": None if latest is None else float(latest["value"]),
        "latest_status": None if latest is None else latest["status"],
        "latest_source_id": None if latest is None else latest["source_id"],
        "target_year_value": None, "n_obs": int(len(_latest_segment(history))),
        "definition_status": found.definition_status,
        "definition_note": _definition_note(found, stated, scope_mismatch, lang),
        "data_reason": found.reason,
        "required_growth_pct_per_year": None, "required_change_per_year": None, "required_places_per_year": None,
        "pace_note": "", "assessment_ratio": None, "assessment_method": "", "assessment_note": "",
    }
    comparable = found.definition_status in ("same", "unstated") and not scope_mismatch
    category = _assess(row, kind, meta["direction"], history if comparable else None, value, high, target_year,
                       as_of, lang)
    row["assessment"] = category
    row["assessment_group"] = GROUPS[category]
    row["assessment_text"] = category_text(category, lang)
    return row


def _assess(row: dict, kind: str, direction: str, history: pd.DataFrame | None, value: float, high: float | None,
            target_year: int, as_of: int, lang: str) -> str:
    """Fill the pace and assessment fields of ``row``; return the assessment category (rule 3)."""
    if history is None:
        return "no data on the target's definition" if row["definition_status"] != "none" else "no data"
    if history.empty:
        return "no data"
    years, values = history["year"].tolist(), history["value"].tolist()
    fit = _latest_segment(history)  # progress is measured within one segment, never across a series break
    comparator = effective_comparator(row["comparator"], value, direction, float(fit["value"].iloc[0]))
    latest_year, latest = years[-1], values[-1]
    if row["from_year"] is not None:
        observed = [y for y in years if row["from_year"] <= y <= target_year]
        row["assessment_note"] = pick(
            lang, f"judged over {row['from_year']}–{target_year}, not on one year; {len(observed)} year(s) of "
                  f"that period observed",
            f"được đánh giá cho cả giai đoạn {row['from_year']}–{target_year}, không theo một năm; có số liệu "
            f"{len(observed)} năm trong giai đoạn")
        return "not assessed (period target)"
    if target_year in years:
        reached = float(values[years.index(target_year)])
        row["target_year_value"] = reached
        return "met" if bool(meets_target(reached, comparator, value, high)) else "not met"
    if target_year < as_of:
        return "no value for the target year"
    if kind == "rate":
        return "not assessed (growth-rate target)"
    _fill_pace(row, kind, comparator, value, high, latest, latest_year, target_year, lang)
    result = assess_progress(kind, fit["year"].tolist(), fit["value"].tolist(), comparator, value, high, target_year)
    row["assessment_ratio"] = result.score
    row["assessment_method"] = result.method
    row["assessment_note"] = result.note
    return result.category


def _latest_segment(history: pd.DataFrame) -> pd.DataFrame:
    """The observations after the last series break (all of them when there is none)."""
    if history.empty:
        return history
    return history[history["segment"] == history["segment"].max()].reset_index(drop=True)


def _fill_pace(row: dict, kind: str, comparator: str, value: float, high: float | None, latest: float,
               latest_year: int, target_year: int, lang: str) -> None:
    if bool(meets_target(latest, comparator, value, high)):
        row["pace_note"] = pick(lang, "the latest value already meets the target", "số liệu mới nhất đã đạt mục tiêu")
        return
    level = target_level(comparator, value, high, latest)
    pace = required_pace(kind, latest, latest_year, level, target_year)
    row["required_growth_pct_per_year"] = pace["growth_pct"]
    row["required_change_per_year"] = pace["change_per_year"]
    row["required_places_per_year"] = pace["places_per_year"]
    rank = pick(lang, "rank ", "hạng ") if kind == "rank" else ""
    start, end = (fmt_number(v, lang, _decimals_of(v)) for v in (latest, level))
    row["pace_note"] = pick(lang, f"from {rank}{start} in {latest_year} to {rank}{end} in {target_year}",
                            f"từ {rank}{start} năm {latest_year} đến {rank}{end} năm {target_year}")


def scorecard_table(pkg, targets: pd.DataFrame, relations: dict[str, str], as_of: int, lang: str,
                    cache: _SeriesCache) -> pd.DataFrame:
    """Scorecard rows for ``targets`` (relation looked up by geo_id), in the order given."""
    rows = [score_target(pkg, t, relations[t["geo_id"]], as_of, lang, cache) for _, t in targets.iterrows()]
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    for column in ("target_value", "target_value_high", "latest_value", "target_year_value",
                   "required_growth_pct_per_year", "required_change_per_year", "required_places_per_year",
                   "assessment_ratio"):
        frame[column] = frame[column].astype(float)
    for column in ("from_year", "latest_year"):
        frame[column] = frame[column].astype("Int64")
    return frame


def related_geos(pkg, geo_id: str) -> dict[str, str]:
    """The geography itself ('own') and the units whose targets are listed beside it, with their relation."""
    relations = {geo_id: "own"}
    relations.update({old: "old unit" for old in data.old_units(pkg, geo_id)})
    after = data.successor(pkg, geo_id)
    if after:
        relations[after] = "successor"
    return relations


# ------------------------------------------------------------------------------------------------
# Cross-province panels
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
    PanelSpec("pii_rank_basis_63", "pii_rank", "basis_63"),
    PanelSpec("pii_rank_basis_34", "pii_rank", "basis_34"),
)


def panel_candidates(pkg, indicator_id: str, concept: str) -> pd.DataFrame:
    """Every outcome observation of one indicator and concept, with the producer's tier.

    The tier is the one ``data.observations_for`` uses (``attributed_to``, else the publisher's), so
    ``data.rank_observations`` picks the same best observation as ``data.series`` would per geography.
    """
    obs = pkg.observations
    picked = obs[(obs["indicator_id"] == indicator_id) & (obs["concept"] == concept)
                 & obs["status"].isin(OUTCOME_STATUSES)]
    return data.with_provenance(pkg, picked)


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
    ranked = data.rank_observations(candidates[candidates["year"] == year])
    best = ranked.groupby("geo_id", sort=False).head(1).copy()
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
    return pick(lang, f"{name}, {year} ({_concept_text(spec.concept, lang)})",
                f"{name} năm {year} ({_concept_text(spec.concept, lang)})")


# ------------------------------------------------------------------------------------------------
# Narrative
# ------------------------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _value_text(pkg, indicator_id: str, value: float, unit: str, lang: str) -> str:
    decimals = int(pkg.indicator(indicator_id)["decimals"])
    number = fmt_number(value, lang, max(decimals, _decimals_of(value) if decimals else 0))
    if unit == "rank":
        return pick(lang, f"rank {number}", f"hạng {number}")
    shown = unit_text(unit, lang)
    return f"{number} {shown}"


def _list_targets(rows: pd.DataFrame, lang: str, with_value: bool, pkg) -> str:
    """Targets in prose: id, indicator, target, year, and the value in the target year or the latest one."""
    items = []
    for r in rows.itertuples():
        text = f"`{r.target_id}` ({r.indicator}, {r.target}, {r.target_year}"
        if with_value and not pd.isna(r.target_year_value):
            value = _value_text(pkg, r.indicator_id, r.target_year_value, r.unit, lang)
            text += pick(lang, f"; {value} in {r.target_year}", f"; thực tế {value} năm {r.target_year}")
        elif with_value and not pd.isna(r.latest_value):
            value = _value_text(pkg, r.indicator_id, r.latest_value, r.unit, lang)
            text += pick(lang, f"; latest {value} in {r.latest_year}", f"; mới nhất {value} năm {r.latest_year}")
        items.append(text + ")")
    return "; ".join(items)


def _counts_sentence(counts: dict[str, int], lang: str) -> str:
    parts = []
    for group in GROUP_ORDER:
        n = counts["n_" + group.replace(" ", "_")]
        if n:
            en, vi = _GROUP_TEXT[group]
            parts.append(f"{n} {pick(lang, en, vi)}")
    return ", ".join(parts)


def narrative_targets(pkg, geo_id: str, rows: pd.DataFrame, counts: dict, as_of: int, lang: str) -> list[str]:
    """Paragraphs on the geography's own targets: counts, met / at risk, definitions, what is missing."""
    name = data.geo_name(pkg, geo_id, lang)
    if rows.empty:
        return [pick(lang,
                     f"**{name} has no registered targets** in the data package, so there is nothing to score "
                     f"for it. This does not mean it set none: only targets found in a cited public source are "
                     f"registered. The national targets are listed beside it, and the cross-province tables below "
                     f"show where it stands.",
                     f"**{name} chưa có mục tiêu nào được ghi nhận** trong bộ dữ liệu, nên không có gì để chấm "
                     f"điểm. Điều này không có nghĩa là địa phương không đặt mục tiêu: chỉ những mục tiêu tìm thấy "
                     f"trong một nguồn công khai có trích dẫn mới được ghi nhận. Các mục tiêu quốc gia được liệt kê "
                     f"bên cạnh, và các bảng so sánh giữa các tỉnh bên dưới cho biết vị trí của địa phương.")]
    paragraphs = [pick(lang,
                       f"**{name} has {_plural(counts['n_targets'], 'registered target', 'registered targets')}**; "
                       f"{counts['n_with_data']} can be compared with data. Assessed as of {as_of} (the data vintage): "
                       f"{_counts_sentence(counts, lang)}.",
                       f"**{name} có {counts['n_targets']} mục tiêu được ghi nhận**; {counts['n_with_data']} mục "
                       f"tiêu có số liệu để so sánh. Đánh giá tại năm {as_of} (thời điểm của dữ liệu): "
                       f"{_counts_sentence(counts, lang)}.")]
    for group, en, vi in (
            ("met", "Met", "Đã đạt"), ("not met", "Not met", "Không đạt"),
            ("on track", "On track (Eurostat method)", "Đúng hướng (phương pháp Eurostat)"),
            ("at risk", "At risk (Eurostat method: moderate or insufficient progress, or moving away)",
             "Có nguy cơ không đạt (phương pháp Eurostat: tiến bộ vừa phải, chưa đủ hoặc đi ngược)")):
        picked = rows[rows["assessment_group"] == group]
        if not picked.empty:
            paragraphs.append(f"{pick(lang, en, vi)}: {_list_targets(picked, lang, True, pkg)}.")
    insufficient = rows[rows["assessment_group"] == "insufficient data"]
    if not insufficient.empty:
        paragraphs.append(pick(
            lang, f"Only one observation, so progress cannot be measured (the required pace is shown instead): "
                  f"{_list_targets(insufficient, lang, True, pkg)}.",
            f"Chỉ có một quan sát nên chưa đo được tiến độ (bảng nêu tốc độ cần đạt): "
            f"{_list_targets(insufficient, lang, True, pkg)}."))
    paragraphs += _definition_paragraph(rows, lang)
    paragraphs += _missing_paragraph(rows, lang, pkg)
    return paragraphs


def _definition_paragraph(rows: pd.DataFrame, lang: str) -> list[str]:
    unstated = rows[rows["definition_status"] == "unstated"]
    different = rows[rows["definition_note"].ne("") & (rows["definition_status"] != "unstated")]
    out = []
    if not unstated.empty:
        concepts = ", ".join(f"'{c}'" for c in dict.fromkeys(unstated["series_concept"].dropna()))
        ids = ", ".join(f"`{t}`" for t in unstated["target_id"])
        n = len(unstated)
        out.append(pick(lang, f"Definitions: {_plural(n, 'target does', 'targets do')} not state which measure "
                              f"{'it uses' if n == 1 else 'they use'} ({ids}); compared with the {concepts} series, "
                              f"which holds only if {'it was' if n == 1 else 'they were'} set on that measure.",
                        f"Định nghĩa: {len(unstated)} mục tiêu không nêu thước đo ({ids}); được so sánh với chuỗi "
                        f"{concepts}, điều này chỉ đúng nếu mục tiêu được đặt theo thước đo đó."))
    if not different.empty:
        ids = ", ".join(f"`{t}`" for t in different["target_id"])
        out.append(pick(lang, f"Not compared because the data are on another definition or scope than the target: "
                              f"{ids}.",
                        f"Không so sánh vì số liệu theo định nghĩa hoặc phạm vi khác với mục tiêu: {ids}."))
    return out


def _missing_paragraph(rows: pd.DataFrame, lang: str, pkg) -> list[str]:
    out = []
    missing = rows[rows["assessment"] == "no data"]
    if not missing.empty:
        out.append(pick(lang, f"**No data** in the package for {_plural(len(missing), 'target', 'targets')}: "
                              f"{_list_targets(missing, lang, False, pkg)}. They are not assessed.",
                        f"**Không có số liệu** trong bộ dữ liệu cho {len(missing)} mục tiêu: "
                        f"{_list_targets(missing, lang, False, pkg)}. Các mục tiêu này không được đánh giá."))
    passed = rows[rows["assessment_group"] == "no value for the target year"]
    if not passed.empty:
        out.append(pick(lang, f"The target year has passed but no value for it is in the data: "
                              f"{_list_targets(passed, lang, True, pkg)}.",
                        f"Đã qua năm mục tiêu nhưng chưa có số liệu của năm đó: "
                        f"{_list_targets(passed, lang, True, pkg)}."))
    unassessed = rows[rows["assessment_group"] == "not assessed"]
    if not unassessed.empty:
        out.append(pick(lang, f"Not assessed by rule (targets over a period, or growth-rate targets judged only in "
                              f"their year): {_list_targets(unassessed, lang, True, pkg)}.",
                        f"Không đánh giá theo quy tắc (mục tiêu cho cả giai đoạn, hoặc mục tiêu tốc độ tăng chỉ xét "
                        f"trong năm mục tiêu): {_list_targets(unassessed, lang, True, pkg)}."))
    return out


def narrative_related(pkg, geo_id: str, related: pd.DataFrame, lang: str) -> list[str]:
    """A paragraph on the old units' or the successor's targets listed beside the geography's own."""
    out = []
    name = data.geo_name(pkg, geo_id, lang)
    olds = data.old_units(pkg, geo_id)
    after = data.successor(pkg, geo_id)
    if olds:
        names = ", ".join(data.geo_name(pkg, g, lang) for g in olds)
        out.append(pick(lang, f"{name} was formed on 1 July 2025 from {names}.", f"{name} được thành lập ngày "
                                                                                  f"1/7/2025 từ {names}."))
    if after:
        out.append(pick(lang, f"{name} was merged into {data.geo_name(pkg, after, 'en')} on 1 July 2025.",
                        f"{name} được hợp nhất vào {data.geo_name(pkg, after, 'vi')} từ ngày 1/7/2025."))
    if related.empty:
        if olds or after:
            out[-1] += pick(lang, " No targets of those units are registered.",
                            " Không có mục tiêu nào của các đơn vị này được ghi nhận.")
        return [" ".join(out)] if out else []
    counts = count_assessments(related)
    per_unit = related.groupby("set_by_geo_id", sort=False).size()
    if olds:
        by_unit = ", ".join(f"{data.geo_name(pkg, g, lang)}: {n}" for g, n in per_unit.items())
        out.append(pick(lang, f"The {_plural(counts['n_targets'], 'target', 'targets')} its old provinces set "
                              f"({by_unit}) are listed too, marked with the province that set them and compared "
                              f"with that province's own data: {_counts_sentence(counts, lang)}.",
                        f"{counts['n_targets']} mục tiêu do các tỉnh cũ đặt ra ({by_unit}) cũng được liệt kê, ghi "
                        f"rõ tỉnh đặt ra và so sánh với số liệu của chính tỉnh đó: {_counts_sentence(counts, lang)}."))
    else:
        out.append(pick(lang, f"The successor's {_plural(counts['n_targets'], 'target is', 'targets are')} listed "
                              f"too, marked as set by it and compared with its own data: "
                              f"{_counts_sentence(counts, lang)}.",
                        f"{counts['n_targets']} mục tiêu của tỉnh kế thừa cũng được liệt kê, ghi rõ do tỉnh kế thừa "
                        f"đặt ra và so sánh với số liệu của tỉnh đó: {_counts_sentence(counts, lang)}."))
    return [" ".join(out)]


def narrative_national(counts: dict[str, int], lang: str) -> str:
    return pick(lang, f"Beside them, the {counts['n_targets']} national targets (Resolution 57 and related documents; "
                      f"{counts['n_with_data']} with data): {_counts_sentence(counts, lang)}.",
                f"Bên cạnh đó là {counts['n_targets']} mục tiêu quốc gia (Nghị quyết 57 và các văn bản liên quan; "
                f"{counts['n_with_data']} mục tiêu có số liệu): {_counts_sentence(counts, lang)}.")


def narrative_de_share(pkg, geo_id: str, latest: pd.Series | None, lang: str) -> str:
    name = data.geo_name(pkg, geo_id, lang)
    if latest is None:
        return pick(lang, f"No digital-economy share of {name} is in the data (on any definition).",
                    f"Không có số liệu tỷ trọng kinh tế số của {name} (theo bất kỳ định nghĩa nào).")
    value = fmt_number(latest["value"], lang, 2)
    concept = _concept_text(latest["concept"], lang)
    status = pick(lang, *_STATUS_TEXT.get(latest["status"], (latest["status"], latest["status"])))
    return pick(lang, f"Latest digital-economy share of {name}: {value} % ({int(latest['year'])}, {concept}, "
                      f"{status}; source `{latest['source_id']}`).",
                f"Tỷ trọng kinh tế số mới nhất của {name}: {value} % (năm {int(latest['year'])}, {concept}, "
                f"số liệu {status}; nguồn `{latest['source_id']}`).")


def narrative_panel(pkg, spec: PanelSpec, table: pd.DataFrame, geo_id: str, newer: list[int], lang: str) -> str:
    """Where the geography (and its old units or successor) stands in one cross-province table."""
    meta = pkg.indicator(spec.indicator_id)
    if table.empty:
        return pick(lang, f"No cross-province table of {meta['name_en']} ({spec.concept}) is in the data.",
                    f"Không có bảng so sánh giữa các tỉnh về {meta['name_vi']} ({spec.concept}) trong dữ liệu.")
    year = int(table["year"].iloc[0])
    title = panel_title(pkg, spec, year, lang)
    n = int(table["n_listed"].iloc[0])
    out_of = None if table["rank_out_of"].isna().all() else int(table["rank_out_of"].max())
    if out_of is not None and out_of != n:
        listed = pick(lang, f"{n} of the {out_of} units ranked are in the data",
                      f"dữ liệu có {n} trong số {out_of} đơn vị được xếp hạng")
    else:
        listed = pick(lang, f"{n} provinces listed", f"{n} tỉnh, thành phố được liệt kê")
    sentences = [f"*{title}* ({listed})."]
    rows = table[table["highlight"] != ""]
    for role in ("geography", "old unit", "successor"):
        for r in rows[rows["highlight"] == role].itertuples():
            sentences.append(_panel_position(pkg, spec, r, role, out_of, lang))
    if geo_id not in set(table["geo_id"]) and geo_id != NATION:
        sentences.append(_absence(pkg, spec, geo_id, year, lang))
    if newer:
        years = ", ".join(str(y) for y in newer)
        sentences.append(pick(lang, f"Later years on this definition ({years}) cover fewer units in the data, so "
                                    f"the most complete table ({year}) is shown.",
                              f"Các năm sau theo cùng định nghĩa ({years}) có ít đơn vị hơn trong dữ liệu, nên bảng "
                              f"đầy đủ nhất (năm {year}) được trình bày."))
    return " ".join(sentences)


def _absence(pkg, spec: PanelSpec, geo_id: str, year: int, lang: str) -> str:
    """Why the geography is not in a panel: it did not exist in that unit system, or it is not in the data."""
    name = data.geo_name(pkg, geo_id, lang)
    row = data.geo_row(pkg, geo_id)
    formed_later = pd.notna(row["valid_from"]) and (spec.concept != "basis_34" and year < data.MERGER_YEAR)
    merged_before = pd.notna(row["valid_to"]) and spec.concept == "basis_34"
    if formed_later:
        return pick(lang, f"{name} did not exist yet (formed on 1 July 2025).",
                    f"{name} khi đó chưa được thành lập (thành lập ngày 1/7/2025).")
    if merged_before:
        return pick(lang, f"{name} is not ranked among the 34 units (merged on 1 July 2025).",
                    f"{name} không được xếp hạng trong 34 đơn vị (đã hợp nhất từ ngày 1/7/2025).")
    return pick(lang, f"{name} is not in this table in the data.", f"{name} không có trong bảng này của bộ dữ liệu.")


def _panel_position(pkg, spec: PanelSpec, r, role: str, out_of: int | None, lang: str) -> str:
    who = {"geography": ("", ""), "old unit": ("Old province ", "Tỉnh cũ "),
           "successor": ("Successor ", "Tỉnh kế thừa ")}
    prefix = pick(lang, *who[role])
    name = r.name
    if r.level == "nation":
        return f"{prefix}{name}: {fmt_number(r.value, lang, 2)} % (`{r.source_id}`)."
    if pkg.indicator(spec.indicator_id)["unit"] == "rank":
        rank = int(r.value)
        total = r.rank_out_of if not pd.isna(r.rank_out_of) else out_of
        return pick(lang, f"{prefix}{name} ranks {_ordinal_en(rank)} of {total} (`{r.source_id}`).",
                    f"{prefix}{name} xếp thứ {rank}/{total} (`{r.source_id}`).")
    return pick(lang, f"{prefix}{name}: {fmt_number(r.value, lang, 2)} %, {_ordinal_en(int(r.place))} of the "
                      f"{int(r.n_listed)} provinces listed (`{r.source_id}`).",
                f"{prefix}{name}: {fmt_number(r.value, lang, 2)} %, đứng thứ {int(r.place)} trong {int(r.n_listed)} "
                f"tỉnh, thành phố được liệt kê (`{r.source_id}`).")


def narrative_rules(as_of: int, lang: str) -> str:
    return pick(lang,
                f"The scorecard makes no assumptions beyond its documented rules: targets are compared with the best "
                f"published observation on their own definition (or, when they state none, the indicator's default "
                f"one, said in the table); a target year counts as passed before {as_of}, the year of the newest "
                f"publication in the data; future targets are assessed with the Eurostat progress method when at "
                f"least two observations exist, and nothing is estimated where data are missing.",
                f"Bảng theo dõi không dùng giả định nào ngoài các quy tắc đã nêu: mục tiêu được so sánh với số liệu "
                f"công bố tốt nhất theo đúng định nghĩa của mục tiêu (nếu mục tiêu không nêu định nghĩa thì dùng định "
                f"nghĩa mặc định của chỉ tiêu, có ghi chú trong bảng); năm mục tiêu được coi là đã qua nếu trước năm "
                f"{as_of}, năm của công bố mới nhất trong dữ liệu; mục tiêu tương lai được đánh giá bằng phương pháp "
                f"tiến độ của Eurostat khi có ít nhất hai quan sát, và không ước tính gì khi thiếu số liệu.")


# ------------------------------------------------------------------------------------------------
# The builder
# ------------------------------------------------------------------------------------------------


def _split_sources(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for value in values:
        if isinstance(value, str) and value:
            out.update(s.strip() for s in value.split(";") if s.strip())
    return out


def _panel_figure(table: pd.DataFrame, spec: PanelSpec, title: str, unit: str, pkg, lang: str):
    """A zero-argument function drawing one panel (figures are drawn on demand, matplotlib imported then)."""
    publishers = pkg.sources.set_index("source_id")["publisher"]
    sources = [f"{publishers.get(s, '')} ({s})".strip() for s in dict.fromkeys(table["source_id"])]
    notes = [pick(lang, "Ministry estimate on a broader definition than the statistics office's measure; not "
                        "comparable with it.",
                  "Ước tính của Bộ theo định nghĩa rộng hơn thước đo của cơ quan thống kê; không so sánh được với "
                        "thước đo đó.")] if spec.concept == "ministry" else []
    n_listed, out_of = int(table["n_listed"].iloc[0]), table["rank_out_of"].max()
    if pd.notna(out_of) and n_listed < int(out_of):
        notes.append(pick(lang, f"Only {n_listed} of the {int(out_of)} units ranked are in the data (published lists).",
                          f"Dữ liệu chỉ có {n_listed} trong số {int(out_of)} đơn vị được xếp hạng (theo các danh "
                          f"sách đã công bố)."))
    kind = "rank" if unit == "rank" else "value"

    def draw():
        from .charts.scorecard_charts import plot_panel

        return plot_panel(table, kind=kind, title=title, unit=unit_text(unit, lang), lang=lang, sources=sources,
                          footnotes=notes)

    return draw


def build(P, pkg=None) -> Report:
    """Build the scorecard report for ``P.geo`` in ``P.lang`` (see the module docstring for the rules)."""
    pkg = pkg or data.load_package()
    geo_id, lang = P.geo, P.lang
    check_choice("lang", lang, ("en", "vi"))
    geo_id = data.resolve_geo(geo_id, pkg, name="geo")
    cache = _SeriesCache(pkg)
    as_of = as_of_year(pkg)
    targets = pkg.targets
    relations = related_geos(pkg, geo_id)
    mine = targets[targets["geo_id"].isin(relations)].copy()
    mine["_order"] = mine["geo_id"].map({g: i for i, g in enumerate(relations)})
    mine = mine.sort_values(["_order", "indicator_id", "year", "target_id"], kind="mergesort")
    table = scorecard_table(pkg, mine, relations, as_of, lang, cache)
    own = table[table["relation"] == "own"]
    related = table[table["relation"] != "own"]
    tables = {"targets": table}
    counts = count_assessments(own)
    scalars: dict[str, Any] = {"as_of_year": as_of, **counts, "related_counts": count_assessments(related)}

    national = pd.DataFrame(columns=TARGET_COLUMNS)
    if geo_id != NATION:
        nat = targets[targets["geo_id"] == NATION].sort_values(["indicator_id", "year", "target_id"], kind="mergesort")
        national = scorecard_table(pkg, nat, {NATION: "national"}, as_of, lang, cache)
        tables["national_targets"] = national
        scalars["national_counts"] = count_assessments(national)

    de_latest = cache.own(geo_id, "de_share_pct", None)
    latest_de = de_latest.iloc[-1] if not de_latest.empty else None
    scalars.update({"de_share_latest_pct": None if latest_de is None else float(latest_de["value"]),
                    "de_share_latest_year": None if latest_de is None else int(latest_de["year"]),
                    "de_share_latest_concept": None if latest_de is None else latest_de["concept"],
                    "de_share_latest_source_id": None if latest_de is None else latest_de["source_id"]})

    roles = highlight_roles(pkg, geo_id)
    figures = {}
    panel_text = []
    source_ids = set(table["target_source_id"]) | _split_sources(table["latest_source_id"])
    source_ids |= set(national["target_source_id"]) | _split_sources(national["latest_source_id"])
    for spec in PANELS:
        panel = panel_table(pkg, spec, roles, lang)
        scalars.update(panel_scalars(spec, panel, geo_id))
        newer = [] if panel.empty else newer_partial_years(pkg, spec, int(panel["year"].iloc[0]))
        panel_text.append(narrative_panel(pkg, spec, panel, geo_id, newer, lang))
        if panel.empty:
            continue
        tables[f"panel_{spec.key}"] = panel
        source_ids |= set(panel["source_id"])
        unit = pkg.indicator(spec.indicator_id)["unit"]
        figures[f"panel_{spec.key}"] = _panel_figure(panel, spec, panel_title(pkg, spec, int(panel["year"].iloc[0]),
                                                                              lang), unit, pkg, lang)

    narrative = narrative_targets(pkg, geo_id, own, counts, as_of, lang)
    narrative += narrative_related(pkg, geo_id, related, lang)
    if geo_id != NATION:
        narrative.append(narrative_national(scalars["national_counts"], lang))
    narrative.append(narrative_de_share(pkg, geo_id, latest_de, lang))
    narrative.append(pick(lang, "**Cross-province tables.** ", "**So sánh giữa các tỉnh.** ") + " ".join(panel_text))
    narrative.append(narrative_rules(as_of, lang))

    newest = max(str(p) for p in pkg.observations["published"].dropna())
    assumptions = assumptions_frame([Assumption(
        "as_of_year", float(as_of), "year", DERIVED,
        pick(lang, "year the scorecard is assessed at: a target year before it has passed",
             "năm đánh giá: năm mục tiêu trước năm này được coi là đã qua"),
        f"year of the newest publication date among the observations ({newest})")])
    if latest_de is not None:
        source_ids.add(latest_de["source_id"])
    source_ids |= source_ids_in(*table["definition_note"], *table["data_reason"])
    title = pick(lang, f"Resolution 57 scorecard: {data.geo_name(pkg, geo_id, 'en')}",
                 f"Bảng theo dõi mục tiêu Nghị quyết 57: {data.geo_name(pkg, geo_id, 'vi')}")
    return Report(notebook=NOTEBOOK, geo_id=geo_id, lang=lang, title=title, tables=tables, scalars=scalars,
                  assumptions=assumptions, sources=sources_frame(pkg, source_ids), narrative=narrative,
                  figures=figures)
