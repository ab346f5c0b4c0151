"""The bodies of the site's own pages (overview, targets, sources, data, search, methodology).

Page structure lives in ``site/templates/pages/*.html.j2`` and every sentence in the message catalogues
(``messages/<lang>.yaml``); this module only turns tables into the plain values those templates show
(numbers already formatted for the page's language). ``build.py`` assembles the pages.
"""

from __future__ import annotations

import functools
import math
import html
import re
from collections import Counter

import pandas as pd
from markupsafe import Markup

from analysis import config
from analysis.catalogue import catalogue, msg
from analysis.collation import vi_key, vi_sorted
from analysis.frame_cache import groups, per_frame
from analysis.labels import COMPARATOR_SIGN, STATUS, UNKNOWN_FIELDS, UNSD
from analysis.markup import safe_url
from analysis.numbers import format_number, format_percent, format_value, points_cell, points_years
from analysis.report.findings import chance_words
from analysis.report.nearest import nearest_evidence
from analysis.report.province import breakdown_label
from analysis.territory import territory_names

HELDOUT_PROCESS = "gompertz_rw"  # benchmarks/calibration.py: never used to choose a setting


def inline_md(text: str) -> str:
    """Escape, then turn the catalogue's **bold** into <b>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def _t(lang: str, key: str, html_ok: bool = False, **values: object) -> Markup:
    """A catalogue sentence, safe to put in a page: escaped with **bold** kept, or (keys ending in ``_html`` and
    ``html_ok``) the catalogue's own markup kept while the values filled in are escaped."""
    if key.endswith("_html") or html_ok:
        return Markup(msg(key, lang, **{k: html.escape(str(v)) for k, v in values.items()}))
    return Markup(inline_md(msg(key, lang, **values)))


def numbered(prefix: str, lang: str) -> list[str]:
    """Keys prefix_1, prefix_2, … of the catalogue in order (adding a sentence touches only the catalogue)."""
    out, i = [], 1
    while f"{prefix}_{i}" in catalogue(lang):
        out.append(f"{prefix}_{i}")
        i += 1
    return out


