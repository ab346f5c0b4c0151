"""A target's yearly series from the evidence base: one single-year figure per year, never joined across a
definition change; and the indicator facts the assessment needs (bounds, rank, flags)."""

from __future__ import annotations

import pandas as pd

from analysis.assess.target import RANK_UNITS


def target_series(obs, province_code: str, boundary: str, indicator: str, breakdown: str):
    """Observations for one target: one value per year (the latest-dated one when a year has several).

    Only single-year values count (a multi-year total such as 2021/2023 is not a point of a yearly series),
    and a series is never joined across a definition change: only the observations from the latest one
    flagged ``definition_break`` on are kept (``attrs['break_year']`` says where it was cut).
    """
    d = obs[(obs["province_code"] == province_code) & (obs["boundary"] == boundary)
            & (obs["indicator_id"] == indicator) & (obs["breakdown"] == breakdown)]
    return yearly(d)


def one_per_year(d: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """One figure per year (and per ``by``): a single-year figure over a span of years ('2021/2023'), then the
    figure of a new vintage (flagged definition_break), then the latest-dated one ('2023-09-04' over
    '2023-08-22'); on a tie, the one that comes last in the table. Rows come back sorted by ``by`` and year. The
    assessment, the indicator pages and the report all read a year's figure by this rule."""
    keys = [*(by or []), "year"]
    o = d.assign(_single=d["period"].astype(str).map(single_year).astype(bool), _new=starts_series(d))
    o = o.sort_values([*keys, "_single", "_new", "period"], kind="stable")
    return o.groupby(keys, as_index=False, sort=False).tail(1).drop(columns=["_single", "_new"])


def yearly(d):
    """One single-year observation per year (:func:`one_per_year`), from the latest definition break on."""
    single = d["period"].astype(str).map(single_year).astype(bool)
    d = one_per_year(d.loc[single])
    cut = latest_break(d)
    if cut is not None:
        d = d[d["year"] >= cut]
    d.attrs["break_year"] = cut
    return d


def starts_series(d: pd.DataFrame) -> pd.Series:
    """Which figures start a new series: flagged ``definition_break`` (a new vintage or method)."""
    return d["flags"].fillna("").astype(str).str.contains("definition_break")


def vintages(d: pd.DataFrame, breaks) -> list[pd.DataFrame]:
    """The rows of ``d`` (with a ``year`` column) cut into one part per vintage, each of ``breaks`` (the years of
    figures that start a new series) starting a part: a panel is never joined across a break. Empty parts are
    left out."""
    years = d["year"].astype(int)
    edges = [int(years.min()), *sorted(set(int(y) for y in breaks)), int(years.max()) + 1]
    parts = (d[(years >= lo) & (years < hi)] for lo, hi in zip(edges[:-1], edges[1:]))
    return [p for p in parts if len(p)]


def latest_break(d: pd.DataFrame) -> int | None:
    """The year of the latest figure that starts a new series (:func:`starts_series`), None without one."""
    years = d.loc[starts_series(d), "year"]
    return int(years.max()) if len(years) else None


def single_year(period: str) -> bool:
    """'2023', '2023-06', '2023-12-31' are single-year periods; '2021/2023' is not (unless within one year)."""
    if "/" not in period:
        return True
    start, end = period.split("/", 1)
    return start[:4] == end[:4]


def break_note(s) -> str:
    """The note that a series was cut at a definition change (empty without one)."""
    cut = s.attrs.get("break_year")
    return (f" The definition changed in {cut}: only observations from {cut} on are used (the series is not "
            "joined across the change).") if cut is not None else ""


def flags_of(s) -> list[str]:
    """One flag string per figure of a series."""
    return [f if isinstance(f, str) else "" for f in s["flags"]]


def is_rank(ind, indicator: str) -> bool:
    """Whether an indicator's values are ranks (never forecast as a continuous number)."""
    return "unit" in ind.columns and str(ind.at[indicator, "unit"]) in RANK_UNITS


def bounds_of(ind, indicator: str) -> tuple[float | None, float | None] | None:
    """An indicator's (lower, upper) bounds from the indicators table indexed by id; None without either."""
    lo, hi = ind.at[indicator, "lower_bound"], ind.at[indicator, "upper_bound"]
    if pd.isna(lo) and pd.isna(hi):
        return None
    return (None if pd.isna(lo) else float(lo), None if pd.isna(hi) else float(hi))

