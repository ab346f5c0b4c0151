"""A province page as Word reads it: the page's HTML without what only a browser can use.

A Word document cannot fold: a long table's "select to open" label, the folding table of contents and the
interactive charts' placeholders are web-only, so they go; the content inside a fold is kept, and a fold whose
label says something (a search record's targets and outcome) keeps its label as a bold paragraph.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

WEB_ONLY = ["script", "style", "nav.toc", 'div[id^="cite-slot-"]', "details.cite", "div.plotly-chart", "div.item-files"]


def word_html(body: str) -> str:
    """``body`` with web-only elements removed and every <details> opened."""
    soup = BeautifulSoup(body, "html.parser")
    for el in soup.select(", ".join(WEB_ONLY)):  # one walk of the page for all of them, in page order
        if not el.decomposed:  # not inside one removed already
            el.decompose()
    for details in soup.find_all("details"):
        summary = details.find("summary", recursive=False)
        if summary is not None:
            if "long-table" in (details.get("class") or []):
                summary.decompose()  # "Table of N rows: select to open"
            else:
                p = soup.new_tag("p")
                strong = soup.new_tag("strong")
                strong.extend(list(summary.contents))
                p.append(strong)
                summary.replace_with(p)
        details.unwrap()
    return str(soup)
