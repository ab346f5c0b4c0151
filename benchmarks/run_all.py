"""Run every benchmark in this folder, each in its own process: python benchmarks/run_all.py

`make bench` builds the processed data and the executed notebooks first (the site benchmark assembles them).
A benchmark that fails is reported and the others still run; the exit code is 1 if any failed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["backtest.py", "calibration.py", "runner.py", "site_build.py", "extraction.py", "page_weight.py"]

if __name__ == "__main__":
    failed = []
    env = {k: v for k, v in os.environ.items() if k != "ANALYSIS_PROJECT_ROOT"}
    for name in BENCHMARKS:
        print(f"\n=== {name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], env=env).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nbenchmarks failed: {', '.join(failed)}")
    sys.exit(1 if failed else 0)
