"""The provinces side by side: comparable indicators, coverage, targets against national ones, DTI rank."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis import config
from analysis.assess.series import one_per_year
from analysis.catalogue import join_words, msg
from analysis.collation import vi_key
from analysis.data.store import load_processed
from analysis.labels import STATUS_COLOUR, breakdown_label, comparator_sign, page_language_text, shorten, status_label, t
from analysis.markup import md_text
from analysis.numbers import format_number, format_percent, format_value, points_cell
from analysis.report import charts
from analysis.report.findings import chance_words, count_sentence
from analysis.report.province import source_names
from analysis.territory import territory_changed, territory_name

# normalised or rank indicators that can be put side by side
COMPARABLE = ["dti_rank", "dti_score", "community_teams_per_1000", "community_team_members_per_1000",
              "members_per_team", "it_officials_share", "it_qualified_staff_share", "online_dossier_share",
              "tthc_digitisation_share", "data_reuse_share", "trained_employed_share", "pci_labour_training",
              "pci_composite", "papi_egovernance"]


@dataclass
class CompareContext:
    lang: str
    provinces: pd.DataFrame  # the pre-2025 rows of the provinces compared, in the order given
    facts: pd.DataFrame
    derived: pd.DataFrame
    indicators: pd.DataFrame
    national_targets: pd.DataFrame
    dti: pd.DataFrame
    sources: pd.DataFrame
    out_dir: Path | None = None
    national: pd.DataFrame | None = None  # national_assessments.csv: every province against each national target
    registry: pd.DataFrame | None = None  # provinces.csv: both registries (names of every province)
    numbering: dict = field(default_factory=lambda: {"table": 0, "figure": 0})  # numbered captions on the page
    _names: dict = field(default_factory=dict, repr=False, compare=False)  # name() of each (code, dated), once

    def name(self, code: str, dated: bool = True) -> str:
        """A compared (pre-2025) province's name, with its date where its territory changed on 1 July 2025 (not
        on a chart's labels, where the title gives the boundary)."""
        if (code, dated) not in self._names:
            self._names[code, dated] = self._name(code, dated)
        return self._names[code, dated]

    def _name(self, code: str, dated: bool) -> str:
        r = self.provinces.set_index("province_code").loc[code]
        name = r["name_vi"] if self.lang == "vi" else r["name_en"]
        if self.registry is None or not dated:
            return name
        return territory_name(name, "pre2025", territory_changed(self.registry, code, "pre2025"), self.lang)


def load_compare(province_keys: list[str], lang: str = "vi", output_dir: str | None = None,
                 processed_dir: Path | None = None) -> CompareContext:
    prov = load_processed("provinces", processed_dir)
    pre = prov[prov["boundary"] == "pre2025"].set_index("key")
    missing = [k for k in province_keys if k not in pre.index]
    if missing:
        raise ValueError(f"unknown province keys: {missing}")
    rows = pre.loc[province_keys].reset_index()
    facts = load_processed("facts", processed_dir)
    codes = set(rows["province_code"])
    facts = facts[(facts["province_code"].isin(codes) & (facts["boundary"] == "pre2025"))
                  | (facts["province_code"] == "VN")]
    derived = load_processed("derived", processed_dir)
    derived = derived[derived["province_code"].isin(codes) & (derived["boundary"] == "pre2025")]
    out = Path(output_dir) if output_dir else config.build_dir() / "outputs" / "compare" / lang
    return CompareContext(lang=lang, provinces=rows, facts=facts, derived=derived,
                          indicators=load_processed("indicators", processed_dir).set_index("indicator_id"),
                          national_targets=load_processed("national_targets", processed_dir),
                          dti=load_processed("dti_2022", processed_dir), sources=load_processed("sources",
                                                                                                processed_dir),
                          out_dir=out, national=load_processed("national_assessments", processed_dir),
                          registry=prov)


def _latest(ctx: CompareContext, code: str, ind: str, year: int | None = None):
    obs = ctx.facts[(ctx.facts["province_code"] == code) & (ctx.facts["indicator_id"] == ind)
                    & (ctx.facts["kind"] == "observation") & (ctx.facts["breakdown"] == "total")]
    der = ctx.derived[(ctx.derived["province_code"] == code) & (ctx.derived["indicator_id"] == ind)
                      & (ctx.derived["breakdown"] == "total")]
    cols = ["year", "period", "value", "unit", "flags"]
    both = pd.concat([der[cols], obs[cols]])  # a published figure after a derived one: it wins a tie
    if year is not None:
        both = both[both["year"] == year]
    if both.empty:
        return None
    return one_per_year(both).iloc[-1]  # the latest year's figure, as the assessment reads it


