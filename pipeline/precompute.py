"""Indicator events summed ahead, with each refresh, so a page reads thousands of rows, not millions.

Every indicator query (its SQL file and bound parameters: the "query key") is run once per
refresh and its events summed by month, ward, sex, age band and ethnic group:

- `precomputed_monthly`, for indicators declaring `Grain.MONTHLY` (metrics/definitions.py): their events
  do not depend on the period asked for beyond falling in it. Any whole-month period is the sum of its months.
- `precomputed_windows`, for those declaring `Grain.WINDOW` (people counted once in the period, rates
  over its length): the events of each year-long period the dashboard offers (`periods.period_options`) and of the
  trend span, each summed the same way. Shorter periods read little and run live.
- `precomputed_coverage`: each query's first and last event date.

Each is listed in `precomputed_manifest` as it is built (`Staleness.list_held`).

metrics/read.py reads these where the manifest says they hold the period asked for, and runs the
query itself otherwise. The refresh (pipeline/nightly.py) then builds the pages' own sums from them
(pipeline/precompute_pages.py) and the Justice page's stage counts and days between stages by
month (pipeline/attrition_sums.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import duckdb

from metrics import completeness, periods
from metrics.board.period_text import latest_headline_quarter, previous_period
from metrics.definitions import Grain
from metrics.periods import Period, trend_span
from metrics.precomputed import MANIFEST_SCHEMA, HeldGrain, Product
from metrics.queries import EVENT_KEYS, WIDE_OPEN, bind, query_key, query_sql
from metrics.registry import all_indicators
from pipeline import by_person
from pipeline.stale import Staleness, among, month_runs, reach_of

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


def build(con: duckdb.DuckDBPyConnection, stale: Staleness | None = None) -> None:
    """Create the precomputed tables in the warehouse being built (after the marts); with `stale`, sum again only
    what the refresh's changes reach (pipeline/stale.py) and keep the rest as the copied version held it."""
    stale = stale or Staleness.everything(con)
    if stale.full:
        con.execute(MANIFEST_SCHEMA)
        con.execute(SCHEMA)
    build_source_coverage(con, stale)
    offered = offered_periods(con)
    queries = {query_key(indicator): indicator for indicator in all_indicators()}
    monthly = {
        key: (query_sql(indicator.sql_name), {**WIDE_OPEN, **indicator.query_parameters})
        for key, indicator in queries.items()
        if indicator.grain is Grain.MONTHLY
    }
    _sum_monthly(con, stale, monthly)
    for key, indicator in queries.items():
        sql = query_sql(indicator.sql_name)
        everything = {**WIDE_OPEN, **indicator.query_parameters}
        stale.list_held(Product.COVERAGE, key, HeldGrain.ALL)
        if indicator.grain is Grain.MONTHLY:
            stale.list_held(Product.EVENTS, key, HeldGrain.MONTHLY)
            continue
        # a query whose rows are each one person's is mended by the changed people's rows (pipeline/by_person.py)
        people = by_person.changed_people(con, stale, indicator.sql_name, sql, everything)
        held_coverage = stale.held(Product.COVERAGE, key, HeldGrain.ALL)
        mended = people is not None and held_coverage and people.mend_coverage(key)
        if not mended and (stale.touched(sql, everything) or not held_coverage):
            _delete(con, "precomputed_coverage", key)
            con.execute(
                f"insert into precomputed_coverage select $key, {_COVERAGE} from ({sql})",
                {"key": key, **bind(sql, everything), "start": WIDE_OPEN["start"]},
            )
        ((first, last),) = con.sql(
            "select first_day, last_day from precomputed_coverage where query_key = $key", params={"key": key}
        ).fetchall()
        span = trend_span(first, last) if first else None
        windows = {(period.start, period.end) for period in [*offered, *([span] if span else [])]}
        reach = reach_of(indicator.sql_name, everything)
        to_mend: list[Period] = []
        for window in windows:
            period = Period(window[0], window[1], "window")
            parameters = {**everything, "start": period.start, "end": period.end, "period_years": period.years}
            if people is not None and stale.held(Product.EVENTS, key, HeldGrain.WINDOW, period):
                to_mend.append(period)
            elif stale.window_stale(sql, everything, period, reach) or not stale.held(
                Product.EVENTS, key, HeldGrain.WINDOW, period
            ):
                _delete(con, "precomputed_windows", key, window)
                con.execute(
                    f"insert into precomputed_windows select $key, $window_start, $window_end, {_SUMMED} from ({sql}) group by all",
                    {"key": key, "window_start": period.start, "window_end": period.end, **bind(sql, parameters)},
                )
                stale.windows_redone.add((key, *window))
            stale.list_held(Product.EVENTS, key, HeldGrain.WINDOW, period)
        if people is not None:
            stale.windows_redone.update((key, *window) for window in people.mend_windows(key, to_mend))
        for window in stale.held_windows(Product.EVENTS, key, HeldGrain.WINDOW) - windows:  # no longer offered
            _delete(con, "precomputed_windows", key, window)
    # Rows went in one query key after another, so a page's read of one key already skips the others' row groups
    # (a refresh that sums some months again adds them at the end).
    con.execute("drop table if exists _precompute_events")
    stale.write_manifest()


