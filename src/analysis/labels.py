"""Words shown to people: status labels and one-sentence explanations, in Vietnamese and English."""

from __future__ import annotations

import re

STATUS = {
    "achieved": {"vi": "Đã đạt", "en": "Achieved", "colour": "#1b7837",
                 "explain_vi": "Số liệu mới nhất đã đạt mục tiêu.",
                 "explain_en": "The latest figure already meets the target."},
    "on_track": {"vi": "Đúng hướng", "en": "On track", "colour": "#5aae61",
                 "explain_vi": "Nếu xu hướng tiếp diễn, khả năng đạt mục tiêu đúng hạn từ 80% trở lên.",
                 "explain_en": "If the trend continues, the chance of meeting the target on time is 80% or more."},
    "at_risk": {"vi": "Có nguy cơ", "en": "At risk", "colour": "#e08214",
                "explain_vi": "Khả năng đạt mục tiêu đúng hạn từ 20% đến dưới 80%: chưa chắc chắn.",
                "explain_en": "The chance of meeting the target on time is between 20% and 80%: uncertain."},
    "off_track": {"vi": "Chệch hướng", "en": "Off track", "colour": "#b2182b",
                  "explain_vi": "Khả năng đạt mục tiêu đúng hạn dưới 20% nếu xu hướng tiếp diễn.",
                  "explain_en": "If the trend continues, the chance of meeting the target on time is below 20%."},
    "not_met": {"vi": "Không đạt", "en": "Not met", "colour": "#762a83",
                "explain_vi": "Năm mục tiêu đã qua và số liệu của năm đó chưa đạt mục tiêu.",
                "explain_en": "The target year has passed and the figure for that year misses the target."},
    "awaiting_data": {"vi": "Chờ số liệu", "en": "Awaiting figures", "colour": "#bababa",
                      "explain_vi": "Năm mục tiêu đã qua nhưng chưa có số liệu của năm đó; xem số liệu mới nhất và năm.",
                      "explain_en": "The target year has passed but its figure is not published yet; see the latest "
                                    "figure and its year."},
    "outdated": {"vi": "Số liệu đã cũ", "en": "Figures too old", "colour": "#a6a6a6",
                 "explain_vi": "Số liệu mới nhất cách năm hiện tại hơn 4 năm: không đủ căn cứ để đánh giá.",
                 "explain_en": "The latest figure is more than 4 years old: too old to judge progress."},
    "not_assessable": {"vi": "Không đánh giá được", "en": "Not assessable", "colour": "#c7c7c7",
                       "explain_vi": "Thứ hạng hoặc mục tiêu dạng này không được dự báo.",
                       "explain_en": "A rank or a target of this kind is not forecast."},
    "insufficient_data": {"vi": "Chưa đủ số liệu", "en": "Insufficient data", "colour": "#8c8c8c",
                          "explain_vi": "Chỉ có một số liệu: không thể xác định xu hướng.",
                          "explain_en": "Only one data point: no trend can be determined."},
    "no_data": {"vi": "Không có số liệu", "en": "No data", "colour": "#d9d9d9",
                "explain_vi": "Chưa có số liệu nào để theo dõi mục tiêu này.",
                "explain_en": "No figure has been found to track this target."},
}

def page_language_text(row, column: str, lang: str) -> tuple[str, bool]:
    """A catalogue text for a page: ``(text, in_english)``. Vietnamese pages take ``<column>_vi``; where only the
    English ``column`` exists, that text comes back with ``in_english`` True, for the page to mark it as English.
    ``("", False)`` when neither is given."""
    def text_of(name: str) -> str:
        v = row.get(name)
        return v.strip() if isinstance(v, str) else ""

    own = text_of(f"{column}_vi") if lang == "vi" else text_of(column)
    if own:
        return own, False
    english = text_of(column) if lang == "vi" else ""
    return english, bool(english)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with '…' when anything was cut."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


