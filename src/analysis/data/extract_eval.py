"""How well ``analysis.data.extract`` finds the figures a person curated: recall and precision per document.

A curated row and a candidate match when their values are equal and their periods cover the same years
(``2023-12-31`` and ``2023`` both cover 2023; ``2021/2023`` covers 2021 to 2023; an empty curated period, where
the text does not say, matches any). ``recall_kind`` and ``precision_kind`` also ask the kind (observation or
target) to agree: the (value, year, kind) scores. Each curated row
takes at most one candidate, preferring one on the same line. Rows the curator computed rather than read
(flag ``derived``) are left out of the gold set: no extractor reads what is not written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd


def period_years(period: str) -> tuple[int, int] | None:
    years = [int(y) for y in re.findall(r"(?:^|/)(\d{4})", str(period))]
    return (years[0], years[-1]) if years else None


def _line(locator: str) -> int | None:
    m = re.search(r"line\s+(\d+)", str(locator))
    return int(m.group(1)) if m else None


@dataclass
class Score:
    document: str
    gold: int
    candidates: int
    matched_vp: int  # gold rows matched on (value, period)
    matched_vpk: int  # ... and kind
    correct_candidates: int
    missed: list[str]

    @property
    def recall(self) -> float:
        return self.matched_vp / self.gold if self.gold else 1.0

    @property
    def recall_kind(self) -> float:
        return self.matched_vpk / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct_candidates / self.candidates if self.candidates else 1.0

    @property
    def precision_kind(self) -> float:
        """Candidates right on (value, year, kind): each matched to a curated row of the same kind."""
        return self.matched_vpk / self.candidates if self.candidates else 1.0


def total(name: str, scores: list[Score]) -> Score:
    """The scores of several documents pooled into one (sums of rows, not a mean of rates)."""
    return Score(name, sum(s.gold for s in scores), sum(s.candidates for s in scores),
                 sum(s.matched_vp for s in scores), sum(s.matched_vpk for s in scores),
                 sum(s.correct_candidates for s in scores), [m for s in scores for m in s.missed])


def gold_rows(curated: pd.DataFrame) -> pd.DataFrame:
    """Curated rows an extractor can be asked to find: not derived, not a recommendation without a figure."""
    flags = curated["flags"].fillna("").astype(str)
    return curated[~flags.str.contains("derived")].reset_index(drop=True)


def score(document: str, candidates: pd.DataFrame, curated: pd.DataFrame) -> Score:
    gold = gold_rows(curated)
    cands = candidates.assign(_years=candidates["period"].map(period_years),
                              _line=candidates["locator"].map(_line)).reset_index(drop=True)
    used: set[int] = set()
    matched_vp = matched_vpk = 0
    missed = []
    for _, g in gold.iterrows():
        gy, gl, gv = period_years(g["period"]), _line(g["locator"]), float(g["value"])
        pool = [i for i, c in cands.iterrows() if i not in used and abs(float(c["value"]) - gv) < 1e-9
                and (gy is None or c["_years"] == gy)]  # an empty curated period: the text does not say
        if not pool:
            missed.append(f"{g.get('fact_id', '')} {g['value']} {g['period']} ({g['as_written']})")
            continue
        pool.sort(key=lambda i: (cands.at[i, "kind"] != g["kind"], cands.at[i, "_line"] != gl))
        i = pool[0]
        used.add(i)
        matched_vp += 1
        matched_vpk += cands.at[i, "kind"] == g["kind"]
    return Score(document, len(gold), len(cands), matched_vp, int(matched_vpk), len(used), missed)
