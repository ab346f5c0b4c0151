"""Vietnamese and English number parsing and formatting.

Vietnamese writes ``1.105.280`` (dot groups thousands) and ``77,67%`` (comma is the decimal mark);
English writes ``1,105,280`` and ``77.67%``. Every number read from a source or shown to a person
goes through this module.
"""

from __future__ import annotations

import decimal
import functools
import math
import re

from babel.numbers import format_decimal

from analysis.catalogue import LANGS, catalogue, language, msg

Lang = str  # a code of messages/languages.yaml

_SEP = {c: (language(c)["thousands"], language(c)["decimal"]) for c in LANGS}  # (thousands, decimal)


def _pattern(lang: Lang) -> re.Pattern[str]:
    thou, dec = (re.escape(s) for s in _SEP[lang])
    # grouped integer part (1.105.280) or plain digits (2090, 04), optional decimal part
    return re.compile(rf"(?<![\d{thou}{dec}])(\d{{1,3}}(?:{thou}\d{{3}})+|\d+)(?:{dec}(\d+))?(?![\d])")


_PATTERNS = {lang: _pattern(lang) for lang in LANGS}


def parse_number(text: str, lang: Lang = "vi") -> float:
    """Parse one number written in ``lang`` conventions; a trailing % or spaces are allowed.

    >>> parse_number("1.105.280"), parse_number("77,67%"), parse_number("9,46")
    (1105280.0, 77.67, 9.46)

    Raises ValueError for anything that is not exactly one well-formed number (``1.10.5``, ``abc``).
    """
    if lang not in _SEP:
        raise ValueError(f"unknown number language {lang!r}; use one of {LANGS}")
    s = str(text).strip().removesuffix("%").strip()
    sign = 1.0
    if s.startswith(("-", "−")):
        sign, s = -1.0, s[1:].strip()
    m = _PATTERNS[lang].fullmatch(s)
    if not m:
        raise ValueError(f"malformed number {text!r} (expected {lang} format, e.g. "
                         f"{format_number(1105280.5, lang, 1)})")
    thou = _SEP[lang][0]
    whole = m.group(1).replace(thou, "")
    frac = m.group(2)
    return sign * float(f"{whole}.{frac}" if frac else whole)


def find_numbers(text: str, lang: Lang = "vi") -> list[float]:
    """All numbers written in ``text`` (``807/37.077 người (2,17%)`` -> [807, 37077, 2.17])."""
    out = []
    for m in _PATTERNS[lang].finditer(str(text)):
        out.append(parse_number(m.group(0), lang))
    return out


SPACED_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def numbers_written(text: str, lang: Lang = "vi") -> list[float]:
    """The numbers ``text`` may hold: those of ``find_numbers``, and also each read with a space between digit
    groups taken as a thousands separator, as printed tables write it (``55 388,00`` -> 55, 388, 55388)."""
    return find_numbers(text, lang) + find_numbers(SPACED_THOUSANDS.sub("", str(text)), lang)


BABEL_LOCALE = {c: language(c)["locale"] for c in LANGS}


