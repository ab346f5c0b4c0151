"""The curated YAML files beside the evidence base: indicator families (related indicators, for the nearest
evidence beside a target) and GSO regions (the progress grid's filter). ``make data`` validates them in data/raw
and copies them into data/processed, where the report and the site read them with these same loaders.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import yaml

from analysis import config
from analysis.errors import DataError, Problem

FAMILIES_FILE = "indicator_families.yaml"
REGIONS_FILE = "regions_gso.yaml"


def load_families(folder: Path | None = None, indicator_ids: set[str] | None = None) -> dict[str, dict]:
    """The indicator families, checked: each has notes in both languages and a list of known indicator ids.

    ``folder`` defaults to data/processed, where ``make data`` copies the validated file (a report reads no raw
    data); validation passes data/raw."""
    path = Path(folder or config.processed_dir()) / FAMILIES_FILE
    return _families(str(path), path.stat().st_mtime_ns if path.exists() else 0,
                     frozenset(indicator_ids) if indicator_ids is not None else None)


@functools.lru_cache(maxsize=4)
def _families(path: str, mtime: int, known: frozenset | None) -> dict[str, dict]:
    p = Path(path)
    if not p.exists():
        return {}
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise DataError([Problem(path, None, None, f"not valid YAML ({e})")]) from e
    fams = data.get("families") if isinstance(data, dict) else None
    if not isinstance(fams, dict):
        raise DataError([Problem(path, None, None, "needs a mapping `families:` of family id -> note_vi, note_en, "
                                                   "indicators")])
    problems = []
    for name, f in fams.items():
        if not isinstance(f, dict):
            problems.append(Problem(path, None, None, f"family {name!r} must be a mapping with note_vi, note_en, "
                                                      "indicators"))
            continue
        for key in ("note_vi", "note_en"):
            if not isinstance(f.get(key), str) or not f[key].strip():
                problems.append(Problem(path, None, None, f"family {name!r}, field {key!r}: a one-line note is "
                                                          "required"))
        ids = f.get("indicators")
        if not isinstance(ids, list) or not ids:
            problems.append(Problem(path, None, None, f"family {name!r}, field 'indicators': a list of indicator "
                                                      "ids is required"))
            continue
        unknown = [i for i in ids if known is not None and i not in known]
        if unknown:
            problems.append(Problem(path, None, None, f"family {name!r}, field 'indicators': unknown indicator "
                                                      f"id(s) {', '.join(map(str, unknown))} (not in indicators.csv)"))
    if problems:
        raise DataError(problems)
    return fams


def load_regions(registry: pd.DataFrame, folder: Path | None = None) -> dict[str, dict]:
    """The GSO regions (id -> name_vi, name_en, provinces), checked: every pre-2025 province of the registry in
    exactly one region, no unknown code. ``folder`` defaults to data/processed (copied there by ``make data``)."""
    path = Path(folder or config.processed_dir()) / REGIONS_FILE
    if not path.exists():
        return {}
    pre = set(registry.loc[(registry["boundary"] == "pre2025") & (registry["province_code"] != "VN"),
                           "province_code"])
    return _regions(str(path), path.stat().st_mtime_ns, frozenset(pre))


@functools.lru_cache(maxsize=4)
def _regions(path: str, mtime: int, pre: frozenset) -> dict[str, dict]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise DataError([Problem(path, None, None, f"not valid YAML ({e})")]) from e
    regions = data.get("regions") if isinstance(data, dict) else None
    if not isinstance(regions, dict) or not regions:
        raise DataError([Problem(path, None, None, "needs a mapping `regions:` of region id -> name_vi, name_en, "
                                                   "provinces")])
    problems, seen = [], {}
    for rid, r in regions.items():
        for key in ("name_vi", "name_en"):
            if not isinstance(r, dict) or not isinstance(r.get(key), str) or not r[key].strip():
                problems.append(Problem(path, None, None, f"region {rid!r}, field {key!r}: a name is required"))
        for code in (r.get("provinces") or []) if isinstance(r, dict) else []:
            code = str(code)
            if code not in pre:
                problems.append(Problem(path, None, None, f"region {rid!r}, field 'provinces': {code!r} is not a "
                                                          "pre-2025 province code of the registry"))
            elif code in seen:
                problems.append(Problem(path, None, None, f"region {rid!r}, field 'provinces': {code!r} is "
                                                          f"already in region {seen[code]!r}"))
            seen[code] = rid
    missing = sorted(pre - set(seen))
    if missing:
        problems.append(Problem(path, None, None, f"provinces in no region: {', '.join(missing)}"))
    if problems:
        raise DataError(problems)
    return {rid: dict(r, provinces=[str(c) for c in r["provinces"]]) for rid, r in regions.items()}
