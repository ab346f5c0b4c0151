"""The backtest of a chance read from one figure and the pace of the other provinces."""

import numpy as np

from analysis.assess import reference_class as rc


def _panel(seed: int, spread_of_paces: float, noise: float, n: int = 60, years: int = 14) -> np.ndarray:
    """Provinces that move at their own lasting pace (``spread_of_paces``) plus yearly noise."""
    rng = np.random.default_rng(seed)
    pace = 0.1 + spread_of_paces * rng.standard_normal(n)
    level = rng.normal(0, 1, n)
    t = np.arange(years)
    return level[:, None] + pace[:, None] * t[None, :] + noise * rng.standard_normal((n, years))


def test_each_case_uses_one_figure_and_the_other_provinces_changes_only():
    z = _panel(0, 0.05, 0.1, n=40, years=8)
    c = rc.cases(z, 4)
    assert set(c["h"]) <= set(rc.HORIZONS) and c["p"].between(0, 1).all()
    # recompute one case by hand: origin column 4, horizon 2, the first province below the leaders
    t, k = 4, 2
    leaders = np.percentile(z[:, t], 75)
    i = int(np.flatnonzero(z[:, t] < leaders)[0])
    change = z[:, k: t + 1] - z[:, : t + 1 - k]
    other = np.delete(change, i, axis=0).ravel()
    expected = float(np.mean(other >= leaders - z[i, t]))
    row = c[(c["origin"] == t) & (c["h"] == k)].iloc[0]
    assert row["p"] == expected and row["met"] == float(z[i, t + k] >= leaders)
    # a later figure changes nothing before it
    z2 = z.copy()
    z2[:, t + k + 1:] += 5.0
    c2 = rc.cases(z2, 4)
    assert c2[c2["origin"] == t]["p"].tolist() == c[c["origin"] == t]["p"].tolist()


def test_a_chance_passes_only_where_it_tells_more_than_the_base_rate():
    # paces that last and little noise: the other provinces' changes say how far a province can go
    informative = rc.score(rc.cases(_panel(1, 0.02, 0.02), 4))
    # a large common jump every year: the whole panel crosses or not at once, which no share of changes foresees
    rng = np.random.default_rng(3)
    shared = rc.score(rc.cases(_panel(2, 0.0, 0.1) + np.cumsum(rng.normal(0, 0.8, 14))[None, :], 4))
    # changes that calm down: the past's large changes overstate every chance
    calm = np.where(np.arange(14) < 7, 0.8, 0.05)
    calming = rc.score(rc.cases(rng.normal(0, 1, 60)[:, None]
                                + np.cumsum(rng.normal(0, 1, (60, 14)) * calm[None, :], axis=1), 4))
    assert {"rc_bss", "rc_bss_lo90", "rc_slope", "rc_passes"} <= set(informative.columns)
    assert informative["rc_bss"].min() > 0 and informative["rc_passes"].any()
    assert not shared["rc_passes"].any() and not calming["rc_passes"].any()
    few = rc.score(rc.cases(_panel(1, 0.02, 0.02, years=7), 4))  # at most three origins: nothing passes
    assert (few["rc_origins"] < rc.MIN_ORIGINS).all() and not few["rc_passes"].any()
