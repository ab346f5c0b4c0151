"""Run the notebooks with papermill: parallel, cached by content hash, one failure never stops the others.

``plan`` validates every parameter before any kernel starts; ``execute`` runs what is not cached and
returns a summary. The command line is ``analysis run`` (see analysis/cli.py).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import re
import signal
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from analysis import config
from analysis.catalogue import LANGS
from analysis.data.manifest import file_sha256
from analysis.run import inputs
from analysis.run.params import ParamsError, all_provinces, list_provinces, load_params

KERNEL = "python3"  # always, whatever the notebook metadata says
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colour codes of kernel tracebacks: not for a log or a terminal report


@dataclass
class Job:
    name: str  # e.g. "quang-ninh" or "compare"
    lang: str
    notebook: Path
    output: Path  # executed notebook
    out_dir: Path  # figures and tables
    parameters: dict

    @property
    def label(self) -> str:
        return f"{self.name} ({self.lang})"


@dataclass
class Result:
    job: Job
    status: str  # "ran", "cached" or "failed"
    seconds: float = 0.0
    error: str = ""


@dataclass
class Summary:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.status == "failed"]

    def report(self) -> str:
        lines = [f"{len(self.results)} notebook(s) in {self.seconds:.1f} s: "
                 + ", ".join(f"{k} {sum(r.status == k for r in self.results)}" for k in ("ran", "cached", "failed"))]
        for r in self.failed:
            out = r.job.output
            kept = (f"executed notebook kept at {out}" if out.exists() and out.stat().st_size else
                    f"no executed notebook was written ({out}; a full disk?)")
            lines.append(f"\nFAILED {r.job.label}: {kept}\n{ANSI.sub('', r.error).rstrip()}")
        return "\n".join(lines)


def notebook_parameter_names(path: Path) -> set[str]:
    """Names assigned in the cell tagged ``parameters`` (read as plain JSON: importing nbformat costs seconds)."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ParamsError(f"{Path(path).name}: cannot read the notebook: {e}") from None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            names = set()
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            for node in ast.parse(source).body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
            return names
    raise ParamsError(f"{path.name}: no cell tagged 'parameters'")


def _check_names(job: Job, allowed: set[str]) -> None:
    unknown = sorted(set(job.parameters) - allowed)
    if unknown:
        raise ParamsError(f"{job.notebook.name}: unknown parameter name(s) {unknown} for job {job.label}; "
                          f"the parameters cell defines {sorted(allowed)}")


def plan(provinces: list[str] | None = None, overrides: dict | None = None, langs: list[str] | None = None,
         compare: bool = True, build_dir: Path | None = None, notebooks_dir: Path | None = None) -> list[Job]:
    """Jobs for the provinces and the comparison; every parameter validated first.

    ``provinces=None``: the provinces with a parameter file, then every province in force from 1 July 2025 (on
    the defaults in params/defaults.yaml). The comparison covers the provinces with a parameter file."""
    build = Path(build_dir or config.build_dir())
    nbdir = Path(notebooks_dir or config.notebooks_dir())
    keys = provinces or all_provinces()
    errors, jobs = [], []
    loaded = {}
    for key in keys:
        try:
            loaded[key] = load_params(key, overrides)
        except ParamsError as e:
            errors.append(str(e))
    if errors:
        raise ParamsError("\n".join(errors))
    province_nb = nbdir / "province.ipynb"
    allowed = notebook_parameter_names(province_nb)
    for key, p in loaded.items():
        for lang in p.languages:
            if langs and lang not in langs:
                continue
            out_dir = build / "outputs" / key / lang
            params = p.notebook_parameters(lang) | {"output_dir": str(out_dir)}
            jobs.append(Job(key, lang, province_nb, build / "notebooks" / lang / f"{key}.ipynb", out_dir, params))
            _check_names(jobs[-1], allowed)
    if compare:
        compare_nb = nbdir / "compare.ipynb"
        allowed_c = notebook_parameter_names(compare_nb)
        all_keys = list_provinces()
        for lang in langs or LANGS:
            out_dir = build / "outputs" / "compare" / lang
            jobs.append(Job("compare", lang, compare_nb, build / "notebooks" / lang / "compare.ipynb", out_dir,
                            {"provinces": all_keys, "lang": lang, "output_dir": str(out_dir)}))
            _check_names(jobs[-1], allowed_c)
    return jobs


# ------------------------------------------------------------------ cache
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


# ------------------------------------------------------------------ execution
# a kernel that dies while starting (parallel kernels can race for ports) is retried; one that dies while running
# the notebook ("DeadKernelError: Kernel died", e.g. out of memory) fails the notebook at once
STARTUP_ERRORS = ("Kernel died before replying to kernel_info", "Kernel didn't respond")
STARTUP_RETRIES = 2
DIED = "the kernel died while running the notebook (out of memory? a crash in a library?); the cells run so far " \
       "are kept in the executed notebook"


