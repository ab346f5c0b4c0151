"""The UN SDG Progress Chart's "current rate" category of a target (UNSD, Progress Chart 2022)."""

from __future__ import annotations

from typing import Sequence

UNSD_BASE_YEAR = 2015


def unsd_progress(years: Sequence[int], values: Sequence[float], target: float, target_year: int,
                  comparator: str) -> tuple[float | None, str | None]:
    """UNSD SDG Progress Chart 2022: CR = actual CAGR / required CAGR and its category."""
    if len(values) and meets(values[-1], target, comparator):
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


def meets(value: float, target: float, comparator: str, tol: float = 1e-9) -> bool:
    """Whether a value meets the target (">=", "<=", or "=" within a relative tolerance)."""
    if comparator == ">=":
        return value >= target - tol
    if comparator == "<=":
        return value <= target + tol
    return abs(value - target) <= max(tol, 1e-6 * abs(target))

