"""Calendar words of Indonesian (and English) news: month names with their numbers, weekdays.

One home for the lists that date parsing, question analysis and answer spans each need;
every user builds the pattern it needs from them.
"""

from __future__ import annotations

import re

# Every spelling of each month seen in the news (Indonesian, English, abbreviations, the
# old "pebruari"/"nopember"), by month number.
MONTH_SPELLINGS: dict[int, tuple[str, ...]] = {
    1: ("januari", "january", "jan"),
    2: ("februari", "february", "feb", "pebruari"),
    3: ("maret", "march", "mar"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("agustus", "august", "agu", "agt", "aug"),
    9: ("september", "sep", "sept"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nopember", "nov", "nop"),
    12: ("desember", "december", "des", "dec"),
}
MONTHS: dict[str, int] = {name: n for n, names in MONTH_SPELLINGS.items() for name in names}
# The twelve Indonesian month names, in order.
MONTH_NAMES = tuple(names[0] for names in MONTH_SPELLINGS.values())
# Indonesian weekdays, Monday first; then other spellings of Friday and Sunday.
WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
WEEKDAY_VARIANTS = ("jum'at", "ahad")
YEAR = r"(?:1[5-9]|20)\d\d"  # a year as news writes one: 1500-2099


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex group matching any of the words (longest first, so "juni" beats "jun")."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
