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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="analysis", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("data", help="validate data/raw and write data/processed").set_defaults(fn=_cmd_data)
    args = p.parse_args(argv)
    return args.fn(args)
