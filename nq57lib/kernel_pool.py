"""Warm kernels for batches: a worker keeps one kernel and runs notebook after notebook in it.

Starting a kernel and importing pandas, matplotlib and nq57lib is most of a small report's time.
``nq57 run`` therefore gives each worker process one :class:`WarmKernel`. Each notebook is
executed by papermill as usual, through the papermill engine ``nq57-warm`` (papermill's own
nbclient engine, handed the worker's kernel instead of starting one). Before the notebook's first
cell the engine runs ``nq57lib.fresh_namespace.start`` in the kernel, silently: the user
namespace, caches, plotting and random state are put back as they were before the kernel's first
notebook (that module lists what is restored). The executed notebook is papermill's complete
record, as with a fresh kernel; its metadata ``nq57.kernel`` says which notebook of its kernel it
was.

Isolation: a kernel that has run a notebook that failed in any way (an error, a cell over the
timeout, a kernel that died) is shut down (``runner.execute_job``), and the worker's next notebook
starts a new one. A worker that has run ``MAX_NOTEBOOKS_PER_WORKER`` notebooks is replaced with its
kernel (memory). Plain ``papermill`` runs of the notebooks are unaffected: the engine is used only
when ``nq57 run`` names it.
"""

from __future__ import annotations

import contextlib
import os
import time
from queue import Empty
from typing import Any

from jupyter_core.utils import ensure_async, run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE = "nq57-warm"
SAVE_EVERY_S = 5.0  # the executed notebook is written at start, at the end, and between cells at most this often
MAX_NOTEBOOKS_PER_WORKER = 50  # then the worker and its kernel are replaced, so no process grows without bound
# How long the preparation before a notebook may take. It is not one of the notebook's cells, so the
# per-cell timeout does not apply: a new kernel's first preparation imports numpy, pandas, matplotlib
# and what the batch's notebooks name (nq57lib.registry.kernel_imports: statsmodels, scipy, seaborn; about 1 s
# idle, 10-20 s on a loaded machine).
FRESH_START_TIMEOUT_S = 180.0


