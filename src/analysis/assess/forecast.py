"""Every target of the evidence base assessed: provincial targets (``assess_all``) and every province against
each national target (``assess_national``), with the all-province panel engine where an indicator has a panel.

The pieces live in their own modules and are importable from here as before: ``assessment`` (the result, the
statuses and the legend's cut-offs), ``target`` (one target from one series, time-aware), ``single_series`` (a
province's series alone), ``panel`` (every province together), ``progress`` (the UN current-rate category),
``series`` (a target's yearly series from the facts) and ``scale`` (the transformed scale).
"""

from __future__ import annotations

import pandas as pd

from analysis import config
from analysis.assess import panel as pn
from analysis.assess.assessment import FORECAST_STATUSES, OFF_TRACK, ON_TRACK, STATUSES, Assessment, status_of
from analysis.assess.pace_reference import COLUMNS as REF_COLUMNS
from analysis.assess.pace_reference import pace_reference
from analysis.assess.panel_counts import meet_count
from analysis.assess.progress import UNSD_BASE_YEAR, meets, unsd_progress
from analysis.assess.scale import EDGE, Scale
from analysis.assess.series import (bounds_of, break_note, flags_of, is_rank, single_year, target_series,
                                    yearly)
from analysis.assess.single_series import FLOOR, MAX_POINTS, SHRINK, Predictive, predictive
from analysis.assess.target import COMPARATORS, MAX_DATA_AGE, PROVISIONAL_FLAGS, RANK_UNITS, assess_target
from analysis.labels import STATUS_COLOUR

__all__ = ["COMPARATORS", "EDGE", "FLOOR", "MAX_DATA_AGE", "MAX_POINTS", "OFF_TRACK", "ON_TRACK", "PACE_COLUMNS",
           "PROVISIONAL_FLAGS", "RANK_UNITS", "SHRINK", "STATUSES", "TRACKING_COLUMNS", "UNSD_BASE_YEAR",
           "Assessment", "Predictive", "Scale",
           "assess_all", "assess_national", "assess_target", "bounds_of", "meets", "predictive", "single_year",
           "status_of", "unsd_progress"]

# Statuses a proxy indicator's figures would give that are verdicts on the target: a target tracked by a proxy gets
# none of them (statistical review, L1); its row keeps the proxy's projection and says what the proxy reads.
PROXY_VERDICTS = ("achieved", "not_met", *FORECAST_STATUSES)
TRACKING_COLUMNS = ("search_outcome", "searched", "searched_en", "comparability", "comparability_vi")


def assess_all(facts, indicators, scenarios: dict[str, float] | None = None, tracking=None,
               families: dict[str, dict] | None = None):
    """Assess every target in the facts table; one row per target, in the order of the facts.

    ``tracking`` (data/raw/tracking_*.csv) may name a proxy indicator for a target (``tracked_by``, which
    overrides the fact's own) and records what was searched for its series; both are carried into the row.
    A target with one figure still ahead gets the reference class of the pace it needs (``ref_*`` columns,
    ``analysis.assess.pace_reference``; ``families``: the curated indicator families).
    """
    ind = indicators.set_index("indicator_id")
    units = dict(zip(indicators["indicator_id"], indicators["unit"]))
    track = {} if tracking is None else {r["target_fact_id"]: r for _, r in tracking.iterrows()}
    obs = facts[facts["kind"] == "observation"]
    rows = []
    for _, tg in facts[facts["kind"] == "target"].iterrows():
        rec = track.get(tg["fact_id"])
        tracked = tg.get("tracked_by") if isinstance(tg.get("tracked_by"), str) and tg.get("tracked_by") else None
        if rec is not None and rec["tracked_by"]:
            tracked = rec["tracked_by"]
        indicator = tracked or tg["indicator_id"]
        s = target_series(obs, tg["province_code"], tg["boundary"], indicator, tg["breakdown"])
        bounds = bounds_of(ind, indicator)
        scenario = (scenarios or {}).get(indicator)
        r = assess_target(list(s["year"]), list(s["value"]), float(tg["value"]), int(tg["year"]),
                          tg["comparator"], bounds, scenario_annual_change=scenario, flags=flags_of(s),
                          rank=is_rank(ind, indicator))
        d = r.to_dict()
        if tracked:
            d["notes"] = (d["notes"] + f" Tracked by the proxy indicator '{tracked}'.").strip()
            if d["status"] in PROXY_VERDICTS:  # a proxy says how a related figure moves, not whether the target is met
                d.update(status="not_assessable", p_meet=None, method=(
                    f"followed on the proxy indicator '{tracked}' only, where it reads {d['status'].replace('_', ' ')} "
                    f"({d['method']}): no status for the target itself"))
        d["notes"] = (d["notes"] + break_note(s)).strip()
        d.update(dict.fromkeys(REF_COLUMNS, float("nan")))
        if r.n_points == 1 and r.status not in ("achieved", "not_met", "awaiting_data") and pd.notna(
                r.required_annual_change) and not meets(float(r.last_value), r.target, r.comparator):
            d.update(pace_reference(obs, indicator, tg["breakdown"], (tg["province_code"], tg["boundary"]),
                                    float(r.last_value), r.target, r.target_year - int(r.last_year), r.comparator,
                                    bounds, families or {}, units))
        flagged = [f for f in ("derived", "monthly", "partial_year", "lower_bound", "approx")
                   if s["flags"].fillna("").str.contains(f).any()]
        if flagged:
            d["notes"] = (d["notes"] + " Observations include values flagged: " + ", ".join(flagged) + ".").strip()
        rows.append({"target_fact_id": tg["fact_id"], "province_code": tg["province_code"],
                     "boundary": tg["boundary"], "province_key": tg.get("province_key"),
                     "indicator_id": tg["indicator_id"], "tracked_by": tracked or "", "breakdown": tg["breakdown"],
                     "source_id": tg["source_id"], "baseline_year": tg.get("baseline_year"),
                     "observation_ids": ";".join(s["fact_id"]), "years": ";".join(str(y) for y in s["year"]),
                     "values": ";".join(f"{v:g}" for v in s["value"]),
                     "search_outcome": "" if rec is None else rec["outcome"],
                     "searched": "" if rec is None else rec["searched"],
                     "searched_en": "" if rec is None else (rec.get("searched_en") or rec["searched"]),
                     "comparability": "" if rec is None else rec["comparability"],
                     "comparability_vi": "" if rec is None else (rec.get("comparability_vi") or ""), **d})
    if not rows:  # keep the columns, so callers can sort and filter an empty table
        cols = ["target_fact_id", "province_code", "boundary", "province_key", "indicator_id", "tracked_by",
                "breakdown", "source_id", "baseline_year", "observation_ids", "years", "values", *TRACKING_COLUMNS,
                *assess_target([], [], 1.0, 2030).to_dict(), *REF_COLUMNS]
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    for col in ("p_meet", "projection", "pi80_low", "pi80_high", "pi95_low", "pi95_high", "unsd_cr",
                "required_annual_change", "scenario_projection", "last_value", "scenario_annual_change",
                *REF_COLUMNS):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    return df


