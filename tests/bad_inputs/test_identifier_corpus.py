"""Nothing identifying is kept anywhere: one warehouse built from every case that plants an
identifier, searched table by table and log by log for every planted string.

Every case in `cases/` that lists strings under `never_echo` contributes its files to one drop
(renamed so they can sit side by side, each keeping its extract's prefix). The drop is loaded
on top of the tiny drop's warehouse; then every column of every table of every published
version, the run log and every other text file in the warehouse folder are searched for each
planted string as written, in its NFKC form, and (for numbers) as its digits alone.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from etl.drop import extract_for
from etl.pii.values import safe_file_name
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import write_tiny_drop

CASES = Path(__file__).parent / "cases"
AS_OF = datetime(2026, 1, 1)


def planting_cases() -> dict[str, dict]:
    cases = {}
    for folder in sorted(CASES.iterdir()):
        expected_file = folder / "expected.json"
        if expected_file.is_file():
            expected = json.loads(expected_file.read_text(encoding="utf-8"))
            if expected.get("never_echo") and not expected.get("symlinks"):
                cases[folder.name] = expected
    return cases


def forms(planted: str) -> set[str]:
    """The planted string as written, NFKC-normalised, and as its digits alone when it is a number."""
    found = {planted, unicodedata.normalize("NFKC", planted)}
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", planted))
    if len(digits) >= 9:
        found.add(digits)
    return found


def everything_stored(warehouse: Path) -> str:
    """Every value of every table of every version, and every text file in the warehouse folder."""
    parts = []
    for version in sorted((warehouse / "versions").glob("*.duckdb")):
        with duckdb.connect(str(version), read_only=True) as con:
            tables = [name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()]
            for table in tables:
                for row in con.execute(f'select * from "{table}"').fetchall():
                    parts.append(json.dumps([str(value) for value in row], ensure_ascii=False))
    for path in warehouse.rglob("*"):
        if path.is_file() and not path.name.endswith((".duckdb", ".wal")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".jsonl":
                text = "\n".join(json.dumps(json.loads(line), ensure_ascii=False) for line in text.splitlines() if line)
            parts.append(text)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def corpus_warehouse(tmp_path_factory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("identifier_corpus")
    settings = Settings(warehouse=root / "warehouse")
    refresh(write_tiny_drop(root / "base"), warehouse=settings.warehouse, settings=settings, as_of=AS_OF)
    drop = root / "drop"
    drop.mkdir()
    for case in planting_cases():
        for path in (CASES / case).iterdir():
            if path.name == "expected.json" or path.is_dir():
                continue
            extract = extract_for(path.name)
            assert extract, path
            # renamed to sit beside the others, unless the name is itself what the case plants
            name = path.name if safe_file_name(path) != path.name else f"{extract}_{case}{path.suffix}"
            shutil.copyfile(path, drop / name)
    report = refresh(drop, warehouse=settings.warehouse, settings=settings, as_of=AS_OF)
    return settings.warehouse, report.files


def test_the_corpus_plants_many_identifiers():
    planted = {value for expected in planting_cases().values() for value in expected["never_echo"]}
    assert len(planting_cases()) >= 40 and len(planted) >= 25


def test_every_identifying_file_is_refused_and_the_rest_of_the_night_loads(corpus_warehouse):
    _, files = corpus_warehouse
    statuses = {file.file_name: file.status for file in files}
    loaded = {name for name, status in statuses.items() if status == "loaded"}
    # Only the rejects case loads: its identifying cells are rejected and withheld, never stored.
    assert loaded == {"police_incidents_rejects_never_kept_verbatim.csv"}
    assert {status for name, status in statuses.items() if name not in loaded} == {"refused"}


@pytest.mark.parametrize("case", sorted(planting_cases()))
def test_no_planted_identifier_is_stored_anywhere(case, corpus_warehouse):
    warehouse, _ = corpus_warehouse
    stored = everything_stored(warehouse)
    assert "Northfield" in stored, "the search reads the tables (a ward name from the tiny drop is found)"
    for planted in planting_cases()[case]["never_echo"]:
        for form in forms(planted):
            assert form not in stored, f"{case}: {form!r} is stored in the warehouse"
