"""Build speed, measured in one run on throwaway copies of the project, against two baselines run beside it.

1. Cold build (data, assess, every notebook on warm kernels, the site with its Word files, search index and
   calibration: ``make report`` with the package already installed and empty build caches) against the same build
   of an earlier commit (``--baseline``, default 714100c, the build before the stages were split: ``git archive``
   of it into a temporary folder, run on this environment).                                   goal: <= 0.5
   Both copies hold the same parts of the project (package, notebooks, parameters, data/raw, site templates and
   assets, benchmarks: 714100c's site imports its calibration from there; README, LICENSE, CITATION.cff). The
   site is made of every report, so it is timed in a full build only: with ``--quick`` or ``--provinces`` the
   comparison is of data, assess and notebooks.
   And against the naive way: ``papermill`` CLI calls, one after another, for the same notebooks and parameters
   (on a sample of the notebooks, scaled to all of them, unless ``--naive-all``).              goal: <= 0.35
   The peak memory of the build (all its processes together, sampled every 0.2 s).
2. No-op rebuild (nothing changed: ``analysis run`` finds every notebook cached).            goal: < 1 s
3. One province after a parameter change (two languages), against one notebook through the papermill CLI.
                                                                                              goal: <= 1.2
``--quick``: three provinces and the comparison (the edit loop, a few minutes); otherwise every province a full
build runs. ``--cold-kernels`` also times the build with a new kernel per notebook.
Run: python benchmarks/runner.py [--quick] [--provinces N] [--baseline REV|none] [--naive-all] [--cold-kernels]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PAPERMILL = str(Path(PY).parent / "papermill")
PARTS = ("data/raw", "params", "notebooks")
SITE_PARTS = ("site/templates", "site/assets", "benchmarks", "README.md", "LICENSE", "CITATION.cff")  # the site reads
QUICK_PROVINCES = 3
NAIVE_SAMPLE = 12  # notebooks run the naive way in a full benchmark (spread over the queue), scaled to all


def _copy_project(src: Path, dst: Path) -> None:
    """The parts of the project a build reads, and the package itself (so that both builds zip the same source)."""
    for d in (*PARTS, *SITE_PARTS, "src"):
        if (src / d).is_dir():
            shutil.copytree(src / d, dst / d, ignore=shutil.ignore_patterns("__pycache__", "_build"))
        elif (src / d).is_file():
            shutil.copy2(src / d, dst / d)


def _baseline_source(rev: str, dst: Path) -> bool:
    """The package, notebooks, parameters and data/raw of commit ``rev`` in ``dst`` (git archive)."""
    try:
        parts = [p for p in ("src", *PARTS, *SITE_PARTS)
                 if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}:{p}"]).returncode == 0]
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", rev, *parts], check=True,
                             capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return False
    dst.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(dst)], input=tar, check=True)
    return True


def _timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        sys.exit(f"{' '.join(cmd[1:])} failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    return time.perf_counter() - t0


def _timed_peak(cmd: list[str], env: dict) -> tuple[float, float]:
    """Seconds, and the peak of the summed resident memory of the command and all its children (MiB)."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return time.perf_counter() - t0, peak / 2**20


def _env(project: Path, src: Path) -> dict:
    """Run the package in ``src`` on the project copy ``project`` (kernels inherit both)."""
    return os.environ | {"ANALYSIS_PROJECT_ROOT": str(project), "PYTHONPATH": str(src)}


def _build(project: Path, src: Path, keys: list[str], stages: list[str], site: bool) -> tuple[dict[str, float], float]:
    """Each stage's seconds for a cold build of ``keys`` (warm kernels; then the site when ``site``), and the
    notebook run's peak memory (MiB)."""
    env, out = _env(project, src), {}
    for stage in stages:
        out[stage] = _timed([PY, "-m", "analysis", stage], env)
    out["run"], peak = _timed_peak([PY, "-m", "analysis", "run", *keys, "--force"], env)
    if site:
        out["site"] = _timed([PY, "-m", "analysis", "site"], env)
    return out, peak