def _needs_forecast(s, target_year: int, build_year: int) -> bool:
    """A series that a forecast status would rest on: target still ahead, latest figure recent enough."""
    return (len(s) > 0 and target_year >= build_year and int(s["year"].max()) >= build_year - MAX_DATA_AGE)


def _panel_models(obs, indicator: str, breakdown: str, bounds):
    """One panel model per boundary for an indicator observed for many provinces (fitted on first use)."""
    models: dict[str, object] = {}

    def get(boundary: str):
        if boundary not in models:
            d = obs[(obs["indicator_id"] == indicator) & (obs["breakdown"] == breakdown)
                    & (obs["boundary"] == boundary) & (obs["province_code"] != "VN")]
            rows = [yearly(g)[["province_code", "year", "value"]] for _, g in d.groupby("province_code")]
            long = pd.concat(rows) if rows else pd.DataFrame(columns=["province_code", "year", "value"])
            long = long.astype({"year": int, "value": float})
            models[boundary] = pn.fit_panel(long, bounds) if len(long) and pn.is_panel(long) else None
        return models[boundary]
    return get


PACE_COLUMNS = ("own_annual_change", "pace_share", "pace_years")
COUNT_COLUMNS = ("meet_provinces", "meet_expected", "meet_low", "meet_high")  # panel forecasts counted together


def _count_columns(count) -> dict:
    """The joint count of a target's panel forecasts (``panel_counts.meet_count``) as row values (NaN without)."""
    if count is None:
        return dict.fromkeys(COUNT_COLUMNS, float("nan"))
    return {"meet_provinces": count.provinces, "meet_expected": count.expected, "meet_low": count.low,
            "meet_high": count.high}


def _pace(s, r: Assessment, code: str, model, comparator: str) -> dict:
    """For a target still ahead and not met: the province's own average yearly change over its series, and how
    common the needed pace is among the k-year changes of the indicator's panel (``panel.pace_share``)."""
    out = dict.fromkeys(PACE_COLUMNS, float("nan"))
    if (r.status in ("achieved", "not_met", "awaiting_data", "no_data") or r.last_year is None
            or meets(float(r.last_value), r.target, r.comparator)):
        return out
    if r.n_points >= 2 and r.last_year > r.first_year:
        out["own_annual_change"] = (float(s["value"].iloc[-1]) - float(s["value"].iloc[0])) / (r.last_year - r.first_year)
    if model is not None and comparator in (">=", "<="):
        share, k = pn.pace_share(model, float(r.last_value), r.target, r.target_year - r.last_year, comparator)
        out["pace_share"], out["pace_years"] = share, (k or float("nan"))
    return out


def national_target_row(national_targets: pd.DataFrame, target_row) -> pd.Series:
    """The row of ``national_targets.csv`` that a national assessment's ``target_row`` names (its line in the
    file, as :func:`assess_national` records it: 2 is the first row under the header)."""
    return national_targets.iloc[int(target_row) - 2]


