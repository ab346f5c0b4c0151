"""The report's charts: qualifications, training, each indicator's series with its projection fan, and each
target's projection (matplotlib, in the house style of ``report.charts``)."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pandas as pd

from analysis import config
from analysis.assess.assessment import FORECAST_STATUSES
from analysis.assess.forecast import national_target_row, predictive, single_year
from analysis.assess.panel import METHOD as PANEL_METHOD
from analysis.assess.series import starts_series, yearly
from analysis.assess.target import MAX_DATA_AGE, is_bound, part_of_year
from analysis.catalogue import msg
from analysis.data.store import load_processed
from analysis.numbers import format_number, format_percent, format_value, unit_label
from analysis.report import charts
from analysis.report.context import ProvinceContext
from analysis.report.findings import chance_words
from analysis.labels import breakdown_label, target_words
from analysis.report.wording import ind_name, period_words, source_line


def qualification_chart(ctx: ProvinceContext) -> charts.Chart | None:
    """IT officials by qualification (counts), where the source gives the split."""
    L = ctx.lang
    f = ctx.facts[(ctx.facts["indicator_id"] == "it_officials") & (ctx.facts["breakdown"] != "total")]
    if f.empty:
        return None
    f = f.sort_values("value", ascending=False)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    labels = [breakdown_label(b, L) for b in f["breakdown"]]
    ax.barh(labels, f["value"], color=charts.PALETTE[0])
    for y, v in enumerate(f["value"]):
        ax.text(v, y, " " + format_number(v, L), va="center", fontsize=9)
    ax.invert_yaxis()
    charts.number_axis(ax, L, "x")
    period = period_words(f["period"].iloc[0], L)
    title = msg("nb_qualification_title", L, province=ctx.name, period=period)
    parts = ", ".join(f"{lab} {format_number(v, L)}" for lab, v in zip(labels, f["value"]))
    alt = msg("nb_qualification_alt", L, province=ctx.name, period=period, parts=parts)
    return charts.finish(fig, ax, title=title, ylabel="", xlabel=msg("nb_persons", L),
                         source=source_line(ctx, f["source_id"]), alt=alt, stem=f"{ctx.key}-qualification-{L}",
                         lang=L)


def training_chart(ctx: ProvinceContext) -> charts.Chart | None:
    """Learner-turns by year (bars) with spending per turn labelled on each bar."""
    L = ctx.lang
    f = ctx.facts[(ctx.facts["indicator_id"] == "training_learner_turns") & ~ctx.facts["period"].str.contains("/")]
    if len(f) < 1:
        return None
    f = f.sort_values("year")
    per = ctx.derived[(ctx.derived["indicator_id"] == "training_spending_per_turn")].set_index("period")["value"]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.bar(f["year"].astype(str), f["value"], color=charts.PALETTE[2])
    for x, (y, v) in enumerate(zip(f["period"], f["value"])):
        extra = per.get(y)
        lab = format_number(v, L) + ("" if extra is None else
                                     f"\n{format_number(extra, L, 2)} {msg('nb_per_turn_unit', L)}")
        ax.text(x, v, lab, ha="center", va="bottom", fontsize=8.5)
    top = float(f["value"].max()) * 1.3  # room for the labels above the bars
    ax.set_ylim(0, top)
    charts.number_axis(ax, L)
    title = msg("nb_training_title", L, province=ctx.name)
    seq = ", ".join(f"{y}: {format_number(v, L)}" for y, v in zip(f["year"], f["value"]))
    alt = msg("nb_training_alt", L, province=ctx.name, seq=seq)
    chart = charts.finish(fig, ax, title=title, ylabel=msg("nb_learner_turns", L),
                          xlabel="", source=source_line(ctx, f["source_id"]), alt=alt,
                          stem=f"{ctx.key}-training-{L}", lang=L)
    chart.y_range = (0.0, top)  # the interactive twin keeps the room for the labels too
    return chart


def indicator_bounds(ctx: ProvinceContext, ind: str):
    lo, hi = ctx.indicators.at[ind, "lower_bound"], ctx.indicators.at[ind, "upper_bound"]
    if pd.isna(lo) and pd.isna(hi):
        return None
    return (None if pd.isna(lo) else float(lo), None if pd.isna(hi) else float(hi))


def fan(years, values, until: int, bounds, levels):
    """Fitted path and interval bands from the last year to ``until``."""
    last = int(max(years))
    xs, mid, bands = [last], [float(values[list(years).index(last)])], {lv: ([], []) for lv in levels}
    for lv in levels:
        bands[lv][0].append(mid[0])
        bands[lv][1].append(mid[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for y in range(last + 1, until + 1):
            p = predictive(years, values, y, bounds)
            xs.append(y)
            mid.append(p.projection)
            for lv in levels:
                lo, hi = p.interval(lv)
                bands[lv][0].append(lo)
                bands[lv][1].append(hi)
    return xs, mid, bands


def series_charts(ctx: ProvinceContext, max_charts: int = 6) -> list[charts.Chart]:
    """One chart per indicator observed in 2+ different years (same breakdown and boundary)."""
    obs = ctx.facts[ctx.facts["kind"] == "observation"]
    show = ctx.params.get("show_indicators") or []
    if show:
        obs = obs[obs["indicator_id"].isin(show)]
    # a multi-year total (period 2021/2023) is never a point of a yearly series
    obs = obs[obs["period"].astype(str).map(single_year).astype(bool)]
    target_years, asked = _fan_questions(ctx)
    panel = obs["fact_id"].astype(str).str.match(r"^[A-Z][A-Z0-9]-[0-9A-Z]{2}-\d{4}$")
    out = []
    groups = obs.assign(_panel=panel).groupby(["indicator_id", "breakdown"], sort=False)
    ranked = sorted(groups, key=lambda kv: (kv[0][0] not in asked, bool(kv[1]["_panel"].all()),
                                            -kv[1]["year"].nunique()))
    for (ind, bd), g in ranked:
        if g["year"].nunique() < 2 or len(out) >= max_charts:
            continue
        out.append(_series_chart(ctx, ind, bd, g.sort_values(["year", "period"]), target_years.get(ind, []),
                                 ind in asked))
    return out


def _fan_questions(ctx: ProvinceContext) -> tuple[dict[str, list[int]], set[str]]:
    """A projection is drawn only where it answers a question: a target of this province or a national one, or a
    scenario asked for. The target years of each indicator, and the indicators asked about."""
    nt = load_processed("national_targets", ctx.processed_dir)
    a = ctx.assessments
    target_years: dict[str, list[int]] = {}
    for i, y in list(zip(nt["indicator_id"], nt["target_year"])) + list(zip(
            a["tracked_by"].where(a["tracked_by"].fillna("") != "", a["indicator_id"]), a["target_year"])):
        if isinstance(i, str):
            target_years.setdefault(i, []).append(int(y))
    asked = set(a["indicator_id"]) | set(a["tracked_by"].fillna("")) | set(
        (ctx.params.get("scenarios") or {}).keys()) | set(nt["indicator_id"].dropna())
    return target_years, asked


def _series_chart(ctx: ProvinceContext, ind: str, bd: str, g: pd.DataFrame, target_years: list[int],
                  asked: bool) -> charts.Chart:
    """One indicator's observations (by boundary, flagged ones starred), with a fan where there is a question."""
    L = ctx.lang
    unit = g["unit"].iloc[0]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    # a trend rests on the latest series only: from its latest definition break (a new vintage or method) on
    latest = g[g["boundary"] == g["boundary"].iloc[-1]]
    same = yearly(latest)
    cut = same.attrs["break_year"]
    broken = cut is not None and bool(before_break(latest).any())  # figures of an earlier series are drawn too
    whole = same[~same["flags"].map(part_of_year)]
    trend = whole[~whole["flags"].map(is_bound)]  # the points a trend rests on: whole years, values not bounds
    for boundary, gb in g.groupby("boundary"):
        lab = msg("nb_boundary_before" if boundary == "pre2025" else "nb_boundary_merged", L)
        color = charts.PALETTE[0 if boundary == "pre2025" else 3]
        old = before_break(gb)
        if old.any():  # the series before the break: open dots, its own legend entry, never joined to the rest
            ax.plot(gb.loc[old, "year"], gb.loc[old, "value"], "o", color=color, fillstyle="none", markersize=7,
                    zorder=3, label=f"{lab} – {msg('nb_series_before_break', L, year=int(gb.loc[old, 'year'].max()))}")
        ax.plot(gb.loc[~old, "year"], gb.loc[~old, "value"], "o", color=color, label=lab, markersize=7, zorder=3)
        for _, r in gb.iterrows():
            if isinstance(r["flags"], str) and r["flags"]:
                ax.annotate("*", (r["year"], r["value"]), textcoords="offset points", xytext=(5, 3), fontsize=10)
    if broken:
        ax.axvline(cut - 0.5, color="#888888", linestyle=":", linewidth=1, zorder=1)
    marks = _target_marks(ctx, ind, bd, g["province_code"].iloc[-1], same["boundary"].iloc[-1], unit)
    for year, value, label, _ in marks:  # each target where it is due: how far the figures have to go, at a glance
        ax.plot([year], [value], "*", markersize=13, color=charts.PALETTE[3], label=label, zorder=4)
    # a fan answers a question (a target, a scenario), from three points or more (two give one change, no trend),
    # and from a figure recent enough to colour a status (an older one leaves the question open: said, not drawn)
    can_fan = len(trend) >= 3 and unit not in ("rank",) and asked
    last, now = int((trend if len(trend) else same)["year"].max()), config.build_year()
    with_fan = can_fan and last >= now - MAX_DATA_AGE
    panel = _panel_status(ctx, ind, bd, g["province_code"].iloc[-1], same["boundary"].iloc[-1]) if with_fan else None
    until, width = None, ""
    if panel is not None:  # the status rests on the panel model: its interval is said, no single-series fan drawn
        with_fan = False
        width = " " + msg("nb_fan_panel", L, year=int(panel["target_year"]),
                          level=format_percent(80, L, 0), low=format_value(panel["pi80_low"], unit, L, 1),
                          high=format_value(panel["pi80_high"], unit, L, 1))
    elif can_fan and not with_fan:
        width = " " + msg("nb_fan_outdated", L, year=last, age=MAX_DATA_AGE, now=now)
    elif len(whole) >= 3 and len(trend) < 3 and unit not in ("rank",) and asked:
        width = " " + msg("nb_fan_bounds", L, n=len(whole) - len(trend), total=len(whole), left=len(trend))
    if with_fan:
        until, width = _draw_fan(ax, ctx, trend, ind, unit, target_years)
    if broken:  # said after the fan's sentence, which replaces the others
        width += " " + msg("nb_series_break", L, year=int(cut))
    y_range = None
    if unit == "rank":
        ax.invert_yaxis()
    else:
        y_range = charts.least_span(ax, unit, indicator_bounds(ctx, ind))
    charts.year_ticks(ax, list(g["year"]) + ([until] if with_fan else []) + [m[0] for m in marks])
    charts.number_axis(ax, L)
    ax.legend(fontsize=8, loc="best")
    name = ind_name(ctx, ind) + (f" ({breakdown_label(bd, L)})" if bd != "total" else "")
    title = f"{name} – {ctx.name}"
    uw = unit_label(unit, L) or unit
    ylabel = {"rank": msg("nb_rank_1_best", L),
              "index_0_1": msg("nb_score_0_1", L)}.get(unit, uw)
    seq = ", ".join(f"{y}: {format_value(v, unit, L)}" for y, v in zip(g["year"], g["value"]))
    alt = msg("nb_series_alt", L, indicator=name, province=ctx.name, seq=seq) + width + "".join(
        " " + msg("nb_series_alt_target", L, target=m[2]) for m in marks)
    chart = charts.finish(fig, ax, title=title, ylabel=ylabel, xlabel="", source=source_line(
        ctx, [*g["source_id"], *(m[3] for m in marks)]), alt=alt, stem=f"{ctx.key}-series-{ind}-{bd.replace('=', '-')}-{L}", lang=L)
    chart.caption, chart.y_range = width.strip(), y_range
    return chart


