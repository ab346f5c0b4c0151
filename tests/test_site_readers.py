"""What an adviser sees first: provinces told apart, every target on one page with the nearest evidence, and
the progress grid (a small built site: the session's provinces, both languages)."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.numbers import format_number, format_value
from analysis.site.build import build_site, collect_inputs
from conftest import session_provinces
from test_site import browser  # noqa: F401  (the same Debian Chromium, checked the same way)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(executed):
    project, jobs, summary = executed
    assert not summary.failed, summary.report()
    out = project / "site" / "_readers"
    build_site(out, collect_inputs(project / "build", session_provinces()), calibration_series=0, docx=False,
               search=False)
    return out


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _title(page: Path) -> str:
    return re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), flags=re.S).group(1)


def _table(site: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(site / "downloads" / f"{name}.csv", dtype={"province_code": str}, keep_default_na=False,
                       na_values=[""])


# ------------------------------------------------------------------ provinces told apart
def test_no_two_pages_share_a_title_in_either_language(site):
    pages = [p for lang in ("vi", "en") for p in (site / lang).rglob("*.html")]
    titles = Counter(_title(p) for p in pages)
    assert len(pages) > 40
    assert [t for t, n in titles.items() if n > 1] == []
    # the city before 1 July 2025 and the city formed that day say which territory they are
    assert _title(site / "vi" / "provinces" / "can-tho.html").startswith("Cần Thơ (trước 1/7/2025)")
    assert _title(site / "en" / "provinces" / "thai-nguyen-2025.html").startswith("Thai Nguyen (from 1 July 2025)")
    assert _title(site / "vi" / "provinces" / "ha-noi.html").startswith("Hà Nội ·")  # unchanged: no date


def test_report_headings_and_comparison_tables_name_the_territory(site):
    for key, words in (("can-tho", "(trước 1/7/2025)"), ("thai-nguyen-2025", "(từ 1/7/2025)")):
        text = (site / "vi" / "provinces" / f"{key}.html").read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, flags=re.S).group(1)
        assert words in h1, h1
    # the comparison's tables: the documented provinces before 1 July 2025 say so, unchanged Quảng Ninh needs not
    compare = (site / "vi" / "compare.html").read_text(encoding="utf-8")
    cells = set(re.findall(r"<t[hd]>(Cần Thơ[^<]*|Quảng Ninh[^<]*)</t[hd]>", compare))
    assert "Cần Thơ (trước 1/7/2025)" in cells and "Cần Thơ" not in cells and "Quảng Ninh" in cells, cells


def test_home_leads_with_the_provinces_in_force_and_the_whole_country(site, server, browser):
    page = browser.new_page()
    page.goto(server + "vi/index.html")
    heads = page.eval_on_selector_all("main h2", "els => els.map(e => e.textContent)")
    first = next(i for i, h in enumerate(heads) if "tỉnh, thành phố từ ngày 1/7/2025" in h)
    documents = heads.index("Tài liệu nguồn về từng địa bàn")
    assert first < documents, heads
    assert page.locator("table.overview tbody.country tr").count() == 1
    assert page.locator("table.overview tbody.country th").inner_text() == "Toàn quốc"
    assert page.locator("table.overview tbody.provinces tr").count() == 34
    # the cards are about the documents' territories, named with their dates where these changed
    cards = page.eval_on_selector_all(".card h3, .card h2", "els => els.map(e => e.textContent.trim())")
    assert any("Cần Thơ (trước 1/7/2025)" in c for c in cards), cards
    assert "63 tỉnh trước 1/7/2025" in page.locator(".cards").inner_text()
    page.close()


# ------------------------------------------------------------------ all targets on one page
def test_targets_page_lists_every_assessment_row(site):
    from analysis.site.pages import national_row_id, national_rows

    registry = pd.read_csv(site / "downloads" / "provinces.csv", dtype=str)
    a, nat = _table(site, "assessments"), national_rows(_table(site, "national_assessments"), registry)
    text = (site / "en" / "targets.html").read_text(encoding="utf-8")
    ids = re.findall(r'<tr [^>]*id="target-([^"]+)"', text)
    assert len(ids) == len(set(ids)) == len(a) + len(nat)
    assert set(ids) == set(a["target_fact_id"]) | {national_row_id(r) for _, r in nat.iterrows()}
    assert (nat["boundary"] == "post2025").sum() == 2 * 34  # every province in force, both 176/QĐ-TTg targets
    # a province whose territory did not change keeps its pre-2025 assessments (Quảng Ninh against 749/QĐ-TTg)
    from analysis.territory import territory_changed

    kept = nat[(nat["boundary"] == "pre2025") & (nat["province_code"] != "VN")]
    assert len(kept) and not any(territory_changed(registry, c, "pre2025") for c in kept["province_code"])


def test_each_search_record_is_written_once_and_linked_from_its_targets(site):
    a = _table(site, "assessments")
    for lang, column in (("vi", "searched"), ("en", "searched_en")):
        text = (site / lang / "targets.html").read_text(encoding="utf-8")
        notes = dict(re.findall(r'<li id="search-note-(\d+)"><details>.*?<p class=.record.>(.*?)</p>', text,
                                flags=re.S))
        records = set(a[column].dropna())
        assert len(notes) == len(records) and len(records) < a[column].notna().sum()
        for n, record in notes.items():
            assert text.count(f"'record'>{record}</p>") == 1  # written once
            links = re.findall(rf'<tr [^>]*id="target-([^"]+)"[^>]*>(?:(?!</tr>).)*href="#search-note-{n}"', text,
                               flags=re.S)
            import html as H

            assert set(links) == set(a.loc[a[column] == H.unescape(record), "target_fact_id"]), n


def test_targets_filters_by_every_province_status_and_text_without_diacritics(site, server, browser):
    from analysis.assess.forecast import STATUSES

    page = browser.new_page()
    page.goto(server + "vi/targets.html")
    rows = page.locator("#targets tbody tr")
    total = rows.count()
    options = page.eval_on_selector_all("#f-province option", "els => els.map(e => [e.value, e.textContent])")
    assert len(options) == 1 + 1 + 34 and options[1] == ["VN", "Toàn quốc"]
    statuses = page.eval_on_selector_all("#f-status option", "els => els.map(e => e.value)")
    assert statuses[1:] == list(STATUSES)

    def shown() -> list[str]:
        return page.eval_on_selector_all("#targets tbody tr:not([hidden])", "els => els.map(e => e.id)")

    for value, name in options[1:]:
        page.select_option("#f-province", value)
        assert 0 < len(shown()) < total, name  # every province has rows (its national targets at least)
    page.select_option("#f-province", "92")  # Cần Thơ today: the old city's own targets and the new city's
    provinces = set(page.eval_on_selector_all("#targets tbody tr:not([hidden]) td:nth-child(2)",
                                              "els => els.map(e => e.textContent)"))
    assert provinces == {"Cần Thơ (trước 1/7/2025)", "Cần Thơ (từ 1/7/2025)"}, provinces
    page.select_option("#f-province", "")
    page.select_option("#f-status", "no_data")
    assert 0 < len(shown()) < total
    page.select_option("#f-status", "")
    page.fill("#f-text", "đào tạo")
    accented = shown()
    page.fill("#f-text", "dao tao")
    assert shown() == accented and 0 < len(accented) < total
    page.fill("#f-text", "DAO TẠO")
    assert shown() == accented
    # a target's link to its search record opens the record
    page.fill("#f-text", "")
    page.locator("#targets tbody tr a[href^='#search-note-']").first.click()
    note = page.locator("#targets tbody tr a[href^='#search-note-']").first.get_attribute("href")
    assert page.locator(f"{note} details").get_attribute("open") is not None
    page.close()


# ------------------------------------------------------------------ nearest evidence
def _families() -> dict[str, list[str]]:
    import yaml

    raw = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "raw" / "indicator_families.yaml")
                         .read_text(encoding="utf-8"))
    return {k: v["indicators"] for k, v in raw["families"].items()}


def _territory(registry: pd.DataFrame, code: str, boundary: str) -> set[tuple[str, str]]:
    """The target's territory on both sides of 1 July 2025 (itself, its successor, its former parts)."""
    pre = registry[registry["boundary"] == "pre2025"]
    out = {(code, boundary)}
    if code == "VN":
        return {("VN", "pre2025"), ("VN", "post2025")}
    if boundary == "pre2025":
        out.add((pre.loc[pre["province_code"] == code, "successor_code"].iloc[0], "post2025"))
    else:
        out |= {(c, "pre2025") for c in pre.loc[pre["successor_code"] == code, "province_code"]}
    return out


