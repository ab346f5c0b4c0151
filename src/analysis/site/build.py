"""Assemble the static report site: executed notebooks -> nbconvert -> pages in Vietnamese and English.

``build_site()`` writes into a temporary folder next to ``site/_build`` and swaps it in only when every
page, download and the search index are complete; a failed build leaves the previous site untouched.
Every link is relative, so the site works from ``file://`` and under any sub-path.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import yaml

from analysis import config
from analysis.atomic import swap_dir, write_atomic
from analysis.catalogue import LANGS as C_LANGS
from analysis.catalogue import msg
from analysis.frame_cache import groups
from analysis.labels import FILE_DESCRIPTIONS, TABLE_DESCRIPTIONS, shorten
from analysis.markup import unsafe_markup
from analysis.reader_csv import write_reader_csv
from analysis.report.findings import overview_findings
from analysis.report.nearest import load_families
from analysis.site import grid as GRID
from analysis.site import indicator_pages as IP
from analysis.site import pages as SP
from analysis.site.languages import built_languages, other_languages
from analysis.site.parallel import fork_map
from analysis.site.project_files import ARCHIVE, README, repository_url, write_source_archive
from analysis.territory import territory_names

PAGES = ["index", "grid", "compare", "targets", "indicators", "methodology", "sources", "data", "search"]


def nav_label(page: str, lang: str) -> str:
    return msg(f"nav_{page}", lang)


def site_title(lang: str) -> str:
    return msg("site_title", lang)


class SiteError(RuntimeError):
    """The site could not be built; the previous site is left in place."""


@dataclass
class SiteInputs:
    provinces: list[dict]  # key, name_vi, name_en, code, successor, boundary, documents (has a parameter file)
    notebooks_dir: Path  # build/notebooks/<lang>/<key>.ipynb and compare.ipynb
    outputs_dir: Path  # build/outputs/<key>/<lang>/{figures,tables}
    processed_dir: Path
    raw_dir: Path
    errors: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ notebooks -> HTML
def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.remove_cell_tags = {"researcher-note", "parameters", "injected-parameters"}
    c.TagRemovePreprocessor.enabled = True
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    return HTMLExporter(config=c, template_name="basic")


def with_contents(body: str, lang: str) -> str:
    """Insert a folding table of contents after the page's first heading, from its <h2 id=…> sections."""
    heads = re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', body, flags=re.S)
    if len(heads) < 3:
        return body
    toc = SP.render("toc", lang, heads=[(html.unescape(i), _strip_tags(t).rstrip("¶").strip()) for i, t in heads])
    end = body.find("</h1>")
    return body[:end + 5] + toc + body[end + 5:] if end >= 0 else toc + body


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def notebook_body(path: Path, exporter=None) -> str:
    """The outputs of an executed notebook as HTML (no code), with notebook errors refused."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except (nbformat.reader.NotJSONError, UnicodeDecodeError, ValueError) as e:  # a full disk leaves 0 bytes
        raise SiteError(f"{path}: the executed notebook cannot be read ({path.stat().st_size} bytes; "
                        f"{type(e).__name__}); rerun it with `analysis run`") from None
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                raise SiteError(f"{path}: the executed notebook contains an error ({o.get('ename')}: "
                                f"{o.get('evalue')}); rerun it with `analysis run`")
    body, _ = (exporter or _exporter()).from_notebook_node(nb)
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)  # the site has its own stylesheet
    body = re.sub(r'<a class="anchor-link" href="#[^"]*">¶</a>', "", body)
    unsafe = unsafe_markup(body)
    if unsafe:  # report code must escape data fields (markup.md_text); never publish what slipped through
        detail = "; ".join(unsafe[:3])
        raise SiteError(f"{path}: unsafe markup in the executed notebook (a data field left unescaped): {detail}")
    return body


@functools.lru_cache(maxsize=1)
def _render_version() -> str:
    """nbconvert's version and the code that renders a body: a change to either renders every page again."""
    import inspect
    from importlib.metadata import version

    from analysis import markup

    code = inspect.getsource(_exporter) + inspect.getsource(notebook_body) + inspect.getsource(markup)
    return hashlib.sha256(f"{version('nbconvert')}\0{code}".encode()).hexdigest()


