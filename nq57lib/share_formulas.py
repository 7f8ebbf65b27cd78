"""The formulas of a share and its targets (pure, vectorised): argument checks of histories and targets, the
paths each projection method follows, whether a value meets a target, the pace a target requires, which
targets have passed, and the definition a series and a target are read on.

``nq57lib.share_projection`` builds scenarios and projections on these; the progress assessment, the Monte
Carlo, the back-test and the verdicts use the same comparisons, so every report reads "met" alike. The
conventions (shares in %, growth in % a year, histories and targets as data frames) are those of
``nq57lib.share_projection``'s docstring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .bounds import FIRST_YEAR, LAST_YEAR
from .errors import ParameterError, check_choice, check_growth, check_int, check_number
from .text import Phrase, catalog


# Indicators this engine projects: shares bounded by [0, 100].
SHARE_INDICATORS = ("de_share_pct",)

COMPARATORS = (">=", ">", "<=", "<", "=", "between")


# Smallest meaningful margin above a strict '>' target (below a '<' one): shares are published with two
# decimals, so 0.01 pp is the smallest difference the data can show. A path aimed at "more than 25 %"
# aims at 25.01 % and so meets the target instead of landing on its boundary.
STRICT_MARGIN_PP = 0.01


# Float tolerance for non-strict comparisons: a path aimed at 30 % may land on 29.99999999, and a growth
# ratio of exactly 0.95 may come out as 0.9499999999 (the progress thresholds use it too).
FLOAT_TOL = 1e-9


@dataclass(frozen=True)
class DefinitionCheck:
    """Whether a series and a target are on the same definition; ``note`` is empty when they are."""

    series_concept: str
    target_concept: str | None
    status: str  # 'same', 'unstated' or 'different'
    note: str


def is_missing(value: Any) -> bool:
    """True for an absent value in a table cell or argument: None, NaN, ``pd.NA`` or an empty string
    (the share engines and the Monte Carlo read optional target and input fields with it)."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value == ""


def check_history(history: Any, name: str = "history") -> pd.DataFrame:
    """Validate a history frame and return a clean copy (year int, value float, concept str, segment int).

    Shares must be finite numbers within [0, 100]; every row needs its concept; one row per year and
    concept within a segment (the best observation is chosen before this engine sees the data).
    """
    if not isinstance(history, pd.DataFrame):
        raise ParameterError(name, f"expected a pandas DataFrame, got {type(history).__name__}")
    missing = [c for c in ("year", "value", "concept") if c not in history.columns]
    if missing:
        raise ParameterError(name, f"missing column(s) {', '.join(missing)}")
    if history.empty:
        raise ParameterError(name, "has no observations")
    frame = history.copy()
    if "segment" not in frame.columns:
        frame["segment"] = 0
    for column in ("year", "segment"):
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any() or not np.all(np.mod(values, 1) == 0):
            raise ParameterError(name, f"column '{column}' must hold whole numbers, got {frame[column].tolist()}")
        frame[column] = values.astype(int)
    values = pd.to_numeric(frame["value"], errors="coerce")
    for year, raw, number in zip(frame["year"], frame["value"], values):
        if pd.isna(number) or not math.isfinite(number):
            raise ParameterError(name, f"year {year}: value {raw!r} is not a finite number")
        if not 0.0 <= number <= 100.0:
            raise ParameterError(name, f"year {year}: share {number:g} % is outside [0, 100]")
    frame["value"] = values.astype(float)
    if frame["concept"].map(is_missing).any():
        raise ParameterError(name, "column 'concept' has empty values; every observation needs its definition")
    frame["concept"] = frame["concept"].astype(str)
    duplicated = frame.duplicated(["concept", "segment", "year"])
    if duplicated.any():
        year = int(frame.loc[duplicated, "year"].iloc[0])
        raise ParameterError(name, f"more than one observation of one concept for year {year}; pick the best first")
    return frame


