"""Projection engine for a share indicator (the digital-economy share of GDP/GRDP) toward its targets.

Why this module exists: the data are sparse (Vĩnh Phúc has one observed share, the nation six yearly
statistics-office values), so the engine is scenario-driven and every output says what was observed,
what was derived from observations, and what was assumed (:class:`nq57lib.provenance.Assumption`).

Conventions used everywhere below:

* shares are in percent (``share_pct``, 0–100); growth rates are in percent per year (``growth_pct``);
  changes in percentage points per year are ``pp_per_year``;
* a *history* is a DataFrame with one row per year and the columns ``year``, ``value`` (share, %),
  ``concept`` (definition: ``nso`` = statistics office value-added measure, ``ministry`` = the ministry's
  broader estimate) and ``segment`` (a series break starts a new segment), plus, when known, ``unit``,
  ``status``, ``source_id`` and ``publisher``. Only one concept and the latest segment are ever fitted;
* a *target* is a mapping (or a DataFrame row) with ``target_id``, ``geo_id``, ``indicator_id``,
  ``concept`` (empty = unstated), ``comparator`` (``>=``, ``>``, ``<=``, ``<``, ``=``, ``between``),
  ``value``, ``value_high`` (for ``between``) and ``year``. An '=' target ("about X") counts as met
  once the share reaches X from its base side (see :func:`reached_comparator`).

Every projection method keeps the share within [0, 100] by construction: relative-growth paths are capped
at 100 (value added cannot exceed GDP), percentage-point paths are clipped to [0, 100], the logistic curve
stays below its ceiling, and the statistical trend is fitted on the logit of the share.

Every public function checks its arguments first and raises one :class:`nq57lib.errors.ParameterError`
naming the bad argument, before any fitting or simulation runs.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .bounds import FIRST_YEAR, LAST_YEAR
from .errors import ParameterError, check_choice, check_growth, check_int, check_number
from .provenance import ASSUMED, DERIVED, OBSERVED, Assumption
from .text import Names, Phrase, catalog, names, phrase, t

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words

# Indicators this engine projects: shares bounded by [0, 100].
SHARE_INDICATORS = ("de_share_pct",)
COMPARATORS = (">=", ">", "<=", "<", "=", "between")
METHODS = ("cagr", "pp", "logistic", "decomposition", "ets", "path", "damped", "relative")

ETS_MIN_OBS = 6  # fewer points cannot identify level, trend, damping and noise at once
ETS_INTERVAL_PCT = 90  # matches the 5-95 % Monte Carlo band, so the two can be read side by side
# The ids of the default scenarios (``Scenario.id``): what the code matches on; the locale renders each one
# (``common.scenario.<id>``), so changing a scenario's words never changes which scenario it is.
CURRENT_TREND, REFERENCE_PACE, LOGISTIC, TARGET_PATH, ETS, LINEAR, DAMPED = (
    "current_trend", "reference_pace", "logistic", "target_path", "ets", "linear", "damped")


# Default saturation ceiling (%, a parameter of every report). It is set from the sector structure, never
# from the targets: both definitions measure value added, so the digital economy cannot exceed GRDP minus
# taxes on products (not value added of any sector) minus agriculture (almost undigitised in both measures).
# For Vĩnh Phúc that bound was 100 - 6.11 - 25.77 = 68.1 % in 2020 (investvinhphuc-35ad9874) and
# 100 - 5.36 - 23.18 = 71.5 % in 2023 (docnhanh-72bcbc7d, preliminary); 70 % is the middle of that range.
# Any geography can use its own bound with :func:`sector_ceiling_pct`.
DEFAULT_CEILING_PCT = 70.0
CEILING_BASIS = t("common.inputs.basis.ceiling", "en")  # the sector structure (words in the locale files)

# Smallest meaningful margin above a strict '>' target (below a '<' one): shares are published with two
# decimals, so 0.01 pp is the smallest difference the data can show. A path aimed at "more than 25 %"
# aims at 25.01 % and so meets the target instead of landing on its boundary.
STRICT_MARGIN_PP = 0.01

# Float tolerance for non-strict comparisons: a path aimed at 30 % may land on 29.99999999, and a growth
# ratio of exactly 0.95 may come out as 0.9499999999 (the progress thresholds use it too).
FLOAT_TOL = 1e-9


# --------------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One projection scenario: a name, a method and its parameters.

    Methods and their ``params`` (all rates in percent per year):

    * ``cagr``: ``growth_pct`` -- constant relative growth of the share, capped at 100 %;
    * ``pp``: ``pp_per_year`` -- constant change in percentage points, clipped to [0, 100];
    * ``logistic``: ``growth_pct``, ``ceiling_pct`` (saturation) and optional ``pace_share_pct`` (the level at
      which the pace was measured; see :func:`logistic_path`);
    * ``decomposition``: ``de_growth_pct`` and ``grdp_growth_pct`` -- digital-economy value added and
      GRDP grow at their own nominal rates; the share follows their ratio, capped at 100 %;
    * ``ets``: optional ``damping`` (fixed phi in (0, 1); estimated if absent) -- damped-trend exponential
      smoothing on logit(share / 100), fitted to the history (needs >= 6 observations);
    * ``path``: ``points`` -- ((year, share_pct), ...) reached one after another at constant relative
      growth from the base observation (used for the target path); the path ends at the last point;
    * ``damped``: ``start_growth_pct`` and ``damping`` (phi in [0, 1]) -- the log growth of the k-th year
      after the base is ``ln(1 + start) * phi ** k``: a pace slowing geometrically toward zero, fitted to
      the observed successive growths by :func:`fit_damped_pace`;
    * ``relative``: ``proxy_points`` ((year, proxy_share_pct), ...) covering the base year -- the proxy's
      path scaled by the geography's level relative to the proxy in the base year (see
      :func:`relative_level_scenario`); ``proxy_label`` names the proxy.

    Every path is capped at the projection's ceiling (:func:`project`, ``ceiling_pct``) and at 100 %.

    ``basis`` says where the parameters come from (text, or a ``text.Phrase`` shown in the report's
    language); ``name_vi`` is the Vietnamese name shown in plots. ``id`` identifies the scenario in code and
    results (``scenario_id``; the default scenarios' ids are this module's constants, e.g. ``TARGET_PATH``);
    the names are only its words. A scenario written in the notebook without an id is identified by its name.
    """

    name: str
    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    basis: str | Phrase = ""
    name_vi: str = ""
    id: str = ""

    def __post_init__(self):
        # A private copy: changing the caller's dict afterwards must not change a defined scenario.
        # (A plain dict rather than a read-only proxy, so scenarios can be pickled and deep-copied.)
        object.__setattr__(self, "params", dict(self.params))
        if not self.id:
            object.__setattr__(self, "id", self.name)


