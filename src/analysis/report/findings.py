"""Findings first: a short, generated summary of what a province's figures say, and of the whole site.

Every sentence comes from the message catalogues (``messages/<lang>.yaml``); this module only chooses the
facts (which targets have a status, the latest figure of each key indicator, the change between the first
and the latest year, the national-target signal, what is missing) and formats the numbers for the language.
"""

from __future__ import annotations

import pandas as pd

from analysis.assess.forecast import OFF_TRACK, ON_TRACK, STATUSES
from analysis.assess.series import latest_break, one_per_year
from analysis.catalogue import join_words, msg
from analysis.labels import is_provisional, status_label
from analysis.markup import md_text
from analysis.numbers import chance_odds, format_number, format_percent, format_value
from analysis.report.citations import source_label
from analysis.report.context import former_assessments
from analysis.territory import territory_names

FORECAST = ("achieved", "not_met", "on_track", "at_risk", "off_track")  # statuses that answer the target
STATUS_ORDER = tuple(STATUSES)


def chance_words(p: float, lang: str) -> str:
    """A chance of meeting a target as rounded odds in words ("about 2 in 3"), within its status's band."""
    kind, k, n = chance_odds(float(p), OFF_TRACK, ON_TRACK)
    return msg(f"chance_{kind}", lang, k=format_number(k, lang), n=format_number(n, lang))


def _status_counts(statuses: pd.Series, lang: str, only=FORECAST) -> str:
    counts = statuses.value_counts()
    return join_words([f"{format_number(int(counts[s]), lang)} {status_label(s, lang).lower()}"
                       for s in STATUS_ORDER if s in only and counts.get(s, 0)], lang)


def count_sentence(rows: pd.DataFrame, lang: str) -> str:
    """How many of one national target's provinces with a forecast status would meet it, counted together
    (``meet_*`` columns of the national assessments: the panel's joint draws, in which the provinces share each
    year's national movement); "" where none is a panel forecast."""
    known = rows.dropna(subset=["meet_provinces"]) if "meet_provinces" in rows else rows.iloc[0:0]
    if known.empty:
        return ""
    r = known.iloc[0]
    return msg("count_meeting", lang, k=format_number(int(r["meet_provinces"]), lang),
               expected=format_number(round(float(r["meet_expected"])), lang),
               low=format_number(int(r["meet_low"]), lang), high=format_number(int(r["meet_high"]), lang))


def source_name(sources: pd.DataFrame, sid: str, lang: str) -> str:
    """A source as summary sentences and indicator pages name it: who and year (``citations.source_label``), the
    same words as the chart source lines and the start of the table citations."""
    return source_label(sources, sid, lang)


def target_lines(assessments: pd.DataFrame, province: str, lang: str) -> list[str]:
    """The targets paragraph: how many, how many with a status, how many without a series."""
    a = assessments
    if a.empty:
        return [msg("targets_none", lang, province=province)]
    years = join_words([str(int(y)) for y in sorted(a["target_year"].dropna().unique())], lang)
    parts = [msg("targets_count", lang, n=format_number(len(a), lang), province=province, years=years)]
    series = forecast_from_series(a)
    k = int(series.sum())
    parts.append(msg("targets_forecast", lang, k=format_number(k, lang),
                     statuses=_status_counts(a.loc[series, "status"], lang)) if k else msg("targets_no_forecast", lang))
    n_met_once = int(((a["status"] == "achieved") & ~series).sum())  # met by its only figure: no trend needed
    n_none = int((a["status"] == "no_data").sum())
    n_one = int((a["status"] == "insufficient_data").sum())
    if n_met_once:
        parts.append(msg("targets_met_one_point", lang, n=format_number(n_met_once, lang)))
    if n_none:
        parts.append(msg("targets_missing", lang, n=format_number(n_none, lang)))
    if n_one:
        parts.append(msg("targets_one_point", lang, n=format_number(n_one, lang)))
    return [" ".join(parts)]


