"""The coverage matrix's queries count what they say: need from the expected rows, people reached once each."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from metrics.periods import Period, financial_year
from metrics.queries import bind, query_sql


def run(con, name: str, period: Period | None = None) -> pl.DataFrame:
    sql = query_sql(name)
    values = {} if period is None else {"start": period.start, "end": period.end, "period_years": period.years}
    return con.sql(sql, params=bind(sql, values)).pl()


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
        params={"start": period.start, "end": period.end},
    ).fetchall()[0][0]
    assert started > 0 and people["people"].sum() == started
