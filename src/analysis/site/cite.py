"""Cite boxes: a citation of a page, or of one numbered table or figure on it, from the project's CITATION.cff."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import yaml

from analysis import config
from analysis.catalogue import msg
from analysis.site import pages as SP
from analysis.report.items import FORMAT, MARKER_PREFIX, SIDECAR, marker
from analysis.site.page import Page, SiteError, _relpath, site_title


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


ITEM_FILES = {"figure": ("figures", ("png", "svg", "csv")), "table": ("tables", ("csv", "xlsx", "tex"))}
ITEM_KEYS = ("kind", "anchor", "caption", "stem", "files")


def read_items(outputs: Path, notebook: Path, body: str) -> tuple[dict, ...]:
    """The numbered items of an executed notebook from the sidecar its run wrote (``outputs/items.json``,
    analysis.report.items), checked against the notebook's page ``body``: every item's marker is there once and
    no other marker is. SiteError naming the notebook when the sidecar is missing, unreadable or not of this run."""
    path = Path(outputs) / SIDECAR
    rerun = "run the notebook again (`make notebooks`; a changed report package reruns it)"
    n_markers = body.count(MARKER_PREFIX)
    if not path.exists():
        if not n_markers:
            return ()
        raise SiteError(f"{notebook}: its sidecar {path} is missing ({n_markers} numbered item(s) on the page); "
                        + rerun)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = tuple({k: data_item[k] for k in ITEM_KEYS} for data_item in data["items"])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as e:
        raise SiteError(f"{notebook}: its sidecar {path} cannot be read ({type(e).__name__}: {e}); {rerun}") from None
    if data.get("format") != FORMAT:
        raise SiteError(f"{notebook}: its sidecar {path} is of format {data.get('format')!r}, not {FORMAT}; {rerun}")
    absent = [i["anchor"] for i in items if body.count(marker(i["anchor"])) != 1]
    if absent or n_markers != len(items):
        raise SiteError(f"{notebook}: its sidecar {path} is stale: it lists {len(items)} item(s), the page has "
                        f"{n_markers} marker(s)" + (f"; not found once: {', '.join(absent[:5])}" if absent else "")
                        + f"; {rerun}")
    return items


def item_cite_boxes(body: str, page: Page, meta: dict, downloads: Path | None = None) -> str:
    """Put a cite box in place of the marker of each of the page's numbered items (``page.items``: a notebook's
    sidecar, or the site's own); before it, links to the files the item wrote (its ``files``) that are in
    ``downloads`` under its stem."""
    for item in page.items:
        folder, exts = ITEM_FILES.get(item["kind"], ("", ()))
        wrote = {f.rsplit(".", 1)[-1] for f in item.get("files", ())}
        files = [(ext, f"{_relpath(page.depth)}downloads/{folder}/{item['stem']}.{ext}") for ext in exts
                 if item.get("stem") and downloads is not None and ext in wrote
                 and (downloads / folder / f"{item['stem']}.{ext}").exists()]
        links = SP.render("item_files", page.lang, kind=item["kind"], files=files) if files else ""
        body = body.replace(marker(item["anchor"]), links + cite_box(page, meta, item), 1)
    return body
