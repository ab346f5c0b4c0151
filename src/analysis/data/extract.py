"""Candidate facts from a Vietnamese document: every figure with its span, line, period, kind and unit.

``extract_document(path)`` reads plain text, HTML, DOCX or a PDF with a text layer and returns one row per
figure in the columns of ``data/raw/facts_*.csv`` plus ``indicator_confidence``, ``context`` and an
empty ``accept`` column for review. Codes (``749/QĐ-TTg``, ``09-NQ/TU``), dates (also a day and month,
``ngày 18/4``), years, footnote markers, list numbers, page references, durations and ages are read as what they
are, never as figures. Multipliers scale a figure (``1,488 triệu hồ sơ`` = 1 488 000); a target cue makes targets
of the figures after it in its sentence, and a heading (``MỤC TIÊU ĐẾN NĂM 2025``) of the list under it; a
figure said again is one row. Nothing is written to ``data/raw`` here; ``analysis.data.curate.accept`` appends
reviewed rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from analysis.vinumbers import NUMBER, WORD_NUMBER, nfc, qualifier_before, read_digits, read_words

FACT_COLUMNS = ["fact_id", "province_code", "boundary", "indicator_id", "breakdown", "kind", "period", "value",
                "unit", "comparator", "baseline_year", "tracked_by", "source_id", "cited_source_id", "locator",
                "as_written", "flags", "scope_note"]
REVIEW_COLUMNS = ["accept"] + FACT_COLUMNS + ["indicator_confidence", "context"]


class ExtractError(ValueError):
    """A document that cannot be read as text (empty, binary, unknown encoding, no figures)."""


# ---------------------------------------------------------------- reading documents

def read_document(path: Path) -> list[str]:
    """The document's text as lines (1-based line numbers are list index + 1)."""
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise ExtractError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".docx" or data[:4] == b"PK\x03\x04":
        return _read_docx(path)
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return _read_pdf(path)
    text = _decode(path, data)
    if suffix in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html)", text[:500], re.IGNORECASE):
        return _html_lines(text)
    return [nfc(line).rstrip("\r") for line in text.split("\n")]


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ExtractError(f"{path}: this looks like a binary file, not a text document "
                           "(give a .txt, .html, .docx or a PDF with a text layer)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        from charset_normalizer import from_bytes

        guess = from_bytes(data).best()
        enc = guess.encoding if guess else "unknown"
        raise ExtractError(f"{path}: not UTF-8 (byte {e.start}: {data[e.start:e.start + 4]!r}; looks like {enc}). "
                           f"Convert it first, e.g. iconv -f {enc.upper().replace('_', '-')} -t UTF-8 "
                           f"{path.name} > {path.stem}.utf8{path.suffix}") from None


def _html_lines(text: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        tag.decompose()
    body = soup.find("article") or soup.body or soup
    lines = []
    for block in body.find_all(["h1", "h2", "h3", "h4", "p", "li", "td", "th", "blockquote", "figcaption"]):
        if block.find(["p", "li"]):  # a container: its children are read on their own
            continue
        t = " ".join(block.get_text(" ").split())
        if t:
            lines.append(nfc(t))
    return lines or [nfc(line) for line in body.get_text("\n").split("\n")]


def _read_docx(path: Path) -> list[str]:
    try:
        import docx
    except ImportError as e:  # pragma: no cover - installed from requirements.lock
        raise ExtractError("reading .docx needs python-docx (make venv installs it)") from e
    try:
        d = docx.Document(str(path))
    except Exception as e:  # noqa: BLE001 - the library raises several types for a bad file
        raise ExtractError(f"{path}: not a readable .docx file ({e})") from None
    lines = [nfc(p.text) for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.append(nfc(" | ".join(c.text.strip() for c in row.cells)))
    return lines


def _read_pdf(path: Path) -> list[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as e:  # noqa: BLE001
        raise ExtractError(f"{path}: not a readable PDF ({e})") from None
    if not text.strip():
        raise ExtractError(f"{path}: the PDF has no text layer (a scan?); run OCR first")
    return [nfc(line) for line in text.split("\n")]


# ---------------------------------------------------------------- what is not a figure

_CODE = re.compile(r"(?<![\w/])\d+(?:[/.-]\d+)*[/-]\s?(?:[A-ZĐ]{1,6}|[Qq]Đ|[Nn]Đ)[\w-]*(?:/[\w-]+)*")
_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?((?:19|20)\d{2})(?![\d])")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})", re.IGNORECASE)
_MONTH = re.compile(r"(?:tháng|Tháng)\s+(\d{1,2})\s?[/-]\s?((?:19|20)\d{2})")
# a day and month without a year ('ngày 18/4', 'từ 12/5 đến nay', '18/4, UBND tỉnh ban hành'): a date, not a figure
_DAY_MONTH = re.compile(r"(?<![\w/.,-])(\d{1,2})\s?([/.-])\s?(\d{1,2})(?![\w/]|[.,-]\d|\s?[/.-]\s?\d)")
_DAY_CUE = re.compile(r"(?:ngày|hôm|sáng|chiều|tối|trưa|đêm|từ|đến|tới|trước|sau|dịp|đầu|giữa|cuối)\s*$",
                      re.IGNORECASE)
# a month or quarter named by its number ('cuối tháng 5', 'quý 3')
_MONTH_NAME = re.compile(r"(?<!\w)(?:[Tt]háng|[Qq]uý)\s+(\d{1,2}|I{1,3}|IV)(?![\w/]|[.,]\d)")
_RANGE = re.compile(r"((?:19|20)\d{2})\s?[-–—]\s?((?:19|20)\d{2})")
_YEAR = re.compile(r"(?<![\d.,/-])((?:19|20)\d{2})(?!\d|,\d|\.\d)")
_FOOTNOTE = re.compile(r"(?<=\S)\(\d{1,3}\)|\[\d{1,3}\]|^\s*\(\d{1,3}\)")
_PAGE_REF = re.compile(r"(?:\btr\.|\bt\.|\btrang|\btập)\s?\d+(?:\s?[-–]\s?\d+)?", re.IGNORECASE)
_LIST_MARK = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)-]|[IVX]+[.)])\s|(?<=[:;.]\s)\d{1,2}-\s|(?<=[:;]\s)\d{1,2}[.)]\s")
_TIME = re.compile(r"\d{1,2}h\d{2}|\d{1,2}:\d{2}")
_DURATION = re.compile(r"^\s*(năm|tháng|ngày|giờ|phút|tuần|quý|nhiệm kỳ|tuổi)\b", re.IGNORECASE)
_NAMED_NUMBER = re.compile(r"(Đề án|Chỉ thị|Nghị quyết|Quyết định|Kế hoạch|Chương trình|Điều|khoản|Khoản|Chương|"
                           r"Phần|Mục|Phụ lục|phụ lục|Biểu|Bảng|Hình|lần thứ|khóa|khoá|Kỳ họp thứ|kỳ họp thứ|Hội nghị|Quốc lộ|QL|mức độ|cấp độ|"
                           r"(?:Nghị quyết|Quyết định|Chỉ thị|Kế hoạch|Thông tư|Nghị định|Luật|Công văn|Báo cáo|"
                           r"Kết luận|Chương trình|Đề án)\s+số)\s*$")
