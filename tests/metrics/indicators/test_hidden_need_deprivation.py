"""Expected victims adjusted for deprivation, on tiny literal tables worked by hand.

Wards: W1 in IMD quintile 1 (most deprived), W5 in quintile 5, W0 with no quintile. Survey rates:
women 16-17 0.10 (all areas) and 0.20 (quintile 1); women 0.06 (all areas) and 0.03 (quintile 5); men 0.05.
Residents (100 in each cell) and the rate the most specific match gives:
- W1: women 16-17 x 0.20 (band, quintile) = 20; women 25-34 x 0.06 (no quintile-1 rate but the band's
  own is not held either, so the sex-level rate) = 6; men 25-34 x 0.05 = 5; 31 in all.
- W5: women 16-17 x 0.10 (no band rate for quintile 5: the band's rate for all areas) = 10; women 25-34
  x 0.03 (sex-level rate for quintile 5) = 3; 13 in all.
- W0: women 25-34 x 0.06 (no quintile: all-areas rates) = 6.
"""

from __future__ import annotations

import duckdb
import pytest

from etl.marts import mart_files
from etl.rules import define_rules
from metrics.indicators.hidden_need import adjusted_for, rates_applied

W1, W5, W0 = "E05990001", "E05990005", "E05990009"


def tables(con, *, quintiles=(1, 5, None), quintile_rates=True):
    define_rules(con)  # the shared SQL rules, as a refresh defines them before the marts
    con.execute(
        "create or replace table mart_population (ward_code varchar, year integer, sex varchar, "
        "age_band varchar, ethnicity varchar, population double)"
    )
    con.execute(f"""insert into mart_population values
        ('{W1}', 2024, 'female', '16-17', 'all', 100), ('{W1}', 2024, 'female', '25-34', 'all', 100),
        ('{W1}', 2024, 'male', '25-34', 'all', 100), ('{W1}', 2024, 'female', '11-15', 'all', 100),
        ('{W5}', 2024, 'female', '16-17', 'all', 100), ('{W5}', 2024, 'female', '25-34', 'all', 100),
        ('{W0}', 2024, 'female', '25-34', 'all', 100)""")
    con.execute("create or replace table stg_wards (ward_code varchar, imd_quintile bigint)")
    con.executemany("insert into stg_wards values (?, ?)", list(zip((W1, W5, W0), quintiles, strict=True)))
    con.execute(
        "create or replace table stg_prevalence_rates (source varchar, period varchar, sex varchar, "
        "age_band varchar, imd_quintile varchar, rate double)"
    )
    rows = [
        ("survey", "year ending March 2023", "female", "16-17", "all", 0.10),
        ("survey", "year ending March 2023", "female", "all", "all", 0.06),
        ("survey", "year ending March 2023", "male", "all", "all", 0.05),
    ]
    if quintile_rates:
        rows += [
            ("survey by deprivation", "year ending March 2023", "female", "16-17", "1", 0.20),
            ("survey by deprivation", "year ending March 2023", "female", "all", "5", 0.03),
        ]
    con.executemany("insert into stg_prevalence_rates values (?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        f"create or replace table mart_population_expected_victims as {dict(mart_files())['mart_population_expected_victims']}"
    )


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def expected_by_ward(con) -> dict[str, float]:
    return dict(
        con.execute(
            "select ward_code, sum(expected_victims_a_year) from mart_population_expected_victims group by ward_code"
        ).fetchall()
    )


def test_expected_victims_take_the_most_specific_rate(con):
    tables(con)
    assert expected_by_ward(con) == pytest.approx({W1: 31.0, W5: 13.0, W0: 6.0})
    bases = {
        (ward, sex, band): basis
        for ward, sex, band, basis in con.execute(
            "select ward_code, sex, age_band, rate_basis from mart_population_expected_victims"
        ).fetchall()
    }
    assert bases == {
        (W1, "female", "16-17"): "age band and deprivation",
        (W1, "female", "25-34"): "sex",
        (W1, "male", "25-34"): "sex",
        (W5, "female", "16-17"): "age band",
        (W5, "female", "25-34"): "sex and deprivation",
        (W0, "female", "25-34"): "sex",
    }


def test_without_quintile_rates_or_ward_quintiles_it_falls_back_to_age_and_sex(con):
    tables(con, quintile_rates=False)
    assert expected_by_ward(con) == pytest.approx({W1: 10 + 6 + 5, W5: 10 + 6, W0: 6.0})
    assert "not for deprivation: no survey rates by deprivation quintile are loaded" in adjusted_for(con)
    tables(con, quintiles=(None, None, None))
    assert expected_by_ward(con) == pytest.approx({W1: 21.0, W5: 16.0, W0: 6.0})
    assert "not for deprivation: no ward in the ward reference carries an IMD quintile" in adjusted_for(con)


def test_the_page_says_what_the_estimate_was_adjusted_for(con):
    tables(con)
    assert adjusted_for(con) == (
        "Expected victims are adjusted for sex, age band and deprivation (the ward's IMD "
        "quintile). Wards with no IMD quintile in the ward reference take the rates for all "
        "areas."
    )
    applied = {
        (row["sex"], row["age_band"], row["imd_quintile"]): (row["rate"], row["basis"])
        for row in rates_applied(con).iter_rows(named=True)
    }
    assert applied[("female", "16-17", "1")] == (0.20, "age band and deprivation quintile rate")
    assert applied[("female", "25-34", "5")] == (0.03, "sex-level rate for the deprivation quintile")
    assert applied[("female", "25-34", None)] == (0.06, "sex-level rate")
