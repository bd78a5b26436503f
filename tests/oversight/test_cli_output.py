"""What the analyst reads at an ordinary 80-column terminal: every id, code and number whole, lines
that fit, no console markup taken from files, and outputs that agree with each other.

The commands run in this process through typer's CliRunner with COLUMNS=80, NO_COLOR and no terminal
(its streams are not terminals), as a cron job or a pipe would see them. The tests that use the
`oversight_command` fixture start the installed console script in a process of its own: on a
pseudo-terminal, and in a pipe, as cron runs it (the slow tier).
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.drops import incidents_csv, write_tiny_drop

WIDTH = 80


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run(*arguments: str, columns: int = WIDTH) -> Ran:
    """The command run in this process with COLUMNS set and no terminal, its output captured."""
    from oversight.cli import app

    environment: dict[str, str | None] = {"COLUMNS": str(columns), "NO_COLOR": "1", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}
    result = CliRunner().invoke(app, list(arguments), env=environment)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_installed(command: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The installed console script in a process of its own, in a pipe at 80 columns."""
    environment = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    environment.update(COLUMNS=str(WIDTH), NO_COLOR="1")
    return subprocess.run([str(command), *arguments], capture_output=True, text=True, env=environment, timeout=300)


def words(output: str) -> set[str]:
    """Every whitespace-separated token printed: an id that was cut or wrapped is not among them."""
    return set(output.split())


def assert_fits(lines: list[str]) -> None:
    too_wide = [line for line in lines if len(line.rstrip()) > WIDTH]
    assert not too_wide, f"wider than {WIDTH} columns:\n" + "\n".join(too_wide)


def test_indicators_shows_every_id_whole_at_80_columns():
    from metrics.registry import all_indicators

    result = run("indicators")
    assert result.returncode == 0, result.stderr
    assert_fits(result.stdout.splitlines())
    assert {indicator.id for indicator in all_indicators()} <= words(result.stdout)
    assert "…" not in result.stdout


def test_indicator_by_ward_shows_names_codes_and_numbers_whole_at_80_columns(sample_warehouse_path):
    arguments = ("indicator", "prevalence_incidents_per_1000", "--by", "ward", "--warehouse", str(sample_warehouse_path))
    result = run(*arguments)
    assert result.returncode == 0, result.stderr
    table = result.stdout
    assert_fits(table.splitlines())
    rows = json.loads(run(*arguments, "--format", "json").stdout)
    lines = table.splitlines()
    for row in rows:
        (line,) = [line for line in lines if row["cut_value"] in line.split()]
        assert line.split()[0] == row["cut_label"].split()[0]  # the name is whole, on the code's line
        assert row["cut_label"] in line
        assert f"{row['numerator']:,}" in line.split() and f"{round(row['denominator']):,}" in line.split()
    assert "e+" not in table and "…" not in table


@pytest.fixture(scope="module")
def refreshed_from_the_command_line(tmp_path_factory) -> tuple[Path, Path, Ran]:
    """(the drop, the warehouse, what `oversight refresh` printed): the tiny drop and a file whose name and
    values look like console markup, refreshed once for the tests that read its output (they only read)."""
    root = tmp_path_factory.mktemp("refreshed")
    drop = write_tiny_drop(root / "drop")
    odd_name = "police_incidents [auth] [bold]resent.csv"
    (drop / odd_name).write_text(
        incidents_csv(["INC101,2025-08-01T12:00,E05990001,,V101,female,25-34,[red],standard,2,0,,no,"]), encoding="utf-8"
    )
    warehouse = root / "warehouse"
    return drop, warehouse, run("refresh", "--incoming", str(drop), "--warehouse", str(warehouse))


def test_refresh_summary_and_rejects_show_files_ids_and_values_whole_at_80_columns(refreshed_from_the_command_line):
    drop, warehouse, refreshed = refreshed_from_the_command_line
    assert refreshed.returncode == 0, refreshed.stderr
    output = refreshed.stdout.splitlines()
    table_lines = output[: next(index for index, line in enumerate(output) if line.startswith("Rows: "))]
    assert_fits(table_lines)
    for file in drop.iterdir():
        assert any(file.name in line for line in table_lines), f"{file.name} is not shown whole"
    assert "Rows: 20 in files = 16 loaded + 4 rejected. Every file adds up" in refreshed.stdout

    listed = run("rejects", "--warehouse", str(warehouse), "--limit", "100")
    assert listed.returncode == 0, listed.stderr
    assert_fits(listed.stdout.splitlines())
    rejected = run("rejects", "--warehouse", str(warehouse), "--limit", "100", "--format", "csv").stdout.splitlines()[1:]
    shown = words(listed.stdout)
    for line in rejected:
        _, _, file_name, _, record_id, column_name, value, _ = next(csv.reader([line]))
        assert file_name in listed.stdout and {record_id, column_name} <= shown
        # a short value prints whole on one line; a long one (a withheld value's wording) wraps within its column
        assert value in listed.stdout or set(value.split()) <= shown, value
    assert "[red]" in listed.stdout  # a value from a file is printed as written, never as a style


