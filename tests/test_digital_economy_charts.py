"""Tests of the digital-economy share figure: every layer drawn, labels in both languages, footnotes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nq57lib import monte_carlo as mc  # noqa: E402
from nq57lib import share_projection as pj  # noqa: E402
from nq57lib import share_formulas as sf  # noqa: E402
from nq57lib import share_calibration as sc  # noqa: E402
from nq57lib.errors import ParameterError  # noqa: E402
from nq57lib.charts.digital_economy_charts import plot_share_outlook  # noqa: E402

VINH_PHUC = pd.DataFrame({"year": [2022], "value": [22.87], "unit": ["% of GRDP"], "status": ["estimate"],
                          "concept": ["ministry"], "source_id": ["itpc-abc12345"],
                          "publisher": ["ITPC citing the ministry"], "segment": [0]})
NATION_MINISTRY = pd.DataFrame({"year": [2021, 2022, 2023, 2024], "value": [11.91, 14.26, 16.5, 18.3],
                                "unit": "% of GDP", "status": "estimate", "concept": "ministry",
                                "source_id": "mic-1", "publisher": "Ministry", "segment": 0})
TARGETS = [{"target_id": f"vp-{year}", "geo_id": "vinh-phuc", "indicator_id": "de_share_pct", "concept": None,
            "comparator": comparator, "value": value, "value_high": None, "year": year}
           for comparator, value, year in ((">", 25, 2025), (">=", 35, 2030), (">=", 60, 2045))]


@pytest.fixture(scope="module")
def inputs():
    cal = sc.calibrate(VINH_PHUC, label="Vĩnh Phúc", proxy=NATION_MINISTRY, proxy_label="nation (ministry)")
    scenarios = pj.default_scenarios(cal, targets=TARGETS)
    projection = pj.project(VINH_PHUC, scenarios, 2045)
    simulation = mc.simulate([mc.simulation_inputs(cal, "vinh-phuc")], 2045, n_paths=500, targets=TARGETS)
    return projection, simulation, sf.required_paths(VINH_PHUC, TARGETS)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(fig: Figure) -> str:
    ax = fig.axes[0]
    legend = ax.get_legend()
    parts = [t.get_text() for t in fig.texts] + [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
    parts += [t.get_text() for t in legend.get_texts()] + [t.get_text() for t in ax.texts]
    return "\n".join(parts)


def test_full_figure_has_every_layer(inputs):
    projection, simulation, required = inputs
    fig = plot_share_outlook(VINH_PHUC, projection=projection, bands=simulation, targets=TARGETS,
                             required=required, footnotes=["Extra note."])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for name in projection.table["scenario"].unique():
        assert name in legend
    assert {"Monte Carlo 5–95 %", "Monte Carlo 25–75 %", "Required path (constant growth)", "Target",
            "Observed: ministry estimate", "estimate"} <= set(legend)
    required_lines = {(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.get_lines()
                      if len(line.get_xdata()) == 2}
    # "> 25 %" is aimed 0.01 pp above its value (share_formulas.STRICT_MARGIN_PP, issue 9)
    assert required_lines == {((2022, 2025), (22.87, 25.01)), ((2022, 2030), (22.87, 35)),
                              ((2022, 2045), (22.87, 60))}
    annotations = [t.get_text() for t in ax.texts]
    assert annotations == [">25 %*", "≥35 %*", "≥60 %*"]
    footnote = "\n".join(t.get_text() for t in fig.texts)
    assert "ITPC citing the ministry (itpc-abc12345)" in footnote
    assert "500 simulated paths (seed 57)" in footnote
    assert "'ministry' series" in footnote and "Extra note." in footnote
    assert ax.get_ylim() == (0.0, 100.0)


def test_targets_of_one_level_and_year_share_one_label():
    repeated = TARGETS + [{**TARGETS[1], "target_id": "vp-2030-plan", "comparator": "="},
                          {**TARGETS[1], "target_id": "vp-2030-range", "comparator": "between", "value": 30,
                           "value_high": 40}]
    fig = plot_share_outlook(VINH_PHUC, targets=repeated)
    assert [t.get_text() for t in fig.axes[0].texts] == [">25 %", "≥/≈35 %", "≥60 %", "30–40 %"]


def test_vietnamese_labels(inputs):
    projection, simulation, required = inputs
    fig = plot_share_outlook(VINH_PHUC, projection=projection, bands=simulation, targets=TARGETS,
                             required=required, lang="vi")
    text = texts(fig)
    for expected in ("Tỷ trọng kinh tế số trong GRDP", "Năm", "Tỷ trọng trong GRDP (%)",
                     "xu hướng hiện tại", "lộ trình đạt mục tiêu", "Mục tiêu", "Nguồn:", "ước tính",
                     "Dải dự báo 5–95% (mô phỏng Monte Carlo)", "Lộ trình cần đạt (tăng đều)", "không nêu cách tính"):
        assert expected in text
    for english in ("Source", "Target", "current trend", "Year"):
        assert english not in text


def test_history_only_with_markers_by_status_and_custom_title():
    history = NATION_MINISTRY.assign(status=["official", "official", "preliminary", "estimate"])
    fig = plot_share_outlook(history, title="Nation")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Nation"
    markers = {line.get_marker() for line in ax.get_lines() if line.get_linestyle() == "None"}
    assert markers == {"o", "s", "^"}
    assert ax.get_ylim()[1] == pytest.approx(18.3 * 1.12 + 1)


def test_bands_of_several_geographies_need_a_choice(inputs):
    _, simulation, _ = inputs
    other = simulation.bands.assign(geo_id="vietnam")
    both = pd.concat([simulation.bands, other])
    with pytest.raises(ParameterError) as error:
        plot_share_outlook(VINH_PHUC, bands=both)
    assert error.value.name == "geo_id"
    fig = plot_share_outlook(VINH_PHUC, bands=both, geo_id="vinh-phuc")
    assert "Monte Carlo median" in texts(fig)


@pytest.mark.parametrize("kwargs, name", [({"lang": "fr"}, "lang"), ({"projection": "x"}, "projection"),
                                          ({"bands": pd.DataFrame({"a": [1]})}, "bands")])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ParameterError) as error:
        plot_share_outlook(VINH_PHUC, **kwargs)
    assert error.value.name == name


def test_bad_history_is_rejected():
    with pytest.raises(ParameterError) as error:
        plot_share_outlook(VINH_PHUC.assign(value=[130.0]))
    assert error.value.name == "history"


def test_tornado_draws_each_year_and_rejects_a_bad_table():
    import matplotlib.pyplot as plt

    from nq57lib.charts.digital_economy_charts import plot_tornado
    from nq57lib.outlook_sensitivity import sensitivity_table

    table = sensitivity_table({"base_year": 2022, "base_share_pct": 20.0, "growth_pct": 5.0, "ceiling_pct": 70.0,
                               "target_pct": 35.0},
                              {"pace": ({"growth_pct": 2.0}, {"growth_pct": 8.0}),
                               "ceiling": ({"ceiling_pct": 60.0}, {"ceiling_pct": 80.0})})
    fig = plot_tornado(table, years=(2030, 2045), labels={"pace": "Pace"})
    assert len(fig.axes) == 2
    assert [tick.get_text() for tick in fig.axes[0].get_yticklabels()][-1] == "Pace"  # largest swing on top
    plt.close(fig)
    with pytest.raises(ParameterError, match="parameter 'table'"):
        plot_tornado(table.drop(columns=["share_2045_low_pct"]))
