"""`oversight journey` prints a cohort's steps, shares and timings for scripting, under disclosure control."""

from __future__ import annotations

import io
import json

import polars as pl
from typer.testing import CliRunner

from oversight.cli import app

runner = CliRunner()


def journey(*arguments: str, warehouse) -> object:
    return runner.invoke(app, ["journey", *arguments, "--warehouse", str(warehouse)])


def test_json_output_has_every_step_with_shares_and_days(sample_warehouse_path):
    result = journey(
        "--cohort", "high_risk", "--from", "2025-04-01", "--to", "2025-06-30", "--format", "json", warehouse=sample_warehouse_path
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    steps = {row["step"]: row for row in rows}
    assert steps["entry"]["people"] > 0 and steps["entry"]["share_of_cohort_pct"] == 100.0
    assert 0 < steps["marac"]["share_of_cohort_pct"] < 100
    assert steps["support_started"]["median_days_from_previous"] is not None
    assert all(row["people"] is None or row["people"] % 5 == 0 for row in rows)


def test_csv_output_for_one_ward(sample_warehouse_path):
    result = journey(
        "--cohort",
        "incident",
        "--from",
        "2025-04-01",
        "--to",
        "2025-06-30",
        "--ward",
        "E05990025",
        "--format",
        "csv",
        warehouse=sample_warehouse_path,
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(io.StringIO(result.output))
    assert frame["step"].to_list()[0] == "entry" and frame.height == 16
    district = pl.read_csv(
        io.StringIO(
            journey(
                "--cohort",
                "incident",
                "--from",
                "2025-04-01",
                "--to",
                "2025-06-30",
                "--format",
                "csv",
                warehouse=sample_warehouse_path,
            ).output
        )
    )
    assert frame["people"][0] < district["people"][0]


def test_an_unknown_cohort_exits_2_naming_the_choices(sample_warehouse_path):
    result = journey("--cohort", "everyone", "--from", "2025-04-01", "--to", "2025-06-30", warehouse=sample_warehouse_path)
    assert result.exit_code == 2
    assert "incident, high_risk, children, marac" in result.output
