"""Indicator pages: which figures a chart compares, and what it leaves out."""

from __future__ import annotations

import pandas as pd

from analysis.assess.series import yearly
from analysis.catalogue import msg
from analysis.site import indicator_chart as IC
from analysis.site import indicator_pages as IP

REGISTRY = pd.DataFrame({
    "province_code": ["22", "22", "44", "45", "44", "VN"],
    "boundary": ["pre2025", "post2025", "pre2025", "pre2025", "post2025", "pre2025"],
    "name_vi": ["Quảng Ninh", "Quảng Ninh", "Quảng Bình", "Quảng Trị", "Quảng Trị", "Toàn quốc"],
    "name_en": ["Quang Ninh", "Quang Ninh", "Quang Binh", "Quang Tri", "Quang Tri", "Whole country"],
    "merged_from": [None, "Quảng Ninh", None, None, "Quảng Bình; Quảng Trị", None],
    "successor_code": ["22", None, "44", "44", None, None],  # which territories changed follows from these
})
SOURCES = pd.DataFrame({"source_id": ["s"], "publisher": ["GSO"], "issuer_author": [""], "title": [""]})
IND = pd.Series({"name_vi": "Tỷ lệ", "name_en": "Share", "unit": "percent"})


def _obs(rows):
    df = pd.DataFrame(rows, columns=["fact_id", "province_code", "boundary", "year", "value", "flags"])
    df["kind"], df["breakdown"], df["indicator_id"], df["unit"], df["source_id"] = (
        "observation", "total", "x", "percent", "s")
    df["period"] = df["year"].astype(str)
    return df


def test_an_unchanged_province_is_not_repeated_under_the_new_boundary_but_a_merged_one_is_kept():
    f = _obs([("a", "22", "pre2025", 2016, 30.0, ""), ("b", "22", "post2025", 2016, 30.0, "aggregated"),
              ("c", "44", "post2025", 2016, 20.0, "aggregated")])
    o = IP.observations(f, "x", REGISTRY)
    assert set(zip(o["province_code"], o["boundary"])) == {("22", "pre2025"), ("44", "post2025")}


def test_a_year_shows_the_figure_the_assessment_reads_of_it():
    # two dated counts in one year: the later; a three-year total against that year's own figure: the year's;
    # the preliminary figure against a new vintage's of the same year: the new vintage's
    f = _obs([("a", "VN", "pre2025", 2023, 74818.0, ""), ("b", "VN", "pre2025", 2023, 76905.0, ""),
              ("c", "22", "pre2025", 2023, 16104.0, ""), ("d", "22", "pre2025", 2023, 4076.0, ""),
              ("e", "45", "pre2025", 2016, 348.9, ""), ("f", "45", "pre2025", 2016, 344.9, "definition_break")])
    f["period"] = ["2023-09-04", "2023-08-22", "2021/2023", "2023", "2016", "2016"]
    o = IP.observations(f, "x", REGISTRY).set_index("province_code")["value"]
    assert o.to_dict() == {"VN": 74818.0, "22": 4076.0, "45": 344.9}
    rows = f.assign(year=f["year"].astype(int))
    assert yearly(rows[rows["province_code"] == "VN"])["value"].tolist() == [74818.0]  # the assessment agrees


def test_a_bar_chart_compares_one_year_and_one_boundary_without_the_whole_country(monkeypatch):
    monkeypatch.setattr(IC, "LINE_MAX", 1)  # the chart module decides bars or lines
    f = _obs([("a", "22", "pre2025", 2015, 30.0, ""), ("b", "22", "pre2025", 2016, 31.0, ""),
              ("c", "44", "pre2025", 2016, 20.0, ""), ("d", "45", "pre2025", 2016, 25.0, ""),
              ("e", "45", "pre2025", 2015, 24.0, ""), ("f", "VN", "pre2025", 2016, 22.0, "")])
    fig, data, title, alt = IP.chart(IP.observations(f, "x", REGISTRY), f.iloc[0:0], REGISTRY, SOURCES, IND, "vi")
    assert list(data["year"].unique()) == [2016] and "VN" not in set(data["province_code"])
    assert fig["data"][0]["y"] == [31.0, 25.0, 20.0]  # sorted, highest first
    assert "3 tỉnh" in title and "2016" in title
    assert "Quảng Ninh (31%)" in alt and "Quảng Bình (20%)" in alt


