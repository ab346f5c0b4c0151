"""Derived indicators: shares, per 1,000 inhabitants, members per team, spending per learner-turn.

Every derived row says how it was derived (``derivation``, in words with the numbers) and from
which facts (``inputs``), so a reader can redo the arithmetic.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import LANGS
from analysis.labels import derivation_text, level_word
from analysis.numbers import format_number, format_value

KEYS = ["province_code", "boundary", "province_key", "period", "year"]
COLUMNS = ["derived_id", "province_code", "boundary", "province_key", "indicator_id", "breakdown", "period", "year",
           "value", "unit", "derivation", *(f"derivation_{L}" for L in LANGS), "inputs", "flags"]


def _n(x: float) -> str:
    return format_number(x, "en", None)


def _rows_for(obs: pd.DataFrame, indicator: str, breakdown: str | None = "total") -> pd.DataFrame:
    d = obs[obs["indicator_id"] == indicator]
    return d if breakdown is None else d[d["breakdown"] == breakdown]


def _words(kind: str, value: float, unit: str, **parts) -> dict[str, str]:
    """The derivation in words, per language, from the catalogues' templates (numbers localised)."""
    out = {}
    for lang in LANGS:
        vals = {k: (v[lang] if isinstance(v, dict) else format_number(v, lang) if isinstance(v, (int, float))
                    else v) for k, v in parts.items()}
        out[f"derivation_{lang}"] = derivation_text(kind, lang, v=format_value(value, unit, lang)
                                               if unit == "percent" else format_number(value, lang), **vals)
    return out


def _make(base: pd.Series, indicator: str, breakdown: str, value: float, unit: str, derivation: str,
          inputs: list[str], flags: str = "", words: dict[str, str] | None = None) -> dict:
    did = f"D-{indicator}-{base['province_code']}-{base['period']}-{breakdown}".replace("/", "_")
    return {"derived_id": did, **{k: base[k] for k in KEYS}, "indicator_id": indicator, "breakdown": breakdown,
            "value": value, "unit": unit, "derivation": derivation, **(words or {f"derivation_{L}": derivation
                                                                                 for L in LANGS}),
            "inputs": ";".join(inputs), "flags": flags}


def _flags(*rows: pd.Series, below: tuple[int, ...] = ()) -> str:
    """What a value computed from ``rows`` is known to be: a lower or upper bound, about, or exact ("").

    The rows are added or multiplied, except those at the positions in ``below`` (a ratio's denominator): a
    denominator that is at least its figure makes the ratio at most its value. Bounds that pull both ways
    (a ratio of two lower bounds, a lower plus an upper bound) bound nothing: the value is only about right."""
    ways, approx = set(), False
    for i, r in enumerate(rows):
        fl = str(r.get("flags", "")).split(";")
        approx |= "approx" in fl
        way = 1 if "lower_bound" in fl else -1 if "upper_bound" in fl else 0
        if way:
            ways.add(-way if i in below else way)
    if len(ways) == 1 and not approx:
        return "lower_bound" if ways == {1} else "upper_bound"
    return "approx" if approx or ways else ""


def shares(obs: pd.DataFrame, indicators: pd.DataFrame) -> list[dict]:
    """Recompute every ratio_of_sums indicator from its numerator and denominator facts."""
    out = []
    names = {i: {"vi": str(v).lower()[:1] + str(v)[1:], "en": str(e).lower()[:1] + str(e)[1:]}
             for i, v, e in zip(indicators["indicator_id"], indicators["name_vi"], indicators["name_en"])}
    for _, ind in indicators[indicators["aggregation"] == "ratio_of_sums"].iterrows():
        num_id, den_id = ind["numerator_id"], ind["denominator_id"]
        if not num_id or not den_id:
            continue
        nums = _rows_for(obs, num_id, None)
        # a share of a total by breakdown (num == den) uses the breakdown rows; otherwise totals only
        nums = nums[nums["breakdown"] != "total"] if num_id == den_id else nums[nums["breakdown"] == "total"]
        dens = _rows_for(obs, den_id)
        for _, n in nums.iterrows():
            m = dens[(dens["province_code"] == n["province_code"]) & (dens["boundary"] == n["boundary"])
                     & (dens["period"] == n["period"])]
            for _, d in m.iterrows():
                if d["value"] <= 0:
                    continue
                val = n["value"] / d["value"] * 100
                out.append(_make(n, ind["indicator_id"], n["breakdown"], val, "percent",
                                 f"{num_id} / {den_id} x 100 = {_n(n['value'])} / {_n(d['value'])} x 100",
                                 [n["fact_id"], d["fact_id"]], _flags(n, d, below=(1,)),
                                 _words("share", val, "percent", n=float(n["value"]), d=float(d["value"]),
                                        num=names.get(num_id, num_id), den=names.get(den_id, den_id))))
    return out


def level_totals(obs: pd.DataFrame) -> list[dict]:
    """Where teams or members are given only by level (commune, village), add the levels up."""
    out = []
    for ind in ("community_teams", "community_team_members"):
        d = _rows_for(obs, ind, None)
        for _, g in d.groupby(KEYS, dropna=False):
            if (g["breakdown"] == "total").any():
                continue
            levels = g[g["breakdown"].str.startswith("level=")]
            if len(levels) < 2:
                continue
            base = levels.iloc[0]
            parts = " + ".join(f"{_n(v)} ({b.split('=')[1]})" for v, b in zip(levels["value"], levels["breakdown"]))
            parts_l = {lang: " + ".join(f"{format_number(v, lang)} ({level_word(b.split('=')[1], lang, b)})"
                                        for v, b in zip(levels["value"], levels["breakdown"])) for lang in LANGS}
            total = float(levels["value"].sum())
            out.append(_make(base, ind, "total", total, base["unit"],
                             f"sum of levels: {parts}", list(levels["fact_id"]), _flags(*[r for _, r in
                                                                                             levels.iterrows()]),
                             _words("levels_sum", total, base["unit"], parts=parts_l)))
    return out


