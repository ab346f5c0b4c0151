"""The report's tables: the province's profile, its figures by section, its targets, checks and sources; each a
DataFrame of text formatted for the page's language."""

from __future__ import annotations

import pandas as pd

from analysis.assess.series import one_per_year
from analysis.catalogue import join_words, msg
from analysis.collation import vi_sorted
from analysis.labels import (breakdown_label, comparator_sign, is_provisional, locator_label, qualified, result_label,
                             status_label, t, unknown_field, unsd_cell)
from analysis.numbers import format_number, format_value, points_cell
from analysis.data.store import full_citation
from analysis.report.context import ProvinceContext, former_rows
from analysis.report.findings import chance_words
from analysis.report.nearest import reference_words
from analysis.report.text import boundary_note, former_names
from analysis.report.wording import (as_written, boundary_cell, drop_empty_columns, flag_words,
                                     ind_name, period_words, search_outcome, shown_indicator, target_name,
                                     value_words)

WORKFORCE = ["staff_total", "it_qualified_staff", "it_qualified_staff_share", "officials_total", "it_officials",
             "it_officials_share", "it_officials_qual_share", "officials_with_it_certificate", "it_centre_staff"]


TRAINING = ["training_learner_turns", "training_spending", "training_spending_per_turn", "learner_turns_per_100_staff",
            "training_classes", "officials_trained_digital_skills", "team_members_trained", "training_attendees"]


TEAMS = ["community_teams", "community_team_members", "community_teams_per_1000", "community_team_members_per_1000",
         "members_per_team", "villages_with_community_team_share", "communes_with_community_team_share"]


def facts_table(ctx: ProvinceContext, indicators: list[str], include_derived: bool = True) -> pd.DataFrame:
    """Observations of the given indicators, with derived values, formatted for reading and citing."""
    L = ctx.lang
    f = ctx.facts[(ctx.facts["kind"] == "observation") & ctx.facts["indicator_id"].isin(indicators)].copy()
    f["order"] = f["indicator_id"].map({k: i for i, k in enumerate(indicators)})
    rows = []
    for _, r in f.sort_values(["order", "year", "breakdown"]).iterrows():
        note = "; ".join(x for x in [flag_words(r["flags"], L), boundary_cell(r, ctx)] if x)
        rows.append({t("indicator", L): ind_name(ctx, r["indicator_id"]), t("breakdown", L): breakdown_label(
            r["breakdown"], L), t("period", L): period_words(r["period"], L),
            t("value", L): value_words(r["value"], r["unit"], r["flags"], L), t("as_written", L): as_written(r["as_written"]),
            t("source", L): ctx.cite(r["source_id"]) + (f" ({locator_label(r['locator'], L)})" if isinstance(
                r["locator"], str) and r["locator"].strip() else ""), t("note", L): note,
            "_order": r["order"],
            "_year": r["year"]})
    if include_derived:
        d = ctx.derived[ctx.derived["indicator_id"].isin(indicators)].copy()
        for _, r in d.iterrows():
            rows.append({t("indicator", L): ind_name(ctx, r["indicator_id"]),
                         t("breakdown", L): breakdown_label(r["breakdown"], L), t("period", L): period_words(r["period"], L),
                         t("value", L): value_words(round(r["value"], 2), r["unit"], r["flags"], L),
                         t("as_written", L): "",
                         t("source", L): f"{t('derived', L)}: {r.get(f'derivation_{L}') or r['derivation']}",
                         t("note", L): flag_words(r["flags"], L), "_order": indicators.index(r["indicator_id"]),
                         "_year": r["year"]})
    if not rows:
        return pd.DataFrame(columns=[t(k, L) for k in ("indicator", "breakdown", "period", "value", "as_written",
                                                          "source", "note")])
    return pd.DataFrame(rows).sort_values(["_order", "_year"], kind="stable").drop(columns=["_order", "_year"])


def profile(ctx: ProvinceContext) -> pd.DataFrame:
    L, p = ctx.lang, ctx.province
    dti = ctx.dti.set_index("province_code")
    if ctx.merged:
        return _merged_profile(ctx, dti)
    rank = dti["pdti_rank"].get(p["province_code"])
    rows = [
        (msg("nb_province_before", L), p["name_vi"]),
        (msg("nb_gso_code", L), p["province_code"]),
        (msg("nb_area", L), f"{format_number(p['area_km2'], L, 1)} km² ({int(p['population_year'])})"),
        (msg("nb_average_population", L),
         f"{format_number(p['population_thousand'], L, 1)} {msg('nb_thousand_persons', L)} "
         f"({int(p['population_year'])})"),
        (msg("nb_dti_2022_rank", L), "–" if pd.isna(rank) else f"{int(rank)}/63"),
        (msg("nb_province_from", L), f"{ctx.successor['name_vi']} ({ctx.successor['province_code']})"),
        (msg("nb_boundary_note", L), boundary_note(ctx)),
    ]
    return pd.DataFrame({t("item", L): [r[0] for r in rows], t("value", L): [r[1] for r in rows]})


