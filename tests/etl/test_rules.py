"""The shared SQL rules (etl/sql/rules*.sql): golden values for each macro, and macros kept in the
warehouse's file so read-only connections call them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.contract.values import CHILD_BANDS, AgeBand
from etl.rules import define_rules, define_rules_on_marts


@pytest.fixture
def con():
    con = duckdb.connect()
    define_rules(con)
    yield con
    con.close()


@pytest.mark.parametrize(
    ("period_end", "mid_year"),
    [
        (date(2023, 3, 31), 2022),  # financial year 2022/23 takes mid-2022
        (date(2023, 6, 29), 2022),  # the day before 30 June
        (date(2023, 6, 30), 2023),  # 30 June itself
        (date(2023, 12, 31), 2023),
        (date(2024, 1, 1), 2023),
    ],
)
def test_mid_year_for_is_the_latest_30_june_on_or_before_the_end(con, period_end, mid_year):
    assert con.execute("select mid_year_for($end)", {"end": period_end}).fetchone()[0] == mid_year


@pytest.mark.parametrize(
    ("period_end", "chosen"),
    [
        (date(2023, 3, 31), 2022),  # its own mid-year is held
        (date(2022, 6, 29), 2020),  # mid-2021 is not held: the latest held before it
        (date(2030, 3, 31), 2024),  # after every year held: the latest
        (date(2019, 12, 31), 2020),  # before every year held: the earliest
    ],
)
def test_population_year_is_the_mid_year_held_else_the_latest_before_else_the_earliest(con, period_end, chosen):
    con.execute("create table residents as select unnest([2020, 2022, 2024]) as year")
    assert con.execute("select population_year(year, $end) from residents", {"end": period_end}).fetchone()[0] == chosen


def test_child_bands_are_the_contract_bands_under_16(con):
    bands = [band.value for band in AgeBand]
    rows = con.execute(
        "select band, is_child_band(band), is_under_18_band(band) from unnest($bands) as t(band)", {"bands": bands}
    ).fetchall()
    assert [band for band, child, _ in rows if child] == ["0-4", "5-10", "11-15"] == list(CHILD_BANDS)
    assert [band for band, _, under_18 in rows if under_18] == ["0-4", "5-10", "11-15", "16-17"]
    # unknown ages count as adults, and a missing band is neither (as `not in` treats it)
    assert con.execute("select is_child_band('unknown'), is_child_band(null)").fetchone() == (False, None)


def test_the_latest_survey_rate_wins_each_cell_by_survey_year_then_period_then_source(con):
    con.execute("""create table stg_prevalence_rates as select * from (values
        ('female', 'all', null, 0.05, 'CSEW', '2019/20'),
        ('female', 'all', null, 0.06, 'CSEW', 'year ending March 2023'),
        ('female', 'all', null, 0.09, 'undated', 'no year given'),
        ('female', '25-34', '1', 0.07, 'ONS B', '2022/23'),
        ('female', '25-34', '1', 0.08, 'ONS A', '2022/23'),
        ('male', 'all', null, 0.03, 'CSEW', '2022/23'))
        as t(sex, age_band, imd_quintile, rate, source, period)""")
    rows = con.execute("select * from latest_survey_rates(stg_prevalence_rates) order by sex, age_band").fetchall()
    assert [(sex, band, quintile, float(rate), source) for sex, band, quintile, rate, source, _ in rows] == [
        ("female", "25-34", "1", 0.08, "ONS A"),  # one survey year and period: the first source
        ("female", "all", "all", 0.06, "CSEW"),  # 2023 over 2019; a period with no year comes last
        ("male", "all", "all", 0.03, "CSEW"),
    ]


def test_expected_victims_in_a_period_take_its_population_year_times_its_years(con):
    con.execute("""create table mart_population_expected_victims as select * from (values
        ('E1', 2022, 'female', '25-34', 'all', 10.0), ('E1', 2022, 'male', '25-34', 'all', 4.0),
        ('E1', 2023, 'female', '25-34', 'all', 99.0))
        as t(ward_code, year, sex, age_band, ethnicity, expected_victims_a_year)""")
    define_rules_on_marts(con)
    rows = con.execute(
        "select * from expected_victims_in($start, $end, $years) order by sex",
        {"start": date(2022, 4, 1), "end": date(2023, 3, 31), "years": 0.5},
    ).fetchall()
    assert rows == [
        (date(2022, 4, 1), "E1", "female", "25-34", "all", 0, 5.0),
        (date(2022, 4, 1), "E1", "male", "25-34", "all", 0, 2.0),
    ]


def test_rules_on_marts_need_the_marts_first(con):
    with pytest.raises(duckdb.CatalogException, match="mart_population_expected_victims"):
        define_rules_on_marts(con)


def test_rules_are_kept_in_the_warehouse_for_read_only_connections(tmp_path: Path):
    path = str(tmp_path / "warehouse.duckdb")
    with duckdb.connect(path) as writer:
        define_rules(writer)
        writer.execute(
            "create table mart_population_expected_victims (ward_code varchar, year integer, sex varchar, "
            "age_band varchar, ethnicity varchar, expected_victims_a_year double)"
        )
        define_rules_on_marts(writer)
    with duckdb.connect(path, read_only=True) as reader:
        assert reader.execute("select mid_year_for(date '2023-03-31'), is_child_band('5-10')").fetchone() == (2022, True)
        assert (
            reader.execute("select count(*) from expected_victims_in(date '2022-04-01', date '2023-03-31', 1.0)").fetchone()[0]
            == 0
        )
