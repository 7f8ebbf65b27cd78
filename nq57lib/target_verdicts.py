"""One verdict per target, from one rule, in one vocabulary: what every report, the index and the results
files say of a target.

The digital-economy report, the budget report and the scorecard all read their verdicts from
:func:`verdict_table` (the scorecard as a step of its own on its editable table, the other two through
:func:`verdicts_for`), and save them as ``results/verdicts.csv``; the index reads that file. No other module
decides a target's verdict.

The rule (:func:`decide`; the README and every report state it):

- **met** — the target's year is not after the as-of year and a value for that year (or, with none for it,
  the latest one at most :data:`PASSED_LOOKBACK_YEARS` year before it, or any earlier value that already met
  it: a target "by" a year is met once reached) meets the target. A growth-rate target is judged on its own
  year's value only.
- **not met** — the target's year has passed and the value for that year, or the latest one at most
  :data:`PASSED_LOOKBACK_YEARS` year before it, misses the target.
- **on track / at risk / off track** — a target ahead, read on :data:`MIN_OBSERVATIONS` or more own
  observations of its definition, the latest no more than :data:`STALE_YEARS` years before the as-of year:
  Eurostat's ratio of the observed to the required growth over the latest 5 years (``target_assessment``,
  ``progress_assessment.assess_headline``): >= 0.95 (or already met) on track, 0.60-0.95 at risk, below 0.60
  or moving away off track.
- **cannot tell** — with its reason: one or two data points, data older than :data:`STALE_YEARS` years, no
  value near a passed target year, no data on the target's definition, or no data. The evidence then gives
  the pace needed against the paces observed (the geography's own, the nation's on the same definition and,
  for the digital-economy share, on the other definition), never a probability or a count of scenarios.
- **not assessed** — with why: a target over a period, a growth-rate target before its year.

A target is judged on the definition it is read on (``target_assessment``: its own, or the documented rule
for a digital-economy share target that states none); the other definition is shown beside it
(``beside``), never instead of it. A target set in several documents (same geography, indicator, year and
value) is one row that lists the documents and says where they differ (comparator, verified or not).
Every word comes from the ``[verdict]`` section of the locale files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import data_package, data_texts, geography, series_ranking
from .config import NATION
from .formatting import comparator_text, fmt_number, percent_text, trim_zeros
from .share_formulas import meets_target
from .target_assessment import (SHARE_INDICATOR, assess_targets, concept_text, decimals_of, indicator_kind, is_missing,
                                latest_segment, latest_values, records, required_paces, select_targets, series_cache,
                                target_data, unit_text)
from .text import t

VERDICTS = ("met", "not met", "on track", "at risk", "off track", "cannot tell", "not assessed")
MIN_OBSERVATIONS = 3  # own observations on the target's definition before a trend verdict
STALE_YEARS = 3  # a latest value older than this many years before the as-of year cannot carry a trend verdict
PASSED_LOOKBACK_YEARS = 1  # a passed target without a value for its year is judged on one at most this much older
TREND_OF_CATEGORY = {"target already met": "on track", "significant progress": "on track",
                     "moderate progress": "at risk", "insufficient progress": "off track", "moving away": "off track"}
# Comparators in the order a group of documents picks the one it is judged with (the firmest reading first).
COMPARATOR_ORDER = (">=", ">", "<=", "<", "between", "=")
RESOLUTION_57 = "57-NQ/TW"  # the resolution this package tracks: its documents lead a group
VERDICT_COLUMNS = ["target_id", "target_ids", "geo_id", "relation", "indicator_id", "target", "target_level",
                   "target_value", "target_year",
                   "documents", "documents_note", "definition", "verdict", "verdict_text", "reason", "rule",
                   "evidence", "value", "value_year", "needed_per_year", "needed_unit", "observed_paces",
                   "beside", "unverified_reason", "target_source_id", "data_source_id"]


def _say(key: str, lang: str, **fmt: Any) -> str:
    return t(f"verdict.{key}", lang, **fmt)


def verdict_word(verdict: str, lang: str) -> str:
    """A verdict in the report's words (``[verdict.word]``)."""
    return _say("word." + verdict.replace(" ", "_"), lang)


