"""The province registry: 63 provinces before 1 July 2025 and 34 after, with stable keys."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from analysis.catalogue import LANGS, msg
from analysis.collation import vi_sorted

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
