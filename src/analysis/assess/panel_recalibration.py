"""How wide the panel model's interval should be, learnt from the model's own forecasts on the panel's earlier years.

The replayed errors (``analysis.assess.panel_spread``) say how far the model's forecast strays, but they are read
off a few recent years with the whole panel's variances, and real panels change: a survey's provinces scatter less
once its method settles (PCI labour training, infant mortality), more after a break (fertility), and a national
shock in the replayed years widens every later interval. So the interval is checked the way the benchmark checks
it: from every earlier origin of the panel whose outcome is known (with a panel forecast's minimum of years), the model
is fitted on the years up to that origin only, forecasts the later year with its own error sample, and the
published figures score it. The width factor is the one, on a grid from half to twice the width, with the best mean
log score over those origins (a proper score: it rewards intervals that are narrow where the figures stay close
and wide where they do not), drawn toward 1 (its logarithm times ``n / (n + PRIOR_ORIGINS)`` for n origins), since
a few origins share a few national shocks. Where the panel has no two earlier origins at a horizon, the longest
shorter horizon's factor is used; with none at all, the width stays as replayed. The width moves no forecast.

Measured at horizons 2–5 when it was added (``benchmarks/backtest.py``; ``benchmarks/backtest_tables.py`` on 27 GSO
tables the project does not ship, an earlier selection than ``benchmarks/gso_2016_tables.csv``): 80% coverage in
[0.75, 0.88] in 16 of the 27 shipped cells instead of 15 and in 69 of 102 unseen ones instead of 58; its mean distance from 0.80 falls from 0.107 to 0.091 (shipped), 0.136 to 0.124 and 0.053
to 0.044 (unseen); the mean log score moves by −0.004 (shipped), +0.013 and −0.015 (unseen).
"""

from __future__ import annotations

import numpy as np

from analysis.assess.panel_candidates import point_forecasts
from analysis.assess.panel_spread import replayed_errors

MIN_ORIGINS = 2  # earlier origins needed before they set the width at a horizon
PRIOR_ORIGINS = 6  # the factor is drawn toward 1 as if this many origins had found the width right
MIN_CASES = 10  # provinces with a forecast and an outcome needed for an origin to count
GRID = np.exp(np.linspace(np.log(0.5), np.log(2.0), 15))  # width factors tried
SAMPLE = (np.arange(400) + 0.5) / 400  # an origin's error sample is kept as these quantiles


def bandwidth(errors: np.ndarray) -> float:
    """Silverman's rule-of-thumb bandwidth of an error sample (floored, so a tight sample stays usable)."""
    e = np.asarray(errors, dtype=float)
    if len(e) < 2:
        return 0.05
    sd = float(np.std(e))
    q75, q25 = np.percentile(e, [75, 25])
    iqr = (q75 - q25) / 1.34
    return max(0.9 * (min(sd, iqr) if iqr > 0 else sd) * len(e) ** -0.2, 1e-3)


def log_density(errors: np.ndarray, x: np.ndarray, bw: float) -> np.ndarray:
    """Log of the kernel density of an error sample at each x, the density floored to keep the log finite."""
    d = np.exp(-0.5 * ((x[:, None] - errors[None, :]) / bw) ** 2).mean(axis=1) / (bw * np.sqrt(2 * np.pi))
    return np.log(np.maximum(d, 1e-6))


def widened(errors: np.ndarray, factor: float) -> np.ndarray:
    """An error sample stretched about its median by ``factor``."""
    c = float(np.median(errors))
    return c + factor * (errors - c)


_ORIGINS: dict[tuple, np.ndarray | None] = {}


def origin_case(z: np.ndarray, s: int, h: int) -> np.ndarray | None:
    """The model fitted on columns up to ``s``, scored on column ``s + h``: the mean log score of its error sample at
    h stretched by each factor of ``GRID`` (:func:`log_scores`); None where it has no sample or too few outcomes.
    Memoised: a backtest asks for the same earlier origins from every later one."""
    key = (np.ascontiguousarray(z[:, : s + h + 1]).tobytes(), s, h)  # rows = bytes / (8 (s + h + 1))
    if key not in _ORIGINS:
        if len(_ORIGINS) > 20000:
            _ORIGINS.clear()
        zs = np.ascontiguousarray(z[:, : s + 1])
        e = replayed_errors(zs, h)
        f = point_forecasts(zs, s, h).by_candidate["pooled"]
        out = z[:, s + h]
        ok = np.isfinite(out) & np.isfinite(f)
        _ORIGINS[key] = None if e is None or ok.sum() < MIN_CASES else log_scores(np.quantile(e, SAMPLE),
                                                                                   out[ok] - f[ok])
    return _ORIGINS[key]


def log_scores(e: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The mean log score of the errors ``x`` under the sample ``e`` stretched by every factor in ``GRID`` (the
    kernel's bandwidth stretched with the sample, as Silverman's rule does)."""
    c, bw = float(np.median(e)), bandwidth(e)
    return np.array([np.mean(log_density(c + g * (e - c), x, max(g * bw, 1e-3))) for g in GRID])


def width_factor(z: np.ndarray, h: int, min_years: int) -> tuple[float, int]:
    """The factor the interval at h is stretched by, and the number of earlier origins (each with ``min_years``
    years or more up to it) it rests on (0: none, factor 1)."""
    for hb in range(h, 0, -1):
        cases = [c for s in range(min_years - 1, z.shape[1] - hb) if (c := origin_case(z, s, hb)) is not None]
        if len(cases) >= MIN_ORIGINS:
            n = len(cases)
            best = GRID[int(np.argmax(np.mean(cases, axis=0)))]  # the mean over origins of each factor's score
            return float(np.exp(np.log(best) * n / (n + PRIOR_ORIGINS))), n
    return 1.0, 0
