"""The scorecard shows each benchmark with the period it describes and its source."""

from __future__ import annotations

import polars as pl

from ui.scorecard_table import benchmark_cell, benchmark_sources

ROW = {
    "indicator_id": "outcome16_pct",
    "title": "Outcome 16",
    "comparison": "worse",
    "comparator": "England and Wales (year ending March 2020)",
    "comparator_value": 54.8,
}


def test_the_benchmark_cell_gives_name_value_period_and_source():
    cell = benchmark_cell(ROW)
    assert "England and Wales</span>, 54.8" in cell and "(year ending March 2020)" in cell
    assert 'title="Source: Home Office crime outcomes for domestic abuse-related crimes, year ending March 2020"' in cell


def test_the_sources_table_lists_each_benchmark_compared():
    table = benchmark_sources(pl.DataFrame([ROW, {**ROW, "indicator_id": "charge_rate_pct", "comparator": "district"}]))
    assert table.to_dicts() == [
        {
            "Indicator": "Outcome 16",
            "Benchmark": "England and Wales",
            "Value": 54.8,
            "Period": "year ending March 2020",
            "Source": "Home Office crime outcomes for domestic abuse-related crimes, year ending March 2020",
        }
    ]
