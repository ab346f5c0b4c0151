"""Real notebooks, real papermill kernels: every province end to end, cache, fault isolation, bad parameters."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
import yaml

from analysis import cli
from analysis.run.params import ParamsError, list_provinces, load_params
from analysis.run.runner import Job, _check_names, execute, notebook_parameter_names, plan
from conftest import REGISTRY_SAMPLE, ROOT, session_provinces

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def cold_run(executed):
    return executed


def _outputs(nb):
    for cell in nb.cells:
        yield from cell.get("outputs", [])


def test_every_province_runs_end_to_end(cold_run):
    project, jobs, summary = cold_run
    assert not summary.failed, summary.report()
    assert {j.name for j in jobs} == set(session_provinces()) | {"compare"}
    assert len(jobs) == 2 * len(session_provinces()) + 2
    for job in jobs:
        nb = nbformat.read(job.output, as_version=4)
        params = nb.metadata["papermill"]["parameters"]
        assert params["lang"] == job.lang and params["output_dir"] == str(job.out_dir)
        outs = list(_outputs(nb))
        pngs = [o for o in outs if "image/png" in o.get("data", {})]
        assert pngs, f"{job.label}: no figure"
        assert all(o["metadata"]["image/png"]["alt"] for o in pngs), f"{job.label}: a figure has no alt text"
        html = "".join(o["data"].get("text/html", "") for o in outs if "data" in o)
        if job.name != "compare":
            assert params["province_key"] == job.name
            md = "".join(o["data"].get("text/markdown", "") for o in outs if "data" in o)
            assert ("Mục tiêu và tiến độ" if job.lang == "vi" else "Targets and progress") in md
            # the Bắc Kạn article sets no numeric target; provinces without a document have none either
            has_targets = job.name not in ["bac-kan", *REGISTRY_SAMPLE]
            header = "Trạng thái" if job.lang == "vi" else "Status"
            assert (header in html) == has_targets, f"{job.label}: targets table"
            assert (job.out_dir / "tables" / "targets.csv").exists()
            assert (job.out_dir / "tables" / "targets.xlsx").exists()
        assert list((job.out_dir / "figures").glob("*.png")) and list((job.out_dir / "figures").glob("*.svg"))


def test_a_full_build_covers_the_34_provinces_in_force_each_once(project):
    from analysis.run.params import all_provinces, registry

    keys = all_provinces()
    assert keys[:len(list_provinces())] == list_provinces()  # the provinces with a parameter file come first
    reg = {r["province_key"]: r for r in registry()}
    pages = [load_params(k) for k in keys if reg[k]["in_force"]]  # one page per territory in force
    post = {r["province_code"] for r in reg.values() if r["boundary"] == "post2025"} | {
        r["successor_code"] for r in reg.values()}
    assert len(pages) == 34 and {p.successor_code for p in pages} == post
    for p in pages:  # a pre-2025 key stands for a province in force only when nothing was merged into it
        parts = [r for r in reg.values() if r["boundary"] == "pre2025" and r["successor_code"] == p.successor_code]
        assert p.boundary == ("pre2025" if len(parts) == 1 else "post2025"), p.province_key
    assert not reg["can-tho"]["in_force"] and reg["can-tho-2025"]["in_force"]  # same code 92, larger territory
    q = load_params("quang-ninh")  # unchanged territory with its own file: not run a second time as -2025
    assert "quang-ninh-2025" not in keys and q.boundary == "pre2025"
    tq = load_params("tuyen-quang-2025")  # no file: the registry and the defaults
    assert (tq.boundary, tq.province_code, tq.successor_code, tq.name_vi) == ("post2025", "08", "08", "Tuyên Quang")
    assert "papi_egovernance" in tq.key_indicators  # from params/defaults.yaml
    with pytest.raises(ParamsError, match="registry keys look like"):
        load_params("tuyen-quang-2030")


def test_a_merged_province_page_shows_its_former_provinces(cold_run):
    project, jobs, _ = cold_run
    job = {(j.name, j.lang): j for j in jobs}
    for lang, words in (("vi", ("hợp nhất Bắc Kạn và Thái Nguyên", "Các tỉnh cũ", "từ ngày 1/7/2025")),
                        ("en", ("merging Bac Kan and Thai Nguyen", "former provinces", "from 1 July 2025"))):
        j = job[("thai-nguyen-2025", lang)]
        nb = nbformat.read(j.output, as_version=4)
        assert nb.metadata["papermill"]["parameters"]["boundary"] == "post2025"
        text = "".join(o["data"].get("text/markdown", "") + o["data"].get("text/html", "")
                       for o in _outputs(nb) if "data" in o)
        for w in words:
            assert w in text, f"{lang}: {w!r} missing"
        former = pd.read_csv(j.out_dir / "tables" / "former_provinces.csv")
        assert list(former.columns[1:]) == (["Bắc Kạn", "Thái Nguyên"] if lang == "vi" else ["Bac Kan", "Thai Nguyen"])
        # the figures of the merged province are its own aggregates; the figures of its parts stay in the table
        workforce = pd.read_csv(j.out_dir / "tables" / "other_indicators.csv")
        assert len(workforce) and workforce.iloc[:, -1].str.contains(
            "cộng gộp" if lang == "vi" else "aggregated").all()
    hn = nbformat.read(job[("ha-noi", "vi")].output, as_version=4)
    assert not (job[("ha-noi", "vi")].out_dir / "tables" / "former_provinces.csv").exists()
    assert "giữ nguyên địa giới" in "".join(o["data"].get("text/html", "") for o in _outputs(hn) if "data" in o)


def test_numbers_follow_the_page_language(cold_run):
    project, jobs, _ = cold_run
    qt = {j.lang: nbformat.read(j.output, as_version=4) for j in jobs if j.name == "quang-tri"}
    vi = "".join(o["data"].get("text/html", "") for o in _outputs(qt["vi"]) if "data" in o)
    en = "".join(o["data"].get("text/html", "") for o in _outputs(qt["en"]) if "data" in o)
    assert "1.105.280" in vi and "77,67%" in vi
    assert "1,105,280" in en and "77.67%" in en


def test_cache_hit_then_miss_after_parameter_change(cold_run):
    project, _, _ = cold_run
    again = execute(plan(session_provinces(), build_dir=project / "build"), workers=2, progress=None)
    assert {r.status for r in again.results} == {"cached"}
    changed = plan(session_provinces(), build_dir=project / "build")
    path = project / "params" / "can-tho.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "interval_levels: [0.5, 0.9]\n", encoding="utf-8")
    try:
        changed = plan(session_provinces(), build_dir=project / "build")
        s = execute(changed, workers=2, progress=None)
    finally:
        path.write_text(original, encoding="utf-8")
    ran = {r.job.label for r in s.results if r.status == "ran"}
    assert ran == {"can-tho (vi)", "can-tho (en)"}, s.report()
    nb = nbformat.read(next(j.output for j in changed if j.label == "can-tho (vi)"), as_version=4)
    assert nb.metadata["papermill"]["parameters"]["interval_levels"] == [0.5, 0.9]
    # back to the session's build for the tests that follow (only Cần Thơ runs again)
    back = execute(plan(["can-tho"], build_dir=project / "build", compare=False), workers=2, progress=None)
    assert {r.status for r in back.results} == {"ran"}


def _outputs_by_cell(nb) -> list:
    """Every cell's outputs without their metadata (kernel timings), for comparing two runs."""
    return [[{k: v for k, v in o.items() if k != "metadata"} for o in c.get("outputs", [])] for c in nb.cells]


