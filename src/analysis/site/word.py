"""A province page as Word reads it: the page's HTML without what only a browser can use.

A Word document cannot fold: a long table's "select to open" label, the folding table of contents and the
interactive charts' placeholders are web-only, so they go; the content inside a fold is kept, and a fold whose
label says something (a search record's targets and outcome) keeps its label as a bold paragraph.

Parsed with lxml (C): the Word files are made in one background process, where a pure-Python parser of each
half-megabyte page held the interpreter for most of the Word build.
"""

from __future__ import annotations

import lxml.html
from lxml import etree


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# script, style, nav.toc, div[id^="cite-slot-"], details.cite, div.plotly-chart, div.item-files
WEB_ONLY = etree.XPath(" | ".join([
    "//script", "//style", f"//nav[{_has_class('toc')}]", "//div[starts-with(@id, 'cite-slot-')]",
    f"//details[{_has_class('cite')}]", f"//div[{_has_class('plotly-chart')}]", f"//div[{_has_class('item-files')}]"]))


def word_html(body: str) -> str:
    """``body`` with web-only elements removed and every <details> opened."""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    found = WEB_ONLY(root)
    chosen = set(found)
    for el in found:  # in page order; one inside another removed already goes with it
        if not any(a in chosen for a in el.iterancestors()):
            el.drop_tree()  # its tail text stays
    for details in list(root.iter("details")):
        summary = next((c for c in details if c.tag == "summary"), None)
        if summary is not None:
            if "long-table" in (details.get("class") or "").split():
                summary.drop_tree()  # "Table of N rows: select to open"
            else:
                tail, summary.tail = summary.tail, None
                summary.tag = "strong"
                summary.attrib.clear()
                p = etree.Element("p")
                summary.addprevious(p)
                p.append(summary)
                p.tail = tail
        details.drop_tag()
    out = lxml.html.tostring(root, encoding="unicode")
    return out[len("<div>"):-len("</div>")]
