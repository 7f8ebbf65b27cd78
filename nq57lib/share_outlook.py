"""The digital-economy share's outlook on each definition (rules): calibration, scenarios' paths capped at one
ceiling, the pace each target requires and the years the scenarios reach it, the Monte Carlo fans with a
probability only where the model earned one, progress assessments, targets whose year has passed, the
back-test and the tornado of the assumptions.

Pure functions of the report's inputs (``nq57lib.share_inputs``) and explicit parameters; they call the engines
(``share_projection``, ``monte_carlo``, ``model_validation``, ``progress_assessment``, ``backtest``,
``outlook_sensitivity``). The ``digital_economy`` notebook's steps pass the notebook's parameters to them.

- **Calibration**: the geography's own series when it has two or more observations of the definition, else the
  ``proxy`` geography's series of the same definition (default: the nation).
- **Probabilities only from a model that earned them** (:mod:`nq57lib.model_validation`): with fewer than 3 own
  observations on a definition (``monte_carlo.MIN_OBS_FOR_PROBABILITY``) there is no probability, and with 3 or
  more a probability is printed only where the Monte Carlo set-up was back-tested on the data as first published
  (at least 5 held-out points, 90 % band coverage consistent with 90 %). Otherwise the report gives the pace-gap
  table (pace needed, paces observed, damped pace) and P as a range across stated priors, labelled as not
  validated; no fan is drawn and ``bands.csv`` is empty with its reason.
- **Paths may slow**: each path draws its own damping of the pace (``model_validation.damping_prior``), so every
  horizon (2030, 2045) has its own spread from one model, not a pace averaged to the first target.
- **One ceiling** (:mod:`nq57lib.ceilings`): every function that caps a path takes the one ceiling the notebook
  set, and the results and the words read it from there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from . import (backtest, ceilings, data_package, geography, grdp_growth, model_validation, monte_carlo,
               outlook_sensitivity, progress_assessment, series_ranking, share_calibration, share_formulas,
               share_projection)
from .config import NATION
from .errors import ParameterError
from .formatting import fmt_pct, format_number
from .share_inputs import (CONCEPTS, HISTORY_COLUMNS, INDICATOR, ShareInputs, compared_concepts, frame_html,
                           geo_id_words, geo_names, geo_phrase, target_concept, targets_ahead)
from .formatting import LANGS
from .text import Phrase, phrase, t

_B = "common.inputs.basis."  # the inputs table's words

# Error of an assumed starting level (merged unit, relative level), sd in log points x100: a round prior,
# not estimated (no second measurement exists); an observed base is taken as published (no error drawn).
ASSUMED_BASE_SD_PCT = 10.0


# Plausible ranges of the tornado (which assumption matters most); each is stated in the report.
PACE_Z = 1.645  # pace: the 5-95 % range of the Monte Carlo's pace distribution
BASE_RANGE_PCT = 10.0  # base value: +-10 % (the assumed-base error prior)
GRDP_RANGE_PP = 2.0  # nominal GRDP growth +-2 pp, digital-economy value-added growth held
REPORT_YEARS = (2030, 2045)


@dataclass
class Calibrations:
    """The calibration of each definition (base and pace) and, where the series allows, its damped pace."""

    by_concept: dict[str, share_calibration.Calibration]
    damped: dict[str, share_calibration.DampedFit | None]

    def table(self) -> pd.DataFrame:
        """One row per definition: base, pace, where the pace comes from, the damped fit."""
        rows = []
        for concept, c in self.by_concept.items():
            fit = self.damped.get(concept)
            rows.append({"concept": concept, "base_year": c.base_year, "base_share_pct": c.base_share_pct,
                         "pace_source": c.source, "pace_label": c.pace_label,
                         "pace_years": f"{c.pace_first_year}-{c.pace_last_year}", "pace_n_obs": c.pace_n_obs,
                         "growth_pct": c.growth_pct, "pp_per_year": c.pp_per_year,
                         "trend_sd_pct": c.trend_sd_pct, "damping": None if fit is None else fit.damping})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return frame_html(self.table(), "calibration")


def calibrate_definitions(pkg: data_package.DataPackage, inputs: ShareInputs) -> Calibrations:
    """Base observation and pace on each definition, and the damped pace where it can be fitted.

    The pace comes from the geography's own series when it has >= 2 observations of the definition,
    else from the proxy (default: the nation) on the same definition. The damped pace is fitted to the
    same series (>= 3 observations).
    """
    by_concept, damped = {}, {}
    # names as phrases: the English names (the results files' words), the Vietnamese ones in a Vietnamese report
    label = geo_phrase(pkg, inputs.geo_id)
    for concept in inputs.concepts:
        proxy = inputs.proxy_histories.get(concept)
        proxy_label = phrase(_B + "series", name=geo_names(pkg, inputs.proxy_geo),
                             concept=share_formulas.concept_word(concept))
        cal = share_calibration.calibrate(inputs.histories[concept][HISTORY_COLUMNS], concept=concept, label=label,
                                         proxy=proxy, proxy_label=proxy_label,
                                         base_is_assumed=inputs.is_assumed(concept))  # never count it as one
        by_concept[concept] = cal
        fitted = inputs.histories[concept] if cal.source == "own" else proxy
        fit_label = label if cal.source == "own" else proxy_label
        damped[concept] = (share_calibration.fit_damped_pace(fitted[HISTORY_COLUMNS], concept=concept, label=fit_label)
                           if fitted is not None and len(fitted) >= share_calibration.DAMPED_MIN_OBS else None)
    return Calibrations(by_concept, damped)
RELATIVE, DECOMPOSITION = "relative", "decomposition"  # this report's own scenario ids (words: [digital_economy.scenario])


@dataclass(frozen=True)
class DefinitionScenario:
    """A scenario projected on one definition (``concept``) only."""

    concept: str
    scenario: share_projection.Scenario


def default_scenario(calibrations: Calibrations, concept: str, scenario_id: str, **kw) -> list[DefinitionScenario]:
    """The engine's default scenario ``scenario_id`` (``share_projection.TARGET_PATH``, ...) for ``concept``, if it
    applies."""
    cal = calibrations.by_concept[concept]
    for scenario in share_projection.default_scenarios(cal, **kw):
        if scenario.id == scenario_id:
            return [DefinitionScenario(concept, scenario)]
    return []
DE_GROWTH_INDICATOR = "de_va_nominal_growth_pct"


@dataclass(frozen=True)
class DigitalGrowth:
    """Growth of digital-economy value added at current prices, % a year (the decomposition's rate): observed
    (the geography's latest, else the nation's, named) or set by the user (a labelled what-if)."""

    value_pct: float
    kind: str  # "observed", "borrowed" (the nation's) or "set"
    basis: Phrase
    year: int | None = None
    sources: tuple[str, ...] = ()

    def __float__(self) -> float:
        return float(self.value_pct)


def observed_digital_growth(pkg: data_package.DataPackage, inputs: ShareInputs, de_growth_pct: float) -> DigitalGrowth:
    """The decomposition's digital-economy value-added growth. ``de_growth_pct`` 0 means "from
    data": the latest observed growth of digital-economy value added at current prices (indicator
    ``de_va_nominal_growth_pct``) of the geography, else the nation's, named as borrowed (e.g. 14.6 % in 2025,
    the statistics office's measure). A non-zero value is a what-if set by the user, labelled as such."""
    if de_growth_pct != 0:
        return DigitalGrowth(float(de_growth_pct), "set", phrase(_B + "de_growth_set", value=float(de_growth_pct)))
    for geo in dict.fromkeys((inputs.geo_id, NATION)):
        series = series_ranking.series(pkg, geo, DE_GROWTH_INDICATOR)
        if series.empty:
            continue
        last = series.iloc[-1]
        kind = "observed" if geo == inputs.geo_id else "borrowed"
        basis = phrase(_B + f"de_growth_{kind}", value=float(last["value"]), year=int(last["year"]),
                       source=str(last["source_id"]), geo=geo_id_words(pkg, inputs.geo_id))
        return DigitalGrowth(float(last["value"]), kind, basis, int(last["year"]), (str(last["source_id"]),))
    raise ParameterError("de_growth_pct", "no observed growth of digital-economy value added in the data for "
                                          f"{inputs.geo_id!r} or the nation; set de_growth_pct")


