"""The load-stage and one-day-drop benchmarks run end to end on a small drop and write their results.

Timings on a shared machine are not asserted: only that each figure is there and sane.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from oversight.settings import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("bench-work")


def run(script: str, *arguments: str) -> None:
    finished = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        check=False,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]


def test_load_stage_benchmark_measures_both_loads_side_by_side(work, tmp_path):
    run("load_stage.py", "--scales", "20k", "--repeat", "1", "--work", str(work), "--results", str(tmp_path))
    record = json.loads((tmp_path / "load_stage.json").read_text(encoding="utf-8"))

    [scale] = record["results"]
    [pair] = scale["pairs"]
    assert pair["bare"]["seconds"] > 0 and pair["load"]["seconds"] > 0
    assert scale["ratio_median"] == pytest.approx(pair["load"]["seconds"] / pair["bare"]["seconds"])
    assert {"read", "identifier guard", "contract checks", "staging"} <= pair["load"]["stage_seconds"].keys()
    # every file of the drop went through the load stage and none was refused
    assert {file["status"] for file in pair["load"]["files"]} == {"loaded"}
    assert "| 20k |" in (tmp_path / "load_stage.md").read_text(encoding="utf-8")


def test_one_day_drop_benchmark_splits_the_drop_and_times_both_refreshes(work, tmp_path):
    run("incremental_refresh.py", "--scales", "20k", "--repeat", "1", "--work", str(work), "--results", str(tmp_path))
    record = json.loads((tmp_path / "incremental_refresh.json").read_text(encoding="utf-8"))

    [scale] = record["results"]
    assert 0 < scale["day_rows"]["police_incidents"] < scale["whole_rows"]["police_incidents"] / 300
    assert set(scale["day_rows"]) == {
        "police_incidents",
        "crime_outcomes",
        "marac_cases",
        "service_referrals",
        "mash_contacts",
        "school_notifications",
    }
    for kind in ("nightly", "full", "same-size"):
        [measured] = scale["runs"][kind]
        assert measured["seconds"] > 0 and measured["peak_rss_mib"] > 0
        assert "marts" in measured["stage_seconds"]
    # the nightly run applied only the drop to the history; the full one rebuilt everything
    assert [scale["runs"][kind][0]["kind"] for kind in ("nightly", "full", "same-size")] == [
        "incremental",
        "full",
        "incremental",
    ]
    # at the smallest scale the same-size drop is the whole day
    assert scale["same_size_rows"] == scale["day_rows"]
    assert scale["ratio"] == pytest.approx(scale["nightly_seconds"] / scale["full_seconds"])
    assert isinstance(record["full_option"], bool)
    assert "nightly / full" in (tmp_path / "incremental_refresh.md").read_text(encoding="utf-8")


def test_same_size_drop_takes_the_first_rows_of_each_extract_of_the_day(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from incremental_refresh import same_size_drop

    day = tmp_path / "day"
    day.mkdir()
    (day / "police_incidents_2026-09-29.csv").write_text("incident_id,ward_code\nI1,W1\nI2,W2\nI3,W1\n", encoding="utf-8")
    (day / "marac_cases_2026-09-29.csv").write_text("case_id\nM1\n", encoding="utf-8")

    rows = same_size_drop(tmp_path, {"police_incidents": 2, "marac_cases": 5})

    assert rows == {"police_incidents": 2, "marac_cases": 1}
    assert (tmp_path / "same-size" / "police_incidents_2026-09-29.csv").read_text(encoding="utf-8") == (
        "incident_id,ward_code\nI1,W1\nI2,W2\n"
    )
