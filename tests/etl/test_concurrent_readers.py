"""Readers keep answering while a refresh publishes, and only ever see whole versions."""

from __future__ import annotations

import threading

from etl.warehouse import Warehouse
from pipeline.refresh import refresh
from tests.drops import incidents_csv, write_tiny_drop


def test_reader_queries_in_a_loop_across_publishes_see_no_error_and_only_whole_versions(tmp_path, settings):
    refresh(write_tiny_drop(tmp_path / "first"), warehouse=settings.warehouse, settings=settings)
    store = Warehouse(settings.warehouse)
    seen: set[tuple[int, int]] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_in_a_loop() -> None:
        while not stop.is_set():
            try:
                with store.connect_read_only() as con:
                    # a whole version: its incidents and its run log always belong together
                    incidents = con.sql("select count(*) from stg_police_incidents").fetchall()[0][0]
                    runs = con.sql("select count(*) from etl_runs").fetchall()[0][0]
                seen.add((runs, incidents))
            except BaseException as error:  # any failure at all is what this test looks for
                errors.append(error)

    readers = [threading.Thread(target=read_in_a_loop) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for number in range(4):
            drop = tmp_path / f"drop{number}"
            drop.mkdir()
            (drop / f"police_incidents_{number}.csv").write_text(
                incidents_csv([f"NEW{number},2025-08-10T08:00,E05990003,,V9{number},female,45-54,mixed,standard,1,0,,no,"])
            )
            refresh(drop, warehouse=settings.warehouse, settings=settings)
    finally:
        stop.set()
        for reader in readers:
            reader.join(30)
    assert errors == []
    # run n (1-based) holds the tiny drop's 3 incidents plus one more for each later drop
    assert seen <= {(runs, 3 + runs - 1) for runs in range(1, 6)}
    assert len(seen) >= 2  # the readers really did read across at least one publish