def verdict_badge(verdict: str, lang: str) -> tuple[str, str]:
    """A reader table's badge cell of a verdict: (badge key, word)."""
    return verdict, verdict_word(verdict, lang)


@dataclass(frozen=True)
class Pace:
    """An observed pace: who, on which definition, how fast a year (% or places), over which years."""

    geo_id: str
    concept: str | None
    per_year: float
    from_year: int
    to_year: int


@dataclass(frozen=True)
class Verdict:
    """The verdict of one target and what it rests on."""

    verdict: str
    reason: str  # '' or a key of [verdict.reason]
    rule: str  # a key of [verdict.rule]
    value: float | None = None
    value_year: int | None = None
    needed_per_year: float | None = None


def _judged_before(history: pd.DataFrame, row: dict, comparator: str) -> tuple[str, pd.Series | None]:
    """A passed target without a value for its year: 'met' when a value at or before the year met it,
    'not met' on the latest value at most PASSED_LOOKBACK_YEARS before it, else '' (cannot tell)."""
    year = int(row["target_year"])
    before = history[history["year"] <= year]
    if before.empty:
        return "", None
    high = None if is_missing(row["target_value_high"]) else float(row["target_value_high"])
    hits = before[[bool(meets_target(v, comparator, float(row["target_value"]), high)) for v in before["value"]]]
    if not hits.empty:
        return "met", hits.iloc[-1]
    latest = before.iloc[-1]
    if int(latest["year"]) >= year - PASSED_LOOKBACK_YEARS:
        return "not met", latest
    return "", latest


def decide(row: dict, history: pd.DataFrame, as_of: int, comparator: str | None = None, kind: str = "share") -> Verdict:
    """The verdict of one assessed target row (a row of ``target_assessment.assess_targets``) from the history
    of its definition (one concept, by year). The rule is the module docstring's; a growth-rate target
    (``kind`` 'rate') is judged on its own year's value only: another year's rate says nothing of it."""
    category = row["assessment"]
    comparator = comparator or row["comparator"]
    latest = None if is_missing(row["latest_value"]) else float(row["latest_value"])
    latest_year = None if is_missing(row["latest_year"]) else int(row["latest_year"])
    needed = next((float(row[c]) for c in ("required_growth_pct_per_year", "required_places_per_year")
                   if not is_missing(row[c])), None)
    if category in ("met", "not met"):
        return Verdict(category, "", "target_year", float(row["target_year_value"]), int(row["target_year"]))
    if category == "no value for the target year" and kind == "rate":
        return Verdict("cannot tell", "no_value_for_rate_year", "passed", latest, latest_year)
    if category == "no value for the target year":
        verdict, judged = _judged_before(history, row, "<=" if comparator == "=" and row["unit"] == "rank"
                                         else (">=" if comparator == "=" else comparator))
        if verdict:
            return Verdict(verdict, "", "before_target_year", float(judged["value"]), int(judged["year"]))
        return Verdict("cannot tell", "no_value_for_year", "passed", latest, latest_year)
    if category == "not assessed (period target)":
        return Verdict("not assessed", "period", "none", latest, latest_year)
    if category == "not assessed (growth-rate target)":
        return Verdict("not assessed", "rate", "none", latest, latest_year)
    if category == "no data":
        return Verdict("cannot tell", "no_data", "none")
    if category == "no data on the target's definition":
        return Verdict("cannot tell", "other_definition", "none", latest, latest_year)
    n_obs = int(row["n_obs"] or 0)
    if category == "insufficient data" or n_obs < MIN_OBSERVATIONS:
        return Verdict("cannot tell", "one_point" if n_obs <= 1 else "few_points", "thin", latest, latest_year, needed)
    if latest_year is not None and latest_year < as_of - STALE_YEARS:
        return Verdict("cannot tell", "stale", "thin", latest, latest_year, needed)
    return Verdict(TREND_OF_CATEGORY[category], "", "eurostat", latest, latest_year, needed)


