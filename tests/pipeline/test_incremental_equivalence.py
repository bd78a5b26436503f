"""An incremental refresh publishes exactly what a full rebuild of the same inputs publishes.

A tiny warehouse (tests/drops.py's tiny drop, with a few rows of every other event extract) is refreshed
with a generated sequence of small drops: new incidents, crimes, MARAC cases, referrals, front-door contacts
and school notifications, updates that move one to another month, ward, person, incident or child, a new
population estimate or services register, and files sent again. The served version is then rebuilt
whole (`full=True`, an empty drop: staging is the same, every mart and sum is rebuilt from it) and every
table of the two versions is compared row for row; only the run log tables, which record the extra run,
may differ.

The refresh here builds the marts only (pipeline.refresh), as the precomputed sums cost some seconds even
on a tiny warehouse; tests/pipeline/test_incremental_sums_equivalence.py runs the nightly refresh, sums and
all, over sequences of its own.

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
# The sequences are run in shards of their own, each drawing its own at random, so the test runner spreads them
# over its workers: 4 shards of 50 in the full suite.
SHARDS = 4

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
CHILDREN = ("C1", "C2", "C3")
INCIDENT_IDS = (*LOADED_INCIDENTS, *(f"INC1{n:02d}" for n in range(8)))
months, days = st.integers(1, 9), st.integers(1, 28)

CRIMES_HEADER = (
    "crime_id,incident_id,victim_id,ward_code,recorded_at,arrested_at,cps_referred_at,charge_decision,"
    "charge_decision_at,outcome_code,outcome_at,court_outcome,court_outcome_at,victim_issue"
)


def _crime(crime_id: str, incident: str, victim: str, ward: str, month: int, day: int, decision: str, issue: str) -> str:
    decided = f"2025-{month:02d}-{day:02d}T12:00" if decision else ""
    return f"{crime_id},{incident},{victim},{ward},2025-{month:02d}-{day:02d}T10:00,,,{decision},{decided},,,,,{issue}"


crime_rows = st.builds(
    _crime,
    st.sampled_from(("CR001", "CR003", "CR101", "CR102", "CR103")),
    st.sampled_from(("", *INCIDENT_IDS)),
    st.sampled_from(VICTIMS),
    st.sampled_from(WARD_CODES),
    months,
    days,
    st.sampled_from(("", "charged", "no_further_action")),
    st.sampled_from(("", "none", "retraction")),
)
MARAC_HEADER = (
    "case_id,heard_on,victim_id,referral_agency,n_children_in_household,victim_sex,victim_age_band,victim_ethnicity,ward_code"
)
marac_rows = st.builds(
    lambda case, month, day, victim, ward: f"{case},2025-{month:02d}-{day:02d},{victim},police,1,female,25-34,white,{ward}",
    st.sampled_from(("MC1", "MC2", "MC3")),
    months,
    days,
    st.sampled_from(VICTIMS),
    st.sampled_from(WARD_CODES),
)
REFERRALS_HEADER = (
    "referral_id,service_id,person_id,person_role,referred_at,started_at,ended_at,end_reason,source,sex,age_band,"
    "ethnicity,ward_code"
)


def _referral(referral: str, person: tuple[str, str], month: int, day: int, progress: str, ward: str) -> str:
    at = f"2025-{month:02d}-{day:02d}T"
    started = f"{at}12:00" if progress else ""
    ended, reason = (f"{at}14:00", progress) if progress in ("completed", "disengaged") else ("", "")
    return f"{referral},SVC01,{person[0]},{person[1]},{at}10:00,{started},{ended},{reason},police,female,25-34,white,{ward}"


referral_rows = st.builds(
    _referral,
    st.sampled_from(("RF1", "RF2", "RF3")),
    st.one_of(st.sampled_from(VICTIMS).map(lambda v: (v, "victim")), st.sampled_from(CHILDREN).map(lambda c: (c, "child"))),
    months,
    days,
    st.sampled_from(("", "started", "completed", "disengaged")),
    st.sampled_from(WARD_CODES),
)
MASH_HEADER = (
    "contact_id,child_id,received_at,source,is_domestic_abuse,decision,decided_at,child_sex,child_age_band,"
    "child_ethnicity,ward_code"
)
mash_rows = st.builds(
    lambda contact, child, month, day, sex, ward: (
        f"{contact},{child},2025-{month:02d}-{day:02d}T10:00,police,yes,early_help,2025-{month:02d}-{day:02d}T11:00,"
        f"{sex},5-10,white,{ward}"
    ),
    st.sampled_from(("MA1", "MA2", "MA3")),
    st.sampled_from(CHILDREN),
    months,
    days,
    st.sampled_from(("female", "male")),
    st.sampled_from(WARD_CODES),
)
NOTIFICATIONS_HEADER = "notification_id,incident_id,child_id,school_id,notified_at"
notification_rows = st.builds(
    lambda notification, incident, child, month, day: f"{notification},{incident},{child},SCH1,2025-{month:02d}-{day:02d}T08:00",
    st.sampled_from(("N1", "N2", "N3")),
    st.sampled_from(INCIDENT_IDS),
    st.sampled_from(CHILDREN),
    months,
    days,
)
# The rows of the other event extracts the base warehouse holds, so later files update them by key.
SEED_FILES = {
    "crime_outcomes": (CRIMES_HEADER, ["CR101,INC002,V002,E05990002,2025-05-11T10:00,,,charged,2025-05-12T10:00,,,,,none"]),
    "marac_cases": (MARAC_HEADER, ["MC1,2025-05-20,V001,police,1,female,25-34,white,E05990001"]),
    "service_referrals": (REFERRALS_HEADER, [_referral("RF1", ("V001", "victim"), 4, 20, "started", "E05990001")]),
    "mash_contacts": (
        MASH_HEADER,
        ["MA1,C1,2025-04-05T10:00,police,yes,early_help,2025-04-05T11:00,female,5-10,white,E05990001"],
    ),
    "school_notifications": (NOTIFICATIONS_HEADER, ["N1,INC001,C1,SCH1,2025-04-03T08:00"]),
}


def _event_file(extract: str, header: str, rows: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    """A file of 1 to 3 rows of one extract, each id once."""
    return st.lists(rows, min_size=1, max_size=3, unique_by=lambda row: row.split(",")[0]).map(
        lambda picked: (extract, "\n".join([header, *picked]) + "\n")
    )


# One file of a drop: (file name, text); a name already sent with the same text is a file sent again.
drop_files = st.one_of(
    st.lists(incident_rows, min_size=1, max_size=4, unique_by=lambda row: row.split(",")[0]).map(
        lambda rows: ("police_incidents", incidents_csv(rows))
    ),
    _event_file("crime_outcomes", CRIMES_HEADER, crime_rows),
    _event_file("marac_cases", MARAC_HEADER, marac_rows),
    _event_file("service_referrals", REFERRALS_HEADER, referral_rows),
    _event_file("mash_contacts", MASH_HEADER, mash_rows),
    _event_file("school_notifications", NOTIFICATIONS_HEADER, notification_rows),
    population_files.map(lambda text: ("population", text)),
    services_files.map(lambda text: ("services", text)),
    st.just(("police_incidents", incidents_csv(INCIDENTS_ROWS))),  # the base drop's file, sent again
)
drops = st.lists(st.lists(drop_files, min_size=1, max_size=3), min_size=1, max_size=3)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("equivalence")
    settings = Settings(warehouse=root / "warehouse")
    drop = write_tiny_drop(root / "drop")
    for extract, (header, rows) in SEED_FILES.items():
        (drop / f"{extract}_seed.csv").write_text("\n".join([header, *rows]) + "\n")
    report = refresh(drop, warehouse=settings.warehouse, settings=settings)
    assert not report.refused and report.totals()["rows_rejected"] == 3  # the tiny drop's two bad incidents, one bad crime
    return settings.warehouse


def _write_drop(folder: Path, files: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True)
    for position, (extract, text) in enumerate(files):
        name = "police_incidents_2025-11-25.csv" if text == incidents_csv(INCIDENTS_ROWS) else f"{extract}_{position}.csv"
        if extract in ("population", "services"):
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


@pytest.mark.parametrize("shard", range(SHARDS))
@hypothesis_settings(
    max_examples=max(1, SEQUENCES // SHARDS),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=drops)
def test_an_incremental_refresh_publishes_what_a_full_rebuild_does(base, tmp_path_factory, shard, sequence):
    root = tmp_path_factory.mktemp("sequence")
    warehouse = root / "warehouse"
    shutil.copytree(base, warehouse)
    settings = Settings(warehouse=warehouse)
    for position, files in enumerate(sequence):
        report = refresh(_write_drop(root / f"drop{position}", files), warehouse=warehouse, settings=settings)
        assert report.outcome in ("completed", "unchanged"), report.error
        assert report.totals()["rows_rejected"] == 0 or any(text == incidents_csv(INCIDENTS_ROWS) for _, text in files)
        assert report.kind in ("incremental", "unchanged")
    incremental = Warehouse(warehouse).current_path()
    (root / "empty").mkdir()
    rebuilt = refresh(root / "empty", warehouse=warehouse, settings=settings, full=True)
    assert rebuilt.kind == "full"
    assert _differences(incremental, Warehouse(warehouse).current_path()) == {}
    shutil.rmtree(root)
