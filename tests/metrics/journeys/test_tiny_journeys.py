"""Journeys on the hand-worked drop (tests/metrics/journeys/journey_drop.py), unsuppressed so the
hand-computed counts, shares, medians and Kaplan-Meier values can be read exactly."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from metrics.aggregate import GroupFilters, query_sql
from metrics.disclosure import DisclosureRule
from metrics.journeys import (
    UnknownCohort,
    journey_steps,
    missed_opportunities,
    survival_comparison,
    survival_curves,
    timing_and_attrition,
)
from metrics.journeys.common import journey_sql
from metrics.periods import between, quarter

OPEN = DisclosureRule.unsuppressed()
Q2 = quarter(2025, 2)
APRIL_TO_SEPTEMBER = between(date(2025, 4, 1), date(2025, 9, 30))


def steps(con, cohort: str, period=Q2, **kwargs) -> dict[str, dict]:
    frame = journey_steps(con, OPEN, cohort=cohort, period=period, min_people_for_days=1, **kwargs)
    return {row["step"]: row for row in frame.iter_rows(named=True)}


def test_incident_cohort_counts_each_victim_once_from_their_first_incident(journey_warehouse):
    journey = steps(journey_warehouse, "incident")
    # VA, VB, VG, VR, VH, VE: VA and VR had more incidents, VZ is known only to a service, VF and VC fall outside
    assert journey["entry"]["people"] == 6
    counts = {step: row["people"] for step, row in journey.items()}
    assert counts == {
        "entry": 6,
        "marac": 1,
        "referred": 2,
        "support_started": 2,
        "support_completed": 1,
        "support_disengaged": 0,
        "crime_recorded": 3,
        "arrested": 1,
        "charge_decided": 3,
        "charged": 1,
        "court_outcome": 1,
        "convicted": 1,
        "repeat_incident": 2,
        "school_notified": 1,
        "mash_contact": 1,
        "mash_decided": 1,
    }
    assert journey["marac"]["share_of_cohort_pct"] == pytest.approx(16.7)
    assert journey["support_started"]["share_of_previous_pct"] == 100.0
    assert journey["charged"]["share_of_previous_pct"] == pytest.approx(33.3)


def test_median_days_between_steps(journey_warehouse):
    journey = steps(journey_warehouse, "incident")
    assert journey["marac"]["median_days_from_entry"] == 13.6  # 1 April 10:00 to 15 April
    assert journey["referred"]["median_days_from_entry"] == 87.0  # VA 1 day, VE 173 days
    assert journey["support_started"]["median_days_from_previous"] == 4.0  # VA 3 days, VE 5 days
    assert journey["school_notified"]["median_days_from_entry"] == 0.9  # 22 hours
    assert journey["mash_contact"]["median_days_from_previous"] == 0.1  # 2 hours after the school was told
    assert journey["repeat_incident"]["median_days_from_entry"] == 46.0  # VA 61 days, VR 31 days
    assert journey["entry"]["previous_step"] is None and journey["arrested"]["previous_step"] == "crime_recorded"


def test_a_person_in_two_cohorts_is_followed_from_each_entry(journey_warehouse):
    high_risk, marac = steps(journey_warehouse, "high_risk"), steps(journey_warehouse, "marac")
    assert high_risk["entry"]["people"] == 2  # VA and VH
    assert high_risk["referred"]["people"] == 1 and high_risk["marac"]["people"] == 1
    # from the MARAC hearing on 15 April, VA's referral (2 April) and crime (1 April) came before: not counted
    assert marac["entry"]["people"] == 1
    assert marac["referred"]["people"] == 0 and marac["crime_recorded"]["people"] == 0
    assert marac["repeat_incident"]["people"] == 1
    assert marac["repeat_incident"]["median_days_from_entry"] == 47.4


def test_children_cohort_follows_the_child_and_its_household(journey_warehouse):
    children = steps(journey_warehouse, "children")
    assert children["entry"]["people"] == 1  # CA; CZ's MASH contact had no notification, so CZ is in no cohort
    assert children["school_notified"]["share_of_cohort_pct"] == 100.0
    assert children["mash_decided"]["people"] == 1 and children["marac"]["people"] == 1
    assert children["referred"]["people"] == 0 and children["repeat_incident"]["people"] == 0


def test_an_id_in_only_one_agency_reaches_no_later_step(journey_warehouse):
    only_police = steps(journey_warehouse, "incident", groups=GroupFilters(ward_code="E05990002", sex="male"))
    assert only_police["entry"]["people"] == 1  # VB
    assert sum(row["people"] for step, row in only_police.items() if step != "entry") == 0


def test_kaplan_meier_allows_for_people_whose_follow_up_ended(journey_warehouse):
    curves = survival_curves(journey_warehouse, OPEN, cohort="incident", period=APRIL_TO_SEPTEMBER, measure="support")
    by_day = {row["day"]: row for row in curves.iter_rows(named=True)}
    # 7 people; VA supported on day 4 (S = 6/7); VF censored on day 121; VE supported on day 178 with
    # VB, VE, VG, VR and VH still followed (S = 6/7 x 4/5 = 24/35). A naive share would be 2/7 = 28.6%.
    assert by_day[0]["people"] == 7
    assert by_day[7]["reached_pct"] == pytest.approx(100 / 7, abs=0.05)
    assert by_day[182]["reached_pct"] == pytest.approx(100 * 11 / 35, abs=0.05)
    assert by_day[365]["reached_pct"] == pytest.approx(31.4)
    assert by_day[182]["at_risk"] == 4 and by_day[126]["at_risk"] == 5
    assert by_day[182]["reached_lower_95"] < by_day[182]["reached_pct"] < by_day[182]["reached_upper_95"]


def test_repeat_curves_and_a_log_rank_sentence(journey_warehouse):
    repeat = survival_curves(journey_warehouse, OPEN, cohort="incident", period=APRIL_TO_SEPTEMBER, measure="repeat", by="ward")
    assert set(repeat["group_label"]) == {"All in selection", "Northfield", "Eastgate", "Southmoor"}
    comparison = survival_comparison(
        journey_warehouse, OPEN, cohort="incident", period=APRIL_TO_SEPTEMBER, measure="repeat", by="ward"
    ).row(0, named=True)
    assert comparison["groups_compared"] == 3 and 0 <= comparison["p_value"] <= 1
    assert "log-rank test across 3 wards" in comparison["sentence"]


def test_timing_and_attrition_by_hand(journey_warehouse):
    timing = timing_and_attrition(journey_warehouse, OPEN, period=between(date(2025, 1, 1), date(2025, 12, 31)))
    total = timing.filter("is_total").row(0, named=True)
    # CRA: support before the charge (no issue); CRG never supported, CRE supported after: both lost to the victim
    assert (total["supported_before_crimes"], total["supported_before_issues"]) == (1, 0)
    assert (total["supported_later_or_not_crimes"], total["supported_later_or_not_issues"]) == (2, 2)
    assert total["supported_later_or_not_issue_pct"] == 100.0
    assert total["intervals_overlap"] is True


def test_missed_opportunities_by_hand(journey_warehouse):
    missed = missed_opportunities(journey_warehouse, OPEN, period=APRIL_TO_SEPTEMBER, by="ward")
    totals = {row["measure"]: row for row in missed.filter("is_total").iter_rows(named=True)}
    assert (totals["repeat_without_help"]["missed"], totals["repeat_without_help"]["eligible"]) == (1, 1)  # VR
    assert (totals["children_without_school_notice"]["missed"], totals["children_without_school_notice"]["eligible"]) == (1, 2)
    wards = missed.filter(~pl.col("is_total") & (pl.col("measure") == "children_without_school_notice"))
    assert wards.row(0, named=True)["group_label"] == "Eastgate"  # VH, most missed first


def test_small_cohorts_are_hidden_under_the_board_rule(journey_warehouse):
    board = DisclosureRule(threshold=7, rounding_base=5)
    frame = journey_steps(journey_warehouse, board, cohort="incident", period=Q2)
    assert frame.filter(pl.col("people") > 0).is_empty()
    assert frame.filter(pl.col("people").is_null())["people_suppressed"].all()
    assert frame["share_of_cohort_pct"].is_null().all()


def test_unknown_cohort_is_refused(journey_warehouse):
    with pytest.raises(UnknownCohort):
        journey_steps(journey_warehouse, OPEN, cohort="everyone", period=Q2)


def test_both_journey_queries_reach_the_steps_by_the_one_rule():
    shared = query_sql("_journey_step_seconds")
    for name in ("journey_steps", "journey_step_times"):
        sql = journey_sql(name, groups=GroupFilters())
        assert shared in sql and "{" not in sql.replace("{'", "")
