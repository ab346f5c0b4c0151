"""An indicator page's figures: the observations of one indicator, the table of every province's values, the
interactive chart and its controls, and the tile map.

The chart is interactive (plotly.js, shipped with the site: no CDN) with hover values in the page's number
format. With more than ``LINE_MAX`` provinces it compares one year (the year most provinces share, within one
boundary: the 63 provinces before 1 July 2025 or the 34 after); with fewer it draws each province's yearly
series, targets marked. Sentences come from the catalogues.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.assess.series import one_per_year, starts_series
from analysis.catalogue import LANGS, join_words, msg
from analysis.collation import vi_key
from analysis.frame_cache import groups, per_frame
from analysis.numbers import format_number, format_value, unit_label, unit_words
from analysis.report.findings import source_name
from analysis.report.interactive import SEPARATORS, plotly_title
from analysis.site.tilemap import value_map
from analysis.territory import territory_changed

LINE_MAX = 8


def _unit(unit: str, lang: str) -> str:
    """The unit as a label (an axis title, the unit field): 'thứ hạng' / 'rank', 'nghìn người' / 'thousand persons'."""
    return unit_label(unit, lang) or unit.replace("_", " ")


def _after(unit: str, lang: str) -> str:
    """The word after a number in a tooltip: none for a rank or an index (12, 0,7024)."""
    w = unit_words(unit, lang)
    return unit.replace("_", " ") if w is None else w


def _names(registry: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    return {(r["province_code"], r["boundary"], L): str(r[f"name_{L}"])
            for r in registry.drop_duplicates(["province_code", "boundary"]).to_dict("records") for L in LANGS}


def _name(registry: pd.DataFrame, code: str, boundary: str, lang: str) -> str:
    """A province's name from the registry (the lookup is built once per registry table)."""
    return per_frame(registry, _names).get((code, boundary, lang), code)


def _unmerged(registry: pd.DataFrame) -> frozenset[str]:
    """Codes of the post-2025 provinces whose territory did not change (the registry's ``territory_changed``)."""
    codes = registry.loc[registry["boundary"] == "post2025", "province_code"]
    return frozenset(c for c in codes if not territory_changed(registry, c, "post2025"))


