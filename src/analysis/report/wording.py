"""The words of the province report's cells: breakdowns, flags, periods, values, targets, search outcomes."""

from __future__ import annotations

import re

import pandas as pd

from analysis.catalogue import msg
from analysis.labels import breakdown_label, flag_label, search_outcome_label
from analysis.numbers import format_value
from analysis.report import citations
from analysis.report.context import ProvinceContext

SEARCH_OUTCOMES = ("series_found", "proxy_series", "partial", "not_published")


def ind_name(ctx: ProvinceContext, ind: str) -> str:
    return ctx.indicators.at[ind, f"name_{ctx.lang}"]


def flag_words(flags, lang: str) -> str:
    if not isinstance(flags, str) or not flags:
        return ""
    return "; ".join(w for w in (flag_label(f, lang) for f in flags.split(";")) if w)


def period_words(p: str, lang: str) -> str:
    p = str(p)
    if "/" in p:
        a, b = p.split("/")
        return f"{period_words(a, lang)}–{period_words(b, lang)}"
    if len(p) == 10:
        y, m, d = p.split("-")
        return msg("nb_date", lang, d=int(d), m=int(m), y=y)
    return p


def value_words(v: float, unit: str, flags, lang: str) -> str:
    s = format_value(v, unit, lang)
    fl = flags.split(";") if isinstance(flags, str) else []
    if "lower_bound" in fl:
        s = msg("nb_more_than", lang) + s
    elif "upper_bound" in fl:
        s = msg("nb_less_than", lang) + s
    elif "approx" in fl:
        s = msg("nb_about", lang) + s
    return s


def boundary_cell(row, ctx: ProvinceContext) -> str:
    if row.get("boundary") == "post2025" and not ctx.merged:
        return msg("nb_merged_province_after_1_july", ctx.lang)
    return ""


def as_written(text: str) -> str:
    """The figure as the source wrote it; a bare dataset cell (52.6) is not a quotation worth repeating."""
    if not isinstance(text, str) or re.fullmatch(r"[\d.,\s%-]*", text):
        return ""
    return f"“{text}”"


def shown_indicator(a) -> str:
    """The indicator whose figures a target's status rests on: its proxy (``tracked_by``) where it has one."""
    tracked = a.get("tracked_by")
    return tracked if isinstance(tracked, str) and tracked else a["indicator_id"]


def target_name(ctx: ProvinceContext, a, with_year: bool = False) -> str:
    """The target's indicator, with its breakdown when it is not the total and its year if asked:
    '… (district)', '… (district, 2025)', '… (2025)'."""
    extra = [breakdown_label(a["breakdown"], ctx.lang)] if a["breakdown"] != "total" else []
    extra += [str(int(a["target_year"]))] if with_year else []
    return ind_name(ctx, a["indicator_id"]) + (f" ({', '.join(extra)})" if extra else "")


def drop_empty_columns(df: pd.DataFrame, empty: str = "–") -> pd.DataFrame:
    """Leave out the columns in which every row is ``empty`` (e.g. forecasts when no target has a series)."""
    if df.empty:
        return df
    return df.loc[:, [c for c in df.columns if not (df[c].astype(str) == empty).all()]]


def search_outcome(a, lang: str) -> str:
    return search_outcome_label(a.get("search_outcome"), lang)


def source_names(sources: pd.DataFrame, source_ids, lang: str = "vi") -> str:
    """Sources for a chart's source line: author or agency and year ('Tạp chí Cộng sản (TCCS) (không rõ năm)')."""
    known = set(sources["source_id"])
    names = [citations.source_label(sources, sid, lang) for sid in sorted(set(source_ids)) if sid in known]
    return "; ".join(dict.fromkeys(names))


def source_line(ctx: ProvinceContext, source_ids) -> str:
    return source_names(ctx.sources, source_ids, ctx.lang)
