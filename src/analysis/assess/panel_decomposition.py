"""The pieces of an all-province panel: the province-by-year table, the common yearly movement (median polish)
and each province's deviation from it as a local level observed with noise (variances from the whole panel,
levels Kalman-filtered from the panel's average toward the province's own figures: partial pooling)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property

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
    (:func:`decompose` memoises it with the rest of a panel's parts.)
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


BLIP = 8.0  # a one-year blip this many robust standard deviations of the yearly moves away, both ways, is a misprint


def one_year_blips(z: np.ndarray, year: np.ndarray | None = None) -> np.ndarray:
    """Cells (provinces by years) that jump away from the province's figures either side and come back: the move in
    and the move out are each more than ``BLIP`` robust standard deviations of the panel's yearly moves (around the
    common movement), in opposite directions, and cancel to within half. Such a figure is nearly always a misprint
    (a figure in the wrong unit, a slipped digit), and one of them inflates the noise the whole panel is filtered
    with. A lasting jump (a merger, a split) does not come back and is kept; the first and last years never count.
    ``year``: the panel's common movement, where already known.
    """
    if year is None:
        _, year = common_movement(z)
    d = np.diff(z - filled(year)[None, :], axis=1)
    moves = d[np.isfinite(d)]
    out = np.zeros(z.shape, dtype=bool)
    if len(moves) < 20:
        return out
    sd = 1.4826 * float(np.median(np.abs(moves - np.median(moves))))
    if sd <= 0:
        return out
    a, b = d[:, :-1], d[:, 1:]
    with np.errstate(invalid="ignore"):
        out[:, 1:-1] = ((np.abs(a) > BLIP * sd) & (np.abs(b) > BLIP * sd) & (np.sign(a) != np.sign(b))
                        & (np.abs(a + b) < 0.5 * np.minimum(np.abs(a), np.abs(b))))
    return out


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



def theil_sen(series: np.ndarray) -> float:
    """Theil–Sen slope of a gap-free series: the median of the slopes between every pair of years."""
    n = len(series)
    slopes = [(series[j] - series[i]) / (j - i) for i in range(n) for j in range(i + 1, n)]
    return float(np.median(slopes)) if slopes else 0.0


def robust_pace(series: np.ndarray) -> float:
    """The common movement's yearly pace, estimated conservatively from a gap-free series.

    Two robust estimates guard against two ways a short panel misleads: the median of the yearly changes ignores
    one year's jump (a survey redesign, a shock), the Theil–Sen slope ignores a level that swings back and forth.
    Where they agree in direction, the one nearer to no change is used; where they disagree, no pace at all.
    """
    d = np.diff(series)
    if len(d) == 0:
        return 0.0
    by_median, by_pairs = float(np.median(d)), theil_sen(series)
    if by_median * by_pairs <= 0:
        return 0.0
    return float(np.sign(by_median) * min(abs(by_median), abs(by_pairs)))


RECENT_CHANGES = 4  # the latest yearly changes whose own pace can slow the forecast's (``forecast_pace``)
PACE_KEPT = 0.8  # the share of the common movement's pace the forecast carries forward (``Parts.pace``): a pace
# read off a few years is partly noise, and on real panels a full one overshot more often than it fell short
LEVEL_FILTERED = 0.5  # the weight of the filtered level against the last published deviation (``blended_level``)


def forecast_pace(series: np.ndarray, whole: float | None = None) -> float:
    """The common movement's cautious pace (of which :func:`carried_pace` carries ``PACE_KEPT`` forward):
    :func:`robust_pace` of the whole history or of its latest ``RECENT_CHANGES`` yearly changes, whichever is nearer
    no change (none where they disagree).

    Real panels' trends often slow down (mortality falling toward its floor, yields, a coverage share near its
    ceiling) and sometimes pause; a pace that the latest years no longer show is not carried forward. Measured on
    the shipped panels (``benchmarks/backtest.py``: no cell changes) and on 27 GSO tables not shipped
    (``benchmarks/backtest_tables.py``, on an earlier selection of them: 65 of 102 cells within 5% of the better
    naive rule instead of 54).
    """
    whole = robust_pace(series) if whole is None else whole  # ``whole``: that pace, where already known
    recent = robust_pace(np.asarray(series)[-RECENT_CHANGES - 1:])
    if whole * recent <= 0:
        return 0.0
    return whole if abs(whole) < abs(recent) else recent


def carried_pace(series: np.ndarray, whole: float | None = None) -> float:
    """The pace the forecast carries the common movement forward at: ``PACE_KEPT`` of :func:`forecast_pace`."""
    return PACE_KEPT * forecast_pace(series, whole)


def last_observed(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's last observed column (-1 where none) and its value (NaN where none)."""
    idx = np.array([np.flatnonzero(np.isfinite(r))[-1] if np.isfinite(r).any() else -1 for r in rows])
    return idx, np.array([r[i] if i >= 0 else np.nan for r, i in zip(rows, idx)])


def blended_level(level: np.ndarray, dev: np.ndarray) -> np.ndarray:
    """Each province's deviation as the forecast starts from it: ``LEVEL_FILTERED`` of its filtered ``level`` and
    the rest of its last published deviation in ``dev`` (the filtered level alone where it has none).

    The filter's variances are the whole panel's, so one province's misprint, a merger or a split province inflates
    the noise every province is smoothed with, and a province whose figure really moved is held back toward its
    past; the last figure alone carries all of its noise. Halfway between the two lost least on the real panels
    (``benchmarks/backtest.py`` and ``benchmarks/backtest_tables.py``; see ``analysis.assess.panel``)."""
    _, last = last_observed(dev)
    return np.where(np.isfinite(last), LEVEL_FILTERED * level + (1 - LEVEL_FILTERED) * last, level)


