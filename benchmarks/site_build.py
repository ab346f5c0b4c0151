"""Site assembly time (no notebook execution), for the shipped provinces and for 63 generated provinces (copies of
Quảng Ninh's executed notebooks and outputs under other names).

Measured in one run, against the naive way: one `jupyter nbconvert --to html` CLI call per executed notebook
(which renders pages but builds no downloads, search index or Word files). Each case is built twice: "cold"
with an empty cache (every notebook rendered, every Excel file written) and "warm" with the cache of the cold
build (notebooks unchanged since the last build: the usual rebuild after a template, sentence or data-page
change). "warm, 1 worker" is the same warm build with every page made in this process (ANALYSIS_WORKERS=1):
the ratio warm / warm-1-worker shows what making the pages in forked workers gains on this machine. The search
index of identical pages is reused from the cache (pages that differ are indexed again). Word files are built in
a separate build and reported apart. The naive way is timed on 16 notebooks spread over the list and scaled to
all of them (one CLI call is about 2 s: all 126 of the generated case took minutes of `make bench`).
Needs executed notebooks in build/notebooks (run `make notebooks` first).
``--quick`` (the edit loop): the shipped provinces only, without the Word build.
Run: python benchmarks/site_build.py [--quick]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAIVE_SAMPLE = 16  # notebooks converted the naive way (one CLI call each, ~2 s), the time scaled to all of them
sys.path.insert(0, str(ROOT / "src"))

from analysis import config  # noqa: E402
from analysis.site.build import assemble, collect_inputs  # noqa: E402


def _naive(notebooks: list[Path], out: Path) -> float:
    """Seconds of one nbconvert CLI call per notebook: on ``NAIVE_SAMPLE`` of them spread over the list, scaled."""
    n = len(notebooks)
    sample = notebooks if n <= NAIVE_SAMPLE else [notebooks[round(i * (n - 1) / (NAIVE_SAMPLE - 1))]
                                                  for i in range(NAIVE_SAMPLE)]
    t0 = time.perf_counter()
    for nb in sample:
        subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        "--output-dir", str(out), str(nb)], check=True, capture_output=True)
    return (time.perf_counter() - t0) * n / len(sample)


def _generated_inputs(n: int, tmp: Path):
    """n provinces, each a copy of the executed Quảng Ninh notebooks and of their outputs (figures, tables, the
    sidecar the site reads): the same size of page, other names."""
    base = collect_inputs()
    nbdir, outdir = tmp / "notebooks", tmp / "outputs"
    provinces = []
    for i in range(n):
        key = f"province-{i:02d}"
        for lang in ("vi", "en"):
            (nbdir / lang).mkdir(parents=True, exist_ok=True)
            # each generated province's notebook differs (its name), as real provinces' do: nothing is shared
            text = (base.notebooks_dir / lang / "quang-ninh.ipynb").read_text(encoding="utf-8")
            (nbdir / lang / f"{key}.ipynb").write_text(_renamed(text, i, key), encoding="utf-8")
            _copy_outputs_as(base.outputs_dir / "quang-ninh" / lang, outdir / key / lang, i, key)
        provinces.append({"key": key, "name_vi": f"Tỉnh {i:02d}", "name_en": f"Province {i:02d}", "code": "22",
                          "successor": "22"})
    for lang in ("vi", "en"):
        shutil.copy2(base.notebooks_dir / lang / "compare.ipynb", nbdir / lang / "compare.ipynb")
        shutil.copytree(base.outputs_dir / "compare" / lang, outdir / "compare" / lang)
    base.provinces, base.notebooks_dir, base.outputs_dir = provinces, nbdir, outdir
    return base


def _renamed(text: str, i: int, key: str) -> str:
    return text.replace("Quảng Ninh", f"Tỉnh {i:02d}").replace("quang-ninh", key)


def _copy_outputs_as(src: Path, dst: Path, i: int, key: str) -> None:
    """A report's output files under the generated province's names (its JSON files rewritten to them)."""
    for f in src.rglob("*"):
        if f.is_file():
            target = dst / f.relative_to(src).parent / f.name.replace("quang-ninh", key)
            target.parent.mkdir(parents=True, exist_ok=True)
            if f.suffix == ".json":
                target.write_text(_renamed(f.read_text(encoding="utf-8"), i, key), encoding="utf-8")
            else:
                shutil.copy2(f, target)


def main() -> None:
    nbs = config.build_dir() / "notebooks"
    if not (nbs / "vi" / "quang-ninh.ipynb").exists():
        sys.exit("no executed notebooks: run `make notebooks` first")
    tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        rows = []
        quick = "--quick" in sys.argv
        cases = [("shipped", collect_inputs)] + ([] if quick else [("63 generated",
                                                                   lambda: _generated_inputs(63, tmp / "gen"))])
        for label, make_inputs in cases:
            inputs = make_inputs()
            notebooks = [inputs.notebooks_dir / lang / f"{p['key']}.ipynb" for p in inputs.provinces
                         for lang in ("vi", "en")]
            cache = tmp / f"cache-{len(rows)}"
            t0 = time.perf_counter()
            assemble(inputs, tmp / f"site-cold-{len(rows)}", calibration_series=0, docx=False, search=True,
                     cache_dir=cache)
            cold = time.perf_counter() - t0
            out = tmp / f"site-{len(rows)}"
            t0 = time.perf_counter()
            assemble(inputs, out, calibration_series=0, docx=False, search=True, cache_dir=cache)
            warm = time.perf_counter() - t0
            os.environ["ANALYSIS_WORKERS"] = "1"
            try:
                t0 = time.perf_counter()
                assemble(inputs, tmp / f"site-one-{len(rows)}", calibration_series=0, docx=False, search=True,
                         cache_dir=cache)
                one = time.perf_counter() - t0
            finally:
                os.environ.pop("ANALYSIS_WORKERS")
            with_docx = float("nan")
            if not quick:
                t0 = time.perf_counter()
                assemble(inputs, tmp / f"site-docx-{len(rows)}", calibration_series=0, docx=True, search=True,
                         cache_dir=cache)
                with_docx = time.perf_counter() - t0
            naive = _naive(notebooks, tmp / f"naive-{len(rows)}")
            pages = sum(1 for _ in out.rglob("*.html"))
            rows.append((label, len(inputs.provinces), pages, cold, warm, one, with_docx, naive))
        print("Site assembly (no notebook execution)")
        print(f"{'provinces':14} {'n':>3} {'pages':>6} {'cold s':>7} {'warm s':>7} {'warm 1 worker s':>16} "
              f"{'+ Word s':>9} {'naive nbconvert CLI s':>22} {'cold/naive':>10} {'warm/naive':>10} "
              f"{'warm/1 worker':>13}")
        for label, n, pages, cold, warm, one, with_docx, naive in rows:
            print(f"{label:14} {n:3d} {pages:6d} {cold:7.1f} {warm:7.1f} {one:16.1f} {with_docx:9.1f} {naive:22.1f} "
                  f"{cold / naive:10.2f} {warm / naive:10.2f} {warm / one:13.2f}")
        print("site = all pages in two languages + downloads + search index; cold = empty cache, warm = cache of "
              "the cold build (pages made in forked workers, one per core); warm 1 worker = the same, every page "
              "made in this process; + Word = a build that also writes the Word files; naive = province pages "
              "only, one `jupyter nbconvert` call per notebook.")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
