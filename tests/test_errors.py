"""A missing or corrupt processed table gives a clear message naming the file, and keeps the last good site."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.cli import main
from analysis.data.manifest import ProcessedDataError
from analysis.data.store import load_processed


@pytest.fixture()
def processed_copy(project, tmp_path, monkeypatch):
    root = tmp_path / "proj"
    for d in ("data", "params", "notebooks", "site/templates", "site/assets"):
        shutil.copytree(project / d, root / d)
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    return root


def test_corrupt_table_names_file_and_columns(processed_copy):
    path = processed_copy / "data" / "processed" / "facts.csv"
    pd.read_csv(path, dtype=str).drop(columns=["value"]).to_csv(path, index=False)
    with pytest.raises(ProcessedDataError, match=r"facts\.csv is corrupt: columns \['value'\] are missing"):
        load_processed("facts")


def test_unreadable_and_missing_tables(processed_copy):
    folder = processed_copy / "data" / "processed"
    (folder / "audit.csv").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ProcessedDataError, match=r"audit\.csv cannot be read as CSV"):
        load_processed("audit")
    (folder / "sources.csv").unlink()
    with pytest.raises(ProcessedDataError, match=r"sources\.csv is missing: run `make data` first"):
        load_processed("sources")


def test_site_stops_with_a_message_and_keeps_the_last_site(processed_copy, capsys):
    out = processed_copy / "site" / "_build"
    out.mkdir(parents=True)
    (out / "index.html").write_text("last good site", encoding="utf-8")
    path = processed_copy / "data" / "processed" / "assessments.csv"
    pd.read_csv(path, dtype=str).drop(columns=["status"]).to_csv(path, index=False)
    code = main(["site", "--no-docx", "--calibration-series", "0"])
    err = capsys.readouterr().err
    assert code == 1
    assert "assessments.csv is corrupt" in err and "'status'" in err and "Traceback" not in err
    assert (out / "index.html").read_text(encoding="utf-8") == "last good site"


@pytest.mark.parametrize("cmd,module", [("data", "analysis.data.process"), ("assess", "analysis.assess.stage")])
def test_a_full_disk_stops_a_stage_with_one_clear_line(cmd, module, monkeypatch, capsys):
    """Both stages that write data/processed say what the disk said and stop; no traceback."""
    import importlib

    def full(*a, **k):
        raise OSError(28, "No space left on device", "data/processed/.tmp-x/facts.csv")

    monkeypatch.setattr(importlib.import_module(module), "build", full)
    assert main([cmd]) == 1
    err = capsys.readouterr().err
    assert "stopped, nothing written: No space left on device: data/processed/.tmp-x/facts.csv" in err
    assert "Traceback" not in err


def test_a_table_read_again_is_the_file_as_it_is_now_and_no_callers_change_reaches_it(processed_copy):
    """load_processed keeps what it read (a warm kernel's notebooks read the same tables) until the file changes."""
    first = load_processed("sources")
    first.loc[first.index[0], "source_id"] = "changed by a caller"
    first["extra"] = 1
    first.index.name = "renamed"
    again = load_processed("sources")
    assert "extra" not in again and again.index.name is None and "changed by a caller" not in set(again["source_id"])
    path = processed_copy / "data" / "processed" / "sources.csv"
    pd.read_csv(path, dtype=str).drop(columns=["source_id"]).to_csv(path, index=False)
    with pytest.raises(ProcessedDataError, match=r"sources\.csv is corrupt: columns \['source_id'\] are missing"):
        load_processed("sources")
