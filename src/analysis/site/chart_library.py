"""The chart library the site ships: plotly.js's cartesian partial bundle, a third of the full one.

Every chart the site draws is a bar, a scatter line or marker set, or a filled band (a scatter trace); the
cartesian bundle holds those and heat maps, box plots, histograms, contours and pies besides (``TRACES``). It is
fetched from the npm registry at set-up time only (``make venv``: ``scripts/fetch_chart_library.py``), at the
pinned ``VERSION`` (the plotly.js of the python ``plotly`` package) and checked against ``INTEGRITY``, into the
environment (``.venv/share/analysis/``). The site build copies it into ``assets/``; nothing is fetched at build or
run time. Where it could not be had, the build ships the full bundle of the python package and says so.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "plotly.js-cartesian-dist-min"
VERSION = "4.1.1"
INTEGRITY = "sha512-o8GrFeusncwBIxbBynRJpY4pkgVB6caM+JLpwrLYbbsO7dZ8FJ+SVN2Fr+L7kiG/Z6w4P5O0Jus/Qr5EefHVeg=="
BUNDLE = "plotly-cartesian.min.js"
TRACES = ("bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "image", "pie",
          "scatter", "scatterternary", "violin")  # the bundle's trace modules, as its README lists them
ASSET = "plotly.min.js"  # its name in the site's assets (site.js loads it from beside itself)


class ChartLibraryError(RuntimeError):
    """The partial bundle could not be fetched or did not match its pinned integrity hash."""


def install_dir(prefix: Path | None = None) -> Path:
    """Where set-up puts the partial bundle: inside the environment, beside the python packages."""
    return Path(prefix or sys.prefix) / "share" / "analysis" / PACKAGE


def full_bundle() -> Path:
    """plotly.js as the installed python plotly package ships it (the whole library, every trace type)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def bundle_version(path: Path) -> str:
    """The plotly.js version in a bundle's header comment ('' when it has none)."""
    with path.open(encoding="utf-8", errors="replace") as f:
        head = f.read(400)
    m = re.search(r"plotly\.js(?: \(([\w -]+)\))? v(\d+\.\d+\.\d+)", head)
    return m.group(2) if m else ""


def partial_bundle(prefix: Path | None = None) -> Path | None:
    """The fetched cartesian bundle at the pinned version, or None when set-up could not fetch it."""
    path = install_dir(prefix) / BUNDLE
    return path if path.is_file() and bundle_version(path) == VERSION else None


def bundle_path(prefix: Path | None = None) -> Path:
    """The bundle the site ships: the partial one, or the full one (with a warning on stderr) without it."""
    path = partial_bundle(prefix)
    if path is not None:
        return path
    print(f"analysis site: {PACKAGE} {VERSION} is not installed in {install_dir(prefix)} (run `make venv` with "
          f"access to the npm registry); shipping the full plotly.js of the python plotly package instead "
          f"(about three times heavier)", file=sys.stderr)
    return full_bundle()


def integrity(data: bytes) -> str:
    """Subresource-integrity string of bytes, as npm records it (``sha512-<base64>``)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def install_tarball(tgz: Path, prefix: Path | None = None, expected: str = INTEGRITY) -> Path:
    """Check a package tarball against its pinned hash and unpack its bundle into ``install_dir``."""
    got = integrity(tgz.read_bytes())
    if got != expected:
        raise ChartLibraryError(f"{tgz.name}: integrity {got} is not the pinned {expected}; not installed")
    dest = install_dir(prefix)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tar:
        for name in (BUNDLE, "LICENSE", "package.json"):
            member = tar.getmember(f"package/{name}")
            (dest / name).write_bytes(tar.extractfile(member).read())
    if bundle_version(dest / BUNDLE) != VERSION:
        raise ChartLibraryError(f"{tgz.name}: {BUNDLE} is not plotly.js v{VERSION}")
    return dest / BUNDLE


def fetch(prefix: Path | None = None, npm: str = "npm") -> Path:
    """Set-up only: ``npm pack`` the pinned package from the registry, check it and install its bundle."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            done = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp, "--silent"],
                                  capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ChartLibraryError(f"npm pack {PACKAGE}@{VERSION}: {e}") from e
        tgz = sorted(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tgz:
            raise ChartLibraryError(f"npm pack {PACKAGE}@{VERSION} failed: {done.stderr.strip()[-500:]}")
        return install_tarball(tgz[0], prefix)
