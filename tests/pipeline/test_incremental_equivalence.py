"""An incremental refresh publishes exactly what a full rebuild of the same inputs publishes.

A tiny warehouse (tests/drops.py's tiny drop) is refreshed with a generated
sequence of small drops: new incidents, updates that move an incident to another month, ward or person,
a new population estimate or services register, and files sent again. The served version is then rebuilt
whole (`full=True`, an empty drop: staging is the same, every mart and sum is rebuilt from it) and every
table of the two versions is compared row for row; only the run log tables, which record the extra run,
may differ.

The refresh here builds the marts only (pipeline.refresh), as the precomputed sums cost some seconds even
on a tiny warehouse: an incremental run either rebuilds the sums whole from its staging and marts or, when
no file changed staging, keeps them, so they equal a full rebuild's whenever staging and marts do.

The full suite runs 200 sequences; the fast tier (--hypothesis-profile=fast) a few.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from etl.warehouse import Warehouse
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import INCIDENTS_ROWS, POPULATION_CSV, SERVICES_CSV, incidents_csv, write_tiny_drop

# The tables that record runs: the full rebuild adds a run, so these differ by construction.
RUN_TABLES = frozenset({"etl_runs", "etl_run_files"})
FULL_TIER = hypothesis_settings.default.max_examples >= 60
SEQUENCES = 200 if FULL_TIER else 3

WARD_CODES = ("E05990001", "E05990002", "E05990003")
VICTIMS = ("V001", "V002", "V003", "V005", "V006")
LOADED_INCIDENTS = ("INC001", "INC002", "INC003")


def _incident(incident_id: str, month: int, day: int, ward: str, victim: str, risk: str) -> str:
    return f"{incident_id},2025-{month:02d}-{day:02d}T10:00:00,{ward},,{victim},female,25-34,white,{risk},5,0,,no,"


incident_rows = st.builds(
    _incident,
    st.one_of(st.sampled_from(LOADED_INCIDENTS), st.sampled_from([f"INC1{n:02d}" for n in range(8)])),
    st.integers(1, 9),
    st.integers(1, 28),
    st.sampled_from(WARD_CODES),
    st.sampled_from(VICTIMS),
    st.sampled_from(("standard", "medium", "high")),
)
population_files = st.integers(100, 2000).map(
    lambda count: POPULATION_CSV.replace("E05990001,2025,female,25-34,white,1000", f"E05990001,2025,female,25-34,white,{count}")
)
services_files = st.integers(10, 400).map(lambda capacity: SERVICES_CSV.replace(",200,2.5,", f",{capacity},2.5,"))
# One file of a drop: (file name, text); a name already sent with the same text is a file sent again.
drop_files = st.one_of(
    st.lists(incident_rows, min_size=1, max_size=4, unique_by=lambda row: row.split(",")[0]).map(
        lambda rows: ("police_incidents", incidents_csv(rows))
    ),
    population_files.map(lambda text: ("population", text)),
    services_files.map(lambda text: ("services", text)),
    st.just(("police_incidents", incidents_csv(INCIDENTS_ROWS))),  # the base drop's file, sent again
)
drops = st.lists(st.lists(drop_files, min_size=1, max_size=3), min_size=1, max_size=3)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("equivalence")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_tiny_drop(root / "drop"), warehouse=settings.warehouse, settings=settings)
    return settings.warehouse


def _write_drop(folder: Path, files: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True)
    for position, (extract, text) in enumerate(files):
        name = "police_incidents_2025-11-25.csv" if text == incidents_csv(INCIDENTS_ROWS) else f"{extract}_{position}.csv"
        if extract != "police_incidents":
            name = f"{extract}.csv"  # a register or estimate: one file per drop
        (folder / name).write_text(text)
    return folder


def _differences(incremental: Path, full: Path) -> dict[str, tuple[int, int]]:
    """Per table, (rows only the incremental version holds, rows only the full rebuild holds); none when equal."""
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental}' as incremental (read_only)")
        con.execute(f"attach '{full}' as full_rebuild (read_only)")
        tables = {
            catalog: {
                name
                for (name,) in con.execute("select table_name from duckdb_tables() where database_name = ?", [catalog]).fetchall()
            }
            for catalog in ("incremental", "full_rebuild")
        }
        assert tables["incremental"] == tables["full_rebuild"]
        found = {}
        for table in sorted(tables["incremental"] - RUN_TABLES):
            one = f"select * from incremental.{table}"
            other = f"select * from full_rebuild.{table}"
            counts = con.execute(
                f"select (select count(*) from ({one} except all {other})), (select count(*) from ({other} except all {one}))"
            ).fetchone()
            if counts != (0, 0):
                found[table] = counts
        return found


@hypothesis_settings(
    max_examples=SEQUENCES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(sequence=drops)
def test_an_incremental_refresh_publishes_what_a_full_rebuild_does(base, tmp_path_factory, sequence):
    root = tmp_path_factory.mktemp("sequence")
    warehouse = root / "warehouse"
    shutil.copytree(base, warehouse)
    settings = Settings(warehouse=warehouse)
    for position, files in enumerate(sequence):
        report = refresh(_write_drop(root / f"drop{position}", files), warehouse=warehouse, settings=settings)
        assert report.outcome in ("completed", "unchanged"), report.error
        assert report.kind in ("incremental", "unchanged")
    incremental = Warehouse(warehouse).current_path()
    (root / "empty").mkdir()
    rebuilt = refresh(root / "empty", warehouse=warehouse, settings=settings, full=True)
    assert rebuilt.kind == "full"
    assert _differences(incremental, Warehouse(warehouse).current_path()) == {}
    shutil.rmtree(root)
