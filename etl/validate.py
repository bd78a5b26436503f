"""Set-based validation generated from the contract models.

For each column the model declares, `column_sql` renders two SQL expressions from the
column's kind and constraints: the typed value, and the problem (NULL when the cell is
fine). Cross-column rules render their own SQL. The whole file is checked in one DuckDB
statement; no pydantic call runs per row. `tests/etl/test_validate_equivalence.py` holds
this module and the pydantic models to the same verdict on generated rows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from etl.contract import ColumnSpec, Extract
from etl.contract.columns import (
    DATE_PATTERN,
    INTEGER_PATTERN,
    NUMBER_PATTERN,
    TIMESTAMP_PATTERN,
    WARD_CODE_PATTERN,
    KindName,
)
from etl.contract.values import FALSE_WORDS, TRUE_WORDS


@dataclass(frozen=True)
class ColumnSql:
    typed: str
    problem: str


# The characters Python's str.strip() removes (str.isspace); DuckDB's trim() alone removes
# only spaces, so a cell padded with a tab or Excel's non-breaking space would fail here but
# pass the pydantic model.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _trim(expression: str) -> str:
    # trim() with a character set is slow per value, so it runs only where an end is whitespace.
    spaces = _literal(WHITESPACE)
    # Every whitespace character is below `!` or outside ASCII, so a first character that is neither is
    # found by comparing bytes (cheaper than cutting it out); trim() itself decides the rest.
    padded = f"{expression} < '!' or {expression} >= '\u0080' or contains({spaces}, right({expression}, 1))"
    return f"(case when {padded} then trim({expression}, {spaces}) else {expression} end)"


def _lower(expression: str) -> str:
    # Python lower-cases the dotted capital I to "i" plus a combining dot (Unicode's full
    # mapping); DuckDB gives a bare "i", which would let "İDVA" pass as `idva` here only.
    return f"lower(replace({expression}, '\u0130', 'i\u0307'))"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in_list(values: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(_literal(value) for value in values) + ")"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


LOWERED_KINDS = frozenset({KindName.enum, KindName.demographic, KindName.boolean, KindName.enum_list})


def blank_sql(source: str) -> str:
    """The trimmed text of a cell, NULL when blank."""
    return f"nullif({_trim(source)}, '')"


def column_sql(spec: ColumnSpec, blank: str, lowered: str | None = None) -> ColumnSql:
    """The typed value and the problem for one column, from its cleaned text: `blank` is the
    trimmed text or NULL (`blank_sql`), `lowered` its lower-case form for the LOWERED_KINDS."""
    kind = spec.kind
    name = kind.name
    lowered = lowered if lowered is not None else _lower(blank)
    checks: list[tuple[str, str]] = []  # (condition on non-blank cell, message), first match wins
    if name is KindName.id or name is KindName.text:
        typed = blank
        if kind.pattern:
            checks.append(
                (
                    f"not regexp_full_match({blank}, {_literal(kind.pattern)})",
                    "expected an id of letters, digits and _.:/- (at most 64)",
                )
            )
        if kind.max_length is not None:
            checks.append((f"length({blank}) > {kind.max_length}", f"expected at most {kind.max_length} characters"))
    elif name is KindName.code:
        typed = f"upper({blank})"
        checks.append(
            (f"not regexp_full_match(upper({blank}), {_literal(kind.pattern or '')})", f"expected a code like {kind.description}")
        )
    elif name in (KindName.enum, KindName.demographic):
        typed = lowered
        if name is KindName.demographic:
            typed = f"coalesce({typed}, 'unknown')"
        checks.append((f"{lowered} not in {_in_list(spec.enum_values)}", "expected one of " + ", ".join(spec.enum_values)))
    elif name is KindName.boolean:
        typed = (
            f"case when {lowered} in {_in_list(TRUE_WORDS)} then true when {lowered} in {_in_list(FALSE_WORDS)} then false end"
        )
        checks.append((f"{lowered} not in {_in_list(TRUE_WORDS + FALSE_WORDS)}", "expected true/false, yes/no, 1/0 or y/n"))
    elif name is KindName.integer:
        typed = f"case when regexp_full_match({blank}, {_literal(INTEGER_PATTERN)}) then cast({blank} as bigint) end"
        checks.append((f"not regexp_full_match({blank}, {_literal(INTEGER_PATTERN)})", "expected a whole number"))
    elif name is KindName.number:
        typed = f"case when regexp_full_match({blank}, {_literal(NUMBER_PATTERN)}) then cast({blank} as double) end"
        checks.append((f"not regexp_full_match({blank}, {_literal(NUMBER_PATTERN)})", "expected a number"))
    elif name is KindName.date:
        typed = (
            f"case when regexp_full_match({blank}, {_literal(DATE_PATTERN)}) then try_cast(substr({blank}, 1, 10) as date) end"
        )
        checks.append((f"not regexp_full_match({blank}, {_literal(DATE_PATTERN)})", "expected a date as YYYY-MM-DD"))
        checks.append((f"{typed} is null", "expected a real calendar date as YYYY-MM-DD"))
    elif name is KindName.timestamp:
        typed = f"case when regexp_full_match({blank}, {_literal(TIMESTAMP_PATTERN)}) then try_cast(replace({blank}, 'T', ' ') as timestamp) end"
        checks.append(
            (
                f"not regexp_full_match({blank}, {_literal(TIMESTAMP_PATTERN)})",
                "expected a date and time as YYYY-MM-DDTHH:MM[:SS]",
            )
        )
        checks.append((f"{typed} is null", "expected a real calendar date and time"))
    elif name is KindName.enum_list:
        items = (
            f"list_filter(list_transform(string_split({lowered}, ';'), lambda item: {_trim('item')}), lambda item: item <> '')"
        )
        typed = f"case when {blank} is not null then {items} end"
        checks.append((f"len({items}) = 0", "expected a semicolon-separated list with at least one item"))
        checks.append(
            (
                f"not list_bool_and(list_transform({items}, lambda item: item in {_in_list(spec.enum_values)}))",
                "expected a semicolon list of " + ", ".join(spec.enum_values),
            )
        )
    elif name is KindName.ward_list:
        items = f"list_filter(list_transform(string_split(upper({blank}), ';'), lambda item: {_trim('item')}), lambda item: item <> '')"
        typed = f"case when {items} = ['ALL'] then ['all'] when {blank} is not null then {items} end"
        checks.append((f"len({items}) = 0", "expected a semicolon-separated list with at least one item"))
        checks.append(
            (
                f"{items} <> ['ALL'] and not list_bool_and(list_transform({items}, lambda item: regexp_full_match(item, {_literal(WARD_CODE_PATTERN)})))",
                "expected `all` or a semicolon list of ward codes like E05000001",
            )
        )
    else:  # pragma: no cover - every kind is handled above
        raise ValueError(f"no SQL for column kind {name}")
    if isinstance(spec.default, str):  # a missing optional value takes its default, e.g. ethnicity `all`
        typed = f"coalesce({typed}, {_literal(spec.default)})"

    branches = []
    if spec.required and name is not KindName.demographic:
        branches.append(f"when {blank} is null then 'a value is required'")
    for condition, message in checks:
        branches.append(f"when {blank} is not null and ({condition}) then {_literal(message)}")
    if spec.ge is not None:
        branches.append(f"when {typed} < {spec.ge!r} then {_literal(f'must be at least {_number(spec.ge)}')}")
    if spec.le is not None:
        branches.append(f"when {typed} > {spec.le!r} then {_literal(f'must be at most {_number(spec.le)}')}")
    if name in (KindName.date, KindName.timestamp):
        day = f"cast({typed} as date)"
        branches.append(f"when {day} < $earliest then 'is before ' || strftime($earliest, '%Y-%m-%d')")
        if kind.not_future:
            later = f"{typed} > $as_of" if name is KindName.timestamp else f"{typed} > cast($as_of as date)"
            branches.append(f"when {later} then 'is in the future'")
    problem = "case " + " ".join(branches) + " end" if branches else "cast(null as varchar)"
    return ColumnSql(typed=typed, problem=problem)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def checked_select(model: type[Extract], source_view: str, keep_raw: Collection[str] | None = None) -> str:
    """One SELECT over `source_view` giving typed columns, `_line`, raw text and `_problems`.

    `_problems` is a list of {column, value, rule} structs, empty when the row is valid.
    `keep_raw` names the columns whose raw text (`_raw_<name>`) is kept beside the typed value (all
    when None); a problem carries its cell's raw text whatever is kept.
    Parameters: $as_of (timestamp) and $earliest (date).
    """
    specs = model.columns()
    cleaned_parts, typed_parts, raw_parts, problem_parts = [], [], [], []
    for position, spec in enumerate(specs):
        # The cleaned text is computed once per cell: the typed value and every check read it.
        cleaned_parts.append(f"{blank_sql(f'src.{_quote(spec.name)}')} as _blank_{position}")
        lowered = spec.kind.name in LOWERED_KINDS
        if lowered:
            cleaned_parts.append(f"{_lower(f'_blank_{position}')} as _lower_{position}")
        sql = column_sql(spec, f"_blank_{position}", f"_lower_{position}" if lowered else None)
        typed_parts.append(f"{sql.typed} as {_quote(spec.name)}")
        raw_parts.append(f"src.{_quote(spec.name)} as {_quote('_raw_' + spec.name)}")
        problem_parts.append(f"{sql.problem} as {_quote('_problem_' + spec.name)}")
    typed_names = {spec.name: _quote(spec.name) for spec in specs}
    rules = [_quote("_problem_" + spec.name) for spec in specs]
    entries = [
        f"{{'column': {_literal(spec.name)}, 'value': {_quote('_raw_' + spec.name)}, 'rule': {rule}}}"
        for spec, rule in zip(specs, rules, strict=True)
    ]
    for rule in model.rules:
        for column, expression in rule.sql(typed_names):
            raw = _quote("_raw_" + column) if column in typed_names else "cast(null as varchar)"
            entries.append(f"{{'column': {_literal(column)}, 'value': {raw}, 'rule': {expression}}}")
            rules.append(expression)
    dropped = [_quote("_problem_" + spec.name) for spec in specs]
    # Raw text nobody reads later would only widen the checked table, which must fit in memory.
    dropped += [_quote("_raw_" + spec.name) for spec in specs if keep_raw is not None and spec.name not in keep_raw]
    # Building the list of problems costs more than all the checks, so valid rows skip it.
    return f"""
        with cleaned as (
            select src.*, {", ".join(cleaned_parts)}
            from {source_view} as src
        ),
        typed as (
            select src._line, {", ".join(typed_parts)}, {", ".join(raw_parts)}, {", ".join(problem_parts)}
            from cleaned as src
        )
        select * exclude ({", ".join(dropped)}),
               case when coalesce({", ".join(rules)}) is null then []
                    else list_filter([{", ".join(entries)}], lambda p: p.rule is not null) end as _problems
        from typed
    """


def validation_parameters(*, as_of: datetime, earliest: date) -> dict[str, object]:
    return {"as_of": as_of, "earliest": earliest}


def check_rows(
    con: duckdb.DuckDBPyConnection,
    model: type[Extract],
    source_view: str,
    target: str,
    *,
    as_of: datetime,
    earliest: date,
    keep_raw: Collection[str] | None = None,
) -> None:
    """Materialise the checked rows of `source_view` into temp table `target` (see `checked_select`)."""
    sql = f"create or replace temp table {target} as {checked_select(model, source_view, keep_raw)}"
    # DuckDB refuses parameters a statement does not use, and models without dates use none.
    parameters = {
        name: value for name, value in validation_parameters(as_of=as_of, earliest=earliest).items() if f"${name}" in sql
    }
    con.execute(sql, parameters)
