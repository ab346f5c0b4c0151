"""One province in one language: everything its report reads, loaded once (``load_context``).

The assessments are the ones the assess stage wrote (data/processed/assessments.csv), never computed again
here; a province's what-if scenarios (its parameters) are added to them (``with_scenarios``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.assess.forecast import bounds_of
from analysis.assess.progress import meets
from analysis.data.store import load_processed
from analysis.report import citations

@dataclass
class ProvinceContext:
    key: str
    lang: str
    province: pd.Series
    successor: pd.Series
    facts: pd.DataFrame
    derived: pd.DataFrame
    assessments: pd.DataFrame
    audit: pd.DataFrame
    sources: pd.DataFrame
    indicators: pd.DataFrame
    dti: pd.DataFrame
    params: dict = field(default_factory=dict)
    out_dir: Path | None = None
    processed_dir: Path | None = None
    numbering: dict = field(default_factory=lambda: {"table": 0, "figure": 0})  # numbered captions on the page
    former: pd.DataFrame | None = None  # a merged province: the pre-2025 figures of the provinces it was formed from
    registry: pd.DataFrame | None = None
    cites: dict | None = None  # {short citation: source id}, made on first use

    def cite(self, source_id: str) -> str:
        """The readable short citation of a source (author or agency, year, title), as tables print it."""
        if self.cites is None:
            self.cites = citations.citation_map(self.sources, self.lang)
        return citations.cite(self.sources, source_id, self.lang, self.cites)

    @property
    def merged(self) -> bool:
        """A province formed on 1 July 2025 from two or more provinces."""
        return self.province["boundary"] == "post2025"

    @property
    def name(self) -> str:
        return self.province[f"name_{self.lang}"] if self.lang == "en" else self.province["name_vi"]


def load_context(province_key: str, lang: str = "vi", params: dict | None = None, output_dir: str | None = None,
                 processed_dir: Path | None = None, boundary: str = "pre2025") -> ProvinceContext:
    """Load everything the report needs for one province in one language.

    ``boundary="pre2025"``: a province of the 63 (its own figures, and those of the province it became part of
    that describe it alone); ``"post2025"``: a province formed on 1 July 2025 by a merger (its own figures,
    including the ones aggregated from its former provinces).
    """
    params = params or {}
    prov = load_processed("provinces", processed_dir)
    facts_all = load_processed("facts", processed_dir)
    ind = load_processed("indicators", processed_dir)
    row = prov[(prov["key"] == province_key) & (prov["boundary"] == boundary)]
    if row.empty:
        raise ValueError(f"unknown province key {province_key!r} for boundary {boundary!r}")
    p = row.iloc[0].copy()
    if p["report_key"] != province_key:
        raise ValueError(f"{province_key!r} ({boundary}) has no report of its own: its territory did not change on "
                         f"1 July 2025, so its report is {p['report_key']!r} (data/processed/reports.csv)")
    code = p["province_code"]
    if boundary == "post2025":
        p["successor_code"] = code
        succ = p
        audit_codes = [code]
        own = lambda d: (d["province_code"] == code) & (d["boundary"] == "post2025")  # noqa: E731
    else:
        succ = prov[(prov["province_code"] == p["successor_code"]) & (prov["boundary"] == "post2025")].iloc[0]
        audit_codes = [code, p["successor_code"]]
        own = lambda d: ((d["province_code"] == code) & (d["boundary"] == "pre2025")) | (  # noqa: E731
            (d["province_code"] == p["successor_code"]) & (d["boundary"] == "post2025"))
    facts = facts_all[shown_in(facts_all, province_key)].copy()
    facts["tracked_by"] = facts["tracked_by"].fillna("")
    derived = load_processed("derived", processed_dir)
    derived = derived[own(derived)]
    assessments = own_assessments(load_processed("assessments", processed_dir), facts, ind,
                                  params.get("scenarios") or None)
    audit = load_processed("audit", processed_dir)
    audit = audit[audit["province_code"].isin(audit_codes)]
    out = Path(output_dir) if output_dir else config.build_dir() / "outputs" / province_key / lang
    parts = facts_all.iloc[0:0]
    if boundary == "post2025":
        parts = facts_all[facts_all["province_code"].isin(former_rows(prov, code)["province_code"])
                          & (facts_all["boundary"] == "pre2025")]
    return ProvinceContext(key=province_key, lang=lang, province=p, successor=succ, facts=facts, derived=derived,
                           assessments=assessments, audit=audit, sources=load_processed("sources", processed_dir),
                           indicators=ind.set_index("indicator_id"), dti=load_processed("dti_2022", processed_dir),
                           params=params, out_dir=out, processed_dir=processed_dir, former=parts,
                           registry=prov)


def shown_in(facts: pd.DataFrame, report_key: str) -> pd.Series:
    """Which rows of ``facts`` the report ``report_key`` shows: the data stage lists them (``report_keys``; a figure
    of a merged province is also in its former provinces' reports, unless aggregated from them)."""
    return facts["report_keys"].fillna("").str.split(";").map(lambda keys: report_key in keys).astype(bool)


def former_rows(registry: pd.DataFrame, code: str) -> pd.DataFrame:
    """Registry rows of the pre-2025 provinces that became (part of) the province with this code."""
    return registry[(registry["boundary"] == "pre2025") & (registry["successor_code"] == code)]


def former_assessments(ctx) -> pd.DataFrame:
    """The stored assessments of the targets that the former provinces of a merged province set for themselves
    (commitments for part of its territory); empty for a province that is not a merger's page."""
    if not getattr(ctx, "merged", False):
        return pd.DataFrame()
    parts = former_rows(ctx.registry, ctx.province["province_code"])
    stored = load_processed("assessments", ctx.processed_dir)
    return stored[stored["province_code"].isin(parts["province_code"]) & (stored["boundary"] == "pre2025")]


def own_assessments(stored: pd.DataFrame, facts: pd.DataFrame, indicators: pd.DataFrame,
                    scenarios: dict[str, float] | None = None, path: str = "assessments.csv") -> pd.DataFrame:
    """The stored assessments of the targets among ``facts``, in the facts' order, with ``scenarios`` applied.

    A target the stored table lacks means the processed data are older than the facts: a clear error."""
    ids = list(facts.loc[facts["kind"] == "target", "fact_id"])
    known = set(stored["target_fact_id"])
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValueError(f"{path}: no assessment for target(s) {', '.join(missing[:5])}; rebuild the processed "
                         "data (`make data`)")
    a = stored.set_index("target_fact_id").loc[ids].reset_index()
    for c in a.columns:
        if pd.api.types.is_string_dtype(a[c]):
            a[c] = a[c].fillna("")  # an empty text cell is '', as the assess stage made it
    return with_scenarios(a, scenarios, indicators)


def with_scenarios(assessments: pd.DataFrame, scenarios: dict[str, float] | None,
                   indicators: pd.DataFrame) -> pd.DataFrame:
    """What-if: a province's parameters may assume a yearly change of an indicator; each target it tracks gets the
    projection from its latest figure to the target year at that pace (within the indicator's bounds) and whether
    that meets the target (``scenario_annual_change``, ``scenario_projection``, ``scenario_meets``)."""
    if not scenarios or assessments.empty:
        return assessments
    a = assessments.copy()
    a["scenario_meets"] = a["scenario_meets"].astype(object).where(a["scenario_meets"].notna(), None)
    ind = indicators.set_index("indicator_id") if "indicator_id" in indicators.columns else indicators
    for i, r in a.iterrows():
        indicator = r["tracked_by"] or r["indicator_id"]
        if indicator not in scenarios:
            continue
        change = float(scenarios[indicator])
        a.at[i, "scenario_annual_change"] = change
        if not r["n_points"] > 0:
            continue
        proj = float(r["last_value"]) + change * max(float(r["target_year"]) - float(r["last_year"]), 0.0)
        bounds = bounds_of(ind, indicator)
        if bounds:
            proj = min(max(proj, bounds[0] if bounds[0] is not None else -float("inf")),
                       bounds[1] if bounds[1] is not None else float("inf"))
        a.at[i, "scenario_projection"] = float(proj)
        a.at[i, "scenario_meets"] = meets(proj, float(r["target"]), r["comparator"])
    return a