def _execute_one(job_dict: dict, warm: bool = True) -> tuple[str, float, str]:
    """Run one notebook in a worker process; return (status, seconds, error text).

    ``warm``: run on this process's preloaded kernel, reset to a clean state first (see warm.py); otherwise
    start a new kernel for the notebook. A kernel that dies while starting (parallel kernels can race for
    ports) is restarted up to STARTUP_RETRIES times; an error raised by a cell is never retried.
    """
    import papermill as pm

    engine = None
    if warm:
        from analysis.run import warm as warm_engine

        warm_engine.register()
        engine = warm_engine.ENGINE

    t0 = time.perf_counter()
    job = Job(**{**job_dict, "notebook": Path(job_dict["notebook"]), "output": Path(job_dict["output"]),
                 "out_dir": Path(job_dict["out_dir"])})
    job.output.parent.mkdir(parents=True, exist_ok=True)
    note = ""
    for attempt in range(STARTUP_RETRIES + 1):
        try:
            pm.execute_notebook(str(job.notebook), str(job.output), parameters=job.parameters, kernel_name=KERNEL,
                                progress_bar=False, log_output=False, cwd=str(job.notebook.parent),
                                report_mode=False, engine_name=engine)
            return "ran", time.perf_counter() - t0, note
        except pm.PapermillExecutionError as e:
            return "failed", time.perf_counter() - t0, f"{e.ename}: {e.evalue}\n" + "".join(e.traceback[-3:])
        except Exception as e:  # kernel died, bad notebook file, ...
            text = "".join(traceback.format_exception_only(type(e), e))
            if type(e).__name__ == "DeadKernelError":
                return "failed", time.perf_counter() - t0, f"{DIED}\n{text}"
            if attempt < STARTUP_RETRIES and any(m in text or m == type(e).__name__ for m in STARTUP_ERRORS):
                note = f"kernel start failed {attempt + 1} time(s) and was retried: {text.strip()}"
                continue
            return "failed", time.perf_counter() - t0, text
    raise AssertionError("unreachable")


def _worker_init() -> None:
    """In each pool worker: Ctrl-C is the parent's to handle (it cancels the queue); SIGTERM, which the parent
    sends to stop the run, ends the worker and its kernels at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)


def _stop_worker(signum, frame) -> None:
    import psutil

    for child in psutil.Process().children(recursive=True):  # the kernels
        try:
            child.kill()
        except psutil.Error:
            pass
    os._exit(128 + signum)


class _Pool(ProcessPoolExecutor):
    """A process pool that, on Ctrl-C, drops the queued notebooks and stops the running ones (instead of running
    the rest of the queue before it exits)."""

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            procs = list((self._processes or {}).values())
            self.shutdown(wait=False, cancel_futures=True)
            for p in procs:
                p.terminate()
            for p in procs:
                p.join(5)
            return False
        return super().__exit__(exc_type, exc, tb)


def split_cached(jobs: list[Job], force: bool = False,
                 progress: Callable[[str], None] | None = print) -> tuple[Summary, list[tuple[Job, str]]]:
    """A summary holding the jobs whose outputs are up to date, and the (job, cache key) pairs left to run."""
    env_hash = environment_hash()
    summary = Summary()
    todo = []
    for j in jobs:
        key = job_key(j, env_hash)
        if not force and is_cached(j, key):
            summary.results.append(Result(j, "cached"))
        else:
            todo.append((j, key))
    if progress and summary.results:
        progress(f"{len(summary.results)} of {len(jobs)} notebook(s) unchanged (cached)")
    return summary, todo


def _last_seconds(job: Job) -> float | None:
    try:
        return float(json.loads(_stamp(job).read_text(encoding="utf-8"))["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def longest_first(todo: list[tuple[Job, str]]) -> list[tuple[Job, str]]:
    """The queue ordered by how long each notebook took last time, longest first (never run: the comparison,
    the longest, first), so no long notebook starts last while the other workers sit idle."""
    def order(item):
        secs = _last_seconds(item[0])
        return (secs is None and item[0].name != "compare", -(secs or 0.0))
    return sorted(todo, key=order)


def execute(jobs: list[Job], workers: int | None = None, force: bool = False,
            progress: Callable[[str], None] | None = print, warm: bool = True) -> Summary:
    """Run the jobs that are not cached, ``workers`` at a time; failures are collected, not raised.

    ``warm``: each worker process keeps one preloaded kernel and resets it between notebooks (warm.py);
    ``False`` starts a new kernel per notebook.
    """
    t0 = time.perf_counter()
    summary, todo = split_cached(jobs, force, progress)
    n = len(jobs)
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        todo = longest_first(todo)
        with _Pool(max_workers=workers, initializer=_worker_init) as pool:
            futures = {}
            for j, key in todo:
                _stamp(j).unlink(missing_ok=True)
                d = asdict(j)
                d.update(notebook=str(j.notebook), output=str(j.output), out_dir=str(j.out_dir))
                futures[pool.submit(_execute_one, d, warm)] = (j, key)
            for fut in as_completed(futures):
                j, key = futures[fut]
                try:
                    status, secs, err = fut.result()
                except Exception as e:  # the worker itself died
                    status, secs, err = "failed", 0.0, repr(e)
                if status == "ran":
                    _stamp(j).write_text(json.dumps({"key": key, "seconds": round(secs, 2)}), encoding="utf-8")
                summary.results.append(Result(j, status, secs, err))
                if progress:
                    done = len(summary.results)
                    retried = " (kernel start retried)" if status == "ran" and err else ""
                    progress(f"[{done}/{n}] {j.label}: {'ok' if status == 'ran' else 'FAILED'} ({secs:.1f} s)"
                             + retried)
    summary.seconds = time.perf_counter() - t0
    return summary
