"""The search index (pagefind), reused from a cache while the pages it is built from are unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from analysis.site.page import SiteError


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copy2(src, dst)


def _pagefind_key(site: Path) -> str:
    """The pages the search index is built from (every HTML file, path and bytes) and pagefind's version."""
    h = hashlib.sha256(f"pagefind {version('pagefind')}".encode())
    for page in sorted(site.rglob("*.html")):
        h.update(f"\0{page.relative_to(site).as_posix()}\0".encode())
        h.update(page.read_bytes())
    return h.hexdigest()[:32]


def _run_pagefind(site: Path, cache: Path | None = None) -> bool:
    """Build the search index into ``site/pagefind``; with ``cache``, reuse the index of identical pages (only
    the latest index is kept there). True when the index was reused."""
    key = _pagefind_key(site) if cache is not None else ""
    hit = cache / key if cache is not None else None
    if hit is not None and (hit / "pagefind-ui.js").exists():
        shutil.copytree(hit, site / "pagefind", copy_function=_link_or_copy)  # the cache's files are never changed
        return True
    r = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site)], capture_output=True, text=True)
    if r.returncode != 0 or not (site / "pagefind" / "pagefind-ui.js").exists():
        raise SiteError(f"pagefind failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    if hit is not None:
        cache.mkdir(parents=True, exist_ok=True)
        part = Path(tempfile.mkdtemp(prefix=".part-", dir=cache))
        shutil.copytree(site / "pagefind", part / "index")
        for old in cache.iterdir():
            if old != part:
                shutil.rmtree(old, ignore_errors=True)
        os.replace(part / "index", hit)
        shutil.rmtree(part, ignore_errors=True)
    return False
