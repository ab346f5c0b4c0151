"""Write files and folders so that a reader never sees a half-made one, and a failure leaves the old one.

Caches (rendered pages, Excel and Word copies) and published folders (``data/processed``, the site) all go through
these two helpers.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path


def write_atomic(target: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary path beside ``target`` and move it into place only once complete.

    The temporary name carries the process and thread, so workers making the same file do not collide; the last
    complete one wins, which is harmless for content-addressed caches."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def recover_dir(out: Path) -> bool:
    """Finish a swap that a kill interrupted: ``<out>.old`` without ``out`` (killed between the two renames) is
    put back; a ``<out>.old`` beside ``out`` (killed before it was removed) is removed. True if anything was done."""
    out = Path(out)
    old = out.with_name(out.name + ".old")
    if not old.exists():
        return False
    if out.exists():
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(old, out)
    return True


def swap_dir(new: Path, out: Path) -> Path:
    """Put the complete folder ``new`` in the place of ``out`` (kept as ``<out>.old`` until the swap is done, then
    removed). Both must be on the same file system. A kill at any step leaves a state ``recover_dir`` (run first
    here, and by the next build) turns back into a whole ``out``."""
    old = out.with_name(out.name + ".old")
    recover_dir(out)
    if out.exists():
        os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)
    return out