@dataclass(frozen=True)
class Calibration:
    """The base observation of a geography and the pace (trend and noise) calibrated for it.

    ``source`` is ``'own'`` when the pace comes from the geography's own series (>= 2 observations of
    one concept in its latest segment) and ``'proxy'`` when it comes from the named proxy series;
    ``definition_differs`` is True when that proxy is on another definition than the base observation.
    ``log_growth_sd_pct`` is the standard deviation of one year's log growth (x100), known only with
    >= 3 observations; ``trend_sd_pct`` and ``shock_sd_pct`` are the Monte Carlo inputs derived from it.
    """

    label: str
    concept: str
    base_year: int
    base_share_pct: float
    base_source_id: str
    source: str
    pace_label: str
    pace_concept: str
    pace_first_year: int
    pace_last_year: int
    pace_n_obs: int
    growth_pct: float
    pp_per_year: float
    log_growth_sd_pct: float | None
    trend_sd_pct: float | None
    shock_sd_pct: float | None
    definition_differs: bool
    note: str
    assumptions: tuple[Assumption, ...]
    pace_share_pct: float | None = None  # level of the pace series (geometric mean of its ends)
    note_phrase: Phrase | None = field(default=None, compare=False, repr=False)  # ``note`` in any language


@dataclass(frozen=True)
class DefinitionCheck:
    """Whether a series and a target are on the same definition; ``note`` is empty when they are."""

    series_concept: str
    target_concept: str | None
    status: str  # 'same', 'unstated' or 'different'
    note: str


@dataclass(frozen=True)
class ProjectionResult:
    """Scenario paths in a tidy table, with the assumptions and notes that produced them.

    ``table`` columns: scenario_id, scenario, scenario_vi, method, year, share_pct, share_lo_pct, share_hi_pct
    (the ETS prediction interval; NaN for other methods), kind ('observed' for the base row that every
    scenario starts from, 'projected' after it).
    """

    table: pd.DataFrame
    assumptions: list[Assumption]
    notes: list[str]  # phrases: English text that a report renders in its language (``text.render``)
    concept: str
    base_year: int
    base_share_pct: float
    caps: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["scenario_id", "scenario", "cap_pct",
                                                                             "cap_year"]))
    """One row per scenario: cap_pct (the ceiling, or 100) and cap_year (first year at the cap; <NA> if never)."""


# --------------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Formulas (pure, vectorised over numpy arrays)
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Definitions and calibration
# --------------------------------------------------------------------------------------------------


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


def _pace(series: pd.DataFrame) -> dict:
    """Trend pace of a fitted series: CAGR, pp/yr and the spread of yearly log growth.

    The mean log growth per year telescopes to ln(last / first) / span, i.e. the endpoint CAGR. The
    spread is estimated from each interval's deviation from that mean, scaled by its length (a gap of
    several years counts as several yearly shocks); it needs >= 2 intervals (>= 3 observations).
    """
    years = series["year"].to_numpy(dtype=float)
    values = series["value"].to_numpy(dtype=float)
    if np.any(values <= 0):
        raise ParameterError("history", "a share of 0 % has no relative growth rate; the pace cannot be fitted")
    span = years[-1] - years[0]
    mean_log = math.log(values[-1] / values[0]) / span
    gaps = np.diff(years)
    deviations = np.diff(np.log(values)) - mean_log * gaps
    sd = float(np.sqrt(np.sum(deviations ** 2 / gaps) / (len(gaps) - 1))) if len(gaps) >= 2 else None
    return {"growth_pct": math.expm1(mean_log) * 100.0, "pp_per_year": float((values[-1] - values[0]) / span),
            "log_growth_sd_pct": None if sd is None else sd * 100.0, "span": span,
            "first_year": int(years[0]), "last_year": int(years[-1]), "n_obs": len(values),
            "level": float(math.sqrt(values[0] * values[-1]))}


