"""Shared fixtures: a throwaway copy of data/raw that a test may break on purpose."""

from __future__ import annotations

import contextlib
import csv
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture()
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of data/raw (the real one is never touched by tests)."""
    dst = tmp_path / "raw"
    shutil.copytree(RAW, dst)
    return dst


def edit_csv(path: Path, row_id: str, column: str, value: str, id_column: str | None = None) -> int:
    """Set one cell of a CSV in place; return the line number of the edited row (header = line 1)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    key = header.index(id_column or header[0])
    col = header.index(column)
    for i, r in enumerate(rows[1:], start=2):
        if r[key] == row_id:
            r[col] = value
            with path.open("w", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows(rows)
            return i
    raise KeyError(row_id)


def append_csv_row(path: Path, values: dict[str, str]) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    rows.append([values.get(h, "") for h in header])
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return len(rows)


PROJECT_PARTS = ("data/raw", "params", "notebooks", "site/templates", "site/assets", "benchmarks")
PROJECT_FILES = ("CITATION.cff", "README.md")  # the site ships them (citation, footer link)


@contextlib.contextmanager
def built_copy(root: Path, prepare: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """A throwaway copy of the project in ``root`` (data/raw, params, notebooks, site sources, benchmarks), changed
    by ``prepare`` if given, with data/processed built (data and assess stages); ANALYSIS_PROJECT_ROOT points the package, and every kernel
    it starts, at the copy until the block ends."""
    from analysis.assess.stage import build as assess
    from analysis.data.process import build

    for d in PROJECT_PARTS:
        shutil.copytree(ROOT / d, root / d)
    for f in PROJECT_FILES:
        shutil.copy2(ROOT / f, root / f)
    if prepare is not None:
        prepare(root)
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    try:
        build(root / "data" / "raw", root / "data" / "processed")
        assess(root / "data" / "processed")
        yield root
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def project(tmp_path_factory):
    """A throwaway copy of the project with data/processed built, for the whole session."""
    with built_copy(tmp_path_factory.mktemp("project")) as root:
        yield root


# Provinces with no parameter file that the test session runs on the defaults, beside the five with one: a
# province whose territory did not change on 1 July 2025, and one formed then by a merger (with a seed province).
REGISTRY_SAMPLE = ["ha-noi", "thai-nguyen-2025"]


def session_provinces() -> list[str]:
    from analysis.run.params import list_provinces

    return list_provinces() + REGISTRY_SAMPLE


@pytest.fixture(scope="session")
def executed(project):
    """The notebooks of the throwaway project (the five provinces with a parameter file, two of the registry,
    the comparison), executed once for the whole test session on warm kernels."""
    from analysis.run.runner import execute, plan

    jobs = plan(session_provinces(), build_dir=project / "build")
    summary = execute(jobs, workers=2, progress=None)
    return project, jobs, summary
