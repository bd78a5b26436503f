"""CSV files: UTF-8 with or without BOM, comma or semicolon; structural faults become rejected lines."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl

from etl.csv_text import count_lines, record_layout, sniff_csv
from etl.errors import FileRefused
from etl.tabular import ReadResult, StructuralReject, normalise_header, positional_names, sql_string


def read_csv_file(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    delimiter, header = sniff_csv(path)
    positional = positional_names(len(header))
    columns = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in positional) + "}"
    rejects_table, scans_table = f"{table}__rejects", f"{table}__scans"
    con.execute(f"drop table if exists {rejects_table}; drop table if exists {scans_table}")
    # The lines are counted (and the text checked to be UTF-8) in a thread of its own while DuckDB reads the file,
    # which leaves a core partly idle; a file that is not UTF-8 is refused for that, as if counted first.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="count-lines") as pool:
        counting = pool.submit(count_lines, path)
        try:
            _read_text_columns(con, path, table, delimiter, columns, rejects_table, scans_table)
        except FileRefused:
            counting.result()
            raise
        physical_lines = counting.result()
    structural: dict[tuple, StructuralReject] = {}
    for line, column, original, error_type, message in con.execute(
        f"select line, column_name, csv_line, error_type, error_message from {rejects_table} order by line"
    ).fetchall():
        reject = StructuralReject(
            int(line), _column_name(column, header, positional), original, _explain_reject(error_type, message)
        )
        # DuckDB can report one fault more than once (a row with two fields too many, say)
        structural.setdefault((reject.line, reject.column, reject.rule), reject)
    (rows_read,) = con.execute(f"select count(*) from {table}").fetchall()[0]  # fetchall: a half-read result blocks register()
    return _assign_csv_lines(
        con, path, ReadResult(table, header, rows_read, list(structural.values())), delimiter, physical_lines
    )


def _read_text_columns(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, delimiter: str, columns: str, rejects_table: str, scans_table: str
) -> None:
    """Read every column of the CSV file as text into `table`; structural faults go to `rejects_table`."""
    try:
        con.execute(
            f"""
            create or replace temp table {table} as
            select *, cast(null as bigint) as _line
            from read_csv({sql_string(path)}, header = true, delim = {sql_string(delimiter)}, quote = '"', escape = '"', columns = {columns},
                          auto_detect = false, store_rejects = true, rejects_table = '{rejects_table}',
                          rejects_scan = '{scans_table}', encoding = 'utf-8', max_line_size = 10000000)
            """
        )
    except duckdb.Error as error:
        stray = lone_carriage_return_line(path)
        if stray is not None:
            raise FileRefused(
                path,
                "a carriage return (CR) sits inside a value that is not quoted, so the line cannot "
                "be split into fields; remove it, or put the value in double quotes",
                line=stray,
            ) from error
        raise FileRefused(path, _explain_duckdb_csv_error(str(error)), line=_line_from_error(str(error))) from error


def _assign_csv_lines(con, path: Path, read: ReadResult, delimiter: str, physical_lines: int) -> ReadResult:
    """Set `_line` for each record. Tables keep file order, so rowid (counted from the
    table's first rowid) is the record's position.

    When every record sits on one physical line the line is found by arithmetic. Otherwise
    a second pass with Python's csv module finds where each record starts and ends, so that
    blank lines, line breaks inside quoted values and a quote that swallows the lines after
    it are each reported rather than silently changing the count.
    """
    rejected_lines = {reject.line for reject in read.structural_rejects}
    if physical_lines - 1 == read.rows_read + len(rejected_lines):
        if not rejected_lines:
            con.execute(f"update {read.table} set _line = rowid - (select min(rowid) from {read.table}) + 2")
            return read
        good_lines = [line for line in range(2, physical_lines + 1) if line not in rejected_lines]
        _set_lines(con, read.table, good_lines[: read.rows_read])
        return read
    layout = record_layout(path, delimiter, physical_lines)
    starts = [start for start, _ in layout.spans if start not in rejected_lines]
    _set_lines(con, read.table, starts[: read.rows_read])
    read.record_spans = layout.multi_line()
    if layout.blank_lines:
        read.notes.append(f"{layout.blank_lines} blank line(s) skipped")
    if read.record_spans:
        read.notes.append(f"{len(read.record_spans)} record(s) span several lines (line breaks inside quoted values)")
    for reject in read.structural_rejects:
        if reject.line in read.record_spans:
            reject.rule += f"; {swallowed_lines(reject.line, read.record_spans[reject.line])}"
    return read


def swallowed_lines(start: int, end: int) -> str:
    return f"a quoted value runs from line {start} to line {end}, so those lines were read as one record"


def _set_lines(con, table: str, lines: list[int]) -> None:
    frame = pl.DataFrame(
        {"_position": range(len(lines)), "_line_value": lines}, schema={"_position": pl.Int64, "_line_value": pl.Int64}
    )
    con.register("_line_map", frame)
    con.execute(
        f"update {table} set _line = m._line_value from _line_map m "
        f"where {table}.rowid - (select min(rowid) from {table}) = m._position"
    )
    con.unregister("_line_map")


def _column_name(column: str | None, header: list[str], positional: list[str]) -> str | None:
    if column in positional:
        return normalise_header(header[positional.index(column)])
    return column


def _explain_reject(error_type: str, message: str) -> str:
    explanations = {
        "MISSING COLUMNS": "the row has fewer fields than the header",
        "TOO MANY COLUMNS": "the row has more fields than the header",
        "UNQUOTED VALUE": "a quote is out of place",
        "LINE SIZE OVER MAXIMUM": "the row is longer than 10 MB",
        "INVALID ENCODING": "the row is not valid UTF-8 text",
        "INVALID UNICODE": "the row is not valid UTF-8 text",
    }
    return explanations.get(str(error_type).upper(), f"{str(error_type).lower()}: {message}")


def _line_from_error(message: str) -> int | None:
    match = re.search(r"[Ll]ine:? (\d+)", message)
    return int(match.group(1)) if match else None


def lone_carriage_return_line(path: Path) -> int | None:
    """The first line holding a carriage return that neither ends the line nor sits inside quotes."""
    inside_quotes = False
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            body = line.rstrip(b"\n").removesuffix(b"\r")
            if b"\r" in body:
                for byte in body:
                    if byte == 0x22:
                        inside_quotes = not inside_quotes
                    elif byte == 0x0D and not inside_quotes:
                        return number
            else:
                inside_quotes ^= body.count(b'"') % 2 == 1
    return None


def _explain_duckdb_csv_error(message: str) -> str:
    # Only DuckDB's first line says what went wrong; the rest lists its settings (quote = ", ...).
    lowered = message.strip().splitlines()[0].lower() if message.strip() else ""
    if "unicode" in lowered or "utf-8" in lowered or "encoding" in lowered:
        return "the file is not UTF-8 encoded; save it as CSV UTF-8"
    if "unterminated quote" in lowered or "quote" in lowered:
        return "a quoted value is never closed, so the rest of the file cannot be read"
    first = message.strip().splitlines()[0] if message.strip() else "unreadable CSV"
    return f"the file cannot be read as CSV ({first})"


def read_text_header(path: Path) -> list[str]:
    """The header of a CSV file as written (used by the PII guard before anything else)."""
    _, header = sniff_csv(path)
    return header
