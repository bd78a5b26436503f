"""The rows of the Services page's queries, kept with each refresh so the page reads a few hundred rows.

Referral outcomes and IDVA capacity each read a year of referrals and MARAC cases; the register and the
wards each service serves read no period but join lists. `build` runs each of PERIOD_QUERIES for every
period given, and each of STATIC_QUERIES once, and keeps the rows in `precomputed_rows_<query>`, each with
the period it is for; `keep` does the same for frames made from queries (the coverage matrix's counts).
`read` (and `kept`) return the rows kept for the period as the query returns them, in the order it gives
them; `read` runs the query itself when none are kept: for any other period, and for one the query returned
nothing for (so an empty result needs no marker of its own).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from metrics.periods import Period

# query -> the columns it orders its rows by (None: it leaves them in no order)
PERIOD_QUERIES: dict[str, str | None] = {
    "services_referral_outcomes": "service_id, person_role",
    "idva_capacity": "ward_code",
}
STATIC_QUERIES: dict[str, str | None] = {
    "services_served_wards": "service_id, ward_code",
    "service_register": "service_id",
    "ward_centroids": "ward_code",
}


def build(con: duckdb.DuckDBPyConnection, periods: Sequence[Period]) -> None:
    """Keep the rows of every query, for each of `periods` where it reads one."""
    windows = list({(period.start, period.end): period for period in periods}.values())
    for name in (*PERIOD_QUERIES, *STATIC_QUERIES):
        con.execute(f"drop table if exists precomputed_rows_{name}")
        for window in windows if name in PERIOD_QUERIES else [None]:
            _keep(con, name, window)


def read(con: duckdb.DuckDBPyConnection, name: str, period: Period | None = None) -> pl.DataFrame:
    """The query's rows (for `period`, where it reads one): kept by the refresh, or run here."""
    from metrics.aggregate import bind, query_sql

    held = _held(con, name, period)
    if held is not None:
        return held
    sql = query_sql(name)
    values = {} if period is None else {"start": period.start, "end": period.end, "period_years": period.years}
    return con.sql(sql, params=bind(sql, values)).pl()


def keep(con: duckdb.DuckDBPyConnection, name: str, frames: dict[Period, pl.DataFrame]) -> None:
    """Keep a frame for each period, in place of any kept before under `name`."""
    con.execute(f"drop table if exists precomputed_rows_{name}")
    for period, frame in frames.items():
        con.register("_frame_to_keep", frame)
        _store(con, name, "select * from _frame_to_keep", {"window_start": period.start, "window_end": period.end})
        con.unregister("_frame_to_keep")


def kept(con: duckdb.DuckDBPyConnection, name: str, period: Period) -> pl.DataFrame | None:
    """The frame kept for the period, or None."""
    return _rows(con, name, period, order=None)


def _keep(con: duckdb.DuckDBPyConnection, name: str, window: Period | None) -> None:
    from metrics.aggregate import bind, query_sql

    sql = query_sql(name)
    values = {} if window is None else {"start": window.start, "end": window.end, "period_years": window.years}
    window_values = {"window_start": window.start if window else None, "window_end": window.end if window else None}
    _store(con, name, sql, {**bind(sql, values), **window_values})


def _store(con: duckdb.DuckDBPyConnection, name: str, sql: str, parameters: dict[str, object]) -> None:
    select = f"select $window_start::date as window_start, $window_end::date as window_end, * from ({sql})"
    exists = con.sql("select count(*) from duckdb_tables() where table_name = $table",
                     params={"table": f"precomputed_rows_{name}"}).fetchall()[0][0]
    statement = f"insert into precomputed_rows_{name} {select}" if exists else f"create table precomputed_rows_{name} as {select}"
    con.execute(statement, parameters)


def _held(con: duckdb.DuckDBPyConnection, name: str, period: Period | None) -> pl.DataFrame | None:
    if name not in (PERIOD_QUERIES if period is not None else STATIC_QUERIES):
        return None
    return _rows(con, name, period, (PERIOD_QUERIES | STATIC_QUERIES)[name])


def _rows(con: duckdb.DuckDBPyConnection, name: str, period: Period | None, order: str | None) -> pl.DataFrame | None:
    try:
        rows = con.sql(f"select * exclude (window_start, window_end) from precomputed_rows_{name} "
                       "where window_start is not distinct from $start and window_end is not distinct from $end"
                       + (f" order by {order}" if order else ""),
                       params={"start": period.start if period else None, "end": period.end if period else None}).pl()
    except duckdb.CatalogException:  # a warehouse built before these were kept
        return None
    return rows if rows.height else None
