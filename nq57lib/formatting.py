"""Numbers as readers see them, by language: one home for number and percentage formatting.

It sits below the charts and the reports: figure labels (``nq57lib.charts``), table views and report
sentences (the notebook modules) all format numbers here, so "33,333.5" in English is "33.333,5" in
Vietnamese everywhere.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import check_choice

LANGS = ("en", "vi")
MISSING = "–"  # an absent number in prose


def format_number(value: float, lang: str, decimals: int | None = None) -> str:
    """Format a number for ``lang``: 33,333.5 in English, 33.333,5 in Vietnamese.

    Without ``decimals``: none from 100 up, else up to two (trailing zeros dropped).
    Every figure label and every report sentence formats numbers through this function.
    """
    check_choice("lang", lang, LANGS)
    if decimals is None:
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_significant(value: float, lang: str, digits: int = 3) -> str:
    """A number too small for fixed decimals, with ``digits`` significant figures: '8.45 × 10⁻⁶'
    ('8,45 × 10⁻⁶' in Vietnamese), so a fitted parameter never reads as '0.00'."""
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{format_number(float(mantissa), lang, digits - 1)} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def fmt_number(value: Any, lang: str, decimals: int = 1) -> str:
    """A number for prose: thousands grouped, '.' decimal in English, ',' decimal in Vietnamese;
    '–' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return format_number(float(value), lang, decimals)


def fmt_pct(value: Any, lang: str, decimals: int = 1) -> str:
    """A percentage for prose ('22.9 %' / '22,9 %')."""
    return f"{fmt_number(value, lang, decimals)} %"


def comparator_text(comparator: str, value: float, value_high: float | None, lang: str, decimals: int = 1) -> str:
    """A target condition in words, e.g. '≥ 35.0' or '40.0–50.0'."""
    if comparator == "between":
        return f"{fmt_number(value, lang, decimals)}–{fmt_number(value_high, lang, decimals)}"
    symbol = {">=": "≥", "<=": "≤", "=": "≈"}.get(comparator, comparator)
    return f"{symbol} {fmt_number(value, lang, decimals)}"

