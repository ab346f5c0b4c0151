"""Page structure in templates, sentences in the catalogues: the site's Python code holds neither."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import catalogue as C
from analysis import config
from analysis.site import pages as SP

SRC = Path(C.__file__).parent  # the package: src/analysis
TEMPLATES = config.site_src_dir() / "templates"
VI_LETTERS = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I)
ENGLISH_PROSE = re.compile(r"\b[A-Za-z]{2,} [a-z]{2,} [a-z]{2,} [a-z]{2,}\b")


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """String literals of a module, without docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


# the modules that make page bodies (grid and chart_library also raise errors for developers, in English)
SITE_MODULES = [f"site/{m}.py" for m in ("build", "pages", "render", "home", "targets_page", "data_pages",
                                         "methodology", "indicator_pages", "indicator_chart", "page", "notebook_html",
                                         "cite", "write", "downloads", "search")]


@pytest.mark.parametrize("module", SITE_MODULES)
def test_site_code_holds_no_reader_facing_sentence(module):
    """Vietnamese words or English sentences in the assembly code would bypass the catalogues."""
    offences = []
    for line, text in _string_constants(SRC / module):
        if text in ("đ", "Đ"):  # folding accents for search, not prose
            continue
        if VI_LETTERS.search(text) or (ENGLISH_PROSE.search(text) and not _is_message_to_developers(text)):
            offences.append(f"{module}:{line}: {text[:80]!r}")
    assert not offences, "\n".join(offences)


def _is_message_to_developers(text: str) -> bool:
    """Errors, licence titles of the machine-readable data package: written for developers, in English."""
    return any(w in text for w in ("notebook", "pagefind failed", "sources.csv"))


def _keys_used(text: str) -> tuple[set[str], set[str]]:
    keys = set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", text))
    keys |= set(re.findall(r"""["']((?:targets|data|method_cal|method)_col_[a-z_]+|card_[a-z_]+)["']""", text))
    prefixes = set(re.findall(r"""\bnumbered(?:_t)?\(\s*["']([a-z0-9_]+)["']""", text))
    return keys, prefixes


def test_every_sentence_a_template_uses_is_in_both_catalogues():
    texts = [p.read_text(encoding="utf-8") for p in TEMPLATES.rglob("*.j2")]
    texts += [(SRC / m).read_text(encoding="utf-8") for m in SITE_MODULES]
    keys, prefixes = set(), set()
    for text in texts:
        k, p = _keys_used(text)
        keys |= k
        prefixes |= p
    assert len(keys) > 40 and {"home_guide", "method_assess", "method_caveat"} <= prefixes
    stems = {k for k in keys if k.endswith("_")}  # a key completed in the template, e.g. "figure_file_" ~ ext
    keys -= stems
    for lang in C.LANGS:
        cat = C.catalogue(lang)
        assert not keys - set(cat), (lang, sorted(keys - set(cat)))
        assert all(any(k.startswith(s) for k in cat) for s in stems), lang
        assert all(f"{p}_1" in cat for p in prefixes), lang


@pytest.fixture
def edited_catalogue(tmp_path, monkeypatch):
    """A copy of the catalogues the test may edit; the site reads it instead of the shipped one."""
    for f in C.MESSAGES_DIR.glob("*.yaml"):
        shutil.copy2(f, tmp_path / f.name)
    monkeypatch.setattr(C, "MESSAGES_DIR", tmp_path)
    C.catalogue.cache_clear()
    yield tmp_path
    C.catalogue.cache_clear()