def _sum_monthly(
    con: duckdb.DuckDBPyConnection, stale: Staleness, queries: Mapping[str, tuple[str, Mapping[str, object]]]
) -> None:
    """The monthly queries' sums and coverage (`queries`: by query key, the SQL and its parameters): for each, every
    month, or only the months its tables changed in. What each held before is read, and what it no longer holds
    deleted, in one statement for them all; then each query's events are summed, one query after another."""
    redo: dict[str, frozenset[date] | None] = {}
    for key, (sql, everything) in queries.items():
        months = stale.months(sql, everything) if stale.held(Product.EVENTS, key, HeldGrain.MONTHLY) else None
        if months is None or months:  # else nothing it reads changed
            redo[key] = months
    if not redo:
        return
    whole = [key for key, months in redo.items() if months is None]
    changed = [{"query_key": key, "period_date": month} for key, months in redo.items() for month in sorted(months or ())]
    partly = [key for key, months in redo.items() if months]
    in_whole, whole_values = among(("query_key",), whole, "whole")
    in_changed, changed_values = among(("query_key", "period_date"), changed, "changed")
    in_partly, partly_values = among(("query_key",), partly, "partly")
    in_redo, redo_values = among(("query_key",), list(redo), "redo")
    # what each query summed by months held before: its coverage, and the first and last of its months that did not change
    held = {
        key: coverage
        for key, *coverage in con.sql(
            f"select query_key, first_day, last_day, first_event_day from precomputed_coverage where {in_partly}",
            params=partly_values,
        ).fetchall()
    }
    kept = {
        key: (first, last)
        for key, first, last in con.sql(
            f"select query_key, min(period_date), max(period_date) from precomputed_monthly where {in_partly} "
            f"and not {in_changed} group by query_key",
            params={**partly_values, **changed_values},
        ).fetchall()
    }
    con.execute(f"delete from precomputed_monthly where {in_whole} or {in_changed}", {**whole_values, **changed_values})
    con.execute(f"delete from precomputed_coverage where {in_redo}", redo_values)
    decided: list[dict[str, object]] = []
    for key, months in redo.items():
        sql, everything = queries[key]
        if months is None:
            con.execute(f"create or replace temp table _precompute_events as {sql}", bind(sql, everything))
            con.execute(
                f"insert into precomputed_coverage select $key, {_COVERAGE} from _precompute_events",
                {"key": key, "start": WIDE_OPEN["start"]},
            )
        else:
            # A monthly query's events fall in the period asked for, dated by the row each comes from
            # (metrics/definitions.Grain): a run of changed months holds every event of those months.
            for position, (start, end) in enumerate(month_runs(months)):
                statement = (
                    "create or replace temp table _precompute_events as" if position == 0 else "insert into _precompute_events"
                )
                con.execute(f"{statement} {sql}", bind(sql, {**everything, "start": start, "end": end}))
            first_last = con.sql(f"select {_COVERAGE} from _precompute_events", params={"start": WIDE_OPEN["start"]})
            coverage = _updated_coverage(held.get(key), first_last.fetchall()[0], kept.get(key, (None, None)), months)
            if coverage is None:  # the whole query decides it
                con.execute(
                    f"insert into precomputed_coverage select $key, {_COVERAGE} from ({sql})",
                    {"key": key, **bind(sql, everything), "start": WIDE_OPEN["start"]},
                )
            else:
                decided.append(
                    dict(zip(("query_key", "first_day", "last_day", "first_event_day"), (key, *coverage), strict=True))
                )
        con.execute(f"insert into precomputed_monthly select $key, {_SUMMED} from _precompute_events group by all", {"key": key})
        stale.monthly_redone[key] = months
    if decided:
        con.execute(
            "insert into precomputed_coverage select decided.query_key, decided.first_day::date, decided.last_day::date, "
            "decided.first_event_day::date from (select unnest($decided) as decided)",
            {"decided": decided},
        )


