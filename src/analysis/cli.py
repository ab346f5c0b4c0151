"""Command line: ``analysis data | assess | run | site | extract | accept | import-table``."""

from __future__ import annotations

import argparse
import os
import sys

from analysis.catalogue import LANGS
from analysis.errors import DataError


def _os_error(e: OSError) -> str:
    """'No space left on device: /path' (one line, the file named when the system says which)."""
    return f"{e.strerror or e}" + (f": {e.filename}" if e.filename else "")


def _stage_tables(label: str, build, expected: tuple[type[Exception], ...]) -> dict | None:
    """The tables a stage's ``build`` wrote, or None after printing why it stopped (bad input, or a full or
    read-only disk: data/processed is left as it was)."""
    try:
        return build()
    except expected as e:
        print(f"{label}: stopped, nothing written.\n{e}", file=sys.stderr)
    except OSError as e:
        print(f"{label}: stopped, nothing written: {_os_error(e)}", file=sys.stderr)
    return None


def _cmd_data(args: argparse.Namespace) -> int:
    import json

    from analysis import config
    from analysis.data.process import build, shrunk_files

    def metadata() -> dict:
        try:
            return json.loads((config.processed_dir() / "metadata.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    before = metadata().get("facts_by_file", {})
    tables = _stage_tables("make data", build, (DataError,))
    if tables is None:
        return 1
    meta = metadata()
    for line in shrunk_files(before, meta.get("facts_by_file", {})):
        print(f"warning: {line}", file=sys.stderr)
    audit = tables["audit"]
    print(f"data/processed written: {len(tables['facts'])} facts, {len(tables['derived'])} derived values, "
          f"{len(audit)} audit checks ({(audit['result'] == 'mismatch').sum()} mismatches, "
          f"{(audit['result'] == 'finding').sum()} findings); assessments: `make assess`")
    print(meta["documents_checked"])
    return 0


def _cmd_assess(args: argparse.Namespace) -> int:
    from analysis import config
    from analysis.assess import calibration
    from analysis.assess.stage import build
    from analysis.data.manifest import ProcessedDataError

    # the methodology page's calibration, on the core the assessments leave idle (the site finds it cached)
    calibrated = calibration.start_cached(calibration.SITE_SERIES, config.build_dir() / "calibration-cache")
    tables = _stage_tables("analysis assess", build, (ProcessedDataError,))
    if tables is None:  # the calibration process ends with this one (it writes its cache whole or not at all)
        return 1
    calibrated()
    a, n = tables["assessments"], tables["national_assessments"]
    print(f"assessments written to data/processed: {len(a)} targets assessed ("
          + ", ".join(f"{k} {v}" for k, v in a["status"].value_counts().items())
          + f"), {len(n)} province assessments against national targets, {len(tables['backtest'])} backtest rows")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from analysis.run.params import ParamsError, parse_override
    from analysis.run.runner import execute, plan

    try:
        overrides = dict(parse_override(o) for o in args.param)
        jobs = plan(args.provinces or None, overrides, args.lang or None, compare=not args.no_compare)
    except ParamsError as e:
        print(f"analysis run: stopped before starting any kernel.\n{e}", file=sys.stderr)
        return 2
    if args.scheduler:
        from analysis.run.cluster import execute_on_cluster

        summary = execute_on_cluster(jobs, args.scheduler, force=args.force, warm=not args.cold_kernels)
    else:
        summary = execute(jobs, workers=args.workers, force=args.force, warm=not args.cold_kernels)
    print(summary.report())
    return 1 if summary.failed else 0


def _cmd_site(args: argparse.Namespace) -> int:
    from analysis.site import stamp

    options = {"docx": not args.no_docx, "calibration_series": args.calibration_series}
    key = stamp.site_key(options)  # before importing the site's libraries: a no-op build stops here
    if not args.force and stamp.is_current(key):
        print("site up to date (nothing it is built from has changed; --force to rebuild)")
        return 0
    from analysis.run.params import ParamsError
    from analysis.run.publish import UnpublishableRuns, check_site_inputs
    from analysis.site.build import SiteError, build_site

    head = "analysis site: build failed; the previous site (if any) is left in place."
    stamp.forget()
    try:
        out = build_site(docx=options["docx"], calibration_series=args.calibration_series, verify=check_site_inputs)
    except (SiteError, UnpublishableRuns, FileNotFoundError, ParamsError) as e:
        print(f"{head}\n{e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{head}\n{_os_error(e)}", file=sys.stderr)
        return 1
    stamp.write(key)
    print(f"site written to {out} (open {out / 'index.html'})")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from pathlib import Path

    import pandas as pd

    from analysis import config
    from analysis.data.extract import ExtractError, extract_document

    path = Path(args.path)
    try:
        catalogue = pd.read_csv(config.raw_dir() / "indicators.csv", dtype=str, keep_default_na=False)
    except FileNotFoundError:
        catalogue = None
    try:
        rows = extract_document(path, province_code=args.province or "", boundary=args.boundary or "",
                                source_id=args.source_id or "", catalogue=catalogue, as_of=args.as_of)
    except ExtractError as e:
        print(f"analysis extract: {e}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path(f"{path.stem}.candidates.csv")
    if config.raw_dir().resolve() in (out.resolve(), *out.resolve().parents):
        print(f"analysis extract: {out} is inside data/raw; write candidates elsewhere and add them with "
              "`analysis accept`", file=sys.stderr)
        return 2
    if out.is_dir():
        print(f"analysis extract: {out} is a folder; give a file name with --out", file=sys.stderr)
        return 2
    if out.exists() and not args.force:  # it may hold someone's review marks: never overwrite unasked
        print(f"analysis extract: {out} exists (its review marks would be lost); nothing written. Give another "
              "--out, or --force to replace it", file=sys.stderr)
        return 2
    from analysis.atomic import write_atomic

    write_atomic(out, lambda tmp: rows.to_csv(tmp, index=False, encoding="utf-8"))
    kinds = rows["kind"].value_counts().to_dict()
    print(f"{len(rows)} candidate figure(s) from {path.name} ({', '.join(f'{v} {k}' for k, v in kinds.items())}) "
          f"written to {out}")
    if args.review:
        show = rows[["locator", "kind", "period", "value", "unit", "indicator_id", "flags", "as_written"]]
        print(show.to_string(index=False, max_colwidth=50))
        print(f"\nNext: open {out}, check each row against the document, put y in 'accept' for the rows to keep, "
              "fill in indicator_id, province_code and boundary where empty, then run\n"
              f"  analysis accept {out} --into data/raw/facts_<name>.csv --id-prefix XX --source-id NEW-ID "
              "--title '...' --url ... --date YYYY-MM-DD")
    return 0


def _cmd_accept(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analysis.data.curate import NewSource, accept

    source = NewSource(args.source_id, args.title or "", args.source_type, args.url or "", args.date or "",
                       args.publisher or "", args.author or "") if args.source_id else None
    try:
        ids = accept(Path(args.review), Path(args.into), args.id_prefix, source)
    except DataError as e:
        print(f"analysis accept: nothing written.\n{e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"analysis accept: nothing written: {e.filename}: no such file", file=sys.stderr)
        return 2
    for line, fact_id in ids.skipped:
        print(f"{args.review}:{line}: the same figure as {fact_id} (already accepted); not appended again")
    if not ids:
        print(f"nothing appended to {args.into}: every accepted row is already in data/raw")
        return 0
    print(f"{len(ids)} fact(s) appended to {args.into}: {ids[0]} … {ids[-1]}. Run `make report` to see them.")
    return 0


def _cmd_import_table(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analysis.data.import_table import TableSource, import_table

    source = TableSource(args.source_id, args.title or "", args.publisher or "", args.edition or "",
                         args.table_code or "", args.licence or "", args.url or "", args.date or "")
    try:
        report = import_table(Path(args.table), args.indicator, source, Path(args.into) if args.into else None,
                              id_prefix=args.id_prefix, breakdown=args.breakdown, boundary=args.boundary,
                              column=args.column, sheet=args.sheet, dry_run=args.dry_run)
    except DataError as e:
        print(f"analysis import-table: nothing written.\n{e}", file=sys.stderr)
        return 2
    print(report.text())
    if args.dry_run:
        print("Dry run: nothing written.")
    return 0


LOCKED = ("data", "assess", "run", "site")  # the build steps: one at a time in a checkout


def _locked(args: argparse.Namespace) -> int:
    """Run a build step holding the checkout's lock, after sweeping what killed builds left."""
    from analysis.lock import BuildLocked, hold, sweep

    try:
        with hold(args.cmd):
            n, freed = sweep()
            if n:
                print(f"analysis {args.cmd}: removed or restored {n} leftover(s) of an interrupted build "
                      f"({freed / 1e6:.0f} MB freed)", file=sys.stderr)
            return args.fn(args)
    except BuildLocked as e:
        print(f"analysis {args.cmd}: stopped: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # a full or read-only disk outside what each step reports itself
        print(f"analysis {args.cmd}: stopped: {_os_error(e)}", file=sys.stderr)
        return 1


def _add_entry_commands(sub) -> None:
    """The commands that add figures to data/raw: extract, accept, import-table."""
    ex = sub.add_parser("extract", help="candidate facts from a Vietnamese document (txt, html, docx, pdf)")
    ex.add_argument("path")
    ex.add_argument("--province", help="province code written into every row (e.g. 22)")
    ex.add_argument("--boundary", choices=["pre2025", "post2025"], help="boundary the province code refers to")
    ex.add_argument("--source-id", help="source id written into every row")
    ex.add_argument("--as-of", type=int, help="year the document was written ('đến nay' means this year)")
    ex.add_argument("--out", help="review CSV to write (default: <document>.candidates.csv here)")
    ex.add_argument("--review", action="store_true", help="print the candidates and what to do next")
    ex.add_argument("--force", "--replace", dest="force", action="store_true",
                    help="replace an existing --out file (a review in it is lost)")
    ex.set_defaults(fn=_cmd_extract)
    ac = sub.add_parser("accept", help="append the accepted rows of a review CSV to a facts file in data/raw")
    ac.add_argument("review")
    ac.add_argument("--into", required=True, help="data/raw/facts_<name>.csv (created if missing)")
    ac.add_argument("--id-prefix", required=True, help="two capital letters for the new fact ids (XX-E001…)")
    ac.add_argument("--source-id", help="source id for every accepted row (new sources need --title)")
    ac.add_argument("--title")
    ac.add_argument("--url")
    ac.add_argument("--date", help="YYYY, YYYY-MM or YYYY-MM-DD")
    ac.add_argument("--publisher")
    ac.add_argument("--author")
    ac.add_argument("--source-type", default="report")
    ac.set_defaults(fn=_cmd_accept)
    it = sub.add_parser("import-table", help="facts from a wide province-by-year table (GSO PX-Web CSV or XLSX)")
    it.add_argument("table", help="the exported table (.csv, semicolon- or comma-separated, or .xlsx)")
    it.add_argument("--indicator", required=True, help="indicator id of every figure (data/raw/indicators.csv)")
    it.add_argument("--source-id", required=True, help="source id (a new one needs a title: --title or the "
                                                       "table's own title line)")
    it.add_argument("--into", help="data/raw/facts_<name>.csv (created if missing; only new rows are appended)")
    it.add_argument("--id-prefix", default="GX", help="two characters for the fact ids: XX-<code>-<year> "
                                                       "(default GX)")
    it.add_argument("--title")
    it.add_argument("--publisher", help="issuing agency, e.g. 'Tổng cục Thống kê'")
    it.add_argument("--edition", help="e.g. 'Niên giám thống kê 2024'")
    it.add_argument("--table-code", help="e.g. E02.46")
    it.add_argument("--licence")
    it.add_argument("--url")
    it.add_argument("--date", help="publication date of the edition: YYYY, YYYY-MM or YYYY-MM-DD")
    it.add_argument("--breakdown", default="total", help="breakdown of every figure (default total)")
    it.add_argument("--boundary", choices=["pre2025", "post2025"],
                    help="boundary of the province names (default: inferred from the names)")
    it.add_argument("--column", help="the item to take from a multi-item table (e.g. 'Average population')")
    it.add_argument("--sheet", help="sheet of an XLSX file (default: the first)")
    it.add_argument("--dry-run", action="store_true", help="report what would be added; write nothing")
    it.set_defaults(fn=_cmd_import_table)


def _parser() -> argparse.ArgumentParser:
    """The command line: the pipeline's stages (data, assess, run, site) and the data-entry commands."""
    p = argparse.ArgumentParser(prog="analysis", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("data", help="validate data/raw and write data/processed").set_defaults(fn=_cmd_data)
    sub.add_parser("assess", help="assess every target from data/processed (assessments, national comparison, "
                                  "backtest), written beside it").set_defaults(fn=_cmd_assess)
    run = sub.add_parser("run", help="run the notebooks with papermill (parallel, cached)")
    run.add_argument("provinces", nargs="*", help="province keys (default: every params/*.yaml)")
    run.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter for every selected province (value read as YAML)")
    run.add_argument("--workers", type=int, default=None, help="parallel notebooks (default: CPU cores)")
    run.add_argument("--force", action="store_true", help="rerun even if nothing changed")
    run.add_argument("--lang", action="append", choices=list(LANGS), help="only this language (repeatable)")
    run.add_argument("--no-compare", action="store_true", help="skip the comparison notebook")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786 (workers need this package, "
                          "not a shared filesystem; results come back here)")
    run.add_argument("--cold-kernels", action="store_true",
                     help="start a new kernel for every notebook (default: one preloaded kernel per worker, "
                          "reset between notebooks)")
    run.set_defaults(fn=_cmd_run)
    site = sub.add_parser("site", help="assemble the report site into site/_build (atomic)")
    site.add_argument("--no-docx", action="store_true", help="skip the Word downloads")
    site.add_argument("--calibration-series", type=int, default=200,  # assess.calibration.SITE_SERIES
                      help="simulated series per process for the methodology page (0: skip)")
    site.add_argument("--force", action="store_true", help="rebuild even if nothing it is built from changed")
    site.set_defaults(fn=_cmd_site)
    _add_entry_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    # one BLAS thread per process (before numpy is first imported; the kernels and forks inherit it): the stages
    # run their pieces in parallel processes already (two notebooks at a time, the site's forks), and OpenBLAS's
    # own threads, on matrices this small, only spin beside them (a seventh of the notebooks' time on two cores)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    p = _parser()
    args = p.parse_args(argv)
    try:
        if args.cmd in LOCKED:
            return _locked(args)
        return args.fn(args)
    except KeyboardInterrupt:  # Ctrl-C: the queue is cancelled; nothing half-made is published or cached
        print(f"analysis {args.cmd}: interrupted; nothing unfinished was published (the last good outputs are kept)",
              file=sys.stderr)
        return 130
