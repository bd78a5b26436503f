"""Reporting periods: months, quarters, financial and calendar years, rolling 12 months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


class PeriodError(ValueError):
    """A period that cannot be reported on (end before start, unknown kind)."""


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"period {self.label} ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def years(self) -> float:
        """Length in years, for annualising rates (365.25 days a year)."""
        return self.days / 365.25


def month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def financial_year(start_year: int) -> Period:
    """April to March; 2025 is 2025/26."""
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), f"{start_year}/{(start_year + 1) % 100:02d}")


def calendar_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    start = date(year, first_month, 1)
    return Period(start, month_end(date(year, first_month + 2, 1)), f"{year} Q{number}")


def month(year: int, number: int) -> Period:
    start = date(year, number, 1)
    return Period(start, month_end(start), start.strftime("%b %Y"))


def rolling_12_months(last_day: date) -> Period:
    """The 12 whole months ending with the month that holds `last_day`."""
    end = month_end(last_day)
    start = month_end(date(end.year - 1, end.month, 1)) + timedelta(days=1)
    return Period(start, end, f"12 months to {end:%b %Y}")


def between(start: date, end: date) -> Period:
    return Period(start, end, f"{start:%d %b %Y} to {end:%d %b %Y}")


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    return financial_year(start_year).label
