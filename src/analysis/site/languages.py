"""The languages a site is built in: those of ``messages/languages.yaml`` that the run stage executed notebooks
for (``analysis run --lang vi`` gives a Vietnamese-only site), in page order."""

from __future__ import annotations

from pathlib import Path

from analysis.catalogue import LANGS


def built_languages(notebooks_dir: Path) -> tuple[str, ...]:
    """The languages with executed notebooks under ``notebooks_dir/<code>/``; every language when none has any
    (the site then reports the missing notebooks by name)."""
    built = tuple(code for code in LANGS if any((Path(notebooks_dir) / code).glob("*.ipynb")))
    return built or LANGS


def other_languages(lang: str, languages: tuple[str, ...]) -> list[str]:
    """The languages a page links to besides its own, in page order."""
    return [code for code in languages if code != lang]