# ------------------------------------------------------------------------------------------------
# Paces observed, to set against the pace needed
# ------------------------------------------------------------------------------------------------


def observed_pace(frame: pd.DataFrame, kind: str, geo_id: str) -> Pace | None:
    """The pace of a series' latest segment (compound % a year; places a year for ranks), or None with
    fewer than two observations or a non-positive value."""
    segment = latest_segment(frame)
    if len(segment) < 2:
        return None
    (y0, v0), (y1, v1) = (segment[["year", "value"]].iloc[i] for i in (0, -1))
    y0, y1, v0, v1 = int(y0), int(y1), float(v0), float(v1)
    concept = None if is_missing(segment["concept"].iloc[-1]) else str(segment["concept"].iloc[-1])
    if kind == "rank":
        return Pace(geo_id, concept, (v0 - v1) / (y1 - y0), y0, y1)
    if v0 <= 0 or v1 <= 0:
        return None
    return Pace(geo_id, concept, ((v1 / v0) ** (1.0 / (y1 - y0)) - 1.0) * 100.0, y0, y1)


def comparison_paces(pkg, row: dict, kind: str) -> list[Pace]:
    """The paces a thin-data target's needed pace is set against: the geography's own (its latest segment on
    the target's definition), the nation's on the same definition and, for the digital-economy share, the
    nation's on the other definition. Only paces the data show (two or more observations)."""
    cache = series_cache(pkg)
    concept = None if is_missing(row["series_concept"]) else row["series_concept"]
    concept = concept or (None if is_missing(row["target_concept"]) else row["target_concept"])
    paces = []
    own = target_data(pkg, row["set_by_geo_id"], {"indicator_id": row["indicator_id"], "concept": concept}, cache)
    if own.definition_status in ("same", "unstated"):
        paces.append(observed_pace(own.history, kind, row["set_by_geo_id"]))
    if row["set_by_geo_id"] != NATION:
        paces.append(observed_pace(cache.own(NATION, row["indicator_id"], concept), kind, NATION))
    if row["indicator_id"] == SHARE_INDICATOR:
        for other in str(pkg.indicator(SHARE_INDICATOR)["concepts"]).split("|"):
            if other != concept:
                paces.append(observed_pace(cache.own(NATION, SHARE_INDICATOR, other), kind, NATION))
    return [p for p in paces if p is not None]


# ------------------------------------------------------------------------------------------------
# Words
# ------------------------------------------------------------------------------------------------


def _value_text(pkg, value: float, unit: str, indicator_id: str, lang: str) -> str:
    decimals = int(pkg.indicator(indicator_id)["decimals"])
    number = fmt_number(value, lang, max(decimals, decimals_of(value) if decimals else 0))
    if unit == "rank":
        return t("scorecard.rank_value", lang, number=number)
    if str(unit).startswith("%"):
        return percent_text(number, lang)
    return f"{number} {unit_text(unit, lang)}"


def _pace_text(pace: float, kind: str, lang: str) -> str:
    if kind == "rank":
        return _say("places_a_year", lang, n=fmt_number(pace, lang, 1))
    return _say("pct_a_year", lang, n=trim_zeros(fmt_number(pace, lang, 1), lang))


def _definition_words(concept: str | None, lang: str) -> str:
    """A definition in the report's words: the scorecard's for the digital-economy share, else the data
    package's concept label."""
    if not concept:
        return ""
    words = concept_text(concept, lang)
    return data_texts.label("concept", concept, lang, default="") if words == concept else words


def _paces_text(pkg, paces: list[Pace], kind: str, row: dict, lang: str) -> str:
    parts = []
    for pace in paces:
        who = _say("own", lang) if pace.geo_id == row["set_by_geo_id"] else geography.geo_name(pkg, pace.geo_id, lang)
        parts.append(_say("pace_of", lang, who=who, pace=_pace_text(pace.per_year, kind, lang),
                          definition=_definition_words(pace.concept, lang), start=pace.from_year, end=pace.to_year))
    return "; ".join(parts)


