"""The justice figures' cases summed by month at each refresh.

Each figure has a query over its cases, one row per case: metrics/sql/_attrition_funnel.sql (an
incident or crime, with a 0/1 column per stage) and metrics/sql/_attrition_days.sql (a crime and a
step it completed, with its days). `build` sums them by month, ward, sex, age band and ethnic group
(and step and day) into a table, so a period of whole months (every period the dashboard offers)
reads a few thousand rows, not the period's incidents and crimes. Any other period, or a warehouse
whose manifest does not list the tables, reads the cases themselves (metrics/read.py chooses). Either
way the figure's own query sums what it reads as `records`, so both give the same numbers
(tests/metrics/test_read.py holds them equal).
"""

from __future__ import annotations

import duckdb

from metrics.periods import ALL_TIME
from metrics.precomputed import STAGE_COUNTS, STEP_DAYS, HeldGrain, Product, over_records
from metrics.queries import query_sql
from pipeline.stale import Staleness, month_runs


def build(con: duckdb.DuckDBPyConnection, stale: Staleness | None = None) -> None:
    """Create both tables in the warehouse being built (after the marts); with `stale`, sum again only the months
    in which a table the cases' query reads changed (its cases are dated by their row's month, `month_start`, and
    read only within the period asked for)."""
    stale = stale or Staleness.everything(con)
    for summed in (STAGE_COUNTS, STEP_DAYS):
        cases = query_sql(summed.cases)
        everything = {"start": ALL_TIME.start, "end": ALL_TIME.end}
        months = stale.months(cases, everything) if stale.held(Product.ATTRITION, summed.table, HeldGrain.MONTHLY) else None
        monthly = over_records(cases, query_sql(summed.monthly))
        if months is None:
            con.execute(f"create or replace table {summed.table} as {monthly}", everything)
        elif months:
            con.execute(f"delete from {summed.table} where list_contains($months, month_start)", {"months": sorted(months)})
            for start, end in month_runs(months):
                con.execute(f"insert into {summed.table} {monthly}", {"start": start, "end": end})
        stale.list_held(Product.ATTRITION, summed.table, HeldGrain.MONTHLY)
    stale.write_manifest()
