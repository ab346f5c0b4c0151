"""Will a target be met? Time-aware statuses, forecasts with measured uncertainty, the UN Progress Chart category.

``assess_target`` is the public entry point; ``assess_all`` runs it for every provincial target in the evidence
base, ``assess_national`` for every province against each national target.

Rules (the methodology page explains them in plain words):
- As of the build year (``config.build_year``): a passed target year is met / not met by that year's figure, or
  awaiting it; never forecast. A latest figure more than ``MAX_DATA_AGE`` years old gives ``outdated``.
- Still ahead: no figure ``no_data``; latest figure meets it ``achieved`` (no chance attached); one figure
  ``insufficient_data``; a rank ``not_assessable``; otherwise a forecast: from the all-province panel engine
  (``analysis.assess.panel``) when the indicator has a panel, else from the single-series models below.
- Single series (2+ points), on a transformed scale (logit for bounded values, log for positive counts):
  time-weighted trend regression, random walk with drift, and (9+ points) damped-trend exponential smoothing,
  chosen by a rolling-origin backtest where the series allows it; Student-t intervals widened for autocorrelated
  noise and curvature. With 2 points the noise scale is a stated assumption.
"""

from __future__ import annotations

import copy
import functools
import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis import config
from analysis.assess import panel as pn

STATUSES = ["achieved", "not_met", "awaiting_data", "on_track", "at_risk", "off_track", "outdated", "not_assessable",
            "insufficient_data", "no_data"]
# A figure older than this many years before the build year is too old to colour a status for a future target.
MAX_DATA_AGE = 4
# Flags that make a figure provisional: a verdict that rests on it says so.
PROVISIONAL_FLAGS = ("approx", "preliminary", "lower_bound", "partial_year")
# Units whose values are ranks: never forecast as a continuous number.
RANK_UNITS = ("rank",)
COMPARATORS = (">=", "<=", "=")
ON_TRACK, OFF_TRACK = 0.8, 0.2

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
EDGE = 0.005  # a bounded value within 0.5% of the range from a bound counts as at the bound


@dataclass
class Assessment:
    status: str
    p_meet: float | None
    projection: float | None
    pi80: tuple[float, float] | None
    pi95: tuple[float, float] | None
    method: str
    n_points: int
    first_year: int | None
    last_year: int | None
    unsd_cr: float | None
    unsd_category: str | None
    required_annual_change: float | None
    target: float
    target_year: int
    comparator: str
    last_value: float | None = None
    transform: str | None = None
    rests_on_assumption: bool = False
    assumption: str | None = None
    backtest: dict[str, float] | None = None
    scenario_annual_change: float | None = None
    scenario_projection: float | None = None
    scenario_meets: bool | None = None
    provisional: bool = False
    build_year: int | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("pi80", "pi95"):
            lo_hi = d.pop(k)
            d[f"{k}_low"], d[f"{k}_high"] = (lo_hi if lo_hi else (None, None))
        d["backtest"] = None if not self.backtest else "; ".join(f"{k}={v:.3g}" for k, v in self.backtest.items())
        d["notes"] = " ".join(self.notes)
        return d

    def to_row(self):
        import pandas as pd

        return pd.DataFrame([self.to_dict()])


# ------------------------------------------------------------------ transforms
class _Scale:
    def __init__(self, bounds: tuple[float | None, float | None] | None, values: np.ndarray):
        lo, hi = bounds if bounds else (None, None)
        self.lo, self.hi = lo, hi
        if lo is not None and hi is not None:
            self.kind = "logit"
        elif (lo is not None and np.all(values > lo)) or (lo is None and np.all(values > 0)):
            self.kind, self.lo = "log", (lo if lo is not None else 0.0)
        else:
            self.kind = "identity"

    def fwd(self, x):
        x = np.asarray(x, dtype=float)
        if self.kind == "logit":
            p = np.clip((x - self.lo) / (self.hi - self.lo), EDGE, 1 - EDGE)
            return np.log(p / (1 - p))
        if self.kind == "log":
            return np.log(np.maximum(x - self.lo, 1e-12))
        return x

    def inv(self, z):
        z = np.asarray(z, dtype=float)
        if self.kind == "logit":
            return self.lo + (self.hi - self.lo) / (1 + np.exp(-z))
        if self.kind == "log":
            return self.lo + np.exp(z)
        return z