def test_every_target_without_a_series_shows_its_nearest_evidence_or_says_there_is_none(site):
    """Checked against the evidence base itself: a target without a series for which the base holds a figure of
    its territory (its own indicator at another breakdown or place, or an indicator of its family) shows at
    least one line; one without says so. The status stays the assessment's."""
    a, facts = _table(site, "assessments"), _table(site, "facts")
    registry = pd.read_csv(site / "downloads" / "provinces.csv", dtype=str)
    fams = _families()
    obs = facts[(facts["kind"] == "observation") & facts["year"].notna()]
    counts = {"with": 0, "none": 0}
    for lang, none in (("vi", "Cơ sở dữ liệu chưa có số liệu nào"), ("en", "The evidence base holds no figure")):
        text = (site / lang / "targets.html").read_text(encoding="utf-8")
        rows = dict(re.findall(r'<tr [^>]*id="target-([^"]+)">(.*?)</tr>', text, flags=re.S))
        for _, r in a[a["n_points"].fillna(0) == 0].iterrows():
            related = {r["indicator_id"]} | {i for ids in fams.values() if r["indicator_id"] in ids for i in ids}
            places = _territory(registry, r["province_code"], r["boundary"])
            mine = obs[obs["indicator_id"].isin(related)
                       & pd.Series([(c, b) in places for c, b in zip(obs["province_code"], obs["boundary"])],
                                   index=obs.index)]
            mine = mine[~((mine["indicator_id"] == r["indicator_id"]) & (mine["breakdown"] == r["breakdown"])
                          & (mine["province_code"] == r["province_code"]) & (mine["boundary"] == r["boundary"]))]
            row = rows[r["target_fact_id"]]
            lines = re.findall(r"<li class='nearest-figure'>(.*?)</li>", row, flags=re.S)
            assert f'data-status="{r["status"]}"' in row  # the status is the assessment's
            if len(mine):
                assert 1 <= len(lines) <= 3, (lang, r["target_fact_id"])
                # each line: a year among the base's figures and a source; a comparability note for each run of
                # figures, said once above a run that shares it
                years = {str(int(y)) for y in mine["year"]}
                assert all(re.search(r"\((\d{4});", li).group(1) in years for li in lines)
                assert all("cite-link" in li for li in lines)
                notes = re.findall(r"<span class='muted'>([^<\s][^<]*)", row)
                assert len(notes) == len(set(notes)) >= 1, (lang, r["target_fact_id"], notes)
                counts["with"] += 1
            else:
                assert not lines and none in row, (lang, r["target_fact_id"])
                counts["none"] += 1
    assert counts["with"] >= 2 * 8 and counts["none"] > 0, counts
    # the example of the review: Cần Thơ's online-dossier target beside the service centre's 63.4% (2024)
    import html as H

    row = H.unescape(rows["CT-S004"])
    assert "63.4%" in row and "(2024; city service centre)" in row and "already at the target's level" in row


