"""Which precomputed sums a refresh's changes leave stale, and what the version being built held before.

The marts stage hands the sums a `MartChanges` (etl/changes.py): the tables the refresh changed, each with the
months its changed rows are dated in. A query's sums can go stale only if a table it reads changed, so each
query's tables are read from the plan DuckDB makes for it (macros and views seen through), once a refresh.

- A query summed by month (`Grain.MONTHLY`, and the Justice page's monthly sums) dates each event by a date of
  the one row it comes from, and reads no row outside the period asked for: the months that changed are the
  only months whose sums can change (`months`). They are deleted and summed again over just those months.
- A query summed over a window (a year-long period offered, the trend span) is summed again when a table it
  reads changed in a month the window reaches (`window_stale`): the window's own months, and for a query that
  also reads rows dated before or after its period (READS_BEYOND_PERIOD), those too.
- A query whose rows are each one person's, made from that person's rows alone (`Reach.per_person`), has its
  sums mended by the rows of the people whose rows changed (pipeline/by_person.py), whatever months they are in.
- A table changed in a way months do not describe (`None`: a reference table, or one rebuilt whole), or a full
  refresh, leaves every sum of the queries reading it stale.

The manifest (`precomputed_manifest`) is written again by every refresh, the same way a full rebuild writes it;
what it listed before is kept aside (`held`), as a sum is kept only where it was held before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import duckdb

from etl.changes import MartChanges
from metrics.periods import Period, month_end
from metrics.precomputed import MANIFEST, MANIFEST_SCHEMA, HeldGrain, Product
from metrics.queries import WIDE_OPEN, bind

HELD_BEFORE = "_precomputed_manifest_before"


@dataclass(frozen=True)
class Reach:
    """How far beyond its period a query's rows for the period read: days before its start, and whether any later
    row counts.

    `per_person` names a column of every table of people the query reads when each of the query's rows is one person's
    (`counted_in` 1: the denominator, or the numerator where the query counts people alone) and made from that
    person's rows alone: its sums are then mended by the changed people's rows (pipeline/by_person.py) rather than
    summed again, however far its reach. A table without that column is a reference read whole (rows counting no
    one, `counted_in` 0, may come from it alone).
    """

    days_before: int = 0
    later: bool = False
    per_person: str | None = None
    counted_in: Literal["numerator", "denominator"] = "denominator"


# Queries whose events for a period read rows dated outside it, or whose rows are each one person's, by SQL file: the
# reach, given the bound parameters.
# repeat_3plus_not_marac_pct counts incidents up to $trigger_window_days before each trigger in the period, and a
# referral to MARAC or a hearing any time after the window before the trigger; each of its rows is one victim's,
# from that victim's incidents and MARAC cases alone.
READS_BEYOND_PERIOD: dict[str, Callable[[Mapping[str, object]], Reach]] = {
    "repeat_3plus_not_marac_pct": lambda parameters: Reach(
        int(str(parameters["trigger_window_days"])), later=True, per_person="victim_id"
    ),
    # reads no row outside its period, but each of its rows is one victim's, from that victim's incidents alone
    # (the look-back count is a column of mart_incidents): a year-long period holding a changed month is mended
    # by the changed victims' rows rather than summed again
    "repeat_victimisation": lambda parameters: Reach(per_person="victim_id"),
    # one row per person whose support started in the period (numerator 1), from that person's referrals alone: the
    # sparklines' five-year spans and the year-long periods are mended by the changed people's rows
    "people_starting_support": lambda parameters: Reach(per_person="person_id", counted_in="numerator"),
    # one row per known (or supported) victim (numerator 1), from that victim's incidents (or referrals) alone, beside
    # the victims the survey predicts, read from a reference naming no person (pipeline/by_person.py)
    "hidden_need_reporting_ratio": lambda parameters: Reach(per_person="victim_id", counted_in="numerator"),
    "reach_vs_need": lambda parameters: Reach(per_person="person_id", counted_in="numerator"),
}


def reach_of(sql_name: str, parameters: Mapping[str, object]) -> Reach:
    """The reach of an SQL file's rows beyond the period asked for (none for most)."""
    reach = READS_BEYOND_PERIOD.get(sql_name)
    return reach(parameters) if reach else Reach()


