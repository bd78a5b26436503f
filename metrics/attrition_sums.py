"""The justice figures' cases summed by month at each refresh, and read back for a period.

Each figure has a query over its cases, one row per case: metrics/sql/_attrition_funnel.sql (an
incident or crime, with a 0/1 column per stage) and metrics/sql/_attrition_days.sql (a crime and a
step it completed, with its days). `build` sums them by month, ward, sex, age band and ethnic group
(and step and day) into a table, so a period of whole months (every period the dashboard offers)
reads a few thousand rows, not the period's incidents and crimes. Any other period, or a warehouse
built without the tables, reads the cases themselves. Either way the figure's own query sums what it
reads as `records`, so both give the same numbers (tests/metrics/test_attrition_sums.py holds them
equal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import duckdb

from metrics.aggregate import GroupFilters, query_sql
from metrics.periods import ALL_TIME, Period

Result = TypeVar("Result")


@dataclass(frozen=True)
class Summed:
    cases: str  # SQL: the period's cases, a row each
    monthly: str  # SQL: `records` (the cases of all time) summed by month: the table's rows
    table: str
    precomputed: str  # SQL: the table's months of the period
    figures: str  # SQL: the figures for a selection and cut, from `records` (cases or monthly sums)


STAGE_COUNTS = Summed("_attrition_funnel", "_attrition_funnel_monthly", "precomputed_attrition_stages",
                      "_attrition_funnel_precomputed", "_attrition_funnel_counts")
STEP_DAYS = Summed("_attrition_days", "_attrition_days_monthly", "precomputed_attrition_step_days",
                   "_attrition_days_precomputed", "_attrition_days_percentiles")


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create both tables in the warehouse being built (after the marts)."""
    for summed in (STAGE_COUNTS, STEP_DAYS):
        monthly = _over_records(query_sql(summed.cases), query_sql(summed.monthly))
        con.execute(f"create or replace table {summed.table} as {monthly}", {"start": ALL_TIME.start, "end": ALL_TIME.end})


def figures(con: duckdb.DuckDBPyConnection, summed: Summed, period: Period, by: str | None, groups: GroupFilters,
            fetch: Callable[[duckdb.DuckDBPyRelation], Result]) -> Result:
    """The figures' query for the selection and the cut `by` (already checked to be a person column), fetched."""
    if period.is_whole_months:
        try:
            return fetch(relation(con, summed, period, by, groups, precomputed=True))
        except duckdb.CatalogException:  # a warehouse built before the table existed
            pass
    return fetch(relation(con, summed, period, by, groups, precomputed=False))


def relation(con: duckdb.DuckDBPyConnection, summed: Summed, period: Period, by: str | None, groups: GroupFilters,
             *, precomputed: bool) -> duckdb.DuckDBPyRelation:
    records = query_sql(summed.precomputed if precomputed else summed.cases)
    parameters = {"start": period.start, "end": period.end, "by": by, **groups.as_parameters()}
    return con.sql(_over_records(records, query_sql(summed.figures)), params=parameters)



def _over_records(records: str, query: str) -> str:
    return f"with records as ({records})\nselect * from ({query})"
