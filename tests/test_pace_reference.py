"""The reference class beside a target with one figure: how fast comparable series moved."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.assess.pace_reference import MIN_CHANGES, comparable_indicators, pace_reference, yearly_changes
from analysis.assess.scale import Scale
from analysis.report.nearest import reference_words

FAMILIES = {"online": {"indicators": ["dossier_share", "service_share", "services_count"]},
            "other": {"indicators": ["payment_share"]}}
UNITS = {"dossier_share": "percent", "service_share": "percent", "services_count": "services",
         "payment_share": "percent"}
LOGIT = Scale("logit", 0.0, 100.0)


def _obs(rows) -> pd.DataFrame:
    """Observations (province, boundary, indicator, year, value[, flags])."""
    out = []
    for i, r in enumerate(rows):
        code, boundary, ind, year, value, *flags = r
        out.append({"fact_id": f"F{i}", "province_code": code, "boundary": boundary, "indicator_id": ind,
                    "breakdown": "total", "kind": "observation", "period": str(year), "year": year,
                    "value": value, "flags": flags[0] if flags else ""})
    return pd.DataFrame(out)


def _logit(x: float) -> float:
    return math.log(x / (100 - x))


def test_comparable_series_are_the_indicator_and_its_families_in_the_same_unit():
    assert comparable_indicators("service_share", FAMILIES, UNITS) == ["service_share", "dossier_share"]
    assert comparable_indicators("payment_share", FAMILIES, UNITS) == ["payment_share"]
    assert comparable_indicators("unknown", FAMILIES, UNITS) == []


def test_a_change_counts_between_nearby_figures_of_one_series_once_per_pair_of_figures():
    obs = _obs([("01", "pre2025", "dossier_share", 2020, 50.0), ("01", "pre2025", "dossier_share", 2021, 60.0),
                ("01", "pre2025", "dossier_share", 2024, 70.0),   # three years on: counts, per year
                ("01", "pre2025", "dossier_share", 2031, 90.0),   # seven years on: no yearly pace
                ("01", "post2025", "dossier_share", 2020, 50.0), ("01", "post2025", "dossier_share", 2021, 60.0),
                ("09", "post2025", "dossier_share", 2020, 40.0, "aggregated"),
                ("09", "post2025", "dossier_share", 2021, 45.0, "aggregated"),
                ("02", "pre2025", "service_share", 2022, 10.0), ("02", "pre2025", "service_share", 2023, 30.0),
                ("03", "pre2025", "dossier_share", 2019, 20.0),
                ("03", "pre2025", "dossier_share", 2023, 80.0, "definition_break"),
                ("03", "pre2025", "dossier_share", 2024, 85.0)])
    ch = yearly_changes(obs, ["dossier_share", "service_share"], LOGIT,
                        exclude=("02", "pre2025", "service_share", "total"))
    got = {(r.province_code, r.year_from, r.year_to): r.change for r in ch.itertuples()}
    # the same pair of figures on the other side of 1 July 2025 counts once; figures summed from former provinces
    # never; nothing across a definition change; the excluded series (the target's own) not at all
    assert set(got) == {("01", 2020, 2021), ("01", 2021, 2024), ("03", 2023, 2024)}
    assert got[("01", 2020, 2021)] == pytest.approx(_logit(60) - _logit(50))
    assert got[("01", 2021, 2024)] == pytest.approx((_logit(70) - _logit(60)) / 3)


def test_no_pace_is_read_from_a_figure_for_part_of_a_year_or_from_a_bound():
    obs = _obs([("01", "pre2025", "dossier_share", 2020, 50.0), ("01", "pre2025", "dossier_share", 2021, 60.0),
                ("01", "pre2025", "dossier_share", 2022, 30.0, "partial_year"),  # the first months only
                ("01", "pre2025", "dossier_share", 2023, 70.0),
                ("02", "pre2025", "dossier_share", 2021, 20.0, "lower_bound"),  # 'more than 20%'
                ("02", "pre2025", "dossier_share", 2022, 40.0), ("02", "pre2025", "dossier_share", 2023, 45.0),
                ("03", "pre2025", "dossier_share", 2022, 10.0, "monthly"),
                ("03", "pre2025", "dossier_share", 2023, 12.0, "monthly")])
    ch = yearly_changes(obs, ["dossier_share"], LOGIT)
    got = {(r.province_code, r.year_from, r.year_to): r.change for r in ch.itertuples()}
    # the part-year figure is stepped over (2021 to 2023, per year), the bound and the monthly figures never count
    assert set(got) == {("01", 2020, 2021), ("01", 2021, 2023), ("02", 2022, 2023)}
    assert got[("01", 2021, 2023)] == pytest.approx((_logit(70) - _logit(60)) / 2)


def test_the_share_of_changes_as_fast_is_counted_in_the_targets_direction():
    rows = [("0%d" % i, "pre2025", "dossier_share", y, v) for i, (a, b) in enumerate([(50, 52), (50, 60), (50, 70),
                                                                                        (50, 45)], start=1)
            for y, v in ((2022, a), (2023, b))]
    obs = _obs(rows + [("VN", "pre2025", "dossier_share", 2022, 30.0), ("VN", "pre2025", "dossier_share", 2023, 31.0)])
    # 50% to 80% over 5 years needs logit(80) - logit(50) a year / 5 = 0.277; changes: 0.080, 0.405, 0.847, -0.200, 0.047
    up = pace_reference(obs, "dossier_share", "total", ("07", "pre2025"), 50.0, 80.0, 5, ">=", (0.0, 100.0),
                        FAMILIES, UNITS)
    assert (up["ref_changes"], up["ref_series"], up["ref_faster"]) == (5, 5, 2)
    assert (up["ref_first_year"], up["ref_last_year"]) == (2022, 2023)
    need = (_logit(80) - _logit(50)) / 5
    changes = [_logit(52) - _logit(50), _logit(60) - _logit(50), _logit(70) - _logit(50), _logit(45) - _logit(50),
               _logit(31) - _logit(30)]
    assert up["ref_faster"] == sum(c >= need for c in changes)
    # a target below the figure: changes at least as fast downward
    down = pace_reference(obs, "dossier_share", "total", ("07", "pre2025"), 50.0, 48.0, 2, "<=", (0.0, 100.0),
                          FAMILIES, UNITS)
    assert down["ref_faster"] == sum(c <= (_logit(48) - _logit(50)) / 2 for c in changes) == 1
    # the target's own series is never its own reference
    own = pace_reference(obs, "dossier_share", "total", ("01", "pre2025"), 50.0, 80.0, 5, ">=", (0.0, 100.0),
                         FAMILIES, UNITS)
    assert own["ref_changes"] == 4
    none = pace_reference(obs, "payment_share", "total", ("07", "pre2025"), 50.0, 80.0, 5, ">=", (0.0, 100.0),
                          FAMILIES, UNITS)
    assert none["ref_changes"] == 0 and np.isnan(none["ref_faster"])


def test_the_words_give_the_counts_and_say_when_they_are_too_few():
    row = pd.Series({"ref_changes": 4.0, "ref_series": 3.0, "ref_faster": 3.0, "ref_first_year": 2023.0,
                     "ref_last_year": 2025.0})
    assert MIN_CHANGES > 4
    vi, en = reference_words(row, "vi"), reference_words(row, "en")
    assert "3/4" in vi and "3 chuỗi" in vi and "2023–2025" in vi and "Quá ít" in vi and "không phải xác suất" in vi
    assert "3 of 4" in en and "Too few" in en and "not a chance" in en
    many = row.copy()
    many[["ref_changes", "ref_faster"]] = [1200.0, 1105.0]
    assert "1.105/1.200" in reference_words(many, "vi") and "Quá ít" not in reference_words(many, "vi")
    assert "1,105 of 1,200" in reference_words(many, "en")
    assert reference_words(pd.Series({"ref_changes": 0.0}), "en").startswith("No comparable series")
    assert reference_words(pd.Series({"ref_changes": float("nan")}), "vi") == ""