MILESTONE_YEARS = (2025, 2030, 2035, 2040, 2045)


@dataclass
class Projection:
    """The scenario paths of each definition (``share_projection.ProjectionResult`` per concept)."""

    by_concept: dict[str, share_projection.ProjectionResult]

    @property
    def table(self) -> pd.DataFrame:
        """Every path, one row per definition, scenario and year."""
        return pd.concat([p.table.assign(concept=c) for c, p in self.by_concept.items()], ignore_index=True)

    @property
    def caps(self) -> pd.DataFrame:
        """Per definition and scenario: the cap (ceiling) and the first year a path sits on it."""
        return pd.concat([p.caps.assign(concept=c) for c, p in self.by_concept.items()], ignore_index=True)

    def _repr_html_(self) -> str:
        table = self.table
        wide = table[table["year"].isin(MILESTONE_YEARS)].pivot_table(index=["concept", "scenario"], columns="year",
                                                                      values="share_pct", sort=False)
        return frame_html(wide.reset_index(), "share_pct")


def _scenarios_of(scenarios, concept: str) -> list[share_projection.Scenario]:
    """The scenarios to project on ``concept``: a plain Scenario applies to every definition."""
    if not isinstance(scenarios, (list, tuple)):
        raise ParameterError("scenarios", "expected a list of scenarios (see the notebook's scenarios cell)")
    out = []
    for i, item in enumerate(scenarios):
        if isinstance(item, DefinitionScenario):
            if item.concept == concept:
                out.append(item.scenario)
        elif isinstance(item, share_projection.Scenario):
            out.append(item)
        else:
            raise ParameterError(f"scenarios[{i}]", f"expected a Scenario, got {type(item).__name__}")
    return out


