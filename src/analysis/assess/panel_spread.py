"""How far the panel model's forecast can be off: its errors replayed over the panel's own recent years.

A province's miss has two parts, and they behave differently:

1. **Its own part** (its figure against the common movement): the model's deviation forecast (filtered level
   plus shrunk own trend) is replayed from each of the panel's latest ``REPLAY_ORIGINS`` years, with the variances
   estimated on the whole panel, and compared with what followed. Many provinces give many errors, and the errors
   keep their real shape (heavy tails and all). A backtest that refits everything from fewer years gives errors
   too large for the forecast made from all of them (measured: 1.1–1.8 times on the real panels), which is why the
   parameters are not refitted here. Where the panel has too few years for the horizon, the longest shorter
   horizon's errors are widened by the square root of the horizon ratio.
2. **The common part** (the whole panel's miss that year, shared by every province): the common movement's own
   h-year changes around the pace of its whole history, by a robust spread
   (:func:`analysis.assess.panel_decomposition.robust_sd`), read off the line through the shorter lags where the
   history is too short for h itself; never narrower than the errors of the common movement's own forecast
   replayed from each earlier year (its pace re-estimated there), where at least ``MIN_REPLAYS`` are known.

The two are added: every own error with each of ``COMMON_DRAWS`` normal quantiles of the common part.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from analysis.assess.panel_decomposition import Parts, blended_level, decompose, filtered_path, robust_sd

REPLAY_ORIGINS = 3  # the panel's latest years from which the deviation forecast is replayed
MIN_ERRORS = 30  # own errors needed at a horizon
MIN_PAIRS = 3  # h-year changes of the common movement needed before they set its spread at h
FIRST_ORIGIN = 3  # the common movement's forecast is replayed from its fourth year on (a panel forecast needs four)
MIN_REPLAYS = 3  # replayed forecasts of the common movement needed before they can widen its spread
COMMON_DRAWS = stats.norm.ppf((np.arange(20) + 0.5) / 20)


def own_errors(z: np.ndarray, h: int) -> np.ndarray | None:
    """The deviation forecast's errors at horizon h, replayed from the latest years (None without enough)."""
    p = decompose(z)
    dev, own = p.dev, p.own
    path = filtered_path(dev, p.noise, p.step)
    T = z.shape[1]
    for hb in range(h, 0, -1):
        parts = [dev[:, t + hb] - blended_level(path[:, t], dev[:, : t + 1]) - own * hb
                 for t in range(max(1, T - hb - REPLAY_ORIGINS), T - hb)]
        e = np.concatenate(parts) if parts else np.array([])
        e = e[np.isfinite(e)]
        if len(e) >= MIN_ERRORS:
            return e * np.sqrt(h / hb)
    return None


def common_sd(z: np.ndarray, h: int) -> float:
    """The spread of the common part of the miss at horizon h: the robust spread of the common movement's h-year
    changes around the pace of its whole history (:func:`change_spread`), or the root mean square of the errors its
    own forecast made when replayed from each earlier year (:func:`replayed_common_errors`), whichever is larger.
    The first says how far the movement strays from its trend; the second adds what the pace itself got wrong
    where trends shifted (a boom that ended, a decline that set in), which the first reads as one trend."""
    e = replayed_common_errors(decompose(z), h)
    replayed = float(np.sqrt(np.mean(e**2))) if len(e) >= MIN_REPLAYS else 0.0
    return max(change_spread(z, h), replayed)


def replayed_common_errors(parts: Parts, h: int) -> np.ndarray:
    """The errors, h years ahead, of the common movement's forecast (its last value plus ``forecast_pace`` of the
    years up to then, ``Parts.origin_paces``) made from every year from ``FIRST_ORIGIN`` on whose outcome is known."""
    c, s = parts.common, np.arange(FIRST_ORIGIN, len(parts.common) - h)
    return c[s + h] - c[s] - parts.origin_paces[s] * h


def change_spread(z: np.ndarray, h: int) -> float:
    """Robust spread of the common movement's h-year changes around the pace of its whole history (published
    years only): how far it strays from its trend, whatever pace the forecast carries forward."""
    p = decompose(z)
    r = p.year - p.trend * np.arange(len(p.year))  # a year nobody published stays out (NaN)
    every = {k: d[np.isfinite(d)] for k in range(1, len(r)) for d in [r[k:] - r[:-k]]}
    lags = {k: d for k, d in every.items() if len(d) >= MIN_PAIRS}
    if not lags:  # too few published years for any lag: every pair's change per year, grown to h
        per_year = [x**2 / k for k, d in every.items() for x in d]
        return float(np.sqrt(np.mean(per_year) * h)) if per_year else 0.0
    if h in lags:
        return robust_sd(lags[h])
    k = np.array(sorted(lags), dtype=float)
    v = np.array([robust_sd(lags[int(j)]) ** 2 for j in k])
    if len(k) >= 2:
        a, b = np.linalg.lstsq(np.column_stack([np.ones_like(k), k]), v, rcond=None)[0]
        line = a + b * h
    else:
        line = 0.0
    return float(np.sqrt(max(line, v.max() * h / k.max())))


def parts(z: np.ndarray, h: int) -> tuple[np.ndarray, float] | None:
    """The two parts of the panel model's miss at horizon h: its own errors and the common part's spread (None
    without enough own errors)."""
    own = own_errors(z, h)
    return None if own is None else (own, common_sd(z, h))


def replayed_errors(z: np.ndarray, h: int) -> np.ndarray | None:
    """The error sample (outcome minus forecast, transformed scale) of the panel model at horizon h."""
    both = parts(z, h)
    if both is None:
        return None
    own, common = both
    return (own[:, None] + common * COMMON_DRAWS[None, :]).ravel()


def joint_errors(own: np.ndarray, common_sd: float, cases: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Draws (rows) of the errors of ``cases`` provinces at once: one common part per draw, shared by every
    province, plus each province's own error drawn from the replayed sample."""
    return common_sd * rng.standard_normal((draws, 1)) + rng.choice(own, (draws, cases))
