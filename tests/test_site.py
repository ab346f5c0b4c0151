"""The report site in a real browser (Playwright driving Debian's Chromium), plus build-level checks."""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

from analysis.collation import vi_sorted
from analysis.labels import STATUS_COLOUR, status_label
from analysis.numbers import format_number
from analysis.site.build import SiteError, SiteInputs, build_site, collect_inputs
from analysis.site.pages import sources_body
from conftest import session_provinces

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parent / "_artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def site(executed):
    project, jobs, summary = executed
    assert not summary.failed, summary.report()
    out = project / "site" / "_build"
    build_site(out, collect_inputs(project / "build", session_provinces()), calibration_series=60)
    return out


@pytest.fixture(scope="module")
def server(site):
    """Serve the site's parent folder, so the site lives under the sub-path /_build/."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/_build/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        assert b.version.split(".")[0] in _debian_chromium_version()  # really Debian's Chromium
        yield b
        b.close()


def _debian_chromium_version() -> str:
    import subprocess

    return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if "pagefind" not in p.parts)


def _report_pages(site: Path, lang: str) -> list[Path]:
    """Every province report and the comparison page of one language."""
    return [*sorted((site / lang / "provinces").glob("*.html")), site / lang / "compare.html"]


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.headings, self.imgs = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.refs.append((tag, a[key]))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.imgs.append(a.get("alt"))


def test_every_page_opens_without_console_errors(site, server, browser):
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    pages = _pages(site)
    assert len(pages) >= 2 * 12
    for rel in pages:
        resp = page.goto(server + rel)
        if rel == "index.html":  # the root page redirects to vi/index.html
            page.wait_for_url("**/vi/index.html")
            continue
        assert resp and resp.ok, rel
        page.wait_for_load_state("load")
    assert not errors, errors
    page.close()


def test_no_broken_internal_link_and_no_remote_asset(site):
    broken, remote = [], []
    for rel in _pages(site):
        path = site / rel
        p = _Links()
        p.feed(path.read_text(encoding="utf-8"))
        for tag, ref in p.refs:
            u = urlparse(ref)
            if u.scheme in ("http", "https"):
                if tag != "a":
                    remote.append(f"{rel}: {ref}")
                continue
            if u.scheme in ("data", "mailto") or ref.startswith("#"):
                continue
            assert not ref.startswith("/"), f"{rel}: absolute link {ref} breaks under a sub-path"
            target = (path.parent / u.path).resolve()
            if not target.exists():
                broken.append(f"{rel}: {ref}")
    assert not broken, broken
    assert not remote, remote


def test_accessibility_basics(site):
    for rel in _pages(site):
        p = _Links()
        p.feed((site / rel).read_text(encoding="utf-8"))
        assert p.headings.count(1) == 1, f"{rel}: needs exactly one h1"
        for a, b in zip(p.headings, p.headings[1:]):
            assert b <= a + 1, f"{rel}: heading jumps from h{a} to h{b}"
        assert all(alt and alt.strip() for alt in p.imgs), f"{rel}: an image has no alt text"
    province = (site / "vi" / "provinces" / "quang-ninh.html").read_text(encoding="utf-8")
    assert province.count("<img") >= 3 and "<th" in province and 'lang="vi"' in province
    assert "def " not in province and "import " not in province  # no code cells on the site


@pytest.mark.parametrize("rel", ["vi/index.html", "vi/provinces/quang-tri.html", "vi/targets.html",
                                 "en/methodology.html", "en/provinces/bac-kan.html", "vi/search.html"])
def test_language_switch_lands_on_the_same_page(server, browser, rel):
    page = browser.new_page()
    page.goto(server + rel)
    lang = page.get_attribute("html", "lang")
    page.click("#lang-switch")
    page.wait_for_load_state()
    other = "en" if lang == "vi" else "vi"
    assert page.url == server + other + rel[2:]
    assert page.get_attribute("html", "lang") == other
    page.close()


@pytest.mark.parametrize("query,expected", [("Quảng Ninh", "vi/provinces/quang-ninh.html"),
                                            ("nhân lực", "vi/provinces/")])
def test_search_finds_the_right_pages(server, browser, query, expected):
    page = browser.new_page()
    page.goto(server + "vi/search.html")
    page.fill(".pagefind-ui__search-input", query)
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    assert any(expected in link for link in links), links
    page.close()


def _result_links(browser, server, query: str) -> set[str]:
    """Every page the site's search index finds for a query (all results, not only the first screen the search
    box shows, whose order changes with the number of pages)."""
    page = browser.new_page()
    page.goto(server + "vi/search.html")
    urls = page.evaluate("""async (q) => {
        const pf = await import("../pagefind/pagefind.js");
        await pf.options({bundlePath: "../pagefind/"});
        const r = await pf.search(q);
        const data = await Promise.all(r.results.map(x => x.data()));
        return data.map(d => d.url);
    }""", query)
    page.close()
    return {u.split("#")[0] for u in urls}  # pages found (sections within a page vary with the query)


def test_every_page_but_the_search_page_is_indexed_for_search(site):
    for lang in ("vi", "en"):
        pages = list((site / lang).rglob("*.html"))
        assert len(pages) > 10
        for page in pages:
            indexed = '<main id="main" data-pagefind-body>' in page.read_text(encoding="utf-8")
            assert indexed == (page.name != "search.html"), page


def test_search_without_diacritics_finds_what_the_accented_query_finds(server, browser):
    accented = _result_links(browser, server, "đào tạo")
    folded = _result_links(browser, server, "dao tao")
    assert len(accented) >= 3 and accented <= folded


def test_every_page_has_a_description_sharing_tags_and_print_styles(site):
    css = (site / "assets" / "style.css").read_text(encoding="utf-8")
    assert "@media print" in css
    descriptions: dict[str, list[str]] = {}
    for page in list((site / "vi").rglob("*.html")) + list((site / "en").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for tag in ('<meta name="description" content="', '<meta property="og:title"',
                    '<meta property="og:description"', '<meta property="og:locale"'):
            assert tag in text, (page, tag)
        assert '<meta name="description" content="">' not in text, page
        description = re.search(r'<meta name="description" content="([^"]*)"', text).group(1)
        # its words of substance: not the download links, the contents list or how the summary is made
        assert not re.match(r"(Tải về|Download)\b", description) and "Mục lục" not in description, (page, description)
        assert "Contents (" not in description and "generated from the evidence base" not in description, page
        if page.parent.name == "provinces":
            descriptions.setdefault(description, []).append(page.name)
    assert descriptions and all(len(pages) <= 2 for pages in descriptions.values()), descriptions  # vi and en


def test_home_lists_all_34_provinces_with_what_is_known(site, server, browser):
    page = browser.new_page()
    page.goto(server + "vi/index.html")
    rows = page.locator("table.overview tbody.provinces tr")
    assert rows.count() == 34
    # every row says either a status with its data points and years, or that no data exists
    for i in range(rows.count()):
        cell = rows.nth(i).locator("td").nth(1).inner_text()
        assert "điểm dữ liệu" in cell or "Không có số liệu" in cell, cell
    # in Vietnamese alphabetical order (Đà Nẵng after Cần Thơ, before Gia Lai), not code-point order
    # (a province formed by a merger carries its date: "Đà Nẵng (từ 1/7/2025)")
    names = [re.sub(r" \(từ 1/7/2025\)$", "", rows.nth(i).locator("th").first.inner_text().strip())
             for i in range(rows.count())]
    assert names == vi_sorted(names) and names.index("Đà Nẵng") < names.index("Gia Lai"), names
    page.close()


def test_home_badges_match_the_assessment_table(site, server, browser):
    a = pd.read_csv(site / "downloads" / "assessments.csv", dtype={"province_code": str})
    page = browser.new_page()
    page.goto(server + "vi/index.html")
    badges = page.eval_on_selector_all(
        ".card [data-target-id]", "els => els.map(e => [e.dataset.targetId, e.dataset.status, e.textContent])")
    assert badges
    status = dict(zip(a["target_fact_id"], a["status"]))
    for tid, st, text in badges:
        assert status[tid] == st, tid
        assert text == status_label(st, "vi")  # the status is written, not only coloured
    provincial = set(a.loc[a["province_code"] != "VN", "target_fact_id"])
    assert {b[0] for b in badges} == provincial
    # the number of data points and their years stand next to every status
    qt = page.locator('.card li:has([data-target-id="QT-S020"]) .pts').inner_text()
    assert qt == "1 điểm dữ liệu: 2025"
    # the card of old Quảng Trị (its DTI rank /63) carries the merged province's targets: each names its territory
    assert "trước 1/7/2025" in page.locator('.card[data-province="quang-tri"] h3').inner_text()
    named = page.eval_on_selector_all(".card li:has(.territory)", "els => els.map(e => [e.querySelector("
                                      "'[data-target-id]').dataset.targetId, e.querySelector('.territory').textContent])")
    seeds = a[a["province_code"] != "VN"]
    other = seeds[seeds["boundary"] == "post2025"]  # the five cards are of provinces before 1 July 2025
    assert named and {t for t, _ in named} == set(other["target_fact_id"]), named
    assert all(text == "– Quảng Trị (từ 1/7/2025)" for t, text in named if t.startswith("QT-")), named
    # targets without any series are folded under one line per card, the others stay in view
    folded = page.eval_on_selector_all(".card details.no-series [data-target-id]", "els => els.map(e => e.dataset.status)")
    shown = page.eval_on_selector_all(".card > ul.badges [data-target-id]", "els => els.map(e => e.dataset.status)")
    assert folded and set(folded) == {"no_data"} and len(folded) == int((a["status"] == "no_data").sum()) - sum(
        a.loc[a["province_code"] == "VN", "status"] == "no_data")
    assert shown and "no_data" not in shown
    assert page.locator(".card details.no-series summary").first.inner_text().startswith("Mục tiêu chưa có số liệu")
    page.close()


def test_targets_page_filters(server, browser):
    page = browser.new_page()
    page.goto(server + "en/targets.html")
    total = page.locator("#targets tbody tr").count()
    page.select_option("#f-status", "insufficient_data")
    visible = page.locator("#targets tbody tr:not([hidden])").count()
    assert 0 < visible < total
    page.close()


def test_province_page_is_readable_on_a_phone_and_screenshots(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "vi/provinces/quang-ninh.html")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
    page.screenshot(path=str(ARTIFACTS / "province-quang-ninh-phone.png"), full_page=False)
    page.close()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "vi/index.html")
    page.screenshot(path=str(ARTIFACTS / "home-vi.png"), full_page=True)
    page.goto(server + "vi/provinces/quang-ninh.html")
    page.screenshot(path=str(ARTIFACTS / "province-quang-ninh-vi.png"), full_page=True)
    page.close()
    assert (ARTIFACTS / "home-vi.png").stat().st_size > 10_000


def test_downloads(site):
    dl = site / "downloads"
    pkg = json.loads((dl / "datapackage.json").read_text(encoding="utf-8"))
    for r in pkg["resources"]:
        assert (dl / r["path"]).exists()
        assert (dl / r["path"]).read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 (Vietnamese locale)
        header = (dl / r["path"]).read_text(encoding=r["encoding"]).splitlines()[0].split(",")
        assert [f["name"] for f in r["schema"]["fields"]] == header
    assert "cff-version" in (dl / "CITATION.cff").read_text(encoding="utf-8")
    bib = (dl / "sources.bib").read_text(encoding="utf-8")
    assert "@article{seed-qn-tccs," in bib and bib.count("\n@") >= 40
    assert (dl / "facts.xlsx").stat().st_size > 5000
    for key in ("quang-ninh", "bac-kan"):
        docx = dl / "docx" / f"{key}-vi.docx"
        assert docx.read_bytes()[:2] == b"PK"  # a zip container, as Word expects
        import zipfile

        with zipfile.ZipFile(docx) as z:
            doc = z.read("word/document.xml").decode("utf-8")
            assert "<w:tbl>" in doc  # tables survive
            assert any(n.startswith("word/media/") for n in z.namelist())  # figures survive
    assert list((dl / "figures").glob("*.svg")) and list((dl / "figures").glob("*.png"))
    assert (dl / "notebooks" / "quang-ninh-vi.ipynb").exists()


def test_failed_build_leaves_the_previous_site(site, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    good = collect_inputs(site.parents[1] / "build", session_provinces())
    bad = SiteInputs(provinces=good.provinces + [{"key": "atlantis", "name_vi": "X", "name_en": "X", "code": "01",
                                                  "successor": "01"}],
                     notebooks_dir=good.notebooks_dir, outputs_dir=good.outputs_dir,
                     processed_dir=good.processed_dir, raw_dir=good.raw_dir)
    with pytest.raises(SiteError, match="atlantis"):
        build_site(site, bad, calibration_series=0, docx=False, search=False)
    after = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not list(site.parent.glob("_build.tmp-*"))


def test_pages_made_side_by_side_are_those_made_one_after_another(site, tmp_path, monkeypatch):
    from analysis.site.build import assemble

    inputs = collect_inputs(site.parents[1] / "build", session_provinces())
    built = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("ANALYSIS_WORKERS", workers)
        out = tmp_path / f"workers-{workers}"
        meta = assemble(inputs, out, calibration_series=0, docx=False, search=True)
        built[workers] = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.html")}
    assert built["1"].keys() == built["2"].keys() and len(built["1"]) > 50
    assert [p for p in built["1"] if built["1"][p] != built["2"][p]] == []
    assert meta["search_index_reused"]  # the second build's pages were the first's: the index was reused
    assert ({p.relative_to(tmp_path / "workers-2") for p in (tmp_path / "workers-2" / "pagefind").rglob("*")}
            == {p.relative_to(tmp_path / "workers-1") for p in (tmp_path / "workers-1" / "pagefind").rglob("*")})


def test_text_from_data_is_escaped():
    src = pd.DataFrame([{"source_id": "x", "title": "<script>alert(1)</script>", "issuer_author": "", "type": "",
                         "publisher": "", "date": "", "url": "", "unknown": "", "seed_file": "", "licence": "",
                         "notes": "a & b"}])
    out = sources_body("vi", src)
    assert "<script>alert" not in out and "&lt;script&gt;" in out and "a &amp; b" in out


def test_site_works_from_file_url(site, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / "index.html").as_uri())
    page.wait_for_url("**/vi/index.html")
    page.click("table.overview a:text-is('Quảng Ninh')")  # the provinces in force lead the home page
    assert page.url.endswith("vi/provinces/quang-ninh.html") and not errors
    page.close()


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_status_badges_have_readable_contrast():
    """WCAG AA: text on every badge has a contrast ratio of at least 4.5:1."""
    import re

    css = (Path(__file__).resolve().parents[1] / "site" / "assets" / "style.css").read_text(encoding="utf-8")
    for status in STATUS_COLOUR:
        rule = re.search(rf"\.badge-{status} \{{([^}}]*)\}}", css).group(1)
        bg = re.search(r"background: (#[0-9a-fA-F]{3,6})\b", rule).group(1)
        fg = re.search(r"(?<!-)color: (#[0-9a-fA-F]{3,6})\b", rule).group(1)
        bg, fg = ("#" + "".join(c * 2 for c in x[1:]) if len(x) == 4 else x for x in (bg, fg))
        hi, lo = sorted([_luminance(bg), _luminance(fg)], reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, status


_ENGLISH_NUMBER = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?!\d)|(?<![\d.,\w])(?<!mục )(?<!bảng )\d+\.\d{1,2}(?![\d.])")
_ENGLISH_WORDS = re.compile(r"figure as written|web page|footnote|billion VND|learner-TURNS|rounds to|"
                            r"Same boundary|not persons| x 100|various years|\(n\.d\.\)|\[untitled\]|"
                            r"Unknown author|issuer_author|\b(?:the|with|from|against|sum of|licence)\b")


def _vietnamese_reader_text(page: Path) -> str:
    """What a reader sees on a Vietnamese page, less code, quotations, dataset addresses and text marked English."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "code", "pre"]):
        tag.decompose()
    for tag in soup.select("[hidden], [lang=en]"):
        tag.decompose()
    text = re.sub(r"\s+", " ", soup.get_text(" "))
    text = re.sub(r"“[^”]*”", " ", text)  # quotations of a source, as written
    text = re.sub(r"https?://\S+", " ", text)  # web addresses
    return re.sub(r"github:\S+(?: \S+)*?\.csv", " ", text)  # dataset addresses (file paths)


