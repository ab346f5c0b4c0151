"""Run the notebooks with papermill: parallel, cached by content hash, one failure never stops the others.

``plan`` validates every parameter before any kernel starts; ``execute`` runs what is not cached and
returns a summary. The command line is ``analysis run`` (see analysis/cli.py).
"""

from __future__ import annotations

import ast
import json
import os
import re
import signal
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from analysis import config
from analysis.catalogue import LANGS
from analysis.run.cache import (KERNEL, NOT_DATA, _stamp, code_files, environment_hash, is_cached,  # noqa: F401
                                job_inputs, job_key, run_problem, stale_runs)
from analysis.run.job import Job
from analysis.run.params import ParamsError, all_provinces, list_provinces, load_params
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colour codes of kernel tracebacks: not for a log or a terminal report


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
            # let the pool's manager thread finish (it closes its wake-up pipe): otherwise Python's exit hook for
            # process pools may write to that pipe as it closes, and prints "Exception ignored ... Bad file
            # descriptor" under the one-line message (a race in CPython 3.11's concurrent.futures)
            manager = getattr(self, "_executor_manager_thread", None)
            if manager is not None:
                manager.join(5)
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
