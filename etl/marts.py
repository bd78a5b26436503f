"""Marts: the tables the metrics read, rebuilt from staging by `.sql` files, one model per file."""

from __future__ import annotations

import graphlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

import duckdb

from etl.changes import MartChanges, keep_differences, mart_months, staging_months
from etl.contract import ALL_MODELS
from etl.rules import define_rules, define_rules_on_marts
from etl.staging import CHANGED_ROWS_PREFIX, changed_rows_table, changed_whole, staging_table
from etl.warehouse import one_value
from oversight.settings import Settings

# A mart too big to build at once within the refresh's memory limit names its pieces in a line
# `-- pieces: first/2, second, ...`: its query then selects the rows of piece `$piece`, and of part
# `$part` (from 0) of the `$parts` a piece is split into (one unless it says, as `first/2` does).
PIECES = re.compile(r"^-- pieces: (.+)$", re.MULTILINE)
# Every mart names the tables it reads in a line `-- depends: stg_x, mart_y, ...`: staging tables and
# other marts. The marts are built in an order that puts each after the marts it depends on.
DEPENDS = re.compile(r"^-- depends: (.+)$", re.MULTILINE)
# A mart that can be rebuilt by key names its key in a line `-- key: victim_id`: a column of its rows such
# that the rows of one key are a function of the tables it depends on and of that key alone. Its query then
# keeps, when `$keyed` is true, only the keys in the temporary table `_dirty_keys` (column `key`), and
# etl/sql/keys/<mart>.sql selects (as `key`) every key whose rows a refresh's changes may have changed, from
# the changed rows of what it reads (`_changed_<table>`, old and new values) and the tables themselves.
KEY = re.compile(r"^-- key: (\w+)$", re.MULTILINE)
DIRTY_KEYS = "_dirty_keys"
# etl/sql/keys/reads/<mart>.sql, where a mart has one, keeps the rows of the tables it reads that the dirty keys'
# rows can use, each as a temporary table of the table's name, which the mart's pieces then read in its place.
KEPT_READS = re.compile(r"^create temp table (\w+)", re.MULTILINE)
# A mart rebuilt whole is compared with what it held, row by row, when both are at most this many rows;
# a larger one is recorded as changed in a way months do not describe.
WHOLE_DIFF_ROWS = 100_000
STAGING_TABLES = frozenset(staging_table(model) for model in ALL_MODELS)
# The refresh's own tables a mart may read (each file loaded, and when): sources as staging tables are.
SYSTEM_SOURCES = frozenset({"loaded_files"})


class MartDependencyError(Exception):
    """The marts' declared dependencies cannot give a build order."""


class UnknownMartDependency(MartDependencyError):
    """A mart depends on a table that is neither a mart nor a staging table."""


class MartDependencyCycle(MartDependencyError):
    """Marts depend on each other in a circle, so none of them can be built first."""


def mart_files() -> list[tuple[str, str]]:
    """(table name, sql) for every mart, in file-name order (`build_order` gives the order to build them in)."""
    folder = resources.files("etl").joinpath("sql")
    files = sorted(
        (item for item in folder.iterdir() if item.name.startswith("mart_") and item.name.endswith(".sql")),
        key=lambda item: item.name,
    )
    return [(item.name.removesuffix(".sql"), item.read_text(encoding="utf-8")) for item in files]


def mart_pieces(sql: str) -> list[dict[str, str | int]]:
    """The parameters of each piece (and part of a piece) a mart is built in; none if built at once."""
    named = PIECES.search(sql)
    if named is None:
        return []
    pieces = []
    for item in named.group(1).split(","):
        piece, _, parts = item.strip().partition("/")
        count = int(parts or 1)
        pieces += [{"piece": piece, "part": part, "parts": count} for part in range(count)]
    return pieces


def mart_dependencies(sql: str) -> list[str]:
    """The tables a mart's `-- depends:` line names; none if it has no such line."""
    declared = DEPENDS.search(sql)
    return [] if declared is None else [name.strip() for name in declared.group(1).split(",") if name.strip()]


def build_order(marts: list[tuple[str, str]], *, sources: Iterable[str]) -> list[tuple[str, str]]:
    """`marts` ((name, sql) pairs) in an order that builds each after the marts it depends on; marts free
    to go at the same time go in name order. `sources` are the other tables a mart may depend on (staging).

    Raises UnknownMartDependency for a dependency that is neither a mart nor a source, and
    MartDependencyCycle when marts depend on each other in a circle.
    """
    sql_by_name = dict(marts)
    known = set(sql_by_name) | set(sources)
    graph: dict[str, set[str]] = {}
    for name, sql in marts:
        dependencies = mart_dependencies(sql)
        unknown = [dependency for dependency in dependencies if dependency not in known]
        if unknown:
            raise UnknownMartDependency(
                f"{name} depends on {', '.join(unknown)}, which is neither a mart nor a "
                "staging table; correct its `-- depends:` line"
            )
        graph[name] = {dependency for dependency in dependencies if dependency in sql_by_name}
    sorter = graphlib.TopologicalSorter(graph)
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        circle = " -> ".join(reversed(error.args[1]))
        raise MartDependencyCycle(
            f"the marts depend on each other in a circle ({circle}, each reading the next); "
            "no order builds each after what it reads"
        ) from error
    ordered: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        ordered += ready
        sorter.done(*ready)
    return [(name, sql_by_name[name]) for name in ordered]


