"""Runner speed, measured in one run on a throwaway copy of the project.

1. Cold build of every province and the comparison (``analysis run``) against the naive way: a sequential
   loop of ``papermill`` CLI calls with the same notebooks and parameters.   goal: ratio <= 0.6
2. No-op rebuild (nothing changed: every notebook cached).                   goal: < 2 s
3. One-province rebuild after a parameter change, against one notebook run.  goal: ratio < 1.5
Run: python benchmarks/runner.py
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


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-runner-"))
    try:
        _copy_project(tmp)
        env = os.environ | {"ANALYSIS_PROJECT_ROOT": str(tmp)}
        subprocess.run([PY, "-m", "analysis", "data"], env=env, check=True, stdout=subprocess.DEVNULL)
        sys.path.insert(0, str(ROOT / "src"))
        os.environ["ANALYSIS_PROJECT_ROOT"] = str(tmp)
        from analysis.runner import plan

        jobs = plan(build_dir=tmp / "naive")
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
            if j.name == "can-tho" and j.lang == "vi":
                one_notebook = secs
        cold = _timed([PY, "-m", "analysis", "run"], env)
        noop = _timed([PY, "-m", "analysis", "run"], env)
        p = tmp / "params" / "can-tho.yaml"
        p.write_text(p.read_text(encoding="utf-8") + "interval_levels: [0.5, 0.9]\n", encoding="utf-8")
        one = _timed([PY, "-m", "analysis", "run", "can-tho"], env)
        cores = os.cpu_count()
        print(f"Runner benchmark: {len(jobs)} notebooks ({len(jobs) - 2} province runs + 2 comparison), "
              f"{cores} cores")
        print(f"  cold build   : {cold:6.1f} s   naive sequential papermill CLI: {naive:6.1f} s   "
              f"ratio {cold / naive:.2f} (goal <= 0.60)")
        print(f"  no-op rebuild: {noop:6.2f} s   (goal < 2 s; ratio to naive {noop / naive:.3f})")
        print(f"  one province after a parameter change (2 languages): {one:5.1f} s   one notebook via papermill "
              f"CLI: {one_notebook:5.1f} s   ratio {one / one_notebook:.2f} (goal < 1.5)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
