"""The board scorecard: every headline indicator with its annual values for a sparkline."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics.aggregate import UnsupportedCut
from metrics.compute import Filters, Request, compute_many
from metrics.disclosure import DisclosureRule
from metrics.periods import annual_span
from metrics.registry import headline_indicators


def scorecard(con: duckdb.DuckDBPyConnection, filters: Filters, rule: DisclosureRule) -> pl.DataFrame:
    """One row per headline indicator for the filters, plus `years` and `annual_values` lists.

    An indicator that cannot be cut the way the filters ask is left out (the page says so).
    """
    indicators = headline_indicators()
    sparklines = {
        indicator.id: Request(
            indicator.id, Filters(period=annual_span(filters.period), by="year", groups=filters.groups), with_trend=False
        )
        for indicator in indicators
        if "year" in indicator.dimensions and filters.period is not None
    }
    tiles = [Request(indicator.id, filters) for indicator in indicators]
    results = compute_many(con, [*tiles, *sparklines.values()], rule=rule)
    annual = dict(zip(sparklines, results[len(tiles) :], strict=True))
    rows = []
    for indicator, frame in zip(indicators, results[: len(tiles)], strict=True):
        if isinstance(frame, UnsupportedCut):
            continue
        years, values = _annual_series(annual.get(indicator.id))
        rows.append(
            frame.with_columns(
                topic=pl.lit(indicator.topic.value),
                years=pl.lit(years, dtype=pl.List(pl.String)),
                annual_values=pl.lit(values, dtype=pl.List(pl.Float64)),
            )
        )
    return pl.concat(rows, how="diagonal_relaxed") if rows else pl.DataFrame()


def _annual_series(annual: pl.DataFrame | UnsupportedCut | None) -> tuple[list[str], list[float | None]]:
    """The sparkline's years and values; none for an indicator with no years, or none the filters allow."""
    if annual is None or isinstance(annual, UnsupportedCut):
        return [], []
    return annual["cut_value"].to_list(), annual["value"].to_list()
