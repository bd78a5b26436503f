"""Sum an indicator's numerator and denominator over a period, cut by chosen dimensions.

The indicator's query (metrics/sql/<name>.sql) yields rows with `period_date`, `ward_code`,
`sex`, `age_band`, `ethnicity`, `numerator` and `denominator`, taking $start and $end (and
$period_years where it needs them). Filters are bound parameters; the cut columns come
from a fixed list, never from user text.

The events are read from the cheapest source that holds them: the precomputed totals
(metrics/totals.py, many asks in one query), precompute's sums by month and window, or the
query itself. Rates divide by residents x years (metrics/residents.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from etl.contract.columns import WARD_CODE_PATTERN
from etl.contract.values import AgeBand, Ethnicity, Sex
from metrics import precompute, totals
from metrics.definitions import Denominator, Indicator
from metrics.periods import Period

if TYPE_CHECKING:
    from metrics.residents import Residents

PERSON_COLUMNS = {"ward": "ward_code", "sex": "sex", "age_band": "age_band", "ethnicity": "ethnicity"}
PERIOD_EXPRESSIONS = {
    "month": "strftime(date_trunc('month', period_date), '%Y-%m')",
    "quarter": "year(period_date) || ' Q' || quarter(period_date)",
    "year": "(case when month(period_date) >= 4 then year(period_date) else year(period_date) - 1 end)::varchar "
            "|| '/' || lpad(((case when month(period_date) >= 4 then year(period_date) else year(period_date) - 1 end + 1) % 100)::varchar, 2, '0')",
}
GROUP_FILTERS_SQL = """($ward is null or ward_code = $ward) and ($sex is null or sex = $sex)
    and ($age_band is null or age_band = $age_band) and ($ethnicity is null or ethnicity = $ethnicity)"""

class UnsupportedCut(ValueError):
    """The indicator cannot be cut or filtered this way (the registry lists its dimensions)."""


@dataclass(frozen=True)
class GroupFilters:
    ward_code: str | None = None
    sex: str | None = None
    age_band: str | None = None
    ethnicity: str | None = None

    def __post_init__(self) -> None:
        """A group outside the contract's value sets is a mistake to report, not an empty result."""
        allowed = {"sex": Sex, "age_band": AgeBand, "ethnicity": Ethnicity}
        for dimension, values in allowed.items():
            value = getattr(self, dimension)
            if value is not None and value not in {member.value for member in values}:
                raise UnsupportedCut(f"unknown {dimension.replace('_', ' ')} {value!r}; expected one of "
                                     + ", ".join(member.value for member in values))
        if self.ward_code is not None and not re.fullmatch(WARD_CODE_PATTERN, self.ward_code):
            raise UnsupportedCut(f"unknown ward code {self.ward_code!r}; expected an ONS ward code such as E05000001")

    def as_parameters(self) -> dict[str, str | None]:
        return {"ward": self.ward_code, "sex": self.sex, "age_band": self.age_band, "ethnicity": self.ethnicity}

    def applied(self) -> dict[str, str]:
        return {dimension: value for dimension, value in zip(PERSON_COLUMNS, self.as_parameters().values()) if value}


def bind(sql: str, parameters: dict[str, object]) -> dict[str, object]:
    """The parameters a statement uses: DuckDB refuses any it does not."""
    return {name: value for name, value in parameters.items() if f"${name}" in sql}


