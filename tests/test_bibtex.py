"""Citation outputs a researcher can use as they are: sources.bib read by a real BibTeX parser (pybtex), cite
boxes that leave the access date to the reader, and a footer that links the project's README and source."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pybtex.database import parse_string

from analysis.data.validate import load_raw
from analysis.report.bibtex import bibtex, split_authors
from analysis.site import build as B
from analysis.site import pages as SP
from analysis.site import write as W
from analysis.site.project_files import source_files, write_source_archive

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sources():
    return load_raw(ROOT / "data" / "raw").sources


def test_sources_bib_parses_with_each_author_apart_and_affiliations_in_the_note(sources):
    db = parse_string(bibtex(sources), "bibtex")
    assert sorted(db.entries) == sorted(sources["source_id"])
    qt = db.entries["seed-qt-leduan"]
    assert [(p.last_names, p.first_names + p.middle_names) for p in qt.persons["author"]] == [
        (["Trần"], ["Văn", "Toàn"]), (["Nguyễn"], ["Thị", "Như", "Quỳnh"])]
    assert "Trường Chính trị Lê Duẩn tỉnh Quảng Trị" in qt.fields["note"]
    # an agency is one author, its English gloss in the note; a signatory is not an author
    gso = db.entries["gso-yb-trained"].persons["author"]
    assert len(gso) == 1 and str(gso[0]) == "{Tổng cục Thống kê}"
    bp = db.entries["seed-bp-ketluan"]
    assert len(bp.persons["author"]) == 1 and "Nguyễn Mạnh Cường" in bp.fields["note"]
    for key, e in db.entries.items():
        for p in e.persons.get("author", []):
            name = str(p)
            assert ";" not in name and not name.endswith(")"), (key, name)  # no list, no trailing affiliation
            assert name.startswith("{") or "(" not in name, (key, name)  # '(VCCI)' only inside an agency's name
        if e.type == "article":
            assert e.fields.get("journal"), key  # @article only with its journal
        if e.type == "techreport":
            assert e.fields.get("institution"), key
    assert db.entries["seed-qn-tccs"].fields["journal"] == "Tạp chí Cộng sản (TCCS)"


def test_split_authors_keeps_parentheses_out_of_names():
    assert split_authors("Trần Văn Toàn; Nguyễn Thị Như Quỳnh (Trường Chính trị Lê Duẩn tỉnh Quảng Trị)") == (
        ["Trần, Văn Toàn", "Nguyễn, Thị Như Quỳnh"], ["Trường Chính trị Lê Duẩn tỉnh Quảng Trị"])
    assert split_authors("Tổng cục Thống kê (General Statistics Office; now National Statistics Office)") == (
        ["{Tổng cục Thống kê}"], ["General Statistics Office; now National Statistics Office"])
    assert split_authors("UNDP và CECODES") == (["{UNDP và CECODES}"], [])
    assert split_authors("") == ([], [])


def _meta():
    return {"built_at": "2026-12-01T08:00:00+00:00", "data_version": "abc123", "author": ""}


@pytest.mark.parametrize("lang,placeholder", [("vi", "[ngày/tháng/năm]"), ("en", "[day month year]")])
def test_cite_box_leaves_the_access_date_to_the_reader(lang, placeholder):
    page = B.Page(lang, "provinces/quang-ninh.html", "Quảng Ninh", "<p>x</p>")
    for item in (None, {"kind": "table", "anchor": "table-profile", "caption": "Bảng 1. Hồ sơ."}):
        box = B.cite_box(page, _meta(), item)
        ref = re.search(r"<p class='cite-ref'[^>]*>(.*?)</p>", box, re.S).group(1)
        assert f"<span class='cite-accessed'>{placeholder}</span>" in ref
        assert "01/12/2026" not in ref and "1 December 2026" not in ref and "2026-12-01" not in box
        bib = re.search(r"<pre class='cite-bib'>(.*?)</pre>", box, re.S).group(1)
        assert "<span class='cite-urldate'>YYYY-MM-DD</span>" in bib
        # what site.js makes of it parses as BibTeX, with the reader's date
        filled = re.sub(r"<[^>]+>", "", bib.replace("YYYY-MM-DD", "2027-03-04"))
        import html

        entry = next(iter(parse_string(html.unescape(filled), "bibtex").entries.values()))
        assert entry.fields["urldate"] == "2027-03-04" and "abc123" in entry.fields["note"]
    js = (ROOT / "site" / "assets" / "site.js").read_text(encoding="utf-8")
    assert ".cite-accessed" in js and ".cite-urldate" in js and "toLocaleDateString" in js


def test_every_page_footer_links_the_readme_and_the_source(tmp_path, monkeypatch):
    env = SP.environment()
    page = B.Page("vi", "methodology.html", "Phương pháp", "<p>x</p>")
    B._write_page(env, page, tmp_path, _meta())
    foot = (tmp_path / "vi" / "methodology.html").read_text(encoding="utf-8").split("<footer", 1)[1]
    assert 'href="../downloads/README.md"' in foot and 'href="../downloads/source.zip"' in foot
    assert "Kho mã nguồn" not in foot  # CITATION.cff names no repository: no link to a guessed address
    cff = dict(B.project_citation(ROOT / "CITATION.cff"), **{"repository-code": "https://example.org/repo"})
    monkeypatch.setattr(W, "project_citation", lambda p: cff)  # the page writer reads it
    B._write_page(env, page, tmp_path, _meta())
    foot = (tmp_path / "vi" / "methodology.html").read_text(encoding="utf-8").split("<footer", 1)[1]
    assert '<a href="https://example.org/repo">Kho mã nguồn</a>' in foot


def test_source_archive_holds_the_project_and_is_reproducible(tmp_path):
    names = {p.as_posix() for p in source_files(ROOT)}
    for f in ("README.md", "Makefile", "requirements.lock", "src/analysis/cli.py", "notebooks/province.ipynb",
              "data/raw/facts_seeds.csv", "params/defaults.yaml"):
        assert f in names, f
    assert not any("__pycache__" in n or n.startswith("data/processed") for n in names)
    a = write_source_archive(ROOT, tmp_path / "a.zip").read_bytes()
    b = write_source_archive(ROOT, tmp_path / "b.zip").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        assert z.read("vn-dt-workforce/README.md") == (ROOT / "README.md").read_bytes()


def test_word_reports_hold_no_web_only_text(tmp_path):
    from analysis.catalogue import msg
    from analysis.site.word import word_html

    label = msg("table_long", "vi", n="21")
    body = (f"<h1>Quảng Ninh</h1><nav class='toc'><details><summary>Mục lục</summary><ol><li>x</li></ol></details>"
            f"</nav><details class='long-table'><summary>{label}</summary><table><tr><td>Hạ Long</td></tr></table>"
            "</details><ul><li><details><summary>Mục tiêu A — không công bố</summary><p>đã tìm: …</p></details>"
            "</li></ul><div class='plotly-chart static-twin' data-figure='{}'></div><div id=\"cite-slot-table-x\"></div>")
    out = word_html(body)
    assert "bấm để mở" in label and "bấm để mở" not in out and "<details" not in out
    assert "plotly" not in out and "Mục lục" not in out and "cite-slot" not in out
    assert "Hạ Long" in out and "<strong>Mục tiêu A — không công bố</strong>" in out and "đã tìm" in out
    docx = tmp_path / "r.docx"
    B._docx(body, "Quảng Ninh", "vi", docx, tmp_path)
    with zipfile.ZipFile(docx) as z:
        doc = z.read("word/document.xml").decode("utf-8")
    assert "bấm để mở" not in doc and "Hạ Long" in doc and "<w:tbl>" in doc
