"""CSV and Excel files written for readers (figure and table files, data downloads).

CSV: UTF-8 with a byte-order mark.

Excel opens a CSV without a BOM in the system's code page, which under a Vietnamese Windows locale turns every
accented letter into mojibake; with the BOM it reads UTF-8. pandas, Python's ``utf-8-sig`` codec and LibreOffice
read such files as they are. Tables the pipeline reads back (``data/processed``, ``data/raw``) are not written here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side

ENCODING = "utf-8-sig"


def write_reader_csv(df: pd.DataFrame, path: Path) -> Path:
    """``df`` as a CSV for readers at ``path`` (no index, UTF-8 with BOM)."""
    df.to_csv(path, index=False, encoding=ENCODING)
    return Path(path)


_HEADER = {"font": Font(bold=True), "alignment": Alignment(horizontal="center", vertical="top"),
           "border": Border(*(Side(style="thin"),) * 4)}


def write_reader_xlsx(df: pd.DataFrame, path: Path, sheet: str = "Sheet1") -> Path:
    """``df`` as an Excel workbook at ``path``: what ``df.to_excel(path, index=False)`` writes (bold, boxed
    header; a missing value is an empty cell), streamed row by row (openpyxl's write-only mode: about twice as
    fast on the facts table, which the data downloads write on every cold build)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    header = []
    for name in df.columns:
        cell = WriteOnlyCell(ws, value=str(name))
        cell.font, cell.alignment, cell.border = _HEADER["font"], _HEADER["alignment"], _HEADER["border"]
        header.append(cell)
    ws.append(header)
    values = df.astype(object).where(df.notna(), None)
    for row in values.itertuples(index=False, name=None):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    wb.save(path)
    return Path(path)