def observations(facts: pd.DataFrame, ind: str, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Total-breakdown observations of one indicator, one value per province, boundary and year.

    With the registry, figures "aggregated" to a post-2025 province that is one pre-2025 province unchanged
    (Quảng Ninh) are left out: they repeat its own series under the other boundary. Computed once per table and
    indicator (a site build asks for each indicator's observations in every language)."""
    single = per_frame(registry, _unmerged) if registry is not None else None
    return per_frame(facts, _observations, ind, single)


def _observations(facts: pd.DataFrame, ind: str | None, single: frozenset[str] | None) -> pd.DataFrame:
    """``facts`` reduced to total-breakdown observations (of ``ind``, or of every indicator with None), one per
    indicator, province, boundary and year (:func:`analysis.assess.series.one_per_year`: the assessment's rule)."""
    keep = (facts["kind"] == "observation") & (facts["breakdown"] == "total")
    o = facts[keep & (facts["indicator_id"] == ind)] if ind is not None else facts[keep]
    if single is not None:
        repeat = ((o["boundary"] == "post2025") & o["province_code"].isin(single)
                  & o["flags"].fillna("").str.contains("aggregated"))
        o = o[~repeat]
    return one_per_year(o.dropna(subset=["year", "value"]), ["indicator_id", "province_code", "boundary"])


OBS_COLUMNS = ["fact_id", "province_code", "boundary", "indicator_id", "kind", "breakdown", "period", "year", "value",
               "unit", "source_id", "flags"]  # what the pages read of an observation


def all_observations(facts: pd.DataFrame, registry: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """``observations`` of every indicator at once (one pass over the table instead of one per indicator)."""
    single = per_frame(registry, _unmerged) if registry is not None else None
    return groups(_observations(facts[[c for c in OBS_COLUMNS if c in facts.columns]], None, single), "indicator_id")


def _latest(obs: pd.DataFrame) -> list[dict]:
    """Per province and boundary (``obs`` is sorted by them, then by year): the latest row, with the number of
    years and the first year. Language-free, so computed once per indicator."""
    out: dict[tuple[str, str], dict] = {}
    for r in obs.assign(_break=starts_series(obs))[["province_code", "boundary", "year", "value", "unit", "source_id",
                                              "_break"]].to_dict("records"):
        prev = out.get((r["province_code"], r["boundary"]))
        cut = r["year"] if r.pop("_break") and prev else (prev["cut"] if prev else None)
        out[(r["province_code"], r["boundary"])] = r | ({"n": prev["n"] + 1, "y0": prev["y0"], "cut": cut} if prev
                                                        else {"n": 1, "y0": r["year"], "cut": None})
    return list(out.values())


def with_gaps(years: list, values: list, breaks: list) -> tuple[list, list]:
    """A province's yearly points with a gap (no value) before each figure that starts a new series: a line is
    never drawn across a definition break, so two vintages are not read as one series."""
    xs, ys = [], []
    for i, (x, v, b) in enumerate(zip(years, values, breaks)):
        if b and i:
            xs.append(int(x))
            ys.append(None)
        xs.append(int(x))
        ys.append(v)
    return xs, ys


def values_table(obs: pd.DataFrame, registry: pd.DataFrame, sources: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each province's latest figure with its year and how many years it has."""
    rows = []
    for r in per_frame(obs, _latest):
        name = _name(registry, r["province_code"], r["boundary"], lang)
        rows.append({msg("ind_col_province", lang): name,
                     msg("ind_col_boundary", lang): msg(f"boundary_{r['boundary']}", lang),
                     msg("ind_col_latest", lang): format_value(float(r["value"]), r["unit"], lang),
                     msg("ind_col_year", lang): int(r["year"]),
                     msg("ind_col_points", lang): f"{format_number(r['n'], lang)} ({int(r['y0'])}–{int(r['year'])}"
                                                  + ("" if r["cut"] is None else
                                                     msg("ind_points_break", lang, year=int(r["cut"]))) + ")"
                                                  if r["n"] > 1 else "1",
                     msg("ind_col_source", lang): source_name(sources, r["source_id"], lang),
                     "_sort": (r["boundary"] != "pre2025", vi_key(name))})
    rows.sort(key=lambda x: x["_sort"])
    return pd.DataFrame([{k: v for k, v in x.items() if k != "_sort"} for x in rows])


def _shape(obs: pd.DataFrame, line_max: int) -> dict:
    """What the chart compares, language-free (computed once per indicator): with more than ``line_max``
    series, the provinces' figures of the year most provinces share within one boundary (latest on a tie),
    highest first; otherwise every row, each province's yearly series."""
    if len(set(zip(obs["province_code"], obs["boundary"]))) <= line_max:
        return {"bar": False, "rows": obs}
    prov = obs[obs["province_code"] != "VN"]  # provinces only: the whole country is in the table
    counts = prov.groupby(["boundary", "year"])["province_code"].nunique().reset_index()
    best = counts.sort_values(["province_code", "year"]).iloc[-1]
    d = prov[(prov["boundary"] == best["boundary"]) & (prov["year"] == best["year"])]
    return {"bar": True, "boundary": best["boundary"], "year": int(best["year"]),
            "rows": d.sort_values("value", ascending=False)}


def chart(obs: pd.DataFrame, targets: pd.DataFrame, registry: pd.DataFrame, sources: pd.DataFrame,
          ind_row: pd.Series, lang: str) -> tuple[dict, pd.DataFrame, str, str] | None:
    """(plotly figure, the plotted data, title, alt text), or None without observations."""
    if obs.empty:
        return None
    name = ind_row[f"name_{lang}"]
    unit = ind_row["unit"]
    fmt = ",.2~f"
    shape = per_frame(obs, _shape, LINE_MAX)
    d = shape["rows"]
    codes, years, values = d["province_code"].tolist(), d["year"].tolist(), [float(v) for v in d["value"]]
    if shape["bar"]:
        lower_better = ind_row.get("better") == "lower"  # a rank: the best (1) first, as readers look for it
        if lower_better:
            d = d.iloc[::-1]
            codes, years, values = codes[::-1], years[::-1], values[::-1]
        year, boundary = shape["year"], shape["boundary"]
        names = [_name(registry, c, boundary, lang) for c in codes]
        title = msg("ind_chart_bar_title", lang, indicator=name, n=len(d), year=year,
                    boundary=msg(f"boundary_{boundary}", lang))
        alt = msg("ind_chart_bar_alt_lower" if lower_better else "ind_chart_bar_alt", lang, indicator=name,
                  year=year, n=len(d), top=names[0],
                  top_value=format_value(values[0], unit, lang), bottom=names[-1],
                  bottom_value=format_value(values[-1], unit, lang))
        traces = [{"type": "bar", "x": names, "y": values, "marker": {"color": "#2b6cb0"}, "name": name,
                   "hovertemplate": f"%{{x}}: %{{y:{fmt}}} {_after(unit, lang)}<extra></extra>"}]
        layout_x = {"tickangle": -60, "automargin": True}
    else:
        suffix = f" ({msg('boundary_post2025', lang)})"
        names = [_name(registry, c, b, lang) + ("" if b == "pre2025" else suffix)
                 for c, b in zip(codes, d["boundary"])]
        series: dict[str, tuple[list, list, list]] = {}
        for nm, y, v, b in zip(names, years, values, starts_series(d)):
            series.setdefault(nm, ([], [], []))
            series[nm][0].append(int(y))
            series[nm][1].append(v)
            series[nm][2].append(bool(b))
        traces = [{"type": "scatter", "mode": "lines+markers", "name": nm, "x": xs, "y": ys,
                   "hovertemplate": f"{html.escape(nm)}, %{{x}}: %{{y:{fmt}}} {_after(unit, lang)}<extra></extra>"}
                  for nm, (xs, ys) in sorted(((k, with_gaps(*v)) for k, v in series.items()),
                                             key=lambda kv: vi_key(kv[0]))]
        cuts = sorted({x for tr in traces for x, y in zip(tr["x"], tr["y"]) if y is None})  # where a line breaks
        t = targets[targets["province_code"].isin(set(codes))]
        if len(t):
            tn = [_name(registry, c, b, lang) for c, b in zip(t["province_code"], t["boundary"])]
            traces.append({"type": "scatter", "mode": "markers", "name": msg("ind_target_marker", lang),
                           "x": [int(y) for y in t["year"]], "y": [float(v) for v in t["value"]],
                           "marker": {"symbol": "x", "size": 11, "color": "#b2182b"}, "text": tn,
                           "hovertemplate": f"%{{text}} – {msg('ind_target_marker', lang)} %{{x}}: "
                                            f"%{{y:{fmt}}} {_after(unit, lang)}<extra></extra>"})
        title = msg("ind_chart_line_title", lang, indicator=name)
        y0, y1 = int(min(years)), int(max(years))
        alt = msg("ind_chart_line_alt" if y1 > y0 else "ind_chart_line_alt_year", lang, indicator=name,
                  n=len(series), y0=y0, y1=y1) + (" " + msg("ind_chart_target_mark", lang) if len(t) else "") + (
            " " + msg("ind_chart_break", lang, years=join_words([str(c) for c in cuts], lang)) if cuts else "")
        layout_x = {"tickformat": "d", "dtick": 1 if y1 - y0 <= 12 else None}
    srcs = join_words(sorted({source_name(sources, s, lang) for s in set(d["source_id"])}), lang)
    title_html, n_lines = plotly_title(title)
    fig = {"data": traces,
           "layout": {"title": {"text": title_html, "x": 0, "font": {"size": 15}, "yref": "container", "y": 1,
                                "yanchor": "top", "pad": {"t": 10}},
                      "separators": SEPARATORS[lang], "xaxis": layout_x,
                      "yaxis": {"title": {"text": html.escape(_unit(unit, lang))}, "tickformat": ",.4~f",
                                "rangemode": "tozero"},
                      "margin": {"l": 60, "r": 10, "t": 38 + 20 * n_lines, "b": 40}, "height": 400 + 20 * n_lines,
                      "legend": {"orientation": "h", "y": -0.25},
                      "annotations": [{"name": "source",
                                       "text": html.escape(msg("ind_chart_source", lang, sources=srcs,
                                                               unit=_unit(unit, lang))),
                                       "xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "yanchor": "bottom",
                                       "showarrow": False, "font": {"size": 10, "color": "#555"}}]}}
    data = d[["province_code", "boundary", "year", "value", "unit", "source_id", "fact_id"]].copy()
    data.insert(2, "name", names)
    return fig, data, title, alt


def grapher(obs: pd.DataFrame, registry: pd.DataFrame, ind_row: pd.Series, lang: str) -> dict | None:
    """What the year control and the province picker of a one-year bar chart draw, in the page's language: for
    every year the chart's boundary has figures of two provinces or more, the provinces' figures highest first
    and the chart's title; each province's yearly series (and the whole country's) for a line chart."""
    shape = per_frame(obs, _shape, LINE_MAX)
    if not shape["bar"]:
        return None
    name, boundary = ind_row[f"name_{lang}"], shape["boundary"]
    d = obs[(obs["boundary"] == boundary) & (obs["province_code"] != "VN")]
    years = {}
    for y, g in d.groupby("year"):
        if g["province_code"].nunique() < 2:
            continue
        g = g.sort_values("value", ascending=False)
        years[str(int(y))] = {"x": [_name(registry, c, boundary, lang) for c in g["province_code"]],
                              "y": [float(v) for v in g["value"]],
                              "title": msg("ind_chart_bar_title", lang, indicator=name, n=len(g), year=int(y),
                                           boundary=msg(f"boundary_{boundary}", lang))}
    if len(years) < 2:
        return None
    series = {}
    for (c, b), g in obs[(obs["boundary"] == boundary) | (obs["province_code"] == "VN")].groupby(
            ["province_code", "boundary"]):
        g = g.sort_values("year")
        xs, ys = with_gaps(list(g["year"]), [float(v) for v in g["value"]], list(starts_series(g)))
        series[_name(registry, c, b, lang)] = [[x, y] for x, y in zip(xs, ys)]
    order = sorted(series, key=vi_key)
    return {"years": years, "default": str(shape["year"]), "series": {k: series[k] for k in order},
            "line_title": msg("ind_chart_line_title", lang, indicator=name), "unit": _unit(ind_row["unit"], lang)}


def grapher_controls(g: dict, lang: str) -> str:
    """The year control and the province picker above an indicator's chart."""
    years = "".join(f"<option{' selected' if y == g['default'] else ''}>{html.escape(y)}</option>"
                    for y in sorted(g["years"]))
    provinces = "".join(f"<option>{html.escape(n)}</option>" for n in g["series"])
    return (f"<div class='grapher-controls'><label>{html.escape(msg('ind_year_control', lang))} "
            f"<select class='g-year'>{years}</select></label> "
            f"<label>{html.escape(msg('ind_province_picker', lang))} "
            f"<select class='g-provinces' multiple size='4'>{provinces}</select></label> "
            f"<button type='button' class='g-clear'>{html.escape(msg('ind_picker_clear', lang))}</button></div>")


MAP_MIN = 20  # a map of fewer provinces shows mostly empty squares


def _map_rows(obs: pd.DataFrame, minimum: int) -> tuple[int, pd.DataFrame] | None:
    """The latest year at least ``minimum`` post-2025 provinces share, and their values (language-free)."""
    post = obs[(obs["boundary"] == "post2025") & (obs["province_code"] != "VN")]
    if post.empty:
        return None
    counts = post.groupby("year")["province_code"].nunique()
    years = counts[counts >= minimum]
    if years.empty:
        return None
    year = int(years.index.max())
    return year, post.loc[post["year"] == year, ["province_code", "value"]]


def _map(obs: pd.DataFrame, registry: pd.DataFrame, ind_row: pd.Series, lang: str) -> str:
    """A tile map of the 34 provinces for the latest year at least ``MAP_MIN`` of them share (else nothing)."""
    found = None if ind_row["unit"] == "rank" else per_frame(obs, _map_rows, MAP_MIN)
    if found is None:
        return ""
    year, d = found
    unit = ind_row["unit"]
    title = msg("map_value_title", lang, indicator=ind_row[f"name_{lang}"], year=year)
    return value_map(d, registry, title, _unit(unit, lang), year, lang,
                     lambda x: format_number(float(x), lang, 1 if unit == "percent" else None))

