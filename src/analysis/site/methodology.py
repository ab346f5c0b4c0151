"""The methodology page: how a target is assessed, the settings of ``assess``, the backtest and calibration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import config
from analysis.assess import forecast as A
from analysis.assess import pace_reference as PR
from analysis.assess import reference_class as RC
from analysis.assess.backtest import consistent
from analysis.catalogue import msg
from analysis.labels import STATUS_COLOUR, UNSD_CATEGORIES, unsd_label
from analysis.numbers import format_number, format_percent
from analysis.site.render import render


HELDOUT_PROCESS = "gompertz_rw"  # benchmarks/calibration.py: never used to choose a setting


def margin(coverage: float, n: int) -> float:
    """The 95% sampling margin of a coverage measured on n simulated series (as a share)."""
    return 1.96 * math.sqrt(max(coverage * (1 - coverage), 1e-9) / n) if n > 0 else float("nan")


def heldout_note(lang: str, calibration: list[dict] | None) -> str:
    """What the held-out process's coverage says, measured in this build: "too narrow" only where the coverage is
    below 80% by more than its sampling margin (a few hundred series measure it to a few points)."""
    c = next((c for c in calibration or [] if c["process"] == HELDOUT_PROCESS), None)
    if c is None:
        return ""
    n = int(c.get("n", 0))
    key = "method_heldout" if c["ours80"] + margin(c["ours80"], n) < 0.8 else "method_heldout_ok"
    return msg(key, lang, process=msg(f"process_{HELDOUT_PROCESS}", lang), n=format_number(n, lang),
               coverage=format_percent(100 * c["ours80"], lang, 0), naive=format_percent(100 * c["naive80"], lang, 0),
               margin=format_number(100 * margin(c["ours80"], n), lang, 0))


def _three_figures(x: float, lang: str) -> str:
    """An error in the indicator's unit to three significant figures (16,4; 1,06; 0,0374): units differ by
    panel, and three decimals would read as a thousands group ('1,063')."""
    decimals = 0 if x == 0 else max(0, min(4, 2 - math.floor(math.log10(abs(x)))))
    return format_number(x, lang, decimals)


def _part(backtest: pd.DataFrame | None, held_out: bool) -> pd.DataFrame:
    """The panels the engine was developed on (``held_out`` False) or those no setting was chosen on."""
    if backtest is None or backtest.empty:
        return pd.DataFrame()
    flag = (backtest["held_out"].astype(str).str.lower() == "true") if "held_out" in backtest else \
        pd.Series(False, index=backtest.index)
    return backtest[flag == held_out]


def panel_labels(indicators: pd.DataFrame | None, lang: str):
    """The label of a backtest row's panel: its indicator's name in ``lang`` (or the page's own name for a panel
    outside the indicator list) and its years."""
    names = {} if indicators is None else dict(zip(indicators["indicator_id"], indicators[f"name_{lang}"]))

    def label(r) -> str:
        name = names.get(r["indicator_id"]) or msg(f"method_bt_panel_{r['indicator_id']}", lang)
        if isinstance(r.get("boundary"), str) and r["boundary"] != "pre2025":
            name = msg("method_bt_panel_post2025", lang, name=name)  # the 34 provinces in force from 1 July 2025
        return f"{name} ({msg('method_bt_years', lang, y0=int(r['first_year']), y1=int(r['last_year']))})"
    return label


def backtest_rows(backtest: pd.DataFrame | None, indicators: pd.DataFrame | None, lang: str,
                  held_out: bool = False) -> list[dict]:
    """The real-data backtest, one row per panel and horizon, formatted for the page's language: the panels the
    engine was developed on, or (``held_out``) those no setting was chosen on."""
    backtest = _part(backtest, held_out)
    if backtest.empty:
        return []
    label = panel_labels(indicators, lang)
    inside = consistent(backtest)
    rows = []
    for i, r in backtest.iterrows():
        rows.append({"panel": label(r),
                     "h": format_number(int(r["h"]), lang), "cases": format_number(int(r["cases"]), lang),
                     "engine": _three_figures(float(r["mae_engine"]), lang),
                     "last": _three_figures(float(r["mae_last"]), lang),
                     "drift": _three_figures(float(r["mae_drift"]), lang),
                     "ratio": format_number(float(r["ratio"]), lang, 2),
                     "better": bool(r["ratio"] < 1),
                     "cov80": format_percent(100 * float(r["cov80"]), lang, 0),
                     "origins": format_number(int(r["origins"]), lang) if _known(r, "origins") else "–",
                     "calibrated": msg("method_bt_range", lang, lo=format_number(100 * float(r["cov80_lo"]), lang, 0),
                                       hi=format_number(100 * float(r["cov80_hi"]), lang, 0))
                     if _known(r, "cov80_lo") else "–",
                     "outside": _known(r, "cov80_lo") and not inside[i],
                     "bss": "–" if pd.isna(r["bss_B"]) else format_number(float(r["bss_B"]), lang, 2),
                     "bss_a": "–" if not _known(r, "bss_A") else format_number(float(r["bss_A"]), lang, 2)})
    return rows


def _known(row: pd.Series, column: str) -> bool:
    return column in row and pd.notna(row[column])


def backtest_summary(backtest: pd.DataFrame | None, lang: str, held_out: bool = False) -> str:
    """One sentence: over horizons 2–5, in how many panel-horizon cells the engine beat both naive rules (on the
    panels it was developed on, or ``held_out``: on those no setting was chosen on)."""
    backtest = _part(backtest, held_out)
    if backtest.empty:
        return ""
    s = backtest[backtest["h"].between(2, 5)]
    return msg("method_bt_heldout_summary" if held_out else "method_bt_summary", lang, n=format_number(len(s), lang),
               below=format_number(int((s["ratio"] < 1).sum()), lang),
               within=format_number(int((s["ratio"] <= 1.05).sum()), lang),
               covered=format_number(int(s["cov80"].between(0.75, 0.88).sum()), lang),
               consistent=format_number(int(consistent(s).sum()), lang),
               skill_b=format_number(int((s["bss_B"] > 0).sum()), lang),
               skill_a=format_number(int((s["bss_A"] > 0).sum()) if "bss_A" in s else 0, lang),
               panels=format_number(int(backtest["panel"].nunique()), lang))


def single_series_rows(table: pd.DataFrame | None, indicators: pd.DataFrame | None, lang: str) -> list[dict]:
    """The single-series backtest (``single_series_backtest.csv``), one row per panel over horizons 2–5: cases, the
    geometric mean of the error ratio to the better of the series' own naive rules and to the better of those and
    the panel's average change, and the mean 80% and 95% coverage."""
    if table is None or table.empty:
        return []
    label = panel_labels(indicators, lang)
    rows = []
    for panel, g in table[table["h"].between(2, 5)].groupby("panel", sort=False):
        ratio = float(np.exp(np.log(g["ratio"]).mean()))
        rows.append({"panel": label(g.iloc[0]),
                     "cases": format_number(int(g["cases"].sum()), lang), "ratio": format_number(ratio, lang, 2),
                     "within": ratio <= 1.05,
                     "ratio_panel": format_number(float(np.exp(np.log(g["ratio_panel"]).mean())), lang, 2),
                     "cov80": format_percent(100 * float(g["cov80"].mean()), lang, 0),
                     "cov95": format_percent(100 * float(g["cov95"].mean()), lang, 0)})
    return rows


