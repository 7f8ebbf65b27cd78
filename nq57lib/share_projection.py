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
from .share_calibration import Calibration, DampedFit
from .share_formulas import (
    FLOAT_TOL, as_python_scalar, cagr_path, check_definition, check_end_year, check_single_geo, concept_word,
    check_target_after_base, check_targets, damped_path, decomposition_path, logistic_path, meets_target,
    points_path, pp_path, reached_comparator, relative_path, select_series, target_path_points,
)
from .provenance import ASSUMED, DERIVED, OBSERVED, Assumption
from .text import Names, Phrase, catalog, names, phrase, t

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words

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


def attainment_years(projection: ProjectionResult, targets: Any) -> pd.DataFrame:
    """First year each scenario satisfies each target ('not within horizon' when it never does).

    Columns: scenario_id, scenario, target_id, target_year, attained_year (nullable Int64), on_time (reached by the
    target year), status ('already met' at the base year, 'reached', or 'not within horizon'),
    definition_note.
    """
    if not isinstance(projection, ProjectionResult):
        raise ParameterError("projection", f"expected a ProjectionResult, got {type(projection).__name__}")
    frame = check_targets(targets)
    check_single_geo(frame)
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
