"""The periods a board pack is asked for, written as people write them: `2026 Q3`, `2025/26`, `2026`, `2026-09`."""

from __future__ import annotations

import re
from datetime import date, timedelta

from metrics.completeness import Coverage
from metrics.periods import Period, PeriodError, calendar_year, financial_year, month, month_end, quarter
from metrics.registry import headline_indicators


class PeriodTextError(PeriodError):
    """A period written in a way the pack does not understand; the message shows the forms it does."""


FORMS = "a quarter (2026 Q3 or 2026-Q3), a financial year (2025/26), a calendar year (2026) or a month (2026-09)"
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str) -> Period:
    """The period `text` names; raises PeriodTextError naming the forms understood."""
    written = text.strip()
    if found := _QUARTER.match(written):
        return quarter(int(found[1]), int(found[2]))
    if found := _FINANCIAL_YEAR.match(written):
        start = int(found[1])
        if (start + 1) % 100 != int(found[2]):
            raise PeriodTextError(f"{text!r} is not a financial year: the second year must follow the first (e.g. 2025/26)")
        return financial_year(start)
    if found := _YEAR.match(written):
        return calendar_year(int(found[1]))
    if (found := _MONTH.match(written)) and 1 <= int(found[2]) <= 12:
        return month(int(found[1]), int(found[2]))
    raise PeriodTextError(f"{text!r} is not a period the board pack knows; write {FORMS}")


def previous_period(period: Period) -> Period:
    """The period of the same kind just before: the previous quarter, year or month."""
    label = period.label
    if " Q" in label:
        year, number = period.start.year, (period.start.month - 1) // 3 + 1
        return quarter(year, number - 1) if number > 1 else quarter(year - 1, 4)
    if "/" in label and len(label) == 7:
        return financial_year(period.start.year - 1)
    if label.isdigit():
        return calendar_year(period.start.year - 1)
    if period.is_whole_months and period.start.month == period.end.month and period.start.year == period.end.year:
        before = period.start - timedelta(days=1)
        return month(before.year, before.month)
    length = period.end - period.start
    end = period.start - timedelta(days=1)
    return Period(end - length, end, f"{end - length:%d %b %Y} to {end:%d %b %Y}")


def latest_complete_quarter(latest_data: date) -> Period:
    """The last quarter wholly covered by data that runs to `latest_data` (a quarter ending on its last month
    counts as complete when the data reach that month's final week: extracts stop at the last working day)."""
    number = (latest_data.month - 1) // 3 + 1
    current = quarter(latest_data.year, number)
    if latest_data >= current.end - timedelta(days=6) and current.end == month_end(latest_data):
        return current
    return previous_period(current)


def headline_sources() -> tuple[str, ...]:
    """Every source a headline indicator reads, in registry order."""
    return tuple(dict.fromkeys(source for indicator in headline_indicators() for source in indicator.source_extracts))


def latest_headline_quarter(coverage: Coverage | None, latest_incident_on: date) -> Period:
    """The last quarter every headline indicator's sources cover whole, so no indicator is compared over a
    quarter one of its sources stops partway through; by the police incidents alone when coverage is not known."""
    through = coverage.complete_through(headline_sources()) if coverage else None
    return latest_complete_quarter(through or latest_incident_on)
