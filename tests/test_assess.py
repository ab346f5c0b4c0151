"""Target assessment: UN CR categories, bounds, small samples, bad inputs, calibration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.assess.forecast import STATUSES, assess_all, assess_target, predictive, unsd_progress
from analysis.assess.simulate import simulate_many
from analysis.labels import status_explain, status_label


@pytest.fixture(autouse=True)
def _as_of_mid_2024(monkeypatch):
    """These tests exercise forecasts of targets still ahead: they run as of 1 June 2024 (the time-aware
    statuses of passed targets are tested in test_time_aware.py)."""
    monkeypatch.setenv("ANALYSIS_TODAY", "2024-06-01")


# ---------------------------------------------------------------- UN SDG Progress Chart, by hand
@pytest.mark.parametrize("values,expected_cat", [
    ([20, 40], "on_track"),      # actual 2^(1/5)-1 = 14,87%/yr; required 4^(1/15)-1 = 9,68%/yr; CR 1,54
    ([20, 26], "fair"),          # 1,3^(1/5)-1 = 5,39%; CR 0,557
    ([20, 21], "limited"),       # 0,98%; CR 0,101
    ([20, 15], "deterioration"),  # CR -0,59
    ([20, 85], "achieved"),
])
def test_unsd_categories_higher_is_better(values, expected_cat):
    cr, cat = unsd_progress([2015, 2020], values, 80, 2030, ">=")
    assert cat == expected_cat
    if cat != "achieved":
        actual = (values[1] / values[0]) ** (1 / 5) - 1
        required = (80 / 20) ** (1 / 15) - 1
        assert cr == pytest.approx(actual / required)


def test_unsd_lower_is_better():
    cr, cat = unsd_progress([2015, 2020], [50, 40], 20, 2030, "<=")
    actual, required = 0.8 ** (1 / 5) - 1, 0.4 ** (1 / 15) - 1  # both negative
    assert cr == pytest.approx(actual / required) and cr == pytest.approx(0.7356, abs=1e-3)
    assert cat == "fair"
    assert unsd_progress([2015, 2020], [50, 60], 20, 2030, "<=")[1] == "deterioration"
    assert unsd_progress([2015, 2020], [50, 18], 20, 2030, "<=")[1] == "achieved"


def test_unsd_rate_is_read_from_2015_on_whatever_came_before():
    # the Progress Chart's base year is 2015: a 2008 figure (here far lower, which would make the rate look fast)
    # changes nothing, and a series starting after 2015 starts its rate at its first figure
    assert unsd_progress([2008, 2015, 2020], [5, 20, 40], 80, 2030, ">=") == \
        unsd_progress([2015, 2020], [20, 40], 80, 2030, ">=")
    cr, _ = unsd_progress([2016, 2020], [20, 40], 80, 2030, ">=")
    assert cr == pytest.approx((2 ** (1 / 4) - 1) / (4 ** (1 / 14) - 1))
    assert unsd_progress([2010, 2014, 2015], [5, 10, 20], 80, 2030, ">=") == (None, None)  # one figure since 2015


def test_unsd_needs_two_points():
    assert unsd_progress([2020], [30], 80, 2030, ">=") == (None, None)


# ---------------------------------------------------------------- the public API example
def test_issue_example():
    r = assess_target(years=[2021, 2022, 2023], values=[40.0, 45.0, 52.0], target=80.0, target_year=2030,
                      comparator=">=", bounds=(0, 100))
    assert r.status in ("on_track", "at_risk", "off_track")
    assert 0 <= r.p_meet <= 1 and r.n_points == 3 and (r.first_year, r.last_year) == (2021, 2023)
    assert 0 <= r.pi95[0] <= r.pi80[0] <= r.projection <= r.pi80[1] <= r.pi95[1] <= 100
    assert r.required_annual_change == pytest.approx((80 - 52) / 7)
    assert r.unsd_category == "on_track" and "logit" in r.method
    assert any("3 data points" in n for n in r.notes)
    row = r.to_row()
    assert row.loc[0, "pi80_low"] == r.pi80[0] and row.loc[0, "status"] == r.status


def test_status_follows_p_meet_thresholds():
    for values in ([10, 30, 50, 70], [10, 11, 12, 13], [40, 45, 52], [60, 58, 61, 59, 60]):
        r = assess_target(list(range(2020, 2020 + len(values))), values, 80, 2030, ">=", (0, 100))
        expect = "on_track" if r.p_meet >= 0.8 else "off_track" if r.p_meet < 0.2 else "at_risk"
        assert r.status == expect, (values, r.p_meet)
    fast = assess_target([2020, 2021, 2022, 2023, 2024], [10, 20, 30, 40, 50], 70, 2030, ">=", (0, 100))
    slow = assess_target([2020, 2021, 2022, 2023, 2024], [10, 11, 12, 13, 14], 80, 2030, ">=", (0, 100))
    assert fast.p_meet > 0.8 and fast.status == "on_track"
    assert slow.p_meet < 0.2 and slow.status == "off_track"


def test_lower_is_better_target_mirrors_higher_is_better():
    years, values = [2019, 2020, 2021, 2022, 2023], [40, 35, 30, 26, 22]
    low = assess_target(years, values, 5, 2030, "<=", (0, 100))
    high = assess_target(years, [100 - v for v in values], 95, 2030, ">=", (0, 100))
    assert low.p_meet == pytest.approx(high.p_meet) and low.status == high.status
    assert low.projection == pytest.approx(100 - high.projection) and low.projection < 22
    assert low.pi80[1] - low.pi80[0] > 1  # a smooth series is still not certain seven years out


# ---------------------------------------------------------------- small samples
def test_no_data_and_single_point():
    r = assess_target([], [], 80, 2030, ">=", (0, 100))
    assert r.status == "no_data" and r.p_meet is None and r.n_points == 0
    r = assess_target([2025], [77.67], 80, 2030, ">=", (0, 100))
    assert r.status == "insufficient_data" and r.p_meet is None and r.projection is None
    assert r.required_annual_change == pytest.approx((80 - 77.67) / 5)
    assert r.unsd_category is None


def test_achieved_by_latest_observation():
    r = assess_target([2022, 2023], [90, 100], 100, 2025, ">=", (0, 100))
    assert r.status == "achieved" and r.p_meet is None  # no chance of 1 from a figure that may move


def test_two_points_claim_no_trend_and_are_wide():
    r = assess_target([2022, 2023], [40, 45], 80, 2030, ">=", (0, 100))
    assert r.projection == pytest.approx(45)  # one change is not a trend: the last figure is carried forward
    assert any("cannot tell a trend from noise" in n for n in r.notes)
    assert r.pi80[1] - r.pi80[0] > 25  # wide, as it should be with two points
    three = assess_target([2021, 2022, 2023], [40, 42.5, 45], 80, 2030, ">=", (0, 100))
    assert three.projection > 45 and not any("cannot tell" in n for n in three.notes)  # a steady rise is kept
    assert three.pi80[1] - three.pi80[0] < r.pi80[1] - r.pi80[0]


def test_scenario_projection():
    r = assess_target([2021, 2022, 2023], [40, 45, 52], 80, 2030, ">=", (0, 100), scenario_annual_change=5)
    assert r.scenario_projection == pytest.approx(52 + 5 * 7) and r.scenario_meets is True
    r = assess_target([2021, 2022, 2023], [40, 45, 52], 80, 2030, ">=", (0, 100), scenario_annual_change=20)
    assert r.scenario_projection == 100  # clipped to the bound


# ---------------------------------------------------------------- errors, not guesses
@pytest.mark.parametrize("kwargs,message", [
    (dict(years=[2020, 2020], values=[1, 2]), "duplicate years"),
    (dict(years=[2020, 2021], values=[1]), "different lengths"),
    (dict(years=[2020, 2021], values=[1, float("nan")]), "finite"),
    (dict(years=[2020, 2021], values=[1, math.inf]), "finite"),
    (dict(years=[2020, 2021], values=[1, 120]), "outside the bounds"),
    (dict(years=[2020, 2021], values=[1, 2], target_year=2019), "before the first observation"),
    (dict(years=[2020, 2021], values=[1, 2], comparator=">"), "unknown comparator"),
])
def test_bad_inputs_raise(kwargs, message):
    args = dict(target=80, target_year=2030, comparator=">=", bounds=(0, 100)) | kwargs
    with pytest.raises(ValueError, match=message):
        assess_target(**args)


# ---------------------------------------------------------------- bounds, for any input
series = st.integers(2, 8).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=n, max_size=n),
    st.integers(2024, 2035), st.floats(0, 100, allow_nan=False), st.sampled_from([">=", "<="])))


@settings(max_examples=150, deadline=None)
@given(series)
def test_projection_and_intervals_stay_within_bounds(case):
    values, target_year, target, comp = case
    years = list(range(2023 - len(values) + 1, 2024))
    r = assess_target(years, values, target, target_year, comp, (0, 100))
    assert r.status in STATUSES
    for v in [r.projection, *(r.pi80 or ()), *(r.pi95 or ())]:
        if v is not None:
            assert 0 <= v <= 100
    if r.p_meet is not None:
        assert 0 <= r.p_meet <= 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(1, 1e6, allow_nan=False), min_size=2, max_size=7))
def test_counts_stay_positive(values):
    years = list(range(2023 - len(values) + 1, 2024))
    p = predictive(years, values, 2030, (0, None))
    lo, hi = p.interval(0.95)
    assert 0 <= lo <= p.projection <= hi


# ---------------------------------------------------------------- calibration
@pytest.mark.parametrize("process", ["logistic_iid", "saturating_ar1", "gompertz_rw"])
def test_80_percent_intervals_hold_on_simulated_processes_never_tuned_on(process):
    """The single-series method is tuned on real series only: on textbook processes its 80% intervals still cover
    within about ten points of 80% (500 series measure it to about 3.5 points)."""
    hits = []
    for s in simulate_many(process, 500, seed=2024):
        lo, hi = predictive(s.years, s.values, s.target_year, (0, 100)).interval(0.8)
        hits.append(lo <= s.truth <= hi)
    coverage = float(np.mean(hits))
    assert 0.66 <= coverage <= 0.92, coverage


def test_plain_iid_trend_regression_would_be_overconfident():
    """The naive way (OLS line, iid t-interval) fails the same check on autocorrelated series."""
    from scipy import stats

    hits = []
    for s in simulate_many("saturating_ar1", 300, seed=5):
        t, z = np.array(s.years, float), np.log(np.array(s.values) / (100 - np.array(s.values)))
        X = np.column_stack([np.ones(len(t)), t])
        beta, *_ = np.linalg.lstsq(X, z, rcond=None)
        res = z - X @ beta
        s2 = res @ res / (len(t) - 2)
        x0 = np.array([1, s.target_year])
        se = np.sqrt(s2 * (1 + x0 @ np.linalg.inv(X.T @ X) @ x0))
        q = stats.t.ppf(0.9, len(t) - 2)
        lo, hi = (100 / (1 + np.exp(-(x0 @ beta + k * q * se))) for k in (-1, 1))
        hits.append(lo <= s.truth <= hi)
    assert np.mean(hits) < 0.70


# ---------------------------------------------------------------- the evidence base
def test_assess_every_target_in_the_evidence_base(tmp_path):
    from analysis.data.process import build
    from conftest import RAW

    t = build(RAW, tmp_path / "p")
    a = assess_all(t["facts"], t["indicators"])
    targets = t["facts"][t["facts"]["kind"] == "target"]
    assert len(a) == len(targets) and set(a["target_fact_id"]) == set(targets["fact_id"])
    assert set(a["status"]) <= set(STATUSES)
    qt = a.set_index("target_fact_id").loc["QT-S020"]
    assert qt["status"] == "insufficient_data" and qt["n_points"] == 1 and "proxy" in qt["notes"]
    # one figure still ahead: the pace it needs is set against the yearly changes of the proxy's family
    from analysis.data.curated import load_families

    b = assess_all(t["facts"], t["indicators"], families=load_families(RAW)).set_index("target_fact_id")
    qt = b.loc["QT-S020"]
    assert 1 <= qt["ref_changes"] and 0 <= qt["ref_faster"] <= qt["ref_changes"] and qt["ref_series"] >= 1
    assert qt["ref_first_year"] <= qt["ref_last_year"] <= 2026
    assert a.set_index("target_fact_id").loc["QT-S020", "ref_changes"] < qt["ref_changes"]  # the family adds series
    assert b.loc[b["n_points"] != 1, "ref_changes"].isna().all()


def test_every_status_has_both_languages():
    for s in STATUSES:
        assert all(status_label(s, L) and status_explain(s, L) for L in ("vi", "en"))


def test_a_figure_for_part_of_a_year_is_never_a_point_of_the_trend():
    # five months of 2026 read far below the full years: the forecast rests on the full years alone
    years, values = [2021, 2022, 2023, 2024], [60.0, 63.0, 67.0, 70.0]
    full = assess_target(years, values, 90, 2030, bounds=(0, 100), build_year=2026)
    part = assess_target(years + [2026], values + [41.0], 90, 2030, bounds=(0, 100), build_year=2026,
                         flags=["", "", "", "", "partial_year"])
    assert part.status == full.status and part.p_meet == pytest.approx(full.p_meet)
    assert part.projection == pytest.approx(full.projection) and part.n_points == 4 and part.last_year == 2024
    assert any("part of a year only: 2026" in n for n in part.notes)
    # counted as a point, the low partial figure would have pulled the forecast down
    assert assess_target(years + [2026], values + [41.0], 90, 2030, bounds=(0, 100), build_year=2026).projection \
        < full.projection - 5
    # one full year and a month's figure: no trend; a month's figure alone: none either
    one = assess_target([2024, 2025], [70.0, 72.0], 90, 2030, bounds=(0, 100), build_year=2026, flags=["", "monthly"])
    assert one.status == "insufficient_data" and one.p_meet is None and one.n_points == 1
    only = assess_target([2025, 2026], [70.0, 72.0], 90, 2030, bounds=(0, 100), build_year=2026,
                         flags=["monthly", "partial_year"])
    assert only.status == "insufficient_data" and "part of a year only" in only.method
    # a partial figure that already meets the target still settles it, as a provisional figure
    met = assess_target([2024, 2026], [70.0, 91.0], 90, 2030, bounds=(0, 100), build_year=2026,
                        flags=["", "partial_year"])
    assert met.status == "achieved" and met.provisional


def test_a_target_tracked_by_a_proxy_gets_no_verdict_of_its_own(tmp_path):
    import pandas as pd
    from analysis.data.process import build
    from conftest import RAW

    t = build(RAW, tmp_path / "p")
    facts = t["facts"]
    qt = facts.set_index("fact_id").loc["QT-S020"]  # followed on the online dossier share of the merged province
    tracking = pd.DataFrame([{"target_fact_id": "QT-S020", "tracked_by": "online_dossier_share",
                              "outcome": "proxy_series", "searched": "", "comparability": "another measure"}])
    obs = facts[(facts["indicator_id"] == "online_dossier_share") & (facts["province_code"] == qt["province_code"])
                & (facts["boundary"] == qt["boundary"])]
    assert len(obs) >= 1
    meets = obs.iloc[[-1]].assign(fact_id="QT-X999", period="2026", year=2026, value=95.0)  # the proxy meets 80%
    a = assess_all(pd.concat([facts, meets], ignore_index=True), t["indicators"], tracking=tracking)
    row = a.set_index("target_fact_id").loc["QT-S020"]
    assert row["status"] == "not_assessable" and pd.isna(row["p_meet"])
    assert "proxy indicator 'online_dossier_share' only, where it reads achieved" in row["method"]
    # the same figure on the target's own indicator is a verdict
    own = meets.assign(indicator_id="citizens_online_service_use_share")
    untracked = facts.assign(tracked_by=facts["tracked_by"].where(facts["fact_id"] != "QT-S020", ""))
    b = assess_all(pd.concat([untracked, own], ignore_index=True), t["indicators"])
    assert b.set_index("target_fact_id").loc["QT-S020", "status"] == "achieved"


def test_the_projection_chart_rests_on_the_same_full_years_as_the_assessment():
    from types import SimpleNamespace

    import pandas as pd

    from analysis.report.figures import _trend_points

    facts = pd.DataFrame({"fact_id": ["A", "B", "C", "D"], "flags": [None, "approx", float("nan"), "partial_year"]})
    row = pd.Series({"observation_ids": "A;B;C;D", "years": "2021;2022;2023;2026", "values": "60;63;67;41"})
    years, values = _trend_points(SimpleNamespace(facts=facts), row)
    assert years == [2021, 2022, 2023] and values == [60.0, 63.0, 67.0]
