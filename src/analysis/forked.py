"""A piece of work started in a forked process beside the rest of a stage, collected when its result is needed.

Used by the assess stage (the methodology page's calibration, on the core the assessments leave idle) and the site
(the calibration and the Word reports, while the pages are written). The process inherits everything as it is:
nothing is pickled on the way in, only the result (or the error, as text) on the way back.
"""

from __future__ import annotations

import multiprocessing as mp
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Whether work can run in a forked process here (otherwise ``Forked`` runs it at once)."""
    return "fork" in mp.get_all_start_methods()


def _run_to(fn: Callable[[], T], send) -> None:
    """Worker: ``fn()`` (or the error it raised) sent back through the pipe ``send``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            send.send((True, fn()))
    except Exception as e:  # noqa: BLE001 - the caller decides what a failure means
        send.send((False, f"{type(e).__name__}: {e}"))


class Forked(Generic[T]):
    """``fn`` running in a forked process (a daemon: it ends with a failed stage); where ``fork`` is not
    available, run here at once."""

    def __init__(self, fn: Callable[[], T]):
        self._proc = None
        if not can_fork():
            try:
                self._done = (True, fn())
            except Exception as e:  # noqa: BLE001 - as the worker reports it
                self._done = (False, f"{type(e).__name__}: {e}")
            return
        ctx = mp.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_run_to, args=(fn, send), daemon=True)
        self._proc.start()
        send.close()

    def wait(self) -> tuple[bool, T | str]:
        """(True, the result) or (False, the error in words), once the process has ended."""
        if self._proc is not None:
            try:
                self._done = self._recv.recv()
            except EOFError:
                self._done = (False, f"the process ended without a result (exit code {self._proc.exitcode})")
            self._proc.join()
            self._proc = None
        return self._done

    def stop(self) -> None:
        """End the process (for a stage that failed meanwhile)."""
        if self._proc is not None:
            self._proc.terminate()
            self._proc.join()
            self._proc = None
            self._done = (False, "stopped")
