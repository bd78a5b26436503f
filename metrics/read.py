"""Reading what the refresh precomputed: the one place that chooses between an indicator's live rows and the sums
the refresh keeps (pipeline/ builds them; metrics/precomputed.py names their tables).

- `events_sql`: an indicator's events for a period from the sums by month or window, or None (run the query);
- `totals`: many asks at once from the sums added up to the district and its commonest cuts;
- `coverage`/`coverages`: the first and last event dates of an indicator's query;
- `rows`/`kept_rows`: a page query's rows (or a frame made from them) kept for a period;
- `attrition_figures`: the Justice page's figures from its monthly sums or from the cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cache
from typing import TypeVar

import duckdb
import polars as pl

from metrics.definitions import Indicator
from metrics.periods import Period
from metrics.precomputed import (
    GROUPING_SETS,
    PERIOD_CUTS_BY_MONTH,
    PERIOD_QUERIES,
    STATIC_QUERIES,
    Summed,
    over_records,
)
from metrics.queries import EVENT_KEYS, PERSON_COLUMNS, Ask, GroupFilters, bind, query_key, query_sql, summable_by_month

Result = TypeVar("Result")


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
    return summable_by_month(query_sql(sql_name))


def totals(con: duckdb.DuckDBPyConnection, asks: Mapping[int, Ask]) -> dict[int, pl.DataFrame]:
    """The summed rows of each ask held, by its position: its dims, then numerator and denominator, as `aggregate`
    sums them before residents are added (an ask with no dims has its one row, of zeros where it has no events)."""
    sources = _sources(con, asks)
    if not sources:
        return {}
    chosen = {position: asks[position] for position in sources}
    lists: dict[str, list] = {name: [] for name in (
        "ask", "query_key", "grouping_set", "window_start", "window_end", "period_start", "period_end", "ward", "sex",
        "age_band", "ethnicity", "first_dim", "second_dim")}
    for position, ask in chosen.items():
        grouping_set, source = sources[position]
        window = (None, None) if source == "month" else (ask.period.start, ask.period.end)
        dims = [*ask.dims, None, None]
        values = {"ask": position, "query_key": query_key(ask.indicator), "grouping_set": grouping_set,
                  "window_start": window[0], "window_end": window[1], "period_start": ask.period.start,
                  "period_end": ask.period.end,
                  **ask.filters.as_parameters(), "first_dim": dims[0], "second_dim": dims[1]}
        for name, value in values.items():
            lists[name].append(value)
    by_ask: dict[int, list[tuple]] = {position: [] for position in chosen}
    for position, *values in con.sql(query_sql("_precomputed_totals_asks"), params=lists).fetchall():
        by_ask[position].append(values)
    return {position: _ask_frame(by_ask[position], ask.dims) for position, ask in chosen.items()}


def _sources(con: duckdb.DuckDBPyConnection, asks: Mapping[int, Ask]) -> dict[int, tuple[str, str]]:
    """(grouping set, source) of each ask held, where a grouping set keeps every person cut it is summed by or
    filtered on."""
    wanted = {}
    for position, ask in asks.items():
        cuts = {dimension for dimension in ask.dims if dimension in PERSON_COLUMNS} | set(ask.filters.applied())
        grouping_set = next((name for name, kept in GROUPING_SETS.items() if cuts <= set(kept)), None)
        if grouping_set is not None:
            wanted[position] = grouping_set
    if not wanted:
        return {}
    keys = sorted({query_key(asks[position].indicator) for position in wanted})
    try:
        held = con.sql("select query_key, source, window_start, window_end from precomputed_totals_held "
                       "where list_contains($keys, query_key)", params={"keys": keys}).fetchall()
    except duckdb.CatalogException:  # a warehouse built before the totals were
        return {}
    windows = {(key, start, end): source for key, source, start, end in held if source != "month"}
    monthly = {key for key, source, _, _ in held if source == "month"}
    sources = {}
    for position, grouping_set in wanted.items():
        ask = asks[position]
        key, period = query_key(ask.indicator), ask.period
        window = windows.get((key, period.start, period.end))
        if key in monthly and period.is_whole_months:
            sources[position] = (grouping_set, "month")
        elif window == "window" or (window == "window by year" and not set(ask.dims) & set(PERIOD_CUTS_BY_MONTH)):
            sources[position] = (grouping_set, window)
    return sources


def _ask_frame(rows: list[tuple], dims: tuple[str, ...]) -> pl.DataFrame:
    """One ask's (first value, second value, numerator, denominator) rows as `aggregate` frames them."""
    if not dims:  # one row, zeros where there are no events
        rows = [(None, None, *(total if total is not None else 0.0 for total in (rows[0][2:] if rows else (None, None))))]
    columns = list(zip(*rows)) or [()] * 4
    named = {**{dimension: columns[slot] for slot, dimension in enumerate(dims)},
             "numerator": columns[2], "denominator": columns[3]}
    return pl.DataFrame({name: list(values) for name, values in named.items()},
                        schema={**{dimension: pl.String for dimension in dims}, "numerator": pl.Float64, "denominator": pl.Float64})


def rows(con: duckdb.DuckDBPyConnection, name: str, period: Period | None = None) -> pl.DataFrame:
    """The query's rows (for `period`, where it reads one): kept by the refresh, or run here."""
    held = _held(con, name, period)
    if held is not None:
        return held
    sql = query_sql(name)
    values = {} if period is None else {"start": period.start, "end": period.end, "period_years": period.years}
    return con.sql(sql, params=bind(sql, values)).pl()


def kept_rows(con: duckdb.DuckDBPyConnection, name: str, period: Period) -> pl.DataFrame | None:
    """The frame kept for the period under `name`, or None."""
    return _rows(con, name, period, order=None)


def _held(con: duckdb.DuckDBPyConnection, name: str, period: Period | None) -> pl.DataFrame | None:
    if name not in (PERIOD_QUERIES if period is not None else STATIC_QUERIES):
        return None
    return _rows(con, name, period, (PERIOD_QUERIES | STATIC_QUERIES)[name])


def _rows(con: duckdb.DuckDBPyConnection, name: str, period: Period | None, order: str | None) -> pl.DataFrame | None:
    try:
        rows = con.sql(f"select * exclude (window_start, window_end) from precomputed_rows_{name} "
                       "where window_start is not distinct from $start and window_end is not distinct from $end"
                       + (f" order by {order}" if order else ""),
                       params={"start": period.start if period else None, "end": period.end if period else None}).pl()
    except duckdb.CatalogException:  # a warehouse built before these were kept
        return None
    return rows if rows.height else None


def attrition_figures(con: duckdb.DuckDBPyConnection, summed: Summed, period: Period, by: str | None,
                      groups: GroupFilters, fetch: Callable[[duckdb.DuckDBPyRelation], Result]) -> Result:
    """The figures' query for the selection and the cut `by` (already checked to be a person column), fetched."""
    if period.is_whole_months:
        try:
            return fetch(attrition_relation(con, summed, period, by, groups, precomputed=True))
        except duckdb.CatalogException:  # a warehouse built before the table existed
            pass
    return fetch(attrition_relation(con, summed, period, by, groups, precomputed=False))


def attrition_relation(con: duckdb.DuckDBPyConnection, summed: Summed, period: Period, by: str | None,
                       groups: GroupFilters, *, precomputed: bool) -> duckdb.DuckDBPyRelation:
    records = query_sql(summed.precomputed if precomputed else summed.cases)
    parameters = {"start": period.start, "end": period.end, "by": by, **groups.as_parameters()}
    return con.sql(over_records(records, query_sql(summed.figures)), params=parameters)