def test_vietnamese_pages_show_no_english_words_or_english_numbers(site):
    offences = []
    for page in sorted((site / "vi").rglob("*.html")):
        text = _vietnamese_reader_text(page)
        for rx in (_ENGLISH_NUMBER, _ENGLISH_WORDS):
            offences += [f"{page.name}: …{text[max(0, m.start() - 60):m.end() + 20]}…" for m in rx.finditer(text)]
    assert not offences, f"{len(offences)} English words or numbers on Vietnamese pages:\n" + "\n".join(offences[:20])


_VI_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_VIETNAMESE_WORD = re.compile(rf"\w*[{_VI_LETTERS}{_VI_LETTERS.upper()}]\w*")
_DOCUMENT_CODE = re.compile(r"[\w.-]*\d[\w.-]*/[\w/-]+")  # 749/QĐ-TTg, 368-BC/BCSĐ, 26-CTr/TU


def _names(processed: Path) -> re.Pattern:
    """Names a page may quote in Vietnamese whatever its language: provinces, people, agencies, document titles."""
    registry = pd.read_csv(processed / "provinces.csv", dtype=str)
    sources = pd.read_csv(processed / "sources.csv", dtype=str)
    names = set(registry["name_vi"].dropna()) | set(registry["successor_name_vi"].dropna())
    for column in ("issuer_author", "publisher", "title"):
        for v in sources[column].dropna():
            names |= {v.strip(), re.sub(r"\s*\(.*?\)\s*$", "", v).strip()}
            names |= {re.sub(r"\s*\(.*?\)\s*$", "", x).strip() for x in re.split(r"[;,]", v)}
    return re.compile("|".join(re.escape(n) for n in sorted((n for n in names if len(n) > 1), key=len,
                                                             reverse=True)))