def assert_logs_one_line_per_stage(log: list[str], drop: Path) -> None:
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d refresh: "
    assert all(re.match(stamp, line) for line in log), "\n".join(log)
    loading = [line for line in log if " refresh: loading " in line]
    assert len(loading) == len(list(drop.iterdir()))
    assert any(line.endswith("refresh: building marts") for line in log)


def test_refresh_logs_one_line_per_stage_when_not_on_a_terminal(refreshed_from_the_command_line):
    drop, _, result = refreshed_from_the_command_line
    assert result.returncode == 0, result.stderr
    assert_logs_one_line_per_stage(result.stderr.splitlines(), drop)


def test_the_installed_command_in_a_pipe_logs_each_stage_and_lists_at_80_columns(oversight_command, tmp_path):
    drop = write_tiny_drop(tmp_path / "drop")
    result = run_installed(oversight_command, "refresh", "--incoming", str(drop), "--warehouse", str(tmp_path / "warehouse"))
    assert result.returncode == 0, result.stderr
    assert_logs_one_line_per_stage(result.stderr.splitlines(), drop)
    assert "Rows: 19 in files = 16 loaded + 3 rejected." in result.stdout

    listed = run_installed(oversight_command, "indicators")
    assert listed.returncode == 0, listed.stderr
    assert_fits(listed.stdout.splitlines())
    assert "…" not in listed.stdout


@pytest.mark.parametrize(
    ("command", "wrong"),
    [("indicators", "yaml"), ("rejects", "json"), ("targets", "csv"), ("indicator", "xml"), ("journey", "html")],
)
def test_a_format_not_offered_exits_2_naming_those_that_are(command, wrong):
    from oversight.cli import app

    extra = {"indicator": ["crimes_per_1000"], "journey": ["--cohort", "incident", "--from", "2025-01-01", "--to", "2025-12-31"]}
    result = CliRunner().invoke(app, [command, *extra.get(command, []), "--format", wrong])
    assert result.exit_code == 2
    offered = {
        "indicators": "table, csv, json",
        "rejects": "table, csv",
        "targets": "table, json",
        "indicator": "table, csv, json",
        "journey": "table, csv, json",
    }[command]
    assert f"'{wrong}' is not one of {offered}" in result.output


def test_sample_and_refresh_count_the_same_rows(tmp_path):
    drop = tmp_path / "drop"
    sampled = run("sample", "--out", str(drop), "--scale", "0.05", "--years", "2", columns=200)
    assert sampled.returncode == 0, sampled.stderr
    refreshed = run("refresh", "--incoming", str(drop), "--warehouse", str(tmp_path / "warehouse"), columns=200)
    assert refreshed.returncode == 0, refreshed.stderr

    def counts(output: str, column: int) -> dict[str, str]:
        return {
            line.split()[0]: line.split()[column]
            for line in output.splitlines()
            if line.split()[:1] and (drop / line.split()[0]).is_file()
        }

    in_sample = counts(sampled.stdout, 1)
    in_refresh = counts(refreshed.stdout, 3)  # file, extract, status, rows in file
    assert set(in_sample) == {path.name for path in drop.iterdir()}
    assert in_refresh == in_sample
    assert int(in_sample["action_plan.yaml"]) > 1  # the plan's rows are its targets, in both


def test_sample_writes_to_the_project_sample_drop_by_default(monkeypatch, tmp_path):
    from oversight.cli import app

    target = tmp_path / "configured"
    monkeypatch.setenv("OVERSIGHT_SAMPLE_DROP", str(target))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sample", "--scale", "0.02", "--years", "1"])
    assert result.exit_code == 0, result.output
    assert (target / "action_plan.yaml").is_file() and not (tmp_path / "data").exists()

    from oversight.settings import PROJECT_ROOT, Settings

    assert Settings.model_fields["sample_drop"].default == PROJECT_ROOT / "data" / "sample" / "drop"
    help_text = CliRunner().invoke(app, ["sample", "--help"], terminal_width=200).output
    assert "OVERSIGHT_SAMPLE_DROP" in help_text


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_refresh_shows_a_progress_bar_on_a_terminal(oversight_command, tmp_path):
    drop = write_tiny_drop(tmp_path / "drop")
    leader, follower = os.openpty()
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "CI")}
    environment.update(COLUMNS=str(WIDTH), TERM="xterm-256color")
    with os.fdopen(leader, "rb", buffering=0) as terminal:
        result = subprocess.Popen(
            [str(oversight_command), "refresh", "--incoming", str(drop), "--warehouse", str(tmp_path / "wh")],
            stdout=subprocess.DEVNULL,
            stderr=follower,
            env=environment,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = terminal.read(65536)
            except OSError:  # the terminal closes when the refresh ends
                break
            if not chunk:
                break
            shown += chunk
        assert result.wait(timeout=300) == 0
    text = shown.decode("utf-8", errors="replace")
    # the bar, redrawn in place with the stage it is at (a fast stage may be passed between redraws)
    assert "━" in text and "\r" in text and re.search(r"loading \S+ \(\d of 7\)|building marts|precomputing indicators", text)
    assert " refresh: " not in text  # no log lines on a terminal
