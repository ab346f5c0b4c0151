"""Words shown to people: status labels and one-sentence explanations, in Vietnamese and English."""

from __future__ import annotations

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
    "insufficient_data": {"vi": "Chưa đủ số liệu", "en": "Insufficient data", "colour": "#8c8c8c",
                          "explain_vi": "Chỉ có một số liệu: không thể xác định xu hướng.",
                          "explain_en": "Only one data point: no trend can be determined."},
    "no_data": {"vi": "Không có số liệu", "en": "No data", "colour": "#d9d9d9",
                "explain_vi": "Chưa có số liệu nào để theo dõi mục tiêu này.",
                "explain_en": "No figure has been found to track this target."},
}

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