def ceiling_for(calibration: share_calibration.Calibration, ceiling_pct: float) -> float:
    """The cap of every path: the ceiling, or the base share when a geography already sits above it."""
    return max(float(ceiling_pct), calibration.base_share_pct)


def project_definitions(inputs: ShareInputs, calibrations: Calibrations, scenarios, horizon_year: int,
            ceiling: ceilings.Ceiling | float) -> Projection:
    """Every scenario of the list, year by year to ``horizon_year``, on each definition;
    every path capped at ``ceiling`` (the ``caps`` table says when each one reaches it)."""
    out = {}
    for concept, cal in calibrations.by_concept.items():
        chosen = _scenarios_of(scenarios, concept)
        if not chosen:
            continue
        out[concept] = share_projection.project(inputs.histories[concept][HISTORY_COLUMNS], chosen, horizon_year,
                                                concept=concept,
                                                ceiling_pct=ceiling_for(cal, ceilings.as_pct(ceiling)))
    if not out:
        raise ParameterError("scenarios", "no scenario to project: the list is empty")
    return Projection(out)


def required_paths_table(inputs: ShareInputs, calibrations: Calibrations,
                   grdp: grdp_growth.GrowthAssumption) -> pd.DataFrame:
    """The pace each target ahead needs from the base on each definition (% and pp a year).

    Adds ``concept`` and ``compared_on`` (True on the definition the target is read on: its own, or
    the documented rule's for a target that does not state one).
    """
    frames = []
    for concept in calibrations.by_concept:
        ahead = targets_ahead(inputs, concept)
        if ahead.empty:
            continue
        frame = share_formulas.required_paths(inputs.histories[concept][HISTORY_COLUMNS], ahead, concept=concept,
                                                grdp_growth_pct=grdp.nominal_pct)
        rule = compared_concepts(inputs)
        frame["concept"] = concept
        frame["compared_on"] = frame["target_id"].map(rule) == concept
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def attainment_table(inputs: ShareInputs, projection: Projection) -> pd.DataFrame:
    """The first year each scenario reaches each target ahead, on each definition.

    A year before the as-of year is not observed by the data (a path from an old base may cross a level
    in a year whose value was never published): it reads as the as-of year, the first year a projection
    can claim."""
    frames = []
    for concept, result in projection.by_concept.items():
        ahead = targets_ahead(inputs, concept)
        if not ahead.empty:
            years = share_projection.attainment_years(result, ahead)
            years["attained_year"] = years["attained_year"].where(
                years["attained_year"].isna() | (years["attained_year"] >= inputs.as_of_year), inputs.as_of_year)
            frames.append(years.assign(concept=concept))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
POOLED_FAN = "pooled"


