"""The digital-economy report's words: the narrative, the one-minute answer's paragraph and the reader's views
of the result tables (targets in words, definitions by name, human headers, no ids), written at render time
from the values in the report's tables. Every word is a template in the locale files (section [digital_economy]).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from . import backtest, data_texts, grdp_growth, model_validation, monte_carlo, share_projection, target_verdicts
from .formatting import comparator_text, fmt_number, fmt_pct, format_date, localize_marks, percent_text
from .provenance import ASSUMED
from .report_view import Report
from .share_inputs import CONCEPTS, ShareInputs
from .share_outlook import NOT_VALIDATED, POOLED_FAN, REPORT_YEARS, Calibrations
from .target_assessment import UNSTATED_TARGET_CONCEPT
from .text import catalog, plain, prose_date, render, section, t

REACH_EXCLUDED_SCENARIO = share_projection.TARGET_PATH  # reaches every target by construction: not evidence


def _category(text: str, lang: str) -> str:
    key = f"common.assessment.{text.replace(' ', '_')}"
    return t(key, lang) if key in catalog(lang) else text


def _years_range(years: list[int], lang: str) -> str:
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def narrative_paragraphs(report: Report, inputs: ShareInputs, calibrations: Calibrations, grdp, notes: list[str],
               sim_note: str) -> list[str]:
    """Markdown paragraphs in the report's language describing the results in ``report``."""
    lang, tables = report.lang, report.tables
    key = "digital_economy.narrative."
    concept_name = {c: data_texts.label("concept", c, lang) for c in CONCEPTS}
    out = []
    # Where it stands, on each definition.
    parts = []
    for concept in inputs.concepts:
        history = inputs.histories[concept]
        last = history.iloc[-1]
        if inputs.is_assumed(concept):
            parts.append(t(key + "stand_assumed", lang, concept=concept_name[concept],
                           value=fmt_pct(last["value"], lang, 2), year=int(last["year"])))
        else:
            parts.append(t(key + "stand_observed", lang, concept=concept_name[concept],
                           value=fmt_pct(last["value"], lang, 2), year=int(last["year"]),
                           status=data_texts.label("status", last["status"], lang, default=last["status"]),
                           source=plain(data_texts.text_in(None, "publisher", last["publisher"], lang)), n=inputs.n_own[concept]))
    out.append(t(key + "where", lang, name=inputs.name) + " " + " ".join(parts))
    nat = tables["national"]
    if not nat.empty:
        items = [t(key + "national_part", lang, value=fmt_pct(r.share_pct, lang, 2), concept=concept_name[r.concept],
                   year=r.year) for r in nat.itertuples()]
        out.append(t(key + "national", lang, parts=t(key + "and", lang).join(items)))
    out.append(t(key + "definition_rule", lang, concept=concept_name[UNSTATED_TARGET_CONCEPT],
                 published=prose_date(inputs.nso_first_published, lang) if inputs.nso_first_published
                 else "–"))
    # What the targets require, on each definition.
    req, att, prob = tables["required_paths"], tables["attainment"], tables["probabilities"]
    thin = [c for c in inputs.concepts if inputs.n_own[c] < monte_carlo.MIN_OBS_FOR_PROBABILITY]
    if req.empty:
        out.append(t(key + "no_targets", lang, year=inputs.as_of_year))
    else:
        lines = []
        order = {">=": 0, ">": 1, "between": 2, "=": 3, "<=": 4, "<": 5}
        stated = inputs.targets.set_index("target_id")
        for (year, _), group in req.groupby(["target_year", "target_pct"], sort=True):
            group = group.sort_values("comparator", key=lambda c: c.map(order))
            r = group.iloc[0]
            ids = list(dict.fromkeys(group["target_id"]))
            docs = "" if len(ids) == 1 else t(key + "documents", lang, n=len(ids))
            target = stated.loc[ids[0]]
            head = t(key + "target_head", lang, year=int(year), docs=docs,
                     target=percent_text(comparator_text(r.comparator, target["value"], target["value_high"], lang), lang))
            per = []
            for concept in sorted(group["concept"].unique(), key=lambda c: list(inputs.concepts).index(c)):
                row = group[group["concept"] == concept].iloc[0]
                reached = att[(att["target_id"] == ids[0]) & (att["concept"] == concept)
                              & (att["scenario_id"] != REACH_EXCLUDED_SCENARIO)]
                years = sorted(int(y) for y in reached["attained_year"].dropna())
                n_never = int(reached["attained_year"].isna().sum())
                p = prob[(prob["target_id"] == ids[0]) & (prob["fan"] == concept)] if not prob.empty else prob
                prob_text = ""
                if not p.empty and p["p_meet_text"].iloc[0]:
                    prob_text = t(key + "probability", lang, p=p["p_meet_text"].iloc[0].replace(".", "," if lang == "vi" else "."))
                else:
                    prob_text = _range_text(tables.get("probability_range"), ids[0], concept, lang)
                per.append(t(key + "target_on", lang, concept=concept_name[concept],
                             rule=t(key + "compared_on", lang) if bool(row["compared_on"]) else "",
                             growth=fmt_pct(row["required_growth_pct"], lang, 2),
                             pp=fmt_number(row["required_pp_per_year"], lang, 2),
                             base=fmt_pct(row["base_share_pct"], lang, 2), base_year=int(row["base_year"]),
                             reach=t(key + "reach_range", lang, years=_years_range(years, lang), n_reach=len(years),
                                     n_scenarios=len(reached), never=t(key + "never", lang, n=n_never) if n_never else "")
                             if years else t(key + "reach_none", lang), probability=prob_text))
            pooled = prob[(prob["target_id"] == ids[0]) & (prob["fan"] == POOLED_FAN)] if not prob.empty else prob
            if not pooled.empty and pooled["p_meet_text"].iloc[0]:
                per.append(t(key + "pooled", lang, concept=concept_name[inputs.concepts[0]],
                             p=pooled["p_meet_text"].iloc[0].replace(".", "," if lang == "vi" else ".")))
            lines.append(head + "\n" + "\n".join(per))
        out.append(t(key + "requirements", lang) + "\n\n" + "\n".join(lines))
        if thin:
            out.append(t(key + "thin", lang, concepts=t(key + "and", lang).join(concept_name[c] for c in thin),
                         n=monte_carlo.MIN_OBS_FOR_PROBABILITY))
    out += _validation_paragraphs(tables, lang, concept_name)
    passed = tables["targets_due"]
    if not passed.empty:
        words = target_words(inputs.targets, lang)
        items = []
        for target_id, group in passed.groupby("target_id", sort=False):
            group = group.sort_values("compared_on", ascending=False, kind="stable")  # its own definition first
            values = []
            for row in group.itertuples():
                if pd.isna(row.latest_pct):
                    continue
                verdict = "" if row.verdict == "no observation for the target year" else \
                    f", {_category(row.verdict, lang)}"
                values.append(t(key + "latest", lang, value=fmt_pct(row.latest_pct, lang, 2), year=int(row.latest_year),
                                concept=concept_name[row.concept]) + verdict)
            target = words.get(target_id, target_id)
            items.append(t(key + "passed_item_values", lang, target=target, values="; ".join(values)) if values
                         else t(key + "passed_item", lang, target=target))
        out.append(t(key + "due", lang, year=inputs.as_of_year) + "; ".join(items) + ".")
    assess = tables["assessment"]
    if not assess.empty:
        cats = sorted({_category(c, lang) for c in assess["category"]})
        out.append(t(key + "assessment", lang, categories=", ".join(cats)))
    bt = tables["backtest"]
    if not bt.empty:
        one = bt[bt["horizon_years"] == bt["horizon_years"].min()]
        best = one[one["n"] == one["n"].max()].sort_values("mae_pp", kind="stable").iloc[0]  # most held-out points
        out.append(t(key + "backtest", lang, method=backtest.method_word(best["method"], lang),
                     concept=concept_name[best["concept"]],
                     mae=fmt_number(best["mae_pp"], lang, 2), horizon=int(best["horizon_years"]), n=int(best["n"])))
    tornado = tables["sensitivity"]
    if not tornado.empty:
        top = tornado.iloc[0]
        out.append(t(key + "sensitivity", lang, assumption=t(f"digital_economy.assumption.{top['assumption'].replace(' ', '_')}", lang),
                     swing=fmt_number(top[f"swing_{REPORT_YEARS[-1]}_pp"], lang, 1), year=REPORT_YEARS[-1],
                     centre=t(key + "centre_simulation", lang, ceiling=fmt_pct(report.scalars["ceiling_pct"], lang, 1),
                              pace=fmt_pct(top.get("centre_growth_pct", math.nan), lang, 1))))
    n_assumed = int((report.assumptions["kind"] == ASSUMED).sum())
    grdp_key = {grdp_growth.MEDIUM_TERM: "grdp_derived", grdp_growth.BORROWED: "grdp_borrowed"}.get(grdp.rule,
                                                                                                  "grdp_assumed")
    grdp_text = t(key + grdp_key, lang,
                  nominal=fmt_pct(grdp.nominal_pct, lang, 2), real=fmt_pct(grdp.real_pct, lang, 2),
                  deflator=fmt_pct(grdp.deflator_pct, lang, 1),
                  years=f"{grdp.years[0]}–{grdp.years[-1]}" if grdp.years else "–")
    out.append(t(key + "assumptions", lang, n=n_assumed, sim_note=sim_note, grdp=grdp_text,
                 ceiling=fmt_pct(report.scalars["ceiling_pct"], lang, 1)))
    if notes:
        out.append(t(key + "notes", lang) + " ".join(render(n, lang) for n in notes))
    return out


