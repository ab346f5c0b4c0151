"""The targets page: every province's own targets and every province in force against the national targets."""

from __future__ import annotations

import pandas as pd
from markupsafe import escape

from analysis.catalogue import msg
from analysis.collation import vi_sorted
from analysis.labels import breakdown_label, is_provisional, qualified, search_outcome_label, target_words, unsd_cell
from analysis.numbers import format_number, format_value, points_cell
from analysis.report.citations import source_label
from analysis.report.findings import chance_words, forecast_from_series, targets_findings
from analysis.report.nearest import describe, grouped, nearest_evidence, reference_words
from analysis.report.wording import shown_indicator
from analysis.site.render import render, statuses
from analysis.territory import territory_changed


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
    ind = indicators.set_index("indicator_id")
    successor = _successors(registry)
    units = dict(zip(indicators["indicator_id"], indicators["unit"]))

    def nearest(r) -> str | None:
        if pd.notna(r["n_points"]) and r["n_points"] > 0:
            return latest_cell(r, lang, ind)
        if facts is None or registry is None:
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
                "status": r["status"], "provisional": is_provisional(r), "target_id": target_id, "source_id": source_id, "indicator": name,
                "source": source_label(sources, source_id, lang) if sources is not None and len(sources)
                else source_id,
                "target": target_words(r["comparator"], r["target"], unit, lang),
                "year": int(r["target_year"]),
                "p_meet": "–" if pd.isna(r["p_meet"]) else chance_words(r["p_meet"], lang),
                "points": points_cell(r["n_points"], r["years"], lang),
                "unsd": unsd_cell(r["unsd_category"], r["status"], lang),
                "nearest": nearest(r)}

    rows = []
    for _, r in assessments.sort_values(["province_code", "target_year", "indicator_id"]).iterrows():
        o = r.get("search_outcome")
        known = search_outcome_label(o, lang) != "–"
        searched = r.get("searched" if lang == "vi" else "searched_en") if known else ""
        rows.append(base(r, r["target_fact_id"], r["source_id"]) | {
            "outcome": search_outcome_label(o, lang), "national": "",
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
    label = (lambda sid: source_label(sources, sid, lang)) if sources is not None and len(sources) else str
    items = [x | {"root": root} for x in describe(target, evidence, lang, indicators, provinces, families, label)]
    return render("nearest", lang, groups=grouped(items))


def latest_cell(target, lang: str, ind: pd.DataFrame) -> str | None:
    """Beside a target with figures: the latest one (or its proxy's); for a target whose year has passed without
    its figure, that it is awaited; for one still ahead with one figure, the yearly change it needs and how common
    such a pace was among comparable series (``report.nearest.reference_words``). None without a figure."""
    if pd.isna(target.get("last_value")) or pd.isna(target.get("last_year")):
        return None
    indicator = shown_indicator(target)
    unit = ind.at[indicator, "unit"]
    words = dict(value=qualified(format_value(target["last_value"], unit, lang), target.get("last_flags"), lang),
                 year=int(target["last_year"]))
    tracked = isinstance(target.get("tracked_by"), str) and target["tracked_by"] != ""
    lines = [msg("near_latest_proxy", lang, indicator=ind.at[indicator, f"name_{lang}"], **words) if tracked
             else msg("near_latest", lang, **words)]
    note = ""
    if target["status"] == "awaiting_data":
        lines.append(msg("near_awaiting", lang, target_year=int(target["target_year"])))
    elif pd.notna(target.get("ref_changes", float("nan"))):
        need = float(target["required_annual_change"])
        step = ("+" if need > 0 else "") + format_number(need, lang, 2)
        pace = msg("near_pace_points", lang, value=step) if unit == "percent" else format_value(need, unit, lang, 2)
        lines.append(msg("near_needs", lang, pace=pace, target_year=int(target["target_year"])))
        note = reference_words(target, lang)
    muted = f"<br><span class='muted'>{escape(note)}</span>" if note else ""
    return f"<p class='nearest-latest'>{escape(' '.join(lines))}{muted}</p>"


def national_row_id(r) -> str:
    """The id of one national-target assessment of one province (a row of the targets page)."""
    return f"{r['national_target_id']}-{r['province_code']}-{r['boundary']}"