def _render_key(path: Path) -> str:
    h = hashlib.sha256(path.read_bytes())
    h.update(_render_version().encode())
    return h.hexdigest()[:32]


@functools.lru_cache(maxsize=1)
def _process_exporter():
    return _exporter()


def _render_to(path: str, target: str) -> None:
    """Worker: render one notebook and write its body to ``target`` (atomically)."""
    body = notebook_body(Path(path), _process_exporter())
    write_atomic(Path(target), lambda tmp: tmp.write_text(body, encoding="utf-8"))


def render_notebooks(paths: list[Path], cache: Path, workers: int | None = None) -> dict[Path, str]:
    """The HTML body of each executed notebook: reused from ``cache`` when the notebook is unchanged, otherwise
    rendered by nbconvert in several processes. A notebook holding an error stops the build (SiteError)."""
    from concurrent.futures import ProcessPoolExecutor

    cache.mkdir(parents=True, exist_ok=True)
    hits = {p: cache / f"{_render_key(p)}.html" for p in paths}
    todo = list({hits[p]: p for p in paths if not hits[p].exists()}.values())  # identical notebooks: one render
    if len(todo) > 2:
        with ProcessPoolExecutor(max_workers=min(len(todo), workers or os.cpu_count() or 2)) as pool:
            for f in [pool.submit(_render_to, str(p), str(hits[p])) for p in todo]:
                f.result()  # the first failing notebook's SiteError is raised here
    else:
        for p in todo:
            _render_to(str(p), str(hits[p]))
    return {p: hits[p].read_text(encoding="utf-8") for p in paths}


# ------------------------------------------------------------------ helpers
def _read(inputs: SiteInputs, name: str) -> pd.DataFrame:
    from analysis.data.process import load_processed

    return load_processed(name, inputs.processed_dir)


def _relpath(depth: int) -> str:
    return "../" * depth


@dataclass
class Page:
    lang: str
    path: str  # relative to the language folder, e.g. "index.html" or "provinces/quang-ninh.html"
    title: str
    body: str
    nav: str = ""

    @property
    def depth(self) -> int:
        return 1 + self.path.count("/")


# ------------------------------------------------------------------ downloads
def _bibtex(sources: pd.DataFrame) -> str:
    from analysis.report.bibtex import bibtex

    return bibtex(sources)


def project_citation(path: Path) -> dict:
    """The repository's CITATION.cff, read once while the file is unchanged (every cite box uses it: one per
    page and one per numbered table or figure). Callers copy before changing it."""
    return _read_cff(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_cff(path: Path, mtime_ns: int) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def citation_cff(version: str, date: str) -> str:
    """The project's CITATION.cff (kept at the repository root, where the team edits it) with this build's
    data version and date."""
    cff = dict(project_citation(config.project_root() / "CITATION.cff"))
    cff["version"] = version
    cff["date-released"] = date
    return yaml.safe_dump(cff, allow_unicode=True, sort_keys=False, width=110)


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


def _docx(body_html: str, title: str, lang: str, out: Path, tmp: Path) -> None:
    """A province report as a Word document, made with pandoc (pypandoc-binary ships it)."""
    import pypandoc

    from analysis.site.word import word_html

    src = tmp / (out.stem + ".html")
    src.write_text(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}'
                   f"</title></head><body>{word_html(body_html)}</body></html>", encoding="utf-8")
    pypandoc.convert_file(str(src), "docx", format="html", outputfile=str(out),
                          extra_args=["--metadata", f"title={title}", "--resource-path", str(tmp)])


