"""The precomputed sums give the same numbers as running each indicator's query itself."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics import periods, read
from metrics.periods import trend_span
from metrics.queries import summable_by_month
from metrics.aggregate import GroupFilters, aggregate, data_coverage
from metrics.compute import default_period
from metrics.registry import all_indicators

INDICATORS = all_indicators()


def live(monkeypatch) -> None:
    monkeypatch.setattr(read, "events_sql", lambda *args, **kwargs: None)
    monkeypatch.setattr(read, "coverage", lambda *args, **kwargs: None)
    monkeypatch.setattr(read, "totals", lambda *args, **kwargs: {})


def sorted_frame(frame: pl.DataFrame) -> pl.DataFrame:
    keys = [column for column in frame.columns if column not in ("numerator", "denominator")]
    return frame.sort(keys) if keys else frame


@pytest.mark.parametrize("indicator", INDICATORS, ids=[indicator.id for indicator in INDICATORS])
def test_precomputed_and_live_aggregates_agree(sample_warehouse, monkeypatch, indicator):
    latest = default_period(sample_warehouse)
    coverage = data_coverage(sample_warehouse, indicator)
    span = trend_span(*coverage) if coverage else None
    chosen = [latest, periods.financial_year(2024), periods.quarter(2026, 1), periods.between(date(2025, 1, 15), date(2025, 6, 3))]
    cuts = [((), GroupFilters()), (("ward",), GroupFilters()), (("year",), GroupFilters()),
            (("sex",), GroupFilters(ward_code="E05990025")), (("ward", "year"), GroupFilters(age_band="25-34"))]
    if span:
        chosen.append(span)
    results = []
    for period in chosen:
        for dims, groups in cuts:
            if not all(dim in indicator.dimensions for dim in (*dims, *groups.applied())):
                continue
            results.append((period, dims, groups, aggregate(sample_warehouse, indicator, period, dims=dims, filters=groups)))
    with monkeypatch.context() as patched:
        live(patched)
        assert data_coverage(sample_warehouse, indicator) == coverage
        for period, dims, groups, precomputed in results:
            expected = aggregate(sample_warehouse, indicator, period, dims=dims, filters=groups)
            assert_frame_equal(sorted_frame(precomputed), sorted_frame(expected), check_dtypes=False, check_column_order=False)


@pytest.mark.parametrize("indicator", INDICATORS, ids=[indicator.id for indicator in INDICATORS])
def test_the_default_period_and_trend_span_are_read_from_the_precomputed_sums(sample_warehouse, indicator):
    latest = default_period(sample_warehouse)
    assert read.events_sql(sample_warehouse, indicator, latest) is not None
    first, last = data_coverage(sample_warehouse, indicator)
    span = trend_span(first, last)
    if span:
        assert read.events_sql(sample_warehouse, indicator, span) is not None


def test_a_period_not_in_whole_months_runs_the_query_itself(sample_warehouse):
    indicator = INDICATORS[0]
    assert read.events_sql(sample_warehouse, indicator, periods.between(date(2025, 1, 15), date(2025, 6, 3))) is None


@pytest.mark.parametrize(("sql", "summable"), [
    ("select reported_on as period_date, 1 as numerator from mart_incidents where reported_on between $start and $end", True),
    ("-- counted once per victim, group by victim\nselect reported_on as period_date from t where d between $start and $end", True),
    ("select max(d) as period_date from t where d between $start and $end group by victim_id", False),
    ("select d as period_date, $period_years as denominator from t where d between $start and $end", False),
    ("select d as period_date from t where d >= $start and d <= $end", False),
    ("select d as period_date, count(*) over (partition by v) from t where d between $start and $end", False),
])
def test_only_queries_that_merely_filter_to_the_period_are_summed_by_month(sql, summable):
    assert summable_by_month(sql) is summable


def test_a_warehouse_without_precomputed_sums_runs_every_query_itself(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "bare.duckdb"))
    assert read.events_sql(con, INDICATORS[0], periods.financial_year(2024)) is None
    assert read.coverage(con, INDICATORS[0]) is None


@pytest.mark.parametrize("indicator", INDICATORS, ids=[indicator.id for indicator in INDICATORS])
def test_the_action_plan_reads_the_same_first_and_last_event_dates(sample_warehouse, monkeypatch, indicator):
    from metrics.targets.sources import WarehouseValues

    precomputed = WarehouseValues(sample_warehouse).coverage(indicator.id)
    monkeypatch.setattr(read, "coverage", lambda *args, **kwargs: None)
    assert WarehouseValues(sample_warehouse).coverage(indicator.id) == precomputed