def calibrate(history: pd.DataFrame, *, concept: str | None = None, label: str = "own series",
              proxy: pd.DataFrame | None = None, proxy_label: str | None = None,
              base_is_assumed: bool = False) -> Calibration:
    """Base observation and pace for one geography, from its own series or else from a named proxy.

    Own series: used when it has >= 2 observations of ``concept`` in its latest segment. Otherwise the
    pace comes from ``proxy`` (e.g. the national series), preferring the proxy's observations of the same
    concept; if the proxy only has another concept, ``definition_differs`` is set and stated in ``note``.

    Monte Carlo inputs: with the own series the trend uncertainty is the standard error of the mean pace
    (sd / sqrt(span)). With a proxy it is one full yearly sd, an explicit assumption: a province's own
    pace is unknown and may differ from the proxy's mean by about as much as one year differs from it.
    """
    own = select_series(history, concept)
    concept = str(own["concept"].iloc[0])
    base = own.iloc[-1]
    base_year, base_share = int(base["year"]), float(base["value"])
    base_source = str(base.get("source_id", "") or "")
    if len(own) >= 2:
        fitted, source, pace_label, differs = own, "own", label, False
    else:
        if proxy is None:
            raise ParameterError("proxy", f"{label} has one '{concept}' observation ({base_year}); pass a proxy "
                                          f"series (e.g. the national one) to calibrate its pace")
        if not isinstance(proxy_label, str) or not proxy_label.strip():
            raise ParameterError("proxy_label", "name the proxy series so the output can say which it is")
        proxy_concepts = set(check_history(proxy, "proxy")["concept"])
        fitted = select_series(proxy, concept if concept in proxy_concepts else None, name="proxy")
        if len(fitted) < 2:
            raise ParameterError("proxy", f"needs >= 2 observations of one definition, has {len(fitted)}")
        source, pace_label = "proxy", proxy_label
        differs = str(fitted["concept"].iloc[0]) != concept
    pace = _pace(fitted)
    pace_concept = str(fitted["concept"].iloc[0])
    sd = pace["log_growth_sd_pct"]
    trend_sd = None if sd is None else (sd / math.sqrt(pace["span"]) if source == "own" else sd)
    period = f"{pace['first_year']}-{pace['last_year']}"
    if source == "own":
        note_phrase = phrase(_B + "note_own", geo=label, concept=concept_word(concept), n=pace["n_obs"], period=period)
    else:
        note_phrase = phrase(_B + ("note_proxy_assumed" if base_is_assumed else "note_proxy"), geo=label, concept=concept_word(concept), year=base_year,
                             proxy=proxy_label, pace_concept=concept_word(pace_concept), n=pace["n_obs"], period=period)
        if differs:
            note_phrase = phrase(_B + "note_differs", note=note_phrase, pace_concept=concept_word(pace_concept),
                                 concept=concept_word(concept))
    note = str(note_phrase)
    pace_kind = DERIVED if source == "own" else ASSUMED
    pace_fmt = {"series": pace_label, "concept": concept_word(pace_concept), "period": period}
    pace_basis, change_basis = phrase(_B + "cagr", **pace_fmt), phrase(_B + "mean_change", **pace_fmt)
    if source != "own":
        pace_basis = phrase(_B + "as_proxy", basis=pace_basis, geo=label)
        change_basis = phrase(_B + "as_proxy", basis=change_basis, geo=label)
    assumptions = [
        Assumption("base_share_pct", base_share, "%", OBSERVED, phrase(_L + "latest_share", year=base_year),
                   phrase(_B + "concept_source", concept=concept_word(concept),
                                                      source=base_source or phrase(_B + "not_given"))),
        Assumption("growth_pct", pace["growth_pct"], "% per year", pace_kind, phrase(_L + "trend_pace"),
                   pace_basis),
        Assumption("pp_per_year", pace["pp_per_year"], "pp per year", pace_kind, phrase(_L + "trend_pp"),
                   change_basis),
    ]
    if sd is not None:
        assumptions.append(Assumption("trend_sd_pct", trend_sd, "% per year (log points)", pace_kind,
                                      phrase(_L + "trend_sd"),
                                      phrase(_B + ("sd_own" if source == "own" else "sd_proxy"), sd=sd,
                                             series=pace_label)))
        assumptions.append(Assumption("shock_sd_pct", sd, "% per year (log points)", pace_kind,
                                      phrase(_L + "shock_sd"), phrase(_B + "sd_period", series=pace_label,
                                                                      period=period)))
    return Calibration(label=label, concept=concept, base_year=base_year, base_share_pct=base_share,
                       base_source_id=base_source, source=source, pace_label=pace_label,
                       pace_concept=pace_concept, pace_first_year=pace["first_year"],
                       pace_last_year=pace["last_year"], pace_n_obs=pace["n_obs"],
                       growth_pct=pace["growth_pct"], pp_per_year=pace["pp_per_year"],
                       log_growth_sd_pct=sd, trend_sd_pct=trend_sd, shock_sd_pct=sd,
                       definition_differs=differs, note=note, assumptions=tuple(assumptions), note_phrase=note_phrase,
                       pace_share_pct=pace["level"])


@dataclass(frozen=True)
class DampedFit:
    """A pace slowing geometrically, fitted to a series' successive yearly log growths.

    ``log_growths`` are the per-year log growths (x100) between successive observations (a gap of g
    years gives the mean per year); ``damping`` phi = sum(r_i r_(i+1)) / sum(r_i^2), the least-squares
    slope through the origin of each growth on the one before, clipped to [0, 1]; ``start_growth_pct``
    is the last observed yearly growth (%), from which the projection decays: year k after the last
    observation grows by ``ln(1 + start) * phi ** k`` in log terms.
    """

    start_growth_pct: float
    damping: float
    log_growths: tuple[float, ...]
    n_obs: int
    first_year: int
    last_year: int
    label: str
    note: str