def _p_text(text: str, lang: str) -> str:
    return str(text).replace(".", ",") if lang == "vi" else str(text)


def _range_text(ranges: pd.DataFrame | None, target_id: str, fan: str, lang: str) -> str:
    """'; not a validated probability: P 0.31-0.84 across 3 stated priors' where the table has the row, else ''."""
    if ranges is None or ranges.empty:
        return ""
    hit = ranges[(ranges["target_id"] == target_id) & (ranges["fan"] == fan)]
    if hit.empty:
        return ""
    r = hit.iloc[0]
    if r["p_low_text"] == r["p_high_text"]:
        return t("digital_economy.narrative.p_range_same", lang, p=_p_text(r["p_low_text"], lang), n=int(r["n_priors"]))
    return t("digital_economy.narrative.p_range", lang, low=_p_text(r["p_low_text"], lang),
             high=_p_text(r["p_high_text"], lang),
             n=int(r["n_priors"]))


def _validation_paragraphs(tables: dict, lang: str, concept_name: dict) -> list[str]:
    """The likely method break (one sentence) and whether a probability was earned, from the report's tables."""
    key = "digital_economy.narrative."
    out = []
    breaks = tables.get("method_breaks")
    if breaks is not None and not breaks.empty:
        for b in breaks.itertuples():
            out.append(t(key + "method_break", lang, name=b.name, concept=concept_name[b.concept], year=int(b.year),
                         value=fmt_pct(b.value, lang, 2), other=concept_name[b.other_concept],
                         other_value=fmt_pct(b.other_value, lang, 2)))
    cov = tables.get("coverage")
    if cov is not None and not cov.empty:
        parts = []
        for r in cov.to_dict("records"):
            if r["n"] == 0:
                parts.append(t(key + "coverage_none", lang, concept=concept_name.get(r["concept"], r["concept"])))
            else:
                parts.append(t(key + "coverage_part", lang, concept=concept_name.get(r["concept"], r["concept"]),
                               inside=int(r["inside"]), n=int(r["n"]), low=fmt_pct(r["wilson_low_pct"], lang, 0),
                               high=fmt_pct(r["wilson_high_pct"], lang, 0),
                               verdict=t(key + ("coverage_earned" if r["earned"] else
                                                "coverage_" + str(r["reason"])), lang)))
        out.append(t(key + "validation", lang, minimum=model_validation.MIN_HELD_OUT_POINTS,
                     parts=" ".join(parts)))
    return out


