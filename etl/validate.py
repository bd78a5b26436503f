"""Set-based validation generated from the contract models.

For each column the model declares, `column_sql` renders SQL expressions from the
column's kind and constraints: what the checks share (the text's shape), the typed value, and
the problem (NULL when the cell is fine). Cross-column rules render their own SQL. The whole
file is checked in one DuckDB statement, each expression computed once per cell; no pydantic
call runs per row. `tests/etl/test_validate_equivalence.py` holds
this module and the pydantic models to the same verdict on generated rows.
"""

from __future__ import annotations

import re
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
    """One column's SQL, in the order the checked SELECT computes it: `prepared` (what the typed value
    and the checks share: whether the text has the kind's shape, or a list's items; None when the kind
    needs nothing), then `typed`, then `problem` (NULL when the cell is fine)."""

    typed: str
    problem: str
    prepared: str | None = None


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


def _one_of(expression: str, values: tuple[str, ...] | list[str]) -> str:
    """`expression in (values)`, written as comparisons joined by `or` (the same three-valued result):
    DuckDB plans a longer `in` list as a join against the list, which costs more per row."""
    return "(" + " or ".join(f"{expression} = {_literal(value)}" for value in values) + ")"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


LOWERED_KINDS = frozenset({KindName.enum, KindName.demographic, KindName.boolean, KindName.enum_list})


def blank_sql(source: str) -> str:
    """The trimmed text of a cell, NULL when blank."""
    return f"nullif({_trim(source)}, '')"


# Kinds checked against a pattern before a cast: (pattern, cast of the cleaned text `{}`, message when
# the pattern fails, message when the pattern holds but the cast finds no such day or time). The
# timestamp pattern allows only `T` or a space between date and time, and DuckDB's cast reads both.
SHAPED_KINDS: dict[KindName, tuple[str, str, str, str | None]] = {
    KindName.integer: (INTEGER_PATTERN, "cast({} as bigint)", "expected a whole number", None),
    KindName.number: (NUMBER_PATTERN, "cast({} as double)", "expected a number", None),
    KindName.date: (
        DATE_PATTERN,
        "try_cast(substr({}, 1, 10) as date)",
        "expected a date as YYYY-MM-DD",
        "expected a real calendar date as YYYY-MM-DD",
    ),
    KindName.timestamp: (
        TIMESTAMP_PATTERN,
        "try_cast({} as timestamp)",
        "expected a date and time as YYYY-MM-DDTHH:MM[:SS]",
        "expected a real calendar date and time",
    ),
}


