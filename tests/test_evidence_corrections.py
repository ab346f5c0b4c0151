"""Facts against the text of their documents, audit checks that can fail, and the findings of issue 11."""

from __future__ import annotations

import pytest
import yaml

from analysis import config
from analysis.data.locators import cited_lines, span_occurs
from analysis.data.process import build_tables
from analysis.data.validate import load_raw
from analysis.errors import DataError

from conftest import edit_csv

needs_documents = pytest.mark.skipif(config.documents_dir() is None,
                                     reason="seed document texts not available (set ANALYSIS_DOCUMENTS_DIR)")


def test_locator_lines_are_read():
    assert cited_lines("line 9") == [9]
    assert cited_lines("lines 7 and 11") == [7, 11]
    assert cited_lines("section 2.2 'Thứ nhất', line 25") == [25]
    assert cited_lines("section 2.2.a, line 30; heading line 28") == [30, 28]
    assert cited_lines("web page (figure as written)") == []


def test_span_with_ellipsis_matches_pieces_in_order():
    text = "Tối thiểu 80% thủ tục hành chính được cung cấp trực tuyến mức độ 3 và 4"
    assert span_occurs("Tối thiểu 80% thủ tục hành chính ... mức độ 3 và 4", text)
    assert not span_occurs("mức độ 3 và 4 ... Tối thiểu 80%", text)


@needs_documents
def test_every_seed_fact_is_on_its_line():
    raw = load_raw()  # raises on any span or year not found
    assert raw.documents_checked


@needs_documents
def test_a_span_not_at_its_locator_is_rejected(raw_copy):
    line = edit_csv(raw_copy / "facts_seeds.csv", "BP-S006", "as_written",
                    "có cơ sở giáo dục đào tạo chuyên ngành CNTT bậc đại học")
    with pytest.raises(DataError) as e:
        load_raw(raw_copy)
    assert f"facts_seeds.csv:{line}: column 'as_written': this span does not occur on" in str(e.value)


@needs_documents
def test_a_year_neither_in_the_line_nor_flagged_is_rejected(raw_copy):
    line = edit_csv(raw_copy / "facts_seeds.csv", "BK-S002", "flags", "")
    with pytest.raises(DataError) as e:
        load_raw(raw_copy)
    assert f"facts_seeds.csv:{line}: column 'period': year 2023 is not written" in str(e.value)


def test_inferred_years_are_flagged():
    facts = load_raw().facts.set_index("fact_id")
    for fid in ["QN-S041", *[f"BK-S{i:03d}" for i in range(1, 16)], "QT-S014", "QT-S015", "QT-S016"]:
        assert "year_inferred" in facts.at[fid, "flags"].split(";"), fid
    assert facts.at["QT-S014", "period"].endswith("/2026")


def _with_check(raw_copy, check: dict) -> None:
    path = raw_copy / "consistency_checks.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["checks"].append(check)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("a,b,message", [("QN-S006", "QN-S006", "compares a fact with itself"),
                                         ("QN-S007", "PR-003", "both sides are derived")])
def test_an_audit_check_that_cannot_fail_is_rejected(raw_copy, a, b, message):
    _with_check(raw_copy, {"id": "bad", "kind": "equal", "a": a, "b": b, "description": "x"})
    with pytest.raises(DataError, match=message):
        load_raw(raw_copy)


def test_no_shipped_audit_check_compares_a_value_with_itself():
    raw = load_raw()
    derived = set(raw.facts.loc[raw.facts["flags"].str.contains("derived"), "fact_id"])
    for c in raw.checks:
        if c["kind"] == "equal":
            assert c["a"] != c["b"] and not (c["a"] in derived and c["b"] in derived), c["id"]


def test_new_findings_are_in_the_audit_with_their_lines():
    audit = build_tables(load_raw())["audit"].set_index("check_id")
    for cid, where in [("qn-two-years-in-2022", "line 7"), ("bk-degree-breakdown-not-a-partition", "line 9"),
                       ("ct-digitisation-growth-readings", "line 29"), ("qt-teams-merge-two-kinds", "line 17")]:
        assert audit.at[cid, "result"] == "finding" and where in audit.at[cid, "note"], cid
    ct = audit.loc["ct-digitisation-growth-readings"]
    assert "20% or more" in ct["note"] and "48.2%" in ct["note"]  # 100 / 1.2**4 = 48.2
    assert audit.at["qn-dti-rank-2021-seed-vs-list", "result"] == "ok"


def test_merged_team_count_is_kept_out_of_team_comparisons():
    facts = load_raw().facts.set_index("fact_id")
    assert facts.at["QT-S004", "breakdown"] != "total"
