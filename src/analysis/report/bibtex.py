"""BibTeX for the sources table (``downloads/sources.bib``) that a BibTeX parser reads as written.

``issuer_author`` is written for people ('Trần Văn Toàn; Nguyễn Thị Như Quỳnh (Trường Chính trị Lê Duẩn tỉnh Quảng
Trị)'): here persons are joined with `` and `` in BibTeX's 'Family, Given' form (a Vietnamese name's first word is
the family name), an agency is one braced name (``{Tổng cục Thống kê}``), and whatever stood in parentheses (an
affiliation, a title, a translation, a signatory) goes to ``note``, never into ``author``. ``@article`` is used only
where the journal is known (``journal``); reports, decisions and resolutions are ``@techreport`` with the issuing
body as ``institution``; the rest ``@misc``.
"""

from __future__ import annotations

import re

import pandas as pd

TECHREPORT = {"report", "government_decision", "resolution", "party_conclusion", "programme", "ranking_report"}
LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$"}


def _top_level_split(text: str, sep: str = ";") -> list[str]:
    """Split on ``sep`` outside parentheses ('A (x; y); B' -> ['A (x; y)', 'B'])."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def _is_person(name: str) -> bool:
    """A personal name: two to five words, each capitalised ('Nguyễn Thị Như Quỳnh'); an agency has lower-case
    words ('Tổng cục Thống kê', 'Thủ tướng Chính phủ') or is an acronym."""
    words = name.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() and not w.isupper() for w in words)


def split_authors(issuer_author: str) -> tuple[list[str], list[str]]:
    """('Family, Given' or '{Agency}' for each author, the parenthesised details taken out of the names)."""
    names, details = [], []
    for part in _top_level_split(issuer_author or ""):
        m = re.match(r"^(.*?)\s*\((.*)\)\s*$", part)
        name, detail = (m.group(1).strip(), m.group(2).strip()) if m else (part, "")
        if detail:
            details.append(detail)
        if not name:
            continue
        if _is_person(name):
            family, given = name.split(" ", 1)
            names.append(f"{family}, {given}")
        else:
            names.append("{" + name + "}")
    return names, details


def _escape(text: str) -> str:
    text = str(text).replace("{", "(").replace("}", ")")
    return "".join(LATEX_SPECIAL.get(c, c) for c in text)


def _text(v) -> str:
    return v.strip() if isinstance(v, str) else ""


def bib_entry(s: dict) -> str:
    """One source row as a BibTeX entry keyed by its source id."""
    kind = s.get("type", "")
    names, details = split_authors(_text(s.get("issuer_author")))
    publisher = _text(s.get("publisher"))
    fields: dict[str, str] = {"title": _escape(_text(s.get("title")))}
    if names:
        fields["author"] = " and ".join(n if n.startswith("{") else _escape(n) for n in names)
    if kind == "journal_article" and publisher:
        entry = "article"
        fields["journal"] = _escape(publisher)
    elif kind in TECHREPORT and (publisher or names):
        entry = "techreport"
        fields["institution"] = _escape(publisher or names[0].strip("{}"))
    else:
        entry = "misc"
        if publisher:
            fields["howpublished"] = _escape(publisher)
    date = _text(s.get("date"))
    if date:
        fields["year"] = date[:4]
        fields["date"] = date
    if _text(s.get("url")):
        fields["url"] = _text(s["url"]).replace("{", "%7B").replace("}", "%7D")
    note = "; ".join(_escape(d) for d in details + [_text(s.get("notes"))] if d)
    if note:
        fields["note"] = note
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@{entry}{{{s['source_id']},\n{body}\n}}"


def bibtex(sources: pd.DataFrame) -> str:
    """Every source as BibTeX, in the table's order."""
    return "\n\n".join(bib_entry(r) for r in sources.to_dict("records")) + "\n"
