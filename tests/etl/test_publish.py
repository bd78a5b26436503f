"""Atomic publish: a refresh killed at any moment leaves the last good warehouse serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from etl.warehouse import Warehouse
from pipeline.refresh import refresh
from tests.drops import write_reference_drop, write_tiny_drop

BIG_ROWS = 150_000


def write_big_drop(folder: Path) -> Path:
    """A drop large enough that a refresh takes a noticeable time, so kills land mid-way."""
    write_reference_drop(folder)
    index = pl.int_range(0, BIG_ROWS, eager=True)
    frame = pl.DataFrame(
        {
            "incident_id": "BIG" + index.cast(pl.String),
            "reported_at": "2025-0" + (index % 9 + 1).cast(pl.String) + "-15T10:00:00",
            "ward_code": "E0599000" + (index % 3 + 1).cast(pl.String),
            "victim_id": "VB" + (index % 40_000).cast(pl.String),
            "victim_sex": "female",
            "victim_age_band": "25-34",
            "victim_ethnicity": "white",
            "dash_risk": "standard",
            "n_children_present": "0",
            "is_crime": "no",
        }
    )
    frame.write_csv(folder / "police_incidents_big.csv")
    return folder


def run_refresh_process(incoming: Path, warehouse: Path) -> subprocess.Popen:
    environment = dict(os.environ, OVERSIGHT_DUCKDB_THREADS="1")
    return subprocess.Popen(
        [sys.executable, "-m", "oversight.cli", "refresh", "--incoming", str(incoming), "--warehouse", str(warehouse)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )


@pytest.fixture(scope="module")
def big_drop(tmp_path_factory) -> Path:
    return write_big_drop(tmp_path_factory.mktemp("big") / "drop")


@pytest.fixture(scope="module")
def full_refresh_seconds(big_drop, tmp_path_factory) -> float:
    warehouse = tmp_path_factory.mktemp("timing") / "warehouse"
    seed = write_tiny_drop(tmp_path_factory.mktemp("seed") / "drop")
    assert run_refresh_process(seed, warehouse).wait(120) == 0
    started = time.monotonic()
    assert run_refresh_process(big_drop, warehouse).wait(300) == 0
    return time.monotonic() - started


@pytest.mark.parametrize("fraction", [0.05, 0.2, 0.4, 0.6, 0.8, 0.95])
def test_a_refresh_killed_mid_way_leaves_the_old_warehouse_serving(tmp_path, settings, big_drop, full_refresh_seconds, fraction):
    refresh(write_tiny_drop(tmp_path / "first"), warehouse=settings.warehouse, settings=settings)
    served = Warehouse(settings.warehouse).current_path()

    process = run_refresh_process(big_drop, settings.warehouse)
    time.sleep(full_refresh_seconds * fraction)
    process.send_signal(signal.SIGKILL)
    process.wait(30)

    store = Warehouse(settings.warehouse)
    with store.connect_read_only() as con:
        count = con.execute("select count(*) from stg_police_incidents").fetchone()[0]
    # Either the kill came after the publish (all rows) or before it (the old version, whole).
    if store.current_path() == served:
        assert count == 3
    else:
        assert count == 3 + BIG_ROWS

    report = refresh(big_drop, warehouse=settings.warehouse, settings=settings)
    assert report.outcome == "completed"
    with store.connect_read_only() as con:
        assert con.execute("select count(*) from stg_police_incidents").fetchone()[0] == 3 + BIG_ROWS
    leftovers = [path.name for path in store.versions.iterdir() if ".building" in path.name]
    assert leftovers == []
