"""Message catalogues: every sentence shown to readers lives in ``messages/<lang>.yaml``, not in code.

``msg("targets_count", "vi", n=3, province="Cần Thơ")`` fills a template whose numbers the caller has already
formatted for the language (``numbers.format_number``). A missing key or placeholder raises a KeyError that
names the catalogue file, so a sentence cannot silently vanish from a page.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

MESSAGES_DIR = Path(__file__).with_name("messages")
LANGS = ("vi", "en")


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """All templates of one language."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
    path = MESSAGES_DIR / f"{lang}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: every entry must be 'key: sentence'")
    return data


def msg(key: str, lang: str, **values: object) -> str:
    """One sentence of the catalogue, with its placeholders filled."""
    cat = catalogue(lang)
    if key not in cat:
        raise KeyError(f"{MESSAGES_DIR / (lang + '.yaml')}: no message {key!r}")
    try:
        return cat[key].format(**values)
    except KeyError as e:
        raise KeyError(f"{MESSAGES_DIR / (lang + '.yaml')}: message {key!r} needs placeholder {e}") from None


def join_words(items: list[str], lang: str) -> str:
    """'a, b và c' / 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return msg("list_sep", lang).join(items[:-1]) + msg("list_last", lang) + items[-1]
