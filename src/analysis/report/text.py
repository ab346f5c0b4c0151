"""The report's sections written as Markdown: title, boundary, findings, targets' introduction, search records,
nearest evidence and data gaps."""

from __future__ import annotations

import functools
import html

import pandas as pd

from analysis.catalogue import join_words, msg
from analysis.collation import vi_sorted
from analysis.data.store import load_processed
from analysis.labels import STATUS_COLOUR, comparator_sign, flag_label, is_provisional, page_language_text, status_label
from analysis.markup import md_text
from analysis.numbers import format_number, format_value
from analysis.report import findings as F
from analysis.report.context import ProvinceContext, former_assessments, former_rows
from analysis.report.nearest import describe, grouped, load_families, nearest_evidence
from analysis.report.wording import ind_name, search_outcome, target_name
from analysis.territory import territory_changed, territory_names


def title(ctx: ProvinceContext) -> str:
    """The report's heading, naming the territory: a province formed by a merger says from when, a pre-2025
    province whose territory changed says until when (two pages never share a heading)."""
    name = ctx.province[f"name_{ctx.lang}"]
    if ctx.merged:
        name = msg("title_since_2025", ctx.lang, name=name)
    elif ctx.registry is not None and territory_changed(ctx.registry, ctx.province["province_code"], "pre2025"):
        name = msg("title_before_2025", ctx.lang, name=name)
    return "# " + msg("nb_title", ctx.lang, name=md_text(name))


def former_names(ctx: ProvinceContext) -> list[str]:
    if ctx.registry is None:
        return []
    parts = former_rows(ctx.registry, ctx.province["province_code"])
    return vi_sorted(parts[f"name_{ctx.lang}"])


def boundary_note(ctx: ProvinceContext) -> str:
    """The province's boundary in one sentence: the parameter file's note, or one made from the registry."""
    L = ctx.lang
    own = ctx.params.get(f"boundary_note_{L}", "")
    if own:
        return own
    name = ctx.province[f"name_{L}"]
    if ctx.merged:
        return msg("boundary_formed_from", L, name=name, parts=join_words(former_names(ctx), L))
    if ctx.province["successor_code"] == ctx.province["province_code"]:
        return msg("boundary_kept", L, name=name)
    return msg("boundary_part_of", L, name=name, successor=ctx.successor[f"name_{L}"])


def findings(ctx: ProvinceContext) -> str:
    """The summary that opens the report (see ``analysis.report.findings``)."""
    return F.province_findings(ctx, load_processed("national_assessments", ctx.processed_dir),
                               load_processed("national_targets", ctx.processed_dir))


def targets_intro(ctx: ProvinceContext) -> str:
    """How many targets, by status, and how to read the table (its forecast columns only when some are shown)."""
    a = ctx.assessments
    if a.empty:
        return msg("nb_the_source_documents_set_no", ctx.lang)
    counts = a["status"].value_counts()
    parts = ", ".join(f"{status_label(k, ctx.lang).lower()}: {format_number(v, ctx.lang)}" for k, v in counts.items())
    head = msg("nb_targets_intro", ctx.lang, n=format_number(len(a), ctx.lang), statuses=parts)
    forecast = a["p_meet"].notna().any()
    return head + " " + msg("nb_targets_intro_forecast" if forecast else "nb_targets_intro_no_forecast", ctx.lang)


def search_records(ctx: ProvinceContext) -> str:
    """What was searched for each target without a usable series, so the gap is seen in the sources: one folded
    entry per search (the targets it covers and its outcome in view, the full record on opening), as Markdown
    with HTML details that notebooks, the site and the Word report all show."""
    L = ctx.lang
    a = ctx.assessments[ctx.assessments["status"].isin(["no_data", "insufficient_data"])]
    col = "searched" if L == "vi" else "searched_en"
    if a.empty or col not in a.columns:
        return ""
    groups: dict[str, list[str]] = {}
    outcome: dict[str, str] = {}
    for _, r in a.sort_values(["target_year", "indicator_id"]).iterrows():
        text = r.get(col)
        if isinstance(text, str) and text:
            groups.setdefault(text, []).append(target_name(ctx, r, with_year=True))
            outcome.setdefault(text, search_outcome(r, L))
    if not groups:
        return ""
    def esc(text: str) -> str:  # one line: a blank line in a record would end the HTML block (Markdown again)
        return html.escape(" ".join(str(text).split()), quote=False)

    items = [f"<li><details><summary>{esc('; '.join(names))} — {esc(outcome[text])}</summary>"
             f"<p>{esc(text)}</p></details></li>" for text, names in groups.items()]
    comp = a[a["comparability"].fillna("") != ""]
    for _, r in comp.iterrows():
        note, in_english = page_language_text(r, "comparability", L)
        note = f"{esc(msg('nb_in_english', L))} <span lang='en'>{esc(note)}</span>" if in_english else esc(note)
        items.append(f"<li>{esc(ind_name(ctx, r['indicator_id']))}: {esc(msg('nb_proxy', L))}{note}</li>")
    return msg("nb_where_a_tracking_series_was", L) + "\n\n<ul>\n" + "\n".join(items) + "\n</ul>"