def among(columns: tuple[str, ...], rows: Sequence[object], name: str) -> tuple[str, dict[str, object]]:
    """A condition that a row's `columns` are those of one of `rows` (dicts by column, or values of one column),
    bound as `$name`, as a semi-join (a hash table of the few rows, not a search of a list for every row); false
    when there are none, and its parameters."""
    if not rows:
        return "false", {}
    named = columns[0] if len(columns) == 1 else "{" + ", ".join(f"'{column}': {column}" for column in columns) + "}"
    return f"{named} in (select unnest(${name}))", {name: list(rows)}


def month_runs(months: Iterable[date]) -> list[tuple[date, date]]:
    """The months (each its first day) as runs of consecutive months: (first day of the first, last day of the last)."""
    runs: list[tuple[date, date]] = []
    for month in sorted(set(months)):
        if runs and runs[-1][1] + timedelta(days=1) == month:
            runs[-1] = (runs[-1][0], month_end(month))
        else:
            runs.append((month, month_end(month)))
    return runs


def overlaps(months: frozenset[date] | None, window: Period, reach: Reach = Reach()) -> bool:
    """Whether a change in `months` (None: any) can change a window's sums, given the query's reach."""
    if months is None:
        return True
    first = window.start - timedelta(days=reach.days_before)
    return any((month <= window.end and month_end(month) >= first) or (reach.later and month > window.end) for month in months)


