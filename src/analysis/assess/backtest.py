"""Real-data backtest: the panel engine against the naive rules on every all-province panel.

For every panel (an indicator observed for many provinces), every forecast origin and every horizon 1–5 years:
fit on the years up to the origin only, forecast each later year, and compare with what was published. Scores:
mean absolute error (on the value scale), coverage of the 80% and 95% intervals, the Brier score of threshold
crossings and its skill against the panel's base rate, and the log score. The naive rules are "the last value
stays" and "the last value plus the panel's average yearly change", each with an interval from the panel's own
past changes of that length.

Thresholds, as targets are set: A "keep the typical pace" (the province's last value moved by the panel's median
change so far, plus a small stretch) and B "catch up with the leaders" (the 75th percentile of provinces at the
origin).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from analysis.assess import panel as pn
from analysis.assess import reference_class
from analysis.assess.coverage_range import Origin, calibrated_range
from analysis.assess.panel_recalibration import log_density
from analysis.assess.series import bounds_of, is_rank, single_year, vintages
from analysis.assess.single_series import predictive

HORIZONS = (1, 2, 3, 4, 5)
RULES = ("engine", "last", "drift")
STRETCH = 0.08  # threshold A: the typical pace plus this much on the transformed scale


@dataclass
class Case:
    panel: str
    origin: int
    h: int
    province: str
    outcome: float  # value scale
    z_outcome: float
    thresholds: dict[str, float]  # name -> value on the transformed scale
    point: dict[str, float]  # rule -> value scale
    z_point: dict[str, float]
    errors: dict[str, np.ndarray]  # rule -> error sample on the transformed scale
    parts: tuple[np.ndarray, float] | None = None  # the engine's own errors and common spread behind its sample


def _naive_errors(z: np.ndarray, h: int, centre: bool) -> np.ndarray:
    d = z[:, h:] - z[:, :-h] if z.shape[1] > h else np.empty((0, 0))
    d = d[np.isfinite(d)] if d.size else np.array([])
    if len(d) < 5:
        d1 = z[:, 1:] - z[:, :-1]
        d1 = d1[np.isfinite(d1)]
        d = d1 * np.sqrt(h) if len(d1) else np.array([0.0])
    return d - d.mean() if centre else d


def _prob_above(mean: np.ndarray, errors: np.ndarray, zt: np.ndarray, bw: float) -> np.ndarray:
    """The smoothed chance that each forecast ``mean`` plus an error from the sample ends at or above ``zt``."""
    return ndtr((mean[:, None] + errors[None, :] - zt[:, None]) / bw).mean(axis=1)


def within_bounds(value: float, scale: pn.Scale) -> float:
    """A naive rule's value kept within the scale's bounds (a share in its range, a count at or above its floor)."""
    if scale.kind == "logit":
        return float(np.clip(value, scale.lo, scale.hi))
    if scale.kind in ("log", "log1p"):
        return max(value, scale.lo)
    return value


def _single_series(years, values, year: int, bounds, scale: pn.Scale) -> tuple[float, np.ndarray] | None:
    """The single-series method (each province fitted alone, ``forecast.predictive``): its point forecast and a
    sample of its predictive errors, both on the panel's transformed scale. None below two points."""
    if len(years) < 2:
        return None
    pred = predictive(years, values, year, bounds)
    draws = scale.fwd(pred.scale.inv(pred.draws()))
    centre = float(scale.fwd([pred.projection])[0])
    return centre, draws - centre


