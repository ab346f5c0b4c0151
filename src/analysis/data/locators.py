"""Check facts against the text of the documents they cite: the span is on its line, the year is stated there.

Runs only where the documents are available (``config.documents_dir()``); the seed documents are not
redistributed with the project, so a user's clone reports the check as not run.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

LINES = re.compile(r"\blines?\s+((?:\d+(?:\s*(?:,|and|–|-|và)\s*)?)+)")
ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


def normalise(text: str) -> str:
    """NFC, one space for any run of white space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def cited_lines(locator: str) -> list[int]:
    """'line 9' -> [9]; 'lines 7 and 11' -> [7, 11]; 'section 2.2, line 25' -> [25]; no line -> []."""
    out: list[int] = []
    for m in LINES.finditer(locator):
        out += [int(n) for n in re.findall(r"\d+", m.group(1))]
    return out


def span_occurs(span: str, text: str) -> bool:
    """The span is in the text; '...' or '…' in the span stands for words left out (pieces in order)."""
    pos = 0
    for piece in ELLIPSIS.split(normalise(span)):
        if not piece:
            continue
        i = text.find(piece, pos)
        if i < 0:
            return False
        pos = i + len(piece)
    return True


def check_against_documents(facts: pd.DataFrame, sources: pd.DataFrame, docs: Path) -> list[tuple[int, str, str, str]]:
    """Problems as (row position, column, message, value) for facts whose source has a ``seed_file``."""
    seed_of = sources.set_index("source_id")["seed_file"]
    texts: dict[str, list[str]] = {}
    problems = []
    for pos, (sid, loc, span, period, flags) in enumerate(zip(facts["source_id"], facts["locator"],
                                                               facts["as_written"], facts["period"],
                                                               facts["flags"])):
        seed = seed_of.get(sid, "")
        if not seed:
            continue
        if seed not in texts:
            path = docs / seed
            texts[seed] = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        lines = texts[seed]
        nums = cited_lines(loc)
        if not lines or not nums:
            continue
        if any(n < 1 or n > len(lines) for n in nums):
            problems.append((pos, "locator", f"{seed} has {len(lines)} lines: no line {nums}", loc))
            continue
        text = " ".join(normalise(lines[n - 1]) for n in nums)
        if not span_occurs(span, text):
            problems.append((pos, "as_written", f"this span does not occur on {seed} line(s) "
                                                f"{', '.join(map(str, nums))}", span))
        if "year_inferred" not in flags.split(";"):
            for year in sorted(set(re.findall(r"\d{4}", period))):
                if year not in text:
                    problems.append((pos, "period", f"year {year} is not written on {seed} line(s) "
                                                    f"{', '.join(map(str, nums))}: flag 'year_inferred' and say "
                                                    "where it comes from in scope_note", period))
    return problems
