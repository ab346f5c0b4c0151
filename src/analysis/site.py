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
from analysis import indicator_pages as IP
from analysis.catalogue import catalogue, msg
from analysis.findings import overview_findings, target_text
from analysis.tilemap import status_map
from analysis.labels import (COMPARATOR_SIGN, FILE_DESCRIPTIONS, STATUS, TABLE_DESCRIPTIONS, UNKNOWN_FIELDS,
                             UNSD)
from analysis.numbers import format_number, format_percent, format_value
from analysis.report import breakdown_label

LANGS = ("vi", "en")
PAGES = ["index", "compare", "targets", "indicators", "methodology", "sources", "data", "search"]
NAV = {
    "index": {"vi": "Tổng quan", "en": "Overview"},
    "compare": {"vi": "So sánh", "en": "Compare"},
    "targets": {"vi": "Mục tiêu", "en": "Targets"},
    "indicators": {"vi": "Chỉ tiêu", "en": "Indicators"},
    "methodology": {"vi": "Phương pháp", "en": "Methodology"},
    "sources": {"vi": "Nguồn", "en": "Sources"},
    "data": {"vi": "Dữ liệu", "en": "Data"},
    "search": {"vi": "Tìm kiếm", "en": "Search"},
}
SITE_TITLE = {"vi": "Nhân lực chuyển đổi số theo tỉnh", "en": "Digital-transformation workforce by province"}


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
    items = "".join(f'<li><a href="#{html.escape(i, quote=True)}">{html.escape(_strip_tags(t).rstrip("¶").strip())}'
                    f"</a></li>" for i, t in heads)
    toc = (f"<nav class='toc' aria-label='{html.escape(msg('toc_label', lang))}'><details><summary>"
           f"{html.escape(msg('toc_summary', lang, n=len(heads)))}</summary><ol>{items}</ol></details></nav>")
    end = body.find("</h1>")
    return body[:end + 5] + toc + body[end + 5:] if end >= 0 else toc + body


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def notebook_body(path: Path, exporter=None) -> str:
    """The outputs of an executed notebook as HTML (no code), with notebook errors refused."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                raise SiteError(f"{path}: the executed notebook contains an error ({o.get('ename')}: "
                                f"{o.get('evalue')}); rerun it with `analysis run`")
    body, _ = (exporter or _exporter()).from_notebook_node(nb)
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)  # the site has its own stylesheet
    body = re.sub(r'<a class="anchor-link" href="#[^"]*">¶</a>', "", body)
    return body


@functools.lru_cache(maxsize=1)
def _render_version() -> str:
    """nbconvert's version and the code that renders a body: a change to either renders every page again."""
    import inspect
    from importlib.metadata import version

    code = inspect.getsource(_exporter) + inspect.getsource(notebook_body)
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
    tmp = Path(target).with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, target)


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
    from analysis.process import load_processed

    return load_processed(name, inputs.processed_dir)


def _badge(status: str, lang: str, target_id: str = "") -> str:
    s = STATUS[status]
    tid = f' data-target-id="{html.escape(target_id)}"' if target_id else ""
    return (f'<span class="badge badge-{status}" data-status="{status}"{tid} '
            f'title="{html.escape(s["explain_" + lang])}">{html.escape(s[lang])}</span>')


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


def _jinja():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(config.site_src_dir() / "templates")),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    return env


# ------------------------------------------------------------------ page bodies
def _province_card(p: dict, assessments: pd.DataFrame, facts: pd.DataFrame, dti: pd.DataFrame, lang: str,
                   root: str) -> str:
    a = assessments[assessments["province_key_pre"] == p["key"]]
    f = facts[facts["province_key_pre"] == p["key"]]
    rank = dti.set_index("province_code")["pdti_rank"].get(p["code"])
    name = p["name_vi"] if lang == "vi" else p["name_en"]
    heads = [
        (("Xếp hạng DTI 2022", "DTI 2022 rank"), "–" if pd.isna(rank) else f"{int(rank)}/63"),
        (("Số liệu trong cơ sở dữ liệu", "Figures in the evidence base"), format_number(len(f), lang)),
        (("Mục tiêu", "Targets"), format_number(len(a), lang)),
    ]
    i = 0 if lang == "vi" else 1
    dl = "".join(f"<div><dt>{html.escape(k[i])}</dt><dd>{html.escape(v)}</dd></div>" for k, v in heads)
    badges = []
    for _, r in a.sort_values(["target_year", "indicator_id"]).iterrows():
        bd = breakdown_label(r["breakdown"], lang)
        label = html.escape(f"{r['indicator_name']}{f' – {bd}' if bd else ''} ({int(r['target_year'])})")
        pts = (f"{r['n_points']} điểm dữ liệu" if lang == "vi" else f"{r['n_points']} data points") + (
            f": {r['years'].replace(';', ', ')}" if isinstance(r["years"], str) and r["years"] else "")
        badges.append(f'<li>{_badge(r["status"], lang, r["target_fact_id"])} <span class="tname">{label}</span> '
                      f'<span class="pts">{html.escape(pts)}</span></li>')
    none = ("Tài liệu nguồn không nêu mục tiêu định lượng." if lang == "vi" else
            "The source documents set no numeric target.")
    blist = f'<ul class="badges">{"".join(badges)}</ul>' if badges else f'<p class="muted">{none}</p>'
    link = f'{root}{lang}/provinces/{p["key"]}.html'
    more = "Xem báo cáo tỉnh" if lang == "vi" else "Read the province report"
    return (f'<section class="card" data-province="{p["key"]}"><h3><a href="{link}">{html.escape(name)}</a></h3>'
            f'<dl class="heads">{dl}</dl>{blist}<p><a href="{link}">{more} →</a></p></section>')


def _national_target_id(national: pd.DataFrame) -> str | None:
    """The national target the overview shows for every province: the one with the most provincial series."""
    nat = national[(national["boundary"] == "post2025") & (national["province_code"] != "VN")
                   & (national["n_points"] >= 2)]
    if nat.empty:
        return None
    counts = nat.groupby("national_target_id").agg(n=("province_code", "size"), year=("target_year", "max"))
    return counts.sort_values(["n", "year"]).index[-1]


