"""The bodies of the site's own pages (overview, targets, sources, data, search, methodology), gathered for
``build.py``: each family of pages lives in its own module, the rendering in ``render``.

Page structure lives in ``site/templates/pages/*.html.j2`` and every sentence in the message catalogues
(``messages/<lang>.yaml``); the page modules only turn tables into the plain values those templates show
(numbers already formatted for the page's language).
"""

from __future__ import annotations

from analysis.catalogue import msg
from analysis.site.data_pages import data_body, download_groups, province_downloads, search_body, sources_body
from analysis.site.home import home_body, national_target_id, province_card, provinces_overview
from analysis.site.methodology import backtest_rows, backtest_summary, heldout_note, methodology_body
from analysis.site.render import badge, environment, inline_md, numbered, render, statuses
from analysis.site.targets_page import (national_row_id, national_rows, nearest_cell, search_notes,
                                        targets_body)

__all__ = ["backtest_rows", "backtest_summary", "badge", "data_body", "download_groups", "environment",
           "heldout_note", "home_body", "inline_md", "methodology_body", "msg", "national_row_id", "national_rows",
           "national_target_id", "nearest_cell", "numbered", "province_card", "province_downloads",
           "provinces_overview", "render", "search_body", "search_notes", "sources_body", "statuses",
           "targets_body"]
