"""Notebook parameter specs and their validation: every bad value is one error naming the parameter.

No kernel runs here. ``nq57lib.geography`` and ``nq57lib.data_package`` are replaced by the fixture fakes (geographies alpha, beta,
gamma), so these tests pin the parameter rules independently of the shipped data.
"""

from __future__ import annotations

import math
import pickle
import sys
from pathlib import Path

import pytest

from nq57lib import params
from nq57lib.errors import ParameterError
from nq57lib.param_spec import ParamSpec
from nq57lib.params import parse_override, parameters_cell, validate_parameters
from nq57lib.registry import SPECS

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
sys.path.insert(0, str(FIXTURES))
import fixture_specs  # noqa: E402


@pytest.fixture(autouse=True)
def fake_data(monkeypatch):
    """Geographies come from the fixture fake; real specs use them through ``resolve_geo``."""
    for name, module in fixture_specs.fake_data_modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(fixture_specs, "AVAILABILITY",
                        {**fixture_specs.AVAILABILITY, "vinh-phuc": None, "vn": None, "phu-tho-2025": None})
    for name, spec in fixture_specs.FIXTURE_SPECS.items():
        monkeypatch.setitem(SPECS, name, spec)


def test_every_report_notebook_spec_has_geo_lang_and_output_dir():
    for name in ("digital_economy", "budget_floor", "scorecard"):
        names = [spec.name for spec in SPECS[name]]
        assert names[:2] == ["geo", "lang"] and names[-1] == "output_dir", name
        assert len(set(names)) == len(names)
        # A parameter must not shadow an attribute of the Parameters object.
        assert not set(names) & {"notebook", "keys", "values", "items", "get"}


@pytest.mark.parametrize("notebook", ["digital_economy", "budget_floor", "scorecard"])
def test_defaults_validate(notebook):
    P = validate_parameters(notebook, geo="vinh-phuc")
    assert P.notebook == notebook and P.geo == "vinh-phuc" and P.lang == "en"
    assert list(P) == [spec.name for spec in SPECS[notebook]]


@pytest.mark.parametrize("notebook", ["digital_economy", "budget_floor", "scorecard", "tiny"])
def test_generated_parameters_cell_is_what_papermill_lists(notebook):
    """The cell text from the spec is read back by papermill with every name, type, default and help."""
    from papermill.translators import PythonTranslator
    import nbformat

    cell = nbformat.v4.new_code_cell(parameters_cell(notebook))
    found = {p.name: p for p in PythonTranslator.inspect(cell)}
    assert list(found) == [spec.name for spec in SPECS[notebook]]
    for spec in SPECS[notebook]:
        assert found[spec.name].inferred_type_name == spec.type.__name__
        assert eval(found[spec.name].default) == spec.default  # noqa: S307 - our own literal
        assert found[spec.name].help == spec.help


def test_spec_help_with_equals_sign_is_refused():
    """papermill --help-notebook silently drops a line with two '=': refuse such help up front."""
    with pytest.raises(ValueError, match="must not contain '='"):
        ParamSpec("x", int, 1, "x (0 = off)")


