"""Indicator events summed ahead, with each refresh, so a page reads thousands of rows, not millions.

Every indicator query (its SQL file and bound parameters: the "query key") is run once per
refresh and its events summed by month, ward, sex, age band and ethnic group:

- `precomputed_monthly`, for queries whose events do not depend on the period asked for beyond
  falling in it (they read `$start` and `$end` once, as `between $start and $end`, and neither group
  nor read the period's length). Any whole-month period is the sum of its months.
- `precomputed_windows`, for the rest (people counted once in the period, rates over its length):
  the events of each year-long period the dashboard offers (`periods.period_options`) and of the
  trend span, each summed the same way. Shorter periods read little and run live.
- `precomputed_coverage`: each query's first and last event date.

`aggregate` reads these when they hold the period asked for and runs the query itself otherwise;
tests/metrics/test_precompute.py holds both paths to the same numbers. `build` then builds the
pages' own sums from them (metrics/precompute_pages.py) and the Justice page's stage counts and
days between stages by month (metrics/attrition_sums.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from etl.refresh import RefreshReport
from etl.refresh import refresh as etl_refresh
from oversight.settings import Settings

from metrics import periods
from metrics.definitions import Indicator
from metrics.periods import Period

EVENT_KEYS = "ward_code, sex, age_band, ethnicity"
WIDE_OPEN = {"start": date(1900, 1, 1), "end": date(2999, 12, 31), "period_years": 1.0}
_ONE_PERIOD_FILTER = re.compile(r"between\s+\$start\s+and\s+\$end", re.IGNORECASE)
_PERIOD_DEPENDENT = re.compile(r"group\s+by|\bover\s*\(|\$period_years|distinct", re.IGNORECASE)
SCHEMA = """
    create or replace table precomputed_coverage (query_key varchar, first_day date, last_day date, first_event_day date);
    create or replace table precomputed_monthly (
        query_key varchar, period_date date, ward_code varchar, sex varchar, age_band varchar, ethnicity varchar,
        numerator double, denominator double);
    create or replace table precomputed_windows (
        query_key varchar, window_start date, window_end date, period_date date,
        ward_code varchar, sex varchar, age_band varchar, ethnicity varchar, numerator double, denominator double);
"""
_SUMMED = f"date_trunc('month', period_date)::date as period_date, {EVENT_KEYS}, " \
          "sum(numerator)::double as numerator, sum(denominator)::double as denominator"


# A query that dates rows by the period asked for (expected victims) puts them on its first day;
# the first event day leaves those out.
_COVERAGE = "min(period_date), max(period_date), min(period_date) filter (where period_date > $start)"


def refresh(incoming: Path, *, warehouse: Path, settings: Settings, **options: Any) -> RefreshReport:
    """The nightly refresh with the precomputed sums built into the new version before it is published."""
    return etl_refresh(incoming, warehouse=warehouse, settings=settings, after_marts=build, **options)


def query_key(indicator: Indicator) -> str:
    parameters = "&".join(f"{name}={value}" for name, value in sorted(indicator.query_parameters.items()))
    return indicator.sql_name + (f"?{parameters}" if parameters else "")


def summable_by_month(sql: str) -> bool:
    """The query's events are the same whatever the period, only filtered to it (see the module doc)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return (len(_ONE_PERIOD_FILTER.findall(sql)) == 1 and sql.count("$start") == 1 and sql.count("$end") == 1
            and not _PERIOD_DEPENDENT.search(sql))