def nearest_group(group: dict, esc) -> str:
    """One run of figures that share a comparability note (``report.nearest.grouped``) as list items: a lone
    figure with its note, or the note once with the figures under it."""
    def figure(x: dict) -> str:
        place = f"; {esc(x['place'])}" if x["place"] else ""
        return f"{esc(x['value'])} ({esc(x['year'])}; {esc(x['scope'])}{place}) – {esc(x['indicator'])}."
    shared = " ".join(esc(t) for t in (group["note"], group["pace"]) if t)
    if len(group["figures"]) == 1:
        x = group["figures"][0]
        return f"<li>{figure(x)} {shared} {esc(x['source'])}</li>"
    return f"<li>{shared}<ul>" + "".join(f"<li>{figure(x)} {esc(x['source'])}</li>" for x in group["figures"]) \
        + "</ul></li>"


def nearest_section(ctx: ProvinceContext) -> str:
    """Beside the targets without a series, the nearest figures the evidence base holds for the territory
    (``report.nearest``); for a merged province, also the targets its former provinces' documents set (commitments
    made for part of its territory) with their status and nearest figures. Markdown with HTML lists ('' if none)."""
    L = ctx.lang
    if ctx.registry is None:
        return ""
    facts = load_processed("facts", ctx.processed_dir)
    indicators = ctx.indicators.reset_index()
    families = load_families(None, set(indicators["indicator_id"]))
    units = dict(zip(indicators["indicator_id"], indicators["unit"]))
    names = territory_names(ctx.registry, L)
    esc = functools.partial(html.escape, quote=False)

    def block(a: pd.DataFrame, with_place: bool) -> list[str]:
        items = []
        for _, r in a.sort_values(["target_year", "indicator_id"]).iterrows():
            head = f"{target_name(ctx, r, with_year=True)} {comparator_sign(r['comparator'], L)} " \
                   f"{format_value(r['target'], units.get(r['indicator_id'], ''), L)}"
            if with_place:
                head = f"{names.get((r['province_code'], r['boundary']), r['province_code'])}: {head}"
            status = status_label(r["status"], L, is_provisional(r)) if r["status"] in STATUS_COLOUR else r["status"]
            if pd.notna(r["n_points"]) and r["n_points"] > 0:
                items.append(f"<li><b>{esc(head)}</b> — {esc(status)}</li>")
                continue
            lines = describe(r, nearest_evidence(r, facts, ctx.registry, families, units), L, indicators, names,
                             families, ctx.cite)
            sub = "".join(nearest_group(g, esc) for g in grouped(lines)) or f"<li>{esc(msg('near_none', L))}</li>"
            items.append(f"<li><b>{esc(head)}</b> — {esc(status)}<ul>{sub}</ul></li>")
        return items

    out = []
    own = ctx.assessments
    if len(own) and (own["n_points"].fillna(0) == 0).any():
        out.append(msg("nb_nearest_intro", L) + "\n\n<ul class=\"nearest-report\">\n"
                   + "\n".join(block(own[own["n_points"].fillna(0) == 0], False)) + "\n</ul>")
    if ctx.merged:
        former = former_assessments(ctx)
        if len(former):
            ind = ctx.indicators
            former = former.assign(indicator_name=former["indicator_id"].map(ind[f"name_{L}"]))
            who = sorted({names.get((c, "pre2025"), c) for c in former["province_code"]})
            out.append(msg("nb_former_targets_intro", L, names=", ".join(who), n=format_number(len(former), L),
                           province=names.get((ctx.province["province_code"], "post2025"), ctx.name))
                       + "\n\n<ul class=\"nearest-report\">\n" + "\n".join(block(former, True)) + "\n</ul>")
    return "\n\n".join(out)


def gaps(ctx: ProvinceContext) -> str:
    """Data gaps and caveats, as Markdown bullets."""
    L = ctx.lang
    a = ctx.assessments
    n_t = len(a)
    n_none = int((a["status"] == "no_data").sum())
    n_one = int((a["status"] == "insufficient_data").sum())
    obs = ctx.facts[ctx.facts["kind"] == "observation"]
    flagged = obs["flags"].fillna("").str.split(";").explode()
    counts = flagged[flagged != ""].value_counts()
    flags = ", ".join(f"{flag_label(k, L)} ({v})" for k, v in counts.items() if flag_label(k, L))
    lines = [msg("nb_gaps_targets", L, n=format_number(n_t, L), n_none=format_number(n_none, L),
                 n_one=format_number(n_one, L))] if n_t else []
    lines += [msg("nb_gaps_observations", L, n=format_number(len(obs), L), flags=flags or msg("nb_gaps_no_flags", L)),
             msg("nb_gaps_boundary", L, note=md_text(boundary_note(ctx))),
             msg("nb_gaps_definitions", L)]
    return "\n".join(f"- {line}" for line in lines)