def single_series_summary(table: pd.DataFrame | None, lang: str) -> str:
    """One sentence: over horizons 2–5, in how many panel-horizon cells the single-series method was within 5% of
    the better of the series' own naive rules, and how often its 80% interval held 75–88%."""
    if table is None or table.empty:
        return ""
    s = table[table["h"].between(2, 5)]
    return msg("method_ss_summary", lang, n=format_number(len(s), lang),
               within=format_number(int((s["ratio"] <= 1.05).sum()), lang),
               covered=format_number(int(s["cov80"].between(0.75, 0.88).sum()), lang),
               cov80=format_percent(100 * float(s["cov80"].mean()), lang, 0))


def reference_class_summary(backtest: pd.DataFrame | None, lang: str) -> str:
    """One sentence: in how many cells (horizons 2–5) a chance read from one figure and the pace of the other
    provinces passed its backtest (``analysis.assess.reference_class``), and what the site shows instead."""
    backtest = _part(backtest, False)
    if backtest.empty or "rc_passes" not in backtest:
        return ""
    s = backtest[backtest["h"].between(2, 5)]
    passed = int(s["rc_passes"].astype(str).str.lower().eq("true").sum())
    return msg("method_rc_none" if passed == 0 else "method_rc_some", lang, passed=format_number(passed, lang),
               n=format_number(len(s), lang), origins=format_number(RC.MIN_ORIGINS, lang),
               lo=format_number(RC.SLOPE_RANGE[0], lang, 1), hi=format_number(RC.SLOPE_RANGE[1], lang, 1))


def methodology_body(lang: str, calibration: list[dict] | None, backtest: pd.DataFrame | None = None,
                     indicators: pd.DataFrame | None = None, single_series: pd.DataFrame | None = None) -> str:
    """How a target is assessed, with the settings of ``assess``, the real-data backtest and this build's
    calibration on simulated series."""
    settings = {"points": format_number(A.MAX_POINTS, lang), "shrink": format_number(A.SHRINK, lang),
                "floor": format_number(A.FLOOR, lang, 3)}
    cal = [{"process": c["process"], "n": format_number(int(c.get("n", 0)), lang),
            "ours": msg("method_cal_margin", lang, value=format_percent(100 * c["ours80"], lang, 0),
                        margin=format_number(100 * margin(c["ours80"], int(c.get("n", 0))), lang, 0)),
            "naive": format_percent(100 * c["naive80"], lang, 0),
            "brier": "–" if c["brier"] is None else format_number(c["brier"], lang, 3),
            "brier_un": "–" if c["brier_un"] is None else format_number(c["brier_un"], lang, 3)} for c in calibration or []]
    settings |= {"max_age": format_number(A.MAX_DATA_AGE, lang), "build_year": str(config.build_year()),
                 "ref_gap": format_number(PR.MAX_GAP, lang), "ref_min": format_number(PR.MIN_CHANGES, lang)}
    return render("methodology", lang, statuses=list(STATUS_COLOUR), settings=settings, calibration=cal,
                  unsd=[unsd_label(c, lang) for c in UNSD_CATEGORIES], heldout=heldout_note(lang, calibration),
                  backtest=backtest_rows(backtest, indicators, lang), backtest_summary=backtest_summary(backtest, lang),
                  rc_summary=reference_class_summary(backtest, lang),
                  held_out=backtest_rows(backtest, indicators, lang, held_out=True),
                  held_out_summary=backtest_summary(backtest, lang, held_out=True),
                  single_series=single_series_rows(single_series, indicators, lang),
                  single_series_summary=single_series_summary(single_series, lang))

