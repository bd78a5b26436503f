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
    def months(self) -> int | None:
        """How many whole months it spans, or None when it does not start and end on a month's edges."""
        if not self.is_whole_months:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def years(self) -> float:
        """Length in years, for annualising rates: months / 12 for whole months (as Fingertips counts a
        whole year: one year, whatever its days), else days / 365.25."""
        months = self.months
        return months / 12 if months is not None else self.days / 365.25

    @property
    def mid_year(self) -> int:
        """The mid-year population estimate (30 June) for the period: the latest 30 June on or before
        its end, which for any period of a year or more falls within it (2022/23 takes mid-2022)."""
        return self.end.year if self.end >= date(self.end.year, 6, 30) else self.end.year - 1

    @property
    def is_whole_months(self) -> bool:
        """Starts on a month's first day and ends on a month's last: the sum of its months."""
        return self.start.day == 1 and self.end == month_end(self.end)


# Every event held: the period a query is run over when it must see all its events (the precomputed sums,
# the first and last dates held). Rows a query dates at its period's start (residents spread over the
# period) fall on ALL_TIME.start, long before any event.
ALL_TIME = Period(date(1900, 1, 1), date(2999, 12, 31), "all time")


def all_time_parameters() -> dict[str, date | float]:
    """A query's bound parameters for ALL_TIME; `period_years` is 1, so rows scaled by it stay a year's."""
    return {"start": ALL_TIME.start, "end": ALL_TIME.end, "period_years": 1.0}


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


def period_options(complete_through: date, latest: date | None = None) -> dict[str, Period]:
    """The latest 12 complete months (ending `complete_through`), then financial years, calendar years,
    quarters and months back from the latest data (`latest`, by default the end of the complete months),
    the most recent of which may be incomplete: `metrics.completeness` says which."""
    options = {"Latest 12 months": rolling_12_months(complete_through)}
    latest = max(latest or complete_through, complete_through)
    latest_year = financial_year_of(latest)
    for year in range(latest_year, latest_year - 6, -1):
        period = financial_year(year)
        options[f"Financial year {period.label}"] = period
    for year in range(latest.year, latest.year - 3, -1):
        options[f"Calendar year {year}"] = calendar_year(year)
    quarter_year, quarter_number = latest.year, (latest.month - 1) // 3 + 1
    for _ in range(8):
        options[f"Quarter {quarter_year} Q{quarter_number}"] = quarter(quarter_year, quarter_number)
        quarter_year, quarter_number = (quarter_year, quarter_number - 1) if quarter_number > 1 else (quarter_year - 1, 4)
    month_start = date(latest.year, latest.month, 1)
    for _ in range(12):
        options[f"Month {month_start:%B %Y}"] = month(month_start.year, month_start.month)
        month_start = date(month_start.year - (month_start.month == 1), (month_start.month - 2) % 12 + 1, 1)
    return options


def trend_span(first_seen: date, last_seen: date) -> Period | None:
    """The complete financial years between two event dates. A year counts as held when the data
    reach into its first and last months: extracts seldom have an event on the very first and last days."""
    first_year = financial_year_of(first_seen) + (first_seen.month != 4)
    last_year = financial_year_of(last_seen) - (last_seen.month != 3)
    if last_year < first_year:
        return None
    return Period(financial_year(first_year).start, financial_year(last_year).end, "complete years")


def annual_span(period: Period) -> Period:
    """The years a scorecard tile's sparkline draws: the five years to the period's end, cut by financial year."""
    return between(period.end.replace(year=period.end.year - 5), period.end)
