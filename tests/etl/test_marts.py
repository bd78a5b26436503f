"""A mart built in pieces holds the same rows as one built at once."""

from __future__ import annotations

import duckdb

from etl.marts import build_mart, mart_files, mart_pieces

PIECEWISE = """-- pieces: even/2, odd
select $piece as kind, number
from numbers
where (number % 2 = 0) = ($piece = 'even') and number % $parts = $part
"""


def test_pieces_are_read_from_the_mart_file():
    assert mart_pieces("select 1") == []
    assert mart_pieces(PIECEWISE) == [{"piece": "even", "part": 0, "parts": 2}, {"piece": "even", "part": 1, "parts": 2},
                                      {"piece": "odd", "part": 0, "parts": 1}]


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
