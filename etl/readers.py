"""Read an agency file (CSV, XLSX or Parquet) into a DuckDB table of text columns.

Every reader yields the same shape: every column of the file as VARCHAR, named by position
(`c0`, `c1`, ...; the header is kept beside it), and `_line` (the line of the file the row
came from; for XLSX the sheet row, for Parquet the row number). `project_contract` then
maps the header onto the contract's columns. Structural faults (a row with too many
or too few fields, a broken quote) become rejected lines rather than refusing the file,
so that rows loaded + rows rejected always equals the rows in the file.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from pathlib import Path

import duckdb
import polars as pl

from etl.contract import Extract
from etl.csv_reader import read_csv_file, read_text_header
from etl.errors import FileRefused
from etl.excel import formula_cells_without_value, merged_header_cells
from etl.pii.values import safe_label
from etl.tabular import OtherSheet, ReadResult, StructuralReject, normalise_header, positional_names, quote_identifier
from etl.warehouse import one_value

__all__ = [
    "ReadResult",
    "StructuralReject",
    "map_header",
    "normalise_header",
    "project_contract",
    "read_file",
    "read_text_header",
]

TEXT_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES


def map_header(path: Path, header: list[str], model: type[Extract]) -> tuple[dict[int, str], list[str]]:
    """Match header names to contract columns: case-insensitive, trimmed, ONS aliases allowed.

    Returns (position -> contract column) and the names of ignored columns. Refuses the file
    when a required column is missing or a contract column appears twice.
    """
    known = set(model.model_fields)
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    for position, raw_name in enumerate(header):
        name = normalise_header(raw_name)
        target = name if name in known else None
        if target is None:
            target = next(
                (column for pattern, column in model.column_aliases.items() if re.fullmatch(pattern, name)),
                None,
            )
        if target is None:
            ignored.append(str(raw_name))
            continue
        if target in mapping.values():
            raise FileRefused(path, f"column {target} appears more than once in the header", line=1, column=target)
        mapping[position] = target
    missing = [column for column in model.required_columns() if column not in mapping.values()]
    if missing:
        found = ", ".join(normalise_header(safe_label(name))[:60] for name in header) or "nothing"
        raise FileRefused(
            path,
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the header has: {found}",
            line=1,
            column=missing[0],
        )
    return mapping, ignored


def read_file(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    """Read any supported file into `table` (replaced if present), every column as text."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_csv_file(con, path, table)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(con, path, table)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(con, path, table)
    raise FileRefused(path, f"unsupported file type {suffix or '(none)'}; send CSV, XLSX or Parquet")


def project_contract(con: duckdb.DuckDBPyConnection, path: Path, read: ReadResult, model: type[Extract], view: str) -> list[str]:
    """Create `view` with the contract's columns (text) and `_line`; returns ignored header names."""
    mapping, ignored = map_header(path, read.header, model)
    select = _select_contract_columns(mapping, model, read.source_columns)
    con.execute(f"create or replace temp view {view} as select {select}, _line from {read.table}")
    return ignored


def _select_contract_columns(mapping: dict[int, str], model: type[Extract], source_names: list[str]) -> str:
    """SELECT list turning source columns (by position) into the contract's columns."""
    by_target = {target: source_names[position] for position, target in mapping.items()}
    parts = []
    for column in model.model_fields:
        if column in by_target:
            parts.append(f"cast({quote_identifier(by_target[column])} as varchar) as {quote_identifier(column)}")
        else:
            parts.append(f"cast(null as varchar) as {quote_identifier(column)}")
    return ", ".join(parts)


# ---- XLSX -----------------------------------------------------------------------------------


