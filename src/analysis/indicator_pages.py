"""One page per indicator: definition, unit, the targets that use it, every province's figures and a chart.

The chart is interactive (plotly.js, shipped with the site: no CDN) with hover values in the page's number
format; its exact data is written beside it as CSV. With more than ``LINE_MAX`` provinces it compares one
year (the year most provinces share, within one boundary: the 63 provinces before 1 July 2025 or the 34
after); with fewer it draws each province's yearly series, targets marked. Sentences come from the catalogues.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from analysis.catalogue import join_words, msg
from analysis.citations import cite_slot
from analysis.frame_cache import per_frame
from analysis.findings import STATUS_ORDER, source_name
from analysis.labels import COMPARATOR_SIGN, STATUS
from analysis.numbers import UNIT_WORDS, format_number, format_value

LINE_MAX = 8
SEPARATORS = {"vi": ",.", "en": ".,"}  # plotly: decimal mark, then thousands separator
PLOTLY_JS = "plotly.min.js"


def plotly_js_path() -> Path:
    """plotly.js as the installed plotly package ships it (copied into the site's assets)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / PLOTLY_JS


def _unit(unit: str, lang: str) -> str:
    w = UNIT_WORDS.get(unit, {}).get(lang, "")
    return w or unit.replace("_", " ")


def _names(registry: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    return {(r["province_code"], r["boundary"], L): str(r[f"name_{L}"])
            for r in registry.drop_duplicates(["province_code", "boundary"]).to_dict("records") for L in ("vi", "en")}


def _name(registry: pd.DataFrame, code: str, boundary: str, lang: str) -> str:
    """A province's name from the registry (the lookup is built once per registry table)."""
    return per_frame(registry, _names).get((code, boundary, lang), code)


def _unmerged(registry: pd.DataFrame) -> frozenset[str]:
    """Codes of the post-2025 provinces formed from one pre-2025 province (territory unchanged)."""
    post = registry[registry["boundary"] == "post2025"]
    return frozenset(post.loc[~post["merged_from"].fillna("").str.contains(";"), "province_code"])


def observations(facts: pd.DataFrame, ind: str, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Total-breakdown observations of one indicator, one value per province, boundary and year.

    With the registry, figures "aggregated" to a post-2025 province that is one pre-2025 province unchanged
    (Quảng Ninh) are left out: they repeat its own series under the other boundary. Computed once per table and
    indicator (a site build asks for each indicator's observations in every language)."""
    single = per_frame(registry, _unmerged) if registry is not None else None
    return per_frame(facts, _observations, ind, single)


def _observations(facts: pd.DataFrame, ind: str, single: frozenset[str] | None) -> pd.DataFrame:
    o = facts[(facts["kind"] == "observation") & (facts["indicator_id"] == ind) & (facts["breakdown"] == "total")]
    if single is not None:
        repeat = ((o["boundary"] == "post2025") & o["province_code"].isin(single)
                  & o["flags"].fillna("").str.contains("aggregated"))
        o = o[~repeat]
    o = o.dropna(subset=["year", "value"]).sort_values(["province_code", "boundary", "year", "fact_id"])
    return o.drop_duplicates(["province_code", "boundary", "year"])


def _latest(obs: pd.DataFrame) -> list[dict]:
    """Per province and boundary (``obs`` is sorted by them, then by year): the latest row, with the number of
    years and the first year. Language-free, so computed once per indicator."""
    out: dict[tuple[str, str], dict] = {}
    for r in obs[["province_code", "boundary", "year", "value", "unit", "source_id"]].to_dict("records"):
        prev = out.get((r["province_code"], r["boundary"]))
        out[(r["province_code"], r["boundary"])] = r | ({"n": prev["n"] + 1, "y0": prev["y0"]} if prev else
                                                        {"n": 1, "y0": r["year"]})
    return list(out.values())


def values_table(obs: pd.DataFrame, registry: pd.DataFrame, sources: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each province's latest figure with its year and how many years it has."""
    rows = []
    for r in per_frame(obs, _latest):
        name = _name(registry, r["province_code"], r["boundary"], lang)
        rows.append({msg("ind_col_province", lang): name,
                     msg("ind_col_boundary", lang): msg(f"boundary_{r['boundary']}", lang),
                     msg("ind_col_latest", lang): format_value(float(r["value"]), r["unit"], lang),
                     msg("ind_col_year", lang): int(r["year"]),
                     msg("ind_col_points", lang): f"{format_number(r['n'], lang)} ({int(r['y0'])}–{int(r['year'])})"
                                                  if r["n"] > 1 else "1",
                     msg("ind_col_source", lang): source_name(sources, r["source_id"], lang),
                     "_sort": (r["boundary"] != "pre2025", name)})
    rows.sort(key=lambda x: x["_sort"])
    return pd.DataFrame([{k: v for k, v in x.items() if k != "_sort"} for x in rows])


def chart(obs: pd.DataFrame, targets: pd.DataFrame, registry: pd.DataFrame, sources: pd.DataFrame,
          ind_row: pd.Series, lang: str) -> tuple[dict, pd.DataFrame, str, str] | None:
    """(plotly figure, the plotted data, title, alt text), or None without observations."""
    if obs.empty:
        return None
    name = ind_row[f"name_{lang}"]
    unit = ind_row["unit"]
    fmt = ",.2~f"
    keys = obs.groupby(["province_code", "boundary"]).ngroups
    if keys > LINE_MAX:
        # one year, one boundary: the year most provinces share (latest on a tie)
        counts = obs[obs["province_code"] != "VN"].groupby(["boundary", "year"])["province_code"].nunique()
        counts = counts.reset_index()
        best = counts.sort_values(["province_code", "year"]).iloc[-1]
        d = obs[(obs["boundary"] == best["boundary"]) & (obs["year"] == best["year"])
                & (obs["province_code"] != "VN")].copy()  # provinces only: the whole country is in the table
        d["name"] = [_name(registry, c, best["boundary"], lang) for c in d["province_code"]]
        d = d.sort_values("value", ascending=False)
        title = msg("ind_chart_bar_title", lang, indicator=name, n=len(d), year=int(best["year"]),
                    boundary=msg(f"boundary_{best['boundary']}", lang))
        top, bottom = d.iloc[0], d.iloc[-1]
        alt = msg("ind_chart_bar_alt", lang, indicator=name, year=int(best["year"]), n=len(d), top=top["name"],
                  top_value=format_value(float(top["value"]), unit, lang), bottom=bottom["name"],
                  bottom_value=format_value(float(bottom["value"]), unit, lang))
        traces = [{"type": "bar", "x": list(d["name"]), "y": [float(v) for v in d["value"]],
                   "marker": {"color": "#2b6cb0"}, "name": name,
                   "hovertemplate": f"%{{x}}: %{{y:{fmt}}} {_unit(unit, lang)}<extra></extra>"}]
        layout_x = {"tickangle": -60, "automargin": True}
    else:
        d = obs.copy()
        d["name"] = [_name(registry, c, b, lang) + ("" if b == "pre2025" else f" ({msg('boundary_post2025', lang)})")
                     for c, b in zip(d["province_code"], d["boundary"])]
        traces = []
        for nm, g in d.groupby("name", sort=True):
            traces.append({"type": "scatter", "mode": "lines+markers", "name": nm, "x": [int(y) for y in g["year"]],
                           "y": [float(v) for v in g["value"]],
                           "hovertemplate": f"{html.escape(nm)}, %{{x}}: %{{y:{fmt}}} {_unit(unit, lang)}"
                                            "<extra></extra>"})
        t = targets[targets["province_code"].isin(d["province_code"])]
        if len(t):
            tn = [_name(registry, c, b, lang) for c, b in zip(t["province_code"], t["boundary"])]
            traces.append({"type": "scatter", "mode": "markers", "name": msg("ind_target_marker", lang),
                           "x": [int(y) for y in t["year"]], "y": [float(v) for v in t["value"]],
                           "marker": {"symbol": "x", "size": 11, "color": "#b2182b"}, "text": tn,
                           "hovertemplate": f"%{{text}} – {msg('ind_target_marker', lang)} %{{x}}: "
                                            f"%{{y:{fmt}}} {_unit(unit, lang)}<extra></extra>"})
        title = msg("ind_chart_line_title", lang, indicator=name)
        alt = msg("ind_chart_line_alt", lang, indicator=name, n=d["name"].nunique(), y0=int(d["year"].min()),
                  y1=int(d["year"].max()))
        layout_x = {"tickformat": "d", "dtick": 1 if d["year"].max() - d["year"].min() <= 12 else None}
    srcs = join_words(sorted({source_name(sources, s, lang) for s in d["source_id"]}), lang)
    fig = {"data": traces,
           "layout": {"title": {"text": html.escape(title), "x": 0, "font": {"size": 15}},
                      "separators": SEPARATORS[lang], "xaxis": layout_x,
                      "yaxis": {"title": {"text": html.escape(_unit(unit, lang))}, "tickformat": ",.4~f",
                                "rangemode": "tozero"},
                      "margin": {"l": 60, "r": 10, "t": 50, "b": 40}, "height": 420,
                      "legend": {"orientation": "h", "y": -0.25},
                      "annotations": [{"text": html.escape(msg("ind_chart_source", lang, sources=srcs,
                                                               unit=_unit(unit, lang))),
                                       "xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "yanchor": "bottom",
                                       "showarrow": False, "font": {"size": 10, "color": "#555"}}]}}
    data = d[["province_code", "boundary", "name", "year", "value", "unit", "source_id", "fact_id"]].copy()
    return fig, data, title, alt


MAP_MIN = 20  # a map of fewer provinces shows mostly empty squares


def _map(obs: pd.DataFrame, registry: pd.DataFrame, ind_row: pd.Series, lang: str) -> str:
    """A tile map of the 34 provinces for the latest year at least ``MAP_MIN`` of them share (else nothing)."""
    from analysis.tilemap import value_map

    post = obs[(obs["boundary"] == "post2025") & (obs["province_code"] != "VN")]
    counts = post.groupby("year")["province_code"].nunique()
    years = counts[counts >= MAP_MIN]
    if years.empty or ind_row["unit"] == "rank":
        return ""
    year = int(years.index.max())
    d = post[post["year"] == year]
    unit = ind_row["unit"]
    title = msg("map_value_title", lang, indicator=ind_row[f"name_{lang}"], year=year)
    return value_map(d[["province_code", "value"]], registry, title, _unit(unit, lang), year, lang,
                     lambda x: format_number(float(x), lang, 1 if unit == "percent" else None))


def targets_html(ind: str, assessments: pd.DataFrame, registry: pd.DataFrame, national: pd.DataFrame,
                 national_targets: pd.DataFrame, lang: str, badge, units: dict[str, str]) -> str:
    a = assessments[(assessments["indicator_id"] == ind) | (assessments["tracked_by"].fillna("") == ind)]
    out = []
    if len(a):
        head = [msg("ind_col_status", lang), msg("ind_col_province", lang), msg("ind_col_target", lang),
                msg("ind_col_points", lang)]
        rows = []
        for _, r in a.sort_values(["province_code", "target_year"]).iterrows():
            tv = f"{COMPARATOR_SIGN[r['comparator']]} {format_value(float(r['target']), units.get(r['indicator_id'], ''), lang)} " \
                 f"({int(r['target_year'])})"
            pts = f"{int(r['n_points'])}" + (f" ({str(r['years']).replace(';', ', ')})"
                                              if isinstance(r["years"], str) and r["years"] else "")
            rows.append(f"<tr><td>{badge(r['status'], lang, r['target_fact_id'])}</td>"
                        f"<td>{html.escape(_name(registry, r['province_code'], r['boundary'], lang))}</td>"
                        f"<td>{html.escape(tv)}</td><td>{html.escape(pts)}</td></tr>")
        th = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head)
        out.append(f"<div class='table-wrap'><table class='data-table'><thead><tr>{th}</tr></thead>"
                   f"<tbody>{''.join(rows)}</tbody></table></div>")
    nt = national_targets[national_targets["indicator_id"] == ind]
    if len(nt):
        items = []
        for _, t in nt.iterrows():
            what = t["indicator_vi_summary"] if lang == "vi" else t["indicator_en"]
            label = f"{what} {COMPARATOR_SIGN[t['comparator']]} {format_value(float(t['value']), t['unit'], lang)} " \
                    f"({int(t['target_year'])}, {t['decision']})"
            n = national[(national["indicator_id"] == ind) & (national["target_year"] == t["target_year"])
                         & (national["decision"] == t["decision"]) & (national["n_points"] >= 2)
                         & (national["boundary"] == "post2025") & (national["province_code"] != "VN")]
            if len(n):
                counts = n["status"].value_counts()
                st = join_words([f"{format_number(int(counts[s]), lang)} {STATUS[s][lang].lower()}"
                                 for s in STATUS_ORDER if counts.get(s, 0)], lang)
                items.append(msg("ind_national_row", lang, target=label, n=format_number(len(n), lang),
                                 statuses=st))
            else:
                items.append(label)
        out.append(f"<h3>{html.escape(msg('ind_national_heading', lang))}</h3><ul>"
                   + "".join(f"<li>{html.escape(x)}</li>" for x in items) + "</ul>")
    return "".join(out) or f"<p class='muted'>{html.escape(msg('ind_targets_none', lang))}</p>"


def _meta_dl(ind_row: pd.Series, lang: str) -> str:
    agg = str(ind_row["aggregation"]).split(":")[0]
    pairs = [(msg("ind_unit", lang), _unit(ind_row["unit"], lang)),
             (msg("ind_better", lang), msg(f"ind_better_{ind_row['better']}", lang)),
             (msg("ind_aggregation", lang), msg(f"ind_agg_{agg}", lang))]
    dl = "".join(f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>" for k, v in pairs)
    extra = ""
    if isinstance(ind_row.get("definition"), str) and ind_row["definition"]:
        extra += (f"<p><b>{html.escape(msg('ind_definition', lang))}:</b> <span lang='en'>"
                  f"{html.escape(ind_row['definition'])}</span></p>")
    comp = ind_row.get("comparability_vi") if lang == "vi" else ind_row.get("comparability")
    if isinstance(comp, str) and comp:
        extra += f"<p><b>{html.escape(msg('ind_comparability', lang))}:</b> {html.escape(comp)}</p>"
    return f"<dl class='heads'>{dl}</dl>{extra}"


def indicator_body(ind: str, ind_row: pd.Series, facts: pd.DataFrame, assessments: pd.DataFrame,
                   registry: pd.DataFrame, sources: pd.DataFrame, national: pd.DataFrame,
                   national_targets: pd.DataFrame, lang: str, badge, csv_dir: Path, units: dict[str, str]) -> str:
    """The page body; writes the chart's CSV into ``csv_dir``."""
    obs = observations(facts, ind, registry)
    tg = facts[(facts["kind"] == "target") & (facts["indicator_id"] == ind) & (facts["breakdown"] == "total")]
    parts = [f"<h1>{html.escape(ind_row[f'name_{lang}'])}</h1>", _meta_dl(ind_row, lang),
             f"<h2 id='uses'>{html.escape(msg('ind_targets_heading', lang))}</h2>",
             targets_html(ind, assessments, registry, national, national_targets, lang, badge, units)]
    c = chart(obs, tg, registry, sources, ind_row, lang)
    if c is not None:
        fig, data, title, alt = c
        csv_dir.mkdir(parents=True, exist_ok=True)
        # one file per language: the province names are those of the page's chart
        data.to_csv(csv_dir / f"{ind}-{lang}.csv", index=False, encoding="utf-8")
        cid = f"chart-{ind}"
        dl = msg("ind_chart_download", lang, csv=f"<a href='../../downloads/indicators/{ind}-{lang}.csv'>CSV</a>",
                 png=f"<a href='#{cid}' data-plot-download='png' data-plot='{cid}-plot'>PNG</a>",
                 svg=f"<a href='#{cid}' data-plot-download='svg' data-plot='{cid}-plot'>SVG</a>")
        parts.append(
            f"<h2 id='chart-section'>{html.escape(msg('ind_chart_heading', lang))}</h2>"
            f"<figure class='plot' id='{cid}'><div id='{cid}-plot' class='plotly-chart' role='img' "
            f"aria-label='{html.escape(alt, quote=True)}' data-figure='{html.escape(json.dumps(fig), quote=True)}'>"
            f"</div><noscript>{html.escape(msg('ind_chart_noscript', lang))}</noscript>"
            f"<figcaption>{html.escape(title)}. {html.escape(alt)} <a class='permalink' href='#{cid}'>"
            f"{html.escape(msg('ind_chart_permalink', lang))}</a><br>{dl}</figcaption></figure>"
            f"<script src='../../assets/{PLOTLY_JS}'></script>" + cite_slot("figure", cid, title))
    parts.append(_map(observations(facts, ind), registry, ind_row, lang))  # every one of the 34, unchanged ones too
    parts.append(f"<h2 id='by-province'>{html.escape(msg('ind_values_heading', lang))}</h2>")
    vt = values_table(obs, registry, sources, lang)
    if vt.empty:
        parts.append(f"<p class='muted'>{html.escape(msg('ind_values_none', lang))}</p>")
    else:
        parts.append("<div class='table-wrap'>" + vt.to_html(index=False, border=0, classes="data-table",
                                                            escape=True) + "</div>"
                     + cite_slot("table", "by-province", msg("ind_values_heading", lang)))
    return "".join(parts)


def indicators_with_pages(facts: pd.DataFrame, indicators: pd.DataFrame, assessments: pd.DataFrame,
                          national_targets: pd.DataFrame) -> list[str]:
    """Indicators that have a figure, a target or a national target (the others would be empty pages)."""
    used = set(facts.loc[facts["breakdown"] == "total", "indicator_id"]) | set(assessments["indicator_id"]) | set(
        national_targets["indicator_id"])
    return [i for i in indicators["indicator_id"] if i in used]


def index_body(ids: list[str], indicators: pd.DataFrame, facts_by_ind: dict[str, pd.DataFrame],
               assessments: pd.DataFrame, registry: pd.DataFrame, lang: str) -> str:
    """The list of indicator pages (``facts_by_ind``: each indicator's facts, the frames its page reads)."""
    ind = indicators.set_index("indicator_id")
    head = [msg(k, lang) for k in ("ind_col_indicator", "ind_col_unit", "ind_col_provinces", "ind_col_years",
                                   "ind_col_targets")]
    rows = []
    for i in sorted(ids, key=lambda x: ind.at[x, f"name_{lang}"]):
        o = observations(facts_by_ind[i], i, registry) if i in facts_by_ind else pd.DataFrame(
            columns=["year", "province_code"])
        years = (f"{int(o['year'].min())}–{int(o['year'].max())}" if len(o) and o["year"].nunique() > 1 else
                 (str(int(o["year"].iloc[0])) if len(o) else "–"))
        n_t = int(((assessments["indicator_id"] == i) | (assessments["tracked_by"].fillna("") == i)).sum())
        rows.append(f"<tr><td><a href='indicators/{i}.html'>{html.escape(ind.at[i, f'name_{lang}'])}</a></td>"
                    f"<td>{html.escape(_unit(ind.at[i, 'unit'], lang))}</td>"
                    f"<td>{format_number(o['province_code'].nunique(), lang)}</td><td>{years}</td>"
                    f"<td>{format_number(n_t, lang)}</td></tr>")
    th = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head)
    return (f"<h1>{html.escape(msg('ind_index_title', lang))}</h1><p>{html.escape(msg('ind_index_intro', lang))}"
            f"</p><div class='table-wrap'><table class='data-table'><thead><tr>{th}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")
