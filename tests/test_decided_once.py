"""The geography is decided once (issue 25): ``validate_parameters`` resolves a name to its id, and the notebook's
steps take that id as it is; nothing on the notebook's path resolves it again."""

from __future__ import annotations

import pytest

from nq57lib import data_package, geography
from nq57lib.errors import ParameterError
from nq57lib.params import validate_parameters
from notebook_steps import run_notebook_steps


def refuse_resolving(monkeypatch) -> list[str]:
    """Make ``resolve_geo`` record each call and refuse it: only a name may reach it."""
    calls: list[str] = []

    def resolve(text, pkg=None, *, name="geo"):
        calls.append(text)
        raise AssertionError(f"resolve_geo({text!r}) called again after validation")

    monkeypatch.setattr(geography, "resolve_geo", resolve)
    return calls


@pytest.mark.parametrize("notebook", ["digital_economy", "budget_floor", "scorecard"])
def test_the_notebook_steps_take_the_validated_geography_and_never_resolve_it_again(notebook, monkeypatch):
    P = validate_parameters(notebook, geo="Vĩnh Phúc", lang="vi")  # a name, resolved here once
    assert (P.geo, P.lang) == ("vinh-phuc", "vi")
    pkg = data_package.load_package()
    calls = refuse_resolving(monkeypatch)
    namespace = run_notebook_steps(P, pkg)
    assert calls == []
    assert "P" in namespace and namespace["P"].geo == "vinh-phuc"


def test_geo_id_of_takes_an_id_as_it_is_and_resolves_only_a_name(monkeypatch):
    pkg = data_package.load_package()
    assert geography.geo_id_of(pkg, "Vinh Phuc") == "vinh-phuc"  # a researcher's name: resolved
    with pytest.raises(ParameterError) as error:
        geography.geo_id_of(pkg, "Vinh Phucc", name="new_geo_id")
    assert error.value.name == "new_geo_id" and "did you mean 'vinh-phuc'" in str(error.value)
    calls = refuse_resolving(monkeypatch)
    assert geography.geo_id_of(pkg, "vinh-phuc") == "vinh-phuc" and geography.geo_id_of(pkg, "vn") == "vn"
    assert calls == []


def test_geo_row_given_a_name_says_to_use_the_id():
    from nq57lib import data_package, geography
    from nq57lib.errors import ParameterError

    pkg = data_package.shared_package()
    with pytest.raises(ParameterError, match="is a name, not an id: use 'vinh-phuc'"):
        geography.geo_row(pkg, "Vinh Phuc")
    assert geography.geo_row(pkg, "vinh-phuc")["level"] == "province"
