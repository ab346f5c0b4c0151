"""From reviewed candidates to facts: append the rows a person accepted to a facts file in ``data/raw``.

The reviewed CSV is the output of ``analysis extract`` with its ``accept`` column filled in (``y``, ``yes``,
``x``, ``1``, ``có``). Accepted rows get fresh fact ids, are checked together with every existing raw
table by the same validation as ``make data`` (pandera schemas, locators, sources), and only then appended.
Nothing is overwritten: an existing row is never changed, and a failed check writes nothing.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data.extract import FACT_COLUMNS
from analysis.data.raw import LINE, read_csv_text
from analysis.data.validate import load_raw
from analysis.errors import DataError, Problem

YES = {"y", "yes", "x", "1", "true", "có", "co", "c", "ok"}
SOURCE_COLUMNS = ["source_id", "type", "issuer_author", "title", "date", "publisher", "url", "seed_file", "licence",
                  "language", "number_format", "cited_via", "unknown", "notes", "notes_vi"]


# what makes two facts the same figure: accepting the same review twice adds nothing
SAME_FACT = ["source_id", "province_code", "boundary", "indicator_id", "breakdown", "kind", "period", "value", "unit",
             "locator", "as_written"]
# what a given --title, --url, … must agree with when --source-id names a source already in data/raw
SOURCE_FLAGS = {"title": "--title", "url": "--url", "date": "--date", "publisher": "--publisher",
                "issuer_author": "--author"}


class Accepted(list):
    """The new fact ids; ``skipped`` lists (review line, existing fact id) of accepted rows already in data/raw."""

    def __init__(self, ids: list[str], skipped: list[tuple[int, str]]):
        super().__init__(ids)
        self.skipped = skipped


@dataclass
class NewSource:
    source_id: str
    title: str
    type: str = "report"
    url: str = ""
    date: str = ""
    publisher: str = ""
    issuer_author: str = ""


def _read(path: Path) -> pd.DataFrame:
    """A review or raw table as text with its ``_line`` (BOM and CRLF accepted; a malformed file is a DataError
    naming file and line)."""
    return read_csv_text(path)


def _same(value: object) -> str:
    text = " ".join(str(value).split())
    try:
        return f"{float(text):g}"
    except ValueError:
        return text.casefold()


def _fact_keys(df: pd.DataFrame) -> list[tuple]:
    cols = [c for c in SAME_FACT if c in df.columns]
    return list(zip(*(df[c].map(_same) for c in cols))) if len(df) else []


def _existing_facts(raw: Path) -> dict[tuple, str]:
    """Every fact in the raw folder by its content (``SAME_FACT``), with its id."""
    out: dict[tuple, str] = {}
    for f in sorted(raw.glob("facts_*.csv")):
        d = _read(f)
        if set(SAME_FACT) <= set(d.columns):
            out.update(zip(_fact_keys(d[SAME_FACT]), d["fact_id"]))
    return out


def _check_existing_source(source: NewSource, raw: Path) -> list[Problem]:
    """A --title, --url, … that contradicts the source already filed under ``source.source_id``."""
    problems = []
    for f in sorted(raw.glob("sources_*.csv")):
        d = _read(f)
        for _, row in d[d["source_id"] == source.source_id].iterrows():
            for field, flag in SOURCE_FLAGS.items():
                given, have = getattr(source, field), row.get(field, "")
                if field == "date":  # '2023' agrees with '2023-07': only a different date contradicts
                    agree = _same(given).startswith(_same(have)) or _same(have).startswith(_same(given))
                else:
                    agree = _same(given) == _same(have)
                if given and field in d.columns and not agree:
                    problems.append(Problem(f.name, int(row[LINE]), field,
                                            f"source {source.source_id!r} already exists with {field} "
                                            f"{row[field]!r}, but {flag} says {given!r}: give a new --source-id for "
                                            f"another document, or leave {flag} out to file the facts under it"))
    return problems


def _next_ids(prefix: str, n: int, raw: Path) -> list[str]:
    used = set()
    for f in raw.glob("facts_*.csv"):
        used |= set(_read(f)["fact_id"])
    nums = [int(m.group(1)) for i in used if (m := re.fullmatch(rf"{prefix}-E(\d{{3}})", i))]
    start = max(nums, default=0) + 1
    if start + n - 1 > 999:
        raise DataError([Problem(prefix, None, "fact_id", f"no free ids left under {prefix}-E001…{prefix}-E999")])
    return [f"{prefix}-E{start + k:03d}" for k in range(n)]


def _append(path: Path, rows: pd.DataFrame, columns: list[str]) -> None:
    exists = path.exists() and path.stat().st_size > 0
    header = [c for c in _read(path).columns if c != LINE] if exists else columns
    newline = "\r\n" if exists and b"\r\n" in path.read_bytes()[:4096] else "\n"
    if exists and not path.read_bytes().endswith(b"\n"):
        with path.open("a", encoding="utf-8", newline="") as f:
            f.write(newline)
    with path.open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator=newline)
        if not exists:
            w.writerow(header)
        for _, r in rows.iterrows():
            w.writerow([r.get(c, "") for c in header])


def accept(review: Path, into: Path, id_prefix: str, source: NewSource | None = None,
           raw_dir: Path | None = None) -> Accepted:
    """Append the accepted rows of ``review`` to ``into`` (a ``facts_*.csv`` in the raw folder).

    Returns the new fact ids (an accepted row already in data/raw, same figure from the same source and place,
    is not appended again: it is listed in ``skipped``). Raises DataError (naming the review file, its row and
    field) and writes nothing when a row is incomplete or fails validation, or when ``source`` names an existing
    source with another title, URL, date, publisher or author.
    """
    raw = Path(raw_dir) if raw_dir else config.raw_dir()
    into = Path(into)
    if into.parent.resolve() != raw.resolve() or not re.fullmatch(r"facts_[\w-]+\.csv", into.name):
        raise DataError([Problem(str(into), None, None,
                                 f"accepted facts go to a facts_<name>.csv file in {raw}")])
    if not re.fullmatch(r"[A-Z]{2}", id_prefix):
        raise DataError([Problem(str(review), None, "fact_id", "--id-prefix must be two capital letters (e.g. HB)",
                                 id_prefix)])
    take = _accepted_rows(review, source)
    known = set()
    for f in raw.glob("sources_*.csv"):
        known |= set(_read(f)["source_id"])
    if source is not None and source.source_id in known:
        problems = _check_existing_source(source, raw)
        if problems:
            raise DataError(problems)
    take, skipped = _not_held(take, raw, review)
    if take.empty:
        return Accepted([], skipped)
    take["fact_id"] = _next_ids(id_prefix, len(take), raw)
    new_sources = _new_source(source, known, review)
    _check_and_append(take, new_sources, into, raw, review)
    return Accepted(list(take["fact_id"]), skipped)


def _accepted_rows(review: Path, source: NewSource | None) -> pd.DataFrame:
    """The rows of the review marked accepted, complete and with a source (``source`` overrides theirs);
    DataError naming each row and field that is not."""
    df = _read(review)
    missing = [c for c in ["accept"] + FACT_COLUMNS if c not in df.columns and c != "fact_id"]
    if missing:
        raise DataError([Problem(review.name, 1, None, f"not a review file from analysis extract: missing {missing}")])
    take = df[df["accept"].str.strip().str.lower().isin(YES)].copy()
    if take.empty:
        raise DataError([Problem(review.name, None, "accept", "no row is accepted (put y in the accept column)")])
    problems = []
    for _, r in take.iterrows():
        for col in ("province_code", "boundary", "indicator_id", "kind", "period", "value", "unit", "locator",
                    "as_written"):
            if not str(r[col]).strip():
                problems.append(Problem(review.name, int(r["_line"]), col, "accepted row has no value here"))
    if source is not None:
        take["source_id"] = source.source_id
    empty_src = take["source_id"].str.strip() == ""
    for line in take.loc[empty_src, "_line"]:
        problems.append(Problem(review.name, int(line), "source_id", "no source id (give --source-id)"))
    if problems:
        raise DataError(problems)
    take["value"] = take["value"].map(lambda v: f"{float(v):g}" if re.fullmatch(r"-?\d+(\.\d+)?", str(v)) else v)
    return take


def _not_held(take: pd.DataFrame, raw: Path, review: Path) -> tuple[pd.DataFrame, list]:
    """The accepted rows not held in data/raw already (nor twice in the review), and the (line, where held) of
    those left out."""
    existing, skipped, keep = _existing_facts(raw), [], []
    for (_, r), key in zip(take.iterrows(), _fact_keys(take[SAME_FACT])):
        if key in existing:
            skipped.append((int(r["_line"]), existing[key]))
        keep.append(key not in existing)
        existing.setdefault(key, f"{review.name}:{int(r['_line'])}")  # the same row twice in one review
    return take[keep].copy(), skipped


def _new_source(source: NewSource | None, known: set, review: Path) -> pd.DataFrame:
    """The row of a source that is new to data/raw (none for a known one or none given)."""
    if source is None or source.source_id in known:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    if not source.title:
        raise DataError([Problem(review.name, None, "source_id",
                                 f"source {source.source_id!r} is new: give its --title (and --url, --date)")])
    unknown = ";".join(k for k, v in (("issuer_author", source.issuer_author), ("date", source.date),
                                       ("publisher", source.publisher), ("url", source.url),
                                       ("licence", "")) if not v)
    return pd.DataFrame([{
        "source_id": source.source_id, "type": source.type, "issuer_author": source.issuer_author,
        "title": source.title, "date": source.date, "publisher": source.publisher, "url": source.url,
        "seed_file": "", "licence": "", "language": "vi", "number_format": "vi", "cited_via": "",
        "unknown": unknown, "notes": f"Facts extracted with analysis extract from {review.name} and reviewed."}])


def _check_and_append(take: pd.DataFrame, new_sources: pd.DataFrame, into: Path, raw: Path, review: Path) -> None:
    """Check everything together in a copy of the raw folder (problems named by the review's rows); write only if
    it passes."""
    sources_file = raw / "sources_extracted.csv"
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "raw"
        shutil.copytree(raw, trial)
        _append(trial / into.name, take, FACT_COLUMNS)
        if not new_sources.empty:
            _append(trial / sources_file.name, new_sources, SOURCE_COLUMNS)
        before = len(_read(into)) if into.exists() else 0
        try:
            load_raw(trial)
        except DataError as e:
            mapped = []
            for p in e.problems:
                if p.file == into.name and p.line is not None and p.line - 2 >= before:
                    row = take.iloc[p.line - 2 - before]
                    mapped.append(Problem(review.name, int(row["_line"]), p.column, p.message, p.value))
                else:
                    mapped.append(p)
            raise DataError(mapped) from None
    _append(into, take, FACT_COLUMNS)
    if not new_sources.empty:
        _append(sources_file, new_sources, SOURCE_COLUMNS)