DAMPED_MIN_OBS = 3  # two successive growths are the fewest that show whether growth slows


def fit_damped_pace(series: pd.DataFrame, *, concept: str | None = None, label: str = "series") -> DampedFit:
    """Fit the damped pace to one definition's series (>= 3 observations of its latest segment).

    Worked example (national ministry series 11.91, 14.26, 16.5, 18.3 in 2021-2024): log growths 0.180,
    0.146, 0.104; phi = (0.180*0.146 + 0.146*0.104) / (0.180^2 + 0.146^2) = 0.770; start 18.3 / 16.5 - 1
    = 10.91 % a year (pinned in tests/test_share_projection.py).
    A fitted phi >= 1 (growth not slowing) is clipped to 1 and the note says so; a negative one to 0.
    """
    rows = select_series(series, concept, name="series")
    if len(rows) < DAMPED_MIN_OBS:
        raise ParameterError("series", f"the damped pace needs >= {DAMPED_MIN_OBS} observations of one definition, "
                                       f"has {len(rows)}")
    years = rows["year"].to_numpy(dtype=float)
    values = rows["value"].to_numpy(dtype=float)
    if np.any(values <= 0):
        raise ParameterError("series", "a share of 0 % has no growth rate")
    growths = np.diff(np.log(values)) / np.diff(years)
    previous, following = growths[:-1], growths[1:]
    denominator = float(np.sum(previous ** 2))
    raw = float(np.sum(previous * following) / denominator) if denominator > 0 else 1.0
    phi = min(1.0, max(0.0, raw))
    period = f"{int(years[0])}-{int(years[-1])}"
    note = phrase(_B + "damped", series=label, period=period, phi=phi, n=len(growths),
                  last=math.expm1(growths[-1]) * 100)
    if raw >= 1:
        note = phrase(_B + "damped_none", note=note, raw=raw)
    return DampedFit(start_growth_pct=math.expm1(growths[-1]) * 100.0, damping=phi,
                     log_growths=tuple(float(g) * 100.0 for g in growths), n_obs=len(values),
                     first_year=int(years[0]), last_year=int(years[-1]), label=label, note=note)


def relative_level_scenario(name: str, base_year: int, base_share_pct: float, proxy_table: pd.DataFrame,
                            proxy_label: str, *, name_vi: str = "", scenario_id: str = "") -> Scenario:
    """A 'relative' scenario: the proxy's path, scaled by the level relative to the proxy in the base year.

    ``proxy_table``: year and share_pct of the proxy (its observations and one of its projected paths),
    covering ``base_year`` and the years after it. E.g. a province at 22.87 % in 2022 whose proxy is at
    14.26 % then and 20 % in 2030 gets 20 * 22.87 / 14.26 = 32.08 % in 2030. The basis says so.
    """
    if not isinstance(proxy_table, pd.DataFrame) or not {"year", "share_pct"} <= set(proxy_table.columns):
        raise ParameterError("proxy_table", "expected a DataFrame with columns year and share_pct")
    if not isinstance(proxy_label, str) or not proxy_label.strip():
        raise ParameterError("proxy_label", "name the proxy so the basis can say which it is")
    base_year = check_int("base_year", as_python_scalar(base_year), low=FIRST_YEAR, high=LAST_YEAR)
    base = check_number("base_share_pct", as_python_scalar(base_share_pct), low=0, low_open=True, high=100)
    table = proxy_table.dropna(subset=["share_pct"]).drop_duplicates("year", keep="last")
    points = tuple((int(y), float(v)) for y, v in zip(table["year"], table["share_pct"]) if int(y) >= base_year)
    if not points or points[0][0] != base_year:
        raise ParameterError("proxy_table", f"must hold the proxy's share in the base year {base_year}")
    if points[0][1] <= 0:
        raise ParameterError("proxy_table", f"the proxy's share in {base_year} is 0 %; no relative level")
    ratio = base / points[0][1]
    basis = phrase(_B + "relative_path", proxy=proxy_label, year=base_year, base=base, proxy_base=points[0][1],
                   ratio=ratio)
    return Scenario(name, "relative", {"proxy_points": points, "proxy_label": proxy_label}, basis, name_vi,
                    scenario_id)


# --------------------------------------------------------------------------------------------------
# Target analytics
# --------------------------------------------------------------------------------------------------


def _single_geo(targets: pd.DataFrame) -> None:
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
    _single_geo(frame)
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
    _single_geo(frame)
    levels: dict[int, float] = {}
    for target in frame.to_dict("records"):
        check_target_after_base(target, base_year)
        level = target_level(target["comparator"], target["value"], target["value_high"], base_share_pct)
        levels[target["year"]] = max(level, levels.get(target["year"], level))
    return tuple(sorted(levels.items()))


