"""The province registry: 63 provinces before 1 July 2025 and 34 after, with stable keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from analysis.catalogue import LANGS, msg
from analysis.collation import vi_sorted
from analysis.territory import territory_changed

PREFIXES = ("Thành phố ", "Tỉnh ", "TP. ")


def short_name(name: str) -> str:
    """'Tỉnh Quảng Ninh' -> 'Quảng Ninh'."""
    for p in PREFIXES:
        if name.startswith(p):
            return name[len(p):]
    return name


def slug(name: str) -> str:
    """'Quảng Ninh' -> 'quang-ninh' (Vietnamese letters folded to ASCII)."""
    s = short_name(name).replace("Đ", "D").replace("đ", "d")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def build_provinces(crosswalk: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """One row per (code, boundary): key, Vietnamese and English names, successor, latest area and population."""
    latest = population.sort_values("year").groupby("province_code").tail(1).set_index("province_code")
    en = population.drop_duplicates("province_code").set_index("province_code")["name_en_gso"]
    rows = []
    for _, r in crosswalk.iterrows():
        code = r["old_code"]
        rows.append({"province_code": code, "boundary": "pre2025", "key": slug(r["old_name"]),
                     "name_vi": short_name(r["old_name"]), "name_en": str(en.get(code, slug(r["old_name"]))),
                     "successor_code": r["new_code"], "successor_name_vi": short_name(r["new_name"]),
                     "area_km2": latest["area_km2"].get(code), "population_thousand": latest[
                         "avg_population_thousand"].get(code),
                     "population_year": int(latest["year"].get(code)) if code in latest.index else None})
    for code, g in crosswalk.groupby("new_code"):
        name = short_name(g["new_name"].iloc[0])
        merged = vi_sorted(short_name(n) for n in g["old_name"])
        same = len(g) == 1 and g["old_code"].iloc[0] == code
        en_name = str(en.get(code, slug(name))) if same else slug(name).replace("-", " ").title()
        rows.append({"province_code": code, "boundary": "post2025", "key": slug(name) + "-2025", "name_vi": name,
                     "name_en": en_name, "successor_code": None, "successor_name_vi": None,
                     "merged_from": "; ".join(merged), "area_km2": None, "population_thousand": None,
                     "population_year": None})
    vn = latest.loc["VN"] if "VN" in latest.index else None
    for boundary in ("pre2025", "post2025"):
        rows.append({"province_code": "VN", "boundary": boundary, "key": "viet-nam" + ("-2025" if boundary ==
                     "post2025" else ""), **{f"name_{L}": msg("country_name", L) for L in LANGS},
                     "area_km2": None if vn is None else vn["area_km2"],
                     "population_thousand": None if vn is None else vn["avg_population_thousand"],
                     "population_year": None if vn is None else int(vn["year"])})
    df = pd.DataFrame(rows)
    df["merged_from"] = df.get("merged_from")
    return df


def with_reports(provinces: pd.DataFrame) -> pd.DataFrame:
    """The registry with, on each row, whether its territory changed on 1 July 2025 (``territory_changed``,
    analysis.territory's rule) and the report that shows that territory (``report_key``): a province of the 63
    its own; a province of the 34 its former province's when the territory is unchanged (one page for one
    territory), else its own ``-2025`` report; the whole country none ('')."""
    df = provinces.copy()
    df["territory_changed"] = [territory_changed(provinces, c, b)
                               for c, b in zip(df["province_code"], df["boundary"])]
    pre_key = df[df["boundary"] == "pre2025"].set_index("province_code")["key"]
    df["report_key"] = ["" if c == "VN" else key if b == "pre2025" or changed else pre_key[c]
                        for c, b, key, changed in zip(df["province_code"], df["boundary"], df["key"],
                                                      df["territory_changed"])]
    return df


def report_rows(rows: Iterable[Mapping]) -> list[dict]:
    """The reports the registry implies (rows of ``with_reports``), each territory once: every province of the 63
    (``in_force`` where its territory did not change on 1 July 2025, so it is also a province of the 34), then
    every merged province of the 34 under its ``-2025`` key. Written by the data stage as reports.csv, which the
    run stage and the site read; keys as ``province_key``, with the report of the province each became part of
    (``successor_key``)."""
    rows = [r for r in rows if r["province_code"] != "VN"]
    post = {r["province_code"]: r["report_key"] for r in rows if r["boundary"] == "post2025"}
    return [{"province_key": r["key"], "province_code": r["province_code"], "name_vi": r["name_vi"],
             "name_en": r["name_en"], "successor_code": r["successor_code"] if pre else r["province_code"],
             "successor_key": post[r["successor_code"] if pre else r["province_code"]], "boundary": r["boundary"],
             "territory_changed": bool(r["territory_changed"]),
             "in_force": not (pre and bool(r["territory_changed"]))}
            for r in rows for pre in [r["boundary"] == "pre2025"] if r["report_key"] == r["key"]]


def fact_reports(facts: pd.DataFrame, provinces: pd.DataFrame) -> list[str]:
    """Every report that shows each row of ``facts`` (province_code, boundary, flags), ';'-joined, the report of
    the row's territory first: a figure of a province of the 63 is in its report; one of a province of the 34 is
    in that province's report and, unless aggregated from the 63, in the reports of the provinces it was formed
    from (what their reports say the province they became part of did); figures aggregated to a province whose
    territory did not change repeat its own series and are in no report, nor is the whole country's."""
    reg = provinces.set_index(["province_code", "boundary"])
    pre = provinces[provinces["boundary"] == "pre2025"]
    parts = {code: list(g["key"]) for code, g in pre.groupby("successor_code", sort=False)}
    out = []
    for code, boundary, flags in zip(facts["province_code"], facts["boundary"], facts["flags"].fillna("")):
        own = reg["report_key"].get((code, boundary), "")
        if boundary == "post2025" and code != "VN":
            aggregated = "aggregated" in str(flags).split(";")
            keys = ([] if not reg["territory_changed"][(code, boundary)] else [own]) if aggregated else \
                [own, *parts.get(code, [])]
        else:
            keys = [own] if own else []
        out.append(";".join(dict.fromkeys(keys)))
    return out


def full_build(reports: list[dict], own: list[str]) -> list[str]:
    """What a full build runs: the provinces with a parameter file (``own``), then the provinces in force (on
    defaults where they have no file), each territory once."""
    return list(own) + sorted(r["province_key"] for r in reports if r["in_force"] and r["province_key"] not in own)


def documented(params_dir: Path) -> list[str]:
    """The reports of the source documents: one per ``params/*.yaml`` except defaults.yaml (their keys)."""
    return sorted(p.stem for p in Path(params_dir).glob("*.yaml") if p.stem != "defaults")
