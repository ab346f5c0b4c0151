"""One page per indicator: definition, unit, the targets that use it, every province's figures and a chart
(``indicator_chart``); its exact data is written beside the chart as CSV. Sentences come from the catalogues.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from analysis.catalogue import join_words, msg
from analysis.collation import vi_key
from analysis.frame_cache import groups, per_frame
from analysis.labels import page_language_text, status_label, target_words
from analysis.numbers import format_number, points_cell
from analysis.reader_csv import write_reader_csv
from analysis.report.items import marker
from analysis.report.findings import STATUS_ORDER, count_sentence
from analysis.site import chart_library as CL
from analysis.site.indicator_chart import (_map, _name, _unit, all_observations, chart, grapher,
                                           grapher_controls, observations, values_table)

__all__ = ["PLOTLY_JS", "all_observations", "all_targets", "chart", "index_body", "indicator_body",
           "indicators_with_pages", "observations", "plotly_js_path", "targets_html", "values_table"]

PLOTLY_JS = CL.ASSET


def plotly_js_path() -> Path:
    """The plotly.js bundle copied into the site's assets (the cartesian partial bundle: ``chart_library``)."""
    return CL.bundle_path()


def _uses(assessments: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The targets assessed on each indicator: their own indicator, or the one they are tracked by."""
    tracked = assessments["tracked_by"].fillna("")
    ids = set(assessments["indicator_id"]) | set(tracked[tracked != ""])
    return {i: assessments[(assessments["indicator_id"] == i) | (tracked == i)] for i in ids}


def _by_indicator(df: pd.DataFrame) -> dict[str, list[dict]]:
    """The rows of each indicator, as records."""
    return {i: g.to_dict("records") for i, g in df.groupby("indicator_id", sort=False)}


def _national_rows(national: pd.DataFrame) -> dict[tuple, pd.DataFrame]:
    """Post-2025 provinces' assessments against each national target with two or more points."""
    n = national[(national["n_points"] >= 2) & (national["boundary"] == "post2025") & (national["province_code"] != "VN")]
    return groups(n, ["indicator_id", "target_year", "decision"])


def targets_html(ind: str, assessments: pd.DataFrame, registry: pd.DataFrame, national: pd.DataFrame,
                 national_targets: pd.DataFrame, lang: str, badge, units: dict[str, str]) -> str:
    a = per_frame(assessments, _uses).get(ind, assessments.iloc[0:0])
    out = []
    if len(a):
        head = [msg("ind_col_status", lang), msg("ind_col_province", lang), msg("ind_col_target", lang),
                msg("targets_col_points", lang)]
        rows = []
        for r in a.sort_values(["province_code", "target_year"]).to_dict("records"):
            tv = f"{target_words(r['comparator'], float(r['target']), units.get(r['indicator_id'], ''), lang)} " \
                 f"({int(r['target_year'])})"
            pts = points_cell(r["n_points"], r["years"], lang)
            rows.append(f"<tr><td>{badge(r['status'], lang, r['target_fact_id'])}</td>"
                        f"<td>{html.escape(_name(registry, r['province_code'], r['boundary'], lang))}</td>"
                        f"<td>{html.escape(tv)}</td><td>{html.escape(pts)}</td></tr>")
        th = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head)
        out.append(f"<div class='table-wrap'><table class='data-table'><thead><tr>{th}</tr></thead>"
                   f"<tbody>{''.join(rows)}</tbody></table></div>")
    nt = per_frame(national_targets, _by_indicator).get(ind, [])
    if len(nt):
        items = []
        for t in nt:
            what = t["indicator_vi_summary"] if lang == "vi" else t["indicator_en"]
            label = f"{what} {target_words(t['comparator'], float(t['value']), t['unit'], lang)} " \
                    f"({int(t['target_year'])}, {t['decision']})"
            n = per_frame(national, _national_rows).get((ind, t["target_year"], t["decision"]), national.iloc[0:0])
            if len(n):
                counts = n["status"].value_counts()
                st = join_words([f"{format_number(int(counts[s]), lang)} {status_label(s, lang).lower()}"
                                 for s in STATUS_ORDER if counts.get(s, 0)], lang)
                items.append(" ".join(x for x in (msg("ind_national_row", lang, target=label,
                                                          n=format_number(len(n), lang), statuses=st),
                                                      count_sentence(n, lang)) if x))
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
    extra = _in_language(ind_row, "definition", "ind_definition", lang)
    extra += _in_language(ind_row, "comparability", "ind_comparability", lang)
    return f"<dl class='heads'>{dl}</dl>{extra}"


