"""Findings first: the generated summary says what the assessment and the evidence base say, in each language."""

from __future__ import annotations

import html
import re
import string

import pandas as pd
import pytest

from analysis import catalogue as C
from analysis.catalogue import MESSAGES_DIR, catalogue, forms, msg
from analysis.labels import status_label
from analysis.report import findings as F


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_catalogues_have_the_same_messages_and_placeholders():
    vi, en = catalogue("vi"), catalogue("en")
    assert set(vi) == set(en), set(vi) ^ set(en)
    for key in vi:
        wordings = forms(vi[key]) + forms(en[key])  # every plural form of both languages
        assert all(_fields(w) == _fields(wordings[0]) for w in wordings), key


def test_a_count_of_one_reads_in_the_singular_in_english_and_vietnamese_keeps_one_sentence():
    line = dict(indicator="Online dossier rate", y0=2022, y1=2024)
    assert msg("ind_chart_line_alt", "en", n=1, **line) == ("Line chart of Online dossier rate for 1 province "
                                                            "from 2022 to 2024.")
    assert "for 2 provinces from" in msg("ind_chart_line_alt", "en", n=2, **line)
    assert "for 11 provinces from" in msg("ind_chart_line_alt", "en", n="11", **line)  # '11' is not one
    assert msg("points_n", "en", n="1") == "1 data point" and msg("points_n", "en", n="1,234").endswith("points")
    assert msg("ind_chart_line_alt", "vi", n=1, **line) == msg("ind_chart_line_alt", "vi", n=3, **line).replace(
        "3", "1")
    assert any(isinstance(v, dict) for v in catalogue("en").values())  # the plural forms are in use


def test_a_plural_entry_without_its_other_form_is_refused_naming_the_file(tmp_path, monkeypatch):
    for lang in C.LANGS:
        (tmp_path / f"{lang}.yaml").write_text('points_n:\n  one: "{n} data point"\n', encoding="utf-8")
    monkeypatch.setattr(C, "MESSAGES_DIR", tmp_path)
    C.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match=re.escape(str(tmp_path / "en.yaml")) + ".*points_n"):
            catalogue("en")
    finally:
        C.catalogue.cache_clear()


def test_a_missing_message_names_the_catalogue_file():
    with pytest.raises(KeyError, match=re.escape(str(MESSAGES_DIR / "vi.yaml"))):
        msg("no_such_sentence", "vi")
    with pytest.raises(KeyError, match="placeholder"):
        msg("targets_count", "en", n="3")  # province and years are missing


