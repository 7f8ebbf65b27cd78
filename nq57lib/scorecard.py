"""The Resolution 57 scorecard, step by step: every registered target of a geography, where it
stands, what it needs, and where the geography stands among the provinces.

The ``scorecard`` notebook calls these steps in order, one per cell:

1. :func:`select_targets` — the targets of the geography (for a merged 2025 unit also its old
   provinces' targets, for an old province also its successor's, marked in ``relation``) and,
   unless the geography is the nation, the national targets (``relation`` 'national'): a table the
   researcher can edit (drop or add rows) before the next step;
2. ``data.as_of_year`` — the year the scorecard is assessed at;
3. :func:`latest_values` — the series each target is compared with and its latest value;
4. :func:`required_paces` — the pace each target needs from the latest value;
5. :func:`assess_targets` — the assessment of each target (``progress_assessment``);
6. :func:`cross_province_panels` and :func:`panel_charts` — cross-province tables and charts;
7. :func:`summary` and :func:`reader_table` — what a reader sees: a short summary and one table;
8. :func:`results` — the machine-readable tables and scalars the notebook saves.

Steps 1-5 and their rules live in :mod:`nq57lib.target_assessment` (the digital-economy and budget
reports read the same targets through it, so one target never reads two ways); this module adds the
panels, the summary, the reader's table and the results.

Every word a reader sees comes from the ``[scorecard]`` section of the locale files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import data_texts, geography, series_ranking
from .formatting import fmt_number
from .provenance import DERIVED, Assumption
from .report_view import assumptions_frame, source_ids_in, sources_frame
from .target_assessment import (NATION, OUTCOME_STATUSES, TARGET_COLUMNS, concept_text, is_missing,
                                records, related_geos, series_cache, unit_text)
from .target_verdicts import VERDICTS, glance_table, verdict_badge, verdict_word
from .target_verdicts import counts as verdict_counts
from .text import plain, section, t

NOTEBOOK = "scorecard"

def _say(key: str, lang: str, **fmt: Any) -> str:
    """A text of the ``[scorecard]`` section of the locale files."""
    return t(f"scorecard.{key}", lang, **fmt)


PANEL_COLUMNS = ["geo_id", "name", "level", "value", "unit", "rank_out_of", "year", "concept", "status",
                 "source_id", "place", "n_listed", "highlight"]


# ------------------------------------------------------------------------------------------------
# Step 6: cross-province panels
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelSpec:
    """One cross-province table: an indicator on one concept, in its most complete year."""

    key: str
    indicator_id: str
    concept: str
    include_nation: bool = False


PANELS = (
    PanelSpec("de_share_ministry", "de_share_pct", "ministry", include_nation=True),
    PanelSpec("dti_rank_basis_63", "dti_rank", "basis_63"),
    PanelSpec("dti_rank_basis_34", "dti_rank", "basis_34"),
    PanelSpec("pii_rank_basis_63", "pii_rank", "basis_63"),
    PanelSpec("pii_rank_basis_34", "pii_rank", "basis_34"),
    PanelSpec("grdp_growth", "grdp_growth_pct", "standard", include_nation=True),
)
# From this year the panels list the 34 units of 1 July 2025 (issue 23); before it the 63 provinces.
# A concept that names its basis (basis_63, basis_34) keeps that basis whatever the year.
PANEL_34_FROM = 2024


def _panel_units(pkg, candidates: pd.DataFrame, concept: str) -> pd.DataFrame:
    """The candidates of the unit system each row's year (or the concept's basis) calls for, and the nation."""
    in_34 = set(geography.units(pkg, "34")) | {NATION}
    in_63 = set(geography.units(pkg, "63")) | {NATION}
    if concept == "basis_63":
        keep = candidates["geo_id"].isin(in_63)
    elif concept == "basis_34":
        keep = candidates["geo_id"].isin(in_34)
    else:
        late = candidates["year"] >= PANEL_34_FROM
        keep = (late & candidates["geo_id"].isin(in_34)) | (~late & candidates["geo_id"].isin(in_63))
    return candidates[keep.to_numpy(dtype=bool)]


def panel_candidates(pkg, indicator_id: str, concept: str) -> pd.DataFrame:
    """Every outcome observation of one indicator and concept, with the producer's tier, ranked per (geography,
    year) as ``series_ranking.series`` ranks them (``series_ranking.ranked_across_geographies``): ``rank`` 1 is the
    observation ``series_ranking.series`` picks for that geography and year. From ``PANEL_34_FROM`` only the 34
    units (and the nation) are listed, before it only the 63 provinces; a basis_63 or basis_34 concept keeps its own
    basis.
    """
    return _panel_units(pkg, series_ranking.ranked_across_geographies(pkg, indicator_id, concept, OUTCOME_STATUSES), concept)


def panel_year(candidates: pd.DataFrame) -> int | None:
    """The most complete year (most units observed; the later one on a tie).

    Newer tables are often partial press lists (a top 10); the most complete one places the most
    provinces. Returns None when there is nothing.
    """
    if candidates.empty:
        return None
    counts = candidates.groupby("year")["geo_id"].nunique()
    best = counts.max()
    return int(max(counts[counts == best].index))


def highlight_roles(pkg, geo_id: str) -> dict[str, str]:
    """geo_id -> role for the panels: the same units as :func:`related_geos`, the geography itself
    named 'geography' (the panels' legend word) instead of 'own'."""
    return {geo: "geography" if relation == "own" else relation for geo, relation in related_geos(pkg, geo_id).items()}


def panel_table(pkg, spec: PanelSpec, roles: dict[str, str], lang: str) -> pd.DataFrame:
    """The best observation per unit in the panel's most complete year, sorted best first.

    ``place`` is the unit's position among the provinces listed (the nation excluded): for a share,
    by value, highest first (derived: the listing is not an official ranking unless every province
    is in it); for a rank, by rank. ``rank_out_of`` is the published number of units ranked.
    """
    candidates = panel_candidates(pkg, spec.indicator_id, spec.concept)
    year = panel_year(candidates)
    if year is None:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    best = candidates[(candidates["year"] == year) & (candidates["rank"] == 1)].copy()
    best = best[best["comparator"].isna()]  # a bound ("32nd or lower") is never placed as a value
    geo = pkg.geography.set_index("geo_id")
    best["level"] = best["geo_id"].map(geo["level"])
    if not spec.include_nation:
        best = best[best["level"] != "nation"]
    kind = "rank" if pkg.indicator(spec.indicator_id)["unit"] == "rank" else "value"
    best["value"] = best["value"].astype(float)
    best = best.sort_values(["value", "geo_id"], ascending=[kind == "rank", True], kind="mergesort")
    provinces = best["level"] != "nation"
    best["place"] = pd.Series(pd.NA, index=best.index, dtype="Int64")
    best.loc[provinces, "place"] = np.arange(1, int(provinces.sum()) + 1)
    best["n_listed"] = int(provinces.sum())
    # Plain names: within one unit system (63 or 34) they are unambiguous, and shorter on a chart.
    best["name"] = best["geo_id"].map(geo["name_vi" if lang == "vi" else "name_en"])
    best["highlight"] = best["geo_id"].map(roles).fillna("")
    best["rank_out_of"] = best["rank_out_of"].astype("Int64")
    return best[PANEL_COLUMNS].reset_index(drop=True)


@series_ranking.checks_tables_once
def cross_province_panels(pkg, geo_id: str, lang: str, specs: Sequence[PanelSpec] = PANELS) -> dict[str, pd.DataFrame]:
    """Step 6: one cross-province table per panel spec (key -> table; empty when there are no data),
    the geography and its old units or successor marked in ``highlight``."""
    geo_id = geography.geo_id_of(pkg, geo_id)
    roles = highlight_roles(pkg, geo_id)
    return {spec.key: panel_table(pkg, spec, roles, lang) for spec in specs}


def newer_partial_years(pkg, spec: PanelSpec, year: int) -> list[int]:
    """Years after the panel's year that have some observations on the same concept (partial lists)."""
    candidates = panel_candidates(pkg, spec.indicator_id, spec.concept)
    return sorted(int(y) for y in candidates["year"].unique() if y > year)


def panel_scalars(spec: PanelSpec, table: pd.DataFrame, geo_id: str) -> dict[str, Any]:
    """The geography's value and place in one panel, and every highlighted row."""
    key = spec.key
    if table.empty:
        return {f"{key}_year": None, f"{key}_value": None, f"{key}_place": None, f"{key}_n_listed": 0,
                f"{key}_highlighted": []}
    own = table[table["geo_id"] == geo_id]
    highlighted = [{"geo_id": r.geo_id, "role": r.highlight, "value": float(r.value),
                    "place": None if pd.isna(r.place) else int(r.place)}
                   for r in table[table["highlight"] != ""].itertuples()]
    return {
        f"{key}_year": int(table["year"].iloc[0]),
        f"{key}_value": None if own.empty else float(own["value"].iloc[0]),
        f"{key}_place": None if own.empty or pd.isna(own["place"].iloc[0]) else int(own["place"].iloc[0]),
        f"{key}_n_listed": int(table["n_listed"].iloc[0]),
        f"{key}_rank_out_of": None if table["rank_out_of"].isna().all() else int(table["rank_out_of"].max()),
        f"{key}_highlighted": highlighted,
    }


def panel_title(pkg, spec: PanelSpec, year: int, lang: str) -> str:
    meta = pkg.indicator(spec.indicator_id)
    name = meta["name_vi"] if lang == "vi" else meta["name_en"]
    return _say("panel_title", lang, indicator=name, year=year, concept=concept_text(spec.concept, lang))


def _spec(key: str) -> PanelSpec:
    return next(s for s in PANELS if s.key == key)


@dataclass(frozen=True)
class PanelChart:
    """One panel chart: its PNG (``charts.scorecard_charts.panel_png``), its text alternative, and how to draw it
    again as a matplotlib Figure (``figure()``, e.g. to save it in another format)."""

    png: bytes
    alt: str
    arguments: dict

    def figure(self):
        from .charts.scorecard_charts import plot_panel

        return plot_panel(**self.arguments)


class PanelCharts(list):
    """The panel charts (:class:`PanelChart`); displayed one after the other, each with its text alternative."""

    def _ipython_display_(self):
        import base64

        from IPython.display import display

        for chart in self:
            display({"image/png": base64.b64encode(chart.png).decode("ascii"), "text/plain": chart.alt},
                    metadata={"image/png": {"alt": chart.alt}}, raw=True)


def panel_charts(pkg, panels: Mapping[str, pd.DataFrame], lang: str) -> PanelCharts:
    """Step 6b: one sorted bar chart per non-empty panel (``charts.scorecard_charts.panel_png``: each panel's
    plain bars drawn once per content, this geography's rows highlighted over them)."""
    from .charts.scorecard_charts import panel_png

    publishers = pkg.sources.set_index("source_id")["publisher"]
    figures = PanelCharts()
    for key, table in panels.items():
        if table.empty:
            continue
        spec = _spec(key)
        unit = pkg.indicator(spec.indicator_id)["unit"]
        sources = list(dict.fromkeys(data_texts.text_in(pkg, "publisher", publishers.get(s, s), lang)
                                     for s in table["source_id"]))  # names, not ids
        notes = [_say("ministry_note", lang)] if spec.concept == "ministry" else []
        n_listed, out_of = int(table["n_listed"].iloc[0]), table["rank_out_of"].max()
        if pd.notna(out_of) and n_listed < int(out_of):
            notes.append(_say("partial_list_note", lang, n=n_listed, out_of=int(out_of)))
        arguments = dict(table=table, kind="rank" if unit == "rank" else "value",
                         title=panel_title(pkg, spec, int(table["year"].iloc[0]), lang),
                         unit=unit_text(unit, lang), lang=lang, sources=sources, footnotes=notes)
        figures.append(PanelChart(*panel_png(**arguments), arguments))
    return figures


# ------------------------------------------------------------------------------------------------
# Step 7: what a reader sees — the summary and the table
# ------------------------------------------------------------------------------------------------


def _counts_sentence(counts: dict[str, int], lang: str) -> str:
    return ", ".join(f"{counts['n_' + v.replace(' ', '_')]} {verdict_word(v, lang)}" for v in VERDICTS
                     if counts["n_" + v.replace(" ", "_")])


def _with_data(verdicts: pd.DataFrame) -> int:
    """Targets whose verdict rests on a value (whatever the verdict)."""
    return int(verdicts["value"].notna().sum())


def _ordinal(n: int, lang: str) -> str:
    if lang == "vi":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _own_paragraph(pkg, geo_id: str, own: pd.DataFrame, as_of: int, lang: str) -> str:
    name = geography.geo_name(pkg, geo_id, lang)
    if own.empty:
        return _say("no_targets", lang, name=name)
    counts = verdict_counts(own)
    key = "own_targets_one" if counts["n_targets"] == 1 else "own_targets_many"
    return _say(key, lang, name=name, n=counts["n_targets"], n_with_data=_with_data(own), as_of=as_of,
                counts=_counts_sentence(counts, lang))


def _listed(names: list[str], lang: str) -> str:
    """'A, B and C' in ``lang``."""
    return names[0] if len(names) < 2 else ", ".join(names[:-1]) + t("digital_economy.narrative.and", lang) + names[-1]


def _related_paragraph(pkg, geo_id: str, related: pd.DataFrame, lang: str) -> str:
    name = geography.geo_name(pkg, geo_id, lang)
    olds, after = geography.old_units(pkg, geo_id), geography.successor(pkg, geo_id)
    out = []
    if olds:
        out.append(_say("formed_from", lang, name=name, names=_listed([geography.geo_name(pkg, g, lang) for g in olds], lang)))
    if after:
        together = [geography.geo_name(pkg, g, lang) for g in geography.old_units(pkg, after)]
        out.append(_say("merged_into", lang, name=name, successor=geography.geo_name(pkg, after, lang),
                        names=_listed(together, lang)))
    if not out:
        return ""
    if related.empty:
        return " ".join(out) + _say("related_none", lang)
    counts = verdict_counts(related)
    if olds:
        per_unit = related.groupby("geo_id", sort=False).size()
        by_unit = ", ".join(f"{geography.geo_name(pkg, g, lang)}: {n}" for g, n in per_unit.items())
        out.append(_say("related_olds", lang, n=counts["n_targets"], by_unit=by_unit,
                        counts=_counts_sentence(counts, lang)))
    else:
        out.append(_say("related_successor", lang, n=counts["n_targets"], counts=_counts_sentence(counts, lang)))
    return " ".join(out)


def _de_share_sentence(pkg, geo_id: str, lang: str) -> str:
    name = geography.geo_name(pkg, geo_id, lang)
    latest = latest_de_share(pkg, geo_id)
    if latest is None:
        return _say("de_share_none", lang, name=name)
    return _say("de_share", lang, name=name, value=fmt_number(latest["value"], lang, 2), year=int(latest["year"]),
                concept=concept_text(latest["concept"], lang), status=data_texts.label("status", latest["status"], lang))


def _panel_sentence(pkg, spec: PanelSpec, table: pd.DataFrame, geo_id: str, lang: str) -> str:
    """Where the geography (and its old units or successor) stands in one cross-province table."""
    meta = pkg.indicator(spec.indicator_id)
    if table.empty:
        return _say("panel_missing", lang, indicator=meta["name_vi" if lang == "vi" else "name_en"],
                    concept=concept_text(spec.concept, lang))
    year = int(table["year"].iloc[0])
    n = int(table["n_listed"].iloc[0])
    out_of = None if table["rank_out_of"].isna().all() else int(table["rank_out_of"].max())
    listed = (_say("panel_listed_of", lang, n=n, out_of=out_of) if out_of is not None and out_of != n
              else _say("panel_listed", lang, n=n))
    sentences = [f"*{panel_title(pkg, spec, year, lang)}* ({listed})."]
    prefixes = {"geography": "", "old unit": _say("prefix_old_unit", lang), "successor": _say("prefix_successor", lang)}
    for role in ("geography", "old unit", "successor"):
        for r in table[table["highlight"] == role].itertuples():
            prefix, value = prefixes[role], fmt_number(r.value, lang, 2)
            if r.level == "nation":
                sentences.append(_say("position_nation", lang, prefix=prefix, name=r.name, value=value))
            elif meta["unit"] == "rank":
                total = r.rank_out_of if not pd.isna(r.rank_out_of) else out_of
                sentences.append(_say("position_rank", lang, prefix=prefix, name=r.name,
                                      ordinal=_ordinal(int(r.value), lang), total=total))
            else:
                sentences.append(_say("position_value", lang, prefix=prefix, name=r.name, value=value,
                                      ordinal=_ordinal(int(r.place), lang), n=int(r.n_listed)))
    if geo_id not in set(table["geo_id"]) and geo_id != NATION:
        sentences.append(_absence(pkg, spec, geo_id, year, lang))
    newer = newer_partial_years(pkg, spec, year)
    if newer:
        sentences.append(_say("panel_newer", lang, years=", ".join(str(y) for y in newer), year=year))
    return " ".join(sentences)


def _absence(pkg, spec: PanelSpec, geo_id: str, year: int, lang: str) -> str:
    """Why the geography is not in a panel: it did not exist in that unit system, or it is not in the data."""
    name = geography.geo_name(pkg, geo_id, lang)
    row = geography.geo_row(pkg, geo_id)
    if pd.notna(row["valid_from"]) and spec.concept != "basis_34" and year < series_ranking.MERGER_YEAR:
        return _say("absent_formed_later", lang, name=name)
    if pd.notna(row["valid_to"]) and spec.concept == "basis_34":
        return _say("absent_merged", lang, name=name)
    return _say("absent", lang, name=name)


@dataclass(frozen=True)
class Summary:
    """The report's title, the verdicts at a glance (a reader table) and its short answer in plain sentences."""

    title: str
    paragraphs: tuple[str, ...]
    table: Any = None  # reader_tables.ReaderTable: the glance table

    def markdown(self) -> str:
        return "\n\n".join((f"## {self.title}", *self.paragraphs))

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        import mistune

        render = mistune.create_markdown(escape=True)
        table = self.table.html if self.table is not None else ""
        return table + render("\n\n".join(self.paragraphs))  # the page's h1 is the title


@series_ranking.checks_tables_once
def summary(pkg, geo_id: str, verdicts: pd.DataFrame, as_of: int, lang: str) -> Summary:
    """Step 7: the answer first: the geography's own verdicts at a glance (a table), then the counts of its own
    targets, its old units' or successor's and the national ones in plain sentences. Where it stands among
    the provinces and the rule follow the charts (``panel_summary``); target by target, the table says the
    rest."""
    geo_id = geography.geo_id_of(pkg, geo_id)
    own = verdicts[verdicts["relation"] == "own"]
    related = verdicts[verdicts["relation"].isin(["old unit", "successor"])]
    national = verdicts[verdicts["relation"] == "national"]
    paragraphs = [_own_paragraph(pkg, geo_id, own, as_of, lang), _related_paragraph(pkg, geo_id, related, lang)]
    if geo_id != NATION:
        counts = verdict_counts(national)
        paragraphs.append(_say("national", lang, n=counts["n_targets"], n_with_data=_with_data(national),
                               counts=_counts_sentence(counts, lang)))
    title = _say("title", lang, geo=plain(geography.geo_name(pkg, geo_id, lang)))  # data text in Markdown
    table = glance_table(own if not own.empty else verdicts, lang, _say("glance_caption", lang))
    return Summary(title, tuple(p for p in paragraphs if p), table)


@series_ranking.checks_tables_once
def panel_summary(pkg, geo_id: str, panels: Mapping[str, pd.DataFrame], lang: str) -> Any:
    """Step 7c, below the charts: the latest digital-economy share, where the geography stands in each
    cross-province chart, in words, and how the verdict is decided (once per report)."""
    from IPython.display import Markdown

    geo_id = geography.geo_id_of(pkg, geo_id)
    text = [_panel_sentence(pkg, _spec(key), table, geo_id, lang) for key, table in panels.items()]
    return Markdown("\n\n".join([_de_share_sentence(pkg, geo_id, lang), _say("panels_lead", lang) + " ".join(text),
                                   t("verdict.rule_text", lang)]))


# Theme key -> indicators, in the order the table shows them; an indicator in none goes to 'other'.
THEMES: dict[str, tuple[str, ...]] = {
    "digital": ("de_share_pct", "dti_rank", "dti_score", "egdi_rank", "digital_competitiveness_rank",
                "online_service_usage_pct", "digital_tech_enterprises_count", "digital_tech_enterprises_advanced_count", "ai_rnd_rank"),
    "spending": ("st_expenditure_share_pct", "st_expenditure_bn_vnd", "gerd_pct_gdp", "st_investment_pct_gdp",
                 "rnd_nonstate_share_pct", "social_investment_cumulative_5y_bn_vnd"),
    "innovation": ("gii_rank", "pii_rank", "innovation_dt_rank", "st_enterprises_count", "hightech_enterprises_count",
                   "innovative_enterprises_pct", "st_organisations_count", "st_orgs_ranked_count",
                   "st_market_intermediaries_count", "researchers_per_10k", "publications_growth_pct",
                   "patent_growth_pct", "patent_commercialisation_pct", "hightech_export_share_pct",
                   "industrial_parks_hightech_30pct_count", "innovation_growth_contribution_pct",
                   "tfp_growth_contribution_pct"),
    "growth": ("grdp_growth_pct", "grdp_current_bn_vnd", "grdp_per_capita_mn_vnd", "grdp_multiple_x",
               "budget_revenue_bn_vnd", "population_persons", "hdi_index"),
}


def default_themes() -> dict[str, tuple[str, ...]]:
    """The themes the table groups targets by (theme key -> indicator ids): a copy to edit."""
    return {key: tuple(ids) for key, ids in THEMES.items()}


def _why_cell(row: dict, lang: str) -> str:
    """The verdict's one-line evidence, the other definition beside it and where the documents differ."""
    parts = [row["evidence"]]
    if row["beside"]:
        parts.append(_say("table.beside", lang, beside=row["beside"]))
    return "; ".join(parts)


def _row_note(row: dict, lang: str) -> str:
    """The one footnote a row carries: the documents that set it, where they differ or are unverified."""
    notes = []
    if not is_missing(row.get("unverified_reason")):
        notes.append(_say("table.footnote_unverified", lang, reason=row["unverified_reason"]))
    if ";" in str(row["target_ids"]):  # the instruments in the report's language (target_assessment)
        notes.append(_say("table.footnote_documents", lang, documents=row["documents"]))
    if row["documents_note"]:
        notes.append(row["documents_note"])
    return "; ".join(notes)


@series_ranking.checks_tables_once
def reader_table(pkg, verdicts: pd.DataFrame, themes: Mapping[str, Sequence[str]], as_of: int, lang: str):
    """Step 7b: every target in one table, one row each (documents that set the same target are one row),
    grouped by theme (the national targets in their own groups after the geography's): the verdict first,
    its one-line evidence, human headers and no ids (``reader_tables``)."""
    from . import reader_tables as rt

    theme_of = {ind: key for key, ids in themes.items() for ind in ids}
    theme_order = {key: i for i, key in enumerate([*themes, "other"])}
    names = section("scorecard.theme", lang)
    sources = pkg.sources.set_index("source_id")
    rows = []
    for row in records(verdicts):
        theme = theme_of.get(row["indicator_id"], "other")
        national = row["relation"] == "national"
        group = names.get(theme, theme)

        def link(source: Any):
            first = "" if is_missing(source) else str(source).split(";")[0]
            return ((data_texts.text_in(pkg, "publisher", sources.at[first, "publisher"], lang), sources.at[first, "url"])
                    if first in sources.index else None)

        rows.append({
            "order": (national, theme_order.get(theme, len(theme_order))),
            "group": _say("table.national_group", lang, theme=group) if national else group,
            "target": row["target"], "by": row["target_year"], "status": verdict_badge(row["verdict"], lang),
            "why": _why_cell(row, lang),
            "set_by": "" if row["relation"] in ("own", "national") else geography.geo_name(pkg, row["geo_id"], lang),
            "target_source": link(row["target_source_id"]), "data_source": link(row["data_source_id"]),
            "note": _row_note(row, lang),
        })
    frame = pd.DataFrame(rows, columns=["order", "group", "target", "by", "status", "why", "set_by",
                                        "target_source", "data_source", "note"])
    frame = frame.sort_values("order", kind="mergesort").reset_index(drop=True)
    frame["mark"], notes = rt.footnote_marks(frame["note"].tolist())
    notes.append(t("verdict.rule_text", lang))
    words = section("scorecard.table", lang)
    columns = [rt.Column("target", words["target"]), rt.Column("by", words["by"], "year"),
               rt.Column("status", words["status"], "badge"), rt.Column("why", words["why"])]
    if frame["set_by"].ne("").any():
        columns.append(rt.Column("set_by", words["set_by"], min_width="8.5rem"))
    columns += [rt.Column("target_source", words["target_source"], "link"),
                rt.Column("data_source", words["data_source"], "link")]
    return rt.reader_table(frame, columns, lang, group="group", marks="mark", footnotes=notes,
                           caption=_say("table_heading", lang), css_class="nq57-every-target")


# ------------------------------------------------------------------------------------------------
# Step 8: results
# ------------------------------------------------------------------------------------------------


def latest_de_share(pkg, geo_id: str) -> pd.Series | None:
    """The geography's latest digital-economy share (best observation, any definition), or None."""
    frame = series_cache(pkg).own(geo_id, "de_share_pct", None)
    return frame.iloc[-1] if not frame.empty else None


def _split_sources(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for value in values:
        if isinstance(value, str) and value:
            out.update(s.strip() for s in value.split(";") if s.strip())
    return out


@dataclass
class Results:
    """The machine-readable results of one scorecard: ``tables`` and ``scalars`` (``results_files.save_results``)."""

    tables: dict[str, pd.DataFrame]
    scalars: dict[str, Any]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name} ({len(frame)} rows)" for name, frame in self.tables.items())
        return f"Results: {sizes}; {len(self.scalars)} scalars"


@series_ranking.checks_tables_once
def results(pkg, geo_id: str, assessed: pd.DataFrame, verdicts: pd.DataFrame, panels: Mapping[str, pd.DataFrame],
            as_of: int, lang: str) -> Results:
    """Step 8: the results tables (verdicts, targets, national targets, non-empty panels, assumptions,
    sources) and scalars (targets per verdict, latest digital-economy share, panel positions)."""
    geo_id = geography.geo_id_of(pkg, geo_id)
    columns = TARGET_COLUMNS
    table = assessed[assessed["relation"] != "national"][columns].reset_index(drop=True)
    national = assessed[assessed["relation"] == "national"][columns].reset_index(drop=True)
    tables: dict[str, pd.DataFrame] = {"verdicts": verdicts.reset_index(drop=True), "targets": table}
    by_relation = verdicts["relation"]
    scalars: dict[str, Any] = {"as_of_year": as_of, **verdict_counts(verdicts[by_relation == "own"]),
                               "related_counts": verdict_counts(verdicts[by_relation.isin(["old unit", "successor"])])}
    if geo_id != NATION:
        tables["national_targets"] = national
        scalars["national_counts"] = verdict_counts(verdicts[by_relation == "national"])
    latest = latest_de_share(pkg, geo_id)
    scalars.update({"de_share_latest_pct": None if latest is None else float(latest["value"]),
                    "de_share_latest_year": None if latest is None else int(latest["year"]),
                    "de_share_latest_concept": None if latest is None else latest["concept"],
                    "de_share_latest_source_id": None if latest is None else latest["source_id"]})
    source_ids = set(table["target_source_id"]) | _split_sources(table["latest_source_id"])
    source_ids |= set(national["target_source_id"]) | _split_sources(national["latest_source_id"])
    for key, panel in panels.items():
        scalars.update(panel_scalars(_spec(key), panel, geo_id))
        if not panel.empty:
            tables[f"panel_{key}"] = panel
            source_ids |= set(panel["source_id"])
    if latest is not None:
        source_ids.add(latest["source_id"])
    source_ids |= source_ids_in(*table["definition_note"], *table["data_reason"])
    newest = max(str(p) for p in pkg.observations["published"].dropna())
    tables["assumptions"] = assumptions_frame([Assumption(
        "as_of_year", float(as_of), "year", DERIVED, _say("as_of_label", lang), _say("as_of_basis", lang,
                                                                                   newest=newest))])
    tables["sources"] = sources_frame(pkg, source_ids)
    return Results(tables, scalars)
