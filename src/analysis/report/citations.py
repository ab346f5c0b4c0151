"""Readable short citations for tables (author or agency, year, title), linked to the sources page.

Tables keep plain text (they are saved as CSV/XLSX for papers); the HTML shown on the site links each citation
to its entry on the sources page (``sources.html#<source_id>``).
"""

from __future__ import annotations

import html
import re

import pandas as pd

from analysis.catalogue import msg
from analysis.data.store import year_words
from analysis.frame_cache import per_frame
from analysis.labels import shorten

TITLE_CHARS = 60


def _by_id(sources: pd.DataFrame) -> pd.DataFrame:
    return sources.set_index("source_id")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _who(r: pd.Series) -> str:
    """Authors ('A; B (affiliation)' -> 'A, B'), else the publisher, without parenthesised detail."""
    authors = _text(r.get("issuer_author"))
    if authors and r.get("type") in ("journal_article", "news_article", "report", "party_conclusion", "resolution",
                                     "programme", "government_decision"):
        names = [re.sub(r"\s*\(.*$", "", a).strip() for a in authors.split(";")]
        return ", ".join(n for n in names if n)
    who = _text(r.get("publisher")) or authors
    return re.sub(r"\s*\((?!TCCS\)|TTXVN\)).*?\)\s*$", "", who).strip()


def _title(r: pd.Series, who: str) -> str:
    title = _text(r.get("title"))
    # web-page titles were recorded as 'Publisher (date) - Title': keep the title part only
    if " - " in title and title.split(" - ", 1)[0].startswith(who.split(" ")[0]):
        title = title.split(" - ", 1)[1]
    return shorten(title, TITLE_CHARS + 1)


def source_label(sources: pd.DataFrame, source_id: str, lang: str) -> str:
    """'Tạp chí Cộng sản (TCCS) (không rõ năm)': who and year, the short form of ``short_citation`` that chart
    source lines, summary sentences and indicator pages use. An unknown id is returned as it is."""
    return per_frame(sources, _labels, lang).get(source_id, source_id)


def _labels(sources: pd.DataFrame, lang: str) -> dict[str, str]:
    """Every source's label in one language (a site build asks for thousands of them)."""
    out = {}
    for r in sources.to_dict("records"):
        out[r["source_id"]] = msg("citation_short", lang, who=_who(r) or r["source_id"], year=year_words(r, lang))
    return out


def short_citation(sources: pd.DataFrame, source_id: str, lang: str) -> str:
    """'Tạp chí Cộng sản (TCCS) (không rõ năm), “Phát triển nguồn nhân lực…”' for one source id.

    An id missing from the sources table is returned as it is (the validation step reports such ids)."""
    s = per_frame(sources, _by_id)
    if source_id not in s.index:
        return source_id
    r = s.loc[source_id]
    title = _title(r, _who(r) or source_id)
    return source_label(sources, source_id, lang) + (f", “{title}”" if title else "")


def citation_map(sources: pd.DataFrame, lang: str) -> dict[str, str]:
    """{short citation: source id} for every source; two sources that would read the same keep their id."""
    cites = {sid: short_citation(sources, sid, lang) for sid in sources["source_id"]}
    seen: dict[str, int] = {}
    for c in cites.values():
        seen[c] = seen.get(c, 0) + 1
    return {(c if seen[c] == 1 else f"{c} [{sid}]"): sid for sid, c in cites.items()}


def cite(sources: pd.DataFrame, source_id: str, lang: str, unique: dict[str, str] | None = None) -> str:
    """The citation of one source as tables print it (unique among all sources)."""
    unique = unique if unique is not None else citation_map(sources, lang)
    text = short_citation(sources, source_id, lang)
    return text if unique.get(text) == source_id else f"{text} [{source_id}]"


def link_citations(table_html: str, cites: dict[str, str], href: str = "../sources.html") -> str:
    """Wrap every short citation found in table cells in a link to its entry on the sources page."""
    if not cites:
        return table_html
    escaped = {html.escape(c, quote=False): sid for c, sid in cites.items()}
    pattern = re.compile("|".join(re.escape(c) for c in sorted(escaped, key=len, reverse=True)))

    def repl(m: re.Match) -> str:
        sid = escaped[m.group(0)]
        return f'<a class="cite-link" href="{href}#{html.escape(sid, quote=True)}">{m.group(0)}</a>'

    return pattern.sub(repl, table_html)