def _assessments(statuses: dict[str, int], points: int = 3) -> pd.DataFrame:
    """Targets with these statuses; forecast statuses rest on ``points`` figures, the others on 0 or 1."""
    n_points = {"no_data": 0, "insufficient_data": 1}
    rows = [{"status": s, "target_year": 2025 + 5 * (i % 2), "n_points": n_points.get(s, points),
             "province_code": "01", "boundary": "pre2025"} for s, n in statuses.items() for i in range(n)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("statuses", [{"on_track": 2, "at_risk": 1, "no_data": 3},
                                      {"achieved": 1, "off_track": 4, "insufficient_data": 2},
                                      {"no_data": 5}])
def test_the_targets_sentence_counts_what_the_assessment_says(statuses):
    a = _assessments(statuses)
    vi = F.target_lines(a, "Tỉnh X", "vi")[0]
    assert f"nêu {len(a)} mục tiêu" in vi
    for s, n in statuses.items():
        if s in F.FORECAST:
            assert f"{n} {status_label(s, 'vi').lower()}" in vi
    k = sum(n for s, n in statuses.items() if s in F.FORECAST)
    if k:
        assert f"{k} mục tiêu có trạng thái dự báo" in vi
    else:
        assert msg("targets_no_forecast", "vi") in vi
    if statuses.get("no_data"):
        assert f"{statuses['no_data']} mục tiêu chưa có số liệu" in vi
    en = F.target_lines(a, "Province X", "en")[0]
    assert f"set {len(a)} numeric targets" in en


def test_a_target_met_by_its_only_figure_is_not_counted_as_a_forecast():
    """'Achieved' on one figure is a status, not a forecast from a series: the province summary, the site summary
    and the targets page say so instead of counting it among the forecasts from two or more points."""
    a = pd.concat([_assessments({"achieved": 1}, points=1), _assessments({"on_track": 2, "no_data": 1})])
    vi = F.target_lines(a, "Tỉnh X", "vi")[0]
    assert "2 mục tiêu có trạng thái dự báo từ hai điểm dữ liệu trở lên: 2 đúng hướng" in vi
    assert msg("targets_met_one_point", "vi", n="1") in vi
    assert "1 target is already met by its only figure" in F.target_lines(a, "Province X", "en")[0]
    page = F.targets_findings("en", a, {("01", "pre2025"): "Province X"})
    assert "4 targets: 1 achieved, 2 on track and 1 no data" in page[0] and page[0].endswith("figures: 2.")
    assert "Province X: 4 (1 achieved, 2 on track and 1 no data)" in page[1]
    assert page[2].startswith("**Reading a status.**")
    only_one = F.targets_findings("vi", _assessments({"achieved": 1, "no_data": 2}, points=1), {})
    assert only_one[0].endswith("trở lên: 0.") and only_one[2].startswith("**Khoảng trống nằm ở nguồn số liệu.**")


def _facts(rows: list[tuple]) -> pd.DataFrame:
    cols = ["fact_id", "indicator_id", "year", "value", "unit", "boundary", "source_id"]
    df = pd.DataFrame(rows, columns=cols)
    df["kind"] = "observation"
    df["breakdown"] = "total"
    df["period"], df["flags"] = df["year"].astype(str), ""  # as every fact of the evidence base has
    return df


INDICATORS = pd.DataFrame({"name_vi": ["Tổ công nghệ số cộng đồng"], "name_en": ["Community teams"]},
                          index=["community_teams"])
SOURCES = pd.DataFrame({"source_id": ["s1", "s2"], "publisher": ["Báo A (online)", "Cổng B"],
                        "issuer_author": ["", ""], "title": ["", ""]})


def test_a_key_figure_gives_first_and_latest_year_and_says_two_points_are_no_trend():
    f = _facts([("a", "community_teams", 2021, 1473.0, "teams", "pre2025", "s1"),
                ("b", "community_teams", 2023, 1500.0, "teams", "pre2025", "s2")])
    (vi,) = F.key_facts(f, INDICATORS, SOURCES, ["community_teams"], "vi")
    assert "1.473 tổ năm 2021" in vi and "1.500 tổ năm 2023" in vi
    assert "2 điểm dữ liệu" in vi and msg("fact_two_points", "vi") in vi
    assert "Báo A" in vi and "s1" not in vi  # readable source names, not internal ids
    (en,) = F.key_facts(f, INDICATORS, SOURCES, ["community_teams"], "en")
    assert "1,473" in en and "1,500" in en


def test_a_key_figure_never_joins_a_merged_province_to_its_part():
    f = _facts([("a", "community_teams", 2021, 1473.0, "teams", "pre2025", "s1"),
                ("b", "community_teams", 2022, 1480.0, "teams", "pre2025", "s1"),
                ("c", "community_teams", 2025, 2900.0, "teams", "post2025", "s2")])
    (vi,) = F.key_facts(f, INDICATORS, SOURCES, ["community_teams"], "vi", merged_successor="Quảng Trị")
    assert "2.900 tổ (năm 2025" in vi and "1.473" not in vi
    assert "Quảng Trị sau hợp nhất" in vi


def test_a_key_figure_never_joins_two_vintages():
    """A method change in 2021 (its first figure flagged definition_break): the key figure reads the new series,
    2021 and 2022, and says the 2018–2020 figures are the earlier series, not '2018 to 2022'."""
    f = _facts([(c, "community_teams", y, v, "teams", "pre2025", "s1")
                for c, y, v in (("a", 2018, 10.0), ("b", 2019, 12.0), ("c", 2020, 14.0), ("d", 2021, 30.0),
                                ("e", 2022, 31.0))])
    f.loc[f["fact_id"] == "d", "flags"] = "definition_break"
    for lang, words in (("vi", "chuỗi cũ"), ("en", "earlier series")):
        (line,) = F.key_facts(f, INDICATORS, SOURCES, ["community_teams"], lang)
        assert "2021" in line and "2022" in line and "2018–2020" in line and words in line
        assert not re.search(r"\b10\b", line) and msg("fact_two_points", lang) in line  # 2 points in the new one
    (line,) = F.key_facts(f.assign(flags=""), INDICATORS, SOURCES, ["community_teams"], "en")
    assert "earlier series" not in line and "2018" in line  # without a break: one series, first to latest


def test_key_figures_stop_at_the_limit_and_skip_indicators_without_figures():
    f = _facts([("a", "community_teams", 2021, 10.0, "teams", "pre2025", "s1")])
    out = F.key_facts(f, INDICATORS, SOURCES, ["dti_rank", "community_teams"], "en", limit=1)
    assert len(out) == 1 and out[0].startswith("Community teams")


def test_a_national_signal_needs_two_points(project):
    from analysis.data.store import load_processed

    nat = load_processed("national_assessments")
    targets = load_processed("national_targets")
    one = nat[nat["n_points"] == 1].iloc[0]
    only_one = nat[(nat["province_code"] == one["province_code"]) & (nat["boundary"] == one["boundary"])]
    line = F.national_line(only_one[only_one["n_points"] < 2], targets, one["province_code"], one["boundary"], "vi")
    assert line is None
    many = nat[nat["n_points"] >= 2].iloc[0]
    line = F.national_line(nat, targets, many["province_code"], many["boundary"], "vi")
    assert line is not None and "điểm dữ liệu" in line


@pytest.mark.parametrize("key", ["quang-ninh", "can-tho", "bac-kan"])
def test_the_province_summary_agrees_with_its_assessment(project, key):
    from analysis.report import province as R
    from analysis.run.params import load_params

    for lang in ("vi", "en"):
        ctx = R.load_context(key, lang, params=load_params(key).notebook_parameters(lang))
        text = R.findings(ctx)
        assert text.startswith("## " + msg("findings_heading", lang))
        a = ctx.assessments
        if a.empty:
            assert msg("targets_none", lang, province=ctx.name) in text
        elif lang == "vi":
            assert f"nêu {len(a)} mục tiêu" in text
        latest = int(ctx.facts.loc[ctx.facts["kind"] == "observation", "year"].max())
        assert msg("missing_latest", lang, year=latest) in text


def test_the_targets_table_leaves_out_forecast_columns_only_when_no_target_has_one(project):
    from analysis.labels import t
    from analysis.report import province as R
    from analysis.run.params import load_params

    ctx = R.load_context("can-tho", "en", params=load_params("can-tho").notebook_parameters("en"))
    assert (ctx.assessments["status"] == "no_data").all()
    table = R.targets_table(ctx)
    assert len(table) == len(ctx.assessments)
    for kept in ("target", "value", "deadline", "status", "points", "source"):
        assert t(kept, "en") in table.columns
    for empty in ("p_meet", "projection", "unsd"):
        assert t(empty, "en") not in table.columns
    # one target with a forecast brings the columns back, with '–' for the targets without one
    first = ctx.assessments.index[0]
    ctx.assessments.loc[first, ["status", "p_meet", "projection", "pi80_low", "pi80_high", "n_points", "years"]] = [
        "at_risk", 0.5, 40.0, 30.0, 50.0, 3, "2021;2022;2023"]
    table = R.targets_table(ctx)
    assert t("p_meet", "en") in table.columns and t("projection", "en") in table.columns
    assert table[t("p_meet", "en")].tolist().count("–") == len(table) - 1


@pytest.mark.parametrize("key", ["can-tho", "quang-ninh"])
def test_every_target_without_a_series_is_named_once_and_distinctly_in_the_search_records(project, key):
    from analysis.report import province as R
    from analysis.run.params import load_params

    for lang in ("vi", "en"):
        ctx = R.load_context(key, lang, params=load_params(key).notebook_parameters(lang))
        a = ctx.assessments[ctx.assessments["status"].isin(["no_data", "insufficient_data"])]
        names = [R.target_name(ctx, r, with_year=True) for _, r in a.iterrows()]
        assert len(set(names)) == len(names), "two targets read alike"
        records = R.search_records(ctx)
        for name in names:
            assert records.count(name) == 1, name
        # each search is folded: the targets it covers and the outcome in view, the record itself on opening
        col = "searched" if lang == "vi" else "searched_en"
        texts = {x for x in a[col].dropna() if x}
        summaries = re.findall(r"<details><summary>(.*?)</summary><p>(.*?)</p></details>", records, flags=re.S)
        assert len(summaries) == len(texts) > 0
        assert all(" — " in head and any(n in head for n in names) for head, _ in summaries)
        assert {html.unescape(body) for _, body in summaries} == texts


def test_an_empty_section_says_why_it_is_empty(project):
    """Workforce, training and team figures come only from provinces' own documents and the press: an empty
    section says whether a former province's figures are in the former-provinces table, the province's source
    document gives none, or the province has no document yet."""
    from analysis.report import province as R
    from analysis.run.params import load_params

    def ctx(key):
        params = load_params(key).notebook_parameters("vi")
        return R.load_context(key, "vi", params=params, boundary=params.get("boundary", "pre2025"))

    no_doc = ctx("ha-tinh")
    assert R.workforce(no_doc).empty
    assert R.section_empty(no_doc, "workforce") == msg("table_empty_section_no_document", "vi", province="Hà Tĩnh")
    ct = ctx("can-tho")
    assert R.teams(ct).empty
    assert R.section_empty(ct, "teams") == msg("table_empty_section_document", "vi", province="Cần Thơ")
    merged = ctx("thai-nguyen-2025")  # Bắc Kạn's article counts its community teams
    assert R.teams(merged).empty and not merged.former[merged.former["indicator_id"].isin(R.TEAMS)].empty
    assert R.section_empty(merged, "teams") == msg("table_empty_section_former", "vi", province="Thái Nguyên",
                                                   former="Bắc Kạn")


def test_a_catalogue_text_comes_in_the_page_language_or_marked_as_english():
    """One rule for definitions and comparability notes on indicator pages, the comparison and the reports."""
    from analysis.labels import page_language_text

    row = pd.Series({"comparability": "English note", "comparability_vi": "Ghi chú", "definition": "Only English",
                     "definition_vi": float("nan")})
    assert page_language_text(row, "comparability", "vi") == ("Ghi chú", False)
    assert page_language_text(row, "comparability", "en") == ("English note", False)
    assert page_language_text(row, "definition", "vi") == ("Only English", True)  # the page marks it lang=en
    assert page_language_text({"definition": "  "}, "definition", "vi") == ("", False)