@dataclass
class Simulation:
    """The Monte Carlo result (None when not run) and the sentence describing it, by language.

    One fan per definition (``fan`` = the concept) plus a pooled one over both definitions' paces
    (``fan`` = 'pooled', on the first definition's base), so parameter and definition uncertainty stay
    apart. ``coverage``: per definition, the gate's reading of the real-time back-test
    (:class:`model_validation.Coverage`); ``points``: that back-test's held-out points; ``ranges``: P across
    stated priors where a probability is withheld (not a validated probability).
    """

    result: monte_carlo.SimulationResult | None
    note: dict[str, str]
    coverage: dict[str, model_validation.Coverage] = field(default_factory=dict)
    points: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=model_validation.POINT_COLUMNS))
    ranges: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["target_id", "fan", "p_low", "p_high", "p_low_text", "p_high_text", "n_priors", "priors"]))

    @property
    def p_meet(self) -> pd.DataFrame:
        return self.result.p_meet if self.result is not None else pd.DataFrame()

    @property
    def bands(self) -> pd.DataFrame:
        return self.result.bands if self.result is not None else pd.DataFrame()

    def earned(self, fan: str) -> bool:
        """Whether the fan's model earned a probability (the pooled fan: every definition's)."""
        if fan == POOLED_FAN:
            return bool(self.coverage) and all(c.earned for c in self.coverage.values())
        cov = self.coverage.get(fan)
        return cov is not None and cov.earned

    def coverage_table(self) -> pd.DataFrame:
        return pd.DataFrame([c.row() for c in self.coverage.values()],
                            columns=["concept", "n", "inside", "coverage_pct", "wilson_low_pct", "wilson_high_pct",
                                     "p_value", "earned", "reason", "min_points"])

    def _repr_html_(self) -> str:
        return frame_html(self.p_meet, self.note["en"])
NOT_VALIDATED = "not validated"  # the start of p_meet's reason where the gate withholds a probability


def _gate(sim: monte_carlo.SimulationResult, simulation_coverage: dict, earned) -> monte_carlo.SimulationResult:
    """The result with every probability of a fan whose model did not earn one withheld (p_meet NaN, no text,
    ``reason`` 'not validated: <gate reason>'); the raw probabilities are not kept."""
    p = sim.p_meet.copy()
    for i, row in p.iterrows():
        if row["p_meet_text"] and not earned(row["fan"]):
            cov = simulation_coverage.get(row["fan"])
            why = "pooled" if row["fan"] == POOLED_FAN else (cov.reason if cov is not None else "no_points")
            p.loc[i, ["p_meet", "p_meet_text", "reason"]] = [math.nan, "", f"{NOT_VALIDATED}: {why}"]
    return replace(sim, p_meet=p)


def simulate_fans(inputs: ShareInputs, calibrations: Calibrations, ceiling: ceilings.Ceiling | float, horizon_year: int,
                  n_paths: int, seed: int) -> Simulation:
    """Monte Carlo fans of the share on each definition and pooled, with each path's pace slowing by its
    own damping draw (``model_validation.fan_input``), and P(meet) only where the data support one (>= 3 own
    observations) and the model earned it (``model_validation``: its back-test on the data as first published).
    Otherwise ``p_meet`` is empty with the reason, and ``ranges`` gives P across stated priors."""
    rows, targets, fits = [], [], {}
    cap_pct = ceilings.as_pct(ceiling)
    for concept, cal in calibrations.by_concept.items():
        if cal.trend_sd_pct is None or cal.shock_sd_pct is None:
            continue
        fits[concept] = calibrations.damped.get(concept)
        rows.append(model_validation.fan_input(
            cal, fits[concept], inputs.geo_id, cap_pct, fan=concept, n_obs=inputs.n_own[concept],
            base_sd_pct=ASSUMED_BASE_SD_PCT if inputs.is_assumed(concept) else 0.0))
        targets.append(targets_ahead(inputs, concept))
    if not rows:
        return Simulation(None, {lang: t("digital_economy.simulation.not_run", lang) for lang in LANGS})
    points = [model_validation.realtime_points(inputs.vintages[c], inputs.geo_id, cap_pct, seed=seed)
              for c in inputs.concepts if c in inputs.vintages]
    points = pd.concat(points, ignore_index=True) if points else pd.DataFrame(columns=model_validation.POINT_COLUMNS)
    coverage = {r["fan"]: model_validation.coverage(points[points["concept"] == r["fan"]], r["fan"]) for r in rows}
    own_rows = list(rows)
    if len(rows) > 1:
        pooled = monte_carlo.pooled_input(rows, fan=POOLED_FAN)
        pooled["damping_low"] = min(r["damping_low"] for r in rows)
        rows.append(pooled)
    ceiling = rows[0]["ceiling_pct"]
    # The engine scores every target on every fan of the geography: the targets ahead of every base year.
    ahead = pd.concat(targets, ignore_index=True).drop_duplicates("target_id")
    ahead = ahead[ahead["year"] > max(int(r["base_year"]) for r in rows)]
    sim = monte_carlo.simulate(rows, horizon_year, n_paths=n_paths, seed=seed,
                               targets=ahead if not ahead.empty else None)
    out = Simulation(sim, {lang: t("digital_economy.simulation.ran", lang, n=format_number(n_paths, lang, 0),
                                   seed=seed, ceiling=format_number(ceiling, lang))
                           for lang in LANGS}, coverage=coverage, points=points)
    withheld = [r for r in own_rows if not out.earned(r["fan"])
                and (r.get("n_obs") or 0) >= monte_carlo.MIN_OBS_FOR_PROBABILITY]
    if withheld and not ahead.empty:
        out.ranges = model_validation.probability_range(withheld, fits, horizon_year, ahead, n_paths=n_paths,
                                                        seed=seed)
    out.result = _gate(sim, coverage, out.earned)
    return out
