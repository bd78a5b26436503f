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

from collections.abc import Callable, Sequence

import duckdb
import polars as pl

from metrics.periods import Period
from metrics.precomputed import MANIFEST, PERIOD_QUERIES, STATIC_QUERIES, HeldGrain, Product
from metrics.queries import bind, query_sql
from pipeline.stale import Staleness


def build(con: duckdb.DuckDBPyConnection, periods: Sequence[Period], stale: Staleness | None = None) -> None:
    """Keep the rows of every query, for each of `periods` where it reads one; with `stale`, run again only where
    a table it reads changed in the period (or at all, for a query reading none)."""
    stale = stale or Staleness.everything(con)
    windows = list({(period.start, period.end): period for period in periods}.values())
    for name in (*PERIOD_QUERIES, *STATIC_QUERIES):

        def select(window: Period | None, name: str = name) -> tuple[str, dict[str, object]]:
            return _rows_of(con, name, window)

        def changed(window: Period | None, sql: str = query_sql(name)) -> bool:
            return stale.window_stale(sql, None, window)

        _keep_each(con, name, windows if name in PERIOD_QUERIES else [None], select, stale=stale, changed=changed)
    stale.write_manifest()


def keep(
    con: duckdb.DuckDBPyConnection,
    name: str,
    periods: Sequence[Period],
    frame: Callable[[Period], pl.DataFrame],
    stale: Staleness | None = None,
    queries: Sequence[str] = (),
) -> None:
    """Keep `frame(period)` for each period, in place of any kept before under `name`; with `stale`, make again only
    those of the periods in which a table one of `queries` (what `frame` reads) reads changed."""
    stale = stale or Staleness.everything(con)

    def changed(window: Period | None) -> bool:
        return any(stale.window_stale(query_sql(query), None, window) for query in queries) or not queries

    registered: list[Period] = []

    def kept(window: Period | None) -> tuple[str, dict[str, object]]:
        assert window is not None  # a frame is kept for a period
        con.register("_frame_to_keep", frame(window))
        registered.append(window)
        return "select * from _frame_to_keep", {}

    _keep_each(
        con, name, list({(period.start, period.end): period for period in periods}.values()), kept, stale=stale, changed=changed
    )
    if registered:
        con.unregister("_frame_to_keep")
    stale.write_manifest()


def _rows_of(con: duckdb.DuckDBPyConnection, name: str, window: Period | None) -> tuple[str, dict[str, object]]:
    sql = query_sql(name)
    values = {} if window is None else {"start": window.start, "end": window.end, "period_years": window.years}
    return sql, bind(sql, values)


def _keep_each(
    con: duckdb.DuckDBPyConnection,
    name: str,
    windows: Sequence[Period | None],
    select: Callable[[Period | None], tuple[str, dict[str, object]]],
    *,
    stale: Staleness,
    changed: Callable[[Period | None], bool],
) -> None:
    """Store `select(window)`'s rows for each window where it changed or was not held before; drop the rows of
    windows held before and no longer asked for."""
    if stale.full:
        stale.write_manifest()  # the rows listed so far go in before this query's are forgotten, as they did
        _forget(con, name)
    grain = HeldGrain.ALL if windows == [None] else HeldGrain.WINDOW
    for window in windows:
        if stale.full or not stale.held(Product.ROWS, name, grain, window) or changed(window):
            if not stale.full:
                _delete(con, name, window)
            sql, parameters = select(window)
            window_values = {"window_start": window.start if window else None, "window_end": window.end if window else None}
            _store(con, name, sql, {**parameters, **window_values})
        stale.list_held(Product.ROWS, name, grain, window)
    if stale.full:
        return
    asked = {(window.start, window.end) for window in windows if window is not None}
    for start, end in stale.held_windows(Product.ROWS, name, HeldGrain.WINDOW) - asked:
        _delete(con, name, Period(start, end, "window"))
    if not windows:
        con.execute(f"drop table if exists precomputed_rows_{name}")


def _delete(con: duckdb.DuckDBPyConnection, name: str, window: Period | None) -> None:
    if _exists(con, name):
        con.execute(
            f"delete from precomputed_rows_{name} "
            "where window_start is not distinct from $start and window_end is not distinct from $end",
            {"start": window.start if window else None, "end": window.end if window else None},
        )


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.sql(
            "select count(*) from duckdb_tables() where table_name = $table", params={"table": f"precomputed_rows_{name}"}
        ).fetchall()[0][0]
    )


def _forget(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"drop table if exists precomputed_rows_{name}")
    con.execute(
        f"delete from {MANIFEST} where product = $product and query_key = $name", {"product": Product.ROWS.value, "name": name}
    )


def _store(con: duckdb.DuckDBPyConnection, name: str, sql: str, parameters: dict[str, object]) -> None:
    select = f"select $window_start::date as window_start, $window_end::date as window_end, * from ({sql})"
    statement = (
        f"insert into precomputed_rows_{name} {select}"
        if _exists(con, name)
        else f"create table precomputed_rows_{name} as {select}"
    )
    con.execute(statement, parameters)