def _merged_profile(ctx: ProvinceContext, dti: pd.DataFrame) -> pd.DataFrame:
    """A province formed on 1 July 2025: its former provinces, their summed area and population, their DTI ranks."""
    L, p = ctx.lang, ctx.province
    parts = former_rows(ctx.registry, p["province_code"])
    year = int(parts["population_year"].min())
    same_year = (parts["population_year"] == year).all()
    area = msg("profile_sum_of_parts", L, value=f"{format_number(parts['area_km2'].sum(), L, 1)} km²", year=year)
    pop = msg("profile_sum_of_parts", L, value=f"{format_number(parts['population_thousand'].sum(), L, 1)} "
              f"{msg('nb_thousand_persons', L)}", year=year)
    ranks = [f"{r[f'name_{L}']} {int(dti['pdti_rank'][r['province_code']])}/63" for _, r in parts.iterrows()
             if not pd.isna(dti["pdti_rank"].get(r["province_code"]))]
    rows = [(msg("profile_province_since", L), p[f"name_{L}"] if L == "en" else p["name_vi"]),
            (msg("nb_gso_code", L), p["province_code"]),
            (msg("profile_formed_from", L), join_words(former_names(ctx), L))]
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
    latest = one_per_year(obs, ["indicator_id", "province_code"]).groupby(["indicator_id", "province_code"]).tail(1)
    names = ctx.registry[ctx.registry["boundary"] == "pre2025"].set_index("province_code")[f"name_{L}"]
    cols = vi_sorted({names[c] for c in latest["province_code"]})
    order = list(ctx.indicators.index)
    rows = []
    for ind, g in sorted(latest.groupby("indicator_id"), key=lambda kv: order.index(kv[0]) if kv[0] in order else 0):
        row = {msg("former_col_indicator", L): ind_name(ctx, ind)}
        for _, r in g.iterrows():
            row[names[r["province_code"]]] = msg("former_value_year", L, value=value_words(r["value"], r["unit"],
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


def targets_table(ctx: ProvinceContext) -> pd.DataFrame:
    """Every target of the province: status, chance of meeting it, data points and years, UN category."""
    L = ctx.lang
    rows = []
    for _, a in ctx.assessments.sort_values(["target_year", "indicator_id"]).iterrows():
        unit = ctx.indicators.at[a["indicator_id"], "unit"]
        name = target_name(ctx, a)
        comp = comparator_sign(a["comparator"], L)
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
            t("deadline", L): int(a["target_year"]), t("status", L): status_label(a["status"], L, is_provisional(a)),
            t("p_meet", L): "–" if pd.isna(a["p_meet"]) else chance_words(a["p_meet"], L),
            t("points", L): pts,
            msg("nb_latest_figure", L): "–" if pd.isna(a.get("last_value")) or pd.isna(a.get("last_year")) else
            f"{qualified(format_value(a['last_value'], ctx.indicators.at[shown_indicator(a), 'unit'], L), a.get('last_flags'), L)}"
            f" ({int(a['last_year'])})",
            t("unsd", L): unsd_cell(a["unsd_category"], a["status"], L),
            t("required", L): "–" if pd.isna(a["required_annual_change"]) else (
                format_number(a["required_annual_change"], L, 2) + msg("nb_pp", L)
                if unit == "percent" else format_value(a["required_annual_change"], unit, L, 2)),
            t("pace_reference", L): reference_words(a, L) or "–",
            t("projection", L): proj, t("scenario", L): scen,
            t("searched", L): search_outcome(a, L),
            t("source", L): f"{ctx.cite(a['source_id'])} [{a['target_fact_id']}]",
        })
    return drop_empty_columns(pd.DataFrame(rows))


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
                     t("result", L): result_label(r["result"], L), t("note", L): note if isinstance(note, str) else ""})
    return pd.DataFrame(rows, columns=[t(k, L) for k in ("check", "computed", "stated", "result", "note")])


def sources_table(ctx: ProvinceContext) -> pd.DataFrame:
    L = ctx.lang
    used = set(ctx.facts["source_id"]) | set(ctx.facts["cited_source_id"].dropna())
    if ctx.merged and ctx.former is not None:  # its former provinces' figures are on its page too
        used |= set(ctx.former["source_id"]) | set(ctx.former["cited_source_id"].dropna())
    s = ctx.sources[ctx.sources["source_id"].isin(used)]
    unknown = msg("nb_unknown", L)
    return pd.DataFrame({
        "ID": s["source_id"], t("source", L): [full_citation(r, L) for r in s.to_dict("records")],
        "URL": s["url"].fillna("").replace("", unknown),
        msg("nb_unknown_fields", L): [", ".join(unknown_field(k, L) for k in v.split(";")) if v else ""
                                      for v in s["unknown"].fillna("")],
    })
