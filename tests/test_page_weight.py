"""Light pages: plotly.js's cartesian partial bundle, loaded only where a chart is and when it is shown; a province
report on a simulated 4G phone (gzip, 1.6 Mbit/s, 150 ms, CPU 4x slower) weighs <= 1.5 MB and loads in <= 10 s."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest

from analysis.site import chart_library as CL
from test_site import browser, site  # noqa: F401  (fixtures: the small site of the test session, Chromium)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from page_weight import measure, serve  # noqa: E402

pytestmark = pytest.mark.slow
PROVINCE = "vi/provinces/quang-ninh.html"
BUDGET_BYTES, BUDGET_LOAD_S = 1_500_000, 10.0


@pytest.fixture(scope="module")
def gzip_server(site):  # noqa: F811
    url, httpd = serve(site)
    yield url
    httpd.shutdown()


def _lib(url: str) -> bool:
    return url.split("?")[0].endswith("/assets/" + CL.ASSET)


def test_the_site_ships_the_pinned_cartesian_bundle(site):  # noqa: F811
    lib = site / "assets" / CL.ASSET
    assert CL.partial_bundle() is not None, f"{CL.PACKAGE} {CL.VERSION} is not installed: run `make venv`"
    assert lib.read_bytes() == CL.partial_bundle().read_bytes()
    assert CL.bundle_version(lib) == CL.VERSION == CL.bundle_version(CL.full_bundle())  # same plotly.js as python's
    assert lib.stat().st_size < CL.full_bundle().stat().st_size / 2


def test_every_trace_type_the_site_draws_is_in_the_bundle(site, gzip_server, browser):  # noqa: F811
    used = set()
    for page in site.rglob("*.html"):
        for fig in re.findall(r"""data-figure=(?:'([^']*)'|"([^"]*)")""", page.read_text(encoding="utf-8")):
            used |= {t.get("type", "scatter") for t in json.loads(html.unescape(fig[0] or fig[1]))["data"]}
    assert {"bar", "scatter"} <= used
    assert used <= set(CL.TRACES), used - set(CL.TRACES)
    page = browser.new_page()
    page.goto(gzip_server + PROVINCE)
    page.add_script_tag(url=gzip_server + "assets/" + CL.ASSET)
    loaded = set(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
    assert used | {"heatmap"} <= loaded and set(CL.TRACES) <= loaded, set(CL.TRACES) - loaded
    page.close()


def test_a_province_report_on_a_4g_phone_is_light_and_loads_in_time(site, gzip_server, browser):  # noqa: F811
    r = measure(browser, gzip_server + PROVINCE)
    print(f"\n{PROVINCE}: {r['bytes'] / 1e6:.2f} MB until load, load event {r['load_s']:.1f} s; "
          f"{r['bytes_all_charts'] / 1e6:.2f} MB with its {r['charts']} charts shown")
    assert r["bytes"] <= BUDGET_BYTES, r["requests"]
    assert r["load_s"] <= BUDGET_LOAD_S
    assert r["charts"] >= 3 and r["drawn"] >= r["charts"]  # every chart draws once shown
    assert any(_lib(u) for u in r["requests_all"])  # the chart library came when the charts were shown
    assert r["bytes_all_charts"] <= BUDGET_BYTES  # even with every chart on the page drawn


def test_the_chart_library_loads_only_on_a_page_with_a_chart_when_it_is_shown(site, gzip_server, browser):  # noqa: F811
    without = [p for p in ("sources.html", "methodology.html", "targets.html")
               if "plotly-chart" not in (site / "vi" / p).read_text(encoding="utf-8")]
    assert without
    page = browser.new_page(viewport={"width": 390, "height": 844})
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    for rel in without:
        page.goto(gzip_server + "vi/" + rel, wait_until="load")
        page.wait_for_timeout(200)
    assert not any(_lib(u) for u in asked), asked
    # a report: its first screen has no chart, so no library; the static image shows until the chart is reached
    page.goto(gzip_server + PROVINCE, wait_until="load")
    page.wait_for_timeout(300)
    first = page.locator(".plotly-chart.static-twin").first
    if not first.evaluate("el => el.getBoundingClientRect().top > innerHeight + 150"):
        pytest.skip("the report's first chart is on its first screen")
    assert not any(_lib(u) for u in asked) and page.locator(".main-svg").count() == 0
    image = first.locator("xpath=ancestor::*[contains(@class,'jp-OutputArea-child') or contains(@class,'output_area')]"
                          "[1]/preceding-sibling::*[1]//img")
    assert image.count() == 1
    image.scroll_into_view_if_needed()
    page.wait_for_selector(".static-twin .main-svg")
    assert any(_lib(u) for u in asked)
    assert not image.is_visible()  # the interactive chart took the static image's place
    page.close()


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
@pytest.mark.parametrize("rel", [PROVINCE, "en/indicators/trained_employed_share.html"])
def test_a_chart_title_fits_and_no_tool_bar_covers_it(site, gzip_server, browser, rel, width, height):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(gzip_server + rel, wait_until="load")
    charts = page.locator(".plotly-chart[data-figure]")
    checked = 0
    for i in range(min(charts.count(), 4)):
        chart = charts.nth(i)
        chart.evaluate("el => { const o = el.closest('.output_area, .jp-OutputArea-child');"
                       "  const p = o && o.previousElementSibling; (p && p.querySelector('img') ? p : el)"
                       "  .scrollIntoView({block: 'center'}); }")
        chart.locator(".main-svg").first.wait_for()
        page.wait_for_timeout(100)
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the tool bar shows on hover
        page.wait_for_timeout(300)
        title = chart.locator(".gtitle").first.bounding_box()
        assert box["x"] - 1 <= title["x"] and title["x"] + title["width"] <= box["x"] + box["width"] + 1, (
            rel, i, title, box)  # the whole title is on the chart (long ones wrap to its width)
        _source_fits(chart, box, (rel, i))
        bar = chart.locator(".modebar")
        if width < 600:
            assert bar.count() == 0 or not bar.first.is_visible(), (rel, i)
        elif bar.count() and bar.first.is_visible():
            b = bar.first.bounding_box()
            apart = (b["x"] >= title["x"] + title["width"] or b["y"] >= title["y"] + title["height"]
                     or b["x"] + b["width"] <= title["x"] or b["y"] + b["height"] <= title["y"])
            assert apart, (rel, i, title, b)
        checked += 1
    assert checked >= 1
    page.close()


def _apart(a: dict, b: dict) -> bool:
    return (a["x"] >= b["x"] + b["width"] or a["y"] >= b["y"] + b["height"] or a["x"] + a["width"] <= b["x"]
            or a["y"] + a["height"] <= b["y"])


def _source_fits(chart, box: dict, where) -> None:
    """A chart's source line is on the chart (long ones wrap to its width) and clear of its legend."""
    legend = chart.locator(".legend")
    legend_box = legend.first.bounding_box() if legend.count() else None
    notes = chart.locator(".annotation")
    for j in range(notes.count()):
        if not (notes.nth(j).text_content() or "").strip().startswith(("Nguồn", "Source")):
            continue
        n = notes.nth(j).bounding_box()
        assert box["x"] - 1 <= n["x"] and n["x"] + n["width"] <= box["x"] + box["width"] + 1, (where, n, box)
        assert legend_box is None or _apart(n, legend_box), (where, n, legend_box)


def test_a_download_link_draws_its_chart_first(site, gzip_server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(gzip_server + "vi/indicators/trained_employed_share.html", wait_until="load")
    link = page.locator("a[data-plot-download='svg']").first
    with page.expect_download() as got:
        link.click()  # scrolling to the link may show the chart too: either way the file comes
    assert got.value.suggested_filename.endswith(".svg")
    assert page.locator(".plotly-chart.js-plotly-plot").count() == 1
    page.close()
