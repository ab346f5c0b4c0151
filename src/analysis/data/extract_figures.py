"""Finding the figures of a line: what is masked (codes, dates, years, footnotes...), each figure span with its
multiplier, and the sentences of a line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.data.extract_patterns import (
    _CODE,
    _CURRENCY_UNIT,
    _DATE,
    _DATE_WORDS,
    _DAY_CUE,
    _DAY_MONTH,
    _DURATION,
    _FOOTNOTE,
    _LIST_MARK,
    _MONTH,
    _MONTH_NAME,
    _NAMED_NUMBER,
    _PAGE_REF,
    _RANGE,
    _RANK_BEFORE,
    _RANK_WORDS,
    _SCALE_OF,
    _SCALE_WORD,
    _SINCE,
    _TIME,
    _UNIT_CAPTURE,
    _YEAR,
)
from analysis.vinumbers import NUMBER, WORD_NUMBER, read_digits, read_words


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
        before = original[max(0, m.start() - 40):m.start()]  # windows, not the rest of the line: one long line
        after = original[m.end():m.end() + 300]  # (a document without breaks) would cost its length per figure
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
        den = re.match(r"\s?/\s?(\d{1,3}(?:\.\d{3})+|\d+)(?![\w/])", after)
        per_population = den and re.match(r"\s*(?:người\s+)?dân(?![\wà-ỹ])", after[den.end():])
        if (den and not per_population and not _RANK_BEFORE.search(before[-20:])
                and read_digits(den.group(1)) != v):  # 807/37.077 người: both are figures
            a = m.end() + den.start(1)
            out.append(_Span(a, a + len(den.group(1)), read_digits(den.group(1)), unit_at=a + len(den.group(1)),
                             denominator=True))
    for m in WORD_NUMBER.finditer(masked):
        if re.search(r"\d\s?$", original[max(0, m.start() - 2):m.start()]):
            continue  # 'triệu' in '1,488 triệu hồ sơ' is the multiplier of the figure before it
        after = original[m.end():m.end() + 300]
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
