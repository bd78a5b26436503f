"""The rows of the Services page's queries, kept with each refresh so the page reads a few hundred rows.

Referral outcomes and IDVA capacity each read a year of referrals and MARAC cases; the register and the
wards each service serves read no period but join lists. `build` runs each of PERIOD_QUERIES for every
period given, and each of STATIC_QUERIES once, and keeps the rows in `precomputed_rows_<query>`, each with
the period it is for; `keep` does the same for frames made from queries (the coverage matrix's counts).
metrics/read.py's `rows` (and `kept_rows`) return the rows kept for the period as the query returns them, in
the order it gives them; `rows` runs the query itself when none are kept: for any other period, and for one the
query returned nothing for (so an empty result needs no marker of its own).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from metrics.periods import Period
from metrics.precomputed import MANIFEST, PERIOD_QUERIES, STATIC_QUERIES, HeldGrain, Product
from metrics.queries import bind, query_sql
from pipeline.precompute import record


def build(con: duckdb.DuckDBPyConnection, periods: Sequence[Period]) -> None:
    """Keep the rows of every query, for each of `periods` where it reads one."""
    windows = list({(period.start, period.end): period for period in periods}.values())
    for name in (*PERIOD_QUERIES, *STATIC_QUERIES):
        _forget(con, name)
        for window in windows if name in PERIOD_QUERIES else [None]:
            _keep(con, name, window)


def keep(con: duckdb.DuckDBPyConnection, name: str, frames: dict[Period, pl.DataFrame]) -> None:
    """Keep a frame for each period, in place of any kept before under `name`."""
    _forget(con, name)
    for period, frame in frames.items():
        con.register("_frame_to_keep", frame)
        _store(con, name, "select * from _frame_to_keep", {"window_start": period.start, "window_end": period.end})
        con.unregister("_frame_to_keep")
        record(con, Product.ROWS, name, HeldGrain.WINDOW, period)


def _forget(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"drop table if exists precomputed_rows_{name}")
    con.execute(
        f"delete from {MANIFEST} where product = $product and query_key = $name", {"product": Product.ROWS.value, "name": name}
    )


def _keep(con: duckdb.DuckDBPyConnection, name: str, window: Period | None) -> None:
    sql = query_sql(name)
    values = {} if window is None else {"start": window.start, "end": window.end, "period_years": window.years}
    window_values = {"window_start": window.start if window else None, "window_end": window.end if window else None}
    _store(con, name, sql, {**bind(sql, values), **window_values})
    record(con, Product.ROWS, name, HeldGrain.ALL if window is None else HeldGrain.WINDOW, window)


def _store(con: duckdb.DuckDBPyConnection, name: str, sql: str, parameters: dict[str, object]) -> None:
    select = f"select $window_start::date as window_start, $window_end::date as window_end, * from ({sql})"
    exists = con.sql(
        "select count(*) from duckdb_tables() where table_name = $table", params={"table": f"precomputed_rows_{name}"}
    ).fetchall()[0][0]
    statement = f"insert into precomputed_rows_{name} {select}" if exists else f"create table precomputed_rows_{name} as {select}"
    con.execute(statement, parameters)
