"""The precomputed event sums added up to the district and its commonest cuts, so a page asking for dozens of
figures reads them in one query of a few thousand rows.

`metrics.precompute` sums each indicator query's events by month, ward, sex, age band and ethnic group. A
page mostly asks for the district, a ward, a sex, or a ward and a sex, and the action plan, the scorecard and
the Services page ask for dozens of such figures at once. `precomputed_totals` holds the same sums added up
to each of GROUPING_SETS, with rows for the cuts a set leaves out set to null. By `source`:
- `month`: precompute's monthly sums (any whole-month period of a query summable by month);
- `window`: precompute's sums of each period it holds whole, and those of the extra windows `build` is
  given, summed the same way (the residents' shares the local comparators read for each period offered);
- `window by year`: extra windows summed by financial year, not month, for asks cut by nothing finer (the
  five-year spans the scorecard's sparklines draw).
`precomputed_totals_held` lists the query keys (monthly) and windows held. `read` answers every ask held
whose cut and filters one grouping set covers; the rest run as before. Rows are ordered by grouping set
first, so the district's come from a short stretch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from metrics import precompute
from metrics.periods import Period

if TYPE_CHECKING:
    from metrics.aggregate import Ask
    from metrics.definitions import Indicator

# grouping set -> the cuts it keeps (by the names asks use for them)
GROUPING_SETS: dict[str, tuple[str, ...]] = {
    "district": (), "ward": ("ward",), "sex": ("sex",), "age_band": ("age_band",), "ethnicity": ("ethnicity",),
    "ward and sex": ("ward", "sex"),
}
SCHEMA = """
    create or replace temp table _totals_staging (
        query_key varchar, grouping_set varchar, source varchar, window_start date, window_end date, period_date date,
        ward_code varchar, sex varchar, age_band varchar, ethnicity varchar, numerator double, denominator double);
    create or replace table precomputed_totals_held (query_key varchar, source varchar, window_start date, window_end date);
"""
PERIOD_CUTS_BY_MONTH = ("month", "quarter")  # the cuts a `window by year` cannot answer
FINANCIAL_YEAR_START = "make_date(year(period_date) - (month(period_date) < 4)::integer, 4, 1)"


@dataclass(frozen=True)
class ExtraWindows:
    """Windows to sum an indicator's (or a residents' share's) query over, by month or by financial year."""

    indicator: Indicator
    windows: Sequence[Period]
    by_year: bool = False


def build(con: duckdb.DuckDBPyConnection, extra: Sequence[ExtraWindows] = ()) -> None:
    """Create the two tables from precompute's sums (built before), and sum each extra window."""
    from metrics.aggregate import PERIOD_EXPRESSIONS, query_sql
    from metrics.registry import all_indicators

    con.execute(SCHEMA)
    con.execute(_rolled_up(("query_key", "'month'", "null::date", "null::date"), ["query_key"], "from precomputed_monthly"))
    con.execute(_rolled_up(("query_key", "'window'", "window_start", "window_end"), ["query_key", "window_start", "window_end"],
                           "from precomputed_windows"))
    summable = {precompute.query_key(indicator) for indicator in all_indicators()
                if precompute.summable_by_month(query_sql(indicator.sql_name))}
    con.execute("insert into precomputed_totals_held select query_key, 'month', null, null from precomputed_coverage "
                "where list_contains($summable, query_key)", {"summable": sorted(summable)})
    con.execute("insert into precomputed_totals_held select distinct query_key, 'window', window_start, window_end "
                "from precomputed_windows")
    for windows in extra:
        for window in windows.windows:
            _sum_window(con, windows.indicator, window, by_year=windows.by_year)
    # each row carries its period labels, as `aggregate` makes them, so a cut by year reads them as they are
    labels = ", ".join(f"{expression} as {cut}" for cut, expression in PERIOD_EXPRESSIONS.items())
    con.execute(f"create or replace table precomputed_totals as select *, {labels} from _totals_staging "
                "order by grouping_set, query_key, source, window_start, window_end, period_date")
    con.execute("drop table _totals_staging")


