"""Geographies of the data package: resolve a name to its id, name a unit, and map the 2025 mergers.

``resolve_geo(text)`` accepts an id, slug or name in any case, with or without diacritics, and refuses
anything else with a one-line "did you mean". ``old_units`` / ``successor`` read the merger table.
"""

from __future__ import annotations

import difflib
import unicodedata

import numpy as np
import pandas as pd

from .text import t
from .errors import ParameterError, shorten
from .data_package import DataPackage, shared_package


def _fold(text: str) -> str:
    """Lowercase ASCII form for matching names: 'Vĩnh Phúc' -> 'vinh-phuc', 'TP.HCM' -> 'tp-hcm'."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text).split())


_LOOKUPS: dict[tuple, dict[str, str]] = {}


def _geo_lookup(pkg: DataPackage) -> dict[str, set[str]]:
    """Folded name/alias/slug/id -> the geo_ids it names, built once per data vintage (lookups are frequent)."""
    key = (pkg.checksum, pkg.extra_files)
    if key not in _LOOKUPS:
        _LOOKUPS.clear()  # one vintage at a time is enough
        _LOOKUPS[key] = _build_geo_lookup(pkg)
    return _LOOKUPS[key]


def _build_geo_lookup(pkg: DataPackage) -> dict[str, set[str]]:
    lookup: dict[str, set[str]] = {}
    columns = ["aliases", "name_vi", "name_en", "slug", "geo_id"]
    for aliases, name_vi, name_en, slug, geo_id in pkg.geography[columns].itertuples(index=False):
        for text in (*(aliases if isinstance(aliases, str) else "").split("|"), name_vi, name_en, slug, geo_id):
            if isinstance(text, str) and text.strip():
                lookup.setdefault(_fold(text), set()).add(geo_id)
    return lookup


def check_geo_text(text: str, name: str = "geo") -> str:
    """Refuse invisible, control and compatibility (fullwidth, ligature...) characters in a geography.

    They are never folded away silently: 'ｖｎ' or 'vn' with a zero-width space is a typo or a trick.
    """
    for ch in text:
        category = unicodedata.category(ch)
        if (category in ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp") or (category == "Zs" and ch != " ")
                or unicodedata.decomposition(ch).startswith("<")):
            raise ParameterError(name, f"geography {shorten(text)!r} contains the character U+{ord(ch):04X} "
                                       f"({unicodedata.name(ch, 'unnamed')}); type plain letters")
    return text


def resolve_geo(text, pkg: DataPackage | None = None, *, name: str = "geo") -> str:
    """Return the geo_id for an id, slug, or name (any case, with or without diacritics).

    Raises ``ParameterError`` naming ``name`` with a "did you mean" suggestion otherwise, and when a
    name is shared by an old and a new unit ("Bắc Ninh", "Phu Tho"): the error lists both ids.
    An exact id always wins: 'phu-tho' is the old province, 'phu-tho-2025' the new one.
    """
    if not isinstance(text, str) or not text.strip():
        raise ParameterError(name, f"expected a geography id or name, got {shorten(text)!r}")
    if "\x00" in text or "/" in text or "\\" in text:
        raise ParameterError(name, f"not a geography id: {shorten(text)!r}")
    check_geo_text(text, name)
    pkg = pkg or shared_package()
    if text in set(pkg.geography["geo_id"]):
        return text
    lookup = _geo_lookup(pkg)
    key = _fold(text)
    found = sorted(lookup.get(key, ()))
    if len(found) == 1:
        return found[0]
    if found:
        raise ParameterError(name, f"{shorten(text)!r} names several units: {', '.join(found)}; pass one of these ids")
    hint = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.6)
    suggestion = (f"; did you mean '{', '.join(sorted(lookup[hint[0]]))}'?" if hint
                  else "; run `nq57 data --geos` for the list")
    raise ParameterError(name, f"unknown geography {shorten(text)!r}{suggestion}")


def geo_id_of(pkg: DataPackage, text, *, name: str = "geo") -> str:
    """``text`` itself when it is a geography id of ``pkg``, else ``resolve_geo(text)``.

    The geography is decided once: validated parameters hold its id (``P.geo``, resolved by
    ``validate_parameters``), and the functions that take it (the steps, ``series``...) take an id as it is,
    never resolving it again; only a name a researcher passes directly is resolved (or refused) here.
    """
    if isinstance(text, str) and (pkg.geography["geo_id"].to_numpy() == text).any():
        return text
    return resolve_geo(text, pkg, name=name)


def geo_row(pkg: DataPackage, geo_id: str) -> pd.Series:
    """Geography metadata of one unit."""
    hits = np.flatnonzero(pkg.geography["geo_id"].to_numpy() == geo_id)
    if not hits.size:
        resolved = resolve_geo(geo_id, pkg)  # raises with a suggestion for an unknown one
        raise ParameterError("geo", f"{shorten(str(geo_id))!r} is a name, not an id: use {resolved!r}")
    return pkg.geography.iloc[hits[0]]


def geo_name(pkg: DataPackage, geo_id: str, lang: str = "en") -> str:
    """Display name: Vietnamese with diacritics for 'vi', English otherwise; new units marked."""
    row = geo_row(pkg, geo_id)
    name = row["name_vi"] if lang == "vi" else row["name_en"]
    if pd.notna(row["valid_from"]):
        name += t("common.geo.new_unit_mark", lang)
    elif pd.notna(row["valid_to"]) and row["geo_id"] in set(pkg.mergers["old_geo_id"]):
        name += t("common.geo.old_unit_mark", lang)
    return name


def old_units(pkg: DataPackage, new_geo_id: str) -> list[str]:
    """The old provinces merged into a 2025 unit (empty for units not created by a merger)."""
    m = pkg.mergers
    return sorted(m.loc[m["new_geo_id"] == new_geo_id, "old_geo_id"])


def successor(pkg: DataPackage, old_geo_id: str) -> str | None:
    """The 2025 unit an old province was merged into, if any."""
    m = pkg.mergers
    hit = m.loc[m["old_geo_id"] == old_geo_id, "new_geo_id"]
    return None if hit.empty else str(hit.iloc[0])


def units(pkg: DataPackage, system: str) -> list[str]:
    """geo_ids of the provinces in one system: '63' (until 30 June 2025) or '34' (from 1 July 2025)."""
    geo = pkg.geography[pkg.geography["level"] == "province"]
    if system == "63":
        return sorted(geo.loc[geo["valid_from"].isna(), "geo_id"])
    if system == "34":
        return sorted(geo.loc[geo["valid_to"].isna(), "geo_id"])
    raise ParameterError("system", f"expected '63' or '34', got {system!r}")