def provinces_overview(lang: str, registry: pd.DataFrame, national: pd.DataFrame, facts: pd.DataFrame,
                       seed_keys: dict[str, tuple[str, str]], root: str,
                       national_targets: pd.DataFrame | None = None, pages: dict[str, str] | None = None) -> str:
    """Every province in force from 1 July 2025: what is known (series, national-target status) and what is not."""
    post = registry[(registry["boundary"] == "post2025") & (registry["province_code"] != "VN")]
    post = post.sort_values("name_vi")
    nat = national[(national["boundary"] == "post2025")]
    target_id = _national_target_id(national)
    obs = facts[(facts["kind"] == "observation") & (facts["boundary"] == "post2025")]
    n_ind = obs.groupby("province_code")["indicator_id"].nunique()
    years = obs.groupby("province_code")["year"].agg(["min", "max"])
    vi = lang == "vi"
    head = (["Tỉnh, thành phố", "Hợp nhất từ", "Lao động có bằng cấp, chứng chỉ ≥ 35% năm 2030 (QĐ 176/QĐ-TTg)",
             "Chỉ tiêu có số liệu", "Báo cáo"] if vi else
            ["Province", "Merged from", "Workers with a degree or certificate ≥ 35% by 2030 (Decision 176/QĐ-TTg)",
             "Indicators with figures", "Reports"])
    rows = []
    for _, r in post.iterrows():
        code = r["province_code"]
        name = r["name_vi"] if vi else r["name_en"]
        merged = r["merged_from"] if isinstance(r["merged_from"], str) else ""
        cell = "–"
        if target_id is not None:
            a = nat[(nat["national_target_id"] == target_id) & (nat["province_code"] == code)]
            if len(a):
                a = a.iloc[0]
                yrs = str(a["years"]).split(";")
                pts = (f"{int(a['n_points'])} điểm dữ liệu ({yrs[0]}–{yrs[-1]})" if vi else
                       f"{int(a['n_points'])} data points ({yrs[0]}–{yrs[-1]})")
                chance = "" if pd.isna(a["p_meet"]) else (
                    f"; khả năng đạt {format_number(100 * a['p_meet'], lang, 0)}%" if vi else
                    f"; chance {format_number(100 * a['p_meet'], lang, 0)}%")
                cell = f'{_badge(a["status"], lang)} <span class="pts">{html.escape(pts + chance)}</span>'
            else:
                cell = "Không có số liệu" if vi else "No data"
        k = int(n_ind.get(code, 0))
        span = (f" ({int(years.at[code, 'min'])}–{int(years.at[code, 'max'])})" if code in years.index else "")
        known = f"{format_number(k, lang)}{span}" if k else ("chưa có" if vi else "none yet")
        key, part = seed_keys.get(code, (None, None))
        links = []
        if pages and code in pages:
            links.append(f'<a href="{root}{lang}/provinces/{pages[code]}.html">{html.escape(msg("overview_page", lang))}'
                         '</a>')
        if key and (not pages or pages.get(code) != key):
            links.append(f'<a href="{root}{lang}/provinces/{key}.html">{html.escape(msg("overview_document_page", lang, name=part))}</a>')
        if not key:
            links.append(f'<span class="muted">{html.escape(msg("overview_no_document", lang))}</span>')
        link = "<br>".join(links)
        title = (f'<a href="{root}{lang}/provinces/{pages[code]}.html">{html.escape(name)}</a>' if pages and code in pages
                 else html.escape(name))
        rows.append(f"<tr><th scope='row'>{title}</th><td>{html.escape(merged)}</td><td>{cell}</td>"
                    f"<td>{html.escape(known)}</td><td>{link}</td></tr>")
    intro = ("Cả 34 tỉnh, thành phố từ ngày 1/7/2025. Số liệu của các tỉnh cũ được cộng dồn (số đếm) hoặc bình "
             "quân gia quyền (tỷ lệ) theo quy tắc của từng chỉ tiêu; thứ hạng và điểm chỉ số không được cộng gộp. "
             "Chuỗi tỷ lệ lao động có bằng cấp, chứng chỉ theo tỉnh của Tổng cục Thống kê dừng ở năm 2016: trạng "
             "thái là tín hiệu với khoảng tin cậy rộng, xem trang So sánh." if vi else
             "All 34 provinces in force from 1 July 2025. Figures of the former provinces are summed (counts) or "
             "weighted (shares) by each indicator's rule; ranks and index scores are not aggregated. The GSO "
             "provincial series of workers with a degree or certificate ends in 2016: statuses are signals with "
             "wide intervals; see the Comparison page.")
    th = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head)
    tile = ""
    if target_id is not None and national_targets is not None:
        row = nat[nat["national_target_id"] == target_id].iloc[0]
        seeds = {code: f"{root}{lang}/provinces/{k}.html" for code, (k, _) in seed_keys.items()}
        seeds |= {code: f"{root}{lang}/provinces/{k}.html" for code, k in (pages or {}).items()}
        tile = status_map(national, registry, target_id, target_text(national_targets, row, lang), lang, seeds.get)
    return (f"<p>{html.escape(intro)}</p>{tile}<div class='table-wrap'><table class='overview'><thead><tr>{th}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>")