def shrunk_slopes(dev: np.ndarray, noise: float, step: float) -> np.ndarray:
    """Each province's own yearly trend in its deviation from the common movement, shrunk toward none by
    empirical Bayes (three points or more; otherwise none).

    A province's least-squares slope varies across provinces for two reasons: real, lasting differences in pace
    (variance ``tau2``) and the noise and level moves of the panel's local-level model (each slope's own variance,
    computed from ``noise`` and ``step``). ``tau2`` is what the spread of slopes holds beyond the second; each
    slope keeps the share ``tau2 / (tau2 + its variance)``. Survey panels give ``tau2`` near 0 (no own trends);
    populations, where provinces do grow at lasting different rates, keep part of theirs. The shrinkage is on the
    cautious side: the panel's variogram reads part of a lasting trend as level moves (estimating the variances
    after removing each province's slope instead made the survey panels' forecasts much worse).
    """
    n = dev.shape[0]
    slope, var = np.full(n, np.nan), np.full(n, np.nan)
    for i in range(n):
        idx = np.flatnonzero(np.isfinite(dev[i]))
        if len(idx) < 3:
            continue
        x = idx.astype(float)
        c = (x - x.mean()) / np.sum((x - x.mean()) ** 2)
        cov = noise * np.eye(len(x)) + step * np.minimum.outer(x - x[0], x - x[0])
        slope[i], var[i] = float(c @ dev[i, idx]), float(c @ cov @ c)
    ok = np.isfinite(slope)
    if ok.sum() < 10:
        return np.zeros(n)
    tau2 = max(float(np.var(slope[ok]) - np.mean(var[ok])), 0.0)
    return np.where(ok, (slope - np.mean(slope[ok])) * tau2 / (tau2 + np.where(ok, var, 1.0)), 0.0)


def filtered_path(dev: np.ndarray, noise: float, step: float) -> np.ndarray:
    """The Kalman-filtered level of every province at every column (as :func:`filtered_levels` at the last)."""
    out = np.full(dev.shape, np.nan)
    for j in range(dev.shape[1]):
        out[:, j], _ = filtered_levels(dev[:, : j + 1], noise, step)
    return out


MAD_SMALL_SAMPLE = {2: 1.196, 3: 1.495, 4: 1.363, 5: 1.206, 6: 1.200, 7: 1.140, 8: 1.129, 9: 1.107}  # Croux &
# Rousseeuw (1992): the median absolute deviation runs low in small samples; beyond 9, n / (n - 0.8)


def robust_sd(x: np.ndarray) -> float:
    """Spread of errors around 0 by the median absolute value, scaled to a normal's standard deviation and
    corrected for small samples: one year's shock in a short history does not set the width of every interval."""
    x = np.asarray(x, dtype=float)
    if not len(x):
        return float("nan")
    n = len(x)
    return MAD_SMALL_SAMPLE.get(n, n / (n - 0.8) if n > 1 else 1.0) * 1.4826 * float(np.median(np.abs(x)))


@dataclass(frozen=True)
class Parts:
    """A panel taken apart (transformed scale): the common movement (``year``: NaN where nobody published;
    ``common``: gaps filled), the pace of its whole history (``trend``) and the one it is carried forward at
    (``pace``: :func:`carried_pace`), each province's deviation from it with the two variances of the
    local-level model, the level the forecast starts from (``level``: ``blended_level`` of the filtered level at the
    last column), the shrunk own trend, and the one-year blips left out of all of it (``blips``:
    :func:`one_year_blips` of the published figures)."""

    year: np.ndarray
    common: np.ndarray
    trend: float
    pace: float
    dev: np.ndarray
    noise: float
    step: float
    level: np.ndarray
    own: np.ndarray
    blips: np.ndarray

    @cached_property
    def origin_paces(self) -> np.ndarray:
        """The pace the common movement would have been carried forward at from each of its years
        (:func:`carried_pace` of the years up to it), worked out once for every horizon that replays them."""
        return np.array([carried_pace(self.common[: s + 1]) for s in range(len(self.common))])


_PARTS: dict[tuple, Parts] = {}


def decompose(z: np.ndarray) -> Parts:
    """:class:`Parts` of a panel (provinces by years), memoised on its values: the forecast at every horizon and
    its interval take the same panel apart. One-year blips (:func:`one_year_blips`) are left out first."""
    zz = np.ascontiguousarray(z, dtype=float)
    key = (zz.shape, zz.tobytes())
    if key not in _PARTS:
        if len(_PARTS) > 5000:
            _PARTS.clear()
        _, year = common_movement(zz)
        blips = one_year_blips(zz, year)
        if blips.any():  # the common movement again, without them
            zz = np.where(blips, np.nan, zz)
            _, year = common_movement(zz)
        common = filled(year)
        dev = zz - common[None, :]
        noise, step = noise_and_drift(dev)
        level, _ = filtered_levels(dev, noise, step)
        own = shrunk_slopes(dev, noise, step)
        start = blended_level(level, dev)
        for a in (year, common, dev, start, own, blips):
            a.flags.writeable = False  # shared by every caller of the memo
        trend = robust_pace(common)
        _PARTS[key] = Parts(year, common, trend, carried_pace(common, trend), dev, noise, step, start, own, blips)
    return _PARTS[key]
