"""MARAC indicators on tiny literal data, against hand-computed rows.

The MARAC drop (tests/drops.py), financial year 2025/26 (a whole year: Y = 1 year, as Fingertips counts it):
- residents aged 16+: Northfield female 1,000 and male 900 (white, 25-34); Eastgate female 800 and
  male 700 (asian, 25-34); Southmoor female 16-17 50 (ethnic group `all`). Women 16+: 1,850.
- cases heard in the year (M01, December 2024, only makes M02 a repeat):
  M02 Northfield female 25-34 white, police, repeat; M03 Eastgate female asian, IDVA, disabled;
  M04 Eastgate male asian, health, LGBT+; M05 Southmoor female 16-17 (ethnic group unknown), police;
  M06 Northfield female black, housing; M07 Eastgate female asian, police, repeat of M03;
  M08 Northfield, nothing recorded, police.
"""

from __future__ import annotations

import math

import duckdb
import pytest

from etl.rules import define_rules
from etl.warehouse import Warehouse
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.indicators.marac import INDICATORS
from metrics.periods import financial_year
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_marac_drop

YEAR = financial_year(2025)
Y = 1.0  # a whole financial year is one year (count / mid-year population)
OPEN = DisclosureRule.unsuppressed()
EXACT_1 = (0.025317807984289897, 5.571643390938898)  # exact 95% limits on a count of 1 (PHEindicatormethods)
Z95 = 1.959963984540054