def word_files(jobs: list[tuple[str, str, str, Path]], tmp: Path, cache: Path, workers: int | None = None) -> dict:
    """Write the Word reports: reused from ``cache`` when the page, title and language are unchanged, otherwise
    made with pandoc, several at a time. Returns counts and seconds (reported apart from the site assembly)."""
    from concurrent.futures import ThreadPoolExecutor

    t0 = time.perf_counter()
    cache.mkdir(parents=True, exist_ok=True)
    todo = []
    for body, title, lang, out in jobs:
        key = hashlib.sha256(f"word-html\0{title}\0{lang}\0{body}".encode()).hexdigest()[:32]  # see word.py
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
        write_atomic(hit, lambda tmp: df.to_excel(tmp, index=False, engine="openpyxl"))
    shutil.copy2(hit, out)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copy2(src, dst)


def _pagefind_key(site: Path) -> str:
    """The pages the search index is built from (every HTML file, path and bytes) and pagefind's version."""
    from importlib.metadata import version

    h = hashlib.sha256(f"pagefind {version('pagefind')}".encode())
    for page in sorted(site.rglob("*.html")):
        h.update(f"\0{page.relative_to(site).as_posix()}\0".encode())
        h.update(page.read_bytes())
    return h.hexdigest()[:32]


def _run_pagefind(site: Path, cache: Path | None = None) -> bool:
    """Build the search index into ``site/pagefind``; with ``cache``, reuse the index of identical pages (only
    the latest index is kept there). True when the index was reused."""
    key = _pagefind_key(site) if cache is not None else ""
    hit = cache / key if cache is not None else None
    if hit is not None and (hit / "pagefind-ui.js").exists():
        shutil.copytree(hit, site / "pagefind", copy_function=_link_or_copy)  # the cache's files are never changed
        return True
    r = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site)], capture_output=True, text=True)
    if r.returncode != 0 or not (site / "pagefind" / "pagefind-ui.js").exists():
        raise SiteError(f"pagefind failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    if hit is not None:
        cache.mkdir(parents=True, exist_ok=True)
        part = Path(tempfile.mkdtemp(prefix=".part-", dir=cache))
        shutil.copytree(site / "pagefind", part / "index")
        for old in cache.iterdir():
            if old != part:
                shutil.rmtree(old, ignore_errors=True)
        os.replace(part / "index", hit)
        shutil.rmtree(part, ignore_errors=True)
    return False


# ------------------------------------------------------------------ assembly
def collect_inputs(build_dir: Path | None = None, provinces: list[str] | None = None) -> SiteInputs:
    """What the site is built from: the provinces (default: every one a full build runs) and their notebooks."""
    from analysis.run.params import all_provinces, list_provinces, load_params, registry

    build = Path(build_dir or config.build_dir())
    own = set(list_provinces())
    in_force = {r["province_key"] for r in registry() if r["in_force"]}
    out = []
    for key in provinces or all_provinces():
        p = load_params(key)
        out.append({"key": key, "name_vi": p.name_vi, "name_en": p.name_en, "code": p.province_code,
                    "successor": p.successor_code, "boundary": p.boundary, "documents": key in own,
                    "in_force": key in in_force})
    return SiteInputs(provinces=out, notebooks_dir=build / "notebooks", outputs_dir=build / "outputs",
                      processed_dir=config.processed_dir(), raw_dir=config.raw_dir())


def _plain_text(body: str) -> str:
    """The words of a page body, without tags, scripts or styles, white space folded."""
    body = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", body, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def fold_accents(text: str) -> str:
    """'Đào tạo' -> 'Dao tao': a copy of the page text that search finds when a reader types without accents."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


EMBEDDED_IMAGE = re.compile(r'src="data:image/(png|jpeg|gif);base64,([A-Za-z0-9+/=\s]+)"')


def extract_images(body: str, out_root: Path, root: str) -> str:
    """Move images embedded in a page (base64) into ``img/`` files named by their content: pages get four times
    lighter on a phone, the search index is built faster, and an image shared by two pages is stored once."""
    def repl(m: re.Match) -> str:
        data = base64.b64decode(m.group(2))
        name = f"{hashlib.sha256(data).hexdigest()[:24]}.{'jpg' if m.group(1) == 'jpeg' else m.group(1)}"
        target = out_root / "img" / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return f'src="{root}img/{name}"'

    return EMBEDDED_IMAGE.sub(repl, body)


def _write_page(env, page: Page, out_root: Path, meta: dict, switch_ok: bool = True) -> None:
    tpl = env.get_template("page.html.j2")
    root = _relpath(page.depth)
    body = extract_images(page.body, out_root, root)
    # charts (plotly-chart): site.js loads plotly.js on the pages that have one, when one comes into view
    page = dataclasses.replace(page, body=body)
    other = next(iter(other_languages(page.lang, meta.get("languages", C_LANGS))), "")
    nav = [(nav_label(k, page.lang), f"{root}{page.lang}/{k}.html", page.path == f"{k}.html") for k in PAGES]
    plain = _plain_text(page.body)
    description = shorten(plain, 160)
    text = tpl.render(lang=page.lang, title=page.title,
                      body=item_cite_boxes(page.body, page, meta, out_root / "downloads")
                      + (cite_box(page, meta) if page.path != "search.html" else ""),
                      description=description, folded=fold_accents(plain) if page.lang == "vi" else "",
                      root=root, nav=nav, other_lang=other, other_href=f"{root}{other}/{page.path}", meta=meta,
                      repository=repository_url(project_citation(config.project_root() / "CITATION.cff")))
    path = out_root / page.lang / page.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _project_author() -> str:
    cff = project_citation(config.project_root() / "CITATION.cff")
    first = cff["authors"][0]
    return first.get("name") or " ".join(x for x in (first.get("given-names"), first.get("family-names")) if x)


def cite_box(page: Page, meta: dict, item: dict | None = None) -> str:
    """A citation of the page, or of one table or figure on it (``item``: kind, anchor, caption): a reference
    in the page's language and BibTeX, with the data version.

    The address is the page's path inside the site (with the item's anchor); the script puts the full address
    in when the page is read from a server."""
    author = meta.get("author") or _project_author()
    L, date = page.lang, meta["built_at"][:10]
    page_url = f"{page.lang}/{page.path}"
    url = page_url + (f"#{item['anchor']}" if item else "")
    # the access date is the reader's: a placeholder the reader fills in, which site.js sets to today's date
    marker, accessed = "\x00AUTHOR\x00", "\x00ACCESSED\x00"  # the author is a name, quoted in its own language
    values = dict(author=marker, year=date[:4], title=page.title, site=site_title(L), version=meta["data_version"],
                  url=url, date=accessed)
    if item:
        values["item"] = item["caption"].rstrip(".")
    text = msg("cite_item_reference" if item else "cite_reference", L, **values)
    before, _, rest = text.partition(marker)
    middle, _, after = rest.partition(accessed)
    key = re.sub(r"[^a-z0-9]+", "-", f"{page.lang}-{page.path.removesuffix('.html')}"
                 + (f"-{item['anchor']}" if item else "")).strip("-")
    title = f"{values['item']}. {page.title}" if item else page.title
    bib_before = (f"@misc{{{key}-{meta['data_version']},\n  author = {{{{{author}}}}},\n  title = {{{title}}},\n"
                  f"  year = {{{date[:4]}}},\n  howpublished = {{{url}}},\n  note = {{{site_title(L)}, "
                  f"data version {meta['data_version']}}},\n  urldate = {{")
    summary = msg(f"cite_{item['kind']}_summary" if item else "cite_summary", L)
    return SP.environment().get_template("cite_box.html.j2").render(
        lang=L, item=item, summary=summary, page_url=page_url, ref_before=before, author=author, ref_middle=middle,
        accessed=msg("cite_accessed_placeholder", L), ref_after=after, bib_before=bib_before, bib_after="}\n}")


CITE_SLOT = re.compile(r'<div ([^>]*class="cite-slot"[^>]*)>\s*</div>')
SLOT_ATTR = re.compile(r'data-(kind|anchor|caption|stem)="([^"]*)"')
ITEM_FILES = {"figure": ("figures", ("png", "svg", "csv")), "table": ("tables", ("csv", "xlsx", "tex"))}


def item_cite_boxes(body: str, page: Page, meta: dict, downloads: Path | None = None) -> str:
    """Put a cite box in place of each marker the notebook left after a numbered table or figure (the notebook
    renderer may reorder the marker's attributes); before it, links to the item's files found in ``downloads``."""
    def box(m: re.Match) -> str:
        item = {k: html.unescape(v) for k, v in SLOT_ATTR.findall(m.group(1))}
        if not {"kind", "anchor", "caption"} <= set(item):
            return ""
        folder, exts = ITEM_FILES.get(item["kind"], ("", ()))
        files = [(ext, f"{_relpath(page.depth)}downloads/{folder}/{item['stem']}.{ext}") for ext in exts
                 if item.get("stem") and downloads is not None
                 and (downloads / folder / f"{item['stem']}.{ext}").exists()]
        links = SP.render("item_files", page.lang, kind=item["kind"], files=files) if files else ""
        return links + cite_box(page, meta, item)

    return CITE_SLOT.sub(box, body)


@functools.lru_cache(maxsize=64)
def format_date(iso: str, lang: str) -> str:
    """2026-11-26 -> '26/11/2026' (vi) / '26 November 2026' (en), from Babel's locale data."""
    from babel.dates import format_date as babel_date

    d = datetime.strptime(iso, "%Y-%m-%d").date()
    return babel_date(d, "dd/MM/yyyy", locale="vi_VN") if lang == "vi" else babel_date(d, "d MMMM y", locale="en")


def assemble(inputs: SiteInputs, out: Path, calibration_series: int = 200, docx: bool = True,
             search: bool = True, cache_dir: Path | None = None) -> dict:
    """Write the whole site into ``out`` (an empty folder). Raises SiteError if anything is missing.

    ``cache_dir`` (default: the build folder) keeps rendered notebook pages, Excel and Word files, each under
    the hash of what it was made from, so an unchanged notebook or table is not converted again."""
    from analysis.data.process import data_version

    cache_dir = cache_dir or config.build_dir()

    t0 = time.perf_counter()
    LANGS = meta_languages = built_languages(inputs.notebooks_dir)  # the languages the run stage built
    env = SP.environment()
    meta = {"built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "data_version": data_version(inputs.raw_dir), "languages": meta_languages}
    assessments = _read(inputs, "assessments")
    facts = _read(inputs, "facts")
    indicators = _read(inputs, "indicators")
    sources = _read(inputs, "sources")
    dti = _read(inputs, "dti_2022")
    prov_table = _read(inputs, "provinces")
    # the pre-2025 province each row belongs to (post-2025 rows map to their predecessor(s) in params)
    docs = [p for p in inputs.provinces if p.get("documents", True)]  # the provinces of the source documents
    succ = {p["successor"]: p["key"] for p in docs}
    pre = {p["code"]: p["key"] for p in docs}
    national = _read(inputs, "national_assessments")
    national_targets = _read(inputs, "national_targets")
    meta["author"] = _project_author()  # read once (every cite box names it)
    for df in (assessments, facts):
        df["province_key_pre"] = [pre.get(c) if b == "pre2025" else succ.get(c)
                                  for c, b in zip(df["province_code"], df["boundary"])]
    # figures aggregated to a post-2025 province belong to that province, not to one of its parts' reports
    facts.loc[facts["flags"].fillna("").str.contains("aggregated"), "province_key_pre"] = None
    seed_keys = {p["successor"]: (p["key"], p) for p in docs}  # the report and its province (named per language)
    # the page of each province in force: its own key (unchanged territory) or its "-2025" key (merged)
    pages_in_force = {p["successor"]: p["key"] for p in inputs.provinces if p.get("in_force")}
    # every province named with its territory's date where that changed on 1 July 2025 (titles never repeat)
    names = {lang: territory_names(prov_table, lang) for lang in LANGS}
    for p in inputs.provinces:
        for lang in LANGS:
            p[f"title_{lang}"] = names[lang].get((p["code"], p.get("boundary", "pre2025")), p[f"name_{lang}"])
    ind = indicators.set_index("indicator_id")
    families = load_families(inputs.processed_dir, set(indicators["indicator_id"]))  # related indicators (curated)
    regions = GRID.load_regions(prov_table, inputs.processed_dir)  # GSO regions, for the progress grid's filter
    for lang in LANGS:
        assessments[f"indicator_name_{lang}"] = assessments["indicator_id"].map(ind[f"name_{lang}"])

    missing = []
    (out / "assets").mkdir(parents=True)
    for f in (config.site_src_dir() / "assets").iterdir():
        shutil.copy2(f, out / "assets" / f.name)
    shutil.copy2(IP.plotly_js_path(), out / "assets" / IP.PLOTLY_JS)  # interactive charts, no CDN
    ind_ids = IP.indicators_with_pages(facts, indicators, assessments, national_targets)
    facts_by_ind = groups(facts, "indicator_id")
    obs_by_ind, obs_all_by_ind = IP.all_observations(facts, prov_table), IP.all_observations(facts)
    no_obs = IP.observations(facts.iloc[0:0], "")
    targets_by_ind = IP.all_targets(facts)
    units = dict(zip(indicators["indicator_id"], indicators["unit"]))
    dl = out / "downloads"
    (dl / "notebooks").mkdir(parents=True)
    (dl / "figures").mkdir()
    (dl / "tables").mkdir()
    (dl / "docx").mkdir()
    executed = [inputs.notebooks_dir / lang / f"{key}.ipynb" for lang in LANGS
                for key in [p["key"] for p in inputs.provinces] + ["compare"]]
    bodies = render_notebooks([nb for nb in executed if nb.exists()], cache_dir / "html-cache")

    # the assessments with their indicators named in each language
    named_in = {lang: assessments.assign(indicator_name=assessments[f"indicator_name_{lang}"]) for lang in LANGS}

    def report_pages(lang: str) -> tuple[list[Page], list[str]]:
        """The province reports, the comparison and the site's own pages; the notebooks that are missing."""
        missing = []
        named = named_in[lang]
        pages = []
        for p in inputs.provinces:
            nb = inputs.notebooks_dir / lang / f"{p['key']}.ipynb"
            if not nb.exists():
                missing.append(str(nb))
                continue
            pages.append(Page(lang, f"provinces/{p['key']}.html", p[f"title_{lang}"], SP.province_downloads(p["key"], lang)
                              + with_contents(bodies[nb], lang)))
            shutil.copy2(nb, dl / "notebooks" / f"{p['key']}-{lang}.ipynb")
            _copy_outputs(inputs.outputs_dir / p["key"] / lang, dl, f"{p['key']}-{lang}-")
        cnb = inputs.notebooks_dir / lang / "compare.ipynb"
        if cnb.exists():
            pages.append(Page(lang, "compare.html", nav_label("compare", lang), with_contents(bodies[cnb], lang)))
            shutil.copy2(cnb, dl / "notebooks" / f"compare-{lang}.ipynb")
            _copy_outputs(inputs.outputs_dir / "compare" / lang, dl, f"compare-{lang}-")
        else:
            missing.append(str(cnb))
        overview = SP.provinces_overview(lang, prov_table, national, facts, seed_keys, "../", national_targets,
                                         pages_in_force)
        n_all = int(((prov_table["boundary"] == "post2025") & (prov_table["province_code"] != "VN")).sum())
        summary = overview_findings(lang, n_all, len(docs), named, national, national_targets,
                                    SP.national_target_id(national), n_pages=len(pages_in_force))
        pages.append(Page(lang, "index.html", nav_label("index", lang),
                          SP.home_body(lang, meta, docs, named, facts, dti, overview, summary, n_all, grid=True)))
        pages.append(Page(lang, "grid.html", nav_label("grid", lang), GRID.grid_body(
            lang, prov_table, national, national_targets, named, names[lang], regions, SP.statuses(),
            pages_in_force)))
        pages.append(Page(lang, "targets.html", nav_label("targets", lang),
                          SP.targets_body(lang, named, indicators, names[lang], sources, national, national_targets,
                                          prov_table, facts, families)))
        pages.append(Page(lang, "sources.html", nav_label("sources", lang), SP.sources_body(lang, sources)))
        pages.append(Page(lang, "search.html", nav_label("search", lang), SP.search_body(lang)))
        return pages, missing

    def indicator_pages(lang: str) -> tuple[list[Page], list[str]]:
        """The list of indicators and one page per indicator."""
        named = named_in[lang]
        pages = [Page(lang, "indicators.html", nav_label("indicators", lang),
                      IP.index_body(ind_ids, indicators, obs_by_ind, named, lang))]
        for i in ind_ids:  # each page reads only its indicator's rows
            pages.append(Page(lang, f"indicators/{i}.html", ind.at[i, f"name_{lang}"], IP.indicator_body(
                i, ind.loc[i], facts_by_ind.get(i, facts.iloc[0:0]), named, prov_table, sources, national,
                national_targets, lang, SP.badge, dl / "indicators", units, obs=obs_by_ind.get(i, no_obs),
                obs_all=obs_all_by_ind.get(i, no_obs), targets=targets_by_ind.get(i, facts.iloc[0:0]))))
        return pages, []

    def write(task: tuple[str, str]) -> list[str]:
        """Make and write one group of pages; the notebooks that are missing."""
        lang, group = task
        pages, missing = (report_pages if group == "reports" else indicator_pages)(lang)
        for page in pages:
            _write_page(env, page, out, meta)
        return missing

    # the groups of pages are made side by side (forked processes, where the machine has the cores)
    tasks = [(lang, group) for lang in LANGS for group in ("reports", "indicators")]
    missing = [m for found in fork_map(write, tasks) for m in found]
    if missing:
        raise SiteError("executed notebooks are missing (run `make notebooks`):\n  " + "\n  ".join(missing))
    word_jobs = []  # the province pages as Word files (every notebook exists: checked above)
    for lang in LANGS if docx else ():
        for p in inputs.provinces:
            body = with_contents(bodies[inputs.notebooks_dir / lang / f"{p['key']}.ipynb"], lang)
            word_jobs.append((body, f"{p[f'title_{lang}']} – {site_title(lang)}", lang,
                              dl / "docx" / f"{p['key']}-{lang}.docx"))
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".docx-tmp-", dir=cache_dir))  # where the next build sweeps it if killed
    try:
        meta["word"] = word_files(word_jobs, tmp, cache_dir / "docx-cache")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # data downloads
    tables = []
    for name, desc in TABLE_DESCRIPTIONS.items():
        df = _read(inputs, name).drop(columns=["province_key_pre"], errors="ignore")
        write_reader_csv(df, dl / f"{name}.csv")
        _xlsx(df, dl / f"{name}.csv", dl / f"{name}.xlsx", cache_dir / "xlsx-cache")
        tables.append((f"{name}.csv", df, desc["en"]))
    (dl / "datapackage.json").write_text(json.dumps(_datapackage(tables, meta), ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    (dl / "CITATION.cff").write_text(citation_cff(meta["data_version"], meta["built_at"][:10]), encoding="utf-8")
    (dl / "sources.bib").write_text(_bibtex(sources), encoding="utf-8")
    # the project itself, which the footer of every page links: its README and its source
    if (config.project_root() / README).exists():
        shutil.copy2(config.project_root() / README, dl / README)
    write_source_archive(config.project_root(), dl / ARCHIVE)
    files = sorted((str(p.relative_to(dl)), p.stat().st_size) for p in dl.rglob("*") if p.is_file())
    described = ({f"{n}.csv": d for n, d in TABLE_DESCRIPTIONS.items()}
                 | {f"{n}.xlsx": d for n, d in TABLE_DESCRIPTIONS.items()})
    listing = [(p, s, described.get(p, _describe(p))) for p, s in files]

    calibration = None
    if calibration_series:
        import warnings

        sys.path.insert(0, str(config.project_root() / "benchmarks"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from calibration import run as run_calibration

            calibration = run_calibration(calibration_series)
    backtest = _read(inputs, "backtest")
    indicators = _read(inputs, "indicators")
    for lang in LANGS:
        _write_page(env, Page(lang, "methodology.html", nav_label("methodology", lang),
                              SP.methodology_body(lang, calibration, backtest, indicators)), out, meta)
        reports = [{"key": p["key"], "page": f"provinces/{p['key']}.html", "name": p[f"title_{lang}"]}
                   for p in inputs.provinces] + [{"key": "compare", "name": nav_label("compare", lang),
                                                  "page": "compare.html"}]
        _write_page(env, Page(lang, "data.html", nav_label("data", lang), SP.data_body(lang, listing, reports)),
                    out, meta)
    (out / "index.html").write_text(env.get_template("root.html.j2").render(meta=meta, lang=LANGS[0],
                                                                                     languages=LANGS), encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")
    if search:
        meta["search_index_reused"] = _run_pagefind(out, cache_dir / "pagefind-cache")
    meta["seconds"] = round(time.perf_counter() - t0, 2)
    (out / "build.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


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
            return FILE_DESCRIPTIONS[key]
    if path in (README, ARCHIVE):
        return {L: msg("download_readme" if path == README else "download_source", L) for L in C_LANGS}
    return FILE_DESCRIPTIONS.get(path, {"vi": "", "en": ""})


def check_runs(inputs: SiteInputs) -> None:
    """Refuse executed notebooks that are not finished, successful runs on the current processed data, code,
    catalogues and parameters (an interrupted or failed run, or one from before a change); SiteError names each."""
    from analysis.run.params import ParamsError
    from analysis.run.runner import plan, stale_runs

    try:
        jobs = plan([p["key"] for p in inputs.provinces], langs=list(built_languages(inputs.notebooks_dir)),
                    build_dir=inputs.notebooks_dir.parent)
    except ParamsError as e:
        raise SiteError(str(e)) from None
    stale = stale_runs(jobs)
    if stale:
        lines = [f"  - {j.output}: {why}" for j, why in stale[:10]] + (
            [f"  - … and {len(stale) - 10} more"] if len(stale) > 10 else [])
        raise SiteError(f"{len(stale)} executed notebook(s) cannot be published; run `make report` (or "
                        "`analysis run`) first:\n" + "\n".join(lines))


def build_site(out_dir: Path | None = None, inputs: SiteInputs | None = None, verify_runs: bool = True,
               **kw) -> Path:
    """Build into a temporary folder and swap it in atomically; the previous site survives any failure.

    ``verify_runs``: refuse notebooks that are not finished runs on the current inputs (``check_runs``)."""
    out = Path(out_dir or config.site_out_dir())
    inputs = inputs or collect_inputs()
    if verify_runs:
        check_runs(inputs)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".tmp-", dir=out.parent))
    try:
        assemble(inputs, tmp, **kw)
        swap_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