ASSESSMENT_COLUMNS = ["target_id", "concept", "method", "category", "score", "base_year", "projected_pct", "note"]


def progress_table(inputs: ShareInputs) -> pd.DataFrame:
    """Eurostat (short- and long-term windows) and UNSD progress-chart assessment (2023 edition: the
    projected value in the target year and r; the 2022 edition beside it, labelled) of every target ahead, on
    each definition with the geography's own observations."""
    rows = []
    for concept in inputs.concepts:
        own = inputs.histories[concept]
        for target in targets_ahead(inputs, concept).to_dict("records"):
            base = {"target_id": target["target_id"], "concept": concept}
            if inputs.is_assumed(concept):  # an assumed base is not an observation: nothing to assess
                rows.append({**base, "method": "eurostat / unsd", "category": "insufficient data", "score": math.nan,
                             "base_year": pd.NA, "projected_pct": math.nan,
                             "note": "the base share is an assumption, not an observation"})
                continue
            args = (own["year"].astype(int).tolist(), own["value"].astype(float).tolist(), target["value"],
                    int(target["year"]))
            kw = {"comparator": target["comparator"], "value_high": target["value_high"]}
            results = [*progress_assessment.assess_eurostat_windows(*args, **kw),
                       progress_assessment.assess_unsd_chart(*args, **kw),
                       progress_assessment.assess_unsd_chart_2022(*args, **kw)]
            for result in results:
                rows.append({**base, "method": result.method, "category": result.category,
                             "score": math.nan if result.score is None else result.score,
                             "base_year": pd.NA if result.base_year is None else result.base_year,
                             "projected_pct": math.nan if result.projected_pct is None else result.projected_pct,
                             "note": result.note})
    out = pd.DataFrame(rows, columns=ASSESSMENT_COLUMNS)
    out["base_year"] = out["base_year"].astype("Int64")
    return out


def passed_targets_table(inputs: ShareInputs) -> pd.DataFrame:
    """Targets whose year is before the as-of year: "target year passed", with the latest
    value on each definition, and met / not met where the target year itself is observed."""
    rows = []
    if inputs.targets.empty:
        return pd.DataFrame(columns=["target_id", "target_year", "concept", "compared_on", "status", "latest_pct",
                                     "latest_year", "observed_pct", "verdict"])
    _, passed = share_formulas.split_targets_as_of(inputs.targets, inputs.as_of_year)
    for target in passed.to_dict("records"):
        for concept in inputs.concepts:
            own = inputs.histories[concept]
            observed = own if not inputs.is_assumed(concept) else own.iloc[0:0]
            hit = observed[observed["year"] == target["year"]]
            if hit.empty:
                verdict, value = "no observation for the target year", math.nan
            else:
                value = float(hit["value"].iloc[0])
                ok = share_formulas.meets_target(value, target["comparator"], target["value"], target["value_high"])
                verdict = "met" if bool(ok) else "not met"
            latest = observed.iloc[-1] if not observed.empty else None
            rows.append({"target_id": target["target_id"], "target_year": target["year"], "concept": concept,
                         "compared_on": compared_concepts(inputs).get(target["target_id"], target_concept(target))
                         == concept, "status": "target year passed",
                         "latest_pct": math.nan if latest is None else float(latest["value"]),
                         "latest_year": pd.NA if latest is None else int(latest["year"]),
                         "observed_pct": value, "verdict": verdict})
    out = pd.DataFrame(rows, columns=["target_id", "target_year", "concept", "compared_on", "status", "latest_pct",
                                      "latest_year", "observed_pct", "verdict"])
    out["latest_year"] = out["latest_year"].astype("Int64")
    return out