def _english_reader_text(page: Path, names: re.Pattern) -> str:
    """What a reader sees on an English page, less code, quotations, names, document codes and addresses."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "code", "pre"]):
        tag.decompose()
    for tag in soup.select("[hidden], [lang=vi], svg text"):  # svg text: the tile map's province codes
        tag.decompose()
    text = names.sub(" ", re.sub(r"\s+", " ", soup.get_text(" ")))
    text = re.sub(r"“[^”]*”|(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"", " ", text)  # quotations of a source, as written
    text = re.sub(r"https?://\S+", " ", text)
    return _DOCUMENT_CODE.sub(" ", text)


def test_english_pages_show_no_vietnamese_words_outside_names_and_quotations(site):
    names = _names(site.parents[1] / "data" / "processed")
    offences = []
    for page in sorted((site / "en").rglob("*.html")):
        text = _english_reader_text(page, names)
        offences += [f"{page.relative_to(site)}: …{text[max(0, m.start() - 60):m.end() + 20]}…"
                     for m in _VIETNAMESE_WORD.finditer(text)]
    assert not offences, f"{len(offences)} Vietnamese words on English pages:\n" + "\n".join(offences[:20])


def test_pages_open_with_findings_before_tables(site):
    """Findings first: the home page, the list of targets and every province report open with the generated
    summary."""
    a = pd.read_csv(site / "downloads" / "assessments.csv", dtype={"province_code": str})
    for lang, heading in (("vi", "Tóm tắt"), ("en", "Summary")):
        home = (site / lang / "index.html").read_text(encoding="utf-8")
        box = home.find("class='findings'")
        assert 0 < box < home.find("class='cards'"), lang
        section = home[box:home.find("</section>", box)]
        assert f"<h2>{heading}</h2>" in section
        n = format_number(len(a), lang)
        assert (f"{n} mục tiêu định lượng" if lang == "vi" else f"{n} numeric targets in the source documents") in section
        targets = (site / lang / "targets.html").read_text(encoding="utf-8")
        box = targets.find("class='findings'")
        assert 0 < box < targets.find("<table"), lang  # the list of all targets opens with its summary too
        assert format_number(len(a), lang) in targets[box:targets.find("</section>", box)]
        for page in sorted((site / lang / "provinces").glob("*.html")):
            text = page.read_text(encoding="utf-8")
            start = text.find("<main")
            first_table = text.find("<table", start)
            summary = text.find(heading, start)
            assert start < summary < first_table, page


JARGON = ("logit", "Student-t", "AR(1)", "Brier", "CAGR", "OLS", "tự tương quan", "autocorrelat")


def test_methodology_opens_in_plain_words_and_ends_with_a_rerun_guide(site):
    for lang, plain, rerun in (("vi", "Tóm tắt dễ hiểu", "Chạy lại cho tỉnh khác"),
                               ("en", "In brief", "Rerun this for another province")):
        text = (site / lang / "methodology.html").read_text(encoding="utf-8")
        start = text.find(f"<h2>{plain}</h2>")
        end = text.find("</ul>", start)
        assert start > 0, lang
        opening = text[start:end]
        assert not [w for w in JARGON if w in opening], lang
        first_jargon = min(i for i in (text.find(w) for w in JARGON) if i >= 0)
        assert start < first_jargon
        # the held-out process's coverage is discussed with the figure measured in this build
        assert re.search(r"(Quá trình mô phỏng|The simulated process) \(.+?\).{0,80}\d+%", text), lang
        guide = text[text.find(f"<h2>{rerun}</h2>"):]
        assert "make province" in guide and "params/" in guide


def test_the_national_column_names_its_decisions(site):
    for lang in ("vi", "en"):
        text = (site / lang / "compare.html").read_text(encoding="utf-8")
        assert "(749/146)" not in text
        assert "749/QĐ-TTg" in text and "146/QĐ-TTg" in text


def test_sources_are_citable_without_internal_file_names_and_the_data_have_a_licence(site):
    import yaml

    seed_file = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
    for page in site.rglob("*.html"):
        assert not seed_file.search(page.read_text(encoding="utf-8")), page
    for lang, phrase in (("vi", "tài liệu không nêu"), ("en", "not stated in the document")):
        assert phrase in (site / lang / "sources.html").read_text(encoding="utf-8")
    cff = yaml.safe_load((site / "downloads" / "CITATION.cff").read_text(encoding="utf-8"))
    licences = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    assert "CC-BY-4.0" in licences and "MIT" in licences
    meta = json.loads((site / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    assert {"CC-BY-4.0", "MIT"} <= {x["name"] for x in meta["licenses"]}
    assert cff["version"] and cff["date-released"]


def test_tables_and_figures_are_numbered_on_every_report(site):
    folded = 0
    for lang, t_word, f_word in (("vi", "Bảng", "Hình"), ("en", "Table", "Figure")):
        for page in _report_pages(site, lang):
            text = page.read_text(encoding="utf-8")
            main = text[text.find("<main"):text.find("</main>")]
            tables = re.findall(rf'class="table-caption"[^>]*>{t_word} (\d+)\.', main)
            figures = re.findall(rf'class="figure-caption"[^>]*>{f_word} (\d+)\.', main)
            assert [int(x) for x in tables] == list(range(1, len(tables) + 1)), page
            assert [int(x) for x in figures] == list(range(1, len(figures) + 1)), page
            assert len(tables) == main.count('class="dataframe data-table"'), page
            assert len(figures) == main.count("<img"), page
            folded += main.count("<details class=\"long-table\">")
            # a long table folds, but its numbered caption stays in view above the fold
            assert main.count("<details class=\"long-table\">") == len(re.findall(
                rf'class="table-caption"[^>]*>{t_word} \d+\.[^<]*</p><details class="long-table">', main)), page
    assert folded > 0  # the session's reports have long tables


def test_phone_status_first_cards_and_contents(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "vi/targets.html")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    box = page.locator("#targets tbody tr").first.locator(".badge").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box  # the status is on screen
    first_cell = page.locator("#targets tbody tr").first.locator("td").first
    assert first_cell.get_attribute("data-label") == "Trạng thái"
    # cards: the indicator column is not squeezed to a word a line (it spans most of the screen width)
    ind = page.locator("#targets tbody tr").first.locator("td").nth(2).bounding_box()
    assert ind["width"] > 250, ind
    page.goto(server + "vi/provinces/quang-ninh.html")
    links = page.eval_on_selector_all("nav.toc a", "els => els.map(e => decodeURIComponent(e.hash.slice(1)))")
    assert len(links) >= 5
    ids = set(page.eval_on_selector_all("h2[id]", "els => els.map(e => decodeURIComponent(e.id))"))
    assert set(links) <= ids, set(links) - ids
    page.close()


def _show_charts(page) -> None:
    """Scroll every chart of the page into view (plotly.js draws a chart when it is shown), wait until all are
    drawn, and go back to the top."""
    n = page.locator(".plotly-chart[data-figure]").count()
    page.evaluate("""async () => {
        for (const el of document.querySelectorAll('.plotly-chart[data-figure]')) {
            const out = el.closest('.output_area, .jp-OutputArea-child'), img = out && out.previousElementSibling;
            (img && img.querySelector('img') ? img : el).scrollIntoView();
            await new Promise(r => setTimeout(r, 50));
        }
    }""")
    page.wait_for_function(f"document.querySelectorAll('.plotly-chart.js-plotly-plot').length >= {n}")
    page.evaluate("window.scrollTo(0, 0)")


def _hover(page, locator) -> None:
    """Move the mouse over an element (plotly listens on a layer above its bars), then wait for the hover box."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.wait_for_selector(".hovertext")