def test_the_dask_path_gives_the_local_paths_notebooks_and_outputs(cold_run, tmp_path):
    """The five seed provinces on a LocalCluster of processes: same parameters, same outputs cell by cell, the
    same figure and table files, written where the local runner writes them."""
    from distributed import LocalCluster

    from analysis.run.cluster import execute_on_cluster

    project, jobs, _ = cold_run
    local = {j.label: j for j in jobs if j.name in list_provinces()}
    remote = plan(list_provinces(), build_dir=tmp_path / "build", compare=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        s = execute_on_cluster(remote, cluster.scheduler_address, progress=None)
    assert not s.failed and {r.status for r in s.results} == {"ran"}, s.report()
    assert {j.label for j in remote} == set(local)
    for j in remote:
        a, b = nbformat.read(local[j.label].output, as_version=4), nbformat.read(j.output, as_version=4)
        pa, pb = a.metadata["papermill"]["parameters"], b.metadata["papermill"]["parameters"]
        assert pb["output_dir"] == str(j.out_dir)  # the client's path, not the worker's copy
        assert {k: v for k, v in pa.items() if k != "output_dir"} == {k: v for k, v in pb.items() if k != "output_dir"}
        assert _outputs_by_cell(a) == _outputs_by_cell(b), j.label
        files = lambda d: sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())  # noqa: E731
        assert files(j.out_dir) == files(local[j.label].out_dir), j.label
        for name in files(j.out_dir):
            if name.endswith((".csv", ".png", ".json")):
                assert (j.out_dir / name).read_bytes() == (local[j.label].out_dir / name).read_bytes(), name
    # cached on the client like the local path: a second submission runs nothing
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        again = execute_on_cluster(remote, cluster.scheduler_address, progress=None)
    assert {r.status for r in again.results} == {"cached"}


