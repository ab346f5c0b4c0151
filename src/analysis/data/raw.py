"""Read the raw tables as text, exactly as written, remembering each row's line number."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from analysis.errors import DataError, Problem

LINE = "_line"  # column holding the 1-based line number of the row in its file (header = line 1)


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as a string (empty cells stay ''), plus a ``_line`` column.

    Rows with the wrong number of fields are reported, never silently padded or dropped.
    """
    problems: list[Problem] = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError([Problem(path.name, 1, None, "file is empty (no header row)")]) from None
        rows, lines = [], []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(Problem(path.name, line, None,
                                        f"row has {len(row)} fields, header has {len(header)} "
                                        "(a comma inside an unquoted field?)"))
                continue
            rows.append([cell.strip() for cell in row])
            lines.append(line)
    if problems:
        raise DataError(problems)
    df = pd.DataFrame(rows, columns=header, dtype="str")
    df[LINE] = pd.Series(lines, dtype="int64")
    return df
