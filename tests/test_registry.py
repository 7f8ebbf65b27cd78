"""nq57lib.registry: one entry per report notebook, and every entry points at real code and data."""

import re

import pytest

from nq57lib import config, registry
from nq57lib.errors import ParameterError


def test_every_report_notebook_has_an_entry_and_every_entry_a_notebook():
    assert sorted(registry.NOTEBOOKS) == sorted(p.stem for p in config.NOTEBOOKS_DIR.glob("*.py"))


@pytest.mark.parametrize("name", sorted(registry.NOTEBOOKS))
def test_entry_points_at_its_steps_module_and_input_check(name):
    entry = registry.notebook(name)
    module = registry.steps_module(name)
    assert module.__name__ == f"nq57lib.{name}"
    # The notebook's steps are public functions of that module; no god-function build().
    source = (config.NOTEBOOKS_DIR / f"{name}.py").read_text(encoding="utf-8")
    steps = set(re.findall(rf"\b{name}\.([A-Za-z_]\w*)\(", source))
    assert len(steps) >= 6 and not hasattr(module, "build")
    assert all(not step.startswith("_") and callable(getattr(module, step, None)) for step in steps), steps
    if entry.input_check is not None:
        assert callable(getattr(module, entry.input_check))
    assert registry.SPECS[name] == entry.params


def test_parameter_default_and_unknown_notebook():
    assert registry.parameter_default("budget_floor", "floor_pct") == 0.0  # 0: the geography's default floor
    assert registry.parameter_default("scorecard", "floor_pct") is None
    with pytest.raises(ParameterError, match="did you mean 'scorecard'"):
        registry.notebook("scorecards")


def test_available_geos_skips_a_geography_without_the_needed_data():
    from nq57lib import data_package

    pkg = data_package.load_package()
    avail = registry.available_geos("digital_economy", pkg)
    assert avail["vn"] is None and avail["vinh-phuc"] is None
    assert all(reason is None for reason in registry.available_geos("scorecard", pkg).values())
    assert any(reason == "no observations of de_share_pct" for reason in avail.values())
