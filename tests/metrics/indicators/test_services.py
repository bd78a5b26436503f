"""Service and perpetrator indicators on the services drop (tests/metrics/test_coverage.py), by hand.

Financial year 2025/26. Residents aged 16+: Northfield 2,200, Eastgate 1,600, Southmoor 1,000
(4,800); children 0-17: Northfield 300 boys aged 5-10, Eastgate 100 women aged 16-17 (400).
Victims aged 16+ whose support started in the year: Northfield 13 women and 1 man, Eastgate 4
Asian women (one aged 16-17), Southmoor 2 women: 20 (19 women, 1 man). Expected victims (survey:
women 5%, women 16-17 10%, men 2%): women 60 + 50 + 25 = 135, men 20 + 14 + 10 = 44.
"""

from __future__ import annotations

import pytest

from metrics.compute import Filters, compute
from metrics.definitions import Method, Topic
from metrics.disclosure import DisclosureRule
from metrics.indicators.services import INDICATORS
from metrics.registry import get
from metrics.stats import byars_limits, wilson_ci
from tests.metrics.test_coverage import YEAR, YEARS

OPEN = DisclosureRule.unsuppressed()
N, E, S = "E05990001", "E05990002", "E05990003"


@pytest.fixture
def con(services_warehouse):
    return services_warehouse


def rows(con, indicator_id, **filters):
    frame = compute(con, indicator_id, Filters(period=YEAR, **filters), rule=OPEN, with_trend=False)
    return {row["cut_value"]: row for row in frame.iter_rows(named=True)}


def test_every_service_indicator_is_registered_with_its_query():
    ids = {indicator.id for indicator in INDICATORS}
    assert {
        "people_reached_per_1000",
        "children_reached_per_1000_children",
        "perpetrators_reached_per_1000",
        "reach_vs_need_pct",
        "service_completion_pct",
        "service_dropout_pct",
        "perpetrator_programme_completion_pct",
    } <= ids
    for indicator_id in ids:
        assert get(indicator_id).topic in (Topic.SERVICES, Topic.PERPETRATORS)


def test_victims_reached_per_1000_residents_aged_16_plus(con):
    (district,) = rows(con, "people_reached_per_1000").values()
    assert district["numerator"] == 20
    assert district["denominator"] == pytest.approx(4800 * YEARS)
    assert district["value"] == pytest.approx(20 * 1000 / (4800 * YEARS))
    by_ward = rows(con, "people_reached_per_1000", by="ward")
    assert {ward: by_ward[ward]["numerator"] for ward in (N, E, S)} == {N: 14, E: 4, S: 2}
    assert by_ward[N]["value"] == pytest.approx(14 * 1000 / (2200 * YEARS))
    assert by_ward[N]["cut_label"] == "Northfield"


def test_children_and_perpetrators_reached(con):
    (children,) = rows(con, "children_reached_per_1000_children").values()
    assert (children["numerator"], children["denominator"]) == (2, pytest.approx(400 * YEARS))
    assert rows(con, "children_reached_per_1000_children", by="ward")[N]["value"] == pytest.approx(2 * 1000 / (300 * YEARS))
    (perpetrators,) = rows(con, "perpetrators_reached_per_1000").values()
    assert perpetrators["numerator"] == 8
    assert perpetrators["value"] == pytest.approx(8 * 1000 / (4800 * YEARS))
    assert get("perpetrators_reached_per_1000").topic is Topic.PERPETRATORS


def test_reach_against_survey_predicted_need(con):
    (district,) = rows(con, "reach_vs_need_pct").values()
    assert district["numerator"] == 20
    assert district["denominator"] == pytest.approx(179 * YEARS)
    assert district["value"] == pytest.approx(20 / (179 * YEARS) * 100)
    lower, upper = byars_limits(20, 0.95)
    assert (district["lower_95"], district["upper_95"]) == pytest.approx(
        (lower / (179 * YEARS) * 100, upper / (179 * YEARS) * 100)
    )
    by_sex = rows(con, "reach_vs_need_pct", by="sex")
    assert (by_sex["female"]["numerator"], by_sex["female"]["denominator"]) == (19, pytest.approx(135 * YEARS))
    assert (by_sex["male"]["numerator"], by_sex["male"]["denominator"]) == (1, pytest.approx(44 * YEARS))
    assert get("reach_vs_need_pct").method is Method.RATIO


def test_completion_and_dropout_of_support_that_ended(con):
    # Ended after a start: IDVA 10 (6 completed, 3 disengaged, 1 transferred), refuge 1 and men's
    # outreach 1 (both completed), programme 6 (4 completed, 2 disengaged): 12 of 18 completed, 5 disengaged.
    (completion,) = rows(con, "service_completion_pct").values()
    expected = wilson_ci(12, 18)
    assert (completion["numerator"], completion["denominator"]) == (12, 18)
    assert (completion["value"], completion["lower_95"], completion["upper_95"]) == pytest.approx(
        (expected.value, expected.lower, expected.upper)
    )
    (dropout,) = rows(con, "service_dropout_pct").values()
    assert (dropout["numerator"], dropout["denominator"], dropout["value"]) == (5, 18, pytest.approx(500 / 18))


def test_perpetrator_programme_uptake_and_completion(con):
    (uptake,) = rows(con, "perpetrator_programme_uptake_pct").values()
    assert (uptake["numerator"], uptake["denominator"], uptake["value"]) == (8, 10, pytest.approx(80.0))
    (completion,) = rows(con, "perpetrator_programme_completion_pct").values()
    assert (completion["numerator"], completion["denominator"]) == (4, 6)
    assert completion["value"] == pytest.approx(wilson_ci(4, 6).value)


def test_small_counts_are_hidden_under_the_default_rule(con):
    rule = DisclosureRule(threshold=7, rounding_base=5)
    by_ward = compute(con, "people_reached_per_1000", Filters(period=YEAR, by="ward"), rule=rule, with_trend=False)
    shown = {row["cut_value"]: (row["numerator"], row["value"]) for row in by_ward.iter_rows(named=True)}
    assert shown[N][0] == 15 and shown[E] == (None, None) and shown[S] == (None, None)


def test_idva_caseload_is_idva_starts_per_fte_a_year(tiny_warehouse):
    """Tiny drop: the register's one IDVA service (SVC01) has 2.5 FTE and no referrals yet."""
    from metrics.aggregate import UnsupportedCut
    from metrics.compute import Filters, compute
    from metrics.disclosure import DisclosureRule
    from metrics.periods import financial_year

    year = financial_year(2025)
    (row,) = compute(tiny_warehouse, "idva_caseload_per_fte", Filters(period=year), rule=DisclosureRule.unsuppressed()).iter_rows(
        named=True
    )
    assert (row["numerator"], row["value"]) == (0, 0.0)
    assert row["denominator"] == pytest.approx(2.5 * year.years)
    assert row["comparator"] == "SafeLives capacity guide (date not recorded)"
    with pytest.raises(UnsupportedCut, match="it is a district figure"):
        compute(tiny_warehouse, "idva_caseload_per_fte", Filters(period=year, by="ward"), rule=DisclosureRule.unsuppressed())