def _years(ctx: CompareContext, code: str, ind: str) -> set[int]:
    obs = ctx.facts[(ctx.facts["province_code"] == code) & (ctx.facts["indicator_id"] == ind)
                    & (ctx.facts["kind"] == "observation") & (ctx.facts["breakdown"] == "total")]
    der = ctx.derived[(ctx.derived["province_code"] == code) & (ctx.derived["indicator_id"] == ind)
                      & (ctx.derived["breakdown"] == "total")]
    return {int(y) for y in pd.concat([obs["year"], der["year"]])}


def side_by_side(ctx: CompareContext) -> pd.DataFrame:
    """Each comparable indicator, one column per province: the latest year every reporting province shares,
    else each province's latest value; the year is written in every cell either way."""
    L = ctx.lang
    rows = []
    for ind in COMPARABLE:
        row = {t("indicator", L): ctx.indicators.at[ind, f"name_{L}"]}
        have = False
        years = [ys for ys in (_years(ctx, c, ind) for c in ctx.provinces["province_code"]) if ys]
        common = set.intersection(*years) if len(years) > 1 else set()
        year = max(common) if common else None
        for code in ctx.provinces["province_code"]:
            r = _latest(ctx, code, ind, year)
            cell = "–"
            if r is not None:
                have = True
                cell = f"{format_value(round(float(r['value']), 4 if r['unit'] == 'index_0_1' else 2), r['unit'], L)} ({int(r['year'])})"
            row[ctx.name(code)] = cell
        if have:
            rows.append(row)
    return pd.DataFrame(rows)


def coverage(ctx: CompareContext) -> pd.DataFrame:
    """Which province reports which indicator, and for which years (observations, any breakdown): indicators
    reported by more provinces first, then those with more years, then by name."""
    L = ctx.lang
    obs = ctx.facts[(ctx.facts["kind"] == "observation") & (ctx.facts["province_code"] != "VN")]
    table: dict[str, dict[str, list]] = {}
    for (ind, code), g in obs.groupby(["indicator_id", "province_code"]):
        table.setdefault(ind, {})[code] = sorted(g["year"].unique())
    rows = []
    for ind, by in sorted(table.items(), key=lambda kv: (-len(kv[1]), -sum(map(len, kv[1].values())),
                                                           vi_key(ctx.indicators.at[kv[0], f"name_{L}"]))):
        row = {t("indicator", L): ctx.indicators.at[ind, f"name_{L}"]}
        for code in ctx.provinces["province_code"]:
            row[ctx.name(code)] = ", ".join(str(y) for y in by.get(code, []))
        rows.append(row)
    return pd.DataFrame(rows)


def coverage_chart(ctx: CompareContext) -> charts.Chart:
    """Years with data per indicator and province as a heat map; empty cells stay blank, long names end in '…'."""
    import seaborn as sns

    L = ctx.lang
    cov = coverage(ctx)
    names = list(ctx.provinces["province_code"].map(ctx.name))
    counts = cov[names].apply(lambda col: col.map(lambda s: len(s.split(", ")) if s else 0))
    labels = counts.map(lambda n: str(n) if n else "").to_numpy()
    fig, ax = plt.subplots(figsize=(7.5, max(3.5, 0.22 * len(cov) + 1.5)))
    sns.heatmap(counts.to_numpy(), annot=labels, fmt="", cmap="Blues", cbar=False, ax=ax, xticklabels=names,
                yticklabels=[shorten(s, 55) for s in cov[t("indicator", L)]], linewidths=0.5, linecolor="#eeeeee")
    ax.tick_params(axis="y", labelsize=7)
    ax.tick_params(axis="x", top=True, labeltop=True)  # a tall chart: province names above and below
    title = msg("nb_years_with_data_by_province", L)
    total = int((counts > 0).to_numpy().sum())
    alt = msg("nb_coverage_alt", L, n_ind=len(cov), n_prov=len(names), cells=total)
    return charts.finish(fig, ax, title=title, ylabel="", xlabel="", alt=alt, stem=f"compare-coverage-{L}",
                         source=msg("nb_project_evidence_base_facts_csv", L), lang=L)


