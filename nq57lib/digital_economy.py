"""The steps of the ``digital_economy`` notebook: data, history on each definition, calibration,
scenarios, projection, required paths and attainment, simulation, assessments, back-test, sensitivity,
narrative, results.

The notebook answers, for one geography and on each definition of the digital economy that has data
for it or its proxy: where does the share stand (from which source), what pace do its targets need,
in which years would the scenarios reach them, how likely that is (only where the data support a
probability), how progress is assessed (Eurostat and UNSD methods), how well the methods did on past
data (back-test) and which assumption matters most (tornado). Each step below is one public function
the notebook calls in its own cell; it passes the notebook's parameters to the rules below it:
``nq57lib.share_inputs`` (what the data hold on each definition, the assumed bases, the targets and the
definition each is read on), ``nq57lib.share_outlook`` (calibration, paths, simulation, assessments, back-test,
tornado) and ``nq57lib.digital_economy_prose`` (the narrative, the answer and the reader's tables, in the
report's language). The scenarios are a list the researcher edits in the notebook (``current_trend(...)``,
``logistic(...)`` and their siblings build its entries).

Choices, each stated in the report (the rules' docstrings say more):

- **Definitions side by side** (parameter ``concept``: ``both`` by default): every definition with data for the
  geography or its proxy gets its own history, calibration, paths and fan; no path mixes them.
- **One ceiling** (``ceiling``, :mod:`nq57lib.ceilings`): the geography's own sector bound (100 -
  agriculture - taxes on products), a merged unit's old provinces' GRDP-weighted bounds, else 70 % as a
  labelled fallback; ``ceiling_pct`` > 0 sets it. The notebook passes the one value to every step that caps a
  path, and the results and the words read it from there.
- **Nominal GRDP growth** (``g_grdp_pct``; 0 = from data) is the one the budget report uses
  (``nq57lib.grdp_growth``): the medium-term geometric mean of observed real growth compounded with
  the deflator ``deflator_pct`` (same default as the budget report's).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from . import (ceilings, data_package, data_texts, digital_economy_prose, grdp_growth, share_formulas, share_inputs, share_outlook, share_projection, target_verdicts)
from .errors import check_number
from .formatting import format_number
from .provenance import ASSUMED, Assumption
from .report_view import Report, assumptions_frame, source_ids_in, sources_frame
from .share_inputs import HISTORY_COLUMNS, INDICATOR, ShareInputs, targets_ahead
from .share_outlook import (ASSUMED_BASE_SD_PCT, DECOMPOSITION, RELATIVE, REPORT_YEARS, Calibrations,
                            DefinitionScenario, DigitalGrowth, Projection, Simulation, default_scenario)
from .target_assessment import UNSTATED_TARGET_CONCEPT
from .text import phrase, section, t

_L, _B = "common.inputs.label.", "common.inputs.basis."  # the inputs table's words


def share_history_for(pkg: data_package.DataPackage, P) -> pd.DataFrame:
    """The histories of a run's parameters (the runner's cheap input check): raises ParameterError
    naming ``geo`` or ``concept`` when the report cannot run, and the parameter whose value an engine
    would refuse later (:func:`nq57lib.share_inputs.check_bounds`)."""
    inputs = share_inputs.read_inputs(pkg, P.geo, P.proxy, P.lang, getattr(P, "concept", "both"))
    share_inputs.check_bounds(inputs, P, ceiling(pkg, inputs, P))
    return inputs.history


def calibration_for(pkg: data_package.DataPackage, geo: str, proxy: str = ""):
    """(history, base assumptions, calibration, proxy history) on the indicator's default definition
    for the geography (``share_history``: the statistics office's where it has data).

    Used by the Monte Carlo benchmark, so it simulates what the report shows on that definition.
    """
    inputs = share_inputs.read_inputs(pkg, geo, proxy, "en", "both")
    concept = str(share_inputs.share_history(pkg, geo)[0]["concept"].iloc[-1])
    cal = calibrate(pkg, inputs).by_concept[concept]
    return inputs.histories[concept], inputs.base_assumptions[concept], cal, inputs.proxy_histories.get(concept)


# --------------------------------------------------------------------------------------------
# Step 1: the data
# --------------------------------------------------------------------------------------------


def load_inputs(pkg: data_package.DataPackage, P) -> ShareInputs:
    """Step 1: the histories on each definition, targets, proxy series, as-of year, national position."""
    return share_inputs.read_inputs(pkg, P.geo, P.proxy, P.lang, P.concept)


# --------------------------------------------------------------------------------------------
# Step 2: the history on each definition
# --------------------------------------------------------------------------------------------

def history_by_definition(inputs: ShareInputs) -> pd.DataFrame:
    """Step 2: on each definition, the geography's own observations, its base and the proxy's series.

    Columns: concept, n_own_obs, base_year, base_share_pct, base_kind ('observed' or 'assumed'),
    proxy_geo, proxy_n_obs, proxy_first_year, proxy_last_year.
    """
    rows = []
    for concept in inputs.concepts:
        history = inputs.histories[concept]
        proxy = inputs.proxy_histories.get(concept)
        rows.append({"concept": concept, "n_own_obs": inputs.n_own[concept],
                     "base_year": int(history["year"].iloc[-1]), "base_share_pct": float(history["value"].iloc[-1]),
                     "base_kind": "assumed" if inputs.is_assumed(concept) else "observed",
                     "proxy_geo": inputs.proxy_geo if proxy is not None else "",
                     "proxy_n_obs": 0 if proxy is None else len(proxy),
                     "proxy_first_year": pd.NA if proxy is None else int(proxy["year"].iloc[0]),
                     "proxy_last_year": pd.NA if proxy is None else int(proxy["year"].iloc[-1])})
    out = pd.DataFrame(rows)
    for column in ("proxy_first_year", "proxy_last_year"):
        out[column] = out[column].astype("Int64")
    return out


# --------------------------------------------------------------------------------------------
# Step 3: the calibration, and the GRDP growth assumption
# --------------------------------------------------------------------------------------------


def grdp_growth_assumption(pkg: data_package.DataPackage, inputs: ShareInputs, P) -> grdp_growth.GrowthAssumption:
    """Step 3b: the nominal GRDP growth of the implied digital-economy growth and the decomposition.

    ``g_grdp_pct`` 0 means "from data": :func:`nq57lib.grdp_growth.growth_assumption`, the one the budget
    report uses, over the window ending at ``grdp_growth.window_end`` (the data's as-of year): the
    medium-term geometric mean of observed real growth compounded with ``deflator_pct`` (labelled by
    ``grdp_growth.deflator_choice``); a geography without real growth in the data borrows the nation's,
    labelled (rule ``borrowed``). A non-zero ``g_grdp_pct`` is the nominal rate itself (a scenario), deflator 0.
    """
    if P.g_grdp_pct != 0:
        return grdp_growth.GrowthAssumption(inputs.geo_id, float(P.g_grdp_pct), 0.0, ASSUMED,
                                            phrase(_B + "nominal_run"), phrase(_B + "in_g_grdp"),
                                            rule=grdp_growth.PARAMETER)
    return grdp_growth.growth_assumption(pkg, inputs.geo_id, grdp_growth.window_end(pkg),
                                         deflator_pct=P.deflator_pct, deflator_set="deflator_pct" in P.given)


# --------------------------------------------------------------------------------------------
# Step 4: the scenarios (the notebook's editable list is built from these)
# --------------------------------------------------------------------------------------------


def current_trend(calibrations: Calibrations) -> list[DefinitionScenario]:
    """The calibrated pace held constant (CAGR), on each definition; capped at the ceiling."""
    return [s for c in calibrations.by_concept for s in default_scenario(calibrations, c, share_projection.CURRENT_TREND)]


def linear_trend(calibrations: Calibrations) -> list[DefinitionScenario]:
    """The calibrated change in percentage points a year held constant, on each definition."""
    return [DefinitionScenario(c, share_projection.linear_scenario(cal)) for c, cal in calibrations.by_concept.items()]


def damped_pace(calibrations: Calibrations) -> list[DefinitionScenario]:
    """The pace slowing as the series' own growth slowed (fitted damping), where it can be fitted."""
    return [DefinitionScenario(c, share_projection.damped_scenario(fit)) for c, fit in calibrations.damped.items()
            if fit is not None and fit.damping < 1]


def relative_level(calibrations: Calibrations, inputs: ShareInputs) -> list[DefinitionScenario]:
    """On each definition calibrated on the proxy: the proxy's observed path after the base year, then
    its damped pace where its growth slowed (else its constant pace), scaled by the level relative to
    the proxy."""
    out = []
    for concept, cal in calibrations.by_concept.items():
        proxy = inputs.proxy_histories.get(concept)
        if cal.source != "proxy" or proxy is None or cal.base_year not in set(proxy["year"].astype(int)):
            continue
        last_year, last = int(proxy["year"].iloc[-1]), float(proxy["value"].iloc[-1])
        fit = calibrations.damped.get(concept)
        steps = np.arange(1, share_projection.LAST_YEAR - last_year + 1)
        slowing = fit is not None and fit.damping < 1  # as damped_pace: only a pace seen to slow is damped
        path = (share_formulas.damped_path(last, fit.start_growth_pct, fit.damping, steps) if slowing
                else share_formulas.cagr_path(last, cal.growth_pct, steps))
        table = pd.concat([proxy.rename(columns={"value": "share_pct"})[["year", "share_pct"]],
                           pd.DataFrame({"year": steps + last_year, "share_pct": path})], ignore_index=True)
        table = table[table["year"] >= cal.base_year]
        label = cal.pace_label
        # the proxy in the report's language when it is Vietnamese (the English label stays in the results)
        label_vi = (f"{inputs.proxy_name} ({t(f'digital_economy.view.short_{cal.pace_concept}', 'vi')})"
                    if inputs.lang == "vi" else label)
        out.append(DefinitionScenario(concept, share_projection.relative_level_scenario(
            t("digital_economy.scenario.relative", "en", proxy=label), cal.base_year, cal.base_share_pct, table,
            label, name_vi=t("digital_economy.scenario.relative", "vi", proxy=label_vi), scenario_id=RELATIVE)))
    return out


def ceiling(pkg: data_package.DataPackage, inputs: ShareInputs, P) -> ceilings.Ceiling:
    """Step 3c: the ceiling of every path (one owner: pass it to every step below that caps a path). From the
    geography's own sector structure, else its old provinces' (a 2025 unit), else Vĩnh Phúc's 70 % as a
    labelled fallback; ``P.ceiling_pct`` > 0 sets it (:func:`nq57lib.ceilings.geography_ceiling`)."""
    return ceilings.geography_ceiling(pkg, inputs.geo_id, P.ceiling_pct)


def logistic(calibrations: Calibrations, ceiling_pct: ceilings.Ceiling | float) -> list[DefinitionScenario]:
    """The current pace slowing as the share nears the ceiling (skipped where the base is at it)."""
    ceiling = ceilings.as_pct(ceiling_pct)
    return [s for c in calibrations.by_concept
            for s in default_scenario(calibrations, c, share_projection.LOGISTIC, ceiling_pct=ceiling)]


def target_path(calibrations: Calibrations, inputs: ShareInputs) -> list[DefinitionScenario]:
    """The constant-growth path through every target ahead (as of the data), on each definition."""
    out = []
    for concept, cal in calibrations.by_concept.items():
        ahead = targets_ahead(inputs, concept)
        if not ahead.empty:
            out += default_scenario(calibrations, concept, share_projection.TARGET_PATH, targets=ahead)
    return out


def damped_trend_ets(calibrations: Calibrations) -> list[DefinitionScenario]:
    """Damped-trend exponential smoothing, on each definition with >= 6 own observations."""
    return [s for c in calibrations.by_concept for s in default_scenario(calibrations, c, share_projection.ETS)]


def decomposition(calibrations: Calibrations, de_growth_pct: DigitalGrowth | float,
                  grdp: grdp_growth.GrowthAssumption) -> list[DefinitionScenario]:
    """Digital-economy value added growing at ``de_growth_pct`` (:func:`digital_growth`: observed, or a
    number: a what-if) and GRDP at the nominal growth assumption."""
    if not isinstance(de_growth_pct, DigitalGrowth):
        value = check_number("de_growth_pct", de_growth_pct, low=-100, low_open=True)
        de_growth_pct = DigitalGrowth(value, "set", phrase(_B + "de_growth_set", value=value))
    scenario = share_projection.Scenario(
        t("digital_economy.scenario.decomposition", "en"), "decomposition",
        {"de_growth_pct": de_growth_pct.value_pct, "grdp_growth_pct": grdp.nominal_pct},
        phrase(_B + "decomposition", growth=de_growth_pct.basis, nominal=grdp.nominal_pct),
        t("digital_economy.scenario.decomposition", "vi"), DECOMPOSITION)
    return [DefinitionScenario(c, scenario) for c in calibrations.by_concept]


# --------------------------------------------------------------------------------------------
# Steps 5-8: projection, required paths and attainment, simulation, assessments, back-test, sensitivity
# --------------------------------------------------------------------------------------------


def calibrate(pkg: data_package.DataPackage, inputs: ShareInputs) -> Calibrations:
    """Step 3: base observation and pace on each definition, and the damped pace where it can be fitted
    (:func:`nq57lib.share_outlook.calibrate_definitions`: the geography's own series with >= 2 observations of
    the definition, else the proxy's on the same definition)."""
    return share_outlook.calibrate_definitions(pkg, inputs)


def digital_growth(pkg: data_package.DataPackage, inputs: ShareInputs, P) -> DigitalGrowth:
    """Step 3d: the decomposition's digital-economy value-added growth. ``P.de_growth_pct`` 0 means "from
    data": the latest observed growth of digital-economy value added at current prices of the geography, else the
    nation's, named as borrowed; a non-zero value is a what-if set by the user, labelled as such
    (:func:`nq57lib.share_outlook.observed_digital_growth`)."""
    return share_outlook.observed_digital_growth(pkg, inputs, P.de_growth_pct)


def project(inputs: ShareInputs, calibrations: Calibrations, scenarios, P,
            ceiling: ceilings.Ceiling | float) -> Projection:
    """Step 5: every scenario of the list, year by year to ``P.horizon_year``, on each definition;
    every path capped at ``ceiling`` (the ``caps`` table says when each one reaches it)."""
    return share_outlook.project_definitions(inputs, calibrations, scenarios, P.horizon_year, ceiling)


def required_paths(inputs: ShareInputs, calibrations: Calibrations,
                   grdp: grdp_growth.GrowthAssumption) -> pd.DataFrame:
    """Step 6a: the pace each target ahead needs from the base on each definition (% and pp a year), and on which
    definition each target is read (:func:`nq57lib.share_outlook.required_paths_table`)."""
    return share_outlook.required_paths_table(inputs, calibrations, grdp)


def attainment(inputs: ShareInputs, projection: Projection) -> pd.DataFrame:
    """Step 6b: the first year each scenario reaches each target ahead, on each definition, never before the
    as-of year (:func:`nq57lib.share_outlook.attainment_table`)."""
    return share_outlook.attainment_table(inputs, projection)


def simulate(inputs: ShareInputs, calibrations: Calibrations, P, ceiling: ceilings.Ceiling | float) -> Simulation:
    """Step 7: Monte Carlo fans of the share on each definition and pooled, ``P.n_paths`` paths to
    ``P.horizon_year`` with seed ``P.seed``, and P(meet) only where the model earned it
    (:func:`nq57lib.share_outlook.simulate_fans`)."""
    return share_outlook.simulate_fans(inputs, calibrations, ceiling, P.horizon_year, P.n_paths, P.seed)


def assess_progress(inputs: ShareInputs) -> pd.DataFrame:
    """Step 8a: Eurostat and UNSD progress assessments of every target ahead, on each definition with the
    geography's own observations (:func:`nq57lib.share_outlook.progress_table`)."""
    return share_outlook.progress_table(inputs)


def targets_passed(inputs: ShareInputs) -> pd.DataFrame:
    """Step 8b: targets whose year is before the as-of year, with the latest value on each definition
    (:func:`nq57lib.share_outlook.passed_targets_table`)."""
    return share_outlook.passed_targets_table(inputs)


def backtest_table(inputs: ShareInputs, P, ceiling: ceilings.Ceiling | float) -> pd.DataFrame:
    """Step 8c: rolling-origin back-test of the methods on each definition with >= 4 own observations, seed
    ``P.seed`` (:func:`nq57lib.share_outlook.backtest_methods`)."""
    return share_outlook.backtest_methods(inputs, ceiling, P.seed)


def sensitivity(inputs: ShareInputs, calibrations: Calibrations, grdp: grdp_growth.GrowthAssumption,
                P, ceiling: ceilings.Ceiling | float) -> pd.DataFrame:
    """Step 8d: which assumption matters most (tornado), around the simulation's central pace, to
    ``P.horizon_year`` (:func:`nq57lib.share_outlook.tornado_table`: the ranges it states)."""
    return share_outlook.tornado_table(inputs, calibrations, grdp, ceiling, P.horizon_year)


# --------------------------------------------------------------------------------------------
# Step 9: the report (tables, assumptions, sources, figures) and its narrative
# --------------------------------------------------------------------------------------------

def collect_report(pkg: data_package.DataPackage, P, inputs: ShareInputs, calibrations: Calibrations,
                   grdp: grdp_growth.GrowthAssumption, projection: Projection, required: pd.DataFrame,
                   attained: pd.DataFrame, simulation: Simulation, assessment: pd.DataFrame, passed: pd.DataFrame,
                   backtested: pd.DataFrame, tornado: pd.DataFrame, ceiling: ceilings.Ceiling | float,
                   verdicts: pd.DataFrame) -> Report:
    """Step 9a: the results of the steps above as one ``Report``: tables, scalars, every assumption
    (observed, derived or assumed, with its basis), every cited source, the narrative and the figures.
    ``ceiling`` is the one passed to the steps (its value, kind and basis reach the scalars and the words)."""
    cap = ceilings.as_ceiling(ceiling, inputs.geo_id)
    first = inputs.concepts[0]
    cal = calibrations.by_concept[first]
    history, targets = inputs.history, inputs.targets
    records = [a for c in inputs.concepts for a in inputs.base_assumptions[c]]
    for concept, c in calibrations.by_concept.items():
        records += [_tagged(a, concept) for a in c.assumptions
                    if not (a.name == "base_share_pct" and inputs.is_assumed(concept))]
    for concept, p in projection.by_concept.items():
        records += [_tagged(a, concept) for a in p.assumptions if a.name not in ("base_share_pct", "ceiling_pct")]
    records.append(cap.assumption())
    records += simulation.result.assumptions if simulation.result is not None else []
    records += grdp.assumptions()
    if simulation.result is not None and any(inputs.is_assumed(c) for c in inputs.concepts):
        records.append(Assumption("base_sd_pct", ASSUMED_BASE_SD_PCT, "% (log points)", ASSUMED,
                                  phrase(_L + "base_sd"), phrase(_B + "base_sd")))
    assumptions = assumptions_frame(records, inputs.lang)
    cited = set(history["source_id"]) | set(targets["source_id"]) | set(history.attrs.get("sources", []))
    for proxy in inputs.proxy_histories.values():
        cited |= set(proxy["source_id"])
    cited |= source_ids_in(*(a.basis for a in records)) | set(cap.sources)

    report = Report(notebook="digital_economy", geo_id=inputs.geo_id, lang=inputs.lang,
                    title=t("digital_economy.title", inputs.lang, name=inputs.name))
    report.tables = {
        "history": history.drop(columns=[c for c in ("url",) if c in history]).reset_index(drop=True),
        "definitions": history_by_definition(inputs), "calibration": calibrations.table(),
        "targets": targets, "scenarios": projection.table, "caps": projection.caps, "required_paths": required,
        "attainment": attained, "assessment": assessment, "targets_due": passed,
        "bands": share_outlook.fans_with_probability(simulation),
        "probabilities": simulation.p_meet, "national": inputs.national, "backtest": backtested,
        "validation": simulation.points, "coverage": simulation.coverage_table(),
        "pace_gap": share_outlook.pace_gap(inputs, calibrations, required), "probability_range": simulation.ranges,
        "method_breaks": share_outlook.method_breaks_table(pkg, inputs),
        "sensitivity": tornado, "verdicts": verdicts,
    }
    report.scalars = {
        "concepts": ",".join(inputs.concepts), "concept": first, "as_of_year": inputs.as_of_year,
        "unstated_target_concept": UNSTATED_TARGET_CONCEPT, "base_year": cal.base_year,
        "base_share_pct": cal.base_share_pct, "base_is_assumed": inputs.is_assumed(first),
        "calibration_source": cal.source, "pace_label": cal.pace_label, "current_trend_growth_pct": cal.growth_pct,
        "nominal_grdp_growth_pct": grdp.nominal_pct, "ceiling_pct": cap.value_pct,
        "ceiling_kind": cap.kind, "n_paths": P.n_paths,
        "seed": P.seed, "simulation_note": simulation.note["en"],
        "bands_note": share_outlook.bands_note(simulation),
    }
    report.assumptions = assumptions
    report.sources = sources_frame(pkg, cited)
    notes = [n for p in projection.by_concept.values() for n in p.notes]
    report.narrative = digital_economy_prose.narrative_paragraphs(report, inputs, calibrations, grdp, notes, simulation.note[inputs.lang])
    report.figures = {"outlook": lambda: outlook_figure(report, inputs, projection, simulation, required),
                      "tornado": lambda: tornado_figure(report, tornado)}
    return report


def _tagged(assumption: Assumption, concept: str) -> Assumption:
    """An assumption named with its definition, so the two definitions' inputs stay apart."""
    return replace(assumption, name=f"{assumption.name} ({concept})")


def narrative(report: Report) -> Any:
    """Step 9b: below the first chart, the answer in three plain sentences, how the verdict is decided, and the
    narrative (Markdown, in the report's language)."""
    from IPython.display import Markdown

    paragraph = digital_economy_prose.answer_paragraph(report, report.tables["verdicts"])
    return Markdown("\n\n".join([paragraph, t("verdict.rule_text", report.lang), report.narrative_markdown()]))


def outlook_figure(report: Report, inputs: ShareInputs, projection: Projection, simulation: Simulation,
                   required: pd.DataFrame):
    """The outlook figure: one panel per definition with its history, scenarios, fan, targets and
    required paths."""
    from .charts.digital_economy_charts import plot_share_outlooks

    lang = report.lang
    panels = []
    bands = share_outlook.fans_with_probability(simulation)
    for concept, result in projection.by_concept.items():
        ahead = targets_ahead(inputs, concept)
        req = required[required["concept"] == concept] if not required.empty else required
        panels.append({"concept": concept, "history": inputs.histories[concept][HISTORY_COLUMNS],
                       "projection": result,
                       "bands": bands[bands["fan"] == concept] if not bands.empty else None,
                       "targets": ahead if not ahead.empty else None,
                       "required": req if not req.empty else None,
                       "assumed": inputs.is_assumed(concept),
                       "title": t("digital_economy.panel_assumed" if inputs.is_assumed(concept)
                                  else "digital_economy.panel", lang, concept=data_texts.label("concept", concept, lang))})
    notes = [t("digital_economy.base_assumed_note", lang)] if any(p["assumed"] for p in panels) else []
    if simulation.result is not None:
        notes.append(t("charts.digital_economy.mc_note", lang, n=format_number(simulation.result.n_paths, lang, 0),
                       seed=simulation.result.seed))
    return plot_share_outlooks(panels, geo_id=inputs.geo_id, lang=lang, title=report.title, footnotes=notes)


def tornado_figure(report: Report, tornado: pd.DataFrame):
    """The tornado chart of the sensitivity table: the 2030 and 2045 shares at each end of every range."""
    from .charts.digital_economy_charts import plot_tornado

    labels = {a: t(f"digital_economy.assumption.{a.replace(' ', '_')}", report.lang) for a in tornado["assumption"]}
    return plot_tornado(tornado, years=REPORT_YEARS, labels=labels, lang=report.lang)


def view(report: Report, name: str) -> Any:
    """A reader's view of the result table ``name``: targets in words, definitions by name, human
    headers and caption in the report's language, no ids (every column stays in the results files)."""
    from .report_view import table_view

    shown = Report(notebook=report.notebook, geo_id=report.geo_id, lang=report.lang, title=report.title,
                   tables={name: digital_economy_prose.reader_frame(report, name)})
    return table_view(shown, name, caption=t(f"digital_economy.captions.{name}", report.lang),
                      headers={**section("report.columns", report.lang), **digital_economy_prose.column_headers(report.lang)})


# --------------------------------------------------------------------------------------------
# Step 9a: the one-minute answer
# --------------------------------------------------------------------------------------------


def verdicts(pkg: data_package.DataPackage, inputs: ShareInputs) -> pd.DataFrame:
    """Step 8b: the verdict of each of the geography's share targets (``target_verdicts``: the rule every report,
    the index and the results files read), one row per target, as of the data."""
    table = target_verdicts.verdicts_for(pkg, inputs.geo_id, inputs.as_of_year, inputs.lang, indicators=(INDICATOR,))
    return table[table["relation"] == "own"].reset_index(drop=True)


@dataclass
class Answer:
    """Step 9a's result: the verdict table (each target, its verdict and the one line of evidence it rests on,
    the other definition beside it), shown first; the short paragraph answering the report's question is
    shown below the first chart (``narrative``)."""

    paragraph: str
    table: Any  # reader_tables.ReaderTable
    frame: pd.DataFrame

    def _repr_html_(self) -> str:
        return f'<div class="nq57-answer">{self.table.html}</div>'


def one_minute_answer(report: Report) -> Answer:
    """Step 9a: the answer first. One row per target (documents that set the same target are one row): its
    verdict from ``target_verdicts`` and why, in one line (the value and year it rests on, the pace needed,
    the paces observed), the other definition beside it. No scenario count is evidence: the scenarios and
    their years are in the details below."""
    lang = report.lang
    verdicts = report.tables["verdicts"]
    table = target_verdicts.answer_table(verdicts, lang, t("digital_economy.answer.caption", lang),
                                         digital_economy_prose.target_words(report.tables["targets"], lang))
    frame = verdicts[["target_id", "verdict", "evidence"]]
    return Answer(digital_economy_prose.answer_paragraph(report, report.tables["verdicts"]), table, frame)


