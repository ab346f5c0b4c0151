"""One chart style for the whole project: title, units, source line and alt text on every chart.

Charts are returned as ``Chart`` objects; ``show`` displays one in a notebook as a PNG that carries its alt
text (nbconvert puts it in the page), ``save`` writes PNG (300 dpi) and SVG for papers.

Each save crops to the figure's tight box as ``bbox_inches="tight"`` does, but the box is measured once per
chart (one draw at 300 dpi that renders nothing) instead of once per file: the 300 dpi PNG is the same bytes as
with ``"tight"``; the SVG and the display PNG are cropped to the same box (``"tight"`` measured it again at 72
and 110 dpi, boxes that differ from it by a fraction of a point, a few pixels of margin).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib import rcParams
from IPython.display import HTML, Image, Markdown, display
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox

from analysis.numbers import format_number
from analysis.reader_csv import write_reader_csv
from analysis.report.chart_model import Chart
from analysis.report.interactive import plotted_data, twin_html

from analysis.labels import t

__all__ = ["PALETTE", "Chart", "display_png", "finish", "number_axis", "save", "set_style", "show", "tight_box"]

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


def finish(fig, ax, *, title: str, ylabel: str, source: str, alt: str, stem: str, lang: str,
           xlabel: str | None = None) -> Chart:
    """Title, axis labels with units, a source line under the plot; returns the Chart."""
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    fig.text(0.01, 0.005, f"{t('source', lang)}: {source}", fontsize=7.5, color="#444", ha="left", va="bottom",
             wrap=True)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return Chart(fig=fig, title=title, alt=alt, stem=stem, ylabel=ylabel, source=source, lang=lang)


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
        box = fig.get_tightbbox(renderer()).padded(rcParams["savefig.pad_inches"])
        _keep_placement(fig, renderer())
    finally:
        fig.dpi = old
    fig.set_layout_engine(None)  # laid out now: a save with a given box then draws once, without measuring again
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


def save(chart: Chart, out_dir: Path, box=None) -> list[Path]:
    """Write ``<stem>.png`` (300 dpi), ``<stem>.svg``, ``<stem>.json`` (title and alt text) and ``<stem>.csv``
    (exactly the plotted values, read back from the figure) where the figure can be read. ``box``: the 300 dpi
    tight box (``tight_box``), when the caller has it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{chart.stem}.png", out_dir / f"{chart.stem}.svg", out_dir / f"{chart.stem}.json"]
    box = box if box is not None else tight_box(chart.fig, PRINT_DPI)
    chart.fig.savefig(paths[0], dpi=PRINT_DPI, bbox_inches=box)
    chart.fig.savefig(paths[1], bbox_inches=box, metadata={"Title": chart.title, "Description": chart.alt})
    paths[2].write_text(json.dumps({"title": chart.title, "alt": chart.alt}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
    data = plotted_data(chart)
    if data is not None:
        paths.append(out_dir / f"{chart.stem}.csv")
        write_reader_csv(data, paths[-1])
    return paths


def display_png(chart: Chart, box=None) -> bytes:
    """The PNG shown in the notebook (110 dpi), cropped to ``box`` (the 300 dpi tight box, ``tight_box``; measured
    here when not given)."""
    buf = io.BytesIO()
    box = box if box is not None else tight_box(chart.fig, PRINT_DPI)
    chart.fig.savefig(buf, format="png", dpi=DISPLAY_DPI, bbox_inches=box)
    return buf.getvalue()


def show(chart: Chart, out_dir: Path | None = None) -> None:
    """Display in a notebook as PNG with alt text (and save the files if ``out_dir`` is given); the tight box is
    measured once for every file."""
    box = tight_box(chart.fig, PRINT_DPI)
    if out_dir is not None:
        save(chart, out_dir, box)
    display(Image(data=display_png(chart, box), format="png", metadata={"alt": chart.alt}))
    twin = twin_html(chart)  # the site shows this interactive version in the PNG's place
    if twin:
        display(HTML(twin))
    if chart.caption:
        display(Markdown(chart.caption))
    plt.close(chart.fig)