@functools.lru_cache(maxsize=1)
def environment():
    """The Jinja environment of the site: templates from ``site/templates``, autoescaped, with the catalogue
    (``t``), numbered catalogue lists (``numbered_t``) and status words as globals."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(config.site_src_dir() / "templates")),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined)

    @jinja2.pass_context
    def t(ctx, key: str, **values) -> Markup:
        return _t(ctx["lang"], key, **values)

    @jinja2.pass_context
    def numbered_t(ctx, prefix: str, html: bool = False, **values) -> list[Markup]:
        return [_t(ctx["lang"], k, html_ok=html, **values) for k in numbered(prefix, ctx["lang"])]

    @jinja2.pass_context
    def status_label(ctx, status: str) -> str:
        return STATUS[status][ctx["lang"]]

    @jinja2.pass_context
    def status_explain(ctx, status: str) -> str:
        return STATUS[status]["explain_" + ctx["lang"]]

    env.globals.update(t=t, numbered_t=numbered_t, status_label=status_label, status_explain=status_explain,
                       md=lambda text: Markup(inline_md(text)))
    return env


def render(name: str, lang: str, **values) -> str:
    """One body template of ``site/templates/pages``."""
    return environment().get_template(f"pages/{name}.html.j2").render(lang=lang, **values)


def badge(status: str, lang: str, target_id: str = "") -> str:
    """A status badge (for page bodies built elsewhere, e.g. the indicator pages)."""
    return str(_macros(lang).badge(status, target_id))


@functools.lru_cache(maxsize=None)
def _macros(lang: str):
    """The shared macros bound to one language (made once, not once per badge)."""
    return environment().get_template("pages/macros.html.j2").make_module({"lang": lang})


# ------------------------------------------------------------------ home page
def _points(n, years, lang: str) -> str:
    named = points_years(years)
    return msg("points_n", lang, n=format_number(int(n), lang)) + (f": {named}" if named else "")


def _counts(df: pd.DataFrame, column: str) -> dict:
    return df[column].value_counts().to_dict()


def _ranks(dti: pd.DataFrame) -> dict:
    return dict(zip(dti["province_code"], dti["pdti_rank"]))


def province_card(p: dict, assessments: pd.DataFrame, facts: pd.DataFrame, dti: pd.DataFrame, lang: str,
                  root: str) -> str:
    """A source-document province on the home page: headline figures and its targets' statuses."""
    a = per_frame(assessments, groups, "province_key_pre").get(p["key"], assessments.iloc[0:0])
    n_facts = per_frame(facts, _counts, "province_key_pre").get(p["key"], 0)
    rank = per_frame(dti, _ranks).get(p["code"])
    targets = []
    for _, r in a.sort_values(["target_year", "indicator_id"]).iterrows():
        bd = breakdown_label(r["breakdown"], lang)
        targets.append({"status": r["status"], "target_id": r["target_fact_id"],
                        "label": f"{r['indicator_name']}{f' – {bd}' if bd else ''} ({int(r['target_year'])})",
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
            for code, g in pre.groupby("successor_code") for lang in ("vi", "en")}


def provinces_overview(lang: str, registry: pd.DataFrame, national: pd.DataFrame, facts: pd.DataFrame,
                       seed_keys: dict[str, tuple[str, dict]], root: str,
                       national_targets: pd.DataFrame | None = None, pages: dict[str, str] | None = None) -> str:
    """Every province in force from 1 July 2025: what is known (series, national-target status) and what is not."""
    from analysis.report.findings import target_text
    from analysis.site.tilemap import status_map

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
            row |= {"status": a["status"], "points": msg("overview_points", lang, n=int(a["n_points"]), y0=yrs[0],
                                                        y1=yrs[-1]) + chance}
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
        row |= {"status": a["status"], "points": msg("overview_points", lang, n=int(a["n_points"]), y0=yrs[0],
                                                    y1=yrs[-1])}
    elif target_id is not None:
        row["cell"] = msg("overview_no_data", lang)
    obs = facts[(facts["kind"] == "observation") & (facts["province_code"] == "VN")]
    k = obs["indicator_id"].nunique()
    span = f" ({int(obs['year'].min())}–{int(obs['year'].max())})" if k and obs["year"].notna().any() else ""
    row["known"] = f"{format_number(k, lang)}{span}" if k else msg("overview_none_yet", lang)
    return row


def home_body(lang: str, meta: dict, docs: list[dict], assessments: pd.DataFrame, facts: pd.DataFrame,
              dti: pd.DataFrame, overview: str = "", findings: list[str] | None = None, n_all: int = 34,
              grid: bool = False) -> str:
    """The home page: what the site is, the findings, how to read it, the provinces and the status legend."""
    counts = assessments["status"].value_counts()
    cards = "".join(province_card(p, assessments, facts, dti, lang, "../") for p in docs)
    summary = ", ".join(f"{STATUS[k][lang].lower()}: {format_number(v, lang)}" for k, v in counts.items())
    return render("home", lang, n_docs=format_number(len(docs), lang), n_targets=format_number(len(assessments), lang),
                  summary=summary, findings=findings or [], built=meta["built_at"][:10], version=meta["data_version"],
                  cards=cards, overview=overview, n_all=format_number(n_all, lang), statuses=statuses(), grid=grid)


def statuses() -> list[str]:
    """Every status an assessment can have, in the assessment's own order (new ones flow through)."""
    from analysis.assess.forecast import STATUSES

    return list(STATUSES)


# ------------------------------------------------------------------ targets, sources, data, search
def _successors(registry: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """(code, boundary) -> the code of the province in force today that holds that territory (or part of it)."""
    if registry is None:
        return {}
    return {(r["province_code"], r["boundary"]): (r["province_code"] if r["boundary"] == "post2025"
                                                  or not isinstance(r["successor_code"], str) or not r["successor_code"]
                                                  else r["successor_code"]) for _, r in registry.iterrows()}


def national_rows(national: pd.DataFrame, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national-target assessments of each province in force and of the whole country: the post-2025 rows,
    and a pre-2025 row where the territory did not change and no post-2025 row assesses the same target (Quảng
    Ninh's figures of before 1 July 2025 describe today's Quảng Ninh)."""
    from analysis.territory import territory_changed

    post = national[(national["boundary"] == "post2025") | (national["province_code"] == "VN")]
    if registry is None:
        return post
    have = set(zip(post["national_target_id"], post["province_code"]))
    pre = national[(national["boundary"] == "pre2025") & (national["province_code"] != "VN")]
    keep = [(t, c) not in have and not territory_changed(registry, c, "pre2025")
            for t, c in zip(pre["national_target_id"], pre["province_code"])]
    return pd.concat([post, pre[pd.Series(keep, index=pre.index, dtype=bool)]])


def search_notes(texts: list[str]) -> dict[str, int]:
    """Each distinct search record, numbered in the order the table first meets it (a record shared by several
    targets is written once and linked from each)."""
    out: dict[str, int] = {}
    for t in texts:
        if t and t not in out:
            out[t] = len(out) + 1
    return out


def targets_body(lang: str, assessments: pd.DataFrame, indicators: pd.DataFrame, provinces: dict,
                 sources: pd.DataFrame | None = None, national: pd.DataFrame | None = None,
                 national_targets: pd.DataFrame | None = None, registry: pd.DataFrame | None = None,
                 facts: pd.DataFrame | None = None, families: dict | None = None) -> str:
    """Every assessment row: the provinces' own targets and every province in force (and the whole country)
    against every national target with a provincial series; with status, chance, data points, UN category, the
    nearest evidence for a target without a series, the search record (each distinct one written once, under the
    table) and the source. Filters: the 34 provinces (a former province's targets under the province holding its
    territory today), status, and text without diacritics. The chance and UN-category columns are left out while
    no target has a forecast."""
    from analysis.report.citations import source_label
    from analysis.report.findings import forecast_from_series, targets_findings
    from analysis.report.province import SEARCH_OUTCOME

    ind = indicators.set_index("indicator_id")
    successor = _successors(registry)
    units = dict(zip(indicators["indicator_id"], indicators["unit"]))

    def nearest(r) -> str | None:
        if facts is None or registry is None or (pd.notna(r["n_points"]) and r["n_points"] > 0):
            return None
        return nearest_cell(r, nearest_evidence(r, facts, registry, families or {}, units), lang, indicators,
                            provinces, sources, families or {})

    def base(r, target_id: str, source_id: str) -> dict:
        unit = ind.at[r["indicator_id"], "unit"]
        name = ind.at[r["indicator_id"], f"name_{lang}"]
        if r["breakdown"] != "total":
            name += f" – {breakdown_label(r['breakdown'], lang)}"
        key = (r["province_code"], r["boundary"])
        return {"province": provinces.get(key, r["province_code"]), "area": successor.get(key, r["province_code"]),
                "status": r["status"], "target_id": target_id, "source_id": source_id, "indicator": name,
                "source": source_label(sources, source_id, lang) if sources is not None and len(sources)
                else source_id,
                "target": f"{COMPARATOR_SIGN[r['comparator']]} {format_value(r['target'], unit, lang)}",
                "year": int(r["target_year"]),
                "p_meet": "–" if pd.isna(r["p_meet"]) else chance_words(r["p_meet"], lang),
                "points": points_cell(r["n_points"], r["years"], lang),
                "unsd": UNSD[r["unsd_category"]][lang] if isinstance(r["unsd_category"], str) else "–",
                "nearest": nearest(r)}

    rows = []
    for _, r in assessments.sort_values(["province_code", "target_year", "indicator_id"]).iterrows():
        o = r.get("search_outcome")
        known = isinstance(o, str) and o in SEARCH_OUTCOME
        searched = r.get("searched" if lang == "vi" else "searched_en") if known else ""
        rows.append(base(r, r["target_fact_id"], r["source_id"]) | {
            "outcome": SEARCH_OUTCOME[o][lang] if known else "–", "national": "",
            "searched": searched if isinstance(searched, str) else ""})
    nat = national_rows(national, registry) if national is not None else pd.DataFrame()
    for _, r in nat.sort_values(["province_code", "target_year", "indicator_id"]).iterrows() if len(nat) else ():
        t = national_targets[(national_targets["decision"] == r["decision"])
                             & (national_targets["target_year"] == r["target_year"])
                             & (national_targets["indicator_id"] == r["indicator_id"])] \
            if national_targets is not None else pd.DataFrame()
        rows.append(base(r, national_row_id(r), t["source_id"].iloc[0] if len(t) else "") | {
            "outcome": "–", "searched": "", "national": msg("targets_national_tag", lang, decision=r["decision"])})
    notes = search_notes([x["searched"] for x in rows])
    for x in rows:
        x["note"] = notes.get(x["searched"], 0)
    covers = {n: [x for x in rows if x["note"] == n] for n in notes.values()}
    both = pd.concat([assessments, nat]) if len(nat) else assessments
    forecasts = bool(forecast_from_series(both).any()) if len(both) else False
    areas = {provinces.get((c, "post2025")) or provinces.get((c, "pre2025"), c): c
             for c in {x["area"] for x in rows} | {c for (c, b) in provinces if b == "post2025"}}
    country = [(name, c) for name, c in areas.items() if c == "VN"]
    options = country + [(name, areas[name]) for name in vi_sorted(n for n, c in areas.items() if c != "VN")]
    return render("targets", lang, rows=rows, statuses=statuses(), forecasts=forecasts, options=options,
                  findings=targets_findings(lang, assessments, provinces) if len(assessments) else [],
                  notes=[(n, text, covers[n]) for text, n in notes.items()], n_national=len(nat))


def nearest_cell(target, evidence: list, lang: str, indicators: pd.DataFrame, provinces: dict,
                 sources: pd.DataFrame | None, families: dict, root: str = "") -> str:
    """The nearest evidence beside one target (``report.nearest.describe``), or the sentence that the evidence
    base holds none."""
    from analysis.report.citations import source_label
    from analysis.report.nearest import describe

    label = (lambda sid: source_label(sources, sid, lang)) if sources is not None and len(sources) else str
    items = [x | {"root": root} for x in describe(target, evidence, lang, indicators, provinces, families, label)]
    return render("nearest", lang, items=items)


def national_row_id(r) -> str:
    """The id of one national-target assessment of one province (a row of the targets page)."""
    return f"{r['national_target_id']}-{r['province_code']}-{r['boundary']}"


def sources_body(lang: str, sources: pd.DataFrame) -> str:
    """The sources page: a citation per source, its address, what is not known of it, its licence and notes."""
    items = []
    for _, s in sources.iterrows():
        # a source document we hold says nothing of these fields; for other sources they are simply not known
        held = isinstance(s["seed_file"], str) and bool(s["seed_file"])
        extra = [msg("source_id_label", lang, id=s["source_id"])]
        if isinstance(s["unknown"], str) and s["unknown"]:
            extra.append(msg("not_stated_in_document" if held else "not_known", lang) + ": " + ", ".join(
                UNKNOWN_FIELDS.get(k, {}).get(lang, k) for k in s["unknown"].split(";")))
        text = lambda c: s[c] if isinstance(s.get(c), str) and s[c] else ""  # noqa: E731
        items.append({"id": s["source_id"], "citation": s["citation"], "url": safe_url(text("url")), "extra": extra,
                      "licence": text("licence"), "note": text("notes"), "cite_lang": text("language") or lang})
    # licence terms are quoted as their owners write them (in English); curators' notes are in English
    return render("sources", lang, items=items, quote_lang="en")


FORMAT_ORDER = ("csv", "xlsx", "json", "cff", "bib")
ITEM_FILE = {"figures": ".png", "tables": ".csv", "indicators": ".csv"}  # the one file counted per item


def _kb(size: int, lang: str) -> str:
    return format_number(round(size / 1024, 1), lang)


def download_groups(files: list[tuple[str, int, object]], reports: list[dict], lang: str) -> dict:
    """The downloads grouped for readers: the data tables (one row per table, its formats side by side), one row
    per report (Word and notebook in each language, how many figures and tables it offers), and the folders of
    single figures, tables and indicator files (linked beside each item on the pages) as counts."""
    sizes = {p: s for p, s, _ in files}
    what = {p: (d[lang] if isinstance(d, dict) else d) for p, _, d in files}
    stems: dict[str, dict[str, str]] = {}
    for path in sorted(p for p in sizes if "/" not in p):
        stem, _, ext = path.rpartition(".")
        stems.setdefault(stem or path, {})[ext] = path
    tables = []
    for stem, by_ext in sorted(stems.items()):
        exts = sorted(by_ext, key=lambda e: FORMAT_ORDER.index(e) if e in FORMAT_ORDER else len(FORMAT_ORDER))
        tables.append({"name": stem if len(exts) > 1 else by_ext[exts[0]], "what": what[by_ext[exts[0]]],
                       "links": [{"href": by_ext[e], "label": msg(f"data_format_{e}", lang)
                                  if e in FORMAT_ORDER else e, "size": _kb(sizes[by_ext[e]], lang)} for e in exts]})
    keys = sorted((r["key"] for r in reports), key=len, reverse=True)

    def owner(name: str) -> str | None:  # the longest report key the file name starts with ('quang-tri-2025-…')
        return next((k for k in keys if name.startswith(k + "-")), None)

    items = [tuple(p.split("/", 1)) for p in sizes if "/" in p and p.endswith(ITEM_FILE.get(p.split("/")[0], "/"))]
    counts = Counter((owner(name), folder) for folder, name in items)
    rows = []
    for r in reports:
        row = {"name": r["name"], "page": r["page"], "word": [], "notebooks": []}
        for lg in ("vi", "en"):
            for kind, path in (("word", f"docx/{r['key']}-{lg}.docx"), ("notebooks", f"notebooks/{r['key']}-{lg}.ipynb")):
                if path in sizes:
                    row[kind].append({"href": path, "label": msg(f"data_lang_{lg}", lang), "size": _kb(sizes[path], lang)})
        row["figures"] = counts.get((r["key"], "figures"), 0)
        row["tables"] = counts.get((r["key"], "tables"), 0)
        rows.append(row)
    folders = {f: sum(1 for folder, _ in items if folder == f) for f in ITEM_FILE}
    return {"tables": tables, "reports": rows, "folders": folders}


def data_body(lang: str, files: list[tuple[str, int, object]], reports: list[dict] | None = None) -> str:
    """The downloads page: data tables, province reports, and the folders of single figures and tables."""
    groups = download_groups(files, reports or [], lang)
    folders = {k: format_number(v, lang) for k, v in groups["folders"].items()}
    return render("data", lang, tables=groups["tables"], reports=groups["reports"], folders=folders)


def search_body(lang: str) -> str:
    return render("search", lang)


def province_downloads(key: str, lang: str) -> str:
    """The download line that opens a province report."""
    return render("downloads", lang, key=key)


# ------------------------------------------------------------------ methodology
def heldout_note(lang: str, calibration: list[dict] | None) -> str:
    """What the held-out process's coverage says, measured in this build."""
    c = next((c for c in calibration or [] if c["process"] == HELDOUT_PROCESS), None)
    if c is None:
        return ""
    key = "method_heldout" if c["ours80"] < 0.75 else "method_heldout_ok"
    return msg(key, lang, process=msg(f"process_{HELDOUT_PROCESS}", lang),
               coverage=format_percent(100 * c["ours80"], lang, 0), naive=format_percent(100 * c["naive80"], lang, 0))


def _three_figures(x: float, lang: str) -> str:
    """An error in the indicator's unit to three significant figures (16,4; 1,06; 0,0374): units differ by
    panel, and three decimals would read as a thousands group ('1,063')."""
    decimals = 0 if x == 0 else max(0, min(4, 2 - math.floor(math.log10(abs(x)))))
    return format_number(x, lang, decimals)


def backtest_rows(backtest: pd.DataFrame | None, indicators: pd.DataFrame | None, lang: str) -> list[dict]:
    """The real-data backtest, one row per panel and horizon, formatted for the page's language."""
    if backtest is None or backtest.empty:
        return []
    names = {} if indicators is None else dict(zip(indicators["indicator_id"], indicators[f"name_{lang}"]))
    rows = []
    for _, r in backtest.iterrows():
        years = msg("method_bt_years", lang, y0=int(r["first_year"]), y1=int(r["last_year"]))
        rows.append({"panel": f"{names.get(r['indicator_id'], r['indicator_id'])} ({years})",
                     "h": format_number(int(r["h"]), lang), "cases": format_number(int(r["cases"]), lang),
                     "engine": _three_figures(float(r["mae_engine"]), lang),
                     "last": _three_figures(float(r["mae_last"]), lang),
                     "drift": _three_figures(float(r["mae_drift"]), lang),
                     "ratio": format_number(float(r["ratio"]), lang, 2),
                     "better": bool(r["ratio"] < 1),
                     "cov80": format_percent(100 * float(r["cov80"]), lang, 0),
                     "bss": "–" if pd.isna(r["bss_B"]) else format_number(float(r["bss_B"]), lang, 2)})
    return rows


def backtest_summary(backtest: pd.DataFrame | None, lang: str) -> str:
    """One sentence: over horizons 2–5, in how many panel-horizon cells the engine beat both naive rules."""
    if backtest is None or backtest.empty:
        return ""
    s = backtest[backtest["h"].between(2, 5)]
    return msg("method_bt_summary", lang, n=format_number(len(s), lang),
               below=format_number(int((s["ratio"] < 1).sum()), lang),
               within=format_number(int((s["ratio"] <= 1.05).sum()), lang),
               covered=format_number(int(s["cov80"].between(0.75, 0.88).sum()), lang),
               panels=format_number(int(backtest["panel"].nunique()), lang))


def methodology_body(lang: str, calibration: list[dict] | None, backtest: pd.DataFrame | None = None,
                     indicators: pd.DataFrame | None = None) -> str:
    """How a target is assessed, with the settings of ``assess``, the real-data backtest and this build's
    calibration on simulated series."""
    from analysis.assess import forecast as A

    settings = {"decay": format_number(A.WEIGHT_DECAY, lang), "rho": format_number(A.RHO_FLOOR, lang),
                "noise": format_number(A.NOISE_FLOOR_SHARE, lang),
                "sd_logit": format_number(A.ASSUMED_STEP_SD["logit"], lang),
                "sd_log": format_number(A.ASSUMED_STEP_SD["log"], lang)}
    cal = [{"process": c["process"], "ours": format_percent(100 * c["ours80"], lang, 1),
            "naive": format_percent(100 * c["naive80"], lang, 1), "brier": format_number(c["brier"], lang, 3),
            "brier_un": format_number(c["brier_un"], lang, 3)} for c in calibration or []]
    settings |= {"max_age": format_number(A.MAX_DATA_AGE, lang), "build_year": str(config.build_year())}
    return render("methodology", lang, statuses=list(STATUS), settings=settings, calibration=cal,
                  unsd=[v[lang] for v in UNSD.values()], heldout=heldout_note(lang, calibration),
                  backtest=backtest_rows(backtest, indicators, lang), backtest_summary=backtest_summary(backtest, lang))
