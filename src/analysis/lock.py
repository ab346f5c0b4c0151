"""One build at a time in a checkout, and what a killed build left behind swept away.

``analysis data``, ``run`` and ``site`` hold an exclusive lock on ``build/.lock`` while they work (released by the
system when the process ends, even when it is killed); a second one started meanwhile stops at once with a
message naming the first. Holding the lock, ``sweep()`` removes the temporary folders and files a killed build
left (``site/_build.tmp-*``, ``data/.processed-*``, ``.*.tmp`` in the caches, ``build/.docx-tmp-*``) and
finishes an interrupted folder swap (``atomic.recover_dir``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from analysis import config
from analysis.atomic import recover_dir


class BuildLocked(RuntimeError):
    """Another build holds the lock of this checkout."""


def lock_path() -> Path:
    return config.build_dir() / ".lock"


@contextlib.contextmanager
def hold(command: str) -> Iterator[None]:
    """Hold this checkout's build lock for ``command``; BuildLocked (naming the holder) if another has it."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise BuildLocked(f"another build is running in this checkout ({holder}); wait for it to finish, "
                              f"then run this again (the lock is {path})") from None
        f.seek(0)
        f.truncate()
        f.write(f"analysis {command}, pid {os.getpid()}, since {time.strftime('%H:%M:%S')}")
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def sweep() -> tuple[int, int]:
    """Remove what killed builds left and finish interrupted swaps; (items removed or restored, bytes freed).
    Call it only while holding the lock (a running build's temporary folders look the same)."""
    site, processed, build = config.site_out_dir(), config.processed_dir(), config.build_dir()
    found = [*site.parent.glob(f"{site.name}.tmp-*"), *processed.parent.glob(".processed-*"),
             *processed.glob(".*.tmp"),  # the assess stage's tables before they are moved into place
             *build.glob(".docx-tmp-*"), *(p for cache in build.glob("*-cache") for p in cache.glob(".*.tmp"))]
    freed = 0
    for p in found:
        freed += _size(p)
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    restored = sum(recover_dir(d) for d in (site, processed))
    return len(found) + restored, freed