def _naive(jobs, sample: list, env: dict, tmp: Path) -> dict:
    """Seconds of each sampled job run the naive way: one papermill CLI call after another."""
    secs = {}
    for j in sample:
        pfile = tmp / "p.json"
        pfile.write_text(json.dumps(j.parameters), encoding="utf-8")
        j.output.parent.mkdir(parents=True, exist_ok=True)
        secs[j.label] = _timed([PAPERMILL, str(j.notebook), str(j.output), "-k", "python3", "--cwd",
                                str(j.notebook.parent), "-f", str(pfile)], env)
    return secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_PROVINCES} provinces and the comparison")
    ap.add_argument("--provinces", type=int, help="only the first N provinces")
    ap.add_argument("--baseline", default="714100c", help="commit to compare the cold build with ('none': skip)")
    ap.add_argument("--naive-all", action="store_true", help="run every notebook the naive way (no sample)")
    ap.add_argument("--cold-kernels", action="store_true", help="also time a build with a new kernel per notebook")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-runner-"))
    try:
        cur = tmp / "current"
        _copy_project(ROOT, cur)
        src = cur / "src"
        env = _env(cur, src)
        for stage in ("data", "assess"):  # the naive loop's inputs (the timed build makes them again)
            subprocess.run([PY, "-m", "analysis", stage], env=env, check=True, stdout=subprocess.DEVNULL)
        sys.path.insert(0, str(src))
        os.environ["ANALYSIS_PROJECT_ROOT"] = str(cur)
        from analysis.run.params import all_provinces
        from analysis.run.runner import plan

        keys = all_provinces()
        n = QUICK_PROVINCES if args.quick else args.provinces
        keys = keys[:n] if n else keys
        jobs = plan(keys, build_dir=tmp / "naive")
        target = "can-tho" if "can-tho" in keys else keys[0]  # the province rebuilt after a parameter change
        one_job = next(j for j in jobs if j.name == target and j.lang == "vi")
        quick_or_all = args.quick or args.naive_all or len(jobs) <= NAIVE_SAMPLE
        sample = jobs if quick_or_all else [jobs[round(i * (len(jobs) - 1) / (NAIVE_SAMPLE - 1))]
                                            for i in range(NAIVE_SAMPLE)]
        if one_job not in sample:
            sample.append(one_job)
        naive_secs = _naive(jobs, sample, env, tmp)
        naive = sum(naive_secs.values()) * len(jobs) / len(sample)
        one_notebook = naive_secs[one_job.label]

        site = not (args.quick or args.provinces)  # the site is made of every report
        current, peak = _build(cur, src, keys, ["data", "assess"], site)
        cold_kernels = _timed([PY, "-m", "analysis", "run", *keys, "--cold-kernels", "--force"], env) \
            if args.cold_kernels else None
        noop = _timed([PY, "-m", "analysis", "run", *keys], env)
        one = _timed([PY, "-m", "analysis", "run", target, "--no-compare", "-p", "interval_levels=[0.5, 0.9]"], env)

        base = None
        if args.baseline != "none" and _baseline_source(args.baseline, tmp / "base"):
            base, base_peak = _build(tmp / "base", tmp / "base" / "src", keys, ["data"], site)

        total = sum(current.values())
        print(f"Runner benchmark: {len(jobs)} notebooks ({len(jobs) - 2} province runs + 2 comparison), "
              f"{os.cpu_count()} cores{' (quick)' if args.quick else ''}")
        what = "data + assess + notebooks" + (" + site" if site else "; the site only in a full build")
        print(f"  cold build ({what}, warm kernels): "
              + " + ".join(f"{k} {v:.1f}" for k, v in current.items()) + f" = {total:6.1f} s")
        if base is not None:
            btotal = sum(base.values())
            print(f"  same build at {args.baseline} (data with assessments + notebooks{' + site' if site else ''}): "
                  + " + ".join(f"{k} {v:.1f}" for k, v in base.items())
                  + f" = {btotal:6.1f} s   ratio {total / btotal:.2f} (goal <= 0.5); notebooks alone "
                  f"{current['run'] / base['run']:.2f}"
                  + (f", site alone {current['site'] / base['site']:.2f}" if site else "")
                  + f"; peak memory {base_peak:,.0f} MiB there")
        else:
            print(f"  baseline {args.baseline}: not measured (no git history here, or --baseline none)")
        how = "every notebook" if len(sample) == len(jobs) else f"{len(sample)} of {len(jobs)} notebooks, scaled"
        print(f"  naive sequential papermill CLI ({how}): {naive:6.1f} s   notebooks ratio "
              f"{current['run'] / naive:.2f} (goal <= 0.35)")
        if cold_kernels is not None:
            print(f"  same notebooks, a new kernel per notebook: {cold_kernels:6.1f} s   warm / new kernels "
                  f"{current['run'] / cold_kernels:.2f}")
        print(f"  peak memory of the build (all processes): {peak:,.0f} MiB")
        print(f"  no-op rebuild: {noop:6.2f} s   (goal < 1 s)")
        print(f"  one province after a parameter change (2 languages): {one:5.1f} s   one notebook via papermill "
              f"CLI: {one_notebook:5.1f} s   ratio {one / one_notebook:.2f} (goal <= 1.2)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
