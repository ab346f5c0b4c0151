"""Safe output: text from data put into Markdown or HTML, addresses through an allow-list of schemes, and a scan
for what must never reach a page (a live script, an event handler, a link with another scheme).

Data fields (indicator names, publishers, registry names, notes, parameter files) are text, never markup:
``md_text`` makes one safe inside a Markdown cell (HTML characters as entities, Markdown punctuation escaped,
line breaks folded so a value cannot start a block); ``safe_url`` keeps an address only when its scheme is
http, https or mailto, or when it is relative. ``unsafe_markup`` lists what a rendered body holds that a page
must not, and the site refuses a report that holds any.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

ALLOWED_SCHEMES = ("http", "https", "mailto")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}!|~#])")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these inside a scheme ("java\tscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "cite",
                  "srcset", "ping"}
NEVER = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
INERT_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def md_text(value: object) -> str:
    """A data value as literal text inside Markdown: ``<``, ``>``, ``&`` as entities, Markdown punctuation
    (emphasis, links, images, code, headings) backslash-escaped, line breaks folded into spaces."""
    text = " ".join(str(value).split()) if isinstance(value, str) else str(value)
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def url_scheme(url: str) -> str | None:
    """The scheme of an address as a browser reads it (lower case), or None for a relative one."""
    m = _SCHEME.match(_INVISIBLE.sub("", html.unescape(str(url))))
    return m.group(1).lower() if m else None


def url_allowed(url: str, data_image: bool = False) -> bool:
    """True for http, https, mailto or a relative address (and ``data:image/…`` when ``data_image``)."""
    scheme = url_scheme(url)
    if scheme is None or scheme in ALLOWED_SCHEMES:
        return True
    return data_image and scheme == "data" and _INVISIBLE.sub("", url).lower().startswith("data:image/")


def safe_url(url: object) -> str:
    """The address when its scheme is allowed, else the empty string (the page then shows no link)."""
    if not isinstance(url, str) or not url.strip():
        return ""
    return url.strip() if url_allowed(url) else ""


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script" and a.get("type", "").strip().lower() not in INERT_SCRIPT_TYPES:
            self.found.append(f"<script{' src=' + a['src'] if 'src' in a else ''}>")
        if tag in NEVER:
            self.found.append(f"<{tag}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for k, v in a.items():
            if k.startswith("on"):
                self.found.append(f"<{tag} {k}=…> (event handler)")
            elif k in URL_ATTRIBUTES and not url_allowed(v, data_image=tag in ("img", "source") and k == "src"):
                self.found.append(f"<{tag} {k}={v[:60]!r}> (scheme not allowed)")

    handle_startendtag = handle_starttag


def unsafe_markup(body: str) -> list[str]:
    """Every live script, event handler, embedding element or address with a disallowed scheme in ``body``."""
    scan = _Scan()
    scan.feed(body)
    scan.close()
    return scan.found
