"""The single-series method tuned on real data: every province of every all-province panel taken alone.

At every origin, each province's own points up to it (the last ``MAX_POINTS`` at most, and also only its last 2, 3,
4 and 6, so that every size of series is learned) are forecast 1–5 years ahead with
:func:`analysis.assess.single_series.point`, and the error is measured in units of the series' typical yearly move,
along its direction. The table of their quantiles, by number of points (with their growth with the horizon), weighs
every panel and horizon the same (a panel of 63 provinces and 16 years does not drown one of 6 years). The James–Stein constant is the one of least
worst regret over the panels (:func:`choose_shrink`). The panels: every all-province panel in the facts and GSO's
population and density (the one kind of steady series here: without it, a rule tuned on survey and index series
alone would keep no trend at all, and lose badly on a steady one).

Run ``python -m analysis.assess.single_series_tuning`` (after ``make data``) to remake ``single_series_errors.csv``;
``benchmarks/single_series.py`` scores the method leaving each panel out in turn (population and density
together), with the constant and the table chosen on the others.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.assess import single_series as ss
from analysis.assess.backtest import panels_from_facts, population_panels, within_bounds
from analysis.assess.panel_decomposition import mean_change, wide
from analysis.assess.scale import Scale
from analysis.data.process import load_processed

WINDOWS = (2, 3, 4, 6, ss.MAX_POINTS)  # the series lengths each case is also cut to
SHRINK_GRID = (2.0, 4.0, 8.0, 16.0, 32.0, 64.0)


def cases(name: str, values: pd.DataFrame, bounds, shrink: float = ss.SHRINK) -> pd.DataFrame:
    """Every single-series case of one panel (long rows province_code, year, value): panel, origin, h, points,
    group, the forecast's absolute error on the value scale (``ae``), the naive rules' (``ae_last``; ``ae_own``, its
    own average yearly change added; ``ae_drift``, the panel's, which a single series cannot know) and the error in
    units (``u``)."""
    w = wide(values)
    years = np.array(w.columns, dtype=float)
    X = w.to_numpy(float)
    scale = Scale.for_bounds(bounds, X[np.isfinite(X)])
    Z = scale.fwd(X)
    Z[~np.isfinite(X)] = np.nan
    rows = []
    for t in range(1, len(years) - 1):
        seen = [np.flatnonzero(np.isfinite(Z[i, : t + 1])) for i in range(len(X))]
        avg = float(np.mean([mean_change(r) for r in X[:, : t + 1] if np.isfinite(r).sum() >= 2] or [0.0]))
        for i, idx in enumerate(seen):
            for n in sorted({min(k, len(idx)) for k in WINDOWS if len(idx) >= 2}):
                rows += _cases_of(name, years, X[i], Z[i], idx[-n:], t, avg, scale, shrink)
    return pd.DataFrame(rows)


def _cases_of(name, years, x, z, idx, t, avg, scale, shrink) -> list[dict]:
    hs = [h for h in range(1, ss.TABLE_HORIZONS + 1) if t + h < len(years) and np.isfinite(z[t + h])]
    if not hs:
        return []
    p = ss.point(years[idx], z[idx], shrink)
    at = np.array([t + h for h in hs])
    steps = years[at] - years[idx[-1]]
    mean = p.mean(steps)
    fx = scale.inv(np.concatenate([mean, p.last + p.pace * steps]))  # the forecast and the full own trend
    last, out = x[idx[-1]], x[at]
    drift = np.array([within_bounds(last + avg * s, scale) for s in steps])
    return [dict(panel=name, origin=int(years[t]), h=h, points=len(idx), group=ss.point_group(len(idx)),
                 ae=abs(fx[j] - out[j]), ae_last=abs(last - out[j]), ae_own=abs(fx[len(hs) + j] - out[j]),
                 ae_drift=abs(drift[j] - out[j]), u=(z[at[j]] - mean[j]) / p.unit * p.sign)
            for j, h in enumerate(hs)]


def weighted_quantiles(u: np.ndarray, weights: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Quantiles of ``u`` with case weights (midpoint rule)."""
    o = np.argsort(u)
    u, w = u[o], weights[o]
    c = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(probs, c, u)


def growth(d: pd.DataFrame, w: np.ndarray) -> float:
    """How the errors of one points group grow with the horizon: the slope of the log width of their central 80%
    on log h (at least 0, at most 1.5)."""
    hs = sorted(d["h"].unique())
    widths = [np.diff(weighted_quantiles(d["u"].to_numpy(float)[m], w[m], np.array([0.1, 0.9])))[0]
              for m in [(d["h"] == h).to_numpy() for h in hs]]
    if len(hs) < 2:
        return 0.5
    slope = np.polyfit(np.log(hs), np.log(np.maximum(widths, 1e-9)), 1)[0]
    return float(np.clip(slope, 0.0, 1.5))


def table(all_cases: pd.DataFrame) -> pd.DataFrame:
    """The error table (points group, growth, prob, u) from cases of several panels: per group, the errors' growth
    with the horizon (:func:`growth`), then the quantiles of every horizon's errors divided by h ** growth (so the
    tails rest on every horizon's cases), each panel and horizon weighing the same."""
    rows = []
    for g, d in all_cases.groupby("group"):
        w = 1.0 / d.groupby(["panel", "h"])["u"].transform("size").to_numpy(float)
        b = growth(d, w)
        q = weighted_quantiles((d["u"] / d["h"] ** b).to_numpy(float), w, ss.PROBS)
        rows += [dict(points=int(g), growth=round(b, 4), prob=round(float(p), 4), u=round(float(v), 4))
                 for p, v in zip(ss.PROBS, q)]
    return pd.DataFrame(rows)


def _ratio(m: pd.DataFrame) -> pd.Series:
    """The mean absolute error over the better of the single series' naive rules (the last value stays; the series'
    own average yearly change)."""
    return m["ae"] / np.minimum(m["ae_last"], m["ae_own"])


def score(test: pd.DataFrame, tab: pd.DataFrame) -> pd.DataFrame:
    """Per (panel, h): cases, mean absolute errors of the forecast and of the naive rules, the ratio to the better
    of the single series' rules (``ratio``) and to the better of those and the panel's average change
    (``ratio_panel``), and the coverage of the table's 80% and 95% intervals."""
    q = ss.lookup(tab)
    test = test.assign(c80=np.nan, c95=np.nan)
    for (g, h), d in test.groupby(["group", "h"]):
        if g in q:
            u = ss.quantiles(g, h, q)
            test.loc[d.index, "c80"] = d["u"].between(u[3], u[35]).astype(float)  # PROBS[3] = 0.1, [35] = 0.9
            test.loc[d.index, "c95"] = d["u"].between(u[0], u[38]).astype(float)
    out = test.groupby(["panel", "h"]).agg(cases=("u", "size"), ae=("ae", "mean"), ae_last=("ae_last", "mean"),
                                           ae_own=("ae_own", "mean"), ae_drift=("ae_drift", "mean"),
                                           cov80=("c80", "mean"), cov95=("c95", "mean")).reset_index()
    return out.assign(ratio=_ratio(out), ratio_panel=out["ae"] / out[["ae_last", "ae_own", "ae_drift"]].min(axis=1))


def choose_shrink(train: dict[str, pd.DataFrame]) -> float:
    """The James–Stein constant of least worst regret over the panels ``train`` (name -> its cases at every
    constant, a ``shrink`` column): for each panel, its geometric mean ratio (h 2-5) at a constant over that at
    its own best constant; the constant whose worst panel is least far from its best. A rule for panels not yet
    seen: a steady series (a population) wants a small constant, a noisy survey series a large one."""
    ratios = {}
    for name, c in train.items():
        m = c[c["h"].between(2, 5)].groupby(["shrink", "h"])[["ae", "ae_last", "ae_own"]].mean()
        ratios[name] = np.exp(np.log(_ratio(m)).groupby(level="shrink").mean())
    r = pd.DataFrame(ratios)
    return float((r / r.min()).max(axis=1).idxmin())


def all_cases(panels: dict[str, tuple[pd.DataFrame, tuple | None]], grid=SHRINK_GRID) -> dict[str, pd.DataFrame]:
    """Every panel's cases at every constant of ``grid``."""
    return {name: pd.concat([cases(name, d, b, k).assign(shrink=k) for k in grid], ignore_index=True)
            for name, (d, b) in panels.items()}


def tune(panels: dict[str, tuple[pd.DataFrame, tuple | None]]) -> tuple[float, pd.DataFrame]:
    """The James–Stein constant and the error table, both chosen on every panel."""
    by = all_cases(panels)
    k = choose_shrink(by)
    return k, table(pd.concat([c[c["shrink"] == k] for c in by.values()], ignore_index=True))


def leave_one_out(units: list[dict[str, tuple[pd.DataFrame, tuple | None]]], grid=SHRINK_GRID) -> pd.DataFrame:
    """Each unit of panels (panels of one table, such as population and density, go together) scored with the
    constant (of ``grid``) and the error table chosen on the other units only."""
    by = [all_cases(u, grid) for u in units]
    out = []
    for i, unit in enumerate(by):
        train = {n: c for j, u in enumerate(by) if j != i for n, c in u.items()}
        k = choose_shrink(train)
        tab = table(pd.concat([c[c["shrink"] == k] for c in train.values()], ignore_index=True))
        out += [score(c[c["shrink"] == k], tab).assign(shrink=k) for c in unit.values()]
    return pd.concat(out, ignore_index=True)


def units(panels: dict[str, tuple[pd.DataFrame, tuple | None]], steady: dict[str, tuple[pd.DataFrame, tuple | None]]
          ) -> list[dict[str, tuple[pd.DataFrame, tuple | None]]]:
    """The units :func:`leave_one_out` leaves out in turn: each panel of ``panels`` alone, those of ``steady``
    (population and density, two views of one table) together."""
    return [{n: p} for n, p in panels.items()] + ([steady] if steady else [])


def site_backtest(panels: dict[str, tuple[pd.DataFrame, tuple | None]],
                  steady: dict[str, tuple[pd.DataFrame, tuple | None]]) -> pd.DataFrame:
    """The backtest the assess stage writes (``single_series_backtest.csv``): :func:`leave_one_out` with the shipped
    constant (choosing it again inside the loop takes six times as long: ``benchmarks/single_series.py`` does),
    each panel of ``panels`` left out alone and those of ``steady`` (population and density) together; with each
    panel's indicator and years."""
    out = leave_one_out(units(panels, steady), grid=(ss.SHRINK,))
    span = {n: (int(d["year"].min()), int(d["year"].max())) for n, (d, _) in {**panels, **steady}.items()}
    return out.assign(indicator_id=out["panel"].str.split("@").str[0],
                      first_year=[span[n][0] for n in out["panel"]], last_year=[span[n][1] for n in out["panel"]],
                      steady=out["panel"].isin(list(steady)))


def write(tab: pd.DataFrame, path: Path = ss.TABLE) -> None:
    head = ("# Errors of the single-series forecast on the real all-province panels, every province taken alone\n"
            "# (analysis.assess.single_series_tuning): quantiles (prob) of the error in units of the series'\n"
            "# typical yearly move, along its direction, by number of points (2, 3, 4 = 4-5, 6 = 6 or more), one\n"
            "# year ahead; h years ahead they are u * h ** growth. Every panel and horizon weighs the same.\n"
            "# Remake: python -m analysis.assess.single_series_tuning\n")
    path.write_text(head + tab.to_csv(index=False), encoding="utf-8")


def tuning_panels(facts: pd.DataFrame, indicators: pd.DataFrame, population: pd.DataFrame
                  ) -> dict[str, tuple[pd.DataFrame, tuple | None]]:
    """The real panels the method is tuned on: every all-province panel in the facts and GSO's population and
    density (the one kind of steady series here)."""
    return panels_from_facts(facts, indicators) | population_panels(population)


def main() -> int:
    panels = tuning_panels(load_processed("facts"), load_processed("indicators"), load_processed("population"))
    k, tab = tune(panels)
    write(tab)
    print(f"wrote {ss.TABLE} from {len(panels)} panels: {', '.join(panels)}")
    print(f"James-Stein constant chosen: {k:g} (single_series.SHRINK is {ss.SHRINK:g}"
          f"{'' if k == ss.SHRINK else ': set it to the chosen one'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