def target_words(targets: pd.DataFrame, lang: str) -> dict[str, str]:
    """target_id -> "≥ 35.0 % by 2030" in ``lang`` (what a reader sees instead of the id); targets that
    would read the same (one level set by several documents) carry their instrument, so a reader can
    tell them apart: "≈ 35.0 % by 2030 (QĐ 843/QĐ-UBND ...)"."""
    words = {r["target_id"]: t("digital_economy.view.target", lang, year=int(r["year"]),
                               target=percent_text(comparator_text(r["comparator"], r["value"], r["value_high"], lang), lang))
             for r in targets.to_dict("records")}
    counts = pd.Series(list(words.values())).value_counts()
    instruments = ({i: data_texts.text_in(None, "instrument", v, lang) for i, v in zip(targets["target_id"], targets["instrument"])}
                   if "instrument" in targets else {})  # in the report's language (data texts, issue 27)
    for target_id, text in words.items():
        instrument = instruments.get(target_id)
        if counts[text] > 1 and isinstance(instrument, str) and instrument:
            words[target_id] = f"{text} ({instrument.split(' (')[0]})"  # the instrument's name, not its gloss
    return words


def reader_frame(report: Report, name: str) -> pd.DataFrame:
    lang, tables = report.lang, report.tables
    words = target_words(tables["targets"], lang)
    concept = lambda c: data_texts.label("concept", c, lang) if c in CONCEPTS else t("digital_economy.view.pooled", lang)  # noqa: E731
    yes_no = lambda v: t("digital_economy.view.yes", lang) if bool(v) else ""  # noqa: E731
    frame = tables[name]
    if frame.empty:
        return frame
    if name == "required_paths":
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           compared_on=frame["compared_on"].map(yes_no))
        cols = ["target", "concept", "compared_on", "base_year", "base_share_pct", "required_growth_pct",
                "required_pp_per_year", "implied_de_growth_pct"]
        out = out[cols].drop_duplicates(subset=["target", "concept"])
    elif name == "attainment":
        cell = frame["attained_year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           year_text=cell.where(cell != "", t("digital_economy.view.not_within", lang)))
        out = out.drop_duplicates(subset=["concept", "scenario", "target"])
        out = out.pivot(index=["concept", "scenario"], columns="target", values="year_text")
        out = out[list(dict.fromkeys(w for w in words.values() if w in out.columns))].reset_index()
        names = dict(zip(tables["scenarios"]["scenario"], tables["scenarios"]["scenario_vi"]))
        if lang == "vi":
            out["scenario"] = out["scenario"].map(lambda s: names.get(s, s))
    elif name == "probabilities":
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["fan"].map(concept))
        covered = {r["concept"]: r for r in tables["coverage"].to_dict("records")} if "coverage" in tables else {}
        out = out.assign(reason=[_probability_reason(r, lang, covered.get(f)) for r, f in zip(frame["reason"],
                                                                                            frame["fan"])])
        out = out.assign(p_meet_text=out["p_meet_text"].map(lambda p: localize_marks(p, lang) if isinstance(p, str) else p))
        out = out[["target", "concept", "p_meet_text", "reason"]].drop_duplicates(subset=["target", "concept"])
    elif name == "targets_due":
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           compared_on=frame["compared_on"].map(yes_no),
                           status=frame["status"].map(lambda s: _category(s, lang)),
                           verdict=frame["verdict"].map(lambda s: _category(s, lang)))
        out = out[["target", "concept", "compared_on", "status", "latest_pct", "latest_year", "observed_pct",
                   "verdict"]]
    elif name == "assessment":
        methods = section("digital_economy.method", lang)
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           category=frame["category"].map(lambda s: _category(s, lang)),
                           method=frame["method"].map(lambda m: methods.get(m.replace(" ", "_"), m)))
        out = out[["target", "concept", "method", "category", "score", "base_year", "projected_pct"]]
    elif name == "sensitivity":
        out = frame.assign(assumption=frame["assumption"].map(
            lambda a: t(f"digital_economy.assumption.{a.replace(' ', '_')}", lang)))
        out = out[["assumption", "low_label", "high_label", *[c for c in frame.columns if c.startswith("share_")],
                   "attained_year_low", "attained_year_high"]]
    elif name == "backtest":
        out = frame.assign(concept=frame["concept"].map(concept),
                           method=frame["method"].map(lambda m: backtest.method_word(m, lang)),
                           band_note=[backtest.band_note(n, lang) if isinstance(note, str) and note else ""
                                      for n, note in zip(frame["n_band"], frame["band_note"])])
        out = out[["concept", "method", "horizon_years", "n", "mean_error_pp", "mae_pp", "in_band50_pct",
                   "in_band90_pct", "band_note"]]
    elif name == "validation":
        yes = t("digital_economy.view.yes", lang)
        out = frame.assign(concept=frame["concept"].map(concept),
                           in_band90=frame["in_band90"].map(lambda v: yes if bool(v) else t("digital_economy.view.no", lang)))
        out = out.assign(origin_release=out["origin_release"].map(lambda d: format_date(d, lang)),
                         train=out["train"].map(lambda text: localize_marks(str(text), lang)))
        out = out[["concept", "origin_release", "train", "year", "predicted_pct", "band90_lo_pct", "band90_hi_pct",
                   "first_published_pct", "in_band90"]]  # the horizon, release dates and today's value: validation.csv
    elif name == "coverage":
        out = frame.assign(concept=frame["concept"].map(concept),
                           earned=frame["earned"].map(lambda v: t("digital_economy.view.yes" if bool(v) else
                                                                  "digital_economy.view.no", lang)))
        out = out[["concept", "n", "inside", "coverage_pct", "wilson_low_pct", "wilson_high_pct", "p_value", "earned"]]
    elif name == "pace_gap":
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["concept"].map(concept),
                           compared_on=frame["compared_on"].map(yes_no))
        if lang == "vi":  # decimal commas
            out = out.assign(observed_paces=out["observed_paces"].str.replace(".", ",", regex=False))
        out = out[["target", "concept", "compared_on", "needed_growth_pct", "observed_paces", "recent_pace_pct",
                   "damped_pace_pct"]]  # the series' name (English) stays in the results file
    elif name == "probability_range":
        prior = lambda text: ", ".join(t("digital_economy.view.prior_" + p.replace(" ", "_"), lang)  # noqa: E731
                                       for p in str(text).split(", "))
        out = frame.assign(target=frame["target_id"].map(words), concept=frame["fan"].map(concept),
                           priors=frame["priors"].map(prior))
        out = out[["target", "concept", "p_low_text", "p_high_text", "n_priors", "priors"]]
    elif name == "history":
        out = frame.assign(concept=frame["concept"].map(concept),
                           status=frame["status"].map(lambda s: t(f"digital_economy.status.{s}", lang)
                                                      if f"digital_economy.status.{s}" in catalog(lang)
                                                      else data_texts.label("status", s, lang, default=s)))
        out = data_texts.texts_in(None, out[["year", "concept", "value", "status", "publisher", "source_id"]], lang)
    else:
        out = frame
    return out


