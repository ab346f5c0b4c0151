"""The site's downloads: data tables (CSV, Excel, data package), Word reports, the report files and what each is."""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pypandoc

from analysis.atomic import write_atomic
from analysis.catalogue import msg
from analysis.labels import file_description
from analysis.reader_csv import write_reader_xlsx
from analysis.report.bibtex import bibtex
from analysis.site.page import LANGS, site_title
from analysis.site.project_files import ARCHIVE, README
from analysis.site.word import word_html


def _bibtex(sources: pd.DataFrame) -> str:
    return bibtex(sources)


def _datapackage(files: list[tuple[str, pd.DataFrame, str]], meta: dict) -> dict:
    def field(name, dtype):
        t = "integer" if pd.api.types.is_integer_dtype(dtype) else "number" if pd.api.types.is_float_dtype(
            dtype) else "boolean" if pd.api.types.is_bool_dtype(dtype) else "string"
        return {"name": name, "type": t}

    return {
        "profile": "tabular-data-package", "name": "vn-dt-workforce", "title": site_title("en"),
        "version": meta["data_version"], "created": meta["built_at"],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Compiled tables and metadata; each figure keeps its source's terms (sources.csv)"},
                     {"name": "MIT", "title": "Project code"}],
        "resources": [{"name": path.rsplit("/", 1)[-1].removesuffix(".csv").replace("_", "-"), "path": path,
                       "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "description": desc,
                       "schema": {"fields": [field(c, df[c].dtype) for c in df.columns]}}
                      for path, df, desc in files],
    }


IMAGE_URI = re.compile(r'src="data:image/(png|jpeg|gif);base64,([^"]+)"')
WORD_FORMAT = "word-html-2"  # in the Word files' cache key: a change to how a page becomes a Word file makes them again


def _image_files(body: str, folder: Path) -> str:
    """``body`` with each embedded (data URI) image written to ``folder`` as figure-<n>.<ext> and linked there:
    pandoc embeds the same image bytes, about twice as fast as from a data URI, and without copying the whole
    data URI into the picture's name field of the Word file."""
    count = 0

    def to_file(m: re.Match) -> str:
        nonlocal count
        count += 1
        name = f"figure-{count}.{'jpg' if m.group(1) == 'jpeg' else m.group(1)}"
        (folder / name).write_bytes(base64.b64decode(m.group(2)))
        return f'src="{name}"'

    return IMAGE_URI.sub(to_file, body)


def _docx(body_html: str, title: str, lang: str, out: Path, tmp: Path) -> None:
    """A province report as a Word document, made with pandoc (pypandoc-binary ships it); ``tmp``: a folder of
    this document's own (its images are written there)."""
    src = tmp / (out.stem + ".html")
    body = word_html(_image_files(body_html, tmp))
    src.write_text(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}'
                   f"</title></head><body>{body}</body></html>", encoding="utf-8")
    pypandoc.convert_file(str(src), "docx", format="html", outputfile=str(out),
                          extra_args=["--metadata", f"title={title}", "--resource-path", str(tmp)])


def word_files(jobs: list[tuple[str, str, str, Path]], tmp: Path, cache: Path, workers: int | None = None) -> dict:
    """Write the Word reports: reused from ``cache`` when the page, title and language are unchanged, otherwise
    made with pandoc, several at a time. Returns counts and seconds (reported apart from the site assembly)."""
    t0 = time.perf_counter()
    cache.mkdir(parents=True, exist_ok=True)
    todo = []
    for body, title, lang, out in jobs:
        key = hashlib.sha256(f"{WORD_FORMAT}\0{title}\0{lang}\0{body}".encode()).hexdigest()[:32]
        hit = cache / f"{key}.docx"
        if hit.exists():
            shutil.copy2(hit, out)
        else:
            todo.append((body, title, lang, out, hit))

    def make(job):
        body, title, lang, out, hit = job
        work = tmp / hit.stem
        work.mkdir()
        write_atomic(hit, lambda part: _docx(body, title, lang, part, work))  # into the cache only once complete
        shutil.copy2(hit, out)

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        list(pool.map(make, todo))
    return {"files": len(jobs), "made": len(todo), "reused": len(jobs) - len(todo),
            "seconds": round(time.perf_counter() - t0, 2)}


def _xlsx(df: pd.DataFrame, csv: Path, out: Path, cache: Path) -> None:
    """The Excel copy of a table, reused from ``cache`` when the CSV it mirrors is byte for byte the same."""
    cache.mkdir(parents=True, exist_ok=True)
    hit = cache / f"{out.stem}-{hashlib.sha256(csv.read_bytes()).hexdigest()[:32]}.xlsx"
    if not hit.exists():
        write_atomic(hit, lambda tmp: write_reader_xlsx(df, tmp))
    shutil.copy2(hit, out)


def _copy_outputs(outputs: Path, dl: Path, prefix: str) -> None:
    """A report's figures (named by the report already) and tables (named here ``<report>-<lang>-<table>``)."""
    for folder, name in (("figures", lambda f: f.name), ("tables", lambda f: prefix + f.name)):
        if (outputs / folder).exists():
            for f in (outputs / folder).iterdir():
                shutil.copy2(f, dl / folder / name(f))


def _describe(path: str) -> dict[str, str]:
    """What a downloadable file is, in both languages."""
    for prefix, suffix, key in (("notebooks/", "", "notebook"), ("figures/", ".png", "png"), ("figures/", ".svg", "svg"),
                                ("figures/", ".json", "figure_json"),
                                ("figures/", ".csv", "figure_csv"), ("tables/", ".csv", "table_csv"),
                                ("tables/", ".xlsx", "table_xlsx"), ("tables/", ".tex", "table_tex"), ("docx/", "", "docx"),
                                ("indicators/", ".csv", "indicator_csv")):
        if path.startswith(prefix) and path.endswith(suffix):
            return {L: file_description(key, L) for L in LANGS}
    if path in (README, ARCHIVE):
        return {L: msg("download_readme" if path == README else "download_source", L) for L in LANGS}
    return {L: file_description(path, L) for L in LANGS}
