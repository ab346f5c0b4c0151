"""Read a wide province-by-year table (a GSO PX-Web export as CSV or XLSX, or any such sheet) into cells.

PX-Web exports put a title line on top, then a header row whose first cell names the stub ("Cities, provincies",
"Tỉnh, thành phố") and whose other cells are years ("2015", "Prel. 2016", "Sơ bộ 2024"; a multi-item table writes
"2011 Area (Km2)"), then one row per province, region or the whole country. CSVs are often semicolon-separated and
quoted, UTF-8 with a byte-order mark. A sheet with the years down the first column and the provinces across is
read the same way (transposed). Nothing here knows about provinces or facts: see ``analysis.data.import_table``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import DataError, Problem

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
PRELIMINARY = re.compile(r"\b(prel\.?|pre\.|preliminary|sơ\s*bộ|so\s*bo|ước\s*tính|uoc\s*tinh|est\.?|estimate)(?=\W|$)",
                         re.IGNORECASE)
SCHOOL_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)\d{2})(?!\d)")
MISSING = {"", "..", "...", "…", "-", "–", "—", ":", "n/a", "na", "x"}


@dataclass
class Column:
    """One year column of the table: its label as written, the year, the item it belongs to, preliminary or not."""

    index: int
    label: str
    year: int
    item: str
    preliminary: bool


@dataclass
class StubRow:
    """One row of the table: the name as written in the first cell, its line in the file, its cells."""

    line: int
    name: str
    cells: list[str]


@dataclass
class Table:
    """A wide table as read: title lines, the year columns (after any item selection), the rows."""

    path: Path
    title: str
    stub_label: str
    columns: list[Column]
    rows: list[StubRow]
    ignored_columns: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    transposed: bool = False

    @property
    def line_word(self) -> str:
        """'line' in a CSV, 'row' in a sheet (for messages naming where a cell is)."""
        return "row" if self.path.suffix.lower() in (".xlsx", ".xlsm") else "line"


def fold(text: str) -> str:
    """Lower case, Vietnamese letters folded to ASCII ('Đắk Lắk' -> 'dak lak'), runs of space made one."""
    s = unicodedata.normalize("NFKD", str(text).replace("Đ", "D").replace("đ", "d"))
    s = s.encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", s).strip()


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")  # Vietnamese Windows code page, as older exports write
    except UnicodeDecodeError:
        raise DataError([Problem(path.name, None, None, "not a text file in UTF-8, UTF-16 or Windows-1258; "
                                                        "export the table again as CSV (UTF-8) or XLSX")]) from None


def _delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()][:40]
    best, score = ",", -1
    for d in (";", "\t", ","):
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines]
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        common = max(set(multi), key=multi.count)
        s = multi.count(common) * common
        if s > score:
            best, score = d, s
    return best


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)[:-2] if repr(v).endswith(".0") else repr(v)
    return str(v)


def read_grid(path: Path, sheet: str | None = None) -> list[list[str]]:
    """Every row of the file as a list of stripped strings (CSV of any common delimiter, or an XLSX sheet)."""
    path = Path(path)
    if not path.exists():
        raise DataError([Problem(path.name, None, None, "file not found", str(path))])
    data = path.read_bytes()
    if not data.strip():
        raise DataError([Problem(path.name, None, None, "file is empty")])
    if data[:4] == b"PK\x03\x04":
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if sheet is not None and sheet not in wb.sheetnames:
            raise DataError([Problem(path.name, None, None, f"no sheet {sheet!r}; sheets: {wb.sheetnames}")])
        ws = wb[sheet] if sheet else wb.worksheets[0]
        return [[_cell_text(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    if b"\x00" in data[:2048] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError([Problem(path.name, None, None, "binary file: give a CSV or XLSX export of the table")])
    text = _decode(path, data)
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text))]


def _label_year(label: str) -> tuple[int, str, bool] | None:
    span = SCHOOL_YEAR.search(label)
    if span and int(span.group(2)) == int(span.group(1)) + 1:  # a school year ("2014-2015") is read as its end
        label = label[:span.start()] + span.group(2) + label[span.end():]
    years = YEAR.findall(label)
    if len(years) != 1:
        return None
    prel = bool(PRELIMINARY.search(label))
    item = PRELIMINARY.sub(" ", YEAR.sub(" ", label))
    item = re.sub(r"\(\*+\)|\*+|\(\d\)$", " ", item)  # footnote markers
    item = re.sub(r"\s+", " ", item).strip(" ,;:-")
    if fold(item) in ("total", "tong so", "year", "nam", ""):
        item = ""
    return int(years[0]), item, prel


def _header_index(grid: list[list[str]]) -> int | None:
    for i, row in enumerate(grid[:30]):
        labels = [c for c in row[1:] if c]
        if len(labels) >= 1 and sum(_label_year(c) is not None for c in labels) >= max(1, len(labels) // 2) \
                and not YEAR.fullmatch(row[0] or "x"):
            return i
    return None


def parse_table(path: Path, column: str | None = None, sheet: str | None = None) -> Table:
    """The table in ``path`` with its year columns; ``column`` picks one item of a multi-item table (the item
    of exactly that name, else every item whose name contains it).

    Raises DataError (naming the file) when no header row with years is found, or when the table holds several
    items (e.g. area, population and density) and ``column`` does not pick exactly one.
    """
    path = Path(path)
    grid = read_grid(path, sheet)
    lines = list(range(1, len(grid) + 1))  # line (CSV) or row (sheet) of each grid row
    transposed = False
    h = _header_index(grid)
    if h is None:  # years down the first column, provinces across: transpose
        first = next((i for i, r in enumerate(grid) if r and _label_year(r[0] or "")), None)
        if first:
            width = max(len(r) for r in grid[first - 1:])
            body = [r + [""] * (width - len(r)) for r in grid[first - 1:]]
            title_rows = grid[:first - 1]
            grid = title_rows + [list(col) for col in zip(*body)]
            lines = lines[:first - 1] + [first] * width  # each province sits in the header row of the sheet
            transposed = True
            h = _header_index(grid)
    if h is None:
        raise DataError([Problem(path.name, None, None, "no header row with years found (expected a first column "
                                                        "of provinces and year columns such as 2015, 'Prel. 2016', "
                                                        "'Sơ bộ 2024')")])
    title = " ".join(" ".join(c for c in r if c) for r in grid[:h]).strip()
    header = grid[h]
    cols, ignored = [], []
    for j, label in enumerate(header[1:], start=1):
        parsed = _label_year(label) if label else None
        if parsed is None:
            if label:
                ignored.append(label)
            continue
        cols.append(Column(j, label, parsed[0], parsed[1], parsed[2]))
    items = sorted({c.item for c in cols})
    if column is not None:
        exact = [c for c in cols if fold(c.item) == fold(column)]  # 'Hospital' is not 'Sanatorium ... hospital'
        cols = exact or [c for c in cols if fold(column) in fold(c.item)]
        if not cols:
            raise DataError([Problem(path.name, lines[h], None, f"no year column for the item {column!r}; items in "
                                                                f"the table: {items}")])
    elif len(items) > 1:
        raise DataError([Problem(path.name, lines[h], None, "the table holds several items; pick one with --column: "
                                 + "; ".join(repr(i) for i in items))])
    seen: dict[int, str] = {}
    for c in cols:
        if c.year in seen:
            raise DataError([Problem(path.name, lines[h], c.label, f"year {c.year} appears twice (also in "
                                     f"{seen[c.year]!r}): pick one item with --column")])
        seen[c.year] = c.label
    rows, again = [], [c.strip() for c in header]
    for i in range(h + 1, len(grid)):
        r = grid[i]
        if not r or not any(r) or [c.strip() for c in r] == again:
            continue  # an empty row, or the header repeated (as files pasted together or re-saved carry it)
        rows.append(StubRow(lines[i], r[0], [r[c.index] if c.index < len(r) else "" for c in cols]))
    return Table(path, title, header[0], cols, rows, ignored, items, transposed)


def is_missing(cell: str) -> bool:
    """GSO's markers for no figure ('..', '-', '…', empty) and the like."""
    return cell.strip().lower() in MISSING


VI_EVIDENCE = re.compile(r"-?\d+,(\d{1,2}|\d{4,})|-?\d{1,3}(\.\d{3}){2,}(,\d+)?|-?\d{1,3}(\.\d{3})+,\d+")
EN_EVIDENCE = re.compile(r"-?\d+\.(\d{1,2}|\d{4,})|-?\d{1,3}(,\d{3}){2,}(\.\d+)?|-?\d{1,3}(,\d{3})+\.\d+")


def number_format(cells: list[str]) -> str:
    """'vi' when the figures are written the Vietnamese way (14,3; 1.105.280), else 'en' (14.3; 1,105,280).

    A cell such as '1,105' or '1.105' could be either; the other cells decide, and 'en' (PX-Web's English export,
    which writes no grouping) when none does."""
    vi = sum(1 for c in cells if VI_EVIDENCE.fullmatch(c.strip()))
    en = sum(1 for c in cells if EN_EVIDENCE.fullmatch(c.strip()))
    return "vi" if vi > en else "en"
