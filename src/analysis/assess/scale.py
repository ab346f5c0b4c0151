"""The transformed scale every forecast is made on: logit for a range, log (or log1p) above a lower bound.

Projections and intervals computed on this scale never leave the indicator's bounds; a bounded value within
``EDGE`` of its range from a bound counts as at the bound, and maps back to it (an interval can reach 0% or 100%).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EDGE = 0.005  # a bounded value within 0.5% of its range from a bound counts as at the bound


@dataclass(frozen=True)
class Scale:
    """The transformed scale of an indicator: logit for a range, log above a lower bound, else identity."""

    kind: str
    lo: float | None = None
    hi: float | None = None

    @classmethod
    def for_bounds(cls, bounds: tuple[float | None, float | None] | None, values) -> "Scale":
        """The scale for an indicator's bounds and its observed values: logit with both bounds; log above the
        lower bound (0 without one) when every value is above it, log1p when some sit on it; else identity."""
        lo, hi = bounds if bounds else (None, None)
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if lo is not None and hi is not None:
            return cls("logit", float(lo), float(hi))
        base = 0.0 if lo is None else float(lo)
        if np.all(v > base):
            return cls("log", base)
        if np.all(v >= base):
            return cls("log1p", base)
        return cls("identity")

    def fwd(self, x) -> np.ndarray:
        """Values to the transformed scale."""
        x = np.asarray(x, dtype=float)
        if self.kind == "logit":
            p = np.clip((x - self.lo) / (self.hi - self.lo), EDGE, 1 - EDGE)
            return np.log(p / (1 - p))
        if self.kind == "log":
            return np.log(np.maximum(x - self.lo, 1e-12))
        if self.kind == "log1p":
            return np.log1p(np.maximum(x - self.lo, 0.0))
        return x.copy()  # a new array, as the other scales give: callers mark unpublished cells in it

    def inv(self, z) -> np.ndarray:
        """The transformed scale back to values; on a logit scale the clipped edges map back to the bounds."""
        z = np.asarray(z, dtype=float)
        if self.kind == "logit":
            p = 1 / (1 + np.exp(-z))
            p = np.where(p >= 1 - EDGE, 1.0, np.where(p <= EDGE, 0.0, p))
            return self.lo + (self.hi - self.lo) * p
        if self.kind == "log":
            return self.lo + np.exp(z)
        if self.kind == "log1p":
            return self.lo + np.expm1(np.maximum(z, 0.0))
        return z.copy()