def column_sql(
    spec: ColumnSpec,
    blank: str,
    lowered: str | None = None,
    *,
    prepared_name: str | None = None,
    typed_name: str | None = None,
    known_name: str | None = None,
    clean_name: str | None = None,
) -> ColumnSql:
    """The typed value and the problem for one column, from its cleaned text: `blank` is the
    trimmed text or NULL (`blank_sql`), `lowered` its lower-case form for the LOWERED_KINDS.

    When the caller computes `prepared` once under `prepared_name` and the typed value under
    `typed_name`, the other expressions read those names instead of repeating the work (a
    timestamp's pattern and cast would otherwise run once per check that reads them). `known_name`, for
    an enum or yes/no column, names a flag that is true when the cell is exactly one of `_known_words`;
    `clean_name`, for a column with a `clean_pattern`, one that is true when the raw cell matches it."""
    kind = spec.kind
    name = kind.name
    lowered = lowered if lowered is not None else _lower(blank)
    prepared: str | None = None
    checks: list[tuple[str, str]] = []  # (condition on non-blank cell, message), first match wins
    has_default = isinstance(spec.default, str)
    unknown = f"not {known_name} and " if known_name else ""  # a known word is valid without comparing it again

    def matches(text: str, pattern: str) -> str:
        # a cell already found to match its clean pattern is not matched again
        found = f"regexp_full_match({text}, {_literal(pattern)})"
        return f"(case when {clean_name} then true else {found} end)" if clean_name else found

    if name is KindName.id or name is KindName.text:
        typed = blank
        if kind.pattern:
            checks.append(
                (
                    f"not {matches(blank, kind.pattern)}",
                    "expected an id of letters, digits and _.:/- (at most 64)",
                )
            )
        if kind.max_length is not None:
            checks.append((f"length({blank}) > {kind.max_length}", f"expected at most {kind.max_length} characters"))
    elif name is KindName.code:
        typed = f"upper({blank})"
        upper = typed_name if typed_name is not None and not has_default else typed
        checks.append((f"not {matches(upper, kind.pattern or '')}", f"expected a code like {kind.description}"))
    elif name in (KindName.enum, KindName.demographic):
        typed = lowered
        if name is KindName.demographic:
            typed = f"coalesce({typed}, 'unknown')"
        checks.append((f"{unknown}not {_one_of(lowered, spec.enum_values)}", "expected one of " + ", ".join(spec.enum_values)))
    elif name is KindName.boolean:
        typed = f"case when {_one_of(lowered, TRUE_WORDS)} then true when {_one_of(lowered, FALSE_WORDS)} then false end"
        checks.append((f"{unknown}not {_one_of(lowered, TRUE_WORDS + FALSE_WORDS)}", "expected true/false, yes/no, 1/0 or y/n"))
    elif name in SHAPED_KINDS:
        pattern, cast, message, real_message = SHAPED_KINDS[name]
        prepared = matches(blank, pattern)
        shape = prepared_name or prepared
        typed = f"case when {shape} then {cast.format(blank)} end"
        checks.append((f"not {shape}", message))
        if real_message:  # the shape is right but the cast found no such day or time
            cast_value = typed_name if typed_name is not None and not has_default else typed
            checks.append((f"{cast_value} is null", real_message))
    elif name is KindName.enum_list:
        prepared = (
            f"list_filter(list_transform(string_split({lowered}, ';'), lambda item: {_trim('item')}), lambda item: item <> '')"
        )
        items = prepared_name or prepared
        typed = f"case when {blank} is not null then {items} end"
        checks.append((f"len({items}) = 0", "expected a semicolon-separated list with at least one item"))
        checks.append(
            (
                f"not list_bool_and(list_transform({items}, lambda item: {_one_of('item', spec.enum_values)}))",
                "expected a semicolon list of " + ", ".join(spec.enum_values),
            )
        )
    elif name is KindName.ward_list:
        prepared = f"list_filter(list_transform(string_split(upper({blank}), ';'), lambda item: {_trim('item')}), lambda item: item <> '')"
        items = prepared_name or prepared
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
    if has_default:  # a missing optional value takes its default, e.g. ethnicity `all`
        typed = f"coalesce({typed}, {_literal(spec.default)})"
    value = typed_name if typed_name is not None else typed

    branches = []
    if spec.required and name is not KindName.demographic:
        branches.append(f"when {blank} is null then 'a value is required'")
    for condition, message in checks:
        branches.append(f"when {blank} is not null and ({condition}) then {_literal(message)}")
    if spec.ge is not None:
        branches.append(f"when {value} < {spec.ge!r} then {_literal(f'must be at least {_number(spec.ge)}')}")
    if spec.le is not None:
        branches.append(f"when {value} > {spec.le!r} then {_literal(f'must be at most {_number(spec.le)}')}")
    if name in (KindName.date, KindName.timestamp):
        day = f"cast({value} as date)"
        branches.append(f"when {day} < $earliest then 'is before ' || strftime($earliest, '%Y-%m-%d')")
        if kind.not_future:
            later = f"{value} > $as_of" if name is KindName.timestamp else f"{value} > cast($as_of as date)"
            branches.append(f"when {later} then 'is in the future'")
    problem = "case " + " ".join(branches) + " end" if branches else "cast(null as varchar)"
    return ColumnSql(typed=typed, problem=problem, prepared=prepared)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def checked_select(model: type[Extract], source_view: str, keep_raw: Collection[str] | None = None) -> str:
    """One SELECT over `source_view` giving `_line`, typed columns, raw text and `_problems`.

    `_problems` is a list of {column, value, rule} structs, empty when the row is valid.
    `keep_raw` names the columns whose raw text (`_raw_<name>`) is kept beside the typed value (all
    when None); a problem carries its cell's raw text whatever is kept.
    Parameters: $as_of (timestamp) and $earliest (date).
    """
    specs = model.columns()
    raw_parts, cleaned_parts, cased_parts, prepared_parts, typed_parts, problem_parts = [], [], [], [], [], []
    for position, spec in enumerate(specs):
        raw = _quote("_raw_" + spec.name)
        # Each step is computed once per cell, in its own step of the query, and read by name after:
        # the cleaned text, its lower case, the shape or list items, the typed value, the problem.
        raw_parts.append(f"src.{_quote(spec.name)} as {raw}")
        lowered = spec.kind.name in LOWERED_KINDS
        known_words = _known_words(spec)
        known = f"_known_{position}" if known_words else None
        pattern = clean_pattern(spec)
        clean = f"_clean_{position}" if pattern else None
        if pattern:
            # A cell matching its kind's pattern as it stands (the common case) has no space to trim and is not
            # blank: it skips the trimming, and the pattern is not matched again.
            raw_parts.append(f"regexp_full_match(src.{_quote(spec.name)}, {_literal(pattern)}) as {clean}")
            cleaned_parts.append(f"(case when {clean} then {raw} else {blank_sql(raw)} end) as _blank_{position}")
        elif known:
            # A cell spelt exactly as one of the column's words (the common case) is already clean and
            # lower case, and valid: it skips the trimming, the lower case and the comparison with every word.
            raw_parts.append(f"{_one_of(f'src.{_quote(spec.name)}', known_words)} as {known}")
            cleaned_parts.append(f"(case when {known} then {raw} else {blank_sql(raw)} end) as _blank_{position}")
            cased_parts.append(
                f"(case when {known} then _blank_{position} else {_lower(f'_blank_{position}')} end) as _lower_{position}"
            )
        else:
            cleaned_parts.append(f"{blank_sql(raw)} as _blank_{position}")
            if lowered:
                cased_parts.append(f"{_lower(f'_blank_{position}')} as _lower_{position}")
        sql = column_sql(
            spec,
            f"_blank_{position}",
            f"_lower_{position}" if lowered else None,
            prepared_name=f"_prepared_{position}",
            typed_name=_quote(spec.name),
            known_name=known,
            clean_name=clean,
        )
        if sql.prepared is not None:
            prepared_parts.append(f"{sql.prepared} as _prepared_{position}")
        typed_parts.append(f"{sql.typed} as {_quote(spec.name)}")
        problem_parts.append(f"{sql.problem} as {_quote('_problem_' + spec.name)}")
    typed_names = {spec.name: _quote(spec.name) for spec in specs}
    rules = [_quote("_problem_" + spec.name) for spec in specs]
    entries = [
        f"{{'column': {_literal(spec.name)}, 'value': {_quote('_raw_' + spec.name)}, 'rule': {rule}}}"
        for spec, rule in zip(specs, rules, strict=True)
    ]
    for rule in model.rules:
        for column, expression in rule.sql(typed_names):
            name = f"_rule_{len(rules)}"
            problem_parts.append(f"{expression} as {name}")
            raw = _quote("_raw_" + column) if column in typed_names else "cast(null as varchar)"
            entries.append(f"{{'column': {_literal(column)}, 'value': {raw}, 'rule': {name}}}")
            rules.append(name)
    kept = [_quote("_raw_" + spec.name) for spec in specs if keep_raw is None or spec.name in keep_raw]
    steps = [
        ("raw", f"select src._line, {', '.join(raw_parts)} from {source_view} as src"),
        ("cleaned", f"select *, {', '.join(cleaned_parts)} from raw"),
        ("cased", f"select *, {', '.join(cased_parts)} from cleaned" if cased_parts else "select * from cleaned"),
        ("prepared", f"select *, {', '.join(prepared_parts)} from cased" if prepared_parts else "select * from cased"),
        ("typed", f"select *, {', '.join(typed_parts)} from prepared"),
        ("checked", f"select *, {', '.join(problem_parts)} from typed"),
    ]
    # Building the list of problems costs more than all the checks, so valid rows skip it.
    return f"""
        with {", ".join(f"{step} as ({body})" for step, body in steps)}
        select _line, {", ".join(typed_names.values())}{"".join(", " + name for name in kept)},
               case when coalesce({", ".join(rules)}) is null then []
                    else list_filter([{", ".join(entries)}], lambda p: p.rule is not null) end as _problems
        from checked
    """


