"""Indicator events summed ahead, with each refresh, so a page reads thousands of rows, not millions.

Every indicator query (its SQL file and bound parameters: the "query key") is run once per
refresh and its events summed by month, ward, sex, age band and ethnic group:

- `precomputed_monthly`, for indicators declaring `Grain.MONTHLY` (metrics/definitions.py): their events
  do not depend on the period asked for beyond falling in it. Any whole-month period is the sum of its months.
- `precomputed_windows`, for those declaring `Grain.WINDOW` (people counted once in the period, rates
  over its length): the events of each year-long period the dashboard offers (`periods.period_options`) and of the
  trend span, each summed the same way. Shorter periods read little and run live.
- `precomputed_coverage`: each query's first and last event date.

Each is listed in `precomputed_manifest` as it is built (`record`).

metrics/read.py reads these where the manifest says they hold the period asked for, and runs the
query itself otherwise. The refresh (pipeline/nightly.py) then builds the pages' own sums from them
(pipeline/precompute_pages.py) and the Justice page's stage counts and days between stages by
month (pipeline/attrition_sums.py).
"""

from __future__ import annotations

import duckdb

from metrics import completeness, periods
from metrics.board.period_text import latest_complete_quarter, previous_period
from metrics.definitions import Grain
from metrics.periods import Period, trend_span
from metrics.precomputed import MANIFEST, MANIFEST_SCHEMA, HeldGrain, Product
from metrics.queries import EVENT_KEYS, WIDE_OPEN, bind, query_key, query_sql
from metrics.registry import all_indicators

SCHEMA = """
    create or replace table precomputed_coverage (query_key varchar, first_day date, last_day date, first_event_day date);
    create or replace table precomputed_monthly (
        query_key varchar, period_date date, ward_code varchar, sex varchar, age_band varchar, ethnicity varchar,
        numerator double, denominator double);
    create or replace table precomputed_windows (
        query_key varchar, window_start date, window_end date, period_date date,
        ward_code varchar, sex varchar, age_band varchar, ethnicity varchar, numerator double, denominator double);
"""
_SUMMED = (
    f"date_trunc('month', period_date)::date as period_date, {EVENT_KEYS}, "
    "sum(numerator)::double as numerator, sum(denominator)::double as denominator"
)


# A query that dates rows by the period asked for (expected victims) puts them on its first day;
# the first event day leaves those out.
_COVERAGE = "min(period_date), max(period_date), min(period_date) filter (where period_date > $start)"


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create the precomputed tables in the warehouse being built (after the marts)."""
    con.execute(MANIFEST_SCHEMA)
    con.execute(SCHEMA)
    build_source_coverage(con)
    offered = offered_periods(con)
    queries = {query_key(indicator): indicator for indicator in all_indicators()}
    for key, indicator in queries.items():
        sql = query_sql(indicator.sql_name)
        everything = {**WIDE_OPEN, **indicator.query_parameters}
        record(con, Product.COVERAGE, key, HeldGrain.ALL)
        if indicator.grain is Grain.MONTHLY:
            con.execute(f"create or replace temp table _precompute_events as {sql}", bind(sql, everything))
            con.execute(
                f"insert into precomputed_coverage select $key, {_COVERAGE} from _precompute_events",
                {"key": key, "start": WIDE_OPEN["start"]},
            )
            con.execute(
                f"insert into precomputed_monthly select $key, {_SUMMED} from _precompute_events group by all", {"key": key}
            )
            record(con, Product.EVENTS, key, HeldGrain.MONTHLY)
            continue
        con.execute(
            f"insert into precomputed_coverage select $key, {_COVERAGE} from ({sql})",
            {"key": key, **bind(sql, everything), "start": WIDE_OPEN["start"]},
        )
        ((first, last),) = con.sql(
            "select first_day, last_day from precomputed_coverage where query_key = $key", params={"key": key}
        ).fetchall()
        span = trend_span(first, last) if first else None
        for window in {(period.start, period.end) for period in [*offered, *([span] if span else [])]}:
            period = Period(window[0], window[1], "window")
            parameters = {**everything, "start": period.start, "end": period.end, "period_years": period.years}
            con.execute(
                f"insert into precomputed_windows select $key, $window_start, $window_end, {_SUMMED} from ({sql}) group by all",
                {"key": key, "window_start": period.start, "window_end": period.end, **bind(sql, parameters)},
            )
            record(con, Product.EVENTS, key, HeldGrain.WINDOW, period)
    # Rows went in one query key after another, so a page's read of one key already skips the others' row groups.
    con.execute("drop table if exists _precompute_events")


def record(
    con: duckdb.DuckDBPyConnection,
    product: Product,
    key: str,
    grain: HeldGrain,
    window: Period | None = None,
) -> None:
    """List a product held in the manifest (metrics/precomputed.py), the only thing metrics/read.py reads it by."""
    con.execute(
        f"insert into {MANIFEST} values ($product, $key, $grain, $start, $end)",
        {
            "product": product.value,
            "key": key,
            "grain": grain.value,
            "start": window.start if window else None,
            "end": window.end if window else None,
        },
    )


def build_source_coverage(con: duckdb.DuckDBPyConnection) -> None:
    """Write each source's coverage into the warehouse being built, for pages to read cheaply."""
    sql = completeness.coverage_sql(con)
    if sql:
        con.execute(f"create or replace table {completeness.COVERAGE_TABLE} as {sql}")
        record(con, Product.SOURCE_COVERAGE, completeness.COVERAGE_TABLE, HeldGrain.ALL)


def offered_periods(con: duckdb.DuckDBPyConnection) -> list[Period]:
    """The year-long periods the dashboard offers, which the refresh sums ahead."""
    coverage = completeness.read(con)
    through = coverage.complete_through(("police_incidents",)) or coverage.complete_through()  # as the sidebar offers
    if through is None:
        return []
    latest = max(source.last_day for source in coverage.sources.values())
    # Each indicator's default (the 12 complete months its own sources cover) is summed ahead too.
    own_defaults = {
        period for indicator in all_indicators() if (period := coverage.default_period(indicator.source_extracts)) is not None
    }
    # Quarters and months are left to run live, except the two quarters a board pack sets side by side by default
    # (the latest complete quarter and the one before): over a national year, each of its calls would scan them.
    offered = [period for period in periods.period_options(through, latest).values() if period.days >= 365]
    return offered + sorted((own_defaults | set(_board_quarters(coverage))) - set(offered), key=lambda period: period.end)


def _board_quarters(coverage: completeness.Coverage) -> list[Period]:
    """The board pack's default quarters: the latest complete one by the police data, and the one before."""
    police = coverage.sources.get("police_incidents")
    if police is None or police.last_day is None:
        return []
    latest = latest_complete_quarter(police.last_day)
    return [latest, previous_period(latest)]
