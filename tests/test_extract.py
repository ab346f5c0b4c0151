"""`analysis extract` and `analysis accept`: Vietnamese figures with provenance, reviewed into data/raw."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.data.curate import NewSource, accept
from analysis.data.extract import extract_document, extract_lines
from analysis.data.extract_eval import score, total
from analysis.errors import DataError
from analysis.vinumbers import qualifier_before, read_words

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "extract"
EVAL = ROOT / "tests" / "fixtures" / "extract_eval"


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("words,value", [("hai mươi", 20), ("một trăm linh năm", 105), ("ba nghìn", 3000),
                                         ("mười lăm", 15), ("hai mươi mốt", 21)])
def test_numbers_written_in_words(words, value):
    assert read_words(words) == value


def test_qualifiers_before_a_figure():
    assert qualifier_before("toàn tỉnh có gần").approx
    assert qualifier_before("dân số đạt trên").lower
    assert qualifier_before("không quá").upper
    assert not qualifier_before("toàn tỉnh có").lower


def test_codes_dates_years_footnotes_and_durations_are_not_figures():
    line = ("Theo Quyết định số 749/QĐ-TTg ngày 03/6/2020 và Nghị quyết 09-NQ/TU, ngày 5-2-2022, trong 3 năm "
            "(2021 - 2023), sau dịch COVID-19, Đại hội lần thứ XIII, dịch vụ mức độ 4, tháng 8/2023, "
            "theo Nghị định số 140/2017/NĐ-CP (tr. 269), tỉnh có 2.090 người(3).")
    rows = extract_lines([line])
    assert list(rows["value"]) == [2090.0], rows[["value", "as_written"]]
    assert rows.iloc[0]["unit"] == "persons" and rows.iloc[0]["period"] == "2023-08"  # the last time named


def test_a_document_without_line_breaks_keeps_its_figures_outside_the_citing_sentences():
    """A page saved as one line: a URL or a publisher drops its own sentence, not the whole document."""
    report = ("Năm 2022, toàn tỉnh có 807 người có trình độ CNTT. Nguồn: https://example.gov.vn/bai-viet-2021 "
              "cập nhật 45% số liệu. Đến năm 2025, phấn đấu trên 60% dân số có tài khoản thanh toán điện tử. ")
    line = report + "Tỉnh đã đào tạo 16.104 lượt học viên trong năm 2023. " * 20  # longer than a reference entry
    rows = extract_lines([line])
    assert {807.0, 60.0, 16104.0} <= set(rows["value"]) and 45.0 not in set(rows["value"]), rows
    r = rows.set_index("value")
    assert r.loc[807.0, "period"] == "2022" and r.loc[60.0, "kind"] == "target"
    reference = "Nguyễn Văn A (2021), Chuyển đổi số, Nxb Chính trị quốc gia, Hà Nội, tr. 45, 120 trang."
    assert extract_lines([reference, "Năm 2022, tỉnh có 807 người."])["value"].tolist() == [807.0]  # skipped whole


def test_periods_kinds_and_comparators_are_read_from_the_sentence():
    lines = ["Năm 2022, toàn tỉnh có 807/37.077 người có trình độ CNTT (chiếm tỷ lệ 2,17%).",
             "Tính đến ngày 31-12-2023, có 103 công chức. Trong 3 năm (2021 - 2023), đã đào tạo 16.104 lượt học "
             "viên (năm 2021: 6.695 lượt học viên, kinh phí 13,8 tỷ đồng).",
             "Đến năm 2025, phấn đấu trên 60% dân số có tài khoản thanh toán điện tử; kinh tế số chiếm khoảng 30% "
             "GRDP vào năm 2030.",
             "a) Đến năm 2025", "- Tối thiểu 50 chuyên gia về an toàn thông tin."]
    r = extract_lines(lines).set_index("value")
    assert r.loc[37077.0, "period"] == "2022" and r.loc[807.0, "unit"] == "persons"
    assert r.loc[103.0, "period"] == "2023-12-31"
    assert r.loc[16104.0, "period"] == "2021/2023" and r.loc[16104.0, "unit"] == "learner_turns"
    assert r.loc[13.8, "period"] == "2021" and r.loc[13.8, "unit"] == "billion_vnd"
    assert (r.loc[60.0, "kind"], r.loc[60.0, "period"], r.loc[60.0, "comparator"]) == ("target", "2025", ">=")
    assert (r.loc[30.0, "kind"], r.loc[30.0, "period"], "approx" in r.loc[30.0, "flags"]) == ("target", "2030", True)
    assert (r.loc[50.0, "kind"], r.loc[50.0, "period"], r.loc[50.0, "unit"]) == ("target", "2025", "persons")


def test_seed_documents_meet_the_recall_and_precision_floors():
    docs = config.documents_dir()
    if docs is None or not docs.exists():
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
    facts = pd.read_csv(ROOT / "data" / "raw" / "facts_seeds.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(ROOT / "data" / "raw" / "sources_documents.csv", dtype=str, keep_default_na=False)
    gold = matched = cands = correct = 0
    for _, s in sources[sources["seed_file"] != ""].iterrows():
        sc = score(s["source_id"], extract_document(docs / s["seed_file"]), facts[facts["source_id"] == s["source_id"]])
        gold, matched, cands, correct = gold + sc.gold, matched + sc.matched_vp, cands + sc.candidates, \
            correct + sc.correct_candidates
    assert gold >= 100
    assert matched / gold >= 0.93, f"recall {matched / gold:.2f}"
    assert correct / cands >= 0.85, f"precision {correct / cands:.2f}"


def test_unseen_documents_labelled_by_hand():
    labels = pd.read_csv(FIXTURES / "labels.csv", dtype=str, keep_default_na=False)
    for doc, gold in labels.groupby("document"):
        sc = score(doc, extract_document(FIXTURES / doc), gold)
        assert sc.recall >= 0.9 and sc.precision >= 0.75, (doc, sc)


def test_html_and_docx_documents_are_read(tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<html><head><script>var x = 2024;</script></head><body><nav>Trang chủ 1 2 3</nav><article>"
                    "<h1>Tin tức</h1><p>Đến nay, toàn tỉnh đã thành lập 1.482 Tổ công nghệ số cộng đồng với gần "
                    "13.000 thành viên.</p></article></body></html>", encoding="utf-8")
    r = extract_document(html)
    assert sorted(r["value"]) == [1482.0, 13000.0] and r.iloc[0]["locator"] == "line 2"
    import docx

    d = docx.Document()
    d.add_paragraph("Năm 2023, tỉnh có 204 người làm công nghệ thông tin, đạt 92,2%.")
    d.save(tmp_path / "doc.docx")
    r = extract_document(tmp_path / "doc.docx")
    assert sorted(r["value"]) == [92.2, 204.0] and set(r["period"]) == {"2023"}


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "empty"),
    ("binary.txt", bytes(range(256)) * 4, "binary"),
    ("cp1258.txt", "Có 204 cán bô, tôi có 92,2%".encode("cp1258"), "not UTF-8"),
    ("nofigures.txt", "Chuyển đổi số là xu hướng tất yếu.".encode(), "no figures"),
])
def test_bad_documents_give_a_clear_message_and_exit_2(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    p = _cli("extract", str(path), "--out", str(tmp_path / "out.csv"), cwd=tmp_path)
    assert p.returncode == 2, p.stdout + p.stderr
    assert message in p.stderr and name in p.stderr
    assert not (tmp_path / "out.csv").exists()


def _raw_state(raw: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(raw.iterdir()) if p.is_file()}


def test_accepted_rows_are_validated_and_appended_never_overwriting(raw_copy, tmp_path):
    review = tmp_path / "review.csv"
    p = _cli("extract", str(FIXTURES / "hoabinh-cntt.txt"), "--province", "17", "--boundary", "pre2025",
             "--out", str(review))
    assert p.returncode == 0, p.stderr
    with review.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:  # a reviewer keeps the two team counts and gives them an indicator
        if r["value"] in ("1482.0", "151.0"):
            r["accept"], r["indicator_id"] = "y", "community_teams"
    with review.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    before = _raw_state(raw_copy)
    source = NewSource("hb-portal-cntt", "Ứng dụng công nghệ thông tin nâng cao hiệu quả công vụ", "news_article",
                       "https://hoabinh.gov.vn/tin-chi-tiet/-/bai-viet/ung-dung-cong-nghe-thong-tin-nang-cao-hieu-qua-"
                       "cong-vu-48991-1500.html", publisher="Cổng thông tin điện tử tỉnh Hòa Bình")
    ids = accept(review, raw_copy / "facts_extracted.csv", "HB", source, raw_dir=raw_copy)
    assert ids == ["HB-E001", "HB-E002"]
    after = _raw_state(raw_copy)
    for name, content in before.items():  # every existing file unchanged
        assert after[name] == content, name
    new = pd.read_csv(raw_copy / "facts_extracted.csv", dtype=str, keep_default_na=False)
    assert list(new["value"]) == ["1482", "151"] and set(new["source_id"]) == {"hb-portal-cntt"}
    assert "hb-portal-cntt" in (raw_copy / "sources_extracted.csv").read_text(encoding="utf-8")
    from analysis.data.validate import load_raw

    assert {"HB-E001", "HB-E002"} <= set(load_raw(raw_copy).facts["fact_id"])
    # accepting the same review again adds nothing: each row is named with the fact it already is
    ids2 = accept(review, raw_copy / "facts_extracted.csv", "HB", source, raw_dir=raw_copy)
    assert ids2 == [] and [fid for _, fid in ids2.skipped] == ["HB-E001", "HB-E002"]
    assert _raw_state(raw_copy) == after


def test_extract_never_overwrites_a_review_unless_forced(tmp_path):
    review = tmp_path / "review.csv"
    review.write_text("accept,value\ny,1482\n", encoding="utf-8")  # someone's review marks
    p = _cli("extract", str(FIXTURES / "hoabinh-cntt.txt"), "--out", str(review), cwd=tmp_path)
    assert p.returncode == 2 and "exists" in p.stderr and "--force" in p.stderr, p.stderr
    assert review.read_text(encoding="utf-8") == "accept,value\ny,1482\n"
    default = tmp_path / "hoabinh-cntt.candidates.csv"  # the default name is protected the same way
    default.write_text("kept", encoding="utf-8")
    p = _cli("extract", str(FIXTURES / "hoabinh-cntt.txt"), cwd=tmp_path)
    assert p.returncode == 2 and default.read_text(encoding="utf-8") == "kept"
    for inside in (config.raw_dir() / "sub" / "x.csv", config.raw_dir()):  # anywhere under data/raw: refused
        p = _cli("extract", str(FIXTURES / "hoabinh-cntt.txt"), "--out", str(inside), cwd=tmp_path)
        assert p.returncode == 2 and "inside data/raw" in p.stderr and "Traceback" not in p.stderr, p.stderr
    p = _cli("extract", str(FIXTURES / "hoabinh-cntt.txt"), "--out", str(review), "--force", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "as_written" in review.read_text(encoding="utf-8").splitlines()[0]


def test_accept_refuses_a_title_that_contradicts_the_existing_source(raw_copy, tmp_path):
    rows = extract_document(FIXTURES / "hoabinh-cntt.txt", province_code="17", boundary="pre2025")
    rows["accept"] = ""
    rows.loc[rows["value"] == 1482.0, ["accept", "indicator_id"]] = ["y", "community_teams"]
    review = tmp_path / "review.csv"
    rows.to_csv(review, index=False)
    before = _raw_state(raw_copy)
    for field, source in (("title", NewSource("web-01", "Ứng dụng CNTT ở Hòa Bình")),
                          ("url", NewSource("web-01", "", url="https://hoabinh.gov.vn/x"))):
        with pytest.raises(DataError) as e:
            accept(review, raw_copy / "facts_extracted.csv", "HB", source, raw_dir=raw_copy)
        assert "sources_web.csv:2" in str(e.value) and f"column '{field}'" in str(e.value) and "web-01" in str(e.value)
        assert _raw_state(raw_copy) == before
    title = " VietNamNet (2023-07) - Quảng Ninh vào top 3 địa phương dẫn đầu về chỉ số chuyển đổi số"
    same = NewSource("web-01", title)  # the title it has (spacing aside): filed under it
    assert accept(review, raw_copy / "facts_extracted.csv", "HB", same, raw_dir=raw_copy) == ["HB-E001"]


def test_a_bad_accepted_row_names_the_review_row_and_field_and_writes_nothing(raw_copy, tmp_path):
    rows = extract_document(FIXTURES / "hoabinh-cntt.txt", province_code="17", boundary="pre2025")
    rows["accept"] = ""
    rows.loc[0, ["accept", "indicator_id"]] = ["y", "no_such_indicator"]
    rows.loc[1, ["accept", "indicator_id"]] = ["y", "it_officials"]
    review = tmp_path / "review.csv"
    rows.to_csv(review, index=False)
    before = _raw_state(raw_copy)
    with pytest.raises(DataError) as e:
        accept(review, raw_copy / "facts_extracted.csv", "HB", NewSource("hb-x", "Tiêu đề"), raw_dir=raw_copy)
    text = str(e.value)
    assert "review.csv:2" in text and "indicator_id" in text and "no_such_indicator" in text
    assert _raw_state(raw_copy) == before


# ---------------------------------------------------------------- the error classes seen on unseen documents

def _rows(lines: list[str]) -> list[tuple]:
    r = extract_lines(lines)
    return [(x["value"], x["unit"], x["kind"], x["period"]) for _, x in r.iterrows()]


def test_a_day_and_month_is_not_a_figure():
    lines = ["Ngày 18/4, UBND tỉnh ban hành kế hoạch.", "18/4, UBND tỉnh ban hành Kế hoạch với 20 nhiệm vụ.",
             "Từ 12/5 đến ngày 8/6, tỉnh đã phát triển hơn 8.140 tài khoản; đến cuối tháng 5 có 2.256 Tổ công nghệ số.",
             "Hưởng ứng ngày Chuyển đổi số quốc gia 10.10, tỉnh đã hoàn thành 30/34 chỉ tiêu, 3/5 xã đạt chuẩn."]
    assert sorted(v for v, *_ in _rows(lines)) == [3, 5, 20, 30, 34, 2256, 8140]


def test_unit_multipliers_scale_the_value_and_keep_the_span_as_written():
    r = extract_lines(["Năm 2024 có 1,488 triệu hồ sơ trực tuyến, tổng vốn 2,5 nghìn tỷ đồng, kinh phí 13,8 tỷ đồng, "
                       "gần 1,2 triệu người dân và 15 nghìn lượt học viên tham gia."]).set_index("value")
    assert r.loc[1_488_000.0, "unit"] == "dossiers" and r.loc[1_488_000.0, "as_written"].startswith("1,488 triệu hồ sơ")
    assert r.loc[2500.0, "unit"] == "billion_vnd" and r.loc[13.8, "unit"] == "billion_vnd"
    assert r.loc[1_200_000.0, "unit"] == "persons" and "approx" in r.loc[1_200_000.0, "flags"]
    assert r.loc[15_000.0, "unit"] == "learner_turns"
    assert len(r) == 5  # 'triệu' is not read again as a number in words


def test_a_list_under_a_target_heading_is_targets_of_its_year_until_the_next_section():
    rows = _rows(["Năm 2023, tỉnh có 25 doanh nghiệp công nghệ số.", "MỤC TIÊU ĐẾN NĂM 2025",
                  "- 100% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng;",
                  "- Tỷ lệ dân số trưởng thành có điện thoại thông minh đạt 80%.",
                  "Phấn đấu đến năm 2030, đạt các chỉ tiêu sau:", "- 50% doanh nghiệp sử dụng nền tảng số.",
                  "II. NHIỆM VỤ, GIẢI PHÁP", "- Tổ chức 10 lớp tập huấn cho cán bộ."])
    kinds = {v: (k, p) for v, _, k, p in rows}
    assert kinds[25.0] == ("observation", "2023")
    assert kinds[100.0] == ("target", "2025") and kinds[80.0] == ("target", "2025")
    assert kinds[50.0] == ("target", "2030")
    assert kinds[10.0][0] == "observation"


def test_an_observation_beside_a_target_stays_an_observation():
    rows = _rows(["Đến cuối năm 2024, tỷ lệ này chỉ đạt 45,8%, trong khi mục tiêu đề ra là 50%. Khối tỉnh chỉ đạt "
                  "18,54% (mục tiêu 30%), khối bộ đạt 63,47%.",
                  "Năm 2023 tỉnh đạt 75% hồ sơ trực tuyến, phấn đấu đến năm 2025 đạt 90%.",
                  "Doanh thu đạt 1.600 tỷ đồng, bằng 99,5% kế hoạch năm 2023.",
                  "Chỉ tiêu năm 2024 đạt 80% hồ sơ trực tuyến."])
    kinds = {v: k for v, _, k, _ in rows}
    assert [kinds[v] for v in (45.8, 18.54, 63.47, 75.0, 1600.0, 99.5)] == ["observation"] * 6
    assert [kinds[v] for v in (50.0, 30.0, 90.0, 80.0)] == ["target"] * 4


def test_a_figure_said_again_is_one_candidate():
    rows = _rows(["Quảng X tăng 5 bậc, xếp thứ 21 về chuyển đổi số",
                  "Năm 2023, tỉnh Quảng X xếp thứ 21/63 tỉnh, thành phố. Tỉnh Quảng X xếp thứ 21/63 tỉnh, thành phố.",
                  "Đã hoàn thành 30/34 chỉ tiêu; còn lại 04/34 chỉ tiêu.", "Có 100% xã đạt chuẩn và 100% thôn có sóng."])
    assert [v for v, *_ in rows] == [21.0, 30.0, 34.0, 4.0, 100.0, 100.0]
    rows = _rows(["Cả nước lập hơn 27.000 Tổ công nghệ số cộng đồng",
                  "Tính đến ngày 14/6, cả nước đã thành lập 27.218 Tổ công nghệ số cộng đồng."])
    assert [v for v, *_ in rows] == [27218.0]  # the headline rounds what the body says


def test_the_evaluation_set_is_whole_and_split():
    labels = pd.read_csv(EVAL / "labels.csv", dtype=str, keep_default_na=False)
    assert set(labels["split"]) == {"tune", "frozen"} and set(labels["kind"]) <= {"observation", "target"}
    assert set(labels["document"]) == {p.name for p in EVAL.glob("*.txt")}
    assert labels.groupby("document")["split"].nunique().max() == 1  # a document is tune or frozen, not both
    assert len(labels) >= 150 and (labels["split"] == "frozen").sum() >= 90
    for _, r in labels.iterrows():  # every figure is on the line it names
        line = (EVAL / r["document"]).read_text(encoding="utf-8").split("\n")[int(r["locator"].split()[1]) - 1]
        assert r["as_written"][:10] in line, (r["fact_id"], r["as_written"])
    assert all(p.name in (EVAL / "SOURCES.md").read_text(encoding="utf-8") for p in EVAL.glob("*.txt"))


def test_the_frozen_evaluation_set_meets_the_recall_and_precision_floors():
    """Documents the extractor was not changed on: (value, year, kind) recall >= 0.85, precision >= 0.80."""
    labels = pd.read_csv(EVAL / "labels.csv", dtype=str, keep_default_na=False)
    frozen = labels[labels["split"] == "frozen"]
    t = total("frozen", [score(doc, extract_document(EVAL / doc), gold) for doc, gold in frozen.groupby("document")])
    assert t.recall_kind >= 0.85, f"recall {t.recall_kind:.2f}; missed {t.missed}"
    assert t.precision_kind >= 0.80, f"precision {t.precision_kind:.2f}"


@pytest.mark.parametrize("fault", ["extra_fields", "not_utf8", "bom_crlf"])
def test_a_review_file_as_people_save_it(raw_copy, tmp_path, fault):
    """A BOM and CRLF are accepted; a malformed row or a file not in UTF-8 is one problem naming file and line."""
    rows = extract_document(FIXTURES / "hoabinh-cntt.txt", province_code="17", boundary="pre2025")
    rows["accept"] = ""
    rows.loc[rows["value"] == 1482.0, ["accept", "indicator_id"]] = ["y", "community_teams"]
    review = tmp_path / "review.csv"
    rows.to_csv(review, index=False, lineterminator="\r\n" if fault == "bom_crlf" else "\n")
    data = review.read_bytes()
    lines = data.splitlines(keepends=True)
    if fault == "extra_fields":
        lines[2] = lines[2].rstrip(b"\n") + b",x,y\n"
    elif fault == "not_utf8":
        lines[2] = lines[2].replace(b",", "Đ,".encode("cp1258"), 1)
    else:
        lines[0] = b"\xef\xbb\xbf" + lines[0]
    review.write_bytes(b"".join(lines))
    before = _raw_state(raw_copy)
    source = NewSource("hb-x", "Tiêu đề")
    if fault == "bom_crlf":
        assert accept(review, raw_copy / "facts_extracted.csv", "HB", source, raw_dir=raw_copy) == ["HB-E001"]
        return
    with pytest.raises(DataError) as e:
        accept(review, raw_copy / "facts_extracted.csv", "HB", source, raw_dir=raw_copy)
    assert len(e.value.problems) == 1 and str(e.value.problems[0]).startswith("review.csv:3:"), str(e.value)
    assert _raw_state(raw_copy) == before
