"""The precomputed totals give the same sums as each indicator's query run itself, however the asks are batched."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics import periods, read
from metrics.periods import trend_span
from metrics.queries import summable_by_month
from metrics.aggregate import (
    Ask,
    GroupFilters,
    UnsupportedCut,
    aggregate_many,
    data_coverage,
)
from metrics.compute import default_period
from metrics.local_share import residents_of
from metrics.registry import all_indicators, headline_indicators
from metrics.scorecard import annual_span

INDICATORS = all_indicators()
CUTS = [((), GroupFilters()), (("ward",), GroupFilters()), (("year",), GroupFilters()), (("month",), GroupFilters()),
        ((), GroupFilters(ward_code="E05990025")), (("sex",), GroupFilters(ward_code="E05990025")),
        (("year",), GroupFilters(ward_code="E05990025", sex="female")), ((), GroupFilters(sex="male")),
        (("ethnicity",), GroupFilters(age_band="25-34")), (("ward", "year"), GroupFilters(sex="female"))]


def live(monkeypatch) -> None:
    monkeypatch.setattr(read, "totals", lambda *args, **kwargs: {})
    monkeypatch.setattr(read, "events_sql", lambda *args, **kwargs: None)


def asks_of(con, indicator) -> list[Ask]:
    latest = default_period(con)
    coverage = data_coverage(con, indicator)
    span = trend_span(*coverage) if coverage else None
    chosen = [latest, periods.financial_year(2024), periods.quarter(2026, 1), annual_span(latest),
              periods.between(date(2025, 1, 15), date(2025, 6, 3)), *([span] if span else [])]
    return [Ask(indicator, period, dims, groups) for period in chosen for dims, groups in CUTS]


def same(batched, one_by_one) -> None:
    if isinstance(one_by_one, UnsupportedCut):
        assert isinstance(batched, UnsupportedCut) and str(batched) == str(one_by_one)
        return
    keys = [column for column in one_by_one.columns if column not in ("numerator", "denominator")]
    assert_frame_equal(batched.sort(keys) if keys else batched, one_by_one.sort(keys) if keys else one_by_one,
                       check_exact=False, rel_tol=1e-12)


@pytest.mark.parametrize("indicator", INDICATORS, ids=[indicator.id for indicator in INDICATORS])
def test_totals_and_live_sums_agree(sample_warehouse, monkeypatch, indicator):
    asks = asks_of(sample_warehouse, indicator)
    batched = aggregate_many(sample_warehouse, asks)
    with monkeypatch.context() as patched:
        live(patched)
        for ask, result in zip(asks, batched):
            same(result, aggregate_many(sample_warehouse, [ask])[0])


def test_the_totals_hold_what_the_busiest_pages_ask_for(sample_warehouse):
    latest = default_period(sample_warehouse)
    sparklines = [indicator for indicator in headline_indicators() if "year" in indicator.dimensions]
    wanted = [Ask(indicator, period, dims, groups)
              for indicators, period, dims in [(headline_indicators(), latest, ()), (sparklines, annual_span(latest), ("year",))]
              for indicator in indicators
              for groups in [GroupFilters(), GroupFilters(ward_code="E05990025", sex="female")]]
    shares = [Ask(residents_of(indicator), latest, (), GroupFilters(ward_code="E05990025"))
              for indicator in all_indicators() if indicator.local_share]
    asks = dict(enumerate([*wanted, *shares]))
    assert sorted(read.totals(sample_warehouse, asks)) == sorted(asks)


def test_the_residents_shares_of_each_period_offered_agree_with_their_queries(sample_warehouse, monkeypatch):
    latest = default_period(sample_warehouse)
    asks = [Ask(residents_of(indicator), period, dims, groups)
            for indicator in all_indicators() if indicator.local_share
            for period in [latest, periods.financial_year(2025)]
            for dims, groups in [((), GroupFilters()), (("ward",), GroupFilters()), (("sex",), GroupFilters(ward_code="E05990025"))]]
    batched = aggregate_many(sample_warehouse, asks)
    assert len(read.totals(sample_warehouse, dict(enumerate(asks)))) == len(asks)
    with monkeypatch.context() as patched:
        live(patched)
        for ask, result in zip(asks, batched):
            same(result, aggregate_many(sample_warehouse, [ask])[0])


def test_a_warehouse_without_totals_reads_none(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "bare.duckdb"))
    ask = Ask(INDICATORS[0], periods.financial_year(2024))
    assert read.totals(con, {0: ask}) == {}


def test_a_window_summed_by_year_answers_no_cut_by_month(sample_warehouse):
    span = annual_span(default_period(sample_warehouse))
    indicator = headline_indicators()[0]
    by_month, by_year = Ask(indicator, span, ("month",)), Ask(indicator, span, ("year",))
    assert sorted(read.totals(sample_warehouse, {0: by_month, 1: by_year})) == [1]


def test_an_ask_with_no_events_has_one_row_of_zeros(sample_warehouse):
    indicator = headline_indicators()[0]
    (frame,) = read.totals(sample_warehouse, {0: Ask(indicator, periods.month(1990, 1))}).values()
    assert frame.to_dicts() == [{"numerator": 0.0, "denominator": 0.0}]
    assert frame.schema == pl.Schema({"numerator": pl.Float64, "denominator": pl.Float64})
