"""The province registry the data stage writes (provinces.csv, reports.csv, facts' report_keys) and its readers."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.process import build_tables, load_processed
from analysis.data.provinces import build_provinces, fact_reports, report_rows, with_reports
from analysis.data.schemas import SchemaError, reports_schema
from analysis.data.validate import load_raw
from analysis.territory import territory_changed

# a small country: 01 unchanged; 02 and 03 merge into 03; 04 becomes 05 on its own (a new code, one part)
CROSSWALK = pd.DataFrame({"old_code": ["01", "02", "03", "04"], "new_code": ["01", "03", "03", "05"],
                          "old_name": ["Tỉnh An", "Tỉnh Bình", "Tỉnh Chi", "Tỉnh Dương"],
                          "new_name": ["Tỉnh An", "Tỉnh Chi", "Tỉnh Chi", "Tỉnh Em"]})
POPULATION = pd.DataFrame({"province_code": ["01", "VN"], "year": [2024, 2024], "name_en_gso": ["An", "Viet Nam"],
                           "area_km2": [1.0, 9.0], "avg_population_thousand": [10.0, 90.0]})


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return with_reports(build_provinces(CROSSWALK, POPULATION))


def _row(reg: pd.DataFrame, code: str, boundary: str) -> dict:
    return reg[(reg["province_code"] == code) & (reg["boundary"] == boundary)].iloc[0].to_dict()


def test_each_territory_has_one_report_and_the_registry_says_which(registry):
    assert _row(registry, "01", "pre2025")["report_key"] == "an"
    assert _row(registry, "01", "post2025")["report_key"] == "an"  # same territory: one page
    assert _row(registry, "03", "post2025")["report_key"] == "chi-2025"
    assert _row(registry, "05", "post2025")["report_key"] == "em-2025"  # a new code is a new territory's report
    assert _row(registry, "VN", "pre2025")["report_key"] == ""
    changed = {(r["province_code"], r["boundary"]): r["territory_changed"] for r in registry.to_dict("records")}
    assert changed == {("01", "pre2025"): False, ("02", "pre2025"): True, ("03", "pre2025"): True,
                       ("04", "pre2025"): True, ("01", "post2025"): False, ("03", "post2025"): True,
                       ("05", "post2025"): True, ("VN", "pre2025"): False, ("VN", "post2025"): False}
    # the column is what territory_changed answers from, and it agrees with the rule worked out without it
    without = registry.drop(columns=["territory_changed"])
    for (code, boundary), value in changed.items():
        assert territory_changed(registry, code, boundary) == value == territory_changed(without, code, boundary)


def test_the_reports_table_lists_each_territory_once_with_its_successor_report(registry):
    reports = pd.DataFrame(report_rows(registry.to_dict("records")))
    assert list(reports["province_key"]) == ["an", "binh", "chi", "duong", "chi-2025", "em-2025"]
    by_key = reports.set_index("province_key")
    assert by_key.loc["binh", "successor_key"] == "chi-2025" and by_key.loc["an", "successor_key"] == "an"
    assert list(reports.loc[reports["in_force"], "province_key"]) == ["an", "chi-2025", "em-2025"]
    reports_schema(registry).validate(reports)
    with pytest.raises(SchemaError, match="not a report key"):
        reports_schema(registry).validate(reports.replace({"successor_key": {"chi-2025": "chi-2026"}}),
                                          lazy=True)


def test_which_reports_show_a_figure(registry):
    facts = pd.DataFrame({"province_code": ["02", "03", "03", "01", "01", "VN"],
                          "boundary": ["pre2025", "post2025", "post2025", "post2025", "post2025", "pre2025"],
                          "flags": ["", "", "aggregated", "", "approx;aggregated", None]})
    assert fact_reports(facts, registry) == ["binh", "chi-2025;binh;chi", "chi-2025", "an", "", ""]


def test_the_data_stage_writes_the_registry_and_every_reader_agrees(tmp_path):
    """On the shipped data: reports.csv is recorded in the manifest, and facts and assessments carry report_keys
    whose every key is a report."""
    tables = build_tables(load_raw())
    reports, facts = tables["reports"], tables["facts"]
    keys = set(reports["province_key"])
    shown = {k for ks in facts["report_keys"] for k in ks.split(";") if k}
    assert shown <= keys and "quang-ninh" in shown
    stored = load_processed("reports")  # the manifest checks it (rows and sha256)
    assert list(stored["province_key"]) == list(reports["province_key"])
    assessments = load_processed("assessments")
    assert set(assessments.loc[assessments["province_code"] == "22", "report_keys"]) == {"quang-ninh"}