def evidence_text(pkg, row: dict, verdict: Verdict, paces: list[Pace], kind: str, lang: str) -> str:
    """The verdict's evidence in one line: the value and year it rests on (and on which definition), the pace
    needed and the paces observed, or the reason there is no verdict."""
    unit, indicator = row["unit"], row["indicator_id"]
    definition = _definition_words(None if is_missing(row["series_concept"]) else row["series_concept"], lang)
    value = "" if verdict.value is None else _value_text(pkg, verdict.value, unit, indicator, lang)
    where = (_say("where" if definition else "where_year", lang, value=value, year=verdict.value_year,
                  definition=definition) if value else "")
    if verdict.verdict in ("met", "not met"):
        key = "evidence.target_year" if verdict.rule == "target_year" else "evidence.before_target_year"
        return _say(key + ("_met" if verdict.verdict == "met" else "_missed"), lang, where=where,
                    target_year=int(row["target_year"]))
    if verdict.verdict == "not assessed":
        return _say("reason." + verdict.reason, lang, from_year=row["from_year"], year=int(row["target_year"]))
    needed = "" if verdict.needed_per_year is None else _pace_text(verdict.needed_per_year, kind, lang)
    if verdict.verdict != "cannot tell":  # a trend verdict
        own = paces[0] if paces and paces[0].geo_id == row["set_by_geo_id"] else None
        observed = _pace_text(own.per_year, kind, lang) if own else ""
        if not needed:
            return _say("evidence.already", lang, where=where)
        return _say("evidence.trend", lang, where=where, needed=needed, observed=observed,
                    start=own.from_year if own else "", end=own.to_year if own else "")
    reason = _say("reason." + verdict.reason, lang, n=int(row["n_obs"] or 0), stale=STALE_YEARS,
                  year=int(row["target_year"]), lookback=PASSED_LOOKBACK_YEARS)
    parts = [reason]
    if where:
        parts.append(_say("evidence.latest", lang, where=where))
    if needed:
        parts.append(_say("evidence.needed", lang, needed=needed))
    if paces and verdict.reason in ("one_point", "few_points", "stale"):
        parts.append(_say("evidence.observed", lang, paces=_paces_text(pkg, paces, kind, row, lang)))
    return "; ".join(parts)


# ------------------------------------------------------------------------------------------------
# One row per target
# ------------------------------------------------------------------------------------------------


def _group_key(row: dict) -> tuple:
    """Documents set the same target when they give the same geography, indicator, year, value and unit (their
    comparators, first years and wording may differ: the row says so); a regional rank stays apart."""
    def norm(v: Any) -> Any:
        return None if is_missing(v) else v
    regional = isinstance(row["scope"], str) and row["unit"] == "rank" and bool(row["scope"].strip())
    return (row["set_by_geo_id"], row["indicator_id"], int(row["target_year"]), float(row["target_value"]),
            norm(row["target_value_high"]), row["unit"], norm(row["scope"]) if regional else None)


def _pick(rows: list[dict]) -> dict:
    """The document a target set in several is judged on: a verified one first, then one of Resolution 57 (the
    resolution or a programme implementing it: :data:`RESOLUTION_57`), then the firmest comparator."""
    def rank(row: dict) -> tuple:
        unverified = not is_missing(row.get("target_unverified_reason"))
        order = COMPARATOR_ORDER.index(row["comparator"]) if row["comparator"] in COMPARATOR_ORDER else 99
        return (unverified, RESOLUTION_57 not in _english_instrument(row), order)
    return sorted(rows, key=rank)[0]


def _english_instrument(row: dict) -> str:
    """The target's instrument as the data name it in English: the rule reads the same words in every language
    (a row's ``instrument`` is in the report's language, and a Vietnamese citation names more than the English)."""
    targets = data_package.shared_package().targets
    hit = targets.loc[targets["target_id"] == row.get("target_id"), "instrument"]
    return str(hit.iloc[0]) if len(hit) else str(row["instrument"])


