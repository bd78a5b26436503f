"""Sums mended person by person, for a query whose rows are each one person's, made from that person's rows alone.

repeat_3plus_not_marac_pct counts, for a year-long window, each victim whose incidents met the MARAC trigger in
it and who was not referred: a referral or a hearing any time after the window before the trigger answers it. So
a change in any later month can change every earlier window's sums, and summing them again would read every
window's history each night. But each of its rows is one victim's (denominator 1), made from that victim's
incidents and MARAC cases alone (`Reach.per_person`, pipeline/stale.py). A refresh then changes its sums only by
the rows of the people whose rows changed: the query is run over just their rows as they are and as they were,
and the difference is added to each window's sums, cell by cell (a cell left with no one is removed, as a full
rebuild would not hold it). The first and last event days are mended the same way where those people do not
decide them. people_starting_support is mended the same way: each of its rows is one person's whose support
started in the period (numerator 1), from that person's referrals alone, and its sparklines' five-year spans
(precomputed_totals, pipeline/totals.py) are mended from the same people's rows.

hidden_need_reporting_ratio and reach_vs_need are mended the same way: each of their known (or supported) victims is
one row (numerator 1), from that victim's rows alone. Beside those rows they add the victims the crime survey
predicts, read from a table that names no person (mart_population_expected_victims, through a macro). A table the
query reads without the person column is a reference: it is read as it is for both states, so while it is unchanged
the rows it alone makes (those counting no one, `counted_in` 0) are the same before and after, and they are left out
of the difference. A cell they fill stays when its last person leaves, as a full rebuild would keep it. A change to
a reference is not one of people's rows, so the sums are made again.

The people are those named by the changed rows (as they were and as they are) of the marts the query reads, and
of those the other queries mended by the same column read, so each mart's rows of theirs are copied once a refresh
(a person whose rows did not change adds the same rows to both states, so nothing to the difference); the marts
stage keeps those rows (`MartChanges.rows_kept`). A person's rows as they are are the mart's; as they were,
those less the changed rows written, plus the changed rows replaced. Where a table the query reads changed in a
way rows do not describe, or the refresh is full, nothing is mended (`changed_people` gives None) and the sums
are made again as for any query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from etl.changes import MartChanges
from etl.staging import changed_rows_table
from etl.warehouse import drop_temp_tables, one_value
from metrics.periods import Period
from metrics.queries import WIDE_OPEN, bind, query_sql
from metrics.registry import all_indicators
from pipeline.stale import Staleness, reach_of

PEOPLE_SUFFIX = "people"
ROWS = "_by_person_rows"
CELLS = "_by_person_cells"
# the cells that rows counting no one (from the reference tables alone) fill, by window: they stay when emptied of people
BESIDE = "_by_person_beside"
NOW, BEFORE = "now", "before"
# a named parameter in a query ($start)
PARAMETER = re.compile(r"[$][A-Za-z_][A-Za-z0-9_]*")
CELL_KEYS = ("period_date", "ward_code", "sex", "age_band", "ethnicity")


class NotOnePersonPerRow(Exception):
    """A query declared to give one row per person (`Reach.per_person`) gave a row that is not one person's."""


def _copy(state: str, table: str, person: str) -> str:
    return f"_by_person_{person}_{state}_{table}"


