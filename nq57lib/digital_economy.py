"""The steps of the ``digital_economy`` notebook: data, history, calibration, scenarios, projection,
required paths and attainment, simulation, assessments, narrative, results.

The notebook answers, for one geography: where does the share stand (on which definition, from
which source), what paths do its targets require, when would each scenario reach them, how likely
is that (Monte Carlo), and how is progress assessed (Eurostat and UNSD methods). Each step below is
one public function the notebook calls in its own cell and shows; the steps read the data package
and call the pure engines (``share_projection``, ``monte_carlo``, ``progress_assessment``). The
scenarios are a list the researcher edits in the notebook (``current_trend(...)``, ``logistic(...)``
and their siblings build its entries).

Choices, each stated in the report:

- **History**: the geography's best observation per year on one definition (the indicator's
  default concept that has data: the statistics office's ``nso`` where it exists, else the
  ministry's estimate). A unit created by the 2025 merger has no observed share; its base is an
  explicit assumption: the GRDP-weighted average of its old provinces' observed shares, with the
  national share of the same definition and year standing in for an old province without one
  (``assumed_merged_base``). Nothing is filled in silently.
- **Calibration**: the geography's own series when it has two or more observations of the
  definition, else the ``proxy`` geography's series of the same definition (default: the nation).
- **Reference scenario**: the national series of the *other* definition, so a reader sees how much
  the choice of definition changes the outlook.
- **Decomposition scenario**: digital-economy value added growing at ``de_growth_pct`` while GRDP
  grows at ``g_grdp_pct`` (both scenario inputs).
- **Targets**: those registered for the geography; a target due at or before the base year is
  compared with the observed value instead of projected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import data, monte_carlo, progress_assessment, share_projection
from .errors import ParameterError, check_number
from .formatting import comparator_text, fmt_number, fmt_pct, format_number
from .provenance import ASSUMED, OBSERVED, Assumption
from .report_view import Report, assumptions_frame, source_ids_in, sources_frame
from .text import LANGS, catalog, t

INDICATOR = "de_share_pct"
NATION = "vn"
CONCEPTS = ("nso", "ministry")  # the two definitions: statistics office value added, ministry estimate
HISTORY_COLUMNS = ["year", "value", "unit", "status", "concept", "source_id", "publisher", "segment"]


# --------------------------------------------------------------------------------------------
# Inputs from the data package
# --------------------------------------------------------------------------------------------

def geo_targets(pkg: data.DataPackage, geo_id: str) -> pd.DataFrame:
    """The digital-economy share targets registered for ``geo_id``."""
    t = pkg.targets
    picked = t[(t["geo_id"] == geo_id) & (t["indicator_id"] == INDICATOR)]
    cols = ["target_id", "geo_id", "indicator_id", "concept", "comparator", "value", "value_high", "year", "unit",
            "instrument", "source_id"]
    out = picked[cols].copy()
    out["concept"] = out["concept"].astype(object).where(out["concept"].notna(), None)
    for col in ("value", "value_high"):
        out[col] = out[col].astype(float)
    out["year"] = out["year"].astype(int)
    return out.sort_values(["year", "target_id"]).reset_index(drop=True)


def assumed_merged_base(pkg: data.DataPackage, geo_id: str, lang: str = "en") -> tuple[pd.DataFrame, Assumption]:
    """A one-row history for a merged 2025 unit, built as a labelled assumption.

    share = sum_i(w_i * s_i) / sum_i(w_i) over the old provinces i, where s_i is the province's
    observed share (its latest year, on the definition most of them report) or, where it has none,
    the national share of that definition and year (a proxy), and w_i is the province's GRDP at
    current prices in the latest year every old province reports it. Raises ParameterError when no
    old province has an observed share.
    """
    parts = data.old_units(pkg, geo_id)
    observed = {p: data.series(pkg, p, INDICATOR) for p in parts}
    observed = {p: s for p, s in observed.items() if not s.empty}
    if not parts or not observed:
        raise ParameterError("geo", f"no digital-economy share is observed for {geo_id!r} or the provinces it was "
                                    "formed from; choose another geography")
    concept = pd.Series([s["concept"].iloc[-1] for s in observed.values()]).mode().iloc[0]
    observed = {p: s for p, s in observed.items() if s["concept"].iloc[-1] == concept}
    year = max(int(s["year"].iloc[-1]) for s in observed.values())
    national = data.series(pkg, NATION, INDICATOR, concept=concept)
    national_row = national[national["year"] == year]
    grdp = {p: data.series(pkg, p, "grdp_current_bn_vnd") for p in parts}
    common_years = set.intersection(*[set(g["year"].astype(int)) for g in grdp.values()]) if grdp else set()
    if not common_years or (len(observed) < len(parts) and national_row.empty):
        raise ParameterError("geo", f"cannot weight the old provinces of {geo_id!r}: GRDP of every province in one "
                                    "year and a national share to stand in are both needed")
    weight_year = max(common_years)
    shares, weights, pieces, sources = {}, {}, [], set()
    for p in parts:
        g = grdp[p][grdp[p]["year"] == weight_year].iloc[0]
        weights[p] = float(g["value"])
        sources.add(g["source_id"])
        if p in observed:
            row = observed[p].iloc[-1]
            shares[p] = float(row["value"])
            sources.add(row["source_id"])
            pieces.append(f"{p} {shares[p]:g} % (observed {int(row['year'])}, {row['source_id']})")
        else:
            shares[p] = float(national_row["value"].iloc[0])
            sources.add(national_row["source_id"].iloc[0])
            pieces.append(f"{p} {shares[p]:g} % (ASSUMED: national '{concept}' share {year}, "
                          f"{national_row['source_id'].iloc[0]}, no provincial figure)")
    total = sum(weights.values())
    value = sum(shares[p] * weights[p] for p in parts) / total
    weight_text = ", ".join(f"{p} {weights[p]:,.0f}" for p in parts)
    basis = (f"GRDP-weighted average of the old provinces' shares: {'; '.join(pieces)}; weights = GRDP at current "
             f"prices {weight_year} (bn VND: {weight_text}); = {value:.2f} %. The weights' year differs from the "
             f"shares' year; the new unit has no published share.")
    assumption = Assumption("base_share_pct", value, "%", ASSUMED,
                            f"assumed {year} share of {geo_id} ('{concept}' definition)", basis)
    history = pd.DataFrame([{"year": year, "value": value, "unit": "% of GRDP", "status": "estimate",
                             "concept": concept, "source_id": "", "publisher": "nq57 assumption", "segment": 0}])
    history.attrs["sources"] = sorted(sources)
    return history, assumption


def share_history(pkg: data.DataPackage, geo_id: str) -> tuple[pd.DataFrame, list[Assumption]]:
    """The history the projection starts from, and any assumption it rests on."""
    history = data.series(pkg, geo_id, INDICATOR)
    if not history.empty:
        return history[HISTORY_COLUMNS + ["published", "tier", "url", "note"]].copy(), []
    if data.old_units(pkg, geo_id):
        history, assumption = assumed_merged_base(pkg, geo_id)
        return history, [assumption]
    raise ParameterError("geo", f"no digital-economy share is observed for {geo_id!r}; provinces with one: "
                                + ", ".join(sorted(set(pkg.observations.loc[
                                    pkg.observations["indicator_id"] == INDICATOR, "geo_id"]))))


def share_history_for(pkg: data.DataPackage, P) -> pd.DataFrame:
    """``share_history`` for the parameters of a run (the runner's cheap input check)."""
    return share_history(pkg, P.geo)[0]


def _proxy_history(pkg: data.DataPackage, proxy_geo: str, concept: str) -> pd.DataFrame | None:
    proxy = data.series(pkg, proxy_geo, INDICATOR, concept=concept)
    if proxy.empty:
        proxy = data.series(pkg, proxy_geo, INDICATOR)
    return None if proxy.empty else proxy[HISTORY_COLUMNS]


def calibration_for(pkg: data.DataPackage, geo: str, proxy: str = ""):
    """(history, base assumptions, calibration, proxy history) of one geography, as the report uses.

    The pace comes from the geography's own series of its definition when it has >= 2 observations,
    else from ``proxy`` (default: the nation) on the same definition. Used by the
    Monte Carlo benchmark, so it simulates exactly what the report shows.
    """
    inputs = _inputs(pkg, geo, proxy, "en")
    cal = calibrate(pkg, inputs).by_concept[inputs.concept]
    return inputs.history, inputs.base_assumptions, cal, inputs.proxy_history


# --------------------------------------------------------------------------------------------
# Step 1: the data
# --------------------------------------------------------------------------------------------

def _frame_html(frame: pd.DataFrame, caption: str) -> str:
    return f"<p><b>{caption}</b></p>" + frame.to_html(index=False, na_rep="", float_format=lambda v: f"{v:.4g}")


@dataclass
class ShareInputs:
    """What the data package holds for one run: the history, its assumptions, the targets.

    ``history``: the best observation per year on the reported definition (or the assumed base of a
    merged unit); ``base_assumptions``: the assumption the base rests on, if any; ``targets``: every
    registered target; ``proxy_history``: the proxy series of the same definition (None for the
    proxy itself); ``national``: the nation's latest share on each definition.
    """

    geo_id: str
    name: str
    lang: str
    history: pd.DataFrame
    base_assumptions: list[Assumption]
    targets: pd.DataFrame
    proxy_geo: str
    proxy_history: pd.DataFrame | None
    national: pd.DataFrame

    @property
    def concept(self) -> str:
        """The definition of the latest observation (the one projected)."""
        return str(self.history["concept"].iloc[-1])

    def _repr_html_(self) -> str:
        return _frame_html(self.history[HISTORY_COLUMNS], f"{self.name}: {INDICATOR}")


def load_inputs(pkg: data.DataPackage, P) -> ShareInputs:
    """Step 1: the history, targets, proxy series and national position the report rests on."""
    return _inputs(pkg, P.geo, P.proxy, P.lang)


def _inputs(pkg: data.DataPackage, geo: str, proxy: str, lang: str) -> ShareInputs:
    history, base_assumptions = share_history(pkg, geo)
    concept = str(history["concept"].iloc[-1])
    proxy_geo = proxy or NATION
    proxy_hist = None if proxy_geo == geo else _proxy_history(pkg, proxy_geo, concept)
    return ShareInputs(geo_id=geo, name=data.geo_name(pkg, geo, lang), lang=lang, history=history,
                       base_assumptions=base_assumptions, targets=geo_targets(pkg, geo), proxy_geo=proxy_geo,
                       proxy_history=proxy_hist,
                       national=_national_position(pkg) if geo != NATION else pd.DataFrame())


# --------------------------------------------------------------------------------------------
# Step 2: the history on each definition
# --------------------------------------------------------------------------------------------

def history_by_definition(pkg: data.DataPackage, inputs: ShareInputs) -> pd.DataFrame:
    """Step 2: how many observations the geography (and its proxy) has on each definition.

    Columns: geo_id, concept, n_obs, first_year, last_year, latest_pct. Definitions are never mixed
    in one series; this table shows which ones the outlook can rest on.
    """
    rows = []
    for geo in dict.fromkeys([inputs.geo_id, inputs.proxy_geo]):
        for concept in CONCEPTS:
            s = data.series(pkg, geo, INDICATOR, concept=concept)
            if s.empty:
                continue
            rows.append({"geo_id": geo, "concept": concept, "n_obs": len(s), "first_year": int(s["year"].iloc[0]),
                         "last_year": int(s["year"].iloc[-1]), "latest_pct": float(s["value"].iloc[-1])})
    return pd.DataFrame(rows, columns=["geo_id", "concept", "n_obs", "first_year", "last_year", "latest_pct"])


# --------------------------------------------------------------------------------------------
# Step 3: the calibration
# --------------------------------------------------------------------------------------------

@dataclass
class Calibrations:
    """The calibration of each projected definition, and the reference series' pace."""

    by_concept: dict[str, share_projection.Calibration]
    reference: share_projection.Calibration | None = None
    reference_history: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        """One row per calibration: base, pace and where the pace comes from."""
        cals = [*self.by_concept.values(), *([self.reference] if self.reference is not None else [])]
        return pd.DataFrame([{"concept": c.concept, "label": c.label, "base_year": c.base_year,
                              "base_share_pct": c.base_share_pct, "source": c.source, "pace_label": c.pace_label,
                              "pace_years": f"{c.pace_first_year}-{c.pace_last_year}", "pace_n_obs": c.pace_n_obs,
                              "growth_pct": c.growth_pct, "pp_per_year": c.pp_per_year} for c in cals])

    def _repr_html_(self) -> str:
        return _frame_html(self.table(), "calibration")


def calibrate(pkg: data.DataPackage, inputs: ShareInputs) -> Calibrations:
    """Step 3: base observation and pace of the projected definition, and the reference pace.

    The pace comes from the geography's own series when it has >= 2 observations of the
    definition, else from the proxy (default: the nation) on the same definition. The reference is
    the nation's series on the *other* definition, so a reader sees how much the definition matters.
    """
    concept = inputs.concept
    own = inputs.history[inputs.history["concept"] == concept]
    proxy_label = f"{data.geo_name(pkg, inputs.proxy_geo, 'en')} ({concept})"
    cal = share_projection.calibrate(own[HISTORY_COLUMNS], concept=concept,
                                     label=data.geo_name(pkg, inputs.geo_id, "en"),
                                     proxy=inputs.proxy_history, proxy_label=proxy_label)
    other = "nso" if concept == "ministry" else "ministry"
    ref_hist = data.series(pkg, NATION, INDICATOR, concept=other)
    reference = None
    if len(ref_hist) >= 2:
        reference = share_projection.calibrate(ref_hist[HISTORY_COLUMNS], concept=other,
                                               label=t("digital_economy.nation_series", "en", concept=other))
    return Calibrations({concept: cal}, reference, ref_hist if reference is not None else None)


# --------------------------------------------------------------------------------------------
# Step 4: the scenarios (the notebook's editable list is built from these)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DefinitionScenario:
    """A scenario projected on one definition (``concept``) only."""

    concept: str
    scenario: share_projection.Scenario


def _default(calibrations: Calibrations, concept: str, name: str, **kw) -> list[DefinitionScenario]:
    """The engine's default scenario called ``name`` (English) for ``concept``, if it applies."""
    cal = calibrations.by_concept[concept]
    for scenario in share_projection.default_scenarios(cal, **kw):
        if scenario.name == name:
            return [DefinitionScenario(concept, scenario)]
    return []


def current_trend(calibrations: Calibrations) -> list[DefinitionScenario]:
    """The calibrated pace held constant (CAGR), on each definition."""
    name = t("common.scenario.current_trend", "en")
    return [s for c in calibrations.by_concept for s in _default(calibrations, c, name)]


def reference_pace(calibrations: Calibrations) -> list[DefinitionScenario]:
    """The pace of the nation's series on the other definition (skipped when it equals the trend)."""
    ref = calibrations.reference
    if ref is None:
        return []
    name = t("common.scenario.reference_pace", "en", reference=ref.pace_label)
    name_vi = t("digital_economy.nation_series", "vi", concept=ref.concept)
    return [s for c in calibrations.by_concept
            for s in _default(calibrations, c, name, reference=ref, reference_name_vi=name_vi)]


def logistic(calibrations: Calibrations, ceiling_pct: float) -> list[DefinitionScenario]:
    """The current pace saturating at ``ceiling_pct`` (skipped where the base is at the ceiling)."""
    ceiling = check_number("ceiling_pct", ceiling_pct, low=0, low_open=True, high=100)
    name = t("common.scenario.logistic", "en", ceiling=f"{ceiling:g}")
    return [s for c in calibrations.by_concept for s in _default(calibrations, c, name, ceiling_pct=ceiling)]


def target_path(calibrations: Calibrations, inputs: ShareInputs) -> list[DefinitionScenario]:
    """The constant-growth path through every target after the base year, on each definition."""
    out = []
    for concept, cal in calibrations.by_concept.items():
        ahead, _ = share_projection.split_targets(inputs.targets, cal.base_year) if not inputs.targets.empty \
            else (inputs.targets, inputs.targets)
        if not ahead.empty:
            out += _default(calibrations, concept, t("common.scenario.target_path", "en"), targets=ahead)
    return out


def damped_trend_ets(calibrations: Calibrations) -> list[DefinitionScenario]:
    """Damped-trend exponential smoothing, on each definition with >= 6 own observations."""
    name = t("common.scenario.ets", "en")
    return [s for c in calibrations.by_concept for s in _default(calibrations, c, name)]


def decomposition(calibrations: Calibrations, de_growth_pct: float, g_grdp_pct: float) -> list[DefinitionScenario]:
    """Digital-economy value added and GRDP growing at the report's scenario rates, on each definition."""
    scenario = share_projection.Scenario(
        t("digital_economy.scenario.decomposition", "en"), "decomposition",
        {"de_growth_pct": de_growth_pct, "grdp_growth_pct": g_grdp_pct},
        "digital-economy value added and GRDP growing at the report's scenario rates (parameters de_growth_pct, "
        "g_grdp_pct)", t("digital_economy.scenario.decomposition", "vi"))
    return [DefinitionScenario(c, scenario) for c in calibrations.by_concept]


# --------------------------------------------------------------------------------------------
# Step 5: the projection
# --------------------------------------------------------------------------------------------

MILESTONE_YEARS = (2025, 2030, 2035, 2040, 2045)


@dataclass
class Projection:
    """The scenario paths of each definition (``share_projection.ProjectionResult`` per concept)."""

    by_concept: dict[str, share_projection.ProjectionResult]

    @property
    def table(self) -> pd.DataFrame:
        """Every path, one row per scenario and year."""
        return pd.concat([p.table for p in self.by_concept.values()], ignore_index=True)

    def _repr_html_(self) -> str:
        table = self.table
        wide = table[table["year"].isin(MILESTONE_YEARS)].pivot_table(index="scenario", columns="year",
                                                                      values="share_pct", sort=False)
        return _frame_html(wide.reset_index(), "share_pct")


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


def project(inputs: ShareInputs, calibrations: Calibrations, scenarios, P) -> Projection:
    """Step 5: every scenario of the list, year by year to ``P.horizon_year``, on each definition."""
    out = {}
    for concept in calibrations.by_concept:
        own = inputs.history[inputs.history["concept"] == concept]
        out[concept] = share_projection.project(own[HISTORY_COLUMNS], _scenarios_of(scenarios, concept),
                                                P.horizon_year, concept=concept)
    return Projection(out)


# --------------------------------------------------------------------------------------------
# Step 6: required paths and attainment
# --------------------------------------------------------------------------------------------

def targets_ahead(inputs: ShareInputs, calibrations: Calibrations, concept: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(targets after the base year of ``concept``, targets due at or before it)."""
    if inputs.targets.empty:
        return inputs.targets, inputs.targets
    return share_projection.split_targets(inputs.targets, calibrations.by_concept[concept].base_year)


def required_paths(inputs: ShareInputs, calibrations: Calibrations, P) -> pd.DataFrame:
    """Step 6a: the pace each target needs from the latest observation (% a year and pp a year)."""
    frames = []
    for concept in calibrations.by_concept:
        ahead, _ = targets_ahead(inputs, calibrations, concept)
        if ahead.empty:
            continue
        own = inputs.history[inputs.history["concept"] == concept]
        frames.append(share_projection.required_paths(own[HISTORY_COLUMNS], ahead, concept=concept,
                                                      grdp_growth_pct=P.g_grdp_pct))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def attainment(inputs: ShareInputs, calibrations: Calibrations, projection: Projection) -> pd.DataFrame:
    """Step 6b: the first year each scenario reaches each target."""
    frames = []
    for concept, result in projection.by_concept.items():
        ahead, _ = targets_ahead(inputs, calibrations, concept)
        if not ahead.empty:
            frames.append(share_projection.attainment_years(result, ahead))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --------------------------------------------------------------------------------------------
# Step 7: the simulation
# --------------------------------------------------------------------------------------------

@dataclass
class Simulation:
    """The Monte Carlo result (None when not run) and the sentence describing it, by language."""

    result: monte_carlo.SimulationResult | None
    note: dict[str, str]

    @property
    def p_meet(self) -> pd.DataFrame:
        return self.result.p_meet if self.result is not None else pd.DataFrame()

    @property
    def bands(self) -> pd.DataFrame:
        return self.result.bands if self.result is not None else pd.DataFrame()

    def _repr_html_(self) -> str:
        return _frame_html(self.p_meet, self.note["en"])


def simulate(inputs: ShareInputs, calibrations: Calibrations, P) -> Simulation:
    """Step 7: Monte Carlo paths of the share and the probability of meeting each target."""
    concept = inputs.concept
    cal = calibrations.by_concept[concept]
    if cal.trend_sd_pct is None or cal.shock_sd_pct is None:
        return Simulation(None, {lang: t("digital_economy.simulation.not_run", lang) for lang in LANGS})
    ahead, _ = targets_ahead(inputs, calibrations, concept)
    ceiling = max(P.ceiling_pct, min(100.0, cal.base_share_pct + 1e-6))
    sim_inputs = monte_carlo.simulation_inputs(cal, inputs.geo_id, ceiling_pct=ceiling)
    sim = monte_carlo.simulate([sim_inputs], P.horizon_year, n_paths=P.n_paths, seed=P.seed,
                               targets=ahead if not ahead.empty else None)
    return Simulation(sim, {lang: t("digital_economy.simulation.ran", lang, n=format_number(P.n_paths, lang, 0),
                                    seed=P.seed, ceiling=format_number(ceiling, lang))
                            for lang in LANGS})


# --------------------------------------------------------------------------------------------
# Step 8: the assessments
# --------------------------------------------------------------------------------------------

def assess_progress(inputs: ShareInputs, calibrations: Calibrations) -> pd.DataFrame:
    """Step 8a: Eurostat and UNSD progress assessment of every target ahead (observed series only)."""
    rows = []
    concept = inputs.concept
    own = inputs.history[inputs.history["concept"] == concept]
    ahead, _ = targets_ahead(inputs, calibrations, concept)
    for target in ahead.to_dict("records"):
        for method, fn in (("eurostat", progress_assessment.assess_eurostat),
                           ("unsd", progress_assessment.assess_unsd)):
            if inputs.base_assumptions:  # an assumed base is not an observation: nothing to assess
                rows.append({"target_id": target["target_id"], "method": method, "category": "insufficient data",
                             "score": math.nan, "note": "the base share is an assumption, not an observation"})
                continue
            result = fn(own["year"].astype(int).tolist(), own["value"].astype(float).tolist(), target["value"],
                        int(target["year"]), comparator=target["comparator"], value_high=target["value_high"])
            rows.append({"target_id": target["target_id"], "method": method, "category": result.category,
                         "score": math.nan if result.score is None else result.score, "note": result.note})
    return pd.DataFrame(rows, columns=["target_id", "method", "category", "score", "note"])


def targets_due(inputs: ShareInputs, calibrations: Calibrations) -> pd.DataFrame:
    """Step 8b: targets whose year has come, compared with the observed value of that year, if any."""
    concept = inputs.concept
    own = inputs.history[inputs.history["concept"] == concept]
    _, due = targets_ahead(inputs, calibrations, concept)
    rows = []
    for target in due.to_dict("records"):
        hit = own[own["year"] == target["year"]]
        if hit.empty:
            verdict, value = "no observation for the target year", math.nan
        else:
            value = float(hit["value"].iloc[0])
            ok = share_projection.meets_target(value, target["comparator"], target["value"], target["value_high"])
            verdict = "met" if bool(ok) else "not met"
        rows.append({"target_id": target["target_id"], "target_year": target["year"], "observed_pct": value,
                     "verdict": verdict})
    return pd.DataFrame(rows, columns=["target_id", "target_year", "observed_pct", "verdict"])


def _national_position(pkg: data.DataPackage) -> pd.DataFrame:
    """The nation's latest share on each definition, for the narrative's comparison."""
    rows = []
    for concept in CONCEPTS:
        s = data.series(pkg, NATION, INDICATOR, concept=concept)
        if not s.empty:
            last = s.iloc[-1]
            rows.append({"concept": concept, "year": int(last["year"]), "share_pct": float(last["value"]),
                         "status": last["status"], "source_id": last["source_id"]})
    return pd.DataFrame(rows, columns=["concept", "year", "share_pct", "status", "source_id"])


# --------------------------------------------------------------------------------------------
# Step 9: the report (tables, assumptions, sources, figure) and its narrative
# --------------------------------------------------------------------------------------------

def collect_report(pkg: data.DataPackage, P, inputs: ShareInputs, calibrations: Calibrations,
                   projection: Projection, required: pd.DataFrame, attained: pd.DataFrame, simulation: Simulation,
                   assessment: pd.DataFrame, due: pd.DataFrame) -> Report:
    """Step 9a: the results of the steps above as one ``Report``: tables, scalars, every assumption
    (observed, derived or assumed, with its basis), every cited source, the narrative and the figure."""
    concept = inputs.concept
    cal = calibrations.by_concept[concept]
    history, targets = inputs.history, inputs.targets
    assumption_records = [*inputs.base_assumptions, *cal.assumptions,
                          *(a for p in projection.by_concept.values() for a in p.assumptions),
                          *(simulation.result.assumptions if simulation.result is not None else []),
                          Assumption("g_grdp_pct", P.g_grdp_pct, "% per year", ASSUMED,
                                     "GRDP growth used for the implied digital-economy growth and the decomposition",
                                     "report parameter g_grdp_pct (scenario input)")]
    if inputs.base_assumptions:  # the engine records its base as observed; here it is the assumption above
        assumption_records = [a for a in assumption_records if not (a.name == "base_share_pct" and a.kind == OBSERVED)]
    assumptions = assumptions_frame(assumption_records)
    cited = set(history["source_id"]) | set(targets["source_id"]) | set(history.attrs.get("sources", []))
    cited |= set(inputs.proxy_history["source_id"]) if inputs.proxy_history is not None else set()
    cited |= set(calibrations.reference_history["source_id"]) if calibrations.reference_history is not None else set()
    cited |= source_ids_in(*assumptions["basis"])

    report = Report(notebook="digital_economy", geo_id=inputs.geo_id, lang=inputs.lang,
                    title=t("digital_economy.title", inputs.lang, name=inputs.name))
    report.tables = {
        "history": history.drop(columns=[c for c in ("url",) if c in history]).reset_index(drop=True),
        "targets": targets, "scenarios": projection.table, "required_paths": required, "attainment": attained,
        "assessment": assessment, "targets_due": due, "bands": simulation.bands, "probabilities": simulation.p_meet,
        "national": inputs.national,
    }
    report.scalars = {
        "concept": concept, "base_year": cal.base_year, "base_share_pct": cal.base_share_pct,
        "base_is_assumed": bool(inputs.base_assumptions), "calibration_source": cal.source,
        "pace_label": cal.pace_label, "current_trend_growth_pct": cal.growth_pct, "n_paths": P.n_paths,
        "seed": P.seed, "simulation_note": simulation.note["en"],
    }
    report.assumptions = assumptions
    report.sources = sources_frame(pkg, cited)
    report.narrative = _narrative(report, inputs.name, cal, projection.by_concept[concept].notes, inputs.lang,
                                  simulation.note[inputs.lang])
    ahead, _ = targets_ahead(inputs, calibrations, concept)
    report.figures = {"outlook": lambda: outlook_figure(report, inputs, projection, simulation, ahead, required)}
    return report


def narrative(report: Report) -> Any:
    """Step 9b: the report's title and narrative (Markdown, in the report's language)."""
    from IPython.display import Markdown

    return Markdown(f"## {report.title}\n\n{report.narrative_markdown()}")


def outlook_figure(report: Report, inputs: ShareInputs, projection: Projection, simulation: Simulation,
                   ahead: pd.DataFrame, required: pd.DataFrame):
    """The outlook figure: history, scenarios, fan, targets and required paths."""
    from .charts.digital_economy_charts import plot_share_outlook

    lang = report.lang
    notes = [t("digital_economy.base_assumed_note", lang)] if inputs.base_assumptions else []
    return plot_share_outlook(inputs.history[HISTORY_COLUMNS], projection=projection.by_concept[inputs.concept],
                              bands=simulation.result, geo_id=inputs.geo_id,
                              targets=ahead if not ahead.empty else None,
                              required=required if not required.empty else None, lang=lang,
                              title=report.title, footnotes=notes)


# --------------------------------------------------------------------------------------------
# Narrative (generated from the numbers)
# --------------------------------------------------------------------------------------------

def _category(text: str, lang: str) -> str:
    key = f"common.assessment.{text.replace(' ', '_')}"
    return t(key, lang) if key in catalog(lang) else text


def _narrative(report: Report, name: str, cal: share_projection.Calibration, notes: list[str], lang: str,
               sim_note: str) -> list[str]:
    """Markdown paragraphs in ``lang`` describing the results in ``report``."""
    tables, s = report.tables, report.scalars
    concept_name = data.label("concept", s["concept"], lang)
    key = "digital_economy.narrative."
    out = []
    if s["base_is_assumed"]:
        out.append(t(key + "where_assumed", lang, name=name, base=fmt_pct(s["base_share_pct"], lang, 2),
                     year=s["base_year"], concept=concept_name))
    else:
        hist = tables["history"]
        last = hist.iloc[-1]
        n = len(hist)
        out.append(t(key + ("where_observed_one" if n == 1 else "where_observed_many"), lang, name=name,
                     value=fmt_pct(last["value"], lang, 2), year=int(last["year"]), concept=concept_name,
                     status=data.label("status", last["status"], lang, default=last["status"]),
                     source=last["source_id"], n=n))
    nat = tables["national"]
    if not nat.empty:
        parts = [f"{fmt_pct(r.share_pct, lang, 2)} ({data.label('concept', r.concept, lang)}, {r.year})"
                 for r in nat.itertuples()]
        out.append(t(key + "national", lang, parts=t(key + "and", lang).join(parts)))
    pace_src = (t(key + "own_series", lang) if cal.source == "own"
                else t(key + "proxy_series", lang, label=cal.pace_label))
    out.append(t(key + "current_trend", lang, growth=fmt_pct(cal.growth_pct, lang, 2), source=pace_src,
                 first=cal.pace_first_year, last=cal.pace_last_year))
    req = tables["required_paths"]
    if req.empty:
        out.append(t(key + "no_targets", lang))
    else:
        lines = []
        att, prob = tables["attainment"], tables["probabilities"]
        order = {">=": 0, ">": 1, "between": 2, "=": 3, "<=": 4, "<": 5}
        for (year, level), group in req.groupby(["target_year", "target_pct"], sort=True):
            group = group.sort_values("comparator", key=lambda c: c.map(order))
            r = group.iloc[0]
            ids = list(group["target_id"])
            trend = att[att["target_id"].isin(ids) & (att["scenario"] == "current trend")]["attained_year"]
            when = trend.iloc[0] if not trend.empty else pd.NA
            when_text = t(key + "not_within_horizon", lang) if pd.isna(when) else str(int(when))
            reached = att[att["target_id"] == ids[0]].dropna(subset=["attained_year"])
            n_scen, n_on_time = att[att["target_id"] == ids[0]]["scenario"].nunique(), int(reached["on_time"].sum())
            p = prob.loc[prob["target_id"] == ids[0], "p_meet"] if not prob.empty else pd.Series(dtype=float)
            prob_text = "" if p.empty else t(key + "probability", lang, p=fmt_pct(100 * p.iloc[0], lang, 0))
            docs_text = "" if len(ids) == 1 else t(key + "documents", lang, n=len(ids))
            unstated = (group["definition_status"] == "unstated").any()
            lines.append(t(key + "target_line", lang, target=comparator_text(r.comparator, level, None, lang) + " %",
                           year=year, docs=docs_text, growth=fmt_pct(r.required_growth_pct, lang, 1),
                           pp=fmt_number(r.required_pp_per_year, lang, 2), when=when_text, n_on_time=n_on_time,
                           n_scenarios=n_scen, probability=prob_text)
                         + (t(key + "definition_unstated", lang) if unstated else ""))
        out.append(t(key + "requirements", lang) + "\n\n" + "\n".join(lines))
    due = tables["targets_due"]
    if not due.empty:
        parts = [f"`{r.target_id}` ({r.target_year}): {_category(r.verdict, lang)}" for r in due.itertuples()]
        out.append(t(key + "due", lang) + "; ".join(parts) + ".")
    assess = tables["assessment"]
    if not assess.empty:
        cats = sorted({_category(c, lang) for c in assess["category"]})
        out.append(t(key + "assessment", lang, categories=", ".join(cats)))
    n_assumed = int((report.assumptions["kind"] == ASSUMED).sum())
    out.append(t(key + "assumptions", lang, n=n_assumed, sim_note=sim_note,
                 starting=t(key + "starting_share", lang) if s["base_is_assumed"] else ""))
    if notes:
        out.append(t(key + "notes", lang) + " ".join(notes))
    return out