# ------------------------------------------------------------------ candidate models
@dataclass
class _Forecast:
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
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

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

# How much of the observed bending (de-noised quadratic curvature) is carried into the forecast variance.
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

    scale: _Scale
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
    scale = _Scale(bounds, x)
    z = scale.fwd(x)
    step_sd = ASSUMED_STEP_SD.get(scale.kind) or ASSUMED_STEP_SD["identity_rel"] * max(abs(x).mean(), 1e-9)
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


# ------------------------------------------------------------------ UN SDG progress chart
UNSD_BASE_YEAR = 2015


def unsd_progress(years: Sequence[int], values: Sequence[float], target: float, target_year: int,
                  comparator: str) -> tuple[float | None, str | None]:
    """UNSD SDG Progress Chart 2022: CR = actual CAGR / required CAGR and its category."""
    if len(values) and _meets(values[-1], target, comparator):
        return None, "achieved"
    # the base year is 2015 (or the first year after it with a figure), as the Progress Chart specifies
    since = [(int(y), float(v)) for y, v in zip(years, values) if int(y) >= UNSD_BASE_YEAR]
    if len(since) < 2:
        return None, None
    (t0, x0), (t1, x1) = since[0], since[-1]
    if x0 <= 0 or x1 <= 0 or target <= 0 or target_year <= t0 or t1 <= t0:
        return None, None
    actual = (x1 / x0) ** (1 / (t1 - t0)) - 1
    required = (target / x0) ** (1 / (target_year - t0)) - 1
    if required == 0:
        return None, None
    cr = actual / required
    if cr >= 0.95:
        cat = "on_track"
    elif cr >= 0.5:
        cat = "fair"
    elif cr >= -0.1:
        cat = "limited"
    else:
        cat = "deterioration"
    return float(cr), cat


def _meets(value: float, target: float, comparator: str, tol: float = 1e-9) -> bool:
    if comparator == ">=":
        return value >= target - tol
    if comparator == "<=":
        return value <= target + tol
    return abs(value - target) <= max(tol, 1e-6 * abs(target))


# ------------------------------------------------------------------ public API
def _check_inputs(years, values, target, target_year, comparator, bounds):
    if comparator not in COMPARATORS:
        raise ValueError(f"unknown comparator {comparator!r}; use one of {COMPARATORS}")
    if len(years) != len(values):
        raise ValueError(f"years and values have different lengths ({len(years)} and {len(values)})")
    if len(set(int(y) for y in years)) != len(years):
        raise ValueError(f"duplicate years in {list(years)}: give one value per year")
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)) or not math.isfinite(float(target)):
        raise ValueError("values and target must be finite numbers (no NaN or infinity)")
    if bounds is not None:
        lo, hi = bounds
        if (lo is not None and (np.any(arr < lo) or target < lo)) or (hi is not None and (np.any(arr > hi)
                                                                                          or target > hi)):
            raise ValueError(f"a value or the target is outside the bounds {bounds}")
    if len(years) and int(target_year) < int(min(years)):
        raise ValueError(f"target year {target_year} is before the first observation ({min(years)})")


_MEMO: dict[tuple, Assessment] = {}