class WarmKernel:
    """The kernel one worker keeps between notebooks, and the client that talks to it.

    papermill starts both on first use. The client is kept too: a new client waits ~0.2 s for the
    kernel's output channel to fall silent, as long as a small notebook's own cells here.
    """

    def __init__(self, kernel_name: str, imports: tuple[str, ...] = ()):
        self.kernel_name = kernel_name
        self.imports = tuple(imports)  # imported before the first notebook (nq57lib.registry.kernel_imports)
        self.manager: Any = None  # jupyter_client's AsyncKernelManager, as nbclient uses
        self.client: Any = None   # its AsyncKernelClient, once papermill has started one
        self.notebooks = 0        # notebooks started in the current kernel
        self.kernels_started = 0

    def engine_kwargs(self, cwd: str) -> dict[str, Any]:
        """Keyword arguments for ``papermill.execute_notebook`` to run the next notebook in this kernel."""
        if self.manager is not None and not self._alive():
            self.discard()  # died between notebooks: the next notebook must not pay for it
        if self.manager is None:
            from jupyter_client.manager import AsyncKernelManager

            self.manager = AsyncKernelManager(kernel_name=self.kernel_name)
            self.kernels_started += 1
        self.notebooks += 1
        return {"engine_name": ENGINE, "warm_kernel": self, "warm_cwd": os.path.abspath(cwd)}

    def record(self) -> dict[str, Any]:
        """What the executed notebook's metadata ``nq57.kernel`` says of the kernel it ran in."""
        return {"kernel": self.kernels_started, "notebook_in_kernel": self.notebooks, "fresh_namespace": True}

    def _alive(self) -> bool:
        if not self.manager.has_kernel:
            return True  # not started yet: papermill starts it
        try:
            return bool(run_sync(self.manager.is_alive)())
        except Exception:  # noqa: BLE001
            return False

    def discard(self) -> None:
        """Shut the kernel down at once (after a failure, or at the end of the worker's jobs)."""
        manager, client = self.manager, self.client
        self.manager, self.client, self.notebooks = None, None, 0
        if client is not None:
            client.stop_channels()
        if manager is None or not manager.has_kernel:
            return
        try:
            run_sync(manager.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - already dead or half-started: make sure the process is gone
            try:
                run_sync(manager.kill_kernel)()
            except Exception:  # noqa: BLE001
                pass


def fresh_start_code(cwd: str, imports: tuple[str, ...]) -> str:
    """The line run (silently) in a kept kernel before each notebook: ``nq57lib.fresh_namespace.start``."""
    return f"__import__('nq57lib.fresh_namespace').fresh_namespace.start({cwd!r}, {tuple(imports)!r})"


class WarmNotebookClient(PapermillNotebookClient):
    """papermill's notebook client, starting each notebook with a fresh namespace in a kept kernel."""

    def __init__(self, nb_man, warm_kernel: WarmKernel, warm_cwd: str, **kwargs):
        super().__init__(nb_man, km=warm_kernel.manager, **kwargs)
        self.warm_kernel = warm_kernel
        self.warm_cwd = warm_cwd
        self.kc = warm_kernel.client  # None for the kernel's first notebook: papermill starts one

    def papermill_execute_cells(self):
        self.warm_kernel.client = self.kc  # kept for the next notebook (WarmKernel.discard stops it)
        self.start_fresh()
        self.nb.metadata.setdefault("nq57", {})["kernel"] = self.warm_kernel.record()
        super().papermill_execute_cells()

    def start_fresh(self) -> None:
        """Run ``nq57lib.fresh_namespace.start`` in the kernel; raise if it did not succeed."""
        code = fresh_start_code(self.warm_cwd, self.warm_kernel.imports)
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        reply = run_sync(self._wait_for_preparation)(msg_id)
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(f"the warm kernel could not start a fresh namespace: "
                               f"{content.get('ename', 'no reply')}: {content.get('evalue', '')}")


    async def _wait_for_preparation(self, msg_id: str) -> dict[str, Any]:
        """The kernel's reply to the preparation, waiting at most ``FRESH_START_TIMEOUT_S``.

        Not nbclient's ``wait_for_reply``: that applies the per-cell timeout, and on a timeout
        without a cell it fails with a bare ``AssertionError`` (issue 24: under load, the new
        kernel after a failure took longer than the cell timeout to import the libraries).
        A kernel that dies meanwhile raises nbclient's ``DeadKernelError``.
        """
        deadline = time.monotonic() + FRESH_START_TIMEOUT_S
        while True:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=self.shell_timeout_interval))
            except Empty:
                await self._async_check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the warm kernel did not prepare a fresh namespace within "
                                       f"{FRESH_START_TIMEOUT_S:g} s") from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg


class FewerSaves(NotebookExecutionManager):
    """papermill's execution record, written between cells at most every ``SAVE_EVERY_S`` seconds.

    papermill writes (and validates) the whole executed notebook before and after every cell:
    ~0.45 s of a 2.6 s report here. It is still written when the notebook starts and when it ends,
    whatever the outcome (an error, a timeout, a dead kernel); only a worker killed mid-notebook
    loses the cells since the last write.
    """

    def cell_start(self, cell, cell_index=None, **kwargs):
        with self._between_cells():
            super().cell_start(cell, cell_index, **kwargs)

    def cell_complete(self, cell, cell_index=None, **kwargs):
        with self._between_cells():
            super().cell_complete(cell, cell_index, **kwargs)

    @contextlib.contextmanager
    def _between_cells(self):
        due = self.last_save_time is None or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY_S
        output_path, last_save = self.output_path, self.last_save_time
        if not due:
            self.output_path = None  # papermill's save() then writes nothing (but notes the time: put back below)
        try:
            yield
        finally:
            self.output_path = output_path
            if not due:
                self.last_save_time = last_save


class WarmEngine(NBClientEngine):
    """papermill engine ``nq57-warm``: papermill's nbclient engine with a kept kernel (``warm_kernel``)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        # As papermill's Engine.execute_notebook (papermill 2.x), with FewerSaves.
        nb_man = FewerSaves(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                            autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        # As NBClientEngine.execute_managed_notebook (papermill 2.x), with WarmNotebookClient.
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file)
        return WarmNotebookClient(nb_man, **final_kwargs).execute()


papermill_engines.register(ENGINE, WarmEngine)