def _sum_window(con: duckdb.DuckDBPyConnection, indicator: Indicator, window: Period, *, by_year: bool) -> None:
    """The query's events over `window`, summed by month (or financial year) and each grouping set, as precompute
    sums a window; nothing when the window is held already."""
    from metrics.aggregate import bind, query_sql

    key = precompute.query_key(indicator)
    held = con.sql("select count(*) from precomputed_totals_held where query_key = $key and source like 'window%' "
                   "and window_start = $start and window_end = $end",
                   params={"key": key, "start": window.start, "end": window.end}).fetchall()[0][0]
    if held:
        return
    sql = query_sql(indicator.sql_name)
    parameters = {**precompute.WIDE_OPEN, **indicator.query_parameters, "start": window.start, "end": window.end,
                  "period_years": window.years}
    source, grain = ("window by year", FINANCIAL_YEAR_START) if by_year else ("window", "date_trunc('month', period_date)")
    # each row dated within the window, in its month or financial year
    events = (f"from (select greatest({grain}, $start)::date as period_date, ward_code, sex, age_band, ethnicity, "
              f"numerator, denominator from ({sql}))")
    con.execute(_rolled_up(("$key", "$source", "$start::date", "$end::date"), [], events),
                {**bind(sql, parameters), "key": key, "source": source, "start": window.start, "end": window.end})
    con.execute("insert into precomputed_totals_held values ($key, $source, $start, $end)",
                {"key": key, "source": source, "start": window.start, "end": window.end})


def _rolled_up(identity: tuple[str, str, str, str], grouped: list[str], events: str) -> str:
    """The statement adding events (`from ...` rows by period_date and the person columns) up to each grouping
    set; `identity` gives the rows' query key, source, window start and end, `grouped` those that vary among them."""
    from metrics.aggregate import PERSON_COLUMNS

    columns = ", ".join(PERSON_COLUMNS.values())
    # grouping() sets a bit for each column a set leaves out, the first column's the highest
    names = " ".join(f"when {sum(1 << (len(PERSON_COLUMNS) - 1 - position) for position, cut in enumerate(PERSON_COLUMNS) if cut not in kept)} "
                     f"then '{name}'" for name, kept in GROUPING_SETS.items())
    sets = ", ".join("(" + ", ".join([*grouped, "period_date", *(PERSON_COLUMNS[cut] for cut in kept)]) + ")"
                     for kept in GROUPING_SETS.values())
    key, source, window_start, window_end = identity
    return (f"insert into _totals_staging select {key}, case grouping({columns}) {names} end, {source}, {window_start}, "
            f"{window_end}, period_date, {columns}, sum(numerator), sum(denominator) {events} group by grouping sets ({sets})")


def read(con: duckdb.DuckDBPyConnection, asks: Mapping[int, Ask]) -> dict[int, pl.DataFrame]:
    """The summed rows of each ask held, by its position: its dims, then numerator and denominator, as `aggregate`
    sums them before residents are added (an ask with no dims has its one row, of zeros where it has no events)."""
    sources = _sources(con, asks)
    if not sources:
        return {}
    from metrics.aggregate import query_sql

    chosen = {position: asks[position] for position in sources}
    lists: dict[str, list] = {name: [] for name in (
        "ask", "query_key", "grouping_set", "window_start", "window_end", "period_start", "period_end", "ward", "sex",
        "age_band", "ethnicity", "first_dim", "second_dim")}
    for position, ask in chosen.items():
        grouping_set, source = sources[position]
        window = (None, None) if source == "month" else (ask.period.start, ask.period.end)
        dims = [*ask.dims, None, None]
        values = {"ask": position, "query_key": precompute.query_key(ask.indicator), "grouping_set": grouping_set,
                  "window_start": window[0], "window_end": window[1], "period_start": ask.period.start,
                  "period_end": ask.period.end,
                  **ask.filters.as_parameters(), "first_dim": dims[0], "second_dim": dims[1]}
        for name, value in values.items():
            lists[name].append(value)
    by_ask: dict[int, list[tuple]] = {position: [] for position in chosen}
    for position, *sums in con.sql(query_sql("_precomputed_totals_asks"), params=lists).fetchall():
        by_ask[position].append(tuple(sums))
    return {position: _ask_frame(by_ask[position], ask.dims) for position, ask in chosen.items()}


def _sources(con: duckdb.DuckDBPyConnection, asks: Mapping[int, Ask]) -> dict[int, tuple[str, str]]:
    """(grouping set, source) of each ask held, where a grouping set keeps every person cut it is summed by or
    filtered on."""
    from metrics.aggregate import PERSON_COLUMNS

    wanted = {}
    for position, ask in asks.items():
        cuts = {dimension for dimension in ask.dims if dimension in PERSON_COLUMNS} | set(ask.filters.applied())
        grouping_set = next((name for name, kept in GROUPING_SETS.items() if cuts <= set(kept)), None)
        if grouping_set is not None:
            wanted[position] = grouping_set
    if not wanted:
        return {}
    keys = sorted({precompute.query_key(asks[position].indicator) for position in wanted})
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
        key, period = precompute.query_key(ask.indicator), ask.period
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
