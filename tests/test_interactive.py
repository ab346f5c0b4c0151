"""Interactive twins of the report's charts: what matplotlib draws is what plotly.js shows, in the page's locale."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from analysis.report import charts
from analysis.report.interactive import to_plotly, twin_html


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test draws its own figures; close them so later tests do not inherit open figures."""
    yield
    plt.close("all")


def _chart(lang: str) -> charts.Chart:
    fig, ax = plt.subplots()
    ax.fill_between([2020, 2021, 2022], [1, 2, 3], [2, 4, 6], alpha=0.3, label="khoảng dự báo 80%")
    ax.plot([2018, 2019, 2020], [10.5, 20.25, 1105.5], "o", label="số liệu")
    ax.plot([2020, 2025], [1105.5, 1500], ":", label="lộ trình")
    ax.axhline(35, color="red", ls="--")
    ax.invert_yaxis()
    return charts.finish(fig, ax, title="Tỷ lệ – Quảng Ninh", ylabel="%", source="Tổng cục Thống kê", alt="alt",
                         stem="t", lang=lang)


@pytest.mark.parametrize("lang,sep", [("vi", ",."), ("en", ".,")])
def test_lines_bands_and_reference_lines_are_read_back(lang, sep):
    fig = to_plotly(_chart(lang))
    kinds = [(t["type"], t.get("mode"), t.get("fill")) for t in fig["data"]]
    assert kinds == [("scatter", "lines", "toself"), ("scatter", "markers", None), ("scatter", "lines", None)]
    band, points, path = fig["data"]
    assert points["x"] == [2018, 2019, 2020] and points["y"] == [10.5, 20.25, 1105.5]
    assert path["line"]["dash"] == "dot" and band["name"] == "khoảng dự báo 80%"
    assert min(band["y"]) == 1 and max(band["y"]) == 6
    layout = fig["layout"]
    assert layout["separators"] == sep and layout["yaxis"]["autorange"] == "reversed"
    assert layout["xaxis"]["tickformat"] == "d"  # years, not 2.018k
    assert layout["shapes"] == [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 35, "y1": 35,
                                 "line": {"color": "rgba(255,0,0,1.0)", "dash": "dash"}}]
    assert "Tổng cục Thống kê" in layout["annotations"][0]["text"] and "Quảng Ninh" in layout["title"]["text"]


def test_bars_keep_their_categories_and_values():
    fig, ax = plt.subplots()
    ax.barh(["đại học", "cao đẳng", "trung cấp"], [70, 15, 10])
    ax.invert_yaxis()
    c = charts.finish(fig, ax, title="Trình độ", ylabel="", xlabel="người", source="TCCS", alt="a", stem="b",
                      lang="vi")
    bars = to_plotly(c)
    t = bars["data"][0]
    assert t["type"] == "bar" and t["orientation"] == "h"
    assert t["y"] == ["đại học", "cao đẳng", "trung cấp"] and t["x"] == [70, 15, 10]
    assert "người" in t["hovertemplate"] and bars["layout"]["yaxis"]["autorange"] == "reversed"
    assert bars["layout"]["yaxis"]["type"] == "category"
    fig, ax = plt.subplots()
    ax.bar(["2021", "2022", "2023"], [6695, 5333, 4076])
    years = to_plotly(charts.finish(fig, ax, title="t", ylabel="lượt", source="s", alt="a", stem="y", lang="vi"))
    assert years["data"][0]["x"] == ["2021", "2022", "2023"] and years["layout"]["xaxis"]["type"] == "category"
    assert 'class="plotly-chart static-twin"' in twin_html(c) and 'aria-label="a"' in twin_html(c)


def test_a_figure_with_two_plots_keeps_only_its_static_image():
    fig, (a, b) = plt.subplots(1, 2)
    a.plot([1, 2], [1, 2])
    b.plot([1, 2], [2, 1])
    c = charts.Chart(fig=fig, title="t", alt="a", stem="s")
    assert to_plotly(c) is None and twin_html(c) == ""


def test_text_at_data_points_is_carried_over():
    """The '*' that flags a figure and the value labels a chart writes itself appear on the interactive chart."""
    fig, ax = plt.subplots()
    ax.plot([2021, 2022, 2023], [40.5, 52.0, 61.25], "o")
    ax.annotate("*", (2022, 52.0), textcoords="offset points", xytext=(5, 3), fontsize=10)
    flagged = to_plotly(charts.finish(fig, ax, title="t", ylabel="%", source="s", alt="a", stem="f", lang="vi"))
    star = [a for a in flagged["layout"]["annotations"] if a["text"] == "*"]
    assert len(star) == 1 and (star[0]["x"], star[0]["y"]) == (2022, 52) and star[0]["xshift"] > 0
    fig, ax = plt.subplots()
    ax.bar(["2021", "2022"], [6695, 5333])
    ax.text(1, 5333, "5.333\n0,52 tr.đ/lượt", ha="center", va="bottom")
    bars = to_plotly(charts.finish(fig, ax, title="t", ylabel="lượt", source="s", alt="a", stem="g", lang="vi"))
    label = bars["layout"]["annotations"][0]
    assert (label["x"], label["y"]) == ("2022", 5333) and label["text"] == "5.333<br>0,52 tr.đ/lượt"
    assert "texttemplate" not in bars["data"][0]  # the chart's own labels, not a second copy of the values
    assert bars["layout"]["annotations"][-1]["text"].endswith("s")  # the source line stays last


