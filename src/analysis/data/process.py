"""data/raw -> validate -> data/processed. ``make data`` runs ``build()``; the assessments are the next stage's
(``analysis.assess.stage``, ``make assess``), which reads these tables.

Outputs (CSV, UTF-8): provinces, reports (the province registry: which reports exist), facts, population, tracking, derived, audit, sources, indicators, dti_2022,
national_targets, plus metadata.json describing origin, licence and processing of each table, and
manifest.json with each table's rows and sha256: ``load_processed`` refuses a table that does not match it.
Files are written to a temporary folder first and moved into place only when all are valid.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.atomic import swap_dir
from analysis.data import schemas
from analysis.data.aggregate import aggregate_to_2025
from analysis.data.audit import run_audit
from analysis.data.derive import derive_all
from analysis.data.manifest import MANIFEST
from analysis.data.manifest import sha256 as _sha256
from analysis.data.provinces import build_provinces, fact_reports, report_rows, with_reports
from analysis.data.store import MULTI_EDITION_TYPES, data_version, full_citation, load_processed, source_year  # noqa: F401
from analysis.data.raw import LINE
from analysis.data.validate import FILE, RawData, load_raw

PRIVATE = [LINE, FILE]
# curated YAML files the report and site stages use, copied as they are into data/processed
CURATED_FILES = ("indicator_families.yaml", "regions_gso.yaml")


def _citation(src: pd.DataFrame) -> pd.Series:
    return src.apply(lambda r: full_citation(r, "en"), axis=1)


def build_tables(raw: RawData) -> dict[str, pd.DataFrame]:
    """Every processed table, in memory, validated with its pandera schema."""
    provinces = with_reports(build_provinces(raw.crosswalk, raw.population))
    reports = pd.DataFrame(report_rows(provinces.to_dict("records")))
    pk = provinces.set_index(["province_code", "boundary"])
    ind = raw.indicators.set_index("indicator_id")
    src = raw.sources.copy()
    src["citation"] = _citation(src)
    facts = raw.facts.copy()
    idx = list(zip(facts["province_code"], facts["boundary"]))
    facts["province_key"] = [pk["key"].get(i) for i in idx]
    facts["province_name_vi"] = [pk["name_vi"].get(i) for i in idx]
    facts["province_name_en"] = [pk["name_en"].get(i) for i in idx]
    facts["indicator_name_vi"] = facts["indicator_id"].map(ind["name_vi"])
    facts["indicator_name_en"] = facts["indicator_id"].map(ind["name_en"])
    facts["source_citation"] = facts["source_id"].map(src.set_index("source_id")["citation"])
    facts["origin_file"] = "data/raw/" + facts[FILE]
    facts["origin_line"] = facts[LINE]
    facts["baseline_year"] = facts["baseline_year"].astype("Int64")
    facts = facts.drop(columns=PRIVATE)

    population = raw.population.drop(columns=PRIVATE)
    agg = aggregate_to_2025(facts, raw.indicators, raw.crosswalk, population)
    if len(agg):
        post = pk.xs("post2025", level="boundary")
        agg["province_key"] = agg["province_code"].map(post["key"])
        agg["province_name_vi"] = agg["province_code"].map(post["name_vi"])
        agg["province_name_en"] = agg["province_code"].map(post["name_en"])
        agg["origin_file"] = "analysis.data.aggregate"
        agg["origin_line"] = pd.NA
        facts = pd.concat([facts.assign(derivation="", inputs=""), agg], ignore_index=True)
        facts["origin_line"] = facts["origin_line"].astype("Int64")
    facts["report_keys"] = fact_reports(facts, provinces)  # the one rule of which report shows a figure
    derived = derive_all(facts, raw.indicators, population)
    audit = run_audit(raw.checks, facts)
    tables = {
        "provinces": provinces, "reports": reports, "facts": facts,
        "tracking": (raw.tracking.drop(columns=PRIVATE) if raw.tracking is not None else
                     pd.DataFrame(columns=["target_fact_id", "tracked_by", "outcome", "searched", "searched_en",
                                           "comparability", "note"])), "derived": derived, "audit": audit,
        "population": population, "sources": src.drop(columns=PRIVATE),
        "indicators": raw.indicators.drop(columns=PRIVATE, errors="ignore"),
        "dti_2022": raw.dti.drop(columns=PRIVATE), "national_targets": raw.national_targets.drop(columns=PRIVATE),
    }
    schemas.provinces_schema().validate(provinces)
    schemas.reports_schema(provinces).validate(reports)
    schemas.processed_facts_schema().validate(facts)
    schemas.derived_schema().validate(derived)
    schemas.audit_schema().validate(audit)
    return tables


DESCRIPTIONS = {
    "provinces": "63 provinces before 1 July 2025 and 34 after, with keys, names, successor and latest GSO "
                 "area and population, whether the territory changed on 1 July 2025 and the key of the report "
                 "that shows it. Derived from admin_crosswalk_2025.csv and population_gso.csv.",
    "reports": "One row per province report, each territory once: the 63 provinces before 1 July 2025 (in force "
               "where the territory did not change) and the merged provinces of the 34 under their -2025 keys, with "
               "names, GSO code, successor and the report of the province each became part of. From provinces.",
    "facts": "Every numeric observation and target from the seed documents (facts_seeds.csv), the press and "
             "portal series (facts_press.csv, facts_series_*.csv) and the all-province panels (facts_panel_*.csv), "
             "with province and indicator names and a citation added; plus the observations of the 34 provinces "
             "of 1 July 2025 aggregated from their pre-2025 parts by each indicator's rule (flag 'aggregated', "
             "with 'derivation' and 'inputs'); 'report_keys' lists the reports that show each figure (reports.csv).",
    "derived": "Derived indicators (recomputed shares, per 1,000 inhabitants, members per team, spending per "
               "learner-turn, learner-turns per 100 staff). Each row gives its derivation and input facts.",
    "audit": "Consistency audit: every check in consistency_checks.yaml with its result and discrepancy.",
    "population": "GSO table E02.01 (area, average population, density), 2011–2024, as published.",
    "tracking": "One record per target: the series that tracks it (or a declared proxy), what was searched for it "
                "and the outcome (data/raw/tracking_*.csv).",
    "sources": "Every document used, with bibliographic record; empty fields are listed in 'unknown'.",
    "indicators": "Indicator catalogue: names, unit, direction, bounds, aggregation rule, comparability.",
    "dti_2022": "DTI 2022 provincial ranking (all 63 ranks; scores for the top five only).",
    "national_targets": "National targets of Decisions 749/QĐ-TTg and 146/QĐ-TTg.",
}


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path, raw_dir: Path,
                 documents_checked: str | None = None) -> Path:
    """Write all tables and metadata.json into ``out_dir`` atomically (temp folder, then rename)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".processed-", dir=out_dir.parent))
    try:
        meta = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "data_version": data_version(raw_dir), "generator": "analysis.data.process.build",
                "licence": "Project code MIT; each figure keeps the licence of its source (see sources.csv)",
                "documents_checked": (f"as_written spans and years checked against the document texts in "
                                      f"{documents_checked}" if documents_checked else
                                      "not checked: the document texts were not available (set "
                                      "ANALYSIS_DOCUMENTS_DIR)"),
                "tables": {}}
        if "facts" in tables and "origin_file" in tables["facts"]:
            meta["facts_by_file"] = facts_by_file(tables["facts"])
        for name, df in tables.items():
            df.to_csv(tmp / f"{name}.csv", index=False, encoding="utf-8")
            meta["tables"][name] = {"path": f"{name}.csv", "rows": int(len(df)), "columns": list(df.columns),
                                    "description": DESCRIPTIONS.get(name, "")}
        (tmp / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        manifest = {"data_version": meta["data_version"], "generated_at": meta["generated_at"],
                    "tables": {name: {"path": f"{name}.csv", "rows": int(len(df)),
                                      "sha256": _sha256(tmp / f"{name}.csv")} for name, df in tables.items()}}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        keep = out_dir / "README.md"
        if keep.exists():
            shutil.copy2(keep, tmp / "README.md")
        for curated in CURATED_FILES:  # validated with data/raw; later stages read them from here
            if (Path(raw_dir) / curated).exists():
                shutil.copy2(Path(raw_dir) / curated, tmp / curated)
        swap_dir(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def facts_by_file(facts: pd.DataFrame) -> dict[str, int]:
    """How many facts each raw file gave (the 2025 aggregates left out): the next build compares against it."""
    own = facts.loc[facts["origin_file"].str.endswith(".csv"), "origin_file"]
    return {str(k): int(v) for k, v in own.value_counts().sort_index().items()}


def shrunk_files(before: dict[str, int], after: dict[str, int], share: float = 0.1, least: int = 5) -> list[str]:
    """One line per raw file that gives far fewer facts than at the last build (gone, or ``share`` of its rows
    and at least ``least`` rows fewer): a file cut short at a row boundary reads as valid, so say it."""
    lines = []
    for name, was in sorted(before.items()):
        now = after.get(name, 0)
        if was - now >= max(least, share * was):
            lines.append(f"{name}: {now} facts, {was} at the last build ({was - now} fewer); if that was not "
                         f"meant, restore the file (git checkout -- {name})")
    return lines


def build(raw_dir: Path | None = None, out_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Validate data/raw and write data/processed. Raises DataError (nothing written) on bad input."""
    raw = load_raw(raw_dir)
    tables = build_tables(raw)
    write_tables(tables, out_dir or config.processed_dir(), raw.raw_dir, raw.documents_checked)
    return tables
