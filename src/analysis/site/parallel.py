"""Run independent pieces of a build in forked worker processes (the site's two languages, for instance).

Forked workers inherit the parent's tables, templates and caches as they are, so nothing is pickled on the way
in; only each piece's (small) result comes back. Where ``fork`` is not available (Windows), with one worker, or
with ``ANALYSIS_WORKERS=1`` in the environment, the pieces run one after another in this process.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
_TASK: Callable | None = None  # the function the forked workers call (set just before they are forked)


def available_workers() -> int:
    """Cores this process may use (``ANALYSIS_WORKERS`` overrides)."""
    env = os.environ.get("ANALYSIS_WORKERS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _call(item):
    return _TASK(item)  # type: ignore[misc]


def fork_map(fn: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[fn(x) for x in items]``, the items shared among forked processes; results in the order of ``items``.

    ``fn`` may be a closure (it is not pickled); its results must be picklable. An exception raised by ``fn``
    is raised here, as in the sequential loop."""
    global _TASK
    n = min(len(items), workers or available_workers())
    if n <= 1 or "fork" not in mp.get_all_start_methods() or _TASK is not None:  # no nesting
        return [fn(x) for x in items]
    _TASK = fn
    gc.freeze()  # the inherited objects stay out of the workers' collections: their memory is not copied
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork")) as pool:
            return list(pool.map(_call, items))
    finally:
        _TASK = None
        gc.unfreeze()
