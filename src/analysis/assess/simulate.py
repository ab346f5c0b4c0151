"""Simulated indicator series for calibration tests and the benchmark.

Two generating processes, both on a 0–100 percentage scale, observed yearly up to 2023:
- ``logistic_iid``: logistic growth plus independent noise;
- ``saturating_ar1``: a saturating (exponential-approach) curve plus AR(1) noise with rho = 0.7, a shape the
  models do not have;
- ``gompertz_rw``: a Gompertz curve plus random-walk noise, held out (no setting was chosen with it).
The truth at the target year is the value the process actually takes then (curve plus noise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAST_YEAR = 2023


@dataclass
class Series:
    years: list[int]
    values: list[float]
    target_year: int
    truth: float  # the process's value at target_year
    target: float


def _noise_ar1(rng: np.random.Generator, n: int, sd: float, rho: float) -> np.ndarray:
    e = np.empty(n)
    e[0] = rng.normal(0, sd)
    innov = sd * np.sqrt(1 - rho**2)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0, innov)
    return e


def simulate(process: str, rng: np.random.Generator) -> Series:
    n = int(rng.integers(4, 9))
    years = np.arange(LAST_YEAR - n + 1, LAST_YEAR + 1)
    target_year = int(rng.integers(2025, 2031))
    all_years = np.arange(years[0], target_year + 1)
    if process == "logistic_iid":
        k, mid = rng.uniform(0.15, 0.5), rng.uniform(2014, 2032)
        level = 100 / (1 + np.exp(-k * (all_years - mid)))
        noise = rng.normal(0, rng.uniform(1, 3), len(all_years))
    elif process == "saturating_ar1":
        cap, k, start = rng.uniform(60, 100), rng.uniform(0.08, 0.35), rng.uniform(2005, 2018)
        level = cap * (1 - np.exp(-k * np.maximum(all_years - start, 0)))
        noise = _noise_ar1(rng, len(all_years), rng.uniform(1, 3), 0.7)
    elif process == "gompertz_rw":  # held out: not used to choose any setting of the method
        b, k = rng.uniform(2, 6), rng.uniform(0.1, 0.4)
        level = 95 * np.exp(-b * np.exp(-k * (all_years - 2012)))
        noise = np.cumsum(rng.normal(0, rng.uniform(0.5, 1.5), len(all_years)))
    else:
        raise ValueError(f"unknown process {process!r}")
    y = np.clip(level + noise, 0.5, 99.5)
    obs = y[: len(years)]
    return Series(years=[int(v) for v in years], values=[float(v) for v in obs], target_year=target_year,
                  truth=float(y[-1]), target=float(rng.uniform(20, 95)))


def simulate_many(process: str, n: int, seed: int = 0) -> list[Series]:
    rng = np.random.default_rng(seed)
    return [simulate(process, rng) for _ in range(n)]
