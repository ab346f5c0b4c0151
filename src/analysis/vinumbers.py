"""Reading quantities as Vietnamese documents write them.

One place for what both validation and extraction need: grouped digits (``1.105.280``), decimal commas
(``77,67%``), leading zeros (``04``), ranges (``70–80%``), spelled-out numbers (``hai mươi``) and the
words around a figure that qualify it (``gần`` = approximately, ``hơn``/``trên`` = more than).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from analysis.numbers import parse_number

# a figure: grouped or plain digits, optional decimal comma; never glued to letters, '/', '-' codes
NUMBER = re.compile(r"(?<![\w/.,-])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\w])")

_UNITS_WORDS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
                "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_SCALES = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}
WORD_NUMBER = re.compile(
    r"(?<!\w)((?:(?:không|một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|bẩy|tám|chín|mười|mươi|trăm|linh|lẻ|nghìn|ngàn|"
    r"triệu|tỷ)\s+)*(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|mốt|lăm|tư))(?!\w)",
    re.IGNORECASE)

APPROX = ("gần", "khoảng", "xấp xỉ", "ước", "ước tính", "ước đạt", "chừng", "hơn kém")
LOWER = ("hơn", "trên", "tối thiểu", "ít nhất", "không dưới", "từ", "vượt")
UPPER = ("dưới", "không quá", "tối đa", "chưa đến", "chưa tới", "không vượt quá")


def nfc(text: str) -> str:
    """Unicode NFC, non-breaking spaces as spaces: the form every comparison here uses."""
    return unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").replace("\u202f", " ")


def read_digits(text: str) -> float:
    """``1.105.280`` -> 1105280; ``77,67`` -> 77.67; ``04`` -> 4 (Vietnamese conventions)."""
    return parse_number(text, "vi")


def read_words(text: str) -> float | None:
    """A number spelled out in Vietnamese (``hai mươi`` -> 20, ``một trăm linh năm`` -> 105), or None."""
    words = nfc(text).lower().split()
    if not words:
        return None
    total, group, current = 0, 0, 0
    seen = False
    for w in words:
        if w in _UNITS_WORDS:
            current = _UNITS_WORDS[w] if w not in ("mốt", "lăm", "tư") or seen else None
            if current is None:
                return None
            seen = True
        elif w == "mười":
            group += 10
            current = 0
            seen = True
        elif w == "mươi":
            group += (current or 0) * 10
            current = 0
        elif w == "trăm":
            group += (current or 0) * 100
            current = 0
        elif w in ("linh", "lẻ"):
            continue
        elif w in _SCALES:
            total += (group + current) * _SCALES[w]
            group, current = 0, 0
        else:
            return None
    value = total + group + current
    return float(value) if seen or value else None


@dataclass(frozen=True)
class Qualifier:
    """What the words just before a figure say about it."""

    approx: bool = False
    lower: bool = False
    upper: bool = False
    word: str = ""


def qualifier_before(prefix: str) -> Qualifier:
    """Read ``gần``/``khoảng`` (approx), ``hơn``/``trên``/``tối thiểu`` (at least), ``dưới`` (at most)
    from the last few words before a figure (``đạt trên 90%`` -> lower)."""
    tail = " ".join(nfc(prefix).lower().split()[-3:])
    for words, kind in ((UPPER, "upper"), (APPROX, "approx"), (LOWER, "lower")):
        for w in sorted(words, key=len, reverse=True):
            if re.search(rf"(?<!\w){re.escape(w)}$", tail) or re.search(rf"(?<!\w){re.escape(w)} đạt$", tail):
                return Qualifier(**{kind: True}, word=w)
    return Qualifier()