def _inline_md(text: str) -> str:
    """Escape, then turn the catalogue's **bold** into <b>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def findings_block(lang: str, lines: list[str]) -> str:
    """The summary list that opens the home page."""
    if not lines:
        return ""
    items = "".join(f"<li>{_inline_md(x)}</li>" for x in lines)
    return f"<section class='findings'><h2>{html.escape(msg('overview_heading', lang))}</h2><ul>{items}</ul></section>"


def home_body(inputs: SiteInputs, lang: str, meta: dict, assessments, facts, dti, overview: str = "",
              findings: list[str] | None = None) -> str:
    root = "../"
    counts = assessments["status"].value_counts()
    legend = "".join(f"<li>{_badge(s, lang)} {html.escape(STATUS[s]['explain_' + lang])}</li>" for s in STATUS)
    docs = [p for p in inputs.provinces if p.get("documents", True)]
    cards = "".join(_province_card(p, assessments, facts, dti, lang, root) for p in docs)
    summary = ", ".join(f"{STATUS[k][lang].lower()}: {v}" for k, v in counts.items())
    if lang == "vi":
        intro = (f"<h1>{SITE_TITLE['vi']}</h1><p class='lead'>Số liệu về nguồn nhân lực chuyển đổi số của "
                 f"{len(docs)} tỉnh, lấy từ văn bản của tỉnh, bài nghiên cứu và cổng thông tin chính thức, "
                 "kèm nguồn và vị trí trích dẫn của từng con số, và đánh giá khả năng đạt từng mục tiêu năm 2025, "
                 f"2030. Tổng cộng {len(assessments)} mục tiêu ({summary}).</p>"
                 "<h2>Cách đọc</h2><ul class='guide'>"
                 "<li>Mỗi mục tiêu có một <b>trạng thái</b> bằng chữ và màu, kèm <b>số điểm dữ liệu</b> và các năm có "
                 "số liệu. Ít điểm dữ liệu thì kết luận càng tạm thời.</li>"
                 "<li>Phần lớn mục tiêu hiện <b>chưa có số liệu theo dõi</b>: tài liệu nêu mục tiêu nhưng chưa công bố "
                 "số liệu hằng năm tương ứng. Đây là một phát hiện, không phải lỗi của trang.</li>"
                 "<li>Số liệu sau ngày 1/7/2025 của các tỉnh hợp nhất thuộc tỉnh mới và không so sánh trực tiếp với "
                 "trước đó.</li><li>Nhấn vào tên tỉnh để xem báo cáo chi tiết, biểu đồ và nguồn.</li></ul>")
        h_prov, h_leg = "Các tỉnh", "Chú giải trạng thái"
    else:
        intro = (f"<h1>{SITE_TITLE['en']}</h1><p class='lead'>Figures on the digital-transformation workforce of "
                 f"{len(docs)} provinces, from provincial documents, research articles and official "
                 "portals, each with its source and locator, and an assessment of whether each 2025/2030 target will "
                 f"be met. {len(assessments)} targets in all ({summary}).</p>"
                 "<h2>How to read this</h2><ul class='guide'>"
                 "<li>Each target has a <b>status</b> in words and colour, with the <b>number of data points</b> and "
                 "their years. Fewer points mean a more tentative conclusion.</li>"
                 "<li>Most targets currently have <b>no figure to track them</b>: the documents set targets but "
                 "publish no matching yearly series. That is a finding, not a fault of this site.</li>"
                 "<li>Figures after 1 July 2025 for merged provinces describe the new province and are not directly "
                 "comparable with earlier ones.</li><li>Select a province for its full report, charts and "
                 "sources.</li></ul>")
        h_prov, h_leg = "Provinces", "Status legend"
    built = meta["built_at"][:10]
    stamp = (f"<p class='muted'>Cập nhật: {built} · phiên bản dữ liệu {meta['data_version']}</p>" if lang == "vi"
             else f"<p class='muted'>Built: {built} · data version {meta['data_version']}</p>")
    h_all = "Toàn bộ 34 tỉnh, thành phố" if lang == "vi" else "All 34 provinces"
    lead, guide = intro.split("<h2>", 1)  # findings first: the summary follows the lead, before the reading guide
    intro = f"{lead}{findings_block(lang, findings or [])}<h2>{guide}"
    return (f"{intro}{stamp}<h2>{h_prov}</h2><div class='cards'>{cards}</div>"
            + (f"<h2>{h_all}</h2>{overview}" if overview else "")
            + f"<h2>{h_leg}</h2><ul class='legend'>{legend}</ul>")


def _searched_cell(r, lang: str) -> str:
    """The outcome of the search for a tracking series, with what was searched folded under it."""
    from analysis.report import SEARCH_OUTCOME

    o = r.get("search_outcome")
    if not isinstance(o, str) or o not in SEARCH_OUTCOME:
        return "–"
    text = r.get("searched" if lang == "vi" else "searched_en")
    label = html.escape(SEARCH_OUTCOME[o][lang])
    if not isinstance(text, str) or not text:
        return label
    return f"<details><summary>{label}</summary>{html.escape(text)}</details>"


def targets_body(lang: str, assessments: pd.DataFrame, indicators: pd.DataFrame, provinces: dict) -> str:
    ind = indicators.set_index("indicator_id")
    rows = []
    for _, r in assessments.sort_values(["province_code", "target_year", "indicator_id"]).iterrows():
        unit = ind.at[r["indicator_id"], "unit"]
        comp = COMPARATOR_SIGN[r["comparator"]]
        prov = provinces.get((r["province_code"], r["boundary"]), r["province_code"])
        pts = str(r["n_points"]) + (f" ({r['years'].replace(';', ', ')})" if isinstance(r["years"], str) and
                                     r["years"] else "")
        p = "–" if pd.isna(r["p_meet"]) else format_percent(100 * r["p_meet"], lang, 0)
        un = "–" if not isinstance(r["unsd_category"], str) else UNSD[r["unsd_category"]][lang]
        name = ind.at[r["indicator_id"], f"name_{lang}"]
        if r["breakdown"] != "total":
            name += f" – {breakdown_label(r['breakdown'], lang)}"
        rows.append(
            f'<tr data-province="{html.escape(prov)}" data-status="{r["status"]}">'
            f"<td>{_badge(r['status'], lang, r['target_fact_id'])}</td>"  # status first: it is the answer
            f"<td>{html.escape(prov)}</td><td>{html.escape(name)}</td>"
            f"<td>{comp} {html.escape(format_value(r['target'], unit, lang))}</td><td>{int(r['target_year'])}</td>"
            f"<td>{p}</td><td>{html.escape(pts)}</td>"
            f"<td>{html.escape(un)}</td><td>{_searched_cell(r, lang)}</td>"
            f"<td>{html.escape(r['target_fact_id'])} / {html.escape(r['source_id'])}</td></tr>")
    if lang == "vi":
        head = ["Trạng thái", "Tỉnh", "Chỉ tiêu", "Mục tiêu", "Năm", "Xác suất đạt", "Số điểm dữ liệu (năm)",
                "Phân loại UN", "Tìm số liệu theo dõi", "Nguồn"]
        h1, lab_p, lab_s, lab_q, all_ = "Tất cả mục tiêu", "Tỉnh", "Trạng thái", "Lọc theo chữ", "Tất cả"
        note = ("Mục tiêu quốc gia (Toàn quốc) là các mục tiêu của Quyết định 749/QĐ-TTg được trích trong bài viết "
                "về Cần Thơ; danh sách đầy đủ mục tiêu quốc gia ở trang So sánh.")
    else:
        head = ["Status", "Province", "Indicator", "Target", "Year", "Chance of meeting", "Data points (years)",
                "UN category", "Tracking series", "Source"]
        h1, lab_p, lab_s, lab_q, all_ = "All targets", "Province", "Status", "Filter by text", "All"
        note = ("National targets are those of Decision 749/QĐ-TTg quoted in the Cần Thơ article; the full list of "
                "national targets is on the Compare page.")
    provs = sorted({html.escape(v) for v in provinces.values() if v in {
        provinces.get((c, b)) for c, b in zip(assessments["province_code"], assessments["boundary"])}})
    opt_p = "".join(f"<option>{p}</option>" for p in provs)
    opt_s = "".join(f'<option value="{s}">{html.escape(STATUS[s][lang])}</option>' for s in STATUS)
    th = "".join(f'<th scope="col">{h}</th>' for h in head)
    return (f"<h1>{h1}</h1><p>{note}</p><form class='filters' onsubmit='return false'>"
            f"<label>{lab_p} <select id='f-province'><option value=''>{all_}</option>{opt_p}</select></label>"
            f"<label>{lab_s} <select id='f-status'><option value=''>{all_}</option>{opt_s}</select></label>"
            f"<label>{lab_q} <input id='f-text' type='search'></label></form>"
            f"<p class='muted' id='f-count'></p><div class='table-wrap'><table class='data-table' id='targets'>"
            f"<thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def sources_body(lang: str, sources: pd.DataFrame) -> str:
    items = []
    for _, s in sources.iterrows():
        # a source document we hold says nothing of these fields; for other sources they are simply not known
        held = isinstance(s["seed_file"], str) and bool(s["seed_file"])
        unk = msg("not_stated_in_document" if held else "not_known", lang)
        url = s["url"] if isinstance(s["url"], str) and s["url"] else ""
        link = f' <a href="{html.escape(url)}" rel="noopener">{html.escape(url)}</a>' if url else ""
        unknown = s["unknown"] if isinstance(s["unknown"], str) else ""
        extra = [msg("source_id_label", lang, id=s["source_id"])]
        licence = ""
        if isinstance(s["licence"], str) and s["licence"]:  # licence terms are quoted as their owners write them
            licence = (" · " + ("Giấy phép: " if lang == "vi" else "Licence: ")
                       + f"<span lang='{'en' if lang == 'vi' else lang}'>{html.escape(s['licence'])}</span>")
        if unknown:
            extra.append(f"{unk}: " + ", ".join(UNKNOWN_FIELDS.get(k, {}).get(lang, k) for k in unknown.split(";")))
        note = ""
        if isinstance(s["notes"], str) and s["notes"]:  # curators' notes are written in English: say so
            note = (" · " + ("Ghi chú của người biên soạn (tiếng Anh): " if lang == "vi" else "")
                    + "<span lang='en'>" + html.escape(s["notes"]) + "</span>")
        cite_lang = s["language"] if isinstance(s.get("language"), str) and s["language"] else lang
        items.append(f'<li id="{html.escape(s["source_id"])}">'
                     f'<span lang="{html.escape(cite_lang)}">{html.escape(s["citation"])}</span>{link}<br>'
                     f'<span class="muted">{html.escape(" · ".join(extra))}{licence}{note}</span></li>')
    h1 = "Nguồn tài liệu" if lang == "vi" else "Sources"
    bib = ("BibTeX cho mọi nguồn" if lang == "vi" else "BibTeX for every source")
    return (f"<h1>{h1}</h1><p><a href='../downloads/sources.bib'>{bib}</a></p>"
            f"<ol class='sources'>{''.join(items)}</ol>")


def data_body(lang: str, files: list[tuple[str, int, str]]) -> str:
    rows = "".join(f'<tr><td><a href="../downloads/{html.escape(p)}">{html.escape(p)}</a></td>'
                   f"<td>{format_number(round(size / 1024, 1), lang)} KB</td>"
                   f"<td>{html.escape(desc[lang] if isinstance(desc, dict) else desc)}</td></tr>"
                   for p, size, desc in files)
    if lang == "vi":
        h1, intro, head = "Dữ liệu và tải về", (
            "Mọi bảng được mô tả trong <a href='../downloads/datapackage.json'>datapackage.json</a> (Frictionless "
            "Data). Trích dẫn dự án: <a href='../downloads/CITATION.cff'>CITATION.cff</a>; từng nguồn: "
            "<a href='../downloads/sources.bib'>sources.bib</a>. Sổ ghi chép đã chạy (.ipynb) mở được bằng "
            "JupyterLab; chạy lại cho tỉnh khác bằng cách đổi tham số (xem README)."), ("Tệp", "Cỡ", "Nội dung")
    else:
        h1, intro, head = "Data and downloads", (
            "Every table is described in <a href='../downloads/datapackage.json'>datapackage.json</a> (Frictionless "
            "Data). Cite the project with <a href='../downloads/CITATION.cff'>CITATION.cff</a>, each source with "
            "<a href='../downloads/sources.bib'>sources.bib</a>. The executed notebooks (.ipynb) open in JupyterLab; "
            "rerun them for another province by changing the parameters (see the README)."), ("File", "Size",
                                                                                                 "What")
    th = "".join(f'<th scope="col">{h}</th>' for h in head)
    return (f"<h1>{h1}</h1><p>{intro}</p><div class='table-wrap'><table class='data-table'><thead><tr>{th}</tr>"
            f"</thead><tbody>{rows}</tbody></table></div>")


def search_body(lang: str) -> str:
    h1 = "Tìm kiếm" if lang == "vi" else "Search"
    note = ("Tìm kiếm cần mở trang qua máy chủ web (http); khi mở tệp trực tiếp (file://) trình duyệt chặn việc tải "
            "chỉ mục." if lang == "vi" else "Search needs the site to be served over http; opened as a file "
            "(file://) the browser blocks loading the index.")
    return (f'<h1>{h1}</h1><div id="search"></div><p class="muted" data-pagefind-ignore>{note}</p>'
            '<link href="../pagefind/pagefind-ui.css" rel="stylesheet">'
            '<script src="../pagefind/pagefind-ui.js"></script>'
            '<script>window.addEventListener("DOMContentLoaded",function(){'
            'new PagefindUI({element:"#search",showSubResults:true,resetStyles:false,'
            'bundlePath:"../pagefind/"});});</script>')


def _numbered_messages(prefix: str, lang: str) -> list[str]:
    """Catalogue sentences prefix_1, prefix_2, … in order (adding a sentence touches only the catalogue)."""
    out, i = [], 1
    while f"{prefix}_{i}" in catalogue(lang):
        out.append(msg(f"{prefix}_{i}", lang))
        i += 1
    return out


def _plain_method(lang: str) -> str:
    """The plain-language opening of the methodology page."""
    items = "".join(f"<li>{html.escape(x)}</li>" for x in _numbered_messages("method_plain", lang))
    return f"<h2>{html.escape(msg('method_plain_heading', lang))}</h2><ul class='plain'>{items}</ul>"


def _rerun_guide(lang: str) -> str:
    """A short numbered guide for analysts (catalogue sentences may hold <code> for commands)."""
    items = "".join(f"<li>{x}</li>" for x in _numbered_messages("method_rerun", lang))
    return f"<h2>{html.escape(msg('method_rerun_heading', lang))}</h2><ol>{items}</ol>"


HELDOUT_PROCESS = "gompertz_rw"  # benchmarks/calibration.py: never used to choose a setting


def _heldout_note(lang: str, calibration: list[dict] | None) -> str:
    """What the held-out process's coverage says, measured in this build."""
    c = next((c for c in calibration or [] if c["process"] == HELDOUT_PROCESS), None)
    if c is None:
        return ""
    key = "method_heldout" if c["ours80"] < 0.75 else "method_heldout_ok"
    return "<p>" + html.escape(msg(key, lang, process=msg(f"process_{HELDOUT_PROCESS}", lang),
                                   coverage=format_percent(100 * c["ours80"], lang, 0),
                                   naive=format_percent(100 * c["naive80"], lang, 0))) + "</p>"