def _in_language(ind_row: pd.Series, column: str, label: str, lang: str) -> str:
    """A catalogue text in the page's language (``definition_vi`` on Vietnamese pages); where the catalogue has
    it only in English, the English text marked as such."""
    text, in_english = page_language_text(ind_row, column, lang)
    if not text:
        return ""
    if in_english:
        return (f"<p><b>{html.escape(msg(label + '_english', lang))}:</b> <span lang='en'>"
                f"{html.escape(text)}</span></p>")
    return f"<p><b>{html.escape(msg(label, lang))}:</b> {html.escape(text)}</p>"


def _total_targets(facts: pd.DataFrame, ind: str | None) -> pd.DataFrame:
    keep = (facts["kind"] == "target") & (facts["breakdown"] == "total")
    return facts[keep & (facts["indicator_id"] == ind)] if ind is not None else facts[keep]


def all_targets(facts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each indicator's total-breakdown targets (one pass over the table)."""
    return groups(_total_targets(facts, None), "indicator_id")


def indicator_body(ind: str, ind_row: pd.Series, facts: pd.DataFrame, assessments: pd.DataFrame,
                   registry: pd.DataFrame, sources: pd.DataFrame, national: pd.DataFrame,
                   national_targets: pd.DataFrame, lang: str, badge, csv_dir: Path, units: dict[str, str],
                   obs: pd.DataFrame | None = None, obs_all: pd.DataFrame | None = None,
                   targets: pd.DataFrame | None = None, items: list | None = None) -> str:
    """The page body; writes the chart's CSV into ``csv_dir``. ``obs`` / ``obs_all``: the indicator's
    ``observations`` with and without the registry, when the caller has them already (``all_observations``);
    ``targets``: its total-breakdown targets (``all_targets``); ``items``: a list that gets the page's numbered
    items (for ``Page.items``: their cite boxes go in place of the markers)."""
    obs = observations(facts, ind, registry) if obs is None else obs
    obs_all = observations(facts, ind) if obs_all is None else obs_all
    tg = _total_targets(facts, ind) if targets is None else targets
    parts = [f"<h1>{html.escape(ind_row[f'name_{lang}'])}</h1>", _meta_dl(ind_row, lang),
             f"<h2 id='uses'>{html.escape(msg('ind_targets_heading', lang))}</h2>",
             targets_html(ind, assessments, registry, national, national_targets, lang, badge, units)]
    c = chart(obs, tg, registry, sources, ind_row, lang)
    if c is not None:
        fig, data, title, alt = c
        csv_dir.mkdir(parents=True, exist_ok=True)
        # one file per language: the province names are those of the page's chart
        write_reader_csv(data, csv_dir / f"{ind}-{lang}.csv")
        cid = f"chart-{ind}"
        dl = msg("ind_chart_download", lang, csv=f"<a href='../../downloads/indicators/{ind}-{lang}.csv'>CSV</a>",
                 png=f"<a href='#{cid}' data-plot-download='png' data-plot='{cid}-plot'>PNG</a>",
                 svg=f"<a href='#{cid}' data-plot-download='svg' data-plot='{cid}-plot'>SVG</a>")
        g = grapher(obs, registry, ind_row, lang)
        controls = grapher_controls(g, lang) if g else ""
        data_g = f" data-grapher='{html.escape(json.dumps(g), quote=True)}'" if g else ""
        parts.append(
            f"<h2 id='chart-section'>{html.escape(msg('ind_chart_heading', lang))}</h2>"
            f"<figure class='plot' id='{cid}'>{controls}<div id='{cid}-plot' class='plotly-chart' role='img' "
            f"aria-label='{html.escape(alt, quote=True)}' data-figure='{html.escape(json.dumps(fig), quote=True)}'"
            f"{data_g}>"
            f"</div><noscript>{html.escape(msg('ind_chart_noscript', lang))}</noscript>"
            f"<figcaption>{html.escape(title)}. {html.escape(alt)} <a class='permalink' href='#{cid}'>"
            f"{html.escape(msg('ind_chart_permalink', lang))}</a><br>{dl}</figcaption></figure>"
            + _item(items, "figure", cid, title))  # site.js loads plotly.js when the chart comes into view
    parts.append(_map(obs_all, registry, ind_row, lang))  # every one of the 34, unchanged ones too
    parts.append(f"<h2 id='by-province'>{html.escape(msg('ind_values_heading', lang))}</h2>")
    vt = values_table(obs, registry, sources, lang)
    if vt.empty:
        parts.append(f"<p class='muted'>{html.escape(msg('ind_values_none', lang))}</p>")
    else:
        parts.append("<div class='table-wrap'>" + vt.to_html(index=False, border=0, classes="data-table",
                                                            escape=True) + "</div>"
                     + _item(items, "table", "by-province", msg("ind_values_heading", lang)))
    return "".join(parts)


def _item(items: list | None, kind: str, anchor: str, caption: str) -> str:
    """A cite box's marker, the item added to ``items`` (the page's, as a notebook's sidecar lists them)."""
    if items is not None:
        items.append({"kind": kind, "anchor": anchor, "caption": caption, "stem": "", "files": []})
    return marker(anchor)


def indicators_with_pages(facts: pd.DataFrame, indicators: pd.DataFrame, assessments: pd.DataFrame,
                          national_targets: pd.DataFrame) -> list[str]:
    """Indicators that have a figure, a target or a national target (the others would be empty pages)."""
    used = set(facts.loc[facts["breakdown"] == "total", "indicator_id"]) | set(assessments["indicator_id"]) | set(
        national_targets["indicator_id"])
    return [i for i in indicators["indicator_id"] if i in used]


def index_body(ids: list[str], indicators: pd.DataFrame, obs_by_ind: dict[str, pd.DataFrame],
               assessments: pd.DataFrame, lang: str) -> str:
    """The list of indicator pages (``obs_by_ind``: each indicator's observations, from ``all_observations``)."""
    ind = indicators.set_index("indicator_id")
    head = [msg(k, lang) for k in ("ind_col_indicator", "ind_col_unit", "ind_col_provinces", "ind_col_years",
                                   "ind_col_targets")]
    rows = []
    for i in sorted(ids, key=lambda x: vi_key(ind.at[x, f"name_{lang}"])):
        o = obs_by_ind[i] if i in obs_by_ind else pd.DataFrame(columns=["year", "province_code"])
        years = (f"{int(o['year'].min())}–{int(o['year'].max())}" if len(o) and o["year"].nunique() > 1 else
                 (str(int(o["year"].iloc[0])) if len(o) else "–"))
        n_t = len(per_frame(assessments, _uses).get(i, ()))
        rows.append(f"<tr><td><a href='indicators/{i}.html'>{html.escape(ind.at[i, f'name_{lang}'])}</a></td>"
                    f"<td>{html.escape(_unit(ind.at[i, 'unit'], lang))}</td>"
                    f"<td>{format_number(o['province_code'].nunique(), lang)}</td><td>{years}</td>"
                    f"<td>{format_number(n_t, lang)}</td></tr>")
    th = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head)
    return (f"<h1>{html.escape(msg('ind_index_title', lang))}</h1><p>{html.escape(msg('ind_index_intro', lang))}"
            f"</p><div class='table-wrap'><table class='data-table'><thead><tr>{th}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")