def assess_target(years: Sequence[int], values: Sequence[float], target: float, target_year: int,
                  comparator: str = ">=", bounds: tuple[float | None, float | None] | None = None,
                  scenario_annual_change: float | None = None, interval_levels: tuple[float, float] = (0.8, 0.95),
                  *, flags: Sequence[str] | None = None, build_year: int | None = None, rank: bool = False,
                  panel=None) -> Assessment:
    """Assess ``target`` by ``target_year`` from a short yearly series, as of ``build_year`` (default: today's).

    A target whose year has passed is a question of "was it met?": met or not met by a figure for that year, or
    awaiting that year's figures; never a forecast. For a future target: achieved when the latest figure meets
    it, outdated when the latest figure is more than ``MAX_DATA_AGE`` years before the build year, otherwise a
    forecast (``panel``, a :class:`analysis.assess.panel.PanelForecast`, when the indicator has an all-province
    panel; else the single-series models below). ``flags`` (one string per point) mark provisional figures.

    Deterministic: identical inputs give the stored result.
    """
    build_year = int(build_year or config.build_year())
    flags = tuple(flags) if flags is not None else ("",) * len(years)
    key = (tuple(int(y) for y in years), tuple(float(v) for v in values), float(target), int(target_year),
           comparator, None if bounds is None else tuple(bounds), scenario_annual_change, tuple(interval_levels),
           flags, build_year, rank)
    if panel is not None:
        return _assess_target(years, values, target, target_year, comparator, bounds, scenario_annual_change,
                              interval_levels, flags, build_year, rank, panel)
    hit = _MEMO.get(key)
    if hit is None:
        hit = _MEMO[key] = _assess_target(years, values, target, target_year, comparator, bounds,
                                          scenario_annual_change, interval_levels, flags, build_year, rank, None)
    return copy.deepcopy(hit)


def _provisional(flag: str) -> bool:
    return any(f in (flag or "") for f in PROVISIONAL_FLAGS)


def _assess_target(years, values, target, target_year, comparator, bounds, scenario_annual_change,
                   interval_levels, flags, build_year, rank, panel) -> Assessment:
    _check_inputs(years, values, target, target_year, comparator, bounds)
    order = np.argsort(np.asarray(years, dtype=float))
    t = np.asarray(years, dtype=float)[order]
    x = np.asarray(values, dtype=float)[order]
    fl = [flags[i] if i < len(flags) else "" for i in order]
    target, target_year = float(target), int(target_year)
    n = len(t)
    base = dict(target=target, target_year=target_year, comparator=comparator, n_points=n,
                first_year=int(t[0]) if n else None, last_year=int(t[-1]) if n else None,
                last_value=float(x[-1]) if n else None, scenario_annual_change=scenario_annual_change,
                build_year=build_year)
    cr, cat = unsd_progress(list(t), list(x), target, target_year, comparator)
    base.update(unsd_cr=cr, unsd_category=cat)
    none = dict(p_meet=None, projection=None, pi80=None, pi95=None)
    if n == 0:
        return Assessment(status="no_data", method="no observation of this indicator", required_annual_change=None,
                          **none, **base)
    gap_years = target_year - t[-1]
    req = (target - x[-1]) / gap_years if gap_years > 0 else None
    base["required_annual_change"] = None if req is None else float(req)
    if scenario_annual_change is not None:
        proj = x[-1] + scenario_annual_change * max(gap_years, 0)
        if bounds:
            proj = float(np.clip(proj, bounds[0] if bounds[0] is not None else -np.inf,
                                 bounds[1] if bounds[1] is not None else np.inf))
        base.update(scenario_projection=float(proj), scenario_meets=_meets(proj, target, comparator))

    if target_year < build_year or t[-1] < build_year - MAX_DATA_AGE:
        # no progress category beside a verdict on a passed year, or from figures too old for a status
        base.update(unsd_cr=None, unsd_category=None)
    if target_year < build_year:  # the target year has passed: was it met?
        at = [i for i in range(n) if int(t[i]) >= target_year]
        if not at:
            return Assessment(status="awaiting_data", method=(
                f"the target year has passed; no figure for {target_year} yet (latest figure {int(t[-1])})"),
                **none, **base)
        i = at[0]
        met = _meets(x[i], target, comparator)
        prov = _provisional(fl[i])
        notes = ["The figure this rests on is provisional (approximate or preliminary)."] if prov else []
        return Assessment(status="achieved" if met else "not_met", method=(
            f"the figure for {int(t[i])} {'meets' if met else 'misses'} the target"), provisional=prov,
            notes=notes, **none, **base)
    if t[-1] < build_year - MAX_DATA_AGE:
        return Assessment(status="outdated", method=(
            f"the latest figure ({int(t[-1])}) is more than {MAX_DATA_AGE} years before {build_year}: too old "
            "for a status"), **none, **base)
    if _meets(x[-1], target, comparator):
        prov = _provisional(fl[-1])
        return Assessment(status="achieved", method=f"latest observation ({int(t[-1])}) already meets the target",
                          provisional=prov, **none, **base)
    if rank:
        return Assessment(status="not_assessable", method="a rank is relative to other provinces: not forecast",
                          **none, **base)
    if panel is not None:
        return _panel_assessment(panel, target, comparator, interval_levels, base, n)
    if n == 1:
        return Assessment(status="insufficient_data", method="one observation: no trend can be claimed", **none,
                          **base)

    pred = predictive(t, x, target_year, bounds)
    scale, fc, step_sd = pred.scale, pred.forecast, pred.step_sd
    notes: list[str] = []
    assumption = None
    if n == 2:
        assumption = (f"two points leave no residual degrees of freedom: the yearly noise on the {scale.kind} scale "
                      f"is assumed to be {step_sd:.3g} (pooled judgement for provincial administrative indicators)")
        notes.append("Rests on an assumed noise scale.")
    if n <= 3:
        notes.append(f"Only {n} data points: the interval is wide and the status is tentative.")
    a80, a95 = interval_levels
    pi80, pi95 = pred.interval(a80), pred.interval(a95)
    zt = float(scale.fwd([target])[0])
    if comparator == ">=":
        p = 1 - stats.t.cdf((zt - fc.mean) / fc.scale, fc.df)
    elif comparator == "<=":
        p = stats.t.cdf((zt - fc.mean) / fc.scale, fc.df)
    else:
        half = 0.5 if scale.kind != "logit" else EDGE * (scale.hi - scale.lo)
        lo_z, hi_z = scale.fwd([target - half])[0], scale.fwd([target + half])[0]
        p = stats.t.cdf((hi_z - fc.mean) / fc.scale, fc.df) - stats.t.cdf((lo_z - fc.mean) / fc.scale, fc.df)
    p = float(np.clip(p, 0.0, 1.0))
    return Assessment(status=status_of(p), p_meet=p, projection=pred.projection, pi80=pi80, pi95=pi95,
                      method=pred.method, transform=scale.kind, rests_on_assumption=n == 2, assumption=assumption,
                      backtest=pred.backtest or None, notes=notes, **base)