# A named parameter in a mart's SQL (`$name`); the settings a mart reads are bound, never pasted in.
PARAMETER = re.compile(r"\$([a-z_]+)")


def mart_settings(settings: Settings) -> dict[str, object]:
    """The settings the marts read, as bound parameters: the MARAC escalation trigger (count and window)."""
    return {"trigger_incidents": settings.marac_trigger_incidents, "trigger_window_days": settings.marac_trigger_window_days}


def mart_parameters(sql: str, parameters: dict[str, object] | None) -> dict[str, object]:
    """The given parameters the mart's SQL names (DuckDB refuses parameters a statement does not use)."""
    named = set(PARAMETER.findall(sql))
    return {key: value for key, value in (parameters or {}).items() if key in named}


def mart_key(sql: str) -> str | None:
    """The column a mart's `-- key:` line names; None for a mart only ever rebuilt whole."""
    declared = KEY.search(sql)
    return None if declared is None else declared.group(1)


def dirty_keys_sql(name: str) -> str | None:
    """The query (etl/sql/keys/<mart>.sql) selecting the keys of `name` a refresh's changes may have changed."""
    return _keys_file(name)


def kept_reads_sql(name: str) -> str | None:
    """The statements (etl/sql/keys/reads/<mart>.sql) keeping, as temporary tables named as what they shadow
    (KEPT_READS), the rows `name`'s dirty keys can read; None where its rebuild by key reads the tables whole."""
    return _keys_file(name, "reads")


def _keys_file(name: str, *folder: str) -> str | None:
    item = resources.files("etl").joinpath("sql", "keys", *folder, f"{name}.sql")
    return item.read_text(encoding="utf-8") if item.is_file() else None


def build_mart(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    parameters: dict[str, object] | None = None,
    *,
    into: str | None = None,
    keyed: bool = False,
) -> None:
    """Builds one mart: at once, or piece by piece, the first piece creating the table.

    `parameters` are settings a mart may read (e.g. the MARAC trigger); each mart is given those it names.
    `keyed` builds only the rows of the keys in `_dirty_keys`; `into` names a temporary table to write them
    to instead of the mart.
    """
    con.execute(f"create temp table if not exists {DIRTY_KEYS} (key varchar)")
    target, create = (into, "create or replace temp table") if into else (name, "create or replace table")
    bound = mart_parameters(sql, {**(parameters or {}), "keyed": keyed})
    pieces = mart_pieces(sql)
    if keyed:  # a few keys' rows fit in memory at once: each piece in one part
        pieces = [{**piece, "part": 0, "parts": 1} for piece in pieces if piece["part"] == 0]
    if not pieces:
        con.execute(f"{create} {target} as {sql}", bound or None)
        return
    con.execute(f"{create} {target} as {sql}", {**bound, **pieces[0]})
    for piece in pieces[1:]:
        con.execute(f"insert into {target} {sql}", {**bound, **piece})


@dataclass
class MartsBuilt:
    """What the marts stage did: the marts rebuilt (in the order built), those of them rebuilt by key (with
    how many keys), and the tables changed, with the months their changed rows are dated in (for the sums)."""

    rebuilt: list[str] = field(default_factory=list)
    by_key: dict[str, int] = field(default_factory=dict)
    changes: MartChanges = field(default_factory=MartChanges)