def methodology_body(lang: str, calibration: list[dict] | None) -> str:
    from analysis import assess as A

    st = "".join(f"<tr><td>{_badge(s, lang)}</td><td>{html.escape(STATUS[s]['explain_' + lang])}</td></tr>"
                 for s in STATUS)
    un = "".join(f"<li>{html.escape(v[lang])}</li>" for v in UNSD.values())
    cal = ""
    if calibration:
        rows = "".join(f"<tr><td>{c['process']}</td><td>{format_percent(100 * c['ours80'], lang, 1)}</td>"
                       f"<td>{format_percent(100 * c['naive80'], lang, 1)}</td>"
                       f"<td>{format_number(c['brier'], lang, 3)}</td><td>{format_number(c['brier_un'], lang, 3)}"
                       f"</td></tr>" for c in calibration)
        head = (["Quá trình mô phỏng", "Độ phủ khoảng 80% (phương pháp này)", "Độ phủ (hồi quy OLS đơn giản)",
                 "Brier (xác suất đạt)", "Brier (phân loại UN)"] if lang == "vi" else
                ["Simulated process", "80% interval coverage (this method)", "Coverage (plain OLS trend)",
                 "Brier (chance of meeting)", "Brier (UN category)"])
        th = "".join(f'<th scope="col">{h}</th>' for h in head)
        cal = (f"<div class='table-wrap'><table class='data-table'><thead><tr>{th}</tr></thead><tbody>{rows}</tbody>"
               "</table></div>")
    heldout = _heldout_note(lang, calibration)
    if lang == "vi":
        return f"""<h1>Phương pháp</h1>{_plain_method(lang)}
<h2>Trạng thái</h2><div class='table-wrap'><table class='data-table'><thead><tr><th scope='col'>Trạng thái</th>
<th scope='col'>Ý nghĩa</th></tr></thead><tbody>{st}</tbody></table></div>
<h2>Cách đánh giá một mục tiêu</h2><ol>
<li>Không có số liệu: <b>không có số liệu</b>. Số liệu mới nhất đã đạt mục tiêu (theo chiều của mục tiêu): <b>đã đạt</b>.
Chỉ một điểm số liệu: <b>chưa đủ số liệu</b>; trang vẫn nêu khoảng cách tới mục tiêu và mức tăng cần thiết mỗi năm
= (mục tiêu − số liệu mới nhất) / (năm mục tiêu − năm của số liệu).</li>
<li>Từ hai điểm trở lên: mô hình được ước lượng trên thang biến đổi (logit cho tỷ lệ có cận 0–100%, log cho số đếm
dương) để dự báo và khoảng dự báo không vượt ra ngoài cận. Ba mô hình ứng viên: hồi quy xu hướng có trọng số thời gian
(năm gần trọng số lớn hơn, hệ số suy giảm {format_number(A.WEIGHT_DECAY, 'vi')} mỗi năm, như cách của UNECE/ESCAP), bước ngẫu nhiên có trôi,
và san bằng mũ có xu hướng tắt dần (từ 6 điểm). Mô hình được chọn bằng kiểm định quay vòng gốc thời gian khi chuỗi đủ
dài (từ 5 điểm); nếu không, 2–3 điểm dùng bước ngẫu nhiên có trôi, 4 điểm dùng hồi quy xu hướng.</li>
<li>Chuỗi số liệu thật có tự tương quan và không đi đúng đường cong của mô hình. Vì vậy khoảng dự báo được nới rộng: giả
định tự tương quan bậc 1 tối thiểu {format_number(A.RHO_FLOOR, 'vi')}, cộng thêm phương sai cho độ cong đã quan sát được
(độ cong bậc hai trừ đi phần do nhiễu), và một mức nhiễu tối thiểu ({format_number(A.NOISE_FLOOR_SHARE, 'vi')} lần mức
giả định) vì số liệu công bố đã làm tròn và có thể điều chỉnh.</li>
<li>Với đúng hai điểm, hồi quy không còn bậc tự do: độ lệch chuẩn của thay đổi hằng năm được <b>giả định</b>
({format_number(A.ASSUMED_STEP_SD['logit'], 'vi')} trên thang logit, {format_number(A.ASSUMED_STEP_SD['log'], 'vi')}
trên thang log) và kết quả được đánh dấu là dựa trên giả định.</li>
<li><b>Xác suất đạt</b> = xác suất của phân phối dự báo (Student-t trên thang biến đổi) tại năm mục tiêu nằm ở phía đạt
của mục tiêu. Đúng hướng nếu ≥ 80%, chệch hướng nếu &lt; 20%, còn lại là có nguy cơ.</li></ol>
<h2>So sánh với phương pháp của Liên Hợp Quốc</h2>
<p>Theo ghi chú kỹ thuật Biểu đồ Tiến độ SDG 2022 của UNSD: tốc độ tăng bình quân thực tế (CAGR từ điểm đầu đến điểm
cuối) chia cho tốc độ cần thiết (CAGR từ điểm đầu đến mục tiêu vào năm mục tiêu) được tỷ số CR. Với mục tiêu “càng
thấp càng tốt” công thức giữ nguyên (cả hai tốc độ đều âm). Các nhóm:</p><ul>{un}</ul>
<p>Phân loại UN không cho biết độ bất định; nó được hiển thị bên cạnh trạng thái để đối chiếu.</p>
<h2>Kiểm chứng trên chuỗi mô phỏng</h2>
<p>Mỗi lần xây dựng trang, phương pháp được chạy trên chuỗi mô phỏng (đường logistic với nhiễu độc lập; đường bão hòa
với nhiễu tự tương quan; đường Gompertz với nhiễu bước ngẫu nhiên, không dùng để chọn tham số). Độ phủ của khoảng 80%
nên gần 80%.</p>{cal}{heldout}
<h2>Lưu ý</h2><ul><li>Với 2–3 điểm dữ liệu, khoảng dự báo rất rộng; không bao giờ suy ra xu hướng từ một điểm.</li>
<li>Định nghĩa chỉ tiêu thay đổi theo năm (tỷ lệ hồ sơ trực tuyến: mức độ 3/4 trước 2023, toàn trình sau đó; phương
pháp DTI đổi năm 2021 và 2024). Số liệu “suy ra” được tính từ mức thay đổi mà nguồn nêu, không phải số được in.</li>
<li>Từ 1/7/2025, 63 tỉnh được sắp xếp thành 34; số liệu của tỉnh mới không so sánh trực tiếp với tỉnh cũ.</li>
<li>Lượt học viên không phải số người.</li></ul>{_rerun_guide(lang)}"""
    return f"""<h1>Methodology</h1>{_plain_method(lang)}
<h2>Statuses</h2><div class='table-wrap'><table class='data-table'><thead><tr><th scope='col'>Status</th>
<th scope='col'>Meaning</th></tr></thead><tbody>{st}</tbody></table></div>
<h2>How a target is assessed</h2><ol>
<li>No figure: <b>no data</b>. The latest figure already meets the target (in the target's direction): <b>achieved</b>.
One data point: <b>insufficient data</b>; the page still gives the gap and the required yearly change
= (target − latest value) / (target year − year of the value).</li>
<li>Two or more points: models are fitted on a transformed scale (logit for bounded percentages, log for positive
counts) so projections and intervals never leave the bounds. Three candidates: a time-weighted trend regression
(recent years weigh more, decay {A.WEIGHT_DECAY} a year, as UNECE/ESCAP do), a random walk with drift, and damped-trend
exponential smoothing (6+ points). A rolling-origin backtest chooses among them when the series allows (5+ points);
otherwise 2–3 points use the random walk with drift and 4 points the trend regression.</li>
<li>Real indicator series are autocorrelated and never follow a model's curve exactly, so intervals are widened: a
lag-1 autocorrelation of at least {A.RHO_FLOOR} is assumed, variance is added for the curvature seen in the data
(quadratic curvature less its noise), and a noise floor ({A.NOISE_FLOOR_SHARE} of the assumed level) applies because
published figures are rounded and revised.</li>
<li>With exactly two points a regression has no residual degrees of freedom: the yearly noise is an <b>assumption</b>
({A.ASSUMED_STEP_SD['logit']} on the logit scale, {A.ASSUMED_STEP_SD['log']} on the log scale) and the result is
flagged as resting on it.</li>
<li>The <b>chance of meeting</b> the target is the probability, under the predictive distribution (Student-t on the
transformed scale) at the target year, of being on the target's side. On track if ≥ 80%, off track if &lt; 20%,
at risk in between.</li></ol>
<h2>Compared with the UN method</h2>
<p>Following the UNSD SDG Progress Chart 2022 technical note: the actual compound annual growth rate (first to last
observation) divided by the required one (first observation to the target at the target year) gives the ratio CR.
For lower-is-better targets the formula is unchanged (both rates are negative). Categories:</p><ul>{un}</ul>
<p>The UN category carries no uncertainty; it is shown beside the status for comparison.</p>
<h2>Checked on simulated series</h2>
<p>Each build runs the method on simulated series (logistic growth with independent noise; a saturating curve with
autocorrelated noise; a Gompertz curve with random-walk noise, not used to choose any setting). The coverage of the 80%
interval should be near 80%.</p>{cal}{heldout}
<h2>Caveats</h2><ul><li>With 2–3 data points the intervals are very wide; a trend is never claimed from one point.</li>
<li>Definitions change between years (online dossier rate: levels 3/4 before 2023, full-process after; DTI methods
changed in 2021 and 2024). “Derived” figures were computed from a change the source states, not printed.</li>
<li>From 1 July 2025 the 63 provinces became 34; figures of a merged province are not directly comparable with the
old ones.</li><li>Learner-turns are not persons.</li></ul>{_rerun_guide(lang)}"""


