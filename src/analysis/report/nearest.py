"""The nearest evidence for a target without a series: the closest figures the evidence base holds for the
target's territory, never relabelled as the target's indicator.

Closest means, in order: the target's own indicator at another breakdown or scope, or for the territory on the
other side of 1 July 2025 (the merged province, or the provinces it was formed from); then a related indicator,
as the curated families in ``data/raw/indicator_families.yaml`` define them. Each figure comes with its year,
scope, a one-line comparability note and, where its unit is the target's, the yearly change the target needs
from it. The target's status is never changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.assess.pace_reference import MIN_CHANGES
from analysis.catalogue import msg
from analysis.data.curated import FAMILIES_FILE, load_families  # noqa: F401  (read here by the report and site)
from analysis.labels import breakdown_label, qualified
from analysis.numbers import format_number, format_value
from analysis.territory import territory_changed

LIMIT = 3  # lines per target


@dataclass(frozen=True)
class Evidence:
    """One figure set beside a target."""
    fact_id: str
    indicator_id: str
    breakdown: str
    province_code: str
    boundary: str
    year: int
    value: float
    unit: str
    flags: str
    source_id: str
    same_indicator: bool
    territory: str  # "same", "successor" (the merged province holding it today) or "part" (a former province)
    family: str  # the family relating it to the target's indicator ('' for the same indicator)
    pace: float | None  # change per year the target needs from this figure (own indicator, target year later)
    meets: bool | None  # the figure already at the target's level (own indicator only; None for a related one)


def related(indicator_id: str, families: dict[str, dict]) -> dict[str, str]:
    """The other members of every family of ``indicator_id``, closest first: member id -> family id."""
    out: dict[str, str] = {}
    for name, f in families.items():
        if indicator_id in f["indicators"]:
            for i in f["indicators"]:
                if i != indicator_id and i not in out:
                    out[i] = name
    return out


def territory(registry: pd.DataFrame, code: str, boundary: str) -> dict[tuple[str, str], str]:
    """Every (code, boundary) whose figures describe the target's territory: itself and, where the territory did
    not change, its other side ("same"); the merged province holding a former one ("successor"); the former
    provinces of a merged one ("part")."""
    out = {(code, boundary): "same"}
    if code == "VN":
        return {("VN", "pre2025"): "same", ("VN", "post2025"): "same"}
    pre = registry[registry["boundary"] == "pre2025"]
    if boundary == "pre2025":
        row = pre[pre["province_code"] == code]
        if len(row):
            succ = row["successor_code"].iloc[0]
            out[(succ, "post2025")] = "successor" if territory_changed(registry, code, "pre2025") else "same"
    else:
        changed = territory_changed(registry, code, "post2025")
        for c in pre.loc[pre["successor_code"] == code, "province_code"]:
            out[(c, "pre2025")] = "part" if changed else "same"
    return out


def nearest_evidence(target: pd.Series, facts: pd.DataFrame, registry: pd.DataFrame, families: dict[str, dict],
                     units: dict[str, str], limit: int = LIMIT) -> list[Evidence]:
    """The closest figures for one target (a row of the assessments), closest first, at most ``limit``."""
    places = territory(registry, target["province_code"], target["boundary"])
    family_of = related(target["indicator_id"], families)
    wanted = {target["indicator_id"], *family_of}
    obs = facts[(facts["kind"] == "observation") & facts["indicator_id"].isin(wanted) & facts["year"].notna()]
    obs = obs[[(c, b) in places for c, b in zip(obs["province_code"], obs["boundary"])]]
    if obs.empty:
        return []
    order = list(family_of)
    unit = units.get(target["indicator_id"], "")
    cands = []
    for _, f in obs.iterrows():
        same = f["indicator_id"] == target["indicator_id"]
        if same and f["breakdown"] == target["breakdown"] and places[(f["province_code"], f["boundary"])] == "same":
            continue  # the target's own series (its figures are the status, not evidence beside it)
        cands.append(f)
    if not cands:
        return []
    df = pd.DataFrame(cands)
    df["_same"] = df["indicator_id"] != target["indicator_id"]
    df["_place"] = [places[(c, b)] != "same" for c, b in zip(df["province_code"], df["boundary"])]
    df["_unit"] = df["indicator_id"].map(units) != unit
    df["_rank"] = df["indicator_id"].map(lambda i: order.index(i) if i in order else -1)
    df["_year"] = -df["year"].astype(float)
    # the latest figure of each indicator, breakdown and place; identical figures of both sides of the boundary once
    df = df.sort_values(["_same", "_place", "_unit", "_rank", "_year"])
    df = df.drop_duplicates(["indicator_id", "breakdown", "province_code", "boundary"])
    df = df.drop_duplicates(["indicator_id", "breakdown", "year", "value"])
    out = []
    for _, f in df.head(limit).iterrows():
        year, value = int(float(f["year"])), float(f["value"])
        # a level is set against the target only for the target's own indicator (a related one measures another
        # thing: its level says nothing of the pace the target needs)
        comparable = f["indicator_id"] == target["indicator_id"] and units.get(f["indicator_id"]) == unit
        pace, meets = None, None
        if comparable and not math.isnan(value):
            target_value = float(target["target"])
            meets = value >= target_value if target["comparator"] in (">=", ">") else value <= target_value
            years_left = int(float(target["target_year"])) - year
            if years_left > 0 and not meets:
                pace = (target_value - value) / years_left
        out.append(Evidence(fact_id=f["fact_id"], indicator_id=f["indicator_id"], breakdown=f["breakdown"],
                            province_code=f["province_code"], boundary=f["boundary"], year=year, value=value,
                            unit=units.get(f["indicator_id"], ""),
                            flags=f["flags"] if isinstance(f["flags"], str) else "",
                            source_id=f["source_id"] if isinstance(f["source_id"], str) else "",
                            same_indicator=f["indicator_id"] == target["indicator_id"],
                            territory=places[(f["province_code"], f["boundary"])],
                            family=family_of.get(f["indicator_id"], ""), pace=pace, meets=meets))
    return out


def describe(target, evidence: list[Evidence], lang: str, indicators: pd.DataFrame, names: dict,
             families: dict[str, dict], source_label=str) -> list[dict[str, str]]:
    """Each figure in words for a page: value (with its qualifier), year, scope, place where it is not the
    target's own territory, indicator, a one-line comparability note, the pace the target needs and its source."""
    ind = indicators.set_index("indicator_id") if "indicator_id" in indicators.columns else indicators
    target_scope = breakdown_label(target["breakdown"], lang) or msg("near_scope_total", lang)
    items = []
    for e in evidence:
        value = qualified(format_value(e.value, e.unit, lang), e.flags, lang)
        scope = breakdown_label(e.breakdown, lang) or msg("near_scope_total", lang)
        place = "" if e.territory == "same" else msg(f"near_place_{e.territory}", lang,
                                                       name=names.get((e.province_code, e.boundary), e.province_code))
        if not e.same_indicator:
            note = msg("near_note_related", lang, note=families[e.family][f"note_{lang}"])
        elif e.breakdown != target["breakdown"]:
            note = msg("near_note_same", lang, scope=scope, target_scope=target_scope)
        else:
            note = msg("near_note_same_place", lang)
        if not e.same_indicator:
            pace = msg("near_other_measure", lang)
        elif e.meets is None:
            pace = msg("near_other_unit", lang)
        elif e.meets:
            pace = msg("near_meets", lang)
        elif e.pace is None:
            pace = msg("near_missed", lang)
        else:
            step = msg("near_pace_points", lang, value=format_number(round(e.pace, 1), lang)) \
                if e.unit == "percent" else format_value(e.pace, e.unit, lang)
            pace = msg("near_pace", lang, pace=step, year=int(target["target_year"]))
        items.append({"value": value, "year": str(e.year), "scope": scope, "place": place,
                      "indicator": ind.at[e.indicator_id, f"name_{lang}"], "note": note, "pace": pace,
                      "source_id": e.source_id, "source": source_label(e.source_id) if e.source_id else ""})
    return items


def grouped(items: list[dict[str, str]]) -> list[dict]:
    """Runs of consecutive figures that share their comparability note and pace line, so that a page says it
    once above them: ``[{"note", "pace", "figures"}]``, in the figures' order."""
    groups: list[dict] = []
    for x in items:
        if groups and (groups[-1]["note"], groups[-1]["pace"]) == (x["note"], x["pace"]):
            groups[-1]["figures"].append(x)
        else:
            groups.append({"note": x["note"], "pace": x["pace"], "figures": [x]})
    return groups


def reference_words(target, lang: str) -> str:
    """How common the pace a one-figure target needs was among comparable series (its ``ref_*`` columns,
    ``analysis.assess.pace_reference``), in words; "" where the target has no such reference."""
    n = target.get("ref_changes")
    if n is None or pd.isna(n):
        return ""
    if int(n) == 0:
        return msg("pace_ref_none", lang)
    text = msg("pace_ref", lang, faster=format_number(int(target["ref_faster"]), lang),
               changes=format_number(int(n), lang), series=format_number(int(target["ref_series"]), lang),
               first=int(target["ref_first_year"]), last=int(target["ref_last_year"]))
    return text + (msg("pace_ref_few", lang) if int(n) < MIN_CHANGES else "")
