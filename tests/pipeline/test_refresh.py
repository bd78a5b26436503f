"""The nightly refresh on tiny literal drops: what loads, what is rejected and why, what is refused."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import geopandas as gpd
import pytest

import etl.drop as drop_module
from etl.drop import file_sha256, list_drop
from etl.errors import RefreshFailed, RefreshLocked
from etl.marts import mart_settings
from etl.staging import ensure_schema
from etl.warehouse import Warehouse
from pipeline.nightly import refresh as nightly_refresh
from pipeline.refresh import _load_one, build_fingerprint, refresh
from tests.drops import CRIMES_CSV, INCIDENTS_HEADER, SERVICES_CSV, incidents_csv, write_reference_drop, write_tiny_drop


def rows(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with Warehouse(warehouse).connect_read_only() as con:
        return con.execute(sql, params or []).fetchall()


def table_contents(warehouse: Path, table: str) -> list[tuple]:
    with Warehouse(warehouse).connect_read_only() as con:
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns where table_name = ? and column_name not like '\\_%' escape '\\'",
                [table],
            ).fetchall()
        ]
        return con.execute(f"select {', '.join(columns)} from {table} order by all").fetchall()


def test_refresh_loads_good_rows_and_keeps_rejects_with_reasons(tmp_path, settings):
    drop = write_tiny_drop(tmp_path / "drop")

    report = refresh(drop, warehouse=settings.warehouse, settings=settings)

    assert report.outcome == "completed"
    assert report.exit_code == 0
    incidents = next(file for file in report.files if file.extract == "police_incidents")
    assert (incidents.rows_in_file, incidents.rows_loaded, incidents.rows_rejected) == (5, 3, 2)
    assert all(file.balanced for file in report.files if file.status == "loaded")
    loaded = rows(settings.warehouse, "select incident_id, ward_code from stg_police_incidents order by incident_id")
    # INC003 gave only an LSOA code: its ward comes from the lookup.
    assert loaded == [("INC001", "E05990001"), ("INC002", "E05990002"), ("INC003", "E05990003")]
    rejects = rows(
        settings.warehouse,
        "select file_name, line, record_id, column_name, value, rule from rejects "
        "where extract = 'police_incidents' order by line, column_name",
    )
    assert rejects == [
        (
            "police_incidents_2025-11-25.csv",
            5,
            "INC004",
            "ward_code",
            "E05990009",
            "unknown ward code: not in the ward boundaries",
        ),
        (
            "police_incidents_2025-11-25.csv",
            6,
            "INC005",
            "reported_at",
            "(withheld: text of several words may name a person or a place)",
            "expected a date and time as YYYY-MM-DDTHH:MM[:SS]",
        ),
        (
            "police_incidents_2025-11-25.csv",
            6,
            "INC005",
            "victim_ethnicity",
            "purple",
            "expected one of asian, black, mixed, white, other, unknown",
        ),
    ]


def test_the_run_log_says_where_the_refresh_spent_its_time(tmp_path, settings):
    drop = write_tiny_drop(tmp_path / "drop")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    refresh(drop, warehouse=settings.warehouse, settings=settings, after_marts=lambda con, changes: None, full=True)
    refresh(drop, warehouse=settings.warehouse, settings=settings, after_marts=lambda con, changes: None)

    first, second, third = Warehouse(settings.warehouse).read_run_log()[-3:]
    per_file = {"fingerprint", "read", "identifier guard", "contract checks", "warehouse checks", "rejects", "staging", "commit"}
    assert per_file | {"marts", "checkpoint", "publish"} == set(first["stage_seconds"])
    # The second drop is unchanged but rebuilt whole (--full), so only fingerprints are taken before the
    # marts; the last version is copied first, and its marts and sums dropped.
    assert {
        "fingerprint",
        "commit",
        "copy last version",
        "drop derived tables",
        "marts",
        "precomputed sums",
        "checkpoint",
        "publish",
    } == set(second["stage_seconds"])
    # with one version published, none is due to go: the second began as a whole copy of it
    assert (first["started_by"], second["started_by"]) == ("", "copied whole")
    # The third is unchanged and not rebuilt: its files' fingerprints are all it costs.
    assert set(third["stage_seconds"]) == {"fingerprint"}
    assert all(seconds >= 0 for seconds in (*first["stage_seconds"].values(), *second["stage_seconds"].values()))


def test_dates_running_backwards_on_the_justice_path_are_rejected(tmp_path, settings):
    refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)
    assert rows(settings.warehouse, "select crime_id from stg_crime_outcomes") == [("CR001",)]
    assert rows(settings.warehouse, "select line, column_name, rule from rejects where extract = 'crime_outcomes'") == [
        (3, "arrested_at", "arrested_at is before recorded_at"),
    ]


def test_second_refresh_of_the_same_drop_changes_nothing_and_publishes_nothing(tmp_path, settings):
    drop = write_tiny_drop(tmp_path / "drop")
    first = refresh(drop, warehouse=settings.warehouse, settings=settings)
    store = Warehouse(settings.warehouse)
    served = store.current_path()
    tables = [
        "stg_police_incidents",
        "stg_crime_outcomes",
        "stg_population",
        "stg_wards",
        "rejects",
        "mart_incidents",
        "mart_wards",
    ]
    before = {table: table_contents(settings.warehouse, table) for table in tables}
    versions = sorted(store.versions.iterdir())

    again = refresh(drop, warehouse=settings.warehouse, settings=settings)

    assert (first.kind, again.kind, again.outcome, again.published, again.exit_code) == (
        "full",
        "unchanged",
        "unchanged",
        None,
        0,
    )
    assert {file.status for file in again.files} == {"unchanged"}
    assert store.current_path() == served and sorted(store.versions.iterdir()) == versions
    assert {table: table_contents(settings.warehouse, table) for table in tables} == before
    # only the run log knows the run that published nothing
    assert rows(settings.warehouse, "select run_id, refresh_kind from etl_runs") == [(first.run_id, "full")]
    logged = [(record["run_id"], record["outcome"], record["kind"]) for record in store.read_run_log()]
    assert logged[-1] == (again.run_id, "unchanged", "unchanged")


def test_an_incoming_folder_with_no_file_changes_nothing_and_publishes_nothing(tmp_path, settings):
    first = refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)
    store = Warehouse(settings.warehouse)
    versions = sorted(store.versions.iterdir())
    empty = tmp_path / "empty"
    empty.mkdir()

    nothing = refresh(empty, warehouse=settings.warehouse, settings=settings)

    assert (nothing.kind, nothing.outcome, nothing.published, nothing.files, nothing.exit_code) == (
        "unchanged",
        "unchanged",
        None,
        [],
        0,
    )
    assert store.current_path() == first.published and sorted(store.versions.iterdir()) == versions
    # asked to, it rebuilds whole and publishes all the same
    assert refresh(empty, warehouse=settings.warehouse, settings=settings, full=True).kind == "full"
    assert len(sorted(store.versions.glob("*.duckdb"))) == 2


def test_each_file_of_a_drop_is_hashed_once_a_refresh(tmp_path, settings, monkeypatch):
    hashed: list[str] = []
    real = drop_module.file_sha256

    def counted(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(drop_module, "file_sha256", counted)
    drop = write_tiny_drop(tmp_path / "drop")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    files = sorted(path.name for path in drop.iterdir())
    assert sorted(hashed) == files
    # A drop with one new file among old ones: whether it was loaded before and each file's load ask for the same
    # fingerprints, worked out once.
    hashed.clear()
    (drop / "crime_outcomes_2025-11-26.csv").write_text(CRIMES_CSV.replace("CR001", "CR009"))
    again = refresh(drop, warehouse=settings.warehouse, settings=settings)
    assert again.outcome == "completed"
    assert sorted(hashed) == sorted([*files, "crime_outcomes_2025-11-26.csv"])


def test_a_ward_shapefile_folder_in_the_drop_is_loaded_and_its_fingerprint_reads_every_file_in_it(tmp_path, settings):
    drop = write_tiny_drop(tmp_path / "drop")
    boundaries = drop / "wards.geojson"
    folder = drop / "wards_2025"
    folder.mkdir()
    gpd.read_file(boundaries).to_file(folder / "wards.shp")
    boundaries.unlink()

    first = refresh(drop, warehouse=settings.warehouse, settings=settings)

    wards = next(file for file in first.files if file.extract == "wards")
    assert (first.outcome, wards.file_name, wards.status) == ("completed", "wards_2025", "loaded")
    assert rows(settings.warehouse, "select count(*) from stg_wards") == [(3,)]
    assert refresh(drop, warehouse=settings.warehouse, settings=settings).outcome == "unchanged"
    fingerprint = file_sha256(folder)
    (folder / "wards.cpg").write_text("LATIN1")  # a companion file is part of what the folder holds
    assert file_sha256(folder) != fingerprint


def test_full_rebuilds_and_publishes_a_drop_loaded_before(tmp_path, settings):
    drop = write_tiny_drop(tmp_path / "drop")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    served = Warehouse(settings.warehouse).current_path()

    full = refresh(drop, warehouse=settings.warehouse, settings=settings, full=True)

    assert (full.kind, full.outcome, full.exit_code) == ("full", "completed", 0)
    assert full.published is not None and Warehouse(settings.warehouse).current_path() != served
    assert {file.status for file in full.files} == {"unchanged"}
    assert rows(settings.warehouse, "select refresh_kind, count(*) from etl_runs group by all") == [("full", 2)]
    assert rows(settings.warehouse, "select count(*) from stg_police_incidents") == [(3,)]


def test_a_full_rebuild_reuses_the_room_of_the_tables_it_makes_again(tmp_path, settings):
    # Every nightly refresh copies the served version whole, so room a rebuild leaves free is copied every night after.
    drop = write_tiny_drop(tmp_path / "drop")
    nightly_refresh(drop, warehouse=settings.warehouse, settings=settings)
    first = rows(settings.warehouse, "select total_blocks from pragma_database_size()")[0][0]

    for _ in range(2):
        full = nightly_refresh(drop, warehouse=settings.warehouse, settings=settings, full=True)
        assert full.kind == "full" and "drop derived tables" in full.stage_seconds
        total, free = rows(settings.warehouse, "select total_blocks, free_blocks from pragma_database_size()")[0]
        assert total <= first * 1.2 and free <= total // 5, (first, total, free)
    assert rows(settings.warehouse, "select count(*) from precomputed_manifest")[0][0] > 0


def test_a_drop_rebuilds_only_the_marts_that_read_what_it_changed(tmp_path, settings):
    refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)
    before = table_contents(settings.warehouse, "mart_incidents")
    second = tmp_path / "second"
    second.mkdir()
    (second / "services.csv").write_text(SERVICES_CSV.replace(",200,2.5,", ",250,2.5,"))

    report = refresh(second, warehouse=settings.warehouse, settings=settings)

    assert report.kind == "incremental"
    # the services register and the file log (freshness) changed; nothing that reads incidents did
    assert report.rebuilt == ["mart_freshness", "mart_service_referrals", "mart_services"]
    assert table_contents(settings.warehouse, "mart_incidents") == before
    assert (250,) in rows(settings.warehouse, "select capacity_per_year from mart_services")
    assert rows(settings.warehouse, "select refresh_kind from etl_runs order by started_at") == [("full",), ("incremental",)]


def test_a_drop_loaded_before_is_rebuilt_when_other_code_built_the_served_version(tmp_path, settings):
    drop = write_tiny_drop(tmp_path / "drop")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    with duckdb.connect(str(Warehouse(settings.warehouse).current_path())) as con:
        con.execute("update refresh_state set build_fingerprint = 'older code'")

    again = refresh(drop, warehouse=settings.warehouse, settings=settings)

    assert again.kind == "full" and again.published is not None
    assert rows(settings.warehouse, "select build_fingerprint from refresh_state") == [
        (build_fingerprint(mart_settings(settings), with_sums=False),)
    ]


def test_a_drop_with_one_new_file_among_old_ones_is_built_and_published(tmp_path, settings):
    drop = write_tiny_drop(tmp_path / "drop")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    (drop / "police_incidents_b.csv").write_text(
        incidents_csv(["INC009,2025-08-10T08:00,E05990003,,V005,female,45-54,mixed,standard,1,0,,no,"])
    )

    again = refresh(drop, warehouse=settings.warehouse, settings=settings)

    assert again.published is not None and again.kind == "incremental"
    assert [file.status for file in again.files].count("loaded") == 1
    assert rows(settings.warehouse, "select count(*) from stg_police_incidents") == [(4,)]


def test_a_newer_row_replaces_the_older_by_id_and_updates_are_counted(tmp_path, settings):
    refresh(write_tiny_drop(tmp_path / "first"), warehouse=settings.warehouse, settings=settings)
    second = tmp_path / "second"
    second.mkdir()
    (second / "police_incidents_2025-11-26.csv").write_text(
        incidents_csv(
            [
                "INC002,2025-05-10T08:00,E05990002,,V002,male,35-44,asian,high,16,0,,no,",
                "INC006,2025-08-10T08:00,E05990003,,V005,female,45-54,mixed,standard,1,0,,no,",
            ]
        )
    )

    report = refresh(second, warehouse=settings.warehouse, settings=settings)

    file = report.files[0]
    assert (file.rows_loaded, file.rows_inserted, file.rows_updated) == (2, 1, 1)
    assert rows(settings.warehouse, "select incident_id, dash_risk from stg_police_incidents order by 1") == [
        ("INC001", "high"),
        ("INC002", "high"),
        ("INC003", "medium"),
        ("INC006", "standard"),
    ]


def test_a_duplicate_id_within_one_file_is_a_rejected_row(tmp_path, settings):
    drop = write_reference_drop(tmp_path / "drop")
    (drop / "police_incidents.csv").write_text(
        incidents_csv(
            [
                "INC001,2025-04-02T22:14:00,E05990001,,V001,female,25-34,white,high,15,2,yes,yes,CR001",
                "INC001,2025-04-03T22:14:00,E05990002,,V001,female,25-34,white,high,15,2,yes,yes,CR001",
            ]
        )
    )
    report = refresh(drop, warehouse=settings.warehouse, settings=settings)
    assert (report.files[-1].rows_loaded, report.files[-1].rows_rejected) == (1, 1)
    assert rows(settings.warehouse, "select line, rule from rejects") == [
        (3, "duplicate incident_id within the file (first on line 2)")
    ]


def test_a_referral_to_a_service_not_in_the_register_is_rejected(tmp_path, settings):
    drop = write_reference_drop(tmp_path / "drop")
    (drop / "service_referrals.csv").write_text(
        "referral_id,service_id,person_id,person_role,referred_at,sex,age_band,ethnicity,ward_code\n"
        "R1,SVC01,V001,victim,2025-04-02T10:00,female,25-34,white,E05990001\n"
        "R2,SVC99,V002,victim,2025-04-02T10:00,female,25-34,white,E05990001\n"
    )
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    assert rows(settings.warehouse, "select referral_id from stg_service_referrals") == [("R1",)]
    assert rows(settings.warehouse, "select line, column_name, rule from rejects") == [
        (3, "service_id", "service_id is not in the services register"),
    ]


def test_unknown_file_is_refused_with_the_known_names_and_the_rest_loads(tmp_path, settings):
    drop = write_tiny_drop(tmp_path / "drop")
    (drop / "victims_list.csv").write_text("a,b\n1,2\n")

    report = refresh(drop, warehouse=settings.warehouse, settings=settings)

    assert report.exit_code == 1
    refused = report.refused[0]
    assert refused.file_name == "victims_list.csv"
    assert "matches no extract" in refused.message and "police_incidents" in refused.message
    assert rows(settings.warehouse, "select count(*) from stg_police_incidents") == [(3,)]


def test_each_file_leaves_no_scratch_table_behind_and_a_refused_one_writes_nothing(tmp_path, settings):
    # A large file's tables as read and checked would otherwise fill DuckDB's memory while the next file loads.
    drop = write_tiny_drop(tmp_path / "drop")
    (drop / "police_incidents_2025-11-26.csv").write_text(
        incidents_csv(["INC009,2025-04-02T22:14:00,E05990001,,V009,female,25-34,white,high,15,2,yes,call 07700 900123"])
    )
    con = duckdb.connect(str(tmp_path / "load.duckdb"))
    ensure_schema(con)
    reports = {}
    for drop_file in list_drop(drop):
        reports[drop_file.path.name] = _load_one(
            con, drop_file, "run", settings=settings, as_of=datetime(2025, 12, 1), seconds={}
        )
        scratch = con.execute(
            "select table_name from duckdb_tables() where temporary and (starts_with(table_name, '_raw_file') "
            "or table_name in ('_checked_file', '_rejected_lines')) union all "
            "select view_name from duckdb_views() where temporary and view_name in ('_named_file', '_contract_file')"
        ).fetchall()
        assert scratch == [], drop_file.path.name
    assert reports["police_incidents_2025-11-26.csv"].status == "refused"
    assert reports["police_incidents_2025-11-25.csv"].status == "loaded"
    assert con.execute("select count(*) from stg_police_incidents where incident_id = 'INC009'").fetchall() == [(0,)]
    assert con.execute("select count(*) from rejects where file_name = 'police_incidents_2025-11-26.csv'").fetchall() == [(0,)]
    assert con.execute("select count(*) from loaded_files where file_name = 'police_incidents_2025-11-26.csv'").fetchall() == [
        (0,)
    ]


def test_missing_required_column_refuses_the_file_naming_file_and_column(tmp_path, settings):
    drop = write_reference_drop(tmp_path / "drop")
    header = INCIDENTS_HEADER.replace("victim_id,", "")
    (drop / "police_incidents.csv").write_text(
        header + "\nINC001,2025-04-02T22:14:00,E05990001,,female,25-34,white,high,15,2,yes,yes,CR001\n"
    )
    report = refresh(drop, warehouse=settings.warehouse, settings=settings)
    message = report.refused[0].message
    assert message.startswith("police_incidents.csv, line 1, column victim_id: missing required column victim_id")
    assert rows(settings.warehouse, "select count(*) from stg_police_incidents") == [(0,)]


def test_a_file_with_a_direct_identifier_is_refused_whole(tmp_path, settings):
    drop = write_reference_drop(tmp_path / "drop")
    (drop / "police_incidents.csv").write_text(
        INCIDENTS_HEADER + ",notes\n"
        "INC001,2025-04-02T22:14:00,E05990001,,V001,female,25-34,white,high,15,2,yes,yes,CR001,\n"
        "INC002,2025-05-10T08:00,E05990002,,V002,male,35-44,asian,standard,3,0,,no,,victim moved to BD7 1AA\n"
    )
    report = refresh(drop, warehouse=settings.warehouse, settings=settings)
    message = report.refused[0].message
    assert "direct identifiers" in message and "BD7 1AA" not in message
    assert rows(settings.warehouse, "select count(*) from stg_police_incidents") == [(0,)]
    assert rows(settings.warehouse, "select count(*) from rejects") == [(0,)]


@pytest.mark.parametrize("variant", ["semicolon_bom", "xlsx", "parquet"])
def test_every_file_format_loads_the_same_rows(tmp_path, settings, variant):
    import polars as pl

    drop = write_reference_drop(tmp_path / "drop")
    text = incidents_csv()
    frame = pl.read_csv(text.encode(), infer_schema_length=0)
    if variant == "semicolon_bom":
        (drop / "police_incidents.csv").write_bytes(b"\xef\xbb\xbf" + text.replace(",", ";").encode())
    elif variant == "xlsx":
        frame.write_excel(drop / "police_incidents.xlsx")
    else:
        frame.write_parquet(drop / "police_incidents.parquet")

    report = refresh(drop, warehouse=settings.warehouse, settings=settings)

    file = report.files[-1]
    assert (file.rows_in_file, file.rows_loaded, file.rows_rejected) == (5, 3, 2)
    # CSV lines and XLSX sheet rows count the header; a Parquet file's rows are numbered from 1.
    expected = [(4,), (5,), (5,)] if variant == "parquet" else [(5,), (6,), (6,)]
    assert rows(settings.warehouse, "select line from rejects order by line") == expected


def test_first_refresh_without_wards_and_population_fails_and_publishes_nothing(tmp_path, settings):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "police_incidents.csv").write_text(incidents_csv())
    with pytest.raises(RefreshFailed, match="ward boundaries"):
        refresh(drop, warehouse=settings.warehouse, settings=settings)
    assert not Warehouse(settings.warehouse).exists()
    assert list((settings.warehouse / "versions").iterdir()) == []
    assert Warehouse(settings.warehouse).read_run_log()[-1]["outcome"] == "failed"


def test_a_failed_refresh_leaves_the_last_good_warehouse_serving(tmp_path, settings):
    refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)
    served = Warehouse(settings.warehouse).current_path()
    with pytest.raises(RefreshFailed):
        refresh(tmp_path / "no-such-folder", warehouse=settings.warehouse, settings=settings)
    assert Warehouse(settings.warehouse).current_path() == served
    assert rows(settings.warehouse, "select count(*) from stg_police_incidents") == [(3,)]


def test_only_one_refresh_runs_at_a_time(tmp_path, settings):
    store = Warehouse(settings.warehouse)
    with store.refresh_lock(), pytest.raises(RefreshLocked, match="another refresh is running"):
        refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)


def test_readers_keep_an_old_version_open_across_a_publish(tmp_path, settings):
    refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)
    reader = Warehouse(settings.warehouse).connect_read_only()
    second = tmp_path / "second"
    second.mkdir()
    (second / "police_incidents_b.csv").write_text(
        incidents_csv(["INC009,2025-08-10T08:00,E05990003,,V005,female,45-54,mixed,standard,1,0,,no,"])
    )
    refresh(second, warehouse=settings.warehouse, settings=settings)
    assert reader.execute("select count(*) from stg_police_incidents").fetchone() == (3,)
    reader.close()
    assert rows(settings.warehouse, "select count(*) from stg_police_incidents") == [(4,)]
    shutil.rmtree(tmp_path / "second")
