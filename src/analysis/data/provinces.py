"""The province registry: 63 provinces before 1 July 2025 and 34 after, with stable keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

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


def report_rows(rows: Iterable[Mapping]) -> list[dict]:
    """The reports the registry implies (rows of data/processed/provinces.csv, as read from the file), each territory
    once: every province of the 63 (``in_force`` where its territory did not change on 1 July 2025, so it is also
    a province of the 34), then every merged province of the 34 under its ``-2025`` key. The one rule the run
    stage and the site read; keys as ``province_key``, codes and names as in the registry."""
    rows = [r for r in rows if r["province_code"] != "VN"]
    pre = [r for r in rows if r["boundary"] == "pre2025"]
    parts: dict[str, list] = {}
    for r in pre:
        parts.setdefault(r["successor_code"], []).append(r)

    def unchanged(code: str) -> bool:  # one former province, with the same code: the same territory
        return len(parts.get(code, [])) == 1 and parts[code][0]["province_code"] == code

    out = [{"province_key": r["key"], "province_code": r["province_code"], "name_vi": r["name_vi"],
            "name_en": r["name_en"], "successor_code": r["successor_code"], "boundary": "pre2025",
            "in_force": r["successor_code"] == r["province_code"] and unchanged(r["successor_code"])} for r in pre]
    out += [{"province_key": r["key"], "province_code": r["province_code"], "name_vi": r["name_vi"],
             "name_en": r["name_en"], "successor_code": r["province_code"], "boundary": "post2025", "in_force": True}
            for r in rows if r["boundary"] == "post2025" and not unchanged(r["province_code"])]
    return out


def full_build(reports: list[dict], own: list[str]) -> list[str]:
    """What a full build runs: the provinces with a parameter file (``own``), then the provinces in force (on
    defaults where they have no file), each territory once."""
    return list(own) + sorted(r["province_key"] for r in reports if r["in_force"] and r["province_key"] not in own)


def documented(params_dir: Path) -> list[str]:
    """The reports of the source documents: one per ``params/*.yaml`` except defaults.yaml (their keys)."""
    return sorted(p.stem for p in Path(params_dir).glob("*.yaml") if p.stem != "defaults")