def test_a_related_indicator_gets_no_pace_and_the_own_indicator_gets_its_pace():
    from analysis.report.nearest import nearest_evidence

    registry = pd.DataFrame({"province_code": ["01", "01"], "boundary": ["pre2025", "post2025"],
                             "successor_code": ["01", ""], "name_vi": ["A"] * 2, "name_en": ["A"] * 2})
    facts = pd.DataFrame({"fact_id": ["f1", "f2", "f3"], "kind": ["observation"] * 3, "province_code": ["01"] * 3,
                          "boundary": ["pre2025"] * 3, "indicator_id": ["x", "y", "x"],
                          "breakdown": ["scope=centre", "total", "scope=centre"], "year": [2022.0, 2024.0, 2020.0],
                          "value": [40.0, 90.0, 30.0], "flags": ["", "", ""], "source_id": ["s"] * 3})
    families = {"f": {"note_vi": "n", "note_en": "n", "indicators": ["x", "y"]}}
    target = pd.Series({"province_code": "01", "boundary": "pre2025", "indicator_id": "x", "breakdown": "total",
                        "target": 60.0, "target_year": 2025, "comparator": ">="})
    ev = nearest_evidence(target, facts, registry, families, {"x": "percent", "y": "percent"})
    assert [e.fact_id for e in ev] == ["f1", "f2"]  # own indicator first, its latest figure only
    assert ev[0].pace == pytest.approx((60 - 40) / 3) and ev[0].meets is False
    assert ev[1].pace is None and ev[1].meets is None and ev[1].family == "f"