def attainment_years(projection: ProjectionResult, targets: Any) -> pd.DataFrame:
    """First year each scenario satisfies each target ('not within horizon' when it never does).

    Columns: scenario_id, scenario, target_id, target_year, attained_year (nullable Int64), on_time (reached by the
    target year), status ('already met' at the base year, 'reached', or 'not within horizon'),
    definition_note.
    """
    if not isinstance(projection, ProjectionResult):
        raise ParameterError("projection", f"expected a ProjectionResult, got {type(projection).__name__}")
    frame = check_targets(targets)
    _single_geo(frame)
    for target in frame.to_dict("records"):
        check_target_after_base(target, projection.base_year)
    rows = []
    for (scenario_id, scenario), path in projection.table.groupby(["scenario_id", "scenario"], sort=False):
        path = path.sort_values("year")
        for target in frame.to_dict("records"):
            comparator = reached_comparator(target["comparator"], target["value"], projection.base_share_pct)
            ok = meets_target(path["share_pct"].to_numpy(), comparator, target["value"], target["value_high"])
            years = path["year"].to_numpy()[ok]
            year = int(years[0]) if len(years) else None
            status = ("not within horizon" if year is None
                      else "already met" if year == projection.base_year else "reached")
            rows.append({"scenario_id": scenario_id, "scenario": scenario, "target_id": target["target_id"],
                         "target_year": target["year"],
                         "attained_year": year, "on_time": year is not None and year <= target["year"],
                         "status": status,
                         "definition_note": check_definition(projection.concept, target["concept"]).note})
    out = pd.DataFrame(rows)
    out["attained_year"] = out["attained_year"].astype("Int64")
    return out


# --------------------------------------------------------------------------------------------------
# Scenario projection
# --------------------------------------------------------------------------------------------------


def _check_scenarios(scenarios: Any, base_share: float, base_year: int, n_obs: int) -> list[Scenario]:
    """Check every scenario's method and parameters before anything is projected."""
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if not isinstance(scenarios, Iterable) or isinstance(scenarios, (str, bytes, Mapping)):
        raise ParameterError("scenarios", "expected a list of Scenario objects")
    scenarios = list(scenarios)
    if not scenarios or not all(isinstance(s, Scenario) for s in scenarios):
        raise ParameterError("scenarios", "expected a non-empty list of Scenario objects")
    names, ids = [s.name for s in scenarios], [s.id for s in scenarios]
    if len(set(names)) != len(names):
        raise ParameterError("scenarios", "scenario names must be unique")
    twice = next((i for i in ids if ids.count(i) > 1), None)
    if twice is not None:
        raise ParameterError("scenarios", f"two scenarios have the id {twice!r}: give a copy its own id, e.g. "
                                          f"dataclasses.replace(scenario, name='...', id='...')")
    required = {"cagr": ("growth_pct",), "pp": ("pp_per_year",), "logistic": ("growth_pct", "ceiling_pct"),
                "decomposition": ("de_growth_pct", "grdp_growth_pct"), "ets": (), "path": ("points",),
                "damped": ("start_growth_pct", "damping"), "relative": ("proxy_points", "proxy_label")}
    for i, scenario in enumerate(scenarios):
        where = f"scenarios[{i}]"
        if not isinstance(scenario.name, str) or not scenario.name.strip():
            raise ParameterError(f"{where}.name", "must be a non-empty string")
        method = check_choice(f"{where}.method", scenario.method, METHODS)
        params = scenario.params
        missing = [p for p in required[method] if p not in params]
        optional = {"ets": ("damping",), "logistic": ("pace_share_pct",)}.get(method, ())
        unknown = [p for p in params if p not in required[method] + optional]
        if missing or unknown:
            raise ParameterError(f"{where}.params", f"method '{method}' takes {list(required[method])}"
                                                    f"; missing {missing}, unknown {unknown}")
        for key in ("growth_pct", "de_growth_pct", "grdp_growth_pct", "start_growth_pct"):
            if key in params:
                check_growth(f"{where}.params.{key}", params[key])
        if "pp_per_year" in params:
            check_number(f"{where}.params.pp_per_year", params["pp_per_year"], low=-100, high=100)
        if method == "logistic":
            ceiling = check_number(f"{where}.params.ceiling_pct", params["ceiling_pct"], low=0, low_open=True,
                                   high=100)
            if ceiling <= base_share:
                raise ParameterError(f"{where}.params.ceiling_pct",
                                     f"must be above the base share {base_share:g} %, got {ceiling:g}")
            if base_share <= 0:
                raise ParameterError("history", "a logistic path cannot start from a share of 0 %")
            if "pace_share_pct" in params:
                check_number(f"{where}.params.pace_share_pct", params["pace_share_pct"], low=0, low_open=True,
                             high=ceiling, high_open=True)
        if method == "damped":
            check_number(f"{where}.params.damping", params["damping"], low=0, high=1)
        if method == "relative":
            points = params["proxy_points"]
            if (not isinstance(points, Sequence) or isinstance(points, str)
                    or not all(isinstance(p, Sequence) and len(p) == 2 for p in points)):
                raise ParameterError(f"{where}.params.proxy_points", "expected ((year, share_pct), ...)")
            for year, share in points:
                check_int(f"{where}.params.proxy_points year", as_python_scalar(year), low=FIRST_YEAR, high=LAST_YEAR)
                check_number(f"{where}.params.proxy_points share_pct", as_python_scalar(share), low=0, high=100)
            years_given = [p[0] for p in points]
            if base_year not in years_given:
                raise ParameterError(f"{where}.params.proxy_points", f"must include the base year {base_year}")
            if dict(points)[base_year] <= 0:
                raise ParameterError(f"{where}.params.proxy_points", f"the proxy's share in {base_year} is 0 %")
        if method in ("cagr", "decomposition", "damped", "relative") and base_share <= 0:
            raise ParameterError("history", f"method '{method}' cannot grow a share of 0 %")
        if method == "ets":
            if "damping" in params:
                check_number(f"{where}.params.damping", params["damping"], low=0, low_open=True, high=1,
                             high_open=True)
            if n_obs < ETS_MIN_OBS:
                raise ParameterError(where, f"method 'ets' needs >= {ETS_MIN_OBS} observations of one definition "
                                            f"in one segment; the series has {n_obs}")
        if method == "path":
            points = params["points"]
            if not isinstance(points, Iterable) or not list(points):
                raise ParameterError(f"{where}.params.points", "expected ((year, share_pct), ...)")
            for point in points:
                if not isinstance(point, Sequence) or len(point) != 2:
                    raise ParameterError(f"{where}.params.points",
                                         f"expected (year, share_pct) pairs, got {point!r}")
                year, share = point
                year = check_int(f"{where}.params.points year", as_python_scalar(year), high=LAST_YEAR)
                if year <= base_year:
                    raise ParameterError(f"{where}.params.points",
                                         f"year {year} is not after the base year {base_year}")
                check_number(f"{where}.params.points share_pct", as_python_scalar(share), low=0, low_open=True, high=100)
    return scenarios


