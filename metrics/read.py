"""Reading the warehouse's events: the one place that chooses between an indicator's live rows and the sums
the refresh precomputed (pipeline/ builds them; metrics/precomputed.py names their tables).

It reads a precomputed table only where the refresh's manifest (`precomputed_manifest`) lists it as holding the
period asked for; everything else runs the query itself. A warehouse without a manifest holds nothing
precomputed. Each function here makes that choice for one kind of read:

- `events`: an indicator's events for a period: monthly sums, a window's sums, or its query;
- `totals`: many asks at once from the sums added up to the district and its commonest cuts (only those held);
- `event_dates`/`held_event_dates`: the first and last event dates of an indicator's query;
- `rows`/`kept_rows`: a page query's rows (or a frame made from them) kept for a period;
- `attrition_figures`: the Justice page's figures from its monthly sums or from the cases;
- `source_coverage_held`: whether each source's coverage was written by the refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import NamedTuple, TypeVar

import duckdb
import polars as pl

from metrics.definitions import Indicator
from metrics.periods import Period
from metrics.precomputed import (
    GROUPING_SETS,
    MANIFEST,
    PERIOD_CUTS_BY_MONTH,
    PERIOD_QUERIES,
    STATIC_QUERIES,
    HeldGrain,
    Product,
    Summed,
    over_records,
)
from metrics.queries import EVENT_KEYS, PERSON_COLUMNS, WIDE_OPEN, Ask, GroupFilters, bind, query_key, query_sql

Result = TypeVar("Result")
EventDates = tuple[date, date]


class Held(NamedTuple):
    """A manifest row: a product held for a query key at a grain, for a window (None for monthly and all)."""

    key: str
    grain: HeldGrain
    window_start: date | None
    window_end: date | None

    def holds(self, period: Period | None) -> bool:
        """Whether the rows held answer `period` (None: a query that reads no period)."""
        if self.grain is HeldGrain.ALL:
            return period is None
        if period is None:
            return False
        if self.grain is HeldGrain.MONTHLY:
            return period.is_whole_months
        return (self.window_start, self.window_end) == (period.start, period.end)


def manifest(con: duckdb.DuckDBPyConnection, product: Product, keys: Iterable[str]) -> list[Held]:
    """What the refresh lists as held of `product` for `keys`; nothing for a warehouse built without sums."""
    has_manifest = con.sql(
        "select count(*) from duckdb_tables() where table_name = $table", params={"table": MANIFEST}
    ).fetchall()[0][0]
    if not has_manifest:
        return []
    rows = con.sql(
        f"select query_key, grain, window_start, window_end from {MANIFEST} "
        "where product = $product and list_contains($keys, query_key)",
        params={"product": product.value, "keys": sorted(set(keys))},
    ).fetchall()
    return [Held(key, HeldGrain(grain), start, end) for key, grain, start, end in rows]


def _holds(con: duckdb.DuckDBPyConnection, product: Product, key: str, period: Period | None) -> Held | None:
    return next((held for held in manifest(con, product, [key]) if held.holds(period)), None)


def events(con: duckdb.DuckDBPyConnection, indicator: Indicator, period: Period) -> tuple[str, dict[str, object]]:
    """SQL giving the indicator's events for `period` (`period_date`, the person columns, numerator and
    denominator), with the parameters it needs besides the period's: from the precomputed sums where the
    manifest says they hold the period, else the indicator's query itself."""
    key = query_key(indicator)
    held = _holds(con, Product.EVENTS, key, period)
    if held is None:
        return query_sql(indicator.sql_name), {}
    columns = f"period_date, {EVENT_KEYS}, numerator, denominator"
    if held.grain is HeldGrain.MONTHLY:
        return (
            f"select {columns} from precomputed_monthly where query_key = $query_key and period_date between $start and $end",
            {"query_key": key},
        )
    return (
        f"select {columns} from precomputed_windows where query_key = $query_key and window_start = $start and window_end = $end",
        {"query_key": key},
    )


def held_event_dates(
    con: duckdb.DuckDBPyConnection,
    indicators: Iterable[Indicator],
    *,
    events_only: bool = False,
) -> dict[str, EventDates | None]:
    """The first and last event dates of each indicator's query the refresh holds, by query key (keys it does not
    hold are left out). `events_only` leaves out rows the query dates on the first day of the period asked for."""
    keys = {query_key(indicator) for indicator in indicators}
    held = {entry.key for entry in manifest(con, Product.COVERAGE, keys)}
    if not held:
        return {}
    first = "first_event_day" if events_only else "first_day"
    rows = con.sql(
        f"select query_key, {first}, last_day from precomputed_coverage where list_contains($keys, query_key)",
        params={"keys": sorted(held)},
    ).fetchall()
    dates = {key: _dates(first_day, last_day) for key, first_day, last_day in rows}
    return {key: dates.get(key) for key in held}


def event_dates(con: duckdb.DuckDBPyConnection, indicator: Indicator, *, events_only: bool = False) -> EventDates | None:
    """The first and last event dates of the indicator's query: held by the refresh, or worked out from the query
    (which raises duckdb.Error when a table it reads was never loaded). None when it has no events."""
    held = held_event_dates(con, [indicator], events_only=events_only)
    if held:
        return held[query_key(indicator)]
    # A query that spreads the period asked for over population rows dates them on its first day; from this far
    # back, `events_only` tells such echoes apart from real events.
    first = "min(period_date) filter (where period_date > $start)" if events_only else "min(period_date)"
    sql = f"with events as ({query_sql(indicator.sql_name)}) select {first}, max(period_date) from events"
    wide = {**WIDE_OPEN, **indicator.query_parameters}
    first_day, last_day = con.sql(sql, params=bind(sql, wide)).fetchall()[0]
    return _dates(first_day, last_day)