_BIBLIO = re.compile(r"\bNxb\b|Truy cập ngày|https?://|\bISBN\b|\bISSN\b", re.IGNORECASE)

# the word(s) after a figure -> unit; longest first
_UNIT_WORDS: list[tuple[str, str]] = sorted([
    ("%", "percent"), ("phần trăm", "percent"), ("tỷ đồng", "billion_vnd"), ("tỉ đồng", "billion_vnd"),
    ("triệu đồng", "million_vnd"), ("triệu USD", "million_usd"), ("tỷ USD", "billion_usd"),
    ("lượt học viên", "learner_turns"), ("lượt người", "learner_turns"), ("lượt cán bộ", "learner_turns"),
    ("lượt", "learner_turns"), ("người", "persons"), ("cán bộ", "persons"), ("công chức", "persons"),
    ("viên chức", "persons"), ("thành viên", "persons"), ("chuyên gia", "persons"), ("học viên", "persons"),
    ("sinh viên", "persons"), ("lao động", "persons"), ("đại biểu", "persons"), ("giảng viên", "persons"),
    ("thạc sĩ", "persons"), ("tiến sĩ", "persons"), ("kỹ sư", "persons"), ("Tổ", "teams"), ("tổ", "teams"),
    ("dịch vụ", "services"), ("DVCTT", "services"), ("văn bản", "documents"), ("tài khoản", "accounts"),
    ("lớp", "classes"), ("tổ chức", "organisations"), ("doanh nghiệp", "organisations"),
    ("cơ quan", "organisations"), ("đơn vị", "organisations"), ("hợp tác xã", "organisations"),
    ("thủ tục", "procedures"), ("TTHC", "procedures"), ("hồ sơ", "dossiers"), ("mục tiêu", "targets"),
    ("chỉ tiêu", "targets"), ("nhiệm vụ", "tasks"), ("cơ sở", "institutions"), ("trường", "institutions"),
    ("điểm", "score"), ("xã", "count"), ("thôn", "count"), ("huyện", "count"), ("tỉnh", "count"),
    ("nền tảng", "count"), ("hệ thống", "count"), ("cuộc", "count"), ("hội nghị", "count"),
], key=lambda kv: -len(kv[0]))
_UNIT_CAPTURE = re.compile(r"^\s*(" + "|".join(re.escape(w) for w, _ in _UNIT_WORDS) + r")(?![\wà-ỹ])")
_UNIT_OF = dict(_UNIT_WORDS)

