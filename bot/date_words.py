"""The words of dates, in Vietnamese (with and without diacritics) and English.

Kept apart from the parser (``bot.dates``) so that adding a word never touches the grammar.
"""

from __future__ import annotations

from datetime import time

# Only unambiguous names: short forms such as "thu", "sat" or "t2" begin ordinary titles
# ("Thu thập ý kiến").
WEEKDAYS = {
    **dict.fromkeys(("thứ hai", "thu hai", "thứ 2", "thu 2", "monday"), 0),
    **dict.fromkeys(("thứ ba", "thu ba", "thứ 3", "thu 3", "tuesday"), 1),
    **dict.fromkeys(("thứ tư", "thu tu", "thứ 4", "thu 4", "wednesday"), 2),
    **dict.fromkeys(("thứ năm", "thu nam", "thứ 5", "thu 5", "thursday"), 3),
    **dict.fromkeys(("thứ sáu", "thu sau", "thứ 6", "thu 6", "friday"), 4),
    **dict.fromkeys(("thứ bảy", "thu bay", "thứ 7", "thu 7", "saturday"), 5),
    **dict.fromkeys(("chủ nhật", "chu nhat", "sunday"), 6),
}
DAY_WORDS = {
    **dict.fromkeys(("hôm nay", "hom nay", "today"), 0),
    **dict.fromkeys(("ngày mai", "ngay mai", "tomorrow"), 1),
    **dict.fromkeys(("ngày kia", "ngay kia", "ngày mốt", "ngay mot", "day after tomorrow"), 2),
}
PM_WORDS = ("chiều", "chieu", "tối", "toi", "đêm", "dem", "pm")
AM_WORDS = ("sáng", "sang", "trưa", "trua", "am")
# A part of the day named without an hour ("sáng thứ 2") starts at these times.
PART_TIMES = {
    **dict.fromkeys(("sáng", "sang"), time(8, 0)),
    **dict.fromkeys(("trưa", "trua"), time(12, 0)),
    **dict.fromkeys(("chiều", "chieu"), time(14, 0)),
    **dict.fromkeys(("tối", "toi"), time(19, 0)),
}
MONTHS = {
    **dict.fromkeys(("january", "jan"), 1), **dict.fromkeys(("february", "feb"), 2),
    **dict.fromkeys(("march", "mar"), 3), **dict.fromkeys(("april", "apr"), 4),
    "may": 5, **dict.fromkeys(("june", "jun"), 6), **dict.fromkeys(("july", "jul"), 7),
    **dict.fromkeys(("august", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("october", "oct"), 10), **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "dec"), 12),
}
# Words that join a title to the deadline after it: "Báo cáo trước ngày 31/12".
FILLERS = ("lúc", "luc", "at", "on", "vào", "vao", "ngày", "ngay", "hạn chót", "han chot",
            "hạn", "han", "trước", "truoc", "by", "before", "due", "deadline", "until")
