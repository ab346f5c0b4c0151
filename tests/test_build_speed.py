"""The build's shortcuts give what the long way gave: charts drawn once for both PNGs, Excel files streamed, Word
files made from image files, the calibration reused from its cache."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile

import matplotlib.pyplot as plt
import pytest
from PIL import Image

from analysis.assess import calibration
from analysis.report import charts
from analysis.site import downloads


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _chart(stem: str = "t") -> charts.Chart:
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.fill_between([2020, 2021, 2022], [1, 2, 3], [2, 4, 6], alpha=0.3, label="khoảng dự báo 80%")
    ax.plot([2018, 2019, 2020], [10.5, 20.25, 1105.5], "o", label="số liệu")
    ax.legend(loc="best")
    source = "Tổng cục Thống kê, Niên giám thống kê tỉnh Quảng Ninh 2023, bảng 12 và bảng 14 (một dòng nguồn rất dài)"
    return charts.finish(fig, ax, title="Tỷ lệ – Quảng Ninh", ylabel="%", source=source, alt="alt", stem=stem,
                         lang="vi")


def _tight(chart: charts.Chart, **kw) -> bytes:
    buf = io.BytesIO()
    chart.fig.savefig(buf, bbox_inches="tight", **kw)
    return buf.getvalue()


def _pixels(png: bytes):
    import numpy as np

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_saved_png_is_the_picture_of_a_tight_save_and_the_shown_one_is_it_scaled(tmp_path):
    """One drawing at 300 dpi gives both PNGs (charts.render): the saved one is the picture a tight savefig makes
    (same size; placed to within half a pixel: a picture one pixel off differs in 1.5 of 255 on average, 2% of its
    pixels clearly), the shown one that picture at 110 dpi."""
    fast, slow = _chart(), _chart()
    paths = charts.save(fast, tmp_path)
    shown = charts.display_png(fast)
    saved, tight = _pixels(paths[0].read_bytes()), _pixels(_tight(slow, format="png", dpi=charts.PRINT_DPI))
    assert saved.shape == tight.shape
    diff = abs(saved - tight)
    assert diff.mean() < 0.8 and (diff.sum(axis=2) > 30).mean() < 0.012
    assert Image.open(paths[0]).info["dpi"] == pytest.approx((charts.PRINT_DPI,) * 2, abs=0.1)
    # the PNG shown is cropped to the same box, at 110 dpi: within a few pixels of its own tight box
    big, small = Image.open(paths[0]).size, Image.open(io.BytesIO(shown)).size
    tight_small = Image.open(io.BytesIO(_tight(slow, format="png", dpi=charts.DISPLAY_DPI))).size
    for b, s, t in zip(big, small, tight_small):
        assert abs(s - b * charts.DISPLAY_DPI / charts.PRINT_DPI) <= 1 and abs(s - t) <= 0.02 * t + 2
    assert Image.open(io.BytesIO(shown)).info["dpi"] == pytest.approx((charts.DISPLAY_DPI,) * 2, abs=0.1)
    scaled = _pixels(paths[0].read_bytes())[::3, ::3]  # every third pixel of the 300 dpi picture, about 100 dpi
    assert abs(_pixels(shown).mean() - scaled.mean()) < 2  # the same picture, not a blank or another chart
    # the SVG is cropped to the 300 dpi PNG's box (in points: 72 per inch)
    width, height = map(float, re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', paths[1].read_text()).groups())
    px = Image.open(paths[0]).size
    assert width == pytest.approx(px[0] * 72 / charts.PRINT_DPI, abs=0.5)
    assert height == pytest.approx(px[1] * 72 / charts.PRINT_DPI, abs=0.5)
    assert json.loads(paths[2].read_text(encoding="utf-8"))["alt"] == "alt"


def test_a_figure_the_single_drawing_cannot_serve_is_saved_by_savefig(tmp_path):
    """A see-through background (or another canvas) goes the long way: the files are savefig's own."""
    fast, slow = _chart(), _chart()
    for c in (fast, slow):
        c.fig.patch.set_alpha(0.0)
    rendered = charts.render(fast)
    assert rendered.print_png == _tight(slow, format="png", dpi=charts.PRINT_DPI)
    assert Image.open(io.BytesIO(rendered.print_png)).mode == "RGBA"


def test_the_places_kept_from_the_measuring_draw_are_those_each_file_would_find(monkeypatch):
    """Titles and "best" legends are placed once (charts._keep_placement); every file is drawn as before."""
    monkeypatch.setitem(plt.rcParams, "svg.hashsalt", "test")  # the same clip-path ids in both SVGs
    kept, found = _chart(), _chart()
    box = charts.tight_box(kept.fig, charts.PRINT_DPI)
    found.fig.set_layout_engine(None)  # laid out the same way, titles and legend left to look for their place
    for kw in ({"format": "png", "dpi": charts.DISPLAY_DPI}, {"format": "svg"}):
        a, b = io.BytesIO(), io.BytesIO()
        kept.fig.savefig(a, bbox_inches=box, **kw)
        found.fig.savefig(b, bbox_inches=box, **kw)
        clean = lambda data: re.sub(rb"<dc:date>.*?</dc:date>", b"", data)  # noqa: E731
        assert clean(a.getvalue()) == clean(b.getvalue())