def test_indicator_pages_chart_exactly_their_csv_and_hover_in_the_page_locale(site, server, browser):
    pages = sorted((site / "vi" / "indicators").glob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        m = re.search(r"data-figure='([^']+)'", text)
        if not m:
            continue
        fig = json.loads(html.unescape(m.group(1)))
        csv = pd.read_csv(site / "downloads" / "indicators" / f"{page.stem}-vi.csv", dtype={"province_code": str})
        assert f"indicators/{page.stem}-vi.csv" in text  # the page links the CSV of its own language
        assert set(csv["name"]) <= {x for t in fig["data"] for x in ([t.get("name")] + list(t.get("x") or []))
                                    if isinstance(x, str)}  # province names as on the Vietnamese chart
        plotted = sorted(v for t in fig["data"] if t.get("name") != "mục tiêu" for v in t["y"]
                         if v is not None)  # a gap where a line breaks before a new series is no figure
        assert plotted == sorted(csv["value"].astype(float)), page.stem
        assert fig["layout"]["separators"] == ",."
    # hover on a Vietnamese page shows a Vietnamese-formatted value (decimal comma)
    p = browser.new_page(viewport={"width": 1280, "height": 900})
    p.goto(server + "vi/indicators/trained_employed_share.html")
    _show_charts(p)
    p.wait_for_selector(".plotly-chart .bars path")
    _hover(p, p.locator(".plotly-chart .bars path").first)
    hover = p.locator(".hovertext").first.text_content()
    assert re.search(r"\d,\d", hover) and not re.search(r"\d\.\d", hover), hover
    p.screenshot(path=str(ARTIFACTS / "indicator-vi.png"), full_page=True)
    p.goto(server + "en/indicators/trained_employed_share.html")
    _show_charts(p)
    p.wait_for_selector(".plotly-chart .bars path")
    _hover(p, p.locator(".plotly-chart .bars path").first)
    assert re.search(r"\d\.\d", p.locator(".hovertext").first.text_content())
    p.close()


def test_report_charts_are_interactive_in_place_of_their_images(site, server, browser):
    text = (site / "vi" / "provinces" / "quang-ninh.html").read_text(encoding="utf-8")
    main = text[text.find("<main"):text.find("</main>")]
    twins = main.count("plotly-chart static-twin")
    assert twins >= 3 and twins == main.count("<img")  # every static figure of the report has its twin
    p = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.goto(server + "vi/provinces/quang-ninh.html")
    _show_charts(p)
    assert p.locator(".static-twin .main-svg").count() >= twins  # each twin drew its plot
    assert p.locator(".replaced-by-twin img").count() == twins  # and the static images step aside on screen
    assert all(not p.locator(".replaced-by-twin img").nth(i).is_visible() for i in range(twins))
    points = p.locator(".static-twin .scatterlayer .point")
    seen = []
    for i in range(min(points.count(), 40)):  # hover until a value with decimals shows up
        _hover(p, points.nth(i))
        seen.append(p.locator(".hovertext").first.text_content())
        if re.search(r"\d,\d", seen[-1]):
            break
    assert re.search(r"\d,\d", seen[-1]), seen  # a decimal comma on a Vietnamese page
    assert not any(re.search(r"\d\.\d{1,2}(?!\d)", h) for h in seen), seen  # never an English decimal point
    p.screenshot(path=str(ARTIFACTS / "province-interactive-vi.png"), full_page=False)
    assert errors == []
    p.close()


def test_every_page_has_a_cite_box_with_the_data_version(site, server, browser):
    import yaml

    version = yaml.safe_load((site / "downloads" / "CITATION.cff").read_text(encoding="utf-8"))["version"]
    for rel in _pages(site):
        if rel == "index.html" or rel.endswith("search.html"):
            continue
        text = (site / rel).read_text(encoding="utf-8")
        assert text.count("<details class='cite'") == 1, rel
        box = text[text.find("<details class='cite'"):]
        assert str(version) in box and "@misc{" in box and "title = {" in box, rel
    page = browser.new_page()
    page.goto(server + "vi/provinces/quang-ninh.html")
    whole = "details.cite:not(.cite-item)"
    page.locator(f"{whole} summary").click()
    ref = page.locator(f"{whole} .cite-ref").inner_text()
    assert server + "vi/provinces/quang-ninh.html" in ref and "Truy cập ngày" in ref
    assert server in page.locator(f"{whole} .cite-bib").inner_text()
    # each numbered table and figure has its own box, citing its anchor on the page
    item = page.locator("details.cite-item").first
    item.locator("summary").click()
    ref = item.locator(".cite-ref").inner_text()
    anchor = re.search(r"quang-ninh\.html#([\w-]+)", ref).group(1)
    assert page.locator(f"[id='{anchor}']").count() == 1 and "Bảng 1." in ref
    assert f"quang-ninh.html#{anchor}" in item.locator(".cite-bib").inner_text()
    page.close()


def test_every_numbered_table_and_figure_has_its_own_cite_box(site):
    checked = 0
    for rel in _pages(site):
        text = (site / rel).read_text(encoding="utf-8")
        assert '<div id="cite-slot-' not in text, rel  # every marker the notebooks leave is replaced
        captions = re.findall(r'<p class="(?:table|figure)-caption" id="([^"]+)">', text)
        boxes = re.findall(r"<details class='cite cite-item'.*?</details>", text, flags=re.S)
        if "/provinces/" in rel or rel.endswith("compare.html"):
            assert len(boxes) == len(captions), rel
            for anchor, box in zip(captions, boxes):
                assert f"#{anchor}" in box and "@misc{" in box, (rel, anchor)
            checked += len(boxes)
    assert checked > 100


def test_home_tile_map_colours_each_province_by_its_national_target_status(site, server, browser):
    nat = pd.read_csv(site / "downloads" / "national_assessments.csv", dtype={"province_code": str})
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "vi/index.html")
    fig = page.locator("figure.tilemap")
    target = fig.get_attribute("id").removeprefix("map-")
    tiles = page.eval_on_selector_all("figure.tilemap rect",
                                      "els => els.map(e => [e.dataset.province, e.dataset.status, "
                                      "e.querySelector('title').textContent])")
    assert len(tiles) == 34
    mine = nat[(nat["national_target_id"] == target) & (nat["boundary"] == "post2025")].set_index("province_code")
    for code, status, title in tiles:
        assert status == (mine.at[code, "status"] if code in mine.index else "no_data"), code
        assert status_label(status, "vi") in title and "điểm dữ liệu" in title
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.close()


