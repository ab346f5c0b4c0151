"""Statuses know today's date: a passed target year asks "was it met?", an old figure colours nothing."""

from __future__ import annotations

import pytest

from analysis.assess.forecast import assess_target


def test_a_passed_target_is_met_or_not_by_its_years_figure_never_forecast():
    met = assess_target([2022, 2024, 2025], [40, 52, 81], 80, 2025, ">=", (0, 100), build_year=2026)
    missed = assess_target([2022, 2024, 2025], [40, 52, 61], 80, 2025, ">=", (0, 100), build_year=2026)
    assert met.status == "achieved" and missed.status == "not_met"
    for r in (met, missed):
        assert r.p_meet is None and r.projection is None and r.pi80 is None


def test_a_passed_target_without_its_years_figure_awaits_it():
    r = assess_target([2021, 2022, 2023], [40, 45, 52], 80, 2025, ">=", (0, 100), build_year=2026)
    assert r.status == "awaiting_data" and r.p_meet is None and r.projection is None
    assert r.last_year == 2023 and "2023" in r.method
    # the same series a year before the target year is a forecast
    assert assess_target([2021, 2022, 2023], [40, 45, 52], 80, 2025, ">=", (0, 100),
                         build_year=2024).p_meet is not None


def test_a_verdict_on_an_approximate_figure_is_provisional():
    r = assess_target([2021, 2025], [26.1, 29], 30, 2025, ">=", (0, 100), flags=["", "approx"], build_year=2026)
    assert r.status == "not_met" and r.provisional and r.p_meet is None


@pytest.mark.parametrize("last_year,expected", [(2016, "outdated"), (2021, "outdated"), (2022, "forecast")])
def test_a_figure_older_than_four_years_gives_no_status(last_year, expected):
    years = [last_year - 2, last_year - 1, last_year]
    r = assess_target(years, [20, 21, 22], 35, 2030, ">=", (0, 100), build_year=2026)
    if expected == "outdated":
        assert r.status == "outdated" and r.p_meet is None and r.pi80 is None
    else:
        assert r.status in ("on_track", "at_risk", "off_track") and r.p_meet is not None


def test_an_old_figure_that_meets_a_future_target_is_outdated_not_achieved():
    assert assess_target([2015, 2016], [31, 32], 30, 2030, ">=", (0, 100), build_year=2026).status == "outdated"


def test_a_rank_is_never_forecast():
    r = assess_target([2022, 2023, 2024], [20, 15, 12], 10, 2030, "<=", (1, 63), rank=True, build_year=2026)
    assert r.status == "not_assessable" and r.p_meet is None and r.projection is None


def test_status_and_chance_agree_with_the_legend():
    from analysis.assess.forecast import OFF_TRACK, ON_TRACK

    for values in ([40, 45, 52], [40, 41, 42], [70, 75, 79]):
        r = assess_target([2022, 2023, 2024], values, 80, 2030, ">=", (0, 100), build_year=2026)
        expected = "on_track" if r.p_meet >= ON_TRACK else "off_track" if r.p_meet < OFF_TRACK else "at_risk"
        assert r.status == expected


def test_the_comparison_gives_a_pace_only_to_a_target_still_to_reach():
    import pandas as pd

    from analysis.report.compare_national import _pace_cells

    base = {"status": "outdated", "comparator": ">=", "own_annual_change": 0.37, "pace_share": 0.85,
            "pace_years": 8}
    met = _pace_cells(pd.Series({**base, "required_annual_change": -0.55}), "en")  # latest figure above target
    assert set(met.values()) == {"–"}
    ahead = _pace_cells(pd.Series({**base, "required_annual_change": 0.38}), "vi")
    assert list(ahead.values()) == ["+0,38 điểm % mỗi năm", "+0,37 điểm % mỗi năm", "85% số thay đổi qua 8 năm"]
    passed = _pace_cells(pd.Series({**base, "status": "awaiting_data", "required_annual_change": 0.38}), "en")
    assert set(passed.values()) == {"–"}