@cache  # the files ship with the package; every aggregate call would read one again
def query_sql(name: str) -> str:
    return resources.files("metrics").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Ask:
    """One aggregate: an indicator's events over a period, summed by `dims` under `filters`."""

    indicator: Indicator
    period: Period
    dims: tuple[str, ...] = ()
    filters: GroupFilters = GroupFilters()


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
    (metrics/totals.py) are read in one query, the rest one by one."""
    from metrics.residents import Residents, with_residents

    residents = Residents(con)
    results: dict[int, pl.DataFrame | UnsupportedCut] = {}
    for position, ask in enumerate(asks):
        try:
            _check_cut(ask, residents)
        except UnsupportedCut as error:
            results[position] = error
    allowed = {position: ask for position, ask in enumerate(asks) if position not in results}
    held = totals.read(con, allowed)
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
            allowed = ', '.join(indicator.dimensions) or 'nothing: it is a district figure'
            raise UnsupportedCut(f"{indicator.id} cannot be cut by {dimension}; it allows {allowed}")
    if ("ethnicity" in dims or filters.ethnicity) and _reads_residents(indicator) and not residents.split_by_ethnicity():
        raise UnsupportedCut("the population is not split by ethnic group, so rates cannot be cut by it")


def _summed_events(con: duckdb.DuckDBPyConnection, ask: Ask) -> pl.DataFrame:
    """The ask's events summed from precompute's sums, or from its query where they do not hold the period."""
    indicator, period, dims, filters = ask.indicator, ask.period, ask.dims, ask.filters
    select_dims = [f"{PERSON_COLUMNS[d]} as {d}" if d in PERSON_COLUMNS else f"{PERIOD_EXPRESSIONS[d]} as {d}" for d in dims]
    sums = "sum(numerator)::double as numerator, sum(denominator)::double as denominator"
    precomputed = precompute.events_sql(con, indicator, period)
    events = f"with events as ({precomputed[0] if precomputed else query_sql(indicator.sql_name)})"
    if all(d in PERSON_COLUMNS for d in dims):
        sql = f"""
            {events}
            select {', '.join([*select_dims, ''])} {sums}
            from events where {GROUP_FILTERS_SQL} {'group by all' if dims else ''}
        """
    else:
        # A period label is text built per row, so events are summed by month (a cheap key)
        # first and the labels made for the few monthly rows.
        monthly_keys = [*(PERSON_COLUMNS[d] for d in dims if d in PERSON_COLUMNS), "date_trunc('month', period_date) as period_date"]
        sql = f"""
            {events},
            monthly as (select {', '.join(monthly_keys)}, {sums} from events where {GROUP_FILTERS_SQL} group by all)
            select {', '.join(select_dims)}, {sums} from monthly group by all
        """
    parameters = {"start": period.start, "end": period.end, "period_years": period.years, **filters.as_parameters(),
                  **indicator.query_parameters, **(precomputed[1] if precomputed else {})}
    return con.sql(sql, params=bind(sql, parameters)).pl()


def _reads_residents(indicator: Indicator) -> bool:
    """A rate over residents, or a query that reads residents itself (expected victims, population shares)."""
    return indicator.denominator_source is not Denominator.EVENTS or "mart_population" in query_sql(indicator.sql_name)


def data_coverage(con: duckdb.DuckDBPyConnection, indicator: Indicator) -> tuple[date, date] | None:
    """First and last event dates the indicator's query can see."""
    return _data_coverage(con, indicator, precompute.coverage(con, indicator))


def data_coverages(con: duckdb.DuckDBPyConnection, indicators: Sequence[Indicator]) -> dict[str, tuple[date, date] | None]:
    """`data_coverage` of each indicator, by query key, the precomputed ones read at once."""
    held = precompute.coverages(con, indicators)
    return {key: _data_coverage(con, indicator, held[key])
            for key, indicator in {precompute.query_key(indicator): indicator for indicator in indicators}.items()}


def _data_coverage(con: duckdb.DuckDBPyConnection, indicator: Indicator,
                   held: tuple[date | None, date | None] | None) -> tuple[date, date] | None:
    if held is not None:
        start, end = held
        return None if start is None or end is None else (start, end)
    sql = f"with events as ({query_sql(indicator.sql_name)}) select min(period_date), max(period_date) from events"
    wide = {"start": date(1900, 1, 1), "end": date(2999, 12, 31), "period_years": 1.0, **indicator.query_parameters}
    first, last = con.sql(sql, params=bind(sql, wide)).fetchall()[0]
    return None if first is None else (first, last)
