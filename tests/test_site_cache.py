"""Site assembly reuses what has not changed: rendered notebook pages (by content), and images move to files."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.site import build as S
from analysis.site import notebook_html as render
from conftest import ROOT

# a 1x1 PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _executed(path: Path, text: str, error: bool = False) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": f"<p>{text}</p>"}),
                    nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()},
                                           metadata={"alt": "a dot"})]
    if error:
        cell.outputs.append(nbformat.v4.new_output("error", ename="ValueError", evalue="broken", traceback=[]))
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {text}"), cell]
    nbformat.write(nb, path)
    return path


def test_unchanged_notebooks_are_not_rendered_again(tmp_path, monkeypatch):
    a, b = _executed(tmp_path / "a.ipynb", "Hà Giang"), _executed(tmp_path / "b.ipynb", "Cao Bằng")
    cache = tmp_path / "cache"
    first = S.render_notebooks([a, b], cache)
    assert "Hà Giang" in first[a] and "Cao Bằng" in first[b]
    rendered = []
    real = render.notebook_body
    monkeypatch.setattr(render, "notebook_body", lambda p, exporter=None: rendered.append(p.name) or real(p, exporter))
    assert S.render_notebooks([a, b], cache) == first and rendered == []
    _executed(b, "Lào Cai")  # one notebook changed: only it is rendered again
    again = S.render_notebooks([a, b], cache)
    assert rendered == ["b.ipynb"] and "Lào Cai" in again[b] and again[a] == first[a]


@pytest.mark.parametrize("n", [1, 4])  # in this process, and in worker processes
def test_a_notebook_with_an_error_stops_the_render_and_is_named(tmp_path, n):
    paths = [_executed(tmp_path / f"ok{i}.ipynb", f"tỉnh {i}") for i in range(n - 1)]
    paths.append(_executed(tmp_path / "broken.ipynb", "x", error=True))
    with pytest.raises(S.SiteError, match=r"broken\.ipynb.*ValueError: broken"):
        S.render_notebooks(paths, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.tmp"))


def test_embedded_images_become_shared_files(tmp_path):
    body = S.render_notebooks([_executed(tmp_path / "a.ipynb", "x")], tmp_path / "cache")[tmp_path / "a.ipynb"]
    assert "data:image/png;base64" in body
    twice = body + body
    out = S.extract_images(twice, tmp_path / "site", "../../")
    assert "data:image" not in out
    files = list((tmp_path / "site" / "img").iterdir())
    assert len(files) == 1 and files[0].read_bytes() == PNG  # the same image on two pages is stored once
    assert out.count(f'src="../../img/{files[0].name}"') == 2 and 'alt="a dot"' in out


def test_an_empty_executed_notebook_is_named_not_a_traceback(tmp_path):
    (tmp_path / "empty.ipynb").write_bytes(b"")  # what a full disk leaves
    with pytest.raises(S.SiteError, match=r"empty\.ipynb: the executed notebook cannot be read \(0 bytes"):
        S.render_notebooks([tmp_path / "empty.ipynb"], tmp_path / "cache")


# ---------------------------------------------------------------- what each step reruns (cache keys from its inputs)
def _make_vars(text: str) -> dict[str, list[str]]:
    return {line.split(" := ")[0]: line.split(" := ")[1].removeprefix("$(wildcard ").removesuffix(")").split()
            for line in text.splitlines() if " := " in line}


def test_each_stage_reads_only_the_code_below_it():
    """From the import graph: make data reruns for none of the later stages' code, make assess for no report or
    site code, the notebooks for no site code; the site reads the stages below it."""
    from analysis.run.inputs import make_rules

    v = _make_vars(make_rules(ROOT))
    assert "src/analysis/data/process.py" in v["DATA_SRC"] and "src/analysis/assess/stage.py" in v["ASSESS_SRC"]
    later = {"DATA_SRC": ("assess/", "report/", "site/", "run/"), "ASSESS_SRC": ("report/", "site/", "run/"),
             "REPORT_SRC": ("site/",)}
    for var, folders in later.items():
        bad = [f for f in v[var] if f.removeprefix("src/analysis/").startswith(folders)]
        assert not bad, f"{var} reads {bad}"
    assert {"src/analysis/report/charts.py", "src/analysis/messages/vi.yaml"} <= set(v["REPORT_SRC"])
    assert {"src/analysis/site/build.py", "src/analysis/report/findings.py"} <= set(v["SITE_SRC"])


def test_a_site_module_leaves_every_notebook_key_and_report_code_changes_them(tmp_path):
    from analysis.run import runner

    pkg = tmp_path / "analysis"
    shutil.copytree(ROOT / "src" / "analysis", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    jobs = [runner.Job(n, "vi", ROOT / "notebooks" / f"{nb}.ipynb", tmp_path / f"{n}.ipynb", tmp_path / n,
                       {"lang": "vi"}) for n, nb in (("quang-ninh", "province"), ("compare", "compare"))]

    def codes():
        return [runner.job_inputs(j, pkg)["code"] for j in jobs]

    first = codes()
    # nothing a kernel imports: the site, the data stage's building and validation code (the report reads the
    # processed tables through data/store.py), the backtest, the command line
    for name in ("site/build.py", "site/pages.py", "data/process.py", "data/validate.py", "data/audit.py",
                 "assess/backtest.py", "cli.py"):
        with (pkg / name).open("a", encoding="utf-8") as f:
            f.write("\n# changed\n")
        assert codes() == first, name
    with (pkg / "report" / "charts.py").open("a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    changed = codes()
    assert all(a != b for a, b in zip(first, changed))
    with (pkg / "numbers.py").open("a", encoding="utf-8") as f:  # imported by the report, not under report/
        f.write("\n# changed\n")
    assert all(a != b for a, b in zip(changed, codes()))


@pytest.fixture(scope="module")
def small_copy(tmp_path_factory):
    from conftest import built_copy

    with built_copy(tmp_path_factory.mktemp("keys")) as root:
        yield root


def test_one_province_parameters_change_only_its_own_keys(small_copy):
    from analysis.run import runner

    def keys():
        env = runner.environment_hash()
        return {j.label: runner.job_key(j, env) for j in runner.plan(["quang-ninh", "bac-kan"],
                                                                     build_dir=small_copy / "build")}

    before = keys()
    path = small_copy / "params" / "bac-kan.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "interval_levels: [0.5, 0.9]\n", encoding="utf-8")
    try:
        after = keys()
    finally:
        path.write_text(original, encoding="utf-8")
    assert {k for k in before if before[k] != after[k]} == {"bac-kan (vi)", "bac-kan (en)"}
    assert keys() == before


@pytest.mark.slow
def test_a_run_stays_cached_after_a_site_template_change_and_reruns_after_its_parameters(small_copy):
    """A real notebook run: a site template change re-renders the site only (the notebook stays cached, the
    site's stamp changes); a change to the province's parameter file reruns it."""
    from analysis.run import runner
    from analysis.site import stamp

    def jobs():
        return runner.plan(["bac-kan"], langs=["vi"], compare=False, build_dir=small_copy / "build")

    first = runner.execute(jobs(), workers=1, progress=None)
    assert [r.status for r in first.results] == ["ran"], first.report()
    site_before = stamp.site_key({})
    template = small_copy / "site" / "templates" / "page.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n{# changed #}\n", encoding="utf-8")
    cached, todo = runner.split_cached(jobs(), progress=None)
    assert not todo and [r.status for r in cached.results] == ["cached"]
    assert stamp.site_key({}) != site_before  # the site is rebuilt
    path = small_copy / "params" / "bac-kan.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "interval_levels: [0.5, 0.9]\n", encoding="utf-8")
    _, todo = runner.split_cached(jobs(), progress=None)
    assert [j.label for j, _ in todo] == ["bac-kan (vi)"]
