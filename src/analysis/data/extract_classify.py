"""What one figure is: its unit, its words as written, target or observation, period, comparator, flags, breakdown
and the heading it falls under."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from analysis.data.extract_figures import (
    _Anchor,
    _Doc,
    _end_year,
    _figures,
    _masked,
    _Span,
)
from analysis.data.extract_patterns import (
    _BREAKDOWNS,
    _CONTRAST,
    _GOVERNING_CUES,
    _HEADING_CUE,
    _HEADING_TARGET,
    _OBS_CUES,
    _OTHER_HEADING,
    _RANK_BEFORE,
    _RANK_WORDS,
    _SECTION,
    _UNIT_CAPTURE,
    _UNIT_OF,
)
from analysis.vinumbers import qualifier_before, read_digits


def _unit(original: str, span: _Span) -> tuple[str, str]:
    after = original[max(span.end, span.unit_at):]
    if _RANK_BEFORE.search(original[:span.start][-20:]) or span.words and _RANK_WORDS.match(original[span.start:]):
        return "rank", ""
    rng = re.match(r"^\s?[-–]\s?\d+(?:,\d+)?\s?%", after)
    if rng:
        return "percent", "%"
    if re.match(r"^\s?%", after):
        return "percent", "%"
    per = re.match(r"^(?:\s?[^\W\d]+){0,3}\s?/\s?(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:người\s+)?dân(?![\wà-ỹ])", after)
    if per:  # '0,7/1.000 dân': a rate per thousand inhabitants
        return f"per_{int(read_digits(per.group(1)))}_population", ""
    m = _UNIT_CAPTURE.match(after)
    if m:
        return _UNIT_OF[m.group(1)], m.group(1)
    if re.match(r"^\s?/\s?\d", after):  # 807/37.077 người: the unit follows the denominator
        m2 = re.match(r"^\s?/\s?[\d.,]+", after)
        m3 = _UNIT_CAPTURE.match(after[m2.end():]) if m2 else None
        if m3:
            return _UNIT_OF[m3.group(1)], m3.group(1)
    if _RANK_BEFORE.search(original[:span.start][-20:]) or span.words and _RANK_WORDS.match(original[span.start:]):
        return "rank", ""
    return "count", ""


def _as_written(original: str, span: _Span, unit_word: str, sent: tuple[int, int]) -> str:
    """The figure with the words that make it readable: qualifier before, unit and a few words after."""
    s0, s1 = sent
    left = original[s0:span.start]
    lw = re.findall(r"\S+\s*$", left)
    words_before = re.findall(r"\S+", left)[-3:]
    start = span.start
    if words_before:
        q = qualifier_before(" ".join(words_before))
        if q.word:
            idx = left.lower().rfind(q.word)
            if idx >= 0:
                start = s0 + idx
    end = span.end
    rest = original[span.end:s1]
    m = re.match(r"^(\s?[-–/]\s?[\d.,]+)?\s?%?", rest)
    end += m.end() if m else 0
    tail = original[end:s1]
    words = re.match(r"^((?:\s*[^\s,;:.()]+){0,4})", tail)
    if words and unit_word != "%":
        end += len(words.group(1))
    elif unit_word == "%":
        w2 = re.match(r"^((?:\s*[^\s,;:.()]+){0,4})", tail)
        end += len(w2.group(1)) if w2 else 0
    del lw
    return original[start:end].strip(" ,;:")


def _kind(sentence: str, pos: int, unit: str, heading_year: int | None, anchors: list[_Anchor], doc: _Doc) -> str:
    """Target or observation for the figure at ``pos`` (relative to the sentence; anchors are too).

    A target cue ('phấn đấu', 'mục tiêu', 'đến năm 2025', 'sẽ') governs the figures after it, up to the end of
    the sentence, a closing parenthesis it was opened in, a contrast ('trong khi', 'nhưng'), or an observation
    marker ('đã', 'hiện nay', a past year); a figure before it is not a target ('chỉ đạt 45,8%, trong khi mục
    tiêu đề ra là 50%'). A target year right after the figure in the same clause makes it a target
    ('30% GDP vào năm 2030'); so does a list under a target heading.
    """
    if unit in ("targets", "tasks"):
        return "observation"
    obs_at = [m.start() for m in _OBS_CUES.finditer(sentence)]
    future = [a.pos for a in anchors if a.future and doc.year and _end_year(a.period) >= doc.year]
    past = [a.pos for a in anchors if not a.future and not a.baseline and a.period[:4].isdigit()
            and (doc.year is None or _end_year(a.period) <= doc.year)]
    if heading_year is not None and not any(o < pos for o in obs_at + past):
        return "target"
    cues = [m.start() for m in _GOVERNING_CUES.finditer(sentence)] + future

    def governs(c: int) -> bool:
        between = sentence[c:pos]
        # a year within a few words of the cue is the target's own ('chỉ tiêu năm 2024 đạt 80%'), not a past
        later_past = [y for y in past if c < y < pos and len(sentence[c:y].split()) > 4]
        if _CONTRAST.search(between) or any(c < o < pos for o in obs_at) or later_past:
            return False
        opened = sentence[:c].count("(") > sentence[:c].count(")")
        return not (opened and ")" in between)

    if any(c <= pos and governs(c) for c in cues):
        return "target"
    if any(f > pos and not re.search(r"[,;(]", sentence[pos:f]) for f in future):
        return "target"  # 'khoảng 30% GDP vào năm 2030'
    return "observation"


def _pos(a: _Anchor) -> int:
    return a.pos


def in_span(anchors: list[_Anchor], span: tuple[int, int]) -> list[_Anchor]:
    """The anchors (sorted by position) that lie in ``span`` (start, end): found by bisection."""
    return anchors[bisect_left(anchors, span[0], key=_pos):bisect_left(anchors, span[1], key=_pos)]


def _period(kind: str, span: _Span, anchors: list[_Anchor], sent: tuple[int, int], heading_year: int | None,
            doc: _Doc, prev_target_year: int | None, as_of: int | None, carried: str = "",
            sentence_text: str = "") -> tuple[str, bool]:
    """(period, inferred?) for a figure."""
    inside = in_span(anchors, sent)
    if kind == "target":
        fut = [a for a in inside if a.future] or [a for a in inside if doc.year and a.period[:4].isdigit()
                                                  and _end_year(a.period) > doc.year]
        if fut:
            # 'khoảng 30% GDP vào năm 2030': a year right after the figure, in the same phrase, is its year
            after = [a for a in fut if a.pos > span.end and a.pos - span.end <= 40
                     and not re.search(r"[,;]|\svà\s", sentence_text[span.end - sent[0]:a.pos - sent[0]])]
            before = [a for a in fut if a.pos <= span.start]
            pick = after[0] if after else (before[-1] if before else fut[0])
            return str(_end_year(pick.period)), False
        if heading_year:
            return str(heading_year), False
        year = prev_target_year or (max(set(doc.target_years), key=doc.target_years.count)
                                    if doc.target_years else doc.year)
        return str(year), True
    # the last time named before the figure (a backward walk, not a scan of the whole line: lines can be long)
    last = next((anchors[j] for j in range(bisect_right(anchors, span.start, key=_pos) - 1, -1, -1)
                 if not anchors[j].future and not anchors[j].baseline), None)
    if last is not None and last.pos >= sent[0]:
        p = last.period
        if p == "now":  # 'đến nay': the present of the narrative (the year it last spoke of), or the document's
            now = as_of or (int(carried) if carried else None) or doc.year
            return (str(now) if now else ""), as_of is None
        if p.endswith("/*"):
            end = as_of or doc.year  # 'từ 01/7/2025 đến nay': up to when the document was written
            start = p[:-2]
            return (f"{start}/{end}" if end and int(start[:4]) < end else start[:4]), as_of is None
        return p, False
    if last is not None:  # earlier in the paragraph: the year it speaks of, inferred
        p = last.period
        if p == "now":
            now = as_of or (int(carried) if carried else None) or doc.year
            return (str(now) if now else ""), True
        return str(_end_year(p.removesuffix("/*"))), True
    if carried:  # the last time the text spoke of, in an earlier paragraph
        return carried, True
    return (str(doc.year) if doc.year else ""), True


def _comparator(kind: str, q, flags: list[str]) -> str:
    if kind != "target":
        return ""
    if q.upper:
        return "<="
    return ">="


def _flags(kind: str, q, span: _Span, inferred: bool, unit: str) -> list[str]:
    f = []
    if q.approx:
        f.append("approx")
    if kind == "observation" and q.lower:
        f.append("lower_bound")
    if kind == "observation" and q.upper:
        f.append("upper_bound")
    if span.words:
        f.append("from_words")
    if inferred:
        f.append("year_inferred")
    return f


def _breakdown(text: str) -> str:
    for rx, bd in _BREAKDOWNS:
        if re.search(rx, text, re.IGNORECASE):
            return bd
    return "total"


def _heading(line: str, doc: _Doc) -> tuple[str, int | None]:
    """('target', year) for a heading over a list of targets, ('other', None) for a heading that ends one, or
    ('', None). A target heading without a year takes the year the document's targets most often name."""
    h = _HEADING_TARGET.match(line)
    if h:
        return "target", int(h.group(1))
    if len(line) > 160 or not (line.endswith(":") or len(line) <= 100 and not re.search(r"[.;,]\s*$", line)):
        return "", None
    masked, anchors = _masked(line)
    if _figures(masked, line):
        return "", None
    if _OTHER_HEADING.search(line):
        return "other", None
    years = [_end_year(a.period) for a in anchors if a.period[:4].isdigit()
             and (a.future or doc.year and _end_year(a.period) > doc.year)]
    if years and (_HEADING_CUE.search(line) or re.search(r"(?:đến|tới)\s+năm", line, re.IGNORECASE)):
        return "target", years[0]
    if _HEADING_CUE.search(line) and doc.target_years:
        return "target", max(set(doc.target_years), key=doc.target_years.count)
    return ("other", None) if _SECTION.match(line) else ("", None)
