"""Real-data backtest of the forecasts: the panel engine against "the last value stays" and "the last value plus
the panel's average yearly change", on every all-province panel in data/raw, rolling origins, horizons 1–5.

Run: python benchmarks/backtest.py [--single] [--stacked]  (after `make data`; `make bench` runs it). ``--single``
also scores the single-series method (each province fitted alone), which the national comparison used before the
panel engine; ``--stacked`` the panel engine that weighed five candidates by the backtest (before the model alone). Prints, per panel and horizon,
each rule's mean absolute error, 80%/95% coverage, Brier score of threshold crossings with its skill against the
base rate (A: keep the typical pace; B: catch up with the leaders), the log score, and the engine's MAE as a
ratio to the better naive rule; then the same for the held-out population panels, and for the long panels cut in
half, thinned by a fifth or on every other province (``analysis.assess.backtest.variants``: shorter and gappier
panels than those the engine was built on). Writes benchmarks/_out/backtest.csv.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import pandas as pd

from analysis.assess import backtest as bt
from analysis.data.process import load_processed


def main() -> int:
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    single, stacked = "--single" in sys.argv[1:], "--stacked" in sys.argv[1:]
    facts, indicators = load_processed("facts"), load_processed("indicators")
    scores = bt.run(facts, indicators, single=single, stacked=stacked)
    out = Path(__file__).parent / "_out"
    out.mkdir(exist_ok=True)
    scores.to_csv(out / "backtest.csv", index=False)
    summary = bt.with_reference_class(bt.summary(scores), bt.panels_from_facts(facts, indicators))
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    print(summary[[c for c in summary.columns if not c.startswith("rc_")]].round(3).to_string(index=False))
    print("\nthe reference-class chance (one figure, the share of the other provinces' changes as fast; threshold B):")
    print(summary[["panel", "h", *[c for c in summary.columns if c.startswith("rc_")]]].round(3)
          .to_string(index=False))
    print(bt.verdict(summary))
    for other, label in (("stacked", "backtest-weighted panel engine"), ("single", "single-series method")):
        if f"ratio_{other}" not in summary:
            continue
        s = summary[summary["h"].between(2, 5)]
        print(f"{label}, horizons 2-5: MAE within 5% of the better naive rule in "
              f"{int((s[f'ratio_{other}'] <= 1.05).sum())} of {len(s)} cells, below both in "
              f"{int((s[f'ratio_{other}'] < 1).sum())}; 80% coverage in [0.75, 0.88] in "
              f"{int(s[f'cov80_{other}'].between(0.75, 0.88).sum())}; Brier skill (B) above 0 in "
              f"{int((s[f'bss_B_{other}'] > 0).sum())}")
    # panels no setting was chosen on (GSO E02.01 population and density): the same yardsticks
    other = bt.held_out_summary(load_processed("population"), single=single, stacked=stacked)
    print("\npanels not used in development (GSO E02.01, 2011-2024):")
    print(other[["panel", "h", "cases", "origins", "mae_engine", "mae_last", "mae_drift", "ratio", "cov80", "cov80_lo",
                 "cov80_hi", "bss_B"]]
          .round(3).to_string(index=False))
    print(bt.verdict(other))
    # the long panels cut shorter, thinned and halved: panels of other shapes than those the engine was built on
    cut = bt.variants(bt.panels_from_facts(facts, indicators))
    cut_summary = bt.summary(bt.score([c for name, (d, b) in cut.items() for c in bt.panel_cases(name, d, b)]))
    print("\nthe long panels cut in half, thinned by a fifth, or on every other province:")
    print(cut_summary[["panel", "h", "cases", "origins", "ratio", "cov80", "cov80_lo", "cov80_hi", "bss_B"]]
          .round(3).to_string(index=False))
    print(bt.verdict(cut_summary))
    print(f"backtest: {len(summary) + len(other) + len(cut_summary)} panel-horizon cells in "
          f"{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
