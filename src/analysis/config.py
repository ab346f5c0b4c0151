"""Project paths, in one place.

Every path the package uses comes from here, so notebooks and scripts work from any working
directory. Set ``ANALYSIS_PROJECT_ROOT`` to point the package at another copy of the project
(tests do this with small fixture projects).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path


def project_root() -> Path:
    """The project folder: ``ANALYSIS_PROJECT_ROOT`` if set, else the checkout this package is in."""
    env = os.environ.get("ANALYSIS_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"


def params_dir() -> Path:
    return project_root() / "params"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def build_dir() -> Path:
    return project_root() / "build"


def site_src_dir() -> Path:
    return project_root() / "site"


def site_out_dir() -> Path:
    return project_root() / "site" / "_build"


def documents_dir() -> Path | None:
    """Folder holding the text of the seed documents (``seed_file`` in sources_documents.csv), if available.

    ``ANALYSIS_DOCUMENTS_DIR`` if set; else ``../shared/seeds`` beside the project or this checkout (where the team keeps the
    documents: they are not redistributed with the project). ``None`` when neither exists: the checks that
    need the text are then reported as not run.
    """
    env = os.environ.get("ANALYSIS_DOCUMENTS_DIR")
    if env:
        return Path(env).resolve() if Path(env).is_dir() else None
    for base in (project_root(), Path(__file__).resolve().parents[2]):  # the project, or this checkout
        d = base.parent / "shared" / "seeds"
        if d.is_dir():
            return d
    return None


def today() -> date:
    """The build's date: today, or ``ANALYSIS_TODAY`` (YYYY-MM-DD) to rebuild as of another day (tests)."""
    env = os.environ.get("ANALYSIS_TODAY")
    return date.fromisoformat(env) if env else date.today()


def build_year() -> int:
    """The year of the build: a target year before it has passed."""
    return today().year
