"""What the refresh promises around the files themselves: one bad file fails only itself, every
attempt leaves a trace from its start, and the warehouse on disk is private."""

from __future__ import annotations

import grp
import json
import os
import stat
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from etl import load
from etl.errors import RefreshFailed
from etl.warehouse import FILE_MODE, FOLDER_MODE, NEVER_FINISHED, STARTED, Warehouse, private_umask
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import incidents_csv, write_tiny_drop

AS_OF = datetime(2026, 1, 1)
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def permissive_umask():
    """A umask that would leave files world-readable, restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_drop_that_is_a_file_says_so(tmp_path):
    drop = tmp_path / "drop.csv"
    drop.write_text("not a folder\n")
    settings = Settings(warehouse=tmp_path / "warehouse")
    with pytest.raises(RefreshFailed, match="is a file, not a folder"):
        refresh(drop, warehouse=settings.warehouse, settings=settings, as_of=AS_OF)
    with pytest.raises(RefreshFailed, match="does not exist"):
        refresh(tmp_path / "absent", warehouse=settings.warehouse, settings=settings, as_of=AS_OF)


def test_an_unexpected_fault_in_one_file_refuses_that_file_only(tmp_path, monkeypatch):
    drop = write_tiny_drop(tmp_path / "drop")
    (drop / "police_incidents_2025-12-01.csv").write_text(
        incidents_csv(["INC900,2025-04-02T22:14:00,E05990001,,V900,female,25-34,white,high,15,2,yes,no,"])
    )
    real_load_table = load._load_table

    def fails_for_one_file(con, drop_file, *args, **kwargs):
        if drop_file.path.name == "police_incidents_2025-12-01.csv":
            raise RuntimeError("secret cell text 07700 900123")
        return real_load_table(con, drop_file, *args, **kwargs)

    monkeypatch.setattr(load, "_load_table", fails_for_one_file)
    settings = Settings(warehouse=tmp_path / "warehouse")
    report = refresh(drop, warehouse=settings.warehouse, settings=settings, as_of=AS_OF)

    assert report.exit_code == 1 and report.published is not None
    statuses = {file.file_name: file.status for file in report.files}
    assert statuses.pop("police_incidents_2025-12-01.csv") == "refused"
    assert set(statuses.values()) == {"loaded"}
    (refused,) = report.refused
    assert refused.message == (
        "police_incidents_2025-12-01.csv: the file could not be loaded (RuntimeError); nothing "
        "from it was loaded; check it opens and matches the data contract"
    )
    assert "07700" not in (settings.warehouse / "runs.jsonl").read_text()


def test_the_run_log_is_written_when_a_refresh_starts(tmp_path):
    drop = write_tiny_drop(tmp_path / "drop")
    store = Warehouse(tmp_path / "warehouse")
    seen = []

    def progress(name, position, total):
        if position == 1 and not seen:
            seen.append(store.read_run_log()[-1]["outcome"])

    settings = Settings(warehouse=store.root)
    report = refresh(drop, warehouse=store.root, settings=settings, as_of=AS_OF, progress=progress)

    assert seen == [STARTED], "while it runs, the attempt shows as started"
    lines = [json.loads(line) for line in store.run_log.read_text().splitlines()]
    assert [(line["run_id"], line["outcome"]) for line in lines] == [(report.run_id, STARTED), (report.run_id, "completed")]
    assert [record["outcome"] for record in store.read_run_log()] == ["completed"], "one record per attempt"


def test_a_refresh_killed_with_sigkill_shows_as_started_never_finished(tmp_path):
    drop = write_tiny_drop(tmp_path / "drop")
    warehouse = tmp_path / "warehouse"
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from pipeline.refresh import refresh
        from oversight.settings import Settings
        def progress(name, position, total):
            os.kill(os.getpid(), signal.SIGKILL)
        refresh(Path({str(drop)!r}), warehouse=Path({str(warehouse)!r}), settings=Settings(warehouse=Path({str(warehouse)!r})),
                progress=progress)
    """)
    finished = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, timeout=300)
    assert finished.returncode == -9

    (attempt,) = Warehouse(warehouse).read_run_log()
    assert attempt["outcome"] == NEVER_FINISHED
    assert "stopped before it finished" in attempt["error"]
    assert not Warehouse(warehouse).exists(), "nothing was published"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_warehouse_is_private_whatever_the_umask(tmp_path, permissive_umask):
    drop = write_tiny_drop(tmp_path / "drop")
    settings = Settings(warehouse=tmp_path / "warehouse")
    refresh(drop, warehouse=settings.warehouse, settings=settings, as_of=AS_OF)

    store = Warehouse(settings.warehouse)
    assert mode(store.root) == FOLDER_MODE == 0o750
    assert mode(store.versions) == 0o750
    files = [store.pointer, store.run_log, store.root / "refresh.lock", *store.versions.iterdir()]
    assert store.current_path() in files
    assert {path.name: mode(path) for path in files} == {path.name: FILE_MODE for path in files}
    assert FILE_MODE == 0o640
    for path in [store.root, *store.root.rglob("*")]:
        assert not mode(path) & stat.S_IRWXO, f"{path} is open to everyone"


def test_the_warehouse_group_is_set_when_named(tmp_path, permissive_umask):
    group = grp.getgrgid(os.getgid()).gr_name
    drop = write_tiny_drop(tmp_path / "drop")
    settings = Settings(warehouse=tmp_path / "warehouse", warehouse_group=group)
    refresh(drop, warehouse=settings.warehouse, settings=settings, as_of=AS_OF)
    for path in [settings.warehouse, *settings.warehouse.rglob("*")]:
        assert path.stat().st_gid == os.getgid()

    wrong = Settings(warehouse=tmp_path / "other", warehouse_group="no-such-group-here")
    with pytest.raises(RefreshFailed, match="the warehouse group 'no-such-group-here' does not exist"):
        refresh(drop, warehouse=wrong.warehouse, settings=wrong, as_of=AS_OF)


def test_private_umask_is_027(permissive_umask):
    assert private_umask() == 0o022
    assert os.umask(0o027) == 0o027


REFERRALS_CSV = """referral_id,service_id,person_id,person_role,referred_at,sex,age_band,ethnicity,ward_code
R001,SVC01,V001,victim,2025-05-01T10:00,female,25-34,white,E05990001
R002,SVC01,V002,victim,2025-06-01T10:00,male,35-44,asian,E05990002
"""


def test_a_service_register_that_would_orphan_referrals_is_refused_and_the_old_one_stays(tmp_path):
    drop = write_tiny_drop(tmp_path / "drop")
    (drop / "service_referrals_2025-12-01.csv").write_text(REFERRALS_CSV)
    settings = Settings(warehouse=tmp_path / "warehouse")
    refresh(drop, warehouse=settings.warehouse, settings=settings, as_of=AS_OF)
    second = tmp_path / "second"
    second.mkdir()
    (second / "services.csv").write_text(
        "service_id,name,provider,service_type,client_groups,wards_served,is_commissioned\n"
        "SVC02,Northfield refuge,Safe Homes,refuge,women;children,E05990001,true\n"
    )

    report = refresh(second, warehouse=settings.warehouse, settings=settings, as_of=AS_OF)

    (refused,) = report.refused
    assert refused.message.startswith(
        "services.csv: it leaves out services still in use: SVC01 (used by 2 service_referrals rows)"
    )
    with Warehouse(settings.warehouse).connect_read_only() as con:
        assert con.execute("select service_id from stg_services order by 1").fetchall() == [("SVC01",), ("SVC02",)]
