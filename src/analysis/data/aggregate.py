"""Pre-2025 provinces -> the 34 provinces in force from 1 July 2025, by each indicator's declared rule.

Rules come from the ``aggregation`` column of the indicator catalogue:
- ``sum``: counts add up;
- ``weighted_mean:labour_force`` / ``weighted_mean:population``: shares and rates are averaged with the
  named weight of the same province and year (labour-force facts, or GSO average population);
- anything else (ranks, scores, ``not_aggregable``, ``ratio_of_sums``) is not aggregated.

A merged province gets a value for a year only when every one of its pre-2025 parts has one (and its
weight): a partial sum is never shown as a total. A province whose boundary did not change keeps its own
series under its new code. Every row is flagged ``aggregated`` and says how it was computed and from which
facts (``derivation``, ``inputs``).
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import msg
from analysis.numbers import format_number

WORDS_IN = "vi"  # the facts' one derivation column is written in Vietnamese

KEY = ["indicator_id", "breakdown", "year"]


def _one_per_year(obs: pd.DataFrame) -> pd.DataFrame:
    """One observation per province, indicator, breakdown and year (the latest-dated one)."""
    # a new vintage's figure (flagged definition_break) wins over an older one of the same year
    new = obs["flags"].fillna("").str.contains("definition_break")
    return (obs.assign(_new=new).sort_values(["province_code", *KEY, "_new", "period"], kind="stable")
            .groupby(["province_code", *KEY], as_index=False).tail(1).drop(columns="_new"))


def _weights(obs: pd.DataFrame, population: pd.DataFrame) -> dict[str, pd.Series]:
    """Weight series indexed by (province_code, year)."""
    lf = obs[(obs["indicator_id"] == "labour_force") & (obs["breakdown"] == "total")]
    pop = population[population["province_code"] != "VN"]
    return {"labour_force": lf.set_index(["province_code", "year"])["value"],
            "population": pop.set_index(["province_code", "year"])["avg_population_thousand"].astype(float)}


def aggregate_to_2025(facts: pd.DataFrame, indicators: pd.DataFrame, crosswalk: pd.DataFrame,
                      population: pd.DataFrame) -> pd.DataFrame:
    """Observations of the post-2025 provinces computed from their pre-2025 parts (facts columns + derivation)."""
    rules = indicators.set_index("indicator_id")["aggregation"]
    rules = rules[rules.eq("sum") | rules.str.startswith("weighted_mean:")]
    pre = facts[(facts["kind"] == "observation") & (facts["boundary"] == "pre2025") & (facts["province_code"] != "VN")]
    obs = pre[pre["indicator_id"].isin(rules.index) & pre["period"].astype(str).str.fullmatch(r"\d{4}")]
    cols = list(facts.columns) + ["derivation", "inputs"]
    if obs.empty:
        return pd.DataFrame(columns=cols)
    obs = _one_per_year(obs).copy()
    new_of = dict(zip(crosswalk["old_code"], crosswalk["new_code"]))
    n_parts = crosswalk.groupby("new_code")["old_code"].size()
    names = dict(zip(crosswalk["old_code"], crosswalk["old_name"]))
    weights = _weights(_one_per_year(pre), population)
    obs["new_code"] = obs["province_code"].map(new_of)
    obs["rule"] = obs["indicator_id"].map(rules)
    obs["weight"] = float("nan")
    for wname, w in weights.items():
        m = obs["rule"] == f"weighted_mean:{wname}"
        idx = pd.MultiIndex.from_arrays([obs.loc[m, "province_code"], obs.loc[m, "year"].astype(int)])
        obs.loc[m, "weight"] = w.reindex(idx).to_numpy(dtype=float)
    obs = obs.sort_values(["new_code", *KEY, "province_code"])
    rows = []
    for (new_code, ind, brk, year), g in obs.groupby(["new_code", *KEY], sort=False):
        parts, vals = list(g["province_code"]), g["value"].astype(float).to_numpy()
        if len(parts) != n_parts[new_code]:
            continue  # a part has no value this year: no partial total
        rule = g["rule"].iat[0]
        if len(parts) == 1:
            value = float(vals[0])
            how = msg("aggregate_same", WORDS_IN, name=names[parts[0]], code=parts[0])
        elif rule == "sum":
            value = float(vals.sum())
            how = msg("aggregate_sum", WORDS_IN, parts=" + ".join(f"{format_number(v, WORDS_IN)} ({names[c]})"
                                                                    for c, v in zip(parts, vals)))
        else:
            w = g["weight"].to_numpy(dtype=float)
            if pd.isna(w).any():
                continue  # no weight for a part: no average
            value = float((vals * w).sum() / w.sum())
            weight = msg("aggregate_weight_" + ("labour_force" if rule.endswith("labour_force") else "population"),
                         WORDS_IN)
            how = msg("aggregate_weighted", WORDS_IN, weight=weight, parts="; ".join(
                f"{names[c]} {format_number(v, WORDS_IN)} × {format_number(x, WORDS_IN)}"
                for c, v, x in zip(parts, vals, w)))
        first = g.iloc[0]
        flags = sorted({f for fl in g["flags"].fillna("") for f in str(fl).split(";") if f} | {"aggregated"})
        rows.append({**first.to_dict(), "fact_id": f"AGG-{new_code}-{ind}-{brk}-{int(year)}",
                     "province_code": new_code, "boundary": "post2025", "value": value,
                     "period": str(int(year)), "year": int(year), "locator": "", "as_written": "",
                     "flags": ";".join(flags), "scope_note": f"Aggregated to the province of 1 July 2025 ({rule}).",
                     "derivation": how, "inputs": ";".join(g["fact_id"])})
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
