"""The single-series method on real data, leaving one panel out: every province of every all-province panel taken
alone, forecast 1-5 years ahead with the error table and the James-Stein constant chosen on the other panels only
(population and density, two views of one GSO table, are left out together). Printed beside the naive rules measured
on the same cases: the single series' own ("the last value stays", "its own average yearly change": ``ratio``) and,
harder, also "the last value plus the panel's average yearly change", which a single series cannot know
(``ratio_panel``).

Run: python benchmarks/single_series.py  (after `make data`; `make bench` runs it)
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

from analysis.assess import backtest as bt
from analysis.assess.single_series_tuning import leave_one_out, units
from analysis.data.process import load_processed


def verdict(s: pd.DataFrame) -> str:
    s = s[s["h"].between(2, 5)]
    return (f"cells (panel x horizon 2-5): {len(s)}; MAE within 5% of the better of the series' own naive rules: "
            f"{int((s['ratio'] <= 1.05).sum())} (geometric mean ratio {np.exp(np.log(s['ratio']).mean()):.3f}); "
            f"within 5% of the better of those and the panel's average change: {int((s['ratio_panel'] <= 1.05).sum())}"
            f"; 80% coverage in [0.75, 0.88]: "
            f"{int(s['cov80'].between(0.75, 0.88).sum())} (mean {s['cov80'].mean():.3f}); 95% coverage in "
            f"[0.90, 0.98]: {int(s['cov95'].between(0.90, 0.98).sum())} (mean {s['cov95'].mean():.3f})")


def main() -> int:
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    panels = bt.panels_from_facts(load_processed("facts"), load_processed("indicators"))
    steady = bt.population_panels(load_processed("population"))
    out = leave_one_out(units(panels, steady))
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    print(out.round(3).to_string(index=False))
    survey = out[~out["panel"].isin(list(steady))]
    print("\nsurvey and index panels, each left out in turn:", verdict(survey))
    print("population and density, left out together:", verdict(out[out["panel"].isin(list(steady))]))
    print("the constants chosen:", dict(out.groupby("panel")["shrink"].first()))
    print(f"single-series benchmark in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
