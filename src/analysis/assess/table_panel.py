"""All-province panels read from tables the project does not ship, so that the engine can be backtested on them
(``benchmarks/backtest_tables.py``): a wide province-by-year table (a GSO PX-Web export, CSV or XLSX), or a long
one with a row per province and year (and item), as the reference tables and the project's own facts tables are.

Rows are matched to provinces as the table importer matches them (``analysis.data.import_match``); the whole
country and regions are left out, and so is a row the registry does not know. Nothing is written anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data.import_match import Registry, _match, _match_rows
from analysis.data.import_table import table_numbers
from analysis.data.pxweb import Table, fold, is_missing, number_format, parse_table, read_grid
from analysis.assess.series import vintages
from analysis.errors import DataError, Problem
from analysis.numbers import parse_number

SHARE_TITLE = re.compile(r"percent|\bshare\b|%|tỷ lệ|ty le", re.IGNORECASE)  # a title that says it is a share
RANK_TITLE = re.compile(r"\branks?\b|\branking\b|xếp hạng|xep hang|thứ hạng|thu hang", re.IGNORECASE)


def is_rank_title(title: str) -> bool:
    """A title (or item and unit) that says its figures are ranks, which are never forecast as continuous numbers."""
    return bool(RANK_TITLE.search(title or ""))


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


# a long table's columns, by their folded header (the project's own facts tables and the reference tables alike)
LONG_ROLES = {
    "year": ("year", "nam", "period", "ky"),
    "value": ("value", "gia tri", "so lieu"),
    "code": ("province_code", "ma tinh", "code"),
    "name": ("province", "province_name", "tinh", "ten tinh", "tinh/thanh pho", "tinh, thanh pho"),
    "item": ("indicator", "indicator_id", "item", "chi tieu", "variable"),
    "unit": ("unit", "don vi", "don vi tinh"),
    "breakdown": ("breakdown",),
    "kind": ("kind",),
    "flags": ("flags",),
}


def long_columns(header: list[str]) -> dict[str, int] | None:
    """Where each role is in a long table's header (one row per province and year, a ``year`` and a ``value``
    column and a province's code or name), or None for any other header."""
    folded = [fold(h) for h in header]
    found = {role: next((i for i, h in enumerate(folded) if h in names), None) for role, names in LONG_ROLES.items()}
    if found["year"] is None or found["value"] is None or (found["code"] is None and found["name"] is None):
        return None
    return {role: i for role, i in found.items() if i is not None}


def read_long_panels(path: Path, item: str | None = None, raw: Path | None = None
                     ) -> dict[str, tuple[pd.DataFrame, str]] | None:
    """Every panel of a long table (one row per province, year and, where a column names it, item): item ->
    (long rows province_code, year, value; a title for the bounds: the item and its unit). None when the file is
    not a long table. ``item`` keeps one item only.

    A province is read by its code where the code is the registry's, otherwise by its name as the wide tables'
    rows are (the whole country, regions and unknown names are left out); a row of a breakdown other than the
    total, or of a kind other than an observation, is not a figure of the panel; a figure flagged
    ``definition_break`` starts a new panel, named 'item@its first year'. Raises DataError naming the file,
    line and column of every figure or year that is not a number, and of a province and year given twice."""
    path = Path(path)
    grid = read_grid(path)
    cols = long_columns(grid[0]) if grid else None
    if cols is None:
        return None
    registry = Registry.from_raw(Path(raw) if raw else config.raw_dir())
    codes = {c for names in registry.names.values() for c in names.values()}
    header = grid[0]
    rows = [(n, r + [""] * (len(header) - len(r))) for n, r in enumerate(grid[1:], start=2) if any(c for c in r)]

    def at(r: list[str], role: str) -> str:
        return r[cols[role]].strip() if role in cols else ""

    rows = [(n, r) for n, r in rows if at(r, "breakdown").lower() in ("", "total")
            and at(r, "kind").lower() in ("", "observation")]
    names = sorted({at(r, "name") for _, r in rows if at(r, "name")})
    by_name = {m.name: m.code for m in _match_rows([(0, x) for x in names], registry, registry.boundary_of(names))
               if m.kind == "province"}
    fmt = number_format([at(r, "value") for _, r in rows])
    problems, out, seen, cuts = [], {}, {}, {}
    for n, r in rows:
        code = at(r, "code")
        code = code.zfill(2) if code.isdigit() else code
        code = code if code in codes and code != "VN" else by_name.get(at(r, "name"))
        if code is None or is_missing(at(r, "value")):
            continue
        key = at(r, "item")
        if item is not None and key != item:
            continue
        year, value = at(r, "year"), at(r, "value")
        if not re.fullmatch(r"\d{4}", year):
            problems.append(Problem(path.name, n, header[cols["year"]], "not a year", year))
            continue
        try:
            number = parse_number(value, fmt)
        except ValueError:
            problems.append(Problem(path.name, n, header[cols["value"]], f"not a number in {fmt} format", value))
            continue
        if (key, code, year) in seen:
            problems.append(Problem(path.name, n, header[cols["value"]], f"province {code} in {year} is given twice "
                                    f"(also line {seen[key, code, year]})", value))
            continue
        seen[key, code, year] = n
        if "definition_break" in at(r, "flags"):
            cuts.setdefault(key, set()).add(int(year))
        unit = at(r, "unit")
        out.setdefault(key, ([], f"{key} ({unit})" if unit else key))[0].append((code, int(year), number))
    if problems:
        raise DataError(problems)
    if item is not None and item not in out:
        raise DataError([Problem(path.name, None, header[cols.get("item", cols["value"])],
                                 f"no figures of item “{item}”")])
    panels = {}
    for k, (v, title) in out.items():
        parts = vintages(pd.DataFrame(v, columns=["province_code", "year", "value"]), cuts.get(k, ()))
        for part in parts:
            name = f"{k}@{int(part['year'].min())}" if len(parts) > 1 else k
            panels[name] = (part.reset_index(drop=True), title)
    return panels