@dataclass
class ChangedPeople:
    """The people whose rows a refresh changed in the tables one query reads, with those rows as they are and as they
    were (in temporary tables), and the query as written over each."""

    con: duckdb.DuckDBPyConnection
    sql: Mapping[str, str]  # by state: the query reading the changed people's rows as they are (now) or were (before)
    parameters: Mapping[str, object]  # the query's parameters over all time
    people: int
    counted_in: str = "denominator"  # the column holding 1 on each row, the person it counts (pipeline/stale.Reach)
    references: tuple[str, ...] = ()  # the tables it reads that name no person, read as they are in both states

    def _events(self, state: str, parameters: Mapping[str, object]) -> tuple[str, dict[str, object]]:
        sql = self.sql[state]
        return sql, bind(sql, parameters)

    def mend_coverage(self, key: str) -> bool:
        """Write the query's first and last event days from those held and the changed people's events where those
        people do not decide them; False (nothing written) when they may, so the whole query must say."""
        if not self.people:
            return True
        coverage = "min(period_date), max(period_date), min(period_date) filter (where period_date > $start)"
        found = {}
        for state in (NOW, BEFORE):
            sql, parameters = self._events(state, self.parameters)
            found[state] = self.con.execute(
                f"select {coverage} from ({sql})", {**parameters, "start": WIDE_OPEN["start"]}
            ).fetchall()[0]
        held = self.con.execute(
            "select first_day, last_day, first_event_day from precomputed_coverage where query_key = $key", {"key": key}
        ).fetchall()
        if len(held) != 1:
            return False
        mended = [
            _mended(held[0][position], found[BEFORE][position], found[NOW][position], earliest=position != 1)
            for position in range(3)
        ]
        if any(day is _UNDECIDED for day in mended):
            return False
        self.con.execute(
            "update precomputed_coverage set first_day = $first, last_day = $last, first_event_day = $first_event "
            "where query_key = $key",
            {"key": key, "first": mended[0], "last": mended[1], "first_event": mended[2]},
        )
        return True

    def mend_windows(self, key: str, windows: Sequence[Period]) -> set[tuple[date, date]]:
        """Add to each window's sums held the changed people's rows as they are, less their rows as they were;
        returns the windows whose sums changed."""
        if not self.people or not windows:
            self.drop()
            return set()
        self._write_rows(key, windows)
        self.con.execute(
            f"create or replace temp table {CELLS} as select window_start, window_end, "
            "date_trunc('month', period_date)::date as period_date, ward_code, sex, age_band, ethnicity, "
            "sum(sign * numerator)::double as numerator, sum(sign * denominator)::double as denominator "
            f"from {ROWS} group by all having sum(sign * numerator) <> 0 or sum(sign * denominator) <> 0"
        )
        changed = {
            (start, end) for start, end in self.con.execute(f"select distinct window_start, window_end from {CELLS}").fetchall()
        }
        if changed:
            same_window = ["held.window_start = cells.window_start", "held.window_end = cells.window_end"]
            same_cell = [f"held.{column} is not distinct from cells.{column}" for column in CELL_KEYS]
            # a cell that counts no one any more goes, unless a reference row fills it (a full rebuild keeps it)
            emptied = [
                f"held.query_key = $key and held.{self.counted_in} = 0",
                f"exists (select 1 from {CELLS} as cells where {' and '.join(same_window + same_cell)})",
            ]
            if self.references:
                emptied.append(f"not exists (select 1 from {BESIDE} as cells where {' and '.join(same_window + same_cell)})")
            add_cells(
                self.con,
                "precomputed_windows",
                CELLS,
                "$key, cells.*",
                ["held.query_key = $key", *same_window, *same_cell],
                " and ".join(emptied),
                {"key": key},
            )
        self.drop()
        return changed

    def signed_rows(self, key: str, window: Period) -> str:
        """A table of the changed people's rows over `window` as they are, and as they were with their numerator and
        denominator negated (period_date, the person columns, numerator, denominator): summed, each cell's change."""
        self._write_rows(key, [window])
        return (
            f"(select period_date, ward_code, sex, age_band, ethnicity, sign * numerator as numerator, "
            f"sign * denominator as denominator from {ROWS})"
        )

    def _write_rows(self, key: str, windows: Sequence[Period]) -> None:
        """The changed people's rows over each window, as they are (sign 1) and as they were (sign -1), in ROWS; the
        cells the rows counting no one fill (from the reference tables alone, the same in both states), in BESIDE.
        Each state's windows are read in one statement: the people's rows are few, so a statement per window would
        cost more to plan than to run."""
        self.con.execute(
            f"create or replace temp table {ROWS} (window_start date, window_end date, sign integer, period_date date, "
            "ward_code varchar, sex varchar, age_band varchar, ethnicity varchar, numerator double, denominator double)"
        )
        for state, sign in ((NOW, 1), (BEFORE, -1)):
            parts: list[str] = []
            bound: dict[str, object] = {}
            for number, window in enumerate(windows):
                sql, parameters = self._events(
                    state, {**self.parameters, "start": window.start, "end": window.end, "period_years": window.years}
                )
                # each window's parameters named apart: $start becomes $start_w0, $start_w1 and so on
                suffix = f"_w{number}"
                renamed = PARAMETER.sub(r"\g<0>" + suffix, sql)
                parts.append(
                    f"select $window_start{suffix} as window_start, $window_end{suffix} as window_end, period_date, "
                    f"ward_code, sex, age_band, ethnicity, numerator, denominator from ({renamed})"
                )
                bound |= {f"{name}{suffix}": value for name, value in parameters.items()}
                bound |= {f"window_start{suffix}": window.start, f"window_end{suffix}": window.end}
            self.con.execute(
                f"insert into {ROWS} select window_start, window_end, $sign, period_date, ward_code, sex, age_band, "
                f"ethnicity, numerator, denominator from ({' union all '.join(parts)})",
                {**bound, "sign": sign},
            )
        self.con.execute(f"drop table if exists {BESIDE}")
        if self.references:
            # the rows counting no one come from the references alone, the same in both states: their cells are kept
            # aside (they stay when emptied of people) and the rows leave the difference
            self.con.execute(
                f"create temp table {BESIDE} as select distinct window_start, window_end, "
                f"date_trunc('month', period_date)::date as period_date, ward_code, sex, age_band, ethnicity from {ROWS} "
                f"where sign = 1 and {self.counted_in} = 0"
            )
            self.con.execute(f"delete from {ROWS} where {self.counted_in} = 0")
        self._require_one_person_per_row(key)

    def _require_one_person_per_row(self, key: str) -> None:
        if self.con.execute(f"select count(*) from {ROWS} where {self.counted_in} is distinct from 1").fetchall()[0][0]:
            raise NotOnePersonPerRow(
                f"{key}: a row with a {self.counted_in} other than 1; a query whose sums are mended person by person must "
                "give one row per person (pipeline/stale.py, READS_BEYOND_PERIOD), and rows counting no one only from "
                "tables naming no person"
            )

    def drop(self) -> None:
        """Drop the rows and cells written from the people's rows (their rows copied stay, for other queries)."""
        for table in (ROWS, CELLS, BESIDE):
            self.con.execute(f"drop table if exists {table}")