# 'nghìn', 'triệu', 'tỷ' after a figure scale it ('1,488 triệu hồ sơ' = 1 488 000 dossiers; '2,5 nghìn tỷ đồng' =
# 2 500 billion VND); before 'đồng' or 'USD' the last of them is the currency unit ('13,8 tỷ đồng' = 13.8 billion_vnd)
_SCALE_OF = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
_SCALE_WORD = re.compile(r"^\s?(nghìn|ngàn|triệu|tỷ|tỉ)(?![\wà-ỹ])")
_CURRENCY_UNIT = re.compile(r"^\s?(?:nghìn|ngàn|triệu|tỷ|tỉ)\s+(?:đồng|USD|VNĐ|VND)(?!\w)")

_RANK_BEFORE = re.compile(r"(vị trí thứ|xếp thứ|đứng thứ|xếp hạng thứ|xếp hạng|hạng thứ|hạng|nhóm|top|tốp)\s*$",
                          re.IGNORECASE)
_RANK_WORDS = re.compile(r"(?<!\w)(?:đứng đầu|dẫn đầu|xếp thứ nhất|đứng thứ nhất|vị trí thứ nhất)(?= (?:cả nước|toàn quốc|"
                         r"trong|về|các tỉnh))", re.IGNORECASE)

_TARGET_CUES = re.compile(r"phấn đấu|mục tiêu|chỉ tiêu|định hướng|tầm nhìn|tối thiểu|ít nhất|duy trì|bảo đảm|"
                          r"đảm bảo|cần đạt|phải đạt|trở lên|đề ra|sẽ\b|kế hoạch", re.IGNORECASE)
# cues that make the figures after them targets (the weaker ones above only qualify a figure)
_GOVERNING_CUES = re.compile(r"phấn đấu|mục tiêu|chỉ tiêu|định hướng|tầm nhìn|cần đạt|phải đạt|đề ra|(?<!\w)sẽ(?!\w)",
                             re.IGNORECASE)
# an achieved figure set against its target: 'đạt 63,47% (mục tiêu 70%)', '..., trong khi mục tiêu là 50%'
_VERSUS_TARGET = re.compile(r"\(\s*(?:so với\s+)?(?:mục tiêu|chỉ tiêu|kế hoạch)|trong khi|"
                            r"so với\s+(?:mục tiêu|chỉ tiêu|kế hoạch)", re.IGNORECASE)
_CONTRAST = re.compile(r"trong khi|(?<!\w)nhưng(?!\w)|tuy nhiên|(?<!\w)song(?!\w)", re.IGNORECASE)
_OBS_CUES = re.compile(r"(?<!\w)đã(?!\w)|hiện có|hiện nay|đạt được|tính đến|thực hiện được|toàn tỉnh có|"
                       r"thành lập được|đến nay|năm qua|vừa qua", re.IGNORECASE)
_TARGET_YEAR = re.compile(r"(?:đến|tới|vào|trước|đạt)\s+năm\s+((?:19|20)\d{2})|giai đoạn\s+(?:19|20)\d{2}\s?[-–]\s?"
                          r"((?:19|20)\d{2})|năm\s+((?:19|20)\d{2})", re.IGNORECASE)
_HEADING_TARGET = re.compile(r"^\W{0,3}(?:[a-zđ]\)|\d+(?:\.\d+)*\.?)?\s*(?:Mục tiêu[^.]{0,40})?(?:Đến|đến)\s+năm\s+"
                             r"((?:19|20)\d{2})\s*:?\s*$", re.IGNORECASE)
# a heading that opens a list of targets ('I. MỤC TIÊU', 'Phấn đấu đến năm 2025, đạt các chỉ tiêu sau:'), and one
# that opens something else ('II. NHIỆM VỤ, GIẢI PHÁP', '1. Kết quả thực hiện các mục tiêu')
_HEADING_CUE = re.compile(r"mục tiêu|phấn đấu|chỉ tiêu|định hướng|tầm nhìn", re.IGNORECASE)
_OTHER_HEADING = re.compile(r"kết quả|tình hình|thực hiện|đánh giá|thực trạng|hiện trạng|nhiệm vụ|giải pháp|"
                            r"tổ chức|kinh phí|căn cứ|quan điểm", re.IGNORECASE)
_SECTION = re.compile(r"^\W{0,3}(?:[IVX]+|[A-Z]|Phần\s+\w+)[.)]?(?:\s|$)")
_SINCE = re.compile(r"từ\s+(?:ngày\s+)?(\d{1,2})\s?/\s?(\d{1,2})\s?/\s?((?:19|20)\d{2})\s+đến nay", re.IGNORECASE)

_BREAKDOWNS = [
    (r"thạc sĩ trở lên|thạc sĩ|tiến sĩ", "qualification=master_plus"), (r"đại học", "qualification=university"),
    (r"cao đẳng", "qualification=college"), (r"trung cấp", "qualification=intermediate"),
    (r"cấp thôn|thôn, bản|thôn, ấp", "level=village"), (r"cấp xã|xã, phường", "level=commune"),
    (r"cấp huyện|quận, huyện", "level=district"), (r"cấp tỉnh|sở, ngành", "level=province"),
    (r"văn bản đến", "direction=incoming"), (r"văn bản đi", "direction=outgoing"),
]


