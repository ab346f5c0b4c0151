"""The candidate forecasts of the panel engine, every province at once on the transformed scale, and their
rolling-origin backtest errors on the panel itself.

``last`` (the last value stays), ``drift`` (plus the panel's average yearly change), ``own_drift`` (plus the
province's own average yearly change), ``pooled`` (the panel model: the common movement carried forward at its
conservative robust pace, plus the province's filtered deviation and its own trend shrunk by empirical Bayes) and
``pooled_flat`` (the common movement held, plus the filtered deviation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.assess.panel_decomposition import decompose, last_observed, mean_change

CANDIDATES = ("last", "drift", "own_drift", "pooled", "pooled_flat")

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
    last_idx, last = last_observed(zz)
    steps = h + (t - last_idx)  # years from each province's last value to the forecast year
    parts = decompose(zz)
    yf = parts.common
    # the panel's average yearly change: mean over provinces of their own first-to-last yearly change
    changes = np.array([mean_change(r) for r in zz if np.isfinite(r).sum() >= 2])
    avg_change = float(np.mean(changes)) if len(changes) else 0.0
    pace = parts.pace  # the common movement's pace, conservatively
    shrunk = np.where(np.isfinite(last), parts.level, np.nan)
    own = parts.own
    out = {
        "last": last,
        "drift": last + avg_change * steps,
        "own_drift": last + np.array([mean_change(r) for r in zz]) * steps,
        "pooled": yf[-1] + pace * h + shrunk + own * steps,
        "pooled_flat": yf[-1] + shrunk,
    }
    return PointForecasts(t, h, out)


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
