"""Calibration of target assessments on simulated series, against two naive ways, in one run.

For each generating process (analysis.assess.simulate; gompertz_rw is held out from every tuning choice):
- 80% / 95% interval coverage of the process's value at the target year: ours vs a plain OLS trend line with
  iid t-intervals on the logit scale (the naive way);
- Brier score of p_meet (ours) vs the UN SDG Progress Chart category used as a forecast
  (met = category 'achieved' or 'on_track').
Run: python benchmarks/calibration.py [N_SERIES]
"""

from __future__ import annotations

import sys
import warnings

from analysis.assess.calibration import naive_interval, run

__all__ = ["naive_interval", "run"]


def main() -> None:
    warnings.simplefilter("ignore")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rows = run(n)
    print(f"Calibration on {n} simulated series per process (truth = the process's value at the target year)")
    print(f"{'process':16} {'cov80 ours':>10} {'naive':>7} {'cov95 ours':>10} {'naive':>7} "
          f"{'|err80| ratio':>13} {'Brier p_meet':>12} {'Brier UN CR':>11} {'ratio':>6}")
    for r in rows:
        ratio80 = abs(r["ours80"] - 0.8) / max(abs(r["naive80"] - 0.8), 1e-9)
        b, b_un = (float("nan") if r[k] is None else r[k] for k in ("brier", "brier_un"))  # None: no chance shown
        print(f"{r['process']:16} {r['ours80']:10.3f} {r['naive80']:7.3f} {r['ours95']:10.3f} {r['naive95']:7.3f} "
              f"{ratio80:13.2f} {b:12.3f} {b_un:11.3f} {b / b_un if b_un else float('nan'):6.2f}")
    print("|err80| ratio = |coverage80 - 0.80| ours / naive (below 1: ours is better calibrated); "
          "Brier ratio = ours / UN CR category as a forecast (below 1: ours is better).")


if __name__ == "__main__":
    main()
