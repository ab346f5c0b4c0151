"""The home page: the source-document provinces' cards and the overview of every province in force."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import LANGS, msg
from analysis.collation import vi_key, vi_sorted
from analysis.frame_cache import groups, per_frame
from analysis.labels import breakdown_label, is_provisional, status_label
from analysis.numbers import format_number, points_years
from analysis.report.findings import chance_words, target_text
from analysis.site.render import render, statuses
from analysis.site.tilemap import status_map
from analysis.territory import territory_names


def _points(n, years, lang: str) -> str:
    named = points_years(years)
    return msg("points_n", lang, n=format_number(int(n), lang)) + (f": {named}" if named else "")


def _counts(df: pd.DataFrame, column: str) -> dict:
    return df[column].value_counts().to_dict()


def _ranks(dti: pd.DataFrame) -> dict:
    return dict(zip(dti["province_code"], dti["pdti_rank"]))


def province_card(p: dict, assessments: pd.DataFrame, facts: pd.DataFrame, dti: pd.DataFrame, lang: str,
                  root: str, names: dict | None = None) -> str:
    """A source-document province on the home page: headline figures and its targets' statuses. A target set for
    another territory than the card's (the province formed on 1 July 2025, in a document written after it) names
    that territory (``names``: (code, boundary) -> name with its date)."""
    own = (p["code"], p.get("boundary", "pre2025"))
    a = per_frame(assessments, groups, "province_key_pre").get(p["key"], assessments.iloc[0:0])
    n_facts = per_frame(facts, _counts, "province_key_pre").get(p["key"], 0)
    rank = per_frame(dti, _ranks).get(p["code"])
    targets = []
    for _, r in a.sort_values(["target_year", "indicator_id"]).iterrows():
        bd = breakdown_label(r["breakdown"], lang)
        where = (str(r["province_code"]), r["boundary"])
        targets.append({"status": r["status"], "target_id": r["target_fact_id"], "provisional": is_provisional(r),
                        "label": f"{r['indicator_name']}{f' – {bd}' if bd else ''} ({int(r['target_year'])})",
                        "territory": "" if where == own else (names or {}).get(where, ""),
                        "points": _points(r["n_points"], r["years"], lang)})
    # targets with a status or a figure first; those without any series folded under one line (a card is not a
    # wall of "no data" badges)
    card = {"key": p["key"], "name": p.get(f"title_{lang}") or p[f"name_{lang}"],
            "link": f'{root}{lang}/provinces/{p["key"]}.html',
            "targets": [x for x in targets if x["status"] != "no_data"],
            "unseries": [x for x in targets if x["status"] == "no_data"],
            "heads": [("card_dti_rank", "–" if pd.isna(rank) else f"{int(rank)}/63"),
                      ("card_figures", format_number(n_facts, lang)),
                      ("card_targets", format_number(len(a), lang))]}
    return render("province_card", lang, card=card)


def national_target_id(national: pd.DataFrame) -> str | None:
    """The national target the overview shows for every province: the one with the most provincial series."""
    nat = national[(national["boundary"] == "post2025") & (national["province_code"] != "VN")
                   & (national["n_points"] >= 2)]
    if nat.empty:
        return None
    counts = nat.groupby("national_target_id").agg(n=("province_code", "size"), year=("target_year", "max"))
    return counts.sort_values(["n", "year"]).index[-1]


def _merged_names(registry: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(post-2025 code, language) -> the pre-2025 provinces it was formed from, named in that language."""
    pre = registry[(registry["boundary"] == "pre2025") & (registry["province_code"] != "VN")]
    return {(code, lang): "; ".join(vi_sorted(g[f"name_{lang}"].astype(str)))
            for code, g in pre.groupby("successor_code") for lang in LANGS}


