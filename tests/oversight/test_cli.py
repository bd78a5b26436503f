"""The `oversight` command: every subcommand explains its options, refresh reports by exit code."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from oversight.cli import app
from oversight.cli_data import ScaleTarget, parse_scale
from tests.drops import SERVICES_CSV, write_tiny_drop

runner = CliRunner()


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("sample", ["--out", "--seed", "--years", "--scale", "--tables-as"]),
        ("refresh", ["--incoming", "--warehouse", "--full"]),
        ("rejects", ["--run", "--extract", "--limit", "--format", "--warehouse"]),
        ("serve", ["--warehouse", "--port", "--address"]),
    ],
)
def test_every_subcommand_explains_its_options(command, options):
    result = runner.invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    for option in options:
        assert option in result.output


@pytest.mark.parametrize(
    ("text", "factor", "incidents"),
    [
        ("1", 1.0, None),
        ("0.05", 0.05, None),
        ("20", 20.0, None),
        ("500k", 1.0, 500_000),
        ("1M", 1.0, 1_000_000),
        ("5m", 1.0, 5_000_000),
        ("2.5M", 1.0, 2_500_000),
        ("1_000k", 1.0, 1_000_000),
    ],
)
def test_scale_is_a_factor_or_a_number_of_incidents(text, factor, incidents):
    assert parse_scale(text) == ScaleTarget(factor=factor, incidents=incidents)


@pytest.mark.parametrize("text", ["", "big", "0", "-3", "5G", "M"])
def test_a_scale_that_is_neither_is_refused(text):
    with pytest.raises(typer.BadParameter):
        parse_scale(text)


def test_sample_aims_at_a_number_of_incidents_and_writes_csv(tmp_path):
    out = tmp_path / "drop"
    result = runner.invoke(
        app, ["sample", "--out", str(out), "--scale", "20k", "--years", "2", "--tables-as", "csv"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    incidents = sum(1 for _ in (out / "police_incidents.csv").open(encoding="utf-8")) - 1
    assert abs(incidents - 20_000) / 20_000 < 0.05
    assert not list(out.glob("*.parquet"))


def test_refresh_then_rejects_from_the_command_line(tmp_path):
    drop = write_tiny_drop(tmp_path / "drop")
    warehouse = tmp_path / "warehouse"

    result = runner.invoke(app, ["refresh", "--incoming", str(drop), "--warehouse", str(warehouse)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Rows: 19 in files = 16 loaded + 3 rejected." in result.output

    listed = runner.invoke(app, ["rejects", "--warehouse", str(warehouse), "--format", "csv"])
    assert listed.exit_code == 0
    lines = listed.output.strip().splitlines()
    assert lines[0] == "run_id,extract,file_name,line,record_id,column_name,value,rule"
    assert len(lines) == 1 + 4  # three bad incident cells on two lines, one crime date running backwards


def test_a_drop_sent_again_publishes_nothing_and_says_so_and_full_rebuilds(tmp_path):
    drop = write_tiny_drop(tmp_path / "drop")
    command = ["refresh", "--incoming", str(drop), "--warehouse", str(tmp_path / "warehouse")]
    first = runner.invoke(app, command, terminal_width=200)
    assert first.exit_code == 0, first.output
    assert "Published (full refresh):" in first.output

    again = runner.invoke(app, command, terminal_width=200)
    assert again.exit_code == 0, again.output
    assert "Nothing changed: every file was loaded before. No new version was published" in again.output
    assert "Published" not in again.output

    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = runner.invoke(app, ["refresh", "--incoming", str(empty), "--warehouse", str(tmp_path / "warehouse")])
    assert nothing.exit_code == 0, nothing.output
    assert f"Nothing changed: {empty} holds no file. No new version was published" in nothing.output.replace("\n", "")
    assert "rows per file" not in nothing.output and "Rows:" not in nothing.output  # no empty table of no files

    (drop / "services.csv").write_text(SERVICES_CSV.replace(",200,2.5,", ",250,2.5,"))
    changed = runner.invoke(app, command, terminal_width=200)
    assert changed.exit_code == 0, changed.output
    assert "Published (incremental refresh):" in changed.output
    assert "Marts rebuilt: mart_freshness, mart_service_referrals, mart_services; the others were kept." in changed.output
    assert "- precomputed sums: made again only where the drop's changes reach" in changed.output

    full = runner.invoke(app, [*command, "--full"], terminal_width=200)
    assert full.exit_code == 0, full.output
    assert "Published (full refresh):" in full.output


def test_refresh_exits_1_when_a_file_is_refused_and_2_when_it_fails(tmp_path):
    drop = write_tiny_drop(tmp_path / "drop")
    (drop / "unknown_extract.csv").write_text("a\n1\n")
    warehouse = tmp_path / "warehouse"
    refused = runner.invoke(app, ["refresh", "--incoming", str(drop), "--warehouse", str(warehouse)])
    assert refused.exit_code == 1
    failed = runner.invoke(app, ["refresh", "--incoming", str(tmp_path / "missing"), "--warehouse", str(warehouse)])
    assert failed.exit_code == 2
    assert "last good warehouse keeps serving" in failed.output


def _indicator_ids():
    from metrics.registry import all_indicators

    return [indicator.id for indicator in all_indicators()]


@pytest.mark.parametrize("indicator_id", _indicator_ids())
def test_every_indicator_prints_on_the_sample_warehouse(sample_warehouse_path, indicator_id):
    import json

    from metrics.registry import get

    district = runner.invoke(app, ["indicator", indicator_id, "--warehouse", str(sample_warehouse_path), "--format", "json"])
    assert district.exit_code == 0, district.output
    (row,) = json.loads(district.output)
    assert row["indicator_id"] == indicator_id and row["value"] is not None
    if "ward" in get(indicator_id).dimensions:
        wards = runner.invoke(
            app, ["indicator", indicator_id, "--by", "ward", "--warehouse", str(sample_warehouse_path), "--format", "json"]
        )
        assert wards.exit_code == 0, wards.output
        rows = json.loads(wards.output)
        assert len(rows) >= 25
        assert not any(1 <= (row["numerator"] or 0) <= 7 for row in rows)  # board rule: small counts never printed


def test_indicators_lists_the_registry_as_csv():
    listed = runner.invoke(app, ["indicators", "--format", "csv"])
    assert listed.exit_code == 0
    assert listed.output.splitlines()[0] == "id,title,topic,unit,polarity,method,dimensions,sources"
    assert len(listed.output.strip().splitlines()) == 1 + len(_indicator_ids())


def test_unsuppressed_output_needs_the_analyst_setting(sample_warehouse_path, monkeypatch):
    arguments = [
        "indicator",
        "repeat_victimisation_pct",
        "--by",
        "ward",
        "--unsuppressed",
        "--warehouse",
        str(sample_warehouse_path),
    ]
    refused = runner.invoke(app, arguments)
    assert refused.exit_code == 2 and "OVERSIGHT_ANALYST_UNSUPPRESSED" in refused.output
    monkeypatch.setenv("OVERSIGHT_ANALYST_UNSUPPRESSED", "true")
    allowed = runner.invoke(app, [*arguments, "--format", "csv"])
    assert allowed.exit_code == 0
    assert "Counts are shown unrounded and unsuppressed." in allowed.output