def test_figures_that_share_a_note_are_listed_under_it_once_and_keep_their_order():
    from analysis.report.nearest import grouped

    fig = [{"value": v, "note": n, "pace": p} for v, n, p in
           (("1", "own", "needs 2"), ("2", "related", "other"), ("3", "related", "other"), ("4", "own", "needs 2"))]
    groups = grouped(fig)
    assert [(g["note"], [x["value"] for x in g["figures"]]) for g in groups] == \
        [("own", ["1"]), ("related", ["2", "3"]), ("own", ["4"])]  # runs only: the order of closeness stays
    assert grouped([]) == []


def test_indicator_families_are_checked(tmp_path):
    from analysis.errors import DataError
    from analysis.report.nearest import load_families

    (tmp_path / "indicator_families.yaml").write_text(
        "families:\n  web:\n    note_vi: a\n    note_en: b\n    indicators: [online_dossier_share, nonsense_id]\n",
        encoding="utf-8")
    with pytest.raises(DataError, match=r"indicator_families.yaml: family 'web', field 'indicators'.*nonsense_id"):
        load_families(tmp_path, {"online_dossier_share"})
    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    ids = set(pd.read_csv(raw / "indicators.csv")["indicator_id"])
    assert len(load_families(raw, ids)) >= 5  # the shipped families name only known indicators


