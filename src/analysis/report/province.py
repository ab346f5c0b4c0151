"""Sections of the province report. Notebooks call these and only display what they return.

Every function takes a ``ProvinceContext`` (one province, one language) and returns a table (DataFrame with
text formatted for that language), a list of charts, or Markdown text.
"""

from __future__ import annotations

import functools
import html
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import config
from analysis.assess.forecast import assess_all, predictive, single_year
from analysis.catalogue import join_words, msg
from analysis.collation import vi_sorted
from analysis.data.process import load_processed
from analysis.labels import COMPARATOR_SIGN, FLAG_WORDS, RESULT, STATUS, UNSD, locator_label, page_language_text, t
from analysis.markup import md_text
from analysis.numbers import format_number, format_percent, format_value, points_cell, unit_label
from analysis.reader_csv import write_reader_csv
from analysis.report import charts, citations
from analysis.report.findings import chance_words
from analysis.territory import territory_changed

WORKFORCE = ["staff_total", "it_qualified_staff", "it_qualified_staff_share", "officials_total", "it_officials",
             "it_officials_share", "it_officials_qual_share", "officials_with_it_certificate", "it_centre_staff"]
TRAINING = ["training_learner_turns", "training_spending", "training_spending_per_turn", "learner_turns_per_100_staff",
            "training_classes", "officials_trained_digital_skills", "team_members_trained", "training_attendees"]
TEAMS = ["community_teams", "community_team_members", "community_teams_per_1000", "community_team_members_per_1000",
         "members_per_team", "villages_with_community_team_share", "communes_with_community_team_share"]


@dataclass
class ProvinceContext:
    key: str
    lang: str
    province: pd.Series
    successor: pd.Series
    facts: pd.DataFrame
    derived: pd.DataFrame
    assessments: pd.DataFrame
    audit: pd.DataFrame
    sources: pd.DataFrame
    indicators: pd.DataFrame
    dti: pd.DataFrame
    params: dict = field(default_factory=dict)
    out_dir: Path | None = None
    processed_dir: Path | None = None
    numbering: dict = field(default_factory=lambda: {"table": 0, "figure": 0})  # numbered captions on the page
    former: pd.DataFrame | None = None  # a merged province: the pre-2025 figures of the provinces it was formed from
    registry: pd.DataFrame | None = None
    cites: dict | None = None  # {short citation: source id}, made on first use

    def cite(self, source_id: str) -> str:
        """The readable short citation of a source (author or agency, year, title), as tables print it."""
        if self.cites is None:
            self.cites = citations.citation_map(self.sources, self.lang)
        return citations.cite(self.sources, source_id, self.lang, self.cites)

    @property
    def merged(self) -> bool:
        """A province formed on 1 July 2025 from two or more provinces."""
        return self.province["boundary"] == "post2025"

    @property
    def name(self) -> str:
        return self.province[f"name_{self.lang}"] if self.lang == "en" else self.province["name_vi"]


