"""What a chart is, shared by the static charts (``report.charts``) and their interactive twins
(``report.interactive``): the figure and the words that go with it."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.figure

@dataclass
class Chart:
    fig: matplotlib.figure.Figure
    title: str
    alt: str
    stem: str  # file name without extension
    caption: str = ""  # a sentence shown under the chart (e.g. how wide a projection is, in plain words)
    ylabel: str = ""  # the value axis label with its unit
    source: str = ""  # the source line, without the word "Source"
    lang: str = "vi"
    y_range: tuple[float, float] | None = None  # value axis limits set on purpose (the interactive twin keeps them)
