"""pandera schemas of the assess stage's tables (assessments.csv, national_assessments.csv)."""

from __future__ import annotations

from pandera.pandas import Check, Column, DataFrameSchema

from analysis.assess.forecast import STATUSES


def assessments_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "target_fact_id": Column(str, unique=True), "status": Column(str, Check.isin(STATUSES)),
        "p_meet": Column(float, Check.in_range(0, 1), nullable=True),
        "n_points": Column(int, Check.ge(0)), "target_year": Column(int),
        "method": Column(str, Check.str_length(min_value=1)),
        "report_keys": Column(str, Check.str_matches(r"^([a-z0-9-]+(;[a-z0-9-]+)*)?$"), required=False),
    }, strict=False)


def national_assessments_schema() -> DataFrameSchema:
    return DataFrameSchema({
        "national_target_id": Column(str), "province_code": Column(str), "boundary": Column(str),
        "status": Column(str, Check.isin(STATUSES)), "p_meet": Column(float, Check.in_range(0, 1), nullable=True),
        "n_points": Column(int, Check.ge(1)), "rank": Column("Int64", Check.ge(1), nullable=True),
    }, strict=False, unique=["national_target_id", "province_code", "boundary"])
