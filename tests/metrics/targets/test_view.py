"""The action plan as the page shows it: the sample's plan in plain values, and one target's chart points.

Assessed on 26 November 2026 as in test_sample_plan.py: the sample's data run to September 2026.
"""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from metrics.disclosure import DisclosureRule
from metrics.targets import KnownValues, Target, assess
from metrics.targets.chart_series import (
    ANNUAL,
    BASELINE,
    FORECAST,
    LATEST,
    MILESTONE,
    TARGET,
    TRAJECTORY,
    annual_values,
    chart_points,
)
from metrics.targets.view import plan_view

AS_OF = date(2026, 11, 26)
PLANTED = {  # target -> the failed check and the start of its reason, in words
    "PREV-04": ("specific", "names no indicator, so nothing measures it"),
    "PROV-03": ("specific", "indicator 'wards_with_male_victim_service' is not registered"),
    "PROV-04": ("specific", "no named owner answers for it"),
    "PROS-04": ("time-bound", "no target date"),
    "PROS-05": ("measurable", "no baseline, and no date by which one will be obtained"),
    # stated baselines the data do not bear out
    "PROV-01": ("baseline-checked", "the stated baseline 112 for 2022/23 is outside the data's 95% interval"),
    "PROV-02": ("baseline-checked", "the stated baseline 46.6 for 2022/23 is outside the data's 95% interval"),
}
PROT_04_OWNER = "Chief Inspector, Safeguarding, West Pennine Police"


@pytest.fixture(scope="module")
def view(sample_warehouse):
    return plan_view(sample_warehouse, DisclosureRule(7, 5), as_of=AS_OF)


def test_every_target_has_one_row_in_plan_order(view):
    assert view.targets.height == 19 and view.targets["target_id"][0] == "PREV-01"
    assert view.priorities() == ["prevention", "provision", "protection", "prosecution"]
    assert view.checks.height == 19 * 6  # five SMART letters and the baseline check


def test_prot_04_is_off_track_in_words_and_numbers(view):
    prot04 = view.target("PROT-04")
    assert (prot04["progress"], prot04["trajectory_status"], prot04["status"]) == ("off track", "off track", "not met")
    assert prot04["needs_attention"] and prot04["is_smart"] and prot04["smart"] == "yes"
    assert prot04["owner"] == PROT_04_OWNER and prot04["has_chart"]
    assert prot04["lower_95"] < prot04["value"] < prot04["upper_95"] < 79.8
    assert prot04["now_text"].endswith("in 12 months to Sep 2026") and "95% interval" in prot04["now_text"]
    assert prot04["days_left"] == (date(2028, 3, 31) - AS_OF).days
    assert prot04["forecast_outlook"] == "likely to be missed"
    assert prot04["forecast_lower_95"] < prot04["forecast_value"] < prot04["forecast_upper_95"] < 90.0
    assert prot04["milestones_text"].count("missed") == 3 and prot04["milestones_text"].endswith("not due")


def test_prot_04_has_every_part_of_its_trajectory_chart(view):
    series = view.series_of("PROT-04")
    roles = (ANNUAL, LATEST, BASELINE, TRAJECTORY, MILESTONE, TARGET, FORECAST)
    role = {name: series.filter(series["role"] == name) for name in roles}
    annual = role[ANNUAL]
    assert annual["label"].to_list()[-3:] == ["2023/24", "2024/25", "2025/26"]
    assert (annual["lower_95"] < annual["value"]).all() and (annual["value"] < annual["upper_95"]).all()
    assert [round(value, 1) for value in annual["value"].to_list()[-3:]] == [77.7, 75.5, 73.3]
    assert role[LATEST].row(0, named=True)["status"] == "off track"
    assert role[BASELINE].select("on", "value").row(0) == (date(2023, 3, 31), 79.8)
    assert role[TRAJECTORY].select("on", "value").rows() == [(date(2023, 3, 31), 79.8), (date(2028, 3, 31), 90.0)]
    assert role[MILESTONE]["status"].to_list() == ["missed"] * 3 + ["not due"]
    assert role[MILESTONE]["value"].to_list() == [81.9, 83.9, 85.9, 88.0]
    assert role[TARGET].select("on", "value").row(0) == (date(2028, 3, 31), 90.0)
    end = role[FORECAST].row(-1, named=True)
    assert end["on"] == date(2028, 3, 31) and end["lower_95"] < end["value"] < end["upper_95"]
    assert end["status"] == "likely to be missed"