def test_a_un_category_that_disagrees_with_the_status_says_why_and_one_that_agrees_says_nothing_more():
    from analysis.labels import unsd_cell, unsd_label

    for lang in ("vi", "en"):
        assert unsd_cell("on_track", "off_track", lang).startswith(unsd_label("on_track", lang) + ". ")
        assert unsd_cell("deterioration", "on_track", lang) != unsd_label("deterioration", lang)
        assert unsd_cell("on_track", "on_track", lang) == unsd_label("on_track", lang)
        assert unsd_cell("fair", "off_track", lang) == unsd_label("fair", lang)  # fair progress: no contradiction
        assert unsd_cell(float("nan"), "off_track", lang) == "–"


def test_the_national_ranking_orders_by_status_then_latest_figure_never_by_the_chance():
    import pandas as pd

    from analysis.assess.forecast import ranked

    df = pd.DataFrame({"national_target_id": "T", "boundary": "pre2025", "comparator": ">=",
                       "province_code": ["01", "02", "03", "04", "VN"],
                       "status": ["at_risk", "at_risk", "achieved", "outdated", "at_risk"],
                       "p_meet": [0.70, 0.30, None, None, 0.5], "last_value": [20.0, 30.0, 41.0, 35.0, 25.0]})
    out = ranked(df).set_index("province_code")
    # achieved first; the two at risk by their figure (30 before 20), not by their chances (0.3 after 0.7)
    assert out.loc[["03", "02", "01", "04"], "rank"].tolist() == [1, 2, 3, 4]
    assert pd.isna(out.loc["VN", "rank"])
    lower = ranked(df.assign(comparator="<=", status="at_risk")).set_index("province_code")
    assert lower.loc[["01", "02", "04", "03"], "rank"].tolist() == [1, 2, 3, 4]  # lowest figure first for <=


def test_the_simulated_brier_scores_only_assessments_that_show_a_chance(monkeypatch):
    from analysis.assess import calibration
    from analysis.assess.simulate import Series

    years = [2018, 2019, 2020, 2021, 2022]
    met_already = Series(years, [60.0, 62.0, 64.0, 66.0, 68.0], 2028, 70.0, 50.0)  # 68 >= 50: no chance shown
    ahead = Series(years, [20.0, 22.0, 24.0, 26.0, 28.0], 2028, 33.0, 40.0)
    monkeypatch.setattr(calibration, "simulate_many", lambda process, n, seed: [met_already, ahead])
    rows = calibration.run(n=2)
    r = assess_target(ahead.years, ahead.values, ahead.target, ahead.target_year, ">=", (0, 100), build_year=2023)
    assert r.p_meet is not None
    # the series already at its target is not scored as a certainty: the Brier is the other one's alone
    assert rows[0]["brier"] == pytest.approx((r.p_meet - 0.0) ** 2)


def test_the_latest_figure_keeps_its_flags_so_pages_write_about_or_more_than():
    from analysis.labels import qualified

    r = assess_target([2020, 2021, 2025], [24.1, 26.1, 29.0], 30.0, 2025, ">=", (0, 100),
                      flags=["", "", "approx"], build_year=2026)
    assert r.last_flags == "approx" and qualified("29,0%", r.last_flags, "vi") == "khoảng 29,0%"
    # a figure for part of a year is no point of a trend: the latest figure shown is the last full year's
    r = assess_target([2022, 2023, 2024], [1400.0, 1500.0, 300.0], 3000.0, 2030, ">=", (0, None),
                      flags=["lower_bound", "lower_bound", "partial_year"], build_year=2025)
    assert r.last_value == 1500.0 and r.last_flags == "lower_bound"
    assert qualified("1,500", r.last_flags, "en") == "more than 1,500" and qualified("7", None, "en") == "7"