# ------------------------------------------------------------------ downloads
def _bibtex(sources: pd.DataFrame) -> str:
    out = []
    for _, s in sources.iterrows():
        kind = {"journal_article": "article", "news_article": "article", "web_page": "online",
                "statistical_table": "misc", "dataset": "misc"}.get(s["type"], "misc")
        fields = {"title": s["title"], "author": s["issuer_author"], "publisher": s["publisher"],
                  "year": s["date"][:4] if isinstance(s["date"], str) and s["date"] else "",
                  "date": s["date"], "url": s["url"], "note": s["notes"]}
        body = ",\n".join(f"  {k} = {{{str(v).replace('{', '(').replace('}', ')')}}}" for k, v in fields.items()
                          if isinstance(v, str) and v)
        out.append(f"@{kind}{{{s['source_id']},\n{body}\n}}")
    return "\n\n".join(out) + "\n"


@functools.lru_cache(maxsize=4)
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
        "profile": "tabular-data-package", "name": "vn-dt-workforce", "title": SITE_TITLE["en"],
        "version": meta["data_version"], "created": meta["built_at"],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Compiled tables and metadata; each figure keeps its source's terms (sources.csv)"},
                     {"name": "MIT", "title": "Project code"}],
        "resources": [{"name": path.rsplit("/", 1)[-1].removesuffix(".csv").replace("_", "-"), "path": path,
                       "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "description": desc,
                       "schema": {"fields": [field(c, df[c].dtype) for c in df.columns]}}
                      for path, df, desc in files],
    }


