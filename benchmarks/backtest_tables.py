"""The real-data backtest on panels the project does not ship: any all-province table you have (a GSO PX-Web
export as CSV or XLSX, provinces down the first column, years across).

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
never negative are bounded below by 0. A table that cannot be read is reported at the end; the others still run.
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
from analysis.assess.table_panel import bounds_for, read_panel
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


def run_one(path: Path, column: str | None, chosen, failed: list[str]) -> pd.DataFrame | None:
    """The summary of one table's backtest (printed), or None with the reason added to ``failed``."""
    try:
        long, table = read_panel(path, column=column)
    except (DataError, OSError) as e:
        failed.append(f"{path}: {e}")
        return None
    bounds = bounds_for(long["value"], table.title) if chosen == "auto" else chosen
    name = f"{path.stem[:40]} / {column}" if column else path.stem[:60]
    cases = bt.panel_cases(name, long, bounds)
    if not cases:
        failed.append(f"{path}: too few years for a backtest (years {sorted(map(int, long['year'].unique()))}; "
                      f"a forecast needs {pn.MIN_YEARS} up to its origin and one after)")
        return None
    s = bt.summary(bt.score(cases))
    print(f"\n{name}: {long['province_code'].nunique()} provinces, {long['year'].min()}-{long['year'].max()}, "
          f"bounds {bounds}")
    print(s.reset_index()[COLUMNS].round(3).to_string(index=False))
    return s


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
        s = run_one(path, column, chosen, failed)
        if s is not None:
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