def select_series(history: pd.DataFrame, concept: str | None = None, *, name: str = "history") -> pd.DataFrame:
    """Return the observations that may be fitted together: one concept, the latest segment, by year.

    With ``concept=None`` the history must hold a single concept; mixing the statistics office's and the
    ministry's definitions in one trend would measure the gap between definitions, not growth.
    """
    frame = check_history(history, name)
    concepts = sorted(frame["concept"].unique())
    if concept is None:
        if len(concepts) > 1:
            raise ParameterError("concept", f"{name} holds several definitions ({', '.join(concepts)}); choose one")
        concept = concepts[0]
    else:
        check_choice("concept", concept, concepts)
    rows = frame[frame["concept"] == concept]
    rows = rows[rows["segment"] == rows["segment"].max()]
    return rows.sort_values("year").reset_index(drop=True)


def check_targets(targets: Any, name: str = "targets") -> pd.DataFrame:
    """Validate share targets (a DataFrame, one mapping, or an iterable of mappings) into a clean DataFrame
    (target_id, geo_id, indicator_id, concept, comparator, value, value_high, year); the projection and
    the Monte Carlo check their targets with it, naming ``name`` and the target in any error."""
    if isinstance(targets, pd.DataFrame):
        frame = targets.copy()
    elif isinstance(targets, Mapping):
        frame = pd.DataFrame([dict(targets)])
    elif isinstance(targets, Iterable) and not isinstance(targets, (str, bytes)):
        rows = list(targets)
        if not all(isinstance(row, Mapping) for row in rows):
            raise ParameterError(name, "expected a DataFrame or mappings with target fields")
        frame = pd.DataFrame([dict(row) for row in rows])
    else:
        raise ParameterError(name, f"expected a DataFrame or mappings, got {type(targets).__name__}")
    if frame.empty:
        raise ParameterError(name, "holds no targets")
    missing = [c for c in ("target_id", "geo_id", "indicator_id", "comparator", "value", "year")
               if c not in frame.columns]
    if missing:
        raise ParameterError(name, f"missing field(s) {', '.join(missing)}")
    duplicated = frame["target_id"].duplicated()
    if duplicated.any():
        raise ParameterError(name, f"duplicate target_id {frame.loc[duplicated, 'target_id'].iloc[0]!r}")
    for column in ("concept", "value_high"):
        if column not in frame.columns:
            frame[column] = None
    records = []
    for row in frame.to_dict("records"):
        where = f"{name} ({row['target_id']})"
        check_choice(f"{where}.indicator_id", row["indicator_id"], SHARE_INDICATORS)
        comparator = check_choice(f"{where}.comparator", row["comparator"], COMPARATORS)
        value = check_number(f"{where}.value", as_python_scalar(row["value"]), low=0, high=100)
        high = None
        if comparator == "between":
            high = check_number(f"{where}.value_high", as_python_scalar(row["value_high"]), low=value, high=100)
        year = check_int(f"{where}.year", as_python_scalar(row["year"]), low=FIRST_YEAR, high=LAST_YEAR)
        concept = None if is_missing(row["concept"]) else str(row["concept"])
        records.append({"target_id": str(row["target_id"]), "geo_id": str(row["geo_id"]),
                        "indicator_id": row["indicator_id"], "concept": concept, "comparator": comparator,
                        "value": value, "value_high": high, "year": year})
    return pd.DataFrame.from_records(records)


