"""Forecasts that learn from the panel: every province of an indicator fitted together.

Real provincial series are short, noisy survey or index estimates that revert toward their neighbours, and
provinces share a common national movement; fitting each province alone extrapolates its noise. Here:

1. Values go on the indicator's transformed scale (logit for a range, log or log1p for counts), so projections
   and intervals never leave the bounds (an interval can reach a bound: the clipped edges map back to it).
2. A figure that jumps away for one year and comes back, far beyond the panel's yearly moves, is read as a
   misprint and left out of the model (``one_year_blips``; the province's assessment notes the year). The panel
   is split into a common yearly movement (median polish) and each province's deviation from it. A
   deviation is a local level observed with noise; the two variances come from all provinces at once (the
   variogram of deviations), and each level is Kalman-filtered from the panel's average toward the province's own
   figures (partial pooling: a noisy or short series stays nearer the panel).
3. The forecast (``pooled``): the common movement carried forward at four fifths of a conservative robust pace
   (the median yearly change or the Theil–Sen slope, whichever is nearer no change, none where they disagree; and
   no faster than the same pace over the latest four changes), plus each province's deviation halfway between its
   filtered level and its last published one, plus its own trend shrunk toward none by empirical Bayes
   (``analysis.assess.panel_decomposition``). A province with one or two points gets the panel's movement and a
   deviation drawn toward the panel's average. The four fifths and the halfway were measured, not assumed: on 27
   GSO tables the project does not ship, they put the MAE within 5% of the better naive rule in 71 of 103 cells
   (horizons 2–5) instead of 55, and the shipped panels' mean log score rose; the cost is the steadiest trends
   (the trained share at h 4–5, poverty, hospital beds), which a full pace and the filtered level forecast better.
4. Intervals and chances come from the model's errors replayed over the panel's latest years, its own part and
   the common movement's part (``analysis.assess.panel_spread``), stretched or narrowed by the width the model's
   forecasts from the panel's earlier years called for (``analysis.assess.panel_recalibration``).
5. Weighting candidates by a rolling-origin backtest (``stacked=True``: ``last``, ``drift``, ``own_drift``,
   ``pooled`` and ``pooled_flat``, stacking weights from ``analysis.assess.panel_weights``, intervals from the
   combination's backtest errors) was the engine before; on the real panels it lost to the model alone
   (``benchmarks/backtest.py --stacked`` prints both), so it is kept for that comparison only.

Entry points: :func:`fit_panel`, :meth:`PanelModel.forecast`, :func:`pace_share`; ``analysis.assess.backtest``
scores the engine against the naive rules on every real panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis.assess.panel_candidates import CANDIDATES, PointForecasts, backtest_errors, point_forecasts
from analysis.assess.panel_decomposition import (common_movement, decompose, filled, filtered_levels, mean_change,
                                                 noise_and_drift, wide)
from analysis.assess.panel_recalibration import bandwidth, widened, width_factor
from analysis.assess.panel_spread import parts, replayed_errors
from analysis.assess.panel_weights import candidate_weights
from analysis.assess.scale import EDGE, Scale

__all__ = ["CANDIDATES", "EDGE", "MIN_YEARS", "PanelForecast", "PanelModel", "PointForecasts", "Scale",
           "backtest_errors", "bandwidth", "common_movement", "filled", "filtered_levels", "fit_panel", "is_panel",
           "mean_change", "noise_and_drift", "pace_share", "point_forecasts", "wide"]

MIN_PROVINCES = 10  # a panel needs this many provinces with two or more points to learn from
MIN_ERRORS = 30  # backtest errors needed at a horizon before they set the choice and the interval
DEFAULT = "pooled"  # the panel model (and, with stacked, the choice where no backtest exists)
RECENT_ORIGINS = 3  # backtest errors of the latest origins only: errors shrink as the training years grow
SPREAD_GROWTH = 1.0  # a province's own error around the common one grows as (h / hb) ** SPREAD_GROWTH
MIN_ORIGINS = 3  # backtest origins needed before a horizon's own errors set its interval
MIN_YEARS = 4  # a panel forecast needs this many years of data (three yearly changes) up to its origin

METHOD = "all-province panel model"  # how the assessments' method column starts for a forecast from the panel


@dataclass
class PanelModel:
    """A panel fitted up to ``origin`` (on its transformed scale)."""

    scale: Scale
    years: list[int]
    provinces: list[str]
    z: np.ndarray
    origin: int  # last year of data
    stacked: bool = False  # weigh the candidates by the backtest (the earlier engine) instead of the model alone
    _errors: dict[int, dict[str, list[np.ndarray]]] | None = field(default=None, repr=False)
    _weights: dict[int, dict[str, float]] = field(default_factory=dict, repr=False)
    _spread: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    _width: dict[int, tuple[float, int]] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> dict[int, dict[str, list[np.ndarray]]]:
        """Backtest errors of every candidate by horizon (h -> candidate -> one array per origin), computed when
        first asked for: only the stacked engine and the interval of a panel too short to replay need them."""
        if self._errors is None:
            self._errors, _ = backtest_errors(self.z, self.z.shape[1] - 1)
        return self._errors

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
        """Weights of the candidates at horizon h: the panel model alone; with ``stacked``, stacked on the panel's
        own backtest (``analysis.assess.panel_weights``), the model alone without a backtest."""
        if not self.stacked:
            return {DEFAULT: 1.0}
        if h not in self._weights:
            w = candidate_weights(self.projected, self.errors, CANDIDATES, h, RECENT_ORIGINS, MIN_ERRORS)
            self._weights[h] = {DEFAULT: 1.0} if w is None else w
        return self._weights[h]

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
        """Errors (outcome minus forecast, transformed scale) that set the interval at h: the model's errors
        replayed over the panel's latest years (``analysis.assess.panel_spread``), stretched by the width its
        forecasts from the panel's earlier years called for (:meth:`width`); without enough years, or with
        ``stacked``, :meth:`backtest_spread`."""
        if h not in self._spread:
            e = None if self.stacked else replayed_errors(self.z, h)
            self._spread[h] = self.backtest_spread(h) if e is None else widened(e, self.width(h)[0])
        return self._spread[h]

    def width(self, h: int) -> tuple[float, int]:
        """The factor the replayed errors at h are stretched by and the earlier origins it rests on
        (``analysis.assess.panel_recalibration``)."""
        if h not in self._width:
            self._width[h] = width_factor(self.z, h, MIN_YEARS)
        return self._width[h]

    def spread_parts(self, h: int) -> tuple[np.ndarray, float] | None:
        """The own errors and the common part's spread behind :meth:`spread` at h, stretched as it is (None where
        the interval does not come from the replay: ``stacked``, or too few years)."""
        both = None if self.stacked else parts(self.z, h)
        if both is None:
            return None
        own, common = both
        k = self.width(h)[0]
        return widened(own, k), common * k

    def backtest_spread(self, h: int) -> np.ndarray:
        """Errors that set the interval of the stacked combination at h.

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
        left_out = tuple(int(self.years[j]) for j in np.flatnonzero(decompose(self.z).blips[i]))
        return PanelForecast(self.scale, float(mean[i]), errors, w, h, int(np.isfinite(self.z).any(axis=1).sum()),
                             self.origin, left_out)


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
    left_out: tuple[int, ...] = ()  # years of the province's figures the model left out as one-year blips

    def describe(self) -> str:
        head = (f"{METHOD} on the {self.scale.kind} scale ({self.n_provinces} provinces to "
                f"{self.origin})")
        if self.weights == {DEFAULT: 1.0}:
            return (f"{head}: common movement at its robust pace, the province's deviation filtered toward the panel "
                    f"and its own trend shrunk; interval from the model's errors replayed on the panel's latest years")
        parts = ", ".join(f"{c} {v:.0%}" for c, v in sorted(self.weights.items(), key=lambda kv: -kv[1]))
        return f"{head}; candidates weighted by their rolling-origin backtest on the panel: {parts}"

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


def fit_panel(values: pd.DataFrame, bounds: tuple[float | None, float | None] | None,
              origin: int | None = None, stacked: bool = False) -> PanelModel:
    """Fit the panel (long rows province_code, year, value) with data up to ``origin`` (default: all);
    ``stacked``: the earlier engine, candidates weighted by the backtest."""
    w = wide(values)
    if origin is not None:
        w = w.loc[:, [c for c in w.columns if c <= origin]]
    scale = Scale.for_bounds(bounds, w.to_numpy()[np.isfinite(w.to_numpy())])
    z = scale.fwd(w.to_numpy())
    z[~np.isfinite(w.to_numpy())] = np.nan
    return PanelModel(scale, list(w.columns), list(w.index), z, int(w.columns[-1]), stacked)


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