def backtest_methods(inputs: ShareInputs, ceiling: ceilings.Ceiling | float, seed: int) -> pd.DataFrame:
    """Rolling-origin back-test of the methods on each definition with >= 4 own observations
    (errors in pp per method and horizon, Monte Carlo band coverage; ``nq57lib.backtest``)."""
    frames = []
    for concept in inputs.concepts:
        own = inputs.histories[concept]
        if inputs.n_own[concept] and len(own[own["segment"] == own["segment"].max()]) >= backtest.BACKTEST_MIN_OBS:
            frames.append(backtest.backtest(inputs.histories[concept][HISTORY_COLUMNS], concept=concept,
                                            ceiling_pct=ceilings.as_pct(ceiling), seed=seed).assign(concept=concept))
    if not frames:
        return pd.DataFrame(columns=["concept", *backtest.SUMMARY_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    return out[["concept", *backtest.SUMMARY_COLUMNS]]


def simulation_pace(inputs: ShareInputs, calibrations: Calibrations, concept: str, horizon_year: int
                    ) -> tuple[float, float | None]:
    """The pace the Monte Carlo centres on for ``concept`` (:func:`simulate_fans`), as a constant % a year, and its sd
    in log points x100 (the calibrated pace's parameter sd, None when it has none). Each path starts at the
    calibrated pace and slows by its damping draw (``model_validation.damping_prior``); the centre is the mean
    yearly pace of the path at the calibrated pace and the middle of the damping prior, from the base year to the
    first target ahead (else ``horizon_year``): a tornado's neutral outlook, not the simulation's spread."""
    cal = calibrations.by_concept[concept]
    low, high = model_validation.damping_prior(calibrations.damped.get(concept))
    ahead = targets_ahead(inputs, concept)
    year = int(ahead["year"].min()) if not ahead.empty else int(horizon_year)
    k = max(1, year - int(cal.base_year))
    phi = (low + high) / 2
    mu = math.log1p(cal.growth_pct / 100)
    total = mu * (k if phi >= 1 else (1 - phi ** k) / (1 - phi))
    return math.expm1(total / k) * 100, cal.trend_sd_pct
PACE_GAP_COLUMNS = ["target_id", "concept", "compared_on", "target_year", "needed_growth_pct", "observed_paces",
                    "latest_growth_pct", "recent_pace_pct", "damped_pace_pct", "pace_series"]


def pace_gap(inputs: ShareInputs, calibrations: Calibrations, required: pd.DataFrame) -> pd.DataFrame:
    """The pace-gap table (what the report gives where no model earned a probability): per target ahead and
    definition, the pace needed (% a year from the base), the paces observed in the last years (each year-on-year
    growth of the calibration's series, latest segment, the last three), the mean pace of that segment (the
    calibrated pace) and the damped pace (the fitted damped path's mean yearly pace from the base to the target
    year; empty where fewer than 3 observations show no slowing or speeding). ``pace_series`` names the series."""
    rows = []
    if required is None or required.empty:
        return pd.DataFrame(columns=PACE_GAP_COLUMNS)
    for r in required.drop_duplicates(["target_id", "concept"]).to_dict("records"):
        cal = calibrations.by_concept.get(r["concept"])
        if cal is None:
            continue
        own = cal.source != "proxy"
        series = (inputs.histories if own else inputs.proxy_histories).get(r["concept"])
        if series is None or series.empty:
            growths = []
        else:
            latest = series[series["segment"] == series["segment"].max()] if "segment" in series else series
            growths = model_validation.yearly_growths(latest)[-3:]
        fit = calibrations.damped.get(r["concept"])
        rows.append({"target_id": r["target_id"], "concept": r["concept"], "compared_on": bool(r["compared_on"]),
                     "target_year": int(r["target_year"]), "needed_growth_pct": float(r["required_growth_pct"]),
                     "observed_paces": "; ".join(f"{a}-{b}: {g:.1f}" for a, b, g in growths),
                     "latest_growth_pct": growths[-1][2] if growths else math.nan,
                     "recent_pace_pct": float(cal.growth_pct),
                     "damped_pace_pct": model_validation.damped_mean_pace(fit, int(cal.base_year), int(r["target_year"])),
                     "pace_series": cal.pace_label})
    return pd.DataFrame(rows, columns=PACE_GAP_COLUMNS)
NEUTRAL_CENTRE = "simulation central pace"


def tornado_table(inputs: ShareInputs, calibrations: Calibrations, grdp: grdp_growth.GrowthAssumption,
                ceiling: ceilings.Ceiling | float, horizon_year: int) -> pd.DataFrame:
    """Which assumption matters most (tornado): the 2030 and 2045 shares and the year the last
    target is reached, with each assumption at the low and high end of its plausible range and the others at
    a stated neutral outlook that does not depend on the scenario list: on the first definition, the constant
    pace the Monte Carlo centres on (:func:`simulation_pace`: the log mean of the slowing-pace prior where the
    growth is seen to slow, else the calibrated pace), capped at ``ceiling``. The ``centre`` column names it
    ('simulation central pace'), ``centre_growth_pct`` gives it.

    Ranges (stated in the report): definition (the first vs the other definition's base and central pace);
    proxy series (the proxy's pace on this definition vs on the other, when the pace is borrowed); pace form
    (the fitted damped pace vs the constant calibrated pace, where the growth is seen to slow: the neutral pace
    is their log mean); ceiling (the ceiling's own range, :class:`nq57lib.ceilings.Ceiling`); pace: the 5-95 %
    range of the Monte Carlo's pace, the same mean and sd as the simulation; base value +-10 % of an observed
    base, or the range of an imputed one; nominal GRDP growth +-2 pp with digital-economy value-added growth held.
    """
    concept = inputs.concepts[0]
    cal = calibrations.by_concept[concept]
    cap = ceilings.as_ceiling(ceiling, inputs.geo_id)
    ahead = targets_ahead(inputs, concept)
    target = None
    if not ahead.empty:
        last = ahead[ahead["year"] == ahead["year"].max()].iloc[0]
        target = share_formulas.target_level(last["comparator"], last["value"], last["value_high"],
                                               cal.base_share_pct)
    top = ceiling_for(cal, cap.value_pct)
    end = max(horizon_year, max(REPORT_YEARS))
    centre_pct, spread = simulation_pace(inputs, calibrations, concept, horizon_year)
    base = {"base_year": cal.base_year, "base_share_pct": cal.base_share_pct, "growth_pct": centre_pct,
            "ceiling_pct": top, "method": "cagr", "target_pct": target, "end_year": end}
    lang = inputs.lang
    pct = lambda v: fmt_pct(v, lang, 1)  # noqa: E731
    a_year = lambda v: t("digital_economy.view.per_year", lang, value=fmt_pct(v, lang, 1))  # noqa: E731
    ranges: dict[str, tuple] = {}
    for other, oc in calibrations.by_concept.items():
        if other != concept:
            ranges["definition"] = ({}, {"base_year": oc.base_year, "base_share_pct": oc.base_share_pct,
                                         "growth_pct": simulation_pace(inputs, calibrations, other, horizon_year)[0],
                                         "ceiling_pct": max(top, oc.base_share_pct)},
                                    (t(f"digital_economy.view.short_{concept}", lang),
                                     t(f"digital_economy.view.short_{other}", lang)))
    if cal.source == "proxy":
        others = [c for c in calibrations.by_concept.values() if c.concept != concept]
        if others:
            names = tuple(f"{inputs.proxy_name} ({t(f'digital_economy.view.short_{c}', lang)})"
                          for c in (concept, others[0].concept))
            ranges["proxy"] = ({}, {"growth_pct": simulation_pace(inputs, calibrations, others[0].concept,
                                                                  horizon_year)[0]}, names)
    fit = calibrations.damped.get(concept)
    if fit is not None and fit.damping < 1:
        ranges["pace form"] = ({"method": "damped", "growth_pct": fit.start_growth_pct, "damping": fit.damping},
                               {"growth_pct": cal.growth_pct},
                               (t("digital_economy.view.pace_damped", lang, damping=format_number(fit.damping, lang, 2)),
                                t("digital_economy.view.pace_constant", lang, pace=fmt_pct(cal.growth_pct, lang, 1))))
    low_ceiling, high_ceiling = max(cal.base_share_pct + 1e-6, cap.low_pct), min(100.0, max(cap.high_pct, top))
    ranges["ceiling"] = ({"ceiling_pct": low_ceiling}, {"ceiling_pct": high_ceiling},
                         (pct(low_ceiling), pct(high_ceiling)))
    if spread is not None:
        mu = math.log1p(centre_pct / 100)
        low, high = (math.expm1(mu - PACE_Z * spread / 100) * 100, math.expm1(mu + PACE_Z * spread / 100) * 100)
    else:
        low, high = centre_pct * 0.5, centre_pct * 1.5
    ranges["pace"] = ({"growth_pct": low}, {"growth_pct": high}, (a_year(low), a_year(high)))
    low_base, high_base = base_range(inputs, concept, cal.base_share_pct)
    high_base = min(top, high_base)
    ranges["base value"] = ({"base_share_pct": low_base}, {"base_share_pct": high_base}, (pct(low_base), pct(high_base)))
    de = ((1 + centre_pct / 100) * (1 + grdp.nominal_pct / 100) - 1) * 100
    fast, slow = grdp.nominal_pct + GRDP_RANGE_PP, grdp.nominal_pct - GRDP_RANGE_PP
    ranges["GRDP growth"] = ({"de_growth_pct": de, "grdp_growth_pct": fast},
                             {"de_growth_pct": de, "grdp_growth_pct": slow}, (a_year(fast), a_year(slow)))
    table = outlook_sensitivity.sensitivity_table(base, ranges, years=REPORT_YEARS)
    return table.assign(concept=concept, centre=NEUTRAL_CENTRE, centre_growth_pct=centre_pct)


def base_range(inputs: ShareInputs, concept: str, base_share_pct: float) -> tuple[float, float]:
    """The tornado's range of the starting share on ``concept``: an imputed base's own range (the comparable
    provinces', :func:`assumed_merged_base`), else +-``BASE_RANGE_PCT`` % of it."""
    imputed = inputs.base_ranges.get(concept)
    if imputed is not None:
        return imputed
    return base_share_pct * (1 - BASE_RANGE_PCT / 100), base_share_pct * (1 + BASE_RANGE_PCT / 100)


def bands_note(simulation: Simulation) -> str:
    """Why ``bands.csv`` is empty ('' when a fan is saved): no simulation or too few own observations, or no
    model earned a probability in its back-test on the data as first published (the points each had)."""
    if not fans_with_probability(simulation).empty:
        return ""
    probs = simulation.p_meet
    if simulation.result is None or probs.empty or not probs["reason"].astype(str).str.startswith(NOT_VALIDATED).any():
        return "no band: the data support no probability on any definition (fewer than 3 own observations)"
    points = ", ".join(f"{c}: {cov.inside} of {cov.n} inside the 90 % band" for c, cov in simulation.coverage.items())
    return (f"no band: no model earned a probability (back-test on the data as first published needs >= "
            f"{model_validation.MIN_HELD_OUT_POINTS} held-out points and a 90 % band coverage consistent with 90 %; "
            f"{points})")


def method_breaks_table(pkg: data_package.DataPackage, inputs: ShareInputs) -> pd.DataFrame:
    """The likely method breaks flagged in the data on the series this report reads (the geography's and the
    nation's, each definition): geo_id, concept, year, value, note."""
    breaks = series_ranking.method_breaks(pkg)
    breaks = breaks[(breaks["indicator_id"] == INDICATOR) & breaks["geo_id"].isin({inputs.geo_id, NATION})]
    rows = []
    for b in breaks.itertuples():
        s = series_ranking.series(pkg, b.geo_id, INDICATOR, concept=b.concept)
        hit = s[s["year"] == b.year]
        other = [c for c in CONCEPTS if c != b.concept][0]
        o = series_ranking.series(pkg, b.geo_id, INDICATOR, concept=other)
        o = o[o["year"] == b.year]
        rows.append({"geo_id": b.geo_id, "name": geography.geo_name(pkg, b.geo_id, inputs.lang), "concept": b.concept,
                     "year": int(b.year),
                     "value": float(hit["value"].iloc[0]) if not hit.empty else math.nan, "other_concept": other,
                     "other_value": float(o["value"].iloc[0]) if not o.empty else math.nan, "note": b.note})
    return pd.DataFrame(rows, columns=["geo_id", "name", "concept", "year", "value", "other_concept", "other_value",
                                       "note"])


def fans_with_probability(simulation: Simulation) -> pd.DataFrame:
    """The Monte Carlo bands of the fans that give a probability (the pooled fan only when every definition
    does): where the data withhold a probability, no fan or band is drawn or saved."""
    bands, probs = simulation.bands, simulation.p_meet
    if bands.empty:
        return bands
    given = set(probs.loc[probs["p_meet_text"].fillna("").astype(str) != "", "fan"]) if not probs.empty else set()
    fans = set(bands["fan"])
    if fans - {POOLED_FAN} and (fans - {POOLED_FAN}) <= given:
        given.add(POOLED_FAN)
    return bands[bands["fan"].isin(given)].reset_index(drop=True)
