"""The load-stage and one-day-drop benchmarks run end to end on a small drop and write their results.

Timings on a shared machine are not asserted: only that each figure is there and sane.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from etl.warehouse import Warehouse
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
    # by default a typical night: the 15th of the data's last month
    assert scale["night"] == "mid-month" and scale["day"][8:] == "15" and scale["day"][:7] == scale["last_day"][:7]


def test_the_drop_is_split_at_the_nights_day_leaving_later_rows_out(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from incremental_refresh import split_drop

    whole = tmp_path / "whole"
    whole.mkdir()
    (whole / "police_incidents.csv").write_text(
        "incident_id,reported_at\nI1,2026-09-01T10:00\nI2,2026-09-15T11:00\nI3,2026-09-20T09:00\nI4,\n", encoding="utf-8"
    )
    (whole / "population.csv").write_text("ward_code,population\nW1,100\n", encoding="utf-8")

    split = split_drop(whole, tmp_path / "mid", "mid-month")
    assert (split["day"], split["last_day"], split["rows"]) == (
        "2026-09-15",
        "2026-09-20",
        {"police_incidents": {"day": 1, "whole": 4}},
    )
    assert (tmp_path / "mid" / "day" / "police_incidents_2026-09-15.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "I2,2026-09-15T11:00"
    ]
    # the rows before the day, and a row with no date, are the history; the later row is left out
    assert (tmp_path / "mid" / "history" / "police_incidents.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "I1,2026-09-01T10:00",
        "I4,",
    ]
    assert (tmp_path / "mid" / "history" / "population.csv").exists()

    last = split_drop(whole, tmp_path / "last", "last-day")
    assert last["day"] == "2026-09-20" and last["rows"]["police_incidents"] == {"day": 1, "whole": 4}


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


def test_side_by_side_refresh_times_each_tree_on_its_own_copy(tmp_path, settings):
    from oversight.settings import PROJECT_ROOT as tree
    from pipeline.nightly import refresh
    from tests.drops import incidents_csv, write_tiny_drop

    refresh(write_tiny_drop(tmp_path / "history-drop"), warehouse=settings.warehouse, settings=settings)
    day = tmp_path / "day"
    day.mkdir()
    (day / "police_incidents_2025-06-02.csv").write_text(
        incidents_csv(["INC900,2025-06-02T10:00:00,E05990001,,V009,female,25-34,white,standard,5,0,,no,"]), encoding="utf-8"
    )
    served = Warehouse(settings.warehouse).current_path()

    run(
        "nightly_ab.py",
        *("--history", str(settings.warehouse), "--drop", str(day), "--tree", f"a={tree}", "--tree", f"b={tree}"),
        *("--repeat", "2", "--scratch", str(tmp_path / "scratch"), "--results", str(tmp_path / "results")),
    )
    record = json.loads((tmp_path / "results" / "nightly_ab.json").read_text(encoding="utf-8"))

    for name in ("a", "b"):
        assert [run["kind"] for run in record["runs"][name]] == ["incremental", "incremental"]
        assert all(run["seconds"] > 0 and "marts" in run["stage_seconds"] for run in record["runs"][name])
    # the history itself is left as it was
    assert Warehouse(settings.warehouse).current_path() == served