# (notebook, keyword values, parameter the error must name)
HOSTILE = [
    ("digital_economy", {"horizon_year": "2030"}, "horizon_year"),
    ("digital_economy", {"horizon_year": True}, "horizon_year"),
    ("digital_economy", {"horizon_year": 2045.0}, "horizon_year"),
    ("digital_economy", {"horizon_year": 2029}, "horizon_year"),
    ("digital_economy", {"horizon_year": 2101}, "horizon_year"),
    ("digital_economy", {"horizon_year": None}, "horizon_year"),
    ("digital_economy", {"n_paths": 0}, "n_paths"),
    ("digital_economy", {"n_paths": 10**9}, "n_paths"),
    ("digital_economy", {"n_paths": float("nan")}, "n_paths"),
    ("digital_economy", {"seed": -1}, "seed"),
    ("digital_economy", {"seed": "57"}, "seed"),
    ("digital_economy", {"ceiling_pct": -1}, "ceiling_pct"),  # 0 is valid since issue 22 (the own sector bound)
    ("digital_economy", {"ceiling_pct": 100.5}, "ceiling_pct"),
    ("digital_economy", {"ceiling_pct": float("nan")}, "ceiling_pct"),
    ("digital_economy", {"ceiling_pct": float("inf")}, "ceiling_pct"),
    ("digital_economy", {"ceiling_pct": True}, "ceiling_pct"),
    ("digital_economy", {"g_grdp_pct": -100}, "g_grdp_pct"),
    ("digital_economy", {"g_grdp_pct": float("-inf")}, "g_grdp_pct"),
    ("digital_economy", {"g_grdp_pct": "7"}, "g_grdp_pct"),
    ("digital_economy", {"lang": "fr"}, "lang"),
    ("digital_economy", {"lang": "EN"}, "lang"),
    ("digital_economy", {"geo": "alpah"}, "geo"),
    ("digital_economy", {"geo": "../etc/passwd"}, "geo"),
    ("digital_economy", {"geo": "/etc"}, "geo"),
    ("digital_economy", {"geo": "al\x00pha"}, "geo"),
    ("digital_economy", {"geo": ".hidden"}, "geo"),
    ("digital_economy", {"geo": ""}, "geo"),
    ("digital_economy", {"geo": 5}, "geo"),
    ("digital_economy", {"geo": "<script>"}, "geo"),
    ("digital_economy", {"proxy": "../x"}, "proxy"),
    ("digital_economy", {"proxy": "nowhere"}, "proxy"),
    ("digital_economy", {"output_dir": "out\x00put"}, "output_dir"),
    ("digital_economy", {"output_dir": "a\nb"}, "output_dir"),
    ("digital_economy", {"bogus": 1}, "bogus"),
    ("digital_economy", {"horizen_year": 2040}, "horizen_year"),
    ("budget_floor", {"floor_pct": 101}, "floor_pct"),
    ("budget_floor", {"floor_pct": -5}, "floor_pct"),
    ("budget_floor", {"base_expenditure_bn_vnd": -1}, "base_expenditure_bn_vnd"),
    ("budget_floor", {"base_expenditure_bn_vnd": float("inf")}, "base_expenditure_bn_vnd"),
    ("budget_floor", {"start_year": 1999}, "start_year"),
    ("budget_floor", {"ramp_year": 2024}, "ramp_year"),
    ("budget_floor", {"ramp_year": 2027, "start_year": 2028}, "ramp_year"),
    ("budget_floor", {"end_year": 2030, "start_year": 2030}, "end_year"),
    ("budget_floor", {"budget_growth_pct": -100}, "budget_growth_pct"),
    ("budget_floor", {"deflator_pct": "3.5"}, "deflator_pct"),
    ("budget_floor", {"capacity_bn_vnd": float("nan")}, "capacity_bn_vnd"),
    ("scorecard", {"horizon_year": 2045}, "horizon_year"),
    ("scorecard", {"lang": None}, "lang"),
    ("tiny", {"title": "<script>alert(1)</script>"}, "title"),
    ("tiny", {"title": "bold>"}, "title"),
    ("tiny", {"title": "tab\there"}, "title"),
    ("tiny", {"title": "x" * 201}, "title"),
    ("tiny", {"n": 2.0}, "n"),
]


@pytest.mark.parametrize("notebook,values,name", HOSTILE, ids=[f"{nb}-{n}-{i}" for i, (nb, _, n) in enumerate(HOSTILE)])
def test_hostile_values_raise_one_line_naming_the_parameter(notebook, values, name):
    with pytest.raises(ParameterError) as caught:
        validate_parameters(notebook, **values)
    assert caught.value.name == name
    message = str(caught.value)
    assert message.startswith(f"parameter '{name}': ") and "\n" not in message


def test_did_you_mean_for_geography_and_parameter_names():
    with pytest.raises(ParameterError, match="did you mean 'alpha'"):
        validate_parameters("digital_economy", geo="alpah")
    with pytest.raises(ParameterError, match="did you mean 'horizon_year'"):
        validate_parameters("digital_economy", horizen_year=2040)
    with pytest.raises(ParameterError, match="did you mean 'scorecard'") as caught:
        validate_parameters("scorecrd")
    assert caught.value.name == "notebook"


