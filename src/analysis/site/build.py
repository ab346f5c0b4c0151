"""Assemble the static report site: executed notebooks -> nbconvert -> pages in Vietnamese and English.

``build_site()`` writes into a temporary folder next to ``site/_build`` and swaps it in only when every
page, download and the search index are complete; a failed build leaves the previous site untouched.
Every link is relative, so the site works from ``file://`` and under any sub-path.

The pieces: ``site.notebook_html`` (notebooks -> HTML), ``site.write`` (one page), ``site.cite`` (cite boxes),
``site.downloads`` (data, Word and report files), ``site.search`` (the search index); this module reads the
processed data once (``load_site_data``) and makes the pages from it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.atomic import swap_dir
from analysis.data.provinces import documented, full_build
from analysis.data.store import data_version, load_processed
from analysis.frame_cache import groups
from analysis.labels import table_description, table_names
from analysis.reader_csv import write_reader_csv
from analysis.report.findings import overview_findings
from analysis.report.nearest import load_families
from analysis.site import grid as GRID
from analysis.site import indicator_pages as IP
from analysis.site import pages as SP
from analysis.assess.calibration import SITE_SERIES
from analysis.site.background import in_background, start_calibration
from analysis.site.cite import (ITEM_FILES, _project_author, citation_cff, cite_box, item_cite_boxes,
                                project_citation, read_items)
from analysis.site.downloads import _bibtex, _copy_outputs, _datapackage, _describe, _docx, _xlsx, word_files
from analysis.site.languages import built_languages
from analysis.site.page import LANGS, PAGES, Page, SiteError, _relpath, nav_label, site_title
from analysis.site.parallel import fork_map
from analysis.site.project_files import ARCHIVE, README, write_source_archive
from analysis.site.notebook_html import notebook_body, render_notebooks, with_contents
from analysis.site.search import _run_pagefind
from analysis.site.write import _plain_text, _write_page, extract_images, fold_accents, format_date
from analysis.territory import territory_names

__all__ = [  # the pieces' names, importable from here as before the split
    "ITEM_FILES", "LANGS", "PAGES", "Page", "SiteData", "SiteError", "SiteInputs",
    "_bibtex", "_copy_outputs", "_datapackage", "_describe", "_docx", "_plain_text", "_project_author",
    "_relpath", "_run_pagefind", "_write_page", "_xlsx", "assemble", "build_site", "citation_cff", "cite_box",
    "collect_inputs", "extract_images", "fold_accents", "format_date", "item_cite_boxes", "load_site_data",
    "read_items",
    "nav_label", "notebook_body", "project_citation", "render_notebooks", "site_title", "with_contents",
    "word_files",
]


@dataclass
class SiteInputs:
    provinces: list[dict]  # key, name_vi, name_en, code, successor, boundary, documents (has a parameter file)
    notebooks_dir: Path  # build/notebooks/<lang>/<key>.ipynb and compare.ipynb
    outputs_dir: Path  # build/outputs/<key>/<lang>/{figures,tables}
    processed_dir: Path
    raw_dir: Path
    errors: list[str] = field(default_factory=list)


def collect_inputs(build_dir: Path | None = None, provinces: list[str] | None = None) -> SiteInputs:
    """What the site is built from: the reports (default: every one a full build runs, as the province registry
    data/processed/provinces.csv and the parameter files say) and their notebooks."""
    build = Path(build_dir or config.build_dir())
    reports = load_processed("reports").to_dict("records")
    own = documented(config.params_dir())
    by_key = {r["province_key"]: r for r in reports}
    unknown = [k for k in provinces or [] if k not in by_key]
    if unknown:
        raise SiteError(f"unknown report key(s) {', '.join(unknown)}; see data/processed/provinces.csv")
    out = [{"key": key, "name_vi": r["name_vi"], "name_en": r["name_en"], "code": r["province_code"],
            "successor": r["successor_code"], "boundary": r["boundary"], "documents": key in own,
            "in_force": r["in_force"]}
           for key in provinces or full_build(reports, own) for r in [by_key[key]]]
    return SiteInputs(provinces=out, notebooks_dir=build / "notebooks", outputs_dir=build / "outputs",
                      processed_dir=config.processed_dir(), raw_dir=config.raw_dir())


def _read(inputs: SiteInputs, name: str) -> pd.DataFrame:
    return load_processed(name, inputs.processed_dir)


@dataclass
class SiteData:
    """The processed tables the pages are made from, read once, with what the pages look up in them."""
    assessments: pd.DataFrame
    facts: pd.DataFrame
    indicators: pd.DataFrame
    sources: pd.DataFrame
    dti: pd.DataFrame
    registry: pd.DataFrame
    national: pd.DataFrame
    national_targets: pd.DataFrame
    docs: list[dict]  # the provinces of the source documents
    seed_keys: dict  # successor code -> (report key, province) of the source documents
    pages_in_force: dict  # code -> the page of each province in force
    names: dict  # lang -> {(code, boundary): name with its territory's date}
    families: dict
    regions: dict
    named_in: dict = field(default_factory=dict)  # lang -> assessments with indicator_name in that language
    ind_ids: list = field(default_factory=list)  # indicators with a page


def load_site_data(inputs: SiteInputs) -> SiteData:
    """Read the processed tables; say which report each assessment and fact belongs to; name every province."""
    assessments, facts = _read(inputs, "assessments"), _read(inputs, "facts")
    indicators, registry = _read(inputs, "indicators"), _read(inputs, "provinces")
    docs = [p for p in inputs.provinces if p.get("documents", True)]
    # the report of the source documents each row is shown in (the data stage's report_keys; the first)
    doc_keys = {p["key"] for p in docs}
    for df in (assessments, facts):
        df["province_key_pre"] = [next((k for k in str(keys).split(";") if k in doc_keys), None)
                                  for keys in df["report_keys"].fillna("")]
    # every province named with its territory's date where that changed on 1 July 2025 (titles never repeat)
    names = {lang: territory_names(registry, lang) for lang in LANGS}
    for p in inputs.provinces:
        for lang in LANGS:
            p[f"title_{lang}"] = names[lang].get((p["code"], p.get("boundary", "pre2025")), p[f"name_{lang}"])
    ind = indicators.set_index("indicator_id")
    for lang in LANGS:
        assessments[f"indicator_name_{lang}"] = assessments["indicator_id"].map(ind[f"name_{lang}"])
    data = SiteData(
        assessments=assessments, facts=facts, indicators=indicators, sources=_read(inputs, "sources"),
        dti=_read(inputs, "dti_2022"), registry=registry, national=_read(inputs, "national_assessments"),
        national_targets=_read(inputs, "national_targets"), docs=docs,
        seed_keys={p["successor"]: (p["key"], p) for p in docs},
        pages_in_force={p["successor"]: p["key"] for p in inputs.provinces if p.get("in_force")}, names=names,
        families=load_families(inputs.processed_dir, set(indicators["indicator_id"])),  # related indicators
        regions=GRID.load_regions(registry, inputs.processed_dir))  # GSO regions, for the progress grid's filter
    data.named_in = {lang: assessments.assign(indicator_name=assessments[f"indicator_name_{lang}"])
                     for lang in LANGS}
    data.ind_ids = IP.indicators_with_pages(facts, indicators, assessments, data.national_targets)
    return data


def _report_pages(inputs: SiteInputs, data: SiteData, bodies: dict, dl: Path, meta: dict,
                  lang: str) -> tuple[list[Page], list[str]]:
    """The province reports and the comparison (their notebooks and files copied to the downloads); the
    notebooks that are missing."""
    missing, pages = [], []
    for p in inputs.provinces:
        nb = inputs.notebooks_dir / lang / f"{p['key']}.ipynb"
        if not nb.exists():
            missing.append(str(nb))
            continue
        pages.append(Page(lang, f"provinces/{p['key']}.html", p[f"title_{lang}"],
                          SP.province_downloads(p["key"], lang) + with_contents(bodies[nb], lang),
                          items=read_items(inputs.outputs_dir / p["key"] / lang, nb, bodies[nb])))
        shutil.copy2(nb, dl / "notebooks" / f"{p['key']}-{lang}.ipynb")
        _copy_outputs(inputs.outputs_dir / p["key"] / lang, dl, f"{p['key']}-{lang}-")
    cnb = inputs.notebooks_dir / lang / "compare.ipynb"
    if cnb.exists():
        pages.append(Page(lang, "compare.html", nav_label("compare", lang), with_contents(bodies[cnb], lang),
                          items=read_items(inputs.outputs_dir / "compare" / lang, cnb, bodies[cnb])))
        shutil.copy2(cnb, dl / "notebooks" / f"compare-{lang}.ipynb")
        _copy_outputs(inputs.outputs_dir / "compare" / lang, dl, f"compare-{lang}-")
    else:
        missing.append(str(cnb))
    return pages + _overview_pages(data, meta, lang), missing


def _overview_pages(data: SiteData, meta: dict, lang: str) -> list[Page]:
    """The home page, the progress grid, every target, the sources and the search page."""
    d, named = data, data.named_in[lang]
    overview = SP.provinces_overview(lang, d.registry, d.national, d.facts, d.seed_keys, "../", d.national_targets,
                                     d.pages_in_force)
    n_all = int(((d.registry["boundary"] == "post2025") & (d.registry["province_code"] != "VN")).sum())
    summary = overview_findings(lang, n_all, len(d.docs), named, d.national, d.national_targets,
                                SP.national_target_id(d.national), n_pages=len(d.pages_in_force))
    return [
        Page(lang, "index.html", nav_label("index", lang),
             SP.home_body(lang, meta, d.docs, named, d.facts, d.dti, overview, summary, n_all, grid=True,
                         names=d.names[lang])),
        Page(lang, "grid.html", nav_label("grid", lang), GRID.grid_body(
            lang, d.registry, d.national, d.national_targets, named, d.names[lang], d.regions, SP.statuses(),
            d.pages_in_force)),
        Page(lang, "targets.html", nav_label("targets", lang),
             SP.targets_body(lang, named, d.indicators, d.names[lang], d.sources, d.national, d.national_targets,
                             d.registry, d.facts, d.families)),
        Page(lang, "sources.html", nav_label("sources", lang), SP.sources_body(lang, d.sources)),
        Page(lang, "search.html", nav_label("search", lang), SP.search_body(lang)),
    ]


@dataclass
class IndicatorRows:
    """Each indicator's rows, split once for all its pages (each page reads only its indicator's rows)."""
    facts: dict
    obs: dict
    obs_all: dict
    targets: dict
    no_obs: pd.DataFrame
    units: dict


def _indicator_rows(data: SiteData) -> IndicatorRows:
    facts = data.facts
    return IndicatorRows(facts=groups(facts, "indicator_id"), obs=IP.all_observations(facts, data.registry),
                         obs_all=IP.all_observations(facts), targets=IP.all_targets(facts),
                         no_obs=IP.observations(facts.iloc[0:0], ""),
                         units=dict(zip(data.indicators["indicator_id"], data.indicators["unit"])))


def _indicator_pages(data: SiteData, rows: IndicatorRows, dl: Path, lang: str) -> tuple[list[Page], list[str]]:
    """The list of indicators and one page per indicator."""
    named, ind, empty = data.named_in[lang], data.indicators.set_index("indicator_id"), data.facts.iloc[0:0]
    pages = [Page(lang, "indicators.html", nav_label("indicators", lang),
                  IP.index_body(data.ind_ids, data.indicators, rows.obs, named, lang))]
    for i in data.ind_ids:
        items: list[dict] = []  # the page's numbered items, for their cite boxes
        body = IP.indicator_body(
            i, ind.loc[i], rows.facts.get(i, empty), named, data.registry, data.sources, data.national,
            data.national_targets, lang, SP.badge, dl / "indicators", rows.units, obs=rows.obs.get(i, rows.no_obs),
            obs_all=rows.obs_all.get(i, rows.no_obs), targets=rows.targets.get(i, empty), items=items)
        pages.append(Page(lang, f"indicators/{i}.html", ind.at[i, f"name_{lang}"], body, items=tuple(items)))
    return pages, []


def _copy_assets(out: Path) -> None:
    (out / "assets").mkdir(parents=True)
    for f in (config.site_src_dir() / "assets").iterdir():
        shutil.copy2(f, out / "assets" / f.name)
    shutil.copy2(IP.plotly_js_path(), out / "assets" / IP.PLOTLY_JS)  # interactive charts, no CDN


def _download_dirs(out: Path) -> Path:
    dl = out / "downloads"
    (dl / "notebooks").mkdir(parents=True)
    for sub in ("figures", "tables", "docx"):
        (dl / sub).mkdir()
    return dl


def _write_pages(inputs: SiteInputs, data: SiteData, bodies: dict, env, out: Path, meta: dict) -> None:
    """The report and indicator pages of each language, made side by side (forked processes, where the machine
    has the cores); SiteError names the executed notebooks that are missing."""
    dl = out / "downloads"
    rows = _indicator_rows(data)

    def write(task: tuple[str, str]) -> list[str]:
        lang, group = task
        pages, missing = (_report_pages(inputs, data, bodies, dl, meta, lang) if group == "reports" else
                          _indicator_pages(data, rows, dl, lang))
        for page in pages:
            _write_page(env, page, out, meta)
        return missing

    tasks = [(lang, group) for lang in meta["languages"] for group in ("reports", "indicators")]
    missing = [m for found in fork_map(write, tasks) for m in found]
    if missing:
        raise SiteError("executed notebooks are missing (run `make notebooks`):\n  " + "\n  ".join(missing))


def _word_reports(inputs: SiteInputs, bodies: dict, dl: Path, cache_dir: Path, langs: tuple[str, ...],
                  docx: bool = True) -> dict:
    """The province pages as Word files (every notebook exists: checked before); none without ``docx``."""
    jobs = [] if not docx else [(with_contents(bodies[inputs.notebooks_dir / lang / f"{p['key']}.ipynb"], lang),
             f"{p[f'title_{lang}']} – {site_title(lang)}", lang, dl / "docx" / f"{p['key']}-{lang}.docx")
            for lang in langs for p in inputs.provinces]
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".docx-tmp-", dir=cache_dir))  # where the next build sweeps it if killed
    try:
        return word_files(jobs, tmp, cache_dir / "docx-cache")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _data_downloads(inputs: SiteInputs, data: SiteData, dl: Path, meta: dict, cache_dir: Path) -> None:
    """The processed tables (CSV, Excel, data package), the citation files and the project's README and source."""
    tables = []
    for name in table_names():
        df = _read(inputs, name).drop(columns=["province_key_pre"], errors="ignore")
        write_reader_csv(df, dl / f"{name}.csv")
        _xlsx(df, dl / f"{name}.csv", dl / f"{name}.xlsx", cache_dir / "xlsx-cache")
        tables.append((f"{name}.csv", df, table_description(name, "en")))  # the data package is in English
    (dl / "datapackage.json").write_text(json.dumps(_datapackage(tables, meta), ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    (dl / "CITATION.cff").write_text(citation_cff(meta["data_version"], meta["built_at"][:10]), encoding="utf-8")
    (dl / "sources.bib").write_text(_bibtex(data.sources), encoding="utf-8")
    # the project itself, which the footer of every page links: its README and its source
    if (config.project_root() / README).exists():
        shutil.copy2(config.project_root() / README, dl / README)
    write_source_archive(config.project_root(), dl / ARCHIVE)


def _listing(dl: Path) -> list:
    """Every download with its size and what it is."""
    files = sorted((str(p.relative_to(dl)), p.stat().st_size) for p in dl.rglob("*") if p.is_file())
    described = {f"{n}.{ext}": {L: table_description(n, L) for L in LANGS} for n in table_names()
                 for ext in ("csv", "xlsx")}
    return [(p, s, described.get(p, _describe(p))) for p, s in files]


def _method_and_data_pages(inputs: SiteInputs, env, out: Path, meta: dict, listing: list,
                           calibration: Callable[[], list[dict]] | None) -> None:
    """The methodology page (with the forecasts' calibration on simulated series) and the downloads page."""
    calibration = calibration() if calibration is not None else None
    backtest, indicators = _read(inputs, "backtest"), _read(inputs, "indicators")
    single = _read(inputs, "single_series_backtest")
    for lang in meta["languages"]:
        _write_page(env, Page(lang, "methodology.html", nav_label("methodology", lang),
                              SP.methodology_body(lang, calibration, backtest, indicators, single)), out, meta)
        reports = [{"key": p["key"], "page": f"provinces/{p['key']}.html", "name": p[f"title_{lang}"]}
                   for p in inputs.provinces] + [{"key": "compare", "name": nav_label("compare", lang),
                                                  "page": "compare.html"}]
        _write_page(env, Page(lang, "data.html", nav_label("data", lang), SP.data_body(lang, listing, reports)),
                    out, meta)


def assemble(inputs: SiteInputs, out: Path, calibration_series: int = SITE_SERIES, docx: bool = True,
             search: bool = True, cache_dir: Path | None = None) -> dict:
    """Write the whole site into ``out`` (an empty folder). Raises SiteError if anything is missing.

    ``cache_dir`` (default: the build folder) keeps rendered notebook pages, Excel and Word files, each under
    the hash of what it was made from, so an unchanged notebook or table is not converted again."""
    cache_dir = cache_dir or config.build_dir()
    t0 = time.perf_counter()
    calibration = start_calibration(calibration_series, cache_dir / "calibration-cache")
    env = SP.environment()
    meta = {"built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "data_version": data_version(inputs.raw_dir),
            "languages": built_languages(inputs.notebooks_dir)}  # the languages the run stage built
    data = load_site_data(inputs)
    meta["author"] = _project_author()  # read once (every cite box names it)
    _copy_assets(out)
    dl = _download_dirs(out)
    executed = [inputs.notebooks_dir / lang / f"{key}.ipynb" for lang in meta["languages"]
                for key in [p["key"] for p in inputs.provinces] + ["compare"]]
    bodies = render_notebooks([nb for nb in executed if nb.exists()], cache_dir / "html-cache")
    meta["word"] = {}  # the Word reports (pandoc) are made beside the pages and tables, before they are listed
    word = in_background(lambda: _word_reports(inputs, bodies, dl, cache_dir, meta["languages"], docx),
                         "making the Word reports")
    try:
        _write_pages(inputs, data, bodies, env, out, meta)
        _data_downloads(inputs, data, dl, meta, cache_dir)
    except BaseException:
        word.stop()
        raise
    meta["word"] = word()
    listing = _listing(dl)
    _method_and_data_pages(inputs, env, out, meta, listing, calibration)
    first = meta["languages"][0]
    (out / "index.html").write_text(env.get_template("root.html.j2").render(meta=meta, lang=first,
                                                                             languages=meta["languages"]),
                                    encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")
    if search:
        meta["search_index_reused"] = _run_pagefind(out, cache_dir / "pagefind-cache")
    meta["seconds"] = round(time.perf_counter() - t0, 2)
    (out / "build.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


def build_site(out_dir: Path | None = None, inputs: SiteInputs | None = None,
               verify: Callable[[SiteInputs], None] | None = None, **kw) -> Path:
    """Build into a temporary folder and swap it in atomically; the previous site survives any failure.

    ``verify``: called with the inputs first, to refuse notebooks that are not finished runs on the current
    inputs (the command line passes ``analysis.run.publish.check_site_inputs``)."""
    out = Path(out_dir or config.site_out_dir())
    inputs = inputs or collect_inputs()
    if verify is not None:
        verify(inputs)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".tmp-", dir=out.parent))
    try:
        assemble(inputs, tmp, **kw)
        swap_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