def panel_cases(name: str, values: pd.DataFrame, bounds, horizons=HORIZONS, min_train: int = pn.MIN_YEARS,
                single: bool = False, stacked: bool = False) -> list[Case]:
    """Every out-of-sample case of one panel (long rows province_code, year, value), from every origin that is a year
    with figures (as the engine's own origins are: a forecast "from" a year nobody published is the year before's,
    one year further on). ``single`` also scores the single-series method (every province fitted alone), the engine
    the national comparison used before; ``stacked`` the panel engine that weighed its candidates by the backtest
    (the engine before the model alone)."""
    w = pn.wide(values)
    years = list(w.columns)
    scale = pn.Scale.for_bounds(bounds, w.to_numpy()[np.isfinite(w.to_numpy())])
    Z = scale.fwd(w.to_numpy())
    Z[~np.isfinite(w.to_numpy())] = np.nan
    X = w.to_numpy()
    cases: list[Case] = []
    for t in range(min_train - 1, len(years) - 1):
        if not np.isfinite(X[:, t]).any():
            continue
        origin = years[t]
        model = pn.fit_panel(values, bounds, origin=origin)
        earlier = pn.fit_panel(values, bounds, origin=origin, stacked=True) if stacked else None
        zt = model.z
        # the panel's average yearly change on the value scale, as a user would compute it
        xs = X[:, : t + 1]
        ch = [pn.mean_change(r) for r in xs if np.isfinite(r).sum() >= 2]
        avg_change = float(np.mean(ch)) if ch else 0.0
        zch = [pn.mean_change(r) for r in zt if np.isfinite(r).sum() >= 2]
        med_pace = float(np.median(zch)) if zch else 0.0
        leaders = float(np.nanpercentile(zt[:, -1], 75)) if np.isfinite(zt[:, -1]).sum() >= 4 else np.nan
        for h in horizons:
            if t + h >= len(years):
                break
            pf = pn.point_forecasts(zt, zt.shape[1] - 1, h)
            eng_z, eng_err, _ = model.combined(h)
            eng_parts = model.spread_parts(h)
            st_z, st_err, _ = earlier.combined(h) if earlier is not None else (None, None, None)
            last_err, drift_err = _naive_errors(zt, h, centre=False), _naive_errors(zt, h, centre=True)
            for i, prov in enumerate(model.provinces):
                out = X[i, t + h]
                if not np.isfinite(out) or not np.isfinite(pf.by_candidate["last"][i]):
                    continue
                li = np.flatnonzero(np.isfinite(xs[i]))[-1]
                steps = h + (t - li)
                lastv = xs[i, li]
                z_eng = float(eng_z[i])
                z_last = float(pf.by_candidate["last"][i])
                driftv = within_bounds(lastv + avg_change * steps, scale)
                z_drift = float(scale.fwd([driftv])[0])
                thr = {"A": z_last + med_pace * steps + STRETCH}
                if np.isfinite(leaders):
                    thr["B"] = leaders
                case = Case(name, int(origin), h, prov, float(out), float(Z[i, t + h]), thr,
                            {"engine": float(scale.inv([z_eng])[0]), "last": float(lastv), "drift": driftv},
                            {"engine": z_eng, "last": z_last, "drift": z_drift},
                            {"engine": eng_err, "last": last_err, "drift": drift_err}, eng_parts)
                if st_z is not None:
                    case.z_point["stacked"], case.errors["stacked"] = float(st_z[i]), st_err
                    case.point["stacked"] = float(scale.inv([st_z[i]])[0])
                if single:
                    ok = np.isfinite(xs[i])
                    one = _single_series([years[j] for j in np.flatnonzero(ok)], list(xs[i][ok]), years[t + h],
                                         bounds, scale)
                    if one is None:
                        continue  # the single-series method makes no forecast from one point
                    case.z_point["single"], case.errors["single"] = one
                    case.point["single"] = float(scale.inv([one[0]])[0])
                cases.append(case)
    return cases