def _target_marks(ctx: ProvinceContext, ind: str, bd: str, code: str, boundary: str,
                  unit: str) -> list[tuple[int, float, str, str]]:
    """(year, value, label, source id) of every target set on this very series: the province's own (not those tracked by a
    proxy, whose figures are of another measure) and the national ones it is assessed against."""
    own = ctx.assessments
    if len(own):
        own = own[(own["indicator_id"] == ind) & (own["breakdown"] == bd) & (own["tracked_by"].fillna("") == "")]
    na = load_processed("national_assessments", ctx.processed_dir)
    na = na[(na["indicator_id"] == ind) & (na["breakdown"] == bd) & (na["province_code"].astype(str) == str(code))
            & (na["boundary"] == boundary)]
    nt = load_processed("national_targets", ctx.processed_dir)
    decisions = {tid: national_target_row(nt, row)["source_id"] for tid, row in zip(na["national_target_id"],
                                                                                    na["target_row"])}
    out = {}
    for rows, key in ((own, "nb_series_target"), (na, "nb_series_target_national")):
        for _, r in rows.iterrows():
            if pd.isna(r["target"]) or pd.isna(r["target_year"]) or r["comparator"] not in (">=", "<="):
                continue
            words = target_words(r["comparator"], float(r["target"]), unit, ctx.lang)
            source = r["source_id"] if key == "nb_series_target" else decisions.get(r["national_target_id"], "")
            out.setdefault((int(r["target_year"]), float(r["target"])),
                           (msg(key, ctx.lang, target=words, year=int(r["target_year"])), source))
    return [(y, v, label, source) for (y, v), (label, source) in sorted(out.items())]


