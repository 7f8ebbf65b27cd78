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
    # issue 27 (T24, formats): the saturation level named, "75%" without a space as Vietnamese documents write it
    assert text.t("common.scenario.logistic", "vi", ceiling="75") == "đường cong logistic (mức bão hòa 75%)"
    # issue 27 item 4: the inputs, data and sources close the report as its technical annex
    assert text.t("report.headings.data", "vi") == "Phụ lục kỹ thuật: số liệu, giả định và nguồn"
    with pytest.raises(KeyError, match="report.nope"):
        text.t("report.nope", "en")


def test_one_translation_for_the_terms_that_used_to_conflict():
    assert text.t("common.assessment.insufficient_data", "vi") == "chưa đủ số liệu"
    from nq57lib import data_texts

    assert data_texts.label("status", "plan", "vi") == "dự toán"


def test_packaging_ships_the_locale_files():
    """pyproject's package data matches every locale file (checked by hand with ``pip wheel .``)."""
    import tomllib

    from nq57lib import config

    project = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["nq57lib"]
    shipped = {p for pattern in patterns for p in (config.PROJ_ROOT / "nq57lib").glob(pattern)}
    assert set(text.LOCALE_DIR.glob("*.toml")) == shipped == {text.LOCALE_DIR / "en.toml", text.LOCALE_DIR / "vi.toml"}


def test_a_phrase_is_its_english_text_and_renders_in_vietnamese_with_its_marks():
    import pickle

    basis = text.phrase("budget_floor.basis.grown", basis=text.phrase("common.inputs.basis.not_given"), year=2025,
                        growth=9.7449, value=190012.4)
    assert basis == "not given; grown to 2025 at the path's 9.74 % a year = 190,012 bn VND"
    assert basis.render("vi") == ("không ghi; tăng đến năm 2025 theo tốc độ 9,74% một năm của dự báo chi ngân sách "
                                  "= 190.012 tỷ đồng")
    assert pickle.loads(pickle.dumps(basis)).render("vi") == basis.render("vi")
    named = text.phrase("common.inputs.basis.series", name=text.names(en="Vietnam", vi="Việt Nam"),
                        concept=text.Phrase("common.inputs.concept.ministry"))
    assert (named, named.render("vi")) == ("Vietnam (ministry's estimate)", "Việt Nam (Bộ TT&TT, nay là Bộ KH&CN)")


def test_an_assumption_shows_its_phrase_in_the_readers_language_and_keeps_its_english_name():
    from dataclasses import replace

    from nq57lib.provenance import ASSUMED, Assumption

    record = Assumption("n_paths", 20000.0, "paths", ASSUMED, text.Phrase("common.inputs.label.n_paths"),
                        text.phrase("common.inputs.basis.seed", seed=57))
    assert record.as_dict("en")["label"] == "Monte Carlo paths" and record.as_dict("en")["basis"] == "seed 57"
    assert record.as_dict("vi")["label"] == text.t("common.inputs.label.n_paths", "vi")
    assert record.as_dict("vi")["name"] == "n_paths"
    relabelled = replace(record, label="my own words")
    assert relabelled.as_dict("vi")["label"] == "my own words"  # plain text stays as it is
