"""The coverage a calibrated interval would show in one backtest cell.

A cell (a panel at a horizon) holds one forecast per province at each origin, and a panel's provinces share each
origin's common miss: one year's national shock moves every province's error at once. So the coverage of a cell
with few origins swings far from the nominal level even when the intervals are right. This module draws, from the
model's own predictive distribution (each origin's common part once, each province's own part on its own), the
coverage the cell would show if the intervals were calibrated, and gives the range that holds 90% of those draws.
A coverage outside that range is evidence that the intervals are too wide or too narrow; one inside it is not
evidence that they are right: it may say only that the cell has too few origins to tell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.assess.panel_spread import joint_errors

SIMULATIONS = 1000
RANGE = (0.05, 0.95)  # the range of simulated coverage reported: 90% of the draws


@dataclass(frozen=True)
class Origin:
    """One origin of a cell: the model's own errors and common spread, its interval's edges (as errors around the
    forecast) and the number of provinces with an outcome."""

    own: np.ndarray
    common_sd: float
    lo: float
    hi: float
    cases: int


def calibrated_range(origins: list[Origin], seed: int = 0) -> tuple[float, float]:
    """The range (5th to 95th percentile) of the coverage a calibrated interval would show over these origins."""
    if not origins:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    covered = np.zeros(SIMULATIONS)
    for o in origins:
        x = joint_errors(o.own, o.common_sd, o.cases, SIMULATIONS, rng)
        covered += ((x >= o.lo) & (x <= o.hi)).sum(axis=1)
    share = covered / sum(o.cases for o in origins)
    lo, hi = np.quantile(share, RANGE)
    return float(lo), float(hi)