def load_context(province_key: str, lang: str = "vi", params: dict | None = None, output_dir: str | None = None,
                 processed_dir: Path | None = None, boundary: str = "pre2025") -> ProvinceContext:
    """Load everything the report needs for one province in one language.

    ``boundary="pre2025"``: a province of the 63 (its own figures, and those of the province it became part of
    that describe it alone); ``"post2025"``: a province formed on 1 July 2025 by a merger (its own figures,
    including the ones aggregated from its former provinces).
    """
    params = params or {}
    prov = load_processed("provinces", processed_dir)
    facts_all = load_processed("facts", processed_dir)
    ind = load_processed("indicators", processed_dir)
    row = prov[(prov["key"] == province_key) & (prov["boundary"] == boundary)]
    if row.empty:
        raise ValueError(f"unknown province key {province_key!r} for boundary {boundary!r}")
    p = row.iloc[0].copy()
    code = p["province_code"]
    if boundary == "post2025":
        p["successor_code"] = code
        succ = p
        audit_codes = [code]
        own = lambda d: (d["province_code"] == code) & (d["boundary"] == "post2025")  # noqa: E731
    else:
        succ = prov[(prov["province_code"] == p["successor_code"]) & (prov["boundary"] == "post2025")].iloc[0]
        audit_codes = [code, p["successor_code"]]
        own = lambda d: ((d["province_code"] == code) & (d["boundary"] == "pre2025")) | (  # noqa: E731
            (d["province_code"] == p["successor_code"]) & (d["boundary"] == "post2025"))
    mine = own(facts_all)
    if boundary == "pre2025":
        # figures aggregated to a merged post-2025 province describe that province, not this one's report
        mine &= ~facts_all["flags"].fillna("").str.contains("aggregated")
    facts = facts_all[mine].copy()
    facts["tracked_by"] = facts["tracked_by"].fillna("")
    tracking = load_processed("tracking", processed_dir).fillna("")
    derived = load_processed("derived", processed_dir)
    derived = derived[own(derived)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assessments = assess_all(facts, ind, params.get("scenarios") or None, tracking=tracking)
    audit = load_processed("audit", processed_dir)
    audit = audit[audit["province_code"].isin(audit_codes)]
    out = Path(output_dir) if output_dir else config.build_dir() / "outputs" / province_key / lang
    parts = facts_all.iloc[0:0]
    if boundary == "post2025":
        parts = facts_all[facts_all["province_code"].isin(former_rows(prov, code)["province_code"])
                          & (facts_all["boundary"] == "pre2025")]
    return ProvinceContext(key=province_key, lang=lang, province=p, successor=succ, facts=facts, derived=derived,
                           assessments=assessments, audit=audit, sources=load_processed("sources", processed_dir),
                           indicators=ind.set_index("indicator_id"), dti=load_processed("dti_2022", processed_dir),
                           params=params, out_dir=out, processed_dir=processed_dir, former=parts,
                           registry=prov)


def former_rows(registry: pd.DataFrame, code: str) -> pd.DataFrame:
    """Registry rows of the pre-2025 provinces that became (part of) the province with this code."""
    return registry[(registry["boundary"] == "pre2025") & (registry["successor_code"] == code)]


# ------------------------------------------------------------------ helpers
def _ind_name(ctx: ProvinceContext, ind: str) -> str:
    return ctx.indicators.at[ind, f"name_{ctx.lang}"]


def breakdown_label(b: str, lang: str) -> str:
    """Words for a breakdown such as 'level=commune' ('' for the total)."""
    if b == "total" or not isinstance(b, str):
        return ""
    k, v = b.split("=", 1)
    words = {"master_plus": ("thạc sĩ trở lên", "master's or higher"), "university": ("đại học", "university"),
             "college": ("cao đẳng", "college"), "intermediate": ("trung cấp", "intermediate"),
             "not_it_major": ("không đúng chuyên ngành CNTT", "not an IT major"), "commune": ("cấp xã", "commune"),
             "village": ("cấp thôn", "village"), "province": ("cấp tỉnh", "province"),
             "district": ("cấp huyện", "district"), "all": ("cả ba cấp", "all levels"),
             "district_commune": ("cấp huyện, xã", "district and commune"), "incoming": ("đến", "incoming"),
             "outgoing": ("đi", "outgoing"), "national": ("cổng quốc gia", "national portal"),
             "level3_4": ("mức độ 3 và 4", "levels 3 and 4"),
             "officials": ("dành cho cán bộ", "for officials"),
             "city_service_centre": ("Trung tâm Phục vụ hành chính công", "city service centre"),
             "input_province": ("hồ sơ đầu vào, cấp tỉnh", "input dossiers, province"),
             "input_district": ("hồ sơ đầu vào, cấp huyện", "input dossiers, district"),
             "input_commune": ("hồ sơ đầu vào, cấp xã", "input dossiers, commune"),
             "all_agencies": ("mọi cơ quan", "all agencies"), "provinces": ("khối tỉnh", "provinces"),
             "government": ("chính quyền số", "digital government"), "economy": ("kinh tế số", "digital economy"),
             "society": ("xã hội số", "digital society"), "level3": ("mức độ 3", "level 3"),
             "level4": ("mức độ 4", "level 4"),
             "community_and_project06": ("tổ công nghệ số cộng đồng và tổ Đề án 06", "community and Project 06 teams")}
    w = words.get(v)
    return w[0 if lang == "vi" else 1] if w else v.replace("_", " ")


def _flags(flags, lang: str) -> str:
    if not isinstance(flags, str) or not flags:
        return ""
    return "; ".join(FLAG_WORDS[f][lang] for f in flags.split(";") if f in FLAG_WORDS)


def _period(p: str, lang: str) -> str:
    p = str(p)
    if "/" in p:
        a, b = p.split("/")
        return f"{_period(a, lang)}–{_period(b, lang)}"
    if len(p) == 10:
        y, m, d = p.split("-")
        return msg("nb_date", lang, d=int(d), m=int(m), y=y)
    return p


def _value(v: float, unit: str, flags, lang: str) -> str:
    s = format_value(v, unit, lang)
    fl = flags.split(";") if isinstance(flags, str) else []
    if "lower_bound" in fl:
        s = msg("nb_more_than", lang) + s
    elif "approx" in fl:
        s = msg("nb_about", lang) + s
    return s


def _boundary_note(row, ctx: ProvinceContext) -> str:
    if row.get("boundary") == "post2025" and not ctx.merged:
        return msg("nb_merged_province_after_1_july", ctx.lang)
    return ""


def _as_written(text: str) -> str:
    """The figure as the source wrote it; a bare dataset cell (52.6) is not a quotation worth repeating."""
    if not isinstance(text, str) or re.fullmatch(r"[\d.,\s%-]*", text):
        return ""
    return f"“{text}”"


def facts_table(ctx: ProvinceContext, indicators: list[str], include_derived: bool = True) -> pd.DataFrame:
    """Observations of the given indicators, with derived values, formatted for reading and citing."""
    L = ctx.lang
    f = ctx.facts[(ctx.facts["kind"] == "observation") & ctx.facts["indicator_id"].isin(indicators)].copy()
    f["order"] = f["indicator_id"].map({k: i for i, k in enumerate(indicators)})
    rows = []
    for _, r in f.sort_values(["order", "year", "breakdown"]).iterrows():
        note = "; ".join(x for x in [_flags(r["flags"], L), _boundary_note(r, ctx)] if x)
        rows.append({t("indicator", L): _ind_name(ctx, r["indicator_id"]), t("breakdown", L): breakdown_label(
            r["breakdown"], L), t("period", L): _period(r["period"], L),
            t("value", L): _value(r["value"], r["unit"], r["flags"], L), t("as_written", L): _as_written(r["as_written"]),
            t("source", L): ctx.cite(r["source_id"]) + (f" ({locator_label(r['locator'], L)})" if isinstance(
                r["locator"], str) and r["locator"].strip() else ""), t("note", L): note,
            "_order": r["order"],
            "_year": r["year"]})
    if include_derived:
        d = ctx.derived[ctx.derived["indicator_id"].isin(indicators)].copy()
        for _, r in d.iterrows():
            rows.append({t("indicator", L): _ind_name(ctx, r["indicator_id"]),
                         t("breakdown", L): breakdown_label(r["breakdown"], L), t("period", L): _period(r["period"], L),
                         t("value", L): _value(round(r["value"], 2), r["unit"], r["flags"], L),
                         t("as_written", L): "",
                         t("source", L): f"{t('derived', L)}: {r.get(f'derivation_{L}') or r['derivation']}",
                         t("note", L): _flags(r["flags"], L), "_order": indicators.index(r["indicator_id"]),
                         "_year": r["year"]})
    if not rows:
        return pd.DataFrame(columns=[t(k, L) for k in ("indicator", "breakdown", "period", "value", "as_written",
                                                          "source", "note")])
    return pd.DataFrame(rows).sort_values(["_order", "_year"], kind="stable").drop(columns=["_order", "_year"])


# ------------------------------------------------------------------ sections
def title(ctx: ProvinceContext) -> str:
    """The report's heading, naming the territory: a province formed by a merger says from when, a pre-2025
    province whose territory changed says until when (two pages never share a heading)."""
    name = ctx.province[f"name_{ctx.lang}"]
    if ctx.merged:
        name = msg("title_since_2025", ctx.lang, name=name)
    elif ctx.registry is not None and territory_changed(ctx.registry, ctx.province["province_code"], "pre2025"):
        name = msg("title_before_2025", ctx.lang, name=name)
    return "# " + msg("nb_title", ctx.lang, name=md_text(name))


def _former_names(ctx: ProvinceContext) -> list[str]:
    if ctx.registry is None:
        return []
    parts = former_rows(ctx.registry, ctx.province["province_code"])
    return vi_sorted(parts[f"name_{ctx.lang}"])


def boundary_note(ctx: ProvinceContext) -> str:
    """The province's boundary in one sentence: the parameter file's note, or one made from the registry."""
    L = ctx.lang
    own = ctx.params.get(f"boundary_note_{L}", "")
    if own:
        return own
    name = ctx.province[f"name_{L}"]
    if ctx.merged:
        return msg("boundary_formed_from", L, name=name, parts=join_words(_former_names(ctx), L))
    if ctx.province["successor_code"] == ctx.province["province_code"]:
        return msg("boundary_kept", L, name=name)
    return msg("boundary_part_of", L, name=name, successor=ctx.successor[f"name_{L}"])


def findings(ctx: ProvinceContext) -> str:
    """The summary that opens the report (see ``analysis.report.findings``)."""
    from analysis.report import findings as F

    return F.province_findings(ctx, load_processed("national_assessments", ctx.processed_dir),
                               load_processed("national_targets", ctx.processed_dir))


def targets_intro(ctx: ProvinceContext) -> str:
    """How many targets, by status, and how to read the table (its forecast columns only when some are shown)."""
    a = ctx.assessments
    if a.empty:
        return msg("nb_the_source_documents_set_no", ctx.lang)
    from analysis.labels import STATUS as S

    counts = a["status"].value_counts()
    parts = ", ".join(f"{S[k][ctx.lang].lower()}: {format_number(v, ctx.lang)}" for k, v in counts.items())
    head = msg("nb_targets_intro", ctx.lang, n=format_number(len(a), ctx.lang), statuses=parts)
    forecast = a["p_meet"].notna().any()
    return head + " " + msg("nb_targets_intro_forecast" if forecast else "nb_targets_intro_no_forecast", ctx.lang)


def profile(ctx: ProvinceContext) -> pd.DataFrame:
    L, p = ctx.lang, ctx.province
    dti = ctx.dti.set_index("province_code")
    if ctx.merged:
        return _merged_profile(ctx, dti)
    rank = dti["pdti_rank"].get(p["province_code"])
    rows = [
        (("Tỉnh (trước 1/7/2025)", "Province (before 1 July 2025)"), p["name_vi"]),
        (("Mã tỉnh (TCTK)", "GSO code"), p["province_code"]),
        (("Diện tích", "Area"), f"{format_number(p['area_km2'], L, 1)} km² ({int(p['population_year'])})"),
        (("Dân số trung bình", "Average population"),
         f"{format_number(p['population_thousand'], L, 1)} {'nghìn người' if L == 'vi' else 'thousand'} "
         f"({int(p['population_year'])})"),
        (("Xếp hạng DTI 2022", "DTI 2022 rank"), "–" if pd.isna(rank) else f"{int(rank)}/63"),
        (("Đơn vị hành chính từ 1/7/2025", "Province from 1 July 2025"),
         f"{ctx.successor['name_vi']} ({ctx.successor['province_code']})"),
        (("Ghi chú địa giới", "Boundary note"), boundary_note(ctx)),
    ]
    i = 0 if L == "vi" else 1
    return pd.DataFrame({t("item", L): [r[0][i] for r in rows], t("value", L): [r[1] for r in rows]})


def _merged_profile(ctx: ProvinceContext, dti: pd.DataFrame) -> pd.DataFrame:
    """A province formed on 1 July 2025: its former provinces, their summed area and population, their DTI ranks."""
    L, p = ctx.lang, ctx.province
    parts = former_rows(ctx.registry, p["province_code"])
    year = int(parts["population_year"].min())
    same_year = (parts["population_year"] == year).all()
    area = msg("profile_sum_of_parts", L, value=f"{format_number(parts['area_km2'].sum(), L, 1)} km²", year=year)
    pop = msg("profile_sum_of_parts", L, value=f"{format_number(parts['population_thousand'].sum(), L, 1)} "
              f"{'nghìn người' if L == 'vi' else 'thousand'}", year=year)
    ranks = [f"{r[f'name_{L}']} {int(dti['pdti_rank'][r['province_code']])}/63" for _, r in parts.iterrows()
             if not pd.isna(dti["pdti_rank"].get(r["province_code"]))]
    rows = [(msg("profile_province_since", L), p[f"name_{L}"] if L == "en" else p["name_vi"]),
            (msg("nb_gso_code", L), p["province_code"]),
            (msg("profile_formed_from", L), join_words(_former_names(ctx), L))]
    if same_year:
        rows += [(msg("nb_area", L), area),
                 (msg("nb_average_population", L), pop)]
    rows += [(msg("profile_dti_parts", L), "; ".join(ranks) or "–"),
             (msg("nb_boundary_note", L), boundary_note(ctx))]
    return pd.DataFrame({t("item", L): [r[0] for r in rows], t("value", L): [r[1] for r in rows]})


def former_provinces(ctx: ProvinceContext) -> pd.DataFrame:
    """A merged province: for each indicator, the latest figure of each former province, with its year.

    Empty for a province whose territory did not change."""
    L = ctx.lang
    f = ctx.former
    if not ctx.merged or f is None or f.empty:
        return pd.DataFrame()
    obs = f[(f["kind"] == "observation") & (f["breakdown"] == "total")].dropna(subset=["year"])
    latest = obs.sort_values("year").groupby(["indicator_id", "province_code"]).tail(1)
    names = ctx.registry[ctx.registry["boundary"] == "pre2025"].set_index("province_code")[f"name_{L}"]
    cols = vi_sorted({names[c] for c in latest["province_code"]})
    order = list(ctx.indicators.index)
    rows = []
    for ind, g in sorted(latest.groupby("indicator_id"), key=lambda kv: order.index(kv[0]) if kv[0] in order else 0):
        row = {msg("former_col_indicator", L): _ind_name(ctx, ind)}
        for _, r in g.iterrows():
            row[names[r["province_code"]]] = msg("former_value_year", L, value=_value(r["value"], r["unit"],
                                                                                    r["flags"], L),
                                                 year=int(r["year"]))
        rows.append(row)
    out = pd.DataFrame(rows)
    return out[[msg("former_col_indicator", L)] + [c for c in cols if c in out.columns]]


def workforce(ctx: ProvinceContext) -> pd.DataFrame:
    return facts_table(ctx, WORKFORCE)


def training(ctx: ProvinceContext) -> pd.DataFrame:
    return facts_table(ctx, TRAINING)


def teams(ctx: ProvinceContext) -> pd.DataFrame:
    return facts_table(ctx, TEAMS)


SECTIONS = {"workforce": WORKFORCE, "training": TRAINING, "teams": TEAMS}


def section_empty(ctx: ProvinceContext, section: str) -> str:
    """Why a section (``workforce``, ``training`` or ``teams``) is empty. Its figures come only from provinces' own
    documents and the press (no all-province table holds them), so the sentence says which applies: a former
    province's figures are in the former-provinces table; the source documents give none; or there is none yet."""
    name = ctx.province[f"name_{ctx.lang}"]
    former = ctx.former if ctx.former is not None else ctx.facts.iloc[0:0]
    col = f"province_name_{ctx.lang}"
    with_figures = vi_sorted(set(former.loc[former["indicator_id"].isin(SECTIONS[section]), col].dropna()))
    if with_figures:
        return msg("table_empty_section_former", ctx.lang, province=name, former=join_words(with_figures, ctx.lang))
    docs = set(ctx.sources.loc[ctx.sources["seed_file"].fillna("") != "", "source_id"])
    about = ([name] if ctx.facts["source_id"].isin(docs).any() else []) + vi_sorted(
        set(former.loc[former["source_id"].isin(docs), col].dropna()))
    if about:
        return msg("table_empty_section_document", ctx.lang, province=join_words(about, ctx.lang))
    return msg("table_empty_section_no_document", ctx.lang, province=name)


def other_indicators(ctx: ProvinceContext) -> pd.DataFrame:
    """Every other observation: digital government, rankings, digital society (nothing is left out)."""
    grouped = set(WORKFORCE) | set(TRAINING) | set(TEAMS)
    obs = ctx.facts[(ctx.facts["kind"] == "observation") & ~ctx.facts["indicator_id"].isin(grouped)]
    order = list(dict.fromkeys(obs.sort_values(["indicator_id"])["indicator_id"]))
    return facts_table(ctx, order, include_derived=False)


def source_names(sources: pd.DataFrame, source_ids, lang: str = "vi") -> str:
    """Sources for a chart's source line: author or agency and year ('Tạp chí Cộng sản (TCCS) (không rõ năm)')."""
    known = set(sources["source_id"])
    names = [citations.source_label(sources, sid, lang) for sid in sorted(set(source_ids)) if sid in known]
    return "; ".join(dict.fromkeys(names))


def _source_line(ctx: ProvinceContext, source_ids) -> str:
    return source_names(ctx.sources, source_ids, ctx.lang)


def qualification_chart(ctx: ProvinceContext) -> charts.Chart | None:
    """IT officials by qualification (counts), where the source gives the split."""
    L = ctx.lang
    f = ctx.facts[(ctx.facts["indicator_id"] == "it_officials") & (ctx.facts["breakdown"] != "total")]
    if f.empty:
        return None
    f = f.sort_values("value", ascending=False)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    labels = [breakdown_label(b, L) for b in f["breakdown"]]
    ax.barh(labels, f["value"], color=charts.PALETTE[0])
    for y, v in enumerate(f["value"]):
        ax.text(v, y, " " + format_number(v, L), va="center", fontsize=9)
    ax.invert_yaxis()
    charts.number_axis(ax, L, "x")
    period = _period(f["period"].iloc[0], L)
    title = msg("nb_qualification_title", L, province=ctx.name, period=period)
    parts = ", ".join(f"{lab} {format_number(v, L)}" for lab, v in zip(labels, f["value"]))
    alt = msg("nb_qualification_alt", L, province=ctx.name, period=period, parts=parts)
    return charts.finish(fig, ax, title=title, ylabel="", xlabel=msg("nb_persons", L),
                         source=_source_line(ctx, f["source_id"]), alt=alt, stem=f"{ctx.key}-qualification-{L}",
                         lang=L)


def training_chart(ctx: ProvinceContext) -> charts.Chart | None:
    """Learner-turns by year (bars) with spending per turn labelled on each bar."""
    L = ctx.lang
    f = ctx.facts[(ctx.facts["indicator_id"] == "training_learner_turns") & ~ctx.facts["period"].str.contains("/")]
    if len(f) < 1:
        return None
    f = f.sort_values("year")
    per = ctx.derived[(ctx.derived["indicator_id"] == "training_spending_per_turn")].set_index("period")["value"]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.bar(f["year"].astype(str), f["value"], color=charts.PALETTE[2])
    for x, (y, v) in enumerate(zip(f["period"], f["value"])):
        extra = per.get(y)
        lab = format_number(v, L) + ("" if extra is None else
                                     f"\n{format_number(extra, L, 2)} {msg('nb_per_turn_unit', L)}")
        ax.text(x, v, lab, ha="center", va="bottom", fontsize=8.5)
    ax.set_ylim(0, f["value"].max() * 1.3)
    charts.number_axis(ax, L)
    title = msg("nb_training_title", L, province=ctx.name)
    seq = ", ".join(f"{y}: {format_number(v, L)}" for y, v in zip(f["year"], f["value"]))
    alt = msg("nb_training_alt", L, province=ctx.name, seq=seq)
    return charts.finish(fig, ax, title=title, ylabel=msg("nb_learner_turns", L),
                         xlabel="", source=_source_line(ctx, f["source_id"]), alt=alt,
                         stem=f"{ctx.key}-training-{L}", lang=L)


def _bounds(ctx: ProvinceContext, ind: str):
    lo, hi = ctx.indicators.at[ind, "lower_bound"], ctx.indicators.at[ind, "upper_bound"]
    if pd.isna(lo) and pd.isna(hi):
        return None
    return (None if pd.isna(lo) else float(lo), None if pd.isna(hi) else float(hi))


def _fan(years, values, until: int, bounds, levels):
    """Fitted path and interval bands from the last year to ``until``."""
    last = int(max(years))
    xs, mid, bands = [last], [float(values[list(years).index(last)])], {lv: ([], []) for lv in levels}
    for lv in levels:
        bands[lv][0].append(mid[0])
        bands[lv][1].append(mid[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for y in range(last + 1, until + 1):
            p = predictive(years, values, y, bounds)
            xs.append(y)
            mid.append(p.projection)
            for lv in levels:
                lo, hi = p.interval(lv)
                bands[lv][0].append(lo)
                bands[lv][1].append(hi)
    return xs, mid, bands


def series_charts(ctx: ProvinceContext, max_charts: int = 6) -> list[charts.Chart]:
    """One chart per indicator observed in 2+ different years (same breakdown and boundary)."""
    L = ctx.lang
    levels = ctx.params.get("interval_levels") or [0.8, 0.95]
    obs = ctx.facts[ctx.facts["kind"] == "observation"]
    show = ctx.params.get("show_indicators") or []
    if show:
        obs = obs[obs["indicator_id"].isin(show)]
    # a multi-year total (period 2021/2023) is never a point of a yearly series
    obs = obs[obs["period"].astype(str).map(single_year).astype(bool)]
    # a projection is drawn only where it answers a question: a target of this province, or a scenario asked for
    nt = load_processed("national_targets")
    national = nt["indicator_id"].dropna()
    target_years: dict[str, list[int]] = {}
    for i, y in list(zip(nt["indicator_id"], nt["target_year"])) + list(zip(
            ctx.assessments["tracked_by"].where(ctx.assessments["tracked_by"].fillna("") != "",
                                                ctx.assessments["indicator_id"]), ctx.assessments["target_year"])):
        if isinstance(i, str):
            target_years.setdefault(i, []).append(int(y))
    asked = set(ctx.assessments["indicator_id"]) | set(ctx.assessments["tracked_by"].fillna("")) | set(
        (ctx.params.get("scenarios") or {}).keys()) | set(national)
    panel = obs["fact_id"].astype(str).str.match(r"^[A-Z][A-Z0-9]-[0-9A-Z]{2}-\d{4}$")
    out = []
    groups = obs.assign(_panel=panel).groupby(["indicator_id", "breakdown"], sort=False)
    ranked = sorted(groups, key=lambda kv: (kv[0][0] not in asked, bool(kv[1]["_panel"].all()),
                                            -kv[1]["year"].nunique()))
    for (ind, bd), g in ranked:
        if g["year"].nunique() < 2 or len(out) >= max_charts:
            continue
        g = g.sort_values(["year", "period"])
        unit = g["unit"].iloc[0]
        fig, ax = plt.subplots(figsize=(7, 3.8))
        same = g[g["boundary"] == g["boundary"].iloc[-1]].groupby("year").tail(1)
        for boundary, gb in g.groupby("boundary"):
            lab = msg("nb_boundary_before" if boundary == "pre2025" else "nb_boundary_merged", L)
            ax.plot(gb["year"], gb["value"], "o", color=charts.PALETTE[0 if boundary == "pre2025" else 3],
                    label=lab, markersize=7, zorder=3)
            for _, r in gb.iterrows():
                if isinstance(r["flags"], str) and r["flags"]:
                    ax.annotate("*", (r["year"], r["value"]), textcoords="offset points", xytext=(5, 3), fontsize=10)
        fan = len(same) >= 3 and unit not in ("rank",) and ind in asked
        width = ""
        if fan:  # a fan from two points would only show the assumption
            last = int(same["year"].max())
            until = max([y for y in target_years.get(ind, []) if y > last], default=last + 3)
            xs, mid, bands = _fan(list(same["year"]), list(same["value"]), until, _bounds(ctx, ind), levels)
            lo, hi = bands[levels[0]][0][-1], bands[levels[0]][1][-1]
            width = " " + msg("nb_fan_width", L, year=until, level=format_percent(levels[0] * 100, L, 0),
                              low=format_value(lo, unit, L, 1), high=format_value(hi, unit, L, 1))
            for lv, alpha in zip(levels, (0.35, 0.15)):
                ax.fill_between(xs, bands[lv][0], bands[lv][1], color=charts.PALETTE[0], alpha=alpha, lw=0,
                                label=msg("nb_prediction_interval", L, level=format_percent(lv * 100, L, 0)))
            ax.plot(xs, mid, "--", color=charts.PALETTE[0], lw=1.2,
                    label=msg("nb_fitted_path", L))
        if unit == "rank":
            ax.invert_yaxis()
        ax.set_xticks(sorted(set(list(g["year"]) + ([until] if fan else []))))
        charts.number_axis(ax, L)
        ax.legend(fontsize=8, loc="best")
        name = _ind_name(ctx, ind) + (f" ({breakdown_label(bd, L)})" if bd != "total" else "")
        title = f"{name} – {ctx.name}"
        uw = unit_label(unit, L) or unit
        ylabel = {"rank": msg("nb_rank_1_best", L),
                  "index_0_1": msg("nb_score_0_1", L)}.get(unit, uw)
        seq = ", ".join(f"{y}: {format_value(v, unit, L)}" for y, v in zip(g["year"], g["value"]))
        alt = msg("nb_series_alt", L, indicator=name, province=ctx.name, seq=seq) + width
        chart = charts.finish(fig, ax, title=title, ylabel=ylabel, xlabel="", source=_source_line(
            ctx, g["source_id"]), alt=alt, stem=f"{ctx.key}-series-{ind}-{bd.replace('=', '-')}-{L}", lang=L)
        chart.caption = width.strip()
        out.append(chart)
    return out


def target_name(ctx: ProvinceContext, a, with_year: bool = False) -> str:
    """The target's indicator, with its breakdown when it is not the total and its year if asked:
    '… (district)', '… (district, 2025)', '… (2025)'."""
    extra = [breakdown_label(a["breakdown"], ctx.lang)] if a["breakdown"] != "total" else []
    extra += [str(int(a["target_year"]))] if with_year else []
    return _ind_name(ctx, a["indicator_id"]) + (f" ({', '.join(extra)})" if extra else "")


def targets_table(ctx: ProvinceContext) -> pd.DataFrame:
    """Every target of the province: status, chance of meeting it, data points and years, UN category."""
    L = ctx.lang
    rows = []
    for _, a in ctx.assessments.sort_values(["target_year", "indicator_id"]).iterrows():
        unit = ctx.indicators.at[a["indicator_id"], "unit"]
        name = target_name(ctx, a)
        comp = COMPARATOR_SIGN[a["comparator"]]
        pts = points_cell(a["n_points"], a["years"], L)
        proj = "–"
        if pd.notna(a.get("projection")):
            proj = (f"{format_value(a['projection'], unit, L, 1)} ({format_value(a['pi80_low'], unit, L, 1)}–"
                    f"{format_value(a['pi80_high'], unit, L, 1)})")
        scen = "–"
        if pd.notna(a.get("scenario_projection")):
            scen = format_value(a["scenario_projection"], unit, L, 1) + (
                " → " + msg("nb_scenario_met" if a["scenario_meets"] else "nb_scenario_not_met", L))
        rows.append({
            t("target", L): name, t("value", L): f"{comp} {format_value(a['target'], unit, L)}",
            t("deadline", L): int(a["target_year"]), t("status", L): STATUS[a["status"]][L],
            t("p_meet", L): "–" if pd.isna(a["p_meet"]) else chance_words(a["p_meet"], L),
            t("points", L): pts,
            t("unsd", L): "–" if not isinstance(a["unsd_category"], str) else UNSD[a["unsd_category"]][L],
            t("required", L): "–" if pd.isna(a["required_annual_change"]) else (
                format_number(a["required_annual_change"], L, 2) + msg("nb_pp", L)
                if unit == "percent" else format_value(a["required_annual_change"], unit, L, 2)),
            t("projection", L): proj, t("scenario", L): scen,
            t("searched", L): _outcome(a, L),
            t("source", L): f"{ctx.cite(a['source_id'])} [{a['target_fact_id']}]",
        })
    return drop_empty_columns(pd.DataFrame(rows))


def drop_empty_columns(df: pd.DataFrame, empty: str = "–") -> pd.DataFrame:
    """Leave out the columns in which every row is ``empty`` (e.g. forecasts when no target has a series)."""
    if df.empty:
        return df
    return df.loc[:, [c for c in df.columns if not (df[c].astype(str) == empty).all()]]


SEARCH_OUTCOME = {
    "series_found": {"vi": "có chuỗi số liệu", "en": "series found"},
    "proxy_series": {"vi": "theo dõi bằng chỉ tiêu thay thế", "en": "tracked by a proxy"},
    "partial": {"vi": "chỉ tìm được một số liệu", "en": "one figure found"},
    "not_published": {"vi": "chưa được công bố", "en": "not published"},
}


def _outcome(a, lang: str) -> str:
    o = a.get("search_outcome")
    return SEARCH_OUTCOME[o][lang] if isinstance(o, str) and o in SEARCH_OUTCOME else "–"


def search_records(ctx: ProvinceContext) -> str:
    """What was searched for each target without a usable series, so the gap is seen in the sources: one folded
    entry per search (the targets it covers and its outcome in view, the full record on opening), as Markdown
    with HTML details that notebooks, the site and the Word report all show."""
    L = ctx.lang
    a = ctx.assessments[ctx.assessments["status"].isin(["no_data", "insufficient_data"])]
    col = "searched" if L == "vi" else "searched_en"
    if a.empty or col not in a.columns:
        return ""
    groups: dict[str, list[str]] = {}
    outcome: dict[str, str] = {}
    for _, r in a.sort_values(["target_year", "indicator_id"]).iterrows():
        text = r.get(col)
        if isinstance(text, str) and text:
            groups.setdefault(text, []).append(target_name(ctx, r, with_year=True))
            outcome.setdefault(text, _outcome(r, L))
    if not groups:
        return ""
    def esc(text: str) -> str:  # one line: a blank line in a record would end the HTML block (Markdown again)
        return html.escape(" ".join(str(text).split()), quote=False)

    items = [f"<li><details><summary>{esc('; '.join(names))} — {esc(outcome[text])}</summary>"
             f"<p>{esc(text)}</p></details></li>" for text, names in groups.items()]
    comp = a[a["comparability"].fillna("") != ""]
    for _, r in comp.iterrows():
        note, in_english = page_language_text(r, "comparability", L)
        note = f"{esc(msg('nb_in_english', L))} <span lang='en'>{esc(note)}</span>" if in_english else esc(note)
        items.append(f"<li>{esc(_ind_name(ctx, r['indicator_id']))}: {esc(msg('nb_proxy', L))}{note}</li>")
    return msg("nb_where_a_tracking_series_was", L) + "\n\n<ul>\n" + "\n".join(items) + "\n</ul>"


def nearest_section(ctx: ProvinceContext) -> str:
    """Beside the targets without a series, the nearest figures the evidence base holds for the territory
    (``report.nearest``); for a merged province, also the targets its former provinces' documents set (commitments
    made for part of its territory) with their status and nearest figures. Markdown with HTML lists ('' if none)."""
    from analysis.report.nearest import describe, load_families, nearest_evidence
    from analysis.territory import territory_names

    L = ctx.lang
    if ctx.registry is None:
        return ""
    facts = load_processed("facts", ctx.processed_dir)
    indicators = ctx.indicators.reset_index()
    families = load_families(None, set(indicators["indicator_id"]))
    units = dict(zip(indicators["indicator_id"], indicators["unit"]))
    names = territory_names(ctx.registry, L)
    esc = functools.partial(html.escape, quote=False)

    def block(a: pd.DataFrame, with_place: bool) -> list[str]:
        items = []
        for _, r in a.sort_values(["target_year", "indicator_id"]).iterrows():
            head = f"{target_name(ctx, r, with_year=True)} {COMPARATOR_SIGN[r['comparator']]} " \
                   f"{format_value(r['target'], units.get(r['indicator_id'], ''), L)}"
            if with_place:
                head = f"{names.get((r['province_code'], r['boundary']), r['province_code'])}: {head}"
            status = STATUS[r["status"]][L] if r["status"] in STATUS else r["status"]
            if pd.notna(r["n_points"]) and r["n_points"] > 0:
                items.append(f"<li><b>{esc(head)}</b> — {esc(status)}</li>")
                continue
            lines = describe(r, nearest_evidence(r, facts, ctx.registry, families, units), L, indicators, names,
                             families, ctx.cite)
            sub = "".join(f"<li>{esc(x['value'])} ({esc(x['year'])}; {esc(x['scope'])}"
                          f"{'; ' + esc(x['place']) if x['place'] else ''}) – {esc(x['indicator'])}. "
                          f"{esc(x['note'])} {esc(x['pace'])} {esc(x['source'])}</li>" for x in lines) \
                or f"<li>{esc(msg('near_none', L))}</li>"
            items.append(f"<li><b>{esc(head)}</b> — {esc(status)}<ul>{sub}</ul></li>")
        return items

    out = []
    own = ctx.assessments
    if len(own) and (own["n_points"].fillna(0) == 0).any():
        out.append(msg("nb_nearest_intro", L) + "\n\n<ul class=\"nearest-report\">\n"
                   + "\n".join(block(own[own["n_points"].fillna(0) == 0], False)) + "\n</ul>")
    if ctx.merged:
        parts = former_rows(ctx.registry, ctx.province["province_code"])
        former = load_processed("assessments", ctx.processed_dir)
        former = former[former["province_code"].isin(parts["province_code"]) & (former["boundary"] == "pre2025")]
        if len(former):
            ind = ctx.indicators
            former = former.assign(indicator_name=former["indicator_id"].map(ind[f"name_{L}"]))
            who = sorted({names.get((c, "pre2025"), c) for c in former["province_code"]})
            out.append(msg("nb_former_targets_intro", L, names=", ".join(who), n=format_number(len(former), L),
                           province=names.get((ctx.province["province_code"], "post2025"), ctx.name))
                       + "\n\n<ul class=\"nearest-report\">\n" + "\n".join(block(former, True)) + "\n</ul>")
    return "\n\n".join(out)


def projection_charts(ctx: ProvinceContext) -> list[charts.Chart]:
    """Observations, fitted path with interval fan, target marker and required path, per assessable target."""
    L = ctx.lang
    levels = ctx.params.get("interval_levels") or [0.8, 0.95]
    out = []
    for _, a in ctx.assessments[ctx.assessments["n_points"] >= 2].iterrows():
        if a["status"] == "achieved":
            continue
        years = [int(y) for y in str(a["years"]).split(";")]
        values = [float(v) for v in str(a["values"]).split(";")]
        ind = a["tracked_by"] or a["indicator_id"]
        unit = ctx.indicators.at[ind, "unit"]
        fig, ax = plt.subplots(figsize=(7, 4))
        xs, mid, bands = _fan(years, values, int(a["target_year"]), _bounds(ctx, ind), levels)
        for lv, alpha in zip(levels, (0.35, 0.15)):
            ax.fill_between(xs, bands[lv][0], bands[lv][1], color=charts.PALETTE[0], alpha=alpha, lw=0,
                            label=msg("nb_prediction_interval", L, level=format_percent(lv * 100, L, 0)))
        ax.plot(xs, mid, "--", color=charts.PALETTE[0], label=msg("nb_projection", L))
        ax.plot(years, values, "o", color="black", label=msg("nb_observed", L), zorder=3)
        ax.plot([years[-1], a["target_year"]], [values[-1], a["target"]], ":", color=charts.PALETTE[3],
                label=msg("nb_required_path", L))
        ax.plot([a["target_year"]], [a["target"]], "*", markersize=14, color=charts.PALETTE[3],
                label=msg("nb_target", L))
        charts.number_axis(ax, L)
        ax.legend(fontsize=8)
        name = _ind_name(ctx, a["indicator_id"])
        title = f"{name} – {ctx.name}"
        alt = msg("nb_projection_alt", L, indicator=name, n=len(years), years=", ".join(map(str, years)),
                  target=format_value(a["target"], unit, L), year=a["target_year"],
                  chance=chance_words(a["p_meet"], L))
        out.append(charts.finish(fig, ax, title=title, ylabel=unit, xlabel="", alt=alt,
                                 source=_source_line(ctx, [a["source_id"]]), stem=f"{ctx.key}-target-"
                                 f"{a['target_fact_id']}-{L}", lang=L))
    return out


def gaps(ctx: ProvinceContext) -> str:
    """Data gaps and caveats, as Markdown bullets."""
    L = ctx.lang
    a = ctx.assessments
    n_t = len(a)
    n_none = int((a["status"] == "no_data").sum())
    n_one = int((a["status"] == "insufficient_data").sum())
    obs = ctx.facts[ctx.facts["kind"] == "observation"]
    flagged = obs["flags"].fillna("").str.split(";").explode()
    counts = flagged[flagged != ""].value_counts()
    flags = ", ".join(f"{FLAG_WORDS[k][L]} ({v})" for k, v in counts.items() if k in FLAG_WORDS)
    lines = [msg("nb_gaps_targets", L, n=format_number(n_t, L), n_none=format_number(n_none, L),
                 n_one=format_number(n_one, L))] if n_t else []
    lines += [msg("nb_gaps_observations", L, n=format_number(len(obs), L), flags=flags or msg("nb_gaps_no_flags", L)),
             msg("nb_gaps_boundary", L, note=md_text(boundary_note(ctx))),
             msg("nb_gaps_definitions", L)]
    return "\n".join(f"- {line}" for line in lines)


def audit_table(ctx: ProvinceContext) -> pd.DataFrame:
    L = ctx.lang
    rows = []
    for _, r in ctx.audit.iterrows():
        vi = L == "vi" and isinstance(r.get("description_vi"), str) and bool(r.get("description_vi"))
        note = r["note_vi"] if vi and isinstance(r.get("note_vi"), str) else r["note"]
        rows.append({t("check", L): r["description_vi"] if vi else r["description"],
                     t("computed", L): "–" if pd.isna(r["computed"]) else
                     format_number(r["computed"], L, 4 if abs(r["computed"]) < 100 else 2),
                     t("stated", L): "–" if pd.isna(r["stated"]) else format_number(r["stated"], L),
                     t("result", L): RESULT[r["result"]][L], t("note", L): note if isinstance(note, str) else ""})
    return pd.DataFrame(rows, columns=[t(k, L) for k in ("check", "computed", "stated", "result", "note")])


def sources_table(ctx: ProvinceContext) -> pd.DataFrame:
    L = ctx.lang
    used = set(ctx.facts["source_id"]) | set(ctx.facts["cited_source_id"].dropna())
    if ctx.merged and ctx.former is not None:  # its former provinces' figures are on its page too
        used |= set(ctx.former["source_id"]) | set(ctx.former["cited_source_id"].dropna())
    s = ctx.sources[ctx.sources["source_id"].isin(used)]
    unknown = msg("nb_unknown", L)
    return pd.DataFrame({
        "ID": s["source_id"], t("source", L): s["citation"],
        "URL": s["url"].fillna("").replace("", unknown),
        msg("nb_unknown_fields", L): s["unknown"].fillna("").str.replace(";", ", "),
    })


# ------------------------------------------------------------------ display helpers for notebooks
COLLAPSE_ROWS = 15


def show_table(df: pd.DataFrame, name: str, ctx: ProvinceContext | None = None, out_dir: Path | None = None,
               empty: str | None = None):
    """Display a table as escaped HTML (scrolls on a phone) and save it as CSV, XLSX and LaTeX. An empty table shows
    ``empty`` (default: "no figures"; "" shows nothing, for a caller that has said so already)."""
    import html as _html

    from IPython.display import HTML, display

    target = out_dir or (ctx.out_dir / "tables" if ctx and ctx.out_dir else None)
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
        write_reader_csv(df, target / f"{name}.csv")
        df.to_excel(target / f"{name}.xlsx", index=False)
    if df.empty:
        if empty == "":  # the caller has already said there is nothing to show
            return
        empty = empty or msg("table_empty", ctx.lang if ctx else "en")
        display(HTML(f'<p class="empty">{_html.escape(empty)}</p>'))
        return
    html = df.to_html(index=False, border=0, classes="data-table", na_rep="–", escape=True)
    if getattr(ctx, "cites", None):  # citations printed by this context link to the sources page
        html = citations.link_citations(html, ctx.cites)
    table = f'<div class="table-wrap">{html}</div>'
    caption = numbered_caption("table", name, ctx)
    if target is not None:  # for papers: the table as LaTeX with its title (LaTeX numbers it) and a label
        title = re.sub(r"^\S+ \d+\.\s*", "", caption or "").strip() or name
        df.to_latex(target / f"{name}.tex", index=False, escape=True, na_rep="–", longtable=len(df) > 40,
                    caption=title, label=f"tab:{name}")
    if caption:
        table = f'<p class="table-caption" id="table-{name}">{_html.escape(caption)}</p>{table}'
    if ctx is not None and len(df) > COLLAPSE_ROWS:  # long tables fold: the page opens with findings, not rows
        label = msg("table_long", ctx.lang, n=format_number(len(df), ctx.lang))
        table = f"<details class='long-table'><summary>{_html.escape(label)}</summary>{table}</details>"
    if caption:  # the site links the table's files, copied to downloads/tables/<report>-<lang>-<name>.*
        stem = f"{getattr(ctx, 'key', 'compare')}-{ctx.lang}-{name}" if target is not None else ""
        table += citations.cite_slot("table", f"table-{name}", caption, stem)
    display(HTML(table))


def numbered_caption(kind: str, name: str, ctx) -> str | None:
    """'Bảng 3. …' / 'Figure 2. …': the next number of this kind on the page (None without a context).

    ``name`` is a table name (its title comes from the catalogue key ``table_<name>``) or, for figures, the
    chart's own title."""
    from analysis.catalogue import catalogue, msg

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
    from IPython.display import HTML, display
    import html as _html

    for c in chart_list:
        caption = numbered_caption("figure", c.title, ctx)
        if caption:
            display(HTML(f'<p class="figure-caption" id="figure-{_html.escape(c.stem)}">{_html.escape(caption)}</p>'))
        charts.show(c, ctx.out_dir / "figures" if ctx.out_dir else None)
        if caption:
            display(HTML(citations.cite_slot("figure", f"figure-{c.stem}", caption, c.stem if ctx.out_dir else "")))
