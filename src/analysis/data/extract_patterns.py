"""The patterns the extractor reads Vietnamese documents with: codes, dates, years, units, cues of targets and
observations, headings and breakdowns."""

from __future__ import annotations

import re

_CODE = re.compile(r"(?<![\w/])\d+(?:[/.-]\d+)*[/-]\s?(?:[A-ZĐ]{1,6}|[Qq]Đ|[Nn]Đ)[\w-]*(?:/[\w-]+)*")


_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?((?:19|20)\d{2})(?![\d])")


_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})", re.IGNORECASE)


_MONTH = re.compile(r"(?:tháng|Tháng)\s+(\d{1,2})\s?[/-]\s?((?:19|20)\d{2})")


# a day and month without a year ('ngày 18/4', 'từ 12/5 đến nay', '18/4, UBND tỉnh ban hành'): a date, not a figure
_DAY_MONTH = re.compile(r"(?<![\w/.,-])(\d{1,2})\s?([/.-])\s?(\d{1,2})(?![\w/]|[.,-]\d|\s?[/.-]\s?\d)")


_DAY_CUE = re.compile(r"(?:ngày|hôm|sáng|chiều|tối|trưa|đêm|từ|đến|tới|trước|sau|dịp|đầu|giữa|cuối)\s*$",
                      re.IGNORECASE)


# a month or quarter named by its number ('cuối tháng 5', 'quý 3')
_MONTH_NAME = re.compile(r"(?<!\w)(?:[Tt]háng|[Qq]uý)\s+(\d{1,2}|I{1,3}|IV)(?![\w/]|[.,]\d)")


_RANGE = re.compile(r"((?:19|20)\d{2})\s?[-–—]\s?((?:19|20)\d{2})")


_YEAR = re.compile(r"(?<![\d.,/-])((?:19|20)\d{2})(?!\d|,\d|\.\d)")


_FOOTNOTE = re.compile(r"(?<=\S)\(\d{1,3}\)|\[\d{1,3}\]|^\s*\(\d{1,3}\)")


_PAGE_REF = re.compile(r"(?:\btr\.|\bt\.|\btrang|\btập)\s?\d+(?:\s?[-–]\s?\d+)?", re.IGNORECASE)


_LIST_MARK = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)-]|[IVX]+[.)])\s|(?<=[:;.]\s)\d{1,2}-\s|(?<=[:;]\s)\d{1,2}[.)]\s")


_TIME = re.compile(r"\d{1,2}h\d{2}|\d{1,2}:\d{2}")


_DURATION = re.compile(r"^\s*(năm|tháng|ngày|giờ|phút|tuần|quý|nhiệm kỳ|tuổi)\b", re.IGNORECASE)


_NAMED_NUMBER = re.compile(r"(Đề án|Chỉ thị|Nghị quyết|Quyết định|Kế hoạch|Chương trình|Điều|khoản|Khoản|Chương|"
                           r"Phần|Mục|Phụ lục|phụ lục|Biểu|Bảng|Hình|lần thứ|khóa|khoá|Kỳ họp thứ|kỳ họp thứ|Hội nghị|Quốc lộ|QL|mức độ|cấp độ|"
                           r"(?:Nghị quyết|Quyết định|Chỉ thị|Kế hoạch|Thông tư|Nghị định|Luật|Công văn|Báo cáo|"
                           r"Kết luận|Chương trình|Đề án)\s+số)\s*$")


_BIBLIO = re.compile(r"\bNxb\b|Truy cập ngày|https?://|\bISBN\b|\bISSN\b", re.IGNORECASE)


# the word(s) after a figure -> unit; longest first
_UNIT_WORDS: list[tuple[str, str]] = sorted([
    ("%", "percent"), ("phần trăm", "percent"), ("tỷ đồng", "billion_vnd"), ("tỉ đồng", "billion_vnd"),
    ("triệu đồng", "million_vnd"), ("triệu USD", "million_usd"), ("tỷ USD", "billion_usd"),
    ("lượt học viên", "learner_turns"), ("lượt người", "learner_turns"), ("lượt cán bộ", "learner_turns"),
    ("lượt", "learner_turns"), ("người", "persons"), ("cán bộ", "persons"), ("công chức", "persons"),
    ("viên chức", "persons"), ("thành viên", "persons"), ("chuyên gia", "persons"), ("học viên", "persons"),
    ("sinh viên", "persons"), ("lao động", "persons"), ("đại biểu", "persons"), ("giảng viên", "persons"),
    ("thạc sĩ", "persons"), ("tiến sĩ", "persons"), ("kỹ sư", "persons"), ("Tổ", "teams"), ("tổ", "teams"),
    ("dịch vụ", "services"), ("DVCTT", "services"), ("văn bản", "documents"), ("tài khoản", "accounts"),
    ("lớp", "classes"), ("tổ chức", "organisations"), ("doanh nghiệp", "organisations"),
    ("cơ quan", "organisations"), ("đơn vị", "organisations"), ("hợp tác xã", "organisations"),
    ("thủ tục", "procedures"), ("TTHC", "procedures"), ("hồ sơ", "dossiers"), ("mục tiêu", "targets"),
    ("chỉ tiêu", "targets"), ("nhiệm vụ", "tasks"), ("cơ sở", "institutions"), ("trường", "institutions"),
    ("điểm", "score"), ("xã", "count"), ("thôn", "count"), ("huyện", "count"), ("tỉnh", "count"),
    ("nền tảng", "count"), ("hệ thống", "count"), ("cuộc", "count"), ("hội nghị", "count"),
], key=lambda kv: -len(kv[0]))