def test_a_failing_notebook_does_not_stop_the_others(tmp_path):
    jobs = [Job(f"tiny{i}", "vi", FIXTURES / "tiny.ipynb", tmp_path / f"tiny{i}.ipynb", tmp_path / f"o{i}",
                {"province_key": f"p{i}", "lang": "vi"}) for i in range(2)]
    jobs.insert(1, Job("broken", "vi", FIXTURES / "failing.ipynb", tmp_path / "broken.ipynb", tmp_path / "ob",
                       {"fail": True}))
    s = execute(jobs, workers=2, progress=None)
    assert [r.job.name for r in s.failed] == ["broken"]
    assert {r.job.name for r in s.results if r.status == "ran"} == {"tiny0", "tiny1"}
    assert "deliberate failure" in s.failed[0].error and "broken" in s.report()
    kept = nbformat.read(tmp_path / "broken.ipynb", as_version=4)  # the failed notebook is kept, with its error
    assert any(o.get("output_type") == "error" for o in _outputs(kept))
    ok = nbformat.read(tmp_path / "tiny0.ipynb", as_version=4)
    assert ok.metadata["papermill"]["parameters"] == {"province_key": "p0", "lang": "vi"}
    # the metadata names a kernel that does not exist: the run succeeded because "python3" was used,
    # and that kernel is this environment's interpreter
    assert ok.metadata["kernelspec"]["name"] == "not-a-real-kernel"
    printed = ok.cells[-1].outputs[0]["text"].split()
    assert printed[:2] == ["p0", "vi"] and Path(printed[2]).parent == Path(sys.executable).parent


def test_a_warm_kernel_carries_nothing_from_one_notebook_to_the_next(tmp_path):
    """One worker, one warm kernel: a notebook that changes every kind of kernel state, then one that records
    the state it starts with. It must start as a fresh kernel would (checked against one), on the same process."""
    import random

    import numpy as np

    def job(nb, name):
        return Job(name, "vi", FIXTURES / nb, tmp_path / f"{name}.ipynb", tmp_path / name,
                   {"out": str(tmp_path / f"{name}.json")})

    warm = execute([job("leak_state.ipynb", "leak"), job("record_state.ipynb", "warm")], workers=1, force=True,
                   progress=None, warm=True)
    cold = execute([job("record_state.ipynb", "cold")], workers=1, force=True, progress=None, warm=False)
    assert not warm.failed and not cold.failed, warm.report() + cold.report()
    seen = {n: json.loads((tmp_path / f"{n}.json").read_text()) for n in ("leak", "warm", "cold")}
    assert seen["warm"]["pid"] == seen["leak"]["pid"], "the warm engine started a second kernel"
    assert seen["cold"]["pid"] != seen["leak"]["pid"]
    for key in set(seen["cold"]) - {"pid", "np_random", "py_random"}:
        assert seen["warm"][key] == seen["cold"][key], f"{key} leaked from the previous notebook"
    np.random.seed(123)
    random.seed(123)
    assert seen["warm"]["np_random"] != np.random.random() and seen["warm"]["py_random"] != random.random()
    counts = [c.execution_count for c in nbformat.read(tmp_path / "warm.ipynb", as_version=4).cells
              if c.cell_type == "code"]
    assert counts == [1, 2, 3], counts  # papermill's injected cell, then the notebook's two: numbered from 1


