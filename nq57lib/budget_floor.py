"""The "budget_floor" notebook's steps: what an S&T spending floor costs, read from data/.

Each step is the one public function a notebook cell calls; it shows its result in the notebook. The notebook
calls them in order: ``derive_inputs`` -> ``default_floors`` (an editable list of ``Floor``) -> ``budget_paths``
-> ``cumulative_totals``, ``absorption_check``, ``rnd_view``, ``sensitivity``, ``sensitivity_by_input`` ->
``verdicts``, ``one_minute_answer`` -> ``narrative`` -> ``report`` (saved by ``nq57lib.results_files.save_results``)
-> ``why``. The rules are below the steps: the inputs and their bases in ``nq57lib.floor_inputs`` (the
derivation rules are in its docstring), the floors' paths, totals and results in ``nq57lib.floor_paths``, the
report's sentences in ``nq57lib.budget_floor_prose`` (words in the locale files, section [budget_floor]).

Parameters (notebook "budget_floor"): geo, lang, floor_pct, start_year, ramp_year, end_year,
base_expenditure_bn_vnd, current_share_pct, real_growth_pct, deflator_pct, budget_growth_pct,
capacity_bn_vnd (output_dir is not used here). A value of 0 means "derive it from the data" (papermill
cannot pass None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd

from . import budget_floor_prose, data_package, floor_inputs, floor_paths, geography, target_verdicts
from .floor_cost import BudgetInputs, SensitivityResult
from .floor_inputs import Derivation
from .floor_paths import BudgetPaths, Floor, RndView, path_value, period_labels, period_value
from .formatting import format_number, trim_zeros
from .report_view import Report, assumptions_frame, source_ids_in, sources_frame
from .text import bilingual, section, t

NOTEBOOK = "budget_floor"


def budget_inputs(pkg, P) -> BudgetInputs:
    """The engine inputs for notebook parameters ``P``, each derived from ``pkg`` with its basis (the registry's
    input check: it raises the error step 1 would raise, before any kernel starts)."""
    return floor_inputs.derive(pkg, P).inputs


def derive_inputs(pkg, P) -> Derivation:
    """Step 1: every engine input for parameters ``P``, read or derived from ``pkg`` with its kind and basis
    (:func:`nq57lib.floor_inputs.derive`).

    The result shows as the table of base-year inputs (value, observed / derived / assumed, basis).
    """
    return floor_inputs.derive(pkg, P)


def default_floors(derivation: Derivation) -> list[Floor]:
    """Step 2: the floors to compare: the run's floor first (the geography's default unless floor_pct is
    set), then the national 3 % and Vinh Phuc's 15 % beside it, so every report shows both.

    Edit the list in the notebook to add, drop or change a floor; later steps run every floor in it.
    """
    return floor_paths.default_floors(derivation)


def budget_paths(derivation: Derivation, floors: Sequence[Floor]) -> BudgetPaths:
    """Step 3: the budget path and each floor's yearly spending on it (:func:`nq57lib.floor_paths.spending_paths`);
    the words about each input come from the value it runs with."""
    return floor_paths.spending_paths(derivation, floors)


def cumulative_totals(paths: BudgetPaths) -> pd.DataFrame:
    """Step 4: cumulative spending, status quo and gap per scenario and period (current and base-year prices)."""
    return paths.periods


def absorption_check(paths: BudgetPaths) -> pd.DataFrame:
    """Step 5: per scenario and period, the years above the absorptive capacity and the largest ratio."""
    return floor_paths.absorption_table(paths)


def rnd_view(pkg, paths: BudgetPaths) -> RndView | None:
    """Step 6: for the nation, what the R&D target costs and how much of the national floor public R&D needs.

    None for any other geography (the R&D target is national), or when the national floor is not
    among the floors compared.
    """
    return floor_paths.national_rnd_view(pkg, paths)


def sensitivity(paths: BudgetPaths) -> SensitivityResult:
    """Step 7: period totals over a grid of floors (the standard grid and every compared floor) x budget growth."""
    return floor_paths.sensitivity_grid(paths)


def sensitivity_by_input(pkg, paths: BudgetPaths, lang: str = "en") -> pd.DataFrame:
    """Step 7b: each input moved alone (base, real growth, deflator, floor), the others at the run's values.

    Real growth also takes the latest observed year's rate and the geography's own growth target
    where targets.csv has one (its midpoint), each labelled. Columns: input, case (ids), input_label,
    case_label (words in ``lang``), value, period, cumulative_spending_bn_vnd,
    cumulative_spending_const_bn_vnd, change_from_run_pct (the report's floor scenario; current and
    base-year prices).
    """
    cases, specs = floor_paths.input_cases(pkg, paths)
    labels = {case: budget_floor_prose.case_label(pkg, paths.derivation, spec, lang) for case, spec in specs.items()}
    names = {name: words[lang] for name, words in bilingual("charts.budget_floor.input_names").items()}
    return floor_paths.input_sensitivity(paths, cases, labels, names)


def _reality_tables(paths: BudgetPaths, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The tables beside the floor (:func:`nq57lib.floor_paths.reality_tables`), the status quo's and the plan's
    shares named in ``lang`` (column ``label``, after the ids in ``share_basis``)."""
    tables = floor_paths.reality_tables(paths)
    status = tables["status_quo_shares"]
    status.insert(1, "label", [budget_floor_prose.share_label(basis, value, lang)
                               for basis, value in zip(status["share_basis"], status["share_pct"])])
    return tables


