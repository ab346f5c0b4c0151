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

import warnings

import numpy as np
import pandas as pd

HORIZONS = (1, 2, 3, 4, 5)
MIN_CHANGES = 30  # other provinces' changes needed before their share is read
MIN_ORIGINS = 5  # origins a horizon needs before its bootstrap says anything
SLOPE_RANGE = (0.7, 1.3)
BOOTSTRAP = 200


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


def _slope(p: np.ndarray, met: np.ndarray) -> float:
    """Slope of the logistic recalibration of the outcomes on the chances' log odds (nan where it cannot be fitted)."""
    import statsmodels.api as sm

    q = np.clip(p, 0.01, 0.99)
    if met.min() == met.max() or np.ptp(q) == 0:
        return float("nan")
    x = np.column_stack([np.ones(len(q)), np.log(q / (1 - q))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = sm.Logit(met, x).fit(disp=0)
        except Exception:  # perfect separation and the like: no slope to read
            return float("nan")
    return float(fit.params[1]) if fit.mle_retvals.get("converged", False) else float("nan")


def score(c: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """One row per horizon: cases, origins, base rate, Brier skill, its lower 90% limit (bootstrap of whole
    origins), the recalibration slope, and whether the chance passes."""
    rng = np.random.default_rng(seed)
    rows = []
    for h, g in c.groupby("h"):
        p, met = g["p"].to_numpy(), g["met"].to_numpy()
        by_origin = [(x["p"].to_numpy(), x["met"].to_numpy()) for _, x in g.groupby("origin")]
        boots = []
        for _ in range(BOOTSTRAP):
            pick = rng.integers(0, len(by_origin), len(by_origin))
            boots.append(_skill(np.concatenate([by_origin[j][0] for j in pick]),
                                np.concatenate([by_origin[j][1] for j in pick])))
        boots = np.array(boots)[np.isfinite(boots)]
        low = float(np.quantile(boots, 0.05)) if len(boots) else float("nan")
        slope = _slope(p, met)
        rows.append({"h": int(h), "rc_cases": len(g), "rc_origins": len(by_origin), "rc_base": float(met.mean()),
                     "rc_bss": _skill(p, met), "rc_bss_lo90": low, "rc_slope": slope,
                     "rc_passes": bool(len(by_origin) >= MIN_ORIGINS and low > 0
                                       and SLOPE_RANGE[0] <= slope <= SLOPE_RANGE[1])})
    return pd.DataFrame(rows)
