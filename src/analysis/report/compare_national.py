"""The provinces against each national target that has provincial series: the ranking table and chart, how
recent their figures are, and how many would meet it together (the comparison notebook's last section)."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis import config
from analysis.assess.forecast import national_target_row
from analysis.assess.target import MAX_DATA_AGE
from analysis.catalogue import msg
from analysis.labels import STATUS_COLOUR, is_provisional, qualified, status_label, t, target_words
from analysis.markup import md_text
from analysis.numbers import format_number, format_percent, format_value, points_cell
from analysis.report import charts
from analysis.report.compare import CompareContext, _province_name
from analysis.report.findings import chance_words, count_sentence
from analysis.report.province import source_names


def national_targets_assessed(ctx: CompareContext, boundary: str = "post2025") -> list[str]:
    """Ids of the national targets that at least two provinces have a series for."""
    n = ctx.national[(ctx.national["boundary"] == boundary) & (ctx.national["province_code"] != "VN")]
    counts = n.groupby("national_target_id").size()
    return list(counts[counts >= 2].index)


def _target_row(ctx: CompareContext, target_id: str) -> pd.Series:
    n = ctx.national[ctx.national["national_target_id"] == target_id].iloc[0]
    nt = national_target_row(ctx.national_targets, n["target_row"])
    return nt


def national_target_title(ctx: CompareContext, target_id: str) -> str:
    """'≥ 35% by 2030 (Decision 176/QĐ-TTg): share of workers ...' in the page's language."""
    L, nt = ctx.lang, _target_row(ctx, target_id)
    what = nt["indicator_vi_summary"] if L == "vi" else nt["indicator_en"]
    by = msg("nb_by", L)
    dec = msg("nb_decision", L)
    return (f"{md_text(what)}: {target_words(nt['comparator'], float(nt['value']), 'percent', L)} "
            f"{by} {int(nt['target_year'])} ({dec} {md_text(nt['decision'])})")


def national_ranking(ctx: CompareContext, target_id: str, boundary: str = "post2025") -> pd.DataFrame:
    """Every province with a series, ranked against one national target: status, chance, interval, points, years."""
    L = ctx.lang
    mine = ctx.national[ctx.national["national_target_id"] == target_id]
    n = mine[(mine["boundary"] == boundary) & (mine["province_code"] != "VN")].sort_values("rank")
    n = pd.concat([n, mine[mine["province_code"] == "VN"].head(1)])  # the whole country, the same either side
    unit = "percent"
    rows = []
    for _, r in n.iterrows():
        years = str(r["years"]).split(";")
        interval = ("–" if pd.isna(r["pi80_low"]) else
                    f"{format_value(r['pi80_low'], unit, L, 1)} – {format_value(r['pi80_high'], unit, L, 1)}")
        rows.append({"#": "" if pd.isna(r["rank"]) else str(int(r["rank"])),
                     t("province", L): _province_name(ctx, r["province_code"], boundary),
                     t("status", L): status_label(r["status"], L, is_provisional(r)),
                     t("p_meet", L): "–" if pd.isna(r["p_meet"]) else chance_words(r["p_meet"], L),
                     t("projection", L): ("–" if pd.isna(r["projection"]) else
                                          f"{format_value(r['projection'], unit, L, 1)} ({interval})"),
                     msg("nb_latest_figure", L):
                         f"{qualified(format_value(r['last_value'], unit, L, 1), r.get('last_flags'), L)} "
                         f"({r['last_year']})",
                     t("points", L): points_cell(r["n_points"], years, L),
                     **_pace_cells(r, L)})
    out = pd.DataFrame(rows)
    optional = (*_PACE_HEADERS(L), t("p_meet", L), t("projection", L))
    return out.drop(columns=[c for c in out.columns if c in optional and (out[c] == "–").all()])


def national_count_note(ctx: CompareContext, target_id: str, boundary: str = "post2025") -> str:
    """How many of the provinces with a forecast status would meet one national target, counted together (the
    panel's joint draws: ``analysis.assess.panel_counts``); "" where no status is a panel forecast."""
    n = ctx.national[(ctx.national["national_target_id"] == target_id) & (ctx.national["boundary"] == boundary)
                     & (ctx.national["province_code"] != "VN")]
    return count_sentence(n, ctx.lang)


def _PACE_HEADERS(L: str) -> tuple[str, ...]:
    return msg("nb_col_pace_needed", L), msg("nb_col_pace_own", L), msg("nb_col_pace_share", L)


