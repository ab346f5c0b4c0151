"""Forecasts that learn from the panel: every province of an indicator fitted together.

Real provincial series are short, noisy survey or index estimates that revert toward their neighbours, and
provinces share a common national movement; fitting each province alone extrapolates its noise. Here:

1. Values go on the indicator's transformed scale (logit for a range, log or log1p for counts), so projections
   and intervals never leave the bounds (an interval can reach a bound: the clipped edges map back to it).
2. The panel is split into a common yearly movement (median polish) and each province's deviation from it. A
   deviation is a local level observed with noise; the two variances come from all provinces at once (the
   variogram of deviations), and each level is Kalman-filtered from the panel's average toward the province's own
   figures (partial pooling: a noisy or short series stays nearer the panel).
3. Candidates, all fitted on the panel up to the forecast origin: ``last`` (the last value stays), ``drift`` (plus
   the panel's average yearly change), ``own_drift`` (plus the province's own average yearly change), ``pooled``
   (the common movement at its pace plus the filtered deviation) and ``pooled_flat`` (the same without the pace).
4. At each horizon the candidates are weighted by the inverse square of their mean squared error in a
   rolling-origin backtest on the panel itself (origins before the forecast origin only; errors of a shorter
   horizon carried to a longer one where the panel is too short); with no backtest at all, ``pooled`` alone.
5. Intervals and chances come from the backtest errors of that combination at the same horizon (three origins or
   more), otherwise from the panel's own changes over as many years, scaled to the combination's measured skill.

Entry points: :func:`fit_panel`, :meth:`PanelModel.forecast`, :func:`pace_share`; ``analysis.assess.backtest``
scores the engine against the naive rules on every real panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import warnings

import numpy as np
import pandas as pd
from scipy import stats

EDGE = 0.005  # a bounded value within 0.5% of its range from a bound counts as at the bound
CANDIDATES = ("last", "drift", "own_drift", "pooled", "pooled_flat")
MIN_PROVINCES = 10  # a panel needs this many provinces with two or more points to learn from
MIN_ERRORS = 30  # backtest errors needed at a horizon before they set the choice and the interval
DEFAULT = "pooled"  # used where the panel is too short for a backtest at any horizon
SHARPNESS = 2.0  # candidate weights are MSE ** -SHARPNESS
RECENT_ORIGINS = 3  # backtest errors of the latest origins only: errors shrink as the training years grow
SPREAD_GROWTH = 1.0  # a province's own error around the common one grows as (h / hb) ** SPREAD_GROWTH
MIN_ORIGINS = 3  # backtest origins needed before a horizon's own errors set its interval
MIN_YEARS = 4  # a panel forecast needs this many years of data (three yearly changes) up to its origin


# ------------------------------------------------------------------ scale
@dataclass(frozen=True)
class Scale:
    """The transformed scale of an indicator: logit for a range, log above a lower bound, else identity."""

    kind: str
    lo: float | None = None
    hi: float | None = None

    @classmethod
    def for_bounds(cls, bounds: tuple[float | None, float | None] | None, values) -> "Scale":
        lo, hi = bounds if bounds else (None, None)
        v = np.asarray(values, dtype=float)
        if lo is not None and hi is not None:
            return cls("logit", float(lo), float(hi))
        base = 0.0 if lo is None else float(lo)
        if np.all(v[np.isfinite(v)] > base):
            return cls("log", base)
        if np.all(v[np.isfinite(v)] >= base):
            return cls("log1p", base)
        return cls("identity")

    def fwd(self, x):
        x = np.asarray(x, dtype=float)
        if self.kind == "logit":
            p = np.clip((x - self.lo) / (self.hi - self.lo), EDGE, 1 - EDGE)
            return np.log(p / (1 - p))
        if self.kind == "log":
            return np.log(np.maximum(x - self.lo, 1e-12))
        if self.kind == "log1p":
            return np.log1p(np.maximum(x - self.lo, 0.0))
        return x

    def inv(self, z):
        z = np.asarray(z, dtype=float)
        if self.kind == "logit":
            p = 1 / (1 + np.exp(-z))
            # the clipped edges map back to the bounds: an interval can reach 0% or 100%
            p = np.where(p >= 1 - EDGE, 1.0, np.where(p <= EDGE, 0.0, p))
            return self.lo + (self.hi - self.lo) * p
        if self.kind == "log":
            return self.lo + np.exp(z)
        if self.kind == "log1p":
            return self.lo + np.expm1(np.maximum(z, 0.0))
        return z


# ------------------------------------------------------------------ panel pieces
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


def _mean_change(series: np.ndarray) -> float:
    """Average yearly change of a series with gaps (first to last observed value)."""
    idx = np.flatnonzero(np.isfinite(series))
    if len(idx) < 2:
        return 0.0
    return float((series[idx[-1]] - series[idx[0]]) / (idx[-1] - idx[0]))


def _typical_change(series: np.ndarray) -> float:
    """Median of the yearly changes of a series (gaps spread evenly): one odd year does not set the pace."""
    idx = np.flatnonzero(np.isfinite(series))
    if len(idx) < 2:
        return 0.0
    steps = np.diff(series[idx]) / np.diff(idx)
    return float(np.median(steps))


def _trend_weight(year: np.ndarray) -> float:
    """How much of the common movement's pace to carry forward: the positive-part James-Stein factor
    max(0, 1 - 1/t^2), with t the t statistic of its yearly changes (no evidence of a pace: none of it)."""
    d = np.diff(year)
    if len(d) < 2:
        return 0.0
    sd = float(np.std(d, ddof=1))
    if sd == 0:
        return 1.0 if float(np.mean(d)) != 0 else 0.0
    t = abs(float(np.mean(d))) / (sd / np.sqrt(len(d)))
    return max(0.0, 1.0 - 1.0 / t**2) if t > 0 else 0.0


def _filled(year: np.ndarray) -> np.ndarray:
    """The common movement with missing years filled by straight lines (and held flat at the ends)."""
    t = np.arange(len(year))
    ok = np.isfinite(year)
    if not ok.any():
        return np.zeros(len(year))
    return np.interp(t, t[ok], year[ok])


def _features(dev: np.ndarray, t: int) -> np.ndarray:
    """Per-province features at origin column ``t``: the last deviation, the average deviation to date and the
    yearly slope of the deviation (least squares over the years to date; 0 with fewer than three points)."""
    d = dev[:, : t + 1]
    obs = np.isfinite(d)
    n = obs.sum(axis=1)
    last_idx = np.where(obs.any(axis=1), d.shape[1] - 1 - np.argmax(obs[:, ::-1], axis=1), 0)
    last = np.where(obs.any(axis=1), d[np.arange(len(d)), last_idx], np.nan)
    x = np.where(obs, np.arange(d.shape[1])[None, :], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        avg = np.nanmean(d, axis=1)
        xm = np.nanmean(x, axis=1)
        sxy = np.nansum((x - xm[:, None]) * (d - avg[:, None]), axis=1)
        sxx = np.nansum((x - xm[:, None]) ** 2, axis=1)
        slope = np.where((n >= 3) & (sxx > 0), sxy / sxx, 0.0)
    return np.column_stack([last, avg, slope])


PRIOR = np.array([0.5, 0.5, 0.0])  # the weights assumed before the panel speaks: half last, half average, no slope
RIDGE = 1.0


def _pooled_weights(dev: np.ndarray, h: int, upto: int) -> np.ndarray:
    """Pooled regression of dev[t+h] on the features at t (slope times the horizon), over origins t with
    t + h <= upto: the weights every province's deviation is forecast with (partial pooling learned from the
    panel). No intercept (deviations are centred); a small ridge toward ``PRIOR`` keeps very short panels stable.
    Falls back to the nearest shorter horizon with pairs, then to ``PRIOR``.
    """
    for hh in range(h, 0, -1):
        X, y = [], []
        for t in range(1, upto - hh + 1):  # at the first year the average is the last value: nothing to learn
            f = _features(dev, t) * np.array([1.0, 1.0, hh])
            target = dev[:, t + hh]
            ok = np.isfinite(f).all(axis=1) & np.isfinite(target)
            X.append(f[ok])
            y.append(target[ok])
        if X and sum(len(v) for v in y) >= 20:
            X, y = np.vstack(X), np.concatenate(y)
            w = np.linalg.solve(X.T @ X + RIDGE * np.eye(3), X.T @ y + RIDGE * PRIOR)
            return w * np.array([1.0, 1.0, h / hh])
    return PRIOR.copy()


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


@dataclass
class PointForecasts:
    """Point forecasts of every candidate for every province, on the transformed scale, at one horizon."""

    origin: int
    h: int
    by_candidate: dict[str, np.ndarray]


_POINTS: dict[tuple, PointForecasts] = {}


def point_forecasts(z: np.ndarray, t: int, h: int) -> PointForecasts:
    """Every candidate's forecast of column ``t + h`` from the panel's columns up to ``t`` (inclusive).

    Memoised on those columns: the rolling-origin backtests of successive origins ask for the same ones.
    """
    zz = np.ascontiguousarray(z[:, : t + 1])
    key = (zz.shape, zz.tobytes(), h)
    hit = _POINTS.get(key)
    if hit is None:
        if len(_POINTS) > 20000:
            _POINTS.clear()
        hit = _POINTS[key] = _point_forecasts(zz, t, h)
    return hit


def _point_forecasts(zz: np.ndarray, t: int, h: int) -> PointForecasts:
    # each province's last observed value and its year
    last_idx = np.array([np.flatnonzero(np.isfinite(r))[-1] if np.isfinite(r).any() else -1 for r in zz])
    last = np.array([r[i] if i >= 0 else np.nan for r, i in zip(zz, last_idx)])
    steps = h + (t - last_idx)  # years from each province's last value to the forecast year
    level, year = common_movement(zz)
    yf = _filled(year)
    # the panel's average yearly change: mean over provinces of their own first-to-last yearly change
    changes = np.array([_mean_change(r) for r in zz if np.isfinite(r).sum() >= 2])
    avg_change = float(np.mean(changes)) if len(changes) else 0.0
    pace = _mean_change(yf)  # the common movement's long-run pace
    dev = zz - yf[None, :]
    noise, step = noise_and_drift(dev)
    shrunk, _ = filtered_levels(dev, noise, step)
    shrunk = np.where(np.isfinite(last), shrunk, np.nan)
    out = {
        "last": last,
        "drift": last + avg_change * steps,
        "own_drift": last + np.array([_mean_change(r) for r in zz]) * steps,
        "pooled": yf[-1] + pace * h + shrunk,
        "pooled_flat": yf[-1] + shrunk,
    }
    return PointForecasts(t, h, out)


def bandwidth(errors: np.ndarray) -> float:
    """Silverman's rule-of-thumb bandwidth of an error sample (floored, so a tight sample stays usable)."""
    e = np.asarray(errors, dtype=float)
    if len(e) < 2:
        return 0.05
    sd = float(np.std(e))
    q75, q25 = np.percentile(e, [75, 25])
    iqr = (q75 - q25) / 1.34
    return max(0.9 * (min(sd, iqr) if iqr > 0 else sd) * len(e) ** -0.2, 1e-3)