def test_cli_exit_code_is_1_when_a_run_fails(tmp_path, monkeypatch, capsys):
    root = tmp_path / "proj"
    for d in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / d if d != "data" else ROOT / "data", root / d,
                        ignore=shutil.ignore_patterns("processed"))
    from analysis.assess.stage import build as assess
    from analysis.data.process import build

    build(root / "data" / "raw", root / "data" / "processed")
    assess(root / "data" / "processed")
    nb = nbformat.read(root / "notebooks" / "province.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('if province_key == "bac-kan":\n    raise ValueError("boom")'))
    nbformat.write(nb, root / "notebooks" / "province.ipynb")
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    code = cli.main(["run", "bac-kan", "can-tho", "--lang", "vi", "--no-compare", "--workers", "2"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED bac-kan (vi)" in out and "boom" in out and "ran 1" in out


@pytest.mark.parametrize("overrides,expect", [
    ({"provinc_code": "22"}, "key 'provinc_code': unknown parameter name"),
    ({"interval_levels": "wide"}, "key 'interval_levels'"),
    ({"interval_levels": [0.95, 0.8]}, "two increasing probabilities"),
    ({"interval_levels": [0.8, 1.5]}, "two increasing probabilities"),
    ({"province_code": "99"}, "unknown pre-2025 GSO province code"),
    ({"successor_code": "19"}, "became 22 on 1 July 2025"),
    ({"scenarios": {"no_such_indicator": 1.0}}, "unknown indicator id"),
    ({"scenarios": {"community_teams": "many"}}, "key 'scenarios.community_teams'"),
    ({"languages": ["fr"]}, "key 'languages': unknown language ['fr']"),
])
def test_bad_parameters_are_rejected_before_any_kernel(overrides, expect):
    with pytest.raises(ParamsError) as e:
        plan(["quang-ninh"], overrides)
    assert expect in str(e.value)
    assert "command line" in str(e.value)


def test_bad_parameter_file_names_the_file(tmp_path, monkeypatch):
    d = tmp_path / "params"
    shutil.copytree(ROOT / "params", d)
    (d / "bac-kan.yaml").write_text((d / "bac-kan.yaml").read_text(encoding="utf-8") + "languagez: [vi]\n",
                                    encoding="utf-8")
    with pytest.raises(ParamsError, match=r"bac-kan.yaml: key 'languagez': unknown parameter name"):
        load_params("bac-kan", params_dir=d)
    with pytest.raises(ParamsError, match="no such province parameter file"):
        load_params("atlantis", params_dir=d)


def test_a_province_key_missing_from_the_registry_stops_before_any_kernel(project, tmp_path):
    d = tmp_path / "params"
    shutil.copytree(ROOT / "params", d)
    text = (d / "quang-ninh.yaml").read_text(encoding="utf-8")
    (d / "zz-fail.yaml").write_text(text.replace("province_key: quang-ninh", "province_key: zz-fail"), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"zz-fail\.yaml: key 'province_key': 'zz-fail' is not in the province "
                                          r"registry for boundary 'pre2025'"):
        load_params("zz-fail", params_dir=d)


def test_a_parameter_file_not_in_utf8_or_bad_yaml_after_p_is_one_line_naming_it(tmp_path):
    from analysis.run.params import parse_override

    d = tmp_path / "params"
    shutil.copytree(ROOT / "params", d)
    (d / "bac-kan.yaml").write_bytes((d / "bac-kan.yaml").read_text(encoding="utf-8").encode("cp1258", "replace"))
    with pytest.raises(ParamsError, match=r"^bac-kan\.yaml: not UTF-8"):
        load_params("bac-kan", params_dir=d)
    with pytest.raises(ParamsError, match=r"^command line: -p .*not valid YAML"):
        parse_override("scenarios={a: [}")


def test_unknown_notebook_parameter_name_fails_clearly():
    allowed = notebook_parameter_names(ROOT / "notebooks" / "province.ipynb")
    assert {"province_key", "lang", "scenarios", "output_dir"} <= allowed
    job = Job("x", "vi", ROOT / "notebooks" / "province.ipynb", Path("/tmp/x.ipynb"), Path("/tmp/x"),
              {"province_key": "quang-ninh", "langauge": "vi"})
    with pytest.raises(ParamsError, match="unknown parameter name"):
        _check_names(job, allowed)


def test_executed_notebook_stamp_records_the_key(cold_run):
    _, jobs, _ = cold_run
    stamp = jobs[0].output.with_suffix(".cache.json")
    assert len(json.loads(stamp.read_text())["key"]) == 64


def test_notebooks_run_as_they_are_from_any_directory(project, tmp_path):
    """What a researcher does in JupyterLab: open the notebook and run it, no papermill, another cwd."""
    from nbclient import NotebookClient

    for name in ("province.ipynb", "compare.ipynb"):
        nb = nbformat.read(project / "notebooks" / name, as_version=4)
        NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(tmp_path)}}
                       ).execute()
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors
        assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def test_series_charts_keep_multi_year_totals_out_and_fan_only_where_asked(project, monkeypatch):
    from analysis.report import province as R

    ctx = R.load_context("quang-ninh", "vi", output_dir=str(project / "build" / "charts-test"))
    charts_ = {c.stem: c for c in R.series_charts(ctx, max_charts=12)}
    plt.close("all")  # the charts' text is kept; their figures are not needed (and 36 open ones warn)
    turns = [c for stem, c in charts_.items() if "training_learner_turns" in stem]
    for c in turns:  # 16.104 learner-turns is the 2021–2023 total, never a 2023 point
        assert "16.104" not in c.alt, c.alt
    dti = [c for stem, c in charts_.items() if "dti_score" in stem]
    assert dti and all(c.caption == "" for c in dti)  # no target on the DTI score: no projection fan
    # the trained share ends in 2016: in 2026 too old to project (said, not drawn); in 2019 a fan to 2030
    for today, drawn in (("2026-12-01", False), ("2019-06-01", True)):
        monkeypatch.setenv("ANALYSIS_TODAY", today)
        trained = [c for c in R.series_charts(ctx, max_charts=12) if "trained_employed_share" in c.stem]
        assert trained
        labels = [t.get_label() for t in trained[0].fig.axes[0].collections]
        assert any("80%" in lab for lab in labels) is drawn, (today, labels)
        if drawn:
            assert "khoảng dự báo 80%" in trained[0].caption and "2030" in trained[0].caption
        else:
            assert "Không vẽ dự báo" in trained[0].caption and "2016" in trained[0].caption
        plt.close("all")


