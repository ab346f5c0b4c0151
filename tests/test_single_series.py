"""The single-series method (a series without a panel), tuned on the real panels' provinces taken alone: its
shipped table is the one the shipped data give, and leaving each panel out it stays as close as the better of a
single series' naive rules, with intervals that cover about as often as they say."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.assess import single_series as ss
from analysis.assess import single_series_tuning as tuning
from analysis.assess.forecast import assess_target


@pytest.fixture(scope="module")
def panels(tmp_path_factory):
    from analysis.data.process import build
    from conftest import RAW

    t = build(RAW, tmp_path_factory.mktemp("p"))
    return tuning.tuning_panels(t["facts"], t["indicators"], t["population"])


def test_the_shipped_table_and_constant_are_the_ones_the_shipped_data_give(panels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k, tab = tuning.tune(panels)
    assert k == ss.SHRINK, f"the tuning chooses {k}: set single_series.SHRINK and rerun the tuning module"
    shipped = pd.read_csv(ss.TABLE, comment="#")
    pd.testing.assert_frame_equal(tab.reset_index(drop=True), shipped, check_dtype=False, atol=1e-4)


@pytest.mark.slow
def test_left_out_in_turn_the_survey_panels_are_forecast_as_well_as_the_naive_rules(panels):
    steady = {n: p for n, p in panels.items() if n.startswith(("avg_population", "density"))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = tuning.leave_one_out(tuning.units({n: p for n, p in panels.items() if n not in steady}, steady))
    s = out[out["h"].between(2, 5) & ~out["panel"].isin(list(steady))]
    assert len(s) >= 30
    assert (s["ratio"] <= 1.05).mean() >= 0.8  # within 5% of the better of "last stays" / "own average change"
    assert np.exp(np.log(s["ratio"]).mean()) <= 1.05
    assert 0.72 <= s["cov80"].mean() <= 0.86 and 0.90 <= s["cov95"].mean() <= 0.97


def test_one_change_is_not_a_trend_and_a_steady_rise_is():
    two = ss.predictive([2022, 2023], [40, 45], 2028, (0, 100))
    assert two.projection == pytest.approx(45) and two.point.kept == 0
    steady = ss.predictive(range(2016, 2024), [10, 11, 12, 13.1, 14, 15.2, 16, 17.1], 2028, (0, 100))
    assert steady.point.kept > 0.9 and steady.projection > 20
    zigzag = ss.predictive(range(2016, 2024), [10, 14, 9, 13, 10, 15, 10, 14], 2028, (0, 100))
    assert zigzag.point.kept == 0 and zigzag.projection == pytest.approx(14)


def test_intervals_widen_with_the_horizon_and_with_fewer_points():
    years, values = list(range(2018, 2024)), [30, 33, 31, 35, 36, 38]
    widths = [np.subtract(*ss.predictive(years, values, y, (0, 100)).interval(0.8)[::-1]) for y in (2025, 2027, 2030)]
    assert widths[0] < widths[1] < widths[2]
    even = [30, 32, 34, 36, 38, 40]  # the same yearly move either way: only the number of points differs
    few = ss.predictive(years[-3:], even[-3:], 2027, (0, 100)).interval(0.8)
    many = ss.predictive(years, even, 2027, (0, 100)).interval(0.8)
    assert few[1] - few[0] > many[1] - many[0]


def test_the_chance_agrees_with_the_interval_and_never_reaches_0_or_1():
    p = ss.predictive(range(2018, 2024), [30, 33, 31, 35, 36, 38], 2028, (0, 100))
    lo, hi = p.interval(0.8)
    assert p.prob(hi, ">=") == pytest.approx(0.1, abs=0.01) and p.prob(lo, "<=") == pytest.approx(0.1, abs=0.01)
    assert 0 < p.prob(99.9, ">=") < 0.02 and 0.98 < p.prob(0.1, ">=") < 1
    r = assess_target(range(2018, 2024), [30, 33, 31, 35, 36, 38], hi, 2028, ">=", (0, 100), build_year=2024)
    assert r.p_meet == pytest.approx(0.1, abs=0.01) and r.status == "off_track"


def test_a_falling_series_gets_its_interval_along_its_own_direction():
    up = ss.predictive(range(2018, 2024), [30, 33, 31, 35, 36, 38], 2028, (0, 100))
    down = ss.predictive(range(2018, 2024), [70, 67, 69, 65, 64, 62], 2028, (0, 100))
    assert down.projection == pytest.approx(100 - up.projection, abs=1e-6)
    assert down.interval(0.8)[0] == pytest.approx(100 - up.interval(0.8)[1], abs=1e-6)
