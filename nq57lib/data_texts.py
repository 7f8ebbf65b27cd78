"""The data package's words: reader-facing labels of codes (``labels.csv``) and the Vietnamese text a report
shows for each English data text (a source's title, a target's note...)."""

from __future__ import annotations

import re
import weakref
from typing import Sequence

import pandas as pd

from .formatting import LANGS
from .text import t
from .data_package import DataPackage, VI_TEXT_COLUMNS, filled_text, shared_package


def label(kind: str, key: str, lang: str, pkg: DataPackage | None = None, default: str | None = None) -> str:
    """The reader-facing label of a code in ``lang`` (``labels.csv``): e.g. ``label("status", "plan", "vi")``.

    Returns ``default`` for a code without a label when one is given; otherwise raises KeyError.
    """
    from .errors import check_choice

    check_choice("lang", lang, LANGS)
    labels = (pkg or shared_package()).labels
    rows = labels[(labels["kind"] == kind) & (labels["key"] == key)] if labels is not None else labels
    if rows is None or rows.empty:
        if default is not None:
            return default
        raise KeyError(f"no {kind} label for {key!r} in labels.csv")
    return str(rows.iloc[0][f"label_{lang}"])


_VI_TEXTS: "weakref.WeakKeyDictionary[DataPackage, dict]" = weakref.WeakKeyDictionary()


def _is_description(title: str) -> bool:
    """A Vietnamese title that describes its source in square brackets (or names a file and describes it) rather
    than giving or translating its title."""
    return title.startswith("[") or re.match(r"^[\w./-]+ \[", title) is not None


def _vi_texts(pkg: DataPackage) -> dict[str, dict[str, str]]:
    """{English column: {English text: the text a Vietnamese report shows}}, made once per package.

    A source title keeps its own words where the source is Vietnamese (the original title, or a description in
    square brackets); another language's title is shown as a translation, labelled so."""
    texts = _VI_TEXTS.get(pkg)
    if texts is None:
        texts = {}
        for name, columns in VI_TEXT_COLUMNS.items():
            frame = getattr(pkg, name)
            for english, vietnamese in columns.items():
                if vietnamese not in frame.columns:
                    continue
                pairs = texts.setdefault(english, {})
                language = frame["language"] if "language" in frame.columns else pd.Series("vi", index=frame.index)
                for en, vi, lang in zip(frame[english], frame[vietnamese], language):
                    if not filled_text(en):
                        continue
                    if not filled_text(vi):  # a researcher's row: known, shown with the fallback (text_in)
                        pairs.setdefault(str(en), "")
                        continue
                    if english == "title" and lang != "vi" and not _is_description(vi):
                        vi = t("data_text.translated_title", "vi", title=vi)
                    if not pairs.get(str(en)):
                        pairs[str(en)] = vi
        _VI_TEXTS[pkg] = texts
    return texts


def text_in(pkg: DataPackage | None, column: str, english, lang: str):
    """The data text ``english`` of ``column`` (a source's ``title`` or ``publisher``, a target's
    ``instrument`` or ``unverified_reason``, a target's or observation's ``note``) in ``lang``.

    English: unchanged. Vietnamese: the row's ``_vi`` text. A researcher's own file may leave it empty
    (the shipped rows cannot: ``_check_vietnamese_texts``): a title or publisher is then shown as written (a
    name), any other text in its English words, labelled as such."""
    if lang != "vi" or not filled_text(english):
        return english
    vi = _vi_texts(pkg if pkg is not None else shared_package()).get(column, {}).get(str(english))
    if vi:
        return vi
    if column in ("title", "publisher"):
        return english
    return t("data_text.untranslated", "vi", text=str(english).rstrip(". "))


def data_names(column: str, english, pkg: DataPackage | None = None):
    """A data text in both languages for a phrase (``text.Names``): the English text and what a Vietnamese
    report shows (``text_in``; ``pkg`` None: the shared package). Not text: returned as it is."""
    from .text import names

    if not filled_text(english):
        return english
    return names(en=str(english), vi=text_in(pkg, column, english, "vi"))


def texts_in(pkg: DataPackage | None, frame: pd.DataFrame, lang: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``frame`` with its data-text columns (``title``, ``publisher``, ``instrument``, ``note``,
    ``unverified_reason``, and those named in ``columns`` as ``{shown column: data column}``) in ``lang``."""
    if lang != "vi":
        return frame
    out = frame.copy()
    mapping = dict(columns or {c: c for c in ("title", "publisher", "instrument", "note", "unverified_reason")})
    known = _vi_texts(pkg if pkg is not None else shared_package())
    for shown, column in mapping.items():
        if shown in out.columns:  # only the data's own texts: a note the project wrote is already in the language
            out[shown] = [text_in(pkg, column, v, lang) if isinstance(v, str) and v in known.get(column, {}) else v
                          for v in out[shown]]
    return out
