"""Commissioning figures on the services drop of test_coverage.py (its docstring gives every row), by hand:
unmet need in people with 95% limits, the gap threshold as a setting, both IDVA figures and MARAC
administrators, contract risk, the service nearest a gap, and what-if scenarios."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from metrics import coverage, idva_capacity, service_referrals
from metrics.commissioning import contract_risks, nearest_services
from metrics.coverage import Assumptions
from metrics.read import rows as read
from metrics.scenario import ScenarioError, apply, read_scenario
from metrics.service_gaps import gap_analysis
from metrics.stats import byars_limits
from tests.metrics.test_coverage import DEFAULT, OPEN, YEAR, YEARS, E, N, S, build_services_warehouse, by_key


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = build_services_warehouse(tmp_path_factory.mktemp("commissioning"))
    yield connection
    connection.close()


def matrix(con, rule=OPEN, **options):
    return by_key(coverage.coverage_matrix(con, YEAR, rule, **options), "ward_code", "client_group")


def test_unmet_need_is_need_less_reach_with_the_needs_poisson_limits(con):
    women = matrix(con)[(N, "women")]  # need 60, reached 13
    lower, upper = byars_limits(60, 0.95)
    assert women["unmet_need"] == 47
    assert (women["unmet_need_lower_95"], women["unmet_need_upper_95"]) == (math.floor(lower - 13), math.ceil(upper - 13))
    # need of 4 children, 2 reached: exact limits below 10
    children = matrix(con)[(N, "children")]
    assert children["unmet_need"] == 2 and children["unmet_need_lower_95"] == 0


def test_published_unmet_need_comes_from_published_need_and_reach(con):
    rows = matrix(con, DEFAULT)
    women = rows[(N, "women")]  # published: need 60, reached 15
    assert (women["unmet_need"], women["unmet_need_suppressed"]) == (45, False)
    men = rows[(N, "men")]  # need 20, reach 1 hidden: taken as none, so nothing more is given away
    assert men["people_reached"] is None and men["unmet_need"] == 20
    for row in rows.values():
        value = row["unmet_need"]
        assert value is None or value == 0 or (value > DEFAULT.threshold and value % DEFAULT.rounding_base == 0)
    lgbt = rows[(N, "lgbt")]  # need not estimated: no unmet need, and not hidden either
    assert lgbt["unmet_need"] is None and not lgbt["unmet_need_suppressed"]


def test_the_gap_threshold_is_a_setting(con):
    assert matrix(con)[(N, "women")]["is_gap"]  # 13 of 60 is below 25%
    relaxed = matrix(con, reach_gap_pct=20.0)[(N, "women")]  # 21.7% is not below 20%
    assert (relaxed["is_gap"], relaxed["gap_reason"]) == (False, "")
    assert matrix(con, reach_gap_pct=50.0)[(E, "asian")]["gap_reason"] == "reach below 50% of estimated need"


def test_idva_need_for_cases_expected_and_heard_and_administrators(con):
    district = by_key(idva_capacity.idva_capacity(con, YEAR, OPEN), "ward_code")["district"]
    assert district["idva_fte_needed_for_cases_heard"] == pytest.approx(round(4 / YEARS / 100, 2))
    assert district["fte_gap_for_cases_heard"] == pytest.approx(round(round(4 / YEARS / 100, 2) - 3.0, 2))
    assert district["marac_admin_fte_needed"] == pytest.approx(round(2600 * 40 / 10_000 / 400, 2))
    assert district["marac_admin_fte_needed_for_cases_heard"] == pytest.approx(round(4 / YEARS / 400, 2))
    halved = by_key(idva_capacity.idva_capacity(con, YEAR, OPEN, assumptions=Assumptions(idva_cases_per_fte=50)), "ward_code")
    assert halved["district"]["idva_fte_needed"] == pytest.approx(round(2600 * 40 / 10_000 / 50, 2))
    hidden = by_key(idva_capacity.idva_capacity(con, YEAR, DEFAULT), "ward_code")[N]  # 3 cases heard: hidden with its needs
    assert hidden["n_marac_cases"] is None
    assert hidden["fte_gap_for_cases_heard"] is None and hidden["marac_admin_fte_needed_for_cases_heard"] is None


def test_contract_risk_flags_ending_contracts_overload_and_by_and_for():
    register = pl.DataFrame(
        {
            "service_id": ["A", "B", "C", "D", "E"],
            "service_name": ["Ending", "Over", "Fine", "By and for", "Ended"],
            "provider": ["p"] * 5,
            "contract_ends_on": [date(2026, 12, 31), date(2029, 3, 31), date(2027, 6, 5), None, date(2026, 1, 31)],
            "is_by_and_for": [False, False, False, True, False],
            "is_commissioned": [True, True, True, False, True],
        }
    )
    capacity = pl.DataFrame(
        {"service_id": ["A", "B", "C", "D", "E"], "demand_pct_of_capacity": [279.0, 120.0, 100.0, None, 50.0]}
    )
    risks = contract_risks(register, capacity, as_of=date(2026, 12, 4), months=6)
    assert risks["service_name"].to_list() == ["Ended", "Ending", "Over", "By and for"]  # "Fine" ends 5 June 2027: past 6 months
    by_name = by_key(risks, "service_name")
    assert by_name["Ending"]["risk"] == (
        "contract ends on 31 December 2026, within 6 months of the data date (04 December 2026); referrals at 279% of its places"
    )
    assert by_name["Ended"]["risk"] == "contract ended on 31 January 2026"
    assert by_name["By and for"]["risk"] == "a 'by and for' service, not commissioned"
    wider = contract_risks(register, capacity, as_of=date(2026, 12, 4), months=7)
    assert "Fine" in wider["service_name"].to_list()


def test_the_nearest_service_that_could_extend(con):
    served, centroids = read(con, "services_served_wards"), read(con, "ward_centroids")
    capacity = service_referrals.capacity_vs_demand(con, YEAR, OPEN)
    nearest = by_key(nearest_services(served, centroids, capacity), "ward_code", "client_group")
    assert nearest[(S, "men")]["nearest_service"] == "Men's outreach"  # serves N and E, not S
    assert nearest[(S, "men")]["nearest_service_km"] > 0
    assert (nearest[(N, "men")]["nearest_service"], nearest[(N, "men")]["nearest_service_km"]) == ("Men's outreach", 0.0)
    # in Eastgate three services take women: of those, the one with most room; the helpline only if nothing else
    room = by_key(capacity, "service_name")
    candidates = ["Haven IDVA service", "Asian women's network"]
    most_room = min(candidates, key=lambda name: room[name]["demand_pct_of_capacity"] or 0.0)
    assert nearest[(E, "women")]["nearest_service"] == most_room


SCENARIO = """
name: More IDVA time and men's outreach in Southmoor
changes:
  - kind: add_idva_fte
    fte: 2
    wards: [Southmoor]
  - kind: extend_service
    service: Men's outreach
    wards: [E05990003]
    add_places_a_year: 10
