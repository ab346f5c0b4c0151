"""The provinces side by side: comparable indicators, coverage, targets against national ones, DTI rank."""

from __future__ import annotations

import textwrap
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
from analysis.labels import breakdown_label, page_language_text, shorten, t, target_words
from analysis.markup import md_text
from analysis.numbers import format_number
from analysis.report import charts
from analysis.report.province import source_names
from analysis.report.wording import value_words
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
    else each province's latest value; the year is written in every cell either way. Where the cells' years differ
    and the indicator's definition warns about comparing years, the warning sits in the row."""
    L = ctx.lang
    rows = []
    warn = msg("nb_col_compare_with_care", L)
    for ind in COMPARABLE:
        row = {t("indicator", L): ctx.indicators.at[ind, f"name_{L}"]}
        have = False
        years = [ys for ys in (_years(ctx, c, ind) for c in ctx.provinces["province_code"]) if ys]
        common = set.intersection(*years) if len(years) > 1 else set()
        year = max(common) if common else None
        shown = set()
        for code in ctx.provinces["province_code"]:
            r = _latest(ctx, code, ind, year)
            cell = "–"
            if r is not None:
                have = True
                shown.add(int(r["year"]))
                value = round(float(r["value"]), 4 if r["unit"] == "index_0_1" else 2)
                cell = f"{value_words(value, r['unit'], r['flags'], L)} ({int(r['year'])})"  # "trên", "khoảng" kept
            row[ctx.name(code)] = cell
        note = ctx.indicators.at[ind, f"comparability{'_vi' if L == 'vi' else ''}"]
        row[warn] = note if len(shown) > 1 and isinstance(note, str) and note.strip() else ""
        if have:
            rows.append(row)
    out = pd.DataFrame(rows)
    return out.drop(columns=[warn]) if out.empty or not out[warn].astype(bool).any() else out


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
    sns.heatmap(counts.to_numpy(), annot=labels, fmt="", cmap="Blues", cbar=False, ax=ax,
                xticklabels=[textwrap.fill(name, 12, break_long_words=False) for name in names],
                yticklabels=[shorten(s, 55) for s in cov[t("indicator", L)]], linewidths=0.5, linecolor="#eeeeee")
    ax.tick_params(axis="y", labelsize=7)
    ax.xaxis.tick_top()  # a tall chart: the province names head their columns, each on short lines
    ax.tick_params(axis="x", labelsize=7.5, labelrotation=0)
    title = msg("nb_years_with_data_by_province", L)
    total = int((counts > 0).to_numpy().sum())
    alt = msg("nb_coverage_alt", L, n_ind=len(cov), n_prov=len(names), cells=total)
    return charts.finish(fig, ax, title=title, ylabel="", xlabel="", alt=alt, stem=f"compare-coverage-{L}",
                         source=msg("nb_project_evidence_base_facts_csv", L), lang=L, ticks_above=True)


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
            row[col] = "; ".join(f"{target_words(r['comparator'], r['value'], r['unit'], L)} ({r['year']})"
                                 for _, r in gg.iterrows())
        rows.append(row)
    # national targets from the reference table not quoted in any seed
    extra = []
    for _, r in ctx.national_targets.iterrows():
        extra.append({t("indicator", L): r["indicator_vi_summary"] if L == "vi" else r["indicator_en"],
                      nat_col: f"{target_words(r['comparator'], r['value'], 'percent', L)} "
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


def _province_name(ctx: CompareContext, code: str, boundary: str, dated: bool = True) -> str:
    if code == "VN":
        return t("national", ctx.lang)
    r = ctx.registry[(ctx.registry["province_code"] == code) & (ctx.registry["boundary"] == boundary)].iloc[0]
    name = r["name_vi"] if ctx.lang == "vi" else r["name_en"]
    return territory_name(name, boundary, dated and territory_changed(ctx.registry, code, boundary), ctx.lang)