def test_a_series_chart_draws_no_trend_from_bounds(project):
    """Quảng Ninh's community teams (asked about in its params): 1.473 (2022), ~1.500 (2024) and 'more than 1.400'
    (2025). A bound says where a value is not: without it two figures remain, too few for a trend; said, not drawn."""
    from analysis.report import province as R

    facts = R.load_context("quang-ninh", "vi").facts
    teams = facts[(facts["indicator_id"] == "community_teams") & (facts["kind"] == "observation")]
    assert teams["flags"].fillna("").str.contains("lower_bound").sum() == 1 and teams["year"].nunique() == 3
    for lang, words in (("vi", "ngưỡng"), ("en", "bound")):
        params = yaml.safe_load((project / "params" / "quang-ninh.yaml").read_text(encoding="utf-8"))
        assert "community_teams" in params["scenarios"]  # the question a fan would answer
        ctx = R.load_context("quang-ninh", lang, params=params, output_dir=str(project / "build" / "charts-test"))
        chart = next(c for c in R.series_charts(ctx, max_charts=12) if "community_teams" in c.stem)
        assert not [t for t in chart.fig.axes[0].collections if "80%" in str(t.get_label())]
        assert words in chart.caption and "2" in chart.caption and "3" in chart.caption, chart.caption
        assert chart.caption in chart.alt
        plt.close("all")


