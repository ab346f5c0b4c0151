"""CSV files written for readers (figure and table files, data downloads): UTF-8 with a byte-order mark.

Excel opens a CSV without a BOM in the system's code page, which under a Vietnamese Windows locale turns every
accented letter into mojibake; with the BOM it reads UTF-8. pandas, Python's ``utf-8-sig`` codec and LibreOffice
read such files as they are. Tables the pipeline reads back (``data/processed``, ``data/raw``) are not written here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ENCODING = "utf-8-sig"


def write_reader_csv(df: pd.DataFrame, path: Path) -> Path:
    """``df`` as a CSV for readers at ``path`` (no index, UTF-8 with BOM)."""
    df.to_csv(path, index=False, encoding=ENCODING)
    return Path(path)
