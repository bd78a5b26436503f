"""SMART checks on literal targets, one letter at a time, with the reasons a board member reads."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.registry import get
from metrics.targets import Criterion, Evidence, Outcome, Target, check_smart
from metrics.targets.smart_model import AnnualValue, MeasuredBaseline

AS_OF = date(2026, 11, 26)
# child_spoken_to_pct each financial year: the largest year-on-year change is 3.7 (2021/22 to 2022/23).
HISTORY = [
    AnnualValue(2021, 83.5),
    AnnualValue(2022, 79.8),
    AnnualValue(2023, 77.7),
    AnnualValue(2024, 75.5),
    AnnualValue(2025, 73.3),
]


def sound(**changes) -> dict:
    target = {
        "id": "PROT-04",
        "priority": "protection",
        "objective": "Speak to every child",
        "indicator": "child_spoken_to_pct",
        "baseline": {"value": 79.8, "period": "2022/23"},
        "target": {"value": 90.0, "by": date(2028, 3, 31)},
        "kind": "absolute",
        "owner": "Chief Inspector",
        "milestones": [{"value": 81.9, "by": date(2024, 3, 31)}, {"value": 83.9, "by": date(2025, 3, 31)}],
    }
    target.update(changes)
    return {key: value for key, value in target.items() if value is not None}


AGREEING = MeasuredBaseline("2022/23", 79.8, 78.7, 80.9)


def checked(history=HISTORY, data_problem=None, measured_baseline=AGREEING, **changes):
    target = Target.model_validate(sound(**changes))
    indicator = get(target.indicator) if target.indicator in {"child_spoken_to_pct", "school_notified_next_day_pct"} else None
    return check_smart(target, Evidence(indicator, data_problem, history, AS_OF, measured_baseline))


def test_a_sound_target_passes_every_check_with_its_reasons():
    result = checked()
    assert result.is_smart and not result.failures() and not result.warnings()
    assert (
        result.check(Criterion.SPECIFIC).reason == "absolute target on child_spoken_to_pct (district), owned by Chief Inspector"
    )
    assert result.check(Criterion.MEASURABLE).reason == "measured by child_spoken_to_pct; baseline 79.8 in 2022/23"
    # (90 - 79.8) over the 5 years from 31 March 2023 to 31 March 2028 (1,827 days): 2.04 a year.
    assert result.check(Criterion.ACHIEVABLE).reason == (
        "needs a change of 2.0 a year, within twice the largest year-on-year change seen (3.7, 2021/22 to 2022/23)"
    )
    assert result.check(Criterion.RELEVANT).reason == "serves the protection priority"
    assert result.check(Criterion.TIME_BOUND).reason == "target date 31 Mar 2028, 2 milestones in date order"


def test_unknown_indicator_fails_specific_and_measurable():
    result = checked(indicator="wards_with_male_victim_service")
    assert not result.is_smart
    assert result.check(Criterion.SPECIFIC).reasons == (
        "indicator 'wards_with_male_victim_service' is not registered (`oversight indicators` lists them)",
    )
    assert result.check(Criterion.MEASURABLE).reasons == ("nothing to measure it by: no registered indicator",)


def test_no_indicator_no_objective_no_owner_and_no_kind_are_each_named():
    result = checked(indicator=None, objective=None, owner=None, kind=None)
    assert result.check(Criterion.SPECIFIC).reasons == (
        "no objective says what the target is for",
        "names no indicator, so nothing measures it",
        "does not say what kind of target it is (absolute, proportional, benchmark, trend, tolerance)",
        "no named owner answers for it",
    )


def test_a_cut_the_indicator_does_not_allow_fails_specific():
    # School notifications carry no sex or ethnic group: the indicator can be cut by ward only.
    result = checked(indicator="school_notified_next_day_pct", cut={"ward": "E05990018", "sex": "female"})
    specific = result.check(Criterion.SPECIFIC)
    assert specific.outcome is Outcome.FAILED
    assert specific.reasons == ("indicator school_notified_next_day_pct cannot be cut by sex; it allows ward",)


def test_cut_values_outside_the_contract_fail_specific():
    result = checked(cut={"ward": "Carrow Green", "ethnicity": "asain", "disability": "yes"})
    assert result.check(Criterion.SPECIFIC).reasons == (
        "ward 'Carrow Green' is not an ONS ward code (E05 and six digits)",
        "ethnicity 'asain' is not one of asian, black, mixed, white, other, unknown",
        "indicator child_spoken_to_pct cannot be cut by disability; it allows ward, sex, age_band, ethnicity",
    )


def test_a_cut_that_fits_passes_and_is_named():
    result = checked(cut={"ward": "E05990018", "sex": "female", "ethnicity": "asian"})
    assert result.check(Criterion.SPECIFIC).outcome is Outcome.PASSED
    assert "(ward E05990018, sex female, ethnicity asian)" in result.check(Criterion.SPECIFIC).reason


def test_baseline_less_target_with_an_obtain_baseline_date_still_to_come_is_measurable():
    result = checked(baseline=None, obtain_baseline_by=date(2027, 3, 31), milestones=[])
    measurable = result.check(Criterion.MEASURABLE)
    assert measurable.outcome is Outcome.PASSED
    assert measurable.reason == "measured by child_spoken_to_pct; no baseline yet; the plan commits to one by 31 Mar 2027"
    assert result.is_smart
    assert result.check(Criterion.ACHIEVABLE).outcome is Outcome.WARNING  # nothing to judge the pace by yet


def test_baseline_less_target_without_an_obtain_baseline_date_is_not_measurable():
    measurable = checked(baseline=None).check(Criterion.MEASURABLE)
    assert measurable.outcome is Outcome.FAILED
    assert measurable.reasons == ("no baseline, and no date by which one will be obtained",)


def test_an_obtain_baseline_date_that_has_passed_fails_measurable():
    measurable = checked(baseline=None, obtain_baseline_by=date(2026, 3, 31)).check(Criterion.MEASURABLE)
    assert measurable.reasons == ("the baseline was to be obtained by 31 Mar 2026 and has not been set",)


def test_a_baseline_needs_a_value_and_a_period_that_names_a_year():
    assert checked(baseline={"value": 79.8}).check(Criterion.MEASURABLE).reasons == ("the baseline has no period",)
    assert checked(baseline={"value": 79.8, "period": "last year"}).check(Criterion.MEASURABLE).reasons == (
        "baseline period 'last year' is not a year, a financial year or a date",
    )
    assert checked(target={"by": date(2028, 3, 31)}).check(Criterion.MEASURABLE).reasons == ("no target value",)


def test_data_that_cannot_compute_the_indicator_fail_measurable():
    measurable = checked(data_problem="no data loaded (it reads police_incidents)").check(Criterion.MEASURABLE)
    assert measurable.reasons == (
        "child_spoken_to_pct cannot be computed from the loaded data: no data loaded (it reads police_incidents)",
    )


def test_a_pace_far_beyond_history_is_a_warning_not_a_failure():
    # 79.8 -> 99.0 in 5 years is 3.84 a year; the largest change seen is 1.0, so twice it is 2.0.
    history = [AnnualValue(2021, 80.0), AnnualValue(2022, 79.5), AnnualValue(2023, 80.5), AnnualValue(2024, 80.2)]
    result = checked(history=history, target={"value": 99.0, "by": date(2028, 3, 31)})
    achievable = result.check(Criterion.ACHIEVABLE)
    assert achievable.outcome is Outcome.WARNING and result.is_smart
    assert achievable.reason == (
        "needs a change of 3.8 a year, more than twice the largest year-on-year change seen (1.0, 2022/23 to 2023/24)"
    )


def test_achievable_warns_when_there_is_too_little_history_to_judge():
    achievable = checked(history=[AnnualValue(2023, 80.0), AnnualValue(2025, 79.0)]).check(Criterion.ACHIEVABLE)
    assert achievable.outcome is Outcome.WARNING
    assert achievable.reason.endswith("the data hold fewer than two consecutive complete financial years")


@pytest.mark.parametrize(
    ("priority", "reason"),
    [
        (None, "not linked to any of the four priorities (prevention, provision, protection, prosecution)"),
        ("housing", "priority 'housing' is not one of the four (prevention, provision, protection, prosecution)"),
    ],
)
def test_a_target_outside_the_four_priorities_is_not_relevant(priority, reason):
    relevant = checked(priority=priority).check(Criterion.RELEVANT)
    assert relevant.outcome is Outcome.FAILED and relevant.reasons == (reason,)


def test_no_target_date_fails_time_bound():
    time_bound = checked(target={"value": 90.0}).check(Criterion.TIME_BOUND)
    assert time_bound.outcome is Outcome.FAILED and time_bound.reasons == ("no target date",)


def test_milestones_out_of_order_or_after_the_target_date_fail_time_bound():
    milestones = [
        {"value": 83.9, "by": date(2025, 3, 31)},
        {"value": 81.9, "by": date(2024, 3, 31)},
        {"value": 91.0, "by": date(2029, 3, 31)},
        {"value": 85.0},
    ]
    time_bound = checked(milestones=milestones).check(Criterion.TIME_BOUND)
    assert time_bound.reasons == (
        "milestone 4 has no date",
        "milestones are not in date order: milestone 2 (31 Mar 2024) is not after 31 Mar 2025",
        "milestone 3 (31 Mar 2029) is not before the target date 31 Mar 2028",
    )


def test_a_target_date_before_the_baseline_ends_fails_time_bound():
    time_bound = checked(target={"value": 90.0, "by": date(2023, 1, 31)}, milestones=[]).check(Criterion.TIME_BOUND)
    assert time_bound.reasons == ("the target date 31 Jan 2023 is not after the baseline period (2022/23)",)


def test_a_stated_baseline_outside_the_measured_interval_fails():
    result = checked(
        measured_baseline=MeasuredBaseline("2022/23", 59.0, 56.9, 61.1), baseline={"value": 46.6, "period": "2022/23"}
    )
    check = result.check(Criterion.BASELINE_CHECKED)
    assert check.outcome is Outcome.FAILED and not result.is_smart
    assert check.reason.startswith(
        "the stated baseline 46.6 for 2022/23 is outside the data's 95% interval: measured 59.0 (95% interval 56.9 to 61.1)"
    )


def test_a_baseline_at_the_edge_of_the_interval_agrees():
    check = checked(measured_baseline=MeasuredBaseline("2022/23", 80.5, 79.8, 81.2)).check(Criterion.BASELINE_CHECKED)
    assert check.outcome is Outcome.PASSED


@pytest.mark.parametrize(
    ("measured", "words"),
    [
        (None, "no stated baseline value and period to check against the data"),
        (
            MeasuredBaseline("2022/23", problem="the data do not cover the baseline period"),
            "the baseline for 2022/23 cannot be checked: the data do not cover the baseline period",
        ),
    ],
)
def test_a_baseline_that_cannot_be_measured_is_a_warning(measured, words):
    check = checked(measured_baseline=measured).check(Criterion.BASELINE_CHECKED)
    assert (check.outcome, check.reason) == (Outcome.WARNING, words)