@dataclass
class Staleness:
    """A refresh's changes read against the queries of the sums; `full` when nothing may be kept."""

    con: duckdb.DuckDBPyConnection
    changes: MartChanges | None = None
    full: bool = field(init=False)
    # what the precomputed stage summed again, for the totals made from its sums: by query key, the months
    # (None: every month), and the (query key, window start, window end) of each window
    monthly_redone: dict[str, frozenset[date] | None] = field(default_factory=dict)
    windows_redone: set[tuple[str, date, date]] = field(default_factory=set)
    # the changed people's rows copied (pipeline/by_person.py): by person column, how many people and the tables
    # whose rows of theirs are copied
    people_copies: dict[str, tuple[int, set[str]]] = field(default_factory=dict)
    _tables: dict[str, frozenset[str]] = field(default_factory=dict)
    _columns: dict[str, frozenset[str]] = field(default_factory=dict)
    _held: set[tuple[str, str, str, date | None, date | None]] = field(default_factory=set)
    # the manifest rows listed and not yet written: hundreds of one-row inserts would each cost a statement
    _listed: list[tuple[str, str, str, date | None, date | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        has_manifest = self.con.sql(
            "select count(*) from duckdb_tables() where table_name = $table and not temporary", params={"table": MANIFEST}
        ).fetchall()[0][0]
        self.full = self.changes is None or self.changes.full or not has_manifest
        if self.full:
            return
        self._held = {
            (product, key, grain, start, end)
            for product, key, grain, start, end in self.con.sql(f"select * from {MANIFEST}").fetchall()
        }
        self.con.execute(MANIFEST_SCHEMA)  # listed again, product by product, as a full rebuild lists them

    @classmethod
    def everything(cls, con: duckdb.DuckDBPyConnection) -> Staleness:
        return cls(con, None)

    def columns(self, table: str) -> frozenset[str]:
        """The columns of a table the queries read, looked up once a refresh (the sums change no table's columns)."""
        if table not in self._columns:
            self._columns[table] = frozenset(
                name
                for (name,) in self.con.execute(
                    "select column_name from duckdb_columns() where table_name = ? and not internal", [table]
                ).fetchall()
            )
        return self._columns[table]

    def held(self, product: Product, key: str, grain: HeldGrain, window: Period | None = None) -> bool:
        """Whether the version as copied listed the product (always False in a full refresh)."""
        entry = (product.value, key, grain.value, window.start if window else None, window.end if window else None)
        return entry in self._held

    def list_held(self, product: Product, key: str, grain: HeldGrain, window: Period | None = None) -> None:
        """List a product held in the manifest (metrics/precomputed.py), the only thing metrics/read.py reads it by;
        the rows listed are written together by `write_manifest`, before anything reads the manifest."""
        self._listed.append((product.value, key, grain.value, window.start if window else None, window.end if window else None))

    def write_manifest(self) -> None:
        """Write the manifest rows listed since the last call, in one statement."""
        if not self._listed:
            return
        columns = ("product", "query_key", "grain", "window_start", "window_end")
        self.con.execute(
            f"insert into {MANIFEST} select listed.product, listed.query_key, listed.grain, "
            "listed.window_start::date, listed.window_end::date from (select unnest($listed) as listed)",
            {"listed": [dict(zip(columns, row, strict=True)) for row in self._listed]},
        )
        self._listed.clear()

    def held_windows(self, product: Product, key: str, grain: HeldGrain) -> set[tuple[date, date]]:
        """The windows the version as copied listed for a product and key."""
        return {
            (start, end)
            for held_product, held_key, held_grain, start, end in self._held
            if (held_product, held_key, held_grain) == (product.value, key, grain.value) and start is not None and end is not None
        }

    def tables(self, sql: str, parameters: Mapping[str, object] | None = None) -> frozenset[str]:
        """The tables a query reads, from the plan DuckDB makes for it, unoptimised (so no scan is folded away)."""
        if sql not in self._tables:
            self._tables[sql] = read_tables(self.con, sql, bind(sql, {**WIDE_OPEN, **(parameters or {})}))
        return self._tables[sql]

    def months(self, sql: str, parameters: Mapping[str, object] | None = None) -> frozenset[date] | None:
        """The months in which a table the query reads changed; None when every month may have."""
        if self.full or self.changes is None:
            return None
        tables = self.tables(sql, parameters)
        if any(self.changes.tables.get(table, None) == frozenset() for table in tables):
            return None  # changed, in no month: its changed rows carry no date
        return self.changes.months(tables)

    def touched(self, sql: str, parameters: Mapping[str, object] | None = None) -> bool:
        """Whether any table the query reads changed."""
        return self.full or self.changes is None or self.changes.touches(self.tables(sql, parameters))

    def changed_by_rows(self, tables: Iterable[str]) -> bool:
        """Whether every one of `tables` that changed changed by rows the marts stage kept (`MartChanges.rows_kept`),
        so its rows as they were can be told from its rows as they are (never in a full refresh)."""
        if self.full or self.changes is None:
            return False
        return all(table not in self.changes.tables or table in self.changes.rows_kept for table in tables)

    def window_stale(
        self, sql: str, parameters: Mapping[str, object] | None, window: Period | None, reach: Reach = Reach()
    ) -> bool:
        """Whether the query's sums over `window` (None: a query reading no period) may have changed."""
        if window is None:
            return self.touched(sql, parameters)
        return overlaps(self.months(sql, parameters), window, reach)


def read_tables(con: duckdb.DuckDBPyConnection, sql: str, parameters: Mapping[str, object]) -> frozenset[str]:
    """The base tables a statement scans, by name, from its physical plan with the optimiser off."""
    con.execute("pragma disable_optimizer")
    try:
        plans = con.execute(f"explain (format json) {sql}", dict(parameters)).fetchall()
    finally:
        con.execute("pragma enable_optimizer")
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            info = node.get("extra_info")
            if isinstance(info, dict) and isinstance(info.get("Table"), str):
                found.add(info["Table"].rsplit(".", 1)[-1].strip('"'))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for _, plan in plans:
        walk(json.loads(plan))
    return frozenset(found)