def assess_national(facts, national_targets, indicators, build_year: int | None = None):
    """Assess every province (and the whole country) that has a series for a national target against it.

    Only national targets with an ``indicator_id`` (the provincial series that measures them) are assessed.
    One row per (target, province, boundary), ranked within each target by status, then latest value (``ranked``).
    """
    build_year = int(build_year or config.build_year())
    ind = indicators.set_index("indicator_id")
    obs = facts[facts["kind"] == "observation"]
    rows = []
    nt = national_targets.reset_index(drop=True)
    for i, tg in nt.iterrows():
        indicator = tg.get("indicator_id") or ""
        if not indicator or indicator not in ind.index:
            continue
        target_id = f"{tg['decision'].split('/')[0]}-{int(tg['target_year'])}-{indicator}"
        brk = tg.get("breakdown") or "total"
        mine = obs[(obs["indicator_id"] == indicator) & (obs["breakdown"] == brk)]
        bounds = bounds_of(ind, indicator)
        panel_of = _panel_models(obs, indicator, brk, bounds)
        forecast = {}  # boundary -> the provinces whose status is a panel forecast, and their rows
        for (code, boundary), g in mine.groupby(["province_code", "boundary"], sort=True):
            s = yearly(g)
            if s.empty or int(tg["target_year"]) < int(s["year"].min()):
                continue
            pf = None
            if code != "VN" and _needs_forecast(s, int(tg["target_year"]), build_year):
                model = panel_of(boundary)
                if model is not None and code in model.provinces and int(tg["target_year"]) > model.origin:
                    pf = model.forecast(code, int(tg["target_year"]))
            r = assess_target(list(s["year"]), list(s["value"]), float(tg["value"]), int(tg["target_year"]),
                              tg["comparator"], bounds, flags=flags_of(s), build_year=build_year,
                              rank=is_rank(ind, indicator), panel=pf)
            d = r.to_dict()
            d.update(_pace(s, r, code, panel_of(boundary) if code != "VN" else None, tg["comparator"]))
            d["notes"] = (d["notes"] + break_note(s)).strip()
            flagged = [f for f in ("derived", "approx", "preliminary", "aggregated")
                       if s["flags"].fillna("").str.contains(f).any()]
            if flagged:
                d["notes"] = (d["notes"] + " Observations include values flagged: " + ", ".join(flagged) + ".").strip()
            rows.append({"national_target_id": target_id, "decision": tg["decision"],
                         "target_row": i + 2, "indicator_id": indicator, "breakdown": brk,
                         "province_code": code, "boundary": boundary,
                         "province_key": s["province_key"].iloc[-1] if "province_key" in s else None,
                         "observation_ids": ";".join(s["fact_id"]), "years": ";".join(str(y) for y in s["year"]),
                         "values": ";".join(f"{v:g}" for v in s["value"]), **d, **_count_columns(None)})
            if pf is not None and r.status in FORECAST_STATUSES:
                forecast.setdefault(boundary, []).append((code, rows[-1]))
        for boundary, found in forecast.items():
            count = meet_count(panel_of(boundary), int(tg["target_year"]), float(tg["value"]), tg["comparator"],
                               [code for code, _ in found])
            for _, row in found:
                row.update(_count_columns(count))
    cols = ["national_target_id", "decision", "target_row", "indicator_id", "breakdown", "province_code", "boundary",
            "province_key", "observation_ids", "years", "values", *assess_target([], [], 1.0, 2030).to_dict(),
            *PACE_COLUMNS, *COUNT_COLUMNS, "rank"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    for col in ("p_meet", "projection", "pi80_low", "pi80_high", "pi95_low", "pi95_high", "unsd_cr",
                "required_annual_change", "last_value", *PACE_COLUMNS, *COUNT_COLUMNS):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    return ranked(df)[cols]


def ranked(df: pd.DataFrame) -> pd.DataFrame:
    """The provinces of each national target and boundary in order, numbered from 1 (the whole country shown
    beside them, not numbered): by status group, in the legend's order (``labels.STATUS_COLOUR``), then by the latest figure, highest first for a
    ``>=`` target (lowest for ``<=``). Never by the chance itself: two chances a few points apart are not two
    places apart, and a rank read off them would claim a precision the forecast does not have (statistical review,
    M7)."""
    sign = df["comparator"].map({"<=": 1.0}).fillna(-1.0) if "comparator" in df else -1.0
    df = df.assign(_g=df["status"].map({s: i for i, s in enumerate(STATUS_COLOUR)}).fillna(len(STATUS_COLOUR)),
                   _v=df["last_value"].astype(float) * sign)
    df = df.sort_values(["national_target_id", "boundary", "_g", "_v"], kind="stable", na_position="last")
    prov = df["province_code"] != "VN"  # the whole country is shown beside the ranking, not ranked in it
    df["rank"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df.loc[prov, "rank"] = df[prov].groupby(["national_target_id", "boundary"]).cumcount() + 1
    return df.drop(columns=["_g", "_v"]).reset_index(drop=True)

