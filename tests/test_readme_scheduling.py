"""The README's "Scheduled runs" section, as written: every command it shows exists and parses, every
file it names is in the clone, the task graph it shows is the DAG file's, and its trigger example
is a valid batch. (tests/test_airflow.py runs the DAG itself on Airflow.)"""

from __future__ import annotations

import json
import re
import shlex

import pytest

from nq57lib import cli, config, runner

ROOT = config.PROJ_ROOT
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("### Scheduled runs"):README.index("### In JupyterLab")]
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", SECTION, flags=re.DOTALL)
DAG_FILE = ROOT / "dags" / "nq57_reports.py"


def commands(language: str) -> list[list[str]]:
    """The shell commands of the section's blocks in ``language``, comments dropped."""
    lines = [line for lang, body in BLOCKS if lang == language for line in body.splitlines() if line.strip()]
    return [shlex.split(line, comments=True) for line in lines]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))


def test_section_shows_cron_shell_and_the_dag():
    assert [lang for lang, _ in BLOCKS] == ["cron", "sh", "python"]


def test_cron_line_runs_a_make_target_from_the_clone():
    (cron,) = [body.strip() for lang, body in BLOCKS if lang == "cron"]
    fields = cron.split()
    assert len(fields) > 5 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), "five schedule fields"
    command = shlex.split(" ".join(fields[5:]))
    assert command[:3] == ["cd", "/srv/nq57", "&&"] and command[3] == "make" and command[4] in make_targets()


def test_every_shell_command_exists_and_parses():
    dag_id = re.search(r'dag_id="([^"]+)"', DAG_FILE.read_text()).group(1)
    for argv in commands("sh"):
        if argv[0] == "make":
            assert set(argv[1:]) <= make_targets(), argv
        elif argv[0] == ".venv/bin/nq57":
            cli.build_parser().parse_args(argv[1:])  # exits 2 on an unknown command or option
        elif argv[0] == "export":
            name, _, value = argv[1].partition("=")
            assert name == "AIRFLOW__CORE__DAGS_FOLDER" and value == "/srv/nq57/dags" and DAG_FILE.is_file()
        elif argv[0] == ".venv-airflow/bin/airflow":
            assert argv[1] in ("db", "dags", "pools"), argv
            if argv[1] == "dags" and argv[2] != "list":
                assert argv[2] in ("test", "trigger") and argv[3] == dag_id, argv
            if argv[1] == "pools":  # the pool the notebook tasks run in
                assert argv[2:4] == ["set", "nq57_kernels"] and int(argv[4]) > 0, argv
                assert 'os.environ.get("NQ57_AIRFLOW_POOL") or "nq57_kernels"' in DAG_FILE.read_text()
        else:
            pytest.fail(f"unexpected command in the README: {argv}")
    assert "airflow-env" in make_targets() and (ROOT / "constraints-airflow.txt").is_file()


def test_shown_task_graph_is_the_dag_files():
    (shown,) = [body for lang, body in BLOCKS if lang == "python"]
    dag_lines = [line.rstrip() for line in DAG_FILE.read_text(encoding="utf-8").splitlines()]
    lines = [line.rstrip() for line in shown.strip("\n").splitlines()]
    first = dag_lines.index(lines[0])
    assert dag_lines[first:first + len(lines)] == lines, "the README's task graph differs from dags/nq57_reports.py"


def test_trigger_example_is_a_valid_batch(tmp_path):
    (trigger,) = [argv for argv in commands("sh") if argv[1:3] == ["dags", "trigger"]]
    conf = json.loads(trigger[trigger.index("--conf") + 1])
    params = set(re.findall(r'"(\w+)": Param\(', DAG_FILE.read_text()))
    assert set(conf) <= params and {"notebooks", "geos", "overrides", "reports_dir", "kernel", "force"} == params
    plan = runner.plan_run(conf["notebooks"], conf["geos"], conf["overrides"], tmp_path)  # raises if invalid
    assert [(j["notebook"], j["geo"], j["parameters"]["floor_pct"]) for j in plan["jobs"]] == [("budget_floor", "vn", 3)]


def test_dag_file_compiles_here():
    # the DAG imports Airflow, absent from nq57's environment (tests/test_airflow.py imports it there)
    compile(DAG_FILE.read_text(encoding="utf-8"), str(DAG_FILE), "exec")
