"""Every user-facing word, by key: ``t("report.headings.data", "vi")`` -> "Số liệu và giả định".

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

LANGS = ("en", "vi")
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


def t(key: str, lang: str, /, **fmt: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt`` when given."""
    texts = catalog(lang)
    if key not in texts:
        raise KeyError(f"no text {key!r} in locale/{lang}.toml")
    return texts[key].format(**fmt) if fmt else texts[key]


_MARKDOWN_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>|#!"})


def plain(value: Any) -> str:
    """Data text (a publisher, a title, a name) made inert in a Markdown narrative: every character
    Markdown could read as markup (links, images, emphasis, HTML, tables) is backslash-escaped.

    The one helper for data text entering Markdown; the data layer already refuses markup at load,
    so this is the second line of defence. Links in reports are made by the report itself.
    """
    return str(value).translate(_MARKDOWN_SPECIAL)


def section(prefix: str, lang: str) -> dict[str, str]:
    """{entry: text} of every key directly under ``prefix`` (e.g. ``report.columns``): the caller's own copy."""
    return dict(_section(prefix, lang))


@lru_cache(maxsize=None)
def _section(prefix: str, lang: str) -> dict[str, str]:
    start = prefix + "."
    return {key[len(start):]: text for key, text in catalog(lang).items()
            if key.startswith(start) and "." not in key[len(start):]}


def bilingual(prefix: str) -> dict[str, dict[str, str]]:
    """{entry: {"en": text, "vi": text}} of every key directly under ``prefix``, for label tables."""
    en, vi = section(prefix, "en"), section(prefix, "vi")
    return {key: {"en": en[key], "vi": vi[key]} for key in en}


class _Number(float):
    """A number placed in a phrase: formatted by the template's spec, then given ``lang``'s marks."""

    lang = "en"

    def __format__(self, spec: str) -> str:
        text = float.__format__(self, spec or "g")
        if self.lang == "vi":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text


@lru_cache(maxsize=None)
def _number_in(lang: str):
    return type(f"_Number_{lang}", (_Number,), {"lang": lang})


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