def test_every_download_is_described_in_both_languages(site):
    """Every data table and top-level file is listed with a description; every report's Word documents and
    notebooks are linked from its row; the single figures and tables are counted, not listed one by one."""
    dl = site / "downloads"
    top = sorted(p.name for p in dl.iterdir() if p.is_file())
    per_report = sorted(p.relative_to(dl).as_posix() for folder in ("docx", "notebooks") for p in (dl / folder).iterdir())
    for lang in ("vi", "en"):
        text = (site / lang / "data.html").read_text(encoding="utf-8")
        tables = text.split('downloads-tables')[1].split("</table>")[0]
        rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]*)</td><td>(.*?)</td></tr>", tables)
        assert len(rows) >= 10 and all(what.strip() for _, what, _ in rows), rows
        linked = set(re.findall(r'href="\.\./downloads/([^"]+)"', tables))
        assert linked == set(top), set(top) ^ linked
        reports = text.split('downloads-reports')[1].split("</table>")[0]
        assert set(re.findall(r'href="\.\./downloads/([^"]+)"', reports)) == set(per_report)
        assert reports.count("<tr><th scope=\"row\">") == len(list((dl / "notebooks").glob("*-vi.ipynb")))
        n_fig = len(list((dl / "figures").glob("*.png")))
        assert f"{n_fig:,}".replace(",", "." if lang == "vi" else ",") in text.split('id="data-items"')[1]


