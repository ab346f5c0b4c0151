"""The progress grid: every province in force (the whole country first) by every national target with a
provincial series, and the province's own targets, each cell the assessment's status symbol with its data years
(in the manner of the UN SDG Progress Chart). Sortable by any column, filterable by region.

The cells are read from the assessment tables, never recomputed; the statuses, their words and colours come from
``analysis.assess.forecast.STATUSES`` and the labels the site already uses, so a new status flows through.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import catalogue, msg
from analysis.collation import vi_key
from analysis.data.curated import REGIONS_FILE, load_regions  # noqa: F401  (read here by the site)
from analysis.labels import is_provisional
from analysis.report.findings import target_text
from analysis.site.render import render
from analysis.site.targets_page import _successors, national_rows

GENERIC_SYMBOL = "●"  # a status the catalogue has no symbol for yet still shows its colour and its word


def province_regions(registry: pd.DataFrame, regions: dict[str, dict]) -> dict[str, list[str]]:
    """Post-2025 province code -> the regions of the provinces it was formed from (in the file's order)."""
    region_of = {c: rid for rid, r in regions.items() for c in r["provinces"]}
    pre = registry[(registry["boundary"] == "pre2025") & (registry["province_code"] != "VN")]
    out: dict[str, list[str]] = {}
    for succ, g in pre.groupby("successor_code"):
        found = {region_of[c] for c in g["province_code"] if c in region_of}
        out[succ] = [rid for rid in regions if rid in found]
    return out


def symbol(status: str, lang: str) -> str:
    """The status's symbol from the catalogue (``grid_symbol_<status>``), or a generic one."""
    return catalogue(lang).get(f"grid_symbol_{status}", GENERIC_SYMBOL)


def _span(first, last) -> str:
    if pd.isna(first):
        return ""
    a, b = int(first), int(last)
    return str(a) if a == b else f"{a}–{b}"


def grid_columns(national: pd.DataFrame) -> list[str]:
    """The national targets the grid shows: every one assessed for at least one province, by decision and year."""
    nat = national.drop_duplicates("national_target_id").sort_values(["decision", "target_year", "indicator_id"])
    return list(nat["national_target_id"])


def grid_body(lang: str, registry: pd.DataFrame, national: pd.DataFrame, national_targets: pd.DataFrame,
              assessments: pd.DataFrame, names: dict, regions: dict[str, dict], statuses: list[str],
              pages: dict[str, str] | None = None) -> str:
    """The grid page's body (rows: the whole country, then the 34 provinces in Vietnamese order)."""
    pages = pages or {}
    national = national_rows(national, registry)  # the rows of the provinces in force and of the whole country
    rank = {s: i for i, s in enumerate(statuses)}
    columns = grid_columns(national)
    heads = [target_text(national_targets, national[national["national_target_id"] == c].iloc[0], lang)
             for c in columns]
    successor = _successors(registry)
    own = assessments.assign(area=[successor.get((c, b), c) for c, b in zip(assessments["province_code"],
                                                                            assessments["boundary"])])
    of_region = province_regions(registry, regions)
    post = registry[(registry["boundary"] == "post2025") & (registry["province_code"] != "VN")]
    post = post.sort_values("name_vi", key=lambda s: s.map(vi_key))

    def cell(a: pd.DataFrame) -> dict:
        if a.empty:
            return {"status": "", "rank": len(statuses) + 1, "years": "", "label": msg("grid_not_assessed", lang),
                    "symbol": "–"}
        r = a.iloc[0]
        return {"status": r["status"], "provisional": is_provisional(r), "rank": rank.get(r["status"], len(statuses)),
                "symbol": symbol(r["status"], lang),
                "years": _span(r["first_year"], r["last_year"]), "points": int(r["n_points"]) if pd.notna(r["n_points"]) else 0}

    def own_cell(code: str) -> dict:
        a = own[own["area"] == code].sort_values(["target_year", "indicator_id", "target_fact_id"])
        items = [{"status": r["status"], "provisional": is_provisional(r), "target_id": r["target_fact_id"],
                  "symbol": symbol(r["status"], lang),
                  "years": _span(r["first_year"], r["last_year"]),
                  "what": f"{names.get((r['province_code'], r['boundary']), r['province_code'])}: "
                          f"{r['indicator_name']} ({int(r['target_year'])})"} for _, r in a.iterrows()]
        best = min((rank.get(x["status"], len(statuses)) for x in items), default=len(statuses) + 1)
        return {"targets": items, "rank": best}

    def row(code: str, boundary_rows: pd.DataFrame, name: str, link: str, region_ids: list[str]) -> dict:
        return {"code": code, "name": name, "link": link, "regions": " ".join(region_ids),
                "cells": [cell(boundary_rows[boundary_rows["national_target_id"] == c]) for c in columns],
                "own": own_cell(code)}

    vn = national[national["province_code"] == "VN"]
    country = row("VN", vn, names.get(("VN", "pre2025"), "VN"), "", [])
    rows = []
    for _, r in post.iterrows():
        code = r["province_code"]
        nat = national[national["province_code"] == code]
        rows.append(row(code, nat, names.get((code, "post2025"), r[f"name_{lang}"]),
                        f"provinces/{pages[code]}.html" if code in pages else "", of_region.get(code, [])))
    legend = [(s, symbol(s, lang)) for s in statuses]
    return render("grid", lang, heads=heads, columns=columns, country=country, rows=rows, legend=legend,
                  regions=[(rid, r[f"name_{lang}"]) for rid, r in regions.items()])
