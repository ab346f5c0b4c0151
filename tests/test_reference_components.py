"""The reference tables added last (PCI's labour-training components, MIC's 2017 e-government ranking, the whole
country's extra points) are in data/raw whole, with every figure as stored and every unit change said."""

from __future__ import annotations

import csv
import importlib
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.validate import load_raw
from analysis.errors import DataError
from conftest import RAW, edit_csv

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
PCI = RAW / "facts_panel_pci_components_2017_2019.csv"
MIC = RAW / "facts_ranking_mic_2017.csv"


def _facts(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_pci_components_cover_every_province_year_and_keep_the_stored_figure():
    f = _facts(PCI)
    assert f["indicator_id"].nunique() == 11
    assert (f.groupby("indicator_id")["province_code"].nunique() == 63).all()
    assert set(f["period"]) == {"2017", "2018", "2019"}
    assert not f.duplicated(["indicator_id", "province_code", "period"]).any()
    value, stored = f["value"].astype(float), f["as_written"].astype(float)
    derived = f["flags"] == "derived"
    # a 0-1 fraction becomes percent (x 100), said in the row; a figure stored in percent is kept as stored
    assert ((value[derived] - 100 * stored[derived]).abs() < 1e-5).all()
    assert (f.loc[derived, "scope_note"].str.contains("x 100")).all()
    assert (value[~derived] == stored[~derived]).all() and (~derived).sum() == 3 * 63 * 3
    assert value.between(0, 100).all() and (f["unit"] == "percent").all()


def test_mic_2017_ranks_follow_the_index_and_stop_at_53():
    f = _facts(MIC)
    wide = f.pivot(index="province_code", columns="indicator_id", values="value").astype(float)
    assert len(wide) == 53 and wide["mic_egov_rank"].max() == 53  # the stored page stops at rank 53
    # a tie shares its rank (two provinces at 17, none at 18): each rank is 1 + the provinces with a higher index
    above = wide["mic_egov_index"].map(lambda v: int((wide["mic_egov_index"] > v).sum()))
    assert (wide["mic_egov_rank"] == above + 1).all()


def test_pci_ranks_are_whole_for_2017_2019_and_break_in_2021():
    f = _facts(RAW / "facts_ranking_pci_2017_2022.csv")
    per_year = f.groupby("period")["value"].apply(lambda v: sorted(v.astype(int)))
    for year in ("2017", "2018", "2019"):
        assert per_year[year][0] == 1 and per_year[year][-1] == 63 and len(per_year[year]) == 63
    assert set(f.loc[f["flags"] == "definition_break", "period"]) == {"2021"}


def test_the_new_files_validate_and_reach_the_facts():
    raw = load_raw(RAW)
    ids = set(raw.facts["indicator_id"])
    assert {"pci_lt_vocational_completed_share", "mic_egov_index", "mic_egov_rank",
            "online_services_with_dossier_share", "pci_rank"} <= ids
    vn = raw.facts[(raw.facts["province_code"] == "VN") & (raw.facts["indicator_id"] == "labour_force")]
    assert {2018, 2019, 2020, 2021, 2022} <= set(vn["year"])
    assert "definition_break" in vn.loc[vn["year"] == 2018, "flags"].iat[0]  # a revised vintage, not joined


def test_a_space_between_digit_groups_reads_as_a_thousands_separator(raw_copy):
    line = edit_csv(raw_copy / "facts_series_national_extra.csv", "NX-001", "value", "55388")
    load_raw(raw_copy)  # "55 388,00" holds 55388
    edit_csv(raw_copy / "facts_series_national_extra.csv", "NX-001", "value", "55389")
    with pytest.raises(DataError) as e:
        load_raw(raw_copy)
    assert f"facts_series_national_extra.csv:{line}: column 'value'" in str(e.value)


def _curation():
    sys.path.insert(0, str(ROOT / "scripts" / "curation"))
    try:
        return importlib.import_module("import_reference_components")
    finally:
        sys.path.pop(0)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the reference tables (../shared/reference) are not beside this checkout")
def test_curation_script_reproduces_the_shipped_files_from_the_reference_tables():
    cur = _curation()
    assert cur.pci_rows(REFERENCE) == _rows(PCI)
    assert cur.mic_rows(REFERENCE) == _rows(MIC)
    assert cur.pci_rank_rows(REFERENCE) == _rows(RAW / "facts_ranking_pci_2017_2022.csv")
    assert cur.national_rows(REFERENCE) == _rows(RAW / "facts_series_national_extra.csv")
    cited = {r[12] for r in cur.national_rows(REFERENCE)} | {"mic-egov-2017"}
    assert cited <= {r[0] for r in _rows(RAW / "sources_reference_components.csv")}


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the reference tables (../shared/reference) are not beside this checkout")
def test_every_figure_of_the_two_tables_is_a_fact():
    f = pd.concat([_facts(PCI), _facts(MIC)])
    held = set(zip(f["province_code"], f["period"], f["as_written"]))
    for name in ("pci_labour_training_indicators_2017_2019.csv", "mic_it_application_egov_index_2017.csv"):
        ref = pd.read_csv(REFERENCE / name, dtype=str, keep_default_na=False)
        missing = [r for r in zip(ref["province_code"], ref["year"], ref["as_written"]) if r not in held]
        assert not missing, (name, missing[:3])
