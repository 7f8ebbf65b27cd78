"""The budget report's sentences: the narrative, the one-minute answer's paragraph, the reasons for each floor and
the labels a reader sees, written from the numbers of the steps' results (``nq57lib.floor_inputs``,
``nq57lib.floor_paths``) at render time. Every word is a template in the locale files (section [budget_floor]);
these functions pick the template and format its values in the report's language.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

import pandas as pd

from . import data_texts, geography
from .config import NATION
from .floor_cost import BudgetResult, fiscal_space
from .floor_inputs import (
    FAR_ABOVE_FACTOR, GERD_TARGET_ID, MISSION_GEO, NONSTATE_TARGET_ID, Derivation, level_of, national_gerd,
    ratio_is_partial, reference_share, successor, target_row,
)
from .floor_paths import (
    SENSITIVITY_BASE_STEP, SENSITIVITY_DEFLATOR_STEP_PCT, SENSITIVITY_REAL_STEP_PCT, BudgetPaths, Floor, RndView,
    assumption_records, coming_plan_rows, key_year_list, outturn_run, path_value, period_labels, period_value,
    reality_tables,
)
from .formatting import fmt_number, fmt_pct, format_number
from .provenance import Assumption
from .text import Joined, Names, Phrase, plain, t


def _w(key: str, lang: str, **fmt: Any) -> str:
    """The text ``budget_floor.<key>`` in ``lang``."""
    return t(f"budget_floor.{key}", lang, **fmt)


def _money(value: float, lang: str) -> str:
    return f"{fmt_number(value, lang, 0)} {t('budget_floor.unit_bn', lang)}"


def _share(value: float, lang: str) -> str:
    return fmt_pct(value, lang, 2 if abs(value) < 1 else 1)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _w("and", lang) + items[-1]


def _relative(value: float, reference: float, lang: str) -> str:
    """'17 % lower': ``value`` against ``reference``."""
    pct = fmt_pct(abs(value / reference - 1.0) * 100.0, lang, 0)
    return _w("lower" if value < reference else "higher", lang, pct=pct)


def _status(status: str, lang: str) -> str:
    return data_texts.label("status", status, lang, default=status)


def caveat_text(pkg, caveat: tuple[str, Mapping[str, Any]], lang: str) -> str:
    """One caveat of a derived input in ``lang``: its locale key, its values formatted for the language.

    A value given as ("pct", x, decimals) or ("num", x, decimals) is formatted as a percentage or a
    number; ("geo", id) becomes the geography's name, ("geos", ids) their names joined, ("concept", code) the
    concept's label.
    """
    key, values = caveat
    fmt = {}
    for name, value in values.items():
        if isinstance(value, tuple) and value[0] == "pct":
            fmt[name] = fmt_pct(value[1], lang, value[2])
        elif isinstance(value, tuple) and value[0] == "num":
            fmt[name] = fmt_number(value[1], lang, value[2])
        elif isinstance(value, tuple) and value[0] == "geo":
            fmt[name] = geography.geo_name(pkg, value[1], lang)
        elif isinstance(value, tuple) and value[0] == "geos":
            fmt[name] = _join([geography.geo_name(pkg, g, lang) for g in value[1]], lang)
        elif isinstance(value, (Names, Joined, Phrase)):  # a data text in both languages (data.data_names)
            fmt[name] = value.render(lang)
        elif isinstance(value, tuple) and value[0] == "concept":
            fmt[name] = data_texts.label("concept", value[1], lang, pkg, default=value[1])
        else:
            fmt[name] = value
    return _w(key, lang, **fmt)


def source_names(pkg, lang: str = "en") -> dict[str, str]:
    """Source id -> its publisher in ``lang``, the name a reader sees in footnotes (ids stay in the results CSVs)."""
    return {str(r.source_id): str(data_texts.text_in(pkg, "publisher", r.publisher, lang)) for r in pkg.sources.itertuples()}


def floor_why(pkg, floor: Floor, d: Derivation, lang: str) -> str:
    """Why a floor of the list is what it is, in a few words."""
    national = d.items["national"]
    if floor.scenario == "floor":
        rule = d.items["floor"].rule if floor.floor_pct == d.inputs.floor_pct else "edited"
    elif floor.scenario == "national_floor":
        rule = "national"
    elif floor.scenario == "vinh_phuc_floor":
        rule = "as_reported"
    else:
        rule = "edited"
    own = d.items["floor"].facts.get("target_id")
    return _w(f"why.{rule}", lang, instrument=plain(data_texts.text_in(pkg, "instrument", national.facts["instrument"], lang)), label=floor.label,
              own=plain(data_texts.text_in(pkg, "instrument", target_row(pkg, own)["instrument"], lang)) if own else "", mission=geography.geo_name(pkg, MISSION_GEO, lang))


def _floors_paragraph(pkg, paths: BudgetPaths, lang: str, name: str) -> str:
    d = paths.derivation
    first, others = paths.floors[0], paths.floors[1:]
    beside = _join([_w("floors.beside_item", lang, floor=_share(f.floor_pct, lang), why=floor_why(pkg, f, d, lang))
                    for f in others], lang)
    text = _w("floors.default", lang, floor=_share(first.floor_pct, lang), why=floor_why(pkg, first, d, lang))
    if beside:
        text += " " + _w("floors.beside", lang, beside=beside)
    new_unit = successor(pkg, d.geo)
    if new_unit is not None:
        together = _join([geography.geo_name(pkg, g, lang) for g in geography.old_units(pkg, new_unit)], lang)
        text += " " + _w("floors.counterfactual", lang, name=name, names=together,
                         successor=geography.geo_name(pkg, new_unit, lang))
    return _w("paragraph.floors", lang, text=text)


def _base_text(pkg, d: Derivation, lang: str) -> tuple[str, str]:
    """How the base expenditure was obtained: a short parenthesis, and a sentence or two to follow."""
    base = d.items["base"]
    facts, year = base.facts, d.inputs.base_year
    extra = ""
    if base.rule == "parameter":
        short = _w("set_by_user", lang)
    elif base.rule == "estimate":
        short = _w("base.estimate", lang, status=_status(facts["status"], lang), publisher=plain(data_texts.text_in(pkg, "publisher", facts["publisher"], lang)),
                   year=year)
        if facts["left_out"]:
            extra = " " + _w("base.left_out", lang, listed=_join([_money(v, lang) for v in facts["left_out"]], lang))
    elif base.rule == "ratio" and ratio_is_partial(base):
        ratio = facts["ratio"]
        short = _w("base.ratio_partial", lang, n=len(ratio["missing"]), total=len(ratio["parts"]) + len(ratio["missing"]),
                   missing=_join([geography.geo_name(pkg, g, lang) for g in ratio["missing"]], lang),
                   parts=_join([geography.geo_name(pkg, g, lang) for g in ratio["parts"]], lang),
                   ratio=fmt_pct(ratio["mean_pct"], lang, 2), years=_years_text(ratio["years"], lang),
                   grdp=_money(facts["grdp_base_bn_vnd"], lang), year=year)
    elif base.rule == "ratio":
        ratio = facts["ratio"]
        years = _join([str(y) for y in ratio["years"]], lang)
        short = _w("base.ratio", lang, ratio=fmt_pct(ratio["mean_pct"], lang, 2), years=years,
                   low=fmt_pct(ratio["low_pct"], lang, 1), high=fmt_pct(ratio["high_pct"], lang, 1),
                   grdp=_money(facts["grdp_base_bn_vnd"], lang), year=year)
        if ratio["parts"] != [d.geo]:
            parts = _join([geography.geo_name(pkg, g, lang) for g in ratio["parts"]], lang)
            short += _w("base.ratio_parts", lang, parts=parts)
            if ratio["missing"]:
                short += _w("base.ratio_missing", lang,
                            missing=_join([geography.geo_name(pkg, g, lang) for g in ratio["missing"]], lang))
    elif base.rule == "plan":
        short = _w("base.plan", lang, amount=_money(facts["plan"]["amount_bn_vnd"], lang),
                   share=_share(facts["plan"]["share_pct"], lang))
    else:  # an observed outturn (the nation without a budget estimate)
        grown = base.year != year
        short = _w("base.observed_grown" if grown else "base.observed", lang, status=_status(facts["status"], lang),
                   year=base.year, publisher=plain(data_texts.text_in(pkg, "publisher", facts["publisher"], lang)), base_year=year)
    plan = facts.get("plan")
    if plan is not None and base.rule != "plan":
        extra += " " + _w("base.alternative", lang, geo=geography.geo_name(pkg, plan["geo"], lang),
                          value=_money(plan["value"], lang), amount=_money(plan["amount_bn_vnd"], lang),
                          share=_share(plan["share_pct"], lang),
                          relative=_relative(plan["value"], d.inputs.base_expenditure_bn_vnd, lang))
    return short, extra


def _years_text(years, lang: str) -> str:
    """"2019" for one year, "mean of 2019, 2023" for several (the ratio's years, in the report's language)."""
    joined = _join([str(y) for y in years], lang)
    return joined if len(years) == 1 else _w("base.years_mean", lang, years=joined)


def _budget_paragraph(pkg, d: Derivation, lang: str, name: str, yearly: pd.DataFrame) -> str:
    inputs, real = d.inputs, d.items["real"]
    level = level_of(pkg, d.geo)
    later = [y for y in key_year_list(inputs) if y != inputs.base_year]
    path = _join([_w("money_in", lang, money=_money(path_value(yearly, "floor", y, "expenditure_bn_vnd"), lang), year=y)
                  for y in later], lang)
    g = fmt_pct(inputs.effective_budget_growth_pct, lang, 2)
    if inputs.budget_growth_pct is None:
        how = (_w("growth.medium_term", lang, span=real.facts["span"]) if real.rule == "medium_term"
               else _w("growth.borrowed", lang, span=real.facts["span"]) if real.rule == "borrowed"
               else _w("set_by_user", lang))
        deflator = d.items["deflator"]
        deflator_how = (_w("growth.deflator_mean", lang, span=deflator.facts["span"])
                        if deflator.rule == "observed_mean" else
                        _w("set_by_user", lang) if deflator.rule == "parameter" else _w("growth.deflator_assumed", lang))
        growth = _w("growth.nominal", lang, word=_w(f"word.{level}", lang), rate=g,
                    real=fmt_pct(inputs.real_growth_pct, lang, 2), how=how,
                    deflator=fmt_pct(inputs.deflator_pct, lang, 1), deflator_how=deflator_how)
    else:
        growth = _w("growth.own", lang, rate=g)
    short, extra = _base_text(pkg, d, lang)
    return _w("paragraph.budget", lang, name=name, budget=_w(f"budget_word.{level}", lang),
              base=_money(inputs.base_expenditure_bn_vnd, lang), year=inputs.base_year, how=short, extra=extra,
              growth=growth, path=path)


def _floor_paragraph(pkg, d: Derivation, lang: str, yearly: pd.DataFrame) -> str:
    inputs = d.inputs
    years = key_year_list(inputs)
    word = _w("word.nation" if d.geo == NATION else "word.province", lang)
    nominal = _join([_w("money_in", lang, money=_money(path_value(yearly, "floor", y, "spending_bn_vnd"), lang), year=y)
                     for y in years], lang)
    const = _join([_money(path_value(yearly, "floor", y, "spending_const_bn_vnd"), lang) for y in years], lang)
    shares = [path_value(yearly, "floor", y, "share_of_grdp_pct") for y in years]
    if max(shares) - min(shares) < 1e-9 * max(shares):  # the budget follows GRDP: one share for all years
        grdp = _w("constant_share", lang, share=fmt_pct(shares[0], lang, 2))
    else:
        grdp = _join([fmt_pct(v, lang, 2) for v in shares], lang)
    text = _w("paragraph.floor", lang, floor=_share(inputs.floor_pct, lang), start=inputs.start_year,
              nominal=nominal, base_year=inputs.base_year, const=const, grdp=grdp, word=word)
    gerd, _uis = national_gerd(pkg, inputs.base_year)
    text += " " + _w("plausibility.gerd", lang, share=fmt_pct(shares[0], lang, 2), word=word,
                     start=inputs.start_year, gerd=_share(gerd["value"], lang), gerd_year=int(gerd["year"]))
    reference = reference_share(pkg)
    if reference is not None and inputs.floor_pct > FAR_ABOVE_FACTOR * reference[0]:
        text += " " + _w("plausibility.far_above", lang, floor=_share(inputs.floor_pct, lang),
                         times=fmt_number(inputs.floor_pct / reference[0], lang, 0),
                         reference=_share(reference[0], lang), where=geography.geo_name(pkg, reference[1], lang),
                         year=reference[2], factor=fmt_number(FAR_ABOVE_FACTOR, lang, 0))
    return text


def _cumulative_paragraph(d: Derivation, lang: str, periods: pd.DataFrame) -> str:
    inputs = d.inputs
    current = _share(inputs.current_share_pct, lang)
    sentences = []
    for period in period_labels(inputs):
        gap = period_value(periods, "floor", period, "cumulative_gap_bn_vnd")
        sentences.append(_w("cumulative.more" if gap >= 0 else "cumulative.less", lang, period=period,
                            total=_money(period_value(periods, "floor", period, "cumulative_spending_bn_vnd"), lang),
                            gap=_money(abs(gap), lang), current=current,
                            status_quo=_money(period_value(periods, "floor", period,
                                                            "cumulative_status_quo_bn_vnd"), lang)))
    first = period_labels(inputs)[0]
    text = "; ".join(sentences)
    out = _w("paragraph.cumulative", lang, text=text[0].upper() + text[1:], current=current,
             start=inputs.start_year, floor=_share(inputs.floor_pct, lang), ramp_year=inputs.ramp_year,
             ramp=_money(period_value(periods, "ramp", first, "cumulative_spending_bn_vnd"), lang), period=first)
    return out


def _absorption_paragraph(d: Derivation, lang: str, name: str, main: BudgetResult) -> str:
    inputs, capacity = d.inputs, d.items["capacity"]
    if capacity is None:
        return _w("paragraph.absorption_none", lang, name=name)
    growth = fmt_pct(inputs.capacity_growth_pct, lang, 1)
    if capacity.rule == "target":
        source = _w("absorption.plan", lang, low=fmt_number(capacity.facts["low_bn_vnd"], lang, 0),
                    high=_money(capacity.facts["high_bn_vnd"], lang), growth=growth)
    else:
        source = _w("absorption.user", lang, capacity=_money(capacity.value, lang), growth=growth)
    n_years = inputs.end_year - inputs.base_year + 1
    above, above_sq = main.years_above_capacity("floor"), main.years_above_capacity("status_quo")
    floor_rows = main.yearly[main.yearly["scenario"] == "floor"]
    ratio = path_value(main.yearly, "floor", inputs.start_year, "spending_to_capacity_ratio")
    if above:
        verdict = _w("absorption.above", lang, ratio=fmt_number(ratio, lang, 1), start=inputs.start_year,
                     most=fmt_number(float(floor_rows["spending_to_capacity_ratio"].max()), lang, 1),
                     n=len(above), total=n_years, first=above[0])
    else:
        verdict = _w("absorption.within", lang, total=n_years)
    status_quo = _w("absorption.status_quo", lang, current=_share(inputs.current_share_pct, lang),
                    n=len(above_sq), total=n_years)
    return _w("paragraph.absorption", lang, source=source, verdict=verdict, status_quo=status_quo)


def _comparison_paragraph(pkg, paths: BudgetPaths, floor: Floor, lang: str, name: str) -> str:
    d, yearly, periods = paths.derivation, paths.yearly, paths.periods
    inputs = d.inputs
    path = _join([_w("money_in", lang, money=_money(path_value(yearly, floor.scenario, y, "spending_bn_vnd"), lang),
                     year=y) for y in key_year_list(inputs)], lang)
    totals = _join([_w("money_over", lang, period=p, money=_money(
        period_value(periods, floor.scenario, p, "cumulative_spending_bn_vnd"), lang))
        for p in period_labels(inputs)], lang)
    main_floor = paths.floors[0].floor_pct
    more = main_floor >= floor.floor_pct
    factor = fmt_number(main_floor / floor.floor_pct if more else floor.floor_pct / main_floor, lang, 1)
    compare = _w("compare.factor" if more else "compare.factor_less", lang, floor=_share(main_floor, lang),
                 factor=factor)
    if inputs.current_share_pct == floor.floor_pct:
        compare += " " + _w("compare.is_status_quo", lang, current=_share(inputs.current_share_pct, lang))
    elif inputs.current_share_pct > floor.floor_pct:
        compare += " " + _w("compare.met", lang, current=_share(inputs.current_share_pct, lang))
    return _w("paragraph.comparison", lang, floor=_share(floor.floor_pct, lang), why=floor_why(pkg, floor, d, lang),
              name=name, path=path, totals=totals, compare=compare)


def _growth_paragraph(d: Derivation, lang: str, by_input: pd.DataFrame) -> str:
    """What the growth, base and deflator choices change: the one-way sensitivity in a sentence."""
    last = period_labels(d.inputs)[-1]
    rows = by_input[by_input["period"] == last]

    def change(name: str, case: str) -> str:
        row = rows[(rows["input"] == name) & (rows["case"] == case)]
        return "" if row.empty else fmt_pct(float(row["change_from_run_pct"].iloc[0]), lang, 0)

    plan = rows[(rows["input"] == "real_growth_pct") & rows["case"].str.startswith("plan")]
    text = _w("sensitivity.one_way", lang, period=last, real_low=change("real_growth_pct", "low"),
              real_high=change("real_growth_pct", "high"), step=fmt_number(SENSITIVITY_REAL_STEP_PCT, lang, 0),
              base_low=change("base_expenditure_bn_vnd", "low"), base_high=change("base_expenditure_bn_vnd", "high"),
              base_step=fmt_pct(SENSITIVITY_BASE_STEP * 100, lang, 0),
              defl_low=change("deflator_pct", "low"), defl_high=change("deflator_pct", "high"),
              defl_step=fmt_number(SENSITIVITY_DEFLATOR_STEP_PCT, lang, 1))
    if not plan.empty:
        text += " " + _w("sensitivity.plan", lang, rate=fmt_pct(float(plan["value"].iloc[0]), lang, 2),
                         change=fmt_pct(float(plan["change_from_run_pct"].iloc[0]), lang, 0))
    return _w("paragraph.sensitivity", lang, text=text)


def _rnd_paragraph(pkg, d: Derivation, lang: str, rnd_table: pd.DataFrame, year: int) -> str:
    row = rnd_table[rnd_table["year"] == year].iloc[0]
    gerd, uis = national_gerd(pkg, d.inputs.base_year)
    target, nonstate = target_row(pkg, GERD_TARGET_ID), target_row(pkg, NONSTATE_TARGET_ID)
    uis_text = "" if uis is None else _w("rnd.uis", lang, share=_share(uis["value"], lang), year=int(uis["year"]))
    return _w("paragraph.rnd", lang, goal=_share(float(target["value"]), lang), target_year=int(target["year"]),
              gerd=_share(gerd["value"], lang), gerd_year=int(gerd["year"]),
              concept=data_texts.label("concept", gerd["concept"], lang, pkg, default=gerd["concept"]), uis=uis_text,
              instrument=plain(data_texts.text_in(pkg, "instrument", target["instrument"], lang)), year=year, required=_money(row["gerd_required_bn_vnd"], lang),
              gdp=_money(row["gdp_bn_vnd"], lang), gap=_money(row["gerd_gap_bn_vnd"], lang),
              ns=_share(float(nonstate["value"]), lang), nonstate_instrument=plain(data_texts.text_in(pkg, "instrument", nonstate["instrument"], lang)),
              nonstate=_money(row["nonstate_rnd_min_bn_vnd"], lang), public=_money(row["public_rnd_max_bn_vnd"], lang),
              share_floor=fmt_pct(row["public_rnd_share_of_national_floor_pct"], lang, 0),
              national=_share(d.items["national"].value, lang),
              floor_spending=_money(row["national_floor_spending_bn_vnd"], lang))


def _assumptions_paragraph(pkg, d: Derivation, lang: str, records: list[Assumption]) -> str:
    from .charts.budget_floor_charts import footnote_lines

    unique = list({(a.name, a.value, a.basis): a for a in records}.values())
    caveats = [caveat_text(pkg, c, lang) for item in d.items.values() if item is not None for c in item.caveats]
    return " ".join([_w("paragraph.assumptions", lang), *footnote_lines(
        unique, lang, {k: plain(v) for k, v in source_names(pkg, lang).items()}), *caveats])


def reality_paragraph(pkg, paths: BudgetPaths, lang: str) -> str:
    """What the floor is compared with, in a paragraph: the observed status quo (named: the geography's own or
    the nation's), the plan's share beside it, the plan-to-outturn rate of a plan base, the coming year's
    same-scope plan against the requirement, the capacity as a plan forecast, and the fiscal space."""
    d, inputs = paths.derivation, paths.main.inputs
    key = "reality."
    name = geography.geo_name(pkg, d.geo, lang)
    share, plan = d.items["share"], d.items.get("plan_share")
    first = period_labels(inputs)[0]
    text = []
    if share.rule == "observed":
        text.append(_w(key + "status_quo_own", lang, name=name, share=_share(share.value, lang), year=share.year))
    elif share.rule == "national":
        text.append(_w(key + "status_quo_national", lang, name=name, share=_share(share.value, lang),
                       year=share.year))
    if plan is not None and share.rule not in ("plan", "proxy"):
        status = reality_tables(paths)["status_quo_shares"].set_index(["share_basis", "period"])
        text.append(_w(key + "plan_beside", lang, holder=geography.geo_name(pkg, plan.facts["geo"], lang),
                       instrument=plain(data_texts.text_in(pkg, "instrument", plan.facts["instrument"], lang)), plan=_share(plan.value, lang), period=first,
                       gap_plan=_money(status.loc[("plan", first), "cumulative_gap_bn_vnd"], lang),
                       gap=_money(status.loc[(share.rule, first), "cumulative_gap_bn_vnd"], lang)))
    run, outturn = outturn_run(paths), d.items.get("plan_outturn")
    if run is not None:
        text.append(_w(key + "outturn", lang, year=outturn.year, rate=fmt_pct(outturn.value, lang, 1),
                       outturn=_money(outturn.facts["outturn_bn_vnd"], lang),
                       plan=_money(outturn.facts["plan_bn_vnd"], lang), base_year=inputs.base_year,
                       value=_money(run.inputs.base_expenditure_bn_vnd, lang), period=first,
                       cost=_money(period_value(run.periods, "floor", first, "cumulative_spending_bn_vnd"), lang),
                       cost_run=_money(period_value(paths.periods, "floor", first, "cumulative_spending_bn_vnd"),
                                       lang)))
    rows = coming_plan_rows(paths)
    coming = d.items.get("coming_plan")
    if not rows.empty:
        row = rows.iloc[0]
        words = dict(year=int(row["year"]), plan=_money(row["plan_bn_vnd"], lang),
                     ratio=fmt_pct(row["plan_to_required_pct"], lang, 0), floor=_share(row["floor_pct"], lang),
                     required=_money(row["required_bn_vnd"], lang),
                     share=fmt_pct(row["plan_share_of_expenditure_pct"], lang, 2))
        if coming.rule == "plan_figure":
            text.append(_w(key + "coming_plan", lang, publisher=plain(data_texts.text_in(pkg, "publisher", coming.facts["publisher"], lang)), **words))
        else:
            text.append(_w(key + "coming_plan_average", lang, instrument=plain(data_texts.text_in(pkg, "instrument", coming.facts["instrument"], lang)),
                           period=coming.facts["period"], **words))
    elif inputs.base_year + 1 <= inputs.end_year:
        text.append(_w(key + "coming_plan_none", lang, name=name, year=inputs.base_year + 1))
    capacity = d.items["capacity"]
    if capacity is not None and capacity.rule == "target":
        text.append(_w(key + "capacity", lang, capacity=_money(capacity.value, lang)))
    space = fiscal_space(paths.main, ["floor"]).set_index("year")
    year = inputs.ramp_year
    if year in space.index and year != inputs.base_year and space.loc[year, "extra_spending_bn_vnd"] > 0:
        row = space.loc[year]
        of_growth = float(row["extra_share_of_growth_pct"])
        text.append(_w(key + ("fiscal_over" if of_growth > 100 else "fiscal"), lang, ramp_year=year,
                       extra=_money(row["extra_spending_bn_vnd"], lang),
                       of_growth=fmt_pct(of_growth, lang, 1 if of_growth < 10 else 0),
                       base_year=inputs.base_year, growth=_money(row["budget_growth_since_base_bn_vnd"], lang),
                       of_total=fmt_pct(row["extra_share_of_expenditure_pct"], lang, 1),
                       total=_money(row["expenditure_bn_vnd"], lang)))
    return _w("paragraph.reality", lang, text=" ".join(text)) if text else ""


def title(pkg, d: Derivation, lang: str) -> str:
    """The report's title: the geography's, a counterfactual's (a unit merged in 2025), or one that says the base
    rests on only some of a merged unit's old provinces."""
    name = geography.geo_name(pkg, d.geo, lang)
    text = t("budget_floor.title", lang, geo=name)
    if successor(pkg, d.geo) is not None:
        text = t("budget_floor.title_counterfactual", lang, geo=name)
    if ratio_is_partial(d.items["base"]):
        ratio = d.items["base"].facts["ratio"]
        text = t("budget_floor.title_partial_base", lang, geo=name,
                 parts=_join([geography.geo_name(pkg, g, lang) for g in ratio["parts"]], lang))
    return text


def paragraphs(pkg, paths: BudgetPaths, rnd: RndView | None, by_input: pd.DataFrame | None, lang: str) -> list[str]:
    """The narrative's paragraphs: the floors and why, the budget path, what the floor costs and how plausible it
    is, totals, absorption, what the floor is compared with, the floors beside it, what the assumptions change,
    R&D, the inputs."""
    d = replace(paths.derivation, inputs=paths.main.inputs)  # the list's first floor is the report's floor
    name = geography.geo_name(pkg, d.geo, lang)
    yearly, periods, main = paths.yearly, paths.periods, paths.main
    out = [_floors_paragraph(pkg, paths, lang, name), _budget_paragraph(pkg, d, lang, name, yearly),
           _floor_paragraph(pkg, d, lang, yearly), _cumulative_paragraph(d, lang, periods),
           _absorption_paragraph(d, lang, name, main), *filter(None, [reality_paragraph(pkg, paths, lang)])]
    out += [_comparison_paragraph(pkg, paths, floor, lang, name) for floor in paths.floors[1:]]
    if by_input is not None:
        out.append(_growth_paragraph(d, lang, by_input))
    if rnd is not None:
        out.append(_rnd_paragraph(pkg, d, lang, rnd.table, rnd.year))
    out.append(_assumptions_paragraph(pkg, d, lang, assumption_records(paths, rnd)))
    return out


def today_share(d: Derivation, lang: str) -> str:
    """Today's S&T share of budget as the answer shows it: observed, planned or assumed, said so."""
    current = d.items["share"]
    word = {"plan": "share_planned", "observed": "share"}.get(current.rule, "share_assumed")
    return t("budget_floor.answer." + word, lang, value=format_number(float(current.value), lang, 2))


def answer_paragraph(pkg, paths: BudgetPaths, ramp_spending: float, first_total: float, n_floors: int,
                     by_input: pd.DataFrame | None, lang: str) -> str:
    """The one-minute answer in plain sentences: today's share, the report's floor's spending in the ramp year and
    its first period's total and gap, the range when each input is moved alone, a partial base said plainly, and
    how many floors are set beside it."""
    key = "budget_floor.answer."
    d, inputs, periods = paths.derivation, paths.main.inputs, paths.periods
    labels = period_labels(inputs)
    current = d.items["share"]
    observed = current.rule == "observed"  # a plan, proxy or user's share is no observation of spending
    lead = {"plan": "lead_plan", "observed": "lead"}.get(current.rule, "lead_assumed")
    plain_share = t(key + "share", lang, value=format_number(float(current.value), lang, 2))
    text = [t(key + lead, lang, name=geography.geo_name(pkg, d.geo, lang),
              share=today_share(d, lang) if observed else plain_share,
              floor=format_number(paths.floors[0].floor_pct, lang, 1),
              year=inputs.ramp_year, spend=format_number(ramp_spending, lang, 0), period=labels[0],
              total=format_number(first_total, lang, 0),
              gap=format_number(period_value(periods, "floor", labels[0], "cumulative_gap_bn_vnd"), lang, 0))]
    if by_input is not None and not by_input.empty:
        first = by_input[by_input["period"] == labels[0]]["cumulative_spending_bn_vnd"]
        if not first.empty:
            text.append(t(key + "range", lang, period=labels[0], low=format_number(first.min(), lang, 0),
                          high=format_number(first.max(), lang, 0)))
    if ratio_is_partial(d.items["base"]):
        ratio = d.items["base"].facts["ratio"]
        text.append(t(key + "partial_base", lang, n=len(ratio["missing"]),
                      total=len(ratio["parts"]) + len(ratio["missing"]),
                      missing=_join([geography.geo_name(pkg, g, lang) for g in ratio["missing"]], lang),
                      parts=_join([geography.geo_name(pkg, g, lang) for g in ratio["parts"]], lang)))
    if n_floors > 1:
        text.append(t(key + "others", lang, n=n_floors - 1))
    return " ".join(text)


SHARE_WORDS = {"observed": "share_observed", "national": "share_national", "plan": "share_plan"}


def share_label(share_basis: str, share_pct: float, lang: str) -> str:
    """A row of the status-quo shares table in words: the observed share, the nation's, the plan's or another."""
    return _w("reality." + SHARE_WORDS.get(share_basis, "share_other"), lang, share=_share(share_pct, lang))


def case_label(pkg, d: Derivation, spec: Any, lang: str) -> str:
    """A sensitivity case in words (``floor_paths.input_cases``): a (locale key, values) pair, or the ``Floor``
    whose reason names it."""
    if isinstance(spec, Floor):
        return floor_why(pkg, spec, d, lang)
    return caveat_text(pkg, spec, lang)