def test_a_series_chart_does_not_join_two_vintages(project):
    """GSO's labour force 2005–2016 (preliminary 2016) and its revised 2016–2021 vintage (flagged definition_break
    from 2016): Bình Phước's chart drew both as one series, two dots at 2016. The earlier vintage is now open dots
    with its own legend entry, a dotted line marks the break, and the caption, alt text and interactive twin say so;
    a trend would rest on the revised figures only."""
    from analysis.report import province as R
    from analysis.report.figures import before_break, break_year
    from analysis.report.interactive import to_plotly

    facts = R.load_context("binh-phuoc", "vi").facts
    lf = facts[(facts["indicator_id"] == "labour_force") & (facts["kind"] == "observation")
               & (facts["boundary"] == "pre2025") & (facts["breakdown"] == "total")]
    assert break_year(lf) == 2016 and (lf["year"] == 2016).sum() == 2
    old = before_break(lf)
    assert sorted(lf.loc[old, "year"]) == sorted(lf.loc[lf["year"] < 2016, "year"]) + [2016]  # the older table's
    assert not lf.loc[old, "flags"].fillna("").str.contains("definition_break").any()
    for lang, words in (("vi", "ngắt năm 2016"), ("en", "breaks in 2016")):
        ctx = R.load_context("binh-phuoc", lang, output_dir=str(project / "build" / "charts-test"))
        chart = next(c for c in R.series_charts(ctx, max_charts=12) if "labour_force-total" in c.stem)
        ax = chart.fig.axes[0]
        dots = {ln.get_fillstyle(): ln for ln in ax.lines if ln.get_marker() == "o"}
        assert set(dots) == {"none", "full"}, dots
        assert sorted(dots["none"].get_xdata()) == sorted(lf.loc[old, "year"])
        assert min(dots["full"].get_xdata()) == 2016 and max(dots["full"].get_xdata()) == 2021
        assert "2016" in dots["none"].get_label() and dots["none"].get_label() != dots["full"].get_label()
        assert [ln.get_xdata()[0] for ln in ax.lines if ln.get_linestyle() == ":"] == [2015.5]
        assert words in chart.caption and chart.caption in chart.alt, chart.caption
        symbols = {t["name"]: t["marker"]["symbol"] for t in to_plotly(chart)["data"] if t.get("marker")}
        assert symbols[dots["none"].get_label()] == "circle-open" and symbols[dots["full"].get_label()] == "circle"
        # PCI's 2021 method change: no older figure of 2021 itself, so the earlier series is said to end in 2020
        pci = next(c for c in R.series_charts(ctx, max_charts=12) if "pci_labour_training-total" in c.stem)
        opened = [ln for ln in pci.fig.axes[0].lines if ln.get_fillstyle() == "none"]
        assert len(opened) == 1 and max(opened[0].get_xdata()) == 2020 and "2020" in opened[0].get_label()
        assert "2021" in pci.caption
        plt.close("all")


def test_a_fan_drawn_after_a_break_rests_on_the_new_series_and_the_caption_says_both(project, monkeypatch):
    """As of 2019 Quảng Ninh's trained share (2008–2016) gets a fan; with its 2012 figure flagged as a new series,
    the fan rests on 2012–2016 only, and the caption keeps both the fan's width and the break."""
    from analysis.report import province as R

    monkeypatch.setenv("ANALYSIS_TODAY", "2019-06-01")
    ctx = R.load_context("quang-ninh", "vi", output_dir=str(project / "build" / "charts-test"))
    f = ctx.facts
    hit = ((f["indicator_id"] == "trained_employed_share") & (f["kind"] == "observation")
           & (f["breakdown"] == "total") & (f["year"] == 2012))
    assert hit.sum() == 1
    ctx.facts = f.assign(flags=f["flags"].where(~hit, "definition_break"))
    chart = next(c for c in R.series_charts(ctx, max_charts=12) if "trained_employed_share" in c.stem)
    assert [t for t in chart.fig.axes[0].collections if "80%" in str(t.get_label())]  # the fan is drawn
    assert "khoảng dự báo 80%" in chart.caption and "ngắt năm 2012" in chart.caption, chart.caption
    opened = [ln for ln in chart.fig.axes[0].lines if ln.get_fillstyle() == "none"]
    assert len(opened) == 1 and max(opened[0].get_xdata()) == 2011
    plt.close("all")


