"""The nightly refresh, precomputed sums and all, publishes exactly what a full rebuild of the same inputs publishes.

A tiny warehouse (tests/drops.py's tiny drop, with MARAC cases and service referrals) is refreshed by the
nightly refresh (pipeline.nightly: the marts, then the precomputed sums made again only where the drop's
changes reach) with a generated sequence of small drops: new incidents, crimes, MARAC cases and referrals,
updates moving them to another month, ward or person (some far enough to move the latest complete month, the
periods offered and the trend span), a new population estimate or services register, and files sent again.
The served version is then rebuilt whole (`full=True`, an empty drop) and every table of the two versions,
the sums and their manifest included, is compared row for row as multisets (the sums are inserted in another
order); only the run log tables, which record the extra run, may differ. No tolerance: every sum is made
by the same statement over the same rows either way, and these sums are of whole numbers or of the same
population rows.

Each example costs some seconds (each refresh sums every indicator over every period offered), so a sequence
is one or two drops of one or two files: the full suite runs 200 sequences, the fast tier a few.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from etl.warehouse import Warehouse
from oversight.settings import Settings
from pipeline.nightly import refresh
from tests.drops import (
    CRIMES_CSV,
    INCIDENTS_ROWS,
    MARAC_HEADER,
    POPULATION_CSV,
    SERVICES_CSV,
    incidents_csv,
    write_tiny_drop,
)
from tests.pipeline.test_incremental_equivalence import _differences

FULL_TIER = hypothesis_settings.default.max_examples >= 60
SEQUENCES = 200 if FULL_TIER else 3
# The sequences are run in shards of their own, each drawing its own at random, so the test runner spreads them
# over its workers: 4 shards of 50 in the full suite.
SHARDS = 4

WARD_CODES = ("E05990001", "E05990002", "E05990003")
VICTIMS = ("V001", "V002", "V003", "V005")
# From a year before the base drop's incidents to a year after: far moves change the periods offered.
DAYS = st.dates(date(2024, 9, 1), date(2026, 6, 30))
CRIMES_HEADER = CRIMES_CSV.splitlines()[0]
REFERRALS_HEADER = (
    "referral_id,service_id,person_id,person_role,referred_at,started_at,ended_at,end_reason,"
    "sex,age_band,ethnicity,disability,lgbt,ward_code"
)
BASE_MARAC = ["M01,2025-05-01,V001,police,1,female,25-34,white,no,no,E05990001,"]
BASE_REFERRALS = [
    "R01,SVC01,V001,victim,2025-05-01T09:00,2025-05-03T09:00,2025-08-01T09:00,completed,female,25-34,white,no,no,E05990001",
    "R02,SVC02,V002,victim,2025-06-01T09:00,,,,female,35-44,asian,no,no,E05990002",
]


def _incident(incident_id: str, day: date, ward: str, victim: str, risk: str) -> str:
    return f"{incident_id},{day}T10:00:00,{ward},,{victim},female,25-34,white,{risk},5,0,,no,"


def _crime(crime_id: str, incident_id: str, day: date, charged: bool) -> str:
    charge = f"charged,{day}T15:00,1,{day}T15:00" if charged else ",,,"
    return f"{crime_id},{incident_id},V001,E05990001,{day}T10:00,{day}T12:00,{day}T13:00,{charge},,,none"


def _marac(case_id: str, day: date, victim: str, ward: str) -> str:
    return f"{case_id},{day},{victim},police,1,female,25-34,white,no,no,{ward},"


def _referral(referral_id: str, service: str, day: date, started: bool, victim: str, ward: str) -> str:
    start = f"{day}T12:00" if started else ""
    return f"{referral_id},{service},{victim},victim,{day}T09:00,{start},,,female,25-34,white,no,no,{ward}"


def _csv(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def _unique(rows: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(rows, min_size=1, max_size=3, unique_by=lambda row: row.split(",")[0])


incident_rows = st.builds(
    _incident,
    st.sampled_from(("INC001", "INC002", "INC003", "INC101", "INC102", "INC103")),
    DAYS,
    st.sampled_from(WARD_CODES),
    st.sampled_from(VICTIMS),
    st.sampled_from(("standard", "high")),
)
crime_rows = st.builds(
    _crime, st.sampled_from(("CR001", "CR003", "CR101")), st.sampled_from(("INC001", "INC003")), DAYS, st.booleans()
)
marac_rows = st.builds(_marac, st.sampled_from(("M01", "M02")), DAYS, st.sampled_from(VICTIMS), st.sampled_from(WARD_CODES))
referral_rows = st.builds(
    _referral,
    st.sampled_from(("R01", "R02", "R03")),
    st.sampled_from(("SVC01", "SVC02")),
    DAYS,
    st.booleans(),
    st.sampled_from(VICTIMS),
    st.sampled_from(WARD_CODES),
)
# One file of a drop: (extract, text); a file sent again has the text of one loaded before.
drop_files = st.one_of(
    _unique(incident_rows).map(lambda rows: ("police_incidents", incidents_csv(rows))),
    _unique(crime_rows).map(lambda rows: ("crime_outcomes", _csv(CRIMES_HEADER, rows))),
    _unique(marac_rows).map(lambda rows: ("marac_cases", _csv(MARAC_HEADER, rows))),
    _unique(referral_rows).map(lambda rows: ("service_referrals", _csv(REFERRALS_HEADER, rows))),
    st.integers(100, 2000).map(
        lambda count: (
            "population",
            POPULATION_CSV.replace("E05990001,2025,female,25-34,white,1000", f"E05990001,2025,female,25-34,white,{count}"),
        )
    ),
    st.integers(10, 400).map(lambda capacity: ("services", SERVICES_CSV.replace(",200,2.5,", f",{capacity},2.5,"))),
    st.just(("police_incidents", incidents_csv(INCIDENTS_ROWS))),  # the base drop's file, sent again
)
drops = st.lists(st.lists(drop_files, min_size=1, max_size=2, unique_by=lambda file: file[0]), min_size=1, max_size=2)


def _write_drop(folder: Path, files: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True)
    for extract, text in files:
        name = "police_incidents_2025-11-25.csv" if text == incidents_csv(INCIDENTS_ROWS) else f"{extract}_2026-07-01.csv"
        if extract in ("population", "services"):
            name = f"{extract}.csv"  # a register or estimate: one file per drop
        (folder / name).write_text(text)
    return folder


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sums_equivalence")
    settings = Settings(warehouse=root / "warehouse")
    drop = write_tiny_drop(root / "drop")
    (drop / "marac_cases_2025-11-25.csv").write_text(_csv(MARAC_HEADER, BASE_MARAC))
    (drop / "service_referrals_2025-11-25.csv").write_text(_csv(REFERRALS_HEADER, BASE_REFERRALS))
    report = refresh(drop, warehouse=settings.warehouse, settings=settings)
    assert report.outcome == "completed", report.error
    return settings.warehouse


@pytest.mark.parametrize("shard", range(SHARDS))
@hypothesis_settings(
    max_examples=max(1, SEQUENCES // SHARDS),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=drops)
def test_the_nightly_refresh_publishes_the_sums_a_full_rebuild_does(base, tmp_path_factory, shard, sequence):
    root = tmp_path_factory.mktemp("sequence")
    warehouse = root / "warehouse"
    shutil.copytree(base, warehouse)
    settings = Settings(warehouse=warehouse)
    for position, files in enumerate(sequence):
        report = refresh(_write_drop(root / f"drop{position}", files), warehouse=warehouse, settings=settings)
        assert report.outcome in ("completed", "unchanged"), report.error or report.files
        assert report.kind in ("incremental", "unchanged")
    incremental = Warehouse(warehouse).current_path()
    (root / "empty").mkdir()
    rebuilt = refresh(root / "empty", warehouse=warehouse, settings=settings, full=True)
    assert rebuilt.kind == "full"
    assert _differences(incremental, Warehouse(warehouse).current_path()) == {}
    shutil.rmtree(root)
