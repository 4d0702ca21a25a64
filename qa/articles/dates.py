"""Dates as ISO strings (YYYY-MM-DD), from the many ways records and news headers write them.

Month words come from `qa.calendar`, the one home of the month and weekday lists.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from qa.calendar import MONTHS

# Numeric layouts, each with the groups that hold (year, month, day).
_NUMERIC_DATES = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])"), (1, 2, 3)),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), (3, 2, 1)),
]
_WRITTEN_DATE = re.compile(r"\b(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})\b")  # "5 Desember 2019"


def iso_date(value: Any) -> str | None:
    """YYYY-MM-DD for ISO dates/datetimes, d/m/yyyy and "5 Desember 2019"; None if unparseable.

    An ISO datetime keeps its own calendar day (no time-zone conversion), which is
    the publication day the newsroom printed.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    for pattern, (y, m, d) in _NUMERIC_DATES:
        match = pattern.search(value)
        if match:
            return valid_date(match.group(y), match.group(m), match.group(d))
    match = _WRITTEN_DATE.search(value)
    if match and match.group(2).lower() in MONTHS:
        return valid_date(match.group(3), MONTHS[match.group(2).lower()], match.group(1))
    return None


def valid_date(year: str | int, month: str | int, day: str | int) -> str | None:
    """The ISO date, or None when the numbers name no real day (e.g. 30 February)."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