def test_a_saved_chart_has_the_csv_of_exactly_what_it_plots(tmp_path):
    import pandas as pd

    paths = charts.save(_chart("vi"), tmp_path)
    assert [p.suffix for p in paths] == [".png", ".svg", ".json", ".csv"]
    data = pd.read_csv(paths[-1])
    points = data[data["series"] == "số liệu"]
    assert points["x"].tolist() == [2018, 2019, 2020] and points["value"].tolist() == [10.5, 20.25, 1105.5]
    assert set(data["kind"]) == {"band", "markers", "lines"}
    band = data[data["kind"] == "band"]  # tidy: one row per year with the interval's edges, not a polygon path
    assert band["x"].tolist() == [2020, 2021, 2022] and band["value"].isna().all()
    assert band["lower"].tolist() == [1, 2, 3] and band["upper"].tolist() == [2, 4, 6]
    assert data.loc[data["kind"] != "band", ["lower", "upper"]].isna().all().all()
    assert set(data["source"]) == {"Tổng cục Thống kê"}
    assert paths[-1].read_bytes().startswith(b"\xef\xbb\xbf")  # Excel under a Vietnamese locale reads UTF-8
    fig, ax = plt.subplots()
    ax.barh(["đại học", "cao đẳng"], [70, 15])
    bars = charts.finish(fig, ax, title="t", ylabel="", xlabel="người", source="s", alt="a", stem="h", lang="vi")
    rows = pd.read_csv(charts.save(bars, tmp_path)[-1])
    assert rows[["x", "value"]].values.tolist() == [["đại học", 70], ["cao đẳng", 15]]
    assert set(rows["unit"]) == {"người"} and set(rows["series"]) == {"t"}  # one unnamed series: the title
    assert set(data["unit"]) == {"%"}


def test_a_hand_labelled_value_axis_or_nameless_bars_keep_only_the_static_image():
    """Ranks written over bars of 64 − rank: the twin would hover '61' for rank 3, so it is not made."""
    ranks = [3, 12, 63]
    fig, ax = plt.subplots()
    ax.bar(["Quảng Ninh", "Bình Phước", "Bắc Kạn"], [64 - r for r in ranks])
    ax.set_yticks([63, 33, 3])
    ax.set_yticklabels(["1", "31", "61"])
    relabelled = charts.finish(fig, ax, title="t", ylabel="rank", source="s", alt="a", stem="r", lang="en")
    assert to_plotly(relabelled) is None and twin_html(relabelled) == ""

    fig, ax = plt.subplots()
    ax.bar(range(3), [5, 6, 7])
    ax.set_xticks([])
    nameless = charts.finish(fig, ax, title="t", ylabel="n", source="s", alt="a", stem="n", lang="en")
    assert to_plotly(nameless) is None

    # tick labels set by hand that read as their positions (years, say) keep the twin
    fig, ax = plt.subplots()
    ax.plot([2021, 2022, 2023], [1, 2, 3], "o-")
    ax.set_xticks([2021, 2022, 2023])
    ax.set_xticklabels(["2021", "2022", "2023"])
    ax.set_yticks([1, 2, 3])
    ax.set_yticklabels(["1", "2", "3"])
    kept = charts.finish(fig, ax, title="t", ylabel="%", source="s", alt="a", stem="k", lang="en")
    assert to_plotly(kept) is not None


def test_a_long_title_is_broken_into_lines_clear_of_the_tool_bar():
    """Plotly's tool bar sits top right: a title longer than one line is wrapped with <br> (escaped, every word
    kept) and the top margin grows, so the title never runs under the tool bar; a short one stays one line."""
    from analysis.report.interactive import TITLE_WIDTH, plotly_title

    long = ("Tỷ lệ lao động từ 15 tuổi trở lên đang làm việc đã qua đào tạo có bằng cấp, chứng chỉ: "
            "63 tỉnh, thành phố, năm 2016 (trước 1/7/2025) & <khác>")
    text, n = plotly_title(long)
    lines = text.split("<br>")
    assert n == len(lines) >= 2 and all(len(line) <= TITLE_WIDTH + 10 for line in lines)  # escaping may lengthen
    assert " ".join(lines).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") == long
    assert plotly_title("Tỷ lệ – Quảng Ninh") == ("Tỷ lệ – Quảng Ninh", 1)
    fig, ax = plt.subplots()
    ax.plot([2018, 2019], [1.0, 2.0], "o")
    short = to_plotly(charts.finish(fig, ax, title="Ngắn", ylabel="%", source="s", alt="a", stem="s", lang="vi"))
    fig, ax = plt.subplots()
    ax.plot([2018, 2019], [1.0, 2.0], "o")
    wrapped = to_plotly(charts.finish(fig, ax, title=long, ylabel="%", source="s", alt="a", stem="w", lang="vi"))
    assert "<br>" in wrapped["layout"]["title"]["text"] and "<br>" not in short["layout"]["title"]["text"]
    assert wrapped["layout"]["margin"]["t"] > short["layout"]["margin"]["t"]