# ------------------------------------------------------------------ backtest errors and the model
@dataclass
class PanelModel:
    """A panel fitted up to ``origin``: backtest errors of every candidate by horizon and forecast origin."""

    scale: Scale
    years: list[int]
    provinces: list[str]
    z: np.ndarray
    origin: int  # last year of data
    errors: dict[int, dict[str, list[np.ndarray]]] = field(default_factory=dict)  # h -> candidate -> per origin
    n_cases: dict[int, int] = field(default_factory=dict)

    def projected(self, h: int, candidate: str) -> np.ndarray | None:
        """Backtest errors (outcome minus forecast, transformed scale) of a candidate at horizon h.

        Where the panel is too short for a backtest at h, the errors of the longest shorter horizon hb are
        carried to h: each origin's common error (the panel's shared miss that year) grows with h / hb, as a
        missed pace does, and each province's own error around it with sqrt(h / hb), as noise that accumulates.
        """
        for hb in range(h, 0, -1):
            per_origin = self.errors.get(hb, {}).get(candidate, [])[-RECENT_ORIGINS:]
            if sum(len(e) for e in per_origin) >= MIN_ERRORS:
                r = h / hb
                return np.concatenate([e.mean() * r + (e - e.mean()) * r ** SPREAD_GROWTH for e in per_origin if len(e)])
        return None

    def weights(self, h: int) -> dict[str, float]:
        """Weights of the candidates at horizon h: inverse of their backtest mean squared error to the power
        ``SHARPNESS`` (a candidate that did badly on the panel gets little say); the default alone without one."""
        mse = {c: float(np.mean(e**2)) for c in CANDIDATES if (e := self.projected(h, c)) is not None}
        if len(mse) < len(CANDIDATES):
            return {DEFAULT: 1.0}
        inv = {c: max(v, 1e-12) ** -SHARPNESS for c, v in mse.items()}
        tot = sum(inv.values())
        return {c: v / tot for c, v in inv.items()}

    def combined_errors(self, h: int) -> np.ndarray | None:
        """Backtest errors of the weighted combination at horizon h (the candidates' errors, case by case)."""
        w = self.weights(h)
        parts = [(v, self.projected(h, c)) for c, v in w.items()]
        if any(e is None for _, e in parts) or len({len(e) for _, e in parts}) != 1:
            return None
        return sum(v * e for v, e in parts)

    def changes(self, h: int) -> np.ndarray:
        """The panel's own h-year changes around their mean (every province, every pair of years h apart);
        beyond the panel's length, the longest ones widened in proportion to the horizon."""
        for k in range(h, 0, -1):
            if self.z.shape[1] > k:
                d = self.z[:, k:] - self.z[:, :-k]
                d = d[np.isfinite(d)]
                if len(d) >= MIN_ERRORS:
                    return (d - d.mean()) * (h / k)
        return np.random.default_rng(0).standard_normal(400) * 0.3 * h

    def spread(self, h: int) -> np.ndarray:
        """Errors (outcome minus forecast, transformed scale) that set the interval of the combination at h.

        With a backtest at h from at least ``MIN_ORIGINS`` origins, its errors. Otherwise the panel's own h-year
        changes, scaled by how the combination's backtest errors compared with the panel's changes at the
        longest horizon where both exist: a few origins say little about the size of a common miss, the panel's
        many pairs of years say more.
        """
        for hb in range(h, 0, -1):
            e = self.combined_errors(hb)
            n_origins = len(self.errors.get(hb, {}).get(CANDIDATES[0], []))
            if e is None or len(e) < MIN_ERRORS:
                continue
            if hb == h and n_origins >= MIN_ORIGINS:
                return e
            ratio = float(np.sqrt(np.mean(e**2)) / max(np.std(self.changes(hb)), 1e-9))
            return self.changes(h) * ratio
        return self.changes(h)

    def combined(self, h: int) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
        """Every province's forecast at horizon h (transformed scale), the error sample of the interval, and
        the candidates' weights."""
        pf = point_forecasts(self.z, self.z.shape[1] - 1, h)
        w = self.weights(h)
        mean = sum(v * pf.by_candidate[c] for c, v in w.items())
        return mean, self.spread(h), w

    def forecast(self, province: str, year: int) -> "PanelForecast":
        """The predictive distribution of one province in ``year``."""
        i = self.provinces.index(province)
        h = int(year) - self.origin
        if h < 1:
            raise ValueError(f"year {year} is not after the panel's last year {self.origin}")
        mean, errors, w = self.combined(h)
        return PanelForecast(self.scale, float(mean[i]), errors, w, h, int(np.isfinite(self.z).any(axis=1).sum()),
                             self.origin)


