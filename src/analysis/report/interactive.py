"""An interactive twin of a chart: the matplotlib figure the report draws, read back as a plotly.js figure.

The static PNG stays (papers, Word, JupyterLab); on the site the twin replaces it on screen, with hover values in
the page's number format (1.105,3 on Vietnamese pages, 1,105.3 on English ones). Lines, markers, dashed paths,
filled interval bands, bars (vertical and horizontal), reference lines across the plot, reversed (rank) axes and
text placed at data points (value labels, the "*" that flags a figure) are read. A chart whose value axis is
labelled by hand (e.g. ranks written over bars of 64 − rank) or whose bars have no names keeps only its static
image: the twin would show the plotted numbers, not what the chart says.
"""

from __future__ import annotations

import html
import json
import re
import textwrap

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.container import BarContainer
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.ticker import LogFormatter, ScalarFormatter

from analysis.catalogue import LANGS, language
from analysis.labels import t as label
from analysis.numbers import parse_number
from analysis.report.chart_model import Chart

SEPARATORS = {c: language(c)["decimal"] + language(c)["thousands"] for c in LANGS}  # plotly: decimal, thousands
VALUE = "%{y:,.4~f}"
DASH = {"--": "dash", ":": "dot", "-.": "dashdot", "-": "solid", "solid": "solid", "dashed": "dash",
        "dotted": "dot", "dashdot": "dashdot"}
SYMBOL = {"o": "circle", "*": "star", "x": "x", "X": "x", "s": "square", "^": "triangle-up", "v": "triangle-down",
          "D": "diamond", "d": "diamond", "+": "cross", ".": "circle"}

TITLE_WIDTH = 75  # characters per title line: a longer title runs under plotly's tool bar (top right)


def plotly_title(text: str, width: int = TITLE_WIDTH) -> tuple[str, int]:
    """A chart title for plotly, escaped and broken into lines of at most ``width`` characters with <br>, and the
    number of lines (the top margin grows with it)."""
    lines = textwrap.wrap(text, width) or [""]
    return "<br>".join(html.escape(line) for line in lines), len(lines)


def _rgba(color, alpha: float | None = None) -> str:
    r, g, b, a = to_rgba(color, alpha)
    return f"rgba({round(r * 255)},{round(g * 255)},{round(b * 255)},{round(a, 3)})"


def _label(artist) -> str:
    text = str(artist.get_label() or "")
    return "" if text.startswith("_") else text


def _numbers(values) -> list[float | None]:
    out = []
    for v in np.asarray(values, dtype=float).ravel():
        out.append(None if not np.isfinite(v) else (int(v) if float(v).is_integer() else round(float(v), 6)))
    return out


def _tick_names(ax, axis: str) -> dict[float, str]:
    ticks = ax.get_xticks() if axis == "x" else ax.get_yticks()
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return {float(t): lab.get_text() for t, lab in zip(ticks, labels) if lab.get_text()}


def _relabelled(axis, lang: str) -> bool:
    """Tick labels that do not read as the positions they stand at (set by hand, e.g. ranks over 64 − rank).

    Labels written in the page's number format (1.105,3) read as their positions; matplotlib's own automatic
    formatters are trusted as they are.
    """
    fmt = axis.get_major_formatter()
    if isinstance(fmt, (ScalarFormatter, LogFormatter)):
        return False
    for pos in axis.get_majorticklocs():
        text = str(fmt(pos)).strip()
        if not text:
            continue
        try:
            value = parse_number(text, lang)
        except ValueError:
            return True
        digits = re.search(r"[.,](\d+)$", text) if SEPARATORS[lang][1] not in text else None
        tolerance = 0.5 * 10 ** -len(digits.group(1)) if digits else 0.5
        if abs(value - float(pos)) > tolerance + 1e-9:
            return True
    return False


def _category(pos: float, names: dict[float, str]) -> str:
    near = [(abs(t - pos), name) for t, name in names.items() if abs(t - pos) < 0.5]
    return min(near)[1] if near else f"{pos:g}"


def _line(ax, line: Line2D, unit: str, shapes: list) -> dict | None:
    x, y = _numbers(line.get_xdata()), _numbers(line.get_ydata())
    color = _rgba(line.get_color(), line.get_alpha())
    style = DASH.get(str(line.get_linestyle()), "solid")
    if line.get_transform() == ax.get_yaxis_transform():  # axhline: across the whole width
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y[0], "y1": y[0],
                       "line": {"color": color, "dash": style}})
        return None
    if line.get_transform() == ax.get_xaxis_transform():  # axvline
        shapes.append({"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": x[0], "x1": x[0],
                       "line": {"color": color, "dash": style}})
        return None
    marker = line.get_marker()
    has_marker = marker not in (None, "None", "", " ")
    has_line = str(line.get_linestyle()) not in ("None", "", " ", "none")
    name = _label(line)
    trace = {"type": "scatter", "x": x, "y": y, "name": name, "showlegend": bool(name),
             "mode": "+".join(m for m, on in (("lines", has_line), ("markers", has_marker)) if on) or "markers",
             "hovertemplate": f"{html.escape(name)}{': ' if name else ''}%{{x}}: {VALUE} {unit}<extra></extra>"}
    if has_line:
        trace["line"] = {"color": color, "dash": style, "width": float(line.get_linewidth())}
    if has_marker:
        open_ = line.get_fillstyle() == "none"  # an open marker (a series before its break) stays open
        trace["marker"] = {"color": color, "symbol": SYMBOL.get(str(marker), "circle") + ("-open" if open_ else ""),
                           "size": float(line.get_markersize()) + 2}
    return trace


