"""Words shown to readers, looked up by key in the message catalogues (``messages/<lang>.yaml``).

The catalogues are the only home of words: this module holds none, only the thin functions that name a word
by what it is (a status, a column heading, a breakdown) and the colours of the statuses.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analysis.catalogue import CURATED_IN, LANGS, catalogue, msg
from analysis.numbers import format_value

# The colour of each status on the pages and charts, in the order the legends list them.
STATUS_COLOUR = {
    "achieved": "#1b7837", "on_track": "#5aae61", "at_risk": "#e08214", "off_track": "#b2182b",
    "not_met": "#762a83", "awaiting_data": "#bababa", "outdated": "#a6a6a6", "not_assessable": "#c7c7c7",
    "insufficient_data": "#8c8c8c", "no_data": "#d9d9d9",
}
# The UN progress categories (forecast.unsd_progress), in the order the methodology lists them.
UNSD_CATEGORIES = ("achieved", "on_track", "fair", "limited", "deterioration")
_COMPARATOR_KEY = {">=": "ge", "<=": "le", "=": "eq"}


def status_label(status: str, lang: str, provisional: bool = False) -> str:
    """'Đúng hướng' / 'On track'; with ``provisional`` (a verdict resting on an approximate or preliminary figure),
    'Không đạt (tạm tính)' / 'Not met (provisional)'."""
    label = msg(f"status_{status}", lang)
    return msg("provisional_status", lang, status=label) if provisional else label


# flags that say what a figure is not exactly, each with the words that say so beside it
QUALIFIERS = (("lower_bound", "near_more_than"), ("upper_bound", "near_less_than"), ("approx", "near_about"))


def qualified(text: str, flags, lang: str) -> str:
    """A figure written with what its flags (``;``-joined) say of it: 'khoảng 29%', 'more than 1,400'."""
    marks = flags.split(";") if isinstance(flags, str) else []
    for flag, key in QUALIFIERS:
        if flag in marks:
            text = msg(key, lang, value=text)
    return text


def is_provisional(row) -> bool:
    """Whether an assessment row's verdict rests on a provisional figure (its ``provisional`` column, where held)."""
    v = row.get("provisional") if hasattr(row, "get") else None
    return bool(v) and str(v).lower() not in ("false", "nan", "0", "")


def status_explain(status: str, lang: str) -> str:
    """The status in one sentence, for the legends."""
    return msg(f"status_{status}_explain", lang)


def unsd_label(category: str, lang: str) -> str:
    return msg(f"unsd_{category}", lang)


_UNSD_AHEAD, _UNSD_BEHIND = {"achieved", "on_track"}, {"limited", "deterioration"}


def unsd_cell(category, status: str, lang: str) -> str:
    """The UN category beside a status, with a word on why they differ where one says on course and the other
    behind (the UN's compares average rates since 2015 and carries no uncertainty); "–" without a category."""
    if not isinstance(category, str) or not category:
        return "–"
    differs = ((category in _UNSD_AHEAD and status in ("at_risk", "off_track"))
               or (category in _UNSD_BEHIND and status in ("on_track", "achieved")))
    return unsd_label(category, lang) + (msg("unsd_differs", lang) if differs else "")


def comparator_sign(comparator: str, lang: str) -> str:
    """How a target's comparator is written for readers: '>=' -> '≥'."""
    return msg(f"comparator_{_COMPARATOR_KEY[comparator]}", lang)


def target_words(comparator: str, value, unit: str, lang: str) -> str:
    """A target's threshold as readers see it: '≥ 35%', '≥ 1.000 người'."""
    return f"{comparator_sign(comparator, lang)} {format_value(value, unit, lang)}"


def t(key: str, lang: str) -> str:
    """A column heading or short word of the reports ('indicator' -> 'Chỉ tiêu')."""
    return msg(f"label_{key}", lang)


def flag_label(flag: str, lang: str) -> str | None:
    """What a flag of a figure says ('approx' -> 'khoảng, gần'); None for a flag readers are not shown."""
    key = f"flag_{flag}"
    return msg(key, lang) if key in catalogue(lang) else None


def result_label(result: str, lang: str) -> str:
    """The result of a consistency check ('ok' -> 'Khớp')."""
    return msg(f"result_{result}", lang)


def heading(key: str, lang: str, number: int | None = None) -> str:
    """A notebook section heading in Markdown, numbered when ``number`` is given."""
    return f"## {'' if number is None else f'{number}. '}{msg(f'section_{key}', lang)}"


