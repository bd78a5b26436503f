"""A refresh's new version starts as the served one, byte for byte: a version due to go brought up to date in place
of a whole copy, unless something still reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import version_start
from etl.version_start import BLOCK_BYTES, start_version
from etl.warehouse import Warehouse


def _publish(store: Warehouse, name: str, rows: int) -> Path:
    """A published version named `name` holding `rows` rows, made the served one."""
    store.versions.mkdir(parents=True, exist_ok=True)
    path = store.versions / f"oversight-{name}.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select range as n, md5(range::varchar) as text from range($rows)", {"rows": rows})
    store.pointer.write_text(path.name + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse")


def test_a_version_due_to_go_is_brought_up_to_the_served_one_and_opens_as_it(store):
    oldest = _publish(store, "1", 200_000)
    _publish(store, "2", 10)
    served = store.versions / "oversight-3.duckdb"
    shutil.copyfile(oldest, served)  # a night later: the same rows and a few more
    with duckdb.connect(str(served)) as con:
        con.execute("insert into t select range, 'new' from range(200_000, 200_010)")
    store.pointer.write_text(served.name + "\n", encoding="utf-8")
    building = store.versions / "oversight-4.duckdb.building"

    assert start_version(store, building, keep=3) is True

    assert building.read_bytes() == served.read_bytes()
    assert not oldest.exists()  # it became the new version
    with duckdb.connect(str(building), read_only=True) as con:
        assert con.sql("select count(*), max(n) from t").fetchall() == [(200_010, 200_009)]


@pytest.mark.parametrize("tail", [-1_000, 0, 3 * BLOCK_BYTES + 7], ids=["shorter", "as-long", "longer"])
def test_only_the_blocks_that_differ_are_written_and_the_length_is_the_served_ones(tmp_path, tail, monkeypatch):
    served = tmp_path / "served"
    served.write_bytes(os.urandom(5 * BLOCK_BYTES + 100))
    old = bytearray(served.read_bytes())
    old[2 * BLOCK_BYTES + 5] ^= 0xFF  # block 2 differs
    old = old[:tail] if tail < 0 else old + os.urandom(tail)
    target = tmp_path / "retiring"
    target.write_bytes(bytes(old))
    written: list[int] = []
    real_pwrite = version_start.os.pwrite
    monkeypatch.setattr(
        version_start.os, "pwrite", lambda fd, data, at: written.append(at // BLOCK_BYTES) or real_pwrite(fd, data, at)
    )

    assert version_start._bring_up_to_date(target, served) is True

    assert target.read_bytes() == served.read_bytes()
    # a shorter file's last two blocks (one cut short, one missing) are written too
    assert written == ([2, 4, 5] if tail < 0 else [2])


def test_with_fewer_versions_than_are_kept_the_served_one_is_copied_and_none_goes(store):
    first = _publish(store, "1", 10)
    served = _publish(store, "2", 1_000)
    building = store.versions / "oversight-3.duckdb.building"

    assert start_version(store, building, keep=3) is False

    assert building.read_bytes() == served.read_bytes()
    assert first.exists()


def test_a_version_another_process_reads_is_left_to_its_reader_and_the_served_one_copied(store):
    oldest = _publish(store, "1", 1_000)
    _publish(store, "2", 2_000)
    served = _publish(store, "3", 3_000)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); print(con.sql('select count(*) from t')"
            ".fetchall()[0][0], flush=True); sys.stdin.readline(); print(con.sql('select count(*) from t').fetchall()[0][0])",
            str(oldest),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "1000"  # it has the version open
        building = store.versions / "oversight-4.duckdb.building"

        assert start_version(store, building, keep=3) is False

        assert building.read_bytes() == served.read_bytes()
        assert not oldest.exists()  # unlinked, as pruning would
        output, _ = reader.communicate("go on\n", timeout=60)
    finally:
        reader.kill()
    assert output.strip() == "1000"  # the reader still reads the version it opened, untouched


def test_a_version_this_process_has_open_is_not_written_to(store):
    oldest = _publish(store, "1", 1_000)
    before = oldest.read_bytes()
    _publish(store, "2", 2_000)
    served = _publish(store, "3", 3_000)
    building = store.versions / "oversight-4.duckdb.building"
    with oldest.open("rb"):
        assert start_version(store, building, keep=3) is False
        assert oldest.read_bytes() == before
    assert building.read_bytes() == served.read_bytes()


def test_pruning_and_a_new_version_agree_on_what_goes_and_never_take_the_served_one(store):
    first, second, third = (_publish(store, name, 10) for name in ("1", "2", "3"))
    Path(f"{first}.wal").write_bytes(b"log")
    store.pointer.write_text(second.name + "\n", encoding="utf-8")  # an older version serves (rolled back to)

    assert store.due_to_go(keep=3) == []
    assert store.due_to_go(keep=3, adding=1) == [first]
    assert store.due_to_go(keep=1) == [first]  # the newest is kept, and the served one

    assert store.prune(keep=1) == [first]
    assert not Path(f"{first}.wal").exists()
    assert sorted(path.name for path in store.versions.iterdir()) == [second.name, third.name]