def _pace_cells(r: pd.Series, L: str) -> dict[str, str]:
    """The pace a target still ahead needs (percentage points a year from the latest figure), the province's own
    pace over its series, and how common the needed pace was among the panel's changes over as many years."""
    needed, own, share = _PACE_HEADERS(L)
    need = r.get("required_annual_change")
    ahead = (r["status"] not in ("achieved", "not_met", "awaiting_data") and pd.notna(need)
             and (need > 0 if r.get("comparator") != "<=" else need < 0))  # a latest figure that meets it needs none

    def pp(x) -> str:
        if pd.isna(x):
            return "–"
        return msg("nb_pace_pp", L, x=("+" if float(x) > 0 else "") + format_number(float(x), L, 2))
    return {needed: pp(r["required_annual_change"]) if ahead else "–",
            own: pp(r.get("own_annual_change")) if ahead else "–",
            share: ("–" if not ahead or pd.isna(r.get("pace_share")) else
                    msg("nb_pace_share", L, share=format_percent(100 * float(r["pace_share"]), L, 0),
                        k=format_number(int(r["pace_years"]), L)))}


def national_ranking_chart(ctx: CompareContext, target_id: str, boundary: str = "post2025") -> charts.Chart:
    """Every province's latest value against one national target, with its projection and 80% interval where it
    has one; the legend names only what is drawn."""
    L = ctx.lang
    nt = _target_row(ctx, target_id)
    n = ctx.national[(ctx.national["national_target_id"] == target_id) & (ctx.national["boundary"] == boundary)
                     & (ctx.national["province_code"] != "VN")].sort_values("rank", ascending=False)
    names = [_province_name(ctx, c, boundary, dated=False) for c in n["province_code"]]  # the title says when
    fig, ax = plt.subplots(figsize=(7.5, max(4.0, 0.2 * len(n) + 1.6)))
    y = np.arange(len(n))
    has = n["projection"].notna().to_numpy()
    colours = np.array([STATUS_COLOUR[s] for s in n["status"]])
    ax.hlines(y[has], n["pi80_low"].to_numpy(float)[has], n["pi80_high"].to_numpy(float)[has], colors=colours[has],
              linewidth=2.5, alpha=0.6)
    ax.scatter(n["projection"].to_numpy(float)[has], y[has], c=colours[has], s=18, zorder=3)
    ax.scatter(n["last_value"].to_numpy(float), y, facecolors="none", edgecolors="#444444", s=14, zorder=3)
    ax.axvline(float(nt["value"]), color="#222222", linestyle="--", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=7)
    year = int(nt["target_year"])
    target = target_words(nt["comparator"], float(nt["value"]), "percent", L)
    indicator = nt["indicator_vi_summary"] if L == "vi" else nt["indicator_en"]
    title = msg("nb_national_title", L, indicator=indicator, target=target, year=year)
    years = sorted({int(v) for v in n["last_year"].dropna()})
    span = "–".join(str(v) for v in dict.fromkeys([years[0], years[-1]])) if years else "–"
    words = dict(n=len(n), target=format_value(float(nt["value"]), "percent", L), year=year,
                 best=names[-1] if names else "–")
    if has.any():
        xlabel, alt = msg("nb_national_xlabel", L), msg("nb_national_alt", L, **words)
    else:
        xlabel, alt = msg("nb_national_xlabel_latest", L, years=span), msg("nb_national_alt_latest", L, years=span,
                                                                            **words)
    srcs = list(dict.fromkeys(ctx.facts.loc[ctx.facts["indicator_id"] == nt["indicator_id"], "source_id"]))
    source = source_names(ctx.sources, [nt["source_id"], *srcs[:2]], ctx.lang) if len(ctx.sources) else ""
    return charts.finish(fig, ax, title=title, ylabel="", xlabel=textwrap.fill(xlabel, 90), source=source, alt=alt,
                         stem=f"compare-national-{target_id}-{boundary}-{L}", lang=L)


def national_data_note(ctx: CompareContext, target_id: str, boundary: str = "post2025") -> str:
    """How recent the figures behind one national target's ranking are: the provinces' latest year (and, where it is
    too old to judge progress by, that no province gets a projection), then the whole country's."""
    L = ctx.lang
    mine = ctx.national[ctx.national["national_target_id"] == target_id]
    prov = mine[(mine["boundary"] == boundary) & (mine["province_code"] != "VN")]
    last = pd.to_numeric(prov["last_year"], errors="coerce").dropna()
    if last.empty:
        return ""
    latest, build = int(last.max()), config.build_year()
    old = latest < build - MAX_DATA_AGE and prov["projection"].isna().all()
    words = dict(last=latest, build=build, gap=build - latest, age=MAX_DATA_AGE)
    out = [msg("compare_national_data_old" if old else "compare_national_data_recent", L, **words)]
    country = pd.to_numeric(mine.loc[mine["province_code"] == "VN", "last_year"], errors="coerce").dropna()
    if len(country):
        out.append(msg("compare_national_data_country", L, year=int(country.max())))
    return " ".join(out)
