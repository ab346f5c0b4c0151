"""One chart style for the whole project: title, units, source line and alt text on every chart.

Charts are returned as ``Chart`` objects; ``show`` displays one in a notebook as a PNG that carries its alt
text (nbconvert puts it in the page), ``save`` writes PNG (300 dpi) and SVG for papers.

A chart is drawn once (``render``): at 300 dpi, cropped to the figure's tight box (the box
``bbox_inches="tight"`` crops to, padded with the figure's colour where it reaches past the figure), which is the
PNG for papers; the PNG shown (110 dpi) is the same pixels scaled down by area averaging, not a second drawing.
The SVG is cropped to the same box. Where a figure cannot be drawn this way (another canvas, a see-through
background, a layout engine that moves things at every draw, something reaching past the figure's edge) each
file is saved by ``savefig`` as before.
"""

from __future__ import annotations

import io
import json
import textwrap
import zlib
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib import rcParams
from IPython.display import HTML, Image, Markdown, display
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox
from PIL import Image as PILImage

from analysis.numbers import format_number
from analysis.reader_csv import write_reader_csv
from analysis.report.chart_model import Chart
from analysis.report.interactive import plotted_data, twin_html

from analysis.labels import t

__all__ = ["PALETTE", "Chart", "Rendered", "display_png", "finish", "number_axis", "render", "save", "set_style", "show",
           "tight_box", "year_ticks"]

PALETTE = sns.color_palette("colorblind")
PRINT_DPI = 300  # the PNG for papers
DISPLAY_DPI = 110  # the PNG shown in the notebook (and so on the site and in the Word files)


def set_style() -> None:
    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans",
                  rc={"axes.titleweight": "bold", "axes.titlesize": 12, "figure.dpi": 100,
                      "svg.fonttype": "none"})


set_style()