def _band(coll: PolyCollection) -> list[dict]:
    traces = []
    colors = coll.get_facecolor()
    for i, path in enumerate(coll.get_paths()):
        v = path.vertices
        name = _label(coll)
        traces.append({"type": "scatter", "x": _numbers(v[:, 0]), "y": _numbers(v[:, 1]), "fill": "toself",
                       "mode": "lines", "line": {"width": 0}, "name": name, "showlegend": bool(name) and i == 0,
                       "fillcolor": _rgba(colors[min(i, len(colors) - 1)]), "hoveron": "fills",
                       "hoverinfo": "name"})
    return traces


def _bars(ax, c: BarContainer, unit: str) -> dict:
    horizontal = getattr(c, "orientation", None) == "horizontal"
    names = _tick_names(ax, "y" if horizontal else "x")
    cats, vals = [], []
    for p in c.patches:
        if horizontal:
            cats.append(_category(p.get_y() + p.get_height() / 2, names))
            vals.append(p.get_x() + p.get_width())
        else:
            cats.append(_category(p.get_x() + p.get_width() / 2, names))
            vals.append(p.get_y() + p.get_height())
    name = _label(c)
    colors = [_rgba(p.get_facecolor()) for p in c.patches]
    value = VALUE.replace("y", "x") if horizontal else VALUE
    return {"type": "bar", "orientation": "h" if horizontal else "v", "name": name, "showlegend": bool(name),
            "x": _numbers(vals) if horizontal else cats, "y": cats if horizontal else _numbers(vals),
            "marker": {"color": colors}, "texttemplate": value,
            "textposition": "outside", "cliponaxis": False,
            "hovertemplate": (f"%{{y}}: {value} {unit}" if horizontal else f"%{{x}}: {value} {unit}")
            + "<extra></extra>"}


def _texts(ax, bars: bool, horizontal: bool) -> list[dict]:
    """Text the chart placed at data points, as plotly annotations (bar categories mapped to their names)."""
    xnames = _tick_names(ax, "x") if bars and not horizontal else {}
    ynames = _tick_names(ax, "y") if horizontal else {}
    out = []
    for t in ax.texts:
        if isinstance(t, Annotation):
            if t.xycoords != "data":
                continue
            x, y = t.xy
            dx, dy = t.get_position() if t.anncoords == "offset points" else (0, 0)
        elif t.get_transform() == ax.transData:
            (x, y), dx, dy = t.get_position(), 0, 0
        else:
            continue
        text = t.get_text()
        if not text.strip():
            continue
        x = _category(float(x), xnames) if bars and not horizontal else _numbers([x])[0]
        y = _category(float(y), ynames) if horizontal else _numbers([y])[0]
        va = {"center": "middle", "center_baseline": "middle"}.get(t.get_verticalalignment(),
                                                                   t.get_verticalalignment())
        out.append({"x": x, "y": y, "text": html.escape(text).replace("\n", "<br>"), "showarrow": False,
                    "xshift": round(dx * 4 / 3, 1), "yshift": round(dy * 4 / 3, 1),  # points -> pixels
                    "xanchor": {"center": "center", "right": "right"}.get(t.get_horizontalalignment(), "left"),
                    "yanchor": va if va in ("top", "middle", "bottom") else "bottom",
                    "font": {"size": round(float(t.get_fontsize()) * 4 / 3, 1), "color": _rgba(t.get_color())}})
    return out


