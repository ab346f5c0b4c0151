"""The coverage a calibrated interval would show in a backtest cell whose provinces share each origin's miss."""

import numpy as np
import pytest

from analysis.assess.coverage_range import Origin, calibrated_range


def _origin(rng, common_sd: float, cases: int = 63) -> Origin:
    own = rng.normal(0, 1, 400)
    sample = (own[:, None] + common_sd * rng.normal(0, 1, 50)[None, :]).ravel()
    lo, hi = np.quantile(sample, [0.1, 0.9])
    return Origin(own, common_sd, float(lo), float(hi), cases)


def test_a_shared_miss_widens_the_range_and_origins_narrow_it():
    rng = np.random.default_rng(1)
    alone = calibrated_range([_origin(rng, 0.0)])
    shared = calibrated_range([_origin(rng, 2.0)])
    many = calibrated_range([_origin(rng, 2.0) for _ in range(12)])
    assert alone[0] == pytest.approx(0.72, abs=0.04) and alone[1] == pytest.approx(0.87, abs=0.04)
    assert shared[0] < 0.45 and shared[1] > 0.97  # one origin: one national shock decides every province
    assert shared[0] < many[0] < 0.8 < many[1] < shared[1]
    assert np.isnan(calibrated_range([])).all()  # no origins, no range


def test_cells_drawn_from_the_model_fall_inside_the_range_about_nine_times_in_ten():
    rng = np.random.default_rng(2)
    origins = [_origin(rng, 1.0) for _ in range(3)]
    lo, hi = calibrated_range(origins)
    inside = 0
    for _ in range(300):
        covered = 0
        for o in origins:
            x = rng.normal(0, o.common_sd) + rng.choice(o.own, o.cases)
            covered += int(((x >= o.lo) & (x <= o.hi)).sum())
        inside += lo <= covered / sum(o.cases for o in origins) <= hi
    assert 0.84 <= inside / 300 <= 0.96