def add_cells(
    con: duckdb.DuckDBPyConnection,
    table: str,
    cells: str,
    columns: str,
    same: Sequence[str],
    emptied: str,
    parameters: Mapping[str, object],
) -> None:
    """Add each cell's change (the rows of the table `cells`, read as `cells`) to the row of `table` for the same cell
    (`same`: conditions on `held`, the table's row, and `cells`), insert the cells it holds no row for (each as
    `columns`, a select list over `cells` giving the table's columns), and delete the rows `emptied` names (of `held`): every row
    is one person's, so a cell whose count of people fell to 0 holds no one, and a full rebuild has no row for it.
    Each statement is bound with the `parameters` it uses."""
    same_cell = " and ".join(same)
    statements = [
        f"update {table} as held set numerator = held.numerator + cells.numerator, "
        f"denominator = held.denominator + cells.denominator from {cells} as cells where {same_cell}",
        f"insert into {table} select {columns} from {cells} as cells "
        f"where not exists (select 1 from {table} as held where {same_cell})",
        f"delete from {table} as held where {emptied}",
    ]
    for statement in statements:
        con.execute(statement, bind(statement, parameters))


class _Undecided:
    pass


_UNDECIDED = _Undecided()


def _mended(held: date | None, before: date | None, now: date | None, *, earliest: bool) -> date | _Undecided | None:
    """The query's first (`earliest`) or last event day after the changed people's events went from `before` to
    `now`, given the day held; undecided when the changed people held it and may no longer."""

    def beyond(day: date, bound: date) -> bool:  # `day` lies on the far side of `bound` (later than a first day)
        return day > bound if earliest else day < bound

    if held is None:  # no event at all was held, so the changed people had none
        return now if before is None else _UNDECIDED
    if before is None or beyond(before, held):  # whoever holds that day did not change
        return held if now is None or beyond(now, held) else now
    if before == held and now is not None and not beyond(now, held):
        return now  # a changed person still holds that day, or one beyond it
    return _UNDECIDED


