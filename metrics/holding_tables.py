"""The tables that hold a figure shown alone as one of their rows, and the figure hidden where one of them hides it.

A figure for one group (a ward, a sex, an age band or an ethnic group picked by the filters) is also a row of the
table by that group, and a quarter's or a month's a row of the tables by quarter or month of the periods the sidebar
offers around it. There it may be hidden beside a small count, so that the table's total gives nothing away; shown
alone, it would give the hidden count back. `metrics.compute` works these tables out beside the figure.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import NamedTuple

import polars as pl

from metrics import periods
from metrics.aggregate import GroupFilters, UnsupportedCut
from metrics.completeness import Coverage
from metrics.periods import Period
from metrics.result_protection import hide_counts

GROUP_DIMENSIONS = {"ward_code": "ward", "sex": "sex", "age_band": "age_band", "ethnicity": "ethnicity"}


class HoldingTable(NamedTuple):
    """A table (its period, cut and group filters) and the cut value of its row holding the figure."""

    period: Period | None
    by: str
    groups: GroupFilters
    cut_value: str


def holding_tables(period: Period | None, groups: GroupFilters, coverage: Coverage) -> list[HoldingTable]:
    """For each group the filters pick, the table by that group under the other filters; for a whole quarter or
    month, the tables by quarter or by month of the financial year, the calendar year and the sidebar's latest 12
    months holding it, and a month's quarter by month."""
    tables = [
        HoldingTable(period, dimension, replace(groups, **{name: None}), value)
        for name, dimension in GROUP_DIMENSIONS.items()
        if (value := getattr(groups, name)) is not None
    ]
    cut = period_cut(period) if period is not None else None
    if period is None or cut is None:
        return tables
    number = (period.start.month - 1) // 3 + 1
    label = f"{period.start.year} Q{number}" if cut == "quarter" else f"{period.start:%Y-%m}"
    around = [periods.financial_year(periods.financial_year_of(period.start)), periods.calendar_year(period.start.year)]
    if (end := coverage.shared_period_end()) is not None:
        around.append(periods.rolling_12_months(end))
    if cut == "month":
        around.append(periods.quarter(period.start.year, number))
    spans = {(holding.start, holding.end): holding for holding in around}  # a year may be the latest 12 months too
    tables += [
        HoldingTable(holding, cut, groups, label)
        for holding in spans.values()
        if holding.start <= period.start and period.end <= holding.end
    ]
    return tables


def period_cut(period: Period) -> str | None:
    """'quarter' or 'month' when `period` is exactly one calendar quarter or month, else None."""
    if period.start.day != 1:
        return None
    if period.end == periods.month_end(period.start):
        return "month"
    if period.start.month % 3 == 1 and period.end == periods.month_end(date(period.start.year, period.start.month + 2, 1)):
        return "quarter"
    return None


def hidden_where_a_table_hides(
    result: pl.DataFrame | UnsupportedCut, tables: list[tuple[pl.DataFrame | UnsupportedCut, str]]
) -> pl.DataFrame | UnsupportedCut:
    """`result` with its counts hidden when a table holding the same figure (a frame, with the figure's cut value)
    hides it there: a count shown in one place and hidden in another would give the hidden one away."""
    if not tables or isinstance(result, UnsupportedCut) or result.is_empty():
        return result
    for table, cut_value in tables:
        if isinstance(table, UnsupportedCut):
            continue
        row = table.filter(pl.col("cut_value") == cut_value)
        hidden = [
            column
            for column in ("numerator", "denominator")
            if f"{column}_suppressed" in row.columns
            and f"{column}_suppressed" in result.columns
            and row[f"{column}_suppressed"].any()
        ]
        if hidden:
            result = hide_counts(result, hidden)
    return result
