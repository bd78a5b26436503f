"""Marts: the tables the metrics read, rebuilt from staging by `.sql` files, one model per file."""

from __future__ import annotations

from importlib import resources

import duckdb


def mart_files() -> list[tuple[str, str]]:
    """(table name, sql) for every mart, in file-name order: a mart may read marts named before it."""
    folder = resources.files("etl").joinpath("sql")
    files = sorted(item for item in folder.iterdir() if item.name.startswith("mart_") and item.name.endswith(".sql"))
    return [(item.name.removesuffix(".sql"), item.read_text(encoding="utf-8")) for item in files]


def build_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    built = []
    for name, sql in mart_files():
        con.execute(f"create or replace table {name} as {sql}")
        built.append(name)
    return built
