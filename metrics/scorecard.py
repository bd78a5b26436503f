"""The board scorecard: every headline indicator with its annual values for a sparkline."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import UnsupportedCut
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.periods import between
from metrics.registry import headline_indicators


def scorecard(con: duckdb.DuckDBPyConnection, filters: Filters, rule: DisclosureRule) -> pl.DataFrame:
    """One row per headline indicator for the filters, plus `years` and `annual_values` lists.

    An indicator that cannot be cut the way the filters ask is left out (the page says so).
    """
    rows = []
    for indicator in headline_indicators():
        try:
            frame = compute(con, indicator.id, filters, rule=rule)
        except UnsupportedCut:
            continue
        years, values = _annual_series(con, indicator, filters, rule)
        rows.append(frame.with_columns(
            topic=pl.lit(indicator.topic.value),
            years=pl.lit(years, dtype=pl.List(pl.String)),
            annual_values=pl.lit(values, dtype=pl.List(pl.Float64)),
        ))
    return pl.concat(rows, how="diagonal_relaxed") if rows else pl.DataFrame()


def _annual_series(con, indicator, filters: Filters, rule: DisclosureRule) -> tuple[list[str], list[float | None]]:
    if "year" not in indicator.dimensions or filters.period is None:
        return [], []
    span = between(filters.period.end.replace(year=filters.period.end.year - 5), filters.period.end)
    try:
        annual = compute(con, indicator.id, Filters(period=span, by="year", groups=filters.groups), rule=rule, with_trend=False)
    except UnsupportedCut:
        return [], []
    return annual["cut_value"].to_list(), annual["value"].to_list()
