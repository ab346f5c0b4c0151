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
    import json

    from analysis import config

    meta = json.loads((config.processed_dir() / "metadata.json").read_text(encoding="utf-8"))
    audit, a = tables["audit"], tables["assessments"]
    print(f"data/processed written: {len(tables['facts'])} facts, {len(tables['derived'])} derived values, "
          f"{len(audit)} audit checks ({(audit['result'] == 'mismatch').sum()} mismatches, "
          f"{(audit['result'] == 'finding').sum()} findings), {len(a)} targets assessed ("
          + ", ".join(f"{k} {v}" for k, v in a["status"].value_counts().items()) + ")")
    print(meta["documents_checked"])
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from analysis.params import ParamsError, parse_override
    from analysis.runner import execute, plan

    try:
        overrides = dict(parse_override(o) for o in args.param)
        jobs = plan(args.provinces or None, overrides, args.lang or None, compare=not args.no_compare)
    except ParamsError as e:
        print(f"analysis run: stopped before starting any kernel.\n{e}", file=sys.stderr)
        return 2
    summary = execute(jobs, workers=args.workers, force=args.force)
    print(summary.report())
    return 1 if summary.failed else 0


def _cmd_site(args: argparse.Namespace) -> int:
    from analysis.site import SiteError, build_site

    try:
        out = build_site(docx=not args.no_docx, calibration_series=args.calibration_series)
    except (SiteError, FileNotFoundError) as e:
        print(f"analysis site: build failed; the previous site (if any) is left in place.\n{e}", file=sys.stderr)
        return 1
    print(f"site written to {out} (open {out / 'index.html'})")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="analysis", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("data", help="validate data/raw and write data/processed").set_defaults(fn=_cmd_data)
    run = sub.add_parser("run", help="run the notebooks with papermill (parallel, cached)")
    run.add_argument("provinces", nargs="*", help="province keys (default: every params/*.yaml)")
    run.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter for every selected province (value read as YAML)")
    run.add_argument("--workers", type=int, default=None, help="parallel notebooks (default: CPU cores)")
    run.add_argument("--force", action="store_true", help="rerun even if nothing changed")
    run.add_argument("--lang", action="append", choices=["vi", "en"], help="only this language (repeatable)")
    run.add_argument("--no-compare", action="store_true", help="skip the comparison notebook")
    run.set_defaults(fn=_cmd_run)
    site = sub.add_parser("site", help="assemble the report site into site/_build (atomic)")
    site.add_argument("--no-docx", action="store_true", help="skip the Word downloads")
    site.add_argument("--calibration-series", type=int, default=200,
                      help="simulated series per process for the methodology page (0: skip)")
    site.set_defaults(fn=_cmd_site)
    args = p.parse_args(argv)
    return args.fn(args)
