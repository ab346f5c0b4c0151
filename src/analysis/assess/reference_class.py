"""Can one figure and the pace of other provinces give a chance? A backtest of the reference-class chance.

A target with one figure has no trend of its own. What can be said is the pace it needs and how common such a pace
was: the share of the other provinces' changes over the same number of years that were at least as fast
(``analysis.assess.panel.pace_share``). Read as a chance of meeting the target, that share is tested here on every
all-province panel, as the statistical review proposed (its section 4.2): at each origin, each province below the
panel's leaders (its top quarter at the origin) keeps only its own figure of that year; its chance of catching up
with the leaders k years later is the share of the other provinces' k-year changes, ending by the origin, that
were at least as large as the gap (leave-one-province-out; no year after the origin is used). Scores per horizon:
the Brier skill against the base rate, its lower 90% limit from a bootstrap of whole origins (a year's common
movement moves every province at once), and the slope of a logistic recalibration (1 when the chances are as
spread as they should be). A chance passes where the lower limit is above 0, the slope within
``SLOPE_RANGE`` and the horizon has at least ``MIN_ORIGINS`` origins; elsewhere only the pace and its share are
shown, as descriptions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HORIZONS = (1, 2, 3, 4, 5)
MIN_CHANGES = 30  # other provinces' changes needed before their share is read
MIN_ORIGINS = 5  # origins a horizon needs before its bootstrap says anything
SLOPE_RANGE = (0.7, 1.3)
BOOTSTRAP = 2000


def cases(z: np.ndarray, min_years: int) -> pd.DataFrame:
    """Every (origin column, horizon, chance, outcome) of the leave-one-province-out reference-class chance on a
    panel (provinces by years, transformed scale)."""
    rows = []
    n, T = z.shape
    for t in range(min_years - 1, T - 1):
        now = z[:, t]
        if np.isfinite(now).sum() < 4:
            continue
        leaders = float(np.nanpercentile(now, 75))
        for k in HORIZONS:
            if t + k >= T:
                break
            kk = min(k, t)  # changes of k years that ended by the origin, or the longest there are, scaled to k
            change = (z[:, kk: t + 1] - z[:, : t + 1 - kk]) * (k / kk)
            ok = np.isfinite(change)
            pool = np.sort(change[ok])
            for i in np.flatnonzero(np.isfinite(now) & np.isfinite(z[:, t + k]) & (now < leaders)):
                own = change[i][ok[i]]
                if len(pool) - len(own) < MIN_CHANGES:
                    continue
                need = leaders - now[i]
                faster = len(pool) - np.searchsorted(pool, need) - int((own >= need).sum())
                rows.append((t, k, faster / (len(pool) - len(own)), float(z[i, t + k] >= leaders)))
    return pd.DataFrame(rows, columns=["origin", "h", "p", "met"])


def _skill(p: np.ndarray, met: np.ndarray) -> float:
    base = met.mean()
    ref = base * (1 - base)
    return float(1 - np.mean((p - met) ** 2) / ref) if ref > 0 else float("nan")


def _slope(p: np.ndarray, met: np.ndarray, steps: int = 50) -> float:
    """Slope of the logistic recalibration of the outcomes on the chances' log odds, by Newton's method (nan where
    it cannot be fitted: one outcome only, or chances that separate the outcomes perfectly)."""
    q = np.clip(p, 0.01, 0.99)
    if met.min() == met.max() or np.ptp(q) == 0:
        return float("nan")
    x = np.column_stack([np.ones(len(q)), np.log(q / (1 - q))])
    beta = np.zeros(2)
    for _ in range(steps):
        mu = 1 / (1 + np.exp(-np.clip(x @ beta, -30, 30)))
        w = mu * (1 - mu)
        hess = x.T @ (x * w[:, None])
        if np.linalg.cond(hess) > 1e12:
            return float("nan")
        step = np.linalg.solve(hess, x.T @ (met - mu))
        beta = beta + step
        if np.abs(step).max() < 1e-8:
            return float(beta[1]) if np.abs(beta).max() < 50 else float("nan")
    return float("nan")


def _bootstrap_low(g: pd.DataFrame, rng: np.random.Generator) -> float:
    """The 5th percentile of the Brier skill over resamples of whole origins (each origin's sums, drawn with
    replacement)."""
    by = g.assign(sq=(g["p"] - g["met"]) ** 2).groupby("origin").agg(n=("met", "size"), hits=("met", "sum"),
                                                                        sq=("sq", "sum"))
    counts = rng.multinomial(len(by), np.full(len(by), 1 / len(by)), size=BOOTSTRAP)
    n, hits, sq = counts @ by["n"].to_numpy(), counts @ by["hits"].to_numpy(), counts @ by["sq"].to_numpy()
    base = hits / n
    ref = base * (1 - base)
    skill = np.where(ref > 0, 1 - (sq / n) / np.where(ref > 0, ref, 1), np.nan)
    skill = skill[np.isfinite(skill)]
    return float(np.quantile(skill, 0.05)) if len(skill) else float("nan")


def score(c: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """One row per horizon: cases, origins, base rate, Brier skill, its lower 90% limit (bootstrap of whole
    origins), the recalibration slope, and whether the chance passes."""
    rng = np.random.default_rng(seed)
    rows = []
    for h, g in c.groupby("h"):
        p, met = g["p"].to_numpy(), g["met"].to_numpy()
        n_origins = g["origin"].nunique()
        low = _bootstrap_low(g, rng)
        slope = _slope(p, met)
        rows.append({"h": int(h), "rc_cases": len(g), "rc_origins": n_origins, "rc_base": float(met.mean()),
                     "rc_bss": _skill(p, met), "rc_bss_lo90": low, "rc_slope": slope,
                     "rc_passes": bool(n_origins >= MIN_ORIGINS and low > 0
                                       and SLOPE_RANGE[0] <= slope <= SLOPE_RANGE[1])})
    return pd.DataFrame(rows)
