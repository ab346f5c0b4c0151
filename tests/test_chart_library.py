"""The site's chart library: installed from a package tarball only when it matches the pinned integrity hash; the
full bundle of the python plotly package, said aloud, when the partial one is missing."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from analysis.site import chart_library as CL


def _tarball(path: Path, header: str) -> Path:
    files = {CL.BUNDLE: f"/**\n* plotly.js (cartesian - minified) v{header}\n*/\nvar Plotly = {{}};\n",
             "LICENSE": "MIT", "package.json": "{}"}
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_tarball_is_installed_only_when_its_hash_is_the_pinned_one(tmp_path):
    tgz = _tarball(tmp_path / "p.tgz", CL.VERSION)
    with pytest.raises(CL.ChartLibraryError, match="integrity .* is not the pinned"):
        CL.install_tarball(tgz, tmp_path / "env")  # the real pin: this home-made tarball is not it
    assert CL.partial_bundle(tmp_path / "env") is None
    path = CL.install_tarball(tgz, tmp_path / "env", expected=CL.integrity(tgz.read_bytes()))
    assert path == CL.partial_bundle(tmp_path / "env") == CL.bundle_path(tmp_path / "env")
    assert (path.parent / "LICENSE").read_text() == "MIT"


def test_a_tarball_of_another_version_is_refused(tmp_path):
    tgz = _tarball(tmp_path / "p.tgz", "9.9.9")
    with pytest.raises(CL.ChartLibraryError, match=f"not plotly.js v{CL.VERSION}"):
        CL.install_tarball(tgz, tmp_path / "env", expected=CL.integrity(tgz.read_bytes()))
    assert CL.partial_bundle(tmp_path / "env") is None


def test_without_the_partial_bundle_the_full_one_ships_and_the_build_says_so(tmp_path, capsys):
    path = CL.bundle_path(tmp_path / "empty-env")
    assert path == CL.full_bundle() and CL.bundle_version(path) == CL.VERSION  # the same plotly.js, all of it
    assert "shipping the full plotly.js" in capsys.readouterr().err


def test_the_pinned_version_is_the_python_packages_plotly_js():
    assert CL.bundle_version(CL.full_bundle()) == CL.VERSION


def test_npm_missing_is_a_clear_error(tmp_path):
    with pytest.raises(CL.ChartLibraryError, match="npm pack"):
        CL.fetch(tmp_path / "env", npm=str(tmp_path / "no-npm-here"))
