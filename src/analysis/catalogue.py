"""Message catalogues: every sentence shown to readers lives in ``messages/<lang>.yaml``, not in code.

``msg("targets_count", "vi", n=3, province="Cần Thơ")`` fills a template whose numbers the caller has already
formatted for the language (``numbers.format_number``). A missing key or placeholder raises a KeyError that
names the catalogue file, so a sentence cannot silently vanish from a page.

A sentence whose wording depends on a count is written with plural forms, chosen by the ``n`` placeholder
(CLDR categories; English needs ``one`` and ``other``, Vietnamese has no plural and writes a plain sentence)::

    ind_chart_line_alt:
      one: "Line chart of {indicator} for {n} province ..."
      other: "Line chart of {indicator} for {n} provinces ..."

The languages themselves (codes, page order, number conventions) are listed once, in ``messages/languages.yaml``:
``LANGS`` and ``language(code)`` read it for every stage.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

MESSAGES_DIR = Path(__file__).with_name("messages")
LANGUAGES_FILE = MESSAGES_DIR / "languages.yaml"
PLURAL_FORMS = ("one", "other")

Template = str | dict[str, str]
# libyaml's parser where PyYAML was built with it (the same safe loading, about ten times faster: every notebook
# reads its language's catalogue afresh)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LANGUAGE_FIELDS = ("code", "name", "locale", "web_locale", "thousands", "decimal")


def _load_languages(path: Path) -> tuple[dict[str, dict[str, str]], str]:
    """The languages of ``languages.yaml`` by code, in page order, and the language of the curated texts."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: 'languages' must list at least one language")
    out: dict[str, dict[str, str]] = {}
    for i, e in enumerate(entries, 1):
        missing = [f for f in LANGUAGE_FIELDS if not isinstance(e, dict) or not isinstance(e.get(f), str)]
        if missing:
            raise ValueError(f"{path}: language {i} needs {', '.join(missing)}")
        if e["code"] in out:
            raise ValueError(f"{path}: language {e['code']!r} is listed twice")
        out[e["code"]] = {f: e[f] for f in LANGUAGE_FIELDS}
    curated = data.get("curated_in")
    if curated not in out:
        raise ValueError(f"{path}: 'curated_in' must be one of the languages {list(out)}, not {curated!r}")
    return out, curated


_LANGUAGES, CURATED_IN = _load_languages(LANGUAGES_FILE)
LANGS: tuple[str, ...] = tuple(_LANGUAGES)  # the languages, in page order (the first is the site's default)


def language(code: str) -> dict[str, str]:
    """One language of ``languages.yaml``: code, name, locale, web_locale, thousands and decimal separators."""
    if code not in _LANGUAGES:
        raise ValueError(f"unknown language {code!r}; use one of {LANGS} ({LANGUAGES_FILE})")
    return _LANGUAGES[code]


def _is_template(value: object) -> bool:
    if isinstance(value, str):
        return True
    return (isinstance(value, dict) and "other" in value and set(value) <= set(PLURAL_FORMS)
            and all(isinstance(v, str) for v in value.values()))


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, Template]:
    """All templates of one language: a sentence, or its plural forms ('one', 'other')."""
    language(lang)
    path = MESSAGES_DIR / f"{lang}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    bad = [k for k, v in data.items() if not _is_template(v)] if isinstance(data, dict) else ["(the file)"]
    if bad:
        raise ValueError(f"{path}: every entry must be 'key: sentence' or plural forms 'one'/'other' "
                         f"(with 'other'); not so: {', '.join(map(str, bad[:5]))}")
    return data


def forms(template: Template) -> list[str]:
    """Every wording of one entry (one sentence, or each plural form)."""
    return [template] if isinstance(template, str) else list(template.values())


def _plural(template: Template, n: object) -> str:
    if isinstance(template, str):
        return template
    return template.get("one", template["other"]) if str(n).strip() == "1" else template["other"]


def msg(key: str, lang: str, **values: object) -> str:
    """One sentence of the catalogue, with its placeholders filled."""
    cat = catalogue(lang)
    if key not in cat:
        raise KeyError(f"{MESSAGES_DIR / (lang + '.yaml')}: no message {key!r}")
    try:
        return _plural(cat[key], values.get("n")).format(**values)
    except KeyError as e:
        raise KeyError(f"{MESSAGES_DIR / (lang + '.yaml')}: message {key!r} needs placeholder {e}") from None


def join_words(items: list[str], lang: str) -> str:
    """'a, b và c' / 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return msg("list_sep", lang).join(items[:-1]) + msg("list_last", lang) + items[-1]
