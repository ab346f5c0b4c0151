"""Consistency audit: do parts add up to totals, and ratios to the stated percentages?

Each check is declared in ``data/raw/consistency_checks.yaml``; this module computes it and says
``ok``, ``mismatch`` (with the discrepancy) or ``finding`` (a citation error and the like).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.catalogue import LANGS
from analysis.labels import audit_note, locator_label
from analysis.numbers import format_number

COLUMNS = ["check_id", "kind", "province_code", "fact_ids", "description", "computed", "stated", "discrepancy",
           "tolerance", "result", "note", "description_vi", "note_vi"]


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


def _notes(key: str, **parts) -> dict[str, str]:
    """A note in every language from the catalogues (``audit_note_<key>``); float parts are written in each."""
    out = {}
    for lang in LANGS:
        vals = {k: (format_number(v, lang) if isinstance(v, float) else v[lang] if isinstance(v, dict) else
                    locator_label(v, lang) if k == "locator" else v) for k, v in parts.items()}
        out[lang] = audit_note(key, lang, **vals)
    return out


def _join(*notes: dict[str, str]) -> dict[str, str]:
    return {lang: "".join(n[lang] for n in notes) for lang in LANGS}


def _row(c: dict, province: str, ids: list[str], computed, stated, tol, result, note=None) -> dict:
    if not isinstance(note, dict):
        note = {la: note or "" for la in LANGS}
    disc = None if computed is None or stated is None else round(stated - computed, 6)
    return {"check_id": c["id"], "kind": c["kind"], "province_code": province, "fact_ids": ";".join(ids),
            "description": c.get("description", ""), "computed": computed, "stated": stated, "discrepancy": disc,
            "tolerance": tol, "result": result, "note": note["en"],
            "description_vi": c.get("description_vi") or c.get("description", ""), "note_vi": note["vi"]}


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
        note = None
        if not ok:
            trunc = math.floor(computed * 10 ** d) / 10 ** d
            note = _notes("rounds", computed={la: format_number(computed, la, 4) for la in LANGS},
                          rounded=float(round(computed, d)), stated=stated)
            if abs(trunc - stated) < 1e-9:
                note = _join(note, _notes("truncated"))
        return _row(c, facts.at[ids[0], "province_code"], ids, round(computed, 6), stated, tol,
                    "ok" if ok else "mismatch", note)
    if kind == "sum":
        ids = list(c["parts"]) + [c["total"]]
        computed = float(sum(v[p] for p in c["parts"]))
        stated = float(v[c["total"]])
        tol = rounding_tolerance(stated)
        ok = abs(computed - stated) <= tol
        note = {la: "" for la in LANGS} if computed == stated else _notes("sum", computed=float(round(computed, 6)),
                                                                       stated=stated)
        return _row(c, facts.at[c["total"], "province_code"], ids, round(computed, 6), stated, tol,
                    "ok" if ok else "mismatch", note if ok else _join(note, _notes("outside")))
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
                    _notes("reference", reference={"vi": c.get("reference_vi") or c.get("reference", ""),
                                                   "en": c.get("reference", "")}))
    if kind == "citation":
        return _row(c, str(c.get("province_code", "")), [], None, None, None, "finding",
                    _notes("citation", source=c["source"], as_written=c["as_written"], locator=c.get("locator", ""),
                           correct=c["correct"]))
    if kind == "finding":
        ids = list(c.get("facts", []))
        return _row(c, str(c.get("province_code", "")), ids, None, None, None, "finding",
                    _notes("finding", source=c["source"], locator=c["locator"],
                           note={"vi": c.get("note_vi") or c["note"], "en": c["note"]}))
    if kind == "growth_readings":
        ids = list(c.get("facts", []))
        r, n = float(c["rate"]), int(c["last_year"]) - int(c["first_year"]) + 1
        factor = (1 + r / 100) ** n
        pp_start = max(0.0, 100 - r * n)
        pc_start = 100 / factor
        note = _notes("growth", source=c["source"], locator=c["locator"], rate=r, n=str(n),
                      first=str(c["first_year"]), last=str(c["last_year"]), pp_start=float(pp_start),
                      factor={la: format_number(factor, la, 4) for la in LANGS},
                      pc_start={la: format_number(pc_start, la, 1) for la in LANGS})
        return _row(c, str(c.get("province_code", "")), ids, round(factor, 6), None, None, "finding", note)
    raise ValueError(f"consistency check {c.get('id')!r}: unknown kind {kind!r}")


def run_audit(checks: list[dict], facts: pd.DataFrame) -> pd.DataFrame:
    """Run every declared check; one row each, in the declared order."""
    indexed = facts.set_index("fact_id")
    return pd.DataFrame([run_check(c, indexed) for c in checks], columns=COLUMNS)