def test_values_are_coerced_and_geographies_resolved():
    P = validate_parameters("budget_floor", geo="Alpha Province", floor_pct=3, base_expenditure_bn_vnd=33000)
    assert P.geo == "alpha"
    assert P.floor_pct == 3.0 and type(P.floor_pct) is float
    assert type(P.base_expenditure_bn_vnd) is float
    assert validate_parameters("digital_economy", proxy="").proxy == ""
    assert validate_parameters("digital_economy", proxy="beta").proxy == "beta"


def test_namespace_mode_reads_every_spec_name_and_ignores_other_globals():
    namespace = {name_spec.name: name_spec.default for name_spec in SPECS["tiny"]}
    namespace.update(n=7, pd=object(), _private=1)
    P = validate_parameters("tiny", namespace)
    assert P.n == 7 and "pd" not in P
    assert validate_parameters("tiny", namespace, n=9).n == 9  # keywords override the namespace
    del namespace["title"]
    with pytest.raises(ParameterError, match="missing from the parameters cell") as caught:
        validate_parameters("tiny", namespace)
    assert caught.value.name == "title"


def test_parameters_are_read_only_and_picklable():
    P = validate_parameters("tiny", n=4)
    assert P["n"] == P.n == 4 and dict(P)["geo"] == "alpha"
    with pytest.raises(AttributeError):
        P.n = 5
    with pytest.raises(AttributeError, match="no parameter"):
        P.horizon_year
    clone = pickle.loads(pickle.dumps(P))
    assert clone == P and clone.notebook == "tiny"


@pytest.mark.parametrize("text,expected", [
    ("n=5", ("n", 5)),
    ("n=1_000", ("n", 1000)),
    ("x=2.5", ("x", 2.5)),
    ("x=-1e3", ("x", -1000.0)),
    ("b=True", ("b", True)),
    ("b=false", ("b", False)),
    ("v=None", ("v", None)),
    ("s=hello world", ("s", "hello world")),
    ("s='2030'", ("s", "2030")),
    ('s="2030"', ("s", "2030")),
    ("s=", ("s", "")),
    ("s=a=b", ("s", "a=b")),
    (" n =5", ("n", 5)),
])
def test_parse_override(text, expected):
    assert parse_override(text) == expected


def test_parse_override_nan_is_a_float_rejected_later():
    name, value = parse_override("ceiling_pct=nan")
    assert name == "ceiling_pct" and math.isnan(value)
    with pytest.raises(ParameterError, match="finite"):
        validate_parameters("digital_economy", ceiling_pct=value)


@pytest.mark.parametrize("text", ["horizon_year", "=5", ""])
def test_parse_override_needs_name_and_equals(text):
    with pytest.raises(ParameterError, match="expected name=value"):
        parse_override(text)


def test_default_output_dir_is_under_reports(monkeypatch, tmp_path):
    from nq57lib import config

    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path)
    P = validate_parameters("tiny", geo="beta")
    assert params.default_output_dir(P) == tmp_path / "scratch" / "tiny" / "beta"


def test_compare_with_notebook_finds_drift(tmp_path):
    """The check the notebook tests run: the parameters cell must match the spec exactly."""
    import jupytext
    import nbformat

    nb = jupytext.read(FIXTURES / "tiny.py")
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    assert params.compare_with_notebook("tiny", tmp_path / "tiny.ipynb") == []

    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = (cell.source.replace("n: int = 3", "n: float = 3.0")
                   .replace("  # free text shown in the report", "")
                   .replace('output_dir: str = ""  # results folder (empty: default)', ""))
    nbformat.write(nb, tmp_path / "drifted.ipynb")
    problems = params.compare_with_notebook("tiny", tmp_path / "drifted.ipynb")
    text = "\n".join(problems)
    assert "parameter names" in text and "n: type 'float'" in text and "n: default 3.0" in text
    assert "title: help comment '' != spec" in text
