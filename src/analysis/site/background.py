"""The site's long pieces run beside the rest of the build, each in a forked process started early and collected
when its result is needed: the forecasts' calibration on simulated series (for the methodology page) and the Word
reports (pandoc, for the downloads), so that neither core waits while the pages and tables are written."""

from __future__ import annotations

import multiprocessing as mp
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from analysis.assess.calibration import cached_run
from analysis.site.page import SiteError

T = TypeVar("T")


def _run_to(fn: Callable[[], T], send) -> None:
    """Worker: ``fn()`` (or the error it raised) sent back through the pipe ``send``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            send.send((True, fn()))
    except Exception as e:  # noqa: BLE001 - reported by the build
        send.send((False, f"{type(e).__name__}: {e}"))


def in_background(fn: Callable[[], T], what: str) -> Callable[[], T]:
    """Start ``fn`` in a forked process (it inherits everything as it is: nothing is pickled on the way in) and
    return a function that waits for its result (its ``stop()`` ends the process, for a build that failed
    meanwhile); where ``fork`` is not available, ``fn`` runs here first. A failure is raised by the waiting
    function as a SiteError naming ``what``."""
    if "fork" not in mp.get_all_start_methods():
        value = fn()

        def done() -> T:
            return value
        done.stop = lambda: None  # type: ignore[attr-defined]
        return done
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run_to, args=(fn, send), daemon=True)  # ends with a failed build
    proc.start()
    send.close()

    def result() -> T:
        try:
            ok, value = recv.recv()
        except EOFError:
            ok, value = False, f"the process ended without a result (exit code {proc.exitcode})"
        proc.join()
        if not ok:
            raise SiteError(f"{what} failed: {value}")
        return value

    def stop() -> None:
        proc.terminate()
        proc.join()

    result.stop = stop  # type: ignore[attr-defined]
    return result


def start_calibration(n: int, cache: Path) -> Callable[[], list[dict]] | None:
    """The forecasts' calibration on ``n`` simulated series per process (none for 0), started in a forked process
    that runs while the pages and Word files are made (reused from ``cache`` when unchanged); call the result to
    wait for the rows."""
    if not n:
        return None
    return in_background(lambda: cached_run(n, cache), "the forecasts' calibration")
