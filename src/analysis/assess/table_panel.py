"""An all-province panel read from any wide province-by-year table (a GSO PX-Web export, CSV or XLSX), so that the
engine can be backtested on real panels the project does not ship (``benchmarks/backtest_tables.py``).

Rows are matched to provinces as the table importer matches them (``analysis.data.import_match``); the whole
country and regions are left out, and so is a row the registry does not know. Nothing is written anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data.import_match import Registry, _match
from analysis.data.import_table import table_numbers
from analysis.data.pxweb import Table, number_format, parse_table
from analysis.errors import DataError, Problem

SHARE_TITLE = re.compile(r"percent|\bshare\b|%|tỷ lệ|ty le", re.IGNORECASE)  # a title that says it is a share


def read_panel(path: Path, column: str | None = None, sheet: str | None = None,
               raw: Path | None = None) -> tuple[pd.DataFrame, Table]:
    """Long rows (province_code, year, value) of the provinces in the table at ``path``, and the table as read.

    Raises DataError naming the file, line and column of every cell that is not a number (as ``analysis
    import-table`` does), or when fewer than two provinces are matched."""
    path = Path(path)
    table = parse_table(path, column=column, sheet=sheet)
    registry = Registry.from_raw(Path(raw) if raw else config.raw_dir())
    matches = _match(table, registry, registry.boundary_of([r.name for r in table.rows]))
    numbers, _ = table_numbers(table, matches, number_format([c for r in table.rows for c in r.cells]), path)
    rows = [(m.code, col.year, value) for m, _, col, _, value in numbers if m.kind == "province"]
    long = pd.DataFrame(rows, columns=["province_code", "year", "value"]).astype({"year": int, "value": float})
    if long["province_code"].nunique() < 2:
        raise DataError([Problem(path.name, None, table.stub_label, "fewer than two rows name a province")])
    return long, table


def bounds_for(values: pd.Series, title: str) -> tuple[float | None, float | None] | None:
    """The scale's bounds a table's figures imply: 0–100 for a share (its title says so and every figure fits),
    0 and up for figures that are never negative, none otherwise."""
    lo, hi = float(values.min()), float(values.max())
    if SHARE_TITLE.search(title or "") and lo >= 0 and hi <= 100:
        return (0.0, 100.0)
    return (0.0, None) if lo >= 0 else None
