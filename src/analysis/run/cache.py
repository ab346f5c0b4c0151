"""Is a notebook run up to date? Its cache key, from what the run reads, and why a kept run is not finished."""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from pathlib import Path

from analysis import config
from analysis.data.manifest import file_sha256
from analysis.run import inputs
from analysis.run.job import Job

KERNEL = "python3"  # always, whatever the notebook metadata says

# A notebook's cache key is made of what its run reads (inputs.py): the notebook, its parameters, the source of
# every package module its kernel imports (the report package and what it imports, found from the import graph)
# with the catalogues those modules read, and the processed tables they load. A change to the site, the data
# stage's code or a table no report reads leaves it cached; a province's parameters change only its own key.
NOT_DATA = ("metadata.json", "manifest.json", "README.md")  # describe the tables (with a date), are not read


def _hash_files(paths: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def environment_hash() -> str:
    """What every run shares: the kernel and the Python version (the rest of a key is each job's own inputs)."""
    return hashlib.sha256(f"{KERNEL}{sys.version_info[:2]}".encode()).hexdigest()


def code_files(notebook: Path, pkg: Path | None = None) -> list[Path]:
    """The package files a run of ``notebook`` reads: the modules its kernel imports and their catalogues."""
    pkg = pkg or inputs.PKG
    return inputs.source_files(inputs.notebook_modules(notebook, pkg), pkg)


@functools.lru_cache(maxsize=32)
def _code_and_tables(notebook_stamp: tuple, pkg: str, files_stamp: tuple) -> tuple[str, frozenset]:
    pkg_path = Path(pkg)
    modules = inputs.notebook_modules(Path(notebook_stamp[0]), pkg_path)
    files = inputs.source_files(modules, pkg_path)
    return _hash_files(files, pkg_path.parent), frozenset(inputs.tables_read(modules, pkg_path))


def _package_stamp(pkg: Path) -> tuple:
    """Every file of the package by (path, mtime, size): the import graph is read again when one changes."""
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in pkg.rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts))


def job_inputs(job: Job, pkg: Path | None = None, processed: Path | None = None) -> dict[str, str]:
    """The hash of each thing the job reads: notebook, parameters, code (with catalogues), processed data."""
    pkg = Path(pkg or inputs.PKG)
    processed = Path(processed or config.processed_dir())
    nb = job.notebook.resolve()
    st = nb.stat()
    code, tables = _code_and_tables((str(nb), st.st_mtime_ns, st.st_size), str(pkg), _package_stamp(pkg))
    if processed.exists():
        read = [p for p in processed.iterdir() if p.is_file() and p.name not in NOT_DATA and not p.name.startswith(".")
                and (p.suffix != ".csv" or inputs.ALL_TABLES in tables or p.stem in tables)]
        h = hashlib.sha256()
        for p in sorted(read):
            h.update(f"{p.name}:{file_sha256(p)};".encode())
        data = h.hexdigest()
    else:
        data = "none"
    return {"notebook": hashlib.sha256(nb.read_bytes()).hexdigest(),
            "parameters": json.dumps(job.parameters, sort_keys=True, ensure_ascii=False), "code": code, "data": data}


def job_key(job: Job, env_hash: str, parts: dict[str, str] | None = None) -> str:
    parts = parts or job_inputs(job)
    return hashlib.sha256(json.dumps({**parts, "env": env_hash}, sort_keys=True).encode()).hexdigest()


def _stamp(job: Job) -> Path:
    return job.output.with_suffix(".cache.json")


def is_cached(job: Job, key: str) -> bool:
    s = _stamp(job)
    if not (s.exists() and job.output.exists()):
        return False
    try:
        return json.loads(s.read_text(encoding="utf-8")).get("key") == key
    except (OSError, json.JSONDecodeError):
        return False


def run_problem(job: Job, env_hash: str) -> str | None:
    """None when ``job.output`` is the complete, successful run of this job on the current notebook, parameters,
    code, catalogues and processed data; otherwise why it is not (for the site to refuse it)."""
    if not job.output.exists():
        return "not run yet"
    try:
        stamp = json.loads(_stamp(job).read_text(encoding="utf-8")).get("key")
    except (OSError, json.JSONDecodeError):
        stamp = None
    if stamp is None:
        return _unfinished(job.output)
    if stamp != job_key(job, env_hash):
        return "made from other data, code, sentences or parameters than the current ones"
    return None


def _unfinished(path: Path) -> str:
    """Why an executed notebook without a completion record is not a finished run."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return f"unreadable ({path.stat().st_size} bytes; a full disk or a killed run?)"
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        return f"failed ({errors[0].get('ename')}: {errors[0].get('evalue')})"
    done = sum(c.get("metadata", {}).get("papermill", {}).get("status") == "completed" for c in cells)
    return f"incomplete: {done} of {len(cells)} cells ran (an interrupted run?)"


def stale_runs(jobs: list[Job]) -> list[tuple[Job, str]]:
    """The jobs whose executed notebook exists but is not a finished run on the current inputs, with why."""
    env_hash = environment_hash()
    out = []
    for j in jobs:
        problem = run_problem(j, env_hash) if j.output.exists() else None
        if problem:
            out.append((j, problem))
    return out
