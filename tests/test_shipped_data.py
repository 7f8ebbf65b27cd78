"""Checks on the shipped data package: it validates, every figure is sourced, key figures are right."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nq57lib import config, data


@pytest.fixture(scope="module")
def pkg():
    return data.load_package(use_env=False)


def test_frictionless_validate_passes():
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(exe), "validate", str(config.DATA_DIR / "datapackage.json")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_every_resource_has_a_checksum_that_matches():
    descriptor = data.read_descriptor()
    for resource in descriptor["resources"]:
        assert resource.get("hash", "").startswith("sha256:"), resource["name"]


def test_every_observation_and_target_resolves_to_a_source_with_url(pkg):
    urls = pkg.sources.set_index("source_id")["url"]
    for table in (pkg.observations, pkg.targets, pkg.geography, pkg.mergers):
        resolved = table["source_id"].map(urls)
        assert resolved.notna().all()
        assert resolved.str.match(r"^https?://").all()


def test_every_source_is_used(pkg):
    used = set(pkg.observations["source_id"]) | set(pkg.targets["source_id"]) | set(pkg.geography["source_id"]) \
        | set(pkg.mergers["source_id"])
    unused = set(pkg.sources["source_id"]) - used
    # Sources kept only for cross-checks say so in their note.
    for source_id in unused:
        note = pkg.sources.set_index("source_id").loc[source_id, "note"]
        assert isinstance(note, str) and "cross-check" in note.lower(), source_id


def test_geography_counts(pkg):
    assert len(data.units(pkg, "63")) == 63
    assert len(data.units(pkg, "34")) == 34
    assert len(pkg.mergers) == 52
    assert pkg.mergers["new_geo_id"].nunique() == 23
    assert data.old_units(pkg, "phu-tho-2025") == ["hoa-binh", "phu-tho", "vinh-phuc"]
    geo = pkg.geography.set_index("geo_id")
    assert geo.loc["phu-tho", "code"] == geo.loc["phu-tho-2025", "code"] == "25"


def test_new_unit_codes_come_from_their_old_units(pkg):
    geo = pkg.geography.set_index("geo_id")
    for new_id, group in pkg.mergers.groupby("new_geo_id"):
        assert geo.loc[new_id, "code"] in set(geo.loc[list(group["old_geo_id"]), "code"]), new_id


@pytest.mark.parametrize("geo_id, indicator, concept, year, value", [
    ("vinh-phuc", "de_share_pct", "ministry", 2022, 22.87),
    ("vn", "de_share_pct", "nso", 2025, 14.02),
    ("vn", "de_share_pct", "nso", 2022, 12.83),  # the latest statistics-office vintage wins
    ("vn", "de_share_pct", "ministry", 2024, 18.3),
    ("vinh-phuc", "grdp_current_bn_vnd", "standard", 2024, 173140),
])
def test_key_figures(pkg, geo_id, indicator, concept, year, value):
    s = data.series(pkg, geo_id, indicator, concept=concept)
    assert s.loc[s["year"] == year, "value"].item() == pytest.approx(value)


def test_national_nso_series_is_complete_2020_2025(pkg):
    s = data.series(pkg, "vn", "de_share_pct", concept="nso")
    assert set(range(2020, 2026)) <= set(s["year"])


def test_resolution_57_targets_present(pkg):
    t = pkg.targets
    national = t[(t["geo_id"] == "vn") & (t["indicator_id"] == "de_share_pct")]
    assert {(2030, 30.0), (2045, 50.0)} <= set(zip(national["year"], national["value"]))
    vp = t[(t["geo_id"] == "vinh-phuc") & (t["indicator_id"] == "de_share_pct")]
    assert {2025, 2030} <= set(vp["year"])


def test_merged_phu_tho_grdp_2024_sum_and_published_differ(pkg):
    m = data.merged_series(pkg, "phu-tho-2025", "grdp_current_bn_vnd")
    row = m[m["year"] == 2024].iloc[0]
    assert row["value_sum"] == pytest.approx(173140 + 107300 + 72180)
    assert row["value_published"] == pytest.approx(354600)


def test_cli_data_summary_runs():
    exe = Path(sys.executable).with_name("nq57")
    result = subprocess.run([str(exe), "data", "--geo", "Vĩnh Phúc"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "de_share_pct" in result.stdout and "vinh-phuc" in result.stdout


def test_cli_data_bad_geo_exits_2():
    exe = Path(sys.executable).with_name("nq57")
    result = subprocess.run([str(exe), "data", "--geo", "vinh-phuk"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "did you mean 'vinh-phuc'" in result.stderr
