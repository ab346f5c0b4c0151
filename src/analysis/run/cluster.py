"""Run the notebook jobs on a Dask distributed cluster (``analysis run --scheduler ADDRESS``).

The same jobs as the local runner (same parameter checks before any work, same cache, failures collected,
not raised), submitted to ``dask.distributed``. Workers need not share a filesystem with the client: the
processed tables and the notebooks travel with the jobs (sent once to every worker), each worker runs the
notebook in a project copy of its own, and the executed notebook and its figures and tables come back to
the client as bytes, where they are written exactly where the local runner writes them. Paths inside the
executed notebook (the ``output_dir`` parameter) are mapped back to the client's, so the parameters recorded
in it are the client's.

Every worker needs this package installed in the same environment (the ``python3`` kernel included), e.g.
``dask worker tcp://scheduler:8786`` started from the project's ``.venv``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from analysis import config
from analysis.run.runner import Job, Result, Summary, _execute_one, _stamp, split_cached


def project_payload(jobs: list[Job], processed: Path | None = None) -> dict[str, bytes]:
    """What a worker needs to run the jobs: the processed tables and the notebooks, by relative path."""
    processed = Path(processed or config.processed_dir())
    files = {f"data/processed/{p.name}": p.read_bytes() for p in sorted(processed.iterdir()) if p.is_file()}
    for j in jobs:
        files[f"notebooks/{j.notebook.name}"] = j.notebook.read_bytes()
    return files


def _materialise(payload: dict[str, bytes]) -> Path:
    """A project copy on this worker for this payload (made once per worker and payload)."""
    digest = hashlib.sha256()
    for name in sorted(payload):
        digest.update(name.encode() + b"\0" + hashlib.sha256(payload[name]).digest())
    root = Path(tempfile.gettempdir()) / f"analysis-worker-{digest.hexdigest()[:16]}"
    if not (root / ".complete").exists():
        tmp = Path(tempfile.mkdtemp(prefix=root.name + ".tmp-"))
        for name, data in payload.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_bytes(data)
        (tmp / ".complete").write_text("", encoding="utf-8")
        try:
            os.replace(tmp, root)
        except OSError:  # another process of this worker made it first
            shutil.rmtree(tmp, ignore_errors=True)
    return root


def run_remote(job_dict: dict, payload: dict[str, bytes], warm: bool = True) -> dict:
    """On a worker: run one job in a local project copy; return status, seconds, error and the files made."""
    root = _materialise(payload)
    work = Path(tempfile.mkdtemp(prefix="analysis-job-"))
    client_out_dir, client_nb_dir = job_dict["out_dir"], str(Path(job_dict["notebook"]).parent)
    local = dict(job_dict, notebook=str(root / "notebooks" / Path(job_dict["notebook"]).name),
                 output=str(work / "executed.ipynb"), out_dir=str(work / "out"),
                 parameters={**job_dict["parameters"], **({"output_dir": str(work / "out")}
                                                           if "output_dir" in job_dict["parameters"] else {})})
    previous = os.environ.get("ANALYSIS_PROJECT_ROOT")
    os.environ["ANALYSIS_PROJECT_ROOT"] = str(root)  # the kernel reads this project's processed tables
    try:
        status, secs, err = _execute_one(local, warm)
    finally:
        if previous is None:
            os.environ.pop("ANALYSIS_PROJECT_ROOT", None)
        else:
            os.environ["ANALYSIS_PROJECT_ROOT"] = previous
    files = {}
    nb = work / "executed.ipynb"
    if nb.exists():  # the worker's paths, mapped back to the client's
        text = nb.read_text(encoding="utf-8")
        text = text.replace(json.dumps(str(work / "out"))[1:-1], json.dumps(client_out_dir)[1:-1])
        text = text.replace(json.dumps(str(root / "notebooks"))[1:-1], json.dumps(client_nb_dir)[1:-1])
        files["notebook"] = text.encode("utf-8")
    out = work / "out"
    if out.exists():
        for p in sorted(out.rglob("*")):
            if p.is_file():
                files[f"out/{p.relative_to(out).as_posix()}"] = p.read_bytes()
    shutil.rmtree(work, ignore_errors=True)
    return {"status": status, "seconds": secs, "error": err, "files": files, "worker_pid": os.getpid()}


def _write_back(job: Job, files: dict[str, bytes]) -> None:
    if "notebook" in files:
        job.output.parent.mkdir(parents=True, exist_ok=True)
        job.output.write_bytes(files["notebook"])
    if any(k.startswith("out/") for k in files) and job.out_dir.exists():
        shutil.rmtree(job.out_dir)
    for name, data in files.items():
        if name.startswith("out/"):
            dest = job.out_dir / name[4:]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)


def execute_on_cluster(jobs: list[Job], scheduler: str, force: bool = False,
                       progress: Callable[[str], None] | None = print, warm: bool = True) -> Summary:
    """Run the jobs that are not cached on the Dask cluster at ``scheduler`` (an address such as
    ``tcp://10.0.0.5:8786``, or a ``distributed.Client``/``LocalCluster`` object); failures are collected."""
    from distributed import Client, as_completed

    t0 = time.perf_counter()
    summary, todo = split_cached(jobs, force, progress)
    n = len(jobs)
    if todo:
        own = isinstance(scheduler, str)
        client = Client(scheduler) if own else (scheduler if isinstance(scheduler, Client) else Client(scheduler))
        try:
            [payload] = client.scatter([project_payload([j for j, _ in todo])], broadcast=True, hash=False)
            futures = {}
            for j, key in todo:
                _stamp(j).unlink(missing_ok=True)
                d = asdict(j)
                d.update(notebook=str(j.notebook), output=str(j.output), out_dir=str(j.out_dir))
                futures[client.submit(run_remote, d, payload, warm, pure=False)] = (j, key)
            for fut in as_completed(futures):
                j, key = futures[fut]
                try:
                    r = fut.result()
                    status, secs, err = r["status"], r["seconds"], r["error"]
                    _write_back(j, r["files"])
                except Exception as e:  # the worker or the transfer failed
                    status, secs, err = "failed", 0.0, f"{type(e).__name__}: {e}"
                if status == "ran":
                    _stamp(j).write_text(json.dumps({"key": key, "seconds": round(secs, 2)}), encoding="utf-8")
                summary.results.append(Result(j, status, secs, err))
                if progress:
                    progress(f"[{len(summary.results)}/{n}] {j.label}: {'ok' if status == 'ran' else 'FAILED'} "
                             f"({secs:.1f} s, on the cluster)")
        finally:
            if own:
                client.close()
    summary.seconds = time.perf_counter() - t0
    return summary
