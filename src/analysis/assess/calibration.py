"""Calibration of target assessments on simulated series, against two naive ways (the methodology page shows it;
``benchmarks/calibration.py`` prints it).

For each generating process (analysis.assess.simulate; gompertz_rw is held out from every tuning choice):
- 80% / 95% interval coverage of the process's value at the target year: ours vs a plain OLS trend line with
  iid t-intervals on the logit scale (the naive way);
- Brier score of p_meet (ours) vs the UN SDG Progress Chart category used as a forecast
  (met = category 'achieved' or 'on_track'), on the series whose assessment shows a chance (a target the series
  already meets shows none, and is left out of both rather than scored as a certainty).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
from scipy import stats

from analysis.assess.forecast import assess_target, predictive
from analysis.atomic import write_atomic
from analysis.forked import Forked, can_fork
from analysis.assess.simulate import simulate_many

SITE_SERIES = 200  # simulated series per process on the methodology page (``analysis site --calibration-series``)


def naive_interval(years, values, target_year, level):
    t = np.asarray(years, float)
    p = np.clip(np.asarray(values, float) / 100, 0.005, 0.995)
    z = np.log(p / (1 - p))
    X = np.column_stack([np.ones(len(t)), t])
    beta, *_ = np.linalg.lstsq(X, z, rcond=None)
    res = z - X @ beta
    s2 = res @ res / (len(t) - 2)
    x0 = np.array([1, target_year])
    se = np.sqrt(s2 * (1 + x0 @ np.linalg.inv(X.T @ X) @ x0))
    q = stats.t.ppf(0.5 + level / 2, len(t) - 2)
    return tuple(100 / (1 + np.exp(-(x0 @ beta + k * q * se))) for k in (-1, 1))


def run(n: int = 500, seed: int = 2024) -> list[dict]:
    rows = []
    for process in ("logistic_iid", "saturating_ar1", "gompertz_rw"):
        t0 = time.perf_counter()
        ours80, ours95, naive80, naive95, brier, brier_un = [], [], [], [], [], []
        for s in simulate_many(process, n, seed=seed):
            pred = predictive(s.years, s.values, s.target_year, (0, 100))
            for level, bucket in ((0.8, ours80), (0.95, ours95)):
                lo, hi = pred.interval(level)
                bucket.append(lo <= s.truth <= hi)
            for level, bucket in ((0.8, naive80), (0.95, naive95)):
                lo, hi = naive_interval(s.years, s.values, s.target_year, level)
                bucket.append(lo <= s.truth <= hi)
            # assessed as of the year after the simulated series ends (its targets are still ahead then)
            r = assess_target(s.years, s.values, s.target, s.target_year, ">=", (0, 100),
                              build_year=int(s.years[-1]) + 1)
            if r.p_meet is None:
                continue  # "already met" (or any status without a chance) shows no chance: nothing to score
            met = float(s.truth >= s.target)
            brier.append((r.p_meet - met) ** 2)
            brier_un.append((float(r.unsd_category in ("achieved", "on_track")) - met) ** 2)
        rows.append({"process": process, "n": n, "ours80": np.mean(ours80), "naive80": np.mean(naive80),
                     "ours95": np.mean(ours95), "naive95": np.mean(naive95),
                     # None where no series showed a chance (a few series, all already at their targets)
                     "brier": float(np.mean(brier)) if brier else None,
                     "brier_un": float(np.mean(brier_un)) if brier_un else None, "seconds": time.perf_counter() - t0})
    return rows



def _cache_key(n: int, seed: int) -> str:
    """The code the calibration runs (every module of the assess package), the libraries' versions, n and seed."""
    h = hashlib.sha256(f"calibration\0{n}\0{seed}".encode())
    for lib in ("numpy", "scipy", "statsmodels"):
        h.update(f"\0{lib} {version(lib)}".encode())
    for module in sorted([*Path(__file__).parent.glob("*.py"), *Path(__file__).parent.glob("*.csv")]):
        h.update(f"\0{module.name}\0".encode())
        h.update(module.read_bytes())
    return h.hexdigest()[:32]


def _cache_path(n: int, seed: int, cache_dir: Path) -> Path:
    return Path(cache_dir) / f"calibration-{_cache_key(n, seed)}.json"


def cached_run(n: int, cache_dir: Path | None, seed: int = 2024) -> list[dict]:
    """``run(n, seed)``, reused from ``cache_dir`` (when given) while its code, libraries and parameters are the
    same; a new result replaces the cached one. The rows' ``seconds`` are those of the run that made them."""
    if cache_dir is None:
        return run(n, seed)
    path = _cache_path(n, seed, cache_dir)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    rows = [{k: (v if v is None or isinstance(v, str) else float(v) if k != "n" else int(v)) for k, v in r.items()}
            for r in run(n, seed)]
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("calibration-*.json"):
        old.unlink(missing_ok=True)
    write_atomic(path, lambda tmp: tmp.write_text(json.dumps(rows), encoding="utf-8"))
    return rows


def start_cached(n: int, cache_dir: Path) -> Callable[[], None]:
    """``cached_run(n, cache_dir)`` started in a forked process, for a stage that leaves a core idle (``analysis
    assess``), so that the site later finds the result in its cache; returns the function that waits for it. A
    failure is not raised here: the site runs the calibration again and reports it. Nothing is started where
    ``fork`` is not available or the result is cached already."""
    if not can_fork() or _cache_path(n, 2024, cache_dir).exists():
        return lambda: None
    job = Forked(lambda: cached_run(n, cache_dir))

    def wait() -> None:
        job.wait()  # a failure is not raised (see above)
    return wait