def _probability_reason(reason: Any, lang: str, coverage: dict | None = None) -> str:
    """The Monte Carlo's English reason for withholding a probability, in ``lang`` (its count kept); a probability
    the gate withheld says how many held-out points the model had (``coverage``: the fan's coverage row)."""
    import re

    if str(reason or "").startswith(NOT_VALIDATED):
        why = str(reason).split(": ", 1)[-1]
        if coverage is None or why == "pooled":
            return t("digital_economy.view.not_validated_pooled", lang)
        return t(f"digital_economy.view.not_validated_{why}", lang, n=int(coverage["n"]), inside=int(coverage["inside"]),
                 minimum=model_validation.MIN_HELD_OUT_POINTS)
    match = re.match(r"(\d+) own observation", str(reason or ""))
    if not match:
        return "" if reason is None or (isinstance(reason, float) and math.isnan(reason)) else str(reason)
    return t("digital_economy.view.no_probability", lang, n=int(match.group(1)),
             minimum=monte_carlo.MIN_OBS_FOR_PROBABILITY)


def column_headers(lang: str) -> dict[str, str]:
    return section("digital_economy.columns", lang)


def _latest_text(report: Report, concept: str, value: float, year: int) -> str:
    """'22.87 % (2022, ministry)', or 'assumed 16.61 % (2022, ...)' where the definition's base is assumed."""
    defs = report.tables.get("definitions")
    kind = "observed"
    if defs is not None and not defs.empty and concept in set(defs["concept"]):
        kind = defs.set_index("concept").at[concept, "base_kind"]
    return t("digital_economy.answer." + ("assumed" if kind == "assumed" else "latest"), report.lang,
             value=fmt_number(value, report.lang, 2), year=int(year),
             definition=data_texts.label("concept", concept, report.lang))