def _panel_status(ctx: ProvinceContext, ind: str, bd: str, code: str, boundary: str) -> pd.Series | None:
    """The latest-year national-target assessment of this series that the all-province panel model made (a
    forecast status for a target year still ahead), or None: a chart of the series then draws no fan of its own,
    which would be another engine's forecast beside that status."""
    na = load_processed("national_assessments", ctx.processed_dir)
    rows = na[(na["indicator_id"] == ind) & (na["breakdown"] == bd) & (na["province_code"].astype(str) == str(code))
              & (na["boundary"] == boundary) & na["status"].isin(FORECAST_STATUSES)
              & na["method"].fillna("").str.startswith(PANEL_METHOD)]
    return None if rows.empty else rows.sort_values("target_year").iloc[-1]


def _draw_fan(ax, ctx: ProvinceContext, same: pd.DataFrame, ind: str, unit: str,
              target_years: list[int]) -> tuple[int, str]:
    """The fitted path and interval bands to the indicator's next target year (or three years on); the year it
    reaches and a sentence saying how wide the inner band is there."""
    L = ctx.lang
    levels = ctx.params.get("interval_levels") or [0.8, 0.95]
    last, now = int(same["year"].max()), config.build_year()
    # a target year still ahead (a passed one is a question of "was it met?", never forecast)
    until = max([y for y in target_years if y > last and y >= now], default=max(last + 3, now))
    xs, mid, bands = fan(list(same["year"]), list(same["value"]), until, indicator_bounds(ctx, ind), levels)
    lo, hi = bands[levels[0]][0][-1], bands[levels[0]][1][-1]
    dec = 0 if all(float(v).is_integer() for v in same["value"]) else 1  # a count's bounds as whole numbers
    width = " " + msg("nb_fan_width", L, year=until, level=format_percent(levels[0] * 100, L, 0),
                      low=format_value(lo, unit, L, dec), high=format_value(hi, unit, L, dec))
    for lv, alpha in zip(levels, (0.35, 0.15)):
        ax.fill_between(xs, bands[lv][0], bands[lv][1], color=charts.PALETTE[0], alpha=alpha, lw=0,
                        label=msg("nb_prediction_interval", L, level=format_percent(lv * 100, L, 0)))
    ax.plot(xs, mid, "--", color=charts.PALETTE[0], lw=1.2, label=msg("nb_fitted_path", L))
    return until, width