def targets_side_by_side(ctx: CompareContext) -> pd.DataFrame:
    """Provincial targets per indicator next to each other and next to the national ones (749, 146)."""
    L = ctx.lang
    tg = ctx.facts[ctx.facts["kind"] == "target"]
    decisions = sorted(set(ctx.national_targets["decision"].dropna()))
    nat_col = msg("national_column", L, decisions=join_words(decisions, L))
    rows = []
    for (ind, bd), g in tg.groupby(["indicator_id", "breakdown"]):
        row = {t("indicator", L): ctx.indicators.at[ind, f"name_{L}"] + (
            f" ({breakdown_label(bd, L)})" if bd != "total" else "")}
        for code in list(ctx.provinces["province_code"]) + ["VN"]:
            gg = g[g["province_code"] == code].sort_values("year")
            col = ctx.name(code) if code != "VN" else nat_col
            row[col] = "; ".join(f"{comparator_sign(r['comparator'], L)} {format_value(r['value'], r['unit'], L)} ({r['year']})"
                                 for _, r in gg.iterrows())
        rows.append(row)
    # national targets from the reference table not quoted in any seed
    extra = []
    for _, r in ctx.national_targets.iterrows():
        extra.append({t("indicator", L): r["indicator_vi_summary"] if L == "vi" else r["indicator_en"],
                      nat_col: f"{comparator_sign(r['comparator'], L)} {format_value(r['value'], 'percent', L)} "
                               f"({r['target_year']}, {r['decision']})"})
    df = pd.DataFrame(rows + extra).fillna("")
    return df


def dti_chart(ctx: CompareContext) -> charts.Chart:
    """DTI 2022 rank of all 63 provinces, the compared ones highlighted and named."""
    L = ctx.lang
    d = ctx.dti.sort_values("pdti_rank")
    mine = set(ctx.provinces["province_code"])
    colours = [charts.PALETTE[3] if c in mine else "#c8c8c8" for c in d["province_code"]]
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ax.bar(np.arange(len(d)), 64 - d["pdti_rank"], color=colours)
    k = 0
    for i, (_, r) in enumerate(d.iterrows()):
        if r["province_code"] in mine:
            lift = 1 + 7 * (k % 2)  # alternate heights so neighbouring labels do not overlap
            ax.text(i, 64 - r["pdti_rank"] + lift, f"{ctx.name(r['province_code'], dated=False)}\n{int(r['pdti_rank'])}",
                    ha="center", fontsize=7.5)
            k += 1
    ax.set_xticks([])
    ax.set_yticks([63, 48, 33, 18, 3])
    ax.set_yticklabels(["1", "16", "31", "46", "61"])
    ax.set_ylim(0, 75)
    title = msg("nb_dti_2022_rank_of_the", L)
    ranks = ", ".join(f"{ctx.name(c)} {int(d.set_index('province_code').at[c, 'pdti_rank'])}"
                      for c in ctx.provinces["province_code"] if c in set(d["province_code"]))
    alt = msg("nb_dti_alt", L, ranks=ranks)
    return charts.finish(fig, ax, title=title, ylabel=msg("nb_rank_1_best", L),
                         xlabel="", source=source_names(ctx.sources, ["dti-2022"], ctx.lang), alt=alt,
                         stem=f"compare-dti-{L}", lang=L)


def comparability(ctx: CompareContext) -> str:
    """Markdown bullets: comparability notes of indicators that more than one province reports."""
    L = ctx.lang
    obs = ctx.facts[(ctx.facts["province_code"] != "VN")]
    shared = obs.groupby("indicator_id")["province_code"].nunique()
    lines = []
    for ind in shared[shared > 1].index:
        note, in_english = page_language_text(ctx.indicators.loc[ind], "comparability", L)
        note = md_text(note) if note else note
        if in_english:
            note = f"{msg('nb_in_english', L)} <span lang='en'>{note}</span>"
        if note:
            lines.append(f"- **{md_text(ctx.indicators.at[ind, f'name_{L}'])}**: {note}")
    head = msg("nb_comparability_notes_from_the_indicator", L)
    return head + "\n\n" + ("\n".join(lines) if lines else "–")


def population_table(ctx: CompareContext) -> pd.DataFrame:
    L = ctx.lang
    rows = []
    for _, p in ctx.provinces.iterrows():
        rows.append({t("province", L): ctx.name(p["province_code"]),
                     msg("nb_population_thousand", L):
                         format_number(p["population_thousand"], L, 1),
                     msg("nb_area_km", L): format_number(p["area_km2"], L, 1),
                     t("year", L): int(p["population_year"]),
                     msg("nb_province_from_1_july_2025", L):
                         _province_name(ctx, p["successor_code"], "post2025") if ctx.registry is not None
                         else p["successor_name_vi"]})
    return pd.DataFrame(rows)


