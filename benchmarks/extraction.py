"""Extraction benchmark: recall and precision of `analysis extract` on (value, year) and (value, year, kind).

Run: .venv/bin/python benchmarks/extraction.py [--sets seeds,unseen,tune,frozen] [--missed]

- seeds: the curated rows of data/raw/facts_seeds.csv against the five seed texts (the documents the extractor
  was built on);
- unseen: the three hand-labelled excerpts of tests/fixtures/extract;
- tune / frozen: the evaluation set of tests/fixtures/extract_eval (public excerpts of 14 other provinces,
  labelled by hand before the extractor was run on them, `split` column). Change the extractor looking at
  `tune` only (`--sets seeds,tune --missed`); `frozen` is for the report;
- one-line: the seed documents with their line breaks removed (a page saved without them), scored like `seeds`,
  and the time per 100 kB on the five seeds repeated 1, 4 and 16 times as one line, against the same text in lines
  (the cost of a line must grow with its length, not with its square).

Each set prints one line per document and the pooled totals (sums of rows, not a mean of rates).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data.extract import extract_document
from analysis.data.extract_eval import Score, score, total

SETS = ("seeds", "unseen", "tune", "frozen", "one-line")


def _line(sc: Score, width: int = 28) -> str:
    return (f"{sc.document:<{width}} gold {sc.gold:>3}  candidates {sc.candidates:>3}  recall {sc.recall:.2f} "
            f"precision {sc.precision:.2f}  | with kind: recall {sc.recall_kind:.2f} "
            f"precision {sc.precision_kind:.2f}")


def _report(name: str, scores: list[Score], missed: bool) -> Score:
    for sc in scores:
        print(_line(sc))
        if missed:
            for m in sc.missed:
                print(f"    missed: {m}")
    tot = total(f"all {name}", scores)
    print(_line(tot))
    return tot


def seeds(missed: bool = False) -> Score | None:
    raw = config.raw_dir()
    facts = pd.read_csv(raw / "facts_seeds.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(raw / "sources_documents.csv", dtype=str, keep_default_na=False)
    catalogue = pd.read_csv(raw / "indicators.csv", dtype=str, keep_default_na=False)
    docs = config.documents_dir()
    scores = []
    for _, s in sources[sources["seed_file"] != ""].iterrows():
        path = docs / s["seed_file"] if docs else None
        if path is None or not path.exists():
            print(f"{s['source_id']}: document {path} not found; skipped", file=sys.stderr)
            continue
        cands = extract_document(path, source_id=s["source_id"], catalogue=catalogue)
        scores.append(score(s["source_id"], cands, facts[facts["source_id"] == s["source_id"]]))
    return _report("seed documents", scores, missed) if scores else None


def _timed(text: str, folder: Path) -> float:
    path = folder / "doc.txt"
    path.write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    extract_document(path)
    return time.perf_counter() - t0


def one_line(missed: bool = False) -> Score | None:
    """The seeds as one line each (recall against their curated rows), and the time one long line costs."""
    raw, docs = config.raw_dir(), config.documents_dir()
    facts = pd.read_csv(raw / "facts_seeds.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(raw / "sources_documents.csv", dtype=str, keep_default_na=False)
    texts = {s["source_id"]: (docs / s["seed_file"]).read_text(encoding="utf-8")
             for _, s in sources[sources["seed_file"] != ""].iterrows() if docs and (docs / s["seed_file"]).exists()}
    if not texts:
        print("one-line: the seed documents were not found; skipped", file=sys.stderr)
        return None
    scores = []
    with tempfile.TemporaryDirectory() as tmp:
        for sid, text in texts.items():
            path = Path(tmp) / f"{sid}.txt"
            path.write_text(" ".join(text.split("\n")), encoding="utf-8")
            scores.append(score(sid, extract_document(path), facts[facts["source_id"] == sid]))
        tot = _report("seeds as one line", scores, missed)
        lined = "\n".join(texts.values())
        for k in (1, 4, 16):
            text = "\n".join([lined] * k)
            t_lines, t_one = _timed(text, Path(tmp)), _timed(text.replace("\n", " "), Path(tmp))
            per = 100_000 / len(text.encode("utf-8"))
            print(f"{len(text.encode('utf-8')) / 1000:>6.0f} kB  in lines {t_lines * per:5.2f} s per 100 kB  "
                  f"as one line {t_one * per:5.2f} s per 100 kB  ratio {t_one / t_lines:4.1f}")
    return tot


def labelled(folder: Path, split: str | None = None, missed: bool = False) -> Score:
    """Score the hand-labelled excerpts of ``folder`` (only the documents of ``split`` when given)."""
    labels = pd.read_csv(folder / "labels.csv", dtype=str, keep_default_na=False)
    if split is not None:
        labels = labels[labels["split"] == split]
    scores = [score(doc, extract_document(folder / doc), gold) for doc, gold in labels.groupby("document", sort=False)]
    return _report(f"{split or 'documents'}", scores, missed)


def run(sets: tuple[str, ...] = SETS, missed: bool = False) -> dict[str, Score | None]:
    root = config.project_root() / "tests" / "fixtures"
    out: dict[str, Score | None] = {}
    titles = {"seeds": "Seed documents (curated rows of data/raw/facts_seeds.csv; the extractor was built on them)",
              "unseen": "Unseen excerpts (tests/fixtures/extract)",
              "tune": "Evaluation set, tune part (tests/fixtures/extract_eval, split=tune)",
              "frozen": "Evaluation set, frozen part (tests/fixtures/extract_eval, split=frozen)",
              "one-line": "Seed documents without line breaks (recall, and seconds per 100 kB)"}
    for name in sets:
        print(f"\n{titles[name]}:")
        if name == "seeds":
            out[name] = seeds(missed)
        elif name == "one-line":
            out[name] = one_line(missed)
        elif name == "unseen":
            out[name] = labelled(root / "extract", None, missed)
        else:
            out[name] = labelled(root / "extract_eval", name, missed)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}")
    ap.add_argument("--missed", action="store_true", help="list the curated figures each document missed")
    a = ap.parse_args()
    chosen = tuple(s for s in a.sets.split(",") if s)
    bad = [s for s in chosen if s not in SETS]
    if bad:
        ap.error(f"unknown set(s) {', '.join(bad)}; choose from {', '.join(SETS)}")
    run(chosen, a.missed)