def test_a_bar_chart_of_a_rank_puts_the_best_first_and_says_so(monkeypatch):
    monkeypatch.setattr(IC, "LINE_MAX", 1)
    f = _obs([("a", "22", "pre2025", 2016, 3.0, ""), ("c", "44", "pre2025", 2016, 40.0, ""),
              ("d", "45", "pre2025", 2016, 12.0, "")]).assign(unit="rank")
    rank = pd.Series({"name_vi": "Xếp hạng", "name_en": "Rank", "unit": "rank", "better": "lower"})
    for lang, best_first in (("vi", "tốt nhất trước: từ Quảng Ninh (3) đến Quảng Bình (40)"),
                             ("en", "best first: from Quang Ninh (3) to Quang Binh (40)")):
        fig, data, title, alt = IP.chart(IP.observations(f, "x", REGISTRY), f.iloc[0:0], REGISTRY, SOURCES, rank,
                                         lang)
        assert fig["data"][0]["y"] == [3.0, 12.0, 40.0] and list(data["value"]) == [3.0, 12.0, 40.0]
        assert best_first in alt, alt


def test_a_line_chart_marks_targets_and_uses_the_page_number_format():
    f = _obs([("a", "22", "pre2025", 2021, 30.5, ""), ("b", "22", "pre2025", 2023, 40.25, "")])
    targets = pd.DataFrame({"province_code": ["22"], "boundary": ["pre2025"], "year": [2025], "value": [60.0]})
    fig, data, title, alt = IP.chart(IP.observations(f, "x", REGISTRY), targets, REGISTRY, SOURCES, IND, "en")
    assert fig["layout"]["separators"] == ".,"
    kinds = {t["name"]: t for t in fig["data"]}
    assert kinds["Quang Ninh"]["x"] == [2021, 2023] and kinds["target"]["y"] == [60.0]
    assert "2021" in alt and "2023" in alt and alt.endswith("An X marks a target.")
    # a target of a province the chart does not show: no X on the chart, and the alt text does not promise one
    elsewhere = targets.assign(province_code="92")
    fig, data, title, alt = IP.chart(IP.observations(f, "x", REGISTRY), elsewhere, REGISTRY, SOURCES, IND, "en")
    assert "target" not in {t["name"] for t in fig["data"]} and "X marks" not in alt


def test_a_line_is_not_drawn_across_a_definition_break(monkeypatch):
    """A revised vintage from 2016 (its 2016 figure flagged definition_break, the preliminary one beside it): the
    line chart, the province picker's series and the table's count of years all show the break instead of one
    series; a province whose figures all come from the new vintage has no break to show."""
    f = _obs([("a", "22", "pre2025", 2014, 30.0, ""), ("b", "22", "pre2025", 2015, 31.0, ""),
              ("c", "22", "pre2025", 2016, 33.0, "preliminary"), ("d", "22", "pre2025", 2016, 29.0, "definition_break"),
              ("e", "22", "pre2025", 2017, 29.5, ""), ("f", "45", "pre2025", 2016, 20.0, "definition_break"),
              ("g", "45", "pre2025", 2017, 21.0, "")])
    obs = IP.observations(f, "x", REGISTRY)
    for lang, words in (("vi", "ngắt"), ("en", "breaks")):
        fig, _, _, alt = IP.chart(obs, f.iloc[0:0], REGISTRY, SOURCES, IND, lang)
        lines = {t["name"]: t for t in fig["data"]}
        qn, qt = lines["Quảng Ninh" if lang == "vi" else "Quang Ninh"], lines["Quảng Trị" if lang == "vi" else "Quang Tri"]
        assert qn["x"] == [2014, 2015, 2016, 2016, 2017] and qn["y"] == [30.0, 31.0, None, 29.0, 29.5]
        assert None not in qt["y"]  # its series starts with the new vintage: nothing to break
        assert words in alt and "2016" in alt
        table = IP.values_table(obs, REGISTRY, SOURCES, lang).set_index(msg("ind_col_province", lang))
        points = table[msg("ind_col_points", lang)]
        assert words in points["Quảng Ninh" if lang == "vi" else "Quang Ninh"] and "2016" in points.iloc[0]
        assert words not in points["Quảng Trị" if lang == "vi" else "Quang Tri"]
    fig, _, _, alt = IP.chart(IP.observations(f[f["fact_id"] != "d"], "x", REGISTRY), f.iloc[0:0], REGISTRY,
                              SOURCES, IND, "en")
    assert "breaks" not in alt and all(None not in t["y"] for t in fig["data"])  # nothing starts a new series
    monkeypatch.setattr(IC, "LINE_MAX", 1)  # bars for one year, and the picker's series beside them
    g = IC.grapher(obs, REGISTRY, IND, "en")
    assert g["series"]["Quang Ninh"] == [[2014, 30.0], [2015, 31.0], [2016, None], [2016, 29.0], [2017, 29.5]]