def _trend_points(ctx: ProvinceContext, a: pd.Series) -> tuple[list[int], list[float]]:
    """The years and figures an assessment's forecast rests on: its series without the figures for part of a year
    (``assess.target.part_of_year``), as the assessment itself left them out."""
    flags = ctx.facts.set_index("fact_id")["flags"]
    points = zip(str(a["observation_ids"]).split(";"), str(a["years"]).split(";"), str(a["values"]).split(";"))
    kept = [(int(y), float(v)) for i, y, v in points if not part_of_year(flags.get(i))]
    return [y for y, _ in kept], [v for _, v in kept]


def projection_charts(ctx: ProvinceContext) -> list[charts.Chart]:
    """Observations, fitted path with interval fan, target marker and required path, per assessable target."""
    L = ctx.lang
    levels = ctx.params.get("interval_levels") or [0.8, 0.95]
    out = []
    forecast = ctx.assessments["status"].isin(FORECAST_STATUSES)  # not achieved, passed, outdated or unassessable
    for _, a in ctx.assessments[(ctx.assessments["n_points"] >= 2) & forecast].iterrows():
        years, values = _trend_points(ctx, a)
        ind = a["tracked_by"] or a["indicator_id"]
        unit = ctx.indicators.at[ind, "unit"]
        fig, ax = plt.subplots(figsize=(7, 4))
        xs, mid, bands = fan(years, values, int(a["target_year"]), indicator_bounds(ctx, ind), levels)
        for lv, alpha in zip(levels, (0.35, 0.15)):
            ax.fill_between(xs, bands[lv][0], bands[lv][1], color=charts.PALETTE[0], alpha=alpha, lw=0,
                            label=msg("nb_prediction_interval", L, level=format_percent(lv * 100, L, 0)))
        ax.plot(xs, mid, "--", color=charts.PALETTE[0], label=msg("nb_projection", L))
        ax.plot(years, values, "o", color="black", label=msg("nb_observed", L), zorder=3)
        ax.plot([years[-1], a["target_year"]], [values[-1], a["target"]], ":", color=charts.PALETTE[3],
                label=msg("nb_required_path", L))
        ax.plot([a["target_year"]], [a["target"]], "*", markersize=14, color=charts.PALETTE[3],
                label=msg("nb_target", L))
        charts.number_axis(ax, L)
        ax.legend(fontsize=8)
        name = ind_name(ctx, a["indicator_id"])
        title = f"{name} – {ctx.name}"
        alt = msg("nb_projection_alt", L, indicator=name, n=len(years), years=", ".join(map(str, years)),
                  target=format_value(a["target"], unit, L), year=a["target_year"],
                  chance=chance_words(a["p_meet"], L))
        out.append(charts.finish(fig, ax, title=title, ylabel=unit, xlabel="", alt=alt,
                                 source=source_line(ctx, [a["source_id"]]), stem=f"{ctx.key}-target-"
                                 f"{a['target_fact_id']}-{L}", lang=L))
    return out


def break_year(g: pd.DataFrame) -> int | None:
    """The year of the latest definition break (a new vintage or method) in one series, None without one."""
    return yearly(g).attrs["break_year"]


def before_break(g: pd.DataFrame) -> pd.Series:
    """Which figures of one series come before its latest definition break: every earlier year, and the older
    vintage's figure of the break year itself (the new one is flagged ``definition_break``)."""
    cut = break_year(g)
    if cut is None:
        return pd.Series(False, index=g.index)
    return (g["year"] < cut) | ((g["year"] == cut) & ~starts_series(g))
