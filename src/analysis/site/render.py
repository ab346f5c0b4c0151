"""Rendering the site's page bodies: the Jinja environment of ``site/templates`` with the catalogue's words.

Page structure lives in ``site/templates/pages/*.html.j2`` and every sentence in the message catalogues
(``messages/<lang>.yaml``); the page modules (home, targets_page, data_pages, methodology) turn tables into the
plain values those templates show.
"""

from __future__ import annotations

import functools
import html
import re

import jinja2
from markupsafe import Markup

from analysis import config, labels
from analysis.assess import forecast
from analysis.catalogue import catalogue, language, msg


def inline_md(text: str) -> str:
    """Escape, then turn the catalogue's **bold** into <b>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def _t(lang: str, key: str, html_ok: bool = False, **values: object) -> Markup:
    """A catalogue sentence, safe to put in a page: escaped with **bold** kept, or (keys ending in ``_html`` and
    ``html_ok``) the catalogue's own markup kept while the values filled in are escaped."""
    if key.endswith("_html") or html_ok:
        return Markup(msg(key, lang, **{k: html.escape(str(v)) for k, v in values.items()}))
    return Markup(inline_md(msg(key, lang, **values)))


def numbered(prefix: str, lang: str) -> list[str]:
    """Keys prefix_1, prefix_2, … of the catalogue in order (adding a sentence touches only the catalogue)."""
    out, i = [], 1
    while f"{prefix}_{i}" in catalogue(lang):
        out.append(f"{prefix}_{i}")
        i += 1
    return out


@functools.lru_cache(maxsize=1)
def environment():
    """The Jinja environment of the site: templates from ``site/templates``, autoescaped, with the catalogue
    (``t``), numbered catalogue lists (``numbered_t``) and status words as globals."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(config.site_src_dir() / "templates")),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined)

    @jinja2.pass_context
    def t(ctx, key: str, **values) -> Markup:
        return _t(ctx["lang"], key, **values)

    @jinja2.pass_context
    def numbered_t(ctx, prefix: str, html: bool = False, **values) -> list[Markup]:
        return [_t(ctx["lang"], k, html_ok=html, **values) for k in numbered(prefix, ctx["lang"])]

    @jinja2.pass_context
    def status_label(ctx, status: str, provisional: bool = False) -> str:
        return labels.status_label(status, ctx["lang"], provisional)

    @jinja2.pass_context
    def status_explain(ctx, status: str) -> str:
        return labels.status_explain(status, ctx["lang"])

    env.globals.update(t=t, numbered_t=numbered_t, language=language, status_label=status_label, status_explain=status_explain,
                       md=lambda text: Markup(inline_md(text)))
    return env


def render(name: str, lang: str, **values) -> str:
    """One body template of ``site/templates/pages``."""
    return environment().get_template(f"pages/{name}.html.j2").render(lang=lang, **values)


def badge(status: str, lang: str, target_id: str = "") -> str:
    """A status badge (for page bodies built elsewhere, e.g. the indicator pages)."""
    return str(_macros(lang).badge(status, target_id))


@functools.lru_cache(maxsize=None)
def _macros(lang: str):
    """The shared macros bound to one language (made once, not once per badge)."""
    return environment().get_template("pages/macros.html.j2").make_module({"lang": lang})


def statuses() -> list[str]:
    """Every status an assessment can have, in the assessment's own order (new ones flow through)."""
    return list(forecast.STATUSES)

