"""Vietnamese alphabetical order for names shown in lists (provinces, indicators).

Python's default order compares code points, which puts 'Bình Định' before 'Bạc Liêu' and every 'Đ…' after 'Y…'.
Vietnamese dictionaries order letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (the Latin f, j,
w, z in their Latin places) and, only between words with the same letters, tones: level, huyền, hỏi, ngã, sắc,
nặng. ``vi_key`` gives that order; it is also a sound order for plain English names.
"""

from __future__ import annotations

import unicodedata

ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "ô",
            "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
RANK = {letter: i for i, letter in enumerate(ALPHABET)}
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư): part of the letter
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def vi_key(text: str) -> tuple:
    """A sort key: letters in Vietnamese alphabetical order first, then tones, then the text itself (so that
    the order is total). Spaces and punctuation come before letters, digits before letters too."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", str(text).lower()):
        if ch in TONES and tones:
            tones[-1] = TONES[ch]
        elif ch in LETTER_MARKS and letters and letters[-1][0] == 2:
            base = ALPHABET[letters[-1][1]]
            marked = unicodedata.normalize("NFC", base + ch)
            if marked in RANK:
                letters[-1] = (2, RANK[marked])
        elif unicodedata.combining(ch):
            continue
        else:
            kind = 2 if ch in RANK else 1 if ch.isdigit() else 0
            letters.append((kind, RANK[ch] if kind == 2 else ord(ch)))
            tones.append(0)
    return tuple(letters), tuple(tones), str(text)


def vi_sorted(names) -> list[str]:
    """``names`` in Vietnamese alphabetical order."""
    return sorted(names, key=vi_key)