def prose(key: str, lang: str) -> str:
    """A paragraph of the comparison notebook."""
    return msg(f"compare_{key}", lang)


def derivation_text(kind: str, lang: str, **values: object) -> str:
    """How a derived value was computed, in words (values already formatted for ``lang``)."""
    return msg(f"derivation_{kind}", lang, **values)


def level_word(level: str, lang: str, default: str) -> str:
    """An administrative level ('commune' -> 'cấp xã'); ``default`` for a level without words."""
    key = f"level_{level}"
    return msg(key, lang) if key in catalogue(lang) else default


def audit_note(key: str, lang: str, **values: object) -> str:
    """A note of the consistency checks (analysis.data.audit), values already formatted for ``lang``."""
    return msg(f"audit_note_{key}", lang, **values)


def unknown_field(field: str, lang: str) -> str:
    """A field of a source that is not known ('licence' -> 'giấy phép'); the field's name if it has no words."""
    key = f"unknown_field_{field}"
    return msg(key, lang) if key in catalogue(lang) else field


def breakdown_label(b: str, lang: str) -> str:
    """Words for a breakdown such as 'level=commune' ('' for the total; the value itself when it has no words)."""
    if b == "total" or not isinstance(b, str):
        return ""
    v = b.split("=", 1)[-1]
    key = f"breakdown_{v}"
    return msg(key, lang) if key in catalogue(lang) else v.replace("_", " ")


def search_outcome_label(outcome: object, lang: str) -> str:
    """What the search for a target's series found ('partial' -> 'chỉ tìm được một số liệu'); '–' when unknown."""
    key = f"search_outcome_{outcome}"
    return msg(key, lang) if isinstance(outcome, str) and key in catalogue(lang) else "–"


def table_description(name: str, lang: str) -> str:
    """What a downloadable data table ('facts', 'audit', …) holds."""
    return msg(f"table_desc_{name}", lang)


def file_description(kind: str, lang: str) -> str:
    """What a downloadable file is ('notebook', 'png', 'CITATION.cff', …); '' for a file without a description."""
    key = "file_desc_" + re.sub(r"[^a-z0-9]+", "_", kind.lower()).strip("_")
    return msg(key, lang) if key in catalogue(lang) else ""


def table_names() -> list[str]:
    """The downloadable data tables that have a description, in the catalogue's order."""
    return [k.removeprefix("table_desc_") for k in catalogue(LANGS[0]) if k.startswith("table_desc_")]


def page_language_text(row, column: str, lang: str) -> tuple[str, bool]:
    """A curated text for a page: ``(text, in_other_language)``. A page takes ``<column>_<lang>``, or ``column``
    itself on pages in the curation language (``languages.yaml`` ``curated_in``); where only ``column`` exists,
    that text comes back with the flag True, for the page to mark it as written in the curation language.
    ``("", False)`` when neither is given."""
    def text_of(name: str) -> str:
        v = row.get(name)
        return v.strip() if isinstance(v, str) else ""

    own = text_of(column if lang == CURATED_IN else f"{column}_{lang}")
    if own:
        return own, False
    curated = text_of(column) if lang != CURATED_IN else ""
    return curated, bool(curated)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with '…' when anything was cut."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def locator_label(locator: str, lang: str) -> str:
    """A curated locator ('line 13; footnote (3)') in the page's language ('dòng 13; chú thích (3)').

    Locators are curated in ``CURATED_IN``; each ``locator_word_*`` of the catalogues is replaced by its
    translation, in the catalogue's order (longer phrases first). Paths and names inside a locator (a dataset
    file, a heading quoted in Vietnamese) are kept as they are.
    """
    if lang == CURATED_IN or not isinstance(locator, str):
        return locator
    parts = []
    for part in locator.split("; "):
        if "/" not in part and "github:" not in part:  # a file path or dataset address stays as written
            for pattern, own in _locator_words(lang):
                part = pattern.sub(own, part)
        parts.append(part)
    return "; ".join(parts)


@lru_cache(maxsize=None)
def _locator_words(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """Each curated ``locator_word_*`` as a pattern of the whole word, with its translation (read once)."""
    return tuple((re.compile(rf"(?<![\w/.:-]){re.escape(msg(k, CURATED_IN))}(?![\w/.-])"),
                  msg(k, lang))
                 for k in catalogue(CURATED_IN) if k.startswith("locator_word_"))
