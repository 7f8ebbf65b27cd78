"""Every user-facing word, by key: ``t("report.headings.sensitivity", "vi")`` -> "Phân tích độ nhạy".

The words live in ``nq57lib/locale/en.toml`` and ``nq57lib/locale/vi.toml`` (read with the standard
library's ``tomllib``), one file per language with the same keys; a test checks that every key is in
both, non-empty, with the same ``{placeholders}``. Keys are dotted paths of TOML tables: the section
(``common``, one per notebook, ``charts``, ``report``), sub-tables, then the entry.

Concept, status and unit labels of the data live in the data package (``data/labels.csv``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import check_choice
from .formatting import LANGS, date_kind, format_date, localize_marks

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = value
    return flat


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All texts of ``lang`` as a flat {dotted key: text} mapping (read once per process)."""
    check_choice("lang", lang, LANGS)
    with open(LOCALE_DIR / f"{lang}.toml", "rb") as handle:
        return _flatten(tomllib.load(handle))


# The report geography's level, for the words of its aggregate: GDP for the nation, GRDP for a province.
_LEVEL = {"level": "province"}


def use_geography_level(level: str) -> None:
    """Say whether the report's geography is the nation (``level`` 'nation': its aggregate is GDP) or a
    province (any other level: GRDP). Every text then reads ``{aggregate}`` ("GDP"/"GRDP") and
    ``{aggregate_full}`` (spelled out, e.g. "tổng sản phẩm trên địa bàn (GRDP)") as that geography's
    (``common.aggregate`` in the locale files). Set once per report when its parameters are validated."""
    _LEVEL["level"] = "nation" if level == "nation" else "province"


def _with_aggregate(text: str, lang: str) -> str:
    if "{aggregate" not in text:
        return text
    words = catalog(lang)
    level = _LEVEL["level"]
    return (text.replace("{aggregate_full}", words[f"common.aggregate.{level}_full"])
            .replace("{aggregate}", words[f"common.aggregate.{level}"]))