def ets_forecast(series: pd.DataFrame, end_year: int, *, damping: float | None = None,
                 interval_pct: float = ETS_INTERVAL_PCT) -> tuple[pd.DataFrame, list[Assumption], list[str]]:
    """Damped-trend exponential smoothing on logit(share / 100), with its prediction interval.

    ``series`` is one concept in one segment (see :func:`select_series`) with >= 6 consecutive yearly
    observations strictly inside (0, 100). Returns (table of year, share_pct, share_lo_pct, share_hi_pct
    for the years after the last observation, fitted parameters as assumptions, notes). The logit keeps
    the forecast and its interval inside (0, 100).
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    series = select_series(series, name="series")
    years = series["year"].to_numpy()
    if len(years) < ETS_MIN_OBS:
        raise ParameterError("series", f"needs >= {ETS_MIN_OBS} observations, has {len(years)}")
    if np.any(np.diff(years) != 1):
        raise ParameterError("series", f"needs consecutive years, got {years.tolist()}")
    shares = series["value"].to_numpy(dtype=float)
    if np.any((shares <= 0) | (shares >= 100)):
        raise ParameterError("series", "the logit needs shares strictly between 0 and 100")
    end = check_end_year(end_year, int(years[-1]))
    interval = check_number("interval_pct", interval_pct, low=0, low_open=True, high=100, high_open=True)
    fraction = shares / 100.0
    logit = pd.Series(np.log(fraction / (1.0 - fraction)))  # RangeIndex: statsmodels needs an index
    model = ETSModel(logit, error="add", trend="add", damped_trend=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if damping is None:
            fit = model.fit(disp=False)
        else:
            phi = check_number("damping", damping, low=0, low_open=True, high=1, high_open=True)
            with model.fix_params({"damping_trend": phi}):
                fit = model.fit(disp=False)
    horizon = end - int(years[-1])
    frame = fit.get_prediction(start=len(years), end=len(years) + horizon - 1).summary_frame(
        alpha=1.0 - interval / 100.0)

    def to_share(z):
        return 100.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))

    table = pd.DataFrame({"year": np.arange(years[-1] + 1, end + 1), "share_pct": to_share(frame["mean"]),
                          "share_lo_pct": to_share(frame["pi_lower"]),
                          "share_hi_pct": to_share(frame["pi_upper"])})
    params = dict(zip(fit.model.param_names, fit.params))  # the model's names: a fixed one keeps its name
    fitted = phrase(_B + "ets_fitted", n=len(years), first=years[0], last=years[-1])
    assumptions = [Assumption("ets_smoothing_level", float(params["smoothing_level"]), "", DERIVED,
                              phrase(_L + "ets_level"), fitted),
                   Assumption("ets_smoothing_trend", float(params["smoothing_trend"]), "", DERIVED,
                              phrase(_L + "ets_trend"), fitted),
                   Assumption("ets_damping_trend", float(params["damping_trend"]), "",
                              DERIVED if damping is None else ASSUMED, phrase(_L + "ets_damping"),
                              fitted if damping is None else phrase(_B + "ets_fixed"))]
    notes = [phrase("common.notes.ets_short", n=len(years), interval=float(interval))]
    notes += [phrase("common.notes.ets_warning", message=str(w.message)) for w in caught]
    return table, assumptions, notes


def project(history: pd.DataFrame, scenarios: Any, end_year: int, *,
            concept: str | None = None, ceiling_pct: float | None = None) -> ProjectionResult:
    """Project the share from its latest observation under each scenario, year by year to ``end_year``.

    Every scenario starts from the same base row (the latest observation of the chosen concept in the
    latest segment, kind 'observed'); the following rows are 'projected'. Returns the tidy table with the
    assumptions of every scenario (observed base, then each parameter, labelled with its basis).

    ``ceiling_pct`` caps every path (ETS interval included), 100 % when None; a logistic scenario keeps its
    own ceiling. ``caps`` states, per scenario, the cap and the first year a path sits on it (<NA> if never),
    so a constant-growth path that would pass the ceiling says when it stops.
    """
    series = select_series(history, concept)
    base = series.iloc[-1]
    base_year, base_share, concept = int(base["year"]), float(base["value"]), str(base["concept"])
    end = check_end_year(end_year, base_year)
    cap = 100.0 if ceiling_pct is None else check_number("ceiling_pct", ceiling_pct, low=0, low_open=True, high=100)
    if cap < base_share:
        raise ParameterError("ceiling_pct", f"must not be below the base share {base_share:g} %, got {cap:g}")
    checked = _check_scenarios(scenarios, base_share, base_year, len(series))
    years = np.arange(base_year, end + 1)
    steps = years - base_year
    assumptions = [Assumption("base_share_pct", base_share, "%", OBSERVED, phrase(_L + "latest_share", year=base_year),
                              phrase(_B + "concept_source", concept=concept_word(concept),
                                     source=base.get("source_id", "") or phrase(_B + "not_given")))]
    notes: list[str] = []
    frames, caps = [], []
    for scenario in checked:
        p = scenario.params
        low, high = np.full(len(years), np.nan), np.full(len(years), np.nan)
        if scenario.method == "cagr":
            share = cagr_path(base_share, p["growth_pct"], steps)
        elif scenario.method == "pp":
            share = pp_path(base_share, p["pp_per_year"], steps)
        elif scenario.method == "logistic":
            share = logistic_path(base_share, p["growth_pct"], p["ceiling_pct"], steps, p.get("pace_share_pct"))
        elif scenario.method == "decomposition":
            share = decomposition_path(base_share, p["de_growth_pct"], p["grdp_growth_pct"], steps)
        elif scenario.method == "path":
            share = points_path(base_year, base_share, [(int(y), float(s)) for y, s in p["points"]], years)
        elif scenario.method == "damped":
            share = damped_path(base_share, p["start_growth_pct"], p["damping"], steps)
        elif scenario.method == "relative":
            share = relative_path(base_year, base_share, [(int(y), float(s)) for y, s in p["proxy_points"]], years)
        else:  # ets
            forecast, ets_assumptions, ets_notes = ets_forecast(series, end, damping=p.get("damping"))
            share = np.concatenate([[base_share], forecast["share_pct"]])
            low = np.concatenate([[np.nan], forecast["share_lo_pct"]])
            high = np.concatenate([[np.nan], forecast["share_hi_pct"]])
            assumptions += [_relabel(a, scenario) for a in ets_assumptions]
            notes += [phrase("common.notes.scenario", name=_names(scenario), note=n) for n in ets_notes]
        share, low, high = (np.minimum(share, cap), np.minimum(low, cap), np.minimum(high, cap))
        at_cap = np.flatnonzero(share >= cap - FLOAT_TOL)
        caps.append({"scenario_id": scenario.id, "scenario": scenario.name, "cap_pct": cap,
                     "cap_year": int(years[at_cap[0]]) if len(at_cap) else None})
        for key, value in p.items():
            if key not in ("points", "proxy_points", "proxy_label"):
                assumptions.append(Assumption(f"{scenario.name}: {key}", float(value), _UNITS.get(key, ""),
                                              ASSUMED, phrase(_L + "scenario_param", name=_names(scenario),
                                                              method=_method(scenario.method)), _basis(scenario)))
        if scenario.method == "path":
            for year, value in p["points"]:
                assumptions.append(Assumption(f"{scenario.name}: share_pct {year}", float(value), "%", ASSUMED,
                                              phrase(_L + "scenario_level", name=_names(scenario), year=year),
                                              _basis(scenario)))
        frame = pd.DataFrame({"scenario_id": scenario.id, "scenario": scenario.name,
                              "scenario_vi": scenario.name_vi or scenario.name,
                              "method": scenario.method, "year": years, "share_pct": share,
                              "share_lo_pct": low, "share_hi_pct": high,
                              "kind": np.where(steps == 0, "observed", "projected")})
        frames.append(frame.dropna(subset=["share_pct"]))
    table = pd.concat(frames, ignore_index=True)
    caps_table = pd.DataFrame(caps, columns=["scenario_id", "scenario", "cap_pct", "cap_year"])
    caps_table["cap_year"] = caps_table["cap_year"].astype("Int64")
    if ceiling_pct is not None:
        assumptions.append(Assumption("ceiling_pct", cap, "%", ASSUMED, phrase(_L + "ceiling"), phrase(_B + "ceiling")
                                      if cap == DEFAULT_CEILING_PCT else phrase(_B + "ceiling_set")))
    return ProjectionResult(table=table, assumptions=assumptions, notes=notes, concept=concept,
                            base_year=base_year, base_share_pct=base_share, caps=caps_table)


_UNITS = {"growth_pct": "% per year", "de_growth_pct": "% per year", "grdp_growth_pct": "% per year",
          "start_growth_pct": "% per year",
          "pp_per_year": "pp per year", "ceiling_pct": "%", "damping": "", "pace_share_pct": "%"}


def _names(scenario: Scenario) -> Names:
    """A scenario's name in each language (its record holds both), for a phrase."""
    return names(en=scenario.name, vi=scenario.name_vi or scenario.name)