@dataclass
class _Span:
    start: int
    end: int
    value: float
    words: bool = False
    unit_at: int = 0  # where the unit words start, after any multiplier ('1,9 triệu thuê bao')
    denominator: bool = False  # the 37.077 of '807/37.077 người'


@dataclass
class _Anchor:
    pos: int
    period: str
    future: bool = False  # 'đến năm 2030': a target year
    baseline: bool = False  # 'so với năm 2021': a point of comparison, not the time of the figures


@dataclass
class _Doc:
    lines: list[str]
    year: int | None = None
    target_years: list[int] = field(default_factory=list)


def _end_year(period: str) -> int:
    """The last year a period covers ('2021/2023' -> 2023, '2023-12-31' -> 2023, '2025-07-01/*' -> 2025)."""
    years = re.findall(r"(?:^|/)(\d{4})", period)
    return int(years[-1])


def _masked(line: str) -> tuple[str, list[_Anchor]]:
    """The line with codes, dates, years and markers blanked out (same length), and its time anchors."""
    chars = list(line)
    anchors: list[_Anchor] = []

    def blank(a: int, b: int) -> None:
        for i in range(a, b):
            chars[i] = " " if chars[i] != "\n" else chars[i]

    for m in re.finditer(r"(?<!\w)(?:[Đđ]ến nay|[Hh]iện nay|[Hh]iện có|[Hh]iện tại|[Tt]ính đến nay)(?!\w)", line):
        anchors.append(_Anchor(m.start(), "now"))
    for m in _SINCE.finditer(line):
        anchors = [a for a in anchors if not (a.period == "now" and m.start() <= a.pos < m.end())]
        anchors.append(_Anchor(m.start(), f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}/*"))
    for rx in (_DATE_WORDS, _DATE):
        for m in rx.finditer(line):
            d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
            if 1 <= d <= 31 and 1 <= mo <= 12:
                if not any(a.pos == m.start() - len("từ ") or abs(a.pos - m.start()) < 12 for a in anchors
                           if a.period.endswith("/*")):
                    anchors.append(_Anchor(m.start(), f"{y}-{mo:02d}-{d:02d}"))
                blank(m.start(), m.end())
    for m in _MONTH.finditer(line):
        anchors.append(_Anchor(m.start(), f"{m.group(2)}-{int(m.group(1)):02d}"))
        blank(m.start(), m.end())
    for m in _DAY_MONTH.finditer("".join(chars)):
        if _is_day_month(line, m):
            blank(m.start(), m.end())
    for m in _MONTH_NAME.finditer("".join(chars)):
        blank(m.start(1), m.end(1))
    for m in _CODE.finditer("".join(chars)):
        blank(m.start(), m.end())
    for m in _RANGE.finditer("".join(chars)):
        a, b = m.group(1), m.group(2)
        if a < b:
            before = line[max(0, m.start() - 25):m.start()].lower()
            future = "giai đoạn" in before or "nhiệm kỳ" in before or "đến năm" in before
            anchors.append(_Anchor(m.start(), f"{a}/{b}", future=future))
            blank(m.start(), m.end())
    for m in _YEAR.finditer("".join(chars)):
        before = line[max(0, m.start() - 12):m.start()].lower()
        after = line[m.end():m.end() + 20]
        if _UNIT_CAPTURE.match(after) and "năm" not in before:
            continue  # 2090 người is a count, not a year
        future = bool(re.search(r"(đến|tới|vào|trước)\s+năm\s*$", before))
        baseline = bool(re.search(r"so với\s+(cùng kỳ\s+)?(năm\s+)?$", line[max(0, m.start() - 25):m.start()].lower()))
        anchors.append(_Anchor(m.start(), m.group(1), future=future, baseline=baseline))
        blank(m.start(), m.end())
    for rx in (_FOOTNOTE, _PAGE_REF, _LIST_MARK, _TIME):
        for m in rx.finditer("".join(chars)):
            blank(m.start(), m.end())
    return "".join(chars), sorted(anchors, key=lambda a: a.pos)


def _is_day_month(line: str, m: re.Match) -> bool:
    """'ngày 18/4', 'từ 12/5 đến nay', '18/4, UBND tỉnh ...': a day and a month, not a fraction or a figure."""
    day, month = int(m.group(1)), int(m.group(3))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    before, after = line[:m.start()], line[m.end():]
    if _DAY_CUE.search(before[-12:]) or m.group(2) == ".":
        return True  # '10.10' cannot be a Vietnamese number (a decimal takes a comma, thousands three digits)
    if re.search(r"(?<!\w)ngày(?!\s+càng)[^\d,.;:()]{0,40}$", before, re.IGNORECASE):
        return True  # 'Ngày Chuyển đổi số quốc gia 10/10'

    if m.group(2) == "/" and _UNIT_CAPTURE.match(after):
        return False  # '3/5 xã': three of five communes
    # at the start of a sentence, before a comma: '18/4, UBND tỉnh ban hành ...'
    return bool(re.search(r"(?:^|[.!?:;]\s|\n)\W{0,3}$", before)) and bool(re.match(r"\s?[,:]", after))


def _scaled(value: float, after: str) -> tuple[float, int]:
    """The value times the multiplier words after it ('triệu', 'nghìn tỷ'), and how many characters they take."""
    scale, pos = 1.0, 0
    while not _CURRENCY_UNIT.match(after[pos:]):
        m = _SCALE_WORD.match(after[pos:])
        if not m:
            break
        scale *= _SCALE_OF[m.group(1)]
        pos += m.end()
    return (round(value * scale, 6) if scale != 1 else value), pos


def _figures(masked: str, original: str) -> list[_Span]:
    out: list[_Span] = []
    for m in NUMBER.finditer(masked):
        before = original[:m.start()]
        after = original[m.end():]
        if _NAMED_NUMBER.search(before[-20:]) and not _RANK_BEFORE.search(before[-20:]):
            continue
        if re.search(r"(?:mức độ|cấp độ)\s+\d+\s*(?:,|và|hoặc|-)\s*$", before[-25:]):
            continue  # the 4 of 'mức độ 3 và 4' is a level too
        if _DURATION.match(after) and not after.lstrip().startswith("năm:"):
            continue
        if re.match(r"^\s*bậc", after):  # 'tăng 4 bậc': a change of rank, not a figure of the province
            continue
        if re.search(r"thứ\s+\d+\s*/\s*$", before[-12:]) or re.search(r"\bthứ \d+/$", before[-10:]):
            continue  # '3/63': the 63 is how many provinces were ranked
        try:
            v = read_digits(m.group(0))
        except ValueError:
            continue
        v, scale_len = _scaled(v, after)
        out.append(_Span(m.start(), m.end(), v, unit_at=m.end() + scale_len))
        den = re.match(r"\s?/\s?(\d{1,3}(?:\.\d{3})+|\d+)(?![\w/])", original[m.end():])
        per_population = den and re.match(r"\s*(?:người\s+)?dân(?![\wà-ỹ])", original[m.end() + den.end():])
        if (den and not per_population and not _RANK_BEFORE.search(before[-20:])
                and read_digits(den.group(1)) != v):  # 807/37.077 người: both are figures
            a = m.end() + den.start(1)
            out.append(_Span(a, a + len(den.group(1)), read_digits(den.group(1)), unit_at=a + len(den.group(1)),
                             denominator=True))
    for m in WORD_NUMBER.finditer(masked):
        if re.search(r"\d\s?$", original[:m.start()]):
            continue  # 'triệu' in '1,488 triệu hồ sơ' is the multiplier of the figure before it
        after = original[m.end():]
        unit = _UNIT_CAPTURE.match(after)
        v = read_words(m.group(1))
        word = m.group(1).lower()
        if v is None or not unit or word in ("năm", "tư", "ba") and unit.group(1) in ("cấp", "tổ chức"):
            continue
        if word == "năm" or (word in ("một", "mỗi") and unit.group(1) in ("số",)):
            continue  # 'năm' is nearly always 'year'
        out.append(_Span(m.start(), m.end(), v, words=True))
    for m in _RANK_WORDS.finditer(masked):
        if re.search(r"(?:nhóm|top|tốp)\s+\S+(?:\s+\S+){0,4}\s*$", original[max(0, m.start() - 40):m.start()],
                     re.IGNORECASE):
            continue  # 'trong nhóm 10 tỉnh dẫn đầu cả nước': the rank is the 10
        out.append(_Span(m.start(), m.end(), 1.0, words=True))
    return sorted(out, key=lambda s: s.start)


def _sentences(line: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in re.finditer(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“(]?[A-ZĐÀ-ỸẠ-Ỹ])", line):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(line)))
    return bounds


def _unit(original: str, span: _Span) -> tuple[str, str]:
    after = original[max(span.end, span.unit_at):]
    if _RANK_BEFORE.search(original[:span.start][-20:]) or span.words and _RANK_WORDS.match(original[span.start:]):
        return "rank", ""
    rng = re.match(r"^\s?[-–]\s?\d+(?:,\d+)?\s?%", after)
    if rng:
        return "percent", "%"
    if re.match(r"^\s?%", after):
        return "percent", "%"
    per = re.match(r"^(?:\s?[^\W\d]+){0,3}\s?/\s?(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:người\s+)?dân(?![\wà-ỹ])", after)
    if per:  # '0,7/1.000 dân': a rate per thousand inhabitants
        return f"per_{int(read_digits(per.group(1)))}_population", ""
    m = _UNIT_CAPTURE.match(after)
    if m:
        return _UNIT_OF[m.group(1)], m.group(1)
    if re.match(r"^\s?/\s?\d", after):  # 807/37.077 người: the unit follows the denominator
        m2 = re.match(r"^\s?/\s?[\d.,]+", after)
        m3 = _UNIT_CAPTURE.match(after[m2.end():]) if m2 else None
        if m3:
            return _UNIT_OF[m3.group(1)], m3.group(1)
    if _RANK_BEFORE.search(original[:span.start][-20:]) or span.words and _RANK_WORDS.match(original[span.start:]):
        return "rank", ""
    return "count", ""


def _as_written(original: str, span: _Span, unit_word: str, sent: tuple[int, int]) -> str:
    """The figure with the words that make it readable: qualifier before, unit and a few words after."""
    s0, s1 = sent
    left = original[s0:span.start]
    lw = re.findall(r"\S+\s*$", left)
    words_before = re.findall(r"\S+", left)[-3:]
    start = span.start
    if words_before:
        q = qualifier_before(" ".join(words_before))
        if q.word:
            idx = left.lower().rfind(q.word)
            if idx >= 0:
                start = s0 + idx
    end = span.end
    rest = original[span.end:s1]
    m = re.match(r"^(\s?[-–/]\s?[\d.,]+)?\s?%?", rest)
    end += m.end() if m else 0
    tail = original[end:s1]
    words = re.match(r"^((?:\s*[^\s,;:.()]+){0,4})", tail)
    if words and unit_word != "%":
        end += len(words.group(1))
    elif unit_word == "%":
        w2 = re.match(r"^((?:\s*[^\s,;:.()]+){0,4})", tail)
        end += len(w2.group(1)) if w2 else 0
    del lw
    return original[start:end].strip(" ,;:")


def _kind(sentence: str, pos: int, unit: str, heading_year: int | None, anchors: list[_Anchor], doc: _Doc) -> str:
    """Target or observation for the figure at ``pos`` (relative to the sentence; anchors are too).

    A target cue ('phấn đấu', 'mục tiêu', 'đến năm 2025', 'sẽ') governs the figures after it, up to the end of
    the sentence, a closing parenthesis it was opened in, a contrast ('trong khi', 'nhưng'), or an observation
    marker ('đã', 'hiện nay', a past year); a figure before it is not a target ('chỉ đạt 45,8%, trong khi mục
    tiêu đề ra là 50%'). A target year right after the figure in the same clause makes it a target
    ('30% GDP vào năm 2030'); so does a list under a target heading.
    """
    if unit in ("targets", "tasks"):
        return "observation"
    obs_at = [m.start() for m in _OBS_CUES.finditer(sentence)]
    future = [a.pos for a in anchors if a.future and doc.year and _end_year(a.period) >= doc.year]
    past = [a.pos for a in anchors if not a.future and not a.baseline and a.period[:4].isdigit()
            and (doc.year is None or _end_year(a.period) <= doc.year)]
    if heading_year is not None and not any(o < pos for o in obs_at + past):
        return "target"
    cues = [m.start() for m in _GOVERNING_CUES.finditer(sentence)] + future

    def governs(c: int) -> bool:
        between = sentence[c:pos]
        # a year within a few words of the cue is the target's own ('chỉ tiêu năm 2024 đạt 80%'), not a past
        later_past = [y for y in past if c < y < pos and len(sentence[c:y].split()) > 4]
        if _CONTRAST.search(between) or any(c < o < pos for o in obs_at) or later_past:
            return False
        opened = sentence[:c].count("(") > sentence[:c].count(")")
        return not (opened and ")" in between)

    if any(c <= pos and governs(c) for c in cues):
        return "target"
    if any(f > pos and not re.search(r"[,;(]", sentence[pos:f]) for f in future):
        return "target"  # 'khoảng 30% GDP vào năm 2030'
    return "observation"


def _period(kind: str, span: _Span, anchors: list[_Anchor], sent: tuple[int, int], heading_year: int | None,
            doc: _Doc, prev_target_year: int | None, as_of: int | None, carried: str = "",
            sentence_text: str = "") -> tuple[str, bool]:
    """(period, inferred?) for a figure."""
    inside = [a for a in anchors if sent[0] <= a.pos < sent[1]]
    if kind == "target":
        fut = [a for a in inside if a.future] or [a for a in inside if doc.year and a.period[:4].isdigit()
                                                  and _end_year(a.period) > doc.year]
        if fut:
            # 'khoảng 30% GDP vào năm 2030': a year right after the figure, in the same phrase, is its year
            after = [a for a in fut if a.pos > span.end and a.pos - span.end <= 40
                     and not re.search(r"[,;]|\svà\s", sentence_text[span.end - sent[0]:a.pos - sent[0]])]
            before = [a for a in fut if a.pos <= span.start]
            pick = after[0] if after else (before[-1] if before else fut[0])
            return str(_end_year(pick.period)), False
        if heading_year:
            return str(heading_year), False
        year = prev_target_year or (max(set(doc.target_years), key=doc.target_years.count)
                                    if doc.target_years else doc.year)
        return str(year), True
    usable = [a for a in anchors if not a.future and not a.baseline and a.pos <= span.start]
    before = [a for a in usable if a.pos >= sent[0]]
    if before:
        p = before[-1].period
        if p == "now":  # 'đến nay': the present of the narrative (the year it last spoke of), or the document's
            now = as_of or (int(carried) if carried else None) or doc.year
            return (str(now) if now else ""), as_of is None
        if p.endswith("/*"):
            end = as_of or doc.year  # 'từ 01/7/2025 đến nay': up to when the document was written
            start = p[:-2]
            return (f"{start}/{end}" if end and int(start[:4]) < end else start[:4]), as_of is None
        return p, False
    if usable:  # earlier in the paragraph: the year it speaks of, inferred
        p = usable[-1].period
        if p == "now":
            now = as_of or (int(carried) if carried else None) or doc.year
            return (str(now) if now else ""), True
        return str(_end_year(p.removesuffix("/*"))), True
    if carried:  # the last time the text spoke of, in an earlier paragraph
        return carried, True
    return (str(doc.year) if doc.year else ""), True


def _comparator(kind: str, q, flags: list[str]) -> str:
    if kind != "target":
        return ""
    if q.upper:
        return "<="
    return ">="


def _flags(kind: str, q, span: _Span, inferred: bool, unit: str) -> list[str]:
    f = []
    if q.approx:
        f.append("approx")
    if kind == "observation" and q.lower:
        f.append("lower_bound")
    if kind == "observation" and q.upper:
        f.append("upper_bound")
    if span.words:
        f.append("from_words")
    if inferred:
        f.append("year_inferred")
    return f


def _breakdown(text: str) -> str:
    for rx, bd in _BREAKDOWNS:
        if re.search(rx, text, re.IGNORECASE):
            return bd
    return "total"


def _heading(line: str, doc: _Doc) -> tuple[str, int | None]:
    """('target', year) for a heading over a list of targets, ('other', None) for a heading that ends one, or
    ('', None). A target heading without a year takes the year the document's targets most often name."""
    h = _HEADING_TARGET.match(line)
    if h:
        return "target", int(h.group(1))
    if len(line) > 160 or not (line.endswith(":") or len(line) <= 100 and not re.search(r"[.;,]\s*$", line)):
        return "", None
    masked, anchors = _masked(line)
    if _figures(masked, line):
        return "", None
    if _OTHER_HEADING.search(line):
        return "other", None
    years = [_end_year(a.period) for a in anchors if a.period[:4].isdigit()
             and (a.future or doc.year and _end_year(a.period) > doc.year)]
    if years and (_HEADING_CUE.search(line) or re.search(r"(?:đến|tới)\s+năm", line, re.IGNORECASE)):
        return "target", years[0]
    if _HEADING_CUE.search(line) and doc.target_years:
        return "target", max(set(doc.target_years), key=doc.target_years.count)
    return ("other", None) if _SECTION.match(line) else ("", None)


def _duplicates(rows: list[dict], spans: list[tuple[int, _Span, str, tuple[int, int]]],
                headline: int | None) -> set[int]:
    """Rows that say again what an earlier row said: a denominator repeating a figure of its line ('30/34 chỉ
    tiêu; còn lại 04/34'), the same figure in the same words (a repeated sentence or lead), and a headline figure
    the body gives again."""
    drop: set[int] = set()
    seen: dict[tuple, int] = {}
    for i, (row, (n, span, line, sent)) in enumerate(zip(rows, spans)):
        key = (row["value"], row["unit"], row["kind"], row["period"])
        if span.denominator and any(rows[j]["value"] == row["value"] and rows[j]["unit"] == row["unit"]
                                    for j, (m, *_) in enumerate(spans[:i]) if m == n and j not in drop):
            drop.add(i)
            continue
        window = (tuple(line[sent[0]:span.start].lower().split()[-4:]),
                  tuple(line[span.end:sent[1]].lower().split()[:4]))  # the words around it, in its sentence
        if (key, window) in seen:
            drop.add(i)
            continue
        seen[(key, window)] = i
    if headline is not None:
        body = [(r["value"], r["unit"], r["kind"]) for r, (n, *_) in zip(rows, spans) if n != headline]

        def restated(r: dict) -> bool:  # 'hơn 27.000 Tổ' in the headline, '27.218 Tổ' in the body
            near = r["flags"] and any(f in r["flags"] for f in ("approx", "lower_bound", "upper_bound"))
            return any(u == r["unit"] and k == r["kind"] and (v == r["value"] or near and v
                       and abs(v - r["value"]) <= 0.05 * abs(v)) for v, u, k in body)

        drop |= {i for i, (r, (n, *_)) in enumerate(zip(rows, spans)) if n == headline and restated(r)}
    return drop


def _document_years(lines: list[str]) -> _Doc:
    doc = _Doc(lines)
    past, future = [], []
    for line in lines:
        if _BIBLIO.search(line):
            continue
        _, anchors = _masked(line)
        for a in anchors:
            if a.period == "now":
                continue
            y = int(a.period[:4])
            (future if a.future else past).append(y)
            if a.future:
                doc.target_years.append(_end_year(a.period))
    doc.year = max(past) if past else (min(future) if future else None)
    return doc


def _guess_indicator(context: str, unit: str, catalogue: pd.DataFrame | None) -> tuple[str, float]:
    if catalogue is None or catalogue.empty:
        return "", 0.0
    words = set(re.findall(r"\w+", context.lower()))
    best, score = "", 0.0
    for ind, name, iunit in zip(catalogue["indicator_id"], catalogue["name_vi"], catalogue["unit"]):
        nw = set(re.findall(r"\w+", str(name).lower()))
        if not nw:
            continue
        s = len(words & nw) / len(nw)
        if iunit != unit:
            s *= 0.5
        if s > score:
            best, score = ind, s
    return (best, round(score, 2)) if score >= 0.3 else ("", round(score, 2))


def extract_lines(lines: list[str], *, province_code: str = "", source_id: str = "", boundary: str = "",
                  catalogue: pd.DataFrame | None = None, as_of: int | None = None) -> pd.DataFrame:
    """Candidate facts from a document's lines (see the module docstring)."""
    lines = [nfc(x) for x in lines]
    doc = _document_years(lines)
    rows = []
    spans: list[tuple[int, _Span, str, tuple[int, int]]] = []
    heading_year: int | None = None
    prev_target_year: int | None = None
    carried = ""
    nonempty = [n for n, line in enumerate(lines, start=1) if line.strip()]
    first = lines[nonempty[0] - 1].strip() if nonempty else ""
    headline = (nonempty[0] if len(nonempty) > 1 and len(first) <= 200 and not re.search(r"[.:;]\s*$", first)
                else None)  # a title line: what it says, the body says again
    for n, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        what, year = _heading(stripped, doc)
        if what == "target":
            heading_year = year
            continue
        if what == "other" or (heading_year is not None and not re.match(r"^[-+•–*]", stripped)
                               and len(stripped) > 40):
            heading_year = None  # the list under the heading has ended
        if _BIBLIO.search(line) or re.match(r"^\s*\(\d{1,3}\)", line):
            continue
        masked, anchors = _masked(line)
        line_target = ""
        for a in anchors:
            if a.future:
                prev_target_year = _end_year(a.period)
        for span in _figures(masked, line):
            sent = next(((a, b) for a, b in _sentences(line) if a <= span.start < b), (0, len(line)))
            sentence = line[sent[0]:sent[1]]
            unit, unit_word = _unit(line, span)
            q = qualifier_before(line[sent[0]:span.start])
            kind = _kind(sentence, span.start - sent[0], unit, heading_year,
                         [replace(a, pos=a.pos - sent[0]) for a in anchors if sent[0] <= a.pos < sent[1]], doc)
            own_time = any(sent[0] <= a.pos < sent[1] and not a.future and not a.baseline for a in anchors)
            if (kind == "observation" and line_target and not own_time and not _OBS_CUES.search(sentence)
                    and not _VERSUS_TARGET.search(sentence) and unit == "percent"):
                kind = "target"  # the list of targets goes on in the next sentence of the paragraph
            period, inferred = _period(kind, span, anchors, sent, heading_year, doc, prev_target_year, as_of, carried,
                                       sentence)
            if kind == "target" and line_target and not inferred is False and line_target != period:
                if not any(sent[0] <= a.pos < sent[1] and a.future for a in anchors):
                    period = line_target
            if kind == "target":
                line_target = period
            as_written = _as_written(line, span, unit_word, sent)
            ctx_start = max(sent[0], span.start - 120)
            context = line[ctx_start:min(sent[1], span.end + 80)].strip()
            ind, conf = _guess_indicator(line[max(sent[0], span.start - 80):min(sent[1], span.end + 80)], unit,
                                         catalogue)
            flags = _flags(kind, q, span, inferred, unit)
            spans.append((n, span, line, sent))
            rows.append({
                "accept": "", "fact_id": "", "province_code": province_code, "boundary": boundary,
                "indicator_id": ind, "breakdown": _breakdown(as_written), "kind": kind, "period": period,
                "value": span.value, "unit": unit, "comparator": _comparator(kind, q, flags),
                "baseline_year": "", "tracked_by": "", "source_id": source_id, "cited_source_id": "",
                "locator": f"line {n}", "as_written": as_written, "flags": ";".join(flags), "scope_note": "",
                "indicator_confidence": conf, "context": context,
            })
        past = [a for a in anchors if not a.future and not a.baseline and a.period != "now"]
        if past:
            carried = str(_end_year(past[-1].period.removesuffix("/*")))
    drop = _duplicates(rows, spans, headline)
    return pd.DataFrame([r for i, r in enumerate(rows) if i not in drop], columns=REVIEW_COLUMNS)


def extract_document(path: Path, **kw) -> pd.DataFrame:
    """Read ``path`` and extract its candidate facts; raises ExtractError when there is nothing to read."""
    lines = read_document(path)
    if not any(line.strip() for line in lines):
        raise ExtractError(f"{path}: no text found in the document")
    out = extract_lines(lines, **kw)
    if out.empty:
        raise ExtractError(f"{path}: no figures found in the document (nothing to review)")
    return out
