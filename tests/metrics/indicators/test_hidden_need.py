"""The hidden-need reporting ratio on tiny literal data, against hand-computed rows.

The hidden-need drop (tests/drops.py), financial year 2025/26 (a whole year: Y = 1 year, as Fingertips counts it):
- residents aged 16+: Northfield female 25-34 1,000 and male 25-34 900 (white); Eastgate female
  25-34 800 and male 25-34 700 (asian); Southmoor female 16-17 50 (ethnic group `all`);
- survey rates: women 16-17 0.105 (a band rate), women 0.057 (2023; beats the 2017 0.075), men 0.032;
- expected victims: Northfield 1,000 x 0.057 + 900 x 0.032 = 85.8; Eastgate 800 x 0.057 + 700 x 0.032
  = 68; Southmoor 50 x 0.105 = 5.25; district 159.05; each times Y;
- known victims aged 16+ or unknown: V001 (latest incident 1 Jun, Southmoor, female 25-34 white),
  V002 (Eastgate in May, latest 15 Sep in Northfield, male 35-44 asian), V006 (1 Sep, Northfield,
  female of unknown age, white); V005 (aged 11-15) is left out.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from etl.marts import mart_files
from etl.rules import define_rules, define_rules_on_marts
from etl.warehouse import Warehouse
from metrics.aggregate import UnsupportedCut
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.indicators.hidden_need import rates_applied
from metrics.periods import between, financial_year
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_hidden_need_drop

ID = "hidden_need_reporting_ratio"
YEAR = financial_year(2025)
Y = 1.0  # a whole financial year is one year (count / mid-year population)
OPEN = DisclosureRule.unsuppressed()
EXACT_1 = (0.025317807984289897, 5.571643390938898)  # exact 95% limits on a count of 1 (PHEindicatormethods)
NORTHFIELD, EASTGATE, SOUTHMOOR = 85.8, 68.0, 5.25
DISTRICT = NORTHFIELD + EASTGATE + SOUTHMOOR


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("hidden_need")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_hidden_need_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    yield con
    con.close()


def rows(con, period=YEAR, **filters):
    frame = compute(con, ID, Filters(period=period, **filters), rule=OPEN)
    return {row["cut_value"]: row for row in frame.iter_rows(named=True)}


def test_district_ratio_is_known_victims_per_100_expected(warehouse):
    (district,) = rows(warehouse).values()
    assert district["numerator"] == 3
    assert district["denominator"] == pytest.approx(DISTRICT * Y)
    assert district["value"] == pytest.approx(300 / (DISTRICT * Y))
    assert district["method"] == "exact"
    # About 1 in 5 victims report nationally; 1.9 per 100 with a 99.8% upper limit near 8 is far below.
    assert (district["comparator"], district["comparator_value"]) == ("England and Wales estimate (date not recorded)", 20.0)
    assert district["comparison"] == "worse_998"


def test_wards_are_compared_with_the_district(warehouse):
    result = rows(warehouse, by="ward")
    assert {code: (row["numerator"], row["denominator"]) for code, row in result.items()} == {
        "E05990001": (2, pytest.approx(NORTHFIELD * Y)),
        "E05990002": (0, pytest.approx(EASTGATE * Y)),
        "E05990003": (1, pytest.approx(SOUTHMOOR * Y)),
    }
    southmoor = result["E05990003"]
    assert southmoor["value"] == pytest.approx(100 / (SOUTHMOOR * Y))
    assert (southmoor["lower_95"], southmoor["upper_95"]) == pytest.approx(
        tuple(limit * 100 / (SOUTHMOOR * Y) for limit in EXACT_1), rel=1e-9
    )
    assert result["E05990002"]["value"] == 0
    assert {row["comparator"] for row in result.values()} == {"district"}
    assert southmoor["comparator_value"] == pytest.approx(300 / (DISTRICT * Y))


def test_groups_get_the_expected_victims_of_their_own_sex_and_age(warehouse):
    by_sex = rows(warehouse, by="sex")
    assert (by_sex["female"]["numerator"], by_sex["female"]["denominator"]) == (2, pytest.approx((57 + 45.6 + 5.25) * Y))
    assert (by_sex["male"]["numerator"], by_sex["male"]["denominator"]) == (1, pytest.approx((28.8 + 22.4) * Y))
    by_age = rows(warehouse, by="age_band")
    assert by_age["25-34"]["numerator"] == 1
    assert by_age["25-34"]["denominator"] == pytest.approx(153.8 * Y)
    assert (by_age["16-17"]["numerator"], by_age["16-17"]["value"]) == (0, 0)
    # Victims in bands no resident is in have nothing to be set against: no value, not compared.
    assert by_age["35-44"]["value"] is None and by_age["unknown"]["value"] is None
    assert by_age["unknown"]["comparison"] == "not_compared"
    by_ethnicity = rows(warehouse, by="ethnicity")
    assert (by_ethnicity["asian"]["numerator"], by_ethnicity["asian"]["denominator"]) == (1, pytest.approx(EASTGATE * Y))
    assert by_ethnicity["white"]["numerator"] == 2


def test_expected_victims_scale_with_the_period_and_victims_are_placed_within_it(warehouse):
    quarter = between(date(2025, 4, 1), date(2025, 6, 30))  # 91 days
    result = rows(warehouse, period=quarter, by="ward")
    assert result["E05990002"]["numerator"] == 1  # V002's incident in the quarter was in Eastgate
    assert result["E05990001"]["numerator"] == 0
    assert result["E05990001"]["denominator"] == pytest.approx(NORTHFIELD * 3 / 12)  # a part year, annualised by months


def test_rates_applied_say_whether_a_band_or_sex_level_rate_was_used(warehouse):
    applied = {(row["sex"], row["age_band"]): row for row in rates_applied(warehouse).iter_rows(named=True)}
    assert (applied[("female", "16-17")]["rate"], applied[("female", "16-17")]["basis"]) == (0.105, "age band rate")
    assert (applied[("female", "25-34")]["rate"], applied[("female", "25-34")]["basis"]) == (0.057, "sex-level rate")
    assert applied[("female", "25-34")]["period"] == "year ending March 2023"
    assert applied[("male", "25-34")]["rate"] == 0.032


def test_small_counts_hide_the_ratio_but_not_the_expected_victims(warehouse):
    frame = compute(warehouse, ID, Filters(period=YEAR, by="ward"), rule=DisclosureRule(7, 5))
    assert frame["value"].to_list() == [None, 0, None]  # 0 stays 0
    assert frame["numerator"].to_list() == [None, 0, None]
    assert frame["denominator"].to_list() == pytest.approx([NORTHFIELD * Y, EASTGATE * Y, SOUTHMOOR * Y])


@pytest.fixture
def unsplit():
    """Literal mart-shaped tables: one ward, residents not split by ethnic group, two mid-years; with the
    warehouse's shared rules, as a refresh defines them."""
    con = duckdb.connect()
    define_rules(con)
    con.execute(
        "create table mart_population (ward_code varchar, year integer, sex varchar, age_band varchar, "
        "ethnicity varchar, population double)"
    )
    con.execute("""insert into mart_population values
        ('E05990001', 2024, 'female', '16-17', 'all', 100), ('E05990001', 2024, 'male', '16-17', 'all', 100),
        ('E05990001', 2024, 'female', '11-15', 'all', 500), ('E05990001', 2027, 'female', '16-17', 'all', 9999)""")
    con.execute("create table stg_wards (ward_code varchar, imd_quintile bigint)")
    con.execute("insert into stg_wards values ('E05990001', null)")
    con.execute(
        "create table stg_prevalence_rates (source varchar, period varchar, sex varchar, age_band varchar, "
        "imd_quintile varchar, rate double)"
    )
    con.execute("""insert into stg_prevalence_rates values
        ('survey', 'year ending March 2017', 'female', '16-17', 'all', 0.1),
        ('survey', 'year ending March 2023', 'female', 'all', 'all', 0.06),
        ('survey', 'year ending March 2023', 'male', 'all', 'all', 0.05)""")
    con.execute(
        "create table mart_incidents (victim_id varchar, reported_at timestamp, reported_on date, ward_code varchar, "
        "victim_sex varchar, victim_age_band varchar, victim_ethnicity varchar)"
    )
    incidents = (("V1", date(2025, 5, 1), "16-17"), ("V1", date(2025, 7, 1), "16-17"), ("V2", date(2025, 5, 1), "11-15"))
    for victim, day, age_band in incidents:
        con.execute(
            "insert into mart_incidents values (?, ?, ?, 'E05990001', 'female', ?, 'white')",
            [victim, datetime.combine(day, datetime.min.time()), day, age_band],
        )
    expected_victims = dict(mart_files())["mart_population_expected_victims"]  # the real mart, over these tables
    con.execute(f"create table mart_population_expected_victims as {expected_victims}")
    define_rules_on_marts(con)
    yield con
    con.close()


def test_band_rate_then_sex_level_rate_on_the_mid_year_before_the_period_end(unsplit):
    (district,) = rows(unsplit).values()
    # 2024 residents (2027 is after the period): women 16-17 100 x 0.1 (band rate) + men 16-17 100 x 0.05 (sex-level).
    assert district["denominator"] == pytest.approx(15 * Y)
    assert district["numerator"] == 1  # V1 once; V2 is a child
    assert district["value"] == pytest.approx(100 / (15 * Y))


def test_no_cut_by_ethnic_group_when_residents_are_not_split_by_it(unsplit):
    with pytest.raises(UnsupportedCut, match="not split by ethnic group"):
        compute(unsplit, ID, Filters(period=YEAR, by="ethnicity"), rule=OPEN)
