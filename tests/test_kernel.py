"""``nq57 kernel install``: another environment (a fresh interpreter with its own ``sys.prefix``, no
``JUPYTER_PATH``, ``HOME`` in a temporary folder) finds the kernel ``nq57`` and runs nq57 on it.

The fresh environment is a bare venv of the base interpreter; only jupyter_client is borrowed from
ours (a ``.pth`` line), because seeing kernels is all a papermill or Airflow worker needs of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

NQ57 = str(Path(sys.executable).with_name("nq57"))
SEE = ("import json; from jupyter_client.kernelspec import KernelSpecManager; "
       "print(json.dumps(KernelSpecManager().find_kernel_specs()))")
RUN = ("from jupyter_client.manager import start_new_kernel; km, kc = start_new_kernel(kernel_name='nq57'); "
       "reply = kc.execute_interactive('import sys, nq57lib; print(sys.prefix)', timeout=60, "
       "output_hook=lambda m: m['msg_type'] == 'stream' and print(m['content']['text'], end='')); "
       "kc.stop_channels(); km.shutdown_kernel(now=True)")


@pytest.fixture
def fresh(tmp_path):
    """(python of a bare venv, environment with HOME in tmp and no Jupyter variables)."""
    venv = tmp_path / "fresh"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(venv)],
                   check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "XDG_", "IPYTHON"))}
    env["HOME"] = str(tmp_path / "home")
    return python, env


def kernels_seen(python: Path, env: dict) -> dict[str, str]:
    out = subprocess.run([str(python), "-c", SEE], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.slow
def test_user_install_is_seen_and_run_by_a_fresh_environment(fresh, tmp_path):
    python, env = fresh
    assert "nq57" not in kernels_seen(python, env), "precondition: the fresh environment sees no nq57 kernel"
    out = subprocess.run([NQ57, "kernel", "install", "--user"], env=env, capture_output=True, text=True, check=True)
    assert str(tmp_path / "home" / ".local" / "share" / "jupyter" / "kernels" / "nq57") in out.stdout
    seen = kernels_seen(python, env)
    assert Path(seen["nq57"]).is_relative_to(tmp_path / "home")
    spec = json.loads((Path(seen["nq57"]) / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable and spec["display_name"] == "Python (nq57)"
    ran = subprocess.run([str(python), "-c", RUN], env=env, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == sys.prefix  # the kernel is this environment, with nq57lib


def test_prefix_install_is_seen_by_the_environment_of_that_prefix(fresh, tmp_path):
    python, env = fresh
    prefix = python.parent.parent  # e.g. the Airflow environment's folder
    subprocess.run([NQ57, "kernel", "install", "--prefix", str(prefix)], env=env, capture_output=True, check=True)
    assert Path(kernels_seen(python, env)["nq57"]) == prefix / "share" / "jupyter" / "kernels" / "nq57"
    assert not (tmp_path / "home").exists()  # nothing written for the user


def test_sys_prefix_means_this_environment(monkeypatch, capsys):
    # not written for real: the kernel spec of this environment is in use by tests running beside this one
    from nq57lib import cli, kernel

    calls = []
    monkeypatch.setattr(kernel, "install", lambda user, prefix: calls.append((user, prefix)) or Path("spec"))
    assert cli.main(["kernel", "install", "--sys-prefix"]) == 0
    assert cli.main(["kernel", "install"]) == 0  # --user is the default
    assert calls == [(False, sys.prefix), (True, None)]


def test_one_place_at_a_time():
    out = subprocess.run([NQ57, "kernel", "install", "--user", "--sys-prefix"], capture_output=True, text=True)
    assert out.returncode == 2 and "not allowed with argument" in out.stderr