@dataclass
class PanelForecast:
    """Predictive distribution of one province at one year: a point forecast plus empirical errors."""

    scale: Scale
    mean: float
    errors: np.ndarray
    weights: dict[str, float]
    h: int
    n_provinces: int
    origin: int

    def describe(self) -> str:
        parts = ", ".join(f"{c} {v:.0%}" for c, v in sorted(self.weights.items(), key=lambda kv: -kv[1]))
        return (f"all-province panel model on the {self.scale.kind} scale ({self.n_provinces} provinces to "
                f"{self.origin}); candidates weighted by their rolling-origin backtest on the panel: {parts}")

    def quantiles(self, qs) -> np.ndarray:
        return self.mean + np.quantile(self.errors, qs)

    def interval(self, level: float) -> tuple[float, float]:
        lo, hi = self.scale.inv(self.quantiles([0.5 - level / 2, 0.5 + level / 2]))
        return float(lo), float(hi)

    @property
    def projection(self) -> float:
        return float(self.scale.inv([self.mean])[0])

    def prob(self, target: float, comparator: str) -> float:
        """Chance that the value meets ``target`` (>= or <=), the error sample smoothed by a normal kernel."""
        zt = float(self.scale.fwd([target])[0])
        p = float(np.mean(stats.norm.sf((zt - self.mean - self.errors) / bandwidth(self.errors))))
        return p if comparator == ">=" else 1 - p if comparator == "<=" else float("nan")