def number_axis(ax, lang: str, axis: str = "y", decimals: int | None = None) -> None:
    fmt = FuncFormatter(lambda v, _: format_number(v, lang, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


MIN_SHARE_SPAN = 10.0  # percentage points: a share's axis spans at least this much
MIN_RELATIVE_SPAN = 0.2  # another value's axis spans at least this share of its size


def least_span(ax, unit: str, bounds: tuple[float | None, float | None] | None = None) -> tuple[float, float] | None:
    """Widen the value axis so that a small change does not fill the chart (98,5% to 98,2% drawn top to bottom):
    a share's axis spans at least ``MIN_SHARE_SPAN`` points, another value's ``MIN_RELATIVE_SPAN`` of its size,
    within the indicator's ``bounds``. The new limits, or None where the data already span that much."""
    lo, hi = ax.get_ylim()
    need = MIN_SHARE_SPAN if unit == "percent" else MIN_RELATIVE_SPAN * max(abs(lo), abs(hi))
    if hi - lo >= need or need == 0:
        return None
    low_bound, high_bound = bounds or (None, None)
    pad = 0.04 * need  # a point on the bound keeps its whole marker
    new_lo, new_hi = (lo + hi - need) / 2, (lo + hi + need) / 2
    if high_bound is not None and new_hi > high_bound + pad:
        new_lo, new_hi = high_bound + pad - need, high_bound + pad
    if low_bound is not None and new_lo < low_bound - pad:
        new_lo, new_hi = low_bound - pad, low_bound - pad + need
    ax.set_ylim(new_lo, new_hi)
    return new_lo, new_hi


def finish(fig, ax, *, title: str, ylabel: str, source: str, alt: str, stem: str, lang: str,
           xlabel: str | None = None, ticks_above: bool = False) -> Chart:
    """Title, axis labels with units, a source line under the plot; returns the Chart. ``ticks_above``: the x
    axis's labels sit above the plot, and the title goes above them."""
    # placed, not looked for, where nothing sits above the plot (its ticks are below); wrapped to the figure's width
    ax.set_title(textwrap.fill(title, _title_chars(fig), break_long_words=False), loc="left",
                 y=None if ticks_above else 1.0)
    ax.set_ylabel(ylabel)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    fig.text(0.01, 0.005, f"{t('source', lang)}: {source}", fontsize=7.5, color="#444", ha="left", va="bottom",
             wrap=True)
    fig.tight_layout(rect=(0, min(0.06, 0.3 / fig.get_figheight()), 1, 1))  # the source line's room: 0.3 in at most
    return Chart(fig=fig, title=title, alt=alt, stem=stem, ylabel=ylabel, source=source, lang=lang)


def _title_chars(fig) -> int:
    """About how many characters of a bold 12 pt title fit over the plot (7.6 pt each, the y axis's 0.6 in off)."""
    return max(20, int((fig.get_figwidth() - 0.6) * 72 / 7.6))


def year_ticks(ax, years) -> None:
    """Ticks at ``years``, thinned from the right where their labels would overlap (a year's label needs about
    0.45 in): the last year (a target year, the latest figure) always keeps its label."""
    years = sorted({int(y) for y in years})
    if not years:
        return
    inches = ax.figure.get_figwidth() * ax.get_position().width
    gap = 0.45 * max(years[-1] - years[0], 1) / max(inches, 0.1)  # in years
    kept = [years[-1]]
    for y in reversed(years[:-1]):
        if kept[-1] - y >= gap:
            kept.append(y)
    ax.set_xticks(sorted(kept))


def tight_box(fig, dpi: int):
    """The box ``savefig(..., dpi=dpi, bbox_inches="tight")`` crops to, measured with one draw that renders
    nothing; "tight" where the figure cannot be measured this way (each save then measures it itself)."""
    renderer = getattr(fig.canvas, "get_renderer", None)
    if renderer is None or rcParams["figure.autolayout"] or rcParams["figure.constrained_layout.use"]:
        return "tight"
    old = fig.dpi
    try:
        fig.dpi = dpi
        fig.draw_without_rendering()  # runs the figure's layout engine, as savefig's own measuring draw does
        box = _measured(fig, renderer())
    finally:
        fig.dpi = old
    fig.set_layout_engine(None)  # laid out now: a save with a given box then draws once, without measuring again
    return box


def _measured(fig, renderer) -> Bbox:
    """The padded tight box of a figure just drawn (or measured) with ``renderer``; its places kept."""
    box = fig.get_tightbbox(renderer).padded(rcParams["savefig.pad_inches"])
    _keep_placement(fig, renderer)
    return box


def _keep_placement(fig, renderer) -> None:
    """Keep the titles and the "best" legends where the measuring draw put them: every later draw (each file)
    would work the same places out again, measuring every tick label for a title and every line for a legend."""
    for ax in fig.axes:
        if getattr(ax, "_autotitlepos", None):
            ax._autotitlepos = False  # matplotlib's own flag for a title placed by hand (set_title(y=...))
        legend = ax.get_legend()
        if legend is not None and getattr(legend, "_loc", None) == 0:
            code = _best_code(legend, renderer)
            if code is not None:
                legend.set_loc(code)


def _best_code(legend, renderer) -> int | None:
    """The location code (1-10) of the place a "best" legend takes at this draw (None if none is found)."""
    try:
        size = legend._legend_box.get_bbox(renderer)
        best = legend._find_best_position(size.width, size.height, renderer)
        box = Bbox.from_bounds(0, 0, size.width, size.height)
        for code in range(1, 11):
            if np.allclose(legend._get_anchored_bbox(code, box, legend.get_bbox_to_anchor(), renderer), best):
                return code
    except (AttributeError, TypeError, ValueError):  # another matplotlib: the legend keeps looking for itself
        return None
    return None


@dataclass(frozen=True)
class Rendered:
    """A chart drawn: the PNG for papers (300 dpi), the PNG shown (110 dpi), and the box both are cropped to."""
    print_png: bytes
    display_png: bytes
    box: Bbox | str


def render(chart: Chart) -> Rendered:
    """Draw ``chart`` once at 300 dpi and make both PNGs from that drawing (see the module's docstring)."""
    fig = chart.fig
    face = fig.get_facecolor()
    if (not hasattr(fig.canvas, "buffer_rgba") or face[3] < 1 or rcParams["savefig.transparent"]
            or rcParams["savefig.facecolor"] != "auto" or rcParams["figure.autolayout"]
            or rcParams["figure.constrained_layout.use"]):
        return _render_by_savefig(chart)
    old = fig.dpi
    try:
        fig.dpi = PRINT_DPI
        fig.canvas.draw()  # the one drawing; it also measures the box, as tight_box's draw does
        box = _measured(fig, fig.canvas.get_renderer())
        drawn = PILImage.frombuffer("RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba()).convert("RGB")
    finally:
        fig.dpi = old
    fig.set_layout_engine(None)
    if not _inside(box, fig):  # something reaches past the figure: only a drawing of the whole box has it
        return _render_by_savefig(chart, box)
    big = _crop(drawn, box, fig.get_figheight(), tuple(round(c * 255) for c in face[:3]))
    small = big.resize((round(big.width * DISPLAY_DPI / PRINT_DPI), round(big.height * DISPLAY_DPI / PRINT_DPI)),
                       PILImage.Resampling.BOX)
    return Rendered(_png(big, PRINT_DPI), _png(small, DISPLAY_DPI), box)


def _inside(box: Bbox, fig) -> bool:
    """Whether what ``box`` holds (without its padding) lies on the figure, where a drawing of the figure has it."""
    pad, tol = rcParams["savefig.pad_inches"], 1 / PRINT_DPI
    return (box.x0 + pad >= -tol and box.y0 + pad >= -tol and box.x1 - pad <= fig.get_figwidth() + tol
            and box.y1 - pad <= fig.get_figheight() + tol)


def _crop(drawn: PILImage.Image, box: Bbox, fig_height: float, face: tuple[int, int, int]) -> PILImage.Image:
    """The pixels of ``box`` (inches from the figure's bottom left) out of a drawing of the whole figure at 300 dpi,
    the figure's colour where the box reaches past it; sized as ``savefig`` sizes a cropped file (truncated)."""
    out = PILImage.new("RGB", (int(box.width * PRINT_DPI), int(box.height * PRINT_DPI)), face)
    out.paste(drawn, (-round(box.x0 * PRINT_DPI), -round((fig_height - box.y1) * PRINT_DPI)))
    return out


def _png(image: PILImage.Image, dpi: int) -> bytes:
    """PNG bytes; zlib's run-length strategy (lossless like the default, a quarter faster to write a chart's
    large flat areas, files about a fifth larger)."""
    buf = io.BytesIO()
    image.save(buf, format="png", dpi=(dpi, dpi), compress_type=zlib.Z_RLE)
    return buf.getvalue()


def _render_by_savefig(chart: Chart, box: Bbox | None = None) -> Rendered:
    """Each PNG its own ``savefig`` drawing, cropped to ``box`` (measured here when not given)."""
    box = box if box is not None else tight_box(chart.fig, PRINT_DPI)
    files = []
    for dpi in (PRINT_DPI, DISPLAY_DPI):
        buf = io.BytesIO()
        chart.fig.savefig(buf, format="png", dpi=dpi, bbox_inches=box)
        files.append(buf.getvalue())
    return Rendered(*files, box)


def save(chart: Chart, out_dir: Path, rendered: Rendered | None = None) -> list[Path]:
    """Write ``<stem>.png`` (300 dpi), ``<stem>.svg``, ``<stem>.json`` (title and alt text) and ``<stem>.csv``
    (exactly the plotted values, read back from the figure) where the figure can be read. ``rendered``: the chart
    drawn (``render``), when the caller has it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{chart.stem}.png", out_dir / f"{chart.stem}.svg", out_dir / f"{chart.stem}.json"]
    rendered = rendered if rendered is not None else render(chart)
    paths[0].write_bytes(rendered.print_png)
    chart.fig.savefig(paths[1], bbox_inches=rendered.box, metadata={"Title": chart.title, "Description": chart.alt})
    paths[2].write_text(json.dumps({"title": chart.title, "alt": chart.alt}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
    data = plotted_data(chart)
    if data is not None:
        paths.append(out_dir / f"{chart.stem}.csv")
        write_reader_csv(data, paths[-1])
    return paths


def display_png(chart: Chart) -> bytes:
    """The PNG shown in the notebook (110 dpi)."""
    return render(chart).display_png


def show(chart: Chart, out_dir: Path | None = None) -> None:
    """Display in a notebook as PNG with alt text (and save the files if ``out_dir`` is given); the chart is drawn
    once for every file."""
    rendered = render(chart)
    if out_dir is not None:
        save(chart, out_dir, rendered)
    display(Image(data=rendered.display_png, format="png", metadata={"alt": chart.alt}))
    twin = twin_html(chart)  # the site shows this interactive version in the PNG's place
    if twin:
        display(HTML(twin))
    if chart.caption:
        display(Markdown(chart.caption))
    plt.close(chart.fig)