def members_per_team(obs: pd.DataFrame) -> list[dict]:
    out = []
    teams = _rows_for(obs, "community_teams", None)
    members = _rows_for(obs, "community_team_members", None)
    for _, t in teams.iterrows():
        m = members[(members["province_code"] == t["province_code"]) & (members["boundary"] == t["boundary"])
                    & (members["period"] == t["period"]) & (members["breakdown"] == t["breakdown"])
                    & (members["source_id"] == t["source_id"])]
        for _, r in m.iterrows():
            if t["value"] <= 0:
                continue
            v = r["value"] / t["value"]
            out.append(_make(t, "members_per_team", t["breakdown"], v, "persons_per_team",
                             f"community_team_members / community_teams = {_n(r['value'])} / {_n(t['value'])}",
                             [r["fact_id"], t["fact_id"]], _flags(t, r, below=(0,)),
                             _words("members_per_team", v, "persons_per_team", m=float(r["value"]),
                                    k=float(t["value"]))))
    return out


def per_1000(obs: pd.DataFrame, population: pd.DataFrame) -> list[dict]:
    """Teams and members per 1,000 inhabitants, with GSO average population of the same year."""
    out = []
    pop = population.set_index(["province_code", "year"])["avg_population_thousand"]
    for ind, target in (("community_teams", "community_teams_per_1000"),
                        ("community_team_members", "community_team_members_per_1000")):
        for _, r in _rows_for(obs, ind).iterrows():
            if r["boundary"] != "pre2025" or (r["province_code"], r["year"]) not in pop.index:
                continue
            p = float(pop[(r["province_code"], r["year"])])
            out.append(_make(r, target, "total", r["value"] / p, "per_1000",
                             f"{ind} / GSO average population {r['year']} (thousand) = {_n(r['value'])} / {_n(p)}",
                             [r.get("fact_id") or r.get("derived_id"), f"gso-e0201:{r['province_code']}:{r['year']}"],
                             _flags(r), _words("per_1000", r["value"] / p, "per_1000", x=float(r["value"]), p=p,
                                               y=str(r["year"]))))
    return out


def spending_per_turn(obs: pd.DataFrame) -> list[dict]:
    out = []
    turns = _rows_for(obs, "training_learner_turns")
    spend = _rows_for(obs, "training_spending")
    for _, t in turns.iterrows():
        m = spend[(spend["province_code"] == t["province_code"]) & (spend["period"] == t["period"])]
        for _, s in m.iterrows():
            v = s["value"] * 1000 / t["value"]
            out.append(_make(t, "training_spending_per_turn", "total", v, "million_vnd",
                             f"training_spending x 1000 / training_learner_turns = {_n(s['value'])} billion VND "
                             f"x 1000 / {_n(t['value'])} turns (million VND per turn)",
                             [s["fact_id"], t["fact_id"]], _flags(t, s, below=(0,)),
                             _words("spending_per_turn", v, "million_vnd", s=float(s["value"]), k=float(t["value"]))))
    return out


def turns_per_100_staff(obs: pd.DataFrame) -> list[dict]:
    """Cumulative learner-turns over a period against a staff count from inside that period (TURNS, not persons)."""
    out = []
    turns = _rows_for(obs, "training_learner_turns")
    staff = _rows_for(obs, "staff_total")
    for _, t in turns[turns["period"].str.contains("/")].iterrows():
        start, end = (int(p[:4]) for p in t["period"].split("/"))
        for _, s in staff[staff["province_code"] == t["province_code"]].iterrows():
            if start <= s["year"] <= end:
                v = t["value"] / s["value"] * 100
                out.append(_make(t, "learner_turns_per_100_staff", "total", v, "per_100_staff",
                                 f"training_learner_turns {t['period']} / staff_total {s['period']} x 100 = "
                                 f"{_n(t['value'])} / {_n(s['value'])} x 100; learner-TURNS, not persons",
                                 [t["fact_id"], s["fact_id"]], _flags(t, s, below=(1,)),
                                 _words("turns_per_100_staff", v, "per_100_staff", k=float(t["value"]),
                                        s=float(s["value"]), tp=str(t["period"]).replace("/", "–"),
                                        sp=str(s["period"]))))
    return out


def derive_all(facts: pd.DataFrame, indicators: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Every derived indicator the evidence base supports, one row each."""
    obs = facts[facts["kind"] == "observation"]
    rows = shares(obs, indicators) + members_per_team(obs) + spending_per_turn(obs) + turns_per_100_staff(obs)
    totals = level_totals(obs)
    rows += totals
    total_frame = pd.DataFrame(totals, columns=COLUMNS) if totals else pd.DataFrame(columns=COLUMNS)
    with_totals = pd.concat([obs, total_frame.assign(fact_id=total_frame["derived_id"])], ignore_index=True)
    rows += members_per_team(_only_derived_totals(with_totals, total_frame)) + per_1000(with_totals, population)
    df = pd.DataFrame(rows, columns=COLUMNS).drop_duplicates("derived_id")
    return df.sort_values(["province_code", "indicator_id", "year", "breakdown"]).reset_index(drop=True)


def _only_derived_totals(with_totals: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    ids = set(totals["derived_id"])
    d = with_totals[with_totals["fact_id"].isin(ids)].copy()
    d["source_id"] = "derived"
    return d
