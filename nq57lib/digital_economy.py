"""The digital-economy share report: history, scenarios, fan chart, required paths, attainment, odds.

``build(P)`` answers, for one geography: where does the share stand (on which definition, from
which source), what paths do its targets require, when would each scenario reach them, how likely
is that (Monte Carlo), and how is progress assessed (Eurostat and UNSD methods). It reads the data
package and calls the pure engine in ``nq57lib.share_projection``.

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

import pandas as pd

from . import data, monte_carlo, progress_assessment, share_projection
from .formatting import comparator_text, fmt_number, fmt_pct
from .errors import ParameterError
from .provenance import ASSUMED, OBSERVED, Assumption
from .report_view import Report, assumptions_frame, source_ids_in, sources_frame
from .text import catalog, pick, t

INDICATOR = "de_share_pct"
NATION = "vn"
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
    else from ``proxy`` (default: the nation) on the same definition. Shared by ``build`` and the
    Monte Carlo benchmark, so both simulate exactly what the report shows.
    """
    history, base_assumptions = share_history(pkg, geo)
    concept = str(history["concept"].iloc[-1])
    own = history[history["concept"] == concept]
    proxy_geo = proxy or NATION
    proxy_hist = None if proxy_geo == geo else _proxy_history(pkg, proxy_geo, concept)
    proxy_label = f"{data.geo_name(pkg, proxy_geo, 'en')} ({concept})"
    cal = share_projection.calibrate(own[HISTORY_COLUMNS], concept=concept, label=data.geo_name(pkg, geo, "en"),
                               proxy=proxy_hist, proxy_label=proxy_label)
    return history, base_assumptions, cal, proxy_hist


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------

def build(P, pkg: data.DataPackage | None = None) -> Report:
    """Everything the digital-economy notebook shows, for the validated parameters ``P``."""
    pkg = pkg or data.load_package()
    geo, lang = P.geo, P.lang
    name = data.geo_name(pkg, geo, lang)
    history, base_assumptions, cal, proxy_hist = calibration_for(pkg, geo, P.proxy)
    concept = cal.concept
    own = history[history["concept"] == concept]
    other = "nso" if concept == "ministry" else "ministry"
    ref_hist = data.series(pkg, NATION, INDICATOR, concept=other)
    reference = None
    if len(ref_hist) >= 2:
        reference = share_projection.calibrate(ref_hist[HISTORY_COLUMNS], concept=other,
                                         label=f"Vietnam ({other})")

    targets = geo_targets(pkg, geo)
    ahead, due = share_projection.split_targets(targets, cal.base_year) if not targets.empty else (targets, targets)
    scenarios = share_projection.default_scenarios(cal, targets=ahead if not ahead.empty else None, reference=reference,
                                             reference_name_vi=f"Việt Nam ({other})", ceiling_pct=P.ceiling_pct)
    scenarios.append(share_projection.Scenario(
        "decomposition", "decomposition", {"de_growth_pct": P.de_growth_pct, "grdp_growth_pct": P.g_grdp_pct},
        "digital-economy value added and GRDP growing at the report's scenario rates (parameters de_growth_pct, "
        "g_grdp_pct)", "phân rã (tăng trưởng KTS và GRDP)"))
    proj = share_projection.project(own[HISTORY_COLUMNS], scenarios, P.horizon_year, concept=concept)

    required = (share_projection.required_paths(own[HISTORY_COLUMNS], ahead, concept=concept,
                                          grdp_growth_pct=P.g_grdp_pct) if not ahead.empty else pd.DataFrame())
    attainment = share_projection.attainment_years(proj, ahead) if not ahead.empty else pd.DataFrame()
    sim, sim_note = _simulate(cal, geo, P, ahead)
    assessments = _assessments(own, ahead, base_assumptions)
    due_table = _due_targets(own, due)

    assumption_records = [*base_assumptions, *cal.assumptions, *proj.assumptions,
                          *(sim.assumptions if sim is not None else []),
                          Assumption("g_grdp_pct", P.g_grdp_pct, "% per year", ASSUMED,
                                     "GRDP growth used for the implied digital-economy growth and the decomposition",
                                     "report parameter g_grdp_pct (scenario input)")]
    if base_assumptions:  # the engine records its base as observed; here it is the assumption above
        assumption_records = [a for a in assumption_records if not (a.name == "base_share_pct" and a.kind == OBSERVED)]
    assumptions = assumptions_frame(assumption_records)
    cited = set(history["source_id"]) | set(targets["source_id"]) | set(history.attrs.get("sources", []))
    cited |= set(proxy_hist["source_id"]) if proxy_hist is not None else set()
    cited |= set(ref_hist["source_id"]) if reference is not None else set()
    cited |= source_ids_in(*assumptions["basis"])

    national = _national_position(pkg) if geo != NATION else pd.DataFrame()
    report = Report(notebook="digital_economy", geo_id=geo, lang=lang,
                    title=pick(lang, f"Digital economy share — {name}", f"Tỷ trọng kinh tế số — {name}"))
    report.tables = {
        "history": history.drop(columns=[c for c in ("url",) if c in history]).reset_index(drop=True),
        "targets": targets, "scenarios": proj.table, "required_paths": required, "attainment": attainment,
        "assessment": assessments, "targets_due": due_table,
        "bands": sim.bands if sim is not None else pd.DataFrame(),
        "probabilities": sim.p_meet if sim is not None else pd.DataFrame(),
        "national": national,
    }
    report.scalars = {
        "concept": concept, "base_year": cal.base_year, "base_share_pct": cal.base_share_pct,
        "base_is_assumed": bool(base_assumptions), "calibration_source": cal.source, "pace_label": cal.pace_label,
        "current_trend_growth_pct": cal.growth_pct, "n_paths": P.n_paths, "seed": P.seed,
        "simulation_note": sim_note["en"],
    }
    report.assumptions = assumptions
    report.sources = sources_frame(pkg, cited)
    report.narrative = narrative(report, name, cal, proj.notes, lang, sim_note[lang])
    report.figures = {"outlook": lambda: _figure(report, history, proj, sim, geo, ahead, required, lang)}
    return report