KEY_PAGES = ["index.html", "provinces/quang-ninh.html", "indicators.html", "indicators/trained_employed_share.html"]


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_key_pages_on_a_phone_and_a_desktop(site, server, browser, lang, width, height):
    """Overview (with its map), a province report, the indicator list and an indicator page (chart and map): no
    horizontal scrolling, no console error, no request leaving the site; a screenshot of each for review."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:")) else None)
    ARTIFACTS.mkdir(exist_ok=True)
    for rel in KEY_PAGES:
        page.goto(f"{server}{lang}/{rel}")
        page.wait_for_load_state("load")
        _show_charts(page)  # interactive charts draw when they are shown
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, (rel, width)
        if rel in ("index.html", "indicators/trained_employed_share.html"):
            assert page.locator("figure.tilemap rect").count() == 34, rel
        if rel.startswith("indicators/"):
            assert page.locator(".plotly-chart .main-svg").count() >= 1, rel
        name = rel.removesuffix(".html").replace("/", "-")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{width}.png"), full_page=width > 400)
    assert not errors, errors
    assert not outside, outside
    page.close()


def test_a_province_without_targets_says_so_once(site):
    said = {"vi": "Các tài liệu nguồn không nêu mục tiêu định lượng nào cho tỉnh này.",
            "en": "The source documents set no numeric target for this province."}
    seen = 0
    for lang, sentence in said.items():
        for page in sorted((site / lang / "provinces").glob("*.html")):
            n = page.read_text(encoding="utf-8").count(sentence)
            assert n <= 1, (page, n)
            seen += n
    assert seen >= 2  # some reports have no target (the provinces without a source document)


def _item_files(site: Path, kind: str) -> list[tuple[str, list[Path]]]:
    """Every report's "download" lines under its numbered items of ``kind`` (one per caption), with the files they
    link (each must exist)."""
    out = []
    for lang in ("vi", "en"):
        for page in _report_pages(site, lang):
            text = page.read_text(encoding="utf-8")
            lines = re.findall(rf'<p class="{kind}-files".*?</p>', text, flags=re.S)
            assert len(lines) == text.count(f'class="{kind}-caption"'), page
            for line in lines:
                files = [(page.parent / h).resolve() for h in re.findall(r'href="([^"]+)"', line)]
                assert all(f.is_file() for f in files), line
                out.append((line, files))
    return out


def test_every_report_figure_links_its_png_svg_and_csv(site):
    """Under each numbered figure of a report: its PNG, SVG and (where the figure can be read back: one plot) the
    CSV of exactly what it plots."""
    items = _item_files(site, "figure")
    for line, files in items:
        assert [f.suffix for f in files] in ([".png", ".svg", ".csv"], [".png", ".svg"]), line
    with_csv = sum(len(files) == 3 for _, files in items)
    assert len(items) > 20 and with_csv > 0.8 * len(items)


def test_every_report_table_links_its_csv_excel_and_latex(site):
    """Under each numbered table of a report: CSV, Excel and LaTeX (with the table's caption and a label)."""
    items = _item_files(site, "table")
    for line, files in items:
        assert [f.suffix for f in files] == [".csv", ".xlsx", ".tex"], line
        tex = files[2].read_text(encoding="utf-8")
        assert "\\caption{" in tex and "\\label{tab:" in tex and ("tabular" in tex or "longtable" in tex)
        assert not re.search(r"\\caption\{(Bảng|Table) \d", tex)  # LaTeX numbers the table itself
    assert len(items) > 20


def test_no_chart_projects_from_an_old_figure_or_to_a_passed_year(site):
    """A projection fan (a "band" in a figure's data file) starts at a figure no more than MAX_DATA_AGE years
    before the build year and reaches a year not yet passed: the rule the statuses follow (issue 27)."""
    from analysis import config
    from analysis.assess.target import MAX_DATA_AGE

    year, charts_read = config.build_year(), 0
    for f in (site / "downloads" / "figures").glob("*.csv"):
        data = pd.read_csv(f, encoding="utf-8-sig")
        if "kind" not in data:
            continue
        charts_read += 1
        for _, band in data[data["kind"] == "band"].groupby("series"):
            assert band["x"].min() >= year - MAX_DATA_AGE, (f.name, band["x"].min())
            assert band["x"].max() >= year, (f.name, band["x"].max())
    assert charts_read > 20  # the charts' data files were there to read


def test_national_ranking_says_how_recent_its_figures_are_and_its_legend_names_only_what_is_drawn(site):
    """Against each national target: where no province has a projection, the chart's legend and alt text do not
    speak of projections or intervals, and the section says the figures are too old; the figure's title names the
    indicator and the target."""
    from analysis import config
    from analysis.assess.target import MAX_DATA_AGE

    nat = pd.read_csv(site / "downloads" / "national_assessments.csv", dtype={"province_code": str},
                      encoding="utf-8-sig")
    prov = nat[(nat["boundary"] == "post2025") & (nat["province_code"] != "VN")]
    checked = 0
    for target_id, rows in prov.groupby("national_target_id"):
        none = rows["projection"].isna().all()
        for lang, dot, old in (("en", "dot: projection", "so no province gets a projection"),
                               ("vi", "chấm: dự báo", "nên không tỉnh nào có dự báo")):
            stem = site / "downloads" / "figures" / f"compare-national-{target_id}-post2025-{lang}"
            meta = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
            svg = stem.with_suffix(".svg").read_text(encoding="utf-8")
            page = (site / lang / "compare.html").read_text(encoding="utf-8")
            assert (dot in svg) != none and (old in page) == (none and rows["last_year"].max() < config.build_year() - MAX_DATA_AGE), target_id
            assert ("80%" in meta["alt"]) != none, meta["alt"]
            assert f"{int(rows['target_year'].iloc[0])}" in meta["title"] and "%" in meta["title"], meta["title"]
            checked += 1
    assert checked >= 2


def test_a_series_chart_marks_each_national_target_set_on_its_series(site):
    """A province's chart of a series that a national target is set on shows the target where it is due (a star
    at the target's year and value, in the figure's data file too), whether or not a projection is drawn."""
    nat = pd.read_csv(site / "downloads" / "national_assessments.csv", dtype={"province_code": str},
                      encoding="utf-8-sig")
    checked = 0
    for _, r in nat[nat["province_code"] != "VN"].iterrows():
        for lang, word in (("vi", "mục tiêu quốc gia"), ("en", "national target")):
            f = site / "downloads" / "figures" / (f"{r['province_key']}-series-{r['indicator_id']}-"
                                                  f"{r['breakdown'].replace('=', '-')}-{lang}.csv")
            if not f.exists():
                continue
            data = pd.read_csv(f, encoding="utf-8-sig")
            star = data[data["series"].astype(str).str.contains(word) & (data["x"] == r["target_year"])]
            assert len(star) == 1 and star["value"].iloc[0] == pytest.approx(r["target"]), (f.name, r["target_year"])
            checked += 1
    assert checked >= 4  # the session's provinces chart the trained share, set against two national targets


def test_no_page_forecasts_a_passed_target_or_colours_an_old_figure(site):
    """Statuses know the build date: a passed target year is 'was it met?', never a forecast; a status resting on
    a figure more than MAX_DATA_AGE years old is 'figures too old', never a coloured trend (issue 27)."""
    from bs4 import BeautifulSoup

    from analysis import config
    from analysis.assess.forecast import MAX_DATA_AGE

    year = config.build_year()
    forecast = {"on_track", "at_risk", "off_track"}
    dl = site / "downloads"
    tables = {n: pd.read_csv(dl / f"{n}.csv", encoding="utf-8-sig") for n in ("assessments", "national_assessments")}
    for name, t in tables.items():
        passed = t["target_year"] < year
        old = (t["last_year"] < year - MAX_DATA_AGE) & ~passed
        assert t.loc[passed, ["p_meet", "projection", "pi80_low"]].isna().all().all(), name
        assert not t.loc[passed | old, "status"].isin(forecast).any(), name
        assert set(t.loc[old, "status"]) <= {"outdated"}, name
    assert (tables["national_assessments"]["target_year"] < year).any()  # the check has passed targets to check
    statuses = tables["assessments"].set_index("target_fact_id")["status"]
    seen = 0
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for b in soup.select("[data-status][data-target-id]"):
            if b["data-target-id"] in statuses.index:
                assert b["data-status"] == statuses[b["data-target-id"]], (page, b["data-target-id"])
                seen += 1
    assert seen


def test_methodology_shows_the_real_data_backtest(site):
    from analysis.data.store import load_processed

    bt = load_processed("backtest", site.parent.parent / "data" / "processed")
    assert len(bt) and {"engine", "last", "drift"} <= {c.split("_")[-1] for c in bt.columns}
    held = bt["held_out"].astype(str).str.lower() == "true"
    assert held.any() and (~held).any()  # the GSO population panels, on which no setting was chosen, apart
    for lang, heading in (("vi", "Kiểm chứng trên số liệu thật của các tỉnh"), ("en", "Checked on real provincial data")):
        text = (site / lang / "methodology.html").read_text(encoding="utf-8")
        section = text[text.find(heading):]
        for cls, n in (("backtest", (~held).sum()), ("backtest backtest-held-out", held.sum())):
            start = section.find(f"<table class='data-table {cls}'>")
            table = section[start:section.find("</table>", start)]
            assert start > 0 and table.count("<tr>") == n + 1, (lang, cls)  # a row per panel and horizon + header
        # the plain-words section explains the panel model before any table
        assert text.find("method_bt") < 0 and text.find(heading) > text.find("<h2>")
        # each row: the years forecast from, and the coverage in bold exactly where it lies outside the range a
        # calibrated interval would give (the shared national miss of few origins)
        dev = bt[~held].reset_index(drop=True)
        start = section.find("<table class='data-table backtest'>")
        rows = re.findall(r"<tr>(.*?)</tr>", section[start:section.find("</table>", start)])[1:]
        outside = ~dev["cov80"].between(dev["cov80_lo"], dev["cov80_hi"])
        assert 0 < outside.sum() < len(dev)
        for row, (_, r), out in zip(rows, dev.iterrows(), outside):
            cells = re.findall(r"<td>(.*?)</td>", row)
            assert cells[7] == str(int(r["origins"])), (lang, cells)
            assert cells[8].startswith("<strong>") == out, (lang, cells)
            assert re.fullmatch(r"\d+–\d+%", cells[9]), cells[9]
            # both thresholds' Brier skill, the typical pace's as well as the leaders'
            assert cells[11] == ("–" if pd.isna(r["bss_A"]) else format_number(float(r["bss_A"]), lang, 2)), cells
        skill_a = int((dev.loc[dev["h"].between(2, 5), "bss_A"] > 0).sum())
        assert {"vi": f"và ở {skill_a} ô với ngưỡng vượt nhịp", "en": f"and in {skill_a} for beating the typical pace"
                }[lang] in section
        # the reference-class chance: its backtest's count of passing cells (horizons 2-5), then what is shown instead
        cells = dev[dev["h"].between(2, 5)]
        passed = int(cells["rc_passes"].astype(str).str.lower().eq("true").sum())
        para = re.search(r"<p class='reference-class'>(.*?)</p>", section).group(1)
        assert f" {passed} " in para and f" {len(cells)} " in para, para


def test_methodology_shows_the_single_series_backtest_on_real_series(site):
    """The single-series method, scored with each panel left out in turn, one row per panel (horizons 2-5), its
    ratio in bold exactly where it is within 5% of the better of the series' own rules."""
    import numpy as np

    from analysis.data.store import load_processed

    ss = load_processed("single_series_backtest", site.parent.parent / "data" / "processed")
    s = ss[ss["h"].between(2, 5)]
    assert s["panel"].nunique() >= 10 and (s["cases"] > 0).all()
    ratio = np.exp(np.log(s["ratio"]).groupby(s["panel"], sort=False).mean())
    assert 0 < (ratio <= 1.05).sum() < len(ratio)  # the bold marks something, and not everything
    for lang, decimal in (("vi", ","), ("en", ".")):
        text = (site / lang / "methodology.html").read_text(encoding="utf-8")
        start = text.find("<table class='data-table backtest-single-series'>")
        rows = re.findall(r"<tr>(.*?)</tr>", text[start:text.find("</table>", start)])[1:]
        assert start > 0 and len(rows) == len(ratio), lang
        for row, r in zip(rows, ratio):
            cells = re.findall(r"<td>(.*?)</td>", row)
            assert cells[2].startswith("<strong>") == (r <= 1.05), (lang, cells)
            assert f"{r:.2f}".replace(".", decimal) in cells[2], (lang, cells, r)
        head = text[text.rfind("<h3>", 0, start):start]  # its heading, what it does, and the count of cells
        assert f" {int((s['ratio'] <= 1.05).sum())}" in head and f"({len(s)} " in head, head


def test_a_verdict_on_a_provisional_figure_says_so_wherever_it_is_shown(site):
    from analysis.site.targets_page import national_row_id

    national = pd.read_csv(site.parents[1] / "data" / "processed" / "national_assessments.csv",
                           dtype={"province_code": str})
    provisional = national[national["provisional"].astype(str).str.lower() == "true"]
    # the whole country's 2025 trained share is judged on the press figure "khoảng 29%", an approximate one
    assert len(provisional) and {"VN"} <= set(provisional["province_code"])
    for lang in ("vi", "en"):
        marked = {s: status_label(s, lang, provisional=True) for s in STATUS_COLOUR}
        targets = (site / lang / "targets.html").read_text(encoding="utf-8")
        for _, r in provisional.iterrows():
            row = re.search(rf'id="target-{re.escape(national_row_id(r))}">(.*?)</tr>', targets, re.S)
            assert row and marked[r["status"]] in row.group(1), (lang, national_row_id(r))
        shown = sum(targets.count(m) for m in marked.values())
        assert shown == len([r for _, r in provisional.iterrows() if f'id="target-{national_row_id(r)}"' in targets])
        compare = (site / lang / "compare.html").read_text(encoding="utf-8")
        assert any(m in compare for m in marked.values()), lang
        # and the figure it rests on is written as its source wrote it ("khoảng 29%"), not as an exact 29%
        from analysis.labels import qualified
        from analysis.numbers import format_value

        vn = provisional[provisional["province_code"] == "VN"].iloc[0]
        assert vn["last_flags"] == "approx"
        row = re.search(rf'id="target-{re.escape(national_row_id(vn))}">(.*?)</tr>', targets, re.S).group(1)
        for page, decimals in ((row, None), (compare, 1)):
            figure = format_value(vn["last_value"], "percent", lang, decimals) if decimals else \
                format_value(vn["last_value"], "percent", lang)
            about = qualified(figure, vn["last_flags"], lang)
            assert about.startswith({"vi": "khoảng ", "en": "about "}[lang]) and f"{about} (2025)" in page, lang
