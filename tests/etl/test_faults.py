"""Faults: a refresh killed at random moments, a full disk and an unwritable warehouse folder.

Whatever happens, the dashboard keeps serving the last good warehouse (or the complete new
one), never a partial one, and the next refresh succeeds.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import time
from pathlib import Path

import duckdb
import pytest

import etl.version_start
import pipeline.refresh
from etl.errors import RefreshFailed
from etl.warehouse import BUILDING_SUFFIX, Warehouse
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import incidents_csv, write_tiny_drop
from tests.etl.test_publish import run_refresh_process, write_big_drop

KILL_ROWS = 25_000  # enough rows that a refresh takes a few seconds with one DuckDB thread
KILLS = 20
TINY_ROWS = 3  # incidents the tiny drop loads


@pytest.fixture(scope="module")
def kill_drop(tmp_path_factory) -> Path:
    """The big drop of test_publish, cut to KILL_ROWS incidents to keep twenty kills quick."""
    drop = write_big_drop(tmp_path_factory.mktemp("kill") / "drop")
    big_file = drop / "police_incidents_big.csv"
    lines = big_file.read_text().splitlines(keepends=True)
    big_file.write_text("".join(lines[: KILL_ROWS + 1]))
    return drop


@pytest.fixture(scope="module")
def base_warehouse(tmp_path_factory) -> Path:
    """A warehouse holding the tiny drop, copied afresh for every kill."""
    root = tmp_path_factory.mktemp("base")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_tiny_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    return settings.warehouse


def served_incidents(warehouse: Path) -> int:
    with Warehouse(warehouse).connect_read_only() as con:
        return con.execute("select count(*) from stg_police_incidents").fetchone()[0]


def building_files(warehouse: Path) -> list[str]:
    return [path.name for path in (warehouse / "versions").iterdir() if BUILDING_SUFFIX in path.name]


def test_a_refresh_killed_at_twenty_random_moments_never_serves_a_partial_warehouse(tmp_path, base_warehouse, kill_drop):
    timing = tmp_path / "timing"
    shutil.copytree(base_warehouse, timing)
    started = time.monotonic()
    assert run_refresh_process(kill_drop, timing).wait(120) == 0
    duration = time.monotonic() - started

    # Two kills early in start-up always land before the publish, whatever the machine's load did
    # to the timing run; the rest are spread over the measured refresh.
    early = [0.3, 0.8]
    moments = early + sorted(random.Random(20261125).uniform(0.02, 1.05) * duration for _ in range(KILLS - len(early)))
    outcomes = []
    for attempt, moment in enumerate(moments):
        warehouse = tmp_path / f"kill{attempt}"
        shutil.copytree(base_warehouse, warehouse)
        served_before = Warehouse(warehouse).current_path()

        process = run_refresh_process(kill_drop, warehouse)
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        process.wait(30)

        store = Warehouse(warehouse)
        count = served_incidents(warehouse)
        if store.current_path() == served_before:
            assert count == TINY_ROWS, f"kill at {moment:.2f}s: the old warehouse changed"
            outcomes.append("old")
        else:
            assert count == TINY_ROWS + KILL_ROWS, f"kill at {moment:.2f}s: a partial warehouse is served"
            outcomes.append("new")

        follow_up = tmp_path / f"follow_up{attempt}"
        follow_up.mkdir()
        (follow_up / "police_incidents_follow_up.csv").write_text(
            incidents_csv(["INC900,2025-08-10T08:00,E05990003,,V900,female,45-54,mixed,standard,1,0,,no,"])
        )
        settings = Settings(warehouse=warehouse)
        report = refresh(follow_up, warehouse=warehouse, settings=settings)
        assert report.outcome == "completed", f"kill at {moment:.2f}s: the next refresh did not complete"
        assert served_incidents(warehouse) == count + 1
        assert building_files(warehouse) == []
        shutil.rmtree(warehouse)
    # The moments span the run, so some kills land before the publish and (usually) one after.
    assert "old" in outcomes


@pytest.fixture
def served(tmp_path, settings) -> Path:
    refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)
    return Warehouse(settings.warehouse).current_path()


@pytest.fixture
def second_drop(tmp_path) -> Path:
    drop = tmp_path / "second"
    drop.mkdir()
    (drop / "police_incidents_second.csv").write_text(
        incidents_csv(["INC901,2025-08-10T08:00,E05990003,,V901,female,45-54,mixed,standard,1,0,,no,"])
    )
    return drop


def assert_old_warehouse_still_served(settings: Settings, served: Path, bytes_before: bytes) -> None:
    store = Warehouse(settings.warehouse)
    assert store.current_path() == served
    assert served.read_bytes() == bytes_before
    assert served_incidents(settings.warehouse) == TINY_ROWS
    assert building_files(settings.warehouse) == []
    assert sorted(path.name for path in store.versions.glob("*.duckdb")) == [served.name]


def raise_os_error(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


def test_a_full_disk_while_copying_the_warehouse_fails_clearly_and_leaves_it_serving(settings, served, second_drop, monkeypatch):
    before = served.read_bytes()

    def copy_half_then_fill_the_disk(source, target, *args, **kwargs):
        Path(target).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(etl.version_start.shutil, "copyfile", copy_half_then_fill_the_disk)
    with pytest.raises(RefreshFailed, match="no space left on the device holding the warehouse") as failure:
        refresh(second_drop, warehouse=settings.warehouse, settings=settings)
    assert str(settings.warehouse / "versions") in str(failure.value)
    assert_old_warehouse_still_served(settings, served, before)


def test_a_full_disk_while_duckdb_writes_fails_clearly_and_leaves_it_serving(settings, served, second_drop, monkeypatch):
    before = served.read_bytes()
    real_connect = duckdb.connect

    class FullDiskConnection:
        """Writes go through until the checkpoint, which finds the disk full."""

        def __init__(self, connection):
            self._connection = connection

        def execute(self, sql, *args, **kwargs):
            if sql.strip().lower() == "checkpoint":
                raise duckdb.IOException('Could not write file "x.building": No space left on device')
            return self._connection.execute(sql, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._connection, name)

        def __enter__(self):  # the refresh reads the served version in a `with` block
            return self

        def __exit__(self, *exc_info):
            self._connection.close()

    monkeypatch.setattr(
        pipeline.refresh.duckdb, "connect", lambda *args, **kwargs: FullDiskConnection(real_connect(*args, **kwargs))
    )
    with pytest.raises(RefreshFailed, match="no space left on the device holding the warehouse"):
        refresh(second_drop, warehouse=settings.warehouse, settings=settings)
    monkeypatch.undo()
    assert_old_warehouse_still_served(settings, served, before)
    assert refresh(second_drop, warehouse=settings.warehouse, settings=settings).outcome == "completed"


def test_a_full_disk_while_bringing_a_version_due_to_go_up_to_date_fails_clearly_and_leaves_it_serving(
    tmp_path, settings, served, second_drop, monkeypatch
):
    store = Warehouse(settings.warehouse)
    for number in range(settings.keep_versions - 1):  # publish until the oldest version is due to go
        drop = tmp_path / f"more{number}"
        drop.mkdir()
        (drop / f"police_incidents_more{number}.csv").write_text(
            incidents_csv([f"INC95{number},2025-08-11T08:00,E05990003,,V95{number},female,45-54,mixed,standard,1,0,,no,"])
        )
        refresh(drop, warehouse=settings.warehouse, settings=settings)
    now_served = store.current_path()
    before = now_served.read_bytes()
    monkeypatch.setattr(etl.version_start.os, "pwrite", raise_os_error(errno.ENOSPC))

    with pytest.raises(RefreshFailed, match="no space left on the device holding the warehouse"):
        refresh(second_drop, warehouse=settings.warehouse, settings=settings)

    assert store.current_path() == now_served
    assert now_served.read_bytes() == before
    assert building_files(settings.warehouse) == []
    assert not served.exists()  # the version taken (the oldest) is gone; the served one and the one before it stay
    assert len(list(store.versions.glob("*.duckdb"))) == settings.keep_versions - 1
    monkeypatch.undo()
    assert refresh(second_drop, warehouse=settings.warehouse, settings=settings).outcome == "completed"


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_an_unwritable_warehouse_folder_fails_clearly_and_leaves_it_serving(settings, served, second_drop, monkeypatch, code):
    before = served.read_bytes()
    monkeypatch.setattr(etl.version_start.shutil, "copyfile", raise_os_error(code))
    with pytest.raises(RefreshFailed, match="cannot write to") as failure:
        refresh(second_drop, warehouse=settings.warehouse, settings=settings)
    assert str(settings.warehouse / "versions") in str(failure.value)
    assert_old_warehouse_still_served(settings, served, before)


def test_a_folder_where_the_new_version_should_go_fails_clearly(settings, served, second_drop, monkeypatch):
    """A real failure to write (tests run as root, so chmod alone would not stop the writes)."""
    before = served.read_bytes()
    store = Warehouse(settings.warehouse)
    blocked = "oversight-blocked.duckdb"
    (store.versions / (blocked + BUILDING_SUFFIX)).mkdir()  # DuckDB cannot create its file where a folder is
    monkeypatch.setattr(Warehouse, "new_version_name", lambda self: blocked)
    monkeypatch.setattr(Warehouse, "prune", lambda self, keep: [])  # keep the blocking folder in place
    with pytest.raises(RefreshFailed, match="cannot write to"):
        refresh(second_drop, warehouse=settings.warehouse, settings=settings)
    assert store.current_path() == served and served.read_bytes() == before
    assert served_incidents(settings.warehouse) == TINY_ROWS


def test_a_full_disk_while_switching_the_pointer_leaves_the_old_version_serving(settings, served, second_drop, monkeypatch):
    before = served.read_bytes()
    real_write_text = Path.write_text

    def full_disk_for_the_pointer(self, *args, **kwargs):
        if self.name.startswith(".CURRENT"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk_for_the_pointer)
    with pytest.raises(RefreshFailed, match="no space left on the device holding the warehouse"):
        refresh(second_drop, warehouse=settings.warehouse, settings=settings)
    monkeypatch.undo()
    assert_old_warehouse_still_served(settings, served, before)
    assert not list(settings.warehouse.glob(".CURRENT*"))
