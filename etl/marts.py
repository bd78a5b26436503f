"""Marts: the tables the metrics read, rebuilt from staging by `.sql` files, one model per file."""

from __future__ import annotations

import re
from importlib import resources

import duckdb

from oversight.settings import Settings

# A mart too big to build at once within the refresh's memory limit names its pieces in a line
# `-- pieces: first/2, second, ...`: its query then selects the rows of piece `$piece`, and of part
# `$part` (from 0) of the `$parts` a piece is split into (one unless it says, as `first/2` does).
PIECES = re.compile(r"^-- pieces: (.+)$", re.MULTILINE)


def mart_files() -> list[tuple[str, str]]:
    """(table name, sql) for every mart, in file-name order: a mart may read marts named before it."""
    folder = resources.files("etl").joinpath("sql")
    files = sorted(item for item in folder.iterdir() if item.name.startswith("mart_") and item.name.endswith(".sql"))
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


# A named parameter in a mart's SQL (`$name`); the settings a mart reads are bound, never pasted in.
PARAMETER = re.compile(r"\$([a-z_]+)")


def mart_settings(settings: Settings) -> dict[str, object]:
    """The settings the marts read, as bound parameters: the MARAC escalation trigger (count and window)."""
    return {"trigger_incidents": settings.marac_trigger_incidents,
            "trigger_window_days": settings.marac_trigger_window_days}


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


def build_marts(con: duckdb.DuckDBPyConnection, parameters: dict[str, object] | None = None) -> list[str]:
    built = []
    for name, sql in mart_files():
        build_mart(con, name, sql, parameters)
        built.append(name)
    return built
