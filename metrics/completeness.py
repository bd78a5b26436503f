"""How complete each source's data is, month by month, and which periods it covers whole.

A nightly drop seldom ends on a month's last day, and each agency's extract ends where it ends. A
rate over a period that runs past the data reads low (a 12 months holding 11 and a third months of
events), so the default period is the latest 12 complete months that every source an indicator uses
covers, and a period the data do not cover whole says so.

A source covers a month when its data reach the month's last day: its latest event falls no further
before the month's end than the longest gap between its event days in its latest 92 days (a source
with events every day must reach the last day or the one before; a MARAC that meets weekly, within
a week). The first months are judged the same way from the source's first event. Sources are the
event extracts (`SOURCE_COLUMNS`); reference files (population, survey rates) cover every month.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

from metrics import periods
from metrics.periods import Period
from metrics.queries import query_sql
from metrics.read import source_coverage_held

COVERAGE_TABLE = "precomputed_source_coverage"
# Each event source's table and the date that places its rows in time; the first table held is read
# (the mart stands in for staging in warehouses built without it).
SOURCE_DATES = {
    "police_incidents": (("stg_police_incidents", "reported_at"), ("mart_incidents", "reported_on")),
    "crime_outcomes": (("stg_crime_outcomes", "recorded_at"),),
    "marac_cases": (("stg_marac_cases", "heard_on"),),
    "service_referrals": (("stg_service_referrals", "referred_at"),),
    "mash_contacts": (("stg_mash_contacts", "received_at"),),
    "school_notifications": (("stg_school_notifications", "notified_at"),),
}


@dataclass(frozen=True)
class SourceCoverage:
    source: str
    first_day: date
    last_day: date
    gap_days_at_end: int
    gap_days_at_start: int

    @property
    def complete_through(self) -> date:
        """The last day of the latest month this source covers whole."""
        month_end = periods.month_end(self.last_day)
        if self.last_day + timedelta(days=self.gap_days_at_end) >= month_end:
            return month_end
        return self.last_day.replace(day=1) - timedelta(days=1)

    @property
    def complete_from(self) -> date:
        """The first day of the earliest month this source covers whole."""
        month_start = self.first_day.replace(day=1)
        if self.first_day - timedelta(days=self.gap_days_at_start) <= month_start:
            return month_start
        return periods.month_end(self.first_day) + timedelta(days=1)


@dataclass(frozen=True)
class Coverage:
    """Every event source's coverage, read once."""

    sources: dict[str, SourceCoverage]

    def used_by(self, source_names: Iterable[str] | None) -> list[SourceCoverage]:
        """The coverage of the named event sources that hold data (every one when None)."""
        if source_names is None:
            return list(self.sources.values())
        return [self.sources[name] for name in source_names if name in self.sources]

    def complete_through(self, source_names: Iterable[str] | None = None) -> date | None:
        """The last day of the latest month every named source covers whole; None without data."""
        used = self.used_by(source_names)
        return min(source.complete_through for source in used) if used else None

    def complete_from(self, source_names: Iterable[str] | None = None) -> date | None:
        used = self.used_by(source_names)
        return max(source.complete_from for source in used) if used else None

    def shared_period_end(self) -> date | None:
        """Where the sidebar's latest 12 months end: the last month the police incidents cover whole (nearly every page
        reads them), or every source's when there are none."""
        return self.complete_through(("police_incidents",)) or self.complete_through()

    def default_period(self, source_names: Iterable[str] | None = None) -> Period | None:
        """The latest 12 complete months every named source covers."""
        through = self.complete_through(source_names)
        return None if through is None else latest_12_complete_months(through)

    def shortfall(self, period: Period, source_names: Iterable[str] | None = None) -> str | None:
        """Words saying which sources do not cover `period` whole, or None when every one does."""
        short: dict[str, list[str]] = {}  # what falls short (the sources' end or start) -> the sources, in words
        for source in self.used_by(source_names):
            if period.end > source.complete_through:
                short.setdefault(f"run only to {_day(source.last_day)}", []).append(_words(source.source))
            elif period.start < source.complete_from:
                short.setdefault(f"start on {_day(source.first_day)}", []).append(_words(source.source))
        gaps = [f"{_listed(names)} data {what}" for what, names in short.items()]
        return "incomplete: " + "; ".join(gaps) if gaps else None

    def by_month(self) -> pl.DataFrame:
        """One row per source and month from its first to its last: whether the source covers it whole."""
        rows = []
        for source in self.sources.values():
            month_start = source.first_day.replace(day=1)
            while month_start <= source.last_day:
                month_end = periods.month_end(month_start)
                rows.append(
                    (source.source, month_start, source.complete_from <= month_start and month_end <= source.complete_through)
                )
                month_start = month_end + timedelta(days=1)
        return pl.DataFrame(rows, schema={"source": pl.String, "month": pl.Date, "complete": pl.Boolean}, orient="row")


def latest_12_complete_months(complete_through: date) -> Period:
    period = periods.rolling_12_months(complete_through)
    return Period(period.start, period.end, f"12 months to {period.end:%b %Y}")


def read(con: duckdb.DuckDBPyConnection) -> Coverage:
    """Each source's coverage, from the table the refresh writes, or worked out from the sources without it."""
    if source_coverage_held(con, COVERAGE_TABLE):
        rows = con.sql(f"select * from {COVERAGE_TABLE}").fetchall()
    else:
        sql = coverage_sql(con)
        rows = con.sql(sql).fetchall() if sql else []
    return Coverage({row[0]: SourceCoverage(*row) for row in rows})


def coverage_sql(con: duckdb.DuckDBPyConnection) -> str | None:
    """metrics/sql/source_coverage.sql over the event days of every source the warehouse holds."""
    held = {name for (name,) in con.sql("select table_name from information_schema.tables").fetchall()}
    days = []
    for source, choices in SOURCE_DATES.items():
        table_and_date = next((choice for choice in choices if choice[0] in held), None)
        if table_and_date:  # identifiers from the fixed list above, never from user text
            table, column = table_and_date
            days.append(f"select distinct '{source}' as source, cast({column} as date) as day from {table}")
    if not days:
        return None
    return "with event_days as (" + "\n    union all ".join(days) + "),\n" + query_sql("source_coverage")


ACRONYMS = ("marac", "mash")


def _words(source: str) -> str:
    """A source's name in words ("MARAC cases" for marac_cases)."""
    words = [word.upper() if word in ACRONYMS else word for word in source.split("_")]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def _listed(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C', each name after the first lower-cased unless it opens with an acronym."""
    later = [name if name.split(" ")[0].lower() in ACRONYMS else name[:1].lower() + name[1:] for name in names[1:]]
    return names[0] if not later else ", ".join([names[0], *later[:-1]]) + " and " + later[-1]


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
