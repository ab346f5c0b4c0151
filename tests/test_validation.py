"""Each kind of bad input is rejected with a message naming file, line and column."""

from __future__ import annotations

import os
import re

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


# ------------------------------------------------------------------ files as people save them
def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(raw_copy):
    n = len(load_raw(raw_copy).facts)
    for name in ("facts_press.csv", "indicators.csv", "sources_web.csv"):
        path = raw_copy / name
        text = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text)  # Excel's "CSV UTF-8"
    assert len(load_raw(raw_copy).facts) == n


def test_a_raw_csv_cut_inside_its_last_field_is_refused_naming_the_line(raw_copy):
    path = raw_copy / "facts_press.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:50]) + lines[50].rstrip()[:-3])  # line 51 cut in its last field, 52… gone
    problems = _problems(raw_copy)
    assert any(p.startswith("facts_press.csv:51:") and "cut short" in p for p in problems), problems


def test_facts_files_cut_to_their_header_are_each_refused(raw_copy):
    """A facts file holding only its header reads as valid CSV, and its figures would vanish without a word."""
    names = ["facts_ranking_mic_2017.csv", "facts_series_provinces.csv"]
    for name in names:
        path = raw_copy / name
        path.write_bytes(path.read_bytes().splitlines(keepends=True)[0])
    problems = _problems(raw_copy)
    for name in names:
        assert any(p.startswith(f"{name}:2:") and "header but no rows" in p for p in problems), problems


def test_make_data_warns_when_a_file_gives_far_fewer_facts_than_at_the_last_build(tmp_path, monkeypatch, capsys):
    """Cut at a row boundary, a file is valid: the build says how many facts it lost against the last build."""
    import shutil

    from analysis.cli import main

    raw = tmp_path / "data" / "raw"
    shutil.copytree(RAW, raw)
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(tmp_path))
    monkeypatch.delenv("ANALYSIS_DOCUMENTS_DIR", raising=False)
    assert main(["data"]) == 0
    assert "warning" not in capsys.readouterr().err  # the first build has nothing to compare with
    path = raw / "facts_ranking_mic_2017.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:51]))  # rows 52… gone, the file still ends with a line break
    assert main(["data"]) == 0
    err = capsys.readouterr().err
    assert "warning: data/raw/facts_ranking_mic_2017.csv: 50 facts" in err and f"{len(lines) - 1} at the last" in err
    assert err.count("warning") == 1, err  # the untouched files say nothing
    assert main(["data"]) == 0 and "warning" not in capsys.readouterr().err  # said once, against the last build


def test_a_quote_left_open_at_the_end_is_refused_naming_its_line(raw_copy):
    path = raw_copy / "facts_press.csv"
    n = len(path.read_bytes().splitlines())
    path.write_bytes(path.read_bytes() + b'PR-999,22,pre2025,"cut here\n')
    problems = _problems(raw_copy)
    assert any(p.startswith(f"facts_press.csv:{n + 1}:") and "quote" in p for p in problems), problems


def test_a_file_that_is_not_utf8_is_one_problem_naming_file_and_line(raw_copy):
    path = raw_copy / "facts_press.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[9] = lines[9].replace(b",", "Đ,".encode("cp1258"), 1)
    path.write_bytes(b"".join(lines))
    problems = _problems(raw_copy)
    assert len(problems) == 1 and problems[0].startswith("facts_press.csv:10:") and "not UTF-8" in problems[0]


def test_bad_yaml_in_the_consistency_checks_is_one_problem_naming_file_and_line(raw_copy):
    path = raw_copy / "consistency_checks.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(3, "  - [unclosed, list\n")
    path.write_text("".join(lines), encoding="utf-8")
    problems = _problems(raw_copy)
    assert len(problems) == 1 and re.match(r"consistency_checks\.yaml:\d+: not valid YAML", problems[0]), problems


def test_make_data_reruns_when_a_processed_table_is_missing(tmp_path):
    """`make data` after a processed table was deleted rebuilds (before, its only target was metadata.json)."""
    import shutil
    import subprocess

    from analysis.data.process import DESCRIPTIONS

    processed = tmp_path / "processed"
    processed.mkdir()
    for name in [*DESCRIPTIONS, "metadata", "manifest"]:
        (processed / (name + (".json" if name in ("metadata", "manifest") else ".csv"))).write_text("x")
    root = RAW.parents[1]

    def dry_run() -> str:
        return subprocess.run(["make", "-n", "-C", str(root), "data", f"PROCESSED_DIR={processed}"],
                              capture_output=True, text=True).stdout

    assert "analysis data" not in dry_run()  # every table there and newer than its inputs: nothing to do
    (processed / "facts.csv").unlink()
    assert "analysis data" in dry_run()
    shutil.rmtree(processed)


def test_the_makefile_lists_every_processed_table():
    from analysis.data.process import DESCRIPTIONS

    text = (RAW.parents[1] / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"PROCESSED := \$\(addprefix [^,]+,(.*?)\)\n", text, re.S).group(1)
    assert set(re.findall(r"([a-z0-9_]+)\.csv", listed)) == set(DESCRIPTIONS)


def test_a_new_year_reassesses(tmp_path):
    """A target year passes with the calendar: `make assess` reruns when the build's year changes (and only then),
    while `make data` does not."""
    import subprocess

    from analysis.assess.stage import build  # noqa: F401  (the stage exists)
    from analysis.data.process import DESCRIPTIONS

    processed = tmp_path / "processed"
    processed.mkdir()
    for name in [*DESCRIPTIONS, "metadata", "manifest"]:
        (processed / (name + (".json" if name in ("metadata", "manifest") else ".csv"))).write_text("x")
    year = tmp_path / "build-year"
    root = RAW.parents[1]

    def dry_run(today: str) -> str:
        return subprocess.run(["make", "-n", "-C", str(root), "assess", f"PROCESSED_DIR={processed}",
                               f"BUILD_YEAR={year}"], capture_output=True, text=True,
                              env={**os.environ, "ANALYSIS_TODAY": today}).stdout

    dry_run("2026-06-01")  # writes the stamp: 2026
    from analysis.data.manifest import STAGE_OF

    for name in [n for n, stage in STAGE_OF.items() if stage == "assess"]:
        (processed / f"{name}.csv").write_text("x")  # assessed after it
    assert "analysis assess" not in dry_run("2026-12-31")  # the same year: nothing to do
    assert year.read_text().strip() == "2026"
    out = dry_run("2027-01-01")
    assert "analysis assess" in out and "analysis data" not in out
    assert year.read_text().strip() == "2027"