def concept_word(concept: str) -> str | Phrase:
    """A definition's id as a phrase: the id in English, its word in another language (ids without a word
    in the locale files stay as they are)."""
    key = f"common.inputs.concept.{concept}"
    return Phrase(key) if key in catalog("en") else concept


def _method(method: str) -> str | Phrase:
    """A projection method in words where the locale files have it (a user's own method keeps its id)."""
    return Phrase(f"common.inputs.method.{method}") if f"common.inputs.method.{method}" in catalog("en") else method


def _basis(scenario: Scenario) -> str | Phrase:
    return scenario.basis


def _relabel(assumption: Assumption, scenario: Scenario) -> Assumption:
    return replace(assumption, name=f"{scenario.name}: {assumption.name}")


def linear_scenario(calibration: Calibration) -> Scenario:
    """'linear trend': the calibrated change in percentage points a year, held constant (clipped to [0, 100])."""
    cal = calibration
    basis = phrase(_B + ("linear" if cal.source == "own" else "linear_proxy"), series=cal.pace_label,
                   concept=concept_word(cal.pace_concept), period=f"{cal.pace_first_year}-{cal.pace_last_year}")
    return Scenario(t("common.scenario.linear", "en"), "pp", {"pp_per_year": cal.pp_per_year}, basis,
                    t("common.scenario.linear", "vi"), LINEAR)


