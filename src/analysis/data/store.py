"""Reading the processed tables, light enough for every later stage (the report's kernels, the site) to import
without the data stage's validation and building code: ``load_processed`` (checked against metadata.json and
the manifest), the data version and a source's citation year."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.catalogue import msg
from analysis.data.manifest import ProcessedDataError, make_command, verify_table


def data_version(raw_dir: Path) -> str:
    """Content hash of every file in data/raw (first 12 hex digits)."""
    h = hashlib.sha256()
    for p in sorted(raw_dir.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(raw_dir).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


# statistical tables and datasets compiled from many yearly editions: cited "(various years)" when undated
MULTI_EDITION_TYPES = ("statistical_table", "dataset")


def source_year(record) -> str:
    """A source's year as citations print it: 'YYYY' from its date, 'various' for an undated table or dataset
    compiled from many editions (e.g. the GSO yearbook series), '' when the year is unknown."""
    date = record.get("date") if hasattr(record, "get") else None
    date = date if isinstance(date, str) else ""
    if len(date) >= 4 and date[:4].isdigit():
        return date[:4]
    return "various" if record.get("type") in MULTI_EDITION_TYPES else ""


def year_words(record, lang: str) -> str:
    """:func:`source_year` in a reader's words: 'nhiều năm' / 'various years', 'không rõ năm' / 'n.d.'."""
    year = source_year(record)
    return {"various": msg("citation_various_years", lang), "": msg("citation_no_year", lang)}.get(year, year)


def full_citation(record, lang: str) -> str:
    """'Who (year). Title. Publisher.' of one source record, in ``lang`` (the processed table's ``citation`` column
    is the English one)."""
    text = {k: record.get(k).strip() if isinstance(record.get(k), str) else "" for k in
            ("issuer_author", "publisher", "title")}
    who = text["issuer_author"] or text["publisher"] or msg("citation_unknown_author", lang)
    return (f"{who} ({year_words(record, lang)}). {text['title'] or msg('citation_untitled', lang)}."
            + (f" {text['publisher']}." if text["publisher"] and text["publisher"] != who else ""))


# tables read and checked, by file and version (with the manifest's and metadata's): a warm kernel runs many
# notebooks that read the same tables, and resets its caches between them, but not this one
_READ: dict[str, tuple[tuple, pd.DataFrame]] = {}


def _version(*paths: Path) -> tuple:
    out = []
    for p in paths:
        try:
            st = p.stat()
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def _own_copy(df: pd.DataFrame) -> pd.DataFrame:
    """A copy that shares the data (copy-on-write: a change to it copies what it changes) and has its own index
    and column labels, so nothing a caller does to it reaches the cached table."""
    out = df.copy(deep=False)
    out.index, out.columns = df.index.copy(), df.columns.copy()
    return out


def load_processed(name: str, processed_dir: Path | None = None) -> pd.DataFrame:
    """Read one processed table with codes kept as text; checks its columns against metadata.json. A table read
    before and unchanged since (the file, the manifest and metadata.json) is not read or checked again."""
    folder = Path(processed_dir or config.processed_dir())
    path = folder / f"{name}.csv"
    if not path.exists():
        raise ProcessedDataError(f"{path} is missing: run `{make_command(name)}` first")
    version = _version(path, folder / "metadata.json", folder / "manifest.json")
    hit = _READ.get(str(path.resolve()))
    if hit is not None and hit[0] == version:
        return _own_copy(hit[1])
    df = _read_checked(name, folder, path)
    _READ[str(path.resolve())] = (version, df)
    return _own_copy(df)


def _read_checked(name: str, folder: Path, path: Path) -> pd.DataFrame:
    text = {c: str for c in ("province_code", "successor_code", "old_code", "new_code", "years", "values",
                              "observation_ids", "period", "breakdown", "flags", "tracked_by")}
    try:
        df = pd.read_csv(path, dtype=text, keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as e:
        raise ProcessedDataError(f"{path} cannot be read as CSV ({type(e).__name__}: {e}); "
                                 f"rebuild it with `{make_command(name)}`") from None
    meta_path = folder / "metadata.json"
    if meta_path.exists():
        try:
            expected = json.loads(meta_path.read_text(encoding="utf-8"))["tables"][name]["columns"]
        except (KeyError, json.JSONDecodeError):
            expected = []
        missing = [c for c in expected if c not in df.columns]
        if missing:
            raise ProcessedDataError(f"{path} is corrupt: columns {missing} are missing (metadata.json lists "
                                     f"them); rebuild it with `{make_command(name)}`")
    verify_table(name, folder, rows=len(df))
    return df