def _read_excel(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    """The first sheet is the data; every other sheet is read too, so the identifier guard sees it.

    Sheets are read without dropping blank rows, so `_line` is the sheet's own row number.
    """
    try:
        import fastexcel

        workbook = fastexcel.read_excel(path)
        sheets = workbook.sheet_names
        frames = [workbook.load_sheet(index, header_row=None, dtypes="string").to_polars() for index in range(len(sheets))]
    except Exception as error:  # the Excel engines raise many kinds; all mean "cannot read"
        raise FileRefused(path, f"the file cannot be read as an Excel workbook ({type(error).__name__})") from error
    first = frames[0] if frames else pl.DataFrame()
    header = [str(value) if value is not None else "" for value in (first.row(0) if first.height else ())]
    if not any(name.strip() for name in header):
        raise FileRefused(path, "the first sheet has no header row", line=1)
    merged = merged_header_cells(path)
    if merged:
        raise FileRefused(
            path,
            f"the header row has merged cells ({', '.join(merged)}); send one header row with one column name in each cell",
            line=1,
        )
    unset = formula_cells_without_value(path)
    structural = [
        StructuralReject(
            row,
            normalise_header(header[column]) if column < len(header) else None,
            None,
            "a formula cell has no saved result; open the workbook in Excel, let it calculate and save it again",
        )
        for row, column in unset
        if row > 1
    ]
    unset_rows = {reject.line for reject in structural}
    data, blank_rows = _sheet_rows(first, len(header), skip_lines=unset_rows)
    con.register("_excel_frame", data)
    con.execute(f"create or replace temp table {table} as select * exclude (_line), _line from _excel_frame")
    con.unregister("_excel_frame")
    notes = [f"only the first sheet was read; ignored sheets: {', '.join(sheets[1:])}"] if len(sheets) > 1 else []
    if blank_rows:
        notes.append(f"{blank_rows} blank row(s) skipped")
    other_sheets = []
    for index, frame in enumerate(frames[1:], start=1):
        if not frame.height:
            continue
        sheet_header = [str(value) if value is not None else "" for value in frame.row(0)]
        sheet_data, _ = _sheet_rows(frame, len(sheet_header))
        sheet_table = f"{table}__sheet{index}"
        con.register("_excel_frame", sheet_data)
        con.execute(f"create or replace temp table {sheet_table} as select * exclude (_line), _line from _excel_frame")
        con.unregister("_excel_frame")
        other_sheets.append(OtherSheet(sheets[index], sheet_table, sheet_header))
    return ReadResult(table, header, data.height, structural, notes, other_sheets=other_sheets)


def _sheet_rows(frame: pl.DataFrame, width: int, *, skip_lines: AbstractSet[int] = frozenset()) -> tuple[pl.DataFrame, int]:
    """The rows under the header as text columns c0.. with their sheet row in `_line`; blank rows dropped."""
    names = positional_names(width)
    body = frame.slice(1).select(frame.columns[:width]) if width else pl.DataFrame()
    body.columns = names
    body = body.with_row_index("_line", offset=2).with_columns(pl.col("_line").cast(pl.Int64))
    blank = pl.all_horizontal([pl.col(name).is_null() | (pl.col(name).str.strip_chars() == "") for name in names])
    blank_rows = body.filter(blank).height
    body = body.filter(~blank & ~pl.col("_line").is_in(sorted(skip_lines)))
    return body.select([*names, "_line"]), blank_rows


# ---- Parquet --------------------------------------------------------------------------------


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    try:
        described = con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as error:
        raise FileRefused(path, "the file cannot be read as Parquet") from error
    header = [row[0] for row in described]
    select = ", ".join(
        f"{_parquet_text(quote_identifier(name), str(kind))} as c{index}" for index, (name, kind, *_) in enumerate(described)
    )
    con.execute(
        f"create or replace temp table {table} as "
        f"select {select}, file_row_number + 1 as _line from read_parquet(?, file_row_number = true)",
        [str(path)],
    )
    rows = one_value(con, f"select count(*) from {table}")
    return ReadResult(table, header, rows, [], [])


def _parquet_text(column: str, kind: str) -> str:
    """A Parquet value as the text a CSV would hold: a float count of 2.0 reads as 2, not 2.0."""
    if kind.upper() in ("FLOAT", "DOUBLE"):
        # NaN is how pandas writes a missing number: it is a blank cell, not a value to reject
        return (
            f"case when isnan({column}) then null when {column} = trunc({column}) and abs({column}) < 1e18 "
            f"then cast(cast({column} as bigint) as varchar) else cast({column} as varchar) end"
        )
    return f"cast({column} as varchar)"