def to_plotly(chart: Chart) -> dict | None:
    """The chart as a plotly.js figure (``{"data": [...], "layout": {...}}``), or None for a figure with several
    plots or nothing this reader understands (the static chart then stands alone)."""
    if len(chart.fig.axes) != 1:
        return None
    ax = chart.fig.axes[0]
    unit = html.escape(chart.ylabel or "")
    shapes: list[dict] = []
    traces: list[dict] = []
    for coll in ax.collections:
        if isinstance(coll, PolyCollection):
            traces += _band(coll)
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    horizontal = any(getattr(c, "orientation", None) == "horizontal" for c in bars)
    if _relabelled(ax.xaxis if horizontal else ax.yaxis, chart.lang):
        return None
    if bars and not _tick_names(ax, "y" if horizontal else "x"):
        return None  # bars without names: the twin could only call them 0, 1, 2, …
    if horizontal:
        unit = html.escape(ax.get_xlabel() or "")
    traces += [_bars(ax, c, unit) for c in bars]
    for line in ax.lines:
        t = _line(ax, line, unit, shapes)
        if t is not None:
            traces.append(t)
    if not traces:
        return None
    labels = _texts(ax, bool(bars), horizontal)
    if labels:  # the chart writes its own value labels (sometimes with more than the value): show those only
        for t in traces:
            t.pop("texttemplate", None)
    numeric_x = [v for t in traces if t["type"] == "scatter" for v in t["x"] if v is not None]
    years = bool(numeric_x) and all(float(v).is_integer() and 1900 <= v <= 2100 for v in numeric_x)
    xaxis = {"title": {"text": html.escape(ax.get_xlabel())}, "automargin": True}
    yaxis = {"title": {"text": html.escape(ax.get_ylabel())}, "automargin": True, "tickformat": ",.4~f"}
    if years:
        xaxis |= {"tickformat": "d", "dtick": 1}
    if bars and not horizontal:
        xaxis["type"] = "category"  # bar labels are names or years: never a number line (no "2,020.5" ticks)
    if horizontal:
        xaxis["tickformat"], yaxis = ",.4~f", {"automargin": True, "type": "category"}
    if ax.yaxis_inverted():
        yaxis["autorange"] = "reversed"
    elif chart.y_range is not None:
        yaxis["range"] = [round(v, 6) for v in chart.y_range]
    source = f"{label('source', chart.lang)}: {chart.source}" if chart.source else ""
    title, n_lines = plotly_title(chart.title)
    layout = {"title": {"text": title, "x": 0, "font": {"size": 14}},
              "separators": SEPARATORS[chart.lang], "xaxis": xaxis, "yaxis": yaxis, "shapes": shapes,
              "hovermode": "closest", "showlegend": any(t.get("showlegend") for t in traces),
              "legend": {"orientation": "h", "y": -0.2, "yanchor": "top"},
              "margin": {"l": 60, "r": 20, "t": 32 + 18 * n_lines, "b": 140}, "height": 442 + 18 * n_lines,
              "barmode": "group",
              "annotations": labels + ([{"name": "source", "text": html.escape(source), "xref": "paper",
                                          "yref": "paper", "x": 0,
                                          "y": 0, "yanchor": "top", "yshift": -112, "showarrow": False,
                                          "xanchor": "left", "font": {"size": 10, "color": "#444"}}]
                                        if source else [])}
    return {"data": traces, "layout": layout}


def twin_html(chart: Chart) -> str:
    """The element the site turns into the interactive chart (empty where no script runs, e.g. JupyterLab)."""
    fig = to_plotly(chart)
    if fig is None:
        return ""
    return (f'<div class="plotly-chart static-twin" role="img" aria-label="{html.escape(chart.alt, quote=True)}" '
            f'data-figure="{html.escape(json.dumps(fig, ensure_ascii=False), quote=True)}"></div>')


def plotted_data(chart: Chart):
    """Exactly the values the chart draws, tidy: one row per point with series (the chart's title where it has one
    series without a name), kind, x (year or category), value, lower, upper, unit and source. An interval band is
    one row per x with its lower and upper edge (value empty), not the outline of its polygon. None where the chart
    is not read (several plots)."""
    fig = to_plotly(chart)
    if fig is None:
        return None
    ax = chart.fig.axes[0]
    rows = []
    for t in fig["data"]:
        kind = "band" if t.get("fill") else ("bar" if t["type"] == "bar" else t.get("mode", "markers"))
        horizontal = t.get("orientation") == "h"
        xs, ys = (t["y"], t["x"]) if horizontal else (t["x"], t["y"])
        name = html.unescape(t.get("name") or "") or chart.title
        unit = (ax.get_xlabel() if horizontal else chart.ylabel or ax.get_ylabel()) or ""
        if kind == "band":  # the polygon's outline (lower edge, then upper edge back) -> lower and upper per x
            edges: dict = {}
            for x, y in zip(xs, ys):
                if y is not None and x is not None:
                    edges.setdefault(x, []).append(y)
            rows += [{"series": name, "kind": kind, "x": x, "value": None, "lower": min(v), "upper": max(v),
                      "unit": unit, "source": chart.source} for x, v in sorted(edges.items())]
            continue
        rows += [{"series": name, "kind": kind, "x": x, "value": y, "lower": None, "upper": None, "unit": unit,
                  "source": chart.source} for x, y in zip(xs, ys) if y is not None]
    return pd.DataFrame(rows, columns=["series", "kind", "x", "value", "lower", "upper", "unit", "source"])
