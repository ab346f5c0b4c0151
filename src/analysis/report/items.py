"""The sidecar of a report's numbered tables and figures: ``<out_dir>/items.json``, written while the notebook runs.

Each numbered table or figure leaves an empty marker in the notebook's output (``marker``: an element with only
an id) and one record in the sidecar: its kind, anchor (the id of its caption), caption, download stem and the
files it wrote (paths under ``out_dir``). The site reads the sidecar (``analysis.site.cite.read_items``) and puts
each item's cite box in place of its marker, found by that exact string; it never parses the notebook's HTML.

Format: ``{"format": 1, "items": [{"kind": "table", "anchor": "table-population", "caption": "Bảng 1. …",
"stem": "quang-ninh-vi-population", "files": ["tables/population.csv", …]}, …]}``, in the page's order.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

SIDECAR = "items.json"
FORMAT = 1
MARKER_PREFIX = '<div id="cite-slot-'  # what is left of a marker the site did not replace


def marker(anchor: str) -> str:
    """The place of an item's cite box in the notebook's output: an empty element with only an id."""
    return f'{MARKER_PREFIX}{html.escape(anchor, quote=True)}"></div>'


def record(out_dir: Path | None, item: dict, first: bool) -> None:
    """Add one item to ``out_dir``'s sidecar (``first``: the page's first item, which starts a new sidecar, so a
    rerun never keeps the items of an earlier run). The file is replaced whole, so a reader never sees half."""
    if out_dir is None:
        return
    path = Path(out_dir) / SIDECAR
    items = [] if first or not path.exists() else json.loads(path.read_text(encoding="utf-8"))["items"]
    items.append({k: item.get(k, "") for k in ("kind", "anchor", "caption", "stem")} | {
        "files": sorted(item.get("files", []))})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{SIDECAR}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"format": FORMAT, "items": items}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def files_of(out_dir: Path | None, folder: str, name: str) -> list[str]:
    """The files an item wrote under ``out_dir/folder`` (``name.*``), as paths under ``out_dir``."""
    if out_dir is None or not (Path(out_dir) / folder).is_dir():
        return []
    return sorted(f"{folder}/{p.name}" for p in (Path(out_dir) / folder).glob(f"{name}.*") if p.is_file())