def _docx(body_html: str, title: str, lang: str, out: Path, tmp: Path) -> None:
    """A province report as a Word document, made with pandoc (pypandoc-binary ships it)."""
    import pypandoc

    src = tmp / (out.stem + ".html")
    src.write_text(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}'
                   f"</title></head><body>{body_html}</body></html>", encoding="utf-8")
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
        key = hashlib.sha256(f"{title}\0{lang}\0{body}".encode()).hexdigest()[:32]
        hit = cache / f"{key}.docx"
        if hit.exists():
            shutil.copy2(hit, out)
        else:
            todo.append((body, title, lang, out, hit))

    def make(job):
        body, title, lang, out, hit = job
        work = tmp / hit.stem
        work.mkdir()
        _docx(body, title, lang, work / out.name, work)
        shutil.copy2(work / out.name, out)
        os.replace(work / out.name, hit)  # into the cache only once complete

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        list(pool.map(make, todo))
    return {"files": len(jobs), "made": len(todo), "reused": len(jobs) - len(todo),
            "seconds": round(time.perf_counter() - t0, 2)}


def _xlsx(df: pd.DataFrame, csv: Path, out: Path, cache: Path) -> None:
    """The Excel copy of a table, reused from ``cache`` when the CSV it mirrors is byte for byte the same."""
    cache.mkdir(parents=True, exist_ok=True)
    hit = cache / f"{out.stem}-{hashlib.sha256(csv.read_bytes()).hexdigest()[:32]}.xlsx"
    if not hit.exists():
        tmp = hit.with_suffix(f".{os.getpid()}.tmp")
        df.to_excel(tmp, index=False, engine="openpyxl")
        os.replace(tmp, hit)
    shutil.copy2(hit, out)


