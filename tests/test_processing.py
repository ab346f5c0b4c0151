"""The processed tables: audit results and derived values against hand-computed numbers."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.data.audit import decimals_of, rounding_tolerance, run_check
from analysis.data.process import build
from conftest import RAW, edit_csv


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    t = build(RAW, out)
    t["_dir"] = out
    return t


def _audit(tables, check_id):
    a = tables["audit"].set_index("check_id")
    return a.loc[check_id]


def test_807_of_37077_is_2_18_not_2_17(tables):
    r = _audit(tables, "qn-it-staff-share-2022")
    assert r["result"] == "mismatch"
    assert r["computed"] == pytest.approx(807 / 37077 * 100)  # 2.17655...
    assert r["discrepancy"] == pytest.approx(2.17 - 807 / 37077 * 100, abs=1e-6)
    assert "truncation" in r["note"]


def test_103_of_2193_rounds_to_4_7(tables):
    assert _audit(tables, "qn-it-officials-share-2023")["result"] == "ok"


def test_qualification_shares(tables):
    # 8/103 = 7.767 (stated 7,76), 10/103 = 9.709 (stated 9,72): both outside rounding
    assert _audit(tables, "qn-it-officials-master-share")["result"] == "mismatch"
    assert _audit(tables, "qn-it-officials-intermediate-share")["result"] == "mismatch"
    assert _audit(tables, "qn-it-officials-university-share")["result"] == "ok"
    assert _audit(tables, "qn-it-officials-college-share")["result"] == "ok"
    assert _audit(tables, "qn-it-officials-by-qualification")["computed"] == 103
    assert _audit(tables, "qn-it-officials-shares-sum")["computed"] == pytest.approx(100.0)


def test_sums(tables):
    assert _audit(tables, "qn-training-turns-2021-2023")["computed"] == 6695 + 5333 + 4076 == 16104
    spend = _audit(tables, "qn-training-spending-2021-2023")
    assert spend["computed"] == pytest.approx(30.96) and spend["result"] == "ok"  # 31 is written rounded
    assert _audit(tables, "qt-edocs-in-out")["computed"] == 852377 + 252903 == 1105280
    assert _audit(tables, "bk-it-officials-by-group")["computed"] == 3 + 29 + 4 + 2 == 38


def test_citation_finding(tables):
    r = _audit(tables, "ct-cites-479-for-749")
    assert r["result"] == "finding" and "749/QĐ-TTg" in r["note"] and "479/QĐ-TTg" in r["note"]


def test_audit_detects_a_broken_total(raw_copy, tmp_path, monkeypatch):
    # the corrupted span is no longer the document's: check the audit without the document texts
    monkeypatch.setenv("ANALYSIS_DOCUMENTS_DIR", str(tmp_path / "no-documents"))
    edit_csv(raw_copy / "facts_seeds.csv", "QT-S014", "as_written", "1.105.281 văn bản")
    edit_csv(raw_copy / "facts_seeds.csv", "QT-S014", "value", "1105281")
    t = build(raw_copy, tmp_path / "p")
    r = t["audit"].set_index("check_id").loc["qt-edocs-in-out"]
    assert r["result"] == "mismatch" and r["discrepancy"] == 1


def test_rounding_helpers():
    assert decimals_of(2.17) == 2 and decimals_of(31.0) == 0 and decimals_of(4.7) == 1
    assert rounding_tolerance(2.17) == pytest.approx(0.005, abs=1e-8)


def test_unknown_check_kind_is_an_error():
    facts = pd.DataFrame({"fact_id": ["A"], "value": [1.0], "province_code": ["22"]}).set_index("fact_id")
    with pytest.raises(ValueError, match="unknown kind"):
        run_check({"id": "x", "kind": "nonsense"}, facts)


def _derived(tables, indicator, province, year, breakdown="total"):
    d = tables["derived"]
    m = d[(d["indicator_id"] == indicator) & (d["province_code"] == province) & (d["year"] == year)
          & (d["breakdown"] == breakdown)]
    assert len(m) >= 1, (indicator, province, year)
    return m.iloc[0]


def test_derived_values_against_hand_computation(tables):
    # spending per learner-turn 2021: 13,8 billion / 6.695 turns = 2,0612 million VND
    r = _derived(tables, "training_spending_per_turn", "22", 2021)
    assert r["value"] == pytest.approx(13.8e3 / 6695) and "QN-S029" in r["inputs"]
    # Bắc Kạn 2023: (1.044 + 6.062) members / (108 + 1.292) teams = 5,0757
    assert _derived(tables, "members_per_team", "06", 2023)["value"] == pytest.approx(7106 / 1400)
    assert _derived(tables, "community_teams", "06", 2023)["value"] == 1400
    # Quảng Ninh 2024: 11.000 members / GSO average population 2024 (thousand)
    pop = tables["population"].set_index(["province_code", "year"])["avg_population_thousand"]
    r = _derived(tables, "community_team_members_per_1000", "22", 2024)
    assert r["value"] == pytest.approx(11000 / pop[("22", 2024)]) and "lower_bound" in r["flags"]
    # learner-turns per 100 staff: 16.104 / 37.077 x 100 = 43,43 (turns, not persons)
    r = _derived(tables, "learner_turns_per_100_staff", "22", 2023)
    assert r["value"] == pytest.approx(16104 / 37077 * 100) and "not persons" in r["derivation"]
    assert _derived(tables, "it_qualified_staff_share", "22", 2022)["value"] == pytest.approx(2.17655, abs=1e-4)
    assert _derived(tables, "it_officials_qual_share", "06", 2023, "qualification=university")["value"] == \
        pytest.approx(29 / 38 * 100)


def test_every_derived_row_says_how(tables):
    d = tables["derived"]
    assert d["derivation"].str.len().min() > 10 and d["inputs"].str.len().min() > 0
    assert d["derived_id"].is_unique


def test_processed_files_and_metadata(tables):
    out = tables["_dir"]
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    for name in ["facts", "derived", "audit", "provinces", "sources", "indicators", "population"]:
        assert (out / f"{name}.csv").exists()
        assert meta["tables"][name]["rows"] == len(pd.read_csv(out / f"{name}.csv"))
    assert len(meta["data_version"]) == 12
    facts = pd.read_csv(out / "facts.csv", dtype={"province_code": str})
    qn = facts[facts["fact_id"] == "QN-S012"].iloc[0]
    assert qn["province_key"] == "quang-ninh" and qn["as_written"].startswith("807/37.077")
    assert qn["origin_file"] == "data/raw/facts_seeds.csv"


def test_a_computed_value_is_a_bound_only_where_its_inputs_bound_it_one_way():
    from analysis.data.derive import _flags

    lower, upper, about, exact = ({"flags": f} for f in ("lower_bound", "upper_bound", "approx", ""))
    assert _flags(lower, exact, below=(1,)) == "lower_bound"  # more than 13,600 members / 1,830 teams
    assert _flags(exact, lower, below=(1,)) == "upper_bound"  # a denominator of at least d: the ratio at most
    assert _flags(lower, lower, below=(1,)) == "approx"  # a ratio of two lower bounds bounds nothing
    assert _flags(lower, lower) == "lower_bound"  # a sum of lower bounds is one
    assert _flags(lower, upper) == "approx" and _flags(about, lower) == "approx"
    assert _flags(exact, exact, below=(1,)) == "" and _flags(upper) == "upper_bound"
