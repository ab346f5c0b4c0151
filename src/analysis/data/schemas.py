"""pandera schemas for every raw and processed table.

Raw schemas take the id lists they check against (provinces, indicators, sources), so the same
schema code validates the shipped data and any fixture project.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from analysis.catalogue import LANGS

ID = r"^[a-z0-9][a-z0-9_-]*$"
# Curated rows: two letters and a number (QN-S001); panel rows: panel prefix, province code, year (GT-22-2016).
FACT_ID = r"^([A-Z]{2}-[A-Z]?\d{3}|[A-Z][A-Z0-9]-[0-9A-Z]{2}-\d{4})$"
PERIOD = r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$"
BREAKDOWN = r"^(total|[a-z_]+=[a-z0-9_]+)$"
PROVINCE_CODE = r"^(\d{2}|VN)$"
KINDS = ["observation", "target", "recommendation"]
COMPARATORS = [">=", "<=", "="]
BOUNDARIES = ["pre2025", "post2025"]
FLAGS = ["derived", "approx", "lower_bound", "upper_bound", "year_inferred", "from_words", "monthly",
         "partial_year", "mirror", "from_list_position",
         # first observation under a new definition or method: a series is never joined across it
         "definition_break",
         # computed by aggregating pre-2025 provinces into a post-2025 province (analysis.data.aggregate)
         "aggregated",
         # figure published as preliminary (GSO 'Sơ bộ' / 'Prel.')
         "preliminary"]
UNITS = ["percent", "persons", "learner_turns", "billion_vnd", "million_vnd", "teams", "count", "rank", "score",
         "index_0_1", "services", "documents", "accounts", "classes", "organisations", "procedures", "dossiers",
         "per_1000", "per_100_staff", "persons_per_team", "pp_per_year", "institutions", "targets", "tasks",
         "thousand_persons", "points_0_10", "points_0_100", "papi_score", "papi_dimension"]
SOURCE_TYPES = ["journal_article", "news_article", "party_conclusion", "government_decision", "statistical_table",
                "ranking_report", "resolution", "dataset", "report", "programme", "web_page"]
# How an indicator is aggregated when pre-2025 provinces merge (analysis.data.aggregate): weighted means name the
# indicator that gives the weights.
AGGREGATIONS = ["sum", "ratio_of_sums", "not_aggregable", "weighted_mean:labour_force", "weighted_mean:population"]
UNKNOWABLE = ["issuer_author", "title", "date", "publisher", "url", "licence"]


def _text(**kw) -> Column:
    return Column(str, **kw)


def _required(checks=None, **kw) -> Column:
    extra = checks if isinstance(checks, list) else ([checks] if checks is not None else [])
    return Column(str, [Check.str_length(min_value=1, error="value is missing")] + extra, **kw)


def _flags_ok(s):
    return s.map(lambda v: all(f in FLAGS for f in v.split(";")) if v else True)


def sources_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "source_id": _required(checks=Check.str_matches(ID), unique=True),
        "type": _text(checks=Check.isin(SOURCE_TYPES)),
        "issuer_author": _text(), "title": _text(),
        "date": _text(checks=Check.str_matches(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")),
        "publisher": _text(), "url": _text(checks=Check.str_matches(r"^(https?://\S+)?$")),
        "seed_file": _text(), "licence": _text(),
        "language": _text(checks=Check.isin(list(LANGS))),
        "number_format": _text(checks=Check.isin(list(LANGS))),
        "cited_via": _text(), "unknown": _text(
            checks=Check(lambda s: s.map(lambda v: all(f in UNKNOWABLE for f in v.split(";")) if v else True),
                         element_wise=False, error=f"unknown lists only fields among {UNKNOWABLE}")),
        "notes": _text(),
        "notes_vi": _text(required=False, nullable=True),  # the curator's note in Vietnamese, for the vi pages
    }, strict="filter", coerce=False)


def indicators_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "indicator_id": _required(checks=Check.str_matches(ID), unique=True),
        "name_vi": _required(), "name_en": _required(),
        "unit": _text(checks=Check.isin(UNITS)),
        "better": _text(checks=Check.isin(["higher", "lower", "neither"])),
        "lower_bound": Column(float, nullable=True), "upper_bound": Column(float, nullable=True),
        "aggregation": _text(checks=Check.isin(AGGREGATIONS)),
        "numerator_id": _text(), "denominator_id": _text(),
        "definition": _required(), "comparability": _text(), "comparability_vi": _text(required=False),
        "definition_vi": _text(required=False),
    }, strict="filter")


def facts_schema(provinces: list[str], indicators: list[str], sources: list[str]) -> DataFrameSchema:
    return DataFrameSchema({
        "fact_id": _required(checks=Check.str_matches(FACT_ID), unique=True),
        "province_code": _text(checks=[Check.str_matches(PROVINCE_CODE),
                                       Check.isin(provinces, error="unknown province code")]),
        "boundary": _text(checks=Check.isin(BOUNDARIES)),
        "indicator_id": _text(checks=Check.isin(indicators, error="unknown indicator id")),
        "breakdown": _text(checks=Check.str_matches(BREAKDOWN)),
        "kind": _text(checks=Check.isin(KINDS)),
        "period": _text(checks=Check.str_matches(PERIOD, error="period must be YYYY, YYYY-MM-DD or a range A/B")),
        "year": Column(int, Check.in_range(1990, 2100)),
        "value": Column(float, Check(lambda s: s.abs() < 1e15, error="value must be finite")),
        "unit": _text(checks=Check.isin(UNITS)),
        "comparator": _text(checks=Check.isin([""] + COMPARATORS)),
        "baseline_year": Column("Int64", Check.in_range(1990, 2100), nullable=True),
        "tracked_by": _text(checks=Check.isin([""] + indicators, error="unknown indicator id")),
        "source_id": _text(checks=Check.isin(sources, error="unknown source id")),
        "cited_source_id": _text(checks=Check.isin([""] + sources, error="unknown source id")),
        "locator": _required(), "as_written": _required(),
        "flags": _text(checks=Check(_flags_ok, error=f"flags must be ';'-separated among {FLAGS}")),
        "scope_note": _text(),
    }, strict="filter")


def population_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "province_code": _text(checks=Check.str_matches(PROVINCE_CODE)),
        "name_vi": _required(), "name_en_gso": _required(),
        "year": Column(int, Check.in_range(2000, 2100)),
        "area_km2": Column(float, Check.gt(0)),
        "avg_population_thousand": Column(float, Check.gt(0)),
        "density_per_km2": Column(float, Check.gt(0)),
        "source_id": _required(),
    }, strict="filter", unique=["province_code", "year"])


def crosswalk_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "old_code": _text(checks=Check.str_matches(r"^\d{2}$"), unique=True),
        "old_name": _required(),
        "new_code": _text(checks=Check.str_matches(r"^\d{2}$")),
        "new_name": _required(), "source_id": _required(),
    }, strict="filter")


def dti_schema(provinces: list[str]) -> DataFrameSchema:
    score = dict(checks=Check.in_range(0, 1), nullable=True)
    cols = {c: Column(float, **score) for c in [
        "digital_awareness", "digital_institutions", "digital_infrastructure", "digital_workforce", "cybersecurity",
        "digital_government_activity", "digital_economy_activity", "digital_society_activity", "pdti_score"]}
    return DataFrameSchema({
        "year": Column(int), "pdti_rank": Column(int, Check.in_range(1, 63)),
        "province_code": _text(checks=Check.isin(provinces, error="unknown province code"), unique=True),
        "name_as_published": _required(), **cols, "source_id": _required(),
    }, strict="filter")


def national_targets_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "decision": _required(), "issued": _text(checks=Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "target_year": Column(int, Check.in_range(2020, 2050)),
        "indicator_en": _required(), "indicator_vi_summary": _required(),
        "comparator": _text(checks=Check.isin(COMPARATORS)),
        "value": Column(float, Check.in_range(0, 100)), "unit": _text(checks=Check.isin(["percent"])),
        "where_found": _text(), "source_id": _required(),
        "indicator_id": _text(), "breakdown": _text(),
    }, strict="filter")


# ---------------------------------------------------------------- processed tables
def processed_facts_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "fact_id": Column(str, unique=True), "province_code": Column(str), "boundary": Column(str),
        "province_key": Column(str, nullable=True), "province_name_vi": Column(str),
        "indicator_id": Column(str), "kind": Column(str, Check.isin(KINDS)),
        "year": Column(int), "value": Column(float), "unit": Column(str, Check.isin(UNITS)),
        "source_id": Column(str), "as_written": Column(str),
        # the reports that show the figure (data.provinces.fact_reports), ';'-joined keys of reports.csv
        "report_keys": Column(str, Check.str_matches(r"^([a-z0-9-]+(;[a-z0-9-]+)*)?$")),
    }, strict=False)


def derived_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "derived_id": Column(str, unique=True), "province_code": Column(str), "indicator_id": Column(str),
        "year": Column(int), "value": Column(float, Check.ge(0)), "unit": Column(str, Check.isin(UNITS)),
        "derivation": Column(str, Check.str_length(min_value=10)), "inputs": Column(str, Check.str_length(min_value=1)),
    }, strict=False)


def audit_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "check_id": Column(str, unique=True), "kind": Column(str), "description": Column(str),
        "result": Column(str, Check.isin(["ok", "mismatch", "finding"])),
        "computed": Column(float, nullable=True), "stated": Column(float, nullable=True),
        "discrepancy": Column(float, nullable=True),
    }, strict=False)


def tracking_schema(outcomes: list[str]) -> DataFrameSchema:
    """data/raw/tracking_*.csv: one record per target saying what tracks it and what was searched."""
    return DataFrameSchema({
        "target_fact_id": Column(str, Check.str_length(min_value=1)),
        "tracked_by": Column(str),
        "outcome": Column(str, Check.isin(outcomes)),
        "searched": Column(str),
        "comparability": Column(str),
        "note": Column(str),
    }, strict=False)


def provinces_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "province_code": Column(str), "boundary": Column(str, Check.isin(BOUNDARIES)),
        "key": Column(str, Check.str_matches(r"^[a-z0-9-]+$")), "name_vi": Column(str), "name_en": Column(str),
        "territory_changed": Column(bool),
        "report_key": Column(str, Check.str_matches(r"^([a-z0-9-]+)?$")),
    }, strict=False, unique=["province_code", "boundary"])


def reports_schema(provinces) -> DataFrameSchema:
    """reports.csv: one row per report, its key and its successor's report among the registry's report keys."""
    keys = sorted(k for k in set(provinces["report_key"]) if k)
    return DataFrameSchema({
        "province_key": Column(str, Check.isin(keys, error="not a report key of the registry"), unique=True),
        "province_code": Column(str, Check.str_matches(r"^\d{2}$")), "boundary": Column(str, Check.isin(BOUNDARIES)),
        "name_vi": _required(), "name_en": _required(),
        "successor_code": Column(str, Check.str_matches(r"^\d{2}$")),
        "successor_key": Column(str, Check.isin(keys, error="not a report key of the registry")),
        "territory_changed": Column(bool), "in_force": Column(bool),
    }, strict=True, unique=["province_code", "boundary"])


SchemaError = pa.errors.SchemaErrors
