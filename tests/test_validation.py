"""Each kind of bad input is rejected with a message naming file, line and column."""

from __future__ import annotations

import pytest

from analysis.data.process import build
from analysis.data.validate import load_raw
from analysis.errors import DataError
from conftest import RAW, append_csv_row, edit_csv


def _problems(raw) -> list[str]:
    with pytest.raises(DataError) as exc:
        load_raw(raw)
    return [str(p) for p in exc.value.problems]


def test_shipped_raw_data_is_valid():
    raw = load_raw(RAW)
    assert len(raw.facts) >= 200
    per_province = raw.facts.groupby("province_code").size()
    for code in ["22", "70", "92", "06", "44", "45", "VN"]:
        assert per_province.get(code, 0) > 0, code
    assert set(raw.facts["kind"]) >= {"observation", "target"}


@pytest.mark.parametrize("fact_id,column,value,expect", [
    ("BK-S001", "value", "-38", "negative count"),
    ("QT-S008", "value", "107.5", "above the indicator's upper bound"),
    ("QN-S001", "province_code", "99", "unknown province code"),
    ("QN-S001", "indicator_id", "no_such_indicator", "unknown indicator id"),
    ("QN-S001", "source_id", "no-such-source", "unknown source id"),
    ("BP-S001", "baseline_year", "2027", "target deadline is earlier than its baseline year"),
    ("QN-S011", "value", "37.077,5", "malformed number"),
    ("QN-S011", "value", "12,3", "malformed number"),
    ("BP-S001", "comparator", "", "a target needs a comparator"),
    ("QN-S011", "value", "37078", "not among the numbers written in as_written"),
    ("QN-S011", "unit", "percent", "unit differs"),
    ("QN-S011", "period", "2099", "observation dated after"),
])
def test_bad_fact_is_rejected_with_file_line_column(raw_copy, fact_id, column, value, expect):
    line = edit_csv(raw_copy / "facts_seeds.csv", fact_id, column, value)
    problems = _problems(raw_copy)
    hits = [p for p in problems if expect in p]
    assert hits, problems
    assert any(p.startswith(f"facts_seeds.csv:{line}:") and f"column '{column}'" in p for p in hits), hits


def test_duplicate_fact_id_across_files_is_rejected(raw_copy):
    line = edit_csv(raw_copy / "facts_press.csv", "PR-001", "fact_id", "QN-S001")
    problems = _problems(raw_copy)
    assert any(p.startswith(f"facts_press.csv:{line}:") and "duplicate" in p and "fact_id" in p for p in problems)


def test_percentage_in_indicator_bounds_checked_for_press_rows(raw_copy):
    line = edit_csv(raw_copy / "facts_press.csv", "PR-020", "value", "192.8")
    problems = _problems(raw_copy)
    assert any(p.startswith(f"facts_press.csv:{line}:") and "upper bound" in p for p in problems)


def test_all_problems_reported_not_just_first(raw_copy):
    edit_csv(raw_copy / "facts_seeds.csv", "BK-S001", "value", "-38")
    edit_csv(raw_copy / "facts_seeds.csv", "QN-S001", "province_code", "99")
    problems = _problems(raw_copy)
    assert any("negative count" in p for p in problems) and any("unknown province" in p for p in problems)


def test_unquoted_comma_reports_the_line(raw_copy):
    path = raw_copy / "sources_documents.csv"
    path.write_text(path.read_text(encoding="utf-8") + "bad-src,web_page,a,b,c,d\n", encoding="utf-8")
    problems = _problems(raw_copy)
    assert any(p.startswith("sources_documents.csv:") and "fields" in p for p in problems)


def test_empty_source_field_must_be_marked_unknown(raw_copy):
    line = edit_csv(raw_copy / "sources_documents.csv", "seed-qn-tccs", "unknown", "issuer_author;url;licence")
    problems = _problems(raw_copy)
    assert any(p.startswith(f"sources_documents.csv:{line}:") and "not marked unknown" in p and "date" in p
               for p in problems)


def test_unknown_province_in_population_table(raw_copy):
    line = append_csv_row(raw_copy / "population_gso.csv", {
        "province_code": "99", "name_vi": "X", "name_en_gso": "X", "year": "2020", "area_km2": "1",
        "avg_population_thousand": "1", "density_per_km2": "1", "source_id": "gso-e0201"})
    problems = _problems(raw_copy)
    assert any(p.startswith(f"population_gso.csv:{line}:") and "unknown province code" in p for p in problems)


def test_failed_build_writes_nothing_and_leaves_raw_untouched(raw_copy, tmp_path):
    out = tmp_path / "processed"
    build(raw_copy, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    raw_before = {p.name: p.read_bytes() for p in raw_copy.iterdir()}
    edit_csv(raw_copy / "facts_seeds.csv", "BK-S001", "value", "-38")
    raw_before["facts_seeds.csv"] = (raw_copy / "facts_seeds.csv").read_bytes()
    with pytest.raises(DataError):
        build(raw_copy, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert {p.name: p.read_bytes() for p in raw_copy.iterdir()} == raw_before
