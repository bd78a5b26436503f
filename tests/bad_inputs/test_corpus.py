"""Bad input, each case a test: a malformed drop in `cases/<name>/` and its exact outcome.

Every case starts from a warehouse holding the tiny drop (tests/drops.py), refreshes the
case's files against it, and checks what `expected.json` says: per file the status, the
row counts, the rejected (line, column, rule) triples or the fragments of the refusal
message. Beyond that, for every case: the message names the file (and its line and
column when given); rows loaded + rows rejected = rows in the file; a refused file loads
nothing; rows from earlier drops are untouched; and no message, note or stored reject
repeats a direct identifier the case lists under `never_echo`.

`expected.json`:
    {"about": "...", "resend_from_base": [file names copied from the tiny drop],
     "symlinks": {"<name in the drop>": "<target, e.g. ../outside/x.csv>"} (an `outside/` folder of
                 the case is copied beside the drop, never into it; other folders go into the drop),
     "files": {"<name>": {"status": "loaded", "rows_in_file": 3, "rows_loaded": 2,
                          "rows_rejected": 1, "rows_updated": 0,
                          "rejects": [[line, column, rule], ...], "notes": ["fragment"]},
               "<name>": {"status": "refused", "line": 3, "column": "victim_id",
                          "message": ["fragment", ...]},
               "<name>": {"status": "unchanged"}},
     "never_echo": ["AB123456C"]}
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from etl.warehouse import Warehouse
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_tiny_drop

CASES = Path(__file__).parent / "cases"
AS_OF = datetime(2026, 1, 1)
EXPECTATIONS = "expected.json"
OUTSIDE = "outside"


def case_names() -> list[str]:
    return sorted(path.name for path in CASES.iterdir() if (path / EXPECTATIONS).is_file())


@pytest.fixture(scope="session")
def corpus_base(tmp_path_factory) -> tuple[Path, Path]:
    """(the tiny drop, a warehouse holding it), built once and copied for each case.

    A whole refresh per case, over a hundred cases: tests/conftest.py puts the tests that use it in the
    slow tier."""
    root = tmp_path_factory.mktemp("bad_inputs_base")
    drop = write_tiny_drop(root / "drop")
    settings = Settings(warehouse=root / "warehouse")
    refresh(drop, warehouse=settings.warehouse, settings=settings, as_of=AS_OF)
    return drop, settings.warehouse


def staged(warehouse: Path) -> dict[str, list[tuple]]:
    """Every staging table and the rejects, as sorted rows (with their lineage columns)."""
    with Warehouse(warehouse).connect_read_only() as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_name like 'stg\\_%' escape '\\' "
                "or table_name = 'rejects' order by 1"
            ).fetchall()
        ]
        return {table: con.execute(f"select * from {table} order by all").fetchall() for table in tables}


def columns_of(warehouse: Path, table: str) -> list[str]:
    with Warehouse(warehouse).connect_read_only() as con:
        return [row[0] for row in con.execute(f"select * from {table} limit 0").description]


def rejects_of(warehouse: Path, run_id: str) -> list[tuple]:
    with Warehouse(warehouse).connect_read_only() as con:
        return con.execute(
            "select file_name, line, column_name, rule, value from rejects where run_id = ? "
            "order by file_name, line, column_name",
            [run_id],
        ).fetchall()


def run_log_text(warehouse: Path) -> str:
    """The run log with its JSON escapes undone, so a planted `ä` or no-break space is found as written."""
    lines = Path(warehouse / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    return "\n".join(json.dumps(json.loads(line), ensure_ascii=False) for line in lines)


def rejects_with_record_ids(warehouse: Path, run_id: str) -> list[tuple]:
    with Warehouse(warehouse).connect_read_only() as con:
        return con.execute("select record_id, value from rejects where run_id = ?", [run_id]).fetchall()


@pytest.mark.parametrize("case", case_names())
def test_bad_input(case, corpus_base, tmp_path):
    folder = CASES / case
    expected = json.loads((folder / EXPECTATIONS).read_text(encoding="utf-8"))
    base_drop, base_warehouse = corpus_base
    warehouse = tmp_path / "warehouse"
    shutil.copytree(base_warehouse, warehouse)
    drop = tmp_path / "drop"
    drop.mkdir()
    for path in folder.iterdir():
        if path.name == OUTSIDE:  # files beside the drop, never in it, for links to point at
            shutil.copytree(path, tmp_path / OUTSIDE)
        elif path.is_dir():
            shutil.copytree(path, drop / path.name)
        elif path.name != EXPECTATIONS:
            shutil.copyfile(path, drop / path.name)
    for name in expected.get("resend_from_base", []):
        shutil.copyfile(base_drop / name, drop / name)
    for name, target in expected.get("symlinks", {}).items():
        (drop / name).symlink_to(target)
    before = staged(warehouse)
    served_before = Warehouse(warehouse).current_path()

    report = refresh(drop, warehouse=warehouse, settings=Settings(warehouse=warehouse), as_of=AS_OF)

    files = {file.file_name: file for file in report.files}
    assert sorted(files) == sorted(expected["files"]), "every file of the drop is reported, and only those"
    rejects = rejects_of(warehouse, report.run_id)
    for name, want in expected["files"].items():
        got = files[name]
        summary = f"{name}: {got.status} {got.rows_in_file}/{got.rows_loaded}/{got.rows_rejected} {got.message!r} {got.notes}"
        assert got.status == want["status"], summary
        if got.status == "refused":
            assert (got.rows_loaded, got.rows_rejected) == (0, 0), summary
            assert got.message.startswith(name), f"the message names the file: {summary}"
            if want.get("line") is not None:
                assert f", line {want['line']}" in got.message, summary
            if want.get("column") is not None:
                assert f"column {want['column']}" in got.message, summary
            for fragment in want.get("message", []):
                assert fragment in got.message, summary
            assert not [row for row in rejects if row[0] == name], "a refused file keeps no rejects"
        elif got.status == "loaded":
            counts = {key: getattr(got, key) for key in ("rows_in_file", "rows_loaded", "rows_rejected", "rows_updated")}
            assert counts == {key: want.get(key, 0) for key in counts}, summary
            assert got.rows_loaded + got.rows_rejected == got.rows_in_file, summary
            file_rejects = [row for row in rejects if row[0] == name]
            assert sorted(([line, column, rule] for _, line, column, rule, _ in file_rejects), key=repr) == sorted(
                want.get("rejects", []), key=repr
            ), summary
            assert len({line for _, line, _, _, _ in file_rejects}) == got.rows_rejected, summary
            for fragment in want.get("notes", []):
                assert any(fragment in note for note in got.notes), summary

    after = staged(warehouse)
    inserted_rows = Counter()
    updated_rows = Counter()
    for file in report.files:
        if file.status == "loaded" and file.extract:
            inserted_rows[f"stg_{file.extract}"] += file.rows_inserted
            updated_rows[f"stg_{file.extract}"] += file.rows_updated
    for table, rows_before in before.items():
        run_column = columns_of(warehouse, table).index("run_id" if table == "rejects" else "_run_id")
        kept = [row for row in after[table] if row[run_column] != report.run_id]
        new = [row for row in after[table] if row[run_column] == report.run_id]
        if table == "rejects":
            assert kept == rows_before, "earlier rejects are untouched"
            continue
        assert {repr(row) for row in kept} <= {repr(row) for row in rows_before}, f"{table}: earlier rows are untouched"
        # An update replaces an earlier drop's row, or a row an earlier file of this drop loaded.
        replaced = len(rows_before) - len(kept)
        assert replaced <= updated_rows[table], f"{table}: only updated ids replace earlier rows"
        assert len(new) == inserted_rows[table] + replaced, f"{table}: the rows loaded are the rows reported"

    if report.published is None or all(file.status != "loaded" for file in report.files):
        assert after == before, "a drop that loads nothing changes no staged row"
    assert served_before.exists(), "the previous version is kept for readers that hold it open"

    said = (
        json.dumps([[file.message, file.notes] for file in report.files], ensure_ascii=False)
        + json.dumps([[row[4], row[3]] for row in rejects], ensure_ascii=False)
        + run_log_text(warehouse)
    )
    said += json.dumps(rejects_with_record_ids(warehouse, report.run_id), ensure_ascii=False)
    for identifier in expected.get("never_echo", []):
        assert identifier not in said, f"a direct identifier was repeated: {identifier}"
