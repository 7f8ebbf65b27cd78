"""scripts/compare_results.py: run metadata is removed before comparing, results are not."""

import importlib.util
import json

from nq57lib import config

_spec = importlib.util.spec_from_file_location("compare_results", config.PROJ_ROOT / "scripts" / "compare_results.py")
compare_results = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_results)


def test_strip_metadata_removes_run_keys_at_any_depth_and_keeps_results():
    record = {"nq57lib_version": "0.1.0", "notebook": "scorecard", "parameters": {"geo": "vn"},
              "data": {"checksum": "abc", "version": "0.1.0"},
              "jobs": [{"run_id": "r1", "duration_s": 2.5, "finished_utc": "2026", "status": "ok"}],
              "scalars": {"n_met": 3}}
    assert compare_results.strip_metadata(record) == {
        "notebook": "scorecard", "parameters": {"geo": "vn"}, "data": {"version": "0.1.0"},
        "jobs": [{"status": "ok"}], "scalars": {"n_met": 3}}


def _results(directory, n_met, csv_text, version):
    directory.mkdir(parents=True)
    (directory / "t.csv").write_text(csv_text, encoding="utf-8")
    (directory / "results.json").write_text(json.dumps({"nq57lib_version": version, "scalars": {"n_met": n_met}}),
                                            encoding="utf-8")
    return directory


def test_compare_dirs_ignores_metadata_but_reports_result_changes(tmp_path):
    base = _results(tmp_path / "a", 1, "x\n1\n", "0.1.0")
    assert compare_results.compare_dirs(base, _results(tmp_path / "b", 1, "x\n1\n", "0.2.0")) == []
    assert compare_results.compare_dirs(base, _results(tmp_path / "c", 2, "x\n1\n", "0.1.0")) == [
        "results.json differs in scalars"]
    assert compare_results.compare_dirs(base, _results(tmp_path / "d", 1, "x\n2\n", "0.1.0")) == ["t.csv differs"]
