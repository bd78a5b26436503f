"""Staging tables, derived from the contract models, and how checked rows land in them.

Staging tables accumulate every drop: a row whose id was loaded before replaces the older
row; reference tables that describe a whole register (wards, services, the LSOA lookup)
are replaced whole when a new file arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import duckdb

from etl.contract import ALL_MODELS, Extract
from etl.contract.extracts import LsoaWardLookup, Population, Service, WardBoundary
from etl.tabular import quote_identifier as quote
from etl.warehouse import one_value

REPLACED_WHOLE = {WardBoundary.extract_name, Service.extract_name, LsoaWardLookup.extract_name}
# What a refresh changed in staging, kept for the marts stage in temporary tables of the refresh's own
# connection (never in the published version): `_changed_<staging table>` holds every row a loaded file
# replaced (`_change` 'old', as it was) and every row it wrote ('new'); `_changed_whole` names the tables
# changed in a way rows do not describe (a register replaced whole, a table loaded for the first time).
# Both are written inside the file's transaction, so a refused file leaves no trace in them.
CHANGED_ROWS_PREFIX = "_changed_"
CHANGED_WHOLE = "_changed_whole"
WARD_EXTRA_COLUMNS = {
    "area_km2": "DOUBLE",
    "centroid_lat": "DOUBLE",
    "centroid_lon": "DOUBLE",
    "geometry_geojson": "VARCHAR",
}
LINEAGE_COLUMNS = {"_source_file": "VARCHAR", "_source_line": "BIGINT", "_run_id": "VARCHAR"}


def staging_table(model: type[Extract]) -> str:
    return f"stg_{model.extract_name}"


def staging_ddl(model: type[Extract]) -> str:
    columns = {spec.name: spec.sql_type for spec in model.columns()}
    if model is WardBoundary:
        columns |= WARD_EXTRA_COLUMNS
    columns |= LINEAGE_COLUMNS
    body = ",\n    ".join(f"{quote(name)} {sql_type}" for name, sql_type in columns.items())
    return f"create table if not exists {staging_table(model)} (\n    {body}\n)"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(resources.files("etl").joinpath("sql/system_tables.sql").read_text(encoding="utf-8"))
    for model in ALL_MODELS:
        con.execute(staging_ddl(model))
        # A column the contract gained since the warehouse was made is added to its table, holding the
        # column's default (`all` for a rate not split by deprivation) or empty.
        for spec in model.columns():
            default = f" default '{spec.default}'" if isinstance(spec.default, str) and "'" not in spec.default else ""
            con.execute(
                f"alter table {staging_table(model)} add column if not exists {quote(spec.name)} {spec.sql_type}{default}"
            )


@dataclass(frozen=True)
class ExtraCheck:
    column: str
    condition: str  # SQL over the checked table aliased `c`; true means the row breaks the rule
    rule: str
    reads: tuple[str, ...] = ()  # the columns of `c` the condition reads, besides `column`

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, *(name for name in self.reads if name != self.column))


def reference_checks(model: type[Extract]) -> list[ExtraCheck]:
    """Checks that need the warehouse: codes known, services registered."""
    checks: list[ExtraCheck] = []
    if "ward_code" in model.model_fields and model is not WardBoundary and model is not LsoaWardLookup:
        checks.append(
            ExtraCheck(
                "ward_code",
                "c.ward_code is not null and c.ward_code not in (select ward_code from stg_wards)",
                "unknown ward code: not in the ward boundaries",
            )
        )
    if "lsoa_code" in model.model_fields and model is not LsoaWardLookup:
        checks.append(
            ExtraCheck(
                "lsoa_code",
                "c.lsoa_code is not null and c.ward_code is null "
                "and c.lsoa_code not in (select lsoa_code from stg_lsoa_ward_lookup where ward_code in (select ward_code from stg_wards))",
                "unknown LSOA code: not in the LSOA to ward lookup for this district",
                reads=("ward_code",),
            )
        )
        checks.append(
            ExtraCheck(
                "lsoa_code",
                "c.lsoa_code is not null and c.ward_code is not null and exists ("
                "select 1 from stg_lsoa_ward_lookup lk where lk.lsoa_code = c.lsoa_code and lk.ward_code <> c.ward_code)",
                "lsoa_code lies in a different ward from ward_code",
                reads=("ward_code",),
            )
        )
    if model is Population:
        checks.append(
            ExtraCheck(
                "area_code",
                "c.area_code is not null and c.area_code not in (select ward_code from stg_wards) "
                "and c.area_code not in (select lsoa_code from stg_lsoa_ward_lookup where ward_code in (select ward_code from stg_wards))",
                "unknown area code: neither a ward nor a mapped LSOA of this district",
            )
        )
    for column, reference in model.references.items():
        target = next(m for m in ALL_MODELS if m.extract_name == reference)
        key = target.primary_key[0]
        checks.append(
            ExtraCheck(
                column,
                f"c.{quote(column)} is not null and c.{quote(column)} not in (select {quote(key)} from {staging_table(target)})",
                f"{column} is not in the {reference} register",
            )
        )
    return checks


def add_warehouse_problems(con: duckdb.DuckDBPyConnection, model: type[Extract], checked: str) -> None:
    """Append reference and duplicate-id problems to `_problems` of the checked table."""
    checks = reference_checks(model)
    if not checks and not model.primary_key:
        return
    joins, found = [], []
    # A reference check reads a few code columns whose values repeat (a ward, an LSOA, a service), so each
    # distinct combination of them is judged once, and only the rows of a combination that breaks a rule
    # are joined back; judging every row ran the lookups, and the subquery of the ward-and-LSOA check,
    # once per row.
    if checks:
        columns = list(dict.fromkeys(name for check in checks for name in check.columns))
        names = ", ".join(quote(name) for name in columns)
        breaks = [f"coalesce({check.condition}, false)" for check in checks]
        flags = ", ".join(f"{condition} as _breaks_{index}" for index, condition in enumerate(breaks))
        same_codes = " and ".join(f"r.{quote(name)} is not distinct from b.{quote(name)}" for name in columns)
        joins.append(
            f"left join (select * from (select {names}, {flags} from (select distinct {names} from {checked}) as c) "
            f"where {' or '.join(f'_breaks_{index}' for index in range(len(checks)))}) as b on {same_codes}"
        )
        found.append("b._breaks_0 is not null")
    # A value already wrong in itself (a malformed code) is not also reported as unknown.
    entries = [
        f"case when c._breaks_{index} and len(list_filter(c._problems, lambda p: p.column = '{check.column}')) = 0 "
        f"then {{'column': '{check.column}', 'value': c.{quote('_raw_' + check.column)}, 'rule': '{check.rule}'}} end"
        for index, check in enumerate(checks)
    ]
    if model.primary_key:
        key = " || '|' || ".join(f"coalesce(cast(c.{quote(column)} as varchar), '')" for column in model.primary_key)
        label = ", ".join(model.primary_key)
        entries.append(
            f"case when c._first_line < c._line then {{'column': '{model.primary_key[0]}', "
            f"'value': {key}, 'rule': 'duplicate {label} within the file (first on line ' || c._first_line || ')'}} end"
        )
        keys = ", ".join(quote(column) for column in model.primary_key)
        same_key = " and ".join(f"r.{quote(column)} is not distinct from d.{quote(column)}" for column in model.primary_key)
        # Only keys seen twice are joined back, so a file of unique ids costs one grouping.
        joins.append(
            f"left join (select {keys}, min(_line) as _first_line from {checked} group by all having count(*) > 1) as d "
            f"on {same_key}"
        )
        found.append("d._first_line is not null")
    flags_kept = "".join(f", b._breaks_{index}" for index in range(len(checks)))
    first_line = ", d._first_line" if model.primary_key else ""
    # Few rows gain a problem here: the rows no check flags are set aside before any list is built, and only
    # the rows that gain one are rewritten rather than the whole table.
    rows = f"(select r.*{flags_kept}{first_line} from {checked} as r {' '.join(joins)} where {' or '.join(found)})"
    con.execute(f"""
        create or replace temp table _warehouse_problems as
        select _line, extra from (
            select c._line, list_filter([{", ".join(entries)}], lambda p: p is not null) as extra from {rows} as c
        ) where len(extra) > 0
    """)
    con.execute(
        f"update {checked} set _problems = list_concat({checked}._problems, w.extra) "
        f"from _warehouse_problems w where {checked}._line = w._line"
    )
    con.execute("drop table _warehouse_problems")


def changed_rows_table(table: str) -> str:
    """The temporary table holding the rows of `table` the refresh replaced and wrote (see CHANGED_ROWS_PREFIX)."""
    return f"{CHANGED_ROWS_PREFIX}{table}"


def mark_changed_whole(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Record that `table` changed in a way its rows do not describe: whatever reads it is rebuilt whole."""
    con.execute(f"create temp table if not exists {CHANGED_WHOLE} (table_name varchar)")
    con.execute(f"insert into {CHANGED_WHOLE} values (?)", [table])


