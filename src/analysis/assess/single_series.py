"""Forecasts of one province's series alone (2+ points), for indicators without an all-province panel.

On the indicator's transformed scale (``analysis.assess.scale``): a time-weighted trend regression, a random walk
with drift and (6+ yearly points without gaps) damped-trend exponential smoothing, chosen by a rolling-origin
backtest where the series allows it (5+ points); Student-t intervals widened for autocorrelated noise and for a
trend that may keep bending. With 2 points the noise scale is a stated assumption (``ASSUMED_STEP_SD``).
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import stats
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from analysis.assess.scale import Scale

# Time weights of the trend regression: an observation k years before the latest weighs WEIGHT_DECAY**k.
WEIGHT_DECAY = 0.8
# Residual autocorrelation assumed at least this large (short series cannot estimate it; real series have it).
# RHO_FLOOR and BEND_WEIGHT were chosen with the simulations in analysis.assess.simulate (logistic_iid,
# saturating_ar1); gompertz_rw is held out. See benchmarks/calibration.py for the coverage they give.
RHO_FLOOR = 0.3
# Noise of yearly changes on the transformed scale, assumed when only 2 points exist (no residual df).
# Pooled judgement for provincial administrative indicators: on the logit scale a step of 0.35 is e.g.
# 50% -> 58,7%; on the log scale 0.25 is about +28% a year.
ASSUMED_STEP_SD = {"logit": 0.35, "log": 0.25, "identity_rel": 0.15}
# Smallest yearly noise sd believed on the transformed scale, as a share of ASSUMED_STEP_SD: published
# figures are rounded and revised, so a series that sits exactly on a line is not evidence of no noise.
NOISE_FLOOR_SHARE = 0.2


@dataclass
class _Forecast:
    """One model's forecast: a Student-t on the transformed scale."""

    mean: float  # on the transformed scale
    scale: float  # Student-t scale
    df: float
    name: str


def _trend(t: np.ndarray, z: np.ndarray, h_year: float, step_sd: float | None) -> _Forecast:
    """Time-weighted linear trend; t-interval widened for autocorrelated residuals."""
    n = len(t)
    w = WEIGHT_DECAY ** (t.max() - t)
    X = np.column_stack([np.ones(n), t - t.max()])
    W = np.diag(w)
    XtWX_inv = np.linalg.pinv(X.T @ W @ X)
    beta = XtWX_inv @ X.T @ W @ z
    resid = z - X @ beta
    x0 = np.array([1.0, h_year - t.max()])
    if n > 2:
        s2 = max(float((w * resid**2).sum() / (w.sum() * (n - 2) / n)), (NOISE_FLOOR_SHARE * step_sd) ** 2)
        rho = _lag1(resid)
        df = n - 2
    else:
        s2 = step_sd**2
        rho, df = RHO_FLOOR, 2.0
    rho = min(max(rho, RHO_FLOOR), 0.9)
    infl = (1 + rho) / (1 - rho)
    # sandwich-like variance of the fitted mean under weights, inflated for autocorrelation
    param_var = float(x0 @ (XtWX_inv @ (X.T @ W @ W @ X) @ XtWX_inv) @ x0) * s2 * infl
    var = s2 * infl + param_var
    return _Forecast(float(x0 @ beta), math.sqrt(var), df, "time-weighted trend regression")


def _drift(t: np.ndarray, z: np.ndarray, h_year: float, step_sd: float | None) -> _Forecast:
    """Random walk with drift (per year, allowing gaps between years)."""
    dt = np.diff(t)
    drift = float(np.sum(np.diff(z)) / np.sum(dt))
    h = h_year - t.max()
    n = len(t)
    if n > 2:
        s2 = max(float(np.sum((np.diff(z) - drift * dt) ** 2 / dt) / (n - 2)), (NOISE_FLOOR_SHARE * step_sd) ** 2)
        df = n - 2
    else:
        s2, df = step_sd**2, 2.0
    span = float(t.max() - t.min())
    var = s2 * (h + h**2 / span)
    return _Forecast(float(z[-1] + drift * h), math.sqrt(max(var, 1e-12)), df, "random walk with drift")


