"""Will a target be met? One target assessed from one yearly series, as of the build year.

A passed target year is met / not met by that year's figure, or awaiting it; never forecast. A latest figure more
than ``MAX_DATA_AGE`` years before the build year gives ``outdated``. For a target still ahead: no figure
``no_data``; latest figure meets it ``achieved``; a rank ``not_assessable``; otherwise a forecast, from the
all-province panel (``analysis.assess.panel``) when one is given, else from the single series
(``analysis.assess.single_series``; one figure gives ``insufficient_data``).
"""

from __future__ import annotations

import copy
import math
from typing import Sequence

import numpy as np

from analysis import config
from analysis.assess.assessment import Assessment, status_of
from analysis.assess.progress import meets, unsd_progress
from analysis.assess.scale import EDGE
from analysis.assess.single_series import predictive

# A figure older than this many years before the build year is too old to colour a status for a future target.
MAX_DATA_AGE = 4
# Flags that make a figure provisional: a verdict that rests on it says so.
PROVISIONAL_FLAGS = ("approx", "preliminary", "lower_bound", "partial_year")
# Flags of a figure for part of a year (the months so far, one month): it can settle a status, as a provisional
# figure, but is never a point of a trend (statistical review, L4).
PART_OF_YEAR_FLAGS = ("partial_year", "monthly")
# Flags of a figure that is a bound ('more than 1,400'): it says where the value is not, so a chart's own trend
# line never starts from it.
BOUND_FLAGS = ("lower_bound", "upper_bound")
# Units whose values are ranks: never forecast as a continuous number.
RANK_UNITS = ("rank",)
COMPARATORS = (">=", "<=", "=")
_NONE = dict(p_meet=None, projection=None, pi80=None, pi95=None)


def _check_inputs(years, values, target, target_year, comparator, bounds) -> None:
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
    panel; else the single-series models). ``flags`` (one string per point) mark provisional figures.

    Deterministic: identical inputs give the stored result.
    """
    build_year = int(build_year or config.build_year())
    flags = tuple(flags) if flags is not None else ("",) * len(years)
    args = (years, values, target, target_year, comparator, bounds, scenario_annual_change, interval_levels, flags,
            build_year, rank)
    if panel is not None:
        return _assess_target(*args, panel)
    key = (tuple(int(y) for y in years), tuple(float(v) for v in values), float(target), int(target_year),
           comparator, None if bounds is None else tuple(bounds), scenario_annual_change, tuple(interval_levels),
           flags, build_year, rank)
    hit = _MEMO.get(key)
    if hit is None:
        hit = _MEMO[key] = _assess_target(*args, None)
    return copy.deepcopy(hit)


def _flagged(flag, names: Sequence[str]) -> bool:
    """Whether a figure's flags (``;``-joined text; a missing flag, NaN or None, is none) hold any of ``names``."""
    return isinstance(flag, str) and any(f in flag for f in names)


def _provisional(flag: str) -> bool:
    return _flagged(flag, PROVISIONAL_FLAGS)


def is_bound(flag) -> bool:
    """Whether a figure is only a bound ('trên', 'dưới'), not a value (``BOUND_FLAGS``)."""
    return _flagged(flag, BOUND_FLAGS)


def part_of_year(flag) -> bool:
    """Whether a figure covers part of a year only (``PART_OF_YEAR_FLAGS``)."""
    return _flagged(flag, PART_OF_YEAR_FLAGS)


def _assess_target(years, values, target, target_year, comparator, bounds, scenario_annual_change,
                   interval_levels, flags, build_year, rank, panel) -> Assessment:
    _check_inputs(years, values, target, target_year, comparator, bounds)
    order = np.argsort(np.asarray(years, dtype=float))
    t = np.asarray(years, dtype=float)[order]
    x = np.asarray(values, dtype=float)[order]
    fl = [flags[i] if i < len(flags) else "" for i in order]
    target, target_year = float(target), int(target_year)
    base = _base_fields(t, x, fl, target, target_year, comparator, bounds, scenario_annual_change, build_year)
    if len(t) == 0:
        return Assessment(status="no_data", method="no observation of this indicator", **_NONE, **base)
    settled = _settled(t, x, fl, target, target_year, comparator, build_year, rank, base)
    if settled is not None:
        return settled
    if panel is not None:
        return _panel_assessment(panel, target, comparator, interval_levels, base, len(t))
    whole = [i for i in range(len(t)) if not part_of_year(fl[i])]
    left_out = sorted({int(t[i]) for i in range(len(t)) if i not in whole})
    notes = [f"Left out of the trend, as figures for part of a year only: {', '.join(map(str, left_out))}."] \
        if left_out else []
    if left_out and whole:
        t, x = t[whole], x[whole]
        base = _base_fields(t, x, [fl[i] for i in whole], target, target_year, comparator, bounds,
                            scenario_annual_change, build_year)
    if len(whole) <= 1:
        why = "one observation" if whole else "figures for part of a year only"
        return Assessment(status="insufficient_data", method=f"{why}: no trend can be claimed", notes=notes,
                          **_NONE, **base)
    r = _series_assessment(t, x, target, target_year, comparator, bounds, interval_levels, base)
    r.notes[:0] = notes
    return r


