"""What a refresh changed in the warehouse's tables, handed from the marts stage to the precomputed sums.

The marts stage knows which rows a drop changed (the rows it replaced and the rows it wrote, compared with
what the copied version held); the sums only need to know which tables changed, and in which months, to
rebuild the months and periods that changed and keep the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import duckdb

from etl.staging import LINEAGE_COLUMNS, changed_rows_table
from etl.warehouse import one_value

DATE_TYPES = ("DATE", "TIMESTAMP")


@dataclass(frozen=True)
class MartChanges:
    """The tables a refresh changed, each with the months its changed rows are dated in.

    `tables` maps a table (a staging table, a mart, `loaded_files`) to the first day of every month a changed
    row (as it was, or as it is now) is dated in by any of its date or timestamp columns; `None` when the
    table changed in a way months do not describe (a reference table, or one rebuilt whole). A table not
    listed did not change, or changed only in its rows' lineage (the file and line each came from). `full` says every table was rebuilt: nothing may be kept.

    `rows_kept` names the marts whose changed rows the refresh keeps, on its connection, in `_changed_<mart>`
    (etl.staging.changed_rows_table): every row it held that it no longer holds (`_change` 'old') and every row it
    holds that it did not ('new'), so its rows as they were are its rows less the 'new' plus the 'old'.
    """

    tables: Mapping[str, frozenset[date] | None] = field(default_factory=dict)
    full: bool = False
    rows_kept: frozenset[str] = frozenset()

    @classmethod
    def everything(cls) -> MartChanges:
        """A full rebuild: every table changed."""
        return cls(full=True)

    def touches(self, tables: Iterable[str]) -> bool:
        """Whether any of `tables` changed."""
        return self.full or any(table in self.tables for table in tables)

    def months(self, tables: Iterable[str]) -> frozenset[date] | None:
        """The months in which any of `tables` changed (empty when none did); `None` when one of them changed
        in a way months do not describe, or the refresh was full."""
        if self.full:
            return None
        months: set[date] = set()
        for table in tables:
            if table not in self.tables:
                continue
            changed = self.tables[table]
            if changed is None:
                return None
            months |= changed
        return frozenset(months)


# ---- the rows a refresh changed, and the months they are dated in ----


def keep_differences(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """`_changed_<name>`: the rows of `_old_rows` not in `_new_rows` ('old') and the other way round ('new')."""
    con.execute(
        f"create or replace temp table {changed_rows_table(name)} as "
        "select *, 'old' as _change from (select * from _old_rows except all select * from _new_rows) "
        "union all select *, 'new' as _change from (select * from _new_rows except all select * from _old_rows)"
    )


def _date_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [
        column
        for column, column_type in con.execute(
            "select column_name, data_type from duckdb_columns() where table_name = ? and column_name <> '_change' "
            "order by column_index",
            [table],
        ).fetchall()
        if column_type.startswith(DATE_TYPES)
    ]


def changed_months(con: duckdb.DuckDBPyConnection, rows: str, columns: list[str]) -> frozenset[date] | None:
    """The first day of every month any of `columns` dates a row of the query `rows` in; None when there are
    no such columns or a row has none of them, as months then cannot describe the change."""
    if not columns:
        return None
    quoted = [f'"{column}"' for column in columns]
    undated = one_value(con, f"select count(*) from ({rows}) where coalesce({', '.join(quoted)}) is null")
    if undated:
        return None
    found = con.execute(
        f"select distinct cast(date_trunc('month', day) as date) from "
        f"(select unnest([{', '.join(f'cast({column} as date)' for column in quoted)}]) as day from ({rows})) "
        "where day is not null"
    ).fetchall()
    return frozenset(month for (month,) in found)


def mart_months(con: duckdb.DuckDBPyConnection, name: str) -> frozenset[date] | None:
    """The months of a mart's changed rows (old and new)."""
    changed = changed_rows_table(name)
    return changed_months(con, f"select * from {changed}", _date_columns(con, changed))


def staging_months(con: duckdb.DuckDBPyConnection, table: str) -> frozenset[date] | None:
    """The months of the staging rows a refresh changed: the rows replaced and written that differ in more
    than their lineage (a row sent again as it was changes no month)."""
    changed = changed_rows_table(table)
    lineage = ", ".join([*LINEAGE_COLUMNS, "_change"])
    old = f"select * exclude ({lineage}) from {changed} where _change = 'old'"
    new = f"select * exclude ({lineage}) from {changed} where _change = 'new'"
    rows = f"({old} except all {new}) union all ({new} except all {old})"
    return changed_months(con, rows, [c for c in _date_columns(con, changed) if c not in LINEAGE_COLUMNS])
