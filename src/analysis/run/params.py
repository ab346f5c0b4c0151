"""Province parameters: ``params/<province>.yaml`` over ``params/defaults.yaml``, validated before any kernel starts.

papermill only warns on an unknown parameter name; here an unknown key, a wrong type, an unknown province
or indicator code, or an impossible value stops with a message naming the file and the key.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis import config
from analysis.catalogue import LANGS, LANGUAGES_FILE
from analysis.data.manifest import ProcessedDataError, verify_table
from analysis.data.provinces import documented, full_build


class ParamsError(ValueError):
    """Bad parameters; the message names the file and the key."""


class ProvinceParams(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    province_key: str = Field(pattern=r"^[a-z0-9-]+$")
    province_code: str = Field(pattern=r"^\d{2}$")
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    successor_code: str = Field(pattern=r"^\d{2}$")
    boundary: Literal["pre2025", "post2025"] = "pre2025"  # post2025: a province formed on 1 July 2025
    boundary_note_vi: str = ""
    boundary_note_en: str = ""
    languages: list[str] = Field(default_factory=lambda: list(LANGS), min_length=1)  # messages/languages.yaml
    interval_levels: list[float] = Field(default_factory=lambda: [0.8, 0.95], min_length=2, max_length=2)
    show_indicators: list[str] = Field(default_factory=list)
    key_indicators: list[str] = Field(default_factory=list)
    scenarios: dict[str, float] = Field(default_factory=dict)

    @field_validator("interval_levels")
    @classmethod
    def _levels(cls, v: list[float]) -> list[float]:
        if not all(0 < x < 1 for x in v) or v[0] >= v[1]:
            raise ValueError("must be two increasing probabilities between 0 and 1, e.g. [0.8, 0.95]")
        return v

    @field_validator("languages")
    @classmethod
    def _langs(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a language is listed twice")
        if set(v) - set(LANGS):
            raise ValueError(f"unknown language {sorted(set(v) - set(LANGS))}; use those of {LANGUAGES_FILE}: {list(LANGS)}")
        return v

    @model_validator(mode="after")
    def _known_codes(self) -> "ProvinceParams":
        registry = _registry()
        if registry is None:
            return self
        pre, post, indicators = registry
        if self.boundary == "post2025":
            if self.province_code not in post:
                raise ValueError(f"province_code: unknown province code {self.province_code!r} in the 34-province "
                                 "list")
            if self.successor_code != self.province_code:
                raise ValueError("successor_code: a province in force since 1 July 2025 is its own successor "
                                 f"({self.province_code}), not {self.successor_code!r}")
        elif self.province_code not in pre:
            raise ValueError(f"province_code: unknown pre-2025 GSO province code {self.province_code!r}")
        elif self.successor_code not in post:
            raise ValueError(f"successor_code: unknown province code {self.successor_code!r} in the 34-province list")
        elif pre[self.province_code] != self.successor_code:
            raise ValueError(f"successor_code: province {self.province_code} became {pre[self.province_code]} on "
                             f"1 July 2025, not {self.successor_code}")
        for key in ("show_indicators", "key_indicators", "scenarios"):
            for ind in getattr(self, key):
                if ind not in indicators:
                    raise ValueError(f"{key}: unknown indicator id {ind!r}")
        return self

    def notebook_parameters(self, lang: str) -> dict:
        """The parameters papermill injects into a notebook (plain JSON types)."""
        d = self.model_dump()
        d["lang"] = lang
        return d


def _stamp(path: Path) -> tuple[str, int, int]:
    """A file's identity for caching what was read from it: path, modification time, size."""
    st = path.stat()
    return str(path), st.st_mtime_ns, st.st_size


def _registry() -> tuple[dict[str, str], set[str], set[str]] | None:
    """Known codes from data/raw (crosswalk and indicator catalogue); None if data/raw is absent."""
    raw = config.raw_dir()
    cw, ind = raw / "admin_crosswalk_2025.csv", raw / "indicators.csv"
    if not cw.exists() or not ind.exists():
        return None
    return _read_registry(_stamp(cw), _stamp(ind))


@functools.lru_cache(maxsize=8)
def _read_registry(cw_stamp: tuple, ind_stamp: tuple) -> tuple[dict[str, str], set[str], set[str]]:
    cw, ind = Path(cw_stamp[0]), Path(ind_stamp[0])
    with cw.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    with ind.open(encoding="utf-8-sig") as f:
        indicators = {r["indicator_id"] for r in csv.DictReader(f)}
    return {r["old_code"]: r["new_code"] for r in rows}, {r["new_code"] for r in rows}, indicators


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except UnicodeDecodeError as e:
        raise ParamsError(f"{path.name}: not UTF-8 (byte offset {e.start}); save the file as UTF-8") from None
    except yaml.YAMLError as e:
        raise ParamsError(f"{path.name}: not valid YAML: {' '.join(str(e).split())}") from None
    if not isinstance(data, dict):
        raise ParamsError(f"{path.name}: must be a mapping of keys to values")
    return data


def list_provinces(params_dir: Path | None = None) -> list[str]:
    """Province keys with their own parameter file: one per ``params/*.yaml`` except defaults.yaml."""
    return documented(Path(params_dir or config.params_dir()))


