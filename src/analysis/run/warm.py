"""A papermill engine that reuses one preloaded kernel per worker process.

Most of a short notebook's time is starting a kernel and importing pandas, statsmodels, seaborn and this
package. The ``warm`` engine starts a ``python3`` kernel once per worker process, imports those once, and
before every notebook puts the kernel back to the state it had right after the imports
(``kernel_state.restore``): nothing a notebook defines or changes reaches the next one. A kernel that died,
timed out or fails to reset is shut down and replaced by a fresh one. The kernel is shut down when the
worker process exits.

Use: ``papermill.execute_notebook(..., engine_name="warm")`` after ``register()``; the runner does this.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
import threading
from multiprocessing import util

from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.log import logger

ENGINE = "warm"
PRELOAD = textwrap.dedent("""
    import matplotlib.pyplot, numpy, pandas, seaborn, statsmodels.api
    import analysis.report.compare, analysis.report.province
    from analysis.run import kernel_state
    kernel_state.snapshot()
""")
RESET = "from analysis.run import kernel_state as _ks; _ks.restore({cwd!r})"


class WarmKernelError(RuntimeError):
    """The warm kernel could not be started, preloaded or reset."""


class WarmKernel:
    """One kernel, started and preloaded once, reset before each notebook; one client, connected once.

    The client's channels stay open from notebook to notebook: connecting a client waits for the kernel to be
    ready and then listens 0.2 s for stray output (jupyter_client's ``wait_for_ready``), which a new client for
    every reset and every notebook paid twice per notebook while the core sat idle."""

    def __init__(self, kernel_name: str, startup_timeout: float = 60):
        from jupyter_client.manager import KernelManager

        from jupyter_client.asynchronous import AsyncKernelClient

        self.kernel_name = kernel_name
        self.km = KernelManager(kernel_name=kernel_name)
        # nbclient polls an async client, so a kernel that dies mid-notebook is seen within a second (a blocking
        # client waits on its output channel for ever); this module's own calls wait with a timeout
        self.km.client_factory = AsyncKernelClient
        self.km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.runs = 0
        self.kc = None
        try:
            self.kc = self.km.client()
            self.kc.allow_stdin = False
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=startup_timeout)
            self._run(PRELOAD, startup_timeout)
        except Exception:
            self.shutdown()
            raise

    def _run(self, code: str, timeout: float) -> None:
        reply = run_sync(self.kc.execute_interactive)(code, store_history=False, timeout=timeout,
                                                      output_hook=lambda msg: None)
        content = reply["content"]
        if content["status"] != "ok":
            raise WarmKernelError(f"{content.get('ename')}: {content.get('evalue')}")

    def reset(self, cwd: str, timeout: float = 60) -> None:
        """Back to the state right after preloading, working directory ``cwd``."""
        if not self.km.is_alive():
            raise WarmKernelError("the kernel is no longer running")
        self._run(RESET.format(cwd=cwd), timeout)

    def pid(self) -> int | None:
        proc = getattr(self.km.provisioner, "process", None)
        return getattr(proc, "pid", None)

    def shutdown(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception:  # already gone
            pass
        try:
            self.km.cleanup_resources()
        except Exception:
            pass


_KERNELS: dict[tuple, WarmKernel] = {}


def _key(kernel_name: str) -> tuple:
    # a kernel inherits the environment it was started in: a different project root needs another kernel
    # one kernel per thread too: a Dask worker may run several tasks at once in one process
    return kernel_name, os.environ.get("ANALYSIS_PROJECT_ROOT", ""), os.getpid(), threading.get_ident()


def kernel(kernel_name: str, startup_timeout: float = 60) -> WarmKernel:
    """This process's warm kernel (started on first use)."""
    key = _key(kernel_name)
    k = _KERNELS.get(key)
    if k is None:
        k = _KERNELS[key] = WarmKernel(kernel_name, startup_timeout)
    return k


def discard(kernel_name: str) -> None:
    """Shut down this process's warm kernel; the next notebook starts a fresh one."""
    k = _KERNELS.pop(_key(kernel_name), None)
    if k is not None:
        k.shutdown()


def shutdown_all() -> None:
    for key in list(_KERNELS):
        _KERNELS.pop(key).shutdown()


class _SaveAtEnds(NotebookExecutionManager):
    """papermill's bookkeeping, writing the output notebook when the run starts and when it ends (also after a
    failed cell or a dead kernel: papermill ends every run that way), not at every cell's start and end as well:
    those writes re-serialized the growing notebook, its images included, about 30 times per notebook."""

    _writing = True

    def notebook_start(self, **kwargs):
        super().notebook_start(**kwargs)
        self._writing = False

    def notebook_complete(self, **kwargs):
        self._writing = True
        super().notebook_complete(**kwargs)

    def save(self, **kwargs):
        if self._writing:
            super().save(**kwargs)


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, on this process's warm kernel instead of a new one."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        nb_man = _SaveAtEnds(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
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
        kwargs = {k: v for k, v in kwargs.items() if k not in ("input_path", "timeout", "startup_timeout", "km")}
        try:
            warm = kernel(kernel_name, start_timeout)
            warm.reset(os.getcwd(), start_timeout)  # papermill has moved into the notebook's cwd
        except Exception:
            discard(kernel_name)  # one more try on a fresh kernel; a second failure is raised
            warm = kernel(kernel_name, start_timeout)
            warm.reset(os.getcwd(), start_timeout)
        client = PapermillNotebookClient(nb_man, km=warm.km, timeout=execution_timeout, startup_timeout=start_timeout,
                                         kernel_name=kernel_name, log=logger, log_output=log_output,
                                         stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
        client.kc = warm.kc  # connected and ready: nbclient uses it as it is (and leaves its channels open)
        ok = False
        try:
            nb = client.execute()
            ok = True
            return nb
        finally:
            warm.runs += 1
            if not ok:  # cell errors are recorded in the notebook, not raised: this is a timeout or a dead kernel
                discard(kernel_name)


_registered = False


def register() -> None:
    """Make ``engine_name="warm"`` known to papermill in this process; shut the kernels down at exit."""
    global _registered
    if not _registered:
        papermill_engines.register(ENGINE, WarmEngine)
        util.Finalize(None, shutdown_all, exitpriority=10)  # runs in pool workers too (atexit does not)
        import atexit

        atexit.register(shutdown_all)
        _registered = True