def _png(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 4), colour).save(buf, "PNG")
    return buf.getvalue()


def test_word_file_embeds_the_page_images_without_their_data_uri(tmp_path):
    images = [_png((255, 0, 0)), _png((0, 0, 255))]
    body = "<h1>Quảng Ninh</h1>" + "".join(
        f'<p><img alt="Biểu đồ {i}" src="data:image/png;base64,{base64.b64encode(b).decode()}"></p>'
        for i, b in enumerate(images))
    out = tmp_path / "r.docx"
    (tmp_path / "work").mkdir()
    downloads._docx(body, "Quảng Ninh", "vi", out, tmp_path / "work")
    with zipfile.ZipFile(out) as z:
        media = sorted(hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.startswith("word/media/"))
        doc = z.read("word/document.xml").decode("utf-8")
    assert media == sorted(hashlib.sha256(b).hexdigest() for b in images)
    assert "base64" not in doc and 'descr="Biểu đồ 0"' in doc and 'descr="Biểu đồ 1"' in doc


def test_calibration_is_reused_from_its_cache(tmp_path, monkeypatch):
    rows = calibration.cached_run(3, tmp_path)
    assert [r["process"] for r in rows] == [r["process"] for r in calibration.run(3)]
    assert [r["ours80"] for r in rows] == pytest.approx([r["ours80"] for r in calibration.run(3)])
    monkeypatch.setattr(calibration, "run", lambda *a, **k: pytest.fail("the cached result was not reused"))
    assert calibration.cached_run(3, tmp_path) == rows
    assert len(list(tmp_path.glob("calibration-*.json"))) == 1
    with pytest.raises(pytest.fail.Exception):
        calibration.cached_run(4, tmp_path)  # other parameters: run again


def test_the_calibration_started_beside_a_stage_is_found_in_its_cache(tmp_path, monkeypatch):
    """analysis assess starts the methodology page's calibration on the core it leaves idle; the site reuses it."""
    calibration.start_cached(3, tmp_path)()  # waits for the forked process
    monkeypatch.setattr(calibration, "run", lambda *a, **k: pytest.fail("the calibration was not cached"))
    assert [r["process"] for r in calibration.cached_run(3, tmp_path)] == ["logistic_iid", "saturating_ar1",
                                                                           "gompertz_rw"]
    calibration.start_cached(3, tmp_path)()  # cached already: nothing is started


def test_excel_files_hold_what_pandas_to_excel_writes(tmp_path):
    """reader_csv.write_reader_xlsx (streamed) against df.to_excel: the same cells read back, the header bold."""
    import numpy as np
    import openpyxl
    import pandas as pd

    from analysis.reader_csv import write_reader_xlsx

    df = pd.DataFrame({"Tỉnh": ["Quảng Ninh", None, "Cần Thơ"], "năm": np.array([2021, 2022, 2023], dtype="int64"),
                       "giá trị": [77.67, np.nan, 1105280.0], "đạt": [True, False, True]})
    df["ghi chú"] = pd.array(["a", pd.NA, "c"], dtype="string")
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    write_reader_xlsx(df, ours)
    df.to_excel(theirs, index=False)
    pd.testing.assert_frame_equal(pd.read_excel(ours), pd.read_excel(theirs))
    ws = openpyxl.load_workbook(ours).active
    assert [c.value for c in ws[1]] == list(df.columns) and all(c.font.bold for c in ws[1])
    assert ws["B2"].value == 2021 and isinstance(ws["B2"].value, int) and ws["C3"].value is None


def test_a_chart_reaching_past_the_figure_is_drawn_whole(tmp_path):
    """A title wider than the figure: the single drawing would cut it off, so the files are savefig's own (the
    whole title in the picture)."""
    fast, slow = _chart(), _chart()
    for c in (fast, slow):
        c.fig.axes[0].set_title("Một tiêu đề rất dài " * 8, loc="left")
    rendered = charts.render(fast)
    width = Image.open(io.BytesIO(rendered.print_png)).size[0]
    assert width > fast.fig.get_figwidth() * charts.PRINT_DPI
    assert width == Image.open(io.BytesIO(_tight(slow, format="png", dpi=charts.PRINT_DPI))).size[0]


def test_work_in_a_forked_process_gives_its_result_or_its_error_by_name():
    """analysis.forked, as the assess stage and the site use it: the result comes back; a failure is raised by the
    site's waiting function as a SiteError naming the piece; a stopped piece gives no result."""
    from analysis.forked import Forked
    from analysis.site.background import in_background
    from analysis.site.page import SiteError

    assert in_background(lambda: {"rows": [1, 2]}, "the test piece")() == {"rows": [1, 2]}
    with pytest.raises(SiteError, match=r"the test piece failed: ZeroDivisionError"):
        in_background(lambda: 1 / 0, "the test piece")()
    slow = Forked(lambda: __import__("time").sleep(30))
    slow.stop()
    assert slow.wait() == (False, "stopped")
