"""CSV files: UTF-8 with or without BOM, comma or semicolon; structural faults become rejected lines."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import polars as pl

from etl.errors import FileRefused
from etl.tabular import ReadResult, StructuralReject, normalise_header, positional_names, sql_string

UTF8_BOM = b"\xef\xbb\xbf"


def _sniff_csv(path: Path) -> tuple[str, list[str], int]:
    """Check the file is UTF-8 text and find its delimiter and header. Returns (delimiter, header, bom bytes)."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise FileRefused(path, "the file is empty: expected a header row and data rows")
    if b"\x00" in head:
        raise FileRefused(path, "this is not a text file (it contains binary data); send CSV, XLSX or Parquet")
    bom = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    first_line = head[bom:].split(b"\n", 1)[0].rstrip(b"\r")
    try:
        header_text = first_line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRefused(path, "the file is not UTF-8 encoded; save it as CSV UTF-8", line=1) from error
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    header = next(csv.reader([header_text], delimiter=delimiter))
    return delimiter, header, bom


def read_csv_file(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    delimiter, header, _ = _sniff_csv(path)
    positional = positional_names(len(header))
    columns = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in positional) + "}"
    rejects_table, scans_table = f"{table}__rejects", f"{table}__scans"
    con.execute(f"drop table if exists {rejects_table}; drop table if exists {scans_table}")
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
        raise FileRefused(path, _explain_duckdb_csv_error(str(error)), line=_line_from_error(str(error))) from error
    structural = [
        StructuralReject(int(line), _column_name(column, header, positional), original, _explain_reject(error_type, message))
        for line, column, original, error_type, message in con.execute(
            f"select line, column_name, csv_line, error_type, error_message from {rejects_table} order by line"
        ).fetchall()
    ]
    (rows_read,) = con.execute(f"select count(*) from {table}").fetchall()[0]  # fetchall: a half-read result blocks register()
    notes = _assign_csv_lines(con, path, table, rows_read, structural, delimiter)
    return ReadResult(table, header, rows_read, structural, notes)


def _assign_csv_lines(con, path: Path, table: str, rows_read: int, structural: list[StructuralReject], delimiter: str) -> list[str]:
    """Set `_line` for each record. Tables keep file order, so rowid (counted from the
    table's first rowid) is the record's position.

    When every record sits on one physical line the line is found by arithmetic; when
    quoted values span lines, a second pass with Python's csv module finds where each
    record starts.
    """
    rejected_lines = sorted({reject.line for reject in structural})
    with path.open("rb") as handle:
        physical_lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        handle.seek(-1, 2)
        if handle.read(1) != b"\n":
            physical_lines += 1
    blank_tolerance = physical_lines - 1 - rows_read - len(rejected_lines)
    if blank_tolerance == 0:
        if not rejected_lines:
            con.execute(f"update {table} set _line = rowid - (select min(rowid) from {table}) + 2")
        else:
            good_lines = [line for line in range(2, physical_lines + 1) if line not in set(rejected_lines)]
            _set_lines(con, table, good_lines[:rows_read])
        return []
    starts = _record_start_lines(path, delimiter, set(rejected_lines))
    _set_lines(con, table, starts[:rows_read])
    multi_line = max(0, physical_lines - 1 - len(starts) - len(rejected_lines))
    if multi_line > 0:
        return [f"{multi_line} line break(s) inside quoted values: some records span several lines"]
    return []


def _record_start_lines(path: Path, delimiter: str, rejected_lines: set[int]) -> list[int]:
    starts: list[int] = []
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        previous_end = reader.line_num
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record or start in rejected_lines:
                continue
            starts.append(start)
    return starts


def _set_lines(con, table: str, lines: list[int]) -> None:
    frame = pl.DataFrame({"_position": range(len(lines)), "_line_value": lines}, schema={"_position": pl.Int64, "_line_value": pl.Int64})
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


def _explain_duckdb_csv_error(message: str) -> str:
    lowered = message.lower()
    if "unicode" in lowered or "utf-8" in lowered or "encoding" in lowered:
        return "the file is not UTF-8 encoded; save it as CSV UTF-8"
    if "unterminated quote" in lowered or "quote" in lowered:
        return "a quoted value is never closed, so the rest of the file cannot be read"
    first = message.strip().splitlines()[0] if message.strip() else "unreadable CSV"
    return f"the file cannot be read as CSV ({first})"


def read_text_header(path: Path) -> list[str]:
    """The header of a CSV file as written (used by the PII guard before anything else)."""
    _, header, _ = _sniff_csv(path)
    return header
