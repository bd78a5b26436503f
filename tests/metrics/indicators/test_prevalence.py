"""Prevalence indicators on the tiny drop, against hand-computed rows.

The tiny drop (tests/drops.py), financial year 2025/26 (a whole year: one year, as Fingertips counts it):
- residents: Northfield E05990001 1,900 (female 25-34 1,000; male 25-34 900), Eastgate E05990002
  1,500 (asian), Southmoor E05990003 50 (female 16-17, given for an LSOA);
- incidents loaded: INC001 Northfield (V001, female 25-34 white, high risk, 2 children, crime),
  INC002 Eastgate (V002, male 35-44 asian, standard, no children), INC003 Southmoor by LSOA
  (V001 again 60 days later, medium risk, 1 child, crime).
"""

from __future__ import annotations

from datetime import date

import pytest

from metrics.aggregate import GroupFilters
from metrics.compute import Filters, compute
from metrics.disclosure import DisclosureRule
from metrics.periods import financial_year

YEAR = financial_year(2025)
YEARS = 1.0  # a whole financial year is one year (count / mid-year population)
OPEN = DisclosureRule.unsuppressed()
EXACT_1 = (0.025317807984289897, 5.571643390938898)  # exact 95% limits on a count of 1 (PHEindicatormethods)


def rows(con, indicator_id, **filters):
    frame = compute(con, indicator_id, Filters(period=YEAR, **filters), rule=OPEN)
    return {row["cut_value"]: row for row in frame.iter_rows(named=True)}


def test_incidents_per_1000_residents_by_ward(tiny_warehouse):
    result = rows(tiny_warehouse, "prevalence_incidents_per_1000", by="ward")
    northfield = result["E05990001"]
    assert northfield["cut_label"] == "Northfield"
    assert northfield["numerator"] == 1
    assert northfield["denominator"] == pytest.approx(1900 * YEARS)
    assert northfield["value"] == pytest.approx(1000 / (1900 * YEARS))
    assert (northfield["lower_95"], northfield["upper_95"]) == pytest.approx(
        tuple(limit * 1000 / (1900 * YEARS) for limit in EXACT_1), rel=1e-9
    )
    assert northfield["method"] == "exact"
    assert result["E05990003"]["value"] == pytest.approx(1000 / (50 * YEARS))
    assert {row["comparator"] for row in result.values()} == {"district"}
    assert northfield["comparator_value"] == pytest.approx(3 * 1000 / (3450 * YEARS))


def test_district_rate_is_compared_with_england_and_wales(tiny_warehouse):
    (district,) = rows(tiny_warehouse, "prevalence_incidents_per_1000").values()
    assert district["cut"] == "district"
    assert district["value"] == pytest.approx(3 * 1000 / (3450 * YEARS))
    assert (district["comparator"], district["comparator_value"]) == ("England and Wales (year ending March 2017)", 19.0)
    # 0.87 per 1,000 with an upper 99.8% limit far below 19: lower beyond the 99.8% limits.
    assert district["comparison"] == "lower_998"
    assert (
        district["comparison_text"] == "significantly lower than the England and Wales (year ending March 2017) benchmark (99.8%)"
    )


def test_rates_by_sex_use_the_residents_of_that_sex(tiny_warehouse):
    result = rows(tiny_warehouse, "prevalence_incidents_per_1000", by="sex")
    assert result["female"]["numerator"] == 2
    assert result["female"]["denominator"] == pytest.approx((1000 + 800 + 50) * YEARS)
    assert result["male"]["denominator"] == pytest.approx((900 + 700) * YEARS)


def test_a_group_in_a_ward_is_compared_with_the_same_group_in_the_district(tiny_warehouse):
    result = rows(tiny_warehouse, "prevalence_incidents_per_1000", by="sex", groups=GroupFilters(ward_code="E05990001"))
    assert result["female"]["comparator"] == "district (female)"
    assert result["female"]["comparator_value"] == pytest.approx(2 * 1000 / (1850 * YEARS))
    assert result["male"]["numerator"] == 0