def key_facts(facts: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame, keys: list[str], lang: str,
              limit: int = 3, merged_successor: str | None = None) -> list[str]:
    """Up to ``limit`` key figures: the latest value with its year, or first and latest year when there are more.

    A series never mixes boundaries (a merged province after 1 July 2025 is another territory) and takes one
    value per year (the first source listed for that year); breakdowns other than the total are left out.
    ``merged_successor`` names the merged province a post-2025 figure describes, said after the figure.
    The lines are Markdown: names of indicators and sources are escaped (``markup.md_text``).
    """
    obs = facts[(facts["kind"] == "observation") & (facts["breakdown"] == "total")]
    out = []
    for ind in keys:
        s = obs[obs["indicator_id"] == ind].dropna(subset=["year", "value"])
        if s.empty or ind not in indicators.index:
            continue
        latest_boundary = s.sort_values("year").iloc[-1]["boundary"]
        s = one_per_year(s[s["boundary"] == latest_boundary])
        # nor two vintages or methods: the figures from the latest definition break on (the assessment's series)
        cut = latest_break(s)
        earlier = s[s["year"] < cut] if cut is not None else s.iloc[0:0]
        s = s[s["year"] >= cut] if cut is not None else s
        name = md_text(indicators.at[ind, f"name_{lang}"])
        last = s.iloc[-1]
        srcs = join_words(list(dict.fromkeys(md_text(source_name(sources, sid, lang)) for sid in s["source_id"])),
                          lang)
        val = lambda r: format_value(float(r["value"]), r["unit"], lang)  # noqa: E731
        if len(s) == 1:
            line = msg("fact_latest", lang, indicator=name, value=val(last), year=int(last["year"]), source=srcs)
        else:
            first = s.iloc[0]
            line = msg("fact_change", lang, indicator=name, v0=val(first), y0=int(first["year"]), v1=val(last),
                       y1=int(last["year"]), n=format_number(len(s), lang), source=srcs)
            if len(s) == 2:
                line += " " + msg("fact_two_points", lang)
        if len(earlier):
            y0, y1 = int(earlier["year"].min()), int(earlier["year"].max())
            line += " " + msg("fact_break", lang, year=cut, years=str(y0) if y0 == y1 else f"{y0}–{y1}")
        if merged_successor and latest_boundary == "post2025":
            line = msg("fact_merged", lang, fact=line, successor=merged_successor)
        out.append(line)
        if len(out) == limit:
            break
    return out


def national_line(national: pd.DataFrame, targets: pd.DataFrame, code: str, boundary: str, lang: str,
                  target_id: str | None = None) -> str | None:
    """The national-target signal for one province: the target whose provincial series has the most points
    (two at least: one point is no signal)."""
    a = national[(national["province_code"] == code) & (national["boundary"] == boundary)]
    if target_id:
        a = a[a["national_target_id"] == target_id]
    a = a[a["n_points"] >= 2].sort_values(["n_points", "target_year"])
    if a.empty:
        return None
    r = a.iloc[-1]
    years = str(r["years"]).split(";")
    chance = "" if pd.isna(r["p_meet"]) else msg("national_chance", lang, p=chance_words(r["p_meet"], lang))
    return msg("national_line", lang, target=md_text(target_text(targets, r, lang)),
               status=status_label(r["status"], lang, is_provisional(r)).lower(),
               n=format_number(int(r["n_points"]), lang), y0=years[0], y1=years[-1], chance=chance)


def target_text(targets: pd.DataFrame, r: pd.Series, lang: str) -> str:
    t = targets[(targets["indicator_id"] == r["indicator_id"]) & (targets["target_year"] == r["target_year"])
                & (targets["decision"] == r["decision"])]
    sign = "≥" if r["comparator"] in (">=", ">") else "≤"
    value = format_percent(float(r["target"]), lang) if str(r.get("transform", "")) != "count" else format_number(
        float(r["target"]), lang)
    what = ""
    if not t.empty:
        what = t.iloc[0]["indicator_vi_summary" if lang == "vi" else "indicator_en"]
    return f"{what} {sign} {value} ({int(r['target_year'])}, {r['decision']})".strip()


def latest_by_source(facts: pd.DataFrame, sources: pd.DataFrame, lang: str) -> str:
    """'Tổng cục Thống kê (nhiều năm) 2016; UNDP … 2024': the latest year of each source's observations, newest first."""
    obs = facts[(facts["kind"] == "observation") & facts["year"].notna()]
    named = obs.assign(who=[source_name(sources, sid, lang) for sid in obs["source_id"]])  # one line per name
    latest = named.groupby("who", sort=False)["year"].max().sort_values(ascending=False, kind="stable")
    return "; ".join(f"{who}: {int(y)}" for who, y in latest.items())


def missing_line(assessments: pd.DataFrame, facts: pd.DataFrame, lang: str, former: pd.DataFrame | None = None,
                 sources: pd.DataFrame | None = None) -> str:
    """The gaps: targets without a series and how recent the figures are. A merged province (``former``: its
    former provinces' figures, shown in its report too) says the latest year of each source it uses, its own
    aggregated figures and its parts' alike, so "latest 2016" is never said beside a part's 2024 figure."""
    if former is not None and len(former) and sources is not None:
        n_none = int((assessments["status"] == "no_data").sum()) if not assessments.empty else 0
        parts = [msg("missing_series", lang, n=format_number(n_none, lang))] if n_none else []
        both = pd.concat([facts, former])
        if (both["kind"] == "observation").any():
            parts.append(msg("missing_latest_by_source", lang, sources=latest_by_source(both, sources, lang)))
        return " ".join([msg("missing_heading", lang), *parts])
    parts = []
    n_none = int((assessments["status"] == "no_data").sum()) if not assessments.empty else 0
    if n_none:
        parts.append(msg("missing_series", lang, n=format_number(n_none, lang)))
    obs = facts[facts["kind"] == "observation"]
    parts.append(msg("missing_latest", lang, year=int(obs["year"].max())) if obs["year"].notna().any()
                 else msg("missing_none_yet", lang))
    return " ".join([msg("missing_heading", lang), *parts])