def test_validation_names_a_bad_family_and_a_province_in_two_regions(raw_copy):
    from analysis.data.validate import load_raw
    from analysis.errors import DataError

    fam = raw_copy / "indicator_families.yaml"
    fam.write_text(fam.read_text(encoding="utf-8").replace("[online_dossier_share,", "[online_dosier_share,", 1),
                   encoding="utf-8")
    reg = raw_copy / "regions_gso.yaml"
    reg.write_text(reg.read_text(encoding="utf-8").replace('provinces: ["62",', 'provinces: ["92", "62",', 1),
                   encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_raw(raw_copy)
    text = str(e.value)
    assert "indicator_families.yaml" in text and "online_dosier_share" in text and "'online_services'" in text
    assert "regions_gso.yaml" in text and "'92' is already in region" in text


# ------------------------------------------------------------------ progress grid
def _grid(site: Path, lang: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup((site / lang / "grid.html").read_text(encoding="utf-8"), "html.parser")


def test_every_grid_cell_agrees_with_the_assessment_tables(site):
    from analysis.site.targets_page import _successors, national_rows

    registry = pd.read_csv(site / "downloads" / "provinces.csv", dtype=str)
    a = _table(site, "assessments")
    nat = national_rows(_table(site, "national_assessments"), registry)
    status = {(t, c): r for t, c, r in zip(nat["national_target_id"], nat["province_code"], nat.to_dict("records"))}
    area = _successors(registry)
    own = {tid: (area[(c, b)], st) for tid, c, b, st in zip(a["target_fact_id"], a["province_code"], a["boundary"],
                                                           a["status"])}
    in_force = set(registry.loc[(registry["boundary"] == "post2025") & (registry["province_code"] != "VN"),
                                "province_code"])
    for lang in ("vi", "en"):
        soup = _grid(site, lang)
        rows = soup.select("#progress-grid tbody tr")
        codes = [r["data-code"] for r in rows]
        assert codes[0] == "VN" and set(codes[1:]) == in_force and len(codes) == 35
        columns = {td["data-target"] for td in soup.select("#progress-grid tbody td[data-target]")}
        assert columns == set(nat["national_target_id"])  # every national target assessed for these rows
        seen_own, cells = [], 0
        for r in rows:
            code = r["data-code"]
            for td in r.select("td[data-target]"):
                sym = td.select_one(".sym")
                want = status.get((td["data-target"], code))
                assert sym["data-status"] == (want["status"] if want else ""), (lang, code, td["data-target"])
                if want:
                    first, last = int(want["first_year"]), int(want["last_year"])
                    years = str(first) if first == last else f"{first}–{last}"
                    assert td.select_one(".yrs").get_text() == years, (code, td["data-target"])
                cells += 1
            for x in r.select("td.own [data-target-id]"):
                assert own[x["data-target-id"]] == (code, x["data-status"]), x["data-target-id"]
                seen_own.append(x["data-target-id"])
        assert sorted(seen_own) == sorted(own) and cells == 35 * len(columns)  # each own target once


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_progress_grid_in_a_browser_sorts_filters_and_fits_the_screen(site, server, browser, lang, width):
    from analysis.assess.forecast import STATUSES

    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + f"{lang}/index.html")
    first = page.eval_on_selector("main a", "a => a.getAttribute('href')")
    assert first == "grid.html"  # the home page links to the grid first
    page.click("main a")
    page.wait_for_url("**/grid.html")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, width
    wrap = page.locator(".grid-wrap").bounding_box()
    assert wrap["x"] >= 0 and wrap["x"] + wrap["width"] <= width + 1
    assert page.locator("#progress-grid tbody.provinces tr").count() == 34
    # sort by each national-target column: the provinces fall in the statuses' order, the whole country stays
    # first; the most varied column holds as many statuses as the assessment table gives any target
    nat = _table(site, "national_assessments")
    nat = nat[(nat["boundary"] == "post2025") & (nat["province_code"] != "VN")]
    most = int(nat.groupby("national_target_id")["status"].nunique().max())
    seen = 0
    for col in range(1, 1 + nat["national_target_id"].nunique()):
        page.click(f"#progress-grid thead button[data-col='{col}']")
        got = page.eval_on_selector_all(f"#progress-grid tbody.provinces tr td:nth-of-type({col}) .sym",
                                        "els => els.map(e => e.dataset.status)")
        order = [STATUSES.index(s) if s in STATUSES else len(STATUSES) + 1 for s in got]
        assert order == sorted(order), (col, got)
        seen = max(seen, len(set(got)))
        assert page.locator("#progress-grid tbody tr").first.get_attribute("data-code") == "VN"
    assert seen == most, (seen, most)
    # filter by a region: only its provinces stay
    region = page.eval_on_selector_all("#g-region option", "els => els.map(e => e.value)")[1]
    page.select_option("#g-region", region)
    shown = page.eval_on_selector_all("#progress-grid tbody.provinces tr:not([hidden])",
                                      "els => els.map(e => e.dataset.regions)")
    assert 0 < len(shown) < 34 and all(region in r.split() for r in shown)
    page.screenshot(path=str(Path(__file__).parent / "_artifacts" / f"grid-{lang}-{width}.png"), full_page=False)
    assert not errors, errors
    page.close()


def test_reports_set_the_nearest_evidence_beside_their_targets_and_a_merged_one_its_former_targets(site, tmp_path):
    from analysis.report import province as R

    a = _table(site, "assessments")
    vi = (site / "vi" / "provinces" / "quang-ninh.html").read_text(encoding="utf-8")
    block = vi.split("Số liệu gần nhất.")[1].split("</ul></li>\n</ul>")[0]
    assert block.count("<li><b>") == ((a["province_code"] == "22") & (a["n_points"].fillna(0) == 0)).sum()
    # the merged city (its report is not in the session's small site: built here from the same data)
    ctx = R.load_context("can-tho-2025", "en", boundary="post2025", output_dir=str(tmp_path))
    text = R.nearest_section(ctx)
    assert "Targets set for part of the territory." in text
    old_city = a[(a["province_code"] == "92") & (a["boundary"] == "pre2025")]
    assert text.count("<b>Can Tho (before 1 July 2025): ") == len(old_city) == 12  # commitments for part of it
    assert "63.4% (2024; city service centre)" in text  # online submissions beside the online-dossier target
    from analysis.report import findings as F

    summary = F.province_findings(ctx)  # the summary says so too, not only that the city itself has none
    assert "set no numeric target" in summary and "set 12 targets for part of this territory" in summary


def test_a_merged_province_states_the_latest_year_of_each_source_and_lists_every_source(site, tmp_path):
    from analysis.report import province as R

    text = (site / "en" / "provinces" / "thai-nguyen-2025.html").read_text(encoding="utf-8")
    assert "Year of the latest figure from each source" in text
    assert "The latest figure in the evidence base is from 2016" not in text
    ctx = R.load_context("thai-nguyen-2025", "en", boundary="post2025", output_dir=str(tmp_path))
    shown = pd.concat([ctx.facts, ctx.former])
    latest = int(shown.loc[shown["kind"] == "observation", "year"].max())
    gaps = text.split("Year of the latest figure from each source")[1].split("</li>")[0]
    assert f": {latest}" in gaps and latest > 2016  # Bắc Kạn's 2024 figures, not "2016"
    listed = set(R.sources_table(ctx)["ID"])
    assert set(shown["source_id"]) <= listed  # every source the page uses, its former provinces' too


# ------------------------------------------------------------------ indicator pages: year control, province picker
@pytest.mark.parametrize("width", [390, 1280])
def test_indicator_page_year_control_and_province_picker(site, server, browser, width):
    facts = _table(site, "facts")
    obs = facts[(facts["indicator_id"] == "trained_employed_share") & (facts["kind"] == "observation")
                & (facts["breakdown"] == "total") & (facts["boundary"] == "pre2025") & (facts["province_code"] != "VN")]
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "vi/indicators/trained_employed_share.html")
    page.locator(".plotly-chart").first.scroll_into_view_if_needed()  # the chart library loads when it is shown
    page.wait_for_selector(".plotly-chart .bars path")
    page.select_option(".g-year", "2010")
    page.wait_for_function("document.querySelector('.plotly-chart').dataset.shown === 'year-2010'")
    drawn = page.evaluate("(() => { const d = document.querySelector('.plotly-chart').data[0]; "
                          "return [d.type, d.y.length, d.y.slice().sort((a, b) => a - b)]; })()")
    want = sorted(obs.loc[obs["year"] == 2010, "value"].astype(float))
    assert drawn[0] == "bar" and drawn[1] == len(want) and drawn[2] == pytest.approx(want)
    assert "năm 2010" in page.locator(".plotly-chart .gtitle").text_content()
    chart = page.locator(".plotly-chart").first  # the redrawn chart keeps the phone rules: title fits, no tool bar
    box, title = chart.bounding_box(), chart.locator(".gtitle").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    assert box["x"] - 1 <= title["x"] and title["x"] + title["width"] <= box["x"] + box["width"] + 1, (title, box)
    if width < 600:
        assert chart.locator(".modebar").count() == 0 or not chart.locator(".modebar").first.is_visible()
    # two provinces' yearly series instead
    page.select_option(".g-provinces", ["Quảng Ninh", "Bắc Kạn"])
    page.wait_for_function("document.querySelector('.plotly-chart').dataset.shown === 'series'")
    lines = page.evaluate("Array.from(document.querySelector('.plotly-chart').data).map(t => [t.name, t.x])")
    assert {n for n, _ in lines} == {"Quảng Ninh", "Bắc Kạn"}
    qn = sorted(int(y) for y in obs.loc[obs["province_code"] == "22", "year"])
    assert dict(lines)["Quảng Ninh"] == qn
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.click(".g-clear")
    page.wait_for_function("document.querySelector('.plotly-chart').dataset.shown.startsWith('year-')")
    assert not errors, errors
    page.close()


