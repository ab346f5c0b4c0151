"""Extraction benchmark: how many curated figures `analysis extract` finds in each seed document.

Run: .venv/bin/python benchmarks/extraction.py   (prints recall and precision per document and overall,
and what was missed). The curated rows are data/raw/facts_seeds.csv; the documents are the seed texts.
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from analysis import config
from analysis.data.extract import extract_document
from analysis.data.extract_eval import score


def run() -> list:
    raw = config.raw_dir()
    facts = pd.read_csv(raw / "facts_seeds.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(raw / "sources_documents.csv", dtype=str, keep_default_na=False)
    catalogue = pd.read_csv(raw / "indicators.csv", dtype=str, keep_default_na=False)
    docs = config.documents_dir()
    scores = []
    for _, s in sources[sources["seed_file"] != ""].iterrows():
        path = docs / s["seed_file"]
        if not path.exists():
            print(f"{s['source_id']}: document {path} not found; skipped", file=sys.stderr)
            continue
        t0 = time.perf_counter()
        cands = extract_document(path, source_id=s["source_id"], catalogue=catalogue)
        dt = time.perf_counter() - t0
        sc = score(s["source_id"], cands, facts[facts["source_id"] == s["source_id"]])
        scores.append(sc)
        print(f"{s['source_id']:<18} gold {sc.gold:>3}  candidates {sc.candidates:>3}  "
              f"recall {sc.recall:.2f} (with kind {sc.recall_kind:.2f})  precision {sc.precision:.2f}  {dt:.2f} s")
        for m in sc.missed:
            print(f"    missed: {m}")
    gold = sum(s.gold for s in scores)
    cand = sum(s.candidates for s in scores)
    if gold:
        print(f"{'all documents':<18} gold {gold:>3}  candidates {cand:>3}  "
              f"recall {sum(s.matched_vp for s in scores) / gold:.2f} "
              f"(with kind {sum(s.matched_vpk for s in scores) / gold:.2f})  "
              f"precision {sum(s.correct_candidates for s in scores) / max(cand, 1):.2f}")
    return scores


def run_unseen() -> list:
    """The hand-labelled excerpts in tests/fixtures/extract (documents the extractor was not built on)."""
    here = config.project_root() / "tests" / "fixtures" / "extract"
    labels = pd.read_csv(here / "labels.csv", dtype=str, keep_default_na=False)
    scores = []
    for doc, gold in labels.groupby("document", sort=False):
        sc = score(doc, extract_document(here / doc), gold)
        scores.append(sc)
        print(f"{doc:<22} gold {sc.gold:>3}  candidates {sc.candidates:>3}  recall {sc.recall:.2f} "
              f"(with kind {sc.recall_kind:.2f})  precision {sc.precision:.2f}")
        for m in sc.missed:
            print(f"    missed: {m}")
    return scores


if __name__ == "__main__":
    print("Seed documents (the curated rows of data/raw/facts_seeds.csv):")
    run()
    print("\nUnseen documents (tests/fixtures/extract, labelled by hand first):")
    run_unseen()