def spending_figure(pkg, paths: BudgetPaths, lang: str):
    """Figure: required spending per scenario, the floors compared beside it, and the capacity.

    A comparison floor equal to the status-quo share is not drawn again: the status quo's legend
    names it, and the narrative says so in one sentence.
    """
    from .charts.budget_floor_charts import plot_spending_paths

    return plot_spending_paths(paths.main, lang, geo_name=geography.geo_name(pkg, paths.derivation.geo, lang),
                               comparison=paths.comparisons or None, source_names=budget_floor_prose.source_names(pkg, lang))


def cumulative_gap_figure(pkg, paths: BudgetPaths, lang: str):
    """Figure: the running total of each scenario's spending above the status quo."""
    from .charts.budget_floor_charts import plot_cumulative_gap

    return plot_cumulative_gap(paths.main, lang, geo_name=geography.geo_name(pkg, paths.derivation.geo, lang),
                               source_names=budget_floor_prose.source_names(pkg, lang))


def sensitivity_figure(pkg, result: SensitivityResult, lang: str):
    """Figure: the sensitivity table's first period as a heat map (floor x budget growth)."""
    from .charts.budget_floor_charts import plot_sensitivity_heatmap

    return plot_sensitivity_heatmap(result, lang, geo_name=geography.geo_name(pkg, result.inputs.geography, lang),
                                    source_names=budget_floor_prose.source_names(pkg, lang))


@dataclass(frozen=True)
class Narrative:
    """Step 8's result: the title and the paragraphs written from the numbers, shown as Markdown."""

    title: str
    paragraphs: tuple[str, ...]

    def markdown(self) -> str:
        return "\n\n".join([f"## {self.title}", *self.paragraphs])

    def _repr_markdown_(self) -> str:
        return self.markdown()


def why(answer: "Answer", text: Narrative) -> Any:
    """Step 9b, below the first chart: the answer in plain sentences, how the verdict is decided, then the
    narrative's paragraphs (Markdown; the title is the page's)."""
    from IPython.display import Markdown

    return Markdown("\n\n".join([answer.paragraph, t("verdict.rule_text", answer.lang), *text.paragraphs]))


def narrative(pkg, paths: BudgetPaths, rnd: RndView | None, by_input: pd.DataFrame | None, lang: str) -> Narrative:
    """Step 8: the one-minute answer: the floors and why, the budget path, what the floor costs and how
    plausible it is, totals, absorption, the floors beside it, what the assumptions change, R&D, the inputs
    (:mod:`nq57lib.budget_floor_prose`)."""
    return Narrative(budget_floor_prose.title(pkg, paths.derivation, lang),
                     tuple(budget_floor_prose.paragraphs(pkg, paths, rnd, by_input, lang)))


def report(pkg, paths: BudgetPaths, absorption: pd.DataFrame, rnd: RndView | None,
           sensitivity_result: SensitivityResult, by_input: pd.DataFrame | None, text: Narrative,
           verdicts: pd.DataFrame, lang: str) -> Report:
    """Step 9: the results to save: tables, scalars, assumptions, sources, narrative and figures."""
    d = paths.derivation
    tables = {"yearly": paths.yearly, "milestones": paths.milestones(), "periods": paths.periods,
              "sensitivity": sensitivity_result.table, "absorption": absorption}
    if by_input is not None:
        tables["sensitivity_inputs"] = by_input
    if rnd is not None:
        tables["rnd"] = rnd.table
    tables = {key: table.copy() for key, table in tables.items()}
    for table in tables.values():
        table.insert(0, "geo_id", d.geo)
    tables["verdicts"] = verdicts.reset_index(drop=True)
    records = floor_paths.assumption_records(paths, rnd)
    assumptions = assumptions_frame(records, lang)
    tables.update({key: table.assign(geo_id=d.geo)[["geo_id", *table.columns]]
                   for key, table in _reality_tables(paths, lang).items()})
    sources = sources_frame(pkg, source_ids_in(*(a.basis for a in records), *floor_paths.reality_bases(d)))
    figures = {
        "spending": lambda: spending_figure(pkg, paths, lang),
        "cumulative_gap": lambda: cumulative_gap_figure(pkg, paths, lang),
        "sensitivity": lambda: sensitivity_figure(pkg, sensitivity_result, lang),
    }
    return Report(notebook=NOTEBOOK, geo_id=d.geo, lang=lang, title=text.title, tables=tables,
                  scalars=floor_paths.result_scalars(pkg, paths, rnd), assumptions=assumptions, sources=sources,
                  narrative=list(text.paragraphs), figures=figures)


