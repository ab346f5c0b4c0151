"""The project itself among the site's downloads: its README and its source, so a reader can rerun the work.

Every page's footer links ``downloads/README.md`` and ``downloads/source.zip`` (the package, notebooks,
parameters, the evidence base in ``data/raw``, templates, tests and the files that install them), and the code
repository when ``CITATION.cff`` names one (``repository-code``: the one place its address is kept).
The archive is byte-identical for identical files (fixed dates, sorted names), so a rebuild does not change it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

FOLDERS = ("src", "notebooks", "params", "data/raw", "scripts", "site/templates", "site/assets", "benchmarks", "tests")
FILES = ("README.md", "LICENSE", "CITATION.cff", "Makefile", "pyproject.toml", "requirements.in",
         "requirements.lock", "environment.yml")
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", "_artifacts", "_build"}
ARCHIVE = "source.zip"
README = "README.md"


def source_files(root: Path) -> list[Path]:
    """The files that make the project (relative to ``root``), sorted; generated files and caches left out."""
    out = [Path(f) for f in FILES if (root / f).is_file()]
    for folder in FOLDERS:
        base = root / folder
        if base.is_dir():
            out += [p.relative_to(root) for p in base.rglob("*")
                    if p.is_file() and not SKIP_PARTS & set(p.relative_to(root).parts) and p.suffix != ".pyc"]
    return sorted(set(out), key=lambda p: p.as_posix())


def write_source_archive(root: Path, dest: Path, prefix: str = "vn-dt-workforce") -> Path:
    """A zip of ``source_files(root)`` under ``prefix/``; the same bytes for the same files."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for rel in source_files(root):
            info = zipfile.ZipInfo(f"{prefix}/{rel.as_posix()}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, (root / rel).read_bytes())
    return dest


def repository_url(cff: dict) -> str:
    """The code repository named in CITATION.cff (``repository-code``), or '' when it names none."""
    url = str(cff.get("repository-code") or "").strip()
    return url if url.startswith(("https://", "http://")) else ""
