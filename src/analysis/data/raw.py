"""Read the raw tables as text, exactly as written, remembering each row's line number.

Files are read as people save them: a UTF-8 byte-order mark (Excel's "CSV UTF-8") and CRLF or CR line ends are
accepted. What cannot be read is one problem naming the file and line: bytes that are not UTF-8, a quote left
open, a row with the wrong number of fields, or a last line without its line break (a file cut short).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import yaml

from analysis.errors import DataError, Problem

LINE = "_line"  # column holding the 1-based line number of the row in its file (header = line 1)


def read_text(path: Path) -> str:
    """The file's text (UTF-8, a byte-order mark dropped); DataError naming file and line if it is not UTF-8."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise DataError([Problem(Path(path).name, line, None,
                                 f"not UTF-8 (byte {data[e.start:e.start + 1]!r} at offset {e.start}); save the "
                                 "file as UTF-8 (in Excel: CSV UTF-8)")]) from None


def read_yaml(path: Path) -> object:
    """A YAML file's content; DataError naming file and line if it is not UTF-8 or not valid YAML."""
    try:
        return yaml.safe_load(read_text(path))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        what = " ".join(str(getattr(e, "problem", None) or e).split())
        raise DataError([Problem(Path(path).name, mark.line + 1 if mark else None, None,
                                 f"not valid YAML: {what}" + (f" (column {mark.column + 1})" if mark else ""))]
                        ) from None


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as a string (empty cells stay ''), plus a ``_line`` column.

    Rows with the wrong number of fields are reported, never silently padded or dropped; so are a quote left
    open at the end of the file and a last line without a line break (the file may have been cut short).
    """
    path = Path(path)
    text = read_text(path)
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError([Problem(path.name, 1, None, "file is empty (no header row)")]) from None
    except csv.Error as e:
        raise DataError([Problem(path.name, 1, None, f"header cannot be read as CSV ({e})")]) from None
    rows, lines = [], []
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            problems.append(Problem(path.name, start, None,
                                    f"row cannot be read as CSV ({e}): a quote left open? is the file cut short?"))
            break
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(path.name, line, None,
                                    f"row has {len(row)} fields, header has {len(header)} "
                                    "(a comma inside an unquoted field, or a stray quote?)"))
            continue
        rows.append([cell.strip() for cell in row])
        lines.append(line)
    if not problems and text and not text.endswith(("\n", "\r")):
        problems.append(Problem(path.name, reader.line_num, None,
                                "the last line has no line break at its end: the file may be cut short; if its "
                                "last row is complete, add a line break after it"))
    if problems:
        raise DataError(problems)
    df = pd.DataFrame(rows, columns=header, dtype="str")
    df[LINE] = pd.Series(lines, dtype="int64")
    return df