_NAME_END = re.compile(r" \(| ngày \d| của | về ")  # where an instrument's number ends and its gloss begins


def _instrument_name(instrument: str) -> str:
    """An instrument as a verdict row names it: its number without the date, issuer and gloss ('Resolution
    57-NQ/TW', 'Nghị quyết số 57-NQ/TW'); the full citation is in the sources and the documents list."""
    text = str(instrument)
    found = _NAME_END.search(text)
    return text[:found.start()] if found and found.start() > 0 else text


def _reading(row: dict, lang: str) -> str:
    high = None if is_missing(row["target_value_high"]) else float(row["target_value_high"])
    text = comparator_text(row["comparator"], float(row["target_value"]), high, lang, decimals_of(row["target_value"]))
    if not is_missing(row["from_year"]):
        text = _say("from_year", lang, reading=text, from_year=int(row["from_year"]))
    return f"{text} ({_instrument_name(row['instrument'])})"  # in the report's language (target_assessment)


def _documents_note(rows: list[dict], lang: str) -> str:
    """Where the documents of one target differ: comparator, first year, definition read on, verification."""
    notes = []
    if len({(r["comparator"], None if is_missing(r["from_year"]) else int(r["from_year"])) for r in rows}) > 1:
        notes.append(_say("documents_differ", lang, readings="; ".join(_reading(r, lang) for r in rows)))
    concepts = {r["series_concept"] for r in rows if not is_missing(r["series_concept"])}
    if len(concepts) > 1:
        notes.append(_say("documents_definitions", lang, readings="; ".join(
            f"{_instrument_name(r['instrument'])}: " + _definition_words(r["series_concept"], lang)
            for r in rows if not is_missing(r["series_concept"]))))
    unverified = [r for r in rows if not is_missing(r.get("target_unverified_reason"))]
    if unverified and len(unverified) < len(rows):
        notes.append(_say("documents_unverified", lang, n=len(unverified), total=len(rows)))
    return "; ".join(notes)


def _beside(pkg, row: dict, as_of: int, lang: str) -> str:
    """A digital-economy share target's other definitions: the latest value and what the same rule says on
    each, shown beside the verdict, never instead of it."""
    if row["indicator_id"] != SHARE_INDICATOR or is_missing(row["series_concept"]):
        return ""
    cache = series_cache(pkg)
    parts = []
    for concept in str(pkg.indicator(SHARE_INDICATOR)["concepts"]).split("|"):
        if concept == row["series_concept"]:
            continue
        found = target_data(pkg, row["set_by_geo_id"], {"indicator_id": SHARE_INDICATOR, "concept": concept}, cache)
        if found.definition_status != "same" or found.history.empty:
            continue
        other = _assess_on(pkg, row, concept, as_of, lang)
        verdict = decide(other, found.history, as_of)
        latest = found.history.iloc[-1]
        parts.append(_say("beside_part", lang, definition=_definition_words(concept, lang),
                          value=_value_text(pkg, float(latest["value"]), row["unit"], SHARE_INDICATOR, lang),
                          year=int(latest["year"]), verdict=verdict_word(verdict.verdict, lang)))
    return "; ".join(parts)


def _assess_on(pkg, row: dict, concept: str, as_of: int, lang: str) -> dict:
    """``row``'s target assessed on another definition (the same steps, the concept stated)."""
    one = pd.DataFrame([{"target_id": row["target_id"], "geo_id": row["set_by_geo_id"],
                         "indicator_id": row["indicator_id"], "comparator": row["comparator"],
                         "value": row["target_value"], "value_high": row["target_value_high"],
                         "year": row["target_year"], "from_year": row["from_year"], "unit": row["unit"],
                         "scope": row["scope"], "instrument": row["instrument"],
                         "source_id": row["target_source_id"], "relation": row["relation"],
                         "unverified_reason": row.get("target_unverified_reason")}])
    one["concept"] = concept
    latest = latest_values(pkg, one, lang)
    return records(assess_targets(pkg, required_paces(pkg, latest, as_of, lang), as_of, lang))[0]


