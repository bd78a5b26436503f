"""Rejected rows kept with their reasons: malformed lines (never their text), failed checks, records that
swallowed lines through a stray quote; a rejected value that could identify someone is withheld."""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from etl.csv_reader import swallowed_lines
from etl.pii.values import withheld_reason
from etl.tabular import ReadResult
from etl.warehouse import one_value


def keep_rejects(
    con: duckdb.DuckDBPyConnection, read: ReadResult, extract: str, file_name: str, run_id: str, record_id: str
) -> int:
    now = datetime.now()
    if read.structural_rejects:
        # A malformed line's text is never kept: it may hold anything, and its line number finds it.
        structural = pl.DataFrame(
            {
                "line": [reject.line for reject in read.structural_rejects],
                "column_name": [reject.column for reject in read.structural_rejects],
                "rule": [reject.rule for reject in read.structural_rejects],
            },
            schema={"line": pl.Int64, "column_name": pl.String, "rule": pl.String},
        ).with_row_index("_order")
        _insert_frame(
            con,
            structural,
            "select ?, ?, ?, line, null, column_name, null, rule, ? from _frame order by _order",
            [run_id, extract, file_name, now],
        )
    con.execute(
        f"""
        insert into rejects
        select ?, ?, ?, c._line, {record_id}, p.problem.column, left(p.problem.value, 500), p.problem.rule, ?
        from _checked_file c, (select unnest(c._problems) as problem) p
        where len(c._problems) > 0
        """,
        [run_id, extract, file_name, now],
    )
    structural_lines = {reject.line for reject in read.structural_rejects}
    spans = [(start, end) for start, end in read.record_spans.items() if start not in structural_lines]
    if spans:
        # A rejected record spanning lines most likely swallowed them through a stray quote: say so.
        frame = pl.DataFrame(
            {"start": [start for start, _ in spans], "rule": [swallowed_lines(start, end) for start, end in spans]},
            schema={"start": pl.Int64, "rule": pl.String},
        )
        _insert_frame(
            con,
            frame,
            "select ?, ?, ?, f.start, null, null, null, f.rule, ? from _frame f "
            "where exists (select 1 from _checked_file c where c._line = f.start and len(c._problems) > 0) order by f.start",
            [run_id, extract, file_name, now],
        )
    _withhold_identifying_values(con, run_id, file_name)
    invalid = one_value(con, "select count(*) from _checked_file where len(_problems) > 0")
    return invalid + len(structural_lines)


def _insert_frame(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, select: str, parameters: list[object]) -> None:
    """Insert into `rejects` the rows `select` makes of `frame` (read as `_frame`), in one statement."""
    con.register("_frame", frame)
    try:
        con.execute(f"insert into rejects {select}", parameters)
    finally:
        con.unregister("_frame")


def _withhold_identifying_values(con: duckdb.DuckDBPyConnection, run_id: str, file_name: str) -> None:
    """A rejected cell or record id that could identify someone is replaced by what it looked like."""
    for column in ("value", "record_id"):
        values = con.execute(
            f"select distinct {column} from rejects where run_id = ? and file_name = ? and {column} is not null",
            [run_id, file_name],
        ).fetchall()
        # Each distinct value is judged once in Python; the rows holding the withheld ones change in one statement.
        withheld = [(value, reason) for (value,) in values if (reason := withheld_reason(value))]
        if not withheld:
            continue
        frame = pl.DataFrame(
            {"_value": [value for value, _ in withheld], "_reason": [reason for _, reason in withheld]},
            schema={"_value": pl.String, "_reason": pl.String},
        )
        con.register("_withheld", frame)
        try:
            con.execute(
                f"update rejects set {column} = w._reason from _withheld w "
                f"where rejects.run_id = ? and rejects.file_name = ? and rejects.{column} = w._value",
                [run_id, file_name],
            )
        finally:
            con.unregister("_withheld")
