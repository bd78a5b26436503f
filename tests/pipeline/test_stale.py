"""Which sums a refresh's changes leave stale: the months summed again, the windows they reach, a query's tables."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from etl.changes import MartChanges
from metrics.periods import Period, financial_year, rolling_12_months
from metrics.precomputed import MANIFEST, MANIFEST_SCHEMA, HeldGrain, Product
from pipeline.stale import Reach, Staleness, month_runs, overlaps, reach_of, read_tables

JAN, FEB, MAR, MAY, DEC = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1), date(2025, 5, 1), date(2025, 12, 1)
YEAR_2025_26 = financial_year(2025)  # 1 Apr 2025 to 31 Mar 2026


def test_changed_months_are_summed_again_in_runs_of_consecutive_months():
    assert month_runs([MAR, JAN, FEB, MAY, date(2026, 1, 1), DEC]) == [
        (JAN, date(2025, 3, 31)),
        (MAY, date(2025, 5, 31)),
        (DEC, date(2026, 1, 31)),
    ]
    assert month_runs([]) == []


@pytest.mark.parametrize(
    ("months", "stale"),
    [
        (frozenset(), False),  # nothing it reads changed
        (frozenset({MAR}), False),  # the month before the window
        (frozenset({date(2025, 4, 1)}), True),  # its first month
        (frozenset({date(2026, 3, 1)}), True),  # its last month
        (frozenset({date(2026, 4, 1)}), False),  # the month after
        (frozenset({JAN, date(2026, 5, 1)}), False),
        (None, True),  # changed in a way months do not describe
    ],
)
def test_a_window_is_summed_again_when_a_change_falls_in_it(months, stale):
    assert overlaps(months, YEAR_2025_26) is stale


def test_a_query_reading_beyond_its_period_is_reached_by_changes_before_and_after_it():
    reach = Reach(days_before=365, later=True, per_person="victim_id")
    assert overlaps(frozenset({date(2024, 4, 1)}), YEAR_2025_26, reach)  # within 365 days before 1 Apr 2025
    assert not overlaps(frozenset({date(2024, 3, 1)}), YEAR_2025_26, reach)  # ends 366 days before
    assert overlaps(frozenset({date(2027, 9, 1)}), YEAR_2025_26, reach)  # any later change
    assert reach_of("repeat_3plus_not_marac_pct", {"trigger_window_days": 365, "trigger_incidents": 3}) == reach
    assert reach_of("prevalence_incidents", {}) == Reach()
    assert reach_of("repeat_victimisation", {}) == Reach(per_person="victim_id")


def test_the_latest_rolling_year_is_reached_by_a_change_in_its_last_month():
    latest = rolling_12_months(date(2026, 9, 30))
    assert overlaps(frozenset({date(2026, 9, 1)}), latest)
    assert not overlaps(frozenset({date(2026, 10, 1)}), latest)  # the month still running: not in it


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create table mart_events (reported_on date, ward_code varchar)")
    con.execute("create table mart_rates (year integer, rate double)")
    con.execute("create table unrelated (x integer)")
    con.execute("create macro latest_rates() as table select * from mart_rates where year = (select max(year) from mart_rates)")
    con.execute("create view recent as select * from mart_events where reported_on > date '2025-01-01'")
    yield con
    con.close()


def test_a_query_reads_the_tables_behind_its_macros_and_views(con):
    sql = "select * from recent join latest_rates() on true where reported_on between $start and $end"
    assert read_tables(con, sql, {"start": JAN, "end": DEC}) == {"mart_events", "mart_rates"}
    # a filter the optimiser would fold away still reads its table
    assert read_tables(con, "select * from unrelated where 1 = 0", {}) == {"unrelated"}


def test_a_querys_stale_months_are_those_of_the_tables_it_reads(con):
    con.execute(MANIFEST_SCHEMA)
    changes = MartChanges({"mart_events": frozenset({FEB}), "unrelated": None})
    stale = Staleness(con, changes)
    events = "select * from mart_events where reported_on between $start and $end"
    assert not stale.full
    assert stale.months(events) == {FEB}
    assert stale.months("select * from mart_rates") == frozenset()
    assert stale.months("select * from unrelated") is None
    assert stale.window_stale(events, None, YEAR_2025_26) is False
    assert stale.window_stale(events, None, Period(JAN, date(2025, 12, 31), "2025")) is True


def test_a_table_changed_in_no_month_leaves_every_month_stale(con):
    con.execute(MANIFEST_SCHEMA)
    stale = Staleness(con, MartChanges({"mart_events": frozenset()}))
    assert stale.months("select * from mart_events") is None


def test_without_changes_or_a_manifest_everything_is_summed_again(con):
    assert Staleness(con, MartChanges({"mart_events": frozenset({FEB})})).full  # no manifest: built without sums
    con.execute(MANIFEST_SCHEMA)
    assert Staleness(con, None).full
    assert Staleness(con, MartChanges.everything()).full


def test_what_was_held_is_kept_aside_and_the_manifest_listed_again(con):
    con.execute(MANIFEST_SCHEMA)
    con.execute(
        f"insert into {MANIFEST} values ('events', 'q', 'window', '2025-04-01', '2026-03-31'), ('events', 'q', 'monthly', null, null)"
    )
    stale = Staleness(con, MartChanges({}))
    assert stale.held(Product.EVENTS, "q", HeldGrain.WINDOW, YEAR_2025_26)
    assert stale.held(Product.EVENTS, "q", HeldGrain.MONTHLY)
    assert not stale.held(Product.EVENTS, "q", HeldGrain.WINDOW, financial_year(2024))
    assert stale.held_windows(Product.EVENTS, "q", HeldGrain.WINDOW) == {(YEAR_2025_26.start, YEAR_2025_26.end)}
    assert con.sql(f"select count(*) from {MANIFEST}").fetchall() == [(0,)]