def trend_span(first_seen: date, last_seen: date) -> Period | None:
    """The complete financial years between two event dates. A year counts as held when the data
    reach into its first and last months: extracts seldom have an event on the very first and last days."""
    first_year = periods.financial_year_of(first_seen) + (first_seen.month != 4)
    last_year = periods.financial_year_of(last_seen) - (last_seen.month != 3)
    if last_year < first_year:
        return None
    return Period(periods.financial_year(first_year).start, periods.financial_year(last_year).end, "complete years")


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create the precomputed tables in the warehouse being built (after the marts)."""
    from metrics import attrition_sums, completeness, precompute_pages
    from metrics.aggregate import bind, query_sql
    from metrics.registry import all_indicators

    con.execute(SCHEMA)
    completeness.build(con)
    offered = offered_periods(con)
    queries = {query_key(indicator): indicator for indicator in all_indicators()}
    for key, indicator in queries.items():
        sql = query_sql(indicator.sql_name)
        everything = {**WIDE_OPEN, **indicator.query_parameters}
        if summable_by_month(sql):
            con.execute(f"create or replace temp table _precompute_events as {sql}", bind(sql, everything))
            con.execute(f"insert into precomputed_coverage select $key, {_COVERAGE} from _precompute_events",
                        {"key": key, "start": WIDE_OPEN["start"]})
            con.execute(f"insert into precomputed_monthly select $key, {_SUMMED} from _precompute_events group by all",
                        {"key": key})
            continue
        con.execute(f"insert into precomputed_coverage select $key, {_COVERAGE} from ({sql})",
                    {"key": key, **bind(sql, everything), "start": WIDE_OPEN["start"]})
        (first, last), = con.sql("select first_day, last_day from precomputed_coverage where query_key = $key",
                                 params={"key": key}).fetchall()
        span = trend_span(first, last) if first else None
        for window in {(period.start, period.end) for period in [*offered, *([span] if span else [])]}:
            period = Period(window[0], window[1], "window")
            parameters = {**everything, "start": period.start, "end": period.end, "period_years": period.years}
            con.execute(f"insert into precomputed_windows select $key, $window_start, $window_end, {_SUMMED} "
                        f"from ({sql}) group by all",
                        {"key": key, "window_start": period.start, "window_end": period.end, **bind(sql, parameters)})
    # Rows went in one query key after another, so a page's read of one key already skips the others' row groups.
    con.execute("drop table if exists _precompute_events")
    precompute_pages.build(con)
    attrition_sums.build(con)


def offered_periods(con: duckdb.DuckDBPyConnection) -> list[Period]:
    """The year-long periods the dashboard offers, which the refresh sums ahead."""
    from metrics import completeness

    coverage = completeness.read(con)
    through = coverage.complete_through(("police_incidents",)) or coverage.complete_through()  # as the sidebar offers
    if through is None:
        return []
    latest = max(source.last_day for source in coverage.sources.values())
    # Each indicator's default (the 12 complete months its own sources cover) is summed ahead too.
    from metrics.registry import all_indicators

    own_defaults = {period for indicator in all_indicators()
                    if (period := coverage.default_period(indicator.source_extracts)) is not None}
    # Quarters and months are left to run live: they are short, and a filtered scan of them is quick.
    offered = [period for period in periods.period_options(through, latest).values() if period.days >= 365]
    return offered + sorted(own_defaults - set(offered), key=lambda period: period.end)


def events_sql(con: duckdb.DuckDBPyConnection, indicator: Indicator, period: Period) -> tuple[str, dict[str, object]] | None:
    """SQL giving the indicator's events for `period` from the precomputed sums, with its parameters;
    None when they do not hold the period (or the warehouse has none), and the query must run itself."""
    if coverage(con, indicator) is None:
        return None
    columns = f"period_date, {EVENT_KEYS}, numerator, denominator"
    parameters: dict[str, object] = {"query_key": query_key(indicator)}
    if _summable(indicator.sql_name):
        if not period.is_whole_months:
            return None
        return (f"select {columns} from precomputed_monthly "
                "where query_key = $query_key and period_date between $start and $end", parameters)
    held = con.sql("select count(*) from precomputed_windows where query_key = $query_key "
                   "and window_start = $start and window_end = $end",
                   params={**parameters, "start": period.start, "end": period.end}).fetchall()[0][0]
    if not held:
        return None
    return (f"select {columns} from precomputed_windows "
            "where query_key = $query_key and window_start = $start and window_end = $end", parameters)


def coverage(con: duckdb.DuckDBPyConnection, indicator: Indicator, *, events_only: bool = False,
             ) -> tuple[date | None, date | None] | None:
    """(first, last) date of the query's rows from the precomputed table, or None when the warehouse
    has none. `events_only` leaves out rows the query dates on the first day of the period asked for."""
    first = "first_event_day" if events_only else "first_day"
    try:
        rows = con.sql(f"select {first}, last_day from precomputed_coverage where query_key = $key",
                       params={"key": query_key(indicator)}).fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0] if rows else None


def coverages(con: duckdb.DuckDBPyConnection, indicators: Iterable[Indicator], *, events_only: bool = False,
              ) -> dict[str, tuple[date | None, date | None] | None]:
    """`coverage` of each indicator's query, by query key, read at once (a page's dozen indicators)."""
    first = "first_event_day" if events_only else "first_day"
    keys = sorted({query_key(indicator) for indicator in indicators})
    try:
        rows = con.sql(f"select query_key, {first}, last_day from precomputed_coverage where list_contains($keys, query_key)",
                       params={"keys": keys}).fetchall()
    except duckdb.CatalogException:
        return dict.fromkeys(keys)
    held = {key: (first_day, last_day) for key, first_day, last_day in rows}
    return {key: held.get(key) for key in keys}


@cache
def _summable(sql_name: str) -> bool:
    from metrics.aggregate import query_sql

    return summable_by_month(query_sql(sql_name))

