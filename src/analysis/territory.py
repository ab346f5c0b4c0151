"""Which territory a province name means: the same name can stand for a province before 1 July 2025 and for
the larger one formed that day (Cần Thơ, Quảng Trị, Thái Nguyên …). A name whose territory changed carries its
date everywhere a reader meets it (titles, headings, cards, table rows)."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import msg


def territory_changed(registry: pd.DataFrame, code: str, boundary: str) -> bool:
    """True when the province ``code`` (``pre2025`` or ``post2025``) does not cover the same territory on both
    sides of 1 July 2025: a pre-2025 province merged into another or with others, or a province formed by a merger.
    The whole country never changed. The data stage writes the answer into the registry (column
    ``territory_changed`` of data/processed/provinces.csv), which is read where present; this is the one rule."""
    if "territory_changed" in registry:
        row = registry.loc[(registry["province_code"] == code) & (registry["boundary"] == boundary),
                           "territory_changed"]
        return len(row) > 0 and str(row.iloc[0]) == "True"  # a bool, or the text of one (a table read as text)
    if code == "VN" or "successor_code" not in registry:
        return False  # a registry without the pre-2025 provinces cannot tell
    pre = registry[registry["boundary"] == "pre2025"]
    if pre.empty:
        return False
    if boundary == "pre2025":
        row = pre[pre["province_code"] == code]
        if row.empty:
            return False
        successor = row["successor_code"].iloc[0]
    else:
        successor = code
    parts = pre[pre["successor_code"] == successor]
    return len(parts) != 1 or parts["province_code"].iloc[0] != successor


def territory_name(name: str, boundary: str, changed: bool, lang: str) -> str:
    """'Cần Thơ (trước 1/7/2025)' / 'Cần Thơ (from 1 July 2025)' where the territory changed; else the name."""
    if not changed:
        return name
    return msg("title_before_2025" if boundary == "pre2025" else "title_since_2025", lang, name=name)


def territory_names(registry: pd.DataFrame, lang: str) -> dict[tuple[str, str], str]:
    """(province code, boundary) -> the province's name in ``lang``, with its date where its territory changed."""
    return {(r["province_code"], r["boundary"]): territory_name(
                r[f"name_{lang}"], r["boundary"], territory_changed(registry, r["province_code"], r["boundary"]), lang)
            for _, r in registry.iterrows()}