Coverage = tuple[date | None, date | None, date | None]


def _updated_coverage(
    held: Sequence[date | None] | None,
    changed: Sequence[date | None],
    kept: tuple[date | None, date | None],
    months: frozenset[date],
) -> Coverage | None:
    """A monthly query's first and last days (and first event day), from those `held` before, those of the events of
    the changed `months` (`changed`) and the first and last of the months `kept`, where they decide them; None where
    they do not (the whole query then does)."""
    first, last, first_event = held if held else (None, None, None)
    changed_first, changed_last, changed_first_event = changed
    kept_first, kept_last = kept

    def month(day: date) -> date:
        return day.replace(day=1)

    def earliest(before: date | None, changed: date | None) -> tuple[bool, date | None]:
        if before is not None and month(before) not in months:  # the earliest kept event is still the one before
            return True, min(day for day in (before, changed) if day is not None)
        if kept_first is None or (changed is not None and month(changed) < kept_first):
            return True, changed
        return False, None

    def latest(before: date | None, changed: date | None) -> tuple[bool, date | None]:
        if before is not None and month(before) not in months:
            return True, max(day for day in (before, changed) if day is not None)
        if kept_last is None or (changed is not None and month(changed) > kept_last):
            return True, changed
        return False, None

    decided = [earliest(first, changed_first), latest(last, changed_last)]
    decided.append(earliest(first_event, changed_first_event) if kept_first != WIDE_OPEN["start"] else (False, None))
    if not all(known for known, _ in decided):
        return None
    return decided[0][1], decided[1][1], decided[2][1]


def _delete(con: duckdb.DuckDBPyConnection, table: str, key: str, window: tuple[date, date] | None = None) -> None:
    """Delete a query key's rows (of one window) from a precomputed table."""
    where = " and window_start = $start and window_end = $end" if window else ""
    con.execute(
        f"delete from {table} where query_key = $key{where}",
        {"key": key, **({"start": window[0], "end": window[1]} if window else {})},
    )


def build_source_coverage(con: duckdb.DuckDBPyConnection, stale: Staleness | None = None) -> None:
    """Write each source's coverage into the warehouse being built, for pages to read cheaply (kept when no table
    it reads changed)."""
    stale = stale or Staleness.everything(con)
    sql = completeness.coverage_sql(con)
    if sql:
        held = stale.held(Product.SOURCE_COVERAGE, completeness.COVERAGE_TABLE, HeldGrain.ALL)
        if stale.touched(sql) or not held:
            con.execute(f"create or replace table {completeness.COVERAGE_TABLE} as {sql}")
        stale.list_held(Product.SOURCE_COVERAGE, completeness.COVERAGE_TABLE, HeldGrain.ALL)
    stale.write_manifest()


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
    """The Overview's and the board pack's default quarters: the latest every headline source covers whole, and the one
    before."""
    police = coverage.sources.get("police_incidents")
    if police is None or police.last_day is None:
        return []
    latest = latest_headline_quarter(coverage, police.last_day)
    return [latest, previous_period(latest)]
