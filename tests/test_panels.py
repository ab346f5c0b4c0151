"""All-province panels, aggregation to the provinces of 1 July 2025, definition breaks, national targets."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from analysis.assess.forecast import assess_all
from analysis.assess.series import yearly
from analysis.assess.stage import assess_tables
from analysis.data.process import build_tables
from analysis.data.validate import load_raw
from analysis.numbers import numbers_written

from conftest import RAW, edit_csv


@pytest.fixture(scope="module")
def tables():
    t = build_tables(load_raw())
    return t | assess_tables(t)


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(RAW / name, dtype=str, keep_default_na=False)


def test_every_panel_and_series_figure_is_written_in_its_as_written():
    src = pd.concat([_raw(p.name) for p in sorted(RAW.glob("sources_*.csv"))]).set_index("source_id")
    checked = 0
    for path in sorted(RAW.glob("facts_panel_*.csv")) + sorted(RAW.glob("facts_series_*.csv")):
        for r in csv.DictReader(path.open(encoding="utf-8")):
            if "derived" in r["flags"].split(";"):
                continue
            fmt = src.at[r["source_id"], "number_format"] if r["source_id"] in src.index else "vi"
            nums = numbers_written(r["as_written"], fmt)
            assert any(math.isclose(n, float(r["value"]), rel_tol=1e-12) for n in nums), (path.name, r["fact_id"])
            checked += 1
    assert checked > 4000


def test_panels_cover_all_63_provinces():
    gso = _raw("facts_panel_gso.csv")
    trained = gso[(gso["indicator_id"] == "trained_employed_share") & (gso["province_code"] != "VN")]
    assert trained["province_code"].nunique() == 63
    assert set(trained["period"]) == {str(y) for y in range(2008, 2017)}


def test_quang_binh_and_quang_tri_merge_into_quang_tri_by_each_rule(tables):
    facts = tables["facts"]
    pre = facts[facts["boundary"] == "pre2025"].set_index(["province_code", "indicator_id", "year"])["value"]
    post = facts[(facts["boundary"] == "post2025") & (facts["province_code"] == "44")
                 & facts["flags"].fillna("").str.contains("aggregated")]
    post = post.set_index(["indicator_id", "year"])
    assert post.index.is_unique
    lf_qb, lf_qt = pre[("44", "labour_force", 2015)], pre[("45", "labour_force", 2015)]
    # counts add up
    assert post.at[("labour_force", 2015), "value"] == pytest.approx(lf_qb + lf_qt)
    # shares: weighted by the labour force of the same year
    s_qb, s_qt = pre[("44", "trained_employed_share", 2015)], pre[("45", "trained_employed_share", 2015)]
    expected = (s_qb * lf_qb + s_qt * lf_qt) / (lf_qb + lf_qt)
    row = post.loc[("trained_employed_share", 2015)]
    assert row["value"] == pytest.approx(expected)
    assert "aggregated" in row["flags"].split(";")
    assert set(row["inputs"].split(";")) == {"GT-44-2015", "GT-45-2015"}
    # ranks and index scores are never aggregated
    assert "pci_labour_training" not in set(post.index.get_level_values(0))


def test_no_partial_aggregate_when_a_part_is_missing(raw_copy):
    # drop Quảng Bình's 2015 labour force: the merged Quảng Trị gets no 2015 total and no 2015 weighted share
    path = raw_copy / "facts_panel_gso.csv"
    rows = [r for r in csv.reader(path.open(encoding="utf-8")) if r[0] != "GL-44-2015"]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    facts = build_tables(load_raw(raw_copy))["facts"]
    post = facts[(facts["boundary"] == "post2025") & (facts["province_code"] == "44")]
    got = set(zip(post["indicator_id"], post["year"]))
    assert ("labour_force", 2015) not in got and ("trained_employed_share", 2015) not in got
    assert ("labour_force", 2014) in got


def test_unchanged_province_keeps_its_series_under_the_new_code(tables):
    facts = tables["facts"]
    qn = facts[(facts["province_code"] == "22") & (facts["indicator_id"] == "trained_employed_share")]
    pre = qn[qn["boundary"] == "pre2025"].set_index("year")["value"]
    post = qn[qn["boundary"] == "post2025"].set_index("year")["value"]
    assert len(post) == 9 and (post == pre.loc[post.index]).all()


def test_a_definition_break_splits_the_series():
    d = pd.DataFrame({"year": [2020, 2021, 2022, 2023, 2024], "period": ["2020", "2021", "2022", "2023", "2024"],
                      "value": [30.0, 40.0, 50.0, 10.0, 20.0],
                      "flags": ["", "", "", "definition_break", ""], "fact_id": list("abcde")})
    s = yearly(d)
    assert list(s["year"]) == [2023, 2024] and s.attrs["break_year"] == 2023
    assert list(yearly(d.assign(flags=""))["year"]) == [2020, 2021, 2022, 2023, 2024]


def test_a_break_changes_the_assessment_and_says_so(tables):
    facts, ind = tables["facts"].copy(), tables["indicators"]
    qn = (facts["fact_id"] == "GT-22-2014")
    facts.loc[qn, "flags"] = "definition_break"
    facts = pd.concat([facts, pd.DataFrame([{**facts[facts["fact_id"] == "NS-001"].iloc[0].to_dict(),
                                            "fact_id": "XX-T01", "province_code": "22", "kind": "target",
                                            "period": "2030", "year": 2030, "value": 60.0, "comparator": ">=",
                                            "tracked_by": "", "breakdown": "total"}])], ignore_index=True)
    a = assess_all(facts, ind).set_index("target_fact_id").loc["XX-T01"]
    assert a["years"] == "2014;2015;2016" and a["n_points"] == 3
    assert "definition changed in 2014" in a["notes"]


def test_multi_year_totals_are_not_points_of_a_yearly_series():
    d = pd.DataFrame({"year": [2021, 2022, 2023, 2023], "period": ["2021", "2022", "2023", "2021/2023"],
                      "value": [1.0, 2.0, 3.0, 6.0], "flags": ["", "", "", ""], "fact_id": list("abcd")})
    assert list(yearly(d)["value"]) == [1.0, 2.0, 3.0]


def test_national_targets_rank_every_province_with_a_series(tables):
    n = tables["national_assessments"]
    t = n[(n["national_target_id"] == "176-2030-trained_employed_share") & (n["boundary"] == "pre2025")]
    provinces = t[t["province_code"] != "VN"]
    assert len(provinces) == 63
    assert sorted(provinces["rank"]) == list(range(1, 64))
    assert t.loc[t["province_code"] == "VN", "rank"].isna().all()
    post = n[(n["national_target_id"] == "176-2030-trained_employed_share") & (n["boundary"] == "post2025")]
    assert len(post) == 34
    # provincial figures end in 2016: ten years before a 2026 build, too old for a status, a chance or an
    # interval; the provinces are listed by their latest figure instead
    from analysis import config

    if config.build_year() - 2016 > 4:
        assert (provinces["status"] == "outdated").all() and provinces["p_meet"].isna().all()
        assert provinces["pi80_low"].isna().all()
        latest = provinces.sort_values("rank")["last_value"].to_numpy()
        assert (latest[:-1] >= latest[1:]).all()


@pytest.mark.parametrize("fact_id,column,value,message", [
    ("GT-22-2015", "value", "3O.1", "malformed number"),
    ("GT-22-2015", "value", "130.5", "upper bound"),
])
def test_bad_panel_rows_stop_the_build_naming_file_row_and_field(raw_copy, fact_id, column, value, message):
    from analysis.errors import DataError

    line = edit_csv(raw_copy / "facts_panel_gso.csv", fact_id, column, value)
    with pytest.raises(DataError) as e:
        load_raw(raw_copy)
    text = str(e.value)
    assert f"facts_panel_gso.csv:{line}" in text and f"'{column}'" in text and message in text


def test_unknown_tracking_target_is_reported(raw_copy):
    from analysis.errors import DataError

    (raw_copy / "tracking_test.csv").write_text("target_fact_id,tracked_by,outcome,searched,comparability,note\n"
                                               "QN-S001,,not_published,portals,,\n", encoding="utf-8")
    with pytest.raises(DataError, match="tracking_test.csv:2: column 'target_fact_id'"):
        load_raw(raw_copy)