def as_python_scalar(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (bool stays bool; anything else unchanged), so the
    shared checks of ``nq57lib.errors`` accept values read from a DataFrame."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def check_end_year(end_year: Any, base_year: int) -> int:
    """``end_year`` of a projection or simulation as an int, after ``base_year`` and not beyond
    :data:`LAST_YEAR`; ParameterError naming 'end_year' otherwise."""
    end = check_int("end_year", end_year, high=LAST_YEAR)
    if end <= base_year:
        raise ParameterError("end_year", f"must be after the base year {base_year}, got {end}")
    return end


def check_target_after_base(target: Mapping, base_year: int, name: str = "targets") -> None:
    """Refuse a target (a mapping with target_id and year) whose year is not after ``base_year`` (the
    latest observation): a pace to it is undefined."""
    if target["year"] <= base_year:
        raise ParameterError(name, f"target '{target['target_id']}' year {target['year']} is not after "
                                   f"the base year {base_year} (latest observation)")


def required_growth_pct(base_share_pct: float, base_year: int, target_pct: float, target_year: int) -> float:
    """Constant relative growth (% per year) taking the share from its base value to the target value.

    ``((target / base) ** (1 / years) - 1) * 100``; e.g. 22.87 % in 2022 to 60 % in 2045 needs
    ``(60 / 22.87) ** (1 / 23) - 1`` = 4.28 % a year.
    """
    base = check_number("base_share_pct", base_share_pct, low=0, low_open=True, high=100)
    target = check_number("target_pct", target_pct, low=0, low_open=True, high=100)
    years = years_between(base_year, target_year)
    return ((target / base) ** (1.0 / years) - 1.0) * 100.0


def required_pp_per_year(base_share_pct: float, base_year: int, target_pct: float, target_year: int) -> float:
    """Constant change in percentage points per year from the base value to the target value."""
    base = check_number("base_share_pct", base_share_pct, low=0, high=100)
    target = check_number("target_pct", target_pct, low=0, high=100)
    return (target - base) / years_between(base_year, target_year)


def implied_de_growth_pct(share_growth_pct: float, grdp_growth_pct: float) -> float:
    """Growth of digital-economy value added implied by a share growth and a GRDP growth (nominal, %).

    share = DE / GRDP, so (1 + g_share) = (1 + g_de) / (1 + g_grdp) and g_de = (1 + g_share)(1 + g_grdp) - 1.
    """
    share = check_growth("share_growth_pct", share_growth_pct) / 100.0
    grdp = check_growth("grdp_growth_pct", grdp_growth_pct) / 100.0
    return ((1.0 + share) * (1.0 + grdp) - 1.0) * 100.0


def years_between(base_year: Any, target_year: Any) -> int:
    """Whole years from ``base_year`` to a later ``target_year`` (both checked); ParameterError naming
    'target_year' when it is not after the base year."""
    base = check_int("base_year", base_year, low=FIRST_YEAR, high=LAST_YEAR)
    target = check_int("target_year", target_year, low=FIRST_YEAR, high=LAST_YEAR)
    if target <= base:
        raise ParameterError("target_year", f"must be after the base year {base}, got {target}")
    return target - base


def cagr_path(base_share_pct: float, growth_pct: float, steps: np.ndarray) -> np.ndarray:
    """Share after ``steps`` years of constant relative growth, capped at 100 %."""
    steps = np.asarray(steps, dtype=float)
    return np.minimum(100.0, base_share_pct * (1.0 + growth_pct / 100.0) ** steps)


def pp_path(base_share_pct: float, pp_per_year: float, steps: np.ndarray) -> np.ndarray:
    """Share after ``steps`` years of constant percentage-point change, clipped to [0, 100]."""
    return np.clip(base_share_pct + pp_per_year * np.asarray(steps, dtype=float), 0.0, 100.0)


def logistic_path(base_share_pct: float, growth_pct: float, ceiling_pct: float, steps: np.ndarray,
                  pace_share_pct: float | None = None) -> np.ndarray:
    """Logistic (S-curve) share through the base value, saturating at ``ceiling_pct``.

    ``s(t) = K / (1 + (K / s0 - 1) * exp(-k t))``: relative growth ``k (1 - s / K)`` falls monotonically
    as the share fills, and the change in pp a year ``k s (1 - s / K)`` bends down past K / 2.

    The rate k is set where the pace was measured: ``k (1 - p / K) = ln(1 + g)``, p = ``pace_share_pct``,
    the level of the series the pace ``g`` comes from (:attr:`Calibration.pace_share_pct`; the base share
    when None). Calibrating it at the geography's own base instead would let a province near the ceiling
    borrowing a pace measured far below it get an exploding k -- the path then rushes to the ceiling,
    the logistic's growth "speeding up near the ceiling" (issue 9). A level above the base counts as the
    base (the base never grows faster than the pace ``g``). E.g. Bắc Ninh 56.83 % with the
    national ministry pace 15.4 % measured around 14.76 % and K = 70: k = ln(1.154) / (1 - 14.76 / 70)
    = 0.1816 and its relative growth is k (1 - 56.83 / 70) = 3.4 % a year, not 15.4 %.
    """
    pace_level = base_share_pct if pace_share_pct is None else pace_share_pct
    rate = math.log1p(growth_pct / 100.0) / (1.0 - min(pace_level, base_share_pct) / ceiling_pct)
    steps = np.asarray(steps, dtype=float)
    with np.errstate(over="ignore"):  # a steep decline overflows exp to inf, and K / inf is the right 0
        return ceiling_pct / (1.0 + (ceiling_pct / base_share_pct - 1.0) * np.exp(-rate * steps))


def decomposition_path(base_share_pct: float, de_growth_pct: float, grdp_growth_pct: float,
                       steps: np.ndarray) -> np.ndarray:
    """Share when digital-economy value added grows at g_de and GRDP at g_grdp; capped at 100 %."""
    ratio = (1.0 + de_growth_pct / 100.0) / (1.0 + grdp_growth_pct / 100.0)
    return np.minimum(100.0, base_share_pct * ratio ** np.asarray(steps, dtype=float))


def damped_path(base_share_pct: float, start_growth_pct: float, damping: float, steps: np.ndarray) -> np.ndarray:
    """Share when the yearly log growth starts at ``ln(1 + start)`` and decays geometrically by ``damping``.

    The log growth of year k (k = 1, 2, ...) is ``r0 * phi ** k`` with r0 = ln(1 + start_growth_pct / 100),
    so ``ln(s_t / s_0) = r0 * phi * (1 - phi ** t) / (1 - phi)`` (``r0 * t`` when phi = 1). The share
    approaches ``s0 * exp(r0 * phi / (1 - phi))``; capped at 100 %.
    """
    r0 = math.log1p(start_growth_pct / 100.0)
    steps = np.asarray(steps, dtype=float)
    if damping >= 1.0:
        log_ratio = r0 * steps
    else:
        log_ratio = r0 * damping * (1.0 - damping ** steps) / (1.0 - damping)
    return np.minimum(100.0, base_share_pct * np.exp(log_ratio))


def relative_path(base_year: int, base_share_pct: float, proxy_points: Sequence[tuple[int, float]],
                  years: np.ndarray) -> np.ndarray:
    """The proxy's path scaled by the geography's level relative to the proxy in the base year.

    ``share(t) = proxy(t) * base_share / proxy(base_year)``; NaN in a year the proxy path does not cover;
    capped at 100 %.
    """
    proxy = dict(proxy_points)
    ratio = base_share_pct / proxy[base_year]
    out = np.array([proxy.get(int(y), np.nan) * ratio for y in np.asarray(years)], dtype=float)
    return np.minimum(out, 100.0)


def sector_ceiling_pct(agriculture_share_pct: float, product_taxes_share_pct: float) -> float:
    """Upper bound of a value-added share from the sector structure: 100 - agriculture - product taxes (%).

    Both definitions of the digital economy measure value added, and taxes on products are not value
    added of any sector; agriculture is almost undigitised in both measures. E.g. Vĩnh Phúc 2023:
    100 - 5.36 - 23.18 = 71.46 %.
    """
    agriculture = check_number("agriculture_share_pct", agriculture_share_pct, low=0, high=100)
    taxes = check_number("product_taxes_share_pct", product_taxes_share_pct, low=0, high=100)
    if agriculture + taxes >= 100:
        raise ParameterError("product_taxes_share_pct", "agriculture and product taxes leave no value added")
    return 100.0 - agriculture - taxes


def points_path(base_year: int, base_share_pct: float, points: Sequence[tuple[int, float]],
                years: np.ndarray) -> np.ndarray:
    """Share moving at constant relative growth from the base to each point in turn (NaN after the last)."""
    anchors = [(base_year, base_share_pct), *sorted(points)]
    years = np.asarray(years, dtype=float)
    out = np.full(years.shape, np.nan)
    for (y0, s0), (y1, s1) in zip(anchors[:-1], anchors[1:]):
        inside = (years >= y0) & (years <= y1)
        out[inside] = s0 * (s1 / s0) ** ((years[inside] - y0) / (y1 - y0))
        out[years == y1] = s1  # exactly the point, so a '>=' target on it is met without rounding luck
    return np.minimum(out, 100.0)


def meets_target(share_pct: Any, comparator: str, value: float, value_high: float | None = None) -> np.ndarray:
    """Whether each share satisfies the target (vectorised). Strict comparators stay strict."""
    share = np.asarray(share_pct, dtype=float)
    if comparator == ">=":
        return share >= value - FLOAT_TOL
    if comparator == ">":
        return share > value
    if comparator == "<=":
        return share <= value + FLOAT_TOL
    if comparator == "<":
        return share < value
    if comparator == "=":
        return np.abs(share - value) <= FLOAT_TOL
    if comparator == "between":
        return (share >= value - FLOAT_TOL) & (share <= value_high + FLOAT_TOL)
    raise ParameterError("comparator", f"unknown comparator {comparator!r}")


def reached_comparator(comparator: str, value: float, base_share_pct: float) -> str:
    """The comparator a path is checked with: '=' ("about X") means reaching X from the base side.

    A continuous path or a simulated share is never exactly X, so an '=' target is read as a level to
    reach: '>=' from below, '<=' from above (and '=' only when the base sits on it). Other comparators
    are used as they are.
    """
    if comparator != "=" or base_share_pct == value:
        return comparator
    return ">=" if base_share_pct < value else "<="


def target_level(comparator: str, value: float, value_high: float | None, start: float) -> float:
    """The level a path from ``start`` must reach: the target value, or the nearer end of a
    'between' range (the upper end when ``start`` is above the range). A strict '>' ('<') target is
    reached ``STRICT_MARGIN_PP`` (0.01 pp, the data's precision) above (below) its value, so a path
    aimed at it meets it."""
    if comparator == "between" and value_high is not None and start > value_high:
        return float(value_high)
    if comparator == ">":
        return float(value) + STRICT_MARGIN_PP
    if comparator == "<":
        return float(value) - STRICT_MARGIN_PP
    return float(value)


def _concept_label(concept: str) -> str:
    """The English label of a definition (``labels.csv`` of the data package); the id when it has none."""
    from .data_texts import label  # lazy: the data package loads on first use

    return label("concept", concept, "en", default=concept)


def check_definition(series_concept: str, target_concept: str | None) -> DefinitionCheck:
    """Compare the definition of a series with the one a target was set on, and state any mismatch.

    A target whose source does not say which measure it uses ('unstated') is compared anyway, with a
    note, because refusing would leave most provincial targets without any assessment.
    """
    series_label = _concept_label(series_concept)
    if is_missing(target_concept):
        return DefinitionCheck(series_concept, None, "unstated",
                               f"the target does not state its definition; it is compared with the "
                               f"'{series_concept}' series ({series_label}), which holds only if it was set "
                               f"on that measure")
    if target_concept == series_concept:
        return DefinitionCheck(series_concept, target_concept, "same", "")
    target_label = _concept_label(target_concept)
    return DefinitionCheck(series_concept, target_concept, "different",
                           f"the target is set on the '{target_concept}' definition ({target_label}) but the "
                           f"series is '{series_concept}' ({series_label}): the comparison mixes definitions")


def check_single_geo(targets: pd.DataFrame) -> None:
    """Targets of one geography only: a ParameterError naming the geographies a mixed table holds."""
    geos = sorted(targets["geo_id"].unique())
    if len(geos) > 1:
        raise ParameterError("targets", f"mixes geographies ({', '.join(geos)}); pass the targets of one")


def required_paths(history: pd.DataFrame, targets: Any, *, concept: str | None = None,
                   grdp_growth_pct: float | None = None) -> pd.DataFrame:
    """Pace needed from the latest observation to each target, with the definition check.

    Columns: target_id, comparator, target_pct, target_year, base_year, base_share_pct, years_left,
    required_growth_pct, required_pp_per_year, grdp_growth_pct, implied_de_growth_pct (NaN without a
    GRDP growth), already_met, series_concept, definition_status, definition_note. For a 'between'
    target the pace is toward the nearer end of the range; for a strict '>' the pace reaches the
    value plus ``STRICT_MARGIN_PP`` (0.01 pp), so that it meets the target rather than its boundary
    (``target_pct`` holds that level). Every target must fall after the latest observation.
    """
    series = select_series(history, concept)
    frame = check_targets(targets)
    check_single_geo(frame)
    grdp = None if grdp_growth_pct is None else check_growth("grdp_growth_pct", grdp_growth_pct)
    base = series.iloc[-1]
    base_year, base_share = int(base["year"]), float(base["value"])
    series_concept = str(base["concept"])
    for target in frame.to_dict("records"):
        check_target_after_base(target, base_year)
    rows = []
    for target in frame.to_dict("records"):
        level = target_level(target["comparator"], target["value"], target["value_high"], base_share)
        growth = required_growth_pct(base_share, base_year, level, target["year"]) if base_share > 0 else math.nan
        check = check_definition(series_concept, target["concept"])
        rows.append({
            "target_id": target["target_id"], "comparator": target["comparator"], "target_pct": level,
            "target_year": target["year"], "base_year": base_year, "base_share_pct": base_share,
            "years_left": target["year"] - base_year, "required_growth_pct": growth,
            "required_pp_per_year": required_pp_per_year(base_share, base_year, level, target["year"]),
            "grdp_growth_pct": math.nan if grdp is None else grdp,
            "implied_de_growth_pct": math.nan if grdp is None or math.isnan(growth)
            else implied_de_growth_pct(growth, grdp),
            "already_met": bool(meets_target(base_share, reached_comparator(target["comparator"], target["value"],
                                                                            base_share),
                                             target["value"], target["value_high"])),
            "series_concept": series_concept, "definition_status": check.status, "definition_note": check.note,
        })
    return pd.DataFrame(rows)


def split_targets(targets: Any, base_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validated targets split into (after ``base_year``, due at or before it).

    Paces, paths and probabilities need a target after the latest observation (the functions reject
    any other); a target already due is compared with the observed value instead, which this split
    makes explicit rather than dropping it silently.
    """
    frame = check_targets(targets)
    base = check_int("base_year", as_python_scalar(base_year), low=FIRST_YEAR, high=LAST_YEAR)
    later = frame["year"] > base
    return frame[later].reset_index(drop=True), frame[~later].reset_index(drop=True)


def target_has_passed(target_year: int, as_of_year: int) -> bool:
    """Whether a target's year has passed as of the data: the one rule of every report (digital economy,
    scorecard): ``target_year < as_of_year``.

    The as-of year is that of the newest publication date in the data (``data.as_of_year``): data
    published in that year speak at best for the year before it in full, so a target due at the end of
    the as-of year is still open (projected, not assessed as passed); one due in an earlier year has passed.
    """
    return int(target_year) < int(as_of_year)


def split_targets_as_of(targets: Any, as_of_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validated targets split into (ahead, passed) as of the data (:func:`target_has_passed`).

    The caller takes ``as_of_year`` from the newest publication date in the data; a passed target is
    assessed on the data ("target year passed", with the latest value), not projected.
    """
    frame = check_targets(targets)
    as_of = check_int("as_of_year", as_python_scalar(as_of_year), low=FIRST_YEAR, high=LAST_YEAR)
    passed = frame["year"].map(lambda year: target_has_passed(year, as_of)).astype(bool)
    return frame[~passed].reset_index(drop=True), frame[passed].reset_index(drop=True)


def target_path_points(targets: Any, base_year: int, base_share_pct: float) -> tuple[tuple[int, float], ...]:
    """(year, share) points of the 'target path' scenario: each target's level, in year order.

    Several targets in one year (registries often hold the same level from several documents) give
    one point at the highest level: the most demanding for a share where higher is better.
    """
    frame = check_targets(targets)
    check_single_geo(frame)
    levels: dict[int, float] = {}
    for target in frame.to_dict("records"):
        check_target_after_base(target, base_year)
        level = target_level(target["comparator"], target["value"], target["value_high"], base_share_pct)
        levels[target["year"]] = max(level, levels.get(target["year"], level))
    return tuple(sorted(levels.items()))


def concept_word(concept: str) -> str | Phrase:
    """A definition's id as a phrase: the id in English, its word in another language (ids without a word
    in the locale files stay as they are)."""
    key = f"common.inputs.concept.{concept}"
    return Phrase(key) if key in catalog("en") else concept
