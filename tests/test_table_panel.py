"""The backtest on a table the project does not ship: a real GSO PX-Web export read as a panel
(``analysis.assess.table_panel``) and ``benchmarks/backtest_tables.py`` run on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.assess.table_panel import bounds_for, read_long_panels, read_panel
from analysis.data.pxweb import parse_table
from analysis.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
PX = ROOT / "tests" / "fixtures" / "pxweb"
TRAINED = PX / "Percentage of trained employed workers at 15 years of age and above by province.csv"
LABOUR = PX / "Labour force at 15 years of age and above by province.csv"
AREA = PX / "Area, population and population density by province.csv"


def test_a_real_export_gives_the_provinces_figures_and_leaves_out_country_and_regions():
    long, table = read_panel(TRAINED)
    raw = pd.read_csv(ROOT / "data" / "raw" / "facts_panel_gso.csv", dtype=str, keep_default_na=False)
    raw = raw[(raw["indicator_id"] == "trained_employed_share") & (raw["province_code"] != "VN")]
    assert long["province_code"].nunique() == 63 and "VN" not in set(long["province_code"])
    got = long.set_index(["province_code", "year"])["value"].sort_index()
    want = raw.assign(year=raw["period"].astype(int), value=raw["value"].astype(float)) \
        .set_index(["province_code", "year"])["value"].sort_index()
    pd.testing.assert_series_equal(got, want, check_names=False)
    assert bounds_for(long["value"], table.title) == (0.0, 100.0)
    labour, t = read_panel(LABOUR)
    assert bounds_for(labour["value"], t.title) == (0.0, None)  # thousand persons: never negative, no ceiling
    assert bounds_for(pd.Series([-1.0, 2.0]), "Net migration rate") is None


def test_a_cell_that_is_not_a_number_is_named_by_file_line_and_column(tmp_path):
    text = TRAINED.read_text(encoding="utf-8-sig").replace('"Quang Ninh";', '"Quang Ninh";abc;', 1)
    bad = tmp_path / "trained.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_panel(bad)
    assert "trained.csv" in str(e.value) and "2008" in str(e.value) and "Quang Ninh" in str(e.value)


def test_school_years_and_pre_marked_years_are_read(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text('"Graduates by province"\n\n"Cities, provincies";"2013-2014";"2014-2015";"Pre. 2016"\n'
                 '"Ha Noi";90.1;91.2;92.0\n', encoding="utf-8")
    cols = parse_table(f).columns
    assert [c.year for c in cols] == [2014, 2015, 2016] and [c.preliminary for c in cols] == [False, False, True]
    assert {c.item for c in cols} == {""}
    # the header repeated below itself, as a re-saved copy carries it, is not a row of figures
    f.write_text('"Cities, provincies";"2014";"2015"\n"Cities, provincies";"2014";"2015"\n"Ha Noi";90.1;91.2\n',
                 encoding="utf-8")
    assert [r.name for r in parse_table(f).rows] == ["Ha Noi"]


def test_the_benchmark_runs_every_readable_table_and_reports_the_others(tmp_path):
    short = tmp_path / "two years.csv"  # too short for any backtest: reported, and the others still run
    short.write_text("\n".join(";".join(line.split(";")[:3]) for line in
                               TRAINED.read_text(encoding="utf-8-sig").splitlines()), encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "backtest_tables.py"), str(short), str(TRAINED),
                          str(AREA)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 1, run.stderr
    assert "every table together (1):" in run.stdout and "engine MAE within 5% of the better naive rule" in run.stdout
    assert "bounds (0.0, 100.0)" in run.stdout and "63 provinces, 2008-2016" in run.stdout
    assert "not run:" in run.stderr and "Area, population" in run.stderr and "several items" in run.stderr
    assert "two years.csv: too few years for a backtest (years [2008, 2009]" in run.stderr


def test_the_benchmark_reads_a_list_of_tables_each_with_its_item_bounds_and_set(tmp_path):
    listing = tmp_path / "tables.csv"
    listing.write_text("set,file,column,bounds\n"
                       f'development,"{TRAINED.name}",,"0,100"\n'
                       f'confirmation,"{AREA.name}",Average population,\n', encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "backtest_tables.py"), "--list", str(listing),
                          "--root", str(TRAINED.parent)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert AREA.parent == TRAINED.parent
    assert run.returncode == 0, run.stderr
    assert "development (1 tables):" in run.stdout and "confirmation (1 tables):" in run.stdout
    assert "every table together (2):" in run.stdout and "bounds (0.0, 100.0)" in run.stdout
    assert f"{AREA.stem[:40]} / Average population:" in run.stdout
    bad = tmp_path / "no file column.csv"
    bad.write_text("name\nx.csv\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "backtest_tables.py"), "--list", str(bad)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 1 and "no file column.csv: no column 'file' (columns: name)" in run.stderr


FACTS_GSO = ROOT / "data" / "raw" / "facts_panel_gso.csv"


def _as_long_by_name(tmp_path: Path) -> Path:
    """The real PX-Web export of the trained share rewritten long, by province name, Vietnamese header and
    decimal commas (as a spreadsheet saved in Vietnam writes it), whole country and regions kept in."""
    table = parse_table(TRAINED)
    lines = ["Tỉnh;Năm;Giá trị"]
    for r in table.rows:
        for col, cell in zip(table.columns, r.cells):
            lines.append(f"{r.name};{col.year};{cell.replace('.', ',')}")
    f = tmp_path / "trained long.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def test_a_long_table_by_code_or_by_name_gives_the_same_panel_as_the_wide_export(tmp_path):
    wide, _ = read_panel(TRAINED)
    want = wide.set_index(["province_code", "year"])["value"].sort_index()
    # the project's own facts table: codes, a 'period' column, several indicators, the whole country as 'VN'
    by_code = read_long_panels(FACTS_GSO)
    assert set(by_code) == {"trained_employed_share", "labour_force", "employed_pop_share"}
    long, title = by_code["trained_employed_share"]
    assert title == "trained_employed_share (percent)" and bounds_for(long["value"], title) == (0.0, 100.0)
    pd.testing.assert_series_equal(long.set_index(["province_code", "year"])["value"].sort_index(), want,
                                   check_names=False)
    # names, not codes: matched as the wide table's rows are; the country and the regions are left out
    (item, (long, _)), = read_long_panels(_as_long_by_name(tmp_path)).items()
    assert item == "" and "VN" not in set(long["province_code"])
    pd.testing.assert_series_equal(long.set_index(["province_code", "year"])["value"].sort_index(), want,
                                   check_names=False)
    assert read_long_panels(TRAINED) is None  # a wide export is not a long table
    assert set(read_long_panels(FACTS_GSO, item="labour_force")) == {"labour_force"}
    # PCI's 2021 method change is flagged: two panels, never one joined across the break
    pci = read_long_panels(ROOT / "data" / "raw" / "facts_panel_pci_2017_2022.csv", item="pci_labour_training")
    assert {k: (int(d["year"].min()), int(d["year"].max())) for k, (d, _) in pci.items()} == {
        "pci_labour_training@2017": (2017, 2020), "pci_labour_training@2021": (2021, 2022)}


def test_a_long_table_names_the_line_and_column_of_a_bad_figure_and_of_a_province_year_given_twice(tmp_path):
    f = _as_long_by_name(tmp_path)
    lines = f.read_text(encoding="utf-8").splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.startswith("Quang Ninh;2010;"))
    bad = lines.copy()
    bad[n] = "Quang Ninh;2010;mười"
    f.write_text("\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_long_panels(f)
    assert f"trained long.csv:{n + 1}: column 'Giá trị'" in str(e.value) and "mười" in str(e.value)
    twice = lines + [lines[n]]
    f.write_text("\n".join(twice) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_long_panels(f)
    assert f"trained long.csv:{len(twice)}:" in str(e.value) and f"given twice (also line {n + 1})" in str(e.value)


def test_the_benchmark_runs_each_indicator_of_a_long_table_and_leaves_out_ranks(tmp_path):
    ranks = ROOT / "data" / "raw" / "facts_ranking_pci_2017_2022.csv"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "backtest_tables.py"), str(ranks),
                          str(_as_long_by_name(tmp_path))], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 1, run.stderr
    assert "trained long: 63 provinces, 2008-2016, bounds (0.0, None)" in run.stdout
    assert "every table together (1):" in run.stdout
    assert f"{ranks} (facts_ranking_pci_2017_2022 / pci_rank@2017): ranks, which are never forecast" in run.stderr