def test_crimes_and_16_plus_rates(tiny_warehouse):
    (crimes,) = rows(tiny_warehouse, "crimes_per_1000").values()
    assert crimes["numerator"] == 2
    (adults,) = rows(tiny_warehouse, "prevalence_incidents_per_1000_16plus").values()
    assert adults["denominator"] == pytest.approx(3450 * YEARS)  # every resident in the drop is 16 or over


def test_repeat_victimisation_places_each_victim_by_their_latest_incident(tiny_warehouse):
    (district,) = rows(tiny_warehouse, "repeat_victimisation_pct").values()
    assert (district["numerator"], district["denominator"], district["value"]) == (1, 2, pytest.approx(50.0))
    assert district["method"] == "wilson"
    by_ward = rows(tiny_warehouse, "repeat_victimisation_pct", by="ward")
    assert by_ward["E05990003"]["numerator"] == 1  # V001's second incident was in Southmoor
    assert by_ward["E05990002"]["numerator"] == 0


def test_children_present_exposed_high_risk_and_honour_based(tiny_warehouse):
    (present,) = rows(tiny_warehouse, "children_present_pct").values()
    assert (present["numerator"], present["denominator"]) == (2, 3)
    (exposed,) = rows(tiny_warehouse, "children_exposed_per_1000_children").values()
    assert exposed["numerator"] == 3
    assert exposed["denominator"] == pytest.approx(50 * YEARS)  # the only children are Southmoor's 16-17s
    (high,) = rows(tiny_warehouse, "dash_high_risk_pct").values()
    assert (high["numerator"], high["denominator"]) == (1, 3)
    (honour,) = rows(tiny_warehouse, "honour_based_abuse_count").values()
    assert (honour["numerator"], honour["value"], honour["lower_95"]) == (0, 0, None)


def test_monthly_cut_annualises_each_month(tiny_warehouse):
    result = rows(tiny_warehouse, "prevalence_incidents_per_1000", by="month")
    assert sorted(result) == ["2025-04", "2025-05", "2025-06"]
    assert result["2025-04"]["denominator"] == pytest.approx(3450 / 12)  # each month is a twelfth of a year
    assert result["2025-04"]["comparison"] == "not_compared"


def test_small_counts_are_hidden_at_every_level(tiny_warehouse):
    frame = compute(tiny_warehouse, "prevalence_incidents_per_1000", Filters(period=YEAR, by="ward"), rule=DisclosureRule(7, 5))
    assert frame["numerator"].to_list() == [None, None, None]
    assert frame["value"].to_list() == [None, None, None]
    assert frame["value_suppressed"].all()
    assert set(frame["comparison_text"]) == {"not shown: too few people to show safely"}
    district = compute(tiny_warehouse, "prevalence_incidents_per_1000", Filters(period=YEAR), rule=DisclosureRule(7, 5))
    # the district's too: exact district totals over overlapping years would give the months between exactly
    assert district["numerator"].to_list() == [None] and district["value_suppressed"].all()
    assert compute(tiny_warehouse, "prevalence_incidents_per_1000", Filters(period=YEAR), rule=OPEN)["numerator"].to_list() == [3]


def test_unknown_cut_is_refused(tiny_warehouse):
    from metrics.aggregate import UnsupportedCut

    with pytest.raises(UnsupportedCut, match="cannot be cut by sex"):
        compute(tiny_warehouse, "children_exposed_per_1000_children", Filters(period=YEAR, by="sex"), rule=OPEN)


def test_period_defaults_to_the_latest_twelve_whole_months(tiny_warehouse):
    frame = compute(tiny_warehouse, "prevalence_incidents_per_1000", Filters(), rule=OPEN)
    assert (frame["period_start"][0], frame["period_end"][0]) == (date(2024, 7, 1), date(2025, 6, 30))
