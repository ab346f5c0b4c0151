"""analysis import-table on real GSO PX-Web exports (tests/fixtures/pxweb, see SOURCES.md there)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.data.import_table import Registry, TableSource, import_table, match_name
from analysis.data.pxweb import parse_table
from analysis.data.validate import load_raw
from analysis.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
PX = ROOT / "tests" / "fixtures" / "pxweb"
TRAINED = PX / "Percentage of trained employed workers at 15 years of age and above by province.csv"
LABOUR = PX / "Labour force at 15 years of age and above by province.csv"
EMPLOYED = PX / "Percentage of employed workers at 15 years of age and above among population by province.csv"
AREA = PX / "Area, population and population density by province.csv"
# export, indicator, the project's source and fact-id prefix for the panel rows made from it
EXPORTS = [(TRAINED, "trained_employed_share", "gso-yb-trained", "GT"),
           (LABOUR, "labour_force", "gso-yb-labour", "GL"),
           (EMPLOYED, "employed_pop_share", "gso-yb-employed", "GE")]
REGIONS = ["Red River Delta", "Northern midlands and mountain areas", "Northern Central area and Central coastal area",
           "Central Highlands", "South East", "Mekong River Delta"]
NEW = TableSource("gso-px-test", publisher="Tổng cục Thống kê", edition="Niên giám thống kê 2016", table_code="E02.46",
                  licence="Official statistics", url="https://www.gso.gov.vn/px-web-2/")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture()
def raw_without_gso(raw_copy: Path) -> Path:
    """The raw folder as if the GSO panels had never been made (their facts files removed, the revised labour-force
    vintage of 2016–2021 too: these tests import the tables of the 2005–2016 edition)."""
    for name in ("facts_panel_gso.csv", "facts_panel_gso_2016_2021.csv"):
        (raw_copy / name).unlink()
    return raw_copy


@pytest.mark.parametrize("export,indicator,source,prefix", EXPORTS, ids=["trained", "labour", "employed"])
def test_real_export_matches_every_province_and_reports_every_other_row(raw_copy, export, indicator, source, prefix):
    report = import_table(export, indicator, TableSource(source), id_prefix=prefix, dry_run=True, raw_dir=raw_copy)
    provinces = {m.code for m in report.matches if m.kind == "province"}
    assert provinces == set(_read(raw_copy / "admin_crosswalk_2025.csv")["old_code"])  # all 63, each once
    assert [m.code for m in report.matches if m.kind == "country"] == ["VN"]
    assert [m.name for m in report.regions] == REGIONS
    # every row of the table is accounted for: province, country, region or reported as unmatched
    assert len(report.matches) == len(report.table.rows)
    expected = [] if export == TRAINED else ["Ha Tay"]  # merged into Hà Nội in 2008: no code in the registry
    assert [m.name for m in report.unmatched] == expected
    text = report.text()
    for m in report.unmatched:
        assert f"line {m.line}: “{m.name}”" in text
    assert report.boundary == "pre2025"
    # the project already holds these exact figures (made from the same file by the one-off script)
    assert report.rows.empty and not report.differences
    assert report.already_held == sum(1 for r in _read(raw_copy / "facts_panel_gso.csv")["fact_id"]
                                      if r.startswith(prefix + "-"))


@pytest.mark.parametrize("export,indicator,source,prefix", EXPORTS, ids=["trained", "labour", "employed"])
def test_import_reproduces_the_gso_panel_rows(raw_without_gso, export, indicator, source, prefix):
    panel = _read(ROOT / "data" / "raw" / "facts_panel_gso.csv")
    panel = panel[panel["fact_id"].str.startswith(prefix + "-")]
    into = raw_without_gso / "facts_reimport.csv"
    report = import_table(export, indicator, NEW, into, id_prefix=prefix, raw_dir=raw_without_gso)
    assert report.written and len(report.rows) == len(panel)
    got = _read(into).set_index("fact_id")
    want = panel.set_index("fact_id")
    assert sorted(got.index) == sorted(want.index)  # same ids: prefix-code-year
    for col in ("province_code", "boundary", "indicator_id", "period", "unit", "kind", "breakdown"):
        assert (got.loc[want.index, col] == want[col]).all(), col
    assert (got.loc[want.index, "value"].astype(float) == want["value"].astype(float)).all()
    prel = got["flags"] == "preliminary"
    assert set(got.loc[prel, "period"]) == {"2016"} and prel.sum() == 64  # 'Prel. 2016' in the export
    if prefix == "GT":  # the one-off script flagged preliminary figures from the copy's note for this table only
        assert (got.loc[want.index, "flags"] == want["flags"]).all()
    load_raw(raw_without_gso)  # the new file and its source row pass validation


def test_importing_the_same_table_twice_adds_nothing(raw_without_gso):
    into = raw_without_gso / "facts_gso_labour.csv"
    first = import_table(LABOUR, "labour_force", NEW, into, id_prefix="GL", raw_dir=raw_without_gso)
    assert len(first.rows) == 64 * 11 and first.source_row["source_id"] == "gso-px-test"
    state = {p.name: p.read_bytes() for p in raw_without_gso.iterdir()}
    second = import_table(LABOUR, "labour_force", NEW, into, id_prefix="GL", raw_dir=raw_without_gso)
    assert second.rows.empty and second.already_held == 64 * 11 and second.source_row is None
    assert {p.name: p.read_bytes() for p in raw_without_gso.iterdir()} == state
    src = _read(raw_without_gso / "sources_tables.csv")
    assert list(src["source_id"]) == ["gso-px-test"]
    row = src.iloc[0]
    assert "Niên giám thống kê 2016" in row["title"] and "E02.46" in row["title"]
    assert row["licence"] == "Official statistics" and row["number_format"] == "en" and row["unknown"] == "date"


def _rewrite(src: Path, dst: Path, edits: dict[tuple[str, str], str], add_year: str | None = None) -> None:
    """A copy of a PX-Web export with some cells changed (row name, column label) and perhaps a new year column."""
    text = src.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    header = next(csv.reader([lines[2]], delimiter=";"))
    out = lines[:2]
    for ln in lines[2:]:
        if not ln:
            out.append(ln)
            continue
        cells = next(csv.reader([ln], delimiter=";"))
        for (name, label), value in edits.items():
            if cells[0].strip() == name:
                cells[header.index(label)] = value
        if add_year:
            last = cells[-1]
            cells.append(add_year if cells is not None and ln == lines[2] else
                         (f"{float(last) + 0.5:.1f}" if last not in ("..", "") else ".."))
        buf = io.StringIO()
        csv.writer(buf, delimiter=";", lineterminator="").writerow(cells)
        out.append(buf.getvalue())
    dst.write_bytes(("\ufeff" + "\r\n".join(out)).encode("utf-8"))


def test_a_newer_vintage_reports_each_changed_figure_and_overwrites_nothing(raw_copy, tmp_path):
    (raw_copy / "facts_series_national_2017_2025.csv").unlink()  # the whole country's 2017 is held there
    newer = tmp_path / "trained-2017.csv"
    edits = {("Ha Noi", "Prel. 2016"): "43.1", ("Quang Ninh", "2015"): "35.9", ("WHOLE COUNTRY", "2010"): "14.7"}
    _rewrite(TRAINED, newer, edits, add_year="2017")
    panel_before = (raw_copy / "facts_panel_gso.csv").read_bytes()
    into = raw_copy / "facts_gso_2017.csv"
    dry = import_table(newer, "trained_employed_share", NEW, into, id_prefix="GT", dry_run=True, raw_dir=raw_copy)
    assert not into.exists()
    got = {(d.name, d.year): (d.held, d.new, d.held_fact_id) for d in dry.differences}
    assert got == {("Ha Noi", 2016): (42.7, 43.1, "GT-01-2016"), ("Quang Ninh", 2015): (35.6, 35.9, "GT-22-2015"),
                   ("WHOLE COUNTRY", 2010): (14.6, 14.7, "GT-VN-2010")}
    text = dry.text()
    assert "held 42.7 (GT-01-2016, facts_panel_gso.csv), table 43.1" in text and "would add: 64 facts" in text
    assert "by year: 2017 (64)" in text
    # only the new year is added; for the three with a different vintage it starts a new series
    assert set(dry.rows["period"]) == {"2017"}
    flagged = set(dry.rows.loc[dry.rows["flags"] == "definition_break", "province_code"])
    assert flagged == {"01", "22", "VN"}
    real = import_table(newer, "trained_employed_share", NEW, into, id_prefix="GT", raw_dir=raw_copy)
    assert len(real.rows) == 64 and len(real.differences) == 3
    assert (raw_copy / "facts_panel_gso.csv").read_bytes() == panel_before  # held figures kept as they were
    again = import_table(newer, "trained_employed_share", NEW, into, id_prefix="GT", raw_dir=raw_copy)
    assert again.rows.empty and len(again.differences) == 3


VI_REGIONS = {"Red River Delta": "Đồng bằng sông Hồng", "Northern midlands and mountain areas":
              "Trung du và miền núi phía Bắc", "Northern Central area and Central coastal area":
              "Bắc Trung Bộ và duyên hải miền Trung", "Central Highlands": "Tây Nguyên", "South East": "Đông Nam Bộ",
              "Mekong River Delta": "Đồng bằng sông Cửu Long"}


def _vietnamese_xlsx(src: Path, dst: Path, raw: Path, missing: dict[str, str]) -> None:
    """The export as a Vietnamese-labelled XLSX sheet: names with diacritics and 'Tỉnh'/'TP.', 'Sơ bộ 2016',
    numbers as numbers; some cells replaced by missing markers."""
    reg = Registry.from_raw(raw)
    table = parse_table(src)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tỷ lệ lao động từ 15 tuổi trở lên đang làm việc đã qua đào tạo phân theo địa phương"])
    ws.append([])
    ws.append(["Tỉnh, thành phố"] + [c.label.replace("Prel.", "Sơ bộ") for c in table.columns])
    for i, r in enumerate(table.rows):
        m = match_name(r.name, reg, "pre2025")
        if m.kind == "province":
            name = reg.display[(m.code, "pre2025")]
            name = ("TP. " if m.code in ("01", "79", "31", "48", "92") else "Tỉnh ") + name
        else:
            name = {"WHOLE COUNTRY": "Cả nước"}.get(r.name.strip(), VI_REGIONS.get(r.name, r.name))
        cells = [missing.get(name, float(c)) if j == 0 else float(c) for j, c in enumerate(r.cells)]
        ws.append([name] + cells)
    wb.save(dst)


def test_vietnamese_xlsx_export_gives_the_same_figures_and_keeps_missing_missing(raw_copy, tmp_path):
    xlsx = tmp_path / "E02.46.xlsx"
    markers = {"Tỉnh Cao Bằng": "..", "Tỉnh Lai Châu": "-", "Tỉnh Kon Tum": "…", "Tỉnh Cà Mau": None}
    _vietnamese_xlsx(TRAINED, xlsx, raw_copy, markers)  # first year (2008) of four provinces missing
    report = import_table(xlsx, "trained_employed_share", TableSource("gso-px-vi"), id_prefix="GV", dry_run=True,
                          raw_dir=raw_copy)
    assert sum(m.kind == "province" for m in report.matches) == 63 and not report.unmatched
    assert len(report.regions) == 6 and report.table.stub_label == "Tỉnh, thành phố"
    assert report.missing_cells == 4 and report.already_held == 576 - 4
    assert report.rows.empty and not report.differences
    # into an empty folder of facts the same sheet gives the figures with the preliminary year flagged
    (raw_copy / "facts_panel_gso.csv").unlink()
    into = raw_copy / "facts_vi.csv"
    source = TableSource("gso-px-vi", publisher="Tổng cục Thống kê", table_code="E02.46")
    added = import_table(xlsx, "trained_employed_share", source, into, id_prefix="GV", raw_dir=raw_copy)
    got = _read(into)
    assert len(got) == 576 - 4 and not {"GV-04-2008", "GV-12-2008", "GV-62-2008", "GV-96-2008"} & set(got["fact_id"])
    hn = got.set_index("fact_id").loc["GV-01-2016"]
    assert hn["value"] == "42.7" and hn["flags"] == "preliminary" and hn["locator"] == \
        "table E02.46; row “TP. Hà Nội”, column “Sơ bộ 2016”"
    assert added.source_row["language"] == "vi" and added.source_row["title"].startswith("E02.46: Tỷ lệ lao động")


def test_decimal_commas_and_a_transposed_sheet_are_read(raw_without_gso, tmp_path):
    table = parse_table(TRAINED)
    years = [c.label.replace("Prel.", "Sơ bộ") for c in table.columns]
    rows = [["Năm"] + [r.name for r in table.rows]]
    for j, y in enumerate(years):  # years down, provinces across, decimal commas
        rows.append([y] + [r.cells[j].replace(".", ",") for r in table.rows])
    path = tmp_path / "transposed.csv"
    path.write_text("Bảng E02.46\n" + "\n".join(";".join(f'"{c}"' for c in row) for row in rows), encoding="utf-8")
    into = raw_without_gso / "facts_t.csv"
    report = import_table(path, "trained_employed_share", TableSource("gso-px-t", title="E02.46"), into,
                          id_prefix="GT", raw_dir=raw_without_gso)
    assert report.table.transposed and sum(m.kind == "province" for m in report.matches) == 63
    got = _read(into).set_index("fact_id")
    assert got.loc["GT-22-2016", "as_written"] == "34,2" and got.loc["GT-22-2016", "value"] == "34.2"
    assert _read(raw_without_gso / "sources_tables.csv")["number_format"].tolist() == ["vi"]


def test_province_names_in_every_common_spelling():
    reg = Registry.from_raw(ROOT / "data" / "raw")
    pre = {"Ha Noi": "01", "TP. Ho Chi Minh": "79", "TP.Hồ Chí Minh": "79", "Ho Chi Minh city": "79",
           "Thành phố Hồ Chí Minh": "79", "Thua Thien Hue": "46", "Thua Thien-Hue": "46", "Thừa Thiên Huế": "46",
           "Thành phố Huế": "46", "Tỉnh Bắc Kạn": "06", "Bac Kan": "06", "Dak Lak": "66", "Đắk Lắk": "66",
           "Bà Rịa – Vũng Tàu": "77", "Hoà Bình": "17", "Hòa Bình": "17", "Thai  Nguyen": "19", "Cả nước": "VN",
           "WHOLE COUNTRY": "VN"}
    for name, code in pre.items():
        assert match_name(name, reg, "pre2025").code == code, name
    assert match_name("Đồng bằng sông Cửu Long", reg, "pre2025").kind == "region"
    assert match_name("Ha Tay", reg, "pre2025").kind == "unmatched"
    # after 1 July 2025: the new provinces, unchanged ones under either name, merged-away ones reported
    assert match_name("Tuyên Quang", reg, "post2025").code == "08"
    assert match_name("Thua Thien Hue", reg, "post2025").code == "46"
    former = match_name("Bắc Kạn", reg, "post2025")
    assert former.kind == "former" and "Thái Nguyên" in former.note
    assert reg.boundary_of(["Hà Nội", "Tuyên Quang", "Thái Nguyên"]) == "post2025"
    assert reg.boundary_of(["Hà Nội", "Hà Giang", "Tuyên Quang"]) == "pre2025"


def test_a_multi_item_table_needs_its_item_named():
    with pytest.raises(DataError, match="several items.*Average population"):
        parse_table(AREA)
    t = parse_table(AREA, column="average population")
    assert [c.year for c in t.columns] == list(range(2011, 2017))
    assert t.rows[3].name == "Vinh Phuc" and t.rows[3].cells[0] == "1011.4"


def test_an_item_named_exactly_is_picked_before_items_that_contain_its_name(tmp_path):
    beds = tmp_path / "beds.csv"
    beds.write_text('"Patient beds by province"\n\n"Province";"2015 Hospital";"2016 Hospital";'
                    '"2015 Sanatorium and rehabilitation hospital";"2016 Sanatorium and rehabilitation hospital"\n'
                    '"Ha Noi";100;110;7;8\n', encoding="utf-8")
    t = parse_table(beds, column="hospital")
    assert [c.year for c in t.columns] == [2015, 2016] and t.rows[0].cells == ["100", "110"]
    t = parse_table(beds, column="sanatorium")  # no item of that exact name: the one containing it
    assert t.rows[0].cells == ["7", "8"]


def test_bad_input_names_file_row_and_field(raw_copy, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('"T"\n"Tỉnh";"2020";"2021"\n"Ha Noi";12.5;abc\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        import_table(bad, "trained_employed_share", NEW, raw_copy / "facts_x.csv", id_prefix="GX", raw_dir=raw_copy)
    assert "bad.csv:3: column '2021': not a number" in str(e.value) and "abc" in str(e.value)
    with pytest.raises(DataError, match="facts_<name>.csv"):
        import_table(TRAINED, "trained_employed_share", NEW, tmp_path / "facts_x.csv", id_prefix="GX",
                     raw_dir=raw_copy)
    with pytest.raises(DataError, match="unknown indicator"):
        import_table(TRAINED, "no_such_indicator", NEW, dry_run=True, id_prefix="GX", raw_dir=raw_copy)
    # a value the indicator cannot take fails validation, named by the table's line, and nothing is written
    over = tmp_path / "over.csv"
    _rewrite(TRAINED, over, {("Ha Noi", "2015"): "139.4"})
    (raw_copy / "facts_panel_gso.csv").unlink()
    with pytest.raises(DataError) as e:
        import_table(over, "trained_employed_share", NEW, raw_copy / "facts_x.csv", id_prefix="GX", raw_dir=raw_copy)
    assert "over.csv:6: column 'value'" in str(e.value) and "Ha Noi" in str(e.value)
    assert not (raw_copy / "facts_x.csv").exists() and not (raw_copy / "sources_tables.csv").exists()


def test_cli_dry_run_lists_what_it_would_add_and_writes_nothing():
    before = {p.name: p.stat().st_mtime_ns for p in (ROOT / "data" / "raw").iterdir()}
    p = subprocess.run([sys.executable, "-m", "analysis", "import-table", str(LABOUR), "--indicator", "labour_force",
                        "--source-id", "gso-yb-labour", "--id-prefix", "GL", "--dry-run"],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert "matched: 63 provinces and the whole country (VN)" in p.stdout
    assert "line 7: “Ha Tay”" in p.stdout and "would add: 0 facts; already held (same figure): 704" in p.stdout
    assert "Dry run: nothing written." in p.stdout
    assert {p.name: p.stat().st_mtime_ns for p in (ROOT / "data" / "raw").iterdir()} == before


def test_a_table_of_the_34_provinces_after_1_july_2025(raw_copy, tmp_path):
    """Names of the provinces in force from 1 July 2025 give post2025 codes; a former province is reported."""
    cw = _read(raw_copy / "admin_crosswalk_2025.csv").drop_duplicates("new_code")
    lines = ['"Lực lượng lao động từ 15 tuổi trở lên phân theo địa phương"', "", '"Tỉnh, thành phố";"Sơ bộ 2025"',
             '"Cả nước";"53.221,4"']
    for i, r in enumerate(cw.itertuples()):
        lines.append(f'"{r.new_name}";"{1000 + i},5"')
    lines.append('"Bắc Kạn";"150,0"')  # merged into Thái Nguyên: not a province after 1 July 2025
    path = tmp_path / "lf-2025.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    into = raw_copy / "facts_lf_2025.csv"
    report = import_table(path, "labour_force", TableSource("gso-lf-2025", title="Lực lượng lao động 2025"), into,
                          id_prefix="L5", raw_dir=raw_copy)
    assert report.boundary == "post2025"
    assert {m.code for m in report.matches if m.kind == "province"} == set(cw["new_code"])  # all 34
    assert [(m.name, m.kind) for m in report.unmatched] == [("Bắc Kạn", "former")]
    assert "now part of Thái Nguyên" in report.text()
    got = _read(into).set_index("fact_id")
    assert len(got) == 35 and set(got["boundary"]) == {"post2025"} and set(got["flags"]) == {"preliminary"}
    assert got.loc["L5-VN-2025", "value"] == "53221.4" and got.loc["L5-VN-2025", "as_written"] == "53.221,4"
    assert _read(raw_copy / "sources_tables.csv")["number_format"].tolist() == ["vi"]