@series_ranking.checks_tables_once
def verdict_table(pkg, assessed: pd.DataFrame, as_of: int, lang: str) -> pd.DataFrame:
    """The verdict of every target of an assessed table (``target_assessment.assess_targets``), one row per
    target: documents that set the same target are one row (:data:`VERDICT_COLUMNS`)."""
    cache = series_cache(pkg)
    groups: dict[tuple, list[dict]] = {}
    for row in records(assessed):
        groups.setdefault(_group_key(row), []).append(row)
    out = []
    for rows in groups.values():
        row = _pick(rows)
        meta = pkg.indicator(row["indicator_id"])
        kind = indicator_kind(meta["unit"], meta["direction"], meta["lower_bound"], meta["upper_bound"])
        concept = None if is_missing(row["series_concept"]) else row["series_concept"]
        found = target_data(pkg, row["set_by_geo_id"], {"indicator_id": row["indicator_id"],
                                                        "concept": row["target_concept"]}, cache)
        history = found.history if found.definition_status in ("same", "unstated") else found.history.iloc[0:0]
        verdict = decide(row, history, as_of, kind=kind)
        paces = comparison_paces(pkg, row, kind) if verdict.verdict != "not assessed" and kind != "rate" else []
        out.append({
            "target_id": row["target_id"], "target_ids": ";".join(r["target_id"] for r in rows),
            "geo_id": row["set_by_geo_id"], "relation": row["relation"], "indicator_id": row["indicator_id"],
            "target": f"{row['indicator']}: {row['target']}", "target_level": row["target"],
            "target_value": float(row["target_value"]),
            "target_year": int(row["target_year"]),
            "documents": "; ".join(dict.fromkeys(str(r["instrument"]) for r in rows)),
            "documents_note": _documents_note(rows, lang), "definition": concept,
            "verdict": verdict.verdict, "verdict_text": verdict_word(verdict.verdict, lang),
            "reason": verdict.reason, "rule": verdict.rule,
            "evidence": evidence_text(pkg, row, verdict, paces, kind, lang),
            "value": verdict.value, "value_year": verdict.value_year, "needed_per_year": verdict.needed_per_year,
            "needed_unit": None if verdict.needed_per_year is None else ("places" if kind == "rank" else "%"),
            "observed_paces": "; ".join(f"{p.geo_id}:{p.concept or ''}:{p.per_year:.4g}:{p.from_year}-{p.to_year}"
                                        for p in paces),
            "beside": _beside(pkg, row, as_of, lang),
            "unverified_reason": None if is_missing(row.get("target_unverified_reason")) or any(
                is_missing(r.get("target_unverified_reason")) for r in rows) else row["target_unverified_reason"],
            "target_source_id": row["target_source_id"],
            "data_source_id": None if is_missing(row["latest_source_id"]) else row["latest_source_id"],
        })
    frame = pd.DataFrame(out, columns=VERDICT_COLUMNS)
    for column in ("target_value", "value", "needed_per_year"):
        frame[column] = frame[column].astype(float)
    frame["value_year"] = frame["value_year"].astype("Int64")
    return frame


