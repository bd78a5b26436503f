"""Marts: the tables the metrics read, rebuilt from staging by `.sql` files, one model per file."""

from __future__ import annotations

import graphlib
import re
from collections.abc import Iterable
from importlib import resources

import duckdb

from etl.contract import ALL_MODELS
from etl.rules import define_rules, define_rules_on_marts
from etl.staging import staging_table
from oversight.settings import Settings

# A mart too big to build at once within the refresh's memory limit names its pieces in a line
# `-- pieces: first/2, second, ...`: its query then selects the rows of piece `$piece`, and of part
# `$part` (from 0) of the `$parts` a piece is split into (one unless it says, as `first/2` does).
PIECES = re.compile(r"^-- pieces: (.+)$", re.MULTILINE)
# Every mart names the tables it reads in a line `-- depends: stg_x, mart_y, ...`: staging tables and
# other marts. The marts are built in an order that puts each after the marts it depends on.
DEPENDS = re.compile(r"^-- depends: (.+)$", re.MULTILINE)
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


def build_mart(con: duckdb.DuckDBPyConnection, name: str, sql: str, parameters: dict[str, object] | None = None) -> None:
    """Builds one mart: at once, or piece by piece, the first piece creating the table.

    `parameters` are settings a mart may read (e.g. the MARAC trigger); each mart is given those it names.
    """
    bound = mart_parameters(sql, parameters)
    pieces = mart_pieces(sql)
    if not pieces:
        con.execute(f"create or replace table {name} as {sql}", bound or None)
        return
    con.execute(f"create or replace table {name} as {sql}", {**bound, **pieces[0]})
    for piece in pieces[1:]:
        con.execute(f"insert into {name} {sql}", {**bound, **piece})


def build_marts(
    con: duckdb.DuckDBPyConnection, parameters: dict[str, object] | None = None, *, changed: Iterable[str] | None = None
) -> list[str]:
    """Builds the marts, with the shared rules (etl/rules.py) defined before and after them; returns those built.

    `parameters` are the settings marts may read (`mart_settings`), each mart given those it names.
    `changed` names the staging tables a drop changed: then only the marts that read one of them, or read a
    mart rebuilt for that reason, are rebuilt (and any mart the version lacks); the others are kept as they
    are, since a mart is a function of the tables its `-- depends:` line names. None rebuilds every mart.
    """
    define_rules(con)
    dirty = None if changed is None else set(changed)
    present = {name for (name,) in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()}
    built = []
    for name, sql in build_order(mart_files(), sources=STAGING_TABLES | SYSTEM_SOURCES):
        if dirty is not None and name in present and dirty.isdisjoint(mart_dependencies(sql)):
            continue
        build_mart(con, name, sql, parameters)
        built.append(name)
        if dirty is not None:
            dirty.add(name)
    define_rules_on_marts(con)
    return built
