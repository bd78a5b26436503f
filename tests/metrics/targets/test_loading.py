"""Reading action plans: permissive about missing fields, strict about values of the wrong type."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.targets import Kind, PlanFormatError, PlanMissing, Priority, load_plan, parse_plan, plan_from_warehouse

SOUND = """
board: Test board
adopted_on: 2023-06-01
targets:
- id: T-01
  priority: protection
  objective: Speak to every child
  indicator: child_spoken_to_pct
  cut: {ward: E05990001, sex: female}
  baseline: {value: 79.8, period: 2022/23}
  target: {value: 90, by: 2028-03-31}
  kind: absolute
  owner: Chief Inspector
  milestones:
  - {value: 81.9, by: 2024-03-31}
- id: T-02
  priority: housing
  kind: aspirational
  target: {value: 5}
  milestones:
"""


def test_a_sound_plan_loads_with_its_cut_baseline_and_milestones():
    plan = parse_plan(SOUND, source="plan.yaml")
    first, _second = plan.targets
    assert plan.board == "Test board" and plan.adopted_on == date(2023, 6, 1) and plan.source == "plan.yaml"
    assert first.priority is Priority.PROTECTION and first.kind is Kind.ABSOLUTE
    assert first.cut.dimensions() == {"ward": "E05990001", "sex": "female"}
    assert first.baseline_value == 79.8 and first.baseline.period == "2022/23"
    assert first.target_value == 90.0 and first.target_date == date(2028, 3, 31)
    assert [(m.value, m.by) for m in first.milestones] == [(81.9, date(2024, 3, 31))]


def test_missing_fields_and_unknown_words_still_load_for_the_smart_checks_to_report():
    second = parse_plan(SOUND).targets[1]
    assert second.priority == "housing" and not isinstance(second.priority, Priority)
    assert second.kind == "aspirational"
    assert second.indicator is None and second.owner is None and second.baseline is None
    assert second.target_date is None and second.milestones == ()
    assert second.cut.is_district


@pytest.mark.parametrize(
    ("text", "target_id", "field", "words"),
    [
        ("targets:\n- id: PROT-04\n  target: {value: ninety, by: 2028-03-31}\n", "PROT-04", "target.value", "valid number"),
        ("targets:\n- id: PROT-04\n  target: {value: 90, by: 31/03/2028}\n", "PROT-04", "target.by", "date"),
        (
            "targets:\n- id: A\n  milestones:\n  - {value: 1, by: 2024-03-31}\n  - {value: lots, by: 2025-03-31}\n",
            "A",
            "milestones.2.value",
            "valid number",
        ),
        ("targets:\n- id: B\n  baseline: {value: 12%, period: 2022/23}\n", "B", "baseline.value", "valid number"),
        ("targets:\n- objective: no id here\n", "number 1", "id", "needs an id"),
        ("targets:\n- id: C\n- id: C\n", "C", "id", "2 targets share this id"),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_naming_the_target_and_field(text, target_id, field, words):
    with pytest.raises(PlanFormatError) as raised:
        parse_plan(text, source="plan.yaml")
    assert raised.value.target_id == target_id and raised.value.field == field
    assert f"target {target_id}, field {field}" in str(raised.value) and words in str(raised.value)
    assert str(raised.value).startswith("plan.yaml: ")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("targets: [unclosed\n", "not valid YAML at line"),
        ("- just\n- a list\n", "expected a YAML mapping"),
        ("board: no targets here\n", "expected a list of targets"),
        ("targets:\n- just text\n", "target number 1: expected a mapping"),
    ],
)
def test_a_file_that_is_not_a_plan_is_an_error(text, words):
    with pytest.raises(PlanFormatError, match=words):
        parse_plan(text)


def test_every_broken_target_is_reported_at_once(tmp_path):
    path = tmp_path / "action_plan.yaml"
    path.write_text("targets:\n- id: A\n  target: {value: x}\n- id: B\n  baseline: {value: y}\n")
    with pytest.raises(PlanFormatError) as raised:
        load_plan(path)
    assert [(p.target_id, p.field) for p in raised.value.problems] == [("A", "target.value"), ("B", "baseline.value")]
    assert str(raised.value).startswith("action_plan.yaml: ")


def test_a_missing_file_is_a_plan_format_error(tmp_path):
    with pytest.raises(PlanFormatError, match="cannot read the file"):
        load_plan(tmp_path / "nowhere.yaml")


def test_the_warehouse_copy_of_the_sample_plan_loads_all_nineteen_targets(sample_warehouse):
    plan = plan_from_warehouse(sample_warehouse)
    assert plan.source == "action_plan.yaml" and len(plan.targets) == 19


def test_a_warehouse_without_a_plan_says_so(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    with pytest.raises(PlanMissing, match="no action plan has been loaded"):
        plan_from_warehouse(con)
    con.close()