_UNIT_CAPTURE = re.compile(r"^\s*(" + "|".join(re.escape(w) for w, _ in _UNIT_WORDS) + r")(?![\wà-ỹ])")


_UNIT_OF = dict(_UNIT_WORDS)


# 'nghìn', 'triệu', 'tỷ' after a figure scale it ('1,488 triệu hồ sơ' = 1 488 000 dossiers; '2,5 nghìn tỷ đồng' =
# 2 500 billion VND); before 'đồng' or 'USD' the last of them is the currency unit ('13,8 tỷ đồng' = 13.8 billion_vnd)
_SCALE_OF = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}


_SCALE_WORD = re.compile(r"^\s?(nghìn|ngàn|triệu|tỷ|tỉ)(?![\wà-ỹ])")


_CURRENCY_UNIT = re.compile(r"^\s?(?:nghìn|ngàn|triệu|tỷ|tỉ)\s+(?:đồng|USD|VNĐ|VND)(?!\w)")


_RANK_BEFORE = re.compile(r"(vị trí thứ|xếp thứ|đứng thứ|xếp hạng thứ|xếp hạng|hạng thứ|hạng|nhóm|top|tốp)\s*$",
                          re.IGNORECASE)


_RANK_WORDS = re.compile(r"(?<!\w)(?:đứng đầu|dẫn đầu|xếp thứ nhất|đứng thứ nhất|vị trí thứ nhất)(?= (?:cả nước|toàn quốc|"
                         r"trong|về|các tỉnh))", re.IGNORECASE)


_TARGET_CUES = re.compile(r"phấn đấu|mục tiêu|chỉ tiêu|định hướng|tầm nhìn|tối thiểu|ít nhất|duy trì|bảo đảm|"
                          r"đảm bảo|cần đạt|phải đạt|trở lên|đề ra|sẽ\b|kế hoạch", re.IGNORECASE)


# cues that make the figures after them targets (the weaker ones above only qualify a figure)
_GOVERNING_CUES = re.compile(r"phấn đấu|mục tiêu|chỉ tiêu|định hướng|tầm nhìn|cần đạt|phải đạt|đề ra|(?<!\w)sẽ(?!\w)",
                             re.IGNORECASE)


# an achieved figure set against its target: 'đạt 63,47% (mục tiêu 70%)', '..., trong khi mục tiêu là 50%'
_VERSUS_TARGET = re.compile(r"\(\s*(?:so với\s+)?(?:mục tiêu|chỉ tiêu|kế hoạch)|trong khi|"
                            r"so với\s+(?:mục tiêu|chỉ tiêu|kế hoạch)", re.IGNORECASE)


_CONTRAST = re.compile(r"trong khi|(?<!\w)nhưng(?!\w)|tuy nhiên|(?<!\w)song(?!\w)", re.IGNORECASE)


_OBS_CUES = re.compile(r"(?<!\w)đã(?!\w)|hiện có|hiện nay|đạt được|tính đến|thực hiện được|toàn tỉnh có|"
                       r"thành lập được|đến nay|năm qua|vừa qua", re.IGNORECASE)


_TARGET_YEAR = re.compile(r"(?:đến|tới|vào|trước|đạt)\s+năm\s+((?:19|20)\d{2})|giai đoạn\s+(?:19|20)\d{2}\s?[-–]\s?"
                          r"((?:19|20)\d{2})|năm\s+((?:19|20)\d{2})", re.IGNORECASE)


_HEADING_TARGET = re.compile(r"^\W{0,3}(?:[a-zđ]\)|\d+(?:\.\d+)*\.?)?\s*(?:Mục tiêu[^.]{0,40})?(?:Đến|đến)\s+năm\s+"
                             r"((?:19|20)\d{2})\s*:?\s*$", re.IGNORECASE)


# a heading that opens a list of targets ('I. MỤC TIÊU', 'Phấn đấu đến năm 2025, đạt các chỉ tiêu sau:'), and one
# that opens something else ('II. NHIỆM VỤ, GIẢI PHÁP', '1. Kết quả thực hiện các mục tiêu')
_HEADING_CUE = re.compile(r"mục tiêu|phấn đấu|chỉ tiêu|định hướng|tầm nhìn", re.IGNORECASE)


_OTHER_HEADING = re.compile(r"kết quả|tình hình|thực hiện|đánh giá|thực trạng|hiện trạng|nhiệm vụ|giải pháp|"
                            r"tổ chức|kinh phí|căn cứ|quan điểm", re.IGNORECASE)


_SECTION = re.compile(r"^\W{0,3}(?:[IVX]+|[A-Z]|Phần\s+\w+)[.)]?(?:\s|$)")


_SINCE = re.compile(r"từ\s+(?:ngày\s+)?(\d{1,2})\s?/\s?(\d{1,2})\s?/\s?((?:19|20)\d{2})\s+đến nay", re.IGNORECASE)


_BREAKDOWNS = [
    (r"thạc sĩ trở lên|thạc sĩ|tiến sĩ", "qualification=master_plus"), (r"đại học", "qualification=university"),
    (r"cao đẳng", "qualification=college"), (r"trung cấp", "qualification=intermediate"),
    (r"cấp thôn|thôn, bản|thôn, ấp", "level=village"), (r"cấp xã|xã, phường", "level=commune"),
    (r"cấp huyện|quận, huyện", "level=district"), (r"cấp tỉnh|sở, ngành", "level=province"),
    (r"văn bản đến", "direction=incoming"), (r"văn bản đi", "direction=outgoing"),
]