def score(cases: list[Case]) -> pd.DataFrame:
    """One row per (panel, horizon, rule): MAE, coverage 80/95, Brier A/B, base rate, skill, log score."""
    rows = []
    keyed: dict[tuple, list[Case]] = {}
    for c in cases:
        keyed.setdefault((c.panel, c.h), []).append(c)
    for (panel, h), cs in sorted(keyed.items()):
        outcome_hits = {k: np.array([c.z_outcome >= c.thresholds[k] for c in cs if k in c.thresholds])
                        for k in ("A", "B")}
        for rule in [r for r in (*RULES, "stacked", "single") if r in cs[0].point]:
            ae, c80, c95, logs = [], [], [], []
            briers: dict[str, list[float]] = {"A": [], "B": []}
            by_sample: dict[int, list[Case]] = {}  # an error sample is shared by a panel's provinces at an origin
            for c in cs:
                by_sample.setdefault(id(c.errors[rule]), []).append(c)
            origins: list[Origin | None] = []  # the engine's parts at each origin, for the calibrated range
            for group in by_sample.values():
                e = group[0].errors[rule]
                bw, qs = pn.bandwidth(e), np.quantile(e, [0.1, 0.9, 0.025, 0.975])
                parts = group[0].parts if rule == "engine" else None
                origins.append(None if parts is None else Origin(*parts, qs[0], qs[1], len(group)))
                m = np.array([c.z_point[rule] for c in group])
                z = np.array([c.z_outcome for c in group])
                ae.extend(abs(c.point[rule] - c.outcome) for c in group)
                c80.extend((m + qs[0] <= z) & (z <= m + qs[1]))
                c95.extend((m + qs[2] <= z) & (z <= m + qs[3]))
                logs.extend(log_density(e, z - m, bw))
                for k in ("A", "B"):
                    has = [i for i, c in enumerate(group) if k in c.thresholds]
                    if has:
                        thr = np.array([group[i].thresholds[k] for i in has])
                        p = _prob_above(m[has], e, thr, bw)
                        briers[k].extend((p - (z[has] >= thr)) ** 2)
            lo, hi = calibrated_range([] if None in origins else origins, seed=h)
            row = {"panel": panel, "h": h, "rule": rule, "cases": len(cs), "last_year": max(c.origin + c.h for c in cs),
                   "origins": len(by_sample), "mae": float(np.mean(ae)),
                   "cov80": float(np.mean(c80)), "cov80_lo": lo, "cov80_hi": hi,
                   "cov95": float(np.mean(c95)), "log_score": float(np.mean(logs))}
            for k in ("A", "B"):
                hits = outcome_hits[k]
                base = float(hits.mean()) if len(hits) else np.nan
                bs = float(np.mean(briers[k])) if briers[k] else np.nan
                ref = base * (1 - base) if len(hits) else np.nan
                row[f"brier_{k}"] = bs
                row[f"base_{k}"] = base
                row[f"bss_{k}"] = (1 - bs / ref) if ref and ref > 0 else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def panels_from_facts(facts: pd.DataFrame, indicators: pd.DataFrame, min_provinces: int = 30
                      ) -> dict[str, tuple[pd.DataFrame, tuple | None]]:
    """Every all-province yearly panel in the facts, one per boundary and vintage: a year flagged
    ``definition_break`` for any province starts a new panel (a series is never joined across a break); ranks are
    left out, and so are figures summed or weighted from former provinces (flagged ``aggregated``: the 34 provinces'
    copy of a 63-province panel holds no figure of its own). Name 'indicator@first year' (the 63 provinces before
    1 July 2025), or 'indicator@first year@post2025' (a published table of the 34 provinces in force since) ->
    (rows, bounds)."""
    obs = facts[(facts["kind"] == "observation") & (facts["province_code"] != "VN") & (facts["breakdown"] == "total")
                & ~facts["flags"].fillna("").astype(str).str.contains("aggregated")]
    obs = obs[obs["period"].astype(str).map(single_year)]
    ind = indicators.set_index("indicator_id")
    out = {}
    for (indicator, boundary), g in obs.groupby(["indicator_id", "boundary"]):
        if is_rank(ind, indicator):
            continue  # a rank is never forecast as a continuous number, so there is nothing to score
        g = g.assign(year=g["year"].astype(int), _new=g["flags"].fillna("").str.contains("definition_break"))
        for seg in vintages(g, g.loc[g["_new"], "year"]):
            seg = seg.sort_values(["year", "_new", "period"], kind="stable").groupby(
                ["province_code", "year"], as_index=False).tail(1)
            if seg["province_code"].nunique() < min_provinces or seg["year"].nunique() < pn.MIN_YEARS + 1:
                continue
            name = f"{indicator}@{int(seg['year'].min())}" + ("" if boundary == "pre2025" else f"@{boundary}")
            out[name] = (seg[["province_code", "year", "value"]].astype({"value": float}), bounds_of(ind, indicator))
    return out


