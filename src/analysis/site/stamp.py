"""Is the published site up to date? A stamp of everything the site is built from, checked before any heavy import.

The site reads the project's sources (it ships them as ``downloads/source.zip``: the package, notebooks,
parameters, data/raw, site templates and assets, tests, benchmarks), the executed notebooks with their figures
and tables (build/notebooks, build/outputs), data/processed and the chart library of the environment. The stamp
is the list of those files by path, size and modification time, with the build's options; ``analysis site``
writes it after a successful build (build/site.stamp.json) and skips the build when it is the same and the
site is still there. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from analysis import config
from analysis.atomic import write_atomic
from analysis.site.project_files import source_files

STAMP = "site.stamp.json"
BUILD_PARTS = ("notebooks", "outputs")  # of build/: what the runner wrote (its caches are the site's own)


def _files(root: Path) -> list[Path]:
    out = [root / p for p in source_files(root)]
    for part in BUILD_PARTS:
        out += [p for p in (config.build_dir() / part).rglob("*") if p.is_file()]
    processed = config.processed_dir()
    if processed.is_dir():
        out += [p for p in processed.iterdir() if p.is_file()]
    library = Path(sys.prefix) / "share" / "analysis"  # the chart bundle (chart_library.install_dir)
    if library.is_dir():
        out += [p for p in library.rglob("*") if p.is_file()]
    return out


def site_key(options: dict) -> str:
    """The hash of every input file's (path, size, mtime) and the build ``options``."""
    root = config.project_root()
    h = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    for p in sorted(_files(root)):
        try:
            st = p.stat()
        except FileNotFoundError:  # removed while listing
            continue
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _stamp_path() -> Path:
    return config.build_dir() / STAMP


def is_current(key: str, out: Path | None = None) -> bool:
    """True when the site in ``out`` (default site/_build) was built from exactly these inputs."""
    out = Path(out or config.site_out_dir())
    if not (out / "index.html").is_file():
        return False
    try:
        return json.loads(_stamp_path().read_text(encoding="utf-8")).get("key") == key
    except (OSError, json.JSONDecodeError):
        return False


def write(key: str) -> None:
    """Record that the site now in place was built from ``key``'s inputs."""
    path = _stamp_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda tmp: tmp.write_text(json.dumps({"key": key}), encoding="utf-8"))


def forget() -> None:
    """The site is being rebuilt: until it succeeds, no stamp says it is current."""
    _stamp_path().unlink(missing_ok=True)