def test_a_small_change_does_not_fill_a_series_chart(project):
    """Quảng Ninh's online procedures, 98,5% (2024) and 98,2% (2025): drawn top to bottom on a 0,3-point axis the
    dip looked like a fall. A share's axis spans at least ten points, never past 100% (the interactive twin too)."""
    from analysis.report import province as R
    from analysis.report.interactive import to_plotly

    ctx = R.load_context("quang-ninh", "vi", output_dir=str(project / "build" / "charts-test"))
    charts_ = R.series_charts(ctx, max_charts=12)
    share = next(c for c in charts_ if "tthc_online_share-total" in c.stem)
    lo, hi = share.fig.axes[0].get_ylim()
    assert hi - lo >= 10 and hi <= 101 and lo < 98.2 < 98.5 < hi, (lo, hi)
    assert to_plotly(share)["layout"]["yaxis"]["range"] == [round(lo, 6), round(hi, 6)]
    dti = next(c for c in charts_ if "dti_score" in c.stem)  # 0,53 to 0,78 spans enough: left as drawn
    assert dti.y_range is None and "range" not in to_plotly(dti)["layout"]["yaxis"]
    training = R.training_chart(ctx)  # bars with room above for their labels: the twin keeps that room
    lo, hi = training.fig.axes[0].get_ylim()
    assert lo == 0 and hi > max(p.get_height() for p in training.fig.axes[0].patches)
    assert to_plotly(training)["layout"]["yaxis"]["range"] == [0, round(hi, 6)]
    plt.close("all")


def test_a_series_whose_national_status_rests_on_the_panel_draws_no_fan_of_its_own(project, tmp_path, monkeypatch):
    """As of 2019 the trained share (to 2016) is forecast for the 2030 national target by the panel model: the
    province's chart says that forecast's interval and draws no single-series fan beside it."""
    from analysis.assess.stage import build
    from analysis.report import province as R

    monkeypatch.setenv("ANALYSIS_TODAY", "2019-06-01")
    processed = tmp_path / "processed"
    shutil.copytree(project / "data" / "processed", processed)
    na = build(processed)["national_assessments"]  # the assess stage, as of 2019
    row = na[(na["province_code"] == "22") & (na["indicator_id"] == "trained_employed_share")
             & (na["target_year"] == 2030) & (na["boundary"] == "pre2025")].iloc[0]
    assert row["method"].startswith("all-province panel model") and row["status"] in ("on_track", "at_risk",
                                                                                      "off_track")
    ctx = R.load_context("quang-ninh", "en", processed_dir=processed,
                         output_dir=str(project / "build" / "charts-test"))
    chart = next(c for c in R.series_charts(ctx, max_charts=12) if "trained_employed_share" in c.stem)
    assert not [t for t in chart.fig.axes[0].collections if "80%" in str(t.get_label())]
    assert "panel model" in chart.caption and "2030" in chart.caption
    low = chart.caption.split("runs from ")[1].split(" to ")[0]
    assert low.rstrip("%").replace(",", "") == f"{row['pi80_low']:.1f}"
    plt.close("all")


def test_provinces_meeting_a_national_target_are_counted_together(project, tmp_path, monkeypatch):
    """As of 2019 the trained share's 2030 statuses are panel forecasts: the number of provinces expected to meet
    the target is the sum of their chances, and its range (joint draws, one national movement shared) is wider than
    counting the provinces as independent would give (the statistical review's M9)."""
    import numpy as np

    from analysis.assess.stage import build
    from analysis.report.findings import count_sentence

    monkeypatch.setenv("ANALYSIS_TODAY", "2019-06-01")
    processed = tmp_path / "processed"
    shutil.copytree(project / "data" / "processed", processed)
    na = build(processed)["national_assessments"]
    rows = na[(na["indicator_id"] == "trained_employed_share") & (na["target_year"] == 2030)
              & (na["boundary"] == "pre2025") & (na["province_code"] != "VN")]
    forecast = rows[rows["status"].isin(["on_track", "at_risk", "off_track"])
                    & rows["method"].str.startswith("all-province panel model")]
    assert len(forecast) > 30 and (rows["meet_provinces"].dropna() == len(forecast)).all()
    r = forecast.iloc[0]
    assert abs(r["meet_expected"] - forecast["p_meet"].sum()) < 2
    independent = 2 * 1.2816 * np.sqrt((forecast["p_meet"] * (1 - forecast["p_meet"])).sum())
    assert r["meet_high"] - r["meet_low"] > 1.5 * independent
    text = count_sentence(rows, "vi")
    assert f"Trong {len(forecast)} tỉnh" in text and f"từ {int(r['meet_low'])} đến {int(r['meet_high'])} tỉnh" in text
    # today (2026) the same figures are too old to forecast: nothing is counted, nothing said
    assert count_sentence(pd.read_csv(project / "data" / "processed" / "national_assessments.csv"), "en") == ""


