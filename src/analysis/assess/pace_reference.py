"""How fast comparable figures have moved: the reference class beside a target with one figure of its own.

A target with one figure has no trend, only the yearly change it needs (from that figure to the target). Whether
such a pace is usual is read off the yearly changes of comparable series: the target's indicator (or the proxy it
is tracked by) and the members of its curated families (``data/raw/indicator_families.yaml``) in the same unit,
for every other province and the whole country, the all-province panels included. A change counts between two
single-year figures of one series at most ``MAX_GAP`` years apart, within one definition (``assess.series.yearly``),
per year, on the indicator's transformed scale (logit for a share, so that a move near 100% weighs as much as a
larger one in the middle). A figure summed from former provinces (flagged ``aggregated``) repeats its parts and
does not count, nor does a figure for part of a year or one that is only a bound ('more than …'), which are no
point of a trend either (``assess.target``); the same pair of figures counts once.

The share of changes at least as fast is a description, never a chance: the backtest of such a chance on the
panels (``analysis.assess.reference_class``) has not shown it calibrated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.assess.scale import Scale
from analysis.assess.series import yearly
from analysis.assess.target import is_bound, part_of_year

MAX_GAP = 3  # years between two figures whose change counts as a yearly pace
MIN_CHANGES = 5  # changes needed before their share is described
COLUMNS = ("ref_changes", "ref_series", "ref_faster", "ref_first_year", "ref_last_year")


def comparable_indicators(indicator: str, families: dict[str, dict], units: dict[str, str]) -> list[str]:
    """The indicator and every member of its families in the same unit, the indicator first (none for an
    indicator the catalogue does not know)."""
    unit = units.get(indicator)
    if unit is None:
        return []
    members = [i for f in families.values() if indicator in f.get("indicators", ()) for i in f["indicators"]]
    return [i for i in dict.fromkeys([indicator, *members]) if units.get(i) == unit]


def yearly_changes(obs: pd.DataFrame, indicators: list[str], scale: Scale,
                   exclude: tuple[str, str, str, str] | None = None) -> pd.DataFrame:
    """Every counted change of the series of ``indicators`` (observations), one row each: its series, first and
    last year, and the change per year on ``scale``. ``exclude``: (province_code, boundary, indicator_id,
    breakdown) of the target's own series."""
    d = obs[obs["indicator_id"].isin(indicators) & obs["year"].notna()
            & ~obs["flags"].fillna("").astype(str).str.contains("aggregated")]
    rows = []
    for key, g in d.groupby(["province_code", "boundary", "indicator_id", "breakdown"], sort=True):
        if key == exclude:
            continue
        s = yearly(g)
        s = s[~s["flags"].map(lambda f: part_of_year(f) or is_bound(f))]  # no pace from part of a year or a bound
        years, values = s["year"].astype(float).to_numpy(), s["value"].astype(float).to_numpy()
        for y0, y1, v0, v1 in zip(years[:-1], years[1:], values[:-1], values[1:]):
            if 0 < y1 - y0 <= MAX_GAP and np.isfinite(v0) and np.isfinite(v1):
                z0, z1 = scale.fwd([v0, v1])
                rows.append((*key, int(y0), int(y1), v0, v1, float((z1 - z0) / (y1 - y0))))
    cols = ["province_code", "boundary", "indicator_id", "breakdown", "year_from", "year_to", "v0", "v1", "change"]
    out = pd.DataFrame(rows, columns=cols)
    return out.drop_duplicates(["indicator_id", "breakdown", "year_from", "year_to", "v0", "v1"])


def pace_reference(obs: pd.DataFrame, indicator: str, breakdown: str, place: tuple[str, str], last: float,
                   target: float, years: int, comparator: str, bounds, families: dict[str, dict],
                   units: dict[str, str]) -> dict[str, float]:
    """The reference class of the pace a target needs from its one figure ``last`` over ``years`` years: the
    number of comparable yearly changes, of series they come from, of changes at least as fast (at most as fast
    for a ``<=`` target), and their first and last years (NaN without a change)."""
    out = dict.fromkeys(COLUMNS, float("nan"))
    if years <= 0 or comparator not in (">=", "<="):
        return out
    ids = comparable_indicators(indicator, families, units)
    pool = obs[obs["indicator_id"].isin(ids)]
    scale = Scale.for_bounds(bounds, np.append(pool["value"].astype(float).to_numpy(), [last, target]))
    ch = yearly_changes(pool, ids, scale, exclude=(*place, indicator, breakdown))
    if ch.empty:
        return out | {"ref_changes": 0}
    zl, zt = scale.fwd([last, target])
    need = float((zt - zl) / years)
    faster = ch["change"] >= need - 1e-12 if comparator == ">=" else ch["change"] <= need + 1e-12
    series = ch[["province_code", "boundary", "indicator_id", "breakdown"]].drop_duplicates()
    return {"ref_changes": len(ch), "ref_series": len(series), "ref_faster": int(faster.sum()),
            "ref_first_year": int(ch["year_from"].min()), "ref_last_year": int(ch["year_to"].max())}