def t(key: str, lang: str, /, **fmt: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt`` when given (and the
    report geography's aggregate, ``{aggregate}``/``{aggregate_full}``, always)."""
    texts = catalog(lang)
    if key not in texts:
        raise KeyError(f"no text {key!r} in locale/{lang}.toml")
    text = _with_aggregate(texts[key], lang)
    return text.format(**fmt) if fmt else text


_MARKDOWN_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>|#!"})


def plain(value: Any) -> str:
    """Data text (a publisher, a title, a name) made inert in a Markdown narrative: every character
    Markdown could read as markup (links, images, emphasis, HTML, tables) is backslash-escaped.

    The one helper for data text entering Markdown; the data layer already refuses markup at load,
    so this is the second line of defence. Links in reports are made by the report itself.
    """
    return str(value).translate(_MARKDOWN_SPECIAL)


def section(prefix: str, lang: str) -> dict[str, str]:
    """{entry: text} of every key directly under ``prefix`` (e.g. ``report.columns``): the caller's own copy,
    the report geography's aggregate filled in."""
    return {key: _with_aggregate(text, lang) for key, text in _section(prefix, lang).items()}


@lru_cache(maxsize=None)
def _section(prefix: str, lang: str) -> dict[str, str]:
    start = prefix + "."
    return {key[len(start):]: text for key, text in catalog(lang).items()
            if key.startswith(start) and "." not in key[len(start):]}


class _ByLang(dict):
    """{lang: text} whose texts get the report geography's aggregate when read (label tables are built at
    import, before a report says which geography it is about)."""

    def __getitem__(self, lang: str) -> str:
        return _with_aggregate(super().__getitem__(lang), lang)

    def get(self, lang: str, default: Any = None) -> Any:
        return self[lang] if lang in self else default


def bilingual(prefix: str) -> dict[str, dict[str, str]]:
    """{entry: {"en": text, "vi": text}} of every key directly under ``prefix``, for label tables."""
    en, vi = _section(prefix, "en"), _section(prefix, "vi")
    return {key: _ByLang(en=en[key], vi=vi[key]) for key in en}


class _Number(float):
    """A number placed in a phrase: formatted by the template's spec, then given ``lang``'s marks."""

    lang = "en"

    def __format__(self, spec: str) -> str:
        return localize_marks(float.__format__(self, spec or "g"), self.lang)


class _Integer(int):
    """A whole number placed in a phrase ('{n:,}'): formatted by the spec, then given ``lang``'s marks."""

    lang = "en"

    def __format__(self, spec: str) -> str:
        return localize_marks(int.__format__(self, spec or "d"), self.lang)


@lru_cache(maxsize=None)
def _number_in(lang: str):
    return type(f"_Number_{lang}", (_Number,), {"lang": lang})


@lru_cache(maxsize=None)
def _integer_in(lang: str):
    return type(f"_Integer_{lang}", (_Integer,), {"lang": lang})


class Phrase(str):
    """A sentence by key with its values: it *is* its English text (so results files, string checks and
    source-id searches see exactly the English words), and renders in any language with ``render(lang)``.

    Engines and derivations return phrases (language-free in their code); reports render them in the
    reader's language. Values may be numbers (formatted by the template's spec with the language's
    marks), text (data: names, source ids, titles, kept as published), other phrases, ``Names``,
    ``Joined``, or a tuple joined by "; ". Any string operation on a phrase gives plain English text.
    """

    key: str
    values: tuple[tuple[str, Any], ...]

    def __new__(cls, key: str, values: tuple[tuple[str, Any], ...] = ()):
        made = super().__new__(cls, _render(key, values, "en"))
        made.key, made.values = key, tuple(values)
        return made

    def render(self, lang: str) -> str:
        return _render(self.key, self.values, lang)

    def __reduce__(self):  # pickles (papermill, multiprocessing) as a phrase
        return (Phrase, (self.key, self.values))


def _render(key: str, values: tuple, lang: str) -> str:
    number = _number_in(lang)
    return t(key, lang, **{name: _value(v, lang, number) for name, v in values}) if values else t(key, lang)


def _value(value: Any, lang: str, number) -> Any:
    if isinstance(value, Phrase):
        return value.render(lang)
    if isinstance(value, (Names, Joined)):
        return value.render(lang)
    if isinstance(value, tuple):
        return "; ".join(str(_value(v, lang, number)) for v in value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, int) and not isinstance(value, bool):  # numpy ints are not ``int``: left as they are
        return _integer_in(lang)(value)
    return value


def phrase(key: str, /, **values: Any) -> Phrase:
    """``Phrase(key, values)``: e.g. ``phrase("common.inputs.basis.seed", seed=57)``."""
    return Phrase(key, tuple(values.items()))


def render(text: Any, lang: str) -> str:
    """A phrase in ``lang``; plain text as it is."""
    return text.render(lang) if isinstance(text, Phrase) else text


@dataclass(frozen=True)
class Names:
    """A name the data hold in each language (e.g. a scenario's ``name`` and ``name_vi``), for a phrase."""

    by_lang: tuple[tuple[str, str], ...]

    def render(self, lang: str) -> str:
        found = dict(self.by_lang)
        return found.get(lang) or found["en"]


def names(**by_lang: str) -> Names:
    """``names(en="current trend", vi="xu hướng hiện tại")``."""
    return Names(tuple(by_lang.items()))


@dataclass(frozen=True)
class Joined:
    """Phrases (or numbers, or text) joined by ``sep`` in any language, for a phrase's value."""

    sep: str
    items: tuple

    def render(self, lang: str) -> str:
        number = _number_in(lang)
        return self.sep.join(str(_value(v, lang, number)) for v in self.items)


def prose_date(value, lang: str) -> str:
    """A date of the data in a sentence: as written in English; in Vietnamese 'ngày 14/9/2023', 'tháng
    9/2023' or '2023' (``formatting.format_date`` with the words of ``[common.date]``)."""
    written = format_date(value, lang)
    kind = date_kind(value)
    if lang == "en" or kind not in ("day", "month"):
        return written
    return t(f"common.date.{kind}", lang, date=written)
