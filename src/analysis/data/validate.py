"""Validate data/raw: types, pandera schemas, and cross-table rules; report every problem at once.

``load_raw()`` is the only way the package reads raw data. It never writes to ``data/raw``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data import schemas
from analysis.data.curated import load_families, load_regions
from analysis.data.locators import check_against_documents
from analysis.data.raw import LINE, read_csv_text, read_yaml
from analysis.errors import DataError, Problem
from analysis.numbers import numbers_written

FILE = "_file"
MACHINE_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

# Every file matching these patterns is read, in name order: a new source or fact file needs no code change.
SOURCE_PATTERN = "sources_*.csv"
FACT_PATTERN = "facts_*.csv"
# Per-target tracking records: which series tracks a target (same indicator or a declared proxy), what was
# searched for it, and with what outcome. Optional; several files may split the work by province.
TRACKING_PATTERN = "tracking_*.csv"
TRACKING_OUTCOMES = ("series_found", "proxy_series", "partial", "not_published")


def files_matching(raw: Path, pattern: str) -> list[str]:
    """Names of the files in ``raw`` matching ``pattern``, sorted; raises FileNotFoundError if none."""
    names = sorted(p.name for p in raw.glob(pattern) if p.is_file())
    if not names:
        raise FileNotFoundError(2, f"no file matches {pattern}", str(raw / pattern))
    return names


@dataclass
class RawData:
    """All raw tables, typed and validated. ``_file`` and ``_line`` say where each row came from."""

    sources: pd.DataFrame
    indicators: pd.DataFrame
    facts: pd.DataFrame
    population: pd.DataFrame
    crosswalk: pd.DataFrame
    dti: pd.DataFrame
    national_targets: pd.DataFrame
    checks: list[dict]
    raw_dir: Path
    tracking: pd.DataFrame | None = None
    documents_checked: str | None = None  # folder of the document texts the spans were checked against


def _coerce(df: pd.DataFrame, file_col: str | pd.Series, spec: dict[str, str], problems: list[Problem]) -> pd.DataFrame:
    """Turn text columns into numbers; a malformed cell becomes a problem naming file, line and column."""
    df = df.copy()
    for col, kind in spec.items():
        if col not in df.columns:
            continue
        optional = kind.endswith("?")
        out = []
        for i, text in enumerate(df[col]):
            if text == "":
                if not optional:
                    problems.append(Problem(_file(df, i, file_col), int(df[LINE].iat[i]), col, "value is missing"))
                out.append(None)
                continue
            if not MACHINE_NUMBER.match(text) or (kind.startswith("int") and "." in text):
                what = "a whole number" if kind.startswith("int") else "a plain number with '.' as decimal mark"
                problems.append(Problem(_file(df, i, file_col), int(df[LINE].iat[i]), col,
                                        f"malformed number: expected {what} (the source's own writing, "
                                        "e.g. '1.105.280', belongs in as_written)", text))
                out.append(None)
                continue
            out.append(float(text))
        if kind.startswith("int"):
            df[col] = pd.array([None if v is None else int(v) for v in out], dtype="Int64")
        else:
            df[col] = pd.array(out, dtype="Float64").astype("float64")
    return df


def _file(df: pd.DataFrame, i: int, file_col: str | pd.Series) -> str:
    return str(df[FILE].iat[i]) if FILE in df.columns else str(file_col)


def _pandera(df: pd.DataFrame, schema, file: str, problems: list[Problem]) -> None:
    """Run a pandera schema lazily and turn each failure into a Problem."""
    try:
        schema.validate(df, lazy=True)
    except schemas.SchemaError as err:
        fc = err.failure_cases
        for _, row in fc.iterrows():
            idx = row.get("index")
            col = row.get("column")
            check = str(row.get("check"))
            if idx is None or pd.isna(idx):
                problems.append(Problem(file, None, col if isinstance(col, str) else None,
                                        f"table check failed: {check}", str(row.get("failure_case"))))
                continue
            pos = df.index.get_loc(idx)
            fname = str(df[FILE].iat[pos]) if FILE in df.columns else file
            msg = {"field_uniqueness": "duplicate value (must be unique)",
                   "column_in_dataframe": "column is missing"}.get(check, f"failed check {check}")
            problems.append(Problem(fname, int(df[LINE].iat[pos]), col if isinstance(col, str) else None, msg,
                                    str(row.get("failure_case"))))


def _rule(df: pd.DataFrame, mask: pd.Series, column: str, message: str, problems: list[Problem],
          value_col: str | None = None) -> None:
    """Add one problem for every row where ``mask`` is True."""
    for pos in [i for i, m in enumerate(mask.fillna(False).to_numpy()) if m]:
        val = df[value_col or column].iat[pos] if (value_col or column) in df.columns else None
        problems.append(Problem(str(df[FILE].iat[pos]), int(df[LINE].iat[pos]), column, message,
                                None if val is None else str(val)))


def _read_many(raw: Path, names: list[str]) -> pd.DataFrame:
    frames, problems = [], []
    for name in names:
        try:
            d = read_csv_text(raw / name)
        except DataError as e:
            problems.extend(e.problems)
            continue
        if d.empty:  # a header and nothing else: most likely cut short, and its figures would vanish unseen
            problems.append(Problem(name, 2, None, "the file has a header but no rows: was it cut short? If it is "
                                    "meant to hold nothing, delete it"))
        d[FILE] = name
        frames.append(d)
    if problems:
        raise DataError(problems)
    return pd.concat(frames, ignore_index=True)


def _year_of(period: str) -> int | None:
    end = period.split("/")[-1]
    return int(end[:4]) if re.match(r"^\d{4}", end) else None


def _check_sources(src: pd.DataFrame, problems: list[Problem]) -> None:
    _pandera(src, schemas.sources_schema(), "sources", problems)
    for col in schemas.UNKNOWABLE:
        listed = src["unknown"].map(lambda v, c=col: c in v.split(";"))
        _rule(src, (src[col] == "") & ~listed, col,
              "field is empty but not marked unknown (add it to the 'unknown' column)", problems)
        _rule(src, (src[col] != "") & listed, "unknown", f"'{col}' is marked unknown but has a value", problems)
    ids = set(src["source_id"])
    _rule(src, (src["cited_via"] != "") & ~src["cited_via"].isin(ids), "cited_via", "unknown source id", problems)


def _check_facts(facts: pd.DataFrame, ind: pd.DataFrame, src: pd.DataFrame, province_sets: dict[str, set[str]],
                 problems: list[Problem]) -> None:
    allp = sorted(set().union(*province_sets.values()))
    _pandera(facts, schemas.facts_schema(allp, list(ind["indicator_id"]), list(src["source_id"])), "facts", problems)
    indx = ind.set_index("indicator_id")
    known = facts["indicator_id"].isin(indx.index)
    unit = facts["indicator_id"].map(indx["unit"])
    lo = facts["indicator_id"].map(indx["lower_bound"])
    hi = facts["indicator_id"].map(indx["upper_bound"])
    v = facts["value"]
    _rule(facts, known & (facts["unit"] != unit), "unit", "unit differs from the indicator's unit in indicators.csv",
          problems)
    neg = known & lo.notna() & (v < lo) & (lo >= 0)
    _rule(facts, neg & (unit != "percent"), "value", "negative count: this indicator cannot be below "
                                                     "its lower bound", problems)
    _rule(facts, known & lo.notna() & (v < lo) & (unit == "percent"), "value",
          "percentage below its lower bound 0", problems)
    _rule(facts, known & hi.notna() & (v > hi), "value", "value above the indicator's upper bound "
                                                         "(a bounded percentage over 100?)", problems)
    for boundary, codes in province_sets.items():
        _rule(facts, (facts["boundary"] == boundary) & ~facts["province_code"].isin(codes), "province_code",
              f"unknown province code for boundary {boundary}", problems)
    target = facts["kind"] == "target"
    _rule(facts, target & (facts["comparator"] == ""), "comparator", "a target needs a comparator (>=, <=, =)",
          problems)
    _rule(facts, ~target & (facts["comparator"] != ""), "comparator", "only targets take a comparator", problems)
    early = target & facts["baseline_year"].notna() & (facts["year"] < facts["baseline_year"].fillna(0))
    for pos in [i for i, m in enumerate(early.to_numpy()) if m]:
        problems.append(Problem(str(facts[FILE].iat[pos]), int(facts[LINE].iat[pos]), "baseline_year",
                                f"target deadline is earlier than its baseline year (period "
                                f"{facts['period'].iat[pos]})", str(facts["baseline_year"].iat[pos])))
    this_year = date.today().year  # an observation cannot be later than the build (a target can)
    _rule(facts, (facts["kind"] == "observation") & (facts["year"] > this_year), "period",
          f"observation dated after {this_year}, the year of this build (a typing slip? a target is kind 'target')",
          problems)
    tb = facts["tracked_by"]
    _rule(facts, (tb != "") & ~target, "tracked_by", "only targets take tracked_by", problems)
    _rule(facts, (tb != "") & tb.isin(indx.index) & (tb.map(indx["unit"]) != unit), "tracked_by",
          "tracked_by indicator has another unit", problems)
    # the value must be one of the numbers written in as_written, read in the source's number format
    fmt = facts["source_id"].map(src.set_index("source_id")["number_format"]).fillna("vi")
    exempt = facts["flags"].str.contains("derived|from_words|from_list_position", regex=True)
    bad = []
    for text, val, lang, ex in zip(facts["as_written"], v, fmt, exempt):
        if ex or pd.isna(val):
            bad.append(False)
            continue
        nums = numbers_written(text, lang)
        scaled = nums + [n * 1e6 for n in nums if re.search(r"triệu|million", text)]
        bad.append(not any(abs(n - val) <= 1e-9 * max(1.0, abs(val)) for n in scaled))
    _rule(facts, pd.Series(bad, index=facts.index), "value",
          "value is not among the numbers written in as_written (flag 'derived' or 'from_words' if "
          "computed or written in words)", problems)


def _check_families_and_regions(raw: Path, ind: pd.DataFrame, cw: pd.DataFrame, problems: list[Problem]) -> None:
    """The curated indicator families (known ids) and GSO regions (every pre-2025 province once) read by the site."""
    registry = pd.DataFrame({"province_code": sorted(set(cw["old_code"])), "boundary": "pre2025"})
    for check in (lambda: load_families(raw, set(ind["indicator_id"])), lambda: load_regions(registry, raw)):
        try:
            check()
        except DataError as e:
            problems.extend(e.problems)


def load_raw(raw_dir: Path | None = None) -> RawData:
    """Read and validate every raw table; raise DataError listing all problems found."""
    raw = Path(raw_dir) if raw_dir else config.raw_dir()
    problems: list[Problem] = []

    def guarded(fn):
        try:
            return fn()
        except DataError as e:
            problems.extend(e.problems)
            return None
        except FileNotFoundError as e:
            problems.append(Problem(Path(e.filename).name, None, None, "file is missing"))
            return None

    src = guarded(lambda: _read_many(raw, files_matching(raw, SOURCE_PATTERN)))
    ind = guarded(lambda: read_csv_text(raw / "indicators.csv"))
    facts = guarded(lambda: _read_many(raw, files_matching(raw, FACT_PATTERN)))
    tracking_files = sorted(p.name for p in raw.glob(TRACKING_PATTERN))
    tracking = guarded(lambda: _read_many(raw, tracking_files)) if tracking_files else None
    pop = guarded(lambda: read_csv_text(raw / "population_gso.csv"))
    cw = guarded(lambda: read_csv_text(raw / "admin_crosswalk_2025.csv"))
    dti = guarded(lambda: read_csv_text(raw / "dti_2022.csv"))
    nt = guarded(lambda: read_csv_text(raw / "national_targets.csv"))
    checks_path = raw / "consistency_checks.yaml"
    checks = guarded(lambda: read_yaml(checks_path) if checks_path.exists() else {"checks": []})
    if problems:
        raise DataError(problems)

    ind = _coerce(ind, "indicators.csv", {"lower_bound": "float?", "upper_bound": "float?"}, problems)
    _pandera(ind.assign(**{FILE: "indicators.csv"}), schemas.indicators_schema(), "indicators.csv", problems)
    ind[FILE] = "indicators.csv"
    _check_sources(src, problems)

    pop = _coerce(pop, "population_gso.csv", {"year": "int", "area_km2": "float", "avg_population_thousand": "float",
                                              "density_per_km2": "float"}, problems)
    pop[FILE] = "population_gso.csv"
    cw[FILE] = "admin_crosswalk_2025.csv"
    _pandera(cw, schemas.crosswalk_schema(), "admin_crosswalk_2025.csv", problems)
    province_sets = {"pre2025": set(cw["old_code"]) | {"VN"}, "post2025": set(cw["new_code"]) | {"VN"}}
    dti = _coerce(dti, "dti_2022.csv", {"year": "int", "pdti_rank": "int", **{c: "float?" for c in dti.columns if c
                  not in ("year", "pdti_rank", "province_code", "name_as_published", "source_id", LINE)}}, problems)
    dti[FILE] = "dti_2022.csv"
    nt = _coerce(nt, "national_targets.csv", {"target_year": "int", "value": "float"}, problems)
    nt[FILE] = "national_targets.csv"

    facts = _coerce(facts, "facts", {"value": "float", "baseline_year": "int?"}, problems)
    facts["year"] = pd.array([_year_of(p) or 0 for p in facts["period"]], dtype="int64")

    if not problems:  # schema checks assume well-typed columns
        _pandera(pop, schemas.population_schema(), "population_gso.csv", problems)
        _rule(pop, ~pop["province_code"].isin(province_sets["pre2025"]), "province_code", "unknown province code",
              problems)
        _pandera(dti, schemas.dti_schema(sorted(province_sets["pre2025"])), "dti_2022.csv", problems)
        _pandera(nt, schemas.national_targets_schema(), "national_targets.csv", problems)
        for df in (pop, cw, dti, nt):
            _rule(df, ~df["source_id"].isin(set(src["source_id"])), "source_id", "unknown source id", problems)
        _check_facts(facts, ind, src, province_sets, problems)
        docs_checked = _check_documents(facts, src, problems)
        if tracking is not None:
            _check_tracking(tracking, facts, ind, problems)
    check_list = (checks or {}).get("checks", [])
    if not problems:
        ids = set(facts["fact_id"])
        for i, c in enumerate(check_list):
            for fid in _fact_ids_of(c):
                if fid not in ids:
                    problems.append(Problem("consistency_checks.yaml", None, f"checks[{i}] ({c.get('id')})",
                                            "unknown fact id", fid))
        _check_self_comparisons(check_list, facts, problems)
        _check_families_and_regions(raw, ind, cw, problems)
    if problems:
        raise DataError(problems)
    return RawData(sources=src, indicators=ind, facts=facts, population=pop, crosswalk=cw, dti=dti,
                   national_targets=nt, checks=check_list, raw_dir=raw, tracking=tracking,
                   documents_checked=docs_checked)


def _check_documents(facts: pd.DataFrame, src: pd.DataFrame, problems: list[Problem]) -> str | None:
    """Spans and years against the document text, where it is available; returns the folder used (or None)."""
    docs = config.documents_dir()
    if docs is None:
        return None
    for pos, col, msg, val in check_against_documents(facts, src, docs):
        problems.append(Problem(str(facts[FILE].iat[pos]), int(facts[LINE].iat[pos]), col, msg, val))
    return str(docs)


def _check_tracking(tr: pd.DataFrame, facts: pd.DataFrame, ind: pd.DataFrame, problems: list[Problem]) -> None:
    """Tracking records name a target, an optional proxy indicator with the target's unit, and an outcome."""
    _pandera(tr, schemas.tracking_schema(list(TRACKING_OUTCOMES)), "tracking", problems)
    if problems:
        return
    targets = facts[facts["kind"] == "target"].set_index("fact_id")
    units = ind.set_index("indicator_id")["unit"]
    known = tr["target_fact_id"].isin(targets.index)
    _rule(tr, ~known, "target_fact_id", "not the fact_id of a target in facts_*.csv", problems)
    _rule(tr, tr["target_fact_id"].duplicated(keep="first"), "target_fact_id",
          "a target has one tracking record only", problems)
    tb = tr["tracked_by"]
    _rule(tr, (tb != "") & ~tb.isin(units.index), "tracked_by", "unknown indicator_id", problems)
    tunit = tr["target_fact_id"].map(targets["unit"])
    _rule(tr, (tb != "") & tb.isin(units.index) & known & (tb.map(units) != tunit), "tracked_by",
          "tracked_by indicator has another unit than the target", problems)
    _rule(tr, (tb != "") & (tr["comparability"] == ""), "comparability",
          "a proxy needs a comparability note (how it differs from the target's indicator)", problems)
    _rule(tr, tr["searched"] == "", "searched", "say what was searched (sources, queries, dates)", problems)


def _check_self_comparisons(checks: list[dict], facts: pd.DataFrame, problems: list[Problem]) -> None:
    """An `equal` check whose sides are one fact, or two derived facts, cannot fail: reject it."""
    derived = set(facts.loc[facts["flags"].str.contains("derived"), "fact_id"])
    for i, c in enumerate(checks):
        if c.get("kind") != "equal":
            continue
        a, b = c.get("a"), c.get("b")
        if a == b:
            problems.append(Problem("consistency_checks.yaml", None, f"checks[{i}] ({c.get('id')})",
                                    "compares a fact with itself: it cannot fail", a))
        elif a in derived and b in derived:
            problems.append(Problem("consistency_checks.yaml", None, f"checks[{i}] ({c.get('id')})",
                                    "both sides are derived values (they may share their inputs, so the check "
                                    "may not be able to fail): compare with a stated level", f"{a}, {b}"))


def _fact_ids_of(check: dict) -> list[str]:
    out = []
    for key in ("parts", "facts"):
        out += list(check.get(key, []))
    for key in ("total", "numerator", "denominator", "stated", "a", "b"):
        if check.get(key):
            out.append(check[key])
    return out