def provinces_overview(lang: str, registry: pd.DataFrame, national: pd.DataFrame, facts: pd.DataFrame,
                       seed_keys: dict[str, tuple[str, dict]], root: str,
                       national_targets: pd.DataFrame | None = None, pages: dict[str, str] | None = None) -> str:
    """Every province in force from 1 July 2025: what is known (series, national-target status) and what is not."""
    pages = pages or {}
    post = registry[(registry["boundary"] == "post2025") & (registry["province_code"] != "VN")]
    post = post.sort_values("name_vi", key=lambda s: s.map(vi_key))
    nat = national[(national["boundary"] == "post2025")]
    target_id = national_target_id(national)
    chosen = nat[nat["national_target_id"] == target_id] if target_id is not None else nat.iloc[0:0]
    obs = facts[(facts["kind"] == "observation") & (facts["boundary"] == "post2025")]
    n_ind = obs.groupby("province_code")["indicator_id"].nunique()
    years = obs.groupby("province_code")["year"].agg(["min", "max"])
    titled = territory_names(registry, lang)
    rows = []
    for _, r in post.iterrows():
        code = r["province_code"]
        name = titled.get((code, "post2025"), r[f"name_{lang}"])
        row = {"name": name, "merged": per_frame(registry, _merged_names).get((code, lang), "")
               if isinstance(r["merged_from"], str) and r["merged_from"] else "",
               "page": f"{root}{lang}/provinces/{pages[code]}.html" if code in pages else "",
               "status": "", "points": "", "cell": "–", "links": [], "no_document": False}
        a = chosen[chosen["province_code"] == code]
        if len(a):
            a = a.iloc[0]
            yrs = str(a["years"]).split(";")
            chance = "" if pd.isna(a["p_meet"]) else msg("overview_chance", lang,
                                                          p=chance_words(a["p_meet"], lang))
            row |= {"status": a["status"], "provisional": is_provisional(a),
                    "points": msg("overview_points", lang, n=int(a["n_points"]), y0=yrs[0], y1=yrs[-1]) + chance}
        elif target_id is not None:
            row["cell"] = msg("overview_no_data", lang)
        k = int(n_ind.get(code, 0))
        span = f" ({int(years.at[code, 'min'])}–{int(years.at[code, 'max'])})" if code in years.index else ""
        row["known"] = f"{format_number(k, lang)}{span}" if k else msg("overview_none_yet", lang)
        key, part = seed_keys.get(code, (None, None))
        if code in pages:
            row["links"].append((row["page"], msg("overview_page", lang)))
        if key and pages.get(code) != key:
            row["links"].append((f"{root}{lang}/provinces/{key}.html", msg(
                "overview_document_page", lang, name=part.get(f"title_{lang}") or part[f"name_{lang}"])))
        row["no_document"] = not key
        rows.append(row)
    country = _country_row(lang, registry, national, facts, target_id)
    n_all = len(post)
    tile, column = "", "–"
    if target_id is not None:
        first = chosen.iloc[0]
        column = target_text(national_targets, first, lang) if national_targets is not None else target_id
        intro = msg("overview_intro", lang, n=n_all, year=int(chosen["last_year"].max()))
        if national_targets is not None:
            seeds = {c: f"{root}{lang}/provinces/{k}.html" for c, (k, _) in seed_keys.items()}
            seeds |= {c: f"{root}{lang}/provinces/{k}.html" for c, k in pages.items()}
            tile = status_map(national, registry, target_id, column, lang, seeds.get)
    else:
        intro = msg("overview_intro_no_national", lang, n=n_all)
    head = [msg("overview_col_province", lang), msg("overview_col_merged", lang), column,
            msg("overview_col_known", lang), msg("overview_col_reports", lang)]
    return render("overview", lang, intro=intro, tile=tile, head=head, rows=rows, country=country)


def _country_row(lang: str, registry: pd.DataFrame, national: pd.DataFrame, facts: pd.DataFrame,
                 target_id: str | None) -> dict | None:
    """The whole country's line above the provinces: its status against the same national target, its data points,
    and how many indicators it has figures for."""
    vn = registry[registry["province_code"] == "VN"]
    if vn.empty:
        return None
    row = {"name": vn[f"name_{lang}"].iloc[0], "status": "", "points": "", "cell": "–"}
    a = national[(national["province_code"] == "VN") & (national["national_target_id"] == target_id)]
    if len(a):
        a = a.iloc[0]
        yrs = str(a["years"]).split(";")
        row |= {"status": a["status"], "provisional": is_provisional(a),
                "points": msg("overview_points", lang, n=int(a["n_points"]), y0=yrs[0], y1=yrs[-1])}
    elif target_id is not None:
        row["cell"] = msg("overview_no_data", lang)
    obs = facts[(facts["kind"] == "observation") & (facts["province_code"] == "VN")]
    k = obs["indicator_id"].nunique()
    span = f" ({int(obs['year'].min())}–{int(obs['year'].max())})" if k and obs["year"].notna().any() else ""
    row["known"] = f"{format_number(k, lang)}{span}" if k else msg("overview_none_yet", lang)
    return row


def home_body(lang: str, meta: dict, docs: list[dict], assessments: pd.DataFrame, facts: pd.DataFrame,
              dti: pd.DataFrame, overview: str = "", findings: list[str] | None = None, n_all: int = 34,
              grid: bool = False, names: dict | None = None) -> str:
    """The home page: what the site is, the findings, how to read it, the provinces and the status legend."""
    counts = assessments["status"].value_counts()
    cards = "".join(province_card(p, assessments, facts, dti, lang, "../", names) for p in docs)
    summary = ", ".join(f"{status_label(k, lang).lower()}: {format_number(v, lang)}" for k, v in counts.items())
    return render("home", lang, n_docs=format_number(len(docs), lang), n_targets=format_number(len(assessments), lang),
                  summary=summary, findings=findings or [], built=meta["built_at"][:10], version=meta["data_version"],
                  cards=cards, overview=overview, n_all=format_number(n_all, lang), statuses=statuses(), grid=grid)