def status_of(p: float) -> str:
    """The status a chance of meeting the target gives, by the legend's cut-offs."""
    return "on_track" if p >= ON_TRACK else "off_track" if p < OFF_TRACK else "at_risk"


def _panel_assessment(pf, target, comparator, interval_levels, base, n) -> Assessment:
    """A forecast status from the all-province panel model (``analysis.assess.panel``)."""
    a80, a95 = interval_levels
    p = pf.prob(target, comparator) if comparator in (">=", "<=") else None
    if p is None:
        return Assessment(status="not_assessable", method="an exact-value target is not forecast from a panel",
                          p_meet=None, projection=pf.projection, pi80=pf.interval(a80), pi95=pf.interval(a95),
                          **base)
    p = float(np.clip(p, 0.0, 1.0))
    notes = [f"Forecast from the all-province panel ({pf.n_provinces} provinces): the province's own figures "
             "are weighed against the panel's common movement."]
    if n <= 2:
        notes.append(f"Only {n} data point{'s' if n > 1 else ''} of its own: the province borrows the panel's "
                     "dynamics.")
    return Assessment(status=status_of(p), p_meet=p, projection=pf.projection, pi80=pf.interval(a80),
                      pi95=pf.interval(a95), method=pf.describe(), transform=pf.scale.kind, notes=notes, **base)