@functools.lru_cache(maxsize=512)
def _es_fit(z: tuple[float, ...]):
    """The damped-trend fit of one series (the same series is forecast at several horizons and backtested)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ExponentialSmoothing(np.asarray(z), trend="add", damped_trend=True,
                                    initialization_method="estimated").fit()


def _damped(t: np.ndarray, z: np.ndarray, h_year: float, step_sd: float | None) -> _Forecast | None:
    """Damped-trend exponential smoothing (statsmodels), for 6+ yearly points without gaps."""
    if len(t) < 6 or np.any(np.diff(t) != 1):
        return None
    h = int(round(h_year - t.max()))
    fit = _es_fit(tuple(float(v) for v in z))
    mean = float(fit.forecast(h)[-1])
    resid = z - fit.fittedvalues
    s2 = float(np.sum(resid**2) / max(len(z) - 4, 1))
    alpha = float(fit.params.get("smoothing_level", 0.5) or 0.5)
    var = s2 * (1 + (h - 1) * alpha**2 + h) * (1 + max(_lag1(resid), RHO_FLOOR)) / (1 - max(_lag1(resid), RHO_FLOOR))
    return _Forecast(mean, math.sqrt(var), max(len(z) - 4, 1), "damped-trend exponential smoothing")


MODELS = {"trend": _trend, "drift": _drift, "damped": _damped}

# How much of the observed bending (de-noised quadratic curvature) is carried into the forecast variance of a
# single series. (The all-province panel engine, analysis.assess.panel, has no such term; a single series keeps
# it until a real-data backtest of single series replaces it: see the statistical review of 2026-12, H2.)
BEND_WEIGHT = 1.0


def _bend_var(t: np.ndarray, z: np.ndarray, h: float) -> float:
    """Variance for a trend that may keep bending: (c h^2 / 2)^2 with c^2 de-noised as max(0, c^2 - se(c)^2).

    Straight-line extrapolation of a saturating curve overshoots; the observed curvature (a quadratic fit on
    the transformed scale) says how much. Subtracting the sampling variance keeps pure noise from widening
    the interval. Needs 4+ points.
    """
    n = len(t)
    if n < 4:
        return 0.0
    tc = t - t.mean()
    X = np.column_stack([np.ones(n), tc, tc**2])
    XtX_inv = np.linalg.pinv(X.T @ X)
    beta = XtX_inv @ X.T @ z
    resid = z - X @ beta
    s2 = float(resid @ resid / (n - 3)) if n > 3 else 0.0
    c = 2 * beta[2]
    se2 = 4 * s2 * XtX_inv[2, 2]
    c2 = max(0.0, c * c - se2)
    return BEND_WEIGHT * c2 * (h**2 / 2) ** 2


def _lag1(r: np.ndarray) -> float:
    r = np.asarray(r, dtype=float)
    if len(r) < 3 or np.allclose(r, 0):
        return 0.0
    r = r - r.mean()
    den = float(np.sum(r * r))
    return float(np.clip(np.sum(r[1:] * r[:-1]) / den, -0.9, 0.9)) if den > 0 else 0.0


def _backtest(t: np.ndarray, z: np.ndarray, step_sd: float) -> dict[str, float]:
    """Rolling-origin backtest: fit on the first k points, forecast the last point; mean absolute error."""
    errs: dict[str, list[float]] = {}
    n = len(t)
    for k in range(max(3, n - 3), n):
        for name, fn in MODELS.items():
            f = fn(t[:k], z[:k], float(t[-1]), step_sd)
            if f is not None:
                errs.setdefault(name, []).append(abs(f.mean - z[-1]))
    return {k: float(np.mean(v)) for k, v in errs.items() if len(v) == len(range(max(3, n - 3), n))}



@functools.lru_cache(maxsize=512)
def _backtest_once(t: tuple[float, ...], z: tuple[float, ...], step_sd: float) -> tuple[tuple[str, float], ...]:
    return tuple(_backtest(np.asarray(t), np.asarray(z), step_sd).items())


@dataclass
class Predictive:
    """Predictive distribution at the target year: Student-t on the transformed ``scale``."""

    scale: Scale
    forecast: _Forecast
    method: str
    backtest: dict[str, float]
    step_sd: float

    def interval(self, level: float) -> tuple[float, float]:
        q = stats.t.ppf(0.5 + level / 2, self.forecast.df)
        f = self.forecast
        lo, hi = self.scale.inv([f.mean - q * f.scale, f.mean + q * f.scale])
        return float(lo), float(hi)

    @property
    def projection(self) -> float:
        return float(self.scale.inv([self.forecast.mean])[0])


def predictive(years: Sequence[int], values: Sequence[float], target_year: int,
               bounds: tuple[float | None, float | None] | None = None) -> Predictive:
    """Fit the candidate models (2+ points) and return the chosen predictive distribution at ``target_year``."""
    t = np.asarray(years, dtype=float)
    x = np.asarray(values, dtype=float)
    order = np.argsort(t)
    t, x = t[order], x[order]
    if len(t) < 2:
        raise ValueError("a forecast needs at least 2 points")
    scale = Scale.for_bounds(bounds, x)
    z = scale.fwd(x)
    step_sd = ASSUMED_STEP_SD.get("log" if scale.kind == "log1p" else scale.kind) or ASSUMED_STEP_SD["identity_rel"] * max(abs(x).mean(), 1e-9)
    # the backtest forecasts the series' own last point: it does not depend on the target year
    backtest = dict(_backtest_once(tuple(t), tuple(z), step_sd)) if len(t) >= 5 else {}
    if backtest:
        chosen = min(backtest, key=backtest.get)
        how = "chosen by rolling-origin backtest (mean absolute error on the transformed scale: " + ", ".join(
            f"{k} {v:.3f}" for k, v in backtest.items()) + ")"
    else:
        chosen = "drift" if len(t) <= 3 else "trend"
        how = "too few points for a backtest"
    fc = MODELS[chosen](t, z, float(target_year), step_sd) or _trend(t, z, float(target_year), step_sd)
    bend = _bend_var(t, z, float(target_year) - float(t.max()))
    if bend > 0:
        fc = _Forecast(fc.mean, math.sqrt(fc.scale**2 + bend), fc.df, fc.name)
    return Predictive(scale, fc, f"{fc.name} on the {scale.kind} scale, {how}", backtest, step_sd)