def changed_whole(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables this connection's refresh changed whole (mark_changed_whole)."""
    if not _temp_table_exists(con, CHANGED_WHOLE):
        return set()
    return {name for (name,) in con.execute(f"select table_name from {CHANGED_WHOLE}").fetchall()}


def _temp_table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return one_value(con, "select count(*) from duckdb_tables() where temporary and table_name = ?", [name]) > 0


def _capture_rows(con: duckdb.DuckDBPyConnection, table: str, change: str, rows_sql: str, parameters: list | None = None) -> None:
    """Add `rows_sql`'s rows (staging rows of `table`, by column name) to the table's changed rows as `change`."""
    target = changed_rows_table(table)
    con.execute(f"create temp table if not exists {target} as select *, ''::varchar as _change from {table} limit 0")
    con.execute(f"insert into {target} by name select *, '{change}' as _change from ({rows_sql})", parameters)


def record_id_sql(model: type[Extract], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    if not model.primary_key:
        return "cast(null as varchar)"
    return " || '|' || ".join(f"coalesce({prefix}{quote('_raw_' + column)}, '')" for column in model.primary_key)


def upsert(con: duckdb.DuckDBPyConnection, model: type[Extract], checked: str, *, file_name: str, run_id: str) -> tuple[int, int]:
    """Load the valid rows of `checked` into staging. Returns (inserted, updated)."""
    table = staging_table(model)
    columns = [spec.name for spec in model.columns()]
    select_columns = [f"c.{quote(name)}" for name in columns]
    if "ward_code" in columns and "lsoa_code" in columns and model is not LsoaWardLookup:
        ward_position = columns.index("ward_code")
        select_columns[ward_position] = (
            "coalesce(c.ward_code, (select lk.ward_code from stg_lsoa_ward_lookup lk where lk.lsoa_code = c.lsoa_code))"
        )
    # A view, not a copy: the valid rows are read once to insert them and, when staging already
    # holds rows, once more to find the ones they replace.
    con.execute(f"create or replace temp view _valid as select * from {checked} where len(_problems) = 0")
    valid_rows = one_value(con, "select count(*) from _valid")
    match = " and ".join(f"s.{quote(column)} = v.{quote(column)}" for column in model.primary_key)
    staged = one_value(con, f"select count(*) from {table}")
    updated = (
        one_value(con, f"select count(*) from {table} s where exists (select 1 from _valid v where {match})") if staged else 0
    )
    # The rows replaced and written are kept for the marts stage; a register replaced whole, or a table
    # loaded for the first time, is marked changed whole instead.
    by_rows = model.extract_name not in REPLACED_WHOLE and staged > 0
    if not by_rows and valid_rows:
        mark_changed_whole(con, table)
    if model.extract_name in REPLACED_WHOLE:
        if valid_rows:  # a register with no valid row leaves the last good one in place
            con.execute(f"delete from {table}")
    elif updated:
        replaced = f"select * from {table} s where exists (select 1 from _valid v where {match})"
        _capture_rows(con, table, "old", replaced)
        con.execute(f"delete from {table} s where exists (select 1 from _valid v where {match})")
    names = [quote(name) for name in columns]
    written = (
        f"select {', '.join(f'{expression} as {name}' for expression, name in zip(select_columns, names, strict=True))}, "
        "?::varchar as _source_file, c._line as _source_line, ?::varchar as _run_id from _valid c"
    )
    con.execute(f"insert into {table} by name {written}", [file_name, run_id])
    if by_rows and valid_rows:
        _capture_rows(con, table, "new", written, [file_name, run_id])
    return valid_rows - updated, updated


# ---- referential integrity of the registers replaced whole --------------------------------

REGISTER_KEYS = {
    WardBoundary.extract_name: "ward_code",
    Service.extract_name: "service_id",
    LsoaWardLookup.extract_name: "lsoa_code",
}


def register_users(register: str) -> list[tuple[str, str, str]]:
    """(staging table, column, SQL condition) of every staged column whose codes the register defines."""
    users = []
    if register == WardBoundary.extract_name:
        # The LSOA lookup is not counted: a boundary change sends a new lookup beside the new wards.
        users = [
            (staging_table(m), "ward_code", "true")
            for m in ALL_MODELS
            if "ward_code" in m.model_fields and m is not WardBoundary and m is not LsoaWardLookup
        ]
        users.append((staging_table(Population), "area_code", "regexp_full_match(area_code, '[EW]05[0-9]{6}')"))
    elif register == LsoaWardLookup.extract_name:
        users = [
            (staging_table(m), "lsoa_code", "true")
            for m in ALL_MODELS
            if "lsoa_code" in m.model_fields and m is not LsoaWardLookup
        ]
        users.append((staging_table(Population), "area_code", "regexp_full_match(area_code, '[EW]01[0-9]{6}')"))
    else:
        users = [
            (staging_table(m), column, "true")
            for m in ALL_MODELS
            for column, reference in m.references.items()
            if reference == register
        ]
    return users


def remember_register(con: duckdb.DuckDBPyConnection, register: str) -> None:
    """Keep the register's codes before it is replaced, so codes it drops can be found."""
    table = staging_table(next(m for m in ALL_MODELS if m.extract_name == register))
    con.execute(
        f"create or replace temp table _register_before as select distinct {quote(REGISTER_KEYS[register])} as code from {table}"
    )


def orphaned_codes(con: duckdb.DuckDBPyConnection, register: str) -> list[tuple[str, str, int]]:
    """(code, staging table, rows) for every code the new register dropped that staged rows still use."""
    model = next(m for m in ALL_MODELS if m.extract_name == register)
    key = quote(REGISTER_KEYS[register])
    dropped = f"(select code from _register_before where code not in (select {key} from {staging_table(model)}))"
    found = []
    for table, column, condition in register_users(register):
        found += con.execute(
            f"select {quote(column)}, ?, count(*) from {table} where {quote(column)} in {dropped} and {condition} "
            f"group by 1 order by 1",
            [table.removeprefix("stg_")],
        ).fetchall()
    return found


def describe_orphans(orphans: list[tuple[str, str, int]], what: str) -> str:
    by_code: dict[str, list[str]] = {}
    for code, extract, rows in orphans:
        by_code.setdefault(code, []).append(f"{rows:,} {extract} row{'s' if rows != 1 else ''}")
    listed = "; ".join(f"{code} (used by {', '.join(uses)})" for code, uses in sorted(by_code.items()))
    return (
        f"it leaves out {what} still in use: {listed}. Loaded rows would point at codes that no longer exist, so "
        f"the file is refused and the last good register stays; send the full register, including these"
    )