# ------------------------------------------------------------------ the evidence base
def _series(obs, province_code: str, boundary: str, indicator: str, breakdown: str):
    """Observations for one target: one value per year (the latest-dated one when a year has several).

    Only single-year values count (a multi-year total such as 2021/2023 is not a point of a yearly series),
    and a series is never joined across a definition change: only the observations from the latest one
    flagged ``definition_break`` on are kept (``attrs['break_year']`` says where it was cut).
    """
    d = obs[(obs["province_code"] == province_code) & (obs["boundary"] == boundary)
            & (obs["indicator_id"] == indicator) & (obs["breakdown"] == breakdown)]
    return _yearly(d)


def _yearly(d):
    """One single-year observation per year, from the latest definition break on."""
    single = d["period"].astype(str).map(single_year).astype(bool)
    # within a year the figure of a new vintage (flagged definition_break) wins, then the latest-dated one
    d = d.loc[single].assign(_new=d["flags"].fillna("").str.contains("definition_break"))
    d = d.sort_values(["year", "_new", "period"], kind="stable").groupby("year", as_index=False).tail(1)
    d = d.drop(columns="_new")
    breaks = d.loc[d["flags"].fillna("").str.contains("definition_break"), "year"]
    cut = int(breaks.max()) if len(breaks) else None
    if cut is not None:
        d = d[d["year"] >= cut]
    d.attrs["break_year"] = cut
    return d


def single_year(period: str) -> bool:
    """'2023', '2023-06', '2023-12-31' are single-year periods; '2021/2023' is not (unless within one year)."""
    if "/" not in period:
        return True
    start, end = period.split("/", 1)
    return start[:4] == end[:4]


def _break_note(s) -> str:
    cut = s.attrs.get("break_year")
    return (f" The definition changed in {cut}: only observations from {cut} on are used (the series is not "
            "joined across the change).") if cut is not None else ""


TRACKING_COLUMNS = ("search_outcome", "searched", "searched_en", "comparability", "comparability_vi")


def assess_all(facts, indicators, scenarios: dict[str, float] | None = None, tracking=None):
    """Assess every target in the facts table; one row per target, in the order of the facts.

    ``tracking`` (data/raw/tracking_*.csv) may name a proxy indicator for a target (``tracked_by``, which
    overrides the fact's own) and records what was searched for its series; both are carried into the row.
    """
    import pandas as pd

    ind = indicators.set_index("indicator_id")
    track = {} if tracking is None else {r["target_fact_id"]: r for _, r in tracking.iterrows()}
    obs = facts[facts["kind"] == "observation"]
    rows = []
    for _, tg in facts[facts["kind"] == "target"].iterrows():
        rec = track.get(tg["fact_id"])
        tracked = tg.get("tracked_by") if isinstance(tg.get("tracked_by"), str) and tg.get("tracked_by") else None
        if rec is not None and rec["tracked_by"]:
            tracked = rec["tracked_by"]
        indicator = tracked or tg["indicator_id"]
        s = _series(obs, tg["province_code"], tg["boundary"], indicator, tg["breakdown"])
        lo, hi = ind.at[indicator, "lower_bound"], ind.at[indicator, "upper_bound"]
        bounds = None if pd.isna(lo) and pd.isna(hi) else (None if pd.isna(lo) else float(lo),
                                                            None if pd.isna(hi) else float(hi))
        scenario = (scenarios or {}).get(indicator)
        r = assess_target(list(s["year"]), list(s["value"]), float(tg["value"]), int(tg["year"]),
                          tg["comparator"], bounds, scenario_annual_change=scenario, flags=_flags(s),
                          rank=_is_rank(ind, indicator))
        d = r.to_dict()
        if tracked:
            d["notes"] = (d["notes"] + f" Tracked by the proxy indicator '{tracked}'.").strip()
        d["notes"] = (d["notes"] + _break_note(s)).strip()
        flagged = [f for f in ("derived", "monthly", "partial_year", "lower_bound", "approx")
                   if s["flags"].fillna("").str.contains(f).any()]
        if flagged:
            d["notes"] = (d["notes"] + " Observations include values flagged: " + ", ".join(flagged) + ".").strip()
        rows.append({"target_fact_id": tg["fact_id"], "province_code": tg["province_code"],
                     "boundary": tg["boundary"], "province_key": tg.get("province_key"),
                     "indicator_id": tg["indicator_id"], "tracked_by": tracked or "", "breakdown": tg["breakdown"],
                     "source_id": tg["source_id"], "baseline_year": tg.get("baseline_year"),
                     "observation_ids": ";".join(s["fact_id"]), "years": ";".join(str(y) for y in s["year"]),
                     "values": ";".join(f"{v:g}" for v in s["value"]),
                     "search_outcome": "" if rec is None else rec["outcome"],
                     "searched": "" if rec is None else rec["searched"],
                     "searched_en": "" if rec is None else (rec.get("searched_en") or rec["searched"]),
                     "comparability": "" if rec is None else rec["comparability"],
                     "comparability_vi": "" if rec is None else (rec.get("comparability_vi") or ""), **d})
    if not rows:  # keep the columns, so callers can sort and filter an empty table
        cols = ["target_fact_id", "province_code", "boundary", "province_key", "indicator_id", "tracked_by",
                "breakdown", "source_id", "baseline_year", "observation_ids", "years", "values", *TRACKING_COLUMNS,
                *assess_target([], [], 1.0, 2030).to_dict()]
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    for col in ("p_meet", "projection", "pi80_low", "pi80_high", "pi95_low", "pi95_high", "unsd_cr",
                "required_annual_change", "scenario_projection", "last_value", "scenario_annual_change"):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    return df


