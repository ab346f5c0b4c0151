"""Runner speed, measured in one run on a throwaway copy of the project.

1. Cold build of every province a full build runs (the five with a parameter file and the 34 in force, two
   languages each) and the comparison (``analysis run``, warm kernels) against the naive way: a sequential
   loop of ``papermill`` CLI calls with the same notebooks and parameters.   goal: ratio <= 0.35
   Also the same build with a new kernel per notebook (``--cold-kernels``), to show what warm kernels save,
   and the peak memory of the build (all its processes together, sampled every 0.2 s).
2. No-op rebuild (nothing changed: every notebook cached).                   goal: < 1 s
3. One-province rebuild after a parameter change (2 languages), against one notebook run through the
   papermill CLI.                                                            goal: ratio <= 1.2
Run: python benchmarks/runner.py [--provinces N]   (N: only the first N provinces, for a quick look)
"""

from __future__ import annotations

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


def _copy_project(dst: Path) -> None:
    for d in ("data/raw", "params", "notebooks"):
        shutil.copytree(ROOT / d, dst / d)


def _timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-runner-"))
    try:
        _copy_project(tmp)
        env = os.environ | {"ANALYSIS_PROJECT_ROOT": str(tmp)}
        subprocess.run([PY, "-m", "analysis", "data"], env=env, check=True, stdout=subprocess.DEVNULL)
        sys.path.insert(0, str(ROOT / "src"))
        os.environ["ANALYSIS_PROJECT_ROOT"] = str(tmp)
        from analysis.run.runner import plan

        from analysis.run.params import all_provinces

        keys = all_provinces()
        if "--provinces" in sys.argv:
            keys = keys[:int(sys.argv[sys.argv.index("--provinces") + 1])]
        jobs = plan(keys, build_dir=tmp / "naive")
        target = "can-tho" if "can-tho" in keys else keys[0]  # the province rebuilt after a parameter change
        naive = 0.0
        one_notebook = None
        for j in jobs:
            pfile = tmp / "p.json"
            pfile.write_text(json.dumps(j.parameters), encoding="utf-8")
            cmd = [PAPERMILL, str(j.notebook), str(j.output), "-k", "python3", "--cwd", str(j.notebook.parent),
                   "-f", str(pfile)]
            j.output.parent.mkdir(parents=True, exist_ok=True)
            secs = _timed(cmd, env)
            naive += secs
            if j.name == target and j.lang == "vi":
                one_notebook = secs
        run = [PY, "-m", "analysis", "run", *keys]
        cold_kernels, _ = _timed_peak(run + ["--cold-kernels", "--force"], env)
        cold, peak = _timed_peak(run + ["--force"], env)
        noop = _timed(run, env)
        one = _timed([PY, "-m", "analysis", "run", target, "--no-compare", "-p", "interval_levels=[0.5, 0.9]"], env)
        cores = os.cpu_count()
        print(f"Runner benchmark: {len(jobs)} notebooks ({len(jobs) - 2} province runs + 2 comparison), "
              f"{cores} cores")
        print(f"  cold build, warm kernels: {cold:6.1f} s   naive sequential papermill CLI: {naive:6.1f} s   "
              f"ratio {cold / naive:.2f} (goal <= 0.35)")
        print(f"  same build, a new kernel per notebook: {cold_kernels:6.1f} s   ratio {cold_kernels / naive:.2f}; "
              f"warm / new kernels {cold / cold_kernels:.2f}")
        print(f"  peak memory of the build (all processes): {peak:,.0f} MiB")
        print(f"  no-op rebuild: {noop:6.2f} s   (goal < 1 s; ratio to naive {noop / naive:.4f})")
        print(f"  one province after a parameter change (2 languages): {one:5.1f} s   one notebook via papermill "
              f"CLI: {one_notebook:5.1f} s   ratio {one / one_notebook:.2f} (goal <= 1.2)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
