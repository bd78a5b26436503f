"""Assessing literal targets against figures given by hand: status, trajectory, milestones, forecast.

The target throughout is PROT-04's shape: children spoken to (higher is better) from 79.8% in 2022/23
to 90% by 31 March 2028. Its trajectory starts on 31 March 2023 and runs 1,827 days; on 30 September
2026, 1,279 days in, it reaches 79.8 + 10.2 x 1279 / 1827 = 86.94.
"""

from __future__ import annotations

from datetime import date

import pytest

from metrics.compare import TargetStatus
from metrics.targets import (
    Direction,
    KnownValues,
    MilestoneStatus,
    Outlook,
    Progress,
    Target,
    TrackStatus,
    assess,
    trajectory_value,
)
from metrics.targets.smart_model import Criterion, Outcome

AS_OF = date(2026, 11, 26)
FALLING = {  # the planted series: 2.5 points fewer each year
    date(2022, 3, 31): (83.5, 82.4, 84.5),
    date(2023, 3, 31): (79.8, 78.7, 80.9),
    date(2024, 3, 31): (77.7, 76.6, 78.9),
    date(2025, 3, 31): (75.5, 74.3, 76.7),
    date(2026, 3, 31): (73.3, 72.1, 74.4),
}


def target(**changes) -> Target:
    fields = {
        "id": "PROT-04",
        "priority": "protection",
        "objective": "Speak to every child",
        "indicator": "child_spoken_to_pct",
        "baseline": {"value": 79.8, "period": "2022/23"},
        "target": {"value": 90.0, "by": date(2028, 3, 31)},
        "kind": "absolute",
        "owner": "Chief Inspector",
        "milestones": [
            {"value": 81.9, "by": date(2024, 3, 31)},
            {"value": 83.9, "by": date(2025, 3, 31)},
            {"value": 85.9, "by": date(2026, 3, 31)},
            {"value": 88.0, "by": date(2027, 3, 31)},
        ],
    }
    fields.update(changes)
    return Target.model_validate({key: value for key, value in fields.items() if value is not None})


def now(value, lower, upper, history=FALLING) -> KnownValues:
    return KnownValues({**history, date(2026, 9, 30): (value, lower, upper)})


def test_the_trajectory_is_a_straight_line_from_the_end_of_the_baseline_period():
    assert trajectory_value(
        baseline=79.8, baseline_end=date(2023, 3, 31), target=90.0, target_by=date(2028, 3, 31), on=date(2026, 9, 30)
    ) == pytest.approx(79.8 + 10.2 * 1279 / 1827)


def test_falling_figures_are_off_track_with_missed_milestones_and_a_forecast_short_of_the_target():
    result = assess(target(), now(72.0, 70.8, 73.2), as_of=AS_OF)
    assert result.current.period.label == "12 months to Sep 2026"
    assert result.status is TargetStatus.NOT_MET and result.direction is Direction.HIGHER
    assert result.trajectory.status is TrackStatus.OFF_TRACK and result.progress is Progress.OFF_TRACK
    assert result.trajectory.expected == pytest.approx(86.9406, abs=1e-4)
    assert result.trajectory.reason == (
        "off track: the whole 95% interval (70.8 to 73.2) is below the 86.9 the path from the baseline reaches by 30 Sep 2026"
    )
    assert [m.status for m in result.milestones] == [MilestoneStatus.MISSED] * 3 + [MilestoneStatus.NOT_DUE]
    assert result.milestones[0].reason == "missed: 77.7 in 2023/24 (95% interval 76.6 to 78.9) against the milestone of 81.9"
    assert result.forecast.outlook is Outlook.LIKELY_MISSED and result.forecast.n_years == 5
    assert result.forecast.upper_95 < 90.0 and result.forecast.lower_95 < result.forecast.value < result.forecast.upper_95
    assert result.days_left == 491 and not result.is_final  # 26 Nov 2026 to 31 Mar 2028


@pytest.mark.parametrize(
    ("current", "track"),
    [
        ((88.0, 87.0, 89.0), TrackStatus.ON_TRACK),  # lower limit 87.0 is past the path's 86.94
        ((85.0, 84.0, 88.0), TrackStatus.WITHIN_UNCERTAINTY),  # the interval takes in 86.94
        ((85.0, 84.0, 86.9), TrackStatus.OFF_TRACK),  # upper limit 86.9 falls just short of it
    ],
)
def test_on_track_needs_the_whole_interval_past_the_path(current, track):
    assert assess(target(), now(*current), as_of=AS_OF).trajectory.status is track