UNSD = {
    "achieved": {"vi": "Đã đạt", "en": "Achieved"},
    "on_track": {"vi": "Đúng hướng (CR ≥ 0,95)", "en": "On track (CR ≥ 0.95)"},
    "fair": {"vi": "Khá (0,5 ≤ CR < 0,95)", "en": "Fair progress (0.5 ≤ CR < 0.95)"},
    "limited": {"vi": "Hạn chế (−0,1 ≤ CR < 0,5)", "en": "Limited progress (−0.1 ≤ CR < 0.5)"},
    "deterioration": {"vi": "Đi xuống (CR < −0,1)", "en": "Deterioration (CR < −0.1)"},
}


def status_label(status: str, lang: str = "vi") -> str:
    return STATUS[status][lang]


def status_explanation(status: str, lang: str = "vi") -> str:
    return STATUS[status][f"explain_{lang}"]

# Table headers and other words, by key.
T = {
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "breakdown": {"vi": "Phân tổ", "en": "Breakdown"},
    "period": {"vi": "Kỳ", "en": "Period"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "as_written": {"vi": "Nguyên văn", "en": "As written"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "item": {"vi": "Mục", "en": "Item"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "deadline": {"vi": "Năm", "en": "Year"},
    "status": {"vi": "Trạng thái", "en": "Status"},
    "p_meet": {"vi": "Xác suất đạt", "en": "Chance of meeting"},
    "points": {"vi": "Số điểm dữ liệu (năm)", "en": "Data points (years)"},
    "unsd": {"vi": "Phân loại theo UN", "en": "UN category"},
    "required": {"vi": "Mức tăng cần thiết/năm", "en": "Required change per year"},
    "projection": {"vi": "Dự báo (khoảng 80%)", "en": "Projection (80% interval)"},
    "scenario": {"vi": "Kịch bản giả định", "en": "What-if scenario"},
    "method": {"vi": "Phương pháp", "en": "Method"},
    "check": {"vi": "Kiểm tra", "en": "Check"},
    "result": {"vi": "Kết quả", "en": "Result"},
    "computed": {"vi": "Tính lại", "en": "Recomputed"},
    "stated": {"vi": "Công bố", "en": "Stated"},
    "province": {"vi": "Tỉnh", "en": "Province"},
    "national": {"vi": "Toàn quốc", "en": "National"},
    "derived": {"vi": "tính toán", "en": "derived"},
    "year": {"vi": "Năm", "en": "Year"},
    "searched": {"vi": "Tìm số liệu theo dõi", "en": "Tracking series"},
}

FLAG_WORDS = {
    "lower_bound": {"vi": "trên/hơn (cận dưới)", "en": "more than (lower bound)"},
    "approx": {"vi": "khoảng, gần", "en": "approximately"},
    "derived": {"vi": "suy ra từ mức thay đổi", "en": "derived from a stated change"},
    "year_inferred": {"vi": "năm suy từ ngữ cảnh", "en": "year inferred from context"},
    "from_words": {"vi": "diễn đạt bằng lời", "en": "written in words"},
    "monthly": {"vi": "số liệu tháng", "en": "monthly figure"},
    "partial_year": {"vi": "một phần năm", "en": "part of the year"},
    "mirror": {"vi": "trang sao chép", "en": "mirror site"},
    "from_list_position": {"vi": "vị trí trong danh sách", "en": "position in a list"},
    "upper_bound": {"vi": "dưới (cận trên)", "en": "less than (upper bound)"},
    "aggregated": {"vi": "cộng gộp từ các tỉnh cũ", "en": "aggregated from the former provinces"},
    "preliminary": {"vi": "sơ bộ", "en": "preliminary"},
}

# how a target's comparator is written for people: ">=" -> "≥"
COMPARATOR_SIGN = {">=": "≥", "<=": "≤", "=": "="}

RESULT = {"ok": {"vi": "Khớp", "en": "Consistent"}, "mismatch": {"vi": "Không khớp", "en": "Mismatch"},
          "finding": {"vi": "Phát hiện", "en": "Finding"}}


def t(key: str, lang: str) -> str:
    return T[key][lang]

SECTIONS = {
    "profile": {"vi": "Hồ sơ tỉnh", "en": "Province profile"},
    "workforce": {"vi": "Nhân lực số trong bộ máy nhà nước", "en": "Digital workforce in the state apparatus"},
    "training": {"vi": "Đào tạo, bồi dưỡng", "en": "Training"},
    "teams": {"vi": "Tổ công nghệ số cộng đồng", "en": "Community digital-technology teams"},
    "other": {"vi": "Chính quyền số, xếp hạng và các chỉ số khác", "en": "Digital government, rankings and other "
              "indicators"},
    "targets": {"vi": "Mục tiêu và tiến độ", "en": "Targets and progress"},
    "series": {"vi": "Chuỗi số liệu theo năm", "en": "Yearly series"},
    "gaps": {"vi": "Khoảng trống dữ liệu và lưu ý", "en": "Data gaps and caveats"},
    "audit": {"vi": "Kiểm tra tính nhất quán", "en": "Consistency audit"},
    "sources": {"vi": "Nguồn trích dẫn", "en": "Sources cited"},
    "compare_table": {"vi": "Các tỉnh trên cùng chỉ tiêu", "en": "Provinces side by side"},
    "coverage": {"vi": "Mức độ đầy đủ của số liệu", "en": "Data coverage"},
    "compare_targets": {"vi": "Mục tiêu của các tỉnh và mục tiêu quốc gia", "en": "Provincial and national targets"},
    "dti": {"vi": "Xếp hạng DTI 2022", "en": "DTI 2022 rank"},
    "comparability": {"vi": "Lưu ý về khả năng so sánh", "en": "Comparability warnings"},
    "national_ranking": {"vi": "Các tỉnh so với mục tiêu quốc gia", "en": "Provinces against national targets"},
}

# Sentences of the comparison notebook, by key.
PROSE = {
    "national_ranking_intro": {
        "vi": ("Mọi tỉnh có chuỗi số liệu được đánh giá theo từng mục tiêu quốc gia, với 34 tỉnh, thành phố từ "
               "1/7/2025 (số liệu của các tỉnh cũ được cộng dồn hoặc bình quân gia quyền theo quy tắc của từng "
               "chỉ tiêu). Thứ hạng theo xác suất đạt mục tiêu. Chuỗi tỷ lệ lao động có bằng cấp, chứng chỉ "
               "của Tổng cục Thống kê theo tỉnh dừng ở năm 2016, nên dự báo đến 2025/2030 có khoảng tin cậy "
               "rộng: đọc trạng thái như một tín hiệu, không phải kết luận."),
        "en": ("Every province with a series is assessed against each national target, for the 34 provinces in "
               "force from 1 July 2025 (figures of the former provinces summed or weighted by each indicator's "
               "rule). Ranked by the chance of meeting the target. The GSO provincial series of the share of "
               "workers with a degree or certificate ends in 2016, so projections to 2025/2030 have wide "
               "intervals: read the statuses as signals, not verdicts."),
    },
}


def prose(key: str, lang: str) -> str:
    return PROSE[key][lang]


def heading(key: str, lang: str, number: int | None = None) -> str:
    return f"## {'' if number is None else f'{number}. '}{SECTIONS[key][lang]}"

# How a derived value was computed, in words, per language ({...} are filled with numbers in that language)
DERIVATION = {
    "share": {"vi": "{n} / {d} × 100 = {v} ({num} trên {den})",
              "en": "{n} / {d} × 100 = {v} ({num} over {den})"},
    "levels_sum": {"vi": "cộng các cấp: {parts} = {v}", "en": "sum of levels: {parts} = {v}"},
    "members_per_team": {"vi": "{m} thành viên / {k} tổ = {v} người mỗi tổ",
                         "en": "{m} members / {k} teams = {v} per team"},
    "per_1000": {"vi": "{x} / {p} nghìn dân (dân số trung bình năm {y}, Tổng cục Thống kê) = {v} trên 1.000 dân",
                 "en": "{x} / {p} thousand inhabitants (GSO average population {y}) = {v} per 1,000"},
    "spending_per_turn": {"vi": "{s} tỷ đồng × 1.000 / {k} lượt học viên = {v} triệu đồng mỗi lượt",
                          "en": "VND {s} billion × 1,000 / {k} learner-turns = VND {v} million per turn"},
    "turns_per_100_staff": {"vi": "{k} lượt học viên ({tp}) / {s} người ({sp}) × 100 = {v} lượt trên 100 người "
                                  "(đếm lượt học, không phải số người)",
                            "en": "{k} learner-turns ({tp}) / {s} staff ({sp}) × 100 = {v} turns per 100 staff "
                                  "(turns, not persons)"},
}
LEVEL_WORDS = {"commune": {"vi": "cấp xã", "en": "commune"}, "village": {"vi": "cấp thôn", "en": "village"},
               "district": {"vi": "cấp huyện", "en": "district"}, "province": {"vi": "cấp tỉnh", "en": "province"}}

# Locator vocabulary: curated locators are written in English; Vietnamese pages show them in Vietnamese
LOCATOR_WORDS_VI = [
    ("web page (figure as written)", "trang web (số liệu nguyên văn)"), ("heading line", "tiêu đề ở dòng"),
    ("footnote", "chú thích"), ("lines", "dòng"), ("line", "dòng"), ("section", "mục"), ("and", "và"),
    ("reference", "tài liệu tham khảo"), ("table", "bảng"), ("row", "hàng"), ("column", "cột"), ("page", "trang"), ("sheet", "trang tính"),
    ("paragraph", "đoạn"), ("list", "danh sách"), ("item", "mục"), ("year", "năm"),
]

# Notes of the consistency checks (analysis.data.audit), per language; numbers are filled in that language
AUDIT_NOTES = {
    "rounds": {"vi": "{computed}% làm tròn thành {rounded}%, không phải {stated}%",
               "en": "{computed}% rounds to {rounded}%, not {stated}%"},
    "truncated": {"vi": "; khớp nếu cắt bớt chữ số thay vì làm tròn",
                  "en": "; consistent with truncation instead of rounding"},
    "sum": {"vi": "các phần cộng lại được {computed}; tổng được ghi là {stated}",
            "en": "parts sum to {computed}; the total is written as {stated}"},
    "outside": {"vi": "; vượt quá sai số làm tròn", "en": "; outside rounding"},
    "reference": {"vi": "đối chiếu: {reference}", "en": "reference: {reference}"},
    "citation": {"vi": "{source} ghi '{as_written}' ({locator}); đúng là '{correct}'",
                 "en": "{source} writes '{as_written}' ({locator}); correct: '{correct}'"},
    "finding": {"vi": "{source}, {locator}: {note}", "en": "{source}, {locator}: {note}"},
    "growth": {"vi": "{source}, {locator}: hiểu là điểm phần trăm, mỗi năm +{rate} điểm trong {n} năm ({first}–{last}) "
                     "đạt 100% vào năm {last} từ bất kỳ mức xuất phát nào từ {pp_start}% trở lên; hiểu là phần trăm, "
                     "mức được nhân với {factor} và chỉ đạt 100% vào năm {last} nếu xuất phát từ {pc_start}% trở lên. "
                     "Văn bản không nói rõ cách hiểu nào.",
               "en": "{source}, {locator}: read as percentage points, +{rate} points a year over {n} years "
                     "({first}–{last}) reaches 100% by {last} from any starting level of {pp_start}% or more; read as "
                     "per cent, the level is multiplied by {factor} and reaches 100% by {last} only from a starting "
                     "level of {pc_start}% or more. The document does not say which reading it means."},
}


def locator_label(locator: str, lang: str) -> str:
    """A curated locator ('line 13; footnote (3)') in the page's language ('dòng 13; chú thích (3)').

    Paths and names inside a locator (a dataset file, a heading quoted in Vietnamese) are kept as they are.
    """
    if lang != "vi" or not isinstance(locator, str):
        return locator
    parts = []
    for part in locator.split("; "):
        if "/" not in part and "github:" not in part:  # a file path or dataset address stays as written
            for en, vi in LOCATOR_WORDS_VI:
                part = re.sub(rf"(?<![\w/.:-]){re.escape(en)}(?![\w/.-])", vi, part)
        parts.append(part)
    return "; ".join(parts)

# Downloadable tables and files on the data page
TABLE_DESCRIPTIONS = {
    "facts": {"vi": "Mọi số liệu quan sát và mục tiêu, kèm nguồn và vị trí trong nguồn",
              "en": "Every observation and target, with source and locator"},
    "derived": {"vi": "Chỉ tiêu tính toán, kèm cách tính", "en": "Derived indicators with their derivation"},
    "assessments": {"vi": "Đánh giá từng mục tiêu", "en": "Every target assessed"},
    "audit": {"vi": "Kiểm tra tính nhất quán", "en": "Consistency audit"},
    "national_assessments": {"vi": "Từng tỉnh so với từng mục tiêu quốc gia",
                             "en": "Every province assessed against each national target"},
    "sources": {"vi": "Nguồn tài liệu", "en": "Sources"},
    "indicators": {"vi": "Danh mục chỉ tiêu", "en": "Indicator catalogue"},
    "provinces": {"vi": "Các tỉnh trước và sau 1/7/2025", "en": "Provinces before and after 1 July 2025"},
    "population": {"vi": "Diện tích và dân số (Tổng cục Thống kê, E02.01)", "en": "GSO E02.01 area and population"},
    "dti_2022": {"vi": "Xếp hạng DTI 2022", "en": "DTI 2022 ranking"},
    "backtest": {"vi": "Kiểm chứng dự báo trên số liệu thật của các tỉnh (so với hai quy tắc đơn giản)",
                 "en": "Backtest of the forecasts on real provincial panels (against two naive rules)"},
    "national_targets": {"vi": "Mục tiêu quốc gia (749/QĐ-TTg, 146/QĐ-TTg, 176/QĐ-TTg)",
                         "en": "National targets (749/QĐ-TTg, 146/QĐ-TTg, 176/QĐ-TTg)"},
}
FILE_DESCRIPTIONS = {
    "notebook": {"vi": "Sổ ghi chép đã chạy (mở bằng JupyterLab)", "en": "Executed notebook (open in JupyterLab)"},
    "png": {"vi": "Biểu đồ, PNG 300 dpi", "en": "Figure, PNG 300 dpi"},
    "svg": {"vi": "Biểu đồ, SVG", "en": "Figure, SVG"},
    "figure_json": {"vi": "Tiêu đề và mô tả thay thế của biểu đồ", "en": "Figure title and alt text"},
    "table_csv": {"vi": "Một bảng của báo cáo tỉnh, CSV", "en": "A province report's table, CSV"},
    "table_xlsx": {"vi": "Một bảng của báo cáo tỉnh, Excel", "en": "A province report's table, Excel"},
    "table_tex": {"vi": "Một bảng của báo cáo tỉnh, LaTeX (kèm chú thích và nhãn, dùng cho bài báo)",
                  "en": "A province report's table, LaTeX (with caption and label, for papers)"},
    "figure_csv": {"vi": "Số liệu vẽ trên một biểu đồ của báo cáo tỉnh (đúng như trên biểu đồ)",
                   "en": "The values plotted on a province report's chart (exactly as plotted)"},
    "indicator_csv": {"vi": "Số liệu vẽ trên biểu đồ của trang chỉ tiêu (đúng như trên biểu đồ)",
                      "en": "The figures plotted on an indicator page's chart (exactly as plotted)"},
    "docx": {"vi": "Báo cáo tỉnh, tệp Word", "en": "Province report, Word document"},
    "datapackage.json": {"vi": "Mô tả gói dữ liệu (Frictionless Data)", "en": "Frictionless Data package descriptor"},
    "CITATION.cff": {"vi": "Cách trích dẫn dự án", "en": "How to cite the project"},
    "sources.bib": {"vi": "BibTeX của mọi nguồn", "en": "BibTeX of every source"},
}
UNKNOWN_FIELDS = {"issuer_author": {"vi": "tác giả/cơ quan ban hành", "en": "author or issuer"},
                  "title": {"vi": "tiêu đề", "en": "title"}, "date": {"vi": "ngày", "en": "date"},
                  "publisher": {"vi": "nơi xuất bản", "en": "publisher"}, "url": {"vi": "địa chỉ web", "en": "URL"},
                  "licence": {"vi": "giấy phép", "en": "licence"}}
