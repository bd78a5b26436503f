"""Periods as a board writes them, and the period just before."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.board.period_text import (
    PeriodTextError,
    headline_sources,
    latest_complete_quarter,
    latest_headline_quarter,
    parse_period,
    previous_period,
)
from metrics.completeness import Coverage, SourceCoverage
from metrics.periods import calendar_year, financial_year, month, quarter, rolling_12_months


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026 Q3", quarter(2026, 3)),
        ("2026-Q3", quarter(2026, 3)),
        ("2026q1", quarter(2026, 1)),
        ("2025/26", financial_year(2025)),
        ("2026", calendar_year(2026)),
        ("2026-09", month(2026, 9)),
    ],
)
def test_the_forms_a_board_writes(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2026 Q5", "2025/27", "2026-13", "last quarter", ""])
def test_anything_else_is_refused_with_the_forms_understood(text):
    with pytest.raises(PeriodTextError, match=r"2026 Q3|second year"):
        parse_period(text)


def test_the_period_before_is_of_the_same_kind():
    assert previous_period(quarter(2026, 1)) == quarter(2025, 4)
    assert previous_period(quarter(2026, 3)) == quarter(2026, 2)
    assert previous_period(financial_year(2025)) == financial_year(2024)
    assert previous_period(calendar_year(2026)) == calendar_year(2025)
    assert previous_period(month(2026, 1)) == month(2025, 12)
    rolling = previous_period(rolling_12_months(date(2026, 9, 30)))
    assert (rolling.start, rolling.end) == (date(2024, 10, 1), date(2025, 9, 30))


def test_the_latest_complete_quarter():
    assert latest_complete_quarter(date(2026, 9, 29)) == quarter(2026, 3)  # extracts end on the last working day
    assert latest_complete_quarter(date(2026, 9, 10)) == quarter(2026, 2)
    assert latest_complete_quarter(date(2026, 11, 30)) == quarter(2026, 3)


def test_the_latest_quarter_is_one_every_headline_source_covers_whole():
    police = SourceCoverage("police_incidents", date(2020, 10, 1), date(2026, 9, 30), 1, 1)
    marac = SourceCoverage("marac_cases", date(2020, 10, 8), date(2026, 9, 10), 7, 7)  # stops mid-September
    assert latest_headline_quarter(Coverage({"police_incidents": police}), date(2026, 9, 30)) == quarter(2026, 3)
    both = Coverage({"police_incidents": police, "marac_cases": marac})
    assert latest_headline_quarter(both, date(2026, 9, 30)) == quarter(2026, 2)
    assert both.shortfall(quarter(2026, 3), headline_sources()) == "incomplete: MARAC cases data run only to 10 Sep 2026"
    assert latest_headline_quarter(None, date(2026, 9, 30)) == quarter(2026, 3)  # no coverage: the incidents alone
