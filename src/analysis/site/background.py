"""The site's long pieces run beside the rest of the build, each in a forked process started early and collected
when its result is needed: the forecasts' calibration on simulated series (for the methodology page) and the Word
reports (pandoc, for the downloads), so that neither core waits while the pages and tables are written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from analysis.assess.calibration import cached_run
from analysis.forked import Forked
from analysis.site.page import SiteError

T = TypeVar("T")


def in_background(fn: Callable[[], T], what: str) -> Callable[[], T]:
    """Start ``fn`` in a forked process (``analysis.forked``) and return a function that waits for its result
    (its ``stop()`` ends the process, for a build that failed meanwhile). A failure is raised by the waiting
    function as a SiteError naming ``what``."""
    job = Forked(fn)

    def result() -> T:
        ok, value = job.wait()
        if not ok:
            raise SiteError(f"{what} failed: {value}")
        return value

    result.stop = job.stop  # type: ignore[attr-defined]
    return result


def start_calibration(n: int, cache: Path) -> Callable[[], list[dict]] | None:
    """The forecasts' calibration on ``n`` simulated series per process (none for 0), started in a forked process
    that runs while the pages and Word files are made (reused from ``cache`` when unchanged); call the result to
    wait for the rows."""
    if not n:
        return None
    return in_background(lambda: cached_run(n, cache), "the forecasts' calibration")