def format_number(x: float | int | None, lang: Lang = "vi", decimals: int | None = None) -> str:
    """Format with the language's separators: 1105280 -> '1.105.280' (vi) / '1,105,280' (en).

    Babel's locale data (vi_VN, en) gives the separators; halves round up (2.165 -> 2,17), as readers and
    spreadsheets do. ``decimals=None`` keeps up to two decimals and drops trailing zeros. Missing values give '–'.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if lang not in BABEL_LOCALE:
        raise ValueError(f"unknown number language {lang!r}; use one of {LANGS}")
    return _format_number(float(x), lang, decimals)


@functools.lru_cache(maxsize=1 << 16)
def _format_number(x: float, lang: Lang, decimals: int | None) -> str:
    """The formatting itself (a site build formats the same few thousand numbers in many places)."""
    pattern = "#,##0." + ("#" * 2 if decimals is None else "0" * decimals) if decimals != 0 else "#,##0"
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        s = format_decimal(abs(x), format=pattern, locale=BABEL_LOCALE[lang])
    thou, dec = _SEP[lang]
    return ("-" if x < 0 and s.strip("0" + thou + dec) else "") + s


def format_percent(x: float | None, lang: Lang = "vi", decimals: int | None = None) -> str:
    """77.67 -> '77,67%' (vi) / '77.67%' (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{format_number(x, lang, decimals)}%"


def unit_words(unit: str, lang: Lang = "vi", n: str | None = None) -> str | None:
    """The word after a number of ``unit`` (catalogue ``unit_<unit>``, singular after exactly 1 where the language
    has one: '1 person'); None for a unit the catalogues do not know."""
    key = f"unit_{unit}"
    return msg(key, lang, n=n) if key in catalogue(lang) else None


def unit_label(unit: str, lang: Lang = "vi") -> str:
    """The unit as an axis label, without a number: '%', 'người' / 'persons', 'tỷ đồng' / 'VND billion'."""
    key = f"unit_label_{unit}"
    return msg(key, lang) if key in catalogue(lang) else (unit_words(unit, lang) or "")


def format_value(x: float | None, unit: str, lang: Lang = "vi", decimals: int | None = None) -> str:
    """A value with its unit, as a reader expects it (9.46 billion_vnd -> '9,46 tỷ đồng')."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if unit == "percent":
        return format_percent(x, lang, decimals)
    if unit == "index_0_1" and decimals is None:
        decimals = 4  # DTI scores are published with four decimals (0,7024)
    n = format_number(x, lang, decimals)
    w = unit_words(unit, lang, 1 if x == 1 else None)  # the singular after exactly 1
    if not w:
        return n
    key = f"value_with_unit_{unit}"
    return msg(key if key in catalogue(lang) else "value_with_unit", lang, n=n, unit=w)


def points_years(years, listed: int = 4) -> str:
    """'2021, 2023' from '2021;2023' (or a list): up to ``listed`` years all named, so a gap stays visible; more
    read as a span, '2016–2024'. '' without years (None or a table's missing value)."""
    if isinstance(years, str):
        years = years.split(";")
    elif not isinstance(years, (list, tuple)):  # None or a missing value (NaN) of a table
        years = []
    years = [str(int(float(y))) for y in years if str(y).strip() not in ("", "nan")]
    return ", ".join(years) if len(years) <= listed else f"{years[0]}–{years[-1]}"


def points_cell(n: int, years, lang: Lang = "vi") -> str:
    """'2 (2021, 2023)': how many data points a status rests on and their years (``points_years``), as every
    table shows it; the count alone without years."""
    count, named = format_number(int(n), lang), points_years(years)
    return f"{count} ({named})" if named else count


# Simple odds a reader can hold in mind, each a (k, n) of "about k in n".
ODDS = ((1, 20), (1, 10), (1, 5), (1, 4), (1, 3), (1, 2), (2, 3), (3, 4), (4, 5), (9, 10), (19, 20))


def chance_odds(p: float, low: float = 0.2, high: float = 0.8) -> tuple[str, int, int]:
    """A chance as rounded odds that stay in the status band the legend gives it.

    Returns (kind, k, n) with kind 'about', 'below' ('less than 1 in 20') or 'above' ('more than 19 in 20'). A
    chance of 0.78 (at risk: between ``low`` and ``high``) reads 'about 3 in 4', never 'about 4 in 5', the
    on-track cut-off; 0.2 itself is at risk.
    """
    if p < 0.05:
        return "below", 1, 20
    if p > 0.95:
        return "above", 19, 20
    if p >= high:
        band = [o for o in ODDS if o[0] / o[1] >= high]
    elif p < low:
        band = [o for o in ODDS if o[0] / o[1] < low]
    else:
        band = [o for o in ODDS if low <= o[0] / o[1] < high]
    k, n = min(band, key=lambda o: abs(o[0] / o[1] - p))
    return "about", k, n