def damped_scenario(fit: DampedFit) -> Scenario:
    """'damped pace': the fitted slowing pace (:func:`fit_damped_pace`), its note as the basis."""
    if not isinstance(fit, DampedFit):
        raise ParameterError("damped", f"expected a DampedFit, got {type(fit).__name__}")
    return Scenario(t("common.scenario.damped", "en"), "damped",
                    {"start_growth_pct": fit.start_growth_pct, "damping": fit.damping}, fit.note,
                    t("common.scenario.damped", "vi"), DAMPED)


def default_scenarios(calibration: Calibration, *, targets: Any = None, reference: Calibration | None = None,
                      reference_name_vi: str | None = None,
                      ceiling_pct: float = DEFAULT_CEILING_PCT,
                      damped: DampedFit | None = None) -> list[Scenario]:
    """The default scenario set for one geography, each with the reason it is there.

    * 'current trend': the calibrated CAGR (own series, or the named proxy) held constant -- the
      "nothing changes" baseline every assessment method compares against;
    * '<reference> pace': the CAGR of a second series, e.g. the national ministry-definition series,
      whose fast 2021-2024 growth is the pace official statements cite; shown so a reader sees what that
      pace would mean here (skipped when ``reference`` is None or equals the current trend);
    * 'logistic to <ceiling> % ceiling': the current pace at the base year, saturating at ``ceiling_pct``
      (default 70 %, an assumption from the sector structure, independent of the targets: see
      ``DEFAULT_CEILING_PCT``) -- relative growth falls as the share fills, and the pp a year bend down
      past half the ceiling; skipped when the base share is already at or above the ceiling;
    * 'target path': the constant-growth path through every target (when ``targets`` are given) -- the
      pace the plans require, drawn as a scenario so attainment tables line up;
    * 'damped trend (ETS)': only when the own series has >= 6 observations (the national series does);
    * 'linear trend': the calibrated pp a year held constant (:func:`linear_scenario`), always;
    * 'damped pace': when ``damped`` (a :class:`DampedFit` of the own series or the proxy's) is given and
      its damping is below 1, i.e. the observed growth slows (:func:`damped_scenario`).

    Pass the same ``ceiling_pct`` to :func:`project` so no path exceeds it.

    ``reference_name_vi`` names the reference series in Vietnamese for plots (default: its English label).
    """
    if not isinstance(calibration, Calibration):
        raise ParameterError("calibration", f"expected a Calibration, got {type(calibration).__name__}")
    if reference is not None and not isinstance(reference, Calibration):
        raise ParameterError("reference", f"expected a Calibration, got {type(reference).__name__}")
    ceiling = check_number("ceiling_pct", ceiling_pct, low=0, low_open=True, high=100)
    cal = calibration
    scenarios = [Scenario(t("common.scenario.current_trend", "en"), "cagr", {"growth_pct": cal.growth_pct},
                          cal.note_phrase if cal.note_phrase is not None else cal.note,
                          t("common.scenario.current_trend", "vi"), CURRENT_TREND)]
    if reference is not None and not math.isclose(reference.growth_pct, cal.growth_pct, rel_tol=1e-9):
        differs = reference.pace_concept != cal.concept
        basis = phrase(_B + "cagr", series=reference.pace_label, concept=concept_word(reference.pace_concept),
                       period=f"{reference.pace_first_year}-{reference.pace_last_year}")
        if differs:
            basis = phrase(_B + "other_definition", basis=basis, concept=concept_word(cal.concept))
        scenarios.append(Scenario(t("common.scenario.reference_pace", "en", reference=reference.pace_label), "cagr",
                                  {"growth_pct": reference.growth_pct}, basis,
                                  t("common.scenario.reference_pace", "vi",
                                    reference=reference_name_vi or reference.pace_label), REFERENCE_PACE))
    if cal.base_share_pct < ceiling:
        params = {"growth_pct": cal.growth_pct, "ceiling_pct": ceiling}
        if cal.pace_share_pct is not None and cal.pace_share_pct < ceiling:
            params["pace_share_pct"] = min(cal.pace_share_pct, cal.base_share_pct)
        scenarios.append(Scenario(t("common.scenario.logistic", "en", ceiling=f"{ceiling:.3g}"), "logistic", params,
                                  phrase(_B + "logistic", share=params.get("pace_share_pct", cal.base_share_pct),
                                         ceiling=ceiling),
                                  t("common.scenario.logistic", "vi", ceiling=f"{ceiling:.3g}".replace(".", ",")),
                                  LOGISTIC))
    if targets is not None:
        points = target_path_points(targets, cal.base_year, cal.base_share_pct)
        scenarios.append(Scenario(t("common.scenario.target_path", "en"), "path", {"points": points},
                                  phrase(_B + "target_path"),
                                  t("common.scenario.target_path", "vi"), TARGET_PATH))
    if cal.source == "own" and cal.pace_n_obs >= ETS_MIN_OBS:
        scenarios.append(Scenario(t("common.scenario.ets", "en"), "ets", {},
                                  phrase(_B + "ets", n=cal.pace_n_obs),
                                  t("common.scenario.ets", "vi"), ETS))
    scenarios.append(linear_scenario(cal))
    if damped is not None and damped_scenario(damped).params["damping"] < 1:
        scenarios.append(damped_scenario(damped))
    return scenarios