def forget(con: duckdb.DuckDBPyConnection, stale: Staleness) -> None:
    """Drop every set of changed people and their rows copied, once the sums are made."""
    stale.people_copies.clear()
    drop_temp_tables(con, "_by_person_")


def changed_people(
    con: duckdb.DuckDBPyConnection, stale: Staleness, sql_name: str, sql: str, everything: Mapping[str, object]
) -> ChangedPeople | None:
    """The people whose rows changed in the tables a per-person query reads, or None when its sums cannot be mended
    person by person (a query not declared so, a full refresh, or a table it reads changed other than by rows)."""
    reach = reach_of(sql_name, everything)
    person = reach.per_person
    if person is None or stale.full:
        return None
    tables = sorted(stale.tables(sql, everything))
    changes = stale.changes
    if changes is None or not stale.changed_by_rows(tables):
        return None
    references = tuple(table for table in tables if person not in stale.columns(table))  # naming no person
    if any(table in changes.tables for table in references):
        return None  # a reference changed: every person's row may have
    tables = [table for table in tables if table not in references]
    if not any(table in changes.tables for table in tables):
        return ChangedPeople(con, {}, everything, 0, reach.counted_in, references)
    count = _copy_rows(con, stale, changes, person, tables)
    if not count:
        return ChangedPeople(con, {}, everything, 0, reach.counted_in, references)
    sql_by_state = {state: _reading(sql, tables, state, person) for state in (NOW, BEFORE)}
    return ChangedPeople(con, sql_by_state, everything, count, reach.counted_in, references)


def _tables_of_people(stale: Staleness, person: str) -> list[str]:
    """The tables naming people by `person` that any query mended by that column reads."""
    tables: set[str] = set()
    for indicator in all_indicators():
        everything = {**WIDE_OPEN, **indicator.query_parameters}
        if reach_of(indicator.sql_name, everything).per_person == person:
            tables |= stale.tables(query_sql(indicator.sql_name), everything)
    return sorted(table for table in tables if person in stale.columns(table))


def _copy_rows(con: duckdb.DuckDBPyConnection, stale: Staleness, changes: MartChanges, person: str, tables: Sequence[str]) -> int:
    """Copy each of `tables`' rows of the changed people, as they are and as they were, once a refresh; returns how
    many people. The people are those named (by their `person` column) by the changed rows of every table that a
    query mended by that column reads, so one copy of a table serves them all: a query's own changed people are
    among them, and anyone else's rows are the same in both states, so they add nothing to a difference."""
    people_table = f"_by_person_{person}_{PEOPLE_SUFFIX}"
    if person not in stale.people_copies:
        # a table changed other than by rows leaves every query reading it to be summed again, so none asks for it
        changed = [table for table in _tables_of_people(stale, person) if table in changes.tables and table in changes.rows_kept]
        people = " union ".join(f"select {person} as person from {changed_rows_table(table)}" for table in changed)
        con.execute(f"create or replace temp table {people_table} as select * from ({people}) where person is not null")
        stale.people_copies[person] = (one_value(con, f"select count(*) from {people_table}"), set())
    count, copied = stale.people_copies[person]
    for table in tables:
        if not count or table in copied:
            continue
        now, before = _copy(NOW, table, person), _copy(BEFORE, table, person)
        con.execute(
            f"create or replace temp table {now} as select * from {table} where {person} in (select person from {people_table})"
        )
        if table in changes.tables:
            rows = changed_rows_table(table)
            con.execute(
                f"create or replace temp table {before} as "
                f"(select * from {now} except all select * exclude (_change) from {rows} where _change = 'new') "
                f"union all select * exclude (_change) from {rows} where _change = 'old'"
            )
        else:
            con.execute(f"create or replace temp table {before} as select * from {now}")
        copied.add(table)
    return count


def _reading(sql: str, tables: Sequence[str], state: str, person: str) -> str:
    """The query as written, reading each table's copy for `state` in its place."""
    for table in tables:
        sql = re.sub(rf"\b{re.escape(table)}\b", _copy(state, table, person), sql)
    return sql
