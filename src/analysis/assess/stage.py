"""data/processed -> assess -> data/processed: ``make assess`` (``analysis assess``) runs ``build()``.

Reads the tables ``make data`` wrote (facts, indicators, tracking, national_targets, population) and writes, beside them,
the assessment of every target (assessments.csv), every province against each national target
(national_assessments.csv), the real-data backtest of the forecasts (backtest.csv) and of the single-series method
(single_series_backtest.csv), each validated and added to manifest.json and metadata.json, so ``load_processed``
checks them like the data stage's tables. Nothing is replaced until all four are made: the files are written beside their targets first, the manifest
is updated, then each file is moved into place (a kill in between leaves a table the manifest refuses).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.assess import backtest
from analysis.assess import single_series_tuning
from analysis.assess.forecast import assess_all, assess_national
from analysis.assess import schemas
from analysis.data.curated import load_families
from analysis.data.manifest import record, sha256
from analysis.forked import Forked
from analysis.data.store import load_processed

INPUTS = ("facts", "indicators", "tracking", "national_targets", "population")
DESCRIPTIONS = {
    "assessments": "Every target assessed (analysis.assess.forecast): status, p_meet, projection and intervals, number of "
                   "data points and years, UN SDG Progress Chart category, method; for a target with one figure "
                   "still ahead, ref_*: how many yearly changes of comparable series (its indicator's families, same "
                   "unit, other provinces and the whole country) there are, from how many series and years, and how "
                   "many were at least as fast as the pace it needs (analysis.assess.pace_reference; a description, "
                   "not a chance); the reports that show it (report_keys, from facts.csv).",
    "national_assessments": "Every province (and the whole country) with a series for a national target, "
                            "assessed against it (analysis.assess.forecast.assess_national): status, p_meet, projection, "
                            "intervals, number of data points and years, rank among provinces; meet_*: where statuses are panel "
                            "forecasts, how many of those provinces would meet the target, counted from joint draws "
                            "(expected number and 80% range; analysis.assess.panel_counts).",
    "backtest": "Real-data backtest of the forecasts (analysis.assess.backtest): on every all-province panel, one "
                "row per horizon: cases, mean absolute error of the panel engine and of the two naive rules (last "
                "value; last value plus the panel's average change), the engine's ratio to the better rule, its "
                "80%/95% interval coverage (origins: the years forecast from; cov80_lo-cov80_hi: the range, 90% of draws, "
                "that a calibrated 80% interval would give when the provinces share each origin's miss, "
                "analysis.assess.coverage_range), Brier skill against the base rate (A: keep the typical pace; B: catch "
                "up with the leaders) and log score. Rolling origins, fitted on the years up to each origin only. "
                "rc_*: the backtest of a chance read from one figure and the share of the other provinces' changes "
                "as fast (analysis.assess.reference_class; threshold B): cases, origins, base rate, Brier skill, "
                "its lower 90% limit (bootstrap of origins), recalibration slope, and whether it passes. "
                "held_out: the GSO population and density panels (E02.01), on which no setting was chosen.",
    "single_series_backtest": "Real-data backtest of the single-series method (analysis.assess.single_series_tuning): "
                              "every province of every panel taken alone, each panel left out in turn (population "
                              "and density together, steady), with the error table learned on the others; one row "
                              "per panel and horizon: cases, mean absolute error (ae) and the naive rules' (ae_last: "
                              "the last value stays; ae_own: its own average yearly change; ae_drift: the panel's), "
                              "ratio to the better of last and own (ratio) and of all three (ratio_panel), 80%/95% "
                              "interval coverage, the James-Stein constant used (shrink).",
}


def assess_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The four assessment tables from the processed ``facts``, ``indicators``, ``tracking`` and
    ``national_targets``, validated with their pandera schemas."""
    facts, indicators = tables["facts"], tables["indicators"]
    # whole years, as the data stage made them (a CSV reads a column with gaps back as floats: 2022.0)
    facts = facts.astype({c: "Int64" for c in ("baseline_year", "origin_line") if c in facts})
    tracking = tables["tracking"].fillna("")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        panels = backtest.panels_from_facts(facts, indicators)
        steady = backtest.population_panels(tables["population"]) if "population" in tables else {}
        # the single-series backtest on the core the rest leaves idle
        single_job = Forked(lambda: single_series_tuning.site_backtest(panels, steady))
        assessments = assess_all(facts, indicators, tracking=tracking if len(tracking) else None,
                                 families=tables.get("families"))
        national = assess_national(facts, tables["national_targets"], indicators)
        real_backtest = backtest.panel_summary(panels).assign(held_out=False)
        if steady:
            real_backtest = pd.concat([real_backtest, backtest.held_out_summary(tables["population"])],
                                      ignore_index=True)
        ok, single = single_job.wait()
    if not ok:
        raise RuntimeError(f"the single-series backtest failed: {single}")
    if "report_keys" in facts:  # the reports that show each target, as the data stage said (never worked out here)
        shown = facts.set_index("fact_id")["report_keys"].fillna("")
        assessments["report_keys"] = assessments["target_fact_id"].map(shown).fillna("")
    schemas.assessments_schema().validate(assessments)
    schemas.national_assessments_schema().validate(national)
    return {"assessments": assessments, "national_assessments": national, "backtest": real_backtest,
            "single_series_backtest": single}


def write_tables(out: dict[str, pd.DataFrame], folder: Path) -> None:
    """Write the tables into ``folder`` and record them in its manifest (see the module's docstring)."""
    folder = Path(folder)
    temps = {name: folder / f".{name}.csv.{os.getpid()}.tmp" for name in out}
    try:
        for name, df in out.items():
            df.to_csv(temps[name], index=False, encoding="utf-8")
        record(folder,
               {n: {"path": f"{n}.csv", "rows": int(len(df)), "sha256": sha256(temps[n])} for n, df in out.items()},
               {n: {"path": f"{n}.csv", "rows": int(len(df)), "columns": list(df.columns),
                    "description": DESCRIPTIONS.get(n, "")} for n, df in out.items()})
        for name, tmp in temps.items():  # after the manifest, and dated after it (make compares the dates)
            os.replace(tmp, folder / f"{name}.csv")
            os.utime(folder / f"{name}.csv")
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def build(processed_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Assess from data/processed and write the assessment tables there; ProcessedDataError if an input is
    missing or not the one ``make data`` wrote (nothing written)."""
    folder = Path(processed_dir or config.processed_dir())
    out = assess_tables({name: load_processed(name, folder) for name in INPUTS}
                        | {"families": load_families(folder)})
    write_tables(out, folder)
    return out
