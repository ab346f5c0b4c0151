"""The sources, downloads and search pages."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from analysis.catalogue import LANGS, msg
from analysis.labels import unknown_field
from analysis.markup import safe_url
from analysis.numbers import format_number
from analysis.data.store import full_citation
from analysis.site.render import render


def sources_body(lang: str, sources: pd.DataFrame) -> str:
    """The sources page: a citation per source, its address, what is not known of it, its licence and notes."""
    items = []
    for _, s in sources.iterrows():
        # a source document we hold says nothing of these fields; for other sources they are simply not known
        held = isinstance(s["seed_file"], str) and bool(s["seed_file"])
        extra = [msg("source_id_label", lang, id=s["source_id"])]
        if isinstance(s["unknown"], str) and s["unknown"]:
            extra.append(msg("not_stated_in_document" if held else "not_known", lang) + ": " + ", ".join(
                unknown_field(k, lang) for k in s["unknown"].split(";")))
        text = lambda c: s[c] if isinstance(s.get(c), str) and s[c] else ""  # noqa: E731
        # the curator's note in the page's language where it is written (notes_vi), else as written (English)
        note, note_lang = (text("notes_vi"), "vi") if lang == "vi" and text("notes_vi") else (text("notes"), "en")
        items.append({"id": s["source_id"], "citation": full_citation(s.to_dict(), lang), "url": safe_url(text("url")), "extra": extra,
                      "licence": text("licence"), "note": note, "note_lang": note_lang,
                      "cite_lang": text("language") or lang})
    # licence terms are quoted as their owners write them (in English)
    return render("sources", lang, items=items, quote_lang="en")


FORMAT_ORDER = ("csv", "xlsx", "json", "cff", "bib")


ITEM_FILE = {"figures": ".png", "tables": ".csv", "indicators": ".csv"}  # the one file counted per item


def _kb(size: int, lang: str) -> str:
    return format_number(round(size / 1024, 1), lang)


def download_groups(files: list[tuple[str, int, object]], reports: list[dict], lang: str) -> dict:
    """The downloads grouped for readers: the data tables (one row per table, its formats side by side), one row
    per report (Word and notebook in each language, how many figures and tables it offers), and the folders of
    single figures, tables and indicator files (linked beside each item on the pages) as counts."""
    sizes = {p: s for p, s, _ in files}
    what = {p: (d[lang] if isinstance(d, dict) else d) for p, _, d in files}
    stems: dict[str, dict[str, str]] = {}
    for path in sorted(p for p in sizes if "/" not in p):
        stem, _, ext = path.rpartition(".")
        stems.setdefault(stem or path, {})[ext] = path
    tables = []
    for stem, by_ext in sorted(stems.items()):
        exts = sorted(by_ext, key=lambda e: FORMAT_ORDER.index(e) if e in FORMAT_ORDER else len(FORMAT_ORDER))
        tables.append({"name": stem if len(exts) > 1 else by_ext[exts[0]], "what": what[by_ext[exts[0]]],
                       "links": [{"href": by_ext[e], "label": msg(f"data_format_{e}", lang)
                                  if e in FORMAT_ORDER else e, "size": _kb(sizes[by_ext[e]], lang)} for e in exts]})
    keys = sorted((r["key"] for r in reports), key=len, reverse=True)

    def owner(name: str) -> str | None:  # the longest report key the file name starts with ('quang-tri-2025-…')
        return next((k for k in keys if name.startswith(k + "-")), None)

    items = [tuple(p.split("/", 1)) for p in sizes if "/" in p and p.endswith(ITEM_FILE.get(p.split("/")[0], "/"))]
    counts = Counter((owner(name), folder) for folder, name in items)
    rows = []
    for r in reports:
        row = {"name": r["name"], "page": r["page"], "word": [], "notebooks": []}
        for lg in LANGS:
            for kind, path in (("word", f"docx/{r['key']}-{lg}.docx"), ("notebooks", f"notebooks/{r['key']}-{lg}.ipynb")):
                if path in sizes:
                    row[kind].append({"href": path, "label": msg(f"data_lang_{lg}", lang), "size": _kb(sizes[path], lang)})
        row["figures"] = counts.get((r["key"], "figures"), 0)
        row["tables"] = counts.get((r["key"], "tables"), 0)
        rows.append(row)
    folders = {f: sum(1 for folder, _ in items if folder == f) for f in ITEM_FILE}
    return {"tables": tables, "reports": rows, "folders": folders}


def data_body(lang: str, files: list[tuple[str, int, object]], reports: list[dict] | None = None) -> str:
    """The downloads page: data tables, province reports, and the folders of single figures and tables."""
    groups = download_groups(files, reports or [], lang)
    folders = {k: format_number(v, lang) for k, v in groups["folders"].items()}
    return render("data", lang, tables=groups["tables"], reports=groups["reports"], folders=folders)


def search_body(lang: str) -> str:
    return render("search", lang)


def province_downloads(key: str, lang: str) -> str:
    """The download line that opens a province report."""
    return render("downloads", lang, key=key)

