"""Showing the report in a notebook: numbered tables and figures, their files, and the markers the site turns into
cite boxes (with each item recorded in the sidecar ``items.json``, analysis.report.items)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from analysis.catalogue import catalogue, msg
from analysis.numbers import format_number
from analysis.reader_csv import write_reader_csv, write_reader_xlsx
from analysis.report import charts, citations, items
from analysis.report.context import ProvinceContext

COLLAPSE_ROWS = 15


def show_table(df: pd.DataFrame, name: str, ctx: ProvinceContext | None = None, out_dir: Path | None = None,
               empty: str | None = None):
    """Display a table as escaped HTML (scrolls on a phone) and save it as CSV, XLSX and LaTeX. An empty table shows
    ``empty`` (default: "no figures"; "" shows nothing, for a caller that has said so already)."""
    target = out_dir or (ctx.out_dir / "tables" if ctx and ctx.out_dir else None)
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
        write_reader_csv(df, target / f"{name}.csv")
        write_reader_xlsx(df, target / f"{name}.xlsx")
    if df.empty:
        if empty == "":  # the caller has already said there is nothing to show
            return
        empty = empty or msg("table_empty", ctx.lang if ctx else "en")
        display(HTML(f'<p class="empty">{html.escape(empty)}</p>'))
        return
    body = df.to_html(index=False, border=0, classes="data-table", na_rep="–", escape=True)
    if getattr(ctx, "cites", None):  # citations printed by this context link to the sources page
        body = citations.link_citations(body, ctx.cites)
    table = f'<div class="table-wrap">{body}</div>'
    caption = numbered_caption("table", name, ctx)
    if target is not None:  # for papers: the table as LaTeX with its title (LaTeX numbers it) and a label
        title = re.sub(r"^\S+ \d+\.\s*", "", caption or "").strip() or name
        df.to_latex(target / f"{name}.tex", index=False, escape=True, na_rep="–", longtable=len(df) > 40,
                    caption=title, label=f"tab:{name}")
    if ctx is not None and len(df) > COLLAPSE_ROWS:  # long tables fold (their caption stays in view): the page
        label = msg("table_long", ctx.lang, n=format_number(len(df), ctx.lang))  # opens with findings, not rows
        table = f"<details class='long-table'><summary>{html.escape(label)}</summary>{table}</details>"
    if caption:
        table = f'<p class="table-caption" id="table-{name}">{html.escape(caption)}</p>{table}'
    if caption:  # the site links the table's files, copied to downloads/tables/<report>-<lang>-<name>.*
        stem = f"{getattr(ctx, 'key', 'compare')}-{ctx.lang}-{name}" if target is not None else ""
        table += _cite_item(ctx, target.parent if target is not None else None, "table", f"table-{name}", caption,
                            stem, items.files_of(target.parent, target.name, name) if target is not None else [])
    display(HTML(table))


def _cite_item(ctx, out_dir: Path | None, kind: str, anchor: str, caption: str, stem: str, files: list[str]) -> str:
    """Record a numbered item in the sidecar of ``out_dir`` (items.json) and return its marker."""
    items.record(out_dir, {"kind": kind, "anchor": anchor, "caption": caption, "stem": stem, "files": files},
                 first=sum(ctx.numbering.values()) == 1)
    return items.marker(anchor)


def numbered_caption(kind: str, name: str, ctx) -> str | None:
    """'Bảng 3. …' / 'Figure 2. …': the next number of this kind on the page (None without a context).

    ``name`` is a table name (its title comes from the catalogue key ``table_<name>``) or, for figures, the
    chart's own title."""
    numbering = getattr(ctx, "numbering", None)
    if numbering is None:
        return None
    numbering[kind] += 1
    L = ctx.lang
    if kind == "table":
        # the longest prefix with a title: "national_ranking_176-2030-…" uses "table_national_ranking"
        parts = name.split("_")
        keys = [f"table_{'_'.join(parts[:i])}" for i in range(len(parts), 0, -1)]
        key = next((k for k in keys if k in catalogue(L)), None)
        title = msg(key, L) if key else ""
    else:
        title = name
    return msg(f"{kind}_caption", L, n=numbering[kind], title=title).strip().rstrip(".") + "."


def show_charts(chart_list: list[charts.Chart], ctx) -> None:
    for c in chart_list:
        caption = numbered_caption("figure", c.title, ctx)
        if caption:
            display(HTML(f'<p class="figure-caption" id="figure-{html.escape(c.stem)}">{html.escape(caption)}</p>'))
        charts.show(c, ctx.out_dir / "figures" if ctx.out_dir else None)
        if caption:
            display(HTML(_cite_item(ctx, ctx.out_dir, "figure", f"figure-{c.stem}", caption,
                                    c.stem if ctx.out_dir else "", items.files_of(ctx.out_dir, "figures", c.stem))))