def national_targets_assessed(ctx: CompareContext, boundary: str = "post2025") -> list[str]:
    """Ids of the national targets that at least two provinces have a series for."""
    n = ctx.national[(ctx.national["boundary"] == boundary) & (ctx.national["province_code"] != "VN")]
    counts = n.groupby("national_target_id").size()
    return list(counts[counts >= 2].index)


def _target_row(ctx: CompareContext, target_id: str) -> pd.Series:
    n = ctx.national[ctx.national["national_target_id"] == target_id].iloc[0]
    nt = ctx.national_targets.iloc[int(n["target_row"]) - 2]
    return nt


def national_target_title(ctx: CompareContext, target_id: str) -> str:
    """'≥ 35% by 2030 (Decision 176/QĐ-TTg): share of workers ...' in the page's language."""
    L, nt = ctx.lang, _target_row(ctx, target_id)
    what = nt["indicator_vi_summary"] if L == "vi" else nt["indicator_en"]
    by = msg("nb_by", L)
    dec = msg("nb_decision", L)
    return (f"{md_text(what)}: {comparator_sign(nt['comparator'], L)} {format_value(float(nt['value']), 'percent', L)} "
            f"{by} {int(nt['target_year'])} ({dec} {md_text(nt['decision'])})")


def _province_name(ctx: CompareContext, code: str, boundary: str, dated: bool = True) -> str:
    if code == "VN":
        return t("national", ctx.lang)
    r = ctx.registry[(ctx.registry["province_code"] == code) & (ctx.registry["boundary"] == boundary)].iloc[0]
    name = r["name_vi"] if ctx.lang == "vi" else r["name_en"]
    return territory_name(name, boundary, dated and territory_changed(ctx.registry, code, boundary), ctx.lang)


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
                     t("status", L): status_label(r["status"], L),
                     t("p_meet", L): "–" if pd.isna(r["p_meet"]) else chance_words(r["p_meet"], L),
                     t("projection", L): ("–" if pd.isna(r["projection"]) else
                                          f"{format_value(r['projection'], unit, L, 1)} ({interval})"),
                     msg("nb_latest_figure", L):
                         f"{format_value(r['last_value'], unit, L, 1)} ({r['last_year']})",
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
    """Latest value, projection and 80% interval of every province against one national target."""
    L = ctx.lang
    nt = _target_row(ctx, target_id)
    n = ctx.national[(ctx.national["national_target_id"] == target_id) & (ctx.national["boundary"] == boundary)
                     & (ctx.national["province_code"] != "VN")].sort_values("rank", ascending=False)
    names = [_province_name(ctx, c, boundary, dated=False) for c in n["province_code"]]  # the title says when
    fig, ax = plt.subplots(figsize=(7.5, max(4.0, 0.2 * len(n) + 1.6)))
    y = np.arange(len(n))
    proj = n["projection"].fillna(n["last_value"]).to_numpy(dtype=float)
    lo, hi = n["pi80_low"].fillna(n["last_value"]).to_numpy(float), n["pi80_high"].fillna(n["last_value"]).to_numpy(float)
    colours = [STATUS_COLOUR[s] for s in n["status"]]
    ax.hlines(y, lo, hi, colors=colours, linewidth=2.5, alpha=0.6)
    ax.scatter(proj, y, c=colours, s=18, zorder=3)
    ax.scatter(n["last_value"].to_numpy(float), y, facecolors="none", edgecolors="#444444", s=14, zorder=3)
    ax.axvline(float(nt["value"]), color="#222222", linestyle="--", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=7)
    year = int(nt["target_year"])
    title = msg("nb_national_title", L, year=year)
    xlabel = msg("nb_national_xlabel", L)
    best = names[-1] if names else "–"
    alt = msg("nb_national_alt", L, n=len(n), target=format_value(float(nt["value"]), "percent", L), year=year,
              best=best)
    srcs = list(dict.fromkeys(ctx.facts.loc[ctx.facts["indicator_id"] == nt["indicator_id"], "source_id"]))
    source = source_names(ctx.sources, [nt["source_id"], *srcs[:2]], ctx.lang) if len(ctx.sources) else ""
    return charts.finish(fig, ax, title=title, ylabel="", xlabel=xlabel, source=source, alt=alt,
                         stem=f"compare-national-{target_id}-{boundary}-{L}", lang=L, )
