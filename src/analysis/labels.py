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
