"""A mart built in pieces holds the same rows as one built at once; marts are built after the marts they read."""

from __future__ import annotations

import re

import duckdb
import pytest

from etl.marts import (
    STAGING_TABLES,
    SYSTEM_SOURCES,
    MartDependencyCycle,
    UnknownMartDependency,
    build_mart,
    build_order,
    mart_dependencies,
    mart_files,
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
