"""The real-data backtest on panels the project does not ship: any all-province table you have, wide (a GSO
PX-Web export as CSV or XLSX, provinces down the first column, years across) or long (a row per province and year,
with columns such as ``province_code`` or ``province``, ``year``, ``value`` and, optionally, ``indicator`` and
``unit``, as the tables of ``../shared/reference`` and the project's own ``data/raw/facts_*.csv`` are: each
indicator is its own panel; ``--column`` keeps one).

Run: python benchmarks/backtest_tables.py TABLE [TABLE ...] [--column ITEM] [--bounds LO,HI]
(after `make data`, which builds the province registry the rows are matched with), or
python benchmarks/backtest_tables.py --list benchmarks/gso_2016_tables.csv --root DIR for a list of tables, each
row with its own item, bounds and set (``gso_2016_tables.csv``: the 27 GSO 2016-yearbook tables the engine's
settings were checked on, 15 for development and 12 kept for confirmation; ``gso_2016_tables_more.csv``: nine more
tables of the same copy, picked after every setting was fixed; DIR is the folder ``gso_06082019`` of
``data-raw/gso_06082019.zip`` in the public repository choisy/gso, commit 7e3e7f5). For each table: rolling
origins, horizons 1–5, the engine against "the last value stays" and "the panel's average change", with the same
yardsticks as ``benchmarks/backtest.py``; then the yardsticks over every table together. ``--bounds`` sets the
scale (``0,100`` for a share whose title does not say so; ``0,`` for figures that are never negative; ``none``);
by default a title that says "percentage" (or "tỷ lệ") with every figure in 0–100 is a share, figures that are
never negative are bounded below by 0 (a long table's title is its indicator and unit). Ranks are not run (a rank
is never forecast as a continuous number). A table that cannot be read is reported at the end; the others still run.
Writes benchmarks/_out/backtest_tables.csv.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

from analysis.assess import backtest as bt
from analysis.assess import panel as pn
from analysis.assess.table_panel import bounds_for, is_rank_title, read_long_panels, read_panel
from analysis.errors import DataError

COLUMNS = ["panel", "h", "cases", "origins", "mae_engine", "mae_last", "mae_drift", "ratio", "cov80", "cov80_lo",
           "cov80_hi", "cov95", "bss_B", "log_score"]


def parse_bounds(text: str | None):
    """``0,100`` -> (0.0, 100.0); ``0,`` -> (0.0, None); ``none`` -> None; no text -> the table decides."""
    if text is None:
        return "auto"
    if text.strip().lower() == "none":
        return None
    lo, _, hi = text.partition(",")
    return (float(lo) if lo.strip() else None, float(hi) if hi.strip() else None)


def requests(args) -> list[tuple[str, Path, str | None, object]]:
    """(set, path, item, bounds) of every table asked for: the command line's, or each row of ``--list``."""
    if args.list is None:
        return [("", path, args.column, parse_bounds(args.bounds)) for path in args.tables]
    rows = pd.read_csv(args.list, dtype=str, keep_default_na=False)
    if "file" not in rows.columns:
        raise SystemExit(f"{args.list}: no column 'file' (columns: {', '.join(rows.columns)}); a list has the columns "
                         f"file and, optionally, set, column and bounds")
    rows = rows.reindex(columns=["set", "file", "column", "bounds"], fill_value="")
    root = args.root or args.list.parent
    return [(r["set"], root / r["file"], r["column"] or None, parse_bounds(r["bounds"] or None))
            for _, r in rows.iterrows()]


def panels_of(path: Path, column: str | None) -> list[tuple[str, pd.DataFrame, str]]:
    """(name, long rows, title) of each panel in the table at ``path``: a wide table's one (its item ``column``),
    or each item of a long table (only ``column`` where given)."""
    many = read_long_panels(path, item=column)
    if many is None:
        long, table = read_panel(path, column=column)
        return [(f"{path.stem[:40]} / {column}" if column else path.stem[:60], long, table.title)]
    single = len(many) == 1 and not next(iter(many))
    return [(path.stem[:60] if single else f"{path.stem[:40]} / {item[:60]}", long, title)
            for item, (long, title) in many.items()]


def run_one(path: Path, column: str | None, chosen, failed: list[str]) -> list[pd.DataFrame]:
    """The summary of each panel's backtest in one table (printed); a reason added to ``failed`` for the table, or
    for each panel of it, that cannot be run."""
    try:
        panels = panels_of(path, column)
    except (DataError, OSError) as e:
        failed.append(f"{path}: {e}")
        return []
    out = []
    for name, long, title in panels:
        where = f"{path}" if len(panels) == 1 else f"{path} ({name})"
        if is_rank_title(title):
            failed.append(f"{where}: ranks, which are never forecast as continuous numbers")
            continue
        if long["province_code"].nunique() < 2:
            failed.append(f"{where}: fewer than two provinces")
            continue
        bounds = bounds_for(long["value"], title) if chosen == "auto" else chosen
        cases = bt.panel_cases(name, long, bounds)
        if not cases:
            failed.append(f"{where}: too few years for a backtest (years {sorted(map(int, long['year'].unique()))}; "
                          f"a forecast needs {pn.MIN_YEARS} up to its origin and one after)")
            continue
        s = bt.summary(bt.score(cases))
        print(f"\n{name}: {long['province_code'].nunique()} provinces, {long['year'].min()}-{long['year'].max()}, "
              f"bounds {bounds}")
        print(s.reset_index()[COLUMNS].round(3).to_string(index=False))
        out.append(s)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tables", nargs="*", type=Path)
    ap.add_argument("--column", help="the item to read from a table that holds several")
    ap.add_argument("--bounds", help="the scale's bounds: '0,100', '0,' or 'none' (default: from the table)")
    ap.add_argument("--list", type=Path, help="a CSV of tables (columns set, file, column, bounds)")
    ap.add_argument("--root", type=Path, help="the folder the --list files are in (default: the list's own)")
    args = ap.parse_args(argv)
    if not args.tables and args.list is None:
        ap.error("give one or more tables, or --list")
    warnings.simplefilter("ignore")
    by_set: dict[str, list[pd.DataFrame]] = {}
    failed: list[str] = []
    for group, path, column, chosen in requests(args):
        for s in run_one(path, column, chosen, failed):
            by_set.setdefault(group, []).append(s.assign(set=group))
    summaries = [s for group in by_set.values() for s in group]
    if summaries:
        for group, ss in by_set.items():
            if group and len(by_set) > 1:
                print(f"\n{group} ({len(ss)} tables):")
                print(bt.verdict(pd.concat(ss)))
        every = pd.concat(summaries)
        print(f"\nevery table together ({len(summaries)}):")
        print(bt.verdict(every))
        out = Path(__file__).parent / "_out"
        out.mkdir(exist_ok=True)
        every.reset_index().to_csv(out / "backtest_tables.csv", index=False)
    for f in failed:
        print(f"not run: {f}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