def _flags(s) -> list[str]:
    return [f if isinstance(f, str) else "" for f in s["flags"]]


def _is_rank(ind, indicator: str) -> bool:
    return "unit" in ind.columns and str(ind.at[indicator, "unit"]) in RANK_UNITS


def _needs_forecast(s, target_year: int, build_year: int) -> bool:
    """A series that a forecast status would rest on: target still ahead, latest figure recent enough."""
    return (len(s) > 0 and target_year >= build_year and int(s["year"].max()) >= build_year - MAX_DATA_AGE)


def _panel_models(obs, indicator: str, breakdown: str, bounds):
    """One panel model per boundary for an indicator observed for many provinces (fitted on first use)."""
    models: dict[str, object] = {}

    def get(boundary: str):
        if boundary not in models:
            d = obs[(obs["indicator_id"] == indicator) & (obs["breakdown"] == breakdown)
                    & (obs["boundary"] == boundary) & (obs["province_code"] != "VN")]
            rows = [_yearly(g)[["province_code", "year", "value"]] for _, g in d.groupby("province_code")]
            long = pd.concat(rows) if rows else pd.DataFrame(columns=["province_code", "year", "value"])
            long = long.astype({"year": int, "value": float})
            models[boundary] = pn.fit_panel(long, bounds) if len(long) and pn.is_panel(long) else None
        return models[boundary]
    return get


PACE_COLUMNS = ("own_annual_change", "pace_share", "pace_years")


def _pace(s, r: Assessment, code: str, model, comparator: str) -> dict:
    """For a target still ahead and not met: the province's own average yearly change over its series, and how
    common the needed pace is among the k-year changes of the indicator's panel (``panel.pace_share``)."""
    out = dict.fromkeys(PACE_COLUMNS, float("nan"))
    if (r.status in ("achieved", "not_met", "awaiting_data", "no_data") or r.last_year is None
            or _meets(float(r.last_value), r.target, r.comparator)):
        return out
    if r.n_points >= 2 and r.last_year > r.first_year:
        out["own_annual_change"] = (float(s["value"].iloc[-1]) - float(s["value"].iloc[0])) / (r.last_year - r.first_year)
    if model is not None and comparator in (">=", "<="):
        share, k = pn.pace_share(model, float(r.last_value), r.target, r.target_year - r.last_year, comparator)
        out["pace_share"], out["pace_years"] = share, (k or float("nan"))
    return out