def _run_pagefind(site: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site)], capture_output=True, text=True)
    if r.returncode != 0 or not (site / "pagefind" / "pagefind-ui.js").exists():
        raise SiteError(f"pagefind failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")


# ------------------------------------------------------------------ assembly
def collect_inputs(build_dir: Path | None = None, provinces: list[str] | None = None) -> SiteInputs:
    """What the site is built from: the provinces (default: every one a full build runs) and their notebooks."""
    from analysis.params import all_provinces, list_provinces, load_params, registry

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
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


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
    if "plotly-chart" in body and IP.PLOTLY_JS not in body:  # interactive twins of the report's charts
        body += f"<script src='{root}assets/{IP.PLOTLY_JS}'></script>"
    page = dataclasses.replace(page, body=body)
    other = "en" if page.lang == "vi" else "vi"
    nav = [(NAV[k][page.lang], f"{root}{page.lang}/{k}.html", page.path == f"{k}.html") for k in PAGES]
    plain = _plain_text(page.body)
    description = plain[:157].rsplit(" ", 1)[0] + "…" if len(plain) > 160 else plain
    text = tpl.render(lang=page.lang, title=page.title, site_title=SITE_TITLE[page.lang],
                      body=item_cite_boxes(page.body, page, meta)
                      + (cite_box(page, meta) if page.path != "search.html" else ""),
                      description=description, folded=fold_accents(plain) if page.lang == "vi" else "",
                      root=root, nav=nav, other_lang=other, other_href=f"{root}{other}/{page.path}",
                      other_label="English" if other == "en" else "Tiếng Việt", meta=meta,
                      built_label="Cập nhật" if page.lang == "vi" else "Built",
                      version_label="phiên bản dữ liệu" if page.lang == "vi" else "data version",
                      skip_label="Bỏ qua, đến nội dung" if page.lang == "vi" else "Skip to content")
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
    author = _project_author()
    L, date = page.lang, meta["built_at"][:10]
    page_url = f"{page.lang}/{page.path}"
    url = page_url + (f"#{item['anchor']}" if item else "")
    values = dict(author=author, year=date[:4], title=page.title, site=SITE_TITLE[L], version=meta["data_version"],
                  url=url, date=format_date(date, L))
    if item:
        values["item"] = item["caption"].rstrip(".")
    marker = "\x00AUTHOR\x00"  # the author is a name, quoted in its own language
    ref = html.escape(msg("cite_item_reference" if item else "cite_reference", L, **(values | {"author": marker}))
                      ).replace(marker, f"<span lang='en'>{html.escape(author)}</span>")
    key = re.sub(r"[^a-z0-9]+", "-", f"{page.lang}-{page.path.removesuffix('.html')}"
                 + (f"-{item['anchor']}" if item else "")).strip("-")
    title = f"{values['item']}. {page.title}" if item else page.title
    bib = (f"@misc{{{key}-{meta['data_version']},\n  author = {{{{{author}}}}},\n  title = {{{title}}},\n"
           f"  year = {{{date[:4]}}},\n  howpublished = {{{url}}},\n  note = {{{SITE_TITLE[L]}, "
           f"data version {meta['data_version']}, accessed {date}}}\n}}")
    summary = msg(f"cite_{item['kind']}_summary" if item else "cite_summary", L)
    cls = "cite cite-item" if item else "cite"
    return (f"<details class='{cls}' data-pagefind-ignore><summary>{html.escape(summary)}</summary>"
            f"<p class='cite-ref' data-cite-url='{html.escape(page_url, quote=True)}'>{ref}</p>"
            f"<p class='muted'>{html.escape(msg('cite_bibtex_label', L))}</p><pre class='cite-bib'>"
            f"{html.escape(bib)}</pre>"
            + ("" if item else f"<p class='muted'>{html.escape(msg('cite_note', L))}</p>") + "</details>")


CITE_SLOT = re.compile(r'<div ([^>]*class="cite-slot"[^>]*)>\s*</div>')
SLOT_ATTR = re.compile(r'data-(kind|anchor|caption)="([^"]*)"')


