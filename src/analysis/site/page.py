"""What every page of the site shares: its languages and navigation, the page itself, and the site's error."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.catalogue import LANGS, msg  # noqa: F401 (LANGS: every language the catalogues hold)


PAGES = ["index", "grid", "compare", "targets", "indicators", "methodology", "sources", "data", "search"]


def nav_label(page: str, lang: str) -> str:
    return msg(f"nav_{page}", lang)


def site_title(lang: str) -> str:
    return msg("site_title", lang)


class SiteError(RuntimeError):
    """The site could not be built; the previous site is left in place."""


def _relpath(depth: int) -> str:
    return "../" * depth


@dataclass
class Page:
    lang: str
    path: str  # relative to the language folder, e.g. "index.html" or "provinces/quang-ninh.html"
    title: str
    body: str
    nav: str = ""
    items: tuple = ()  # its numbered tables and figures (a notebook's sidecar), each given a cite box

    @property
    def depth(self) -> int:
        return 1 + self.path.count("/")