def _dates(first: date | None, last: date | None) -> EventDates | None:
    return None if first is None or last is None else (first, last)


def totals(con: duckdb.DuckDBPyConnection, asks: Mapping[int, Ask]) -> dict[int, pl.DataFrame]:
    """The summed rows of each ask held, by its position: its dims, then numerator and denominator, as `aggregate`
    sums them before residents are added (an ask with no dims has its one row, of zeros where it has no events)."""
    sources = _sources(con, asks)
    if not sources:
        return {}
    chosen = {position: asks[position] for position in sources}
    lists: dict[str, list] = {
        name: []
        for name in (
            "ask",
            "query_key",
            "grouping_set",
            "window_start",
            "window_end",
            "period_start",
            "period_end",
            "ward",
            "sex",
            "age_band",
            "ethnicity",
            "first_dim",
            "second_dim",
        )
    }
    for position, ask in chosen.items():
        grouping_set, source = sources[position]
        window = (None, None) if source is HeldGrain.MONTHLY else (ask.period.start, ask.period.end)
        dims = [*ask.dims, None, None]
        values = {
            "ask": position,
            "query_key": query_key(ask.indicator),
            "grouping_set": grouping_set,
            "window_start": window[0],
            "window_end": window[1],
            "period_start": ask.period.start,
            "period_end": ask.period.end,
            **ask.filters.as_parameters(),
            "first_dim": dims[0],
            "second_dim": dims[1],
        }
        for name, value in values.items():
            lists[name].append(value)
    by_ask: dict[int, list[tuple]] = {position: [] for position in chosen}
    for position, *sums in con.sql(query_sql("_precomputed_totals_asks"), params=lists).fetchall():
        by_ask[position].append(tuple(sums))
    return {position: _ask_frame(by_ask[position], ask.dims) for position, ask in chosen.items()}


def _sources(con: duckdb.DuckDBPyConnection, asks: Mapping[int, Ask]) -> dict[int, tuple[str, HeldGrain]]:
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
    keys = {query_key(asks[position].indicator) for position in wanted}
    held = manifest(con, Product.TOTALS, keys)
    windows = {
        (entry.key, entry.window_start, entry.window_end): entry.grain for entry in held if entry.grain is not HeldGrain.MONTHLY
    }
    monthly = {entry.key for entry in held if entry.grain is HeldGrain.MONTHLY}
    sources = {}
    for position, grouping_set in wanted.items():
        ask = asks[position]
        key, period = query_key(ask.indicator), ask.period
        window = windows.get((key, period.start, period.end))
        if key in monthly and period.is_whole_months:
            sources[position] = (grouping_set, HeldGrain.MONTHLY)
        elif window is HeldGrain.WINDOW or (window is HeldGrain.WINDOW_BY_YEAR and not set(ask.dims) & set(PERIOD_CUTS_BY_MONTH)):
            sources[position] = (grouping_set, window)
    return sources


def _ask_frame(rows: list[tuple], dims: tuple[str, ...]) -> pl.DataFrame:
    """One ask's (first value, second value, numerator, denominator) rows as `aggregate` frames them."""
    if not dims:  # one row, zeros where there are no events
        rows = [(None, None, *(total if total is not None else 0.0 for total in (rows[0][2:] if rows else (None, None))))]
    columns = list(zip(*rows, strict=True)) or [()] * 4
    named = {
        **{dimension: columns[slot] for slot, dimension in enumerate(dims)},
        "numerator": columns[2],
        "denominator": columns[3],
    }
    return pl.DataFrame(
        {name: list(values) for name, values in named.items()},
        schema={**{dimension: pl.String for dimension in dims}, "numerator": pl.Float64, "denominator": pl.Float64},
    )


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
    """The rows kept under `name` for the period, where the manifest lists them and there are any."""
    if _holds(con, Product.ROWS, name, period) is None:
        return None
    rows = con.sql(
        f"select * exclude (window_start, window_end) from precomputed_rows_{name} "
        "where window_start is not distinct from $start and window_end is not distinct from $end"
        + (f" order by {order}" if order else ""),
        params={"start": period.start if period else None, "end": period.end if period else None},
    ).pl()
    return rows if rows.height else None


def attrition_figures(
    con: duckdb.DuckDBPyConnection,
    summed: Summed,
    period: Period,
    by: str | None,
    groups: GroupFilters,
    fetch: Callable[[duckdb.DuckDBPyRelation], Result],
) -> Result:
    """The figures' query for the selection and the cut `by` (already checked to be a person column), fetched."""
    precomputed = _holds(con, Product.ATTRITION, summed.table, period) is not None
    return fetch(attrition_relation(con, summed, period, by, groups, precomputed=precomputed))


def attrition_relation(
    con: duckdb.DuckDBPyConnection, summed: Summed, period: Period, by: str | None, groups: GroupFilters, *, precomputed: bool
) -> duckdb.DuckDBPyRelation:
    records = query_sql(summed.precomputed if precomputed else summed.cases)
    parameters = {"start": period.start, "end": period.end, "by": by, **groups.as_parameters()}
    return con.sql(over_records(records, query_sql(summed.figures)), params=parameters)


def source_coverage_held(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the refresh wrote each source's coverage into `table` (metrics/completeness.py reads it)."""
    return bool(manifest(con, Product.SOURCE_COVERAGE, [table]))