def _base_fields(t, x, fl, target, target_year, comparator, bounds, scenario_annual_change, build_year) -> dict:
    """The fields every assessment carries: the target, the series' span, its latest figure and that figure's
    flags (``fl``: one per point), the pace needed, the UN category (none beside a verdict on a passed year or
    from figures too old for a status) and the scenario's outcome."""
    n = len(t)
    base = dict(target=target, target_year=target_year, comparator=comparator, n_points=n,
                first_year=int(t[0]) if n else None, last_year=int(t[-1]) if n else None,
                last_value=float(x[-1]) if n else None,
                last_flags=fl[-1] if n and isinstance(fl[-1], str) else "", scenario_annual_change=scenario_annual_change,
                build_year=build_year, required_annual_change=None)
    cr, cat = unsd_progress(list(t), list(x), target, target_year, comparator)
    base.update(unsd_cr=cr, unsd_category=cat)
    if n == 0:
        return base
    gap_years = target_year - t[-1]
    if gap_years > 0:
        base["required_annual_change"] = float((target - x[-1]) / gap_years)
    if scenario_annual_change is not None:
        proj = x[-1] + scenario_annual_change * max(gap_years, 0)
        if bounds:
            proj = float(np.clip(proj, bounds[0] if bounds[0] is not None else -np.inf,
                                 bounds[1] if bounds[1] is not None else np.inf))
        base.update(scenario_projection=float(proj), scenario_meets=meets(proj, target, comparator))
    if target_year < build_year or t[-1] < build_year - MAX_DATA_AGE:
        base.update(unsd_cr=None, unsd_category=None)
    return base


def _settled(t, x, fl, target, target_year, comparator, build_year, rank, base) -> Assessment | None:
    """A status that needs no forecast: a passed target year (met, not met or awaiting its figure), figures too
    old for a status, a latest figure that already meets the target, or a rank. None when a forecast is due."""
    if target_year < build_year:  # the target year has passed: was it met?
        at = [i for i in range(len(t)) if int(t[i]) >= target_year]
        if not at:
            return Assessment(status="awaiting_data", method=(
                f"the target year has passed; no figure for {target_year} yet (latest figure {int(t[-1])})"),
                **_NONE, **base)
        i = at[0]
        met = meets(x[i], target, comparator)
        prov = _provisional(fl[i])
        notes = ["The figure this rests on is provisional (approximate or preliminary)."] if prov else []
        return Assessment(status="achieved" if met else "not_met", method=(
            f"the figure for {int(t[i])} {'meets' if met else 'misses'} the target"), provisional=prov,
            notes=notes, **_NONE, **base)
    if t[-1] < build_year - MAX_DATA_AGE:
        return Assessment(status="outdated", method=(
            f"the latest figure ({int(t[-1])}) is more than {MAX_DATA_AGE} years before {build_year}: too old "
            "for a status"), **_NONE, **base)
    if meets(x[-1], target, comparator):
        return Assessment(status="achieved", method=f"latest observation ({int(t[-1])}) already meets the target",
                          provisional=_provisional(fl[-1]), **_NONE, **base)
    if rank:
        return Assessment(status="not_assessable", method="a rank is relative to other provinces: not forecast",
                          **_NONE, **base)
    return None


def _series_assessment(t, x, target, target_year, comparator, bounds, interval_levels, base) -> Assessment:
    """A forecast status from the province's own series (2+ points), with the chance of meeting the target."""
    n = len(t)
    pred = predictive(t, x, target_year, bounds)
    scale = pred.scale
    notes: list[str] = []
    if n == 2:
        notes.append("Two points give one change, which cannot tell a trend from noise: the last figure is carried "
                     "forward, with the errors that two-point forecasts made on the real panels.")
    if n <= 3:
        notes.append(f"Only {n} data points: the interval is wide and the status is tentative.")
    a80, a95 = interval_levels
    if comparator in (">=", "<="):
        p = pred.prob(target, comparator)
    else:
        half = 0.5 if scale.kind != "logit" else EDGE * (scale.hi - scale.lo)
        p = pred.cdf(float(scale.fwd([target + half])[0])) - pred.cdf(float(scale.fwd([target - half])[0]))
    p = float(np.clip(p, 0.0, 1.0))
    return Assessment(status=status_of(p), p_meet=p, projection=pred.projection, pi80=pred.interval(a80),
                      pi95=pred.interval(a95), method=pred.method, transform=scale.kind, notes=notes, **base)


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
    if pf.left_out:
        notes.append(f"Its figure for {', '.join(map(str, pf.left_out))} was left out of the forecast: it jumps away "
                     "from the figures either side and comes back, as a misprint does (it stays in the data).")
    return Assessment(status=status_of(p), p_meet=p, projection=pf.projection, pi80=pf.interval(a80),
                      pi95=pf.interval(a95), method=pf.describe(), transform=pf.scale.kind, notes=notes, **base)
