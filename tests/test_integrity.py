"""Stage integrity: the processed tables match the manifest `make data` wrote; the site publishes only finished
runs made from the current data, code, catalogues and parameters; the runner's cache sees a changed sentence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.cli import main
from analysis.data.manifest import MANIFEST, ProcessedDataError
from analysis.data.store import load_processed
from analysis.run import runner
from analysis.run.publish import UnpublishableRuns, check_site_inputs
from analysis.site.build import SiteInputs

from conftest import built_copy

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project copy with data/processed built (no notebooks run)."""
    with built_copy(tmp_path_factory.mktemp("integrity")) as root:
        yield root


def test_the_manifest_records_rows_and_sha256_of_every_table(built):
    folder = built / "data" / "processed"
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert set(manifest["tables"]) == set(meta["tables"])
    facts = manifest["tables"]["facts"]
    assert facts["rows"] == len(load_processed("facts")) and len(facts["sha256"]) == 64


def test_a_table_cut_at_a_row_boundary_is_refused_and_the_site_is_kept(built, tmp_path, monkeypatch, capsys):
    root = tmp_path / "proj"
    shutil.copytree(built, root)
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    path = root / "data" / "processed" / "facts.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[: len(lines) // 2]))  # a whole-row cut: still a valid CSV
    with pytest.raises(ProcessedDataError, match=r"facts\.csv is not the table `make data` wrote \(\d+ rows where "
                                                 r"manifest\.json records \d+.*make data"):
        load_processed("facts")
    out = root / "site" / "_build"
    out.mkdir(parents=True)
    (out / "index.html").write_text("last good site", encoding="utf-8")
    assert main(["site", "--no-docx", "--calibration-series", "0"]) == 1
    err = capsys.readouterr().err
    assert "facts.csv is not the table" in err and "Traceback" not in err
    assert (out / "index.html").read_text(encoding="utf-8") == "last good site"
    (root / "data" / "processed" / MANIFEST).unlink()  # tables not (all) written by make data
    with pytest.raises(ProcessedDataError, match=r"manifest\.json is missing.*make data"):
        load_processed("sources")


def test_the_runner_cache_key_follows_the_message_catalogues(tmp_path):
    pkg = tmp_path / "analysis"
    shutil.copytree(ROOT / "src" / "analysis", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    job = runner.Job("quang-ninh", "vi", ROOT / "notebooks" / "province.ipynb", tmp_path / "qn.ipynb", tmp_path / "o",
                     {"province_key": "quang-ninh", "lang": "vi"})
    before = runner.job_inputs(job, pkg)["code"]
    en = pkg / "messages" / "en.yaml"
    en.write_text(en.read_text(encoding="utf-8").replace("nb_title:", "nb_title_old: x\nnb_title:", 1),
                  encoding="utf-8")
    assert runner.job_inputs(job, pkg)["code"] != before
    (pkg / "run" / "__pycache__").mkdir(exist_ok=True)
    after = runner.job_inputs(job, pkg)["code"]
    (pkg / "run" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")  # not an input
    assert runner.job_inputs(job, pkg)["code"] == after


def _notebook(path: Path, statuses: list[str], error: bool = False) -> None:
    nb = nbformat.v4.new_notebook()
    for s in statuses:
        c = nbformat.v4.new_code_cell("x = 1")
        c.metadata["papermill"] = {"status": s}
        nb.cells.append(c)
    if error:
        nb.cells[-1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[])]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_the_site_refuses_interrupted_failed_and_stale_notebooks_and_says_which(built, tmp_path):
    build_dir = tmp_path / "build"
    jobs = runner.plan(["quang-ninh"], build_dir=build_dir)
    vi, en = [j for j in jobs if j.name == "quang-ninh"]
    cvi, cen = [j for j in jobs if j.name == "compare"]
    env = runner.environment_hash()
    _notebook(vi.output, ["completed"] * 5 + ["pending"] * 9)  # Ctrl-C during the run: no completion stamp
    _notebook(en.output, ["completed", "failed"], error=True)
    for j in (cvi, cen):
        _notebook(j.output, ["completed"] * 3)
        runner._stamp(j).write_text(json.dumps({"key": runner.job_key(j, env)}), encoding="utf-8")
    runner._stamp(cen).write_text(json.dumps({"key": "from-before-a-data-change"}), encoding="utf-8")
    problems = {j.label: why for j, why in runner.stale_runs(jobs)}
    assert problems == {"quang-ninh (vi)": "incomplete: 5 of 14 cells ran (an interrupted run?)",
                        "quang-ninh (en)": "failed (ValueError: boom)",
                        "compare (en)": "made from other data, code, sentences or parameters than the current ones"}
    inputs = SiteInputs(provinces=[{"key": "quang-ninh"}], notebooks_dir=build_dir / "notebooks",
                        outputs_dir=build_dir / "outputs", processed_dir=built / "data" / "processed",
                        raw_dir=built / "data" / "raw")
    with pytest.raises(UnpublishableRuns) as e:
        check_site_inputs(inputs)
    text = str(e.value)
    assert "3 executed notebook(s) cannot be published" in text and "vi/quang-ninh.ipynb: incomplete" in text
    vi.output.write_bytes(b"")  # what a full disk leaves
    assert runner.run_problem(vi, env).startswith("unreadable (0 bytes")


def test_a_failure_report_has_no_colour_codes_and_says_when_no_notebook_was_written(tmp_path):
    job = runner.Job("ha-giang", "vi", ROOT / "notebooks" / "province.ipynb", tmp_path / "ha-giang.ipynb",
                     tmp_path / "out", {})
    job.output.write_bytes(b"")
    text = runner.Summary([runner.Result(job, "failed", 1.0, "\x1b[0;31mOSError\x1b[0m: [Errno 28] No space")]).report()
    assert "\x1b" not in text and "OSError: [Errno 28] No space" in text
    assert "no executed notebook was written" in text and "kept at" not in text
