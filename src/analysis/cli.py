"""Command line: ``analysis data | assess | run | site``."""

from __future__ import annotations

import argparse
import sys

from analysis.errors import DataError


def _cmd_data(args: argparse.Namespace) -> int:
    from analysis.process import build

    try:
        tables = build()
    except DataError as e:
        print(f"make data: stopped, nothing written.\n{e}", file=sys.stderr)
        return 1
    audit = tables["audit"]
    print(f"data/processed written: {len(tables['facts'])} facts, {len(tables['derived'])} derived values, "
          f"{len(audit)} audit checks ({(audit['result'] == 'mismatch').sum()} mismatches, "
          f"{(audit['result'] == 'finding').sum()} findings)")
    return 0


def _cmd_assess(args: argparse.Namespace) -> int:
    import warnings

    from analysis import config
    from analysis.assess import assess_all
    from analysis.process import load_processed

    warnings.simplefilter("ignore")
    a = assess_all(load_processed("facts"), load_processed("indicators"))
    out = config.processed_dir() / "assessments.csv"
    a.to_csv(out, index=False, encoding="utf-8")
    counts = ", ".join(f"{k} {v}" for k, v in a["status"].value_counts().items())
    print(f"{out.relative_to(config.project_root())}: {len(a)} targets ({counts})")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="analysis", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("data", help="validate data/raw and write data/processed").set_defaults(fn=_cmd_data)
    sub.add_parser("assess", help="assess every target into data/processed/assessments.csv").set_defaults(
        fn=_cmd_assess)
    args = p.parse_args(argv)
    return args.fn(args)
