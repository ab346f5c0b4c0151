"""Safe output: text from data is text on every page. Payloads (``<script>``, ``<img onerror>``, ``javascript:``
links, Markdown link syntax) go into text columns of the raw tables, the registry and a parameter file; one
province and the comparison are run and the site is built from them; every page is parsed as a browser would
and must hold no live script, event handler or link with a scheme other than http, https, mailto or relative.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import lxml.html
import pytest
import yaml

from analysis.markup import md_text, safe_url, unsafe_markup

from conftest import built_copy

ROOT = Path(__file__).resolve().parents[1]
MARK = "PWN"
SCRIPT = f"<script>alert('{MARK}')</script>"
IMG = f"<img src=x onerror=alert('{MARK}')>"
MD_LINK = f"[click me](javascript:alert('{MARK}'))"
PAYLOAD = f'{SCRIPT} "q" {IMG} {MD_LINK} **b** <a href="javascript:alert(1)">x</a>'
SITE_HANDLERS = {"return false"}  # the site's own (targets filter form)


def _edit(path: Path, match: dict[str, str], values: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    hit = 0
    for r in rows:
        if all(r[k] == v for k, v in match.items()):
            r.update(values)
            hit += 1
    assert hit, (path, match)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        w.writerows(rows)


def _inject(root: Path) -> None:
    raw = root / "data" / "raw"
    for ind in ("dti_rank", "it_qualified_staff"):
        _edit(raw / "indicators.csv", {"indicator_id": ind},
              {"name_en": f"Name {PAYLOAD}", "name_vi": f"Tên {PAYLOAD}", "comparability": f"Note {PAYLOAD}",
               "comparability_vi": f"Ghi chú {PAYLOAD}", "definition": f"Def {PAYLOAD}"})
    _edit(raw / "sources_documents.csv", {"source_id": "dti-2022"},
          {"issuer_author": f"Author {SCRIPT}", "publisher": f"Publisher {PAYLOAD}", "title": f"Title {PAYLOAD}",
           "url": f'https://dti.example/"><script>alert(\'{MARK}\')</script>'})
    _edit(raw / "tracking_seed_targets.csv", {"target_fact_id": "QN-S003"},
          {"searched": f"Tìm\n\n{PAYLOAD}", "searched_en": f"Searched\n\n{PAYLOAD}", "note": PAYLOAD})
    _edit(raw / "population_gso.csv", {"province_code": "22"}, {"name_en_gso": f'Quang Ninh "Q" {SCRIPT}'})
    p = root / "params" / "quang-ninh.yaml"
    params = yaml.safe_load(p.read_text(encoding="utf-8"))
    params |= {"name_en": f"Quang Ninh {SCRIPT}", "name_vi": f"Quảng Ninh {SCRIPT}",
               "boundary_note_en": f"Kept. {PAYLOAD}", "boundary_note_vi": f"Giữ nguyên. {PAYLOAD}"}
    p.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")


def live_problems(page: str, path: str) -> list[str]:
    """What a browser would run or follow on this page that the data put there (scanned with lxml)."""
    doc = lxml.html.document_fromstring(page)
    out = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "script":
            src = el.get("src")
            if (src is None and MARK in (el.text or "")) or (src and re.match(r"^[a-z][\w+.-]*:", src, re.I)):
                out.append(f"{path}: live <script> {(el.text or src or '')[:60]!r}")
        for k, v in el.attrib.items():
            if k.lower().startswith("on") and v.strip() not in SITE_HANDLERS:
                out.append(f"{path}: <{el.tag} {k}={v[:40]!r}>")
            if k.lower() in ("href", "src", "action", "formaction"):
                scheme = re.match(r"^\s*([a-z][\w+.-]*):", re.sub(r"[\x00-\x20]", "", v), re.I)
                ok = scheme is None or scheme.group(1).lower() in ("http", "https", "mailto") or (
                    el.tag == "img" and k == "src" and v.startswith("data:image/")) or (
                    el.tag == "link" and el.get("rel") == "icon" and v == "data:,")  # the site's empty icon
                if not ok:
                    out.append(f"{path}: <{el.tag} {k}={v[:40]!r}>")
    return out


def test_md_text_and_safe_url():
    assert md_text("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert md_text(MD_LINK).startswith(r"\[click me\](javascript")
    assert md_text("a\n\n# b") == r"a \# b"  # a value cannot start a block of its own
    assert [safe_url(u) for u in ("https://a.vn/x", "mailto:a@b.vn", "../sources.html", "#x")] == [
        "https://a.vn/x", "mailto:a@b.vn", "../sources.html", "#x"]
    assert [safe_url(u) for u in ("javascript:alert(1)", " JaVa\tScript:x", "data:text/html,x", "vbscript:x")] == [
        ""] * 4
    assert unsafe_markup('<p onclick="x">a</p><a href="java&#x09;script:x">b</a><script>1</script>') != []
    assert unsafe_markup('<img src="data:image/png;base64,AA"><a href="../a.html">a</a>'
                         '<script type="application/json">{}</script>') == []


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    with built_copy(tmp_path_factory.mktemp("poisoned"), _inject) as root:
        yield root


def test_payloads_in_data_never_run_on_the_site(poisoned):
    from analysis.run.runner import execute, plan
    from analysis.site.build import build_site, collect_inputs

    root = poisoned
    jobs = plan(["quang-ninh"], build_dir=root / "build")
    summary = execute(jobs, workers=2, progress=None)
    assert not summary.failed, summary.report()
    out = root / "site" / "_build"
    build_site(out, collect_inputs(root / "build", ["quang-ninh"]), calibration_series=0, docx=False,
               search=False)
    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    problems = [x for path, page in pages.items() for x in live_problems(page, path)]
    assert problems == []
    # the payloads are shown as the text they are, on the pages that show those fields
    for path in ("en/provinces/quang-ninh.html", "en/compare.html", "vi/compare.html", "en/sources.html"):
        text = lxml.html.document_fromstring(pages[path]).text_content()
        assert f"alert('{MARK}')" in text, path
    report = lxml.html.document_fromstring(pages["en/provinces/quang-ninh.html"])
    assert "<script>" in report.findtext(".//h1") and "[click me]" in report.text_content()


def test_the_site_refuses_a_report_whose_output_holds_live_markup(tmp_path):
    import nbformat

    from analysis.site.build import SiteError, notebook_body

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": f"# A\n\n{MD_LINK} {SCRIPT}"})]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "bad.ipynb")
    with pytest.raises(SiteError, match=r"bad\.ipynb: unsafe markup.*script"):
        notebook_body(tmp_path / "bad.ipynb")
