"""How many provinces will meet a target: the panel forecasts counted together.

The provinces of a panel share each year's national movement, so their chances are not independent: in a year the
whole panel falls short, most provinces miss together. Adding up the provinces' chances gives the expected number
that meet the target, but the range around it is far wider than counting them one by one would suggest. Here the
panel model's forecast distribution is drawn jointly (one common draw shared by every province, each province's own
error apart, as in :mod:`analysis.assess.panel_spread`), and the number of provinces at or past the target is
counted in each draw (the statistical review's defect M9).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.assess.panel_spread import joint_errors

DRAWS = 4000
RANGE = (0.1, 0.9)  # the range reported: 80% of the draws


@dataclass(frozen=True)
class MeetCount:
    """The number of ``provinces`` expected to meet the target and the range holding 80% of the joint draws."""

    provinces: int
    expected: float
    low: int
    high: int


def meet_count(model, year: int, target: float, comparator: str, provinces: list[str],
               seed: int = 0) -> MeetCount | None:
    """The joint count for these provinces of a fitted ``PanelModel`` in ``year``; None where the interval does not
    come from the panel's replayed errors (no parts to draw) or no province is given."""
    h = int(year) - model.origin
    parts = model.spread_parts(h) if h >= 1 else None
    idx = [model.provinces.index(p) for p in provinces if p in model.provinces]
    if parts is None or not idx or comparator not in (">=", "<="):
        return None
    own, common_sd = parts
    mean, _, _ = model.combined(h)
    rng = np.random.default_rng(seed)
    z = mean[idx][None, :] + joint_errors(own, common_sd, len(idx), DRAWS, rng)
    zt = float(model.scale.fwd([target])[0])
    k = (z >= zt if comparator == ">=" else z <= zt).sum(axis=1)
    lo, hi = np.quantile(k, RANGE)
    return MeetCount(len(idx), float(k.mean()), int(np.floor(lo)), int(np.ceil(hi)))