@pytest.mark.parametrize(
    ("current", "status"),
    [
        ((89.0, 88.0, 91.0), TargetStatus.WITHIN_UNCERTAINTY),  # the interval straddles 90
        ((91.0, 90.0, 92.0), TargetStatus.MET),  # the lower limit reaches 90 exactly: met
        ((89.0, 88.0, 89.9), TargetStatus.NOT_MET),
    ],
)
def test_status_against_the_target_is_judged_on_the_whole_interval(current, status):
    result = assess(target(), now(*current), as_of=AS_OF)
    assert result.status is status
    if status is TargetStatus.WITHIN_UNCERTAINTY:
        assert result.status_reason == (
            "within uncertainty: 89.0 in 12 months to Sep 2026 (95% interval 88.0 to 91.0); "
            "the 95% interval takes in the target of 90.0"
        )
        assert result.progress is Progress.ON_TRACK  # past the path's 86.94, not yet surely at 90


def test_a_target_already_met_counts_as_met():
    assert assess(target(), now(93.0, 92.0, 94.0), as_of=AS_OF).progress is Progress.MET


def test_a_target_whose_date_has_passed_is_final_on_the_year_ending_at_its_date():
    values = {**FALLING, date(2025, 3, 31): (91.0, 90.2, 91.8), date(2026, 9, 30): (70.0, 69.0, 71.0)}
    met = assess(target(target={"value": 90.0, "by": date(2025, 3, 31)}, milestones=[]), KnownValues(values), as_of=AS_OF)
    assert met.is_final and met.days_left == -605  # 31 Mar 2025 to 26 Nov 2026
    assert met.current.period.label == "2024/25" and met.status is TargetStatus.MET and met.progress is Progress.MET
    assert met.status_reason.startswith("final, the target date 31 Mar 2025 has passed: met: 91.0 in 2024/25")
    assert met.trajectory.status is TrackStatus.NOT_ASSESSED and met.forecast is None

    missed = assess(target(target={"value": 95.0, "by": date(2025, 3, 31)}, milestones=[]), KnownValues(values), as_of=AS_OF)
    assert missed.status is TargetStatus.NOT_MET and missed.progress is Progress.MISSED


def test_a_baseline_less_target_is_judged_against_its_target_but_has_no_path():
    result = assess(target(baseline=None, obtain_baseline_by=date(2027, 3, 31)), now(72.0, 70.8, 73.2), as_of=AS_OF)
    assert result.status is TargetStatus.NOT_MET and result.smart.is_smart
    assert result.trajectory.status is TrackStatus.NOT_ASSESSED
    assert result.trajectory.reason == "no trajectory: no baseline to start the path from"
    assert result.progress is Progress.NO_TRAJECTORY


def test_an_unknown_indicator_is_not_assessable():
    result = assess(target(indicator="wards_with_male_victim_service"), now(72.0, 70.8, 73.2), as_of=AS_OF)
    assert result.status is TargetStatus.NOT_ASSESSED and result.progress is Progress.NOT_ASSESSABLE
    assert result.status_reason == "not assessable: no registered indicator"
    assert [m.status for m in result.milestones] == [MilestoneStatus.NOT_ASSESSED] * 3 + [MilestoneStatus.NOT_DUE]


def test_a_cut_the_indicator_does_not_allow_is_not_assessable():
    result = assess(target(indicator="school_notified_next_day_pct", cut={"sex": "female"}), now(90.0, 89.0, 91.0), as_of=AS_OF)
    assert result.status_reason == "not assessable: it cannot be cut by sex"
    assert not result.smart.is_smart


def test_a_hidden_figure_is_not_assessable_too_few_people():
    result = assess(target(), KnownValues({**FALLING, date(2026, 9, 30): None}), as_of=AS_OF)
    assert result.progress is Progress.NOT_ASSESSABLE
    assert result.status_reason == "not assessable: too few people to show safely in 12 months to Sep 2026"


def test_a_hidden_milestone_year_is_not_assessed_while_the_rest_are():
    values = {**FALLING, date(2024, 3, 31): None, date(2026, 9, 30): (72.0, 70.8, 73.2)}
    statuses = [m.status for m in assess(target(), KnownValues(values), as_of=AS_OF).milestones]
    assert statuses == [MilestoneStatus.NOT_ASSESSED, MilestoneStatus.MISSED, MilestoneStatus.MISSED, MilestoneStatus.NOT_DUE]


