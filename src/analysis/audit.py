"""Consistency audit: do parts add up to totals, and ratios to the stated percentages?

Each check is declared in ``data/raw/consistency_checks.yaml``; this module computes it and says
``ok``, ``mismatch`` (with the discrepancy) or ``finding`` (a citation error and the like).
"""

from __future__ import annotations

import math

import pandas as pd

COLUMNS = ["check_id", "kind", "province_code", "fact_ids", "description", "computed", "stated", "discrepancy",
           "tolerance", "result", "note"]


def decimals_of(x: float) -> int:
    """Decimals a stated value was written with (2.17 -> 2, 31.0 -> 0)."""
    s = repr(float(x))
    if "e" in s:
        return 6
    frac = s.split(".")[1].rstrip("0")
    return len(frac)


def rounding_tolerance(stated: float) -> float:
    """Half a unit of the last decimal written: 2.17 -> 0.005."""
    return 0.5 * 10 ** -decimals_of(stated) + 1e-9


def _row(c: dict, province: str, ids: list[str], computed, stated, tol, result, note="") -> dict:
    disc = None if computed is None or stated is None else round(stated - computed, 6)
    return {"check_id": c["id"], "kind": c["kind"], "province_code": province, "fact_ids": ";".join(ids),
            "description": c.get("description", ""), "computed": computed, "stated": stated, "discrepancy": disc,
            "tolerance": tol, "result": result, "note": note}


def run_check(c: dict, facts: pd.DataFrame) -> dict:
    """Compute one declared check against the facts table (indexed by fact_id)."""
    v = facts["value"]
    kind = c["kind"]
    if kind == "ratio":
        ids = [c["numerator"], c["denominator"], c["stated"]]
        computed = v[c["numerator"]] / v[c["denominator"]] * 100
        stated = float(v[c["stated"]])
        tol = rounding_tolerance(stated)
        ok = abs(computed - stated) <= tol
        d = decimals_of(stated)
        note = ""
        if not ok:
            trunc = math.floor(computed * 10 ** d) / 10 ** d
            note = (f"{computed:.4f}% rounds to {round(computed, d)}%, not {stated}%"
                    + ("; consistent with truncation instead of rounding" if abs(trunc - stated) < 1e-9 else ""))
        return _row(c, facts.at[ids[0], "province_code"], ids, round(computed, 6), stated, tol,
                    "ok" if ok else "mismatch", note)
    if kind == "sum":
        ids = list(c["parts"]) + [c["total"]]
        computed = float(sum(v[p] for p in c["parts"]))
        stated = float(v[c["total"]])
        tol = rounding_tolerance(stated)
        ok = abs(computed - stated) <= tol
        note = "" if computed == stated else f"parts sum to {round(computed, 6)}; the total is written as {stated}"
        return _row(c, facts.at[c["total"], "province_code"], ids, round(computed, 6), stated, tol,
                    "ok" if ok else "mismatch", note + ("" if ok else "; outside rounding"))
    if kind == "sum_to":
        ids = list(c["facts"])
        computed = float(sum(v[p] for p in ids))
        stated = float(c["expected"])
        tol = sum(rounding_tolerance(float(v[p])) for p in ids)
        ok = abs(computed - stated) <= tol
        return _row(c, facts.at[ids[0], "province_code"], ids, round(computed, 6), stated, tol,
                    "ok" if ok else "mismatch")
    if kind == "equal":
        ids = [c["a"], c["b"]]
        a, b = float(v[c["a"]]), float(v[c["b"]])
        return _row(c, facts.at[c["a"], "province_code"], ids, a, b, 0.0, "ok" if a == b else "mismatch")
    if kind == "equal_value":
        ids = [c["a"]]
        a, b = float(v[c["a"]]), float(c["value"])
        return _row(c, facts.at[c["a"], "province_code"], ids, a, b, 0.0, "ok" if a == b else "mismatch",
                    f"reference: {c.get('reference', '')}")
    if kind == "citation":
        return _row(c, str(c.get("province_code", "")), [], None, None, None, "finding",
                    f"{c['source']} writes '{c['as_written']}' ({c.get('locator', '')}); "
                    f"correct: '{c['correct']}'")
    if kind == "finding":
        ids = list(c.get("facts", []))
        return _row(c, str(c.get("province_code", "")), ids, None, None, None, "finding",
                    f"{c['source']}, {c['locator']}: {c['note']}")
    if kind == "growth_readings":
        ids = list(c.get("facts", []))
        r, n = float(c["rate"]), int(c["last_year"]) - int(c["first_year"]) + 1
        factor = (1 + r / 100) ** n
        pp_start = max(0.0, 100 - r * n)
        pc_start = 100 / factor
        note = (f"{c['source']}, {c['locator']}: read as percentage points, +{r:g} points a year over {n} years "
                f"({c['first_year']}–{c['last_year']}) reaches 100% by {c['last_year']} from any starting level of "
                f"{pp_start:g}% or more; read as per cent, the level is multiplied by {factor:.4f} and reaches 100% "
                f"by {c['last_year']} only from a starting level of {pc_start:.1f}% or more. The document does not "
                "say which reading it means.")
        return _row(c, str(c.get("province_code", "")), ids, round(factor, 6), None, None, "finding", note)
    raise ValueError(f"consistency check {c.get('id')!r}: unknown kind {kind!r}")


def run_audit(checks: list[dict], facts: pd.DataFrame) -> pd.DataFrame:
    """Run every declared check; one row each, in the declared order."""
    indexed = facts.set_index("fact_id")
    return pd.DataFrame([run_check(c, indexed) for c in checks], columns=COLUMNS)
