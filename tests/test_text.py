"""The locale files: every key in both languages, non-empty, with the same placeholders; and shipped."""

import string

import pytest

from nq57lib import text


def _placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def test_every_key_exists_in_both_languages_with_text_and_the_same_placeholders():
    en, vi = text.catalog("en"), text.catalog("vi")
    assert set(en) == set(vi), f"only in en: {sorted(set(en) - set(vi))}; only in vi: {sorted(set(vi) - set(en))}"
    for key in en:
        assert en[key].strip() and vi[key].strip(), key
        assert _placeholders(en[key]) == _placeholders(vi[key]), key


def test_every_area_has_its_section():
    sections = {key.split(".")[0] for key in text.catalog("en")}
    assert {"common", "digital_economy", "budget_floor", "scorecard", "charts", "report"} <= sections


def test_t_fills_placeholders_and_names_a_missing_key():
    assert text.t("common.scenario.logistic", "en", ceiling="75") == "logistic to 75 % ceiling"
    assert text.t("common.scenario.logistic", "vi", ceiling="75") == "đường logistic đến trần 75 %"
    assert text.t("report.headings.data", "vi") == "Số liệu và giả định"
    with pytest.raises(KeyError, match="report.nope"):
        text.t("report.nope", "en")


def test_one_translation_for_the_terms_that_used_to_conflict():
    assert text.t("common.assessment.insufficient_data", "vi") == "chưa đủ số liệu"
    from nq57lib import data

    assert data.label("status", "plan", "vi") == "dự toán"


def test_packaging_ships_the_locale_files():
    """pyproject's package data matches every locale file (checked by hand with ``pip wheel .``)."""
    import tomllib

    from nq57lib import config

    project = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["nq57lib"]
    shipped = {p for pattern in patterns for p in (config.PROJ_ROOT / "nq57lib").glob(pattern)}
    assert set(text.LOCALE_DIR.glob("*.toml")) == shipped == {text.LOCALE_DIR / "en.toml", text.LOCALE_DIR / "vi.toml"}