SHARE_INDICATOR = "st_expenditure_share_pct"  # the floor's targets: S&T spending as a share of the budget


def verdicts(pkg, paths: BudgetPaths, lang: str) -> pd.DataFrame:
    """Step 7a: the verdict of each S&T-share target of the geography, its related units and the nation
    (``target_verdicts``: the rule every report, the index and the results files read), one row per target."""
    return target_verdicts.verdicts_for(pkg, paths.derivation.geo, data_package.as_of_year(pkg), lang,
                                        indicators=(SHARE_INDICATOR,))


def _floor_verdict(verdicts: pd.DataFrame, floor_pct: float, lang: str) -> tuple[str, str]:
    """The badge of a floor: the verdict of the registered target with that floor (the geography's own first,
    then its related units', then the nation's); 'not assessed' where no registered target sets it."""
    order = {"own": 0, "old unit": 1, "successor": 1, "national": 2}
    hits = verdicts[(verdicts["target_value"] - floor_pct).abs() < 1e-9] if not verdicts.empty else verdicts
    if hits.empty:
        return "not assessed", t("budget_floor.answer.no_target", lang)
    best = hits.assign(_o=hits["relation"].map(order).fillna(3)).sort_values("_o", kind="stable").iloc[0]
    return target_verdicts.verdict_badge(best["verdict"], lang)


@dataclass
class Answer:
    """Step 7b's result: the paragraph, the verdicts of the S&T-share targets and the cost of each floor."""

    paragraph: str
    verdicts: Any  # reader_tables.ReaderTable
    table: Any  # reader_tables.ReaderTable
    frame: pd.DataFrame
    lang: str = "en"

    def _repr_html_(self) -> str:
        return f'<div class="nq57-answer">{self.verdicts.html}{self.table.html}</div>'


def one_minute_answer(pkg, paths: BudgetPaths, by_input: pd.DataFrame | None, verdicts: pd.DataFrame,
                      lang: str) -> Answer:
    """Step 7b: the answer first. The verdict of each S&T-share target (``verdicts``, the one rule), then one
    row per floor compared (the report's floor first): the floor, today's S&T share of budget (observed, or
    assumed: said so), spending in the ramp year, cumulative totals per period, and the verdict of the
    registered target that sets that floor ('not assessed' where none does). The paragraph
    (:func:`nq57lib.budget_floor_prose.answer_paragraph`) adds the range of the first period's total when each
    input is moved alone (``sensitivity_by_input``)."""
    from .reader_tables import Column, reader_table

    key = "budget_floor.answer."
    d = paths.derivation
    inputs = paths.main.inputs
    share_text = budget_floor_prose.today_share(d, lang)
    periods, yearly = paths.periods, paths.yearly
    labels = period_labels(inputs)
    words = section("report.scenario", lang)
    rows = []
    chosen = d.items["floor"]
    rule = chosen.rule if paths.floors[0].floor_pct == chosen.value else "edited"
    for i, floor in enumerate(paths.floors):
        scenario = floor.scenario
        name = (t(key + "floor_name." + rule, lang, geo=geography.geo_name(pkg, d.geo, lang)) if i == 0
                else words.get(scenario, scenario))  # the report's floor says where it comes from
        row = {"floor": t(key + "floor", lang, name=name, value=trim_zeros(format_number(floor.floor_pct, lang, 1), lang)),
               "today": share_text,
               "ramp_year": path_value(yearly, scenario, inputs.ramp_year, "spending_bn_vnd"),
               "first": period_value(periods, scenario, labels[0], "cumulative_spending_bn_vnd"),
               "second": period_value(periods, scenario, labels[-1], "cumulative_spending_bn_vnd")
               if len(labels) > 1 else math.nan}
        row["status"] = _floor_verdict(verdicts, floor.floor_pct, lang)
        rows.append(row)
    frame = pd.DataFrame(rows)
    columns = [Column("floor", t(key + "col_floor", lang)), Column("today", t(key + "col_today", lang), "number_text"),
               Column("ramp_year", t(key + "col_year", lang, year=inputs.ramp_year), "money"),
               Column("first", t(key + "col_period", lang, period=labels[0]), "money"),
               *([Column("second", t(key + "col_period", lang, period=labels[-1]), "money")] if len(labels) > 1 else []),
               Column("status", t(key + "col_status", lang), "badge")]
    table = reader_table(frame, columns, lang, caption=t(key + "caption", lang))
    paragraph = budget_floor_prose.answer_paragraph(pkg, paths, rows[0]["ramp_year"], rows[0]["first"], len(rows),
                                                    by_input, lang)
    verdict_table = target_verdicts.answer_table(verdicts, lang, t(key + "verdicts_caption", lang),
                                                 target_verdicts.target_labels(pkg, verdicts, lang))
    return Answer(paragraph, verdict_table, table, frame, lang)
