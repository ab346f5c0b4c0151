"""The sidecar of a notebook's numbered tables and figures (items.json): written by the report package during the
run, read by the site in place of the notebook's HTML, and covered by the notebook's cache key."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from analysis.report import items as I
from analysis.run.cache import code_files
from analysis.site.cite import item_cite_boxes, read_items
from analysis.site.notebook_html import notebook_body
from analysis.site.page import Page, SiteError

ROOT = Path(__file__).resolve().parents[1]
META = {"built_at": "2026-12-01T00:00:00+00:00", "data_version": "abc123", "author": "Nhóm dự án"}

SOURCE = """\
from pathlib import Path
from types import SimpleNamespace
import pandas as pd
from analysis.report.display import show_table
ctx = SimpleNamespace(lang="en", key="demo", out_dir=Path(out), numbering={"table": 0, "figure": 0}, cites=None)
show_table(pd.DataFrame({"province": ["An", "Bình"], "value": [1, 2]}), "population", ctx)
show_table(pd.DataFrame({"x": [3]}), "side_by_side", ctx)
"""


def _run(tmp_path: Path, out: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("out = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    src, done = tmp_path / "demo.ipynb", tmp_path / "demo.out.ipynb"
    nbformat.write(nb, src)
    pm.execute_notebook(str(src), str(done), parameters={"out": str(out)}, kernel_name="python3", progress_bar=False,
                        cwd=str(tmp_path))
    return done


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """One real papermill run of a small notebook showing two numbered tables; its page body and outputs."""
    tmp = tmp_path_factory.mktemp("sidecar")
    out = tmp / "outputs"
    done = _run(tmp, out)
    return done, notebook_body(done), out


def test_a_notebook_run_writes_its_items_and_the_page_keeps_only_markers(executed):
    done, body, out = executed
    data = json.loads((out / I.SIDECAR).read_text(encoding="utf-8"))
    assert data["format"] == I.FORMAT
    assert [(i["kind"], i["anchor"], i["stem"]) for i in data["items"]] == [
        ("table", "table-population", "demo-en-population"), ("table", "table-side_by_side", "demo-en-side_by_side")]
    assert data["items"][0]["caption"].startswith("Table 1. Population and area")
    assert data["items"][0]["files"] == ["tables/population.csv", "tables/population.tex", "tables/population.xlsx"]
    assert body.count(I.MARKER_PREFIX) == 2 and I.marker("table-population") in body
    assert "data-caption" not in body  # the page carries no item's data: the sidecar does


def test_the_site_reads_the_sidecar_and_puts_each_cite_box_in_its_marker(executed, tmp_path):
    done, body, out = executed
    items = read_items(out, done, body)
    downloads = tmp_path / "downloads"
    (downloads / "tables").mkdir(parents=True)
    for ext in ("csv", "xlsx", "docx"):  # a file the item did not write is not linked
        (downloads / "tables" / f"demo-en-population.{ext}").write_text("x")
    page = Page("en", "provinces/demo.html", "Demo", body, items=items)
    html = item_cite_boxes(body, page, META, downloads)
    assert I.MARKER_PREFIX not in html
    assert html.count("cite-item") >= 2 and "#table-side_by_side" in html
    assert "downloads/tables/demo-en-population.csv" in html and "demo-en-population.xlsx" in html
    assert "demo-en-population.docx" not in html and "demo-en-side_by_side.csv" not in html
    # the box follows the table, where the marker was
    assert html.index("table-population") < html.index("cite-item") < html.index("table-side_by_side")


def test_a_missing_or_stale_sidecar_names_the_notebook(executed, tmp_path):
    done, body, out = executed
    with pytest.raises(SiteError, match=r"demo\.out\.ipynb: its sidecar .*items\.json is missing \(2 numbered"):
        read_items(tmp_path / "nowhere", done, body)
    assert read_items(tmp_path / "nowhere", done, "<p>no items</p>") == ()
    stale = tmp_path / "stale"
    stale.mkdir()
    data = json.loads((out / I.SIDECAR).read_text(encoding="utf-8"))
    data["items"] = data["items"][:1]  # an earlier run's sidecar: one item fewer than the page shows
    (stale / I.SIDECAR).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SiteError, match=r"demo\.out\.ipynb: .* is stale: it lists 1 item\(s\), the page has 2"):
        read_items(stale, done, body)
    data["items"][0]["anchor"] = "table-gone"
    (stale / I.SIDECAR).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SiteError, match="not found once: table-gone"):
        read_items(stale, done, I.marker("table-population"))
    (stale / I.SIDECAR).write_text("{not json", encoding="utf-8")
    with pytest.raises(SiteError, match=r"demo\.out\.ipynb: its sidecar .* cannot be read"):
        read_items(stale, done, body)


def test_a_rerun_starts_a_new_sidecar(tmp_path):
    I.record(tmp_path, {"kind": "table", "anchor": "table-a", "caption": "A", "stem": "s"}, first=True)
    I.record(tmp_path, {"kind": "figure", "anchor": "figure-b", "caption": "B", "stem": "b"}, first=False)
    assert [i["anchor"] for i in json.loads((tmp_path / I.SIDECAR).read_text())["items"]] == ["table-a", "figure-b"]
    I.record(tmp_path, {"kind": "table", "anchor": "table-c", "caption": "C", "stem": "s"}, first=True)
    assert [i["anchor"] for i in json.loads((tmp_path / I.SIDECAR).read_text())["items"]] == ["table-c"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_notebook_cache_key_covers_the_sidecar_writer():
    for nb in ("province.ipynb", "compare.ipynb"):
        files = {p.name for p in code_files(ROOT / "notebooks" / nb)}
        assert {"items.py", "display.py"} <= files, nb