def verdicts_for(pkg, geo_id: str, as_of: int, lang: str, indicators: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The verdicts of ``geo_id``'s targets, its related units' and the national ones (the scorecard's selection,
    narrowed to ``indicators`` when given): what the digital-economy and budget reports show."""
    selection = select_targets(pkg, geo_id)
    if indicators is not None:
        selection = selection[selection["indicator_id"].isin(indicators)].reset_index(drop=True)
    latest = latest_values(pkg, selection, lang)
    assessed = assess_targets(pkg, required_paces(pkg, latest, as_of, lang), as_of, lang)
    return verdict_table(pkg, assessed, as_of, lang)


def counts(verdicts: pd.DataFrame) -> dict[str, int]:
    """Targets per verdict (every verdict, zeros included): the summary's and the index's counts."""
    return {"n_targets": int(len(verdicts)),
            **{"n_" + v.replace(" ", "_"): int((verdicts["verdict"] == v).sum()) for v in VERDICTS}}


GLANCE_NAMED = 4  # targets named per decisive verdict in the glance table before "and N more"


def glance_table(verdicts: pd.DataFrame, lang: str, caption: str):
    """The verdict table a long report opens with (the scorecard): one row per verdict the targets got, its
    number of targets and which they are (a decisive verdict names its targets; 'cannot tell' and 'not
    assessed' count their reasons). Read from the same verdicts as the full table, so the words agree."""
    from .reader_tables import Column, reader_table

    rows = []
    for verdict in VERDICTS:
        these = verdicts[verdicts["verdict"] == verdict]
        if these.empty:
            continue
        if verdict in ("cannot tell", "not assessed"):
            reasons = these["reason"].fillna("").astype(str).value_counts(sort=True)
            which = "; ".join(_say("glance.reason_count", lang, reason=_say("glance.reason." + (reason or "none"), lang),
                                   n=int(n)) for reason, n in reasons.items())
        else:
            named = [_say("glance.target_year", lang, target=r["target"], year=int(r["target_year"]))
                     for r in records(these.head(GLANCE_NAMED))]
            which = "; ".join(named)
            if len(these) > GLANCE_NAMED:
                which = _say("glance.more", lang, which=which, n=len(these) - GLANCE_NAMED)
        rows.append({"status": verdict_badge(verdict, lang), "n": len(these), "which": which})
    frame = pd.DataFrame(rows, columns=["status", "n", "which"])
    columns = [Column("status", _say("col_verdict", lang), "badge"), Column("n", _say("glance.col_n", lang), "int"),
               Column("which", _say("glance.col_which", lang))]
    return reader_table(frame, columns, lang, caption=caption, css_class="nq57-verdicts")


def target_labels(pkg, verdicts: pd.DataFrame, lang: str) -> dict[str, str]:
    """target_id -> "Vĩnh Phúc: ≥ 3 % of budget expenditure by 2030": who set it (where the rows are set by more
    than one unit), the level and the year; for a verdict table of one indicator."""
    several = verdicts["geo_id"].nunique() > 1
    return {r["target_id"]: _say("glance.who_target" if several else "glance.target_year", lang,
                                 who=geography.geo_name(pkg, r["geo_id"], lang), target=r["target_level"],
                                 year=int(r["target_year"]))
            for r in records(verdicts)}


def answer_table(verdicts: pd.DataFrame, lang: str, caption: str, target_words: dict[str, str] | None = None):
    """The verdict table a report opens with: each target (with how many documents set it), its verdict and
    why in one line (the other definition beside it, where the documents differ). The rule is shown once,
    below the first chart (``[verdict] rule_text``)."""
    from .reader_tables import Column, reader_table

    rows = []
    for r in records(verdicts):
        target = (target_words or {}).get(r["target_id"], r["target"])
        n_documents = len(str(r["target_ids"]).split(";"))
        if n_documents > 1:
            target = _say("documents", lang, target=target, n=n_documents)
        why = r["evidence"]
        if r["beside"]:
            why = _say("beside", lang, why=why, beside=r["beside"])
        if r["documents_note"]:
            note = r["documents_note"]
            why = _say("with_note", lang, why=why, note=note[:1].upper() + note[1:])
        if not is_missing(r.get("unverified_reason")):
            why = _say("with_note", lang, why=why, note=_say("unverified", lang))
        rows.append({"target": target, "status": verdict_badge(r["verdict"], lang), "why": why})
    frame = pd.DataFrame(rows, columns=["target", "status", "why"])
    columns = [Column("target", _say("col_target", lang)), Column("status", _say("col_verdict", lang), "badge"),
               Column("why", _say("col_why", lang))]
    return reader_table(frame, columns, lang, caption=caption, css_class="nq57-verdicts")
