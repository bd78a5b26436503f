"""The sample district's plan: PROT-04 is off track and the five planted SMART failures are reported.

The sample's data run to 29 September 2026; assessed on 26 November 2026, the current figures are
the 12 months to September 2026 and the milestones due are those of March 2024, 2025 and 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from metrics.compare import TargetStatus
from metrics.disclosure import DisclosureRule
from metrics.targets import (
    Criterion,
    MilestoneStatus,
    Outcome,
    Outlook,
    Progress,
    TrackStatus,
    WarehouseValues,
    assess_plan,
    board_summary,
    plan_from_warehouse,
)

AS_OF = date(2026, 11, 26)
PLANTED = {  # target -> (check that fails, the reason it gives)
    "PREV-04": (Criterion.SPECIFIC, "names no indicator, so nothing measures it"),
    "PROV-03": (Criterion.SPECIFIC, "indicator 'wards_with_male_victim_service' is not registered"),
    "PROV-04": (Criterion.SPECIFIC, "no named owner answers for it"),
    "PROS-04": (Criterion.TIME_BOUND, "no target date"),
    "PROS-05": (Criterion.MEASURABLE, "no baseline, and no date by which one will be obtained"),
    # Stated baselines the data do not bear out (the plan's figures for 2022/23 against the measured ones).
    "PROV-01": (Criterion.BASELINE_CHECKED, "the stated baseline 112 for 2022/23 is outside the data's 95% interval"),
    "PROV-02": (Criterion.BASELINE_CHECKED, "the stated baseline 46.6 for 2022/23 is outside the data's 95% interval"),
}


@pytest.fixture(scope="module")
def sample_assessments(sample_warehouse):
    plan = plan_from_warehouse(sample_warehouse)
    return {
        item.target.id: item for item in assess_plan(plan, WarehouseValues(sample_warehouse, DisclosureRule(7, 5)), as_of=AS_OF)
    }


def test_prot_04_is_off_track_with_every_due_milestone_missed(sample_assessments):
    prot04 = sample_assessments["PROT-04"]
    assert prot04.smart.is_smart
    assert prot04.current.period.label == "12 months to Sep 2026"
    assert 70.0 < prot04.current.value < 75.0 and prot04.current.upper_95 < 79.8  # falling from the 79.8 baseline
    assert prot04.trajectory.expected == pytest.approx(79.8 + 10.2 * 1279 / 1827)
    assert prot04.trajectory.status is TrackStatus.OFF_TRACK and prot04.progress is Progress.OFF_TRACK
    assert prot04.status is TargetStatus.NOT_MET
    assert [m.status for m in prot04.milestones] == [MilestoneStatus.MISSED] * 3 + [MilestoneStatus.NOT_DUE]
    assert [round(m.measured.value, 1) for m in prot04.milestones[:3]] == [77.7, 75.5, 73.3]  # 2023/24 to 2025/26
    assert prot04.forecast.outlook is Outlook.LIKELY_MISSED and prot04.forecast.slope_per_year < -2.0


@pytest.mark.parametrize("target_id", sorted(PLANTED))
def test_each_planted_smart_failure_is_reported_with_its_reason(sample_assessments, target_id):
    criterion, reason = PLANTED[target_id]
    check = sample_assessments[target_id].smart.check(criterion)
    assert check.outcome is Outcome.FAILED and any(text.startswith(reason) for text in check.reasons), check.reasons


def test_only_the_planted_targets_fail_smart_checks(sample_assessments):
    failing = {key for key, item in sample_assessments.items() if not item.smart.is_smart}
    assert failing == set(PLANTED)


def test_prov_05_commits_to_a_baseline_and_is_measurable(sample_assessments):
    measurable = sample_assessments["PROV-05"].smart.check(Criterion.MEASURABLE)
    assert measurable.outcome is Outcome.PASSED and "the plan commits to one by 31 Mar 2027" in measurable.reason


def test_the_board_summary_names_the_owner_of_prot_04(sample_assessments):
    frame, lines = board_summary(list(sample_assessments.values()))
    protection = frame.filter(frame["priority"] == "protection").row(0, named=True)
    assert protection["targets"] == 5 and protection["smart"] == 5 and protection["off_track"] >= 1
    assert "PROT-04" in protection["off_track_targets"]
    assert "Chief Inspector, Safeguarding, West Pennine Police" in protection["off_track_owners"]
    assert frame.filter(frame["priority"] == "all priorities")["targets"][0] == 19
    assert any("PROT-04 (Chief Inspector, Safeguarding, West Pennine Police)" in line for line in lines)
