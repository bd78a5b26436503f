"""The scan of a staged table: both checks, the headers and then every value, with findings that
never repeat the offending value (the point of the guard is that the value goes no further); they
record the kind of identifier and where it was found.

Values are read in one set-based SQL pass that picks out the few values that could hold an
identifier; only those are classified in Python (etl/pii/values.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb

from etl.pii.headers import header_identifier
from etl.pii.values import ISO_MOMENT, STREET_TYPES, VALUE_KINDS, identifier_kinds, safe_label
from etl.tabular import quote_identifier

LINE_COLUMN = "_line"
HEADER_FINDING = "identifier_column"

# The SQL pass: a value goes on to the Python checks when it could hold any identifier. Each
# alternative is looser than the check it stands for, so nothing the checks would flag is passed
# over: any non-ASCII character (normalising may change it), an @, eight digits with short gaps
# once ISO dates are set aside, a postcode's or NI number's shape, a birth word, a street word.
SUSPECT_PATTERNS = {
    "non_ascii": r"[^\x01-\x7f]",
    "at_sign": r"@",
    "digits": r"[0-9](?:[^0-9A-Za-z]{0,3}[0-9]){7,}",
    "postcode_shape": r"(?i)[a-z][a-z]?[0-9][0-9a-z]?[^0-9a-z]{0,3}[0-9][a-z]{2}",
    "ni_shape": r"(?i)[a-z]{2}[^0-9a-z]{0,2}[0-9]{2}[^0-9a-z]{0,2}[0-9]{2}[^0-9a-z]{0,2}[0-9]{2}[^0-9a-z]{0,2}[a-d]",
    "birth_word": r"(?i)(?:dob|d\.o\.b|birth|born|b\.|geb|née|nee|ur\.)",
    "street_word": rf"(?i)(?:[0-9] .*\b(?:{STREET_TYPES})\b|strasse|str\.|weg|platz|gasse|allee|rue|chemin|calle|via|rua|ul\.|ulica)",
}
ANY_SUSPECT = "|".join(
    "(?i:" + pattern.removeprefix("(?i)") + ")" if pattern.startswith("(?i)") else "(?:" + pattern + ")"
    for pattern in SUSPECT_PATTERNS.values()
)
_SQL_PARAMETERS = {"any_suspect": ANY_SUSPECT, "iso_moment": ISO_MOMENT}


# Values the loose patterns pass on but the Python checks clear (a ward or LSOA code, whose digits and
# letters look like a phone number's or a postcode's) recur in every file of a drop; each is judged once per
# process. Only cleared values are remembered, never one that holds an identifier, and at most this many.
CLEARED_LIMIT = 100_000
_cleared: set[str] = set()


def _kinds_of(text: str) -> list[str]:
    """identifier_kinds, with the values found to hold none remembered."""
    if text in _cleared:
        return []
    kinds = identifier_kinds(text)
    if not kinds:
        if len(_cleared) >= CLEARED_LIMIT:
            _cleared.clear()
        _cleared.add(text)
    return kinds


class PiiScanError(ValueError):
    """The table cannot be scanned as asked (a column or the line-number column is missing)."""


@dataclass(frozen=True)
class PiiFinding:
    """A direct identifier found by header name or by value; the message never repeats a value."""

    column: str
    kind: str
    first_line: int | None
    count: int | None
    message: str


def find_identifier_columns(column_names: Iterable[str], *, allowed_columns: Iterable[str] = ()) -> list[PiiFinding]:
    """Headers whose words say they hold a direct identifier. Declared contract columns are allowed."""
    allowed = list(allowed_columns)
    findings = []
    for column in column_names:
        what = header_identifier(column, allowed)
        if what:
            # a header flagged for its words ("Mobile Number") is a column name, only withheld if it holds a value
            message = f"column {safe_label(column, shapes=False)}: the name says it holds {what}, which the contract forbids"
            findings.append(PiiFinding(column, HEADER_FINDING, None, None, message))
    return findings


def scan_values(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    *,
    skip_columns: Iterable[str] = (),
) -> list[PiiFinding]:
    """Per column and kind, the first line and number of values holding a direct identifier."""
    skipped = set(skip_columns)
    scanned = [column for column in columns if column not in skipped and column != LINE_COLUMN]
    _require_columns(con, table, [*scanned, LINE_COLUMN])
    if not scanned:
        return []
    repeating = _repeating_columns(con, table, scanned)
    parts = [
        _cells_sql(index, quote_identifier(column), quote_identifier(table), group_first=column in repeating)
        for index, column in enumerate(scanned)
    ]
    # The loose patterns are written once, over the cells of every column: DuckDB compiles a regular
    # expression each time one is written, and planning the scan of a wide file spent more in compiling
    # them than in matching. The filter still runs in each column's own branch, after its grouping.
    sql = (
        f"select _column, _text, min(_first_line) as _first_line, cast(sum(_count) as bigint) as _count "
        f"from ({' union all '.join(parts)}) where _text is not null and ({_suspect_sql()}) group by _column, _text"
    )
    suspects = con.execute(sql, _SQL_PARAMETERS).fetchall()
    tally: dict[tuple[int, str], list[int]] = {}
    for column_index, text, first_line, count in suspects:
        for kind in _kinds_of(text):
            entry = tally.setdefault((column_index, kind), [first_line, 0])
            entry[0] = min(entry[0], first_line)
            entry[1] += count
    findings = []
    for column_index, column in enumerate(scanned):
        for kind in VALUE_KINDS:
            if (column_index, kind) not in tally:
                continue
            first_line, count = tally[(column_index, kind)]
            plural = "value" if count == 1 else "values"
            message = f"column {column}, line {first_line}: looks like {VALUE_KINDS[kind]} ({count} {plural})"
            findings.append(PiiFinding(column, kind, int(first_line), int(count), message))
    return findings


# How a column is scanned changes what it costs, never what is found. A column whose values repeat
# (a code, a flag, a category) is grouped first, so each distinct value meets the patterns once; a
# column of mostly distinct values (an id, a time stamp) is filtered first, since grouping every row
# costs more than the patterns. Which is which is judged from the first rows.
SAMPLE_ROWS = 2048
REPEATING_SHARE = 0.25  # distinct values per sampled row below which a column is grouped first


def _repeating_columns(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]) -> set[str]:
    counts = ", ".join(f"approx_count_distinct(cast({quote_identifier(column)} as varchar))" for column in columns)
    row = con.execute(f"select count(*), {counts} from (select * from {quote_identifier(table)} limit {SAMPLE_ROWS})").fetchone()
    assert row is not None
    rows, *distinct = row
    return {column for column, count in zip(columns, distinct, strict=True) if count < max(rows, 1) * REPEATING_SHARE}


def _cells_sql(index: int, column: str, table: str, *, group_first: bool) -> str:
    """(column index, text, first line, rows) of one column: each distinct value once when grouped first,
    else each cell with its own line, grouped after the patterns have set most of them aside."""
    text = f"cast({column} as varchar) as _text"
    line = quote_identifier(LINE_COLUMN)
    if group_first:
        return f"select {index} as _column, {text}, min({line}) as _first_line, count(*) as _count from {table} group by 2"
    return f"select {index} as _column, {text}, {line} as _first_line, 1 as _count from {table}"


def _suspect_sql() -> str:
    """A value is a suspect when any loose pattern matches it once ISO dates are set aside: one
    regular expression of alternatives, so each value is read once."""
    # Only a value with a hyphen can hold an ISO date, so only such a value is rewritten first; a value
    # that is one ISO date or time stamp and nothing else (most of a time stamp column) would be
    # rewritten to a single space, which no pattern matches, so it is passed over without the rewrite.
    return (
        "not (contains(_text, '-') and regexp_full_match(_text, $iso_moment)) "
        "and regexp_matches(case when contains(_text, '-') then regexp_replace(_text, $iso_moment, ' ', 'g') "
        "else _text end, $any_suspect)"
    )


def find_direct_identifiers(
    con: duckdb.DuckDBPyConnection, table: str, *, allowed_columns: Iterable[str] = ()
) -> list[PiiFinding]:
    """Both checks over every column of a staged table: headers first, then values."""
    columns = [column for column in _table_columns(con, table) if column != LINE_COLUMN]
    return find_identifier_columns(columns, allowed_columns=allowed_columns) + scan_values(con, table, columns)


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    try:
        description = con.execute(f"SELECT * FROM {quote_identifier(table)} LIMIT 0").description
    except duckdb.CatalogException as error:
        raise PiiScanError(f"table {table} does not exist") from error
    return [column[0] for column in description]


def _require_columns(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> None:
    present = set(_table_columns(con, table))
    missing = [column for column in columns if column not in present]
    if missing:
        raise PiiScanError(f"table {table} has no column {', '.join(missing)}")