"""


def test_a_scenario_moves_the_idva_gap_by_exactly_the_fte_added(con):
    today = gap_analysis(con, YEAR, OPEN)
    then = gap_analysis(con, YEAR, OPEN, scenario=read_scenario(SCENARIO))
    before, after = today.idva_area, then.idva_area
    assert after["idva_fte"] - before["idva_fte"] == pytest.approx(2.0, abs=1e-9)
    assert after["fte_gap"] - before["fte_gap"] == pytest.approx(-2.0, abs=1e-9)
    assert after["fte_gap_for_cases_heard"] - before["fte_gap_for_cases_heard"] == pytest.approx(-2.0, abs=1e-9)
    wards_today, wards_then = by_key(today.idva, "ward_code"), by_key(then.idva, "ward_code")
    assert wards_then[S]["idva_fte"] - wards_today[S]["idva_fte"] == pytest.approx(2.0, abs=0.006)  # all in Southmoor
    assert wards_then[N]["idva_fte"] == wards_today[N]["idva_fte"]


def test_a_scenario_extending_a_service_closes_a_no_service_gap(con):
    today = by_key(gap_analysis(con, YEAR, OPEN).coverage, "ward_code", "client_group")
    then = by_key(gap_analysis(con, YEAR, OPEN, scenario=read_scenario(SCENARIO)).coverage, "ward_code", "client_group")
    assert today[(S, "men")]["has_no_service"] and not then[(S, "men")]["has_no_service"]
    assert then[(S, "men")]["n_services"] == 1 and then[(S, "men")]["added_places"] > 0
    assert then[(S, "men")]["unmet_need"] == today[(S, "men")]["unmet_need"] - round(then[(S, "men")]["added_places"])
    # history does not change: people reached and need are today's
    assert then[(N, "women")]["people_reached"] == today[(N, "women")]["people_reached"]


def test_a_scenario_naming_an_unknown_ward_or_service_is_refused(con):
    served, wards = read(con, "services_served_wards"), read(con, "ward_centroids")
    with pytest.raises(ScenarioError, match="no ward 'Atlantis'"):
        apply(read_scenario("changes: [{kind: add_idva_fte, fte: 1, wards: [Atlantis]}]"), served, wards, idva_cases_per_fte=100)
    with pytest.raises(ScenarioError, match="no service 'Nowhere'"):
        apply(read_scenario("changes: [{kind: remove_service, service: Nowhere}]"), served, wards, idva_cases_per_fte=100)
    with pytest.raises(ScenarioError, match="changes"):
        read_scenario("name: nothing\nchanges: []\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        read_scenario("changes: [")


def test_a_count_hidden_for_a_protected_period_stays_hidden_in_the_gap_analysis(sample_warehouse):
    """The sample's 2026 Q3 has 4 MARAC cases with an LGBT+ victim: hidden (a quarter is protected), never shown as 0."""
    from metrics.periods import quarter

    exact = gap_analysis(sample_warehouse, quarter(2026, 3), OPEN).indicator("marac_lgbt_pct")
    assert exact["numerator"] == 4
    shown = gap_analysis(sample_warehouse, quarter(2026, 3), DEFAULT).indicator("marac_lgbt_pct")
    assert (shown["numerator"], shown["numerator_suppressed"], shown["value"]) == (None, True, None)