def _set(path: Path, key: str, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [f'{key}: "{text}"' if line.startswith(f"{key}:") else line for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_changing_or_adding_a_sentence_touches_only_the_catalogue(edited_catalogue):
    """A new translation of a heading and a new caveat appear on the page with no change to code or template."""
    _set(edited_catalogue / "vi.yaml", "targets_h1", "Danh mục mục tiêu đã sửa")
    (edited_catalogue / "vi.yaml").write_text((edited_catalogue / "vi.yaml").read_text(encoding="utf-8")
                                              + 'method_caveat_9: "Câu lưu ý thêm vào danh mục."\n'
                                              'method_caveat_5: "Lưu ý mới, chỉ có trong danh mục."\n',
                                              encoding="utf-8")
    C.catalogue.cache_clear()
    assessments = pd.DataFrame(columns=["province_code", "boundary", "target_year", "indicator_id", "status",
                                        "target_fact_id", "source_id", "breakdown", "comparator", "target",
                                        "n_points", "years", "p_meet", "unsd_category"])
    indicators = pd.DataFrame({"indicator_id": ["x"], "unit": ["percent"], "name_vi": ["x"], "name_en": ["x"]})
    assert "<h1>Danh mục mục tiêu đã sửa</h1>" in SP.targets_body("vi", assessments, indicators, {})
    method = SP.methodology_body("vi", None)
    assert "<li>Lưu ý mới, chỉ có trong danh mục.</li>" in method
    assert "Câu lưu ý thêm vào danh mục" not in method  # numbered sentences run 1, 2, 3, … without gaps
    assert "Lưu ý mới" not in SP.methodology_body("en", None)


def test_catalogue_text_is_escaped_and_only_bold_is_kept(edited_catalogue):
    _set(edited_catalogue / "en.yaml", "search_note", "Use **http** <script>alert(1)</script> & wait")
    C.catalogue.cache_clear()
    body = SP.search_body("en")
    assert "Use <b>http</b> &lt;script&gt;alert(1)&lt;/script&gt; &amp; wait" in body
    assert "<script>alert" not in body


def test_overview_names_the_national_target_it_shows():
    """The column heading is the target the table shows (chosen from the data), not a fixed label."""
    registry = pd.DataFrame({"province_code": ["01", "02"], "boundary": ["post2025"] * 2,
                             "name_vi": ["Hà Nội", "Hà Giang"], "name_en": ["Ha Noi", "Ha Giang"],
                             "merged_from": ["", ""]})
    national = pd.DataFrame({"national_target_id": ["t"] * 2, "province_code": ["01", "02"],
                             "boundary": ["post2025"] * 2, "n_points": [3, 2], "target_year": [2030] * 2,
                             "years": ["2014;2015;2016", "2015;2016"], "last_year": [2016, 2016], "status": ["on_track", "at_risk"],
                             "p_meet": [0.9, 0.5], "indicator_id": ["ind"] * 2, "decision": ["1/QĐ-TTg"] * 2,
                             "comparator": [">="] * 2, "target": [40.0] * 2, "transform": ["logit"] * 2})
    targets = pd.DataFrame({"indicator_id": ["ind"], "target_year": [2030], "decision": ["1/QĐ-TTg"],
                            "indicator_vi_summary": ["Tỷ lệ thử"], "indicator_en": ["A test share"]})
    facts = pd.DataFrame(columns=["kind", "boundary", "province_code", "indicator_id", "year"])
    # chances read as rounded odds: 0.9 is "about 9 in 10"
    for lang, head, chance in (("vi", "Tỷ lệ thử ≥ 40%", "khả năng đạt khoảng 9/10"), ("en", "A test share ≥ 40%",
                                                                                       "chance about 9 in 10")):
        out = SP.provinces_overview(lang, registry, national, facts, {}, "../", targets, {})
        assert f"<th scope='col'>{head} (2030, 1/QĐ-TTg)</th>" in out
        assert chance in out and "2016" in out
        # a province with a page but no source document: the link and the note stand on separate lines
        out = SP.provinces_overview(lang, registry, national, facts, {}, "../", targets, {"01": "ha-noi"})
        cell = out.split('provinces/ha-noi.html">')[2].split("</td>")[0]
        assert cell.startswith(SP.msg("overview_page", lang) + '</a><br><span class="muted">'), cell
        assert cell.endswith(SP.msg("overview_no_document", lang) + "</span>"), cell


def _is_language_test(test: ast.expr) -> bool:
    """``L == "vi"`` (or ``"en"``), alone or as part of an ``and``."""
    parts = test.values if isinstance(test, ast.BoolOp) else [test]
    return any(isinstance(p, ast.Compare) and any(isinstance(c, ast.Constant) and c.value in ("vi", "en")
                                                  for c in [p.left, *p.comparators]) for p in parts)


def _prose(node: ast.AST) -> bool:
    """A string literal (or f-string piece) of three words or more somewhere under ``node``."""
    return any(isinstance(c, ast.Constant) and isinstance(c.value, str) and len(c.value.split()) >= 3
               for c in ast.walk(node))


def _language_pairs(path: Path) -> list[tuple[int, str]]:
    """Sentences written once per language in code: ``"…" if L == "vi" else "…"`` expressions whose branches are
    written text, and ``if L == "vi": … else: …`` statements whose branches both hold a sentence."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for n in ast.walk(tree):
        if (isinstance(n, ast.If) and _is_language_test(n.test)
                and any(_prose(b) for b in n.body)
                and (any(_prose(b) for b in n.orelse) or not n.orelse)):
            out.append((n.lineno, ast.unparse(n.test)))
        if (isinstance(n, ast.IfExp) and isinstance(n.test, ast.Compare)
                and any(isinstance(c, ast.Constant) and c.value == "vi" for c in n.test.comparators)
                and all(isinstance(b, ast.JoinedStr) or (isinstance(b, ast.Constant) and isinstance(b.value, str)
                                                         and " " in b.value.strip())
                        for b in (n.body, n.orelse))):
            out.append((n.lineno, ast.unparse(n)[:80]))
    return out


@pytest.mark.parametrize("module", sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")))
def test_reports_hold_no_sentence_pairs_outside_the_catalogues(module):
    """A sentence written twice in the code (Vietnamese if…, else English) escapes the catalogues' review."""
    assert _language_pairs(SRC / module) == []


def test_the_pair_finder_finds_a_pair(tmp_path):
    code = tmp_path / "m.py"
    code.write_text('L = "vi"\ntitle = f"Năm {L}" if L == "vi" else f"Year {L}"\nok = "a" if L == "vi" else "b"\n',
                    encoding="utf-8")
    assert [line for line, _ in _language_pairs(code)] == [2]
    code.write_text('def f(L):\n    if L == "vi":\n        return "Một câu tiếng Việt ở đây"\n'
                    '    return "An English sentence here"\n'
                    'def g(L):\n    if L == "vi":\n        return "vi"\n    return "en"\n', encoding="utf-8")
    assert [line for line, _ in _language_pairs(code)] == [2]


def test_downloads_are_grouped_by_table_and_by_report():
    d = {"vi": "mô tả", "en": "what"}
    files = [(p, 2048, d) for p in (
        "facts.csv", "facts.xlsx", "CITATION.cff", "docx/quang-tri-vi.docx", "docx/quang-tri-2025-en.docx",
        "notebooks/quang-tri-vi.ipynb", "figures/quang-tri-series-x-vi.png", "figures/quang-tri-series-x-vi.svg",
        "figures/quang-tri-2025-series-x-vi.png", "figures/quang-tri-2025-series-y-vi.png",
        "tables/quang-tri-vi-t1.csv", "tables/quang-tri-vi-t1.xlsx", "tables/quang-tri-2025-en-t1.csv",
        "indicators/x-vi.csv")]
    reports = [{"key": "quang-tri", "name": "Quảng Trị", "page": "provinces/quang-tri.html"},
               {"key": "quang-tri-2025", "name": "Quảng Trị (từ 1/7/2025)", "page": "provinces/quang-tri-2025.html"}]
    g = SP.download_groups(files, reports, "en")
    assert [t["name"] for t in g["tables"]] == ["CITATION.cff", "facts"]
    assert [link["label"] for link in g["tables"][1]["links"]] == ["CSV", "Excel"]
    assert g["tables"][1]["links"][0]["size"] == "2"
    qt, qt25 = g["reports"]
    assert [w["href"] for w in qt["word"]] == ["docx/quang-tri-vi.docx"] and qt["notebooks"][0]["label"] == "Vietnamese"
    assert [w["href"] for w in qt25["word"]] == ["docx/quang-tri-2025-en.docx"] and qt25["notebooks"] == []
    # a file belongs to the longest report key it starts with: quang-tri-2025's figures are not quang-tri's
    assert (qt["figures"], qt["tables"], qt25["figures"], qt25["tables"]) == (1, 1, 2, 1)
    assert g["folders"] == {"figures": 3, "tables": 2, "indicators": 1}  # items, not files
    body = SP.data_body("vi", files, reports)
    assert 'href="../downloads/facts.xlsx">Excel</a>' in body and "Tiếng Việt" in body


def _targets(statuses: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{
        "province_code": "22", "boundary": "pre2025", "target_year": 2025, "indicator_id": "x", "status": s,
        "target_fact_id": f"QN-T{i}", "source_id": "src-a", "breakdown": "total", "comparator": ">=",
        "target": 80.0, "n_points": n, "years": ";".join(str(2020 + k) for k in range(n)),
        "p_meet": 0.9 if n >= 2 else float("nan"), "unsd_category": "on_track" if n >= 2 else None}
        for i, (s, n) in enumerate(statuses)])


def test_the_targets_page_opens_with_a_summary_and_shows_forecast_columns_only_when_a_target_has_one():
    indicators = pd.DataFrame({"indicator_id": ["x"], "unit": ["percent"], "name_vi": ["Tỷ lệ x"],
                               "name_en": ["Share x"]})
    sources = pd.DataFrame({"source_id": ["src-a"], "type": ["journal_article"], "issuer_author": ["Nguyễn Văn A"],
                            "publisher": [""], "title": ["Bài"], "date": ["2024-05-01"]})
    names = {("22", "pre2025"): "Quảng Ninh"}
    without = SP.targets_body("en", _targets([("no_data", 0), ("insufficient_data", 1)]), indicators, names,
                              sources)
    assert "<section class='findings'>" in without and "The gap is in the published figures" in without
    assert "Quảng Ninh: 2 (1 insufficient data and 1 no data)" in without
    heads = re.findall(r'<th scope="col">([^<]*)</th>', without)
    assert C.msg("targets_col_p_meet", "en") not in heads and C.msg("targets_col_unsd", "en") not in heads
    assert without.count("<th scope=\"col\">") == without.split("<tr data-province")[1].count("<td>")
    assert '<a class="cite-link" href="sources.html#src-a">Nguyễn Văn A (2024)</a>' in without
    with_series = SP.targets_body("vi", _targets([("on_track", 3), ("no_data", 0)]), indicators, names, sources)
    heads = re.findall(r'<th scope="col">([^<]*)</th>', with_series)
    assert C.msg("targets_col_p_meet", "vi") in heads and C.msg("targets_col_unsd", "vi") in heads
    assert "khoảng 9/10" in with_series  # the chance 0.9 as rounded odds
    assert "Mục tiêu có dự báo từ hai số liệu hằng năm trở lên: 1" in with_series
    assert with_series.count("<th scope=\"col\">") == with_series.split("<tr data-province")[1].count("<td>")