# A code pattern made of nothing but capital letters, digits, classes and counts matches only text that upper
# case leaves as it is, so a raw cell matching it matches again once upper-cased.
_UPPER_CASE_PATTERN = re.compile(r"[A-Z0-9\[\]{}\-,]+")


def clean_pattern(spec: ColumnSpec) -> str | None:
    """A pattern that text matching in full is clean by: not blank, nothing to trim at either end, and (for a
    code) upper case; every such text is then a valid shape of the column's kind. None for kinds without one."""
    kind = spec.kind
    if kind.name is KindName.id:
        return kind.pattern
    if kind.name is KindName.code and kind.pattern and _UPPER_CASE_PATTERN.fullmatch(kind.pattern):
        return kind.pattern
    if kind.name in SHAPED_KINDS:
        return SHAPED_KINDS[kind.name][0]
    return None


def _known_words(spec: ColumnSpec) -> list[str]:
    """The valid words of an enum or yes/no column that trimming and lower case leave as they are (all of
    them, in practice), so a cell spelt exactly as one is the same before and after cleaning."""
    words: tuple[str, ...]
    if spec.kind.name is KindName.boolean:
        words = TRUE_WORDS + FALSE_WORDS
    elif spec.kind.name in (KindName.enum, KindName.demographic):
        words = tuple(spec.enum_values)
    else:
        return []
    return [word for word in words if word and word == word.strip() and word.isascii() and word == word.lower()]


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
