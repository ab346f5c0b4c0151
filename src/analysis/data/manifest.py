"""The manifest of data/processed: each table's rows and sha256, as the stage that wrote it recorded them.

``make data`` writes ``manifest.json``; ``make assess`` adds its tables to it (``record``). ``verify_table``
refuses a table that does not match its entry. Standard library only: the runner checks tables without
importing pandas.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from analysis import config
from analysis.atomic import write_atomic

MANIFEST = "manifest.json"  # every processed table `make data` (and `make assess`) wrote: rows and sha256
# the tables a later stage writes into data/processed, and the command that writes them
STAGE_OF = {"assessments": "assess", "national_assessments": "assess", "backtest": "assess",
            "single_series_backtest": "assess"}


class ProcessedDataError(FileNotFoundError):
    """A processed table is missing, unreadable or lacks columns; the message names the file and what is wrong."""


def make_command(name: str) -> str:
    """The make target that writes the processed table ``name`` (``make data`` or ``make assess``)."""
    return f"make {STAGE_OF.get(name, 'data')}"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@functools.lru_cache(maxsize=64)
def _sha256_of(path: str, stamp: tuple) -> str:  # by (mtime, size, inode): a table is hashed once per version
    return sha256(Path(path))


def file_sha256(path: Path) -> str:
    """sha256 of a file, computed once per version of it (mtime, size, inode) in this process."""
    st = Path(path).stat()
    return _sha256_of(str(path), (st.st_mtime_ns, st.st_size, st.st_ino))


def verify_table(name: str, processed_dir: Path | None = None, rows: int | None = None) -> None:
    """Raise ProcessedDataError unless ``<name>.csv`` is the table its stage wrote, as the manifest records
    (same sha256): a table cut short, edited or copied from another build is refused, naming the table."""
    folder = Path(processed_dir or config.processed_dir())
    path, man = folder / f"{name}.csv", folder / MANIFEST
    cmd = make_command(name)
    try:
        entry = json.loads(man.read_text(encoding="utf-8"))["tables"][name]
    except FileNotFoundError:
        raise ProcessedDataError(f"{man} is missing (the processed tables were not all written by `make data`, or "
                                 "by an older version): rebuild them with `make data`") from None
    except (KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise ProcessedDataError(f"{path}: {man.name} does not list this table: rebuild with `{cmd}`") from None
    if file_sha256(path) != entry.get("sha256"):
        count = f"{rows} rows where {man.name} records {entry.get('rows')}" if rows is not None else "its content"
        raise ProcessedDataError(f"{path} is not the table `{cmd}` wrote ({count}; cut short or changed "
                                 f"since?): rebuild it with `{cmd}`")


def record(folder: Path, entries: dict[str, dict], metadata: dict[str, dict]) -> None:
    """Add (or replace) tables in ``manifest.json`` and ``metadata.json`` of ``folder``, each file replaced
    atomically. ``entries``: name -> {"path", "rows", "sha256"}; ``metadata``: name -> its metadata entry."""
    folder = Path(folder)
    for fname, new in ((MANIFEST, entries), ("metadata.json", metadata)):
        path = folder / fname
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ProcessedDataError(f"{path} is missing: run `make data` first") from None
        doc.setdefault("tables", {}).update(new)
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        write_atomic(path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
