"""Writing one page: its body in the site's template, with images as files, cite boxes, navigation and the text
the search index folds without accents."""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import html
import re
import unicodedata
from datetime import datetime
from pathlib import Path

from babel.dates import format_date as babel_date

from analysis import config
from analysis.labels import shorten
from analysis.site.cite import cite_box, item_cite_boxes, project_citation
from analysis.site.languages import other_languages
from analysis.site.page import LANGS, PAGES, Page, _relpath, nav_label
from analysis.site.project_files import repository_url


def _plain_text(body: str) -> str:
    """The words of a page body, without tags, scripts or styles, white space folded."""
    body = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", body, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


NOT_DESCRIPTION = re.compile(r"<nav\b.*?</nav>|<h[1-6]\b.*?</h[1-6]>|<p class=\"(?:downloads|findings-intro)\".*?</p>",
                             flags=re.S | re.I)  # links, contents, headings and the summary's how-it-is-made line


def page_description(body: str) -> str:
    """The page's description for search engines and link previews: its first words of substance, not its
    download links, contents list or headings."""
    return shorten(_plain_text(NOT_DESCRIPTION.sub(" ", body)), 160)


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
    other = next(iter(other_languages(page.lang, meta.get("languages", LANGS))), "")
    nav = [(nav_label(k, page.lang), f"{root}{page.lang}/{k}.html", page.path == f"{k}.html") for k in PAGES]
    plain = _plain_text(page.body)
    description = page_description(page.body)
    text = tpl.render(lang=page.lang, title=page.title,
                      body=item_cite_boxes(page.body, page, meta, out_root / "downloads")
                      + (cite_box(page, meta) if page.path != "search.html" else ""),
                      description=description, folded=fold_accents(plain) if page.lang == "vi" else "",
                      indexed=page.path != "search.html",  # the search page finds pages, not itself
                      root=root, nav=nav, other_lang=other, other_href=f"{root}{other}/{page.path}", meta=meta,
                      repository=repository_url(project_citation(config.project_root() / "CITATION.cff")))
    path = out_root / page.lang / page.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@functools.lru_cache(maxsize=64)
def format_date(iso: str, lang: str) -> str:
    """2026-11-26 -> '26/11/2026' (vi) / '26 November 2026' (en), from Babel's locale data."""
    d = datetime.strptime(iso, "%Y-%m-%d").date()
    return babel_date(d, "dd/MM/yyyy", locale="vi_VN") if lang == "vi" else babel_date(d, "d MMMM y", locale="en")
