"""A mart built in pieces holds the same rows as one built at once; marts are built after the marts they read."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from etl.changes import changed_months
from etl.marts import (
    STAGING_TABLES,
    SYSTEM_SOURCES,
    MartDependencyCycle,
    UnknownMartDependency,
    build_mart,
    build_order,
    dirty_keys_sql,
    mart_dependencies,
    mart_files,
    mart_key,
    mart_pieces,
)

PIECEWISE = """-- pieces: even/2, odd
select $piece as kind, number
from numbers
where (number % 2 = 0) = ($piece = 'even') and number % $parts = $part
"""


def test_pieces_are_read_from_the_mart_file():
    assert mart_pieces("select 1") == []
    assert mart_pieces(PIECEWISE) == [
        {"piece": "even", "part": 0, "parts": 2},
        {"piece": "even", "part": 1, "parts": 2},
        {"piece": "odd", "part": 0, "parts": 1},
    ]


def test_a_mart_built_in_pieces_has_every_row_once():
    con = duckdb.connect()
    con.execute("create table numbers as select range as number from range(100)")
    build_mart(con, "mart_numbers", PIECEWISE)
    rows = con.execute("select kind, number from mart_numbers order by number").fetchall()
    assert rows == [("even" if number % 2 == 0 else "odd", number) for number in range(100)]
    build_mart(con, "mart_numbers", PIECEWISE)  # built again, it replaces the table rather than adding to it
    assert con.execute("select count(*) from mart_numbers").fetchone()[0] == 100


def test_the_journey_mart_is_built_in_pieces():
    pieces = mart_pieces(dict(mart_files())["mart_journey_people"])
    assert {piece["piece"] for piece in pieces} == {"incident", "high_risk", "children", "marac"}


def test_every_mart_declares_the_tables_it_reads():
    for name, sql in mart_files():
        code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
        reads = set(re.findall(r"\b((?:mart|stg)_[a-z0-9_]+|loaded_files)\b", code))
        assert set(mart_dependencies(sql)) == reads, name


def test_marts_are_built_after_the_marts_they_read():
    ordered = [name for name, _ in build_order(mart_files(), sources=STAGING_TABLES | SYSTEM_SOURCES)]
    assert sorted(ordered) == sorted(name for name, _ in mart_files())
    for position, (_name, sql) in enumerate(build_order(mart_files(), sources=STAGING_TABLES | SYSTEM_SOURCES)):
        assert {dependency for dependency in mart_dependencies(sql) if dependency.startswith("mart_")} <= set(ordered[:position])
    assert ordered.index("mart_population") < ordered.index("mart_population_expected_victims")


def test_the_order_follows_dependencies_not_file_names():
    marts = [("mart_a", "-- depends: mart_c, stg_x\nselect 1"), ("mart_b", "select 1"), ("mart_c", "-- depends: mart_b")]
    assert [name for name, _ in build_order(marts, sources={"stg_x"})] == ["mart_b", "mart_c", "mart_a"]
    assert mart_dependencies("-- depends: mart_c,  stg_x\nselect 1") == ["mart_c", "stg_x"]


def test_an_unknown_dependency_is_named():
    with pytest.raises(UnknownMartDependency, match="mart_a depends on mart_missing, which is neither"):
        build_order([("mart_a", "-- depends: stg_x, mart_missing")], sources={"stg_x"})


def test_a_circle_of_dependencies_is_refused():
    marts = [
        ("mart_a", "-- depends: mart_b"),
        ("mart_b", "-- depends: mart_c"),
        ("mart_c", "-- depends: mart_a"),
        ("mart_d", "select 1"),
    ]
    with pytest.raises(MartDependencyCycle, match="in a circle"):
        build_order(marts, sources=set())
    with pytest.raises(MartDependencyCycle):
        build_order([("mart_a", "-- depends: mart_a")], sources=set())


KEYED = """-- key: person
select person, count(*) as events
from events
where not $keyed or person in (select key from _dirty_keys)
group by person
"""


def test_a_mart_built_by_key_holds_those_keys_rows_as_the_whole_build_does():
    con = duckdb.connect()
    con.execute("create table events as select 'P' || (range % 5) as person from range(23)")
    build_mart(con, "mart_people", KEYED)
    con.execute("insert into _dirty_keys values ('P1'), ('P3')")  # the whole build made it, empty
    build_mart(con, "mart_people", KEYED, into="_rebuilt", keyed=True)
    keyed = con.execute("select * from _rebuilt order by person").fetchall()
    assert keyed == con.execute("select * from mart_people where person in ('P1', 'P3') order by person").fetchall()
    assert keyed == [("P1", 5), ("P3", 4)]
    assert mart_key(KEYED) == "person"


def test_every_mart_with_a_key_filters_on_it_and_has_a_keys_query_reading_what_it_depends_on():
    keyed = {name: sql for name, sql in mart_files() if mart_key(sql) is not None}
    assert set(keyed) == {
        "mart_crimes",
        "mart_incidents",
        "mart_journey_charge_decisions",
        "mart_journey_people",
        "mart_marac_cases",
        "mart_mash_contacts",
        "mart_school_notifications",
        "mart_service_referrals",
    }
    for name, sql in mart_files():
        keys = dirty_keys_sql(name)
        assert (keys is not None) == (name in keyed), name
        if keys is None:
            continue
        assert "$keyed" in sql and "_dirty_keys" in sql, name
        code = "\n".join(line for line in keys.splitlines() if not line.lstrip().startswith("--"))
        reads = set(re.findall(r"\b_changed_((?:mart|stg)_[a-z0-9_]+)\b", code))
        reads |= set(re.findall(r"(?<!_changed_)\b((?:mart|stg)_[a-z0-9_]+)\b", code))
        assert reads <= set(mart_dependencies(sql)), name


def test_the_months_of_changed_rows_come_from_every_date_and_time_column():
    con = duckdb.connect()
    con.execute(
        "create table changed as select * from (values "
        "(date '2025-04-30', timestamp '2025-06-01 00:10', 'a'), (date '2025-04-02', null, 'b')) as t(day, seen_at, label)"
    )
    assert changed_months(con, "select * from changed", ["day", "seen_at"]) == {date(2025, 4, 1), date(2025, 6, 1)}
    assert changed_months(con, "select * from changed where false", ["day"]) == frozenset()
    # a row no date places, or a table without dates, is a change months do not describe
    assert changed_months(con, "select * from changed", ["seen_at"]) is None
    assert changed_months(con, "select * from changed", []) is None