def test_a_new_status_flows_through_the_grid_and_the_targets_filters(project, monkeypatch):
    """The lead adds statuses to forecast.STATUSES (with their words in the catalogues and a colour in
    labels.STATUS_COLOUR): the grid, its legend and the targets page's filter take them without a code change here."""
    from analysis import catalogue as C
    from analysis import labels
    from analysis.assess import forecast
    from analysis.data.store import load_processed
    from analysis.site import grid as G
    from analysis.site import pages as SP
    from analysis.territory import territory_names

    new = "awaiting_test_status"
    monkeypatch.setattr(forecast, "STATUSES", [*forecast.STATUSES, new])
    monkeypatch.setitem(labels.STATUS_COLOUR, new, "#777777")
    for lang, word, explain in (("vi", "Trạng thái thử", "Thử."), ("en", "Test status", "Test.")):
        monkeypatch.setitem(C.catalogue(lang), f"status_{new}", word)
        monkeypatch.setitem(C.catalogue(lang), f"status_{new}_explain", explain)
    registry, national = load_processed("provinces"), load_processed("national_assessments")
    national.loc[(national["province_code"] == "22") & (national["boundary"] == "post2025"), "status"] = new
    a, ind = load_processed("assessments"), load_processed("indicators")
    a = a.assign(indicator_name=a["indicator_id"].map(ind.set_index("indicator_id")["name_en"]))
    names = territory_names(registry, "en")
    out = G.grid_body("en", registry, national, load_processed("national_targets"), a, names,
                      G.load_regions(registry), SP.statuses())
    row = out.split('data-code="22"')[1].split("</tr>")[0]
    assert f'data-status="{new}"' in row and "Test status" in out.split("grid-legend")[1].split("</ul>")[0]
    body = SP.targets_body("en", a, ind, names, None, national, load_processed("national_targets"), registry)
    assert f'<option value="{new}">Test status</option>' in body and f'data-status="{new}"' in body


