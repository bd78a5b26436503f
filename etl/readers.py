"""Read an agency file (CSV, XLSX or Parquet) into a DuckDB table of text columns.

Every reader yields the same shape: every column of the file as VARCHAR, named by position
(`c0`, `c1`, ...; the header is kept beside it), and `_line` (the line of the file the row
came from; for XLSX the sheet row, for Parquet the row number). `project_contract` then
maps the header onto the contract's columns. Structural faults (a row with too many
or too few fields, a broken quote) become rejected lines rather than refusing the file,
so that rows loaded + rows rejected always equals the rows in the file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl.contract import Extract
from etl.errors import FileRefused

TEXT_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class StructuralReject:
    line: int
    column: str | None
    value: str | None
    rule: str


@dataclass
class ReadResult:
    """What was read: where rows went, and what the header said."""

    table: str
    header: list[str]
    rows_read: int
    structural_rejects: list[StructuralReject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def source_columns(self) -> list[str]:
        return positional_names(len(self.header))

    @property
    def rows_in_file(self) -> int:
        return self.rows_read + len({reject.line for reject in self.structural_rejects})


def normalise_header(name: object) -> str:
    return re.sub(r"\s+", " ", str(name if name is not None else "")).strip().lower()


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
        found = ", ".join(normalise_header(name) for name in header) or "nothing"
        raise FileRefused(
            path,
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the header has: {found}",
            line=1,
            column=missing[0],
        )
    return mapping, ignored


def positional_names(count: int) -> list[str]:
    return [f"c{index}" for index in range(count)]


def read_file(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    """Read any supported file into `table` (replaced if present), every column as text."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_csv(con, path, table)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(con, path, table)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(con, path, table)
    raise FileRefused(path, f"unsupported file type {suffix or '(none)'}; send CSV, XLSX or Parquet")


def project_contract(
    con: duckdb.DuckDBPyConnection, path: Path, read: ReadResult, model: type[Extract], view: str
) -> list[str]:
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
            parts.append(f'cast({_quote(by_target[column])} as varchar) as {_quote(column)}')
        else:
            parts.append(f"cast(null as varchar) as {_quote(column)}")
    return ", ".join(parts)


def _string(value: object) -> str:
    """A SQL string literal. Table functions such as read_csv take no bound parameters here."""
    return "'" + str(value).replace("'", "''") + "'"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# ---- CSV ------------------------------------------------------------------------------------

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


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
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
            from read_csv({_string(path)}, header = true, delim = {_string(delimiter)}, quote = '"', escape = '"', columns = {columns},
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
    rows_read = con.execute(f"select count(*) from {table}").fetchone()[0]
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


# ---- XLSX -----------------------------------------------------------------------------------

def _read_excel(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    try:
        frame = pl.read_excel(path, sheet_id=1, infer_schema_length=0)
        import fastexcel

        sheets = fastexcel.read_excel(path).sheet_names
    except Exception as error:  # the Excel engines raise many kinds; all mean "cannot read"
        raise FileRefused(path, f"the file cannot be read as an Excel workbook ({type(error).__name__})") from error
    header = list(frame.columns)
    if not header or all(re.fullmatch(r"__UNNAMED__\d+", name) for name in header):
        raise FileRefused(path, "the first sheet has no header row", line=1)
    frame.columns = positional_names(len(header))
    frame = frame.with_row_index("_line", offset=2).with_columns(pl.col("_line").cast(pl.Int64))
    con.register("_excel_frame", frame)
    con.execute(f"create or replace temp table {table} as select * exclude (_line), _line from _excel_frame")
    con.unregister("_excel_frame")
    notes = [f"only the first sheet was read; ignored sheets: {', '.join(sheets[1:])}"] if len(sheets) > 1 else []
    return ReadResult(table, header, frame.height, [], notes)


# ---- Parquet --------------------------------------------------------------------------------

def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    try:
        header = [row[0] for row in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()]
    except duckdb.Error as error:
        raise FileRefused(path, "the file cannot be read as Parquet") from error
    select = ", ".join(f"cast({_quote(name)} as varchar) as c{index}" for index, name in enumerate(header))
    con.execute(
        f"create or replace temp table {table} as "
        f"select {select}, file_row_number + 1 as _line from read_parquet(?, file_row_number = true)",
        [str(path)],
    )
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    return ReadResult(table, header, rows, [], [])


def read_text_header(path: Path) -> list[str]:
    """The header of a CSV file as written (used by the PII guard before anything else)."""
    _, header, _ = _sniff_csv(path)
    return header