def test_a_comparison_row_uses_one_year_where_the_provinces_share_one(project):
    import re

    from analysis.report.compare import _years, load_compare, side_by_side

    ctx = load_compare(["quang-ninh", "binh-phuoc", "quang-tri", "can-tho", "bac-kan"], "vi")
    table = side_by_side(ctx)
    name_col = table.columns[0]
    provinces = [ctx.name(c) for c in ctx.provinces["province_code"]]
    care = [c for c in table.columns if c not in provinces and c != name_col]  # the warning, where years differ
    assert len(care) <= 1
    warned = 0
    for _, row in table.iterrows():
        ind = ctx.indicators.index[ctx.indicators["name_vi"] == row[name_col]][0]
        cells = [c for c in row[provinces] if c != "–"]
        assert all(re.search(r"\((\d{4})\)$", c) for c in cells), cells  # the year is written in every cell
        years = {re.search(r"\((\d{4})\)$", c).group(1) for c in cells}
        shared = set.intersection(*[ys for ys in (_years(ctx, c, ind) for c in ctx.provinces["province_code"]) if ys])
        if len(cells) > 1 and shared:
            assert years == {str(max(shared))}, (row[name_col], cells)
        if care and row[care[0]]:  # a warning only on a row of different years, in the indicator's own words
            assert len(years) > 1 and row[care[0]] == ctx.indicators.at[ind, "comparability_vi"], row[name_col]
            warned += 1
    assert warned >= 1  # the online dossier rate: 2024 beside 2022, across its 2023 definition change
    dti = table[table[name_col].str.contains("Xếp hạng Chỉ số chuyển đổi số")].iloc[0]
    assert all(c.endswith("(2022)") for c in dti[provinces] if c != "–")  # Cần Thơ's 2023 rank is not mixed in


def test_coverage_lists_widely_reported_indicators_first_and_leaves_gaps_blank(project):
    """The coverage heat map reads top-down: indicators more provinces report come first, then those with more
    years; a province without the indicator is a blank cell (not a '0'), and a cut name ends in '…'."""
    import matplotlib

    matplotlib.use("Agg")
    from analysis.report.compare import coverage, coverage_chart, load_compare

    ctx = load_compare(["quang-ninh", "binh-phuoc", "quang-tri", "can-tho", "bac-kan"], "en")
    cov = coverage(ctx)
    names = list(ctx.provinces["province_code"].map(ctx.name))
    provinces = cov[names].apply(lambda r: sum(bool(c) for c in r), axis=1).tolist()
    years = cov[names].apply(lambda r: sum(len(c.split(", ")) for c in r if c), axis=1).tolist()
    keys = [(-p, -y) for p, y in zip(provinces, years)]
    assert keys == sorted(keys) and provinces[0] == 5 and provinces[-1] == 1
    chart = coverage_chart(ctx)
    ax = chart.fig.axes[0]
    shown = [tx.get_text() for tx in ax.texts]
    assert "0" not in shown and "" in shown  # empty cells carry no number
    labels = [tl.get_text() for tl in ax.get_yticklabels()]
    assert all(len(s) <= 55 for s in labels) and any(s.endswith("…") for s in labels)
    xlabels = [tl.get_text() for tl in ax.get_xticklabels()]  # names head the tall chart, on short lines
    assert [x.replace("\n", " ") for x in xlabels] == names and ax.xaxis.get_ticks_position() == "top"
