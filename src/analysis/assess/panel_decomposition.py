"""The pieces of an all-province panel: the province-by-year table, the common yearly movement (median polish)
and each province's deviation from it as a local level observed with noise (variances from the whole panel,
levels Kalman-filtered from the panel's average toward the province's own figures: partial pooling)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

def wide(values: pd.DataFrame) -> pd.DataFrame:
    """Province (rows) by year (columns) from long rows with ``province_code``, ``year``, ``value``."""
    w = values.pivot_table(index="province_code", columns="year", values="value", aggfunc="last")
    return w.reindex(columns=range(int(min(w.columns)), int(max(w.columns)) + 1)).astype(float)


def common_movement(z: np.ndarray, iters: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Two-way decomposition z[i, t] = level[i] + year[t] + e on the observed cells, by Tukey's median polish.

    ``year`` is the common movement, ``level`` each province's own level (centred). Medians keep one odd
    province, or a province whose figure was published on another basis one year, from moving the panel.
    """
    obs = np.isfinite(z)
    level = np.zeros(z.shape[0])
    year = np.zeros(z.shape[1])
    for _ in range(iters):
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            year = np.nanmedian(np.where(obs, z - level[:, None], np.nan), axis=0)
            level = np.nanmedian(np.where(obs, z - year[None, :], np.nan), axis=1)
        level = np.where(np.isfinite(level), level, 0.0)
    shift = float(np.median(level)) if len(level) else 0.0
    return level - shift, year + shift


def mean_change(series: np.ndarray) -> float:
    """Average yearly change of a series with gaps (first to last observed value)."""
    idx = np.flatnonzero(np.isfinite(series))
    if len(idx) < 2:
        return 0.0
    return float((series[idx[-1]] - series[idx[0]]) / (idx[-1] - idx[0]))



def filled(year: np.ndarray) -> np.ndarray:
    """The common movement with missing years filled by straight lines (and held flat at the ends)."""
    t = np.arange(len(year))
    ok = np.isfinite(year)
    if not ok.any():
        return np.zeros(len(year))
    return np.interp(t, t[ok], year[ok])



def noise_and_drift(dev: np.ndarray, max_lag: int = 5) -> tuple[float, float]:
    """The two variances of a local level observed with noise, estimated from every province together.

    For deviations d = level + noise with a level that moves as a random walk, half the mean squared k-year
    difference is noise + k * step / 2 ... precisely E[(d[t+k] - d[t])^2] = 2 noise + k step. A least-squares fit
    of that line over k = 1..max_lag (both variances kept >= 0) gives (noise, step).
    """
    ks, vs, ws = [], [], []
    for k in range(1, min(max_lag, dev.shape[1] - 1) + 1):
        d = dev[:, k:] - dev[:, :-k]
        d = d[np.isfinite(d)]
        if len(d) >= 10:
            ks.append(k)
            vs.append(float(np.mean(d**2)))
            ws.append(len(d))
    if not ks:
        return 0.01, 0.01
    ks, vs, ws = np.array(ks, float), np.array(vs), np.array(ws, float)
    if len(ks) == 1:
        return vs[0] / 4, vs[0] / 2  # one lag cannot split the two: half each
    X = np.column_stack([2 * np.ones_like(ks), ks])
    W = np.diag(ws)
    beta = np.linalg.lstsq(np.sqrt(W) @ X, np.sqrt(W) @ vs, rcond=None)[0]
    noise, step = float(beta[0]), float(beta[1])
    if noise < 0:
        noise, step = 0.0, float(np.sum(ws * ks * vs) / np.sum(ws * ks * ks))
    if step < 0:
        noise, step = float(np.sum(ws * vs) / np.sum(ws) / 2), 0.0
    return max(noise, 1e-8), max(step, 1e-8)


def filtered_levels(dev: np.ndarray, noise: float, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Kalman filter of every province's local level at the last column, starting from the panel (mean 0, the
    spread of levels across provinces): partial pooling, so a province with few or noisy figures stays nearer the
    panel. Returns (level, its variance)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = float(np.nanvar(dev[:, 0 if np.isfinite(dev[:, 0]).sum() > 2 else -1]))
    prior = max(spread - noise, step, 1e-6) if np.isfinite(spread) else 1.0
    n = dev.shape[0]
    x = np.zeros(n)
    P = np.full(n, prior)
    for j in range(dev.shape[1]):
        if j:
            P = P + step
        y = dev[:, j]
        ok = np.isfinite(y)
        K = P[ok] / (P[ok] + noise)
        x[ok] = x[ok] + K * (y[ok] - x[ok])
        P[ok] = (1 - K) * P[ok]
    return x, P