def build_marts(
    con: duckdb.DuckDBPyConnection, parameters: dict[str, object] | None = None, *, changed: Iterable[str] | None = None
) -> MartsBuilt:
    """Builds the marts, with the shared rules (etl/rules.py) defined before and after them.

    `parameters` are the settings marts may read (`mart_settings`), each mart given those it names.
    `changed` names the tables a drop changed (staging tables, `loaded_files`): then only the marts that read
    one of them, or read a mart so rebuilt, are rebuilt, and any mart the version lacks; the others are kept,
    since a mart is a function of the tables its `-- depends:` line names. A mart with a `-- key:` line whose
    inputs changed by rows (etl/staging.py keeps the rows a load replaced and wrote) is rebuilt by key: the
    rows of its dirty keys are deleted and built again, and the rows that differ are kept as its changed
    rows for the marts after it. Any other is rebuilt whole. None rebuilds every mart whole.
    """
    define_rules(con)
    con.execute(f"create or replace temp table {DIRTY_KEYS} (key varchar)")
    ordered = build_order(mart_files(), sources=STAGING_TABLES | SYSTEM_SOURCES)
    if changed is None:
        for name, sql in ordered:
            build_mart(con, name, sql, parameters)
        define_rules_on_marts(con)
        return MartsBuilt(rebuilt=[name for name, _ in ordered], changes=MartChanges.everything())
    whole_tables = changed_whole(con)
    # per changed table: True when its changed rows are known (in `_changed_<table>`), False when changed whole
    by_rows = {table: table not in whole_tables and _temp_exists(con, changed_rows_table(table)) for table in changed}
    tables: dict[str, frozenset[date] | None] = {
        table: staging_months(con, table) if known else None for table, known in by_rows.items()
    }
    present = {name for (name,) in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()}
    built = MartsBuilt()
    for name, sql in ordered:
        touched = [table for table in mart_dependencies(sql) if table in by_rows]
        if name in present and not touched:
            continue
        key, keys_sql = mart_key(sql), dirty_keys_sql(name)
        if name in present and key is not None and keys_sql is not None and all(by_rows[table] for table in touched):
            built.by_key[name] = _build_by_key(con, name, sql, parameters, key=key, keys_sql=keys_sql)
            by_rows[name] = True
        else:
            by_rows[name] = _build_whole(con, name, sql, parameters, present=name in present)
        built.rebuilt.append(name)
        if not by_rows[name]:
            tables[name] = None
        elif one_value(con, f"select count(*) from {changed_rows_table(name)}"):
            # a mart rebuilt whole is a reference table or a summary: its dates (a contract's end, a file's
            # loading) do not place events in time, so its change reaches every month
            tables[name] = mart_months(con, name) if name in built.by_key else None
        # else: its rows were compared and none differ, so it did not change
    define_rules_on_marts(con)
    # a staging table whose rows were all sent again as they were did not change
    built.changes = MartChanges(
        tables={table: months for table, months in tables.items() if months is None or months},
        rows_kept=frozenset(name for name in built.rebuilt if by_rows[name]),
    )
    return built


def _temp_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return one_value(con, "select count(*) from duckdb_tables() where temporary and table_name = ?", [name]) > 0


def _ensure_changed_rows(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """An empty changed-rows table for `table`, so a dirty-keys query can read it whether or not it changed."""
    con.execute(
        f"create temp table if not exists {changed_rows_table(table)} as select *, ''::varchar as _change from {table} limit 0"
    )


def _build_by_key(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, parameters: dict[str, object] | None, *, key: str, keys_sql: str
) -> int:
    """Rebuilds the rows of `name`'s dirty keys and keeps the rows that differ as its changed rows; returns
    how many keys were rebuilt."""
    for table in _tables_read(keys_sql):
        _ensure_changed_rows(con, table)
    con.execute(f"create or replace temp table {DIRTY_KEYS} as select distinct key from ({keys_sql}) where key is not null")
    keys = one_value(con, f"select count(*) from {DIRTY_KEYS}")
    if keys == 0:
        con.execute(
            f"create or replace temp table {changed_rows_table(name)} as select *, ''::varchar as _change from {name} limit 0"
        )
        return 0
    # the dirty keys' rows as they were come out of the delete, so the mart is scanned for them once, not twice
    # (no mart reads itself, so they go before the new rows are built); typed as the mart's own columns
    con.execute(f"create or replace temp table _old_rows as select * from {name} limit 0")
    removed = con.sql(f"delete from {name} where {key} in (select key from {DIRTY_KEYS}) returning *").to_arrow_table()
    con.from_arrow(removed).insert_into("_old_rows")
    reads = kept_reads_sql(name) or ""
    try:
        if reads:
            con.execute(reads)
        build_mart(con, name, sql, parameters, into="_new_rows", keyed=True)
    finally:
        for table in KEPT_READS.findall(reads):
            con.execute(f"drop table if exists temp.{table}")
    con.execute(f"insert into {name} select * from _new_rows")
    keep_differences(con, name)
    con.execute("drop table _new_rows")
    con.execute("drop table _old_rows")
    return keys


def _build_whole(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, parameters: dict[str, object] | None, *, present: bool
) -> bool:
    """Rebuilds `name` whole; a small mart is compared with what it held, so its changed rows are known.
    Returns whether they are (in `_changed_<name>`)."""
    small = present and one_value(con, f"select count(*) from {name}") <= WHOLE_DIFF_ROWS
    if small:
        con.execute(f"create or replace temp table _old_rows as select * from {name}")
    build_mart(con, name, sql, parameters)
    compared = small and one_value(con, f"select count(*) from {name}") <= WHOLE_DIFF_ROWS
    if compared:
        con.execute(f"create or replace temp table _new_rows as select * from {name}")
        keep_differences(con, name)
        con.execute("drop table _new_rows")
    if small:
        con.execute("drop table _old_rows")
    return compared


def _tables_read(sql: str) -> list[str]:
    """The tables whose changed rows a dirty-keys query reads (`_changed_<table>`)."""
    return sorted(set(re.findall(rf"\b{CHANGED_ROWS_PREFIX}(\w+)", sql)))