def bounds_of(ind, indicator: str):
    import pandas as pd

    lo, hi = ind.at[indicator, "lower_bound"], ind.at[indicator, "upper_bound"]
    if pd.isna(lo) and pd.isna(hi):
        return None
    return (None if pd.isna(lo) else float(lo), None if pd.isna(hi) else float(hi))


def assess_national(facts, national_targets, indicators, build_year: int | None = None):
    """Assess every province (and the whole country) that has a series for a national target against it.

    Only national targets with an ``indicator_id`` (the provincial series that measures them) are assessed.
    One row per (target, province, boundary), ranked within each target by p_meet (then latest value).
    """
    build_year = int(build_year or config.build_year())
    ind = indicators.set_index("indicator_id")
    obs = facts[facts["kind"] == "observation"]
    rows = []
    nt = national_targets.reset_index(drop=True)
    for i, tg in nt.iterrows():
        indicator = tg.get("indicator_id") or ""
        if not indicator or indicator not in ind.index:
            continue
        target_id = f"{tg['decision'].split('/')[0]}-{int(tg['target_year'])}-{indicator}"
        brk = tg.get("breakdown") or "total"
        mine = obs[(obs["indicator_id"] == indicator) & (obs["breakdown"] == brk)]
        bounds = bounds_of(ind, indicator)
        panel_of = _panel_models(obs, indicator, brk, bounds)
        for (code, boundary), g in mine.groupby(["province_code", "boundary"], sort=True):
            s = _yearly(g)
            if s.empty or int(tg["target_year"]) < int(s["year"].min()):
                continue
            pf = None
            if code != "VN" and _needs_forecast(s, int(tg["target_year"]), build_year):
                model = panel_of(boundary)
                if model is not None and code in model.provinces and int(tg["target_year"]) > model.origin:
                    pf = model.forecast(code, int(tg["target_year"]))
            r = assess_target(list(s["year"]), list(s["value"]), float(tg["value"]), int(tg["target_year"]),
                              tg["comparator"], bounds, flags=_flags(s), build_year=build_year,
                              rank=_is_rank(ind, indicator), panel=pf)
            d = r.to_dict()
            d.update(_pace(s, r, code, panel_of(boundary) if code != "VN" else None, tg["comparator"]))
            d["notes"] = (d["notes"] + _break_note(s)).strip()
            flagged = [f for f in ("derived", "approx", "preliminary", "aggregated")
                       if s["flags"].fillna("").str.contains(f).any()]
            if flagged:
                d["notes"] = (d["notes"] + " Observations include values flagged: " + ", ".join(flagged) + ".").strip()
            rows.append({"national_target_id": target_id, "decision": tg["decision"],
                         "target_row": i + 2, "indicator_id": indicator, "breakdown": brk,
                         "province_code": code, "boundary": boundary,
                         "province_key": s["province_key"].iloc[-1] if "province_key" in s else None,
                         "observation_ids": ";".join(s["fact_id"]), "years": ";".join(str(y) for y in s["year"]),
                         "values": ";".join(f"{v:g}" for v in s["value"]), **d})
    cols = ["national_target_id", "decision", "target_row", "indicator_id", "breakdown", "province_code", "boundary",
            "province_key", "observation_ids", "years", "values", *assess_target([], [], 1.0, 2030).to_dict(),
            *PACE_COLUMNS, "rank"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    for col in ("p_meet", "projection", "pi80_low", "pi80_high", "pi95_low", "pi95_high", "unsd_cr",
                "required_annual_change", "last_value", *PACE_COLUMNS):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    order = {"achieved": 0}
    df["_p"] = df["p_meet"].fillna(-1.0)
    df["_a"] = df["status"].map(order).fillna(1)
    df = df.sort_values(["national_target_id", "boundary", "_a", "_p", "last_value"],
                        ascending=[True, True, True, False, False])
    prov = df["province_code"] != "VN"  # the whole country is shown beside the ranking, not ranked in it
    df["rank"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df.loc[prov, "rank"] = df[prov].groupby(["national_target_id", "boundary"]).cumcount() + 1
    return df.drop(columns=["_p", "_a"]).reset_index(drop=True)[cols]

