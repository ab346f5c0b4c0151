"""Matching a table's row names to province codes: the names of both boundaries (with and without prefixes, GSO
English names), regions and the country left out, former provinces named by the province holding them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data.curate import _read
from analysis.data.provinces import short_name
from analysis.data.pxweb import StubRow, Table, fold
from analysis.errors import DataError, Problem

COUNTRY = {"whole country", "ca nuoc", "toan quoc", "viet nam", "vietnam", "national", "total", "tong so",
           "tong", "ca nuoc (whole country)"}


REGIONS = {
    "red river delta", "dong bang song hong",
    "northern midlands and mountain areas", "northern midlands and mountainous areas",
    "trung du va mien nui phia bac", "trung du va mien nui bac bo",
    "northern central area and central coastal area", "north central and central coastal areas",
    "north central area and central coastal area", "bac trung bo va duyen hai mien trung",
    "central highlands", "tay nguyen",
    "south east", "southeast", "dong nam bo",
    "mekong river delta", "dong bang song cuu long",
}


PREFIX = re.compile(r"^(?:tinh|thanh pho|tp\.?|t\.p\.?)\s*|\s*(?:city|province|\(city\))$")


def name_key(name: str) -> str:
    """A name reduced for matching: 'TP. Hồ Chí Minh', 'Ho Chi Minh city', 'Thành phố Hồ Chí Minh' -> 'hochiminh'."""
    s = fold(re.sub(r"\(\*+\)|\*+|\(\d\)$", " ", name))
    s = s.strip(" -–•.")
    for _ in range(2):
        s = PREFIX.sub("", s).strip()
    return re.sub(r"[^a-z0-9]+", "", s)


@dataclass
class Registry:
    """Names -> province codes for each boundary, from the registry tables in ``data/raw``."""

    names: dict[str, dict[str, str]]  # boundary -> name key -> code
    display: dict[tuple[str, str], str]  # (code, boundary) -> Vietnamese name
    former: dict[str, str]  # name key of a pre-2025 province merged away -> its post-2025 province name
    merged: set[str] = field(default_factory=set)  # post-2025 codes whose territory changed on 1 July 2025

    @classmethod
    def from_raw(cls, raw: Path) -> Registry:
        cw = _read(raw / "admin_crosswalk_2025.csv")
        pop = _read(raw / "population_gso.csv")
        size = cw.groupby("new_code")["old_code"].transform("size")
        unchanged = cw[(size == 1) & (cw["old_code"] == cw["new_code"])]
        pre: dict[str, str] = {}
        post: dict[str, str] = {}
        display: dict[tuple[str, str], str] = {}
        for _, r in cw.iterrows():
            pre[name_key(r["old_name"])] = r["old_code"]
            post[name_key(r["new_name"])] = r["new_code"]
            display[(r["old_code"], "pre2025")] = short_name(r["old_name"])
            display[(r["new_code"], "post2025")] = short_name(r["new_name"])
        for _, r in pop[pop["province_code"] != "VN"].drop_duplicates("province_code").iterrows():
            for n in (r["name_vi"], r["name_en_gso"]):
                pre.setdefault(name_key(n), r["province_code"])
        for _, r in unchanged.iterrows():  # same territory: either name will do under either boundary
            for k, c in list(pre.items()):
                if c == r["old_code"]:
                    post.setdefault(k, c)
            for k, c in list(post.items()):
                if c == r["new_code"]:
                    pre.setdefault(k, c)
        merged_away = {k: c for k, c in pre.items() if k not in post}
        former = {k: display[(cw.loc[cw["old_code"] == c, "new_code"].iloc[0], "post2025")]
                  for k, c in merged_away.items()}
        display[("VN", "pre2025")] = display[("VN", "post2025")] = "Toàn quốc"
        merged = set(cw["new_code"]) - set(unchanged["new_code"])
        return cls({"pre2025": pre, "post2025": post}, display, former, merged)

    def boundary_of(self, names: list[str]) -> str:
        """The boundary the names are of: pre2025 where provinces merged away on 1 July 2025 (Hà Giang, Bắc Kạn …)
        weigh at least half as much as names of provinces whose territory changed then (Tuyên Quang, Thái
        Nguyên …, which exist under both boundaries); post2025 where only the latter appear (a stray former name
        is then reported); pre2025 where neither does (provinces whose territory did not change: the same
        either way)."""
        keys = [name_key(n) for n in names]
        former = sum(k in self.former for k in keys)
        post = self.names["post2025"]
        changed = sum(post.get(k) in self.merged for k in keys)
        if former and 2 * former >= changed:
            return "pre2025"
        return "post2025" if changed else "pre2025"


@dataclass
class Match:
    line: int
    name: str
    code: str | None
    kind: str  # province, country, region, former, unmatched
    note: str = ""


def match_name(name: str, registry: Registry, boundary: str, line: int = 0) -> Match:
    """What a row name of a table is under ``boundary``: a province (with its code), the country, a region,
    a former province (post2025 only) or nothing known."""
    return _match_rows([(line, name)], registry, boundary)[0]


def _match(table: Table, registry: Registry, boundary: str) -> list[Match]:
    out = _match_rows([(r.line, r.name) for r in table.rows], registry, boundary)
    seen: dict[str, Match] = {}
    for m in out:
        if m.code is None:
            continue
        if m.code in seen:
            raise DataError([Problem(table.path.name, m.line, table.stub_label,
                                     f"two rows name province {m.code}: “{seen[m.code].name}” "
                                     f"({table.line_word} {seen[m.code].line}) and “{m.name}”", m.name)])
        seen[m.code] = m
    return out


def _match_rows(rows: list[tuple[int, str]], registry: Registry, boundary: str) -> list[Match]:
    names = registry.names[boundary]
    out = []
    for line, name in rows:
        r = StubRow(line, name, [])
        k, f = name_key(r.name), fold(r.name).strip(" -–•.")
        f = re.sub(r"\(\*+\)|\*+", "", f).strip()
        if k in names:
            out.append(Match(r.line, r.name, names[k], "province"))
        elif f in COUNTRY or k in {name_key(c) for c in COUNTRY}:
            out.append(Match(r.line, r.name, "VN", "country"))
        elif f in REGIONS or k in {name_key(x) for x in REGIONS}:
            out.append(Match(r.line, r.name, None, "region"))
        elif boundary == "post2025" and k in registry.former:
            out.append(Match(r.line, r.name, None, "former",
                             f"a province before 1 July 2025, now part of {registry.former[k]}; import the table "
                             "with --boundary pre2025"))
        else:
            out.append(Match(r.line, r.name, None, "unmatched", "no province of the registry by this name"))
    return out
