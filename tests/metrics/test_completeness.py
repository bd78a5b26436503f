"""Completeness per source and month, the default period, and Fingertips' whole-year convention."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from metrics import completeness
from metrics.completeness import Coverage, SourceCoverage
from metrics.periods import between, financial_year, month, period_options, quarter, rolling_12_months
from tests.metrics.cut_drop import cut_sample_warehouse


def coverage(last_day: date, gap: int = 1, source: str = "police_incidents", first_day: date = date(2020, 10, 1)):
    return SourceCoverage(source, first_day, last_day, gap, gap)


@pytest.mark.parametrize(
    ("last_day", "gap", "through"),
    [
        (date(2026, 9, 30), 1, date(2026, 9, 30)),
        (date(2026, 9, 29), 1, date(2026, 9, 30)),  # a daily source one day short: no event on the last day
        (date(2026, 9, 28), 1, date(2026, 8, 31)),
        (date(2026, 9, 9), 1, date(2026, 8, 31)),  # a drop cut off mid-month
        (date(2026, 9, 24), 7, date(2026, 9, 30)),  # a weekly meeting's last sitting of the month
        (date(2026, 9, 22), 7, date(2026, 8, 31)),
    ],
)
def test_a_month_is_complete_when_the_data_reach_its_end_at_the_source_s_pace(last_day, gap, through):
    assert coverage(last_day, gap).complete_through == through


def test_the_default_period_is_the_latest_12_months_every_source_covers():
    sources = Coverage(
        {"police_incidents": coverage(date(2026, 9, 29)), "marac_cases": coverage(date(2026, 8, 20), 7, "marac_cases")}
    )
    assert sources.default_period(("police_incidents",)) == rolling_12_months(date(2026, 9, 30))
    assert sources.default_period(("police_incidents", "marac_cases")).end == date(2026, 7, 31)
    assert sources.default_period(("police_incidents", "population")).end == date(
        2026, 9, 30
    )  # reference files cover every month
    assert (
        sources.shortfall(rolling_12_months(date(2026, 9, 30)), ("marac_cases",))
        == "incomplete: MARAC cases data run only to 20 Aug 2026"
    )
    assert sources.shortfall(rolling_12_months(date(2026, 7, 31))) is None
    assert sources.shortfall(financial_year(2020)) == ("incomplete: Police incidents and MARAC cases data start on 1 Oct 2020")


def test_completeness_by_source_and_month():
    months = Coverage({"police_incidents": coverage(date(2026, 9, 9), first_day=date(2026, 6, 15))}).by_month()
    assert months.rows() == [
        ("police_incidents", date(2026, 6, 1), False),
        ("police_incidents", date(2026, 7, 1), True),
        ("police_incidents", date(2026, 8, 1), True),
        ("police_incidents", date(2026, 9, 1), False),
    ]


def test_whole_years_are_one_year_and_part_years_are_annualised_by_months():
    assert financial_year(2022).years == 1.0  # 365 days, but one year as Fingertips counts it
    assert financial_year(2023).years == 1.0  # 366 days
    assert quarter(2026, 1).years == pytest.approx(0.25)
    assert month(2026, 2).years == pytest.approx(1 / 12)
    assert between(date(2026, 1, 1), date(2026, 1, 10)).years == pytest.approx(10 / 365.25)


@pytest.mark.parametrize(
    ("period", "mid_year"),
    [
        (financial_year(2022), 2022),  # April 2022 to March 2023 holds 30 June 2022, not mid-2023
        (rolling_12_months(date(2026, 9, 30)), 2026),
        (rolling_12_months(date(2026, 5, 31)), 2025),
        (quarter(2026, 1), 2025),
        (quarter(2026, 3), 2026),
    ],
)
def test_the_mid_year_estimate_falls_within_the_period(period, mid_year):
    assert period.mid_year == mid_year


def test_the_picker_offers_the_latest_complete_12_months_and_the_incomplete_current_ones():
    options = period_options(date(2026, 8, 31), date(2026, 9, 9))
    assert options["Latest 12 months"] == rolling_12_months(date(2026, 8, 31))
    assert "Month September 2026" in options and "Quarter 2026 Q3" in options and "Financial year 2026/27" in options


@pytest.fixture(scope="module")
def cut_warehouse(tmp_path_factory):
    con = cut_sample_warehouse(tmp_path_factory.mktemp("cut"), datetime(2026, 9, 10))
    yield con
    con.close()


def test_a_drop_cut_off_mid_month_defaults_to_the_complete_months(cut_warehouse, sample_warehouse):
    from metrics.compute import Filters, compute, default_period
    from metrics.disclosure import DisclosureRule

    assert completeness.read(cut_warehouse).complete_through() == date(2026, 8, 31)
    assert default_period(cut_warehouse) == rolling_12_months(date(2026, 8, 31))
    rule = DisclosureRule.unsuppressed()
    cut = compute(cut_warehouse, "prevalence_incidents_per_1000", Filters(), rule=rule, with_trend=False)["value"][0]
    whole = compute(
        sample_warehouse,
        "prevalence_incidents_per_1000",
        Filters(period=rolling_12_months(date(2026, 8, 31))),
        rule=rule,
        with_trend=False,
    )["value"][0]
    assert abs(cut / whole - 1) < 0.01
