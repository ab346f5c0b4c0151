"""From a wide province-by-year table (GSO PX-Web export, CSV or XLSX) to validated facts in ``data/raw``.

Each row name is matched to a province code of the registry (``admin_crosswalk_2025.csv`` and
``population_gso.csv``): with or without diacritics, with or without 'Tỉnh', 'TP.', 'Thành phố', 'city', in
Vietnamese or GSO's English ('Ha Noi', 'TP. Ho Chi Minh', 'Thua Thien-Hue'), under the names before and after
1 July 2025 (a name of the other boundary counts only where the province's territory did not change). The whole
country becomes ``VN``; regions are reported and not imported (the schema has no region codes); every other row
is reported as unmatched, by its line. Each cell is a fact with the cell as written in ``as_written``; a
missing marker ('..', '-', '…', empty) gives no fact; a year labelled 'Prel.' or 'Sơ bộ' is flagged
``preliminary``.

Nothing is overwritten: a figure already held for the same indicator, province, boundary, breakdown and year
(in any facts file) is not added again when it is equal, and is reported as a vintage difference when it is
not (the held figure stays). Where a table differs from the held figures of a province, the rows it adds for
that province start a new series (the first is flagged ``definition_break``), so that two vintages are never
joined. New rows are checked with every raw table by the same validation as ``make data`` before anything is
written, and appended to a ``facts_<name>.csv`` (created if missing); a new source goes to
``sources_tables.csv``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data.curate import SOURCE_COLUMNS, _append, _read
from analysis.data.extract import FACT_COLUMNS
from analysis.catalogue import LANGS, language
from analysis.data.import_match import (  # noqa: F401 (re-exported)
    COUNTRY,
    PREFIX,
    REGIONS,
    Match,
    Registry,
    _match,
    match_name,
    name_key,
)
from analysis.data.pxweb import Table, is_missing, number_format, parse_table
from analysis.data.validate import load_raw
from analysis.errors import DataError, Problem
from analysis.numbers import parse_number

SOURCES_FILE = "sources_tables.csv"


@dataclass
class Difference:
    """A figure of the table that differs from the one already held (a new vintage or a correction)."""

    name: str
    province_code: str
    year: int
    held: float
    held_fact_id: str
    held_file: str
    new: float
    as_written: str


@dataclass
class ImportReport:
    """What an import adds, what it matched and could not match, and what differs from figures already held."""

    table: Table
    boundary: str
    matches: list[Match]
    rows: pd.DataFrame  # the facts to add
    already_held: int
    differences: list[Difference]
    missing_cells: int
    restarted: list[str] = field(default_factory=list)  # provinces whose added rows start a new series
    source_row: dict | None = None
    written: bool = False

    @property
    def unmatched(self) -> list[Match]:
        return [m for m in self.matches if m.kind in ("unmatched", "former")]

    @property
    def regions(self) -> list[Match]:
        return [m for m in self.matches if m.kind == "region"]

    def text(self) -> str:
        """The report as printed by ``analysis import-table``."""
        t = self.table
        prov = [m for m in self.matches if m.kind in ("province", "country")]
        years = sorted({c.year for c in t.columns})
        out = [f"{t.path.name}: {t.title or '(no title line)'}",
               f"  {len(t.rows)} rows, {len(t.columns)} year columns ({years[0]}–{years[-1]}), "
               f"boundary {self.boundary}",
               f"  matched: {sum(m.kind == 'province' for m in prov)} provinces"
               + (" and the whole country (VN)" if any(m.kind == "country" for m in prov) else "")]
        if self.regions:
            out.append(f"  regions, not imported (no region codes in the schema): "
                       + "; ".join(f"{m.name} ({t.line_word} {m.line})" for m in self.regions))
        if self.unmatched:
            out.append(f"  NOT MATCHED ({len(self.unmatched)} rows, not imported):")
            out += [f"    {t.line_word} {m.line}: “{m.name}”" + (f" — {m.note}" if m.note else "")
                    for m in self.unmatched]
        else:
            out.append("  not matched: none")
        if t.ignored_columns:
            out.append("  columns without a year, ignored: " + "; ".join(t.ignored_columns))
        verb = "added" if self.written else "would add"
        out.append(f"  {verb}: {len(self.rows)} facts; already held (same figure): {self.already_held}; "
                   f"missing cells (no fact): {self.missing_cells}")
        if len(self.rows):
            by_year = self.rows.groupby("period").size()
            out.append("    by year: " + ", ".join(f"{y} ({n})" for y, n in by_year.items()))
            if len(self.rows) <= 20:
                out += [f"    {r.fact_id}: {r.province_code} {r.period} = {r.as_written}"
                        + (f" [{r.flags}]" if r.flags else "") for r in self.rows.itertuples()]
        if self.source_row is not None:
            out.append(f"  new source: {self.source_row['source_id']} ({SOURCES_FILE})")
        if self.differences:
            out.append(f"  DIFFERS FROM FIGURES HELD ({len(self.differences)}; a new vintage or a correction: the "
                       "held figure is kept, the table's is not added):")
            out += [f"    {d.name} ({d.province_code}) {d.year}: held {d.held:g} ({d.held_fact_id}, {d.held_file}), "
                    f"table {d.as_written}" for d in self.differences]
        if self.restarted:
            out.append("  vintage break: the rows added for " + ", ".join(self.restarted)
                       + " start a new series (first one flagged definition_break), not joined to the held figures")
        return "\n".join(out)


def _plain(v: float) -> str:
    s = repr(float(v))
    return s[:-2] if s.endswith(".0") else s


@dataclass
class TableSource:
    """The publication a table comes from (a new source row is written when ``source_id`` is not known)."""

    source_id: str
    title: str = ""
    publisher: str = ""
    edition: str = ""
    table_code: str = ""
    licence: str = ""
    url: str = ""
    date: str = ""


def import_table(path: Path, indicator_id: str, source: TableSource, into: Path | None = None, *,
                 id_prefix: str, breakdown: str = "total", boundary: str | None = None, column: str | None = None,
                 sheet: str | None = None, dry_run: bool = False, raw_dir: Path | None = None) -> ImportReport:
    """Read the table in ``path`` and (unless ``dry_run``) append its new facts to ``into``.

    Raises DataError naming the file, line and column for a bad table, a cell that is not a number, an
    unknown indicator, a fact id already taken, or any validation problem; nothing is written then.
    """
    raw = Path(raw_dir) if raw_dir else config.raw_dir()
    path = Path(path)
    into = _check_request(path, into, raw, id_prefix, dry_run)
    indicators = _read(raw / "indicators.csv").set_index("indicator_id")
    if indicator_id not in indicators.index:
        raise DataError([Problem(path.name, None, "indicator_id", "unknown indicator (see data/raw/indicators.csv)",
                                 indicator_id)])
    table = parse_table(path, column=column, sheet=sheet)
    registry = Registry.from_raw(raw)
    boundary = boundary or registry.boundary_of([r.name for r in table.rows])
    matches = _match(table, registry, boundary)
    fmt, source_row = _number_format(table, source, raw, path)
    fact = {"indicator_id": indicator_id, "breakdown": breakdown, "boundary": boundary,
            "unit": indicators.loc[indicator_id, "unit"]}
    new, missing = _new_facts(table, matches, fmt, source, fact, id_prefix, path)
    add, diffs, same, restart = _against_held(new, raw, fact, path)
    rows = pd.DataFrame(add, columns=FACT_COLUMNS + ["_name", "_line"])
    if source_row is not None and rows.empty:
        source_row = None  # nothing to cite
    report = ImportReport(table, boundary, matches, rows[FACT_COLUMNS], same, diffs, missing,
                          sorted(registry.display.get((c, boundary), c) for c in restart
                                 if any(r["province_code"] == c for r in add)), source_row)
    _validate(rows, into, source_row, raw, load_raw, path, check_only=dry_run)
    report.written = not dry_run
    return report


def _check_request(path: Path, into: Path | None, raw: Path, id_prefix: str, dry_run: bool) -> Path | None:
    """The facts file to append to (a facts_<name>.csv in the raw folder; none for a dry run) and the id prefix."""
    if into is not None:
        into = Path(into)
        if into.parent.resolve() != raw.resolve() or not re.fullmatch(r"facts_[\w-]+\.csv", into.name):
            raise DataError([Problem(str(into), None, None, f"imported facts go to a facts_<name>.csv file in {raw}")])
    elif not dry_run:
        raise DataError([Problem(path.name, None, None, "give --into data/raw/facts_<name>.csv (or --dry-run)")])
    if not re.fullmatch(r"[A-Z][A-Z0-9]", id_prefix):
        raise DataError([Problem(path.name, None, "fact_id", "--id-prefix must be two capitals or a capital and a "
                                                             "digit (e.g. GT, L2)", id_prefix)])
    return into


def _number_format(table: Table, source: TableSource, raw: Path, path: Path) -> tuple[str, dict | None]:
    """The table's number format (a source held already keeps its own, unless the table's decimals contradict
    it) and the row of a new source (None for one held already)."""
    sources = pd.concat([_read(f) for f in sorted(raw.glob("sources_*.csv"))], ignore_index=True)
    cells = [c for r in table.rows for c in r.cells if not is_missing(c)]
    fmt = number_format(cells)
    if source.source_id not in set(sources["source_id"]):
        return fmt, _source_row(source, table, fmt, path)
    held_fmt = sources.set_index("source_id").loc[source.source_id, "number_format"] or fmt
    decimals = {c: rf"-?\d+{re.escape(language(c)['decimal'])}\d+" for c in LANGS}
    if held_fmt != fmt and any(re.fullmatch(decimals[fmt], c) for c in cells):
        raise DataError([Problem(path.name, None, "number_format",
                                 f"the table writes numbers in {fmt} format but source {source.source_id!r} "
                                 f"says {held_fmt}: give a new --source-id for this export")])
    return held_fmt, None


def table_numbers(table: Table, matches: list, fmt: str, path: Path) -> tuple[list[tuple], int]:
    """(match, row, column, cell as written, value) for every figure of a row matched to a province or the country,
    and how many cells of those rows are missing; DataError naming every cell, of any row, that is not a number."""
    problems, out, missing = [], [], 0
    for m, r in zip(matches, table.rows):
        for col, cell in zip(table.columns, r.cells):
            if is_missing(cell):
                missing += m.code is not None
                continue
            try:
                value = parse_number(cell, fmt)
            except ValueError:
                problems.append(Problem(path.name, r.line, col.label, f"not a number in {fmt} format (row "
                                                                      f"“{r.name}”)", cell))
                continue
            if m.code is not None:
                out.append((m, r, col, cell, value))
    if problems:
        raise DataError(problems)
    return out, missing


def _new_facts(table: Table, matches: list, fmt: str, source: TableSource, fact: dict, id_prefix: str,
               path: Path) -> tuple[list[dict], int]:
    """One fact per cell of a matched row, and how many cells of matched rows are missing; DataError naming every
    cell that is not a number."""
    base = source.table_code and f"table {source.table_code}" or f"file “{path.name}”"
    numbers, missing = table_numbers(table, matches, fmt, path)
    new = [{"fact_id": f"{id_prefix}-{m.code}-{col.year}", "province_code": m.code, "boundary": fact["boundary"],
            "indicator_id": fact["indicator_id"], "breakdown": fact["breakdown"], "kind": "observation",
            "period": str(col.year), "value": _plain(value), "unit": fact["unit"], "comparator": "",
            "baseline_year": "", "tracked_by": "", "source_id": source.source_id, "cited_source_id": "",
            "locator": f"{base}; row “{r.name}”, column “{col.label}”", "as_written": cell,
            "flags": "preliminary" if col.preliminary else "", "scope_note": "", "_name": r.name, "_line": r.line}
           for m, r, col, cell, value in numbers]
    return new, missing


def _against_held(new: list[dict], raw: Path, fact: dict, path: Path) -> tuple[list[dict], list, int, set]:
    """The new facts against those held: the ones to add, the figures that differ, how many are held already,
    and the provinces whose series restarts (its first added figure flagged definition_break); DataError for a
    fact id already taken."""
    held = pd.concat([_read(f).assign(_file=f.name) for f in sorted(raw.glob("facts_*.csv"))], ignore_index=True)
    obs = held[(held["indicator_id"] == fact["indicator_id"]) & (held["kind"] == "observation")
               & (held["breakdown"] == fact["breakdown"]) & (held["boundary"] == fact["boundary"])]
    index: dict[tuple, list] = {}
    for _, r in obs.iterrows():  # a year may be held in several vintages (a newer one flagged definition_break)
        index.setdefault((r["province_code"], r["period"]), []).append(r)
    taken = dict(zip(held["fact_id"], held["_file"]))
    add, diffs, same, restart = [], [], 0, set()
    for row in new:
        hs = index.get((row["province_code"], row["period"]))
        if not hs:
            add.append(row)
            continue
        v_new = float(row["value"])
        if any(abs(float(h["value"]) - v_new) <= 1e-9 * max(1.0, abs(v_new)) for h in hs):
            same += 1  # the figure is held already, in one of its vintages
        else:
            h = sorted(hs, key=lambda h: "definition_break" in str(h.get("flags") or ""))[-1]  # the newest vintage
            diffs.append(Difference(row["_name"], row["province_code"], int(row["period"]), float(h["value"]),
                                    h["fact_id"], h["_file"], v_new, row["as_written"]))
            restart.add(row["province_code"])
    for code in restart:
        rows = [r for r in add if r["province_code"] == code]
        if rows:
            first = min(rows, key=lambda r: r["period"])
            first["flags"] = ";".join(f for f in (first["flags"], "definition_break") if f)
    clash = [Problem(path.name, r["_line"], "fact_id", f"fact id already used in {taken[r['fact_id']]}: choose "
                                                       "another --id-prefix", r["fact_id"])
             for r in add if r["fact_id"] in taken]
    if clash:
        raise DataError(clash)
    return add, diffs, same, restart


def _validate(rows: pd.DataFrame, into: Path | None, source_row: dict | None, raw: Path, load_raw, path: Path,
              check_only: bool) -> None:
    """Check the new rows with every raw table in a copy of the raw folder; then (unless check_only) append."""
    if rows.empty:
        return
    name = into.name if into is not None else "facts_import_dry_run.csv"
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "raw"
        shutil.copytree(raw, trial)
        before = len(_read(trial / name)) if (trial / name).exists() else 0
        _append(trial / name, rows, FACT_COLUMNS)
        if source_row is not None:
            _append(trial / SOURCES_FILE, pd.DataFrame([source_row]), SOURCE_COLUMNS)
        try:
            load_raw(trial)
        except DataError as e:
            mapped = []
            for p in e.problems:
                if p.file == name and p.line is not None and p.line - 2 >= before:
                    r = rows.iloc[p.line - 2 - before]
                    mapped.append(Problem(path.name, int(r["_line"]), p.column,
                                          f"{p.message} (row “{r['_name']}”, period {r['period']})", p.value))
                else:
                    mapped.append(p)
            raise DataError(mapped) from None
    if check_only:
        return
    _append(into, rows, FACT_COLUMNS)
    if source_row is not None:
        _append(raw / SOURCES_FILE, pd.DataFrame([source_row]), SOURCE_COLUMNS)


def _source_row(s: TableSource, table: Table, fmt: str, path: Path) -> dict:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", s.source_id or ""):
        raise DataError([Problem(path.name, None, "source_id", "--source-id must be lower-case letters, digits, "
                                                               "'-' or '_' (e.g. gso-yb-2024-e0246)", s.source_id)])
    title = s.title or table.title
    if not title:
        raise DataError([Problem(path.name, None, "source_id", f"source {s.source_id!r} is new and the table has no "
                                                               "title line: give --title")])
    head = ", ".join(p for p in (s.edition, s.table_code) if p)
    full = f"{head}: {title}" if head else title
    vi = bool(re.search(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[àáảãạ]", table.title + " ".join(c.label for c in table.columns)))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    notes = " ".join(p for p in (f"Edition: {s.edition}." if s.edition else "",
                                 f"Table: {s.table_code}." if s.table_code else "",
                                 f"Imported with analysis import-table from {path.name} (sha256 {digest}…); "
                                 "figures as written in the export.") if p)
    unknown = ";".join(k for k, v in (("issuer_author", s.publisher), ("date", s.date), ("publisher", s.publisher),
                                      ("url", s.url), ("licence", s.licence)) if not v)
    return {"source_id": s.source_id, "type": "statistical_table", "issuer_author": s.publisher, "title": full,
            "date": s.date, "publisher": s.publisher, "url": s.url, "seed_file": "", "licence": s.licence,
            "language": "vi" if vi else "en", "number_format": fmt, "cited_via": "", "unknown": unknown,
            "notes": notes}
