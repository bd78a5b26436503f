"""The residents' rules in Python agree with the warehouse's SQL rules (etl/sql/rules.sql), and a
published warehouse holds every shared rule."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from etl.rules import define_rules
from metrics.periods import Period
from metrics.residents import population_year


@pytest.fixture(scope="module")
def rules():
    con = duckdb.connect()
    define_rules(con)
    yield con
    con.close()


def test_a_periods_mid_year_is_the_sql_rules(rules):
    ends = [date(2021, 1, 1) + timedelta(days=offset) for offset in range(0, 1100, 7)] + [date(2022, 6, 29), date(2022, 6, 30)]
    in_sql = rules.execute(
        "select list(mid_year_for(period_end) order by period_end) from unnest($ends) as t(period_end)", {"ends": sorted(ends)}
    ).fetchone()[0]
    assert in_sql == [Period(date(2020, 1, 1), end, "").mid_year for end in sorted(ends)]


@pytest.mark.parametrize("years_held", [[2021], [2020, 2022, 2024], [2019, 2020, 2021, 2022, 2023]])
def test_the_population_year_in_python_is_the_sql_rules(rules, years_held):
    for mid_year in range(2017, 2027):
        in_sql = rules.execute(
            "select population_year(year, make_date($mid_year, 6, 30)) from unnest($held) as t(year)",
            {"held": years_held, "mid_year": mid_year},
        ).fetchone()[0]
        assert population_year(years_held, mid_year) == in_sql, (years_held, mid_year)


def test_a_published_warehouse_holds_every_shared_rule(tiny_warehouse):
    held = {
        name
        for (name,) in tiny_warehouse.execute(
            "select function_name from duckdb_functions() where function_type in ('macro', 'table_macro')"
        ).fetchall()
    }
    assert {"mid_year_for", "population_year", "is_child_band", "is_under_18_band", "expected_victims_in"} <= held
