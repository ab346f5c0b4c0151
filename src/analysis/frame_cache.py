"""Lookups built once per table: a page build asks for thousands of names from the same small tables."""

from __future__ import annotations

from typing import Callable, Hashable, TypeVar

import pandas as pd

T = TypeVar("T")
MAX_ENTRIES = 1024
_CACHE: dict[tuple, tuple[pd.DataFrame, object]] = {}


def per_frame(df: pd.DataFrame, build: Callable[..., T], *keys: Hashable) -> T:
    """``build(df, *keys)``, computed once for this DataFrame object and these keys.

    The frame is kept beside its result, so a new frame that reuses a freed object's id is never confused with
    it; the cache is emptied when it holds MAX_ENTRIES results. Tables passed here are read-only (registry,
    sources, one indicator's facts)."""
    key = (id(df), build, *keys)
    held = _CACHE.get(key)
    if held is None or held[0] is not df:
        if len(_CACHE) >= MAX_ENTRIES:
            _CACHE.clear()
        held = _CACHE[key] = (df, build(df, *keys))
    return held[1]  # type: ignore[return-value]


def groups(df: pd.DataFrame, by) -> dict:
    """{key: the rows with that key} for a column (or a list of columns), in the order keys first appear."""
    return {k: g for k, g in df.groupby(by, sort=False)}
