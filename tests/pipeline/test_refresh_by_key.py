"""The marts rebuilt by key on tiny literal drops: which keys a change reaches, and what the sums are told.

The tiny drop (tests/drops.py) holds INC001 (V001, April), INC002 (V002, May), INC003 (V001, June) and the
crime CR001 of INC001; here also a school notification about INC001 naming the child C1.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from etl.changes import MartChanges
from etl.warehouse import Warehouse
from pipeline.refresh import refresh
from tests.drops import INCIDENTS_HEADER, SERVICES_CSV, write_tiny_drop

NOTIFICATIONS = "notification_id,incident_id,child_id,school_id,notified_at\nN1,INC001,C1,SCH1,2025-04-03T08:00\n"
INC003_MOVED = "INC003,2025-08-20T12:30:00,E05990003,,V002,female,25-34,white,medium,11,1,no,true,CR003"


class Recorder:
    """An `after_marts` that keeps what the marts stage said it changed."""

    def __init__(self) -> None:
        self.changes: list[MartChanges] = []

    def __call__(self, con: duckdb.DuckDBPyConnection, changes: MartChanges) -> None:
        self.changes.append(changes)


@pytest.fixture
def warehouse(tmp_path, settings) -> Path:
    drop = write_tiny_drop(tmp_path / "base")
    (drop / "school_notifications_2025-11-25.csv").write_text(NOTIFICATIONS)
    refresh(drop, warehouse=settings.warehouse, settings=settings, after_marts=Recorder())
    return settings.warehouse


def _drop(folder: Path, name: str, text: str) -> Path:
    folder.mkdir()
    (folder / name).write_text(text)
    return folder


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with Warehouse(warehouse).connect_read_only() as con:
        return con.execute(sql).fetchall()


def test_moving_an_incident_to_another_victim_and_month_rebuilds_both_victims(tmp_path, settings, warehouse):
    recorder = Recorder()
    drop = _drop(tmp_path / "move", "police_incidents_2025-11-26.csv", f"{INCIDENTS_HEADER}\n{INC003_MOVED}\n")

    report = refresh(drop, warehouse=warehouse, settings=settings, after_marts=recorder)

    assert report.kind == "incremental"
    # V001 (whom it left) and V002 (whom it joined); CR001 is V001's crime, so it is built again too
    assert "mart_incidents: rebuilt by key, 2 keys" in report.notes
    assert "mart_crimes: rebuilt by key, 1 key" in report.notes
    # the journeys of both victims; not the child notified about INC001, whose row came out the same
    assert "mart_journey_people: rebuilt by key, 2 keys" in report.notes
    assert _rows(warehouse, "select incident_id, victim_id, n_victim_incidents_12m from mart_incidents order by 1") == [
        ("INC001", "V001", 1),
        ("INC002", "V002", 1),
        ("INC003", "V002", 2),
    ]
    assert _rows(warehouse, "select person_id, entry_id from mart_journey_people where cohort = 'incident' order by 2") == [
        ("V001", "INC001"),
        ("V002", "INC002"),
        ("V002", "INC003"),
    ]
    (changes,) = recorder.changes
    june, august = date(2025, 6, 1), date(2025, 8, 1)
    assert changes.tables["stg_police_incidents"] == {june, august}
    # and the quarters the row was and is in (its `quarter_start` is a date too)
    assert changes.tables["mart_incidents"] == {date(2025, 4, 1), june, date(2025, 7, 1), august}
    # INC002's journey now has a repeat incident in August; V001's first entry lost its June repeat
    assert changes.tables["mart_journey_people"] == {date(2025, 4, 1), date(2025, 5, 1), june, august}
    assert "mart_crimes" not in changes.tables  # CR001 was built again and came out the same
    # the data ended with INC003 in June, now in August: every journey's follow-up changed, whatever its month
    assert changes.tables["mart_follow_up_end"] is None
    assert changes.tables["loaded_files"] is None
    assert not changes.full


def test_an_incident_moved_in_time_reaches_the_child_notified_about_it(tmp_path, settings, warehouse):
    moved = "INC001,2025-04-01T22:14:00,E05990001,,V001,female,25-34,white,high,15,2,yes,yes,CR001"
    drop = _drop(tmp_path / "earlier", "police_incidents_2025-11-26.csv", f"{INCIDENTS_HEADER}\n{moved}\n")

    report = refresh(drop, warehouse=warehouse, settings=settings, after_marts=Recorder())

    assert "mart_school_notifications: rebuilt by key, 1 key" in report.notes
    assert _rows(warehouse, "select person_id, entry_at from mart_journey_people where cohort = 'children'") == [
        ("C1", datetime(2025, 4, 1, 22, 14))
    ]


def test_a_row_sent_again_unchanged_changes_no_month(tmp_path, settings, warehouse):
    recorder = Recorder()
    again = "INC002,2025-05-10T08:00,E05990002,,V002,male,35-44,asian,standard,3,0,,no,"
    drop = _drop(tmp_path / "again", "police_incidents_2025-11-26.csv", f"{INCIDENTS_HEADER}\n{again}\n")

    refresh(drop, warehouse=warehouse, settings=settings, after_marts=recorder)

    (changes,) = recorder.changes
    # staging holds it again, from another file (only its lineage changed): not listed as changed
    assert "stg_police_incidents" not in changes.tables
    assert changes.months(["mart_incidents", "mart_crimes", "mart_journey_people"]) == frozenset()


def test_a_new_services_register_rebuilds_the_referrals_whole(tmp_path, settings, warehouse):
    recorder = Recorder()
    drop = _drop(tmp_path / "services", "services.csv", SERVICES_CSV.replace(",200,2.5,", ",250,2.5,"))

    report = refresh(drop, warehouse=warehouse, settings=settings, after_marts=recorder)

    assert {"mart_services", "mart_service_referrals"} <= set(report.rebuilt)
    (changes,) = recorder.changes
    assert changes.tables["stg_services"] is None
    assert changes.months(["mart_incidents"]) == frozenset()  # not listed: not changed


def test_a_full_rebuild_tells_the_sums_everything(tmp_path, settings, warehouse):
    recorder = Recorder()
    (tmp_path / "empty").mkdir()

    refresh(tmp_path / "empty", warehouse=warehouse, settings=settings, after_marts=recorder, full=True)

    assert recorder.changes == [MartChanges.everything()]


def test_no_table_of_changed_rows_is_published(tmp_path, settings, warehouse):
    drop = _drop(tmp_path / "move", "police_incidents_2025-11-26.csv", f"{INCIDENTS_HEADER}\n{INC003_MOVED}\n")
    refresh(drop, warehouse=warehouse, settings=settings, after_marts=Recorder())

    assert _rows(warehouse, "select table_name from duckdb_tables() where table_name like '\\_%' escape '\\'") == []
