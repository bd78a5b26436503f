"""Sum an indicator's numerator and denominator over a period, cut by chosen dimensions.

The indicator's query (metrics/sql/<name>.sql) yields rows with `period_date`, `ward_code`,
`sex`, `age_band`, `ethnicity`, `numerator` and `denominator`, taking $start and $end (and
$period_years where it needs them). Filters are bound parameters; the cut columns come
from a fixed list, never from user text.

The events come from where metrics/read.py chooses, by the refresh's manifest: the precomputed
totals (many asks in one query), the sums by month or window, or the query itself. Rates divide
by residents x years (metrics/residents.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import polars as pl

from etl.contract.values import AgeBand, Ethnicity, Sex  # noqa: F401  (named here by callers)
from metrics import read
from metrics.definitions import Denominator, Indicator
from metrics.periods import Period
from metrics.queries import (
    GROUP_FILTERS_SQL,
    PERIOD_EXPRESSIONS,
    PERSON_COLUMNS,
    Ask,
    GroupFilters,
    UnsupportedCut,
    bind,
    query_key,
    query_sql,
)
from metrics.residents import Residents, with_residents


def aggregate(
    con: duckdb.DuckDBPyConnection,
    indicator: Indicator,
    period: Period,
    *,
    dims: tuple[str, ...] = (),
    filters: GroupFilters = GroupFilters(),
) -> pl.DataFrame:
    """One row per combination of `dims` with numerator and denominator (person-years for rates)."""
    (result,) = aggregate_many(con, [Ask(indicator, period, dims, filters)])
    if isinstance(result, UnsupportedCut):
        raise result
    return result


def aggregate_many(con: duckdb.DuckDBPyConnection, asks: Sequence[Ask]) -> list[pl.DataFrame | UnsupportedCut]:
    """`aggregate` of each ask, or the UnsupportedCut it raises. Asks the precomputed totals hold
    are read in one query, the rest one by one."""
    residents = Residents(con)
    results: dict[int, pl.DataFrame | UnsupportedCut] = {}
    for position, ask in enumerate(asks):
        try:
            _check_cut(ask, residents)
        except UnsupportedCut as error:
            results[position] = error
    allowed = {position: ask for position, ask in enumerate(asks) if position not in results}
    held = read.totals(con, allowed)
    for position, ask in allowed.items():
        frame = held[position] if position in held else _summed_events(con, ask)
        if not ask.dims and position not in held:  # the totals fill theirs
            frame = frame.with_columns(pl.col("numerator").fill_null(0.0), pl.col("denominator").fill_null(0.0))
        try:
            if ask.indicator.denominator_source is not Denominator.EVENTS:
                frame = with_residents(residents, ask.indicator, frame, ask.period, dims=ask.dims, filters=ask.filters)
        except UnsupportedCut as error:  # no population loaded
            results[position] = error
            continue
        results[position] = frame
    return [results[position] for position in range(len(asks))]


def _check_cut(ask: Ask, residents: Residents) -> None:
    indicator, dims, filters = ask.indicator, ask.dims, ask.filters
    for dimension in (*dims, *filters.applied()):
        if dimension not in indicator.dimensions:
            allowed = ", ".join(indicator.dimensions) or "nothing: it is a district figure"
            raise UnsupportedCut(f"{indicator.id} cannot be cut by {dimension}; it allows {allowed}")
    if ("ethnicity" in dims or filters.ethnicity) and _reads_residents(indicator) and not residents.split_by_ethnicity():
        raise UnsupportedCut("the population is not split by ethnic group, so rates cannot be cut by it")


def _summed_events(con: duckdb.DuckDBPyConnection, ask: Ask) -> pl.DataFrame:
    """The ask's events summed, read where metrics/read.py says: precomputed sums or the query itself."""
    indicator, period, dims, filters = ask.indicator, ask.period, ask.dims, ask.filters
    select_dims = [f"{PERSON_COLUMNS[d]} as {d}" if d in PERSON_COLUMNS else f"{PERIOD_EXPRESSIONS[d]} as {d}" for d in dims]
    sums = "sum(numerator)::double as numerator, sum(denominator)::double as denominator"
    events_sql, events_parameters = read.events(con, indicator, period)
    events = f"with events as ({events_sql})"
    if all(d in PERSON_COLUMNS for d in dims):
        sql = f"""
            {events}
            select {", ".join([*select_dims, ""])} {sums}
            from events where {GROUP_FILTERS_SQL} {"group by all" if dims else ""}
        """
    else:
        # A period label is text built per row, so events are summed by month (a cheap key)
        # first and the labels made for the few monthly rows.
        monthly_keys = [
            *(PERSON_COLUMNS[d] for d in dims if d in PERSON_COLUMNS),
            "date_trunc('month', period_date) as period_date",
        ]
        sql = f"""
            {events},
            monthly as (select {", ".join(monthly_keys)}, {sums} from events where {GROUP_FILTERS_SQL} group by all)
            select {", ".join(select_dims)}, {sums} from monthly group by all
        """
    parameters = {
        "start": period.start,
        "end": period.end,
        "period_years": period.years,
        **filters.as_parameters(),
        **indicator.query_parameters,
        **events_parameters,
    }
    return con.sql(sql, params=bind(sql, parameters)).pl()


def _reads_residents(indicator: Indicator) -> bool:
    """A rate over residents, or a query that reads residents itself (expected victims, population shares)."""
    sql = query_sql(indicator.sql_name)
    return indicator.denominator_source is not Denominator.EVENTS or "mart_population" in sql or "expected_victims_in(" in sql


def data_coverage(con: duckdb.DuckDBPyConnection, indicator: Indicator) -> tuple[date, date] | None:
    """First and last event dates the indicator's query can see."""
    return read.event_dates(con, indicator)


def data_coverages(con: duckdb.DuckDBPyConnection, indicators: Sequence[Indicator]) -> dict[str, tuple[date, date] | None]:
    """`data_coverage` of each indicator, by query key, the precomputed ones read at once."""
    held = read.held_event_dates(con, indicators)
    return {
        key: held[key] if key in held else read.event_dates(con, indicator)
        for key, indicator in {query_key(indicator): indicator for indicator in indicators}.items()
    }