def _simulate(cal: share_projection.Calibration, geo: str, P, ahead: pd.DataFrame):
    if cal.trend_sd_pct is None or cal.shock_sd_pct is None:
        return None, {"en": "not run: the pace rests on two observations, too few to estimate its spread",
                      "vi": "không chạy: tốc độ chỉ dựa trên hai quan sát, quá ít để ước lượng độ phân tán"}
    ceiling = max(P.ceiling_pct, min(100.0, cal.base_share_pct + 1e-6))
    inputs = monte_carlo.simulation_inputs(cal, geo, ceiling_pct=ceiling)
    sim = monte_carlo.simulate([inputs], P.horizon_year, n_paths=P.n_paths, seed=P.seed,
                              targets=ahead if not ahead.empty else None)
    return sim, {"en": f"{P.n_paths:,} paths, seed {P.seed}, paths capped at the {ceiling:g} % ceiling",
                 "vi": f"{fmt_number(P.n_paths, 'vi', 0)} đường mô phỏng, seed {P.seed}, giới hạn ở trần "
                       f"{fmt_number(ceiling, 'vi', 0)} %"}


def _assessments(own: pd.DataFrame, ahead: pd.DataFrame, base_assumptions: list) -> pd.DataFrame:
    rows = []
    for target in ahead.to_dict("records"):
        for method, fn in (("eurostat", progress_assessment.assess_eurostat), ("unsd", progress_assessment.assess_unsd)):
            if base_assumptions:  # an assumed base is not an observation: nothing to assess
                rows.append({"target_id": target["target_id"], "method": method, "category": "insufficient data",
                             "score": math.nan, "note": "the base share is an assumption, not an observation"})
                continue
            result = fn(own["year"].astype(int).tolist(), own["value"].astype(float).tolist(), target["value"],
                        int(target["year"]), comparator=target["comparator"], value_high=target["value_high"])
            rows.append({"target_id": target["target_id"], "method": method, "category": result.category,
                         "score": math.nan if result.score is None else result.score, "note": result.note})
    return pd.DataFrame(rows, columns=["target_id", "method", "category", "score", "note"])


def _due_targets(own: pd.DataFrame, due: pd.DataFrame) -> pd.DataFrame:
    """Targets whose year has come: compared with the observed value of that year, if any."""
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
    for concept in ("nso", "ministry"):
        s = data.series(pkg, NATION, INDICATOR, concept=concept)
        if not s.empty:
            last = s.iloc[-1]
            rows.append({"concept": concept, "year": int(last["year"]), "share_pct": float(last["value"]),
                         "status": last["status"], "source_id": last["source_id"]})
    return pd.DataFrame(rows, columns=["concept", "year", "share_pct", "status", "source_id"])


