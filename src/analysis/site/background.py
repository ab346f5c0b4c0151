"""The site's one long computation, the forecasts' calibration on simulated series, run beside the rest of the
build: started first in a forked process, collected when the methodology page is written."""

from __future__ import annotations

import multiprocessing as mp
import warnings
from collections.abc import Callable
from pathlib import Path

from analysis.assess.calibration import cached_run
from analysis.site.page import SiteError


def _calibration_to(n: int, cache: Path, send) -> None:
    """Worker: the calibration rows (or the error) sent back through the pipe ``send``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            send.send((True, cached_run(n, cache)))
    except Exception as e:  # noqa: BLE001 - reported by the build
        send.send((False, f"{type(e).__name__}: {e}"))


def start_calibration(n: int, cache: Path) -> Callable[[], list[dict]] | None:
    """The forecasts' calibration on ``n`` simulated series per process (none for 0), started in a forked process
    that runs while the pages and Word files are made (reused from ``cache`` when unchanged); call the result to
    wait for the rows."""
    if not n:
        return None
    if "fork" not in mp.get_all_start_methods():
        rows = cached_run(n, cache)
        return lambda: rows
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_calibration_to, args=(n, cache, send), daemon=True)  # ends with a failed build
    proc.start()
    send.close()

    def result() -> list[dict]:
        try:
            ok, value = recv.recv()
        except EOFError:
            ok, value = False, f"the calibration process ended without a result (exit code {proc.exitcode})"
        proc.join()
        if not ok:
            raise SiteError(f"the forecasts' calibration failed: {value}")
        return value

    return result
