"""Candidate facts from a Vietnamese document: every figure with its span, line, period, kind and unit.

``extract_document(path)`` reads plain text, HTML, DOCX or a PDF with a text layer and returns one row per
figure in the columns of ``data/raw/facts_*.csv`` plus ``indicator_confidence``, ``context`` and an
empty ``accept`` column for review. Codes (``749/QĐ-TTg``, ``09-NQ/TU``), dates (also a day and month,
``ngày 18/4``), years, footnote markers, list numbers, page references, durations and ages are read as what they
are, never as figures. Multipliers scale a figure (``1,488 triệu hồ sơ`` = 1 488 000); a target cue makes targets
of the figures after it in its sentence, and a heading (``MỤC TIÊU ĐẾN NĂM 2025``) of the list under it; a
figure said again is one row. Nothing is written to ``data/raw`` here; ``analysis.data.curate.accept`` appends
reviewed rows.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from pathlib import Path

import pandas as pd

from analysis.data.extract_classify import (
    _as_written,
    _breakdown,
    _comparator,
    _flags,
    _heading,
    _kind,
    in_span,
    _period,
    _unit,
)
from analysis.data.extract_figures import (
    _Doc,
    _end_year,
    _figures,
    _masked,
    _sentences,
    _Span,
)
from analysis.data.extract_patterns import _BIBLIO, _OBS_CUES, _VERSUS_TARGET
from analysis.data.extract_read import ExtractError, read_document
from analysis.vinumbers import nfc, qualifier_before

FACT_COLUMNS = ["fact_id", "province_code", "boundary", "indicator_id", "breakdown", "kind", "period", "value",
                "unit", "comparator", "baseline_year", "tracked_by", "source_id", "cited_source_id", "locator",
                "as_written", "flags", "scope_note"]
REVIEW_COLUMNS = ["accept"] + FACT_COLUMNS + ["indicator_confidence", "context"]


def _duplicates(rows: list[dict], spans: list[tuple[int, _Span, str, tuple[int, int]]],
                headline: int | None) -> set[int]:
    """Rows that say again what an earlier row said: a denominator repeating a figure of its line ('30/34 chỉ
    tiêu; còn lại 04/34'), the same figure in the same words (a repeated sentence or lead), and a headline figure
    the body gives again."""
    drop: set[int] = set()
    seen: dict[tuple, int] = {}
    for i, (row, (n, span, line, sent)) in enumerate(zip(rows, spans)):
        key = (row["value"], row["unit"], row["kind"], row["period"])
        if span.denominator and any(rows[j]["value"] == row["value"] and rows[j]["unit"] == row["unit"]
                                    for j, (m, *_) in enumerate(spans[:i]) if m == n and j not in drop):
            drop.add(i)
            continue
        window = (tuple(line[sent[0]:span.start].lower().split()[-4:]),
                  tuple(line[span.end:sent[1]].lower().split()[:4]))  # the words around it, in its sentence
        if (key, window) in seen:
            drop.add(i)
            continue
        seen[(key, window)] = i
    if headline is not None:
        body = [(r["value"], r["unit"], r["kind"]) for r, (n, *_) in zip(rows, spans) if n != headline]

        def restated(r: dict) -> bool:  # 'hơn 27.000 Tổ' in the headline, '27.218 Tổ' in the body
            near = r["flags"] and any(f in r["flags"] for f in ("approx", "lower_bound", "upper_bound"))
            return any(u == r["unit"] and k == r["kind"] and (v == r["value"] or near and v
                       and abs(v - r["value"]) <= 0.05 * abs(v)) for v, u, k in body)

        drop |= {i for i, (r, (n, *_)) in enumerate(zip(rows, spans)) if n == headline and restated(r)}
    return drop


BIBLIO_LINE = 500  # a line this short with a URL or a publisher is a reference entry; a longer one is a paragraph


def _cited(line: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of ``line`` that cite rather than report: the whole of a short reference line, or in a long line
    (a document without line breaks) only the sentences with a URL, publisher or ISBN."""
    if not _BIBLIO.search(line):
        return []
    if len(line) <= BIBLIO_LINE:
        return [(0, len(line))]
    return [(a, b) for a, b in sents if _BIBLIO.search(line, a, b)]


def _within(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The span of the sorted, disjoint ``spans`` holding ``pos`` (a bisection: long lines have many)."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return spans[i] if i >= 0 and spans[i][0] <= pos < spans[i][1] else None


def _document_years(lines: list[str]) -> _Doc:
    doc = _Doc(lines)
    past, future = [], []
    for line in lines:
        cited = _cited(line, _sentences(line))
        if cited == [(0, len(line))]:
            continue
        _, anchors = _masked(line)
        for a in anchors:
            if a.period == "now" or _within(a.pos, cited):
                continue
            y = int(a.period[:4])
            (future if a.future else past).append(y)
            if a.future:
                doc.target_years.append(_end_year(a.period))
    doc.year = max(past) if past else (min(future) if future else None)
    return doc


def _guess_indicator(context: str, unit: str, catalogue: pd.DataFrame | None) -> tuple[str, float]:
    if catalogue is None or catalogue.empty:
        return "", 0.0
    words = set(re.findall(r"\w+", context.lower()))
    best, score = "", 0.0
    for ind, name, iunit in zip(catalogue["indicator_id"], catalogue["name_vi"], catalogue["unit"]):
        nw = set(re.findall(r"\w+", str(name).lower()))
        if not nw:
            continue
        s = len(words & nw) / len(nw)
        if iunit != unit:
            s *= 0.5
        if s > score:
            best, score = ind, s
    return (best, round(score, 2)) if score >= 0.3 else ("", round(score, 2))


def extract_lines(lines: list[str], *, province_code: str = "", source_id: str = "", boundary: str = "",
                  catalogue: pd.DataFrame | None = None, as_of: int | None = None) -> pd.DataFrame:
    """Candidate facts from a document's lines (see the module docstring)."""
    lines = [nfc(x) for x in lines]
    doc = _document_years(lines)
    rows = []
    spans: list[tuple[int, _Span, str, tuple[int, int]]] = []
    heading_year: int | None = None
    prev_target_year: int | None = None
    carried = ""
    nonempty = [n for n, line in enumerate(lines, start=1) if line.strip()]
    first = lines[nonempty[0] - 1].strip() if nonempty else ""
    headline = (nonempty[0] if len(nonempty) > 1 and len(first) <= 200 and not re.search(r"[.:;]\s*$", first)
                else None)  # a title line: what it says, the body says again
    for n, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        what, year = _heading(stripped, doc)
        if what == "target":
            heading_year = year
            continue
        if what == "other" or (heading_year is not None and not re.match(r"^[-+•–*]", stripped)
                               and len(stripped) > 40):
            heading_year = None  # the list under the heading has ended
        sents = _sentences(line)
        cited = _cited(line, sents)
        if cited == [(0, len(line))] or re.match(r"^\s*\(\d{1,3}\)", line):
            continue
        masked, anchors = _masked(line)
        anchors = [a for a in anchors if not _within(a.pos, cited)]
        line_target = ""
        for a in anchors:
            if a.future:
                prev_target_year = _end_year(a.period)
        for span in _figures(masked, line):
            if _within(span.start, cited):
                continue
            sent = _within(span.start, sents) or (0, len(line))
            sentence = line[sent[0]:sent[1]]
            unit, unit_word = _unit(line, span)
            q = qualifier_before(line[sent[0]:span.start])
            inside = in_span(anchors, sent)
            kind = _kind(sentence, span.start - sent[0], unit, heading_year,
                         [replace(a, pos=a.pos - sent[0]) for a in inside], doc)
            own_time = any(not a.future and not a.baseline for a in inside)
            if (kind == "observation" and line_target and not own_time and not _OBS_CUES.search(sentence)
                    and not _VERSUS_TARGET.search(sentence) and unit == "percent"):
                kind = "target"  # the list of targets goes on in the next sentence of the paragraph
            period, inferred = _period(kind, span, anchors, sent, heading_year, doc, prev_target_year, as_of, carried,
                                       sentence)
            if kind == "target" and line_target and not inferred is False and line_target != period:
                if not any(a.future for a in inside):
                    period = line_target
            if kind == "target":
                line_target = period
            as_written = _as_written(line, span, unit_word, sent)
            ctx_start = max(sent[0], span.start - 120)
            context = line[ctx_start:min(sent[1], span.end + 80)].strip()
            ind, conf = _guess_indicator(line[max(sent[0], span.start - 80):min(sent[1], span.end + 80)], unit,
                                         catalogue)
            flags = _flags(kind, q, span, inferred, unit)
            spans.append((n, span, line, sent))
            rows.append({
                "accept": "", "fact_id": "", "province_code": province_code, "boundary": boundary,
                "indicator_id": ind, "breakdown": _breakdown(as_written), "kind": kind, "period": period,
                "value": span.value, "unit": unit, "comparator": _comparator(kind, q, flags),
                "baseline_year": "", "tracked_by": "", "source_id": source_id, "cited_source_id": "",
                "locator": f"line {n}", "as_written": as_written, "flags": ";".join(flags), "scope_note": "",
                "indicator_confidence": conf, "context": context,
            })
        past = [a for a in anchors if not a.future and not a.baseline and a.period != "now"]
        if past:
            carried = str(_end_year(past[-1].period.removesuffix("/*")))
    drop = _duplicates(rows, spans, headline)
    return pd.DataFrame([r for i, r in enumerate(rows) if i not in drop], columns=REVIEW_COLUMNS)


def extract_document(path: Path, **kw) -> pd.DataFrame:
    """Read ``path`` and extract its candidate facts; raises ExtractError when there is nothing to read."""
    lines = read_document(path)
    if not any(line.strip() for line in lines):
        raise ExtractError(f"{path}: no text found in the document")
    out = extract_lines(lines, **kw)
    if out.empty:
        raise ExtractError(f"{path}: no figures found in the document (nothing to review)")
    return out
