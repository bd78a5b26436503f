"""`oversight targets`: JSON for every target on the sample; exit 2 when the plan file cannot be read."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from oversight.cli import app

runner = CliRunner()


def test_targets_prints_every_target_as_json(sample_warehouse_path):
    result = runner.invoke(
        app, ["targets", "--warehouse", str(sample_warehouse_path), "--format", "json", "--as-of", "2026-11-26"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    targets = {item["id"]: item for item in document["targets"]}
    assert len(targets) == 19 and document["source"] == "action_plan.yaml"
    prot04 = targets["PROT-04"]
    assert prot04["status"] == "off track" and prot04["trajectory"]["status"] == "off track"
    assert prot04["days_left"] == 491 and prot04["forecast"]["outlook"] == "likely to be missed"
    assert {check["criterion"]: check["outcome"] for check in targets["PROS-04"]["smart_checks"]}["time-bound"] == "failed"
    assert {check["criterion"]: check["outcome"] for check in targets["PROV-02"]["smart_checks"]}["baseline-checked"] == "failed"
    assert document["summary"][-1]["priority"] == "all priorities" and document["summary"][-1]["targets"] == 19


def test_targets_prints_a_table_from_a_plan_file(sample_warehouse_path, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "targets:\n- id: ONE\n  priority: protection\n  objective: Speak to every child\n"
        "  indicator: child_spoken_to_pct\n  target: {value: 90, by: 2028-03-31}\n"
    )
    result = runner.invoke(app, ["targets", "--plan", str(plan), "--warehouse", str(sample_warehouse_path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "ONE" in result.output and "no baseline, and no date by which one will be obtained" in result.output


def test_targets_exits_2_naming_the_target_and_field_when_the_plan_cannot_be_read(tmp_path):
    plan = tmp_path / "action_plan.yaml"
    plan.write_text("targets:\n- id: PROT-04\n  target: {value: ninety, by: 2028-03-31}\n")
    result = runner.invoke(app, ["targets", "--plan", str(plan), "--warehouse", str(tmp_path / "no_warehouse")])
    assert result.exit_code == 2
    assert "action_plan.yaml: target PROT-04, field target.value" in result.output

    plan.write_text("targets: [not closed\n")
    result = runner.invoke(app, ["targets", "--plan", str(plan), "--warehouse", str(tmp_path / "no_warehouse")])
    assert result.exit_code == 2 and "not valid YAML" in result.output


def test_the_table_the_json_and_the_page_give_each_target_the_same_status(sample_warehouse_path, sample_warehouse):
    from datetime import date

    from metrics.disclosure import Audience, rule_for
    from metrics.targets.view import plan_view
    from oversight.settings import get_settings
    from ui.figures_targets import targets_table as page_table

    arguments = ["targets", "--warehouse", str(sample_warehouse_path), "--as-of", "2026-11-26"]
    document = json.loads(runner.invoke(app, [*arguments, "--format", "json"]).output)
    in_json = {item["id"]: item["status"] for item in document["targets"]}
    table = runner.invoke(app, arguments).output.splitlines()
    view = plan_view(sample_warehouse, rule_for(Audience.BOARD, get_settings()), as_of=date(2026, 11, 26))
    on_page = dict(zip(view.targets["target_id"], page_table(view.targets).data["Status"], strict=True))

    assert len(in_json) == 19 and {"within uncertainty", "off track", "met"} <= set(in_json.values())
    for target_id, status in in_json.items():
        (line,) = [line for line in table if line.startswith(f"{target_id} ")]
        assert f" {status} " in line, (target_id, status, line)
        assert on_page[target_id].endswith(f" {status}"), (target_id, status, on_page[target_id])
