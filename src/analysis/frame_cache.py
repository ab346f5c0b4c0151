"""Lookups built once per table: a page build asks for thousands of names from the same small tables."""

from __future__ import annotations

from typing import Callable, TypeVar

import pandas as pd

T = TypeVar("T")
_CACHE: dict[tuple[int, Callable], tuple[pd.DataFrame, object]] = {}


def per_frame(df: pd.DataFrame, build: Callable[[pd.DataFrame], T]) -> T:
    """``build(df)``, computed once for this DataFrame object (and recomputed for any other one).

    The frame is kept beside its result, so a new frame that reuses a freed object's id is never confused with
    it. Tables passed here are read-only lookups (registry, sources)."""
    key = (id(df), build)
    held = _CACHE.get(key)
    if held is None or held[0] is not df:
        for k in [k for k in _CACHE if k[1] is build]:  # one frame per builder: memory stays small
            del _CACHE[k]
        held = _CACHE[key] = (df, build(df))
    return held[1]  # type: ignore[return-value]