def province_findings(ctx, national: pd.DataFrame | None = None, national_targets: pd.DataFrame | None = None) -> str:
    """The summary that opens a province report, as Markdown."""
    L = ctx.lang
    keys = list(ctx.params.get("key_indicators") or [])
    # the intro says how the points are made; a page's description (site.write) starts after it
    lines = [f"## {msg('findings_heading', L)}", "", f'<p class="findings-intro">{msg("findings_intro", L)}</p>', ""]
    lines += [f"- {x}" for x in target_lines(ctx.assessments, md_text(ctx.name), L)]
    former = former_assessments(ctx)
    if len(former):  # a merged province: what its former provinces set for their part of it
        names = sorted({md_text(territory_names(ctx.registry, L).get((c, "pre2025"), c))
                        for c in former["province_code"]})
        lines[-1] += " " + msg("targets_former", L, names=join_words(names, L), n=format_number(len(former), L))
    merged = ctx.successor.get("merged_from")
    merged = (md_text(ctx.successor[f"name_{L}"]) if isinstance(merged, str) and merged.strip() and ";" in merged
              else None)
    if getattr(ctx, "merged", False):  # the page of the merged province itself: its figures need no such note
        merged = None
    facts = key_facts(ctx.facts, ctx.indicators, ctx.sources, keys, L, merged_successor=merged)
    if facts:
        lines.append(f"- {msg('facts_heading', L)} " + " ".join(facts))
    if national is not None and national_targets is not None:
        nat = national_line(national, national_targets, ctx.province["province_code"],
                            "post2025" if getattr(ctx, "merged", False) else "pre2025", L)
        if nat:
            lines.append(f"- {nat}")
    former = ctx.former if getattr(ctx, "merged", False) else None
    lines.append(f"- {missing_line(ctx.assessments, ctx.facts, L, former, ctx.sources)}")
    return "\n".join(lines)


def forecast_from_series(assessments: pd.DataFrame) -> pd.Series:
    """True for a target whose status is a forecast resting on two or more yearly figures (not one figure)."""
    return assessments["status"].isin(FORECAST) & (assessments["n_points"].fillna(0) >= 2)


def targets_findings(lang: str, assessments: pd.DataFrame, provinces: dict) -> list[str]:
    """The summary above the list of all targets: statuses overall, how many rest on a series, each province's
    count and, when no target has a series, where the gap lies (in the published figures, shown per target)."""
    a = assessments
    k = int(forecast_from_series(a).sum())
    out = [msg("targets_page_total", lang, n=format_number(len(a), lang),
               statuses=_status_counts(a["status"], lang, STATUS_ORDER), k=format_number(k, lang))]
    by = [(provinces.get(key, key[0]), g) for key, g in a.groupby(["province_code", "boundary"])]  # as the table
    out.append(msg("targets_page_provinces", lang, provinces=join_words(
        [msg("targets_page_province", lang, province=name, n=format_number(len(g), lang),
             statuses=_status_counts(g["status"], lang, STATUS_ORDER)) for name, g in by], lang)))
    out.append(msg("targets_page_gap" if k == 0 else "targets_page_series", lang,
                   n=format_number(int((a["status"] == "no_data").sum()), lang)))
    return out


def overview_findings(lang: str, n_all: int, n_docs: int, assessments: pd.DataFrame, national: pd.DataFrame,
                      national_targets: pd.DataFrame, target_id: str | None, n_pages: int = 0) -> list[str]:
    """The summary that opens the site's home page: coverage, provincial targets, the national-target picture."""
    a = assessments
    out = [msg("overview_provinces", lang, n_all=format_number(n_all, lang), n_docs=format_number(n_docs, lang),
               n_pages=format_number(n_pages, lang)),
           msg("overview_targets", lang, n=format_number(len(a), lang),
               statuses=_status_counts(a["status"], lang, STATUS_ORDER),
               k=format_number(int(forecast_from_series(a).sum()), lang))]
    if target_id:
        nat = national[(national["national_target_id"] == target_id) & (national["boundary"] == "post2025")
                       & (national["province_code"] != "VN") & (national["n_points"] > 0)]
        if len(nat):
            r = nat.iloc[0]
            out.append(msg("overview_national", lang, target=target_text(national_targets, r, lang),
                           n=format_number(len(nat), lang),
                           statuses=_status_counts(nat["status"], lang, STATUS_ORDER),
                           year=int(nat["last_year"].max())))
    return out
