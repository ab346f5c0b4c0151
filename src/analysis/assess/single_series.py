"""Forecasts of one series alone (2+ points), for indicators without an all-province panel (a province's own
administrative figures, the whole country): tuned on the real panels' provinces, each taken alone.

On the indicator's transformed scale (``analysis.assess.scale``):

1. **Point forecast**: the last figure plus the series' own average yearly change, kept only in the share its own
   evidence supports, ``max(0, 1 - SHRINK * se^2 / pace^2)`` (positive-part James–Stein; ``se`` from the spread of
   its yearly changes). One change (two points) cannot tell a trend from noise: none is kept. On the real panels'
   provinces the full trend was 1.5 times as far off as "the last value stays"; a steady series (a population)
   keeps most of its trend, a noisy survey or index series almost none.
2. **Interval and chance**: the errors that this forecast made on the real panels' provinces, each taken alone
   (every origin, the last ``MAX_POINTS`` points at most, horizons 1–5), measured in units of the series' own
   typical yearly move (the root mean square of its yearly changes, at least ``FLOOR``) and oriented along its own
   direction; by number of points (2, 3, 4–5, 6 or more), growing with the horizon h as ``h ** growth`` (the
   growth learned with them). The table ships with the package (``single_series_errors.csv``;
   ``python -m analysis.assess.single_series_tuning`` remakes it from ``data/processed``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.assess.scale import Scale

SHRINK = 8.0  # the James–Stein constant: least worst regret over the real panels (``single_series_tuning.tune``)
FLOOR = 0.005  # smallest typical yearly move believed on the transformed scale (published figures are rounded)
MAX_POINTS = 9  # a series' latest points used (older ones describe another time)
POINT_GROUPS = (2, 3, 4, 6)  # the error table's groups by number of points: 2, 3, 4-5, 6 or more
TABLE_HORIZONS = 5  # the table is learned from forecasts 1..TABLE_HORIZONS years ahead
PROBS = np.arange(1, 40) / 40  # the table's quantiles (2.5% to 97.5%)
TABLE = Path(__file__).with_name("single_series_errors.csv")


def point_group(n: int) -> int:
    """The error table's group for a series of ``n`` points."""
    return max(g for g in POINT_GROUPS if g <= max(n, 2))


@dataclass(frozen=True)
class Point:
    """A series' point forecast, any number of years after its last point, and the unit its errors are measured in
    (transformed scale)."""

    last: float  # its last point
    unit: float  # its typical yearly move (root mean square of its yearly changes, at least FLOOR)
    sign: float  # its own direction (+1 rising or flat, -1 falling)
    pace: float  # its average yearly change (first to last point)
    kept: float  # the share of that pace carried forward

    def mean(self, steps):
        """The forecast ``steps`` years after the last point (a number or an array)."""
        return self.last + self.kept * self.pace * steps


def point(t: np.ndarray, z: np.ndarray, shrink: float = SHRINK) -> Point:
    """The point forecast from points ``z`` (transformed scale) at years ``t`` (sorted, 2+)."""
    t, z = t[-MAX_POINTS:], z[-MAX_POINTS:]
    dt = np.diff(t)
    rate = np.diff(z) / dt
    span = float(t[-1] - t[0])
    pace = float((z[-1] - z[0]) / span)
    kept = 0.0
    if len(dt) >= 2:
        sd = float(np.sqrt(np.sum(dt * (rate - pace) ** 2) / (len(dt) - 1)))
        se2 = sd**2 / span
        kept = max(0.0, 1.0 - shrink * se2 / pace**2) if pace != 0 else 0.0
    unit = max(float(np.sqrt(np.sum(dt * rate**2) / np.sum(dt))), FLOOR)
    return Point(float(z[-1]), unit, 1.0 if pace >= 0 else -1.0, pace, kept)


def lookup(table: pd.DataFrame) -> dict[int, tuple[float, np.ndarray]]:
    """An error table (points, growth, prob, u) as point group -> (growth with the horizon, the errors' quantiles
    at ``PROBS`` one year ahead, in units of the series' typical yearly move, along its direction)."""
    return {int(g): (float(d["growth"].iloc[0]), np.sort(d.sort_values("prob")["u"].to_numpy(float)))
            for g, d in table.groupby("points")}


@functools.cache
def error_table() -> dict[int, tuple[float, np.ndarray]]:
    """The shipped error table (:func:`lookup`)."""
    return lookup(pd.read_csv(TABLE, comment="#"))


def quantiles(n: int, steps: int, table: dict[int, tuple[float, np.ndarray]] | None = None) -> np.ndarray:
    """The errors' quantiles (at ``PROBS``) of a forecast ``steps`` years ahead from ``n`` points (with the shipped
    error table, or ``table``, a :func:`lookup`)."""
    b, q = (table or error_table())[point_group(n)]
    return q * max(steps, 1) ** b


@dataclass
class Predictive:
    """Predictive distribution at the target year: the point forecast plus the panels' errors, on ``scale``."""

    scale: Scale
    point: Point
    steps: int  # years from the last point to the target year
    n: int
    method: str
    u: np.ndarray = field(repr=False)  # the errors' quantiles at PROBS, in units of ``point.unit``

    def draws(self) -> np.ndarray:
        """The forecast's quantiles at ``PROBS`` on the transformed scale (sorted)."""
        return np.sort(self.point.mean(self.steps) + self.point.sign * self.point.unit * self.u)

    def interval(self, level: float) -> tuple[float, float]:
        z = self.draws()
        lo, hi = np.interp([0.5 - level / 2, 0.5 + level / 2], PROBS, z)
        a, b = self.scale.inv([lo, hi])
        return float(a), float(b)

    @property
    def projection(self) -> float:
        return float(self.scale.inv([self.point.mean(self.steps)])[0])

    def cdf(self, z: float) -> float:
        """Chance of ending at or below ``z`` (transformed scale), linear between the quantiles; beyond the
        outermost ones, half the tail left there (never 0 or 1)."""
        return float(np.interp(z, self.draws(), PROBS, left=PROBS[0] / 2, right=1 - PROBS[0] / 2))

    def prob(self, target: float, comparator: str) -> float:
        """Chance of meeting ``target`` (>= or <=)."""
        below = self.cdf(float(self.scale.fwd([target])[0]))
        return 1 - below if comparator == ">=" else below if comparator == "<=" else float("nan")


def predictive(years: Sequence[int], values: Sequence[float], target_year: int,
               bounds: tuple[float | None, float | None] | None = None) -> Predictive:
    """The predictive distribution of a series (2+ points) at ``target_year``."""
    t = np.asarray(years, dtype=float)
    x = np.asarray(values, dtype=float)
    order = np.argsort(t)
    t, x = t[order], x[order]
    if len(t) < 2:
        raise ValueError("a forecast needs at least 2 points")
    scale = Scale.for_bounds(bounds, x)
    p = point(t, scale.fwd(x))
    steps = int(round(float(target_year) - t[-1]))
    n = min(len(t), MAX_POINTS)
    how = ("one change cannot tell a trend from noise: the last figure stays" if n == 2 else
           f"the last figure plus {p.kept:.0%} of the series' own average yearly change")
    method = (f"single series on the {scale.kind} scale: {how}; interval from the errors such forecasts made on "
              f"the real panels' provinces, each taken alone ({n} points)")
    return Predictive(scale, p, steps, n, method, quantiles(n, steps))