def _figure(report: Report, history, proj, sim, geo, ahead, required, lang):
    from .charts.digital_economy_charts import plot_share_outlook

    notes = []
    if report.scalars["base_is_assumed"]:
        notes.append(pick(lang, "The starting share is an assumption (see the assumptions table), not an observation.",
                          "Tỷ trọng xuất phát là giả định (xem bảng giả định), không phải số liệu quan sát."))
    return plot_share_outlook(history[HISTORY_COLUMNS], projection=proj, bands=sim, geo_id=geo,
                              targets=ahead if not ahead.empty else None,
                              required=required if not required.empty else None, lang=lang,
                              title=report.title, footnotes=notes)


# --------------------------------------------------------------------------------------------
# Narrative (generated from the numbers)
# --------------------------------------------------------------------------------------------

def _category(text: str, lang: str) -> str:
    key = f"common.assessment.{text.replace(' ', '_')}"
    return t(key, lang) if key in catalog(lang) else text


def narrative(report: Report, name: str, cal: share_projection.Calibration, notes: list[str], lang: str,
              sim_note: str) -> list[str]:
    """Markdown paragraphs in ``lang`` describing the results in ``report``."""
    t, s = report.tables, report.scalars
    concept_name = data.label("concept", s["concept"], lang)
    out = []
    if s["base_is_assumed"]:
        out.append(pick(
            lang,
            f"**Where it stands.** No digital-economy share is published for {name}. The report starts from an "
            f"**assumed** {fmt_pct(s['base_share_pct'], lang, 2)} in {s['base_year']} ({concept_name}), a "
            f"GRDP-weighted average of the provinces it was formed from; the assumptions table shows the arithmetic.",
            f"**Hiện trạng.** Chưa có số liệu công bố về tỷ trọng kinh tế số của {name}. Báo cáo xuất phát từ mức "
            f"**giả định** {fmt_pct(s['base_share_pct'], lang, 2)} năm {s['base_year']} ({concept_name}), là bình quân "
            f"gia quyền theo GRDP của các tỉnh hợp thành; bảng giả định trình bày cách tính."))
    else:
        hist = t["history"]
        last = hist.iloc[-1]
        n = len(hist)
        out.append(pick(
            lang,
            f"**Where it stands.** The latest observed share of {name} is {fmt_pct(last['value'], lang, 2)} in "
            f"{int(last['year'])} ({concept_name}; {last['status']}, source `{last['source_id']}`). The series has "
            f"{n} observation{'s' if n != 1 else ''} on this definition.",
            f"**Hiện trạng.** Tỷ trọng kinh tế số quan sát gần nhất của {name} là {fmt_pct(last['value'], lang, 2)} "
            f"năm {int(last['year'])} ({concept_name}; nguồn `{last['source_id']}`). Chuỗi số liệu có {n} quan sát "
            f"theo định nghĩa này."))
    nat = t["national"]
    if not nat.empty:
        parts = [f"{fmt_pct(r.share_pct, lang, 2)} ({data.label('concept', r.concept, lang)}, {r.year})"
                 for r in nat.itertuples()]
        out.append(pick(lang, "For comparison, the nation stands at " + " and ".join(parts) + ".",
                        "Để so sánh, cả nước đạt " + " và ".join(parts) + "."))
    pace_src = (pick(lang, "its own series", "chuỗi số liệu của chính địa phương") if cal.source == "own"
                else pick(lang, f"the proxy series {cal.pace_label}", f"chuỗi đại diện {cal.pace_label}"))
    out.append(pick(
        lang,
        f"**Current trend.** The current-trend scenario grows the share by {fmt_pct(cal.growth_pct, lang, 2)} a year, "
        f"calibrated on {pace_src} ({cal.pace_first_year}–{cal.pace_last_year}).",
        f"**Xu hướng hiện tại.** Kịch bản xu hướng hiện tại tăng tỷ trọng {fmt_pct(cal.growth_pct, lang, 2)} mỗi năm, "
        f"hiệu chỉnh theo {pace_src} ({cal.pace_first_year}–{cal.pace_last_year})."))
    req = t["required_paths"]
    if req.empty:
        out.append(pick(lang, "No digital-economy target after the latest observation is registered for this "
                              "geography.",
                        "Không có mục tiêu kinh tế số nào sau năm quan sát gần nhất được ghi nhận cho địa phương này."))
    else:
        lines = []
        att, prob = t["attainment"], t["probabilities"]
        order = {">=": 0, ">": 1, "between": 2, "=": 3, "<=": 4, "<": 5}
        for (year, level), group in req.groupby(["target_year", "target_pct"], sort=True):
            group = group.sort_values("comparator", key=lambda c: c.map(order))
            r = group.iloc[0]
            comparator = r.comparator
            ids = list(group["target_id"])
            docs = len(ids)
            trend = att[att["target_id"].isin(ids) & (att["scenario"] == "current trend")]["attained_year"]
            when = trend.iloc[0] if not trend.empty else pd.NA
            when_text = pick(lang, "not within the horizon", "không đạt trong kỳ dự báo") if pd.isna(when) else str(int(when))
            reached = att[att["target_id"] == ids[0]].dropna(subset=["attained_year"])
            n_scen, n_on_time = att[att["target_id"] == ids[0]]["scenario"].nunique(), int(reached["on_time"].sum())
            p = prob.loc[prob["target_id"] == ids[0], "p_meet"] if not prob.empty else pd.Series(dtype=float)
            prob_text = "" if p.empty else pick(lang, f"; probability under the simulated pace {fmt_pct(100 * p.iloc[0], lang, 0)}",
                                                f"; xác suất theo tốc độ mô phỏng {fmt_pct(100 * p.iloc[0], lang, 0)}")
            target_text = comparator_text(comparator, level, None, lang) + " %"
            docs_text = "" if docs == 1 else pick(lang, f" (set in {docs} documents)", f" (nêu trong {docs} văn bản)")
            unstated = (group["definition_status"] == "unstated").any()
            lines.append(pick(
                lang,
                f"- {target_text} by {year}{docs_text}: needs {fmt_pct(r.required_growth_pct, lang, 1)} a year "
                f"({fmt_number(r.required_pp_per_year, lang, 2)} pp a year); current trend reaches it: {when_text}; "
                f"{n_on_time} of {n_scen} scenarios reach it on time{prob_text}."
                + (" *Definition not stated by the target.*" if unstated else ""),
                f"- {target_text} vào {year}{docs_text}: cần tăng {fmt_pct(r.required_growth_pct, lang, 1)} mỗi năm "
                f"({fmt_number(r.required_pp_per_year, lang, 2)} điểm % mỗi năm); theo xu hướng hiện tại đạt vào: "
                f"{when_text}; {n_on_time}/{n_scen} kịch bản đạt đúng hạn{prob_text}."
                + (" *Mục tiêu không nêu định nghĩa.*" if unstated else "")))
        out.append(pick(lang, "**What the targets require.**", "**Yêu cầu để đạt mục tiêu.**") + "\n\n"
                   + "\n".join(lines))
    due = t["targets_due"]
    if not due.empty:
        parts = [f"`{r.target_id}` ({r.target_year}): {_category(r.verdict, lang)}" for r in due.itertuples()]
        out.append(pick(lang, "**Targets already due:** ", "**Các mục tiêu đã đến hạn:** ") + "; ".join(parts) + ".")
    assess = t["assessment"]
    if not assess.empty:
        cats = sorted({_category(c, lang) for c in assess["category"]})
        out.append(pick(lang, f"**Progress assessment** (Eurostat and UNSD methods): {', '.join(cats)}.",
                        f"**Đánh giá tiến độ** (phương pháp Eurostat và UNSD): {', '.join(cats)}."))
    n_assumed = int((report.assumptions["kind"] == ASSUMED).sum())
    out.append(pick(
        lang,
        f"**Assumptions.** {n_assumed} inputs are assumptions (scenario rates, the logistic ceiling, the Monte Carlo "
        f"spread{', the starting share' if s['base_is_assumed'] else ''}); each is listed with its basis below. "
        f"Scenario lines are what-ifs, not forecasts. Monte Carlo: {sim_note}.",
        f"**Giả định.** {n_assumed} đầu vào là giả định (tốc độ kịch bản, trần logistic, độ phân tán mô phỏng"
        f"{', tỷ trọng xuất phát' if s['base_is_assumed'] else ''}); mỗi giả định được liệt kê kèm căn cứ bên dưới. "
        f"Các kịch bản là giả định, không phải dự báo. Mô phỏng Monte Carlo: {sim_note}."))
    if notes:
        out.append(pick(lang, "Notes: ", "Ghi chú: ") + " ".join(notes))
    return out
