"""The Services page's rows kept by the refresh are the rows its queries return, in the order they return them."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics import coverage_counts, read
from metrics.precomputed import PERIOD_QUERIES, STATIC_QUERIES
from metrics.aggregate import bind, query_sql
from metrics.compute import default_period
from metrics.periods import Period, financial_year
from pipeline.precompute import offered_periods


def run(con, name: str, period: Period | None = None) -> pl.DataFrame:
    sql = query_sql(name)
    values = {} if period is None else {"start": period.start, "end": period.end, "period_years": period.years}
    return con.sql(sql, params=bind(sql, values)).pl()


@pytest.mark.parametrize("name", PERIOD_QUERIES)
def test_each_period_offered_reads_the_rows_its_query_returns(sample_warehouse, name):
    for period in offered_periods(sample_warehouse):
        kept = read.rows(sample_warehouse, name, period)
        assert_frame_equal(kept, run(sample_warehouse, name, period), check_exact=True)


@pytest.mark.parametrize("name", STATIC_QUERIES)
def test_a_query_of_no_period_reads_the_rows_it_returns(sample_warehouse, name):
    assert_frame_equal(read.rows(sample_warehouse, name), run(sample_warehouse, name), check_exact=True)


def test_any_other_period_runs_the_query(sample_warehouse):
    latest = default_period(sample_warehouse)
    other = Period(latest.start.replace(day=2), latest.end, "not offered")
    assert read.kept_rows(sample_warehouse, coverage_counts.KEPT, other) is None
    assert_frame_equal(read.rows(sample_warehouse, "idva_capacity", other),
                       run(sample_warehouse, "idva_capacity", other))


def test_the_coverage_counts_kept_are_the_counts_made_here(sample_warehouse):
    for period in offered_periods(sample_warehouse):
        kept = read.kept_rows(sample_warehouse, coverage_counts.KEPT, period)
        assert kept is not None
        assert_frame_equal(kept.sort("ward_code", "client_group"),
                           coverage_counts.counted(sample_warehouse, period).sort("ward_code", "client_group"), check_exact=True)


def test_expected_need_is_the_expected_rows_of_reach_vs_need(sample_warehouse):
    period = financial_year(2025)
    keys = ["ward_code", "sex", "age_band", "ethnicity"]
    expected = run(sample_warehouse, "reach_vs_need", period).filter(pl.col("numerator") == 0).sort(keys)
    assert expected.height > 0
    assert_frame_equal(run(sample_warehouse, "coverage_expected_need", period).sort(keys), expected, check_exact=True)


def test_people_reached_counts_each_person_who_started_once(sample_warehouse):
    period = financial_year(2025)
    people = run(sample_warehouse, "coverage_people_reached", period)
    started = sample_warehouse.sql(
        "select count(distinct person_id) from mart_service_referrals where cast(started_at as date) between $start and $end",
        params={"start": period.start, "end": period.end}).fetchall()[0][0]
    assert started > 0 and people["people"].sum() == started