def wilson_percent(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score limits written out by hand, in percent."""
    p = successes / trials
    centre = 2 * successes + z * z
    spread = z * math.sqrt(z * z + 4 * successes * (1 - p))
    scale = 2 * (trials + z * z)
    return 100 * (centre - spread) / scale, 100 * (centre + spread) / scale


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("marac")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_marac_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    con = Warehouse(settings.warehouse).connect_read_only()
    yield con
    con.close()


def rows(con, indicator_id, **filters):
    frame = compute(con, indicator_id, Filters(period=YEAR, **filters), rule=OPEN)
    return {row["cut_value"]: row for row in frame.iter_rows(named=True)}


def test_cases_per_10000_women_against_safelives_expected_volume(warehouse):
    (district,) = rows(warehouse, "marac_cases_per_10000_women").values()
    assert (district["numerator"], district["denominator"]) == (7, pytest.approx(1850 * Y))
    assert district["value"] == pytest.approx(70000 / (1850 * Y))
    assert (district["comparator"], district["comparator_value"]) == ("SafeLives expected volume (date not recorded)", 40.0)
    assert district["comparison"] == "similar"
    by_ward = rows(warehouse, "marac_cases_per_10000_women", by="ward")
    assert by_ward["E05990001"]["numerator"] == 3  # M08 counts though its victim's sex is unknown
    assert by_ward["E05990002"]["value"] == pytest.approx(30000 / (800 * Y))
    southmoor = by_ward["E05990003"]
    assert southmoor["denominator"] == pytest.approx(50 * Y)
    assert (southmoor["lower_95"], southmoor["upper_95"]) == pytest.approx(
        tuple(limit * 10000 / (50 * Y) for limit in EXACT_1), rel=1e-9
    )


def test_repeat_cases_count_hearings_of_the_same_victim_within_a_year(warehouse):
    (district,) = rows(warehouse, "marac_repeat_pct").values()
    assert (district["numerator"], district["denominator"]) == (2, 7)
    assert (district["lower_95"], district["upper_95"]) == pytest.approx(wilson_percent(2, 7), rel=1e-9)
    assert (district["comparator"], district["comparator_value"]) == ("England and Wales (12 months to September 2024)", 31.0)
    by_month = rows(warehouse, "marac_repeat_pct", by="month")
    # a month whose 12-month look-back reaches before the data start is left out of the series (May 2025 here)
    assert {month for month, row in by_month.items() if row["numerator"]} == {"2026-02"}


def test_referrals_from_agencies_other_than_police(warehouse):
    (district,) = rows(warehouse, "marac_non_police_referrals_pct").values()
    assert (district["numerator"], district["denominator"], district["value"]) == (3, 7, pytest.approx(300 / 7))
    assert district["comparator_value"] == 36.1
    assert rows(warehouse, "marac_non_police_referrals_pct", by="ward")["E05990002"]["numerator"] == 2


def test_minoritised_victims_against_national_and_local_adults(warehouse):
    (district,) = rows(warehouse, "marac_minoritised_pct").values()
    # Ethnic group recorded for M02, M03, M04, M06, M07; minoritised: all but M02.
    assert (district["numerator"], district["denominator"], district["value"]) == (4, 5, pytest.approx(80.0))
    assert (district["lower_95"], district["upper_95"]) == pytest.approx(wilson_percent(4, 5), rel=1e-9)
    assert district["comparison"] == "better_998"  # 14.1% lies below the 99.8% lower limit (22%)
    # Residents 16+ split by ethnic group: 1,500 asian of 3,400 (Southmoor's `all` rows are left out).
    assert district["local_comparator"] == "local population aged 16+"
    assert district["local_comparator_value"] == pytest.approx(1500 / 3400 * 100)
    assert district["local_comparison"] == "similar"
    assert district["local_comparison_text"] == "similar to the local population aged 16+"


def test_local_share_follows_the_cut(warehouse):
    by_ward = rows(warehouse, "marac_minoritised_pct", by="ward")
    assert (by_ward["E05990001"]["numerator"], by_ward["E05990001"]["denominator"]) == (1, 2)
    assert by_ward["E05990001"]["local_comparator_value"] == 0.0
    assert by_ward["E05990002"]["local_comparator_value"] == 100.0
    by_sex = rows(warehouse, "marac_minoritised_pct", by="sex")
    assert by_sex["female"]["local_comparator_value"] == pytest.approx(800 / 1800 * 100)
    assert by_sex["male"]["local_comparator_value"] == pytest.approx(700 / 1600 * 100)
    # Residents do not change within the year: every month is set against the year's share.
    by_month = rows(warehouse, "marac_minoritised_pct", by="month")
    assert [row["local_comparator_value"] for row in by_month.values()] == pytest.approx([1500 / 3400 * 100] * len(by_month))


def test_male_and_16_17_victims_against_local_adults(warehouse):
    (male,) = rows(warehouse, "marac_male_pct").values()
    assert (male["numerator"], male["denominator"]) == (1, 6)  # M08's sex is unknown
    assert male["comparator_value"] == 6.4
    assert male["local_comparator_value"] == pytest.approx(1600 / 3450 * 100)
    assert rows(warehouse, "marac_male_pct", by="ward")["E05990001"]["local_comparator_value"] == pytest.approx(900 / 1900 * 100)
    (young,) = rows(warehouse, "marac_aged_16_17_pct").values()
    assert (young["numerator"], young["denominator"]) == (1, 6)
    assert young["local_comparator_value"] == pytest.approx(50 / 3450 * 100)
    assert (young["comparison"], young["local_comparison"]) == ("higher_998", "higher_998")
    assert young["local_comparison_text"] == "significantly higher than the local population aged 16+ (99.8%)"


def test_lgbt_and_disabled_victims_have_no_local_comparator(warehouse):
    (lgbt,) = rows(warehouse, "marac_lgbt_pct").values()
    assert (lgbt["numerator"], lgbt["denominator"], lgbt["comparator_value"]) == (1, 3, 1.6)
    (disabled,) = rows(warehouse, "marac_disabled_pct").values()
    assert (disabled["numerator"], disabled["denominator"], disabled["comparator_value"]) == (2, 4, 10.1)
    assert disabled["local_comparator"] is None and disabled["local_comparator_value"] is None
    assert (disabled["local_comparison"], disabled["local_comparison_text"]) == ("not_compared", "no local population comparator")


def test_hidden_values_are_not_compared_with_local_adults_either(warehouse):
    frame = compute(warehouse, "marac_minoritised_pct", Filters(period=YEAR, by="ward"), rule=DisclosureRule(7, 5))
    heard = frame.filter(frame["denominator"].is_null() | (frame["denominator"] > 0))  # wards with no case have 0 of 0
    assert heard.height >= 1 and heard["value_suppressed"].all()
    assert set(heard["local_comparison"]) == {"not_compared"}
    assert set(heard["local_comparison_text"]) == {"not shown: too few people to show safely"}
    assert frame.filter(frame["denominator"] == 0)["value"].is_null().all()


def test_every_marac_indicator_computes_for_every_cut_it_allows(warehouse):
    for indicator in INDICATORS:
        for by in (None, *indicator.dimensions):
            frame = compute(warehouse, indicator.id, Filters(period=YEAR, by=by), rule=DisclosureRule(7, 5))
            # a look-back measure has no period rows in the data's first year: its look-back is incomplete
            truncated = indicator.look_back_days and by in ("month", "quarter", "year")
            assert frame.height >= 1 or truncated, (indicator.id, by)


def test_no_local_share_of_minoritised_residents_when_the_population_is_not_split():
    con = duckdb.connect()
    define_rules(con)  # the warehouse's shared rules, as a refresh defines them
    con.execute(
        "create table mart_population as select 'E05990001' as ward_code, 2025 as year, 'female' as sex, "
        "'25-34' as age_band, 'all' as ethnicity, 100.0 as population"
    )
    con.execute(
        "create table mart_marac_cases as select date '2025-06-01' as heard_on, 'E05990001' as ward_code, "
        "'female' as victim_sex, '25-34' as victim_age_band, 'asian' as victim_ethnicity"
    )
    (district,) = rows(con, "marac_minoritised_pct").values()
    assert (district["numerator"], district["denominator"]) == (1, 1)
    assert (district["local_comparator"], district["local_comparison_text"]) == (None, "no local population comparator")
    con.close()