def backtest_errors(z: np.ndarray, upto: int, horizons=range(1, 6), min_train: int = 2
                    ) -> tuple[dict[int, dict[str, list[np.ndarray]]], dict[int, int]]:
    """Errors of every candidate for origins t with outcomes at columns <= upto, by horizon and origin."""
    errors: dict[int, dict[str, list[np.ndarray]]] = {}
    for h in horizons:
        for t in range(min_train - 1, upto - h + 1):
            pf = point_forecasts(z, t, h)
            outcome = z[:, t + h]
            for c, f in pf.by_candidate.items():
                ok = np.isfinite(outcome) & np.isfinite(f)
                errors.setdefault(h, {}).setdefault(c, []).append(outcome[ok] - f[ok])
    return errors, {h: sum(len(e) for e in d[CANDIDATES[0]]) for h, d in errors.items()}


def fit_panel(values: pd.DataFrame, bounds: tuple[float | None, float | None] | None,
              origin: int | None = None) -> PanelModel:
    """Fit the panel (long rows province_code, year, value) with data up to ``origin`` (default: all)."""
    w = wide(values)
    if origin is not None:
        w = w.loc[:, [c for c in w.columns if c <= origin]]
    scale = Scale.for_bounds(bounds, w.to_numpy()[np.isfinite(w.to_numpy())])
    z = scale.fwd(w.to_numpy())
    z[~np.isfinite(w.to_numpy())] = np.nan
    t = z.shape[1] - 1
    errors, n = backtest_errors(z, t)
    return PanelModel(scale, list(w.columns), list(w.index), z, int(w.columns[-1]), errors, n)


def pace_share(model: PanelModel, start: float, target: float, years: int, comparator: str) -> tuple[float, int]:
    """How common the pace a target needs is in the panel: the share of the k-year changes seen (every province,
    every window of k years, k = the years to the target, at most the panel's span) at least as fast, on the
    transformed scale. Returns (share, k); (nan, 0) without such changes. A reference class of the indicator's own
    provinces: a description of how fast figures moved, not a chance."""
    k = int(min(max(years, 1), model.z.shape[1] - 1))
    if k < 1:
        return float("nan"), 0
    need = (float(model.scale.fwd([target])[0]) - float(model.scale.fwd([start])[0])) / years
    d = (model.z[:, k:] - model.z[:, :-k]) / k
    d = d[np.isfinite(d)]
    if len(d) < MIN_ERRORS:
        return float("nan"), 0
    share = float(np.mean(d >= need)) if comparator == ">=" else float(np.mean(d <= need))
    return share, k


def is_panel(values: pd.DataFrame) -> bool:
    """Enough provinces with two or more yearly points for the panel to teach anything."""
    counts = values.groupby("province_code")["year"].nunique()
    return int((counts >= 2).sum()) >= MIN_PROVINCES