def test_the_tile_map_layout_places_each_of_the_34_provinces_once():
    from analysis import config
    from analysis.site.tilemap import load_grid

    grid = load_grid()
    registry = pd.read_csv(config.project_root() / "data" / "raw" / "admin_crosswalk_2025.csv", dtype=str)
    post = set(registry["new_code"])
    assert set(grid["province_code"]) == post and len(grid) == 34
    assert not grid.duplicated(["col", "row"]).any()
    assert grid["abbr"].str.len().gt(0).all()


def test_a_value_map_colours_every_province_by_quantile_class_with_a_localised_legend():
    import re

    from analysis.numbers import format_number
    from analysis.site.tilemap import BLUES, load_grid, value_map

    grid = load_grid()
    values = pd.DataFrame({"province_code": grid["province_code"], "value": [10.5 + i for i in range(len(grid))]})
    reg = pd.DataFrame({"province_code": grid["province_code"], "boundary": "post2025",
                        "name_vi": grid["abbr"], "name_en": grid["abbr"]})
    svg = value_map(values, reg, "T", "%", 2016, "vi", lambda x: format_number(x, "vi", 1))
    rects = re.findall(r"fill='(#[0-9a-f]{6})' stroke='#999' data-province='(\d+)' data-value='([\d.]+)'", svg)
    assert len(rects) == 34
    by_value = sorted((float(v), BLUES.index(c)) for c, _, v in rects)
    classes = [k for _, k in by_value]
    assert classes == sorted(classes) and set(classes) == set(range(5))  # higher value, darker class
    assert "10,5–" in svg and "43,5</li>" in svg  # the legend uses Vietnamese decimals


def test_a_catalogue_text_shows_in_the_page_language_or_marked_as_english():
    row = pd.Series({"unit": "percent", "better": "higher", "aggregation": "weighted_mean:population",
                     "definition": "Online dossiers as a share of all dossiers.",
                     "definition_vi": "Số hồ sơ trực tuyến trên tổng số hồ sơ.",
                     "comparability": "Definition changed in 2023.", "comparability_vi": ""})
    vi = IP._meta_dl(row, "vi")
    assert "Số hồ sơ trực tuyến trên tổng số hồ sơ." in vi and "Online dossiers" not in vi
    assert msg("ind_definition", "vi") in vi
    # no Vietnamese comparability note: the English one, marked as English for readers and screen readers
    assert (f"{msg('ind_comparability_english', 'vi')}:</b> <span lang='en'>Definition changed in 2023.</span>"
            in vi)
    en = IP._meta_dl(row, "en")
    assert "Online dossiers as a share of all dossiers." in en and "Số hồ sơ" not in en and "lang='en'" not in en
    # no Vietnamese definition at all: the English one, marked
    vi = IP._meta_dl(row.drop("definition_vi"), "vi")
    assert f"{msg('ind_definition_english', 'vi')}:</b> <span lang='en'>Online dossiers" in vi

