"""The house's rooms: the site and the report keep to their stages, assessments read once (sizes and imports of
every module: test_architecture.py)."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pandas as pd
import pytest

import analysis

SRC = Path(analysis.__file__).parent
def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and n.module:
            out.add(n.module)
        elif isinstance(n, ast.Import):
            out |= {a.name for a in n.names}
    return out


@pytest.mark.parametrize("path", sorted((SRC / "site").glob("*.py")), ids=lambda p: p.name)
def test_the_site_imports_neither_the_run_stage_nor_scripts(path):
    mods = _imports(path)
    assert not [m for m in mods if m.startswith("analysis.run") or m == "analysis.cli"]
    assert "sys.path" not in path.read_text(encoding="utf-8")


def test_the_report_stage_does_not_import_the_site_or_the_run_stage():
    for path in (SRC / "report").glob("*.py"):
        assert not [m for m in _imports(path) if m.startswith(("analysis.site", "analysis.run"))], path.name


def test_charts_and_their_interactive_twins_import_one_way():
    assert "analysis.report.charts" not in _imports(SRC / "report" / "interactive.py")


def test_the_report_reads_the_stored_assessments_and_never_assesses(project, monkeypatch):
    from analysis.assess import forecast
    from analysis.report import province as R

    def refuse(*a, **k):
        raise AssertionError("the report assessed targets again")

    monkeypatch.setattr(forecast, "assess_all", refuse)
    monkeypatch.setattr(forecast, "assess_target", refuse)
    ctx = R.load_context("quang-tri", "vi", params={"scenarios": {}})
    stored = pd.read_csv(project / "data" / "processed" / "assessments.csv", dtype=str)
    assert list(ctx.assessments["target_fact_id"]) == [
        i for i in stored["target_fact_id"] if i in set(ctx.facts.loc[ctx.facts["kind"] == "target", "fact_id"])]


def test_scenarios_added_to_the_stored_assessments_are_those_the_assess_stage_computes(project):
    """What-if scenarios: the report's projection from the stored row equals assess_all's with the scenario."""
    from analysis.assess.forecast import assess_all
    from analysis.data.store import load_processed
    from analysis.report.context import own_assessments

    facts, ind = load_processed("facts"), load_processed("indicators")
    tracking = load_processed("tracking").fillna("")
    stored = load_processed("assessments")
    with_series = stored[stored["n_points"] > 0]
    if with_series.empty:
        pytest.skip("no target with a series in the evidence base")
    mine = facts[facts["fact_id"].isin(with_series["target_fact_id"]) | (facts["kind"] == "observation")]
    scen = {}
    for _, r in with_series.iterrows():
        scen[r["tracked_by"] if isinstance(r["tracked_by"], str) and r["tracked_by"] else r["indicator_id"]] = 0.7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = assess_all(mine, ind, scen, tracking=tracking)
    got = own_assessments(stored, mine, ind, scen)
    cols = ["scenario_annual_change", "scenario_projection", "scenario_meets"]
    assert got["target_fact_id"].tolist() == expected["target_fact_id"].tolist()
    assert got[cols].astype(str).values.tolist() == expected[cols].astype(str).values.tolist()
    assert got["scenario_projection"].notna().any()
