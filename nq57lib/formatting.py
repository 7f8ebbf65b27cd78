"""Numbers, percentages and dates as readers see them, by language: one home for their formatting.

It sits below the charts and the reports: figure labels (``nq57lib.charts``), table views, phrases of the
locale files (``nq57lib.text``) and report sentences (the notebook modules) all format numbers here, so
"33,333.5" in English is "33.333,5" in Vietnamese everywhere. The marks (decimal and grouping symbols)
come from the Unicode CLDR through Babel; a Vietnamese percentage is written as in Vietnamese
administrative documents and CLDR ("35%", "0,65%": no space, no needless ",0"), an English one keeps this
project's "35.0 %"; a Vietnamese date is the administrative form ("14/9/2023", "ngày 14/9/2023" in prose).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from .errors import check_choice

LANGS = ("en", "vi")  # the report languages: the one list (validate_parameters decides a report's language from it)
MISSING = "–"  # an absent number in prose
PERCENT = {"en": " %", "vi": "%"}  # the percent sign after a number, by language


@lru_cache(maxsize=None)
def number_marks(lang: str) -> tuple[str, str]:
    """(decimal mark, grouping mark) of ``lang`` from the CLDR (Babel): ('.', ',') in English, (',', '.') in
    Vietnamese."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    check_choice("lang", lang, LANGS)
    return get_decimal_symbol(lang), get_group_symbol(lang)


def localize_marks(text: str, lang: str) -> str:
    """A number written with Python's marks ('33,333.5') given ``lang``'s marks ('33.333,5' in Vietnamese)."""
    decimal, group = number_marks(lang)
    if (decimal, group) == (".", ","):
        return text
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


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
    return localize_marks(text, lang)


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
    """A percentage for prose ('22.9 %' / '22,9%'; '35.0 %' / '35%': Vietnamese drops a needless ',0')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return percent_text(fmt_number(value, lang, decimals), lang)


def percent_text(number: str, lang: str) -> str:
    """A number already written for ``lang`` with the percent sign: '35.0 %' in English, '35%' in Vietnamese
    (trailing decimal zeros dropped: '35,0' -> '35', '0,50' -> '0,5')."""
    return f"{trim_zeros(number, lang)}{PERCENT[lang]}"


def trim_zeros(number: str, lang: str) -> str:
    """A number written for ``lang`` without needless decimal zeros in Vietnamese ('5,0' -> '5', '0,50' ->
    '0,5'; a grouped '1.000' is left as it is); English as it is."""
    decimal = number_marks(lang)[0]
    if lang == "vi" and re.search(rf"{re.escape(decimal)}\d+$", number):
        number = number.rstrip("0").rstrip(decimal)
    return number


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_kind(value: Any) -> str | None:
    """'day', 'month' or 'year' for an ISO date of the data ('2023-09-14', '2023-09', '2023'); None otherwise."""
    found = _ISO_DATE.match(str(value).strip()) if value is not None else None
    if not found:
        return None
    return "day" if found.group(3) else "month" if found.group(2) else "year"


def format_date(value: Any, lang: str) -> str:
    """A date of the data ('2023-09-14', '2023-09', '2023') for ``lang``: as written in English; in
    Vietnamese the administrative form '14/9/2023', '9/2023', '2023' (CLDR pattern through Babel). Anything
    else is returned as it is. In a sentence, ``text.prose_date`` adds the words ('ngày …', 'tháng …')."""
    check_choice("lang", lang, LANGS)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = str(value).strip()
    found = _ISO_DATE.match(text)
    if lang == "en" or not found:
        return text
    year, month, day = found.groups()
    if day:
        import datetime

        from babel.dates import format_date as babel_date

        return babel_date(datetime.date(int(year), int(month), int(day)), "d/M/y", locale=lang)
    if month:
        return f"{int(month)}/{year}"
    return year


def comparator_text(comparator: str, value: float, value_high: float | None, lang: str, decimals: int = 1) -> str:
    """A target condition in words, e.g. '≥ 35.0' or '40.0–50.0'."""
    if comparator == "between":
        return f"{fmt_number(value, lang, decimals)}–{fmt_number(value_high, lang, decimals)}"
    symbol = {">=": "≥", "<=": "≤", "=": "≈"}.get(comparator, comparator)
    return f"{symbol} {fmt_number(value, lang, decimals)}"