@pytest.mark.parametrize("target_id", sorted(PLANTED))
def test_each_planted_smart_failure_is_shown_as_failing_with_its_reason(view, target_id):
    criterion, reason = PLANTED[target_id]
    row = view.target(target_id)
    assert not row["is_smart"] and row["smart"] == "no"
    assert f"{criterion}: {reason}" in row["smart_failures"]
    check = view.checks_of(target_id).filter(view.checks_of(target_id)["criterion"] == criterion).row(0, named=True)
    assert check["outcome"] == "failed" and reason in check["reasons"]


def test_only_the_planted_targets_fail_smart(view):
    assert set(view.targets.filter(~view.targets["is_smart"])["target_id"]) == set(PLANTED)


def test_the_summary_names_the_owners_of_targets_off_track(view):
    [protection] = view.lines_for("protection")
    assert protection.startswith("Protection: 5 targets, all SMART") and f"PROT-04 ({PROT_04_OWNER})" in protection
    assert len(view.lines_for()) == 5  # four priorities and the whole plan
    attention = view.attention_line()
    assert attention.startswith("Targets off track: ") and PROT_04_OWNER in attention and "no named owner" in attention
    table = view.priority_table()
    assert table["Priority"].to_list() == ["Prevention", "Provision", "Protection", "Prosecution", "Whole plan"]
    whole = table.row(-1, named=True)
    assert whole["Targets"] == 19 and whole["SMART"] == 12  # PROV-01 and PROV-02 state baselines the data do not bear out
    assert sum(whole[column] for column in table.columns[3:]) == 19  # every target has one word


def test_selection_by_priority_and_owner(view):
    protection = view.selected(priority="protection")
    assert protection["target_id"].to_list() == ["PROT-01", "PROT-02", "PROT-03", "PROT-04", "PROT-05"]
    assert view.selected(owner=PROT_04_OWNER)["target_id"].to_list() == ["PREV-03", "PROT-04"]
    assert view.selected(priority="provision", owner="no named owner")["target_id"].to_list() == ["PROV-04"]
    assert "no named owner" in view.owners()
    assert view.first_needing_attention(["PROT-02", "PROT-04", "PROT-05"]) == "PROT-04"
    assert view.first_needing_attention(["PROT-02"]) == "PROT-02"


def test_targets_with_no_figures_have_no_chart(view):
    prev04 = view.target("PREV-04")
    assert prev04["progress"] == "not assessable" and not prev04["has_chart"]
    assert view.series_of("PREV-04")["role"].to_list() == [TARGET]


def test_the_view_survives_the_cache(view):
    copy = pickle.loads(pickle.dumps(view))
    assert copy.targets.equals(view.targets) and copy.series.equals(view.series) and copy.summary_lines == view.summary_lines


def test_a_hidden_year_is_kept_as_a_gap_in_the_chart():
    target = Target.model_validate(
        {
            "id": "T-1",
            "priority": "protection",
            "objective": "Speak to every child",
            "indicator": "child_spoken_to_pct",
            "baseline": {"value": 80.0, "period": "2022/23"},
            "target": {"value": 90.0, "by": date(2028, 3, 31)},
            "kind": "absolute",
            "owner": "Chief Inspector",
        }
    )
    source = KnownValues(
        {
            date(2023, 3, 31): (80.0, 79.0, 81.0),
            date(2024, 3, 31): None,
            date(2025, 3, 31): (82.0, 81.0, 83.0),
            date(2025, 9, 30): (83.0, 82.0, 84.0),
        }
    )
    assessment = assess(target, source, as_of=AS_OF)
    years = annual_values(assessment, source)
    assert [(year.label, value) for year, value, _, _ in years] == [("2022/23", 80.0), ("2023/24", None), ("2024/25", 82.0)]
    points = chart_points(assessment, source)
    assert [point["status"] for point in points if point["role"] == ANNUAL] == ["shown", "not shown", "shown"]
    assert [point["label"] for point in points if point["role"] == LATEST] == ["12 months to Sep 2025"]