def answer_paragraph(report: Report, verdicts: pd.DataFrame) -> str:
    """Three plain sentences: where the share stands on each definition, the verdicts, and what the data allow
    (a probability, or the pace needed against the paces observed)."""
    lang, tables = report.lang, report.tables
    key = "digital_economy.answer."
    defs = tables.get("definitions")
    parts = [] if defs is None else [_latest_text(report, r["concept"], r["base_share_pct"], r["base_year"])
                                     for r in defs.to_dict("records") if not pd.isna(r["base_share_pct"])]
    text = [t(key + "stand", lang, values=t("digital_economy.narrative.and", lang).join(parts))
            if parts else t(key + "no_value", lang)]
    if not verdicts.empty:
        counts = target_verdicts.counts(verdicts)
        text.append(t(key + "verdicts", lang, n=counts["n_targets"], counts=", ".join(
            f"{counts['n_' + v.replace(' ', '_')]} {target_verdicts.verdict_word(v, lang)}"
            for v in target_verdicts.VERDICTS if counts["n_" + v.replace(" ", "_")])))
    probs = tables["probabilities"]
    shown = probs[probs["p_meet_text"].fillna("").astype(str) != ""] if not probs.empty else probs
    thin = verdicts["reason"].isin(["one_point", "few_points", "stale"]).any() if not verdicts.empty else False
    gated = not probs.empty and probs["reason"].astype(str).str.startswith(NOT_VALIDATED).any()
    text.append(t(key + "probability", lang) if not shown.empty else
                t(key + "not_validated", lang, minimum=model_validation.MIN_HELD_OUT_POINTS) if gated else
                t(key + "thin", lang) if thin else t(key + "no_probability", lang))
    return " ".join(text)
