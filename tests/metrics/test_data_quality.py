"""Data and refresh queries against a tiny warehouse with rejects, checked by hand.

The drop is tests/drops.py's tiny drop plus a second incidents file:
- police_incidents_2025-11-25.csv: INC001 Northfield, INC002 Eastgate, INC003 Southmoor (by LSOA), all
  fully recorded; INC004 (unknown ward E05990009) and INC005 (bad date, ethnicity `purple`) rejected;
- police_incidents_2025-12-01.csv: INC006 Northfield (sex, age, ethnicity unknown, DASH not assessed)
  and INC007 Eastgate (ethnicity unknown), latest event 15 July 2025;
- crime_outcomes_2025-11-25.csv: CR001 loaded (recorded 3 April 2025), CR003 rejected (arrest before
  recording).
The same drop is refreshed three times: the second run is asked to rebuild whole (`full`) and finds
every file unchanged; the third finds the same and publishes nothing. Then a refresh from a missing
folder fails.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from etl.errors import RefreshFailed
from etl.warehouse import Warehouse
from metrics.aggregate import UnsupportedCut
from metrics.data_quality import (
    completeness,
    freshness,
    may_see_record_level,
    refresh_history,
    rejected_rows,
    rows_by_extract,
    run_log_size,
)
from metrics.disclosure import Audience, DisclosureRule
from oversight.settings import Settings
from pipeline.refresh import refresh
from tests.drops import incidents_csv, write_tiny_drop

OPEN = DisclosureRule.unsuppressed()
BOARD = DisclosureRule(threshold=7, rounding_base=5)
SECOND_INCIDENTS = [
    "INC006,2025-06-20T10:00:00,E05990001,,V006,unknown,unknown,,not_assessed,,0,,no,",
    "INC007,2025-07-15T09:00:00,E05990002,,V007,female,45-54,unknown,standard,4,0,,no,",
]
STILL_REJECTED = [
    ("crime_outcomes_2025-11-25.csv", 3, "CR003", "arrested_at", "2025-06-01T10:00"),
    ("police_incidents_2025-11-25.csv", 5, "INC004", "ward_code", "E05990009"),
    (
        "police_incidents_2025-11-25.csv",
        6,
        "INC005",
        "reported_at",
        "(withheld: text of several words may name a person or a place)",
    ),
    ("police_incidents_2025-11-25.csv", 6, "INC005", "victim_ethnicity", "purple"),
]


def _drop(folder):
    write_tiny_drop(folder)
    (folder / "police_incidents_2025-12-01.csv").write_text(incidents_csv(SECOND_INCIDENTS))
    return folder


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    root = tmp_path_factory.mktemp("data_quality")
    settings = Settings(warehouse=root / "warehouse")
    drop = _drop(root / "drop")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    refresh(drop, warehouse=settings.warehouse, settings=settings, full=True)
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    with pytest.raises(RefreshFailed):
        refresh(root / "missing", warehouse=settings.warehouse, settings=settings)
    store = Warehouse(settings.warehouse)
    con = store.connect_read_only()
    yield con, store
    con.close()


def test_refresh_history_lists_every_attempt_newest_first_in_words(refreshed):
    con, store = refreshed
    history = refresh_history(con, OPEN, store.read_run_log())
    columns = ("outcome", "files_loaded", "files_unchanged", "rows_in_files", "rows_loaded", "rows_rejected", "is_served")
    assert [tuple(row[column] for column in columns) for row in history.iter_rows(named=True)] == [
        ("failed", 0, 0, 0, 0, 0, False),
        ("unchanged", 0, 7, 0, 0, 0, False),
        ("completed", 0, 7, 0, 0, 0, True),
        ("completed", 7, 0, 21, 18, 3, False),
    ]
    # the failed run was to be incremental; it published nothing, so the page says it rebuilt nothing
    assert history["kind"].to_list() == ["incremental", "unchanged", "full", "full"]
    assert history["summary"].to_list() == [
        f"Failed: nothing was published, so the data shown did not change. Reason: the incoming folder "
        f"{store.root.parent / 'missing'} does not exist",
        "Nothing changed: 7 files received, every one loaded before, so no new version was published and the "
        "data shown did not change.",
        "Completed: no files loaded, 7 files unchanged since an earlier refresh, no rows loaded and no rows "
        "rejected. These are the data shown now.",
        "Completed: 7 files loaded, 18 rows loaded and 3 rows rejected.",
    ]
    assert history["is_failed"].to_list() == [True, False, False, False]


def test_refresh_history_without_a_warehouse_reads_the_log_alone(refreshed):
    _, store = refreshed
    history = refresh_history(None, OPEN, store.read_run_log())
    assert history["outcome"].to_list() == ["failed", "unchanged", "completed", "completed"]
    assert not history["is_served"].any()
    assert refresh_history(None, OPEN, []).is_empty()


def test_a_log_line_from_an_older_version_still_shows(refreshed):
    history = refresh_history(None, OPEN, [{"run_id": "old", "started_at": "yesterday", "outcome": "completed"}])
    assert history.select("run_id", "started_at", "files_seen").rows() == [("old", None, 0)]


def test_the_run_log_size_grows_with_each_attempt(refreshed, tmp_path):
    _, store = refreshed
    assert run_log_size(store.root) == store.run_log.stat().st_size > 0
    assert run_log_size(tmp_path) == 0


def test_rows_by_extract_counts_file_rows_in_the_latest_runs(refreshed):
    con, _ = refreshed
    columns = ("extract", "files", "files_loaded", "files_unchanged", "rows_in_files", "rows_loaded", "rows_rejected")
    latest = rows_by_extract(con, BOARD, latest_runs=1)
    assert latest.select(columns).rows() == [
        ("crime_outcomes", 1, 0, 1, 0, 0, 0),
        ("lsoa_ward_lookup", 1, 0, 1, 0, 0, 0),
        ("police_incidents", 2, 0, 2, 0, 0, 0),
        ("population", 1, 0, 1, 0, 0, 0),
        ("services", 1, 0, 1, 0, 0, 0),
        ("wards", 1, 0, 1, 0, 0, 0),
    ]
    both = rows_by_extract(con, BOARD, latest_runs=2)
    first_run = both.filter(pl.col("started_at") == pl.col("started_at").min())
    assert first_run.select(columns).rows() == [
        ("crime_outcomes", 1, 1, 0, 2, 1, 1),
        ("lsoa_ward_lookup", 1, 1, 0, 2, 2, 0),
        ("police_incidents", 2, 2, 0, 7, 5, 2),
        ("population", 1, 1, 0, 5, 5, 0),
        ("services", 1, 1, 0, 2, 2, 0),
        ("wards", 1, 1, 0, 3, 3, 0),
    ]
    assert first_run.filter(pl.col("extract") == "police_incidents")["extract_title"].to_list() == [
        "Police: domestic abuse incidents and crimes"
    ]


@pytest.mark.parametrize("rule", [OPEN, BOARD], ids=["open", "board"])
def test_completeness_for_the_district_is_published_as_it_is(refreshed, rule):
    con, _ = refreshed
    frame = completeness(con, rule)
    assert frame.select("extract", "field", "records", "recorded", "recorded_pct").rows() == [
        ("police_incidents", "Ward known", 5, 5, 100.0),
        ("police_incidents", "Victim's sex recorded", 5, 4, 80.0),
        ("police_incidents", "Victim's age band recorded", 5, 4, 80.0),
        ("police_incidents", "Victim's ethnic group recorded", 5, 3, 60.0),
        ("police_incidents", "DASH risk assessed", 5, 4, 80.0),
        ("police_incidents", "Victim's disability recorded", 5, 0, 0.0),
        ("police_incidents", "Whether the victim is LGBT+ recorded", 5, 0, 0.0),
        ("crime_outcomes", "Ward known", 1, 1, 100.0),
        ("crime_outcomes", "Linked to its police incident", 1, 1, 100.0),
    ]  # CR001 was convicted, so no crime was lost and none needs a victim issue
    assert frame["cut"].unique().to_list() == ["district"]


def test_completeness_by_ward_is_protected_below_district_level(refreshed):
    con, _ = refreshed
    ethnicity = pl.col("field") == "Victim's ethnic group recorded"
    columns = ("cut_label", "records", "recorded", "recorded_pct")
    assert completeness(con, OPEN, by="ward").filter(ethnicity).select(columns).rows() == [
        ("whole district", 5, 3, 60.0),
        ("Eastgate", 2, 1, 50.0),
        ("Northfield", 2, 1, 50.0),
        ("Southmoor", 1, 1, 100.0),
    ]
    protected = completeness(con, BOARD, by="ward").filter(ethnicity)
    assert protected.select(columns).rows() == [
        ("whole district", 5, 3, 60.0),
        ("Eastgate", None, None, None),
        ("Northfield", None, None, None),
        ("Southmoor", None, None, None),
    ]
    assert protected["recorded_pct_suppressed"].to_list() == [False, True, True, True]


def test_completeness_cannot_be_cut_by_a_group(refreshed):
    con, _ = refreshed
    with pytest.raises(UnsupportedCut):
        completeness(con, OPEN, by="ethnicity")


def test_freshness_flags_a_source_far_behind_the_newest(refreshed):
    con, _ = refreshed
    frame = freshness(con, BOARD)
    assert frame.select("extract", "status", "days_behind_newest", "is_stale").rows() == [
        ("crime_outcomes", "behind", 102, True),  # 3 April 2025 against 15 July 2025
        ("marac_cases", "not received", None, False),
        ("mash_contacts", "not received", None, False),
        ("police_incidents", "up to date", 0, False),
        ("school_notifications", "not received", None, False),
        ("service_referrals", "not received", None, False),
        ("lsoa_ward_lookup", "reference data", None, False),
        ("population", "reference data", None, False),
        ("services", "reference data", None, False),
        ("wards", "reference data", None, False),
    ]
    assert frame["status_text"][0] == (
        "Behind: its latest event (3 April 2025) is 102 days before the newest source's "
        "(15 July 2025). Check the agency is still sending this extract."
    )
    assert freshness(con, BOARD, stale_after_days=120)["is_stale"].sum() == 0


def test_rejected_rows_stand_while_their_file_is_unchanged(refreshed):
    con, _ = refreshed
    frame = rejected_rows(con, OPEN, limit=500)
    shown = sorted(frame.select("file_name", "line", "record_id", "column_name", "value").rows())
    assert shown == STILL_REJECTED
    assert frame["rejected_at"].is_sorted(descending=True)
    assert rejected_rows(con, OPEN, limit=2).height == 2


def test_a_file_sent_again_fixed_clears_its_rejects(tmp_path):
    settings = Settings(warehouse=tmp_path / "warehouse")
    drop = _drop(tmp_path / "drop")
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    fixed = [
        row.replace("E05990009", "E05990003").replace("not a date", "2025-07-02T10:00").replace("purple", "white")
        for row in incidents_csv().splitlines()[1:]
    ]
    (drop / "police_incidents_2025-11-25.csv").write_text(incidents_csv(fixed))
    refresh(drop, warehouse=settings.warehouse, settings=settings)
    with Warehouse(settings.warehouse).connect_read_only() as con:
        frame = rejected_rows(con, OPEN)
    assert frame.select("file_name", "line", "record_id", "column_name", "value").rows() == [STILL_REJECTED[0]]


def test_only_analysts_may_see_record_level_values():
    assert may_see_record_level(Audience.ANALYST)
    assert not may_see_record_level(Audience.BOARD)
    assert not may_see_record_level(Audience.COMMISSIONER)


def test_freshness_judges_the_latest_event_against_today_too(refreshed):
    con, _ = refreshed
    frame = freshness(con, BOARD, today=date(2025, 12, 4))
    police = frame.filter(pl.col("extract") == "police_incidents").row(0, named=True)
    assert (police["status"], police["days_before_today"], police["is_out_of_date"]) == ("out of date", 142, True)
    assert police["status_text"] == (
        "Out of date: its latest event (15 July 2025) is 142 days before today "
        "(4 December 2025). Check the nightly drop still arrives."
    )
    assert (
        freshness(con, BOARD, today=date(2025, 7, 20)).filter(pl.col("extract") == "police_incidents")["status"][0]
        == "up to date"
    )


def test_a_refresh_that_found_no_file_says_so_in_the_history(tmp_path):
    settings = Settings(warehouse=tmp_path / "warehouse")
    refresh(write_tiny_drop(tmp_path / "drop"), warehouse=settings.warehouse, settings=settings)
    (tmp_path / "empty").mkdir()
    refresh(tmp_path / "empty", warehouse=settings.warehouse, settings=settings)
    store = Warehouse(settings.warehouse)
    with store.connect_read_only() as con:
        history = refresh_history(con, OPEN, store.read_run_log())
    assert history["summary"][0] == (
        "Nothing changed: no file received, so no new version was published and the data shown did not change."
    )
