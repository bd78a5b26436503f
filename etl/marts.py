"""Marts: the tables the metrics read, rebuilt from staging by `.sql` files, one model per file."""

from __future__ import annotations

import re
from importlib import resources

import duckdb

# A mart too big to build at once within the refresh's memory limit names its pieces in a line
# `-- pieces: first/2, second, ...`: its query then selects the rows of piece `$piece`, and of part
# `$part` (from 0) of the `$parts` a piece is split into (one unless it says, as `first/2` does).
PIECES = re.compile(r"^-- pieces: (.+)$", re.MULTILINE)


def mart_files() -> list[tuple[str, str]]:
    """(table name, sql) for every mart, in file-name order: a mart may read marts named before it."""
    folder = resources.files("etl").joinpath("sql")
    files = sorted((item for item in folder.iterdir() if item.name.startswith("mart_") and item.name.endswith(".sql")),
                   key=lambda item: item.name)
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


def build_mart(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
    """Builds one mart: at once, or piece by piece, the first piece creating the table."""
    pieces = mart_pieces(sql)
    if not pieces:
        con.execute(f"create or replace table {name} as {sql}")
        return
    con.execute(f"create or replace table {name} as {sql}", pieces[0])
    for piece in pieces[1:]:
        con.execute(f"insert into {name} {sql}", piece)


def build_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    built = []
    for name, sql in mart_files():
        build_mart(con, name, sql)
        built.append(name)
    return built