def run(facts: pd.DataFrame, indicators: pd.DataFrame, horizons=HORIZONS, single: bool = False,
        stacked: bool = False) -> pd.DataFrame:
    """The scored backtest of every panel in the facts (``single``: also the single-series method; ``stacked``:
    also the earlier, backtest-weighted panel engine)."""
    cases = []
    for name, (d, bounds) in panels_from_facts(facts, indicators).items():
        cases += panel_cases(name, d, bounds, horizons, single=single, stacked=stacked)
    return score(cases)


def summary(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per (panel, horizon): each rule's MAE, the engine's ratio to the better naive rule, and the
    engine's coverage, Brier skill and log score."""
    mae = scores.pivot_table(index=["panel", "h"], columns="rule", values="mae")
    eng = scores[scores["rule"] == "engine"].set_index(["panel", "h"])
    out = pd.DataFrame({"cases": eng["cases"], "origins": eng["origins"], "mae_engine": mae["engine"],
                        "mae_last": mae["last"], "mae_drift": mae["drift"],
                        "ratio": mae["engine"] / mae[["last", "drift"]].min(axis=1),
                        "cov80": eng["cov80"], "cov80_lo": eng["cov80_lo"], "cov80_hi": eng["cov80_hi"],
                        "cov95": eng["cov95"], "bss_A": eng["bss_A"], "bss_B": eng["bss_B"],
                        "log_score": eng["log_score"]})
    for other in ("stacked", "single"):
        if other in mae.columns:
            one = scores[scores["rule"] == other].set_index(["panel", "h"])
            out[f"mae_{other}"] = mae[other]
            out[f"ratio_{other}"] = mae[other] / mae[["last", "drift"]].min(axis=1)
            out[f"cov80_{other}"] = one["cov80"]
            out[f"bss_B_{other}"] = one["bss_B"]
    out = out.reset_index()
    parts = out["panel"].str.split("@")
    out.insert(1, "indicator_id", parts.str[0])
    out.insert(2, "first_year", pd.to_numeric(parts.str[1], errors="coerce").astype("Int64"))
    out.insert(3, "boundary", parts.map(lambda p: p[2] if len(p) > 2 else "pre2025"))
    last = {p: int(y) for p, y in scores.groupby("panel")["last_year"].max().items()} if "last_year" in scores else {}
    out.insert(4, "last_year", out["panel"].map(last).astype("Int64"))
    return out


def consistent(summary: pd.DataFrame) -> pd.Series:
    """Cells whose 80% coverage lies inside the range a calibrated interval would show
    (:mod:`analysis.assess.coverage_range`); False where that range is unknown."""
    if "cov80_lo" not in summary:
        return pd.Series(False, index=summary.index)
    return summary["cov80"].between(summary["cov80_lo"], summary["cov80_hi"]) & summary["cov80_lo"].notna()


def verdict(summary: pd.DataFrame, horizons=(2, 3, 4, 5)) -> str:
    """The issue's yardsticks over horizons 2–5: MAE within 5% of the better naive rule, below both rules,
    80% coverage in [0.75, 0.88], Brier skill above 0 (threshold B); then 95% coverage in [0.90, 0.98] and the
    mean log score, the checks of the whole predictive distribution."""
    s = summary[summary["h"].isin(horizons)]
    lines = [f"cells (panel x horizon 2-5): {len(s)}",
             f"  engine MAE within 5% of the better naive rule: {int((s['ratio'] <= 1.05).sum())}",
             f"  engine MAE below both naive rules: {int((s['ratio'] < 1).sum())}",
             f"  80% coverage in [0.75, 0.88]: {int(s['cov80'].between(0.75, 0.88).sum())}",
             f"  80% coverage inside the range a calibrated interval would show (provinces sharing each origin's "
             f"miss; cov80_lo-cov80_hi): {int(consistent(s).sum())}",
             f"  Brier skill (B) above 0: {int((s['bss_B'] > 0).sum())}",
             f"  95% coverage in [0.90, 0.98]: {int(s['cov95'].between(0.90, 0.98).sum())}",
             f"  mean log score: {float(s['log_score'].mean()):.3f}"]
    if "rc_passes" in s:
        lines.append(f"  reference-class chance from one figure passes (lower 90% Brier skill > 0, slope "
                     f"{reference_class.SLOPE_RANGE[0]}-{reference_class.SLOPE_RANGE[1]}, >= "
                     f"{reference_class.MIN_ORIGINS} origins): {int(s['rc_passes'].fillna(False).astype(bool).sum())}")
    return "\n".join(lines)


def panel_summary(panels: dict[str, tuple[pd.DataFrame, tuple | None]], single: bool = False,
                  stacked: bool = False) -> pd.DataFrame:
    """:func:`summary` of these panels with, for each cell, the backtest of the reference-class chance (the
    ``rc_`` columns of :func:`analysis.assess.reference_class.score`; ``single``, ``stacked``: as in
    :func:`panel_cases`). Empty without a case."""
    cases = [c for name, (d, b) in panels.items() for c in panel_cases(name, d, b, single=single, stacked=stacked)]
    return with_reference_class(summary(score(cases)), panels) if cases else pd.DataFrame()


def with_reference_class(summary: pd.DataFrame, panels: dict[str, tuple[pd.DataFrame, tuple | None]]) -> pd.DataFrame:
    """The summary with each cell's backtest of the reference-class chance beside it (``rc_`` columns)."""
    rc = [reference_class.score(reference_class.cases(pn.fit_panel(d, b).z, pn.MIN_YEARS)).assign(panel=name)
          for name, (d, b) in panels.items()]
    rc = [r for r in rc if len(r)]
    return summary.merge(pd.concat(rc), on=["panel", "h"], how="left") if rc else summary


def held_out_summary(population: pd.DataFrame, single: bool = False, stacked: bool = False) -> pd.DataFrame:
    """:func:`panel_summary` of the panels no setting was chosen on (:func:`population_panels`), marked
    ``held_out``."""
    out = panel_summary(population_panels(population), single=single, stacked=stacked)
    return out.assign(held_out=True) if len(out) else out


def variants(panels: dict[str, tuple[pd.DataFrame, tuple | None]], min_years: int = 11
              ) -> dict[str, tuple[pd.DataFrame, tuple | None]]:
    """Each long panel (``min_years`` years or more) cut and thinned four ways, as panels of other shapes: its
    first and its second half of the years (overlapping by two), a fifth of its figures left out at random (fixed
    seed), every other province. A check of the engine on shorter and gappier panels than those it was built on."""
    out = {}
    for name, (d, bounds) in panels.items():
        years = sorted(d["year"].unique())
        if len(years) < min_years:
            continue
        mid = years[len(years) // 2]
        provinces = sorted(d["province_code"].unique())
        cuts = {"first half": d[d["year"] <= mid], "second half": d[d["year"] >= mid - 1],
                "a fifth left out": d.sample(frac=0.8, random_state=1),
                "every other province": d[d["province_code"].isin(provinces[::2])]}
        out |= {f"{name} ({tag})": (cut, bounds) for tag, cut in cuts.items()}
    return out


def population_panels(population: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, tuple | None]]:
    """GSO table E02.01 (average population and density of the 63 provinces, 2011–2024) as panels: real yearly
    series that no setting of the engine was chosen on, for a check outside the indicators it was built for."""
    p = population[population["province_code"].astype(str).str.fullmatch(r"\d\d")]
    out = {}
    for col in ("avg_population_thousand", "density_per_km2"):
        d = p[["province_code", "year", col]].rename(columns={col: "value"}).dropna()
        out[f"{col}@{int(d['year'].min())}"] = (d.astype({"year": int, "value": float}), (0.0, None))
    return out