def _target_rows(site, lang: str) -> dict[str, str]:
    """The targets page's rows by id (``target-<id>``), their HTML."""
    text = (site / lang / "targets.html").read_text(encoding="utf-8")
    return dict(re.findall(r'<tr [^>]*id="target-([^"]+)">(.*?)</tr>', text, flags=re.S))


def _latest_cell(rows: dict[str, str], rid: str, lang: str) -> str:
    """The 'latest figure' paragraph of one row of the targets page."""
    cell = re.findall(r"<p class='nearest-latest'>(.*?)</p>", rows[rid], flags=re.S)
    assert cell, (lang, rid)
    return cell[0]


def _shown_unit(r, units) -> str:
    """The unit a target's figures are shown in: its proxy's where it has one."""
    return units[r["tracked_by"] if isinstance(r["tracked_by"], str) and r["tracked_by"] else r["indicator_id"]]


def test_a_target_with_one_figure_shows_it_the_pace_it_needs_and_how_common_that_pace_was(site):
    """Checked against the assessments the site downloads: the figure, the yearly change the target needs and the
    counts of comparable yearly changes (as fast / all), on the targets page in both languages."""
    a = _table(site, "assessments")
    units = _table(site, "indicators").set_index("indicator_id")["unit"]
    one = a[a["ref_changes"].notna()]
    assert len(one) >= 1  # QT-S020: Quảng Trị's one online-dossier figure of 2025
    for lang, faster in (("vi", "{f}/{n} mức thay đổi"), ("en", "{f} of {n} yearly changes")):
        rows = _target_rows(site, lang)
        for _, r in one.iterrows():
            cell = _latest_cell(rows, r["target_fact_id"], lang)
            value = format_value(float(r["last_value"]), _shown_unit(r, units), lang)
            pace = format_number(float(r["required_annual_change"]), lang, 2)
            assert value in cell and f"({int(r['last_year'])})" in cell and pace in cell, cell
            assert faster.format(f=int(r["ref_faster"]), n=int(r["ref_changes"])) in cell, cell


def test_every_target_with_figures_shows_its_latest_one_and_a_passed_one_says_it_is_awaited(site):
    """Checked against the assessments the site downloads: beside every target with figures of its own (or of
    its proxy), provincial and national, the latest figure and its year; a target whose year has passed without
    that year's figure says that it is awaited, and no other row says so."""
    a = _table(site, "assessments")
    units = _table(site, "indicators").set_index("indicator_id")["unit"]
    with_figures = a[a["n_points"].fillna(0).gt(0) & a["last_value"].notna()]
    assert len(with_figures) and (with_figures["status"] == "awaiting_data").any()
    for lang, awaited in (("vi", "Chưa có số liệu của năm {y}."), ("en", "No figure for {y} yet.")):
        rows = _target_rows(site, lang)
        for _, r in with_figures.iterrows():
            cell = _latest_cell(rows, r["target_fact_id"], lang)
            assert f"{format_value(float(r['last_value']), _shown_unit(r, units), lang)} ({int(r['last_year'])})" \
                in cell, cell
            waiting = awaited.format(y=int(r["target_year"]))
            assert (waiting in cell) == (r["status"] == "awaiting_data"), (lang, r["target_fact_id"], cell)
        nat = _table(site, "national_assessments")
        nat = nat[nat["n_points"].fillna(0).gt(0) & nat["last_value"].notna()]
        ids = [f"{t}-{c}-{b}" for t, c, b in zip(nat["national_target_id"], nat["province_code"], nat["boundary"])]
        seen = 0
        for rid, (_, r) in zip(ids, nat.iterrows()):
            if rid not in rows:  # a pre-2025 row the page leaves out for the province holding it today
                continue
            cell = _latest_cell(rows, rid, lang)
            assert f"{format_value(float(r['last_value']), units[r['indicator_id']], lang)} " \
                f"({int(r['last_year'])})" in cell, (lang, rid, cell)
            seen += 1
        assert seen >= 10, (lang, seen)
