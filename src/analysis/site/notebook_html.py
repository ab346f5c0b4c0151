"""Executed notebooks -> HTML bodies (nbconvert, no code), reused from a cache while a notebook is unchanged."""

from __future__ import annotations

import functools
import hashlib
import html
import inspect
import os
import re
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from analysis import markup
from analysis.atomic import write_atomic
from analysis.markup import unsafe_markup
from analysis.site import pages as SP
from analysis.site.page import SiteError


def _exporter():
    c = Config()
    c.TagRemovePreprocessor.remove_cell_tags = {"researcher-note", "parameters", "injected-parameters"}
    c.TagRemovePreprocessor.enabled = True
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    c.HTMLExporter.optimistic_validation = True  # the notebook checked once after all preprocessors, not after each
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