def item_cite_boxes(body: str, page: Page, meta: dict) -> str:
    """Put a cite box in place of each marker the notebook left after a numbered table or figure (the notebook
    renderer may reorder the marker's attributes)."""
    def box(m: re.Match) -> str:
        item = {k: html.unescape(v) for k, v in SLOT_ATTR.findall(m.group(1))}
        return cite_box(page, meta, item) if {"kind", "anchor", "caption"} <= set(item) else ""

    return CITE_SLOT.sub(box, body)


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
    from analysis.process import data_version

    cache_dir = cache_dir or config.build_dir()

    t0 = time.perf_counter()
    env = _jinja()
    meta = {"built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "data_version": data_version(inputs.raw_dir)}
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
    for df in (assessments, facts):
        df["province_key_pre"] = [pre.get(c) if b == "pre2025" else succ.get(c)
                                  for c, b in zip(df["province_code"], df["boundary"])]
    # figures aggregated to a post-2025 province belong to that province, not to one of its parts' reports
    facts.loc[facts["flags"].fillna("").str.contains("aggregated"), "province_key_pre"] = None
    seed_keys = {p["successor"]: (p["key"], p["name_vi"]) for p in docs}
    # the page of each province in force: its own key (unchanged territory) or its "-2025" key (merged)
    pages_in_force = {p["successor"]: p["key"] for p in inputs.provinces if p.get("in_force")}
    names = {}
    for _, r in prov_table.iterrows():
        names[(r["province_code"], r["boundary"])] = r["name_vi"] + (" (từ 1/7/2025)" if r["boundary"] ==
                                                                     "post2025" and r["province_code"] != "VN"
                                                                     else "")
    ind = indicators.set_index("indicator_id")
    for lang in LANGS:
        assessments[f"indicator_name_{lang}"] = assessments["indicator_id"].map(ind[f"name_{lang}"])

    missing = []
    (out / "assets").mkdir(parents=True)
    for f in (config.site_src_dir() / "assets").iterdir():
        shutil.copy2(f, out / "assets" / f.name)
    shutil.copy2(IP.plotly_js_path(), out / "assets" / IP.PLOTLY_JS)  # interactive charts, no CDN
    ind_ids = IP.indicators_with_pages(facts, indicators, assessments, national_targets)
    facts_by_ind = {i: g for i, g in facts.groupby("indicator_id", sort=False)}
    units = dict(zip(indicators["indicator_id"], indicators["unit"]))
    dl = out / "downloads"
    (dl / "notebooks").mkdir(parents=True)
    (dl / "figures").mkdir()
    (dl / "docx").mkdir()
    tmp = Path(tempfile.mkdtemp(prefix="docx-"))
    word_jobs = []
    executed = [inputs.notebooks_dir / lang / f"{key}.ipynb" for lang in LANGS
                for key in [p["key"] for p in inputs.provinces] + ["compare"]]
    bodies = render_notebooks([nb for nb in executed if nb.exists()], cache_dir / "html-cache")
    try:
        for lang in LANGS:
            assessments["indicator_name"] = assessments[f"indicator_name_{lang}"]
            pages = []
            for p in inputs.provinces:
                nb = inputs.notebooks_dir / lang / f"{p['key']}.ipynb"
                if not nb.exists():
                    missing.append(str(nb))
                    continue
                body = with_contents(bodies[nb], lang)
                name = p["name_vi"] if lang == "vi" else p["name_en"]
                pages.append(Page(lang, f"provinces/{p['key']}.html", name, _province_downloads(p["key"], lang)
                                  + body))
                shutil.copy2(nb, dl / "notebooks" / f"{p['key']}-{lang}.ipynb")
                figs = inputs.outputs_dir / p["key"] / lang / "figures"
                if figs.exists():
                    for f in figs.iterdir():
                        shutil.copy2(f, dl / "figures" / f.name)
                if docx:
                    word_jobs.append((body, f"{name} – {SITE_TITLE[lang]}", lang, dl / "docx" / f"{p['key']}-{lang}.docx"))
            cnb = inputs.notebooks_dir / lang / "compare.ipynb"
            if cnb.exists():
                pages.append(Page(lang, "compare.html", NAV["compare"][lang],
                                  with_contents(bodies[cnb], lang)))
                shutil.copy2(cnb, dl / "notebooks" / f"compare-{lang}.ipynb")
                figs = inputs.outputs_dir / "compare" / lang / "figures"
                if figs.exists():
                    for f in figs.iterdir():
                        shutil.copy2(f, dl / "figures" / f.name)
            else:
                missing.append(str(cnb))
            overview = provinces_overview(lang, prov_table, national, facts, seed_keys, "../", national_targets,
                                          pages_in_force)
            n_all = int(((prov_table["boundary"] == "post2025") & (prov_table["province_code"] != "VN")).sum())
            summary = overview_findings(lang, n_all, len(docs), assessments, national, national_targets,
                                        _national_target_id(national), n_pages=len(pages_in_force))
            pages.append(Page(lang, "index.html", NAV["index"][lang], home_body(inputs, lang, meta, assessments, facts,
                                                                             dti, overview, summary)))
            pages.append(Page(lang, "targets.html", NAV["targets"][lang],
                              targets_body(lang, assessments, indicators, names)))
            pages.append(Page(lang, "sources.html", NAV["sources"][lang], sources_body(lang, sources)))
            pages.append(Page(lang, "indicators.html", NAV["indicators"][lang],
                              IP.index_body(ind_ids, indicators, facts, assessments, prov_table, lang)))
            for i in ind_ids:  # each page reads only its indicator's rows
                pages.append(Page(lang, f"indicators/{i}.html", ind.at[i, f"name_{lang}"], IP.indicator_body(
                    i, ind.loc[i], facts_by_ind.get(i, facts.iloc[0:0]), assessments, prov_table, sources, national,
                    national_targets, lang, _badge, dl / "indicators", units)))
            pages.append(Page(lang, "search.html", NAV["search"][lang], search_body(lang)))
            for page in pages:
                _write_page(env, page, out, meta)
        if missing:
            raise SiteError("executed notebooks are missing (run `make notebooks`):\n  " + "\n  ".join(missing))
        meta["word"] = word_files(word_jobs, tmp, cache_dir / "docx-cache")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # data downloads
    tables = []
    for name, desc in TABLE_DESCRIPTIONS.items():
        df = _read(inputs, name).drop(columns=["province_key_pre"], errors="ignore")
        df.to_csv(dl / f"{name}.csv", index=False, encoding="utf-8")
        _xlsx(df, dl / f"{name}.csv", dl / f"{name}.xlsx", cache_dir / "xlsx-cache")
        tables.append((f"{name}.csv", df, desc["en"]))
    (dl / "datapackage.json").write_text(json.dumps(_datapackage(tables, meta), ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    (dl / "CITATION.cff").write_text(citation_cff(meta["data_version"], meta["built_at"][:10]), encoding="utf-8")
    (dl / "sources.bib").write_text(_bibtex(sources), encoding="utf-8")
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
    for lang in LANGS:
        _write_page(env, Page(lang, "methodology.html", NAV["methodology"][lang],
                              methodology_body(lang, calibration)), out, meta)
        _write_page(env, Page(lang, "data.html", NAV["data"][lang], data_body(lang, listing)), out, meta)
    (out / "index.html").write_text(env.get_template("root.html.j2").render(meta=meta), encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")
    if search:
        _run_pagefind(out)
    meta["seconds"] = round(time.perf_counter() - t0, 2)
    (out / "build.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


def _describe(path: str) -> dict[str, str]:
    """What a downloadable file is, in both languages."""
    for prefix, suffix, key in (("notebooks/", "", "notebook"), ("figures/", ".png", "png"), ("figures/", ".svg", "svg"),
                                ("figures/", ".json", "figure_json"), ("docx/", "", "docx"),
                                ("indicators/", ".csv", "indicator_csv")):
        if path.startswith(prefix) and path.endswith(suffix):
            return FILE_DESCRIPTIONS[key]
    return FILE_DESCRIPTIONS.get(path, {"vi": "", "en": ""})


def _province_downloads(key: str, lang: str) -> str:
    if lang == "vi":
        return (f'<p class="downloads" data-pagefind-ignore>Tải về: <a href="../../downloads/docx/{key}-vi.docx">'
                f'báo cáo Word</a> · <a href="../../downloads/notebooks/{key}-vi.ipynb">sổ ghi chép đã chạy</a> · '
                f'<a href="../data.html">mọi dữ liệu</a></p>')
    return (f'<p class="downloads" data-pagefind-ignore>Download: <a href="../../downloads/docx/{key}-en.docx">Word '
            f'report</a> · <a href="../../downloads/notebooks/{key}-en.ipynb">executed notebook</a> · '
            f'<a href="../data.html">all data</a></p>')


def build_site(out_dir: Path | None = None, inputs: SiteInputs | None = None, **kw) -> Path:
    """Build into a temporary folder and swap it in atomically; the previous site survives any failure."""
    out = Path(out_dir or config.site_out_dir())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".tmp-", dir=out.parent))
    try:
        assemble(inputs or collect_inputs(), tmp, **kw)
        old = out.with_name(out.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