def test_no_judgement_indicators_take_their_direction_from_baseline_to_target():
    marac = dict(
        indicator="marac_cases_per_10000_women",
        baseline={"value": 43.8, "period": "2022/23"},
        target={"value": 40.0, "by": date(2028, 3, 31)},
        milestones=[],
    )
    history = {**FALLING, date(2023, 3, 31): (43.8, 42.1, 45.6)}  # the data bear out the stated baseline
    result = assess(target(**marac), now(38.0, 36.0, 39.5, history), as_of=AS_OF)
    assert result.direction is Direction.LOWER and result.status is TargetStatus.MET
    no_baseline = assess(target(**{**marac, "baseline": None}), now(38.0, 36.0, 39.5, history), as_of=AS_OF)
    assert no_baseline.status is TargetStatus.NOT_ASSESSED
    assert "no baseline to show which way the target moves" in no_baseline.status_reason


def test_the_forecast_of_an_exact_line_is_the_line_itself():
    # Values on an exact line falling 2.5 a year from 80 at 31 March 2023, given without intervals (unweighted):
    # at 31 March 2028, 1,827 days on, the line is at 80 - 2.5 x 1827 / 365.25, with no spread about it.
    def on_line(day: date) -> float:
        return 80.0 - 2.5 * (day - date(2023, 3, 31)).days / 365.25

    ends = [date(year, 3, 31) for year in range(2022, 2027)]
    source = KnownValues({**{end: on_line(end) for end in ends}, date(2026, 9, 30): 72.0})
    forecast = assess(target(), source, as_of=AS_OF).forecast
    assert forecast.value == pytest.approx(80.0 - 2.5 * 1827 / 365.25)
    assert forecast.lower_95 == pytest.approx(forecast.value) and forecast.upper_95 == pytest.approx(forecast.value)
    assert forecast.slope_per_year == pytest.approx(-2.5) and forecast.outlook is Outlook.LIKELY_MISSED


def test_too_few_years_give_no_forecast():
    values = {date(2025, 3, 31): (75.5, 74.3, 76.7), date(2026, 3, 31): (73.3, 72.1, 74.4), date(2026, 9, 30): (72.0, 70.8, 73.2)}
    result = assess(target(), KnownValues(values), as_of=AS_OF)
    assert result.forecast is None
    assert result.forecast_reason == "no forecast: 2 complete financial years; at least 3 are needed"


def test_assessed_as_of_a_past_day_the_figures_stop_at_the_last_whole_month_before_it():
    values = {**FALLING, date(2025, 9, 30): (76.0, 75.0, 77.0), date(2026, 9, 30): (72.0, 70.8, 73.2)}
    result = assess(target(), KnownValues(values), as_of=date(2025, 10, 15))
    assert result.current.period.label == "12 months to Sep 2025" and result.current.value == 76.0
    assert [m.status for m in result.milestones][:2] == [MilestoneStatus.MISSED] * 2
    assert result.forecast.n_years == 4  # 2021/22 to 2024/25: 2025/26 had not ended


def test_a_stated_baseline_the_data_do_not_bear_out_blocks_met():
    # The plan says 43.8 in 2022/23; the data measure 79.8 (78.7 to 80.9) for that year.
    marac = dict(
        indicator="marac_cases_per_10000_women",
        baseline={"value": 43.8, "period": "2022/23"},
        target={"value": 40.0, "by": date(2028, 3, 31)},
        milestones=[],
    )
    result = assess(target(**marac), now(38.0, 36.0, 39.5), as_of=AS_OF)
    assert result.smart.check(Criterion.BASELINE_CHECKED).outcome is Outcome.FAILED
    assert result.status is TargetStatus.NOT_ASSESSED
    assert result.status_reason.startswith(
        "not shown as met: the stated baseline 43.8 for 2022/23 is outside the data's "
        "95% interval: measured 79.8 (95% interval 78.7 to 80.9)"
    )


def test_a_baseline_the_data_bear_out_passes_the_check():
    check = assess(target(), now(72.0, 70.8, 73.2), as_of=AS_OF).smart.check(Criterion.BASELINE_CHECKED)
    assert check.outcome is Outcome.PASSED
    assert check.reason == "the stated baseline 79.8 agrees with the data for 2022/23: measured 79.8 (95% interval 78.7 to 80.9)"
