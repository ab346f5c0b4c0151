"""How the panel engine weighs its candidates at a horizon: stacking on the panel's own backtest.

A forecast's errors at different horizons that share an outcome year share that year's common shock, and the
panel's provinces share it too: the backtest holds as many independent pieces of evidence on the choice between
candidates as it has outcome years, not as many as it has cases. So:

1. The *prior* weights are the inverse squares of the candidates' backtest mean squared errors at the horizon
   (a candidate that did badly gets little say).
2. The *stacked* weights are the non-negative weights, summing to one, whose combination has the least squared
   backtest error over every horizon up to this one jointly (each horizon scaled to the same size, so that the
   short horizons, with more origins, lend their evidence without drowning the longer ones). Stacking, unlike
   inverse-error weights, does not count two near-identical candidates twice.
3. How far to move from the prior toward the stacked weights is itself chosen out of sample: each outcome year is
   left out in turn, the stacked weights are fitted on the others and scored on it. With fewer than
   ``MIN_OUTCOME_YEARS`` outcome years there is no such test and the prior stands.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.optimize import nnls

SHARPNESS = 2.0  # prior weights are MSE ** -SHARPNESS
MIN_OUTCOME_YEARS = 3  # outcome years needed before the stacked weights are tested and used
SHRINK_GRID = np.linspace(0.0, 1.0, 11)  # shares of the stacked weights tried (the rest: the prior)


def inverse_mse_weights(errors: dict[str, np.ndarray | None]) -> dict[str, float] | None:
    """Weights proportional to MSE ** -SHARPNESS; None when a candidate has no errors."""
    if any(e is None for e in errors.values()):
        return None
    inv = {c: max(float(np.mean(e**2)), 1e-12) ** -SHARPNESS for c, e in errors.items()}
    tot = sum(inv.values())
    return {c: v / tot for c, v in inv.items()}


def simplex_least_squares(E: np.ndarray) -> np.ndarray:
    """The weights w >= 0 with sum 1 that minimise ||E w||^2 (E: cases by candidates), by non-negative least
    squares with the sum enforced as a heavily weighted extra row."""
    k = E.shape[1]
    s = 100.0 * max(float(np.sqrt(np.sum(E**2))), 1e-9)
    w, _ = nnls(np.vstack([E, np.full((1, k), s)]), np.concatenate([np.zeros(len(E)), [s]]))
    return w / w.sum() if w.sum() > 0 else np.full(k, 1.0 / k)


def error_blocks(errors: dict[int, dict[str, list[np.ndarray]]], candidates: tuple[str, ...], h: int,
                 recent: int, min_errors: int, min_train: int = 2) -> list[tuple[int, np.ndarray]]:
    """(outcome column, cases-by-candidates error matrix) for every backtest origin of every horizon up to h
    (the latest ``recent`` origins of each), each horizon divided by its root mean squared error and by the
    square root of its number of origins, so that every horizon weighs the same in a joint fit."""
    out = []
    for hh in range(1, h + 1):
        d = errors.get(hh, {})
        if not all(c in d for c in candidates):
            continue
        n = len(d[candidates[0]])
        first = max(n - recent, 0)
        per = [(min_train - 1 + j + hh, np.column_stack([d[c][j] for c in candidates])) for j in range(first, n)]
        per = [(col, m) for col, m in per if len(m)]
        if sum(len(m) for _, m in per) < min_errors:
            continue
        size = max(float(np.sqrt(np.mean(np.vstack([m for _, m in per]) ** 2))), 1e-12) * np.sqrt(len(per))
        out += [(col, m / size) for col, m in per]
    return out


def stacked_weights(prior: dict[str, float], blocks: list[tuple[int, np.ndarray]],
                    candidates: tuple[str, ...]) -> dict[str, float]:
    """The prior moved toward the jointly stacked weights by the share that did best leaving out one outcome
    year at a time (the prior alone with fewer than ``MIN_OUTCOME_YEARS`` outcome years)."""
    years = sorted({col for col, _ in blocks})
    if len(years) < MIN_OUTCOME_YEARS:
        return prior
    p = np.array([prior.get(c, 0.0) for c in candidates])
    loss = np.zeros(len(SHRINK_GRID))
    for y in years:
        held = np.vstack([m for col, m in blocks if col == y])
        w = simplex_least_squares(np.vstack([m for col, m in blocks if col != y]))
        loss += [float(np.sum((held @ (s * w + (1 - s) * p)) ** 2)) for s in SHRINK_GRID]
    s = float(SHRINK_GRID[int(np.argmin(loss))])
    w = simplex_least_squares(np.vstack([m for _, m in blocks]))
    return dict(zip(candidates, s * w + (1 - s) * p))


def candidate_weights(projected: Callable[[int, str], np.ndarray | None],
                      errors: dict[int, dict[str, list[np.ndarray]]], candidates: tuple[str, ...], h: int,
                      recent: int, min_errors: int) -> dict[str, float] | None:
    """The weights of the candidates at horizon h (None without a backtest for every candidate)."""
    prior = inverse_mse_weights({c: projected(h, c) for c in candidates})
    if prior is None:
        return None
    return stacked_weights(prior, error_blocks(errors, candidates, h, recent, min_errors), candidates)
