"""How wide the panel model's interval should be, learnt from the model's own forecasts on the panel's earlier years.

The replayed errors (``analysis.assess.panel_spread``) say how far the model's forecast strays, but they are read
off a few recent years with the whole panel's variances, and real panels change: a survey's provinces scatter less
once its method settles (PCI labour training, infant mortality), more after a break (fertility), and a national
shock in the replayed years widens every later interval. So the interval is checked the way the benchmark checks
it: from every earlier origin of the panel whose outcome is known (with a panel forecast's minimum of years), the model
is fitted on the years up to that origin only, forecasts the later year with its own error sample, and the
published figures score it. The width factor is the one, on a grid from half to twice the width, with the best mean
continuous ranked probability score (CRPS) over those origins, at every horizon up to the one asked for (a long
horizon alone has too few), drawn toward 1 (its logarithm times ``n / (n + PRIOR_ORIGINS)`` for n origins), since a
few origins share a few national shocks. With no two earlier origins, the width stays as replayed. The width moves
no forecast.

Why the CRPS: it is a proper score (no factor can game it), and it is the Brier score of "the figure is at most x"
summed over every threshold x, so the width is chosen on what the assessments' chances are judged by. The log score
chose it before; the few errors far out in the tails rule it, so where errors are heavy-tailed it widened the
central interval to reach them. Measured when the score was changed (horizons 2–5; ``benchmarks/backtest.py`` and
``benchmarks/backtest_tables.py --list benchmarks/gso_2016_tables.csv``): 80% coverage in [0.75, 0.88] in 17 of the
27 shipped cells instead of 15 and in 65 of 103 unseen ones instead of 64; inside the range a right interval would
give in 58 unseen cells instead of 49; 95% coverage in [0.90, 0.98] in 15 shipped cells instead of 14 (69 unseen
instead of 70); the mean log score rose on both (0.092 to 0.095, −0.075 to −0.072); no Brier skill changed sign.
A regime change the earlier origins cannot see is still missed: GSO's infant mortality, smooth modelled estimates
from 2012, keeps 80% intervals that cover 0.95–0.97.

Scoring every horizon up to h instead of h alone (the long horizons' own factor, from two or three origins, stayed
near 1): 80% coverage in range in 19 of the 27 shipped cells instead of 17 and in 67 of 101 unseen ones instead of
65 (the nine more tables: 21 of 29 either way); 95% coverage in range in 17 shipped cells instead of 15 (68 unseen
instead of 69); the shipped mean log score unchanged (0.095), the unseen one 0.007 instead of 0.003.
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
    """The model fitted on columns up to ``s``, scored on column ``s + h``: the mean score of its error sample at h
    stretched by each factor of ``GRID`` (:func:`crps_scores`); None where it has no sample or too few outcomes.
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
        _ORIGINS[key] = None if e is None or ok.sum() < MIN_CASES else crps_scores(np.quantile(e, SAMPLE),
                                                                                    out[ok] - f[ok])
    return _ORIGINS[key]


def crps_scores(e: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The mean CRPS, negated (higher is better), of the errors ``x`` under the sample ``e`` stretched about its
    median by every factor in ``GRID``: for a sample X, CRPS(y) = E|X − y| − E|X − X'| / 2."""
    c = float(np.median(e))
    d = np.sort(e) - c
    n = len(d)
    pair = 2.0 / n**2 * float(np.sum((2 * np.arange(1, n + 1) - n - 1) * d))  # E|X − X'| of the unstretched sample
    y = np.asarray(x, dtype=float)[:, None] - c
    return np.array([-(np.mean(np.abs(g * d[None, :] - y)) - 0.5 * g * pair) for g in GRID])


def width_factor(z: np.ndarray, h: int, min_years: int) -> tuple[float, int]:
    """The factor the interval at h is stretched by, and the number of earlier origins (each a year with figures,
    with ``min_years`` years or more up to it) it rests on (0: none, factor 1).

    The factor is scored on the model's forecasts from those origins at every horizon up to h, not at h alone: a
    long horizon has few origins with a known outcome (two, on a panel of a dozen years), so its own factor was
    drawn nearly all the way back to 1, while a panel's scatter that settled or grew shows at every horizon. Each
    origin counts once in the pull toward 1, however many horizons it was scored at."""
    cases, origins = [], set()
    for hb in range(1, h + 1):
        for s in range(min_years - 1, z.shape[1] - hb):
            if np.isfinite(z[:, s]).any() and (c := origin_case(z, s, hb)) is not None:
                cases.append(c)
                origins.add(s)
    if len(origins) < MIN_ORIGINS:
        return 1.0, 0
    n = len(origins)
    best = GRID[int(np.argmax(np.mean(cases, axis=0)))]  # the mean over origins and horizons of each factor's score
    return float(np.exp(np.log(best) * n / (n + PRIOR_ORIGINS))), n
