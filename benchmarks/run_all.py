"""Run every benchmark in this folder: python benchmarks/run_all.py"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["calibration.py", "runner.py", "site_build.py"]

if __name__ == "__main__":
    for name in BENCHMARKS:
        print(f"\n=== {name}")
        sys.argv = [name]
        runpy.run_path(str(HERE / name), run_name="__main__")
