"""Run every benchmark in this folder, each in its own process: python benchmarks/run_all.py [--quick]

``--quick`` (``make bench QUICK=1``): the runner and site benchmarks on a few provinces, for the edit loop; the
others as they are. Each benchmark's wall time is printed, and the total.

`make bench` builds the processed data and the executed notebooks first (the site benchmark assembles them).
A benchmark that fails is reported and the others still run; the exit code is 1 if any failed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["backtest.py", "single_series.py", "calibration.py", "runner.py", "site_build.py", "extraction.py", "page_weight.py"]
QUICK_ARGS = {"runner.py": ["--quick"], "site_build.py": ["--quick"]}

if __name__ == "__main__":
    failed, quick, t_all = [], "--quick" in sys.argv, time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "ANALYSIS_PROJECT_ROOT"}
    for name in BENCHMARKS:
        print(f"\n=== {name}", flush=True)
        t0 = time.perf_counter()
        extra = QUICK_ARGS.get(name, []) if quick else []
        if subprocess.run([sys.executable, str(HERE / name), *extra], env=env).returncode != 0:
            failed.append(name)
        print(f"({name}: {time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"\nmake bench{' QUICK=1' if quick else ''}: {time.perf_counter() - t_all:.0f} s in all")
    if failed:
        print(f"\nbenchmarks failed: {', '.join(failed)}")
    sys.exit(1 if failed else 0)