def registry(processed_dir: Path | None = None) -> list[dict]:
    """Every report the data stage listed (data/processed/reports.csv), pre- and post-2025, as parameter dicts
    with ``in_force``, ``territory_changed`` and ``successor_key``.

    A province in force since 1 July 2025 whose territory did not change keeps its pre-2025 key (one page for
    one territory); a merged one gets the ``-2025`` key of the registry.
    """
    path = Path(processed_dir or config.processed_dir()) / "reports.csv"
    if not path.exists():
        raise ParamsError(f"{path}: the province registry's list of reports is missing; run `make data` first")
    try:
        verify_table("reports", path.parent)
    except ProcessedDataError as e:
        raise ParamsError(str(e)) from None
    return [dict(r) for r in _read_reports(_stamp(path))]


REPORT_FLAGS = ("in_force", "territory_changed")  # written by pandas as True / False


@functools.lru_cache(maxsize=8)
def _read_reports(stamp: tuple) -> list[dict]:
    with Path(stamp[0]).open(encoding="utf-8") as f:
        return [{**r, **{k: r[k] == "True" for k in REPORT_FLAGS}} for r in csv.DictReader(f)]


def all_provinces(params_dir: Path | None = None, processed_dir: Path | None = None) -> list[str]:
    """What a full build runs: the provinces with a parameter file, then the 34 provinces in force (on defaults
    where they have no file), each territory once."""
    return full_build(registry(processed_dir), list_provinces(params_dir))


def load_params(province: str, overrides: dict | None = None, params_dir: Path | None = None) -> ProvinceParams:
    """Merge defaults, the province file and command-line overrides; validate; raise ParamsError on a problem."""
    d = Path(params_dir or config.params_dir())
    path = d / f"{province}.yaml"
    defaults_path = d / "defaults.yaml"
    merged = _read_yaml(defaults_path) if defaults_path.exists() else {}
    if path.exists():
        own = _read_yaml(path)
    else:  # a province of the registry with no file of its own runs on the defaults
        known = {r["province_key"]: r for r in registry()} if (config.processed_dir() / "reports.csv").exists() \
            else {}
        if province not in known:
            raise ParamsError(f"{path.name}: no such province parameter file, and {province!r} is not a province key "
                              f"of the registry (files: {', '.join(list_provinces(d))}; registry keys look like "
                              "'ha-noi' or 'tuyen-quang-2025')")
        own = {k: v for k, v in known[province].items() if k in ProvinceParams.model_fields}
    merged.update(own)
    merged.update(overrides or {})
    try:
        p = ProvinceParams.model_validate(merged)
    except ValidationError as e:
        msgs = []
        for err in e.errors():
            key = ".".join(str(x) for x in err["loc"]) or _key_in(err["msg"])
            origin = ("command line" if key.split(".")[0] in (overrides or {}) else
                      path.name if key.split(".")[0] in own else
                      defaults_path.name if key.split(".")[0] in merged else path.name)
            msg = err["msg"].removeprefix("Value error, ")
            if msg.startswith(key + ":"):
                msg = msg[len(key) + 1:].strip()
            if err["type"] == "extra_forbidden":
                msg = "unknown parameter name (check the spelling; allowed: " + ", ".join(
                    ProvinceParams.model_fields) + ")"
            msgs.append(f"{origin}: key '{key}': {msg}")
        raise ParamsError("invalid parameters for " + province + ":\n  - " + "\n  - ".join(msgs)) from None
    if p.province_key != province:
        raise ParamsError(f"{path.name}: key 'province_key': is {p.province_key!r}, the file name says {province!r}")
    registry_file = config.processed_dir() / "provinces.csv"
    if registry_file.exists() and (p.province_key, p.boundary) not in _registry_keys(_stamp(registry_file)):
        raise ParamsError(f"{path.name}: key 'province_key': {p.province_key!r} is not in the province registry "
                          f"for boundary {p.boundary!r} ({registry_file}; keys look like 'ha-noi' or "
                          "'tuyen-quang-2025'): the notebook could not find its province")
    return p


@functools.lru_cache(maxsize=8)
def _registry_keys(stamp: tuple) -> set[tuple[str, str]]:
    with Path(stamp[0]).open(encoding="utf-8-sig") as f:
        return {(r["key"], r["boundary"]) for r in csv.DictReader(f)}


def _key_in(msg: str) -> str:
    head = msg.removeprefix("Value error, ").split(":", 1)[0]
    return head if head in ProvinceParams.model_fields else ""


def parse_override(text: str) -> tuple[str, object]:
    """``key=value`` from the command line; the value is read as YAML (numbers, lists, mappings)."""
    if "=" not in text:
        raise ParamsError(f"command line: -p {text!r}: expected key=value")
    key, value = text.split("=", 1)
    try:
        return key.strip(), yaml.safe_load(value)
    except yaml.YAMLError as e:
        raise ParamsError(f"command line: -p {text!r}: the value is not valid YAML "
                          f"({' '.join(str(getattr(e, 'problem', None) or e).split())})") from None
